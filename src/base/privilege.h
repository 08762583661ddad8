/* Capabilities: keep the few a run still needs and give up the rest for good (capget/capset and prctl, no libcap). */
#ifndef TCPTOOL_PRIVILEGE_H
#define TCPTOOL_PRIVILEGE_H

#include <stdint.h>

/* The mask bit of capability number cap (CAP_NET_RAW...). */
#define PRIVILEGE_BIT(cap) (UINT64_C(1) << (cap))

/*
 * Keeps, of the capabilities the process holds, only those in caps (a mask
 * of PRIVILEGE_BIT): the permitted set shrinks to them and the effective
 * set becomes that permitted set; the inheritable and ambient sets empty,
 * since tcptool never runs another program.  While CAP_SETPCAP is still
 * effective, the rest also leave the bounding set.  Sets no_new_privs, so
 * that no execve can hand any back.  Asking to keep one the process lacks
 * keeps nothing.  Returns 0, or -1 with errno when a syscall failed or the
 * sets still hold more than caps afterwards (EPERM).
 */
int privilege_keep(uint64_t caps);

/* privilege_keep(0): no capability left, in any set but the bounding one. */
int privilege_drop_all(void);

/* The permitted set now (the most privilege_keep can keep), in *caps.  Returns 0, or -1 with errno. */
int privilege_permitted(uint64_t *caps);

#endif
