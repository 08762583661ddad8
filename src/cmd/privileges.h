/*
 * Least privilege: which capabilities a command line keeps, and until
 * when.  Like ping and tcpdump, tcptool gives up every capability once
 * its setup is done, before it reads a byte from a peer.
 */
#ifndef TCPTOOL_PRIVILEGES_H
#define TCPTOOL_PRIVILEGES_H

#include "args.h"

struct report;

/*
 * At the start of a run, the command and its options parsed (operands:
 * argc, argv): keeps only the capabilities the run will still use, and
 * drops every other one for good.  CAP_NET_RAW for a capture (--trace,
 * --ladder, --pcap of listen and of the commands that connect);
 * CAP_NET_BIND_SERVICE for a port to bind (listen, echo and ack but on
 * port 0; -p); CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE for the socket list
 * of info and info --watch, which name the owners of other users' sockets
 * from /proc/PID/fd; CAP_NET_RAW for -O bind-device and CAP_NET_ADMIN for
 * -O congestion, until the sockets are set up.  Returns 0, or -1 with errno.
 */
int privileges_start(int command, int argc, char **argv, const struct options *o);

/*
 * The capture is open, or none was asked for: CAP_NET_RAW goes, unless
 * -O bind-device still needs it for the sockets to come.  A
 * failure is told on r and ends tcptool (EXIT_NETWORK): a run that
 * believes itself unprivileged must not go on privileged.
 */
void privileges_capture_open(const struct report *r);

/*
 * The command's setup is done (its port bound, its capture open, its dial
 * over): every capability goes.  Fails as privileges_capture_open does.
 */
void privileges_setup_done(const struct report *r);

#endif
