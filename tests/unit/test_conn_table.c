/* net/conn_table.c: a capture's segments grouped into connections, each with its opener, counts, handshake and end. */
#include "unit.h"

#include <stdint.h>
#include <sys/socket.h>

#include "net/conn_table.h"
#include "net/segment.h"

static const struct seg_end client = { .family = AF_INET, .addr = { 10, 0, 0, 1 }, .port = 40000 };
static const struct seg_end server = { .family = AF_INET, .addr = { 10, 0, 0, 2 }, .port = 80 };

static struct tcp_segment seg(const struct seg_end *from, const struct seg_end *to, uint32_t seq, uint32_t ack,
			      uint8_t flags, uint32_t len)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.src = *from;
	s.dst = *to;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.len = len;
	s.win = 500;
	return s;
}

/* Adds a segment from one end to the other; returns its connection's number. */
static size_t add(struct conn_table *t, const struct seg_end *from, const struct seg_end *to, uint32_t seq,
		  uint32_t ack, uint8_t flags, uint32_t len, int64_t t_ns)
{
	struct tcp_segment s = seg(from, to, seq, ack, flags, len);
	bool from_a = false;
	size_t n = conn_table_add(t, &s, t_ns, &from_a);

	if (n) {
		const struct conn *c = conn_table_get(t, n);
		CHECK(from_a == seg_end_equal(&s.src, &c->a));
	}
	return n;
}

/* SYN, SYN-ACK, ACK between client (ISN 1000) and server (ISN 5000). */
static void handshake(struct conn_table *t, const struct seg_end *c, const struct seg_end *s, int64_t t0)
{
	CHECK(add(t, c, s, 1000, 0, TCPF_SYN, 0, t0) > 0);
	CHECK(add(t, s, c, 5000, 1001, TCPF_SYN | TCPF_ACK, 0, t0 + 10) > 0);
	CHECK(add(t, c, s, 1001, 5001, TCPF_ACK, 0, t0 + 20) > 0);
}

static void test_whole_connection(void)
{
	struct conn_table *t = conn_table_new();

	handshake(t, &client, &server, 1000);
	CHECK_INT(add(t, &client, &server, 1001, 5001, TCPF_ACK | TCPF_PSH, 100, 1030), 1);
	CHECK_INT(add(t, &server, &client, 5001, 1101, TCPF_ACK, 0, 1040), 1);
	CHECK_INT(add(t, &server, &client, 5001, 1101, TCPF_ACK | TCPF_PSH, 40, 1050), 1);
	CHECK_INT(add(t, &client, &server, 1101, 5041, TCPF_ACK | TCPF_FIN, 0, 1060), 1);
	CHECK_INT(conn_table_get(t, 1)->end, CONN_HALF_CLOSED);
	CHECK(conn_table_get(t, 1)->ended_by_a);
	CHECK_INT(add(t, &server, &client, 5041, 1102, TCPF_ACK | TCPF_FIN, 0, 1070), 1);
	CHECK_INT(add(t, &client, &server, 1102, 5042, TCPF_ACK, 0, 1080), 1);

	CHECK_INT(conn_table_count(t), 1);
	const struct conn *c = conn_table_get(t, 1);
	CHECK(seg_end_equal(&c->a, &client) && seg_end_equal(&c->b, &server));
	CHECK_INT(c->from_a.segments, 5);
	CHECK_INT(c->from_b.segments, 4);
	CHECK_INT(c->from_a.bytes, 100);
	CHECK_INT(c->from_b.bytes, 40);
	CHECK_INT(c->first_ns, 1000);
	CHECK_INT(c->last_ns, 1080);
	CHECK_INT(c->first_seg, 1);
	CHECK_INT(c->last_seg, 9);
	CHECK_INT(c->end, CONN_FIN);
	CHECK_INT(conn_handshake(c), HANDSHAKE_SEEN);
	CHECK(conn_table_get(t, 0) == NULL && conn_table_get(t, 2) == NULL);
	conn_table_free(t);
}

/* Who A is when the capture starts late: the SYN-ACK's receiver, or the first sender. */
static void test_late_start(void)
{
	struct conn_table *t = conn_table_new();

	CHECK_INT(add(t, &server, &client, 5000, 1001, TCPF_SYN | TCPF_ACK, 0, 1), 1);
	CHECK_INT(add(t, &client, &server, 1001, 5001, TCPF_ACK, 0, 2), 1);
	const struct conn *c = conn_table_get(t, 1);
	CHECK(seg_end_equal(&c->a, &client));
	CHECK_INT(conn_handshake(c), HANDSHAKE_PARTIAL);
	conn_table_free(t);

	t = conn_table_new();
	CHECK_INT(add(t, &server, &client, 7000, 1001, TCPF_ACK, 20, 1), 1);
	CHECK_INT(add(t, &client, &server, 1001, 7020, TCPF_ACK, 0, 2), 1);
	c = conn_table_get(t, 1);
	CHECK(seg_end_equal(&c->a, &server));
	CHECK_INT(c->from_a.bytes, 20);
	CHECK_INT(conn_handshake(c), HANDSHAKE_NONE);
	CHECK_INT(c->end, CONN_OPEN);
	conn_table_free(t);
}

