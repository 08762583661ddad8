/*
 * connect -z and -c: handshakes without data.  -z probes a set of ports at
 * once and reports them in port order; -c repeats one handshake like ping.
 * One line (or JSON object) per probe on stdout, then a summary.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd/connect_probe.h"
#include "cmd/interrupt.h"
#include "net/probe.h"
#include "net/probe_stats.h"
#include "view/session_dial.h"
#include "view/sockopt_report.h"
#include "base/clock.h"
#include "base/textbuf.h"
#include "view/explain.h"
#include "view/trace.h"
#include "cmd/settings.h"

/* Handshakes in flight at most, and fewer under a small ulimit -n. */
#define PROBE_PARALLEL 128

struct probing {
	const struct report *r;
	const struct options *o;
	const char *host;
	int port;                 /* -c: the one port */
	bool counting;            /* -c: "probe N:" lines with the local name */
	uint64_t seq;
	struct probe_stats stats;
	struct probe *v;          /* -z: every port, reported in order */
	size_t n, reported;
	struct trace *trace;      /* --trace, --ladder, --pcap: each probe's segments */
};

static int parallel_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > PROBE_PARALLEL + 16)
		return PROBE_PARALLEL;
	/* Leave room for stdio and the odd descriptor libc opens. */
	return rl.rlim_cur > 24 ? (int)rl.rlim_cur - 16 : 8;
}

static void peer_name(const struct probing *pr, const struct probe *p, char *buf, size_t size)
{
	struct sockaddr_storage ss;

	if (p->addr == NULL) {
		session_target(pr->host, p->port, buf, size);
		return;
	}
	memcpy(&ss, p->addr->ai_addr, p->addr->ai_addrlen);
	sock_set_port(&ss, p->port);
	sock_name((struct sockaddr *)&ss, buf, size);
}

/* "refused after 0.031 ms: nothing listens there (...)" */
static void describe_failure(const struct probing *pr, const struct probe *p, char *buf, size_t size)
{
	static const char *const verbs[PROBE_RESULTS] = {
		"open", "refused", "timed out", "unreachable", "failed",
	};
	const char *explain = explain_errno(p->err, PHASE_CONNECT);
	char took[32];

	/* Our own -w ran out, or the kernel gave up on its SYN retries first. */
	if (p->err == ETIMEDOUT && pr->o->timeout_ms > 0 && p->took_ns >= pr->o->timeout_ms * 1000000)
		format_duration(pr->o->timeout_ms, took, sizeof(took));
	else {
		char ms[24];
		snprintf(took, sizeof(took), "%s ms", format_ms(p->took_ns, ms, sizeof(ms)));
	}
	if (p->result == PROBE_ERROR)
		snprintf(buf, size, "failed after %s: %s%s%s%s", took, strerror(p->err),
			 explain ? " (" : "", explain ? explain : "", explain ? ")" : "");
	else
		snprintf(buf, size, "%s after %s (%s)", verbs[p->result], took,
			 explain ? explain : strerror(p->err));
}

static void report_probe(const struct probing *pr, const struct probe *p, const char *local)
{
	char peer[SOCK_NAME_MAX], hs[32], why[256], seq[32] = "";
	bool open = p->result == PROBE_OPEN;
	struct field f[10];
	size_t k = 0;

	peer_name(pr, p, peer, sizeof(peer));
	if (pr->counting) {
		f[k++] = F_INT("seq", pr->seq);
		snprintf(seq, sizeof(seq), "probe %llu: ", (unsigned long long)pr->seq);
	}
	f[k++] = F_INT("port", p->port);
	f[k++] = F_STR("peer", peer);
	f[k++] = F_STR("local", local);
	f[k++] = F_STR("result", probe_result_name(p->result));
	f[k++] = F_MS(open ? "handshake_ms" : "elapsed_ms", p->took_ns);
	f[k++] = F_STR("error", open ? NULL : strerror(p->err));
	f[k] = F_END;

	format_ms(p->took_ns, hs, sizeof(hs));
	if (!open)
		describe_failure(pr, p, why, sizeof(why));
	if (open && local)
		report_event(pr->r, "probe", f, "%sconnected to %s from %s in %s ms", seq, peer, local, hs);
	else if (open)
		report_event(pr->r, "probe", f, "%s%s open: handshake in %s ms", seq, peer, hs);
	else
		report_event(pr->r, "probe", f, "%s%s %s", seq, peer, why);
}

