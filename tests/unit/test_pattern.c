/* net/pattern.c: the --load pattern, filled and checked at any offset, and its memory file. */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/pattern.h"

void test_pattern(void)
{
	static unsigned char a[3 * 4096 + 13], b[sizeof(a)];

	/* Filled in pieces at odd offsets, it is the same as filled at once. */
	pattern_fill(a, 1000003, sizeof(a));
	pattern_fill(b, 1000003, 5);
	pattern_fill(b + 5, 1000008, 4091);
	pattern_fill(b + 4096, 1000003 + 4096, sizeof(a) - 4096);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK_INT(pattern_check(a, 1000003, sizeof(a)), sizeof(a));
	/* Not zeros, and not the same at another offset. */
	int zeros = 0;
	for (size_t i = 0; i < sizeof(a); i++)
		zeros += a[i] == 0;
	CHECK(zeros < 200);
	CHECK_INT(pattern_check(a, 1000011, sizeof(a)) < 8, 1);
	/* One flipped byte is found where it is, in a word or at an edge. */
	a[4097] ^= 0x20;
	CHECK_INT(pattern_check(a, 1000003, sizeof(a)), 4097);
	a[4097] ^= 0x20;
	a[2] ^= 1;
	CHECK_INT(pattern_check(a, 1000003, sizeof(a)), 2);
	a[2] ^= 1;
	a[sizeof(a) - 1] ^= 0x80;
	CHECK_INT(pattern_check(a, 1000003, sizeof(a)), sizeof(a) - 1);
	/* It repeats every period, and the memory file holds one period of it. */
	pattern_fill(b, 1000003 + PATTERN_PERIOD, sizeof(b));
	a[sizeof(a) - 1] ^= 0x80;
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	int fd = pattern_memfd();
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_INT(lseek(fd, 0, SEEK_END), PATTERN_PERIOD);
		CHECK_INT(pread(fd, b, sizeof(b), PATTERN_PERIOD - 4096), sizeof(b) < 4096 ? sizeof(b) : 4096);
		CHECK_INT(pattern_check(b, PATTERN_PERIOD - 4096, 4096), 4096);
		close(fd);
	}
}
