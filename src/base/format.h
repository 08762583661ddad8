/* Numbers, times and peer bytes as text for people: pure functions, no I/O. */
#ifndef TCPTOOL_FORMAT_H
#define TCPTOOL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Writes len bytes of peer data as printable ASCII: C escapes for \t \n
 * \r \\ \" and \xNN for other bytes outside 0x20-0x7e.  Stops before the
 * output would exceed size - 1 and returns true when it left some out.
 */
bool format_printable(const char *data, size_t len, char *buf, size_t size);

/* Formats nanoseconds as milliseconds with three decimals: "0.052". */
char *format_ms(int64_t ns, char *buf, size_t size);

/*
 * Formats a time that passed, with its unit: "0.052 ms" below a second,
 * "3.001 s" from one on, so that long durations read at a glance.
 */
char *format_elapsed(int64_t ns, char *buf, size_t size);

/* Formats a user-given duration in ms for a message: "250 ms", "2 s", "1.500 s". */
char *format_duration(long long ms, char *buf, size_t size);

/* Formats a byte count for people: "512 B", "1.5 KiB", "64 MiB" (rounded from 10 up). */
char *format_bytes(uint64_t n, char *buf, size_t size);

/*
 * A quantity in decimal units with three significant digits, for sizes and
 * rates on the wire: format_si(1250000, "B/s") is "1.25 MB/s"; below 1000,
 * whole numbers: "512 B".
 */
char *format_si(double v, const char *unit, char *buf, size_t size);

/* A clock-style time for progress: "0:07", "12:34", "1:02:03". */
char *format_clock(int64_t seconds, char *buf, size_t size);

/*
 * A time span from microseconds, with its unit, as people write it:
 * "0.026 ms", "200 ms", "1.5 ms", "3.001 s", "5 s".
 */
char *format_span_us(uint64_t us, char *buf, size_t size);

#endif
