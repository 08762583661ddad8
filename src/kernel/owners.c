/* Processes behind sockets: one pass over /proc/PID/fd for every socket, or a cache of the last. */
#include "kernel/owners.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct by_inode {
	uint64_t inode;
	struct tcp_sock *s;
};

static int cmp_inode(const void *a, const void *b)
{
	uint64_t x = ((const struct by_inode *)a)->inode, y = ((const struct by_inode *)b)->inode;
	return x < y ? -1 : x > y;
}

static void read_comm(int proc_fd, const char *pid, char *buf, size_t size)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/comm", pid);
	int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, size, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The inode of a descriptor's link "socket:[12345]"; 0 for anything else. */
static uint64_t socket_inode(const char *target)
{
	static const char prefix[] = "socket:[";
	uint64_t inode = 0;

	if (strncmp(target, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	for (const char *p = target + sizeof(prefix) - 1; *p != ']'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		inode = inode * 10 + (uint64_t)(*p - '0');
	}
	return inode;
}

/* Marks every socket process 'pid' holds; false when its fds are hidden from us. */
static bool scan_process(int proc_fd, const char *pid, struct by_inode *index, size_t n)
{
	char path[300], comm[sizeof(index->s->command)] = "";
	snprintf(path, sizeof(path), "%s/fd", pid);
	int fd = openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *fds = fd < 0 ? NULL : fdopendir(fd);
	if (fds == NULL) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return err != EACCES; /* gone meanwhile is not hidden */
	}
	struct dirent *de;
	while ((de = readdir(fds)) != NULL) {
		char target[64];
		if (de->d_name[0] == '.')
			continue;
		ssize_t len = readlinkat(fd, de->d_name, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		struct by_inode key = { socket_inode(target), NULL };
		if (key.inode == 0)
			continue;
		struct by_inode *hit = bsearch(&key, index, n, sizeof(*index), cmp_inode);
		if (hit == NULL)
			continue;
		struct tcp_sock *s = hit->s;
		if (s->owners++ == 0) {
			s->pid = (pid_t)atoi(pid);
			s->fd = atoi(de->d_name);
			if (comm[0] == '\0')   /* once a process, not once a socket */
				read_comm(proc_fd, pid, comm, sizeof(comm));
			memcpy(s->command, comm, sizeof(s->command));
		}
	}
	closedir(fds);
	return true;
}

size_t owners_find(struct tcp_sock *v, size_t n)
{
	struct by_inode *index = calloc(n ? n : 1, sizeof(*index));
	size_t m = 0, hidden = 0;

	if (index == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].inode != 0)
			index[m++] = (struct by_inode){ v[i].inode, &v[i] };
	if (m > 1)
		qsort(index, m, sizeof(*index), cmp_inode);
	DIR *proc = m ? opendir("/proc") : NULL;
	int proc_fd = proc ? dirfd(proc) : -1;
	struct dirent *de;
	while (proc && (de = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (!scan_process(proc_fd, de->d_name, index, m))
			hidden++;
	}
	if (proc)
		closedir(proc);
	free(index);
	return hidden;
}

static int cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const struct owner_entry *)a)->inode, y = ((const struct owner_entry *)b)->inode;
	return x < y ? -1 : x > y;
}

static const struct owner_entry *cache_find(const struct owners_cache *c, uint64_t inode)
{
	struct owner_entry key = { .inode = inode };
	return c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_entry) : NULL;
}

size_t owners_find_cached(struct owners_cache *c, struct tcp_sock *v, size_t n)
{
	bool unseen = false;
	size_t known = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].inode == 0)
			continue;
		known++;
		const struct owner_entry *e = cache_find(c, v[i].inode);
		if (e == NULL) {
			unseen = true;
			break;
		}
		v[i].owners = e->owners;
		v[i].pid = e->pid;
		v[i].fd = e->fd;
		memcpy(v[i].command, e->command, sizeof(v[i].command));
	}
	if (unseen) {
		for (size_t i = 0; i < n; i++) {
			v[i].owners = 0;
			v[i].pid = 0;
			v[i].fd = 0;
			v[i].command[0] = '\0';
		}
		c->hidden = owners_find(v, n);
		c->scans++;
	}
	/* Every inode known and as many as the cache holds: it holds just these already. */
	if (!unseen && known == c->n)
		return c->hidden;
	/* Now exactly this reading's inodes: a closed socket's leaves. */
	struct owner_entry *e = malloc((n ? n : 1) * sizeof(*e));
	size_t m = 0;
	if (e == NULL) {   /* no cache then: the next reading scans again */
		owners_cache_free(c);
		return c->hidden;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].inode == 0)
			continue;
		e[m] = (struct owner_entry){ v[i].inode, v[i].owners, v[i].pid, v[i].fd, "" };
		memcpy(e[m].command, v[i].command, sizeof(e[m].command));
		m++;
	}
	if (m > 1)
		qsort(e, m, sizeof(*e), cmp_entry);
	free(c->v);
	c->v = e;
	c->n = m;
	return c->hidden;
}

void owners_cache_free(struct owners_cache *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
