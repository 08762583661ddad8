/*
 * tcptool info --watch [DUR]: reads the socket list every DUR, pairs each
 * socket with its reading before, and reports what moved in between: the
 * rates, windows and limits that one reading alone cannot tell.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/info.h"
#include "cmd/interrupt.h"
#include "view/info_format.h"
#include "view/interval_report.h"
#include "view/report.h"
#include "view/watch_report.h"
#include "kernel/sockdiff.h"
#include "kernel/socklist.h"
#include "net/interval.h"
#include "net/tcp_state.h"
#include "base/clock.h"

bool info_watch_we_opened(const struct tcp_summary *s)
{
	/*
	 * bytes_sent counts every data byte sent, retransmissions again, so
	 * less bytes_retrans it is the data sent once, which the peer's ACKs
	 * can never pass.  bytes_acked passes it by the SYN that connect()
	 * sent (and by our FIN once acknowledged): acked beyond the data and
	 * the FIN means we opened.  While data is in flight the guess may say
	 * no to an opener; the watch keeps its first guess, so deltas stay right.
	 */
	if (!s->have_bytes_sent || !s->have_bytes)
		return false;
	uint64_t once = s->bytes_sent > s->bytes_retrans ? s->bytes_sent - s->bytes_retrans : 0;
	uint64_t fin = s->state == TCP_FIN_WAIT2 || s->state == TCP_TIME_WAIT;
	return s->bytes_acked > once + fin;
}

void info_watch_sample(const struct tcp_sock *s, int64_t at_ns, bool we_opened,
		       const struct flow_sample *before, struct flow_sample *out)
{
	memset(out, 0, sizeof(*out));
	out->at_ns = at_ns;
	out->have_info = s->has_info && s->state != TCP_LISTEN;
	if (out->have_info) {
		out->ti = s->info;
		if (s->info.have_bytes)
			info_data_bytes(&s->info, we_opened, &out->bytes_out, &out->bytes_in);
	} else if (before) {
		/* TIME_WAIT and /proc tell no counters: the last known ones stand. */
		out->bytes_out = before->bytes_out;
		out->bytes_in = before->bytes_in;
	}
	if (s->state != TCP_LISTEN) {
		out->have_queues = true;
		out->send_q = s->send_q;
		out->recv_q = s->recv_q;
	}
}

/*
 * One reading of the list, sorted for sockdiff, with a sample for each
 * socket.  Its arrays serve reading after reading: no megabytes allocated
 * and faulted in every report.
 */
struct reading {
	struct socklist l;
	struct flow_sample *samples;
	bool *we_opened;
	bool *idle;   /* nothing to report since the reading before */
	size_t cap;   /* of samples, we_opened and idle */
	int64_t at_ns;
	time_t wall;
};

static void reading_free(struct reading *g)
{
	socklist_free(&g->l);
	free(g->samples);
	free(g->we_opened);
	free(g->idle);
	memset(g, 0, sizeof(*g));
}

static int reading_take(const struct socklist_query *q, struct reading *g)
{
	g->at_ns = now_ns();
	g->wall = time(NULL);
	if (socklist_recollect(q, &g->l) < 0)
		return -1;
	size_t n = g->l.n ? g->l.n : 1;
	if (n > g->cap) {
		struct flow_sample *samples = realloc(g->samples, n * sizeof(*samples));
		if (samples)
			g->samples = samples;
		bool *we_opened = realloc(g->we_opened, n * sizeof(*we_opened));
		if (we_opened)
			g->we_opened = we_opened;
		bool *idle = realloc(g->idle, n * sizeof(*idle));
		if (idle)
			g->idle = idle;
		if (samples == NULL || we_opened == NULL || idle == NULL) {
			errno = ENOMEM;
			return -1;
		}
		g->cap = n;
	}
	memset(g->we_opened, 0, n * sizeof(*g->we_opened));
	memset(g->idle, 0, n * sizeof(*g->idle));
	sockdiff_sort(g->l.v, g->l.n);
	return 0;
}

/* Two readings side by side: the second pass prints what the first counted. */
struct diff {
	const struct report *r;
	struct reading *before, *after;
	int64_t t0_ns;
	size_t opened, closed, idle;
	bool show_idle;   /* -v: every socket, idle or not */
};

/*
 * Nothing to tell of a socket in the interval: no bytes either way, no
 * retransmission, the state it had, and nothing waiting in its queues (a
 * transfer stalled behind a zero window moves nothing, yet is the one to
 * see).  Its line would only repeat the last.
 */
static bool is_idle(const struct tcp_sock *was, const struct flow_sample *before, const struct tcp_sock *is,
		    const struct flow_sample *after)
{
	if (was->state != is->state || before->bytes_out != after->bytes_out ||
	    before->bytes_in != after->bytes_in || after->send_q != 0 || after->recv_q != 0)
		return false;
	return !before->have_info || !after->have_info || before->ti.total_retrans == after->ti.total_retrans;
}

