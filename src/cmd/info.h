/* The forms of `tcptool info`, each in its own file; cmd/info.c picks one. */
#ifndef TCPTOOL_INFO_H
#define TCPTOOL_INFO_H

#include <stddef.h>
#include <stdio.h>

#include "args.h"
#include "kernel/socklist.h"
#include "net/interval.h"
#include "net/tcpinfo.h"

/* info [-l|-a] [--port N] [--state NAME]: this host's TCP sockets. */
int info_list(const struct options *o);

/* The socket list's query from -l, -a, --port, --state, -4 and -6 (no tcp_info unless -v). */
void info_list_query(const struct options *o, struct socklist_query *q);

/* What the list is made of (/proc instead of netlink, hidden owners), on stderr unless -q. */
void info_list_notes(const struct socklist *l, const struct options *o);

/* info --watch [DUR]: every interval_ms, the listed sockets' rates, windows and limits. */
int info_watch(const struct options *o, long long interval_ms);

/*
 * Whether this end sent the first SYN (connect()), as far as the byte
 * counters tell: the peer acknowledged more than the data sent.  False
 * when the kernel is too old to say.
 */
bool info_watch_we_opened(const struct tcp_summary *s);

/*
 * A listed socket as an interval sample taken at at_ns: its tcp_info, data
 * bytes (see info_data_bytes) and queues.  before (NULL: none) is its
 * sample before, whose byte counts stand where the kernel gives none now.
 */
void info_watch_sample(const struct tcp_sock *s, int64_t at_ns, bool we_opened,
		       const struct flow_sample *before, struct flow_sample *out);

/* info HOST PORT: connect, show what the handshake negotiated, close. */
int info_connect(const char *host, const char *port_text, const struct options *o);

/* info --fd N: the socket this process inherited on descriptor N. */
int info_fd(const struct options *o);

/* info --system: the kernel's TCP settings, explained. */
int info_system(const struct options *o);

#endif
