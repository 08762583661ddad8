/* Pairs the sockets of two readings of the socket list by their names. */
#include "kernel/sockdiff.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Address bytes, then port, of an AF_INET or AF_INET6 name. */
static int cmp_name(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	int c;

	if (a->ss_family != b->ss_family)
		return a->ss_family < b->ss_family ? -1 : 1;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a, *y = (const struct sockaddr_in *)b;
		if ((c = memcmp(&x->sin_addr, &y->sin_addr, sizeof(x->sin_addr))) != 0)
			return c;
		return ntohs(x->sin_port) - ntohs(y->sin_port);
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a, *y = (const struct sockaddr_in6 *)b;
		if ((c = memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr))) != 0)
			return c;
		if (x->sin6_port != y->sin6_port)
			return ntohs(x->sin6_port) - ntohs(y->sin6_port);
		return x->sin6_scope_id < y->sin6_scope_id ? -1 : x->sin6_scope_id > y->sin6_scope_id;
	}
	return 0;
}

/* The names only: the inode is the walk's business. */
static int cmp_names(const struct tcp_sock *a, const struct tcp_sock *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = cmp_name(&a->local, &b->local)) != 0)
		return c;
	return cmp_name(&a->peer, &b->peer);
}

int sockdiff_cmp(const struct tcp_sock *a, const struct tcp_sock *b)
{
	int c = cmp_names(a, b);

	if (c != 0)
		return c;
	return a->inode < b->inode ? -1 : a->inode > b->inode;
}

static int cmp_qsort(const void *a, const void *b)
{
	return sockdiff_cmp(a, b);
}

void sockdiff_sort(struct tcp_sock *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_qsort);
}

/* Same names, and the same inode unless one reading has none. */
static int cmp_pair(const struct tcp_sock *a, const struct tcp_sock *b)
{
	int c = cmp_names(a, b);

	if (c != 0 || a->inode == 0 || b->inode == 0)
		return c;
	return a->inode < b->inode ? -1 : a->inode > b->inode;
}

void sockdiff_walk(const struct tcp_sock *before, size_t nb, const struct tcp_sock *after, size_t na,
		   sockdiff_fn *fn, void *ctx)
{
	size_t i = 0, j = 0;

	while (i < nb || j < na) {
		int c = i == nb ? 1 : j == na ? -1 : cmp_pair(&before[i], &after[j]);
		if (c < 0)
			fn(ctx, i++, SOCKDIFF_NONE);
		else if (c > 0)
			fn(ctx, SOCKDIFF_NONE, j++);
		else
			fn(ctx, i++, j++);
	}
}