static void test_refused_and_reset(void)
{
	struct conn_table *t = conn_table_new();

	/* An unanswered SYN, sent again with the same number: one connection. */
	CHECK_INT(add(t, &client, &server, 1000, 0, TCPF_SYN, 0, 1), 1);
	CHECK_INT(conn_handshake(conn_table_get(t, 1)), HANDSHAKE_SYN_ONLY);
	CHECK_INT(add(t, &client, &server, 1000, 0, TCPF_SYN, 0, 2), 1);
	CHECK_INT(add(t, &server, &client, 0, 1001, TCPF_RST | TCPF_ACK, 0, 3), 1);
	const struct conn *c = conn_table_get(t, 1);
	CHECK_INT(c->end, CONN_REFUSED);
	CHECK(!c->ended_by_a);
	CHECK_INT(c->from_a.segments, 2);
	/* The next attempt from the same port is a connection of its own. */
	CHECK_INT(add(t, &client, &server, 2000, 0, TCPF_SYN, 0, 4), 2);
	CHECK_INT(add(t, &server, &client, 9000, 2001, TCPF_SYN | TCPF_ACK, 0, 5), 2);
	CHECK_INT(add(t, &client, &server, 2001, 9001, TCPF_ACK, 0, 6), 2);
	CHECK_INT(add(t, &client, &server, 2001, 9001, TCPF_RST | TCPF_ACK, 0, 7), 2);
	c = conn_table_get(t, 2);
	CHECK_INT(c->end, CONN_RST);
	CHECK(c->ended_by_a);
	CHECK_INT(conn_handshake(c), HANDSHAKE_SEEN);
	/* A FIN after the RST changes nothing. */
	CHECK_INT(add(t, &server, &client, 9001, 2001, TCPF_FIN | TCPF_ACK, 0, 8), 2);
	CHECK_INT(conn_table_get(t, 2)->end, CONN_RST);
	CHECK_INT(conn_table_count(t), 2);
	conn_table_free(t);
}

/* The same ends again: after both FINs a new SYN opens anew; late segments stay with the old one. */
static void test_port_reuse(void)
{
	struct conn_table *t = conn_table_new();

	handshake(t, &client, &server, 0);
	CHECK_INT(add(t, &client, &server, 1001, 5001, TCPF_FIN | TCPF_ACK, 0, 30), 1);
	CHECK_INT(add(t, &server, &client, 5001, 1002, TCPF_FIN | TCPF_ACK, 0, 40), 1);
	CHECK_INT(add(t, &client, &server, 1002, 5002, TCPF_ACK, 0, 50), 1);
	/* The same FIN again, retransmitted: still the first connection. */
	CHECK_INT(add(t, &server, &client, 5001, 1002, TCPF_FIN | TCPF_ACK, 0, 60), 1);
	/* The server's SYN to the client's port, now: a second connection, the server as A. */
	CHECK_INT(add(t, &server, &client, 300, 0, TCPF_SYN, 0, 70), 2);
	CHECK_INT(add(t, &client, &server, 400, 301, TCPF_SYN | TCPF_ACK, 0, 80), 2);
	const struct conn *c = conn_table_get(t, 2);
	CHECK(seg_end_equal(&c->a, &server));
	CHECK_INT(c->first_seg, 8);
	CHECK_INT(c->from_a.segments + c->from_b.segments, 2);
	CHECK_INT(conn_table_get(t, 1)->from_b.segments, 3);
	/* A new SYN from the same end with another number, the old one still open: a third. */
	CHECK_INT(add(t, &server, &client, 777, 0, TCPF_SYN, 0, 90), 3);
	CHECK_INT(conn_table_count(t), 3);

	/* Each connection's segments, by ordinal and ends. */
	struct tcp_segment s = seg(&client, &server, 0, 0, TCPF_ACK, 0);
	CHECK(conn_has(conn_table_get(t, 1), &s, 1) && conn_has(conn_table_get(t, 1), &s, 7));
	CHECK(!conn_has(conn_table_get(t, 1), &s, 8) && conn_has(conn_table_get(t, 2), &s, 8));
	CHECK(!conn_has(conn_table_get(t, 2), &s, 10) && conn_has(conn_table_get(t, 3), &s, 10));
	struct tcp_segment other = seg(&client, &(struct seg_end){ .family = AF_INET, .port = 80 }, 0, 0, 0, 0);
	CHECK(!conn_has(conn_table_get(t, 1), &other, 2));
	conn_table_free(t);
}

