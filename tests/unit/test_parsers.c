/* Command-line value parsers. */
#include "unit.h"

#include <stdio.h>

#include "args.h"
#include "net/sock.h"
#include "net/tcp_state.h"

void test_parsers(void)
{
	unsigned mask = 0;

	CHECK_INT(tcp_state_by_name("established"), 1);
	CHECK_INT(tcp_state_by_name("FIN_WAIT2"), 5);
	CHECK_INT(tcp_state_by_name("fin-wait-2"), 5);
	CHECK_INT(tcp_state_by_name("Time-Wait"), 6);
	CHECK_INT(tcp_state_by_name("listen"), 10);
	CHECK_INT(tcp_state_by_name("new_syn_recv"), 0);  /* internal, never listed */
	CHECK_INT(tcp_state_by_name(""), 0);
	CHECK_INT(tcp_state_by_name("bogus"), 0);

	CHECK(parse_states("established,close-wait", &mask) == NULL);
	CHECK_INT(mask, (1u << 1) | (1u << 8));
	CHECK(parse_states("listen", &mask) == NULL);
	CHECK_INT(mask, (1u << 1) | (1u << 8) | (1u << 10));
	mask = 0;
	CHECK(parse_states("established,", &mask) != NULL);
	CHECK(parse_states(",listen", &mask) != NULL);
	CHECK(parse_states("nosuch", &mask) != NULL);
	CHECK(parse_states("a-very-long-name-that-is-no-state-at-all", &mask) != NULL);
	CHECK_INT(mask, 0);

	/*
	 * args_parse twice (found by tests/fuzz/fuzz_args.c): an error half-way
	 * through a bundle leaves glibc's getopt holding the rest ("z"); the
	 * next call must start afresh, not read -z from the old argv.
	 */
	struct options o;
	char c0[] = "connect", bundle[] = "-Yz", host[] = "127.0.0.1", port[] = "80";
	char *first[] = { c0, bundle, host, port, NULL };
	char *second[] = { c0, host, port, NULL };
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");  /* the usage error is expected */
	options_init(&o);
	CHECK_INT(args_parse(CMD_CONNECT, "connect", 4, first, &o), -1);
	if (stderr)
		fclose(stderr);
	stderr = saved;
	options_init(&o);
	CHECK_INT(args_parse(CMD_CONNECT, "connect", 3, second, &o), 1);
	CHECK(!o.zero_io);
}
