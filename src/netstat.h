/* The kernel's protocol counters in /proc/net/netstat (what nstat shows). */
#ifndef TCPTOOL_NETSTAT_H
#define TCPTOOL_NETSTAT_H

/*
 * The counter 'name' of group 'group' ("TcpExt", "TCPAbortOnData") in this
 * network namespace, or -1 when it cannot be read.
 */
long long netstat_counter(const char *group, const char *name);

#endif
