/* Collect this host's TCP sockets: netlink first, /proc/net/tcp else. */
#include "kernel/socklist.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/owners.h"
#include "kernel/procnet.h"
#include "kernel/sockdiag.h"
#include "net/tcp_state.h"

struct collect {
	const struct socklist_query *q;
	struct socklist *l;
	bool port_picked;   /* the kernel sent only the port's sockets */
};

int socklist_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return -1;
}

static int keep(void *ctx, const struct tcp_sock *s)
{
	struct collect *c = ctx;
	struct socklist *l = c->l;

	/* /proc lists every state and port; netlink was asked for these already. */
	if (s->state < 1 || s->state > 31 || !(c->q->states & (1u << s->state)))
		return 0;
	if (c->q->port >= 0 && !c->port_picked && socklist_port(&s->local) != c->q->port &&
	    socklist_port(&s->peer) != c->q->port)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct tcp_sock *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

/* The address bytes, for ordering. */
static const void *addr_bytes(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET) {
		*len = 4;
		return &((const struct sockaddr_in *)ss)->sin_addr;
	}
	*len = 16;
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

static int cmp_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	int pa = socklist_port(a), pb = socklist_port(b);
	size_t la, lb;
	const void *xa = addr_bytes(a, &la), *xb = addr_bytes(b, &lb);

	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(xa, xb, la);
}

static int cmp_sock(const void *pa, const void *pb)
{
	const struct tcp_sock *a = pa, *b = pb;
	int la = a->state == TCP_LISTEN, lb = b->state == TCP_LISTEN;
	int c;

	if (la != lb)
		return lb - la;
	if ((c = cmp_endpoint(&a->local, &b->local)) != 0)
		return c;
	if ((c = cmp_endpoint(&a->peer, &b->peer)) != 0)
		return c;
	return a->state - b->state;
}

int socklist_collect(const struct socklist_query *q, struct socklist *l)
{
	memset(l, 0, sizeof(*l));
	return socklist_recollect(q, l);
}

int socklist_recollect(const struct socklist_query *q, struct socklist *l)
{
	static const int families[] = { AF_INET, AF_INET6 };

	*l = (struct socklist){ .v = l->v, .cap = l->cap };
	struct collect c = { q, l, true };
	for (size_t i = 0; i < 2; i++) {
		if (q->family != AF_UNSPEC && q->family != families[i])
			continue;
		if (sockdiag_dump_port(families[i], q->states, q->want_info, q->port, keep, &c) == 0)
			continue;
		if (errno == ENOMEM)
			return -1;
		/* Netlink refused (a sandbox, no inet_diag): start again from /proc. */
		l->from_proc = true;
		c.port_picked = false;
		l->netlink_err = errno;
		l->n = 0;
		break;
	}
	if (l->from_proc) {
		int read_any = 0;
		if ((q->family == AF_UNSPEC || q->family == AF_INET) &&
		    procnet_read("/proc/net/tcp", AF_INET, keep, &c) == 0)
			read_any++;
		if ((q->family == AF_UNSPEC || q->family == AF_INET6) &&
		    procnet_read("/proc/net/tcp6", AF_INET6, keep, &c) == 0)
			read_any++;
		if (read_any == 0)
			return -1;
	}
	if (l->n > 1 && !q->unsorted)  /* v is NULL when nothing matched */
		qsort(l->v, l->n, sizeof(*l->v), cmp_sock);
	size_t hidden = q->owners ? owners_find_cached(q->owners, l->v, l->n) : owners_find(l->v, l->n);
	if (hidden > 0) {
		uid_t me = geteuid();
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].inode && l->v[i].owners == 0 && l->v[i].uid != me)
				l->hidden_owners++;
	}
	return 0;
}

struct find {
	const struct sockaddr_storage *local, *peer;
	struct tcp_sock *out;
	bool found;
};

static int keep_if_same(void *ctx, const struct tcp_sock *s)
{
	struct find *f = ctx;

	if (s->family == f->local->ss_family && cmp_endpoint(&s->local, f->local) == 0 &&
	    cmp_endpoint(&s->peer, f->peer) == 0) {
		*f->out = *s;
		f->found = true;
	}
	return 0;
}

int socklist_find(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		  struct tcp_sock *out)
{
	int family = local->ss_family;

	memset(out, 0, sizeof(*out));  /* defined even when nothing matches */
	struct find f = { local, peer, out, false };

	if (sockdiag_dump(family, SOCKLIST_ALL, false, keep_if_same, &f) < 0) {
		if (errno == ENOMEM)
			return -1;
		f.found = false;
		if (procnet_read(family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6", family,
				 keep_if_same, &f) < 0)
			return -1;
	}
	return f.found;
}

void socklist_free(struct socklist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}
