/* kernel/diag_bytecode.c: the port filter's program, checked and run as the kernel checks and runs it. */
#include "unit.h"

#include <stdint.h>
#include <linux/inet_diag.h>

#include "kernel/diag_bytecode.h"

/*
 * The kernel's inet_diag_bc_run() for the ops the filter uses: true when
 * the socket with these ports passes.  Jumps that leave the program
 * early or land off an op count as a failure of the test, not a pass.
 */
static bool run(const unsigned char *bc, int len, int sport, int dport, bool *bad)
{
	const unsigned char *p = bc;

	while (len > 0) {
		struct inet_diag_bc_op op, arg = { 0 };
		int yes;
		memcpy(&op, p, sizeof(op));
		if (len >= 8)
			memcpy(&arg, p + 4, sizeof(arg));
		switch (op.code) {
		case INET_DIAG_BC_NOP: yes = 1; break;
		case INET_DIAG_BC_JMP: yes = 0; break;
		case INET_DIAG_BC_S_GE: yes = sport >= arg.no; break;
		case INET_DIAG_BC_S_LE: yes = sport <= arg.no; break;
		case INET_DIAG_BC_D_GE: yes = dport >= arg.no; break;
		case INET_DIAG_BC_D_LE: yes = dport <= arg.no; break;
		default: *bad = true; return false;
		}
		int step = yes ? op.yes : op.no;
		if (step <= 0) {
			*bad = true;
			return false;
		}
		len -= step;
		p += step;
	}
	return len == 0;
}

/* The kernel's valid_cc(): some op of the 'yes' path starts 'cc' bytes before the end. */
static bool valid_cc(const unsigned char *bc, int len, int cc)
{
	while (len >= 0) {
		struct inet_diag_bc_op op;
		if (cc > len)
			return false;
		if (cc == len)
			return true;
		memcpy(&op, bc, sizeof(op));
		if (op.yes < 4 || op.yes & 3)
			return false;
		len -= op.yes;
		bc += op.yes;
	}
	return false;
}

/* The kernel's inet_diag_bc_audit() for these ops: what it refuses with EINVAL. */
static bool audit(const unsigned char *bytecode, int bytecode_len)
{
	const unsigned char *bc = bytecode;
	int len = bytecode_len;

	while (len > 0) {
		struct inet_diag_bc_op op;
		int min_len = sizeof(op);
		memcpy(&op, bc, sizeof(op));
		switch (op.code) {
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min_len += sizeof(struct inet_diag_bc_op);   /* the port */
			if (len < min_len)
				return false;
			break;
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return false;
		}
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min_len || op.no > len + 4 || op.no & 3)
				return false;
			if (op.no < len && !valid_cc(bytecode, bytecode_len, len - op.no))
				return false;
		}
		if (op.yes < min_len || op.yes > len + 4 || op.yes & 3)
			return false;
		bc += op.yes;
		len -= op.yes;
	}
	return len == 0;
}

void test_diag_bytecode(void)
{
	unsigned char bc[64];
	static const int ports[] = { 0, 1, 22, 5000, 34555, 65534, 65535 };

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		int p = ports[i];
		memset(bc, 0xee, sizeof(bc));
		CHECK_INT(diag_bytecode_port(p, bc, sizeof(bc)), DIAG_BYTECODE_PORT_LEN);
		CHECK(audit(bc, DIAG_BYTECODE_PORT_LEN));
		CHECK(bc[DIAG_BYTECODE_PORT_LEN] == 0xee);   /* nothing written past it */
		bool bad = false;
		/* Either end on the port passes; neither does not, nor the ports next to it. */
		CHECK(run(bc, DIAG_BYTECODE_PORT_LEN, p, 40000, &bad));
		CHECK(run(bc, DIAG_BYTECODE_PORT_LEN, 40000, p, &bad));
		CHECK(run(bc, DIAG_BYTECODE_PORT_LEN, p, p, &bad));
		CHECK(!run(bc, DIAG_BYTECODE_PORT_LEN, 40000, 40001, &bad) || p == 40000 || p == 40001);
		if (p > 0) {
			CHECK(!run(bc, DIAG_BYTECODE_PORT_LEN, p - 1, p - 1, &bad));
			CHECK(!run(bc, DIAG_BYTECODE_PORT_LEN, p - 1, 65535, &bad) || p == 65535);
		}
		if (p < 65535) {
			CHECK(!run(bc, DIAG_BYTECODE_PORT_LEN, p + 1, p + 1, &bad));
			CHECK(!run(bc, DIAG_BYTECODE_PORT_LEN, 0, p + 1, &bad) || p == 0);
		}
		CHECK(!bad);
	}
	/* Every port pair around one port, each way. */
	CHECK_INT(diag_bytecode_port(8080, bc, sizeof(bc)), DIAG_BYTECODE_PORT_LEN);
	bool bad = false;
	int passed = 0;
	for (int s = 8070; s <= 8090; s++)
		for (int d = 8070; d <= 8090; d++)
			passed += run(bc, DIAG_BYTECODE_PORT_LEN, s, d, &bad) == (s == 8080 || d == 8080);
	CHECK_INT(passed, 21 * 21);
	CHECK(!bad);

	/* A cut program would not pass the kernel's audit: the checker itself can fail. */
	CHECK(!audit(bc, DIAG_BYTECODE_PORT_LEN - 4));
	CHECK(!audit(bc, 4));

	/* No room, or no such port: nothing. */
	memset(bc, 0xee, sizeof(bc));
	CHECK_INT(diag_bytecode_port(80, bc, DIAG_BYTECODE_PORT_LEN - 1), 0);
	CHECK(bc[0] == 0xee);
	CHECK_INT(diag_bytecode_port(-1, bc, sizeof(bc)), 0);
	CHECK_INT(diag_bytecode_port(65536, bc, sizeof(bc)), 0);
}
