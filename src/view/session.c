/* One connection's life as the user sees it: events, summary, exit status. */
#include "view/session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/port_holder.h"
#include "view/info_format.h"
#include "base/clock.h"
#include "net/tcpinfo.h"
#include "net/sock.h"
#include "net/tcp_state.h"
#include "view/explain.h"
#include "view/measure_report.h"
#include "view/session_meter.h"

void session_report_tcp_info(const struct report *r, int fd)
{
	struct tcp_summary ti;
	struct field f[INFO_TCP_FIELDS + 1];
	char rtt[32], rttvar[32], cong[16] = "";

	if (r->verbose == 0 || tcpinfo_read(fd, &ti) < 0)
		return;
	tcpinfo_congestion(fd, cong, sizeof(cong));
	info_tcp_fields(&ti, cong, f);
	report_event(r, "tcp_info", f,
		     "tcp_info: %s, rtt %s ms (var %s), mss %u out / %u in, window scale %d / %d, "
		     "sack %s, timestamps %s, cwnd %u segments, %s",
		     tcp_state_name(ti.state), format_ms((int64_t)ti.rtt_us * 1000, rtt, sizeof(rtt)),
		     format_ms((int64_t)ti.rttvar_us * 1000, rttvar, sizeof(rttvar)), ti.snd_mss,
		     ti.advmss, ti.snd_wscale, ti.rcv_wscale, ti.sack ? "yes" : "no",
		     ti.timestamps ? "yes" : "no", ti.snd_cwnd, cong[0] ? cong : "?");
}

struct session_ctx {
	const struct report *r;
	const struct session_opts *o;
	struct session_meter meter;
};

/* Our sends and shutdown, for the ladder. */
static void on_call(void *ctx, const char *call, long long bytes, int64_t began_ns)
{
	const struct session_ctx *s = ctx;

	report_call(s->r, began_ns, call, bytes);
}

static void on_relay_event(void *ctx, enum relay_event ev, const struct relay_result *so_far)
{
	const struct session_ctx *s = ctx;
	unsigned long long out = so_far->bytes_out;
	char what[64];
	struct field f[] = {
		F_INT("bytes_in", so_far->bytes_in),
		F_INT("bytes_out", so_far->bytes_out),
		F_END,
	};

	if (s->o->load)
		snprintf(what, sizeof(what), "--load sent its %llu bytes", out);
	else if (s->o->send_text)
		snprintf(what, sizeof(what), "--send text sent (%llu bytes)", out);
	else
		snprintf(what, sizeof(what), "stdin ended after %llu bytes", out);
	switch (ev) {
	case RELAY_INPUT_EOF:
		report_event(s->r, "input_eof", f, "%s; still reading until the peer closes "
			     "(no FIN without --half-close)", what);
		break;
	case RELAY_FIN_SENT:
		report_event(s->r, "fin_sent", f, "%s: sent FIN with shutdown(SHUT_WR); %s", what,
			     so_far->first_fin == CLOSER_PEER
				     ? "the peer's FIN came first, so both sides are done sending"
				     : "still reading until the peer closes");
		break;
	case RELAY_PEER_FIN:
		report_event(s->r, "peer_fin", f, "peer closed its side (FIN) after sending %llu bytes",
			     (unsigned long long)so_far->bytes_in);
		break;
	case RELAY_PEER_RESET:
		report_event(s->r, "peer_reset", f, "peer reset the connection (RST)");
		break;
	}
}

/* The "end" key for a relay end. */
static const char *end_name(enum relay_end end)
{
	switch (end) {
	case END_PEER_CLOSED: return "fin";
	case END_RESET: return "reset";
	case END_IDLE_TIMEOUT: return "timeout";
	case END_STOPPED: return "interrupted";
	case END_VERIFY_FAILED: return "verify";
	default: return "error";
	}
}

static const char *first_fin_name(enum relay_closer c)
{
	return c == CLOSER_PEER ? "peer" : c == CLOSER_US ? "us" : "none";
}

/* How the connection ended, in words, from the end and who sent FIN first. */
static const char *closing_words(const struct conn_end *e)
{
	if (strcmp(e->end, "timeout") == 0)
		return "closed by us: idle too long";
	if (strcmp(e->end, "stopped") == 0)
		return "closed by us: the server is stopping";
	if (strcmp(e->end, "interrupted") == 0)
		return "interrupted by a signal";
	if (strcmp(e->end, "verify") == 0)
		return "closed by us: the data differed from the pattern";
	if (strcmp(e->end, "reset") == 0 && e->first_fin == CLOSER_NONE)
		return "reset by the peer (RST)";
	return e->first_fin == CLOSER_PEER ? "the peer closed first"
	     : e->first_fin == CLOSER_US ? "we closed first (FIN)" : "no FIN either way";
}