/* --trace follows each probe's connection from the moment its port is known, before its SYN. */
static void on_probe_bound(void *ctx, int fd, const struct sockaddr *to)
{
	struct probing *pr = ctx;
	struct endpoint local;

	if (sock_local(fd, &local) == 0)
		trace_follow(pr->trace, (const struct sockaddr *)&local.addr, to, true);
}

static void on_probe_done(void *ctx, const struct probe *p, int fd)
{
	struct probing *pr = ctx;

	probe_stats_add(&pr->stats, p, now_ns());
	if (pr->counting) {
		struct sock_names names;
		if (fd >= 0)
			sock_names(fd, &names);
		report_probe(pr, p, fd >= 0 ? names.local : NULL);
	} else {
		/* Probes finish in any order; lines go out in port order, as soon as they can. */
		while (pr->reported < pr->n && pr->v[pr->reported].done)
			report_probe(pr, &pr->v[pr->reported++], NULL);
	}
	/* The prober closes it as this returns: the ladder marks where its FIN comes from. */
	if (fd >= 0)
		report_call(pr->r, now_ns(), "close()", -1);
}

/* "4 refused, 1 timed out": the failures by kind, those that happened, after 'lead'. */
static void failure_kinds(const struct probe_stats *s, const char *lead, char *buf, size_t size)
{
	static const char *const words[PROBE_RESULTS] = {
		"open", "refused", "timed out", "unreachable", "other error",
	};
	size_t len = 0;

	buf[0] = '\0';
	for (int k = PROBE_REFUSED; k < PROBE_RESULTS && len < size; k++)
		if (s->by_result[k])
			len += (size_t)snprintf(buf + len, size - len, "%s%llu %s%s", len ? ", " : lead,
						(unsigned long long)s->by_result[k], words[k],
						k == PROBE_ERROR && s->by_result[k] > 1 ? "s" : "");
}

/* The bar of a histogram line: at most this many marks for the fullest bin. */
#define HIST_BAR 40

/* -c's handshake times as a small histogram: one "probe_bin" line (object) per bin. */
static void report_histogram(const struct report *r, const struct probe_stats *s)
{
	uint64_t bins[PROBE_HIST_BINS], most = 0;
	int64_t lo, width;

	if (s->by_result[PROBE_OPEN] < 2 || !probe_stats_histogram(s, bins, &lo, &width))
		return;
	for (int i = 0; i < PROBE_HIST_BINS; i++)
		if (bins[i] > most)
			most = bins[i];
	for (int i = 0; i < PROBE_HIST_BINS; i++) {
		char from[32], to[32], range[80], bar[HIST_BAR + 1];
		int64_t b0 = lo + i * width, b1 = i == PROBE_HIST_BINS - 1 ? s->max_ns : b0 + width;
		size_t marks = (size_t)((bins[i] * HIST_BAR + most - 1) / most);
		memset(bar, '#', marks);
		bar[marks] = '\0';
		struct field f[] = { F_MS("from_ms", b0), F_MS("to_ms", b1), F_INT("count", bins[i]), F_END };
		snprintf(range, sizeof(range), "%s-%s ms", format_ms(b0, from, sizeof(from)),
			 format_ms(b1, to, sizeof(to)));
		report_event(r, "probe_bin", f, "  %-20s %-*s %llu", range, HIST_BAR, bar,
			     (unsigned long long)bins[i]);
	}
}

