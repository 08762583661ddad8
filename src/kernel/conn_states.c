/* Both ends' TCP states of one connection: two sock_diag lookups, one from each end. */
#include "kernel/conn_states.h"

#include "kernel/sockdiag.h"
#include "net/tcp_state.h"

/* The state of the one socket a lookup finds. */
static int on_sock(void *ctx, const struct tcp_sock *s)
{
	*(int *)ctx = s->state == TCP_NEW_SYN_RECV ? TCP_SYN_RECV : s->state;
	return 0;
}

/* The socket at 'from' for the connection to 'to': the kernel's own lookup. */
static int state_of(const struct seg_end *from, const struct seg_end *to, int *state)
{
	*state = 0;
	return sockdiag_find(from->family, from->addr, from->port, to->addr, to->port, on_sock, state);
}

int conn_states(const struct seg_end *local, const struct seg_end *peer, int *ours, int *theirs)
{
	if (state_of(local, peer, ours) < 0 || state_of(peer, local, theirs) < 0)
		return -1;
	/* Our side's lookup can only land on our socket: a listener there is not ours. */
	if (*ours == TCP_LISTEN)
		*ours = 0;
	return 0;
}