void session_report_closed(const struct report *r, const struct sock_names *n,
			   const struct conn_end *e)
{
	char dur[32];

	if (r->quiet)
		return;  /* a server closes many connections: no formatting for nothing */
	struct field f[] = {
		F_STR("local", n->local), F_STR("peer", n->peer),
		F_INT("bytes_in", e->bytes_in), F_INT("bytes_out", e->bytes_out),
		F_MS("duration_ms", e->duration_ns),
		F_STR("first_fin", first_fin_name(e->first_fin)),
		F_STR("end", e->end),
		F_INT("conn", e->conn),
		F_END,
	};
	if (e->conn == 0)
		f[7] = F_END;
	report_event(r, "closed", f, "closed %s: %llu bytes in, %llu bytes out in %s; %s",
		     n->peer, (unsigned long long)e->bytes_in, (unsigned long long)e->bytes_out,
		     format_elapsed(e->duration_ns, dur, sizeof(dur)), closing_words(e));
}

/*
 * --load and --discard: the connection's figures as a measurement, bytes
 * sent as the peer acknowledged them, CPU counted from user0 and sys0.
 */
static void report_measurement(const struct report *r, const struct session_meter *meter, int sock,
			       const struct relay_result *res, int64_t user0, int64_t sys0)
{
	struct measurement m = {
		.bytes_out = res->bytes_out, .bytes_in = res->bytes_in, .duration_ns = res->duration_ns,
	};
	struct tcp_summary ti;

	cpu_ns(&m.cpu_user_ns, &m.cpu_sys_ns);
	m.cpu_user_ns -= user0;
	m.cpu_sys_ns -= sys0;
	if (tcpinfo_read(sock, &ti) == 0) {
		m.have_retrans = true;
		m.retrans = ti.total_retrans;
		m.bytes_out = session_meter_delivered(meter, &ti, res->bytes_out);
	}
	measure_report(r, &m);
}

static void on_side_ready(void *ctx)
{
	const struct session_ctx *s = ctx;

	report_drain_source(s->r);
}

static int64_t on_tick(void *ctx, const struct relay_result *so_far)
{
	struct session_ctx *s = ctx;

	return session_meter_tick(&s->meter, so_far->bytes_out, so_far->bytes_in);
}

static void before_output(void *ctx)
{
	struct session_ctx *s = ctx;

	session_meter_before_output(&s->meter);
}

void session_share_terminal(struct report *r, struct relay_io *io)
{
	if (report_shares_terminal(r->out))
		r->mid_line = &io->out_mid_line;
}

