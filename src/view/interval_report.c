/* Interval lines, their JSON and their legend. */
#include "view/interval_report.h"

#include <stdio.h>

#include "view/info_print.h"
#include "base/textbuf.h"

size_t interval_fields(const struct interval *iv, struct field *f)
{
	size_t n = 0;

	f[n++] = F_MS("start_ms", iv->start_ns);
	f[n++] = F_MS("end_ms", iv->end_ns);
	f[n++] = F_INT("bytes_out", iv->bytes_out);
	f[n++] = F_INT("bytes_in", iv->bytes_in);
	f[n++] = F_INT("out_bytes_per_s", (int64_t)(iv->out_rate + 0.5));
	f[n++] = F_INT("in_bytes_per_s", (int64_t)(iv->in_rate + 0.5));
	if (iv->have_queues) {
		f[n++] = F_INT("send_queue", iv->send_q);
		f[n++] = F_INT("recv_queue", iv->recv_q);
	}
	if (iv->have_info) {
		f[n++] = F_MS("rtt_ms", (int64_t)iv->rtt_us * 1000);
		f[n++] = F_MS("rttvar_ms", (int64_t)iv->rttvar_us * 1000);
		f[n++] = F_MS("min_rtt_ms", (int64_t)iv->min_rtt_us * 1000);
		f[n++] = F_INT("cwnd", iv->cwnd);
		f[n++] = F_INT("cwnd_bytes", (uint64_t)iv->cwnd * iv->mss);
		f[n++] = F_INT("mss", iv->mss);
		if (iv->ssthresh != TCP_SSTHRESH_NONE)
			f[n++] = F_INT("ssthresh", iv->ssthresh);
		f[n++] = F_INT("in_flight", iv->in_flight);
		f[n++] = F_INT("in_flight_bytes", iv->in_flight_bytes);
		f[n++] = F_INT("notsent_bytes", iv->notsent);
		if (iv->have_snd_wnd)
			f[n++] = F_INT("peer_window", iv->peer_window);
		if (iv->have_rcv_wnd)
			f[n++] = F_INT("our_window", iv->our_window);
		if (iv->have_rates) {
			f[n++] = F_INT("delivery_rate", iv->delivery_rate);
			f[n++] = F_BOOL("delivery_app_limited", iv->delivery_app_limited);
			f[n++] = F_INT("pacing_rate", iv->pacing_rate);
		}
		f[n++] = F_INT("retrans", iv->retrans);
		f[n++] = F_INT("retrans_total", iv->retrans_total);
		if (iv->have_bytes_retrans) {
			f[n++] = F_INT("bytes_retrans", iv->bytes_retrans);
			f[n++] = F_INT("bytes_retrans_total", iv->bytes_retrans_total);
		}
		f[n++] = F_INT("lost", iv->lost);
		if (iv->have_rto) {
			f[n++] = F_INT("rto", iv->rto);
			f[n++] = F_INT("rto_total", iv->rto_total);
		}
	}
	f[n++] = F_STR("limit", interval_limit_name(iv->limit));
	if (iv->limit != LIMIT_UNKNOWN) {
		f[n++] = F_INT("limit_pct", iv->limit_pct);
		f[n++] = F_INT("rwnd_limited_pct", iv->rwnd_pct);
		f[n++] = F_INT("sndbuf_limited_pct", iv->sndbuf_pct);
		f[n++] = F_INT("cwnd_limited_pct", iv->cwnd_pct);
		f[n++] = F_INT("app_limited_pct", iv->app_pct);
	}
	f[n] = F_END;
	return n;
}

size_t interval_format_limit(char *buf, size_t size, const struct interval *iv)
{
	const char *what;

	switch (iv->limit) {
	case LIMIT_IDLE:
		return (size_t)snprintf(buf, size, "%s", iv->bytes_in ? "receiving; nothing to send"
							     : "idle: nothing to send");
	case LIMIT_READER:
		return (size_t)snprintf(buf, size, "we read slower than the peer sends: unread bytes fill our window");
	case LIMIT_APP: what = "the application (nothing to send)"; break;
	case LIMIT_RWND: what = "the receiver's window"; break;
	case LIMIT_SNDBUF: what = "the send buffer"; break;
	case LIMIT_CWND: what = "the congestion window (the network)"; break;
	default:
		if (size)
			buf[0] = '\0';
		return 0;
	}
	return (size_t)snprintf(buf, size, "limited by %s %d%% of the time", what, iv->limit_pct);
}

