/*
 * The closing summary of --load and --discard as a measurement: bytes,
 * time, rate in bytes and bits a second, retransmissions, and the CPU the
 * process spent, in all and per GiB moved.
 */
#ifndef TCPTOOL_MEASURE_REPORT_H
#define TCPTOOL_MEASURE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/report.h"

struct measurement {
	uint64_t bytes_out, bytes_in;
	int64_t duration_ns;
	bool have_retrans;
	uint32_t retrans;           /* segments retransmitted over the connection */
	int64_t cpu_user_ns, cpu_sys_ns;
};

/* The human line, "measured: sent 4.29 GB in 1.023 s: ...".  Returns the length needed. */
size_t measure_format(char *buf, size_t size, const struct measurement *m);

/* Prints the "measured" event. */
void measure_report(const struct report *r, const struct measurement *m);

#endif
