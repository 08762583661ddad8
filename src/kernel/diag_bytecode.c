/* The inet_diag bytecode for a port filter: local or peer port. */
#include "kernel/diag_bytecode.h"

#include <string.h>
#include <linux/inet_diag.h>

/*
 * An op jumps 'yes' bytes on when its test holds and 'no' bytes on when
 * not; landing exactly on the end accepts the socket, 4 bytes past it
 * rejects it.  A port test takes two ops: the second only carries the port.
 * The kernel checks a program by following the 'yes' jumps from the start,
 * so every op must lie on that path: this one is laid out as `ss` lays out
 * "(sport >= P and sport <= P) or (dport >= P and dport <= P)".
 */
size_t diag_bytecode_port(int port, void *buf, size_t size)
{
	const unsigned short p = (unsigned short)port;
	const struct inet_diag_bc_op prog[] = {
		/* 0: local port >= P, else try the peer's (at 20) */
		{ INET_DIAG_BC_S_GE, 8, 20 }, { 0, 0, p },
		/* 8: local port <= P, else try the peer's */
		{ INET_DIAG_BC_S_LE, 8, 12 }, { 0, 0, p },
		/* 16: the local port matched: jump to the end, accept */
		{ INET_DIAG_BC_JMP, 4, 20 },
		/* 20: peer port >= P, else reject (40) */
		{ INET_DIAG_BC_D_GE, 8, 20 }, { 0, 0, p },
		/* 28: peer port <= P: on to the end, accept; else reject */
		{ INET_DIAG_BC_D_LE, 8, 12 }, { 0, 0, p },
	};

	_Static_assert(sizeof(prog) == DIAG_BYTECODE_PORT_LEN, "the program's length");
	if (port < 0 || port > 65535 || size < sizeof(prog))
		return 0;
	memcpy(buf, prog, sizeof(prog));
	return sizeof(prog);
}