size_t interval_format(char *buf, size_t size, const struct interval *iv)
{
	struct textbuf l = textbuf_on(buf, size);
	char a[32], b[32], c[32], d[32];
	int64_t ms0 = iv->start_ns / 1000000, ms1 = iv->end_ns / 1000000;

	textbuf_printf(&l, "%lld.%03lld-%lld.%03lld s: sent %s (%s), received %s (%s)", (long long)(ms0 / 1000),
	    (long long)(ms0 % 1000), (long long)(ms1 / 1000), (long long)(ms1 % 1000),
	    format_si((double)iv->bytes_out, "B", a, sizeof(a)), format_si(iv->out_rate, "B/s", b, sizeof(b)),
	    format_si((double)iv->bytes_in, "B", c, sizeof(c)), format_si(iv->in_rate, "B/s", d, sizeof(d)));
	if (iv->have_info) {
		textbuf_printf(&l, "; rtt %s (var %s)", format_span_us(iv->rtt_us, a, sizeof(a)),
		    format_span_us(iv->rttvar_us, b, sizeof(b)));
		textbuf_printf(&l, "; cwnd %u (%s)", iv->cwnd, format_si((double)iv->cwnd * iv->mss, "B", a, sizeof(a)));
		if (iv->ssthresh == TCP_SSTHRESH_NONE)
			textbuf_printf(&l, ", no ssthresh yet");
		else
			textbuf_printf(&l, ", ssthresh %u", iv->ssthresh);
		textbuf_printf(&l, "; in flight %s", format_si((double)iv->in_flight_bytes, "B", a, sizeof(a)));
		if (iv->have_snd_wnd)
			textbuf_printf(&l, "; peer window %s", format_si(iv->peer_window, "B", a, sizeof(a)));
		if (iv->have_rcv_wnd)
			textbuf_printf(&l, ", ours %s", format_si(iv->our_window, "B", a, sizeof(a)));
	}
	if (iv->have_queues)
		textbuf_printf(&l, "; queues: send %s, recv %s", format_si(iv->send_q, "B", a, sizeof(a)),
		    format_si(iv->recv_q, "B", b, sizeof(b)));
	if (iv->have_info) {
		if (iv->have_rates)
			textbuf_printf(&l, "; delivery %s, pacing %s", format_si((double)iv->delivery_rate, "B/s", a, sizeof(a)),
			    format_si((double)iv->pacing_rate, "B/s", b, sizeof(b)));
		textbuf_printf(&l, "; retransmitted %u (%u in all), lost %u", iv->retrans, iv->retrans_total, iv->lost);
		if (iv->have_rto && iv->rto_total)
			textbuf_printf(&l, ", timeouts %u (%u in all)", iv->rto, iv->rto_total);
	}
	if (interval_format_limit(a, 0, iv) > 0) {
		char limit[96];
		interval_format_limit(limit, sizeof(limit), iv);
		textbuf_printf(&l, "; %s", limit);
	}
	return l.len;
}

void interval_report(const struct report *r, const char *event, const char *label,
		     const struct field *extra, const struct interval *iv)
{
	struct field f[INTERVAL_FIELDS + 8];
	char line[1024];
	size_t n = 0;

	if (r->quiet)
		return;
	for (; extra && extra[n].key && n < 8; n++)
		f[n] = extra[n];
	interval_fields(iv, f + n);
	interval_format(line, sizeof(line), iv);
	report_event(r, event, f, "%s%s%s", label ? label : "", label ? " " : "", line);
}

void interval_report_legend(const struct report *r)
{
	static const struct info_legend legend[] = {
		{ "sent, received", "data bytes the peer acknowledged, and data bytes we read, in the "
				    "interval, with their rates" },
		{ "rtt", "smoothed round-trip time the kernel measures from ACKs, and its mean deviation (var); "
			 "it grows when a queue builds up on the path" },
		{ "cwnd", "congestion window: segments the sender may have unacknowledged, as the "
			  "congestion control allows; it grows while ACKs come back and shrinks on loss" },
		{ "ssthresh", "slow-start threshold: below it cwnd doubles every RTT, above it grows "
			      "slowly; none until the first loss" },
		{ "in flight", "bytes sent and not yet acknowledged, less those presumed lost" },
		{ "peer window", "what the peer's last ACK said it can still take: flow control; "
				 "0 means the peer's application is not reading" },
		{ "ours", "the receive window we advertise to the peer" },
		{ "queues", "bytes in our send queue (unsent or unacknowledged) and receive queue "
			    "(arrived, not yet read by us)" },
		{ "delivery", "the kernel's latest estimate of the rate data reaches the peer" },
		{ "pacing", "the rate the kernel spaces segments at, from cwnd and RTT" },
		{ "retransmitted", "segments sent again in the interval because they were lost or "
				   "late, and since the connection began" },
		{ "lost", "segments the kernel presumes lost right now, waiting to be sent again" },
		{ "limited by", "where the sender's time went, from the kernel's own clocks: the "
				"receiver's window, the send buffer, the congestion window (the "
				"network), or the application having nothing to send" },
	};

	if (r->quiet || r->json || r->verbose == 0)
		return;
	info_print_legend(r->out, legend, sizeof(legend) / sizeof(legend[0]));
	fflush(r->out);
}
