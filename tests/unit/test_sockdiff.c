/* kernel/sockdiff.c: two readings of the socket list paired by names and inode: kept, new, closed. */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "kernel/sockdiff.h"

static void name4(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
}

static struct tcp_sock sock4(int lport, int pport, uint64_t inode)
{
	struct tcp_sock s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = 1;
	name4(&s.local, "127.0.0.1", lport);
	name4(&s.peer, "127.0.0.1", pport);
	s.inode = inode;
	return s;
}

/* What a walk saw, as text: "=b,a" paired, "-b" closed, "+a" new. */
struct seen {
	char text[256];
};

static void record(void *ctx, size_t b, size_t a)
{
	struct seen *s = ctx;
	size_t len = strlen(s->text);

	if (b == SOCKDIFF_NONE)
		snprintf(s->text + len, sizeof(s->text) - len, "+%zu ", a);
	else if (a == SOCKDIFF_NONE)
		snprintf(s->text + len, sizeof(s->text) - len, "-%zu ", b);
	else
		snprintf(s->text + len, sizeof(s->text) - len, "=%zu,%zu ", b, a);
}

static const char *walk(struct tcp_sock *b, size_t nb, struct tcp_sock *a, size_t na, struct seen *s)
{
	s->text[0] = '\0';
	sockdiff_sort(b, nb);
	sockdiff_sort(a, na);
	sockdiff_walk(b, nb, a, na, record, s);
	return s->text;
}

void test_sockdiff(void)
{
	struct seen s;

	/* Kept, closed and new, whatever order the readings came in. */
	struct tcp_sock b1[] = { sock4(5000, 40002, 12), sock4(5000, 40001, 11), sock4(5000, 40003, 13) };
	struct tcp_sock a1[] = { sock4(5000, 40004, 14), sock4(5000, 40001, 11), sock4(5000, 40003, 13) };
	CHECK_STR(walk(b1, 3, a1, 3, &s), "=0,0 -1 =2,1 +2 ");
	CHECK_INT(b1[1].peer.ss_family, AF_INET);
	CHECK_INT(ntohs(((struct sockaddr_in *)&b1[1].peer)->sin_port), 40002);

	/* Nothing before: all new; nothing after: all closed; neither: no call. */
	struct tcp_sock a2[] = { sock4(1, 2, 0), sock4(3, 4, 0) };
	CHECK_STR(walk(NULL, 0, a2, 2, &s), "+0 +1 ");
	CHECK_STR(walk(a2, 2, NULL, 0, &s), "-0 -1 ");
	CHECK_STR(walk(NULL, 0, NULL, 0, &s), "");

	/* An inode gained (accept()) or lost (close(), TIME_WAIT): the same socket. */
	struct tcp_sock b3[] = { sock4(5000, 40001, 0), sock4(5000, 40002, 22) };
	struct tcp_sock a3[] = { sock4(5000, 40001, 21), sock4(5000, 40002, 0) };
	CHECK_STR(walk(b3, 2, a3, 2, &s), "=0,0 =1,1 ");

	/* The same names with another inode: the old socket closed and a new one took them. */
	struct tcp_sock b4[] = { sock4(5000, 40001, 31) };
	struct tcp_sock a4[] = { sock4(5000, 40001, 32) };
	CHECK_STR(walk(b4, 1, a4, 1, &s), "-0 +0 ");

	/* Two listeners on one name (SO_REUSEPORT): told apart by inode. */
	struct tcp_sock b5[] = { sock4(80, 0, 42), sock4(80, 0, 41) };
	struct tcp_sock a5[] = { sock4(80, 0, 42), sock4(80, 0, 43) };
	CHECK_STR(walk(b5, 2, a5, 2, &s), "-0 =1,0 +1 ");

	/* IPv4 before IPv6; the address before the port. */
	struct tcp_sock v6 = sock4(1, 1, 0);
	v6.family = AF_INET6;
	struct tcp_sock lo = sock4(9, 9, 0), hi = sock4(1, 1, 0);
	name4(&hi.local, "127.0.0.2", 1);
	CHECK(sockdiff_cmp(&lo, &v6) < 0);
	CHECK(sockdiff_cmp(&lo, &hi) < 0);
	CHECK(sockdiff_cmp(&hi, &lo) > 0);
	CHECK_INT(sockdiff_cmp(&lo, &lo), 0);
}
