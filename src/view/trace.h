/*
 * --trace: capture the segments of our own connection and print them as
 * "segment" events, in time order with the socket events around them;
 * --pcap FILE: write their frames to FILE, which tcpdump -r and Wireshark
 * read.  The capture itself is net/capture's (libpcap where the build
 * found it); without it, or without CAP_NET_RAW, trace_open says so in one
 * line and the command carries on.
 */
#ifndef TCPTOOL_TRACE_H
#define TCPTOOL_TRACE_H

#include <stdbool.h>
#include <sys/socket.h>

#include "view/report.h"

struct trace;

/* What the capture serves: printed segments, the ladder, a pcap file (any of them). */
struct trace_settings {
	bool segments;          /* --trace: one "segment" event per segment */
	bool ladder;            /* --ladder: the ladder diagram instead */
	const char *pcap_path;  /* --pcap FILE: every traced frame into FILE; NULL: none */
};

/*
 * Starts capturing on every interface, with a kernel filter that passes
 * nothing yet, makes itself r's event source and creates ts->pcap_path.
 * Returns 0 with the trace in *out, or with NULL there after reporting
 * why it cannot capture (at once, and silently, under --quiet without
 * --pcap, which prints no segment anyway): the command carries on.
 * Returns -1, reported, when --pcap's file cannot be created: the command
 * stops before it connects.
 */
int trace_open(struct report *r, const struct trace_settings *ts, struct trace **out);

/*
 * Follows the connection between local and peer from now on, in the
 * kernel filter and in what is printed; a wildcard local address stands
 * for any address.  With peer NULL, follows every connection to local's
 * port (a listening socket).  The first dial followed (peer set, not
 * accepted) starts r's clock, so that the first SYN is at t+0.
 */
void trace_follow(struct trace *t, const struct sockaddr *local, const struct sockaddr *peer,
		  bool dialing);

/*
 * After close(): waits until the connection's end has been seen (a RST,
 * or both FINs acknowledged), for at most 200 ms plus two round trips,
 * printing what comes.
 */
void trace_finish(struct trace *t);

/*
 * Prints what is left and how many segments the capture dropped, if any;
 * closes --pcap's file with a "pcap" event (how many segments it holds)
 * or the error that cut it short; stops capturing.
 */
void trace_close(struct trace *t);

/* What --version says of capture support: "libpcap version 1.10.3 ..." or "none". */
const char *trace_library(void);

#endif
