/*
 * Two readings of the socket list side by side: which socket of the later
 * one is which of the earlier one, which appeared and which are gone.  A
 * socket is known by its family and both names, and by its inode where
 * both readings have one (a socket gains one when accept() takes it and
 * loses it when its process closes it; two listeners may share a name).
 */
#ifndef TCPTOOL_SOCKDIFF_H
#define TCPTOOL_SOCKDIFF_H

#include <stddef.h>

#include "kernel/tcp_sock.h"

/* Orders two sockets by family, local name, peer name, then inode. */
int sockdiff_cmp(const struct tcp_sock *a, const struct tcp_sock *b);

/* Sorts v[0..n-1] into the order sockdiff_walk() needs. */
void sockdiff_sort(struct tcp_sock *v, size_t n);

/*
 * Called once for each socket of either reading, in order: with both
 * indexes for a socket in both, with an index and SOCKDIFF_NONE for one
 * that is only in the earlier (closed) or only in the later (new).
 */
#define SOCKDIFF_NONE ((size_t)-1)
typedef void sockdiff_fn(void *ctx, size_t before, size_t after);

/* Walks two sorted readings, before[0..nb-1] and after[0..na-1], pairing their sockets. */
void sockdiff_walk(const struct tcp_sock *before, size_t nb, const struct tcp_sock *after, size_t na,
		   sockdiff_fn *fn, void *ctx);

#endif
