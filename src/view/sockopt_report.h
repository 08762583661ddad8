/*
 * What -O came to, as the user sees it: one sockopt event per option (what
 * the kernel granted, and with -v what it changes), the one line of a
 * refusal with what would fix it.
 */
#ifndef TCPTOOL_SOCKOPT_REPORT_H
#define TCPTOOL_SOCKOPT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sockopt.h"
#include "view/report.h"

/*
 * The human text of one result: what the kernel granted ("SO_RCVBUF:
 * asked 65536, the kernel grants 131072: it doubles the request for its
 * own bookkeeping"), and with verbose a second line, indented, on what the
 * option changes.  listener: the socket is a listener.  fastopen_sysctl:
 * net.ipv4.tcp_fastopen (-1: unknown).  Pure.
 */
void sockopt_describe(const struct sockopt_result *x, bool listener, int verbose, int fastopen_sysctl,
		      char *buf, size_t size);

/*
 * The line of a refusal, without "tcptool: ": what the kernel said and
 * what would fix it.  loaded and allowed: the congestion control lists of
 * /proc/sys/net/ipv4 ("" when unknown).  Pure.
 */
void sockopt_refusal_text(const struct sockopt_result *x, const char *loaded, const char *allowed,
			  int fastopen_sysctl, char *buf, size_t size);

/*
 * One sockopt event per result: the listener's (listener) or a
 * connection's; conn: a server's client number, 0 for none.
 */
void sockopt_report_results(const struct report *r, const struct sockopt_results *res, bool listener,
			    uint64_t conn);

/* Reports the refusal res->failed names as an error; returns EXIT_SOCKOPT. */
int sockopt_report_refused(const struct report *r, const struct sockopt_results *res);

/* A value as an event shows it: "on", "131072", "0x10", "5000 ms", "5 s", "bbr". */
char *sockopt_value_text(enum sockopt_id id, bool listener, const struct sockopt_value *v, char *buf,
			 size_t size);

/* What x's option at value g means, for the end of a line.  fastopen_sysctl: -1 when unknown. */
void sockopt_meaning(const struct sockopt_result *x, const struct sockopt_value *g, bool listener,
		     int fastopen_sysctl, char *buf, size_t size);

#endif
