/* What the commands hand the layers, made in one place from the command line. */
#ifndef TCPTOOL_CMD_SETTINGS_H
#define TCPTOOL_CMD_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "net/server.h"
#include "view/server_report.h"
#include "view/session.h"
#include "view/session_dial.h"

/* -4/-6, -w, -s, -p and -O: how connect, info HOST PORT, shutdown and the probes dial. */
struct dial_settings settings_dial(const struct options *o);

/* -O's socket options, or NULL when none was given. */
const struct sockopt_list *settings_sockopts(const struct options *o);

/*
 * -b, -4/-6, --backlog, --max-conns (default SERVER_MAX_CONNS_DEFAULT),
 * --idle-timeout, -i, -O and -q for echo and ack, which read up to read_size bytes
 * at a time and tell what happens to view.
 */
struct server_config settings_server(const struct options *o, int port, size_t read_size,
				     struct server_report *view);

/* --half-close, -w, --send, -i, --rate, --read-rate and the progress line: how a relay runs. */
struct session_opts settings_session(const struct options *o);

/*
 * Checks the relay options of connect and listen against each other
 * (--progress with --json or -q, --load with --send, --discard with
 * --verify); a clash is a usage error, printed.  Returns false then.
 */
bool settings_session_valid(const char *cmd_name, const struct options *o);

/*
 * Sets io up for --load, --discard and --verify where they were given.
 * Returns 0, or -1 with errno set.
 */
int settings_relay_io(struct relay_io *io, const struct options *o);

struct trace;
struct report;

/*
 * --trace, --ladder and --pcap: opens the capture that serves them, as
 * r's event source, in *trace; NULL there when none was asked for (or it
 * cannot capture, said on r).  Returns -1 when --pcap's file cannot be
 * created (said on r): the command then ends with EXIT_NETWORK before it
 * connects.
 */
int settings_trace_start(const struct options *o, struct report *r, struct trace **trace);

#endif
