/*
 * What -O came to, as the user sees it: one sockopt event per option (what
 * the kernel granted, and with -v what it changes), the one line of a
 * refusal with what would fix it, and info's rows of a socket's options.
 */
#ifndef TCPTOOL_SOCKOPT_REPORT_H
#define TCPTOOL_SOCKOPT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sockopt.h"
#include "view/info_format.h"
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

/*
 * info's rows of values read from a socket: one per option read (v[id],
 * valid where ok[id]), the value with its unit and what it means.  Pure.
 * Returns the number of rows written (at most max).
 */
size_t sockopt_info_rows(const struct sockopt_value *v, const bool *ok, int family, bool listener,
			 struct info_row *rows, size_t max);

/*
 * fd's current socket options, for info: explained rows, or with --json
 * one "sockopts" event.  Returns 0, or -1 with errno when the rows cannot
 * be printed.
 */
int sockopt_report_current(const struct report *r, int fd);

#endif
