/* kernel/sockdiag.c: the sock_diag netlink parser on valid, truncated, malformed and random messages made here. */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

#include "kernel/socklist.h"
#include "kernel/sockdiag.h"

struct seen {
	int n;
	struct tcp_sock last;
};

static int count(void *ctx, const struct tcp_sock *s)
{
	struct seen *seen = ctx;
	seen->n++;
	seen->last = *s;
	return 0;
}

/* Appends a netlink message of 'type' with 'len' bytes of body; returns its size. */
static size_t put_msg(char *buf, uint16_t type, const void *body, size_t len)
{
	struct nlmsghdr h = { .nlmsg_len = (uint32_t)NLMSG_LENGTH(len), .nlmsg_type = type };
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + NLMSG_HDRLEN, body, len);
	return NLMSG_ALIGN(h.nlmsg_len);
}

/* One TCP socket, 127.0.0.1:8080 -> 127.0.0.1:40000, with tcp_info and "cubic". */
static size_t put_socket(char *buf)
{
	char body[512];
	struct inet_diag_msg m;
	size_t len;

	memset(&m, 0, sizeof(m));
	memset(body, 0, sizeof(body));
	m.idiag_family = AF_INET;
	m.idiag_state = 1;
	m.idiag_timer = 2;
	m.idiag_expires = 7199000;
	m.id.idiag_sport = htons(8080);
	m.id.idiag_dport = htons(40000);
	m.id.idiag_src[0] = htonl(0x7f000001);
	m.id.idiag_dst[0] = htonl(0x7f000001);
	m.idiag_rqueue = 3;
	m.idiag_wqueue = 4;
	m.idiag_uid = 1000;
	m.idiag_inode = 424242;
	memcpy(body, &m, sizeof(m));
	len = NLMSG_ALIGN(sizeof(m));

	/* A 24-byte tcp_info, as a very old kernel sends: state, options, wscale, rto, ato, snd_mss. */
	unsigned char ti[24] = { 1, 0, 0, 0, 0, 7, 0x97 };
	uint32_t mss = 1448;
	memcpy(ti + 16, &mss, 4);
	struct rtattr rta = { .rta_len = RTA_LENGTH(sizeof(ti)), .rta_type = INET_DIAG_INFO };
	memcpy(body + len, &rta, sizeof(rta));
	memcpy(body + len + RTA_LENGTH(0), ti, sizeof(ti));
	len += RTA_ALIGN(rta.rta_len);
	rta = (struct rtattr){ .rta_len = RTA_LENGTH(6), .rta_type = INET_DIAG_CONG };
	memcpy(body + len, &rta, sizeof(rta));
	memcpy(body + len + RTA_LENGTH(0), "cubic", 6);
	len += RTA_ALIGN(rta.rta_len);
	return put_msg(buf, SOCK_DIAG_BY_FAMILY, body, len);
}

static void test_valid_dump(void)
{
	static char buf[4096];
	struct seen seen = { 0 };
	int done = 0;
	size_t len = put_socket(buf);

	len += put_msg(buf + len, NLMSG_DONE, &done, sizeof(done));
	CHECK_INT(sockdiag_parse(buf, len, count, &seen), 1);
	CHECK_INT(seen.n, 1);
	struct tcp_sock *s = &seen.last;
	CHECK_INT(s->family, AF_INET);
	CHECK_INT(s->state, 1);
	CHECK_INT(socklist_port(&s->local), 8080);
	CHECK_INT(socklist_port(&s->peer), 40000);
	CHECK_INT(s->recv_q, 3);
	CHECK_INT(s->send_q, 4);
	CHECK_INT(s->uid, 1000);
	CHECK_INT(s->inode, 424242);
	CHECK_INT(s->timer, TIMER_KEEPALIVE);
	CHECK_INT(s->timer_ms, 7199000);
	CHECK(s->has_info);
	CHECK_INT(s->info.snd_mss, 1448);
	CHECK_INT(s->info.snd_wscale, 7);
	CHECK_INT(s->info.rcv_wscale, 9);
	CHECK(s->info.sack && s->info.timestamps && !s->info.ecn);
	CHECK(!s->info.have_bytes && !s->info.have_snd_wnd);
	CHECK_STR(s->congestion, "cubic");
}

