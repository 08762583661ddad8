/* base/rate_limit.c: the token bucket behind --rate and --read-rate. */
#include "unit.h"

#include "base/rate_limit.h"

#define SEC 1000000000LL

void test_rate_limit(void)
{
	struct rate_limit rl;
	size_t moved = 0;

	rate_limit_init(&rl, 0, 0);
	CHECK_INT(rate_limit_allow(&rl, 0, 12345), 12345);
	CHECK_INT(rate_limit_next_ns(&rl), 0);

	/* 100 kB/s: a burst of 5 kB at once, then the rate. */
	rate_limit_init(&rl, 100000, 0);
	CHECK_INT(rate_limit_allow(&rl, 0, 1 << 20), 5000);
	rate_limit_spend(&rl, 5000);
	CHECK_INT(rate_limit_allow(&rl, 0, 1 << 20), 0);
	CHECK(rate_limit_next_ns(&rl) > 0);
	CHECK(rate_limit_next_ns(&rl) <= SEC / 20 + 1);
	/* Over 10 s of 1 ms steps, moving all it allows: 1 MB and a burst, no more. */
	for (int64_t t = 1000000; t <= 10 * SEC; t += 1000000) {
		size_t n = rate_limit_allow(&rl, t, 1 << 20);
		rate_limit_spend(&rl, n);
		moved += n;
	}
	CHECK(moved >= 995000 && moved <= 1000000);
	/* An idle bucket fills to one burst, not to the whole pause's worth. */
	CHECK_INT(rate_limit_allow(&rl, 100 * SEC, 1 << 20), 5000);
	/* A few bytes gathered are not worth a segment: 4 KiB first, unless less is wanted. */
	rate_limit_init(&rl, 100000, 0);
	rate_limit_spend(&rl, rate_limit_allow(&rl, 0, 1 << 20));
	CHECK_INT(rate_limit_allow(&rl, 10000000, 1 << 20), 0);      /* 1 kB gathered */
	CHECK_INT(rate_limit_allow(&rl, 10000000, 500), 500);        /* but 500 B are all there is */
	CHECK_INT(rate_limit_allow(&rl, 41000000, 1 << 20), 4100);   /* 4.1 kB: worth a segment */
	/* Tiny rates still move a byte at a time. */
	rate_limit_init(&rl, 3, 0);
	CHECK_INT(rate_limit_allow(&rl, 0, 100), 1);
}
