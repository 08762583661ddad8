/* Reading one counter from /proc/net/netstat: a line of names, then a line of values. */
#include "netstat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long netstat_counter(const char *group, const char *name)
{
	FILE *f = fopen("/proc/net/netstat", "re");
	char names[8192], values[8192];
	size_t glen = strlen(group);
	long long found = -1;

	if (f == NULL)
		return -1;
	while (found < 0 && fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, group, glen) != 0 || names[glen] != ':')
			continue;
		char *ns = NULL, *vs = NULL;
		char *n = strtok_r(names + glen + 1, " \n", &ns);
		char *v = strtok_r(values + glen + 1, " \n", &vs);
		for (; n && v; n = strtok_r(NULL, " \n", &ns), v = strtok_r(NULL, " \n", &vs))
			if (strcmp(n, name) == 0) {
				found = strtoll(v, NULL, 10);
				break;
			}
	}
	fclose(f);
	return found;
}
