/* TCP sockets from /proc/net/tcp{,6}, one line each. */
#include "kernel/procnet.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The kernel prints each 32-bit word of the address as it lies in memory,
 * in hex: "0100007F" is 127.0.0.1 on a little-endian host.  Reading the
 * words back as numbers restores the same bytes.
 */
static int parse_addr(const char *hex, int family, unsigned port, struct sockaddr_storage *ss)
{
	size_t words = family == AF_INET ? 1 : 4;
	uint32_t addr[4];

	if (strlen(hex) != words * 8 || port > 65535)
		return -1;
	for (size_t i = 0; i < words; i++) {
		char word[9];
		char *end;
		memcpy(word, hex + i * 8, 8);
		word[8] = '\0';
		addr[i] = (uint32_t)strtoul(word, &end, 16);
		if (*end != '\0')
			return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, addr, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, addr, 16);
	}
	return 0;
}

int procnet_parse_line(const char *line, int family, struct tcp_sock *s)
{
	/* "0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12345 ..." */
	char local[40], peer[40];
	unsigned lport, pport, state, txq, rxq, timer, retrans;
	unsigned long when, uid;
	unsigned long long inode;

	if (family != AF_INET && family != AF_INET6)
		return -1;
	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %x:%x %x:%lx %x %lu %*d %llu",
		   local, &lport, peer, &pport, &state, &txq, &rxq, &timer, &when, &retrans, &uid,
		   &inode) != 12)
		return -1;
	memset(s, 0, sizeof(*s));
	if (parse_addr(local, family, lport, &s->local) < 0 ||
	    parse_addr(peer, family, pport, &s->peer) < 0 || state < 1 || state > 11)
		return -1;
	s->family = family;
	s->state = (int)state;
	s->send_q = txq;
	s->recv_q = rxq;
	s->timer = timer <= TIMER_PROBE ? (enum sock_timer)timer : TIMER_NONE;
	/* "when" counts clock ticks (USER_HZ). */
	long hz = sysconf(_SC_CLK_TCK);
	s->timer_ms = (uint32_t)(when * 1000 / (unsigned long)(hz > 0 ? hz : 100));
	s->retrans = retrans;
	s->uid = (uint32_t)uid;
	s->inode = inode;
	return 0;
}

int procnet_read(const char *path, int family, tcp_sock_fn *fn, void *ctx)
{
	FILE *f = fopen(path, "re");
	char line[512];
	int rc = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct tcp_sock s;
		if (procnet_parse_line(line, family, &s) < 0)
			continue;
		if (fn(ctx, &s) != 0) {
			rc = -1;
			break;
		}
	}
	int err = errno;
	fclose(f);
	errno = err;
	return rc;
}
