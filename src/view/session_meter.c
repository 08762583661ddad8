/* Interval reports and the progress line for one relayed connection. */
#include "view/session_meter.h"

#include "base/clock.h"
#include "net/tcpinfo.h"
#include "view/interval_report.h"

uint64_t session_meter_delivered(const struct session_meter *m, const struct tcp_summary *ti,
				 uint64_t written)
{
	/*
	 * Sent means acknowledged by the peer: bytes written sit in the send
	 * buffer (megabytes) long before they go.  The count starts at the
	 * SYN's 1 on a socket that connected and at 0 on one accepted, and
	 * gains 1 for our FIN: less the start, never above what was written.
	 */
	if (!m->have_base || !ti->have_bytes || ti->bytes_acked < m->acked_base)
		return written;
	uint64_t acked = ti->bytes_acked - m->acked_base;
	return acked < written ? acked : written;
}

/* Reads one sample of socket fd, with the byte counts given. */
static void sample(const struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in,
		   struct flow_sample *s)
{
	*s = (struct flow_sample){ .at_ns = now_ns(), .bytes_out = bytes_out, .bytes_in = bytes_in };
	s->have_info = tcpinfo_read(m->fd, &s->ti) == 0;
	s->have_queues = tcpinfo_queues(m->fd, &s->send_q, &s->recv_q) == 0;
	if (s->have_info)
		s->bytes_out = session_meter_delivered(m, &s->ti, bytes_out);
}


static int64_t earlier(int64_t a, int64_t b)
{
	return a == 0 ? b : b == 0 || a < b ? a : b;
}

int64_t session_meter_start(struct session_meter *m, const struct report *r, int fd,
			    long long interval_ms)
{
	struct tcp_summary ti;

	*m = (struct session_meter){ .r = r, .fd = fd, .interval_ms = interval_ms > 0 ? interval_ms : 0 };
	if (tcpinfo_read(fd, &ti) == 0 && ti.have_bytes) {
		m->have_base = true;
		m->acked_base = ti.bytes_acked;
	}
	if (m->interval_ms) {
		interval_report_legend(r);
		sample(m, 0, 0, &m->first);
		m->last = m->first;
		m->next_interval_ns = m->first.at_ns + m->interval_ms * 1000000;
	}
	return m->next_interval_ns;
}

int64_t session_meter_progress(struct session_meter *m, struct report *r, int mode, int64_t total)
{
	progress_init(&m->progress, r, mode, total);
	m->progress_r = r;
	return m->progress.next_ns;
}

/* Reports the interval from the last sample to a new one. */
static void report_interval(struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in)
{
	struct flow_sample now;
	struct interval iv;

	sample(m, bytes_out, bytes_in, &now);
	interval_compute(&m->last, &now, m->first.at_ns, &iv);
	interval_report(m->r, "interval", "interval", NULL, &iv);
	m->last = now;
}

int64_t session_meter_tick(struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in)
{
	int64_t now = now_ns();

	if (m->interval_ms && now >= m->next_interval_ns) {
		report_interval(m, bytes_out, bytes_in);
		/* Keep to the grid: a late tick does not shift the intervals after it. */
		while (m->next_interval_ns <= now)
			m->next_interval_ns += m->interval_ms * 1000000;
	}
	int64_t next_progress = m->progress.next_ns;
	if (m->progress.on && now >= m->progress.next_ns) {
		struct tcp_summary ti;
		uint64_t out = tcpinfo_read(m->fd, &ti) == 0 ? session_meter_delivered(m, &ti, bytes_out)
							      : bytes_out;
		next_progress = progress_update(&m->progress, out, bytes_in);
	}
	return earlier(m->interval_ms ? m->next_interval_ns : 0, next_progress);
}

void session_meter_before_output(struct session_meter *m)
{
	progress_erase(&m->progress);
}

void session_meter_finish(struct session_meter *m, uint64_t bytes_out, uint64_t bytes_in)
{
	if (m->progress_r)
		progress_end(&m->progress, m->progress_r);
	if (!m->interval_ms)
		return;
	/* The last part-interval, so that the intervals add up to the totals (none if it is empty). */
	if (now_ns() - m->last.at_ns >= 1000000 || bytes_in != m->last.bytes_in ||
	    bytes_out != m->last.bytes_out)
		report_interval(m, bytes_out, bytes_in);

	struct interval whole;
	interval_compute(&m->first, &m->last, m->first.at_ns, &whole);
	interval_report(m->r, "total", "total", NULL, &whole);
	m->interval_ms = 0;
}
