/* A token bucket for --rate and --read-rate. */
#include "base/rate_limit.h"

/* The least worth moving at once: 4 KiB, or the whole burst if smaller. */
static double worthwhile(const struct rate_limit *rl)
{
	return rl->burst < 4096 ? rl->burst : 4096;
}

void rate_limit_init(struct rate_limit *rl, uint64_t rate, int64_t now_ns)
{
	rl->rate = rate;
	rl->burst = (double)rate / 20;
	if (rl->burst < 1)
		rl->burst = 1;
	rl->tokens = rl->burst;
	rl->last_ns = now_ns;
}

size_t rate_limit_allow(struct rate_limit *rl, int64_t now_ns, size_t want)
{
	if (rl->rate == 0)
		return want;
	if (now_ns > rl->last_ns) {
		rl->tokens += (double)rl->rate * (double)(now_ns - rl->last_ns) / 1e9;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last_ns = now_ns;
	}
	/*
	 * Nothing until a worthwhile chunk has gathered: handing out the few
	 * bytes that every wake-up finds would send tiny segments, one per ACK.
	 */
	double have = rl->tokens < 0 ? 0 : rl->tokens;
	double chunk = worthwhile(rl);
	if (have < chunk && have < (double)want)
		return 0;
	return (double)want < have ? want : (size_t)have;
}

void rate_limit_spend(struct rate_limit *rl, size_t n)
{
	if (rl->rate)
		rl->tokens -= (double)n;
}

int64_t rate_limit_next_ns(const struct rate_limit *rl)
{
	if (rl->rate == 0)
		return 0;
	double goal = worthwhile(rl);
	if (rl->tokens >= goal)
		return rl->last_ns;
	return rl->last_ns + (int64_t)((goal - rl->tokens) * 1e9 / (double)rl->rate) + 1;
}
