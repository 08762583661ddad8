/* The servers' events as the user sees them, and their exit status. */
#include "view/server_report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "view/info_print.h"
#include "view/session.h"
#include "view/sockopt_report.h"
#include "base/exit_status.h"

void server_report_init(struct server_report *v, const struct report *r)
{
	*v = (struct server_report){ .r = r, .status = EXIT_OK };
}

static const char *end_name(enum server_end end)
{
	switch (end) {
	case SERVER_END_FIN: return "fin";
	case SERVER_END_RESET: return "reset";
	case SERVER_END_ERROR: return "error";
	case SERVER_END_TIMEOUT: return "timeout";
	case SERVER_END_STOPPED: return "stopped";
	}
	return "error";
}

static void report_limits(const struct report *r, const struct server_config *cfg)
{
	char idle[32] = "none";

	if (r->verbose == 0)
		return;
	if (cfg->idle_timeout_ms >= 0)
		format_duration(cfg->idle_timeout_ms, idle, sizeof(idle));
	struct field f[] = {
		F_INT("max_conns", cfg->max_conns),
		F_MS("idle_timeout_ms", cfg->idle_timeout_ms * 1000000),
		F_INT("buffer", cfg->read_size),
		F_END,
	};
	if (cfg->idle_timeout_ms < 0)
		f[1] = F_STR("idle_timeout_ms", NULL);
	report_event(r, "limits", f,
		     "serving up to %d clients at once; idle timeout %s; reads of up to %zu bytes",
		     cfg->max_conns, idle, cfg->read_size);
}

static void report_fd_limit(const struct report *r, const struct server_event *ev)
{
	struct field f[] = { F_INT("fd_limit", ev->fd_limit), F_INT("max_conns", ev->cfg->max_conns), F_END };

	report_event(r, "fd_limit", f,
		     "the open-file limit (ulimit -n %llu) leaves room for %lld clients, fewer "
		     "than --max-conns %d; more wait in the accept queue until a descriptor frees up",
		     (unsigned long long)ev->fd_limit, ev->room, ev->cfg->max_conns);
}

static void report_closed(const struct report *r, const struct server_event *ev)
{
	const struct server_conn *c = ev->conn;
	struct conn_end e = {
		.bytes_in = c->bytes_in, .bytes_out = c->bytes_out,
		.duration_ns = ev->now_ns - c->start_ns, .first_fin = c->first_fin,
		.end = end_name(ev->end), .conn = c->id,
	};

	session_report_closed(r, &c->names, &e);
}

static void report_peer_fin(const struct report *r, const struct server_conn *c)
{
	if (r->verbose == 0)
		return;
	struct field f[] = { F_STR("peer", c->names.peer), F_INT("bytes_in", c->bytes_in),
			     F_INT("conn", c->id), F_END };
	report_event(r, "peer_fin", f, "%s closed its side (FIN) after sending %llu bytes",
		     c->names.peer, (unsigned long long)c->bytes_in);
}

/* Pauses can come and go many times a second: the first is reported, the rest with -v. */
static bool report_pause(const struct report *r, uint64_t times)
{
	return times == 1 || r->verbose > 0;
}

static void report_full(const struct report *r, const struct server_event *ev)
{
	if (!report_pause(r, ev->stats->times_full))
		return;
	struct field f[] = { F_INT("open", ev->stats->open), F_INT("max_conns", ev->cfg->max_conns), F_END };
	report_event(r, "max_conns", f, "%llu clients, the --max-conns limit: new clients wait "
		     "in the accept queue", (unsigned long long)ev->stats->open);
}

static void report_out_of_fds(const struct report *r, const struct server_event *ev)
{
	if (!report_pause(r, ev->stats->times_out_of_fds))
		return;
	struct field f[] = { F_INT("open", ev->stats->open), F_STR("reason", strerror(ev->err)), F_END };
	report_event(r, "accept_paused", f, "cannot accept with %llu clients open (%s): new "
		     "clients wait in the accept queue until a descriptor frees up",
		     (unsigned long long)ev->stats->open, strerror(ev->err));
}

