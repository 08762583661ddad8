/* tcptool connect: dial HOST PORT and relay stdin/stdout over it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "base/clock.h"
#include "cmd/connect_probe.h"
#include "cmd/interrupt.h"
#include "net/relay.h"
#include "view/report.h"
#include "view/session.h"
#include "view/session_dial.h"
#include "net/sock.h"
#include "view/trace.h"
#include "cmd/settings.h"
#include "cmd/privileges.h"

/* -z and -c make handshakes only: no data, so no relay options. */
static bool probe_options_valid(const struct options *o)
{
	const char *mode = o->zero_io ? "-z" : "-c";

	if (o->zero_io && o->count >= 0) {
		usage_error("connect", "connect: -z and -c exclude each other");
		return false;
	}
	if (o->zero_io && o->interval_ms >= 0) {
		usage_error("connect", "connect: -i does not go with -z (use -c N -i DUR to repeat handshakes)");
		return false;
	}
	if (!o->zero_io && o->count < 0)
		return settings_session_valid("connect", o);
	const char *relay_only = o->send_text ? "--send" : o->half_close ? "--half-close"
			       : o->send_rate ? "--rate" : o->read_rate ? "--read-rate"
			       : o->progress > 0 ? "--progress" : o->load_bytes || o->load_ms ? "--load"
			       : o->discard ? "--discard" : o->verify ? "--verify" : NULL;
	if (relay_only) {
		usage_error("connect", "connect: %s does nothing with %s, which sends no data",
			    relay_only, mode);
		return false;
	}
	return true;
}

/*
 * How many ports a PORT operand names as a range or list (0: it is not
 * one), and the first of them in *first.
 */
static int port_set_size(const char *text, int *first)
{
	struct port_set *set = malloc(sizeof(*set));
	int n = set && parse_port_set(text, set) == NULL ? set->count : 0;

	if (n)
		*first = port_set_next(set, -1);
	free(set);
	return n;
}

int cmd_connect(int argc, char **argv, const struct options *o)
{
	struct report r;
	struct relay_io io = { .in_fd = -1 };
	struct session_dial d;
	int port, status;

	if (!args_operands("connect", argc, argv, "HOST PORT") || !probe_options_valid(o))
		return EXIT_USAGE;
	if (o->zero_io || o->count >= 0)
		return connect_probe(argv[0], argv[1], o);
	if (parse_port(argv[1], &port) != NULL) {
		/* "80-80" and "80,80" name one port; more than one is -z's. */
		int n = port_set_size(argv[1], &port);
		if (n > 1)
			usage_error("connect", "connect: '%s' names several ports: probe them with -z", argv[1]);
		else if (n == 0)
			args_port_operand("connect", argv[1], &port);
		if (n != 1)
			return EXIT_USAGE;
	}

	report_init(&r, stderr, o->json, o->quiet, o->verbose);
	/* The local side first: --load's pattern is ready before the handshake, not after it. */
	const char *text = o->send_text;
	bool own_input = text || o->load_bytes || o->load_ms;  /* not stdin */
	if (relay_io_init(&io, own_input ? -1 : STDIN_FILENO, STDOUT_FILENO, text,
			  text ? strlen(text) : 0) < 0 || settings_relay_io(&io, o) < 0) {
		report_error(&r, "%s", strerror(errno));
		relay_io_free(&io);
		return EXIT_NETWORK;
	}
	r.stamp = o->trace || o->pcap_path;
	struct trace *trace;
	if (settings_trace_start(o, &r, &trace) < 0) {
		relay_io_free(&io);
		return EXIT_NETWORK;
	}
	struct dial_settings dial = settings_dial(o);
	status = session_dial(&r, argv[0], port, &dial, trace, &d);
	privileges_setup_done(&r);
	if (status) {
		relay_io_free(&io);
		trace_finish(trace);
		trace_close(trace);
		return status;
	}
	session_report_connected(&r, argv[0], &d);
	session_report_tcp_info(&r, d.fd);

	struct session_opts so = settings_session(o);
	session_share_terminal(&r, &io);
	/* Ctrl-C ends the relay with its closing lines, then tcptool as the signal would. */
	interrupt_catch();
	status = session_relay(&r, d.fd, &d.names, &io, &so, d.late_err, NULL);
	interrupt_release();
	relay_io_free(&io);
	int64_t began = now_ns();
	close(d.fd);
	report_call(&r, began, "close()", -1);
	trace_finish(trace);
	trace_close(trace);
	interrupt_reraise();
	return status;
}
