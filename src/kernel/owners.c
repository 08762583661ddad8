/* Processes behind sockets: one pass over /proc/PID/fd for every socket. */
#include "kernel/owners.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
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

static void read_comm(const char *pid, char *buf, size_t size)
{
	char path[300];
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	FILE *f = fopen(path, "re");
	if (f == NULL || fgets(buf, (int)size, f) == NULL)
		snprintf(buf, size, "?");
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* Marks every socket process 'pid' holds; false when its fds are hidden from us. */
static bool scan_process(const char *pid, struct by_inode *index, size_t n)
{
	char path[300];
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	DIR *fds = opendir(path);
	if (fds == NULL)
		return errno != EACCES; /* gone meanwhile is not hidden */
	int dfd = dirfd(fds);
	struct dirent *de;
	while ((de = readdir(fds)) != NULL) {
		char target[64];
		unsigned long long inode;
		ssize_t len = readlinkat(dfd, de->d_name, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (sscanf(target, "socket:[%llu]", &inode) != 1)
			continue;
		struct by_inode key = { inode, NULL };
		struct by_inode *hit = bsearch(&key, index, n, sizeof(*index), cmp_inode);
		if (hit == NULL)
			continue;
		struct tcp_sock *s = hit->s;
		if (s->owners++ == 0) {
			s->pid = (pid_t)atoi(pid);
			s->fd = atoi(de->d_name);
			read_comm(pid, s->command, sizeof(s->command));
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
	struct dirent *de;
	while (proc && (de = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (!scan_process(de->d_name, index, m))
			hidden++;
	}
	if (proc)
		closedir(proc);
	free(index);
	return hidden;
}
