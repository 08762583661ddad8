/* net/probe_stats.c: connect -c's ping-style statistics: counts by result, min/avg/max/mdev of the handshakes. */
#include "unit.h"

#include <errno.h>
#include <stdint.h>

#include "net/probe.h"
#include "net/probe_stats.h"

/* A clock for the probes' ends: each probe starts 1 s after the one before ended. */
static int64_t clock_ns;

/* Adds one probe that ended with err after took_ns. */
static void add(struct probe_stats *s, int err, int64_t took_ns)
{
	struct probe p = { .port = 80, .err = err, .result = probe_classify(err), .took_ns = took_ns,
			   .done = true };

	clock_ns += 1000000000 + took_ns;
	probe_stats_add(s, &p, clock_ns);
}

/* Percentiles, jitter, the longest outage and the histogram. */
static void test_spread(void)
{
	struct probe_stats s = { 0 };
	int64_t v = -1, lo = -1, width = -1;
	uint64_t bins[PROBE_HIST_BINS];

	CHECK(!probe_stats_percentile(&s, 50, &v));
	CHECK(!probe_stats_jitter(&s, &v));
	CHECK(!probe_stats_histogram(&s, bins, &lo, &width));
	CHECK_INT(probe_stats_longest_outage(&s, &v), 0);
	CHECK_INT(v, 0);
	/* 1..10 ms in a shuffled order, then 100 ms. */
	static const int ms[] = { 7, 3, 10, 1, 5, 9, 2, 8, 4, 6, 100 };
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		add(&s, 0, ms[i] * 1000000LL);
	CHECK(probe_stats_percentile(&s, 50, &v));
	CHECK_INT(v, 6000000);    /* rank ceil(5.5) = 6 of 11 */
	CHECK(probe_stats_percentile(&s, 90, &v));
	CHECK_INT(v, 10000000);   /* rank ceil(9.9) = 10 */
	CHECK(probe_stats_percentile(&s, 99, &v));
	CHECK_INT(v, 100000000);  /* rank 11 */
	CHECK(probe_stats_percentile(&s, 0, &v));
	CHECK_INT(v, 1000000);
	/* |3-7|+|10-3|+|1-10|+|5-1|+|9-5|+|2-9|+|8-2|+|4-8|+|6-4|+|100-6| = 141 ms over 10. */
	CHECK(probe_stats_jitter(&s, &v));
	CHECK_INT(v, 14100000);
	CHECK(probe_stats_histogram(&s, bins, &lo, &width));
	CHECK_INT(lo, 1000000);
	uint64_t total = 0;
	for (int i = 0; i < PROBE_HIST_BINS; i++)
		total += bins[i];
	CHECK_INT(total, 11);
	CHECK_INT(bins[0], 10);   /* 1-10 ms in the first bin of about 12.4 ms */
	CHECK_INT(bins[PROBE_HIST_BINS - 1], 1);
	/* Runs of failures: 2, then 3 (the longest), then 1; each probe 1 s after the one before. */
	add(&s, ECONNREFUSED, 1000);
	add(&s, ECONNREFUSED, 1000);
	add(&s, 0, 1000000);
	for (int i = 0; i < 3; i++)
		add(&s, ETIMEDOUT, 2000000000);
	add(&s, 0, 1000000);
	add(&s, ENETUNREACH, 1000);
	CHECK_INT(probe_stats_longest_outage(&s, &v), 3);
	/* From the first timeout's start to the third's end: 3 x 2 s and 2 x 1 s between. */
	CHECK_INT(v, 8000000000LL);
	probe_stats_free(&s);
}

/* Checks min/avg/max/mdev, in ns, to within 'slack' ns (rounding of doubles). */
static void check_times(int line, const struct probe_stats *s, int64_t min, int64_t avg, int64_t max,
			int64_t mdev, int64_t slack)
{
	int64_t a = -1, b = -1, c = -1, d = -1;

	if (!probe_stats_times(s, &a, &b, &c, &d)) {
		unit_fail(__FILE__, line, "probe_stats_times: false with %llu handshakes",
			  (unsigned long long)s->by_result[PROBE_OPEN]);
		return;
	}
	if (a != min || c != max || b < avg - slack || b > avg + slack || d < mdev - slack ||
	    d > mdev + slack)
		unit_fail(__FILE__, line, "min/avg/max/mdev = %lld/%lld/%lld/%lld ns, want %lld/%lld/%lld/%lld",
			  (long long)a, (long long)b, (long long)c, (long long)d, (long long)min,
			  (long long)avg, (long long)max, (long long)mdev);
}