int session_relay(struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct session_opts *o, int pending_err, enum relay_end *end)
{
	struct session_ctx ctx = { .r = r, .o = o };
	int64_t first_tick = session_meter_start(&ctx.meter, r, sock, o->interval_ms);
	int64_t first_draw = session_meter_progress(&ctx.meter, r, o->progress, relay_io_input_size(io));
	if (first_draw && (first_tick == 0 || first_draw < first_tick))
		first_tick = first_draw;
	struct relay_opts ro = {
		.half_close = o->half_close,
		.idle_timeout_ms = (int)o->timeout_ms,
		.pending_err = pending_err,
		.on_event = on_relay_event,
		.side_fd = r->source ? r->source->fd : -1,
		.on_side_ready = r->source ? on_side_ready : NULL,
		.on_tick = first_tick ? on_tick : NULL,
		.first_tick_ns = first_tick,
		/* The peer's data and the progress line on one terminal: the line steps aside. */
		.before_output = ctx.meter.progress.on && r->mid_line ? before_output : NULL,
		.on_call = r->source && r->source->call ? on_call : NULL,
		.send_rate = o->send_rate,
		.read_rate = o->read_rate,
		.stop = o->stop,
		.ctx = &ctx,
	};
	struct relay_result res;
	char dur[32];

	int64_t user0, sys0;
	cpu_ns(&user0, &sys0);
	relay_run(sock, io, &ro, &res);
	session_meter_finish(&ctx.meter, res.bytes_out, res.bytes_in);
	struct conn_end ce = {
		.bytes_in = res.bytes_in, .bytes_out = res.bytes_out, .duration_ns = res.duration_ns,
		.first_fin = res.first_fin, .end = end_name(res.end),
	};
	session_report_closed(r, names, &ce);
	if (end)
		*end = res.end;
	if (o->measure)
		report_measurement(r, &ctx.meter, sock, &res, user0, sys0);

	const char *why = explain_errno(res.err, PHASE_TRANSFER);
	switch (res.end) {
	case END_PEER_CLOSED:
	case END_STOPPED:  /* the caller ends as the signal would have */
		return EXIT_OK;
	case END_IDLE_TIMEOUT:
		report_error(r, "idle for %s: nothing sent or received, giving up",
			     format_duration(o->timeout_ms, dur, sizeof(dur)));
		return EXIT_TIMEOUT;
	case END_INPUT_ERROR:
		report_error(r, "read from stdin: %s", strerror(res.err));
		return EXIT_NETWORK;
	case END_OUTPUT_ERROR:
		report_error(r, "write to stdout: %s", strerror(res.err));
		return EXIT_NETWORK;
	case END_VERIFY_FAILED:
		report_error(r, "--verify: the byte at offset %llu differs from the pattern --load sends",
			     (unsigned long long)res.bad_offset);
		return EXIT_NETWORK;
	case END_RESET:
	case END_SOCKET_ERROR:
		report_error(r, "connection broke: %s%s%s%s", strerror(res.err),
			     why ? " (" : "", why ? why : "", why ? ")" : "");
		return res.err == ETIMEDOUT ? EXIT_TIMEOUT : EXIT_NETWORK;
	}
	return EXIT_NETWORK;
}

void session_report_listening(const struct report *r, int fd, int backlog)
{
	struct sock_names n;
	bool dual = sock_is_dual_stack(fd);

	sock_names(fd, &n);
	struct field f[] = {
		F_STR("local", n.local), F_BOOL("dual_stack", dual), F_INT("backlog", backlog), F_END,
	};
	report_event(r, "listening", f, "listening on %s%s", n.local, dual ? " (IPv4 and IPv6)" : "");
}

void session_report_accepted(const struct report *r, const struct sock_names *n, uint64_t conn)
{
	struct field f[] = { F_STR("local", n->local), F_STR("peer", n->peer), F_INT("conn", conn), F_END };

	if (conn == 0)
		f[2] = F_END;
	report_event(r, "accepted", f, "connection from %s to %s", n->peer, n->local);
}

/* Says who holds a port that is in use, as far as this user can see. */
static void describe_port_use(int port, char *buf, size_t size)
{
	struct port_use use;
	size_t n = 0;

	buf[0] = '\0';
	if (port_holder_find(port, &use) < 0)
		return;
	if (use.owners > 0) {
		for (int i = 0; i < use.owners && n < size; i++)
			n += (size_t)snprintf(buf + n, size - n, "%s%s (pid %d)", i ? ", " : "",
					      use.comm[i], (int)use.pid[i]);
		if (n < size)
			snprintf(buf + n, size - n, " listen%s there", use.owners == 1 ? "s" : "");
	} else if (use.listening > 0) {
		snprintf(buf, size, "a process of another user listens there");
	} else if (use.other > 0) {
		snprintf(buf, size, "%d connection%s still use%s it", use.other,
			 use.other == 1 ? "" : "s", use.other == 1 ? "s" : "");
	} else if (use.time_wait > 0) {
		snprintf(buf, size, "only %d TIME_WAIT leftover%s, and SO_REUSEADDR is set",
			 use.time_wait, use.time_wait == 1 ? "" : "s");
	}
}

int session_listen_failed(const struct report *r, const char *addr, int port, int gai_err)
{
	int err = errno;
	const char *why = explain_errno(err, PHASE_BIND);
	char who[256] = "";

	if (gai_err) {
		report_error(r, "cannot resolve bind address '%s': %s", addr,
			     gai_err == EAI_SYSTEM ? strerror(err) : gai_strerror(gai_err));
		return sock_resolve_error_is_name(gai_err) ? EXIT_RESOLVE : EXIT_NETWORK;
	}
	if (err == EADDRINUSE)
		describe_port_use(port, who, sizeof(who));
	if (who[0])
		why = who;
	report_error(r, "listen on %s port %d: %s%s%s%s", addr ? addr : "any address", port,
		     strerror(err), why ? " (" : "", why ? why : "", why ? ")" : "");
	return EXIT_NETWORK;
}
