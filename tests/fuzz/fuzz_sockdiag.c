/*
 * libFuzzer target: the bytes a sock_diag dump or /proc/net/tcp may hold.
 * make fuzz builds it with clang, ASan and UBSan and runs it for a while.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/procnet.h"
#include "kernel/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int keep(void *ctx, const struct tcp_sock *s)
{
	/* Touch what the parser filled, so bad copies show. */
	*(uint64_t *)ctx += s->inode + (uint64_t)s->state + s->info.snd_mss;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t sum = 0;
	struct tcp_sock s;

	sockdiag_parse(data, size, keep, &sum);

	/* The same bytes as one /proc/net/tcp line, of either family. */
	char *line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	procnet_parse_line(line, AF_INET, &s);
	procnet_parse_line(line, AF_INET6, &s);
	free(line);
	return 0;
}
