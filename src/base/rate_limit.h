/*
 * A token bucket: at most 'rate' bytes a second on average, in bursts of
 * at most a twentieth of a second's worth, so that a limited stream moves
 * smoothly instead of a second's bytes at once.
 */
#ifndef TCPTOOL_RATE_LIMIT_H
#define TCPTOOL_RATE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

struct rate_limit {
	uint64_t rate;       /* bytes per second; 0: no limit */
	double tokens, burst;
	int64_t last_ns;
};

void rate_limit_init(struct rate_limit *rl, uint64_t rate, int64_t now_ns);

/*
 * How many of 'want' bytes may move at now_ns (all of them without a
 * limit); 0 until 4 KiB (or the burst, or want, if less) have gathered.
 */
size_t rate_limit_allow(struct rate_limit *rl, int64_t now_ns, size_t want);

/* Takes n bytes that moved out of the bucket. */
void rate_limit_spend(struct rate_limit *rl, size_t n);

/*
 * When the bucket next holds enough to be worth a wake-up (a full burst,
 * or 4 KiB if less), as a CLOCK_MONOTONIC time; 0 without a limit.
 */
int64_t rate_limit_next_ns(const struct rate_limit *rl);

#endif
