/* kernel/owners.c: this process's own sockets found in /proc, and the cache that spares a look. */
#include "unit.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/owners.h"

/* A TCP socket of ours, never bound nor connected: an inode in our /proc/self/fd. */
static int new_socket(uint64_t *inode)
{
	struct stat st;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*inode = fd >= 0 && fstat(fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	return fd;
}

static struct tcp_sock with_inode(uint64_t inode)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.inode = inode;
	return s;
}

void test_owners(void)
{
	uint64_t a, b;
	int fa = new_socket(&a), fb = new_socket(&b);
	char comm[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	CHECK(fa >= 0 && fb >= 0 && a != 0 && b != 0);
	if (f) {
		if (fgets(comm, sizeof(comm), f) == NULL)
			comm[0] = '\0';
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
	}

	/* Without a cache: found in our own descriptors, a kernel-only socket (inode 0) not. */
	struct tcp_sock v[3] = { with_inode(a), with_inode(0), with_inode(b) };
	owners_find(v, 3);
	CHECK_INT(v[0].owners, 1);
	CHECK_INT(v[0].pid, getpid());
	CHECK_INT(v[0].fd, fa);
	CHECK_STR(v[0].command, comm);
	CHECK_INT(v[1].owners, 0);
	CHECK_INT(v[2].fd, fb);

	/* The cache: the first reading looks, the same sockets again do not, and keep their owner. */
	struct owners_cache c = { 0 };
	struct tcp_sock r1[1] = { with_inode(a) };
	owners_find_cached(&c, r1, 1);
	CHECK_INT(c.scans, 1);
	CHECK_INT(r1[0].pid, getpid());
	struct tcp_sock r2[2] = { with_inode(a), with_inode(0) };
	owners_find_cached(&c, r2, 2);
	CHECK_INT(c.scans, 1);
	CHECK_INT(r2[0].owners, 1);
	CHECK_INT(r2[0].pid, getpid());
	CHECK_INT(r2[0].fd, fa);
	CHECK_STR(r2[0].command, comm);
	CHECK_INT(r2[1].owners, 0);

	/* A new inode: one look for all. */
	struct tcp_sock r3[2] = { with_inode(b), with_inode(a) };
	owners_find_cached(&c, r3, 2);
	CHECK_INT(c.scans, 2);
	CHECK_INT(r3[0].fd, fb);
	CHECK_INT(r3[1].fd, fa);
	CHECK_INT(c.n, 2);

	/* An inode no process holds is remembered as such: no look for it again. */
	uint64_t nobody = (uint64_t)1 << 62;
	struct tcp_sock r4[2] = { with_inode(b), with_inode(nobody) };
	owners_find_cached(&c, r4, 2);
	CHECK_INT(c.scans, 3);
	CHECK_INT(r4[1].owners, 0);
	CHECK_INT(c.n, 2);   /* a's closed: it left */
	owners_find_cached(&c, r4, 2);
	CHECK_INT(c.scans, 3);
	CHECK_INT(r4[0].fd, fb);

	/* a came back (the list did not have it a reading ago): looked for again. */
	struct tcp_sock r5[1] = { with_inode(a) };
	owners_find_cached(&c, r5, 1);
	CHECK_INT(c.scans, 4);
	CHECK_INT(r5[0].fd, fa);
	CHECK_INT(c.n, 1);

	owners_cache_free(&c);
	CHECK(c.v == NULL && c.n == 0);
	close(fa);
	close(fb);
}
