/* Adding up handshake probes: counts by result, min/avg/max/mdev. */
#include "net/probe_stats.h"

void probe_stats_add(struct probe_stats *s, const struct probe *p)
{
	s->sent++;
	s->by_result[p->result]++;
	if (p->result != PROBE_OPEN)
		return;
	if (s->by_result[PROBE_OPEN] == 1 || p->took_ns < s->min_ns)
		s->min_ns = p->took_ns;
	if (p->took_ns > s->max_ns)
		s->max_ns = p->took_ns;
	double ms = (double)p->took_ns / 1e6;
	s->sum_ms += ms;
	s->sumsq_ms += ms * ms;
}

/* Square root by Newton's method: libc alone, no libm.  From above, it only falls. */
static double root(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	for (int i = 0; i < 200; i++) {
		double next = 0.5 * (r + x / r);
		if (next >= r)
			break;
		r = next;
	}
	return r;
}

uint64_t probe_stats_failed(const struct probe_stats *s)
{
	return s->sent - s->by_result[PROBE_OPEN];
}

bool probe_stats_times(const struct probe_stats *s, int64_t *min, int64_t *avg, int64_t *max,
		       int64_t *mdev)
{
	uint64_t n = s->by_result[PROBE_OPEN];

	if (n == 0)
		return false;
	double mean = s->sum_ms / (double)n;
	double var = s->sumsq_ms / (double)n - mean * mean;
	*min = s->min_ns;
	*max = s->max_ns;
	*avg = (int64_t)(mean * 1e6 + 0.5);
	/* Rounding can leave a hair below zero when every time is the same. */
	*mdev = var > 0 ? (int64_t)(root(var) * 1e6 + 0.5) : 0;
	return true;
}