void test_probe_stats(void)
{
	struct probe_stats s = { 0 };
	int64_t a = 7, b = 7, c = 7, d = 7;

	/* Nothing yet: no times, and the outputs are left alone. */
	CHECK(!probe_stats_times(&s, &a, &b, &c, &d));
	CHECK_INT(a + b + c + d, 28);
	CHECK_INT(probe_stats_failed(&s), 0);

	/* 1, 2, 3, 4 ms: mean 2.5, mean of squares 7.5, mdev sqrt(7.5 - 6.25) = 1.1180340 ms. */
	add(&s, 0, 3000000);
	add(&s, 0, 1000000);
	add(&s, 0, 4000000);
	add(&s, 0, 2000000);
	check_times(__LINE__, &s, 1000000, 2500000, 4000000, 1118034, 1);
	CHECK_INT(s.sent, 4);
	CHECK_INT(s.by_result[PROBE_OPEN], 4);
	CHECK_INT(probe_stats_failed(&s), 0);

	/* Failures count by kind, and change no time. */
	add(&s, ECONNREFUSED, 50000);
	add(&s, ECONNREFUSED, 9000000000);
	add(&s, ETIMEDOUT, 300000000);
	add(&s, ENETUNREACH, 10000);
	add(&s, EHOSTUNREACH, 10000);
	add(&s, EADDRNOTAVAIL, 1);
	check_times(__LINE__, &s, 1000000, 2500000, 4000000, 1118034, 1);
	CHECK_INT(s.sent, 10);
	CHECK_INT(s.by_result[PROBE_OPEN], 4);
	CHECK_INT(s.by_result[PROBE_REFUSED], 2);
	CHECK_INT(s.by_result[PROBE_TIMEOUT], 1);
	CHECK_INT(s.by_result[PROBE_UNREACHABLE], 2);
	CHECK_INT(s.by_result[PROBE_ERROR], 1);
	CHECK_INT(probe_stats_failed(&s), 6);

	/* Only failures: no times at all. */
	struct probe_stats f = { 0 };
	add(&f, ECONNREFUSED, 20000);
	add(&f, ETIMEDOUT, 1000000000);
	a = b = c = d = 7;
	CHECK(!probe_stats_times(&f, &a, &b, &c, &d));
	CHECK_INT(a + b + c + d, 28);
	CHECK_INT(f.sent, 2);
	CHECK_INT(probe_stats_failed(&f), 2);

	/* The first handshake after failures sets min, though it is above 0. */
	add(&f, 0, 5000000);
	check_times(__LINE__, &f, 5000000, 5000000, 5000000, 0, 0);
	add(&f, 0, 3000000);
	check_times(__LINE__, &f, 3000000, 4000000, 5000000, 1000000, 1);
	CHECK_INT(probe_stats_failed(&f), 2);

	/* One handshake: min = avg = max, mdev 0. */
	struct probe_stats one = { 0 };
	add(&one, 0, 52000);
	check_times(__LINE__, &one, 52000, 52000, 52000, 0, 0);

	/* Equal times: mdev exactly 0, never a hair above or NaN. */
	struct probe_stats same = { 0 };
	for (int i = 0; i < 1000; i++)
		add(&same, 0, 77777);
	check_times(__LINE__, &same, 77777, 77777, 77777, 0, 0);

	/*
	 * ping's sample: 0.041, 0.100, 0.090 ms: mean 0.077, and the population
	 * standard deviation sqrt(mean(x^2) - mean^2) = 0.025781 ms (not the
	 * sample one, 0.031575).
	 */
	struct probe_stats p = { 0 };
	add(&p, 0, 41000);
	add(&p, 0, 100000);
	add(&p, 0, 90000);
	check_times(__LINE__, &p, 41000, 77000, 100000, 25781, 1);

	/* Large and small together: 0.01 ms and 10 s. */
	struct probe_stats w = { 0 };
	add(&w, 0, 10000);
	add(&w, 0, 10000000000);
	check_times(__LINE__, &w, 10000, 5000005000, 10000000000, 4999995000, 2);

	/* Handshakes that took 0 ns (a coarse clock) still count. */
	struct probe_stats z = { 0 };
	add(&z, 0, 0);
	add(&z, 0, 2000);
	check_times(__LINE__, &z, 0, 1000, 2000, 1000, 1);

	struct probe_stats *all[] = { &s, &f, &one, &same, &p, &w, &z };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		probe_stats_free(all[i]);
	test_spread();
}
