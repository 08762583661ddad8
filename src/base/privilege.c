/* Capabilities: keep the few a run still needs and give up the rest for good (capget/capset and prctl, no libcap). */
#include "base/privilege.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Version 3 holds 64 capabilities in two 32-bit words. */
struct cap_sets {
	uint64_t effective, permitted, inheritable;
};

static int cap_sets_get(struct cap_sets *s)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { { 0, 0, 0 } };

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	s->effective = (uint64_t)d[1].effective << 32 | d[0].effective;
	s->permitted = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	s->inheritable = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static int cap_sets_set(const struct cap_sets *s)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
		{ (uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable },
		{ (uint32_t)(s->effective >> 32), (uint32_t)(s->permitted >> 32),
		  (uint32_t)(s->inheritable >> 32) },
	};

	return (int)syscall(SYS_capset, &h, d);
}

/*
 * Drops from the bounding set every capability not in keep.  The kernel
 * knows fewer than 64: reading past its last one fails with EINVAL.
 */
static int bounding_keep(uint64_t keep)
{
	for (unsigned long cap = 0; cap < 64; cap++) {
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0)
			return errno == EINVAL ? 0 : -1;
		if (in == 1 && !(keep & PRIVILEGE_BIT(cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	}
	return 0;
}

int privilege_keep(uint64_t caps)
{
	struct cap_sets now;

	if (cap_sets_get(&now) < 0)
		return -1;
	/* The bounding set needs CAP_SETPCAP, which goes with the rest below. */
	if ((now.effective & PRIVILEGE_BIT(CAP_SETPCAP)) && bounding_keep(caps) < 0)
		return -1;
	/* Kernels before 4.3 have no ambient set, hence nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	struct cap_sets want = { .permitted = now.permitted & caps };
	want.effective = want.permitted;
	if (cap_sets_set(&want) < 0)
		return -1;
	/* Believe the kernel, not the request. */
	if (cap_sets_get(&now) < 0)
		return -1;
	if ((now.effective | now.permitted | now.inheritable) & ~caps) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int privilege_drop_all(void)
{
	return privilege_keep(0);
}

int privilege_permitted(uint64_t *caps)
{
	struct cap_sets now;

	if (cap_sets_get(&now) < 0)
		return -1;
	*caps = now.permitted;
	return 0;
}
