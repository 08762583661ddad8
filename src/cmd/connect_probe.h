/* connect -z and -c: handshake probes without data. */
#ifndef TCPTOOL_CONNECT_PROBE_H
#define TCPTOOL_CONNECT_PROBE_H

#include "args.h"

/*
 * Probes PORTS of host ("80", "20-25", "22,80,443" with -z) and reports
 * each handshake and a summary on stdout.  Returns the exit status: 0 when
 * every probe connected.
 */
int connect_probe(const char *host, const char *ports, const struct options *o);

#endif
