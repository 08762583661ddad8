/* The figures of one interval of a connection, and what limited its sender. */
#include "net/interval.h"

#include <string.h>

static uint64_t delta(uint64_t a, uint64_t b) { return b > a ? b - a : 0; }

/* A counter of 32 bits that may wrap between two readings. */
static uint32_t delta32(uint32_t a, uint32_t b) { return b - a; }

static int percent(uint64_t part, uint64_t whole)
{
	if (whole == 0)
		return 0;
	uint64_t p = (part * 100 + whole / 2) / whole;
	return p > 100 ? 100 : (int)p;
}

uint32_t interval_in_flight(const struct tcp_summary *s)
{
	uint64_t out = (uint64_t)s->unacked + s->retrans;
	uint64_t gone = (uint64_t)s->sacked + s->lost;

	return out > gone ? (uint32_t)(out - gone) : 0;
}

/*
 * Splits the interval by the kernel's clocks.  busy_time is the sum of the
 * three chrono states (busy, window-limited, buffer-limited), so busy less
 * the two limits is time sending as fast as cwnd and pacing allowed; the
 * time not busy is time with nothing to send.
 */
static void judge(const struct flow_sample *a, const struct flow_sample *b, struct interval *iv)
{
	uint64_t span = (uint64_t)(iv->end_ns - iv->start_ns) / 1000;
	uint64_t busy = delta(a->ti.busy_us, b->ti.busy_us);
	uint64_t rwnd = delta(a->ti.rwnd_limited_us, b->ti.rwnd_limited_us);
	uint64_t sndbuf = delta(a->ti.sndbuf_limited_us, b->ti.sndbuf_limited_us);

	iv->limit = LIMIT_UNKNOWN;
	if (!a->have_info || !b->have_info || !b->ti.have_chrono ||
	    b->at_ns - a->at_ns < INTERVAL_VERDICT_MIN_NS)
		return;
	if (busy > span)
		busy = span;
	if (rwnd + sndbuf > busy)
		busy = rwnd + sndbuf > span ? span : rwnd + sndbuf;
	uint64_t cwnd = busy - (rwnd + sndbuf > busy ? busy : rwnd + sndbuf);
	iv->rwnd_pct = percent(rwnd, span);
	iv->sndbuf_pct = percent(sndbuf, span);
	iv->cwnd_pct = percent(cwnd, span);
	iv->app_pct = percent(span - busy, span);
	if (busy == 0 && iv->bytes_out == 0 && iv->notsent == 0) {
		/*
		 * A receiver with unread bytes at both ends of the interval, as many
		 * as half the window it last advertised: its reading is the limit.
		 */
		uint64_t window = iv->have_rcv_wnd ? iv->our_window : 65536;
		bool reader = a->have_queues && b->have_queues && a->recv_q > 0 && b->recv_q > 0 &&
			      (uint64_t)b->recv_q * 2 >= window;
		iv->limit = reader ? LIMIT_READER : LIMIT_IDLE;
		iv->limit_pct = 100;
		return;
	}
	struct { enum flow_limit l; int pct; } part[] = {
		{ LIMIT_RWND, iv->rwnd_pct }, { LIMIT_SNDBUF, iv->sndbuf_pct },
		{ LIMIT_CWND, iv->cwnd_pct }, { LIMIT_APP, iv->app_pct },
	};
	iv->limit = part[0].l;
	iv->limit_pct = part[0].pct;
	for (size_t i = 1; i < sizeof(part) / sizeof(part[0]); i++)
		if (part[i].pct > iv->limit_pct) {
			iv->limit = part[i].l;
			iv->limit_pct = part[i].pct;
		}
	/*
	 * Busy means data was outstanding, which is also so while a trickle
	 * waits for its ACKs.  When the kernel marks its latest delivery
	 * sample application-limited and nothing waits unsent, the sender had
	 * room in cwnd: the application was the limit, not the network.
	 */
	if (iv->limit == LIMIT_CWND && b->ti.have_rates && b->ti.delivery_app_limited && iv->notsent == 0) {
		iv->limit = LIMIT_APP;
		iv->limit_pct = iv->cwnd_pct + iv->app_pct;
	}
}

void interval_compute(const struct flow_sample *a, const struct flow_sample *b, int64_t t0_ns,
		      struct interval *iv)
{
	const struct tcp_summary *s = &b->ti;
	double secs = (double)(b->at_ns - a->at_ns) / 1e9;

	memset(iv, 0, sizeof(*iv));
	iv->start_ns = a->at_ns - t0_ns;
	iv->end_ns = b->at_ns - t0_ns;
	iv->bytes_out = delta(a->bytes_out, b->bytes_out);
	iv->bytes_in = delta(a->bytes_in, b->bytes_in);
	if (secs > 0) {
		iv->out_rate = (double)iv->bytes_out / secs;
		iv->in_rate = (double)iv->bytes_in / secs;
	}
	iv->have_queues = b->have_queues;
	iv->send_q = b->send_q;
	iv->recv_q = b->recv_q;
	iv->have_info = b->have_info;
	if (b->have_info) {
		iv->rtt_us = s->rtt_us;
		iv->rttvar_us = s->rttvar_us;
		iv->min_rtt_us = s->min_rtt_us;
		iv->cwnd = s->snd_cwnd;
		iv->mss = s->snd_mss;
		iv->ssthresh = s->snd_ssthresh;
		iv->in_flight = interval_in_flight(s);
		iv->in_flight_bytes = (uint64_t)iv->in_flight * s->snd_mss;
		/* The send queue holds what is unacknowledged and what is unsent: exact where known. */
		if (b->have_queues)
			iv->in_flight_bytes = b->send_q > s->notsent_bytes ? b->send_q - s->notsent_bytes : 0;
		iv->have_snd_wnd = s->have_snd_wnd;
		iv->peer_window = s->snd_wnd;
		iv->have_rcv_wnd = s->have_rcv_wnd;
		iv->our_window = s->rcv_wnd;
		iv->notsent = s->notsent_bytes;
		iv->have_rates = s->have_rates;
		iv->delivery_rate = s->delivery_rate;
		iv->pacing_rate = s->pacing_rate;
		iv->delivery_app_limited = s->delivery_app_limited;
		iv->retrans_total = s->total_retrans;
		iv->lost = s->lost;
		iv->have_bytes_retrans = s->have_bytes_sent;
		iv->bytes_retrans_total = s->bytes_retrans;
		iv->have_rto = s->have_rto_stats;
		iv->rto_total = s->total_rto;
		if (a->have_info) {
			iv->retrans = delta32(a->ti.total_retrans, s->total_retrans);
			iv->bytes_retrans = delta(a->ti.bytes_retrans, s->bytes_retrans);
			iv->rto = delta32(a->ti.total_rto, s->total_rto) & 0xffff;
		}
	}
	judge(a, b, iv);
}

const char *interval_limit_name(enum flow_limit l)
{
	switch (l) {
	case LIMIT_IDLE: return "idle";
	case LIMIT_APP: return "application";
	case LIMIT_RWND: return "receiver_window";
	case LIMIT_SNDBUF: return "send_buffer";
	case LIMIT_CWND: return "congestion_window";
	case LIMIT_READER: return "our_reading";
	default: return "unknown";
	}
}
