/* Who holds a local TCP port: /proc/net/tcp{,6} and /proc/PID/fd. */
#include "diag.h"

#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TCP_LISTEN 0x0A
#define TCP_TIME_WAIT 0x06
#define MAX_INODES 16

/* Scans one /proc/net/tcp file; listening inodes go to inodes[]. */
static int scan_table(const char *path, int port, struct diag_port_use *use,
		      unsigned long *inodes, int *n_inodes)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (f == NULL)
		return -1;
	/* "sl local_address rem_address st tx_queue:rx_queue tr:when retrnsmt uid timeout inode" */
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char local[64];
		unsigned lport, state;
		unsigned long inode;
		if (sscanf(line, "%*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &state, &inode) != 3)
			continue;
		char *colon = strrchr(local, ':');
		if (colon == NULL || sscanf(colon + 1, "%x", &lport) != 1 || (int)lport != port)
			continue;
		if (state == TCP_LISTEN) {
			use->listening++;
			if (*n_inodes < MAX_INODES && inode)
				inodes[(*n_inodes)++] = inode;
		} else if (state == TCP_TIME_WAIT) {
			use->time_wait++;
		} else {
			use->other++;
		}
	}
	fclose(f);
	return 0;
}

static bool is_listed(unsigned long inode, const unsigned long *inodes, int n)
{
	for (int i = 0; i < n; i++)
		if (inodes[i] == inode)
			return true;
	return false;
}

/* Adds every process holding one of the inodes, as far as /proc lets us look. */
static void find_owners(const unsigned long *inodes, int n, struct diag_port_use *use)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;

	if (proc == NULL)
		return;
	while ((de = readdir(proc)) != NULL && use->owners < DIAG_MAX_OWNERS) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char path[300];
		snprintf(path, sizeof(path), "/proc/%s/fd", de->d_name);
		DIR *fds = opendir(path);
		if (fds == NULL)
			continue; /* another user's process, or gone */
		struct dirent *fe;
		while ((fe = readdir(fds)) != NULL) {
			char link[600], target[64];
			unsigned long inode;
			snprintf(link, sizeof(link), "%s/%s", path, fe->d_name);
			ssize_t len = readlink(link, target, sizeof(target) - 1);
			if (len <= 0)
				continue;
			target[len] = '\0';
			if (sscanf(target, "socket:[%lu]", &inode) != 1 || !is_listed(inode, inodes, n))
				continue;
			int k = use->owners++;
			use->pid[k] = (pid_t)atoi(de->d_name);
			snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
			FILE *cf = fopen(path, "re");
			if (cf == NULL || fgets(use->comm[k], sizeof(use->comm[k]), cf) == NULL)
				strcpy(use->comm[k], "?");
			use->comm[k][strcspn(use->comm[k], "\n")] = '\0';
			if (cf)
				fclose(cf);
			break;
		}
		closedir(fds);
	}
	closedir(proc);
}

int diag_port_use(int port, struct diag_port_use *use)
{
	unsigned long inodes[MAX_INODES];
	int n = 0;

	memset(use, 0, sizeof(*use));
	int v4 = scan_table("/proc/net/tcp", port, use, inodes, &n);
	int v6 = scan_table("/proc/net/tcp6", port, use, inodes, &n);
	if (v4 < 0 && v6 < 0)
		return -1;
	if (n > 0)
		find_owners(inodes, n, use);
	return 0;
}