/* Every cut of a valid buffer parses or fails cleanly: never a read past it. */
static void test_truncated(void)
{
	struct seen seen = { 0 };
	char full[4096];
	size_t len = put_socket(full);

	for (size_t cut = 0; cut < len; cut++) {
		/* A heap copy of exactly 'cut' bytes, so a sanitizer sees any over-read. */
		char *p = malloc(cut ? cut : 1);
		memcpy(p, full, cut);
		errno = 0;
		int rc = sockdiag_parse(p, cut, count, &seen);
		if (cut == 0)
			CHECK_INT(rc, 0);
		else
			CHECK(rc == -1 && errno == EPROTO);
		free(p);
	}
	CHECK_INT(seen.n, 0);
}

static void test_malformed(void)
{
	char buf[256];
	struct seen seen = { 0 };
	struct nlmsghdr h = { .nlmsg_len = 8, .nlmsg_type = SOCK_DIAG_BY_FAMILY };

	/* A length shorter than the header itself. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	CHECK(sockdiag_parse(buf, 64, count, &seen) == -1 && errno == EPROTO);

	/* A socket message too short for inet_diag_msg. */
	size_t len = put_msg(buf, SOCK_DIAG_BY_FAMILY, "abcd", 4);
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPROTO);

	/* An attribute longer than what is left. */
	char big[512];
	len = put_socket(big);
	struct rtattr bad = { .rta_len = 400, .rta_type = INET_DIAG_INFO };
	memcpy(big + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct inet_diag_msg)), &bad, sizeof(bad));
	CHECK(sockdiag_parse(big, len, count, &seen) == -1 && errno == EPROTO);

	/* The kernel's error answer. */
	struct nlmsgerr e = { .error = -EPERM };
	len = put_msg(buf, NLMSG_ERROR, &e, sizeof(e));
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPERM);
	/* Error codes that are no errno, INT_MIN among them (found by fuzzing). */
	e.error = INT32_MIN;
	len = put_msg(buf, NLMSG_ERROR, &e, sizeof(e));
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPROTO);
	e.error = 0;
	len = put_msg(buf, NLMSG_ERROR, &e, sizeof(e));
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPROTO);
	int min = INT32_MIN;
	len = put_msg(buf, NLMSG_DONE, &min, sizeof(min));
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPROTO);
	len = put_msg(buf, NLMSG_ERROR, &e, 2);
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == EPROTO);

	/* A dump that ends with an error code. */
	int err = -ENOMEM;
	len = put_msg(buf, NLMSG_DONE, &err, sizeof(err));
	CHECK(sockdiag_parse(buf, len, count, &seen) == -1 && errno == ENOMEM);

	/* Another family is not listed; unknown message types are skipped. */
	struct inet_diag_msg m;
	memset(&m, 0, sizeof(m));
	m.idiag_family = AF_UNIX;
	len = put_msg(buf, SOCK_DIAG_BY_FAMILY, &m, sizeof(m));
	len += put_msg(buf + len, NLMSG_NOOP, "", 0);
	CHECK_INT(sockdiag_parse(buf, len, count, &seen), 0);
	CHECK_INT(seen.n, 0);
}

/* Random bytes, and random damage to a valid buffer: any outcome but a crash. */
static void test_random(void)
{
	uint32_t x = 12345;
	struct seen seen = { 0 };
	char valid[4096];
	size_t vlen = put_socket(valid);

	for (int round = 0; round < 20000; round++) {
		size_t len = round % 2 ? vlen : (x % 300);
		char *p = malloc(len ? len : 1);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			p[i] = round % 2 ? valid[i] : (char)(x >> 16);
		}
		if (round % 2 && len) {
			x = x * 1103515245 + 12345;
			p[(x >> 8) % len] = (char)(x >> 20);
		}
		int rc = sockdiag_parse(p, len, count, &seen);
		CHECK(rc >= -1 && rc <= 1);
		free(p);
	}
}

void test_sockdiag(void)
{
	test_valid_dump();
	test_truncated();
	test_malformed();
	test_random();
}
