/*
 * TCP's states as the kernel numbers them in tcpi_state and idiag_state:
 * the one enum is <netinet/tcp.h>'s (TCP_ESTABLISHED = 1 ... TCP_CLOSING
 * = 11), named here for people and users.
 */
#ifndef TCPTOOL_TCP_STATE_H
#define TCPTOOL_TCP_STATE_H

#include <netinet/tcp.h>

/* A request socket still in the handshake: sock_diag reports it, TCP_INFO never. */
#define TCP_NEW_SYN_RECV 12

/* A set of states as sock_diag's idiag_states takes it. */
#define TCP_STATE_BIT(st) (1u << (st))

/* "ESTABLISHED", "FIN_WAIT2" ... for a TCP state (tcpi_state, idiag_state). */
const char *tcp_state_name(int state);

/* One line on what the state means, for a student. */
const char *tcp_state_meaning(int state);

/*
 * The state a user names: "established", "fin-wait-2", "FIN_WAIT2" ...
 * (case and dashes do not matter).  Returns 1-11, or 0 for no such state.
 */
int tcp_state_by_name(const char *name);

#endif
