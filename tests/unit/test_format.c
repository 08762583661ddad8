/* base/format.c: byte counts in B, KiB, MiB and TiB, with no needless decimal. */
#include "unit.h"

#include <stdint.h>

#include "base/format.h"

void test_format(void)
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
