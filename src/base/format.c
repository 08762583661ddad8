/* Numbers, times and peer bytes as text for people. */
#include "base/format.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

bool format_printable(const char *data, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return len > 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		char esc[8];
		switch (c) {
		case '\t': strcpy(esc, "\\t"); break;
		case '\n': strcpy(esc, "\\n"); break;
		case '\r': strcpy(esc, "\\r"); break;
		case '\\': strcpy(esc, "\\\\"); break;
		case '"': strcpy(esc, "\\\""); break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				esc[0] = (char)c;
				esc[1] = '\0';
			} else {
				snprintf(esc, sizeof(esc), "\\x%02x", c);
			}
		}
		size_t e = strlen(esc);
		if (n + e > size - 1) {
			buf[n] = '\0';
			return true;
		}
		memcpy(buf + n, esc, e);
		n += e;
	}
	buf[n] = '\0';
	return false;
}

char *format_ms(int64_t ns, char *buf, size_t size)
{
	if (ns < 0)
		ns = 0;
	/* Integer arithmetic keeps the rounding exact: 51500 ns -> 0.052. */
	int64_t us = (ns + 500) / 1000;
	snprintf(buf, size, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
	return buf;
}

char *format_elapsed(int64_t ns, char *buf, size_t size)
{
	/* Below what rounds to 1000.000 ms; the rest rounds to whole ms without overflow. */
	if (ns < 999999500) {
		size_t n = strlen(format_ms(ns, buf, size));
		snprintf(buf + n, size - n, " ms");
		return buf;
	}
	int64_t ms = ns / 1000000 + (ns % 1000000 >= 500000);
	snprintf(buf, size, "%" PRId64 ".%03" PRId64 " s", ms / 1000, ms % 1000);
	return buf;
}

char *format_duration(long long ms, char *buf, size_t size)
{
	if (ms < 1000)
		snprintf(buf, size, "%lld ms", ms);
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%lld s", ms / 1000);
	else
		snprintf(buf, size, "%lld.%03lld s", ms / 1000, ms % 1000);
	return buf;
}

char *format_bytes(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t unit = 1024;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) && n >= unit * 1024) {
		unit *= 1024;
		u++;
	}
	/* One decimal below 10 units; above that, the nearest whole unit reads better. */
	double v = (double)n / (double)unit;
	uint64_t tenths = (uint64_t)(v * 10 + 0.5);
	if (v >= 10 || tenths % 10 == 0)
		snprintf(buf, size, "%.0f %s", v, units[u]);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " %s", tenths / 10, tenths % 10, units[u]);
	return buf;
}

char *format_span_us(uint64_t us, char *buf, size_t size)
{
	uint64_t whole, frac;
	const char *unit;
	int digits = 3;

	if (us < 1000000) {
		whole = us / 1000;
		frac = us % 1000;
		unit = "ms";
	} else {
		uint64_t ms = (us + 500) / 1000;
		whole = ms / 1000;
		frac = ms % 1000;
		unit = "s";
	}
	/* "200 ms", not "200.000 ms"; "1.5 ms", not "1.500 ms". */
	while (digits > 0 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (digits == 0)
		snprintf(buf, size, "%" PRIu64 " %s", whole, unit);
	else
		snprintf(buf, size, "%" PRIu64 ".%0*" PRIu64 " %s", whole, digits, frac, unit);
	return buf;
}

char *format_si(double v, const char *unit, char *buf, size_t size)
{
	static const char prefixes[] = " kMGTP";
	size_t p = 0;

	if (v < 0)
		v = 0;
	while (p + 1 < sizeof(prefixes) - 1 && v >= 999.5) {
		v /= 1000;
		p++;
	}
	if (p == 0)
		snprintf(buf, size, "%.0f %s", v, unit);
	else
		snprintf(buf, size, "%.*f %c%s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, prefixes[p], unit);
	return buf;
}

char *format_clock(int64_t seconds, char *buf, size_t size)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds >= 3600)
		snprintf(buf, size, "%" PRId64 ":%02" PRId64 ":%02" PRId64, seconds / 3600,
			 seconds / 60 % 60, seconds % 60);
	else
		snprintf(buf, size, "%" PRId64 ":%02" PRId64, seconds / 60, seconds % 60);
	return buf;
}
