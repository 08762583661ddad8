/* kernel/procnet.c: /proc/net/tcp and tcp6 lines: sockets, TIME_WAIT's timer, the header and lines that are no sockets. */
#include "unit.h"

#include <arpa/inet.h>
#include <unistd.h>

#include "kernel/procnet.h"
#include "kernel/socklist.h"

void test_procnet(void)
{
	struct tcp_sock s;

	CHECK_INT(procnet_parse_line("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
				     AF_INET, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000005 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0",
				     AF_INET, &s), 0);
	CHECK_INT(s.state, 10);
	CHECK_INT(socklist_port(&s.local), 8080);
	CHECK_INT(s.recv_q, 5);
	CHECK_INT(s.send_q, 0);
	CHECK_INT(s.inode, 12345);
	char name[64];
	struct sockaddr_in *in = (struct sockaddr_in *)&s.local;
	CHECK_STR(inet_ntop(AF_INET, &in->sin_addr, name, sizeof(name)), "127.0.0.1");

	/* TIME_WAIT: no inode; "when" counts clock ticks. */
	CHECK_INT(procnet_parse_line("   3: 0100007F:9C40 0100007F:1F90 06 00000000:00000000 03:00000064 00000000     0        0 0 3 0000000000000000",
				     AF_INET, &s), 0);
	CHECK_INT(s.state, 6);
	CHECK_INT(s.timer, TIMER_TIME_WAIT);
	CHECK_INT(s.timer_ms, 100 * 1000 / sysconf(_SC_CLK_TCK));
	CHECK_INT(s.inode, 0);

	CHECK_INT(procnet_parse_line("   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1",
				     AF_INET6, &s), 0);
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s.local;
	CHECK_STR(inet_ntop(AF_INET6, &in6->sin6_addr, name, sizeof(name)), "::1");
	CHECK_INT(s.uid, 1000);

	/* Lines that are not sockets. */
	CHECK_INT(procnet_parse_line("", AF_INET, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 0C 0:0 00:0 0 0 0 1", AF_INET, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 00 0:0 00:0 0 0 0 1", AF_INET, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F00:1F90 00000000:0000 0A 0:0 00:0 0 0 0 1", AF_INET, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F:1F90 00000000:0000 0A 0:0 00:0 0 0 0 1", AF_INET6, &s), -1);
	CHECK_INT(procnet_parse_line("   0: 0100007F:11F90 00000000:0000 0A 0:0 00:0 0 0 0 1", AF_INET, &s), -1);
}