static void report_summary(const struct report *r, const struct server_event *ev)
{
	const struct server_stats *st = ev->stats;
	char dur[32];
	const char *sig = st->stop_signal ? sigabbrev_np(st->stop_signal) : NULL;
	char signame[16];

	snprintf(signame, sizeof(signame), "SIG%s", sig ? sig : "?");
	struct field f[] = {
		F_STR("signal", st->stop_signal ? signame : NULL),
		F_INT("connections", st->connections),
		F_INT("bytes_in", st->bytes_in), F_INT("bytes_out", st->bytes_out),
		F_INT("peak", st->peak),
		F_INT("resets", st->resets), F_INT("timeouts", st->timeouts),
		F_INT("times_full", st->times_full), F_INT("times_out_of_fds", st->times_out_of_fds),
		F_MS("duration_ms", ev->now_ns - st->started_ns),
		F_END,
	};
	report_event(r, "summary", f,
		     "%s%s after %s: %llu connection%s, %llu bytes in, %llu bytes out, "
		     "at most %llu at once", st->stop_signal ? "stopped by " : "stopped",
		     st->stop_signal ? signame : "", format_elapsed(ev->now_ns - st->started_ns, dur, sizeof(dur)),
		     (unsigned long long)st->connections, st->connections == 1 ? "" : "s",
		     (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out,
		     (unsigned long long)st->peak);
}

/* With -v and -i: what the figures of the interval lines mean, once, before the first. */
static void report_tally_legend(const struct report *r, const struct server_config *cfg)
{
	static const struct info_legend legend[] = {
		{ "interval", "seconds since the server started: the stretch the line covers" },
		{ "connected", "clients connected at the end of the interval" },
		{ "opened, closed", "connections accepted and closed during the interval" },
		{ "received, sent", "data bytes read from and written to every client together in the "
				    "interval, and their rate" },
		{ "busiest client", "the client that moved the most bytes (in and out together) in the "
				    "interval, and its bytes each way" },
		{ "total", "the same for the whole run, when the server stops; 'at most' is the most "
			   "clients connected at once" },
	};

	if (cfg->tick_ms <= 0 || r->json || r->verbose == 0)
		return;
	info_print_legend(r->out, legend, sizeof(legend) / sizeof(legend[0]));
}

static double per_second(uint64_t bytes, int64_t ns)
{
	return ns > 0 ? (double)bytes * 1e9 / (double)ns : 0;
}

/* Seconds since the server started, to the millisecond: "12.345". */
static char *format_since(int64_t ns, char *buf, size_t size)
{
	int64_t ms = ns > 0 ? ns / 1000000 : 0;

	snprintf(buf, size, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
	return buf;
}

/* The JSON keys of a tally; the total has no "clients" (none are left at the stop). */
static void tally_fields(const struct server_tally *t, int64_t t0, bool total, struct field *f)
{
	const struct server_busiest *b = &t->busiest;
	int64_t span = t->end_ns - t->start_ns;
	size_t n = 0;

	f[n++] = F_MS("start_ms", t->start_ns - t0);
	f[n++] = F_MS("end_ms", t->end_ns - t0);
	if (!total)
		f[n++] = F_INT("clients", t->open);
	f[n++] = F_INT("peak", t->peak);
	f[n++] = F_INT("opened", t->opened);
	f[n++] = F_INT("closed", t->closed);
	f[n++] = F_INT("bytes_in", t->bytes_in);
	f[n++] = F_INT("bytes_out", t->bytes_out);
	f[n++] = F_INT("in_bytes_per_s", (int64_t)(per_second(t->bytes_in, span) + 0.5));
	f[n++] = F_INT("out_bytes_per_s", (int64_t)(per_second(t->bytes_out, span) + 0.5));
	if (b->conn) {
		f[n++] = F_STR("busiest_peer", b->peer);
		f[n++] = F_INT("busiest_conn", b->conn);
		f[n++] = F_INT("busiest_bytes_in", b->bytes_in);
		f[n++] = F_INT("busiest_bytes_out", b->bytes_out);
	}
	f[n] = F_END;
}

/*
 * "interval 1.000-2.000 s: 3 clients connected, 2 opened, 1 closed;
 * received 1.25 MB (1.25 MB/s), sent ...; busiest client ADDR (... in, ... out)".
 */
static void tally_line(const struct server_tally *t, int64_t t0, bool total, char *buf, size_t size)
{
	const struct server_busiest *b = &t->busiest;
	int64_t span = t->end_ns - t->start_ns;
	char from[32], to[32], in[32], inr[32], out[32], outr[32], bin[32], bout[32];
	char clients[64], who[SOCK_NAME_MAX + 80];

	if (total)
		snprintf(clients, sizeof(clients), "at most %llu client%s at once",
			 (unsigned long long)t->peak, t->peak == 1 ? "" : "s");
	else
		snprintf(clients, sizeof(clients), "%llu client%s connected",
			 (unsigned long long)t->open, t->open == 1 ? "" : "s");
	if (b->conn)
		snprintf(who, sizeof(who), "busiest client %s (%s in, %s out)", b->peer,
			 format_si((double)b->bytes_in, "B", bin, sizeof(bin)),
			 format_si((double)b->bytes_out, "B", bout, sizeof(bout)));
	else
		snprintf(who, sizeof(who), "no client sent or received data");
	snprintf(buf, size, "%s %s-%s s: %s, %llu opened, %llu closed; received %s (%s), sent %s (%s); %s",
		 total ? "total" : "interval", format_since(t->start_ns - t0, from, sizeof(from)),
		 format_since(t->end_ns - t0, to, sizeof(to)), clients,
		 (unsigned long long)t->opened, (unsigned long long)t->closed,
		 format_si((double)t->bytes_in, "B", in, sizeof(in)),
		 format_si(per_second(t->bytes_in, span), "B/s", inr, sizeof(inr)),
		 format_si((double)t->bytes_out, "B", out, sizeof(out)),
		 format_si(per_second(t->bytes_out, span), "B/s", outr, sizeof(outr)), who);
}

/*
 * One interval (SERVER_TICK) or the whole run (SERVER_TOTAL): events
 * "server_interval" and "server_total", not "interval" and "summary", which
 * connect and listen use for one connection with other keys, and which the
 * server's own summary already is.
 */
static void report_tally(const struct report *r, const struct server_event *ev, bool total)
{
	struct field f[16];
	char line[512];

	tally_fields(ev->tally, ev->stats->started_ns, total, f);
	tally_line(ev->tally, ev->stats->started_ns, total, line, sizeof(line));
	/* Each name spelled out, where the docs test looks for the events. */
	if (total)
		report_event(r, "server_total", f, "%s", line);
	else
		report_event(r, "server_interval", f, "%s", line);
}

/* Events reach the stream once a round; a stream that went away ends the server. */
static bool flush_events(struct server_report *v)
{
	if (fflush(v->r->out) == 0 && !ferror(v->r->out))
		return true;
	report_error(v->r, "write to the event stream: %s", strerror(errno));
	v->status = EXIT_NETWORK;
	return false;
}

/* The errors: never silenced, and each sets the exit status. */
static void report_failure(struct server_report *v, const struct server_event *ev)
{
	const struct report *r = v->r;

	v->status = EXIT_NETWORK;
	switch (ev->type) {
	case SERVER_LISTEN_FAILED:
		if (ev->sockopts && ev->sockopts->failed >= 0) {
			v->status = sockopt_report_refused(r, ev->sockopts);
			break;
		}
		errno = ev->err;
		v->status = session_listen_failed(r, ev->cfg->bind_addr, ev->cfg->port, ev->gai_err);
		break;
	case SERVER_SETUP_FAILED:
		report_error(r, "cannot set up the event loop: %s", strerror(ev->err));
		break;
	default:
		report_error(r, "epoll_wait: %s", strerror(ev->err));
		break;
	}
}

/* Out of line: the quiet path of server_report_event stays a few instructions, without its frame. */
__attribute__((noinline)) static bool report(struct server_report *v, const struct server_event *ev)
{
	const struct report *r = v->r;

	switch (ev->type) {
	case SERVER_LISTENING:
		session_report_listening(r, ev->fd, ev->cfg->backlog);
		if (ev->sockopts)
			sockopt_report_results(r, ev->sockopts, true, 0);
		report_limits(r, ev->cfg);
		report_tally_legend(r, ev->cfg);
		break;
	case SERVER_FD_LIMIT:
		report_fd_limit(r, ev);
		break;
	case SERVER_ACCEPTED:
		session_report_accepted(r, &ev->conn->names, ev->conn->id);
		/* Every client has the listener's options: its own are worth lines with -v. */
		if (ev->sockopts && r->verbose > 0)
			sockopt_report_results(r, ev->sockopts, false, ev->conn->id);
		break;
	case SERVER_PEER_FIN:
		report_peer_fin(r, ev->conn);
		break;
	case SERVER_CLOSED:
		report_closed(r, ev);
		break;
	case SERVER_FULL:
		report_full(r, ev);
		break;
	case SERVER_OUT_OF_FDS:
		report_out_of_fds(r, ev);
		break;
	case SERVER_ROUND:
		return flush_events(v);
	case SERVER_TICK:
	case SERVER_TOTAL:
		report_tally(r, ev, ev->type == SERVER_TOTAL);
		break;
	case SERVER_STOPPED:
		report_summary(r, ev);
		break;
	case SERVER_LISTEN_FAILED:
	case SERVER_SETUP_FAILED:
	case SERVER_WAIT_FAILED:
		report_failure(v, ev);
		break;
	}
	return true;
}

#define FAILURES (1u << SERVER_LISTEN_FAILED | 1u << SERVER_SETUP_FAILED | 1u << SERVER_WAIT_FAILED)

bool server_report_event(void *ctx, const struct server_event *ev)
{
	struct server_report *v = ctx;

	/* --quiet: only the failures, and a server has many events: no work for the others. */
	if (v->r->quiet && !(FAILURES >> ev->type & 1))
		return true;
	return report(v, ev);
}

int server_report_status(const struct server_report *v, int run_result)
{
	if (run_result == 0)
		return EXIT_OK;
	return v->status != EXIT_OK ? v->status : EXIT_NETWORK;
}
