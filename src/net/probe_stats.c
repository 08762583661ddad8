/* Adding up handshake probes: counts by result, times, runs of failures. */
#include "net/probe_stats.h"

#include <stdlib.h>

/* Keeps a completed handshake's time; without memory, the percentiles leave it out. */
static void keep(struct probe_stats *s, int64_t ns)
{
	if (s->n_ok == s->cap_ok) {
		size_t cap = s->cap_ok ? s->cap_ok * 2 : 64;
		int64_t *v = realloc(s->ok_ns, cap * sizeof(*v));
		if (v == NULL)
			return;
		s->ok_ns = v;
		s->cap_ok = cap;
	}
	s->ok_ns[s->n_ok++] = ns;
	s->sorted = false;
}

/* A failure extends the run going on; a success ends it. */
static void note_run(struct probe_stats *s, const struct probe *p, int64_t done_ns)
{
	if (p->result == PROBE_OPEN) {
		s->run = 0;
		return;
	}
	if (s->run++ == 0)
		s->run_start_ns = done_ns - p->took_ns;
	s->run_end_ns = done_ns;
	int64_t lasted = s->run_end_ns - s->run_start_ns;
	if (s->run > s->longest_run || (s->run == s->longest_run && lasted > s->longest_run_ns)) {
		s->longest_run = s->run;
		s->longest_run_ns = lasted;
	}
}

void probe_stats_add(struct probe_stats *s, const struct probe *p, int64_t done_ns)
{
	s->sent++;
	s->by_result[p->result]++;
	note_run(s, p, done_ns);
	if (p->result != PROBE_OPEN)
		return;
	keep(s, p->took_ns);
	if (s->by_result[PROBE_OPEN] > 1) {
		int64_t d = p->took_ns - s->last_ok_ns;
		s->jitter_sum_ns += (double)(d < 0 ? -d : d);
		s->jitter_n++;
	}
	s->last_ok_ns = p->took_ns;
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

void probe_stats_free(struct probe_stats *s)
{
	free(s->ok_ns);
	s->ok_ns = NULL;
	s->n_ok = s->cap_ok = 0;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

bool probe_stats_percentile(struct probe_stats *s, int pct, int64_t *ns)
{
	if (s->n_ok == 0)
		return false;
	if (!s->sorted) {
		qsort(s->ok_ns, s->n_ok, sizeof(*s->ok_ns), by_time);
		s->sorted = true;
	}
	/* Nearest rank: ceil(pct / 100 * n), counted from 1. */
	size_t rank = ((size_t)pct * s->n_ok + 99) / 100;
	*ns = s->ok_ns[rank == 0 ? 0 : rank - 1];
	return true;
}

bool probe_stats_jitter(const struct probe_stats *s, int64_t *ns)
{
	if (s->jitter_n == 0)
		return false;
	*ns = (int64_t)(s->jitter_sum_ns / (double)s->jitter_n + 0.5);
	return true;
}

uint64_t probe_stats_longest_outage(const struct probe_stats *s, int64_t *ns)
{
	*ns = s->longest_run ? s->longest_run_ns : 0;
	return s->longest_run;
}

bool probe_stats_histogram(const struct probe_stats *s, uint64_t bins[PROBE_HIST_BINS],
			   int64_t *lo, int64_t *width)
{
	if (s->n_ok == 0)
		return false;
	*lo = s->min_ns;
	*width = (s->max_ns - s->min_ns) / PROBE_HIST_BINS + 1;
	for (int i = 0; i < PROBE_HIST_BINS; i++)
		bins[i] = 0;
	for (size_t i = 0; i < s->n_ok; i++) {
		int64_t b = (s->ok_ns[i] - *lo) / *width;
		bins[b < PROBE_HIST_BINS ? b : PROBE_HIST_BINS - 1]++;
	}
	return true;
}
