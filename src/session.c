/* One connection's life as the user sees it: events, summary, exit status. */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "sock.h"

void session_report_tcp_info(const struct report *r, int fd)
{
	struct tcp_info ti;
	char rtt[32], rttvar[32];

	if (r->verbose == 0 || sock_tcp_info(fd, &ti) < 0)
		return;
	const char *sack = ti.tcpi_options & TCPI_OPT_SACK ? "yes" : "no";
	const char *ts = ti.tcpi_options & TCPI_OPT_TIMESTAMPS ? "yes" : "no";
	int wscale = !!(ti.tcpi_options & TCPI_OPT_WSCALE);
	struct field f[] = {
		F_STR("state", sock_state_name(ti.tcpi_state)),
		F_MS("rtt_ms", (int64_t)ti.tcpi_rtt * 1000),
		F_MS("rttvar_ms", (int64_t)ti.tcpi_rttvar * 1000),
		F_INT("snd_mss", ti.tcpi_snd_mss),
		F_INT("rcv_mss", ti.tcpi_rcv_mss),
		F_INT("snd_wscale", wscale ? ti.tcpi_snd_wscale : -1),
		F_INT("rcv_wscale", wscale ? ti.tcpi_rcv_wscale : -1),
		F_BOOL("sack", ti.tcpi_options & TCPI_OPT_SACK),
		F_BOOL("timestamps", ti.tcpi_options & TCPI_OPT_TIMESTAMPS),
		F_INT("snd_cwnd", ti.tcpi_snd_cwnd),
		F_END,
	};
	report_event(r, "tcp_info", f,
		     "tcp_info: %s, rtt %s ms (var %s), mss %u out / %u in, window scale %d / %d, "
		     "sack %s, timestamps %s, cwnd %u segments",
		     sock_state_name(ti.tcpi_state), format_ms((int64_t)ti.tcpi_rtt * 1000, rtt, sizeof(rtt)),
		     format_ms((int64_t)ti.tcpi_rttvar * 1000, rttvar, sizeof(rttvar)),
		     ti.tcpi_snd_mss, ti.tcpi_rcv_mss, wscale ? ti.tcpi_snd_wscale : -1,
		     wscale ? ti.tcpi_rcv_wscale : -1, sack, ts, ti.tcpi_snd_cwnd);
}

struct session_ctx {
	const struct report *r;
	const struct options *o;
};

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

	if (s->o->send_text)
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
			     so_far->first_fin == CLOSER_PEER ? "both directions are closed now"
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

static const char *end_name(enum relay_end end)
{
	switch (end) {
	case END_PEER_CLOSED: return "fin";
	case END_RESET: return "reset";
	case END_IDLE_TIMEOUT: return "timeout";
	default: return "error";
	}
}

static const char *first_fin_name(enum relay_closer c)
{
	return c == CLOSER_PEER ? "peer" : c == CLOSER_US ? "us" : "none";
}

static void report_closed(const struct report *r, const struct sock_names *n,
			  const struct relay_result *res)
{
	char dur[32];
	const char *who = res->first_fin == CLOSER_PEER ? "the peer closed first"
			: res->first_fin == CLOSER_US ? "we closed first (FIN)" : "no FIN either way";
	struct field f[] = {
		F_STR("local", n->local), F_STR("peer", n->peer),
		F_INT("bytes_in", res->bytes_in), F_INT("bytes_out", res->bytes_out),
		F_MS("duration_ms", res->duration_ns),
		F_STR("first_fin", first_fin_name(res->first_fin)),
		F_STR("end", end_name(res->end)),
		F_END,
	};
	report_event(r, "closed", f, "closed %s: %llu bytes in, %llu bytes out in %s ms; %s",
		     n->peer, (unsigned long long)res->bytes_in, (unsigned long long)res->bytes_out,
		     format_ms(res->duration_ns, dur, sizeof(dur)), who);
}

int session_relay(const struct report *r, int sock, const struct sock_names *names,
		  struct relay_io *io, const struct options *o, int pending_err, enum relay_end *end)
{
	struct session_ctx ctx = { r, o };
	struct relay_opts ro = {
		.half_close = o->half_close,
		.idle_timeout_ms = (int)o->timeout_ms,
		.pending_err = pending_err,
		.on_event = on_relay_event,
		.ctx = &ctx,
	};
	struct relay_result res;
	char dur[32];

	relay_run(sock, io, &ro, &res);
	report_closed(r, names, &res);
	if (end)
		*end = res.end;

	const char *why = sock_explain(res.err, PHASE_TRANSFER);
	switch (res.end) {
	case END_PEER_CLOSED:
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
	case END_RESET:
	case END_SOCKET_ERROR:
		report_error(r, "connection broke: %s%s%s%s", strerror(res.err),
			     why ? " (" : "", why ? why : "", why ? ")" : "");
		return res.err == ETIMEDOUT ? EXIT_TIMEOUT : EXIT_NETWORK;
	}
	return EXIT_NETWORK;
}
