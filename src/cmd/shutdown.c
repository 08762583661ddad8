/*
 * tcptool shutdown: connect, optionally send, then end the connection one
 * chosen way (shutdown(how), or an abortive close) and print the timeline
 * of what follows.
 */
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "view/session.h"
#include "view/session_dial.h"
#include "view/trace.h"
#include "cmd/shutdown_watch.h"
#include "base/clock.h"
#include "cmd/settings.h"
#include "cmd/privileges.h"

/* Without -w: how long the handshake may take, and how long to watch the close. */
#define SHUTDOWN_WAIT_MS 3000

static void report_wait_over(const struct shutdown_watch *w, long long wait_ms)
{
	char dur[32];
	struct field f[] = { F_INT("waited_ms", wait_ms), F_END };
	const char *why = w->peer_fin ? "our FIN is still unacknowledged"
				      : "the peer has not closed its side";

	report_event(w->r, "wait_over", f, "waited %s: %s", format_duration(wait_ms, dur, sizeof(dur)), why);
}

int cmd_shutdown(int argc, char **argv, const struct options *o)
{
	struct dial_settings dial = settings_dial(o);
	struct session_dial d;
	struct report r;
	struct shutdown_watch w;
	int port, status;

	if (!args_operands("shutdown", argc, argv, "HOST PORT") ||
	    !args_port_operand("shutdown", argv[1], &port))
		return EXIT_USAGE;
	if (o->rst && o->how_given) {
		usage_error("shutdown", "shutdown: --rst and --how exclude each other");
		return EXIT_USAGE;
	}
	if (dial.timeout_ms < 0)
		dial.timeout_ms = SHUTDOWN_WAIT_MS;

	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	/* --trace starts the timeline at the first SYN, and stamps the failed addresses too. */
	r.stamp = o->trace || o->pcap_path;
	struct trace *trace;
	if (settings_trace_start(o, &r, &trace) < 0)
		return EXIT_NETWORK;
	status = session_dial(&r, argv[0], port, &dial, trace, &d);
	privileges_setup_done(&r);
	if (status) {
		trace_finish(trace);
		trace_close(trace);
		return status;
	}
	/* The timeline starts when the SYN that got an answer left; failed addresses come before it, unstamped. */
	if (!trace)
		r.t0_ns = now_ns() - d.handshake_ns;
	r.stamp = true;
	session_report_connected(&r, argv[0], &d);
	session_report_tcp_info(&r, d.fd);
	shutdown_watch_init(&w, &r, d.fd, d.late_err);
	if (o->interval_ms > 0)
		shutdown_watch_intervals(&w, o->interval_ms);

	if (o->send_text)
		shutdown_watch_send(&w, o->send_text, strlen(o->send_text),
				    now_ns() + dial.timeout_ms * 1000000);
	if (o->after_ms > 0)
		shutdown_watch_until(&w, now_ns() + o->after_ms * 1000000, false);
	if (o->rst) {
		status = shutdown_watch_close(&w, true) == 0 ? EXIT_OK : EXIT_NETWORK;
	} else {
		status = shutdown_watch_shutdown(&w, o->shut_how) == 0 ? EXIT_OK : EXIT_NETWORK;
		int64_t settle = now_ns() + dial.timeout_ms * 1000000;
		if (status == EXIT_OK && shutdown_watch_until(&w, settle, true))
			report_wait_over(&w, dial.timeout_ms);
		shutdown_watch_close(&w, false);
	}
	trace_finish(trace);
	trace_close(trace);
	return status;
}