static void report_summary(struct probing *pr, int ports)
{
	struct probe_stats *s = &pr->stats;
	uint64_t failed = probe_stats_failed(s);
	int64_t min = 0, avg = 0, max = 0, mdev = 0;
	bool timed = probe_stats_times(s, &min, &avg, &max, &mdev);
	int64_t p50 = 0, p90 = 0, p99 = 0, jitter = 0, outage_ns = 0;
	probe_stats_percentile(s, 50, &p50);
	probe_stats_percentile(s, 90, &p90);
	probe_stats_percentile(s, 99, &p99);
	bool have_jitter = probe_stats_jitter(s, &jitter);
	uint64_t outage = probe_stats_longest_outage(s, &outage_ns);
	char kinds[160], target[300], a[32], b[32], c[32], d[32], times[400];
	struct field f[] = {
		F_STR("host", pr->host),
		ports ? F_INT("ports", ports) : F_INT("port", pr->port),
		F_INT("sent", s->sent), F_INT("succeeded", s->by_result[PROBE_OPEN]), F_INT("failed", failed),
		F_INT("refused", s->by_result[PROBE_REFUSED]), F_INT("timeout", s->by_result[PROBE_TIMEOUT]),
		F_INT("unreachable", s->by_result[PROBE_UNREACHABLE]), F_INT("error", s->by_result[PROBE_ERROR]),
		F_BOOL("interrupted", interrupt_signal != 0),
		F_INT("loss_pct", s->sent ? failed * 100 / s->sent : 0),
		/* -z's probes end in any order: runs of failures tell nothing there. */
		ports ? F_STR("longest_outage", NULL) : F_INT("longest_outage", outage),
		ports ? F_STR("longest_outage_ms", NULL) : F_MS("longest_outage_ms", outage_ns),
		timed ? F_MS("min_ms", min) : F_END, F_MS("avg_ms", avg), F_MS("max_ms", max),
		F_MS("mdev_ms", mdev), F_MS("p50_ms", p50), F_MS("p90_ms", p90), F_MS("p99_ms", p99),
		have_jitter ? F_MS("jitter_ms", jitter) : F_END, F_END,
	};

	failure_kinds(s, ports ? ", " : ": ", kinds, sizeof(kinds));
	if (ports && interrupt_signal)
		report_event(pr->r, "probe_summary", f, "%llu of %d port%s probed before the interrupt: %llu open%s",
			     (unsigned long long)s->sent, ports, ports == 1 ? "" : "s",
			     (unsigned long long)s->by_result[PROBE_OPEN], kinds);
	if (ports && !interrupt_signal)
		report_event(pr->r, "probe_summary", f, "%d ports: %llu open%s", ports,
			     (unsigned long long)s->by_result[PROBE_OPEN], kinds);
	if (ports)
		return;
	struct textbuf t = textbuf_on(times, sizeof(times));
	if (timed) {
		textbuf_printf(&t, "handshake min/avg/max/mdev = %s/%s/%s/%s ms",
			       format_ms(min, a, sizeof(a)), format_ms(avg, b, sizeof(b)),
			       format_ms(max, c, sizeof(c)), format_ms(mdev, d, sizeof(d)));
		textbuf_printf(&t, "\nhandshake p50/p90/p99 = %s/%s/%s ms", format_ms(p50, a, sizeof(a)),
			       format_ms(p90, b, sizeof(b)), format_ms(p99, c, sizeof(c)));
		if (have_jitter)
			textbuf_printf(&t, ", jitter %s ms", format_ms(jitter, a, sizeof(a)));
	} else {
		textbuf_puts(&t, "no handshake completed");
	}
	if (outage)
		textbuf_printf(&t, "\nlongest outage: %llu probe%s in a row, %s",
			       (unsigned long long)outage, outage == 1 ? "" : "s",
			       format_elapsed(outage_ns, a, sizeof(a)));
	report_event(pr->r, "probe_summary", f,
		     "--- %s: %llu handshake%s, %llu connected, %llu failed (%llu%%)%s%s\n%s",
		     session_target(pr->host, pr->port, target, sizeof(target)),
		     (unsigned long long)s->sent, s->sent == 1 ? "" : "s",
		     (unsigned long long)s->by_result[PROBE_OPEN],
		     (unsigned long long)failed,
		     (unsigned long long)(s->sent ? failed * 100 / s->sent : 0), kinds,
		     interrupt_signal ? " (interrupted)" : "", times);
	report_histogram(pr->r, s);
}

/* Sleeps until 'when' (ns), or less if interrupted. */
static void sleep_until(int64_t when)
{
	for (;;) {
		int64_t left = when - now_ns();
		if (left <= 0 || interrupt_signal)
			return;
		/* Short naps: a signal that lands between the check and poll costs at most 100 ms. */
		int ms = left > 100000000 ? 100 : (int)((left + 999999) / 1000000);
		poll(NULL, 0, ms);
	}
}

static int probe_ports(struct probing *pr, const struct port_set *set, const struct probe_opts *po)
{
	pr->n = (size_t)set->count;
	pr->v = calloc(pr->n, sizeof(*pr->v));
	if (pr->v == NULL) {
		report_error(pr->r, "cannot probe %zu ports: %s", pr->n, strerror(ENOMEM));
		return EXIT_NETWORK;
	}
	int port = -1;
	for (size_t i = 0; i < pr->n; i++)
		pr->v[i].port = port = port_set_next(set, port);
	if (probe_run(pr->v, pr->n, po) < pr->n && errno)
		report_error(pr->r, "probing stopped: %s", strerror(errno));
	trace_finish(pr->trace);
	/* Interrupted, some finished behind one that never did: their lines still go out. */
	for (; pr->reported < pr->n; pr->reported++)
		if (pr->v[pr->reported].done)
			report_probe(pr, &pr->v[pr->reported], NULL);
	/* One port needs no summary line, unless it was interrupted; JSON always has its object. */
	if (set->count > 1 || pr->r->json || interrupt_signal)
		report_summary(pr, set->count);
	free(pr->v);
	return 0;
}