/* The first pass: the later reading's samples, each socket's guess carried over. */
static void count_one(void *ctx, size_t b, size_t a)
{
	struct diff *d = ctx;

	if (a == SOCKDIFF_NONE) {
		d->closed++;
		return;
	}
	const struct tcp_sock *s = &d->after->l.v[a];
	if (b == SOCKDIFF_NONE) {
		d->opened++;
		d->after->we_opened[a] = s->has_info && info_watch_we_opened(&s->info);
	} else {
		d->after->we_opened[a] = d->before->we_opened[b];
	}
	info_watch_sample(s, d->after->at_ns, d->after->we_opened[a],
			  b == SOCKDIFF_NONE ? NULL : &d->before->samples[b], &d->after->samples[a]);
	if (b != SOCKDIFF_NONE && is_idle(&d->before->l.v[b], &d->before->samples[b], s, &d->after->samples[a])) {
		d->after->idle[a] = true;
		d->idle++;
	}
}

static void print_one(void *ctx, size_t b, size_t a)
{
	struct diff *d = ctx;
	struct interval iv;

	if (a == SOCKDIFF_NONE) {
		watch_report_closed(d->r, &d->before->l.v[b], &d->before->samples[b]);
		return;
	}
	if (b == SOCKDIFF_NONE) {
		/* Born since the reading before: everything it did, it did in this interval. */
		struct flow_sample zero = { .at_ns = d->before->at_ns, .have_info = d->after->samples[a].have_info };
		interval_compute(&zero, &d->after->samples[a], d->t0_ns, &iv);
		watch_report_socket(d->r, &d->after->l.v[a], true, &iv);
		return;
	}
	if (d->after->idle[a] && !d->show_idle)
		return;
	interval_compute(&d->before->samples[b], &d->after->samples[a], d->t0_ns, &iv);
	watch_report_socket(d->r, &d->after->l.v[a], false, &iv);
}

/* Sleeps until the CLOCK_MONOTONIC moment at_ns; false when interrupted. */
static bool sleep_until(int64_t at_ns)
{
	struct timespec ts = { .tv_sec = at_ns / 1000000000, .tv_nsec = at_ns % 1000000000 };

	while (!interrupt_signal) {
		int err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (err == 0)
			return !interrupt_signal;
		if (err != EINTR)
			return false;
	}
	return false;
}

int info_watch(const struct options *o, long long interval_ms)
{
	struct socklist_query q;
	struct report r;
	struct reading g[2] = { 0 };
	struct owners_cache owners = { 0 };
	struct reading *before = &g[0], *after = &g[1];
	int64_t step = interval_ms * 1000000;
	int rc = EXIT_OK;

	info_list_query(o, &q);
	q.want_info = true;
	q.owners = &owners;
	q.unsorted = true;   /* sockdiff sorts it */
	/* A report goes out in one write (or a few), not a write every 4 kB or every line. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	r.batch = true;   /* one flush a report, not one a socket */
	interrupt_catch();  /* Ctrl-C and SIGTERM end the watch between reports, exit 0 */
	if (reading_take(&q, before) < 0) {
		report_error(&r, "cannot list sockets: %s", strerror(errno));
		reading_free(before);
		owners_cache_free(&owners);
		return EXIT_NETWORK;
	}
	r.t0_ns = before->at_ns;
	info_list_notes(&before->l, o);
	for (size_t i = 0; i < before->l.n; i++) {
		const struct tcp_sock *s = &before->l.v[i];
		before->we_opened[i] = s->has_info && info_watch_we_opened(&s->info);
		info_watch_sample(s, before->at_ns, before->we_opened[i], NULL, &before->samples[i]);
	}
	interval_report_legend(&r);
	struct watch_block blk = { .number = 0, .sockets = before->l.n, .interval_ms = interval_ms,
				   .wall = before->wall };
	watch_report_block(&r, &blk);
	fflush(stdout);

	int64_t deadline = before->at_ns + step;
	for (unsigned long long n = 1; o->count <= 0 || n <= (unsigned long long)o->count; n++) {
		if (!sleep_until(deadline))
			break;
		if (reading_take(&q, after) < 0) {
			report_error(&r, "cannot list sockets: %s", strerror(errno));
			rc = EXIT_NETWORK;
			break;
		}
		struct diff d = { .r = &r, .before = before, .after = after, .t0_ns = r.t0_ns,
				  .show_idle = o->verbose > 0 };
		sockdiff_walk(before->l.v, before->l.n, after->l.v, after->l.n, count_one, &d);
		blk = (struct watch_block){ .number = n, .sockets = after->l.n, .opened = d.opened,
					    .closed = d.closed, .idle = d.idle, .interval_ms = interval_ms,
					    .wall = after->wall };
		watch_report_block(&r, &blk);
		sockdiff_walk(before->l.v, before->l.n, after->l.v, after->l.n, print_one, &d);
		if (!d.show_idle)
			watch_report_idle(&r, d.idle);
		fflush(stdout);
		struct reading *t = before;
		before = after;
		after = t;
		/* On the grid from the first reading; a report that ran late skips the moments it missed. */
		deadline += step;
		for (int64_t now = now_ns(); deadline <= now;)
			deadline += step;
	}
	reading_free(&g[0]);
	reading_free(&g[1]);
	owners_cache_free(&owners);
	return rc;
}
