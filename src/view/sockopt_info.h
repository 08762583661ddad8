/* info's rows of a socket's current options (info --fd N, info -v HOST PORT). */
#ifndef TCPTOOL_SOCKOPT_INFO_H
#define TCPTOOL_SOCKOPT_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include "net/sockopt.h"
#include "view/info_format.h"
#include "view/report.h"

/*
 * The rows of values read from a socket: one per option read (v[id],
 * valid where ok[id]), the value with its unit and, under it, the kernel's
 * name and what the value means.  Pure.  Returns the number of rows
 * written (at most max).
 */
size_t sockopt_info_rows(const struct sockopt_value *v, const bool *ok, int family, bool listener,
			 struct info_row *rows, size_t max);

/*
 * fd's current socket options: explained rows under a header, or with
 * --json one "sockopts" event.  Returns 0, or -1 with errno when the rows
 * cannot be printed.
 */
int sockopt_report_current(const struct report *r, int fd);

#endif
