/* base/format.c: byte counts in B, KiB, MiB and TiB, and time spans, with no needless decimal. */
#include "unit.h"

#include <stdint.h>

#include "base/format.h"

static void test_span(void)
{
	char b[32];

	CHECK_STR(format_span_us(0, b, sizeof(b)), "0 ms");
	CHECK_STR(format_span_us(26, b, sizeof(b)), "0.026 ms");
	CHECK_STR(format_span_us(1500, b, sizeof(b)), "1.5 ms");
	CHECK_STR(format_span_us(200000, b, sizeof(b)), "200 ms");
	CHECK_STR(format_span_us(999999, b, sizeof(b)), "999.999 ms");
	CHECK_STR(format_span_us(1000000, b, sizeof(b)), "1 s");
	CHECK_STR(format_span_us(3001000, b, sizeof(b)), "3.001 s");
	CHECK_STR(format_span_us(3100400, b, sizeof(b)), "3.1 s");
	CHECK_STR(format_span_us(5000000, b, sizeof(b)), "5 s");
	CHECK_STR(format_span_us(120000000, b, sizeof(b)), "120 s");
}

static void test_bytes(void)
{
	char b[32];

	CHECK_STR(format_bytes(0, b, sizeof(b)), "0 B");
	CHECK_STR(format_bytes(1023, b, sizeof(b)), "1023 B");
	CHECK_STR(format_bytes(1024, b, sizeof(b)), "1 KiB");
	CHECK_STR(format_bytes(1536, b, sizeof(b)), "1.5 KiB");
	CHECK_STR(format_bytes(2047, b, sizeof(b)), "2 KiB");  /* 1.999: no "2.0" */
	CHECK_STR(format_bytes(65535, b, sizeof(b)), "64 KiB");
	CHECK_STR(format_bytes(4194304, b, sizeof(b)), "4 MiB");
	CHECK_STR(format_bytes((uint64_t)65535 << 14, b, sizeof(b)), "1024 MiB");
	CHECK_STR(format_bytes((uint64_t)3 << 40, b, sizeof(b)), "3 TiB");
}

static void test_si(void)
{
	char b[32];

	CHECK_STR(format_si(0, "B", b, sizeof(b)), "0 B");
	CHECK_STR(format_si(999, "B", b, sizeof(b)), "999 B");
	CHECK_STR(format_si(999.6, "B", b, sizeof(b)), "1.00 kB");
	CHECK_STR(format_si(1250000, "B/s", b, sizeof(b)), "1.25 MB/s");
	CHECK_STR(format_si(12500000, "B", b, sizeof(b)), "12.5 MB");
	CHECK_STR(format_si(125000000, "B", b, sizeof(b)), "125 MB");
	CHECK_STR(format_si(99960, "B", b, sizeof(b)), "100 kB");
	CHECK_STR(format_si(4.5e9, "B/s", b, sizeof(b)), "4.50 GB/s");
	CHECK_STR(format_si(-5, "B", b, sizeof(b)), "0 B");
}

static void test_clock(void)
{
	char b[32];

	CHECK_STR(format_clock(0, b, sizeof(b)), "0:00");
	CHECK_STR(format_clock(7, b, sizeof(b)), "0:07");
	CHECK_STR(format_clock(754, b, sizeof(b)), "12:34");
	CHECK_STR(format_clock(3723, b, sizeof(b)), "1:02:03");
}

void test_format(void)
{
	test_si();
	test_clock();
	test_bytes();
	test_span();
}
