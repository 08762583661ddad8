/* Which processes hold which sockets: the socket inodes in /proc/PID/fd. */
#ifndef TCPTOOL_OWNERS_H
#define TCPTOOL_OWNERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kernel/tcp_sock.h"

/*
 * Fills owners, pid, fd and command of each socket in v[0..n-1] that a
 * process this user may look into holds.  Returns how many processes'
 * descriptors could not be read (other users' without root).
 */
size_t owners_find(struct tcp_sock *v, size_t n);

/* A socket's owners as one look into /proc found them. */
struct owner_entry {
	uint64_t inode;
	int owners;
	pid_t pid;
	int fd;
	char command[16];
};

/*
 * The owners of the sockets of the last reading, by inode, so that a
 * watch looks into /proc only when a socket it has not seen appears (a
 * scan costs a readlink for every descriptor of every process).  Start it
 * zeroed; owners_cache_free() ends it.
 */
struct owners_cache {
	struct owner_entry *v;   /* sorted by inode */
	size_t n;
	size_t hidden;           /* owners_find()'s answer at the last scan */
	unsigned long scans;     /* looks into /proc so far */
};

/*
 * owners_find() through the cache: sockets whose inode it knows get their
 * owners from it (and those found with none stay without); one inode it
 * does not know makes a new scan for all.  The cache then holds exactly
 * the inodes of v, closed sockets' leaving it.  Returns the hidden count
 * of the last scan.
 */
size_t owners_find_cached(struct owners_cache *c, struct tcp_sock *v, size_t n);

void owners_cache_free(struct owners_cache *c);

#endif
