/*
 * inet_diag bytecode (INET_DIAG_REQ_BYTECODE): a little program the kernel
 * runs on each socket of a sock_diag dump, so that it sends only those that
 * pass, as `ss` sends for its filters.
 */
#ifndef TCPTOOL_DIAG_BYTECODE_H
#define TCPTOOL_DIAG_BYTECODE_H

#include <stddef.h>

/* The size of diag_bytecode_port()'s program. */
#define DIAG_BYTECODE_PORT_LEN 36

/*
 * Writes into buf the program "local port is 'port' or peer port is
 * 'port'" (port 0-65535).  Made of the >= and <= comparisons every kernel
 * with inet_diag knows (the = ones came with Linux 4.16).  Returns its
 * length, DIAG_BYTECODE_PORT_LEN, or 0 when it does not fit in size or the
 * port is out of range.  A pure function.
 */
size_t diag_bytecode_port(int port, void *buf, size_t size);

#endif
