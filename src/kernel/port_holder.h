/*
 * Why a port is taken: who holds a local TCP port, for the "address in
 * use" diagnosis of listen, echo and ack.
 */
#ifndef TCPTOOL_PORT_HOLDER_H
#define TCPTOOL_PORT_HOLDER_H

#include <sys/types.h>

#define PORT_HOLDER_MAX_OWNERS 4

struct port_use {
	int listening;        /* sockets listening on the port */
	int time_wait;        /* TIME_WAIT leftovers on it */
	int other;            /* sockets in any other state */
	int owners;           /* processes found for the listeners */
	pid_t pid[PORT_HOLDER_MAX_OWNERS];
	char comm[PORT_HOLDER_MAX_OWNERS][32];
};

/*
 * Fills *use with the sockets bound to local TCP port 'port' and the
 * processes that hold the listening ones (only those this user may see).
 * Returns 0, or -1 with errno set when the sockets cannot be listed.
 */
int port_holder_find(int port, struct port_use *use);

#endif
