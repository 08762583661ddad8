/*
 * Interval reports as people and scripts read them: one line (or one JSON
 * "interval" object) per interval, the same for a whole connection at its
 * end, and with -v what each figure means, once.
 */
#ifndef TCPTOOL_INTERVAL_REPORT_H
#define TCPTOOL_INTERVAL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "net/interval.h"
#include "view/report.h"

/* The JSON fields of an interval, F_END last; f needs INTERVAL_FIELDS + 1 entries. */
#define INTERVAL_FIELDS 40
size_t interval_fields(const struct interval *iv, struct field *f);

/*
 * The human line: "1.000-2.000 s: sent 1.25 MB (1.25 MB/s), received 0 B;
 * rtt ...; limited by ...".  Returns the length needed, as snprintf.
 */
size_t interval_format(char *buf, size_t size, const struct interval *iv);

/* The verdict in words: "limited by the receiver's window 83% of the time"; "" for none. */
size_t interval_format_limit(char *buf, size_t size, const struct interval *iv);

/*
 * Prints one interval as event 'event' ("interval", or "total" for a
 * whole connection), prefixed for people with 'label' (may be NULL) and
 * carrying 'extra' fields (may be NULL) in JSON.
 */
void interval_report(const struct report *r, const char *event, const char *label,
		     const struct field *extra, const struct interval *iv);

/* With -v and not --json: what each figure of an interval line means, as rows. */
void interval_report_legend(const struct report *r);

#endif