/* Simultaneous open: each end's SYN, then each one's SYN-ACK, one connection. */
static void test_simultaneous_open(void)
{
	struct conn_table *t = conn_table_new();

	CHECK_INT(add(t, &client, &server, 1000, 0, TCPF_SYN, 0, 1), 1);
	CHECK_INT(add(t, &server, &client, 5000, 0, TCPF_SYN, 0, 2), 1);
	CHECK_INT(add(t, &client, &server, 1000, 5001, TCPF_SYN | TCPF_ACK, 0, 3), 1);
	CHECK_INT(add(t, &server, &client, 5000, 1001, TCPF_SYN | TCPF_ACK, 0, 4), 1);
	CHECK_INT(conn_table_count(t), 1);
	CHECK_INT(conn_handshake(conn_table_get(t, 1)), HANDSHAKE_SEEN);
	conn_table_free(t);
}

/* Bytes count each sequence number once: repeats add nothing, gaps count, wrap-around and past 4 GiB hold. */
static void test_bytes(void)
{
	struct conn_table *t = conn_table_new();
	uint32_t isn = 0xfffff000u;

	CHECK_INT(add(t, &client, &server, isn, 0, TCPF_SYN, 0, 0), 1);
	CHECK_INT(add(t, &client, &server, isn + 1, 0, TCPF_ACK, 1000, 1), 1);
	CHECK_INT(add(t, &client, &server, isn + 1, 0, TCPF_ACK, 1000, 2), 1);    /* retransmitted */
	CHECK_INT(add(t, &client, &server, isn + 3001, 0, TCPF_ACK, 1000, 3), 1); /* after a gap */
	CHECK_INT(add(t, &client, &server, isn + 1001, 0, TCPF_ACK, 2000, 4), 1); /* the gap, late */
	CHECK_INT(conn_table_get(t, 1)->from_a.bytes, 4000);
	uint32_t seq = isn + 4001;
	for (int k = 0; k < 6; k++, seq += 1u << 30)
		add(t, &client, &server, seq, 0, TCPF_ACK, 1u << 30, 10 + k);
	CHECK_INT(conn_table_get(t, 1)->from_a.bytes, 4000 + 6 * (1LL << 30));
	CHECK_INT(conn_table_get(t, 1)->from_a.segments, 11);
	/* Data on a SYN (Fast Open) counts too. */
	struct seg_end c2 = client;
	c2.port = 40001;
	CHECK_INT(add(t, &c2, &server, 100, 0, TCPF_SYN, 30, 20), 2);
	CHECK_INT(conn_table_get(t, 2)->from_a.bytes, 30);
	conn_table_free(t);
}

/* Thousands of connections at once, IPv4 and IPv6 on the same ports: each finds its own. */
static void test_many(void)
{
	struct conn_table *t = conn_table_new();
	struct seg_end v6c = { .family = AF_INET6, .addr = { 0x20, 0x01, [15] = 1 } };
	struct seg_end v6s = { .family = AF_INET6, .addr = { 0x20, 0x01, [15] = 2 }, .port = 80 };
	const int n = 5000;

	for (int k = 0; k < n; k++) {
		struct seg_end c4 = client;
		c4.port = (uint16_t)(10000 + k);
		v6c.port = c4.port;
		CHECK_INT(add(t, &c4, &server, (uint32_t)k, 0, TCPF_SYN, 0, k), 2 * k + 1);
		CHECK_INT(add(t, &v6c, &v6s, (uint32_t)k, 0, TCPF_SYN, 0, k), 2 * k + 2);
	}
	int wrong = 0;
	for (int k = n - 1; k >= 0; k--) {
		struct seg_end c4 = client;
		c4.port = (uint16_t)(10000 + k);
		v6c.port = c4.port;
		wrong += add(t, &server, &c4, 1, (uint32_t)k + 1, TCPF_SYN | TCPF_ACK, 0, n + k) != (size_t)(2 * k + 1);
		wrong += add(t, &v6s, &v6c, 1, (uint32_t)k + 1, TCPF_SYN | TCPF_ACK, 0, n + k) != (size_t)(2 * k + 2);
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(conn_table_count(t), 2 * n);
	CHECK_INT(conn_table_get(t, 2 * n)->from_b.segments, 1);
	CHECK_INT(conn_table_get(t, 2 * n)->first_seg, 2 * n);
	conn_table_free(t);
	conn_table_free(NULL);
}

void test_conn_table(void)
{
	test_whole_connection();
	test_late_start();
	test_refused_and_reset();
	test_port_reuse();
	test_simultaneous_open();
	test_bytes();
	test_many();
}