static void probe_repeatedly(struct probing *pr, const struct probe_opts *po)
{
	long long interval = pr->o->interval_ms >= 0 ? pr->o->interval_ms : 1000;
	int64_t started = 0;

	pr->counting = true;
	for (long long i = 1; pr->o->count == 0 || i <= pr->o->count; i++) {
		if (i > 1)
			sleep_until(started + interval * 1000000);
		/* Nobody reads the lines any more (| head -1): stop, as at Ctrl-C. */
		if (interrupt_signal || ferror(stdout))
			break;
		struct probe p = { .port = pr->port };
		started = now_ns();
		pr->seq = (uint64_t)i;
		if (probe_run(&p, 1, po) == 0) {
			if (errno)
				report_error(pr->r, "probing stopped: %s", strerror(errno));
			break;
		}
		/* The close of this probe's connection, before the next one starts. */
		trace_finish(pr->trace);
	}
	report_summary(pr, 0);
}

int connect_probe(const char *host, const char *ports, const struct options *o)
{
	struct report r;
	struct port_set *set = malloc(sizeof(*set));
	struct addrinfo *peers = NULL, *source = NULL;
	struct probing pr = { .r = &r, .o = o, .host = host };
	const char *why;
	int status;

	if (set == NULL) {
		perror("tcptool");
		return EXIT_NETWORK;
	}
	if ((why = parse_port_set(ports, set)) != NULL) {
		usage_error("connect", "invalid port '%s': %s", ports, why);
		free(set);
		return EXIT_USAGE;
	}
	if (!o->zero_io && set->count > 1) {
		usage_error("connect", "connect: -c probes one port; use -z for '%s'", ports);
		free(set);
		return EXIT_USAGE;
	}
	if ((o->trace || o->pcap_path) && set->count > 1) {
		usage_error("connect", "connect: %s follows one connection at a time: use -z with one port, "
			    "or -c", o->ladder ? "--ladder" : o->trace ? "--trace" : "--pcap");
		free(set);
		return EXIT_USAGE;
	}
	pr.port = port_set_next(set, -1);
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	/* --trace: a timeline from the first SYN, the probes' lines among the segments. */
	r.stamp = o->trace || o->pcap_path;
	if (settings_trace_start(o, &r, &pr.trace) < 0) {
		free(set);
		return EXIT_NETWORK;
	}
	struct dial_settings dial = settings_dial(o);
	status = session_resolve_dial(&r, host, pr.port, &dial, &peers, &source, NULL);
	if (status) {
		trace_close(pr.trace);
		free(set);
		return status;
	}
	/* -O: refused before the first SYN; what the kernel grants, once for every probe's socket. */
	if (settings_sockopts(o)) {
		struct sockopt_results granted;
		if (sock_try_options(peers->ai_family, &o->sockopts, &granted) < 0) {
			if (granted.failed >= 0) {
				status = sockopt_report_refused(&r, &granted);
			} else {
				report_error(&r, "socket: %s", strerror(errno));
				status = EXIT_NETWORK;
			}
			trace_close(pr.trace);
			freeaddrinfo(peers);
			if (source)
				freeaddrinfo(source);
			free(set);
			return status;
		}
		sockopt_report_results(&r, &granted, false, 0);
	}
	/* From here on Ctrl-C ends with the summary (during the lookup, it just ends tcptool). */
	interrupt_catch();
	struct probe_opts po = {
		.to = peers,
		.dial = { .timeout_ms = (int)o->timeout_ms, .source = source, .source_port = o->source_port,
			  .on_bound = pr.trace ? on_probe_bound : NULL, .ctx = &pr,
			  .sockopts = settings_sockopts(o) },
		.parallel = parallel_limit(),
		.stop = &interrupt_signal,
		.done = on_probe_done,
		.ctx = &pr,
	};
	if (o->zero_io)
		status = probe_ports(&pr, set, &po);
	else
		probe_repeatedly(&pr, &po);
	/* -z: every port must have answered; -c: every probe made before Ctrl-C. */
	bool all_probed = !o->zero_io || pr.stats.sent == (uint64_t)set->count;
	if (status == 0 && (pr.stats.sent == 0 || !all_probed || probe_stats_failed(&pr.stats) > 0))
		status = EXIT_NETWORK;
	trace_close(pr.trace);
	probe_stats_free(&pr.stats);
	freeaddrinfo(peers);
	if (source)
		freeaddrinfo(source);
	free(set);
	return status;
}
