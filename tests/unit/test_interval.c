/* net/interval.c: rates from two samples, and the verdict on what limited the sender. */
#include "unit.h"

#include "net/interval.h"

#define MS 1000000LL

/* Two samples 1 s apart; the caller sets the clocks and counters. */
static void pair(struct flow_sample *a, struct flow_sample *b)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->at_ns = 5000 * MS;
	b->at_ns = 6000 * MS;
	a->have_info = b->have_info = true;
	a->ti.have_chrono = b->ti.have_chrono = true;
	a->ti.snd_mss = b->ti.snd_mss = 1000;
	b->ti.snd_ssthresh = TCP_SSTHRESH_NONE;
}

static void test_rates(void)
{
	struct flow_sample a, b;
	struct interval iv;

	pair(&a, &b);
	a.bytes_out = 1000;
	b.bytes_out = 501000;
	b.bytes_in = 2000;
	a.ti.total_retrans = 4;
	b.ti.total_retrans = 7;
	b.ti.unacked = 10;
	b.ti.sacked = 2;
	b.ti.lost = 1;
	b.ti.retrans = 1;
	interval_compute(&a, &b, 4000 * MS, &iv);
	CHECK_INT(iv.start_ns, 1000 * MS);
	CHECK_INT(iv.end_ns, 2000 * MS);
	CHECK_INT(iv.bytes_out, 500000);
	CHECK_INT((long long)iv.out_rate, 500000);
	CHECK_INT((long long)iv.in_rate, 2000);
	CHECK_INT(iv.retrans, 3);
	CHECK_INT(iv.retrans_total, 7);
	CHECK_INT(iv.in_flight, 8);            /* 10 - 2 sacked - 1 lost + 1 retransmitted */
	CHECK_INT(iv.in_flight_bytes, 8000);   /* no queues known: segments times the MSS */
	b.have_queues = true;
	b.send_q = 9000;
	b.ti.notsent_bytes = 4000;
	interval_compute(&a, &b, 4000 * MS, &iv);
	CHECK_INT(iv.in_flight_bytes, 5000);   /* the send queue less what is not yet sent */
}

/* busy, rwnd and sndbuf are the growth of the three clocks over the 1 s interval, in ms. */
static struct interval judged(long long busy, long long rwnd, long long sndbuf, uint64_t sent)
{
	struct flow_sample a, b;
	struct interval iv;

	pair(&a, &b);
	a.ti.busy_us = 7000;
	b.ti.busy_us = 7000 + (uint64_t)busy * 1000;
	b.ti.rwnd_limited_us = (uint64_t)rwnd * 1000;
	b.ti.sndbuf_limited_us = (uint64_t)sndbuf * 1000;
	b.bytes_out = sent;
	interval_compute(&a, &b, a.at_ns, &iv);
	return iv;
}

static void test_verdicts(void)
{
	struct interval iv = judged(1000, 830, 0, 1);

	CHECK_INT(iv.limit, LIMIT_RWND);
	CHECK_INT(iv.limit_pct, 83);
	CHECK_INT(iv.cwnd_pct, 17);
	CHECK_INT(iv.app_pct, 0);
	iv = judged(900, 0, 600, 1);
	CHECK_INT(iv.limit, LIMIT_SNDBUF);
	CHECK_INT(iv.limit_pct, 60);
	iv = judged(950, 100, 0, 1);
	CHECK_INT(iv.limit, LIMIT_CWND);
	CHECK_INT(iv.limit_pct, 85);
	iv = judged(200, 0, 0, 1);
	CHECK_INT(iv.limit, LIMIT_APP);
	CHECK_INT(iv.limit_pct, 80);
	iv = judged(0, 0, 0, 0);
	CHECK_INT(iv.limit, LIMIT_IDLE);
	/* Clocks beyond the interval (a jiffy's rounding) are clamped, never over 100%. */
	iv = judged(1004, 1004, 0, 1);
	CHECK_INT(iv.limit, LIMIT_RWND);
	CHECK_INT(iv.limit_pct, 100);
	CHECK_INT(iv.app_pct, 0);
}

static void test_no_verdict(void)
{
	struct flow_sample a, b;
	struct interval iv;

	/* Too short for clocks counted in jiffies. */
	pair(&a, &b);
	b.at_ns = a.at_ns + 50 * MS;
	b.ti.busy_us = 50000;
	interval_compute(&a, &b, a.at_ns, &iv);
	CHECK_INT(iv.limit, LIMIT_UNKNOWN);
	/* A kernel without the clocks. */
	pair(&a, &b);
	b.ti.have_chrono = false;
	interval_compute(&a, &b, a.at_ns, &iv);
	CHECK_INT(iv.limit, LIMIT_UNKNOWN);
	CHECK_STR(interval_limit_name(iv.limit), "unknown");
}

static void test_trickle_and_reader(void)
{
	struct flow_sample a, b;
	struct interval iv;

	/* Busy only waiting for the ACKs of a trickle the kernel marks app-limited. */
	pair(&a, &b);
	b.ti.busy_us = 900000;
	b.ti.have_rates = true;
	b.ti.delivery_app_limited = true;
	b.bytes_out = 1000;
	interval_compute(&a, &b, a.at_ns, &iv);
	CHECK_INT(iv.limit, LIMIT_APP);
	CHECK_INT(iv.limit_pct, 100);
	/* A receiver with unread bytes at both ends, half its window and more. */
	pair(&a, &b);
	b.bytes_in = 50000;
	a.have_queues = b.have_queues = true;
	a.recv_q = 60000;
	b.recv_q = 70000;
	b.ti.have_rcv_wnd = true;
	b.ti.rcv_wnd = 80000;
	interval_compute(&a, &b, a.at_ns, &iv);
	CHECK_INT(iv.limit, LIMIT_READER);
	CHECK_STR(interval_limit_name(iv.limit), "our_reading");
	/* A reader that keeps up: the queue was empty at the start. */
	a.recv_q = 0;
	interval_compute(&a, &b, a.at_ns, &iv);
	CHECK_INT(iv.limit, LIMIT_IDLE);
}

void test_interval(void)
{
	test_rates();
	test_verdicts();
	test_no_verdict();
	test_trickle_and_reader();
}
