/* net/tcp_state.c: TCP state names to numbers, in either case and with - or _. */
#include "unit.h"

#include "net/tcp_state.h"

void test_tcp_state(void)
{
	CHECK_INT(tcp_state_by_name("established"), 1);
	CHECK_INT(tcp_state_by_name("FIN_WAIT2"), 5);
	CHECK_INT(tcp_state_by_name("fin-wait-2"), 5);
	CHECK_INT(tcp_state_by_name("Time-Wait"), 6);
	CHECK_INT(tcp_state_by_name("listen"), 10);
	CHECK_INT(tcp_state_by_name("new_syn_recv"), 0);  /* internal, never listed */
	CHECK_INT(tcp_state_by_name(""), 0);
	CHECK_INT(tcp_state_by_name("bogus"), 0);
}
