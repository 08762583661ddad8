/* Both ends' TCP states of one connection, from one sock_diag dump of its port. */
#include "kernel/conn_states.h"

#include "kernel/sockdiag.h"
#include "net/tcp_state.h"

struct lookup {
	const struct seg_end *local, *peer;
	bool local_any;
	int *ours, *theirs;
	bool listeners;   /* the second look: a listener on the peer's port */
};

static bool same_end(const struct sockaddr_storage *ss, const struct seg_end *want, bool any_addr)
{
	struct seg_end e;
	bool any;

	seg_end_of((const struct sockaddr *)ss, &e, &any);
	return any_addr ? e.port == want->port : seg_end_equal(&e, want);
}

static int on_sock(void *ctx, const struct tcp_sock *s)
{
	struct lookup *l = ctx;
	int state = s->state == TCP_NEW_SYN_RECV ? TCP_SYN_RECV : s->state;

	if (l->listeners) {
		bool any;
		struct seg_end e;
		seg_end_of((const struct sockaddr *)&s->local, &e, &any);
		if (s->state == TCP_LISTEN && (any ? e.port == l->peer->port : seg_end_equal(&e, l->peer)))
			*l->theirs = TCP_LISTEN;
		return 0;
	}
	if (same_end(&s->local, l->local, l->local_any) && same_end(&s->peer, l->peer, false))
		*l->ours = state;
	else if (same_end(&s->local, l->peer, false) && same_end(&s->peer, l->local, l->local_any))
		*l->theirs = state;
	return 0;
}

int conn_states(const struct seg_end *local, bool local_any, const struct seg_end *peer, int *ours,
		int *theirs)
{
	struct lookup l = { local, peer, local_any, ours, theirs, false };
	unsigned every = ~0u;

	*ours = *theirs = 0;
	/* Both families: an IPv4-mapped peer is a socket of AF_INET6. */
	if (sockdiag_dump_port(AF_INET, every, false, local->port, on_sock, &l) < 0 ||
	    sockdiag_dump_port(AF_INET6, every, false, local->port, on_sock, &l) < 0)
		return -1;
	if (*theirs)
		return 0;
	/* No socket of the peer's yet: a listener there is the server side before the SYN. */
	l.listeners = true;
	unsigned listening = TCP_STATE_BIT(TCP_LISTEN);
	if (sockdiag_dump_port(AF_INET, listening, false, peer->port, on_sock, &l) < 0 ||
	    sockdiag_dump_port(AF_INET6, listening, false, peer->port, on_sock, &l) < 0)
		return -1;
	return 0;
}
