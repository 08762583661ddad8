/* view/ladder.c: --ladder's pictures, whole, from recorded segments, calls and the kernel's states. */
#include "unit.h"

#include <stdint.h>
#include <sys/socket.h>

#include "net/segment.h"
#include "net/tcp_state.h"
#include "view/ladder.h"

static const struct seg_end us_end = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 41234 };
static const struct seg_end peer_end = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 5000 };

/* Our and the peer's first sequence numbers. */
enum { ISN_US = 1000, ISN_PEER = 5000 };

/* A ladder being drawn and the text it has written. */
struct drawing {
	struct ladder l;
	char text[16384];
	struct textbuf out;
};

static void start(struct drawing *d, bool ascii, bool kernel_states, int verbose)
{
	ladder_init(&d->l, &us_end, &peer_end, ascii, kernel_states, verbose);
	d->out = textbuf_on(d->text, sizeof(d->text));
	ladder_header(&d->l, &d->out);
}

/* A segment at t_us microseconds: windows as loopback has them, mss on SYNs. */
static void seg(struct drawing *d, bool from_us, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len,
		int64_t t_us)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.src = from_us ? us_end : peer_end;
	s.dst = from_us ? peer_end : us_end;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.len = len;
	s.win = 512;
	if (flags & TCPF_SYN) {
		s.win = from_us ? 65495 : 65483;
		s.has_mss = true;
		s.mss = 65495;
	}
	ladder_segment(&d->l, &s, t_us * 1000, &d->out);
}

static void call(struct drawing *d, int64_t t_us, const char *what)
{
	ladder_call(&d->l, t_us * 1000, what, &d->out);
}

static void state(struct drawing *d, enum ladder_side side, int st, int64_t t_us)
{
	ladder_state(&d->l, side, st, t_us * 1000, &d->out);
}

/* The display columns of the widest line: UTF-8 continuation bytes take none. */
static int widest(const char *text)
{
	int most = 0, cols = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			most = cols > most ? cols : most;
			cols = 0;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			cols++;
		}
	}
	return cols > most ? cols : most;
}

/* The whole picture, and every golden within 80 columns and ended by a newline. */
static void golden(struct drawing *d, const char *want)
{
	ladder_finish(&d->l, &d->out);
	CHECK(d->out.len < sizeof(d->text));
	CHECK_STR(d->text, want);
	CHECK(widest(want) <= LADDER_COLUMNS);
	CHECK(widest(d->text) <= LADDER_COLUMNS);
	CHECK(d->out.len > 0 && d->text[d->out.len - 1] == '\n');
}

/* We connect: SYN, SYN-ACK, ACK, as connect() sees it. */
static void handshake(struct drawing *d)
{
	call(d, 10, "connect()");
	seg(d, true, ISN_US, 0, TCPF_SYN, 0, 21);
	seg(d, false, ISN_PEER, ISN_US + 1, TCPF_SYN | TCPF_ACK, 0, 31);
	seg(d, true, ISN_US + 1, ISN_PEER + 1, TCPF_ACK, 0, 40);
}

static void test_handshake(void)
{
	struct drawing d;

	start(&d, false, true, 0);
	/* LISTEN is no state the segments lead to: a row of its own. */
	state(&d, LADDER_PEER, TCP_LISTEN, 0);
	call(&d, 10, "connect()");
	seg(&d, true, ISN_US, 0, TCPF_SYN, 0, 21);
	seg(&d, false, ISN_PEER, ISN_US + 1, TCPF_SYN | TCPF_ACK, 0, 31);
	/* sampled before the row that gets there: that row's state is plain */
	state(&d, LADDER_US, TCP_ESTABLISHED, 35);
	seg(&d, true, ISN_US + 1, ISN_PEER + 1, TCPF_ACK, 0, 40);
	/* sampled after: it confirms nothing that is still to be written, and adds no row */
	state(&d, LADDER_PEER, TCP_ESTABLISHED, 45);
	call(&d, 1200, "write 6 B");
	seg(&d, true, ISN_US + 1, ISN_PEER + 1, TCPF_ACK | TCPF_PSH, 6, 1300);
	seg(&d, false, ISN_PEER + 1, ISN_US + 7, TCPF_ACK, 0, 1340);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.000 ms                 │                                        │ LISTEN\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT*      │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV*\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED*\n"
		"1.200 ms  write 6 B      │                                        │\n"
		"1.300 ms                 │── DATA seq=A+1 len=6 ack=B+1 win=512 ─▶│\n"
		"1.340 ms                 │◀── ACK ack=A+7 win=512 ────────────────│\n");
}

/* 1000 segments of data and their ACKs fold into one line; a capture file: no kernel states. */
static void test_fold(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1;

	start(&d, false, false, 0);
	handshake(&d);
	for (int k = 0; k < 1000; k++) {
		seg(&d, true, a, ISN_PEER + 1, TCPF_ACK, 65483, 100 + k * 10);
		a += 65483;
		if (k % 2)
			seg(&d, false, ISN_PEER + 1, a, TCPF_ACK, 0, 105 + k * 10);
	}
	call(&d, 12000, "close()");
	seg(&d, true, a, ISN_PEER + 1, TCPF_ACK | TCPF_FIN, 0, 12010);
	seg(&d, false, ISN_PEER + 1, a + 1, TCPF_ACK | TCPF_FIN, 0, 12050);
	seg(&d, true, a + 1, ISN_PEER + 2, TCPF_ACK, 0, 12060);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n"
		"0.100 ms                 │── DATA seq=A+1 len=65483 ack=B+1 ─────▶│\n"
		"0.110 ms                 │── DATA seq=A+65484 len=65483 ack=B+1 ─▶│\n"
		"0.115 ms                 │◀── ACK ack=A+130967 win=512 ───────────│\n"
		"                         ┆  998 data segments, 65.4 MB, 498 ACKs  ┆\n"
		"10.10 ms                 │◀── ACK ack=A+65483001 win=512 ─────────│\n"
		"12.00 ms  close()        │                                        │\n"
		"12.01 ms  FIN_WAIT1      │── FIN seq=A+65483001 ack=B+1 win=512 ─▶│ CLOSE_WAIT\n"
		"12.05 ms  TIME_WAIT      │◀── FIN seq=B+1 ack=A+65483002 win=512 ─│ LAST_ACK\n"
		"12.06 ms                 │── ACK ack=B+2 win=512 ────────────────▶│ CLOSED\n");
}

/* A run one row longer than what is shown whole folds nothing: that row is drawn as it is. */
static void test_fold_one(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1;

	start(&d, false, false, 0);
	handshake(&d);
	for (int k = 0; k < 5; k++) {
		seg(&d, true, a, ISN_PEER + 1, TCPF_ACK, 100, 100 + k * 10);
		a += 100;
	}
	call(&d, 200, "close()");
	CHECK(strstr(d.text, "┆") == NULL);
	CHECK_CONTAINS(d.text, "0.130 ms                 │── DATA seq=A+301 len=100 ack=B+1 ─────▶│\n"
			       "0.140 ms                 │── DATA seq=A+401 len=100 ack=B+1 ─────▶│\n");
}

/*
 * shutdown(SHUT_WR): our FIN, then the peer still sends until its own.
 * Each FIN's receiver is drawn in its new state on the FIN's row, once
 * its ACK shows it got the FIN.
 */
static void test_half_close(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, false, 0);
	handshake(&d);
	call(&d, 500, "shutdown(WR)");
	size_t before = d.out.len;
	seg(&d, true, a, b, TCPF_ACK | TCPF_FIN, 0, 510);
	CHECK_INT(d.out.len, before);   /* the FIN's row waits for what tells whether the peer got it */
	seg(&d, false, b, a + 1, TCPF_ACK, 0, 520);
	CHECK_CONTAINS(d.text, "FIN seq=A+1 ack=B+1 win=512 ────────▶│ CLOSE_WAIT\n");
	seg(&d, false, b, a + 1, TCPF_ACK | TCPF_PSH, 12, 900);
	seg(&d, true, a + 1, b + 12, TCPF_ACK, 0, 910);
	seg(&d, false, b + 12, a + 1, TCPF_ACK | TCPF_FIN, 0, 1500);
	seg(&d, true, a + 1, b + 13, TCPF_ACK, 0, 1510);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n"
		"0.500 ms  shutdown(WR)   │                                        │\n"
		"0.510 ms  FIN_WAIT1      │── FIN seq=A+1 ack=B+1 win=512 ────────▶│ CLOSE_WAIT\n"
		"0.520 ms  FIN_WAIT2      │◀── ACK ack=A+2 win=512 ────────────────│\n"
		"0.900 ms                 │◀── DATA seq=B+1 len=12 ack=A+2 ────────│\n"
		"0.910 ms                 │── ACK ack=B+13 win=512 ───────────────▶│\n"
		"1.500 ms  TIME_WAIT      │◀── FIN seq=B+13 ack=A+2 win=512 ───────│ LAST_ACK\n"
		"1.510 ms                 │── ACK ack=B+14 win=512 ───────────────▶│ CLOSED\n");
}

/* The peer closes first; we close 2.5 s later; the times carry their units. */
static void test_peer_closes_first(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, false, 0);
	handshake(&d);
	seg(&d, false, b, a, TCPF_ACK | TCPF_FIN, 0, 12345);
	seg(&d, true, a, b + 1, TCPF_ACK, 0, 12400);
	call(&d, 2512345, "close()");
	seg(&d, true, a, b + 1, TCPF_ACK | TCPF_FIN, 0, 2512400);
	seg(&d, false, b + 1, a + 1, TCPF_ACK, 0, 2512450);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n"
		"12.35 ms  CLOSE_WAIT     │◀── FIN seq=B+1 ack=A+1 win=512 ────────│ FIN_WAIT1\n"
		"12.40 ms                 │── ACK ack=B+2 win=512 ────────────────▶│ FIN_WAIT2\n"
		" 2.512 s  close()        │                                        │\n"
		"          LAST_ACK       │── FIN seq=A+1 ack=B+2 win=512 ────────▶│ TIME_WAIT\n"
		"          CLOSED         │◀── ACK ack=A+2 win=512 ────────────────│\n");
}

/* Both FINs on the way at once: each end acknowledges the other's in CLOSING. */
static void test_simultaneous_close(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, false, 0);
	handshake(&d);
	call(&d, 300, "close()");
	seg(&d, true, a, b, TCPF_ACK | TCPF_FIN, 0, 310);
	seg(&d, false, b, a, TCPF_ACK | TCPF_FIN, 0, 311);
	seg(&d, true, a + 1, b + 1, TCPF_ACK, 0, 320);
	seg(&d, false, b + 1, a + 1, TCPF_ACK, 0, 321);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n"
		"0.300 ms  close()        │                                        │\n"
		"0.310 ms  FIN_WAIT1      │── FIN seq=A+1 ack=B+1 win=512 ────────▶│\n"
		"0.311 ms  CLOSING        │◀── FIN seq=B+1 ack=A+1 win=512 ────────│ CLOSING\n"
		"0.320 ms                 │── ACK ack=B+2 win=512 ────────────────▶│ TIME_WAIT\n"
		"0.321 ms  TIME_WAIT      │◀── ACK ack=A+2 win=512 ────────────────│\n");
}

/* close() with SO_LINGER 0: a RST, both ends CLOSED at once; the kernel says so of ours. */
static void test_reset(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, true, 0);
	handshake(&d);
	call(&d, 200, "close() RST");
	state(&d, LADDER_US, TCP_CLOSE, 205);
	seg(&d, true, a, b, TCPF_ACK | TCPF_RST, 0, 210);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT*      │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV*\n"
		"0.040 ms  ESTABLISHED*   │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED*\n"
		"0.200 ms  close() RST    │                                        │\n"
		"0.210 ms  CLOSED         │── RST-ACK seq=A+1 ack=B+1 ────────────▶│ CLOSED*\n");
}

/* No one listens: the SYN is answered by RST-ACK from no socket at all. */
static void test_refused(void)
{
	struct drawing d;

	start(&d, false, true, 0);
	call(&d, 0, "connect()");
	state(&d, LADDER_US, TCP_SYN_SENT, 5);
	seg(&d, true, ISN_US, 0, TCPF_SYN, 0, 12);
	seg(&d, false, 0, ISN_US + 1, TCPF_RST | TCPF_ACK, 0, 30);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.000 ms  connect()      │                                        │\n"
		"0.012 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.030 ms  CLOSED*        │◀── RST-ACK seq=0 ack=A+1 ──────────────│ CLOSED*\n");
}

/* A lost SYN sent again a second later; the peer answers the second. */
static void test_syn_retransmitted(void)
{
	struct drawing d;

	start(&d, false, false, 0);
	call(&d, 0, "connect()");
	seg(&d, true, ISN_US, 0, TCPF_SYN, 0, 15);
	seg(&d, true, ISN_US, 0, TCPF_SYN, 0, 1015000);
	seg(&d, false, ISN_PEER, ISN_US + 1, TCPF_SYN | TCPF_ACK, 0, 1015040);
	seg(&d, true, ISN_US + 1, ISN_PEER + 1, TCPF_ACK, 0, 1015050);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.000 ms  connect()      │                                        │\n"
		"0.015 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		" 1.015 s                 │── SYN seq=A win=65495 (retx) ─────────▶│\n"
		"                         │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"          ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n");
}

/*
 * What the kernel says and the segments do not: TIME_WAIT where the
 * inference reached CLOSED gets a row, and so does the last state the
 * kernel gave when the segments end short of it.
 */
static void test_samples_disagree(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, true, 0);
	/* we accept: the peer sent the first SYN, so it is A */
	seg(&d, false, ISN_PEER, 0, TCPF_SYN, 0, 0);
	seg(&d, true, ISN_US, ISN_PEER + 1, TCPF_SYN | TCPF_ACK, 0, 10);
	seg(&d, false, b, ISN_US + 1, TCPF_ACK, 0, 20);
	call(&d, 30, "accept()");
	state(&d, LADDER_US, TCP_ESTABLISHED, 31);
	seg(&d, false, b, a, TCPF_ACK | TCPF_FIN, 0, 100);
	state(&d, LADDER_US, TCP_CLOSE_WAIT, 105);
	seg(&d, true, a, b + 1, TCPF_ACK, 0, 110);
	call(&d, 200, "close()");
	seg(&d, true, a, b + 1, TCPF_ACK | TCPF_FIN, 0, 210);
	/* the last ACK never shows; the kernel says we are done */
	state(&d, LADDER_US, TCP_CLOSE, 300);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.000 ms                 │◀── SYN seq=A win=65483 mss=65495 ──────│ SYN_SENT*\n"
		"0.010 ms  SYN_RECV*      │── SYN-ACK seq=B ack=A+1 win=65495 ────▶│\n"
		"0.020 ms  ESTABLISHED*   │◀── ACK ack=B+1 win=512 ────────────────│ ESTABLISHED*\n"
		"0.030 ms  accept()       │                                        │\n"
		"0.100 ms  CLOSE_WAIT     │◀── FIN seq=A+1 ack=B+1 win=512 ────────│ FIN_WAIT1*\n"
		"0.110 ms                 │── ACK ack=A+2 win=512 ────────────────▶│ FIN_WAIT2*\n"
		"0.200 ms  close()        │                                        │\n"
		"0.210 ms  LAST_ACK*      │── FIN seq=B+1 ack=A+2 win=512 ────────▶│\n"
		"0.300 ms  CLOSED         │                                        │\n");

	start(&d, false, true, 0);
	handshake(&d);
	seg(&d, true, a, b, TCPF_ACK | TCPF_FIN, 0, 100);
	seg(&d, false, b, a + 1, TCPF_ACK, 0, 110);
	seg(&d, false, b, a + 1, TCPF_ACK | TCPF_RST, 0, 120);
	state(&d, LADDER_US, TCP_TIME_WAIT, 130);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT*      │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV*\n"
		"0.040 ms  ESTABLISHED*   │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED*\n"
		"0.100 ms  FIN_WAIT1*     │── FIN seq=A+1 ack=B+1 win=512 ────────▶│ CLOSE_WAIT*\n"
		"0.110 ms  FIN_WAIT2*     │◀── ACK ack=A+2 win=512 ────────────────│\n"
		"0.120 ms  CLOSED*        │◀── RST-ACK seq=B+1 ack=A+2 ────────────│ CLOSED*\n"
		"0.130 ms  TIME_WAIT      │                                        │\n");
}

/* --ladder with no box drawing: the same columns in ASCII. */
static void test_ascii(void)
{
	struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, true, true, 0);
	handshake(&d);
	for (int k = 0; k < 6; k++)
		seg(&d, true, a + (uint32_t)k * 1000, b, TCPF_ACK, 1000, 100 + k);
	seg(&d, false, b, a + 6000, TCPF_ACK, 0, 110);
	call(&d, 200, "close()");
	seg(&d, true, a + 6000, b, TCPF_ACK | TCPF_FIN, 0, 210);
	seg(&d, false, b, a + 6001, TCPF_ACK, 0, 220);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: the kernel's; * inferred from the segments: too brief to sample\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             |                                        | peer\n"
		"0.010 ms  connect()      |                                        |\n"
		"0.021 ms  SYN_SENT*      |-- SYN seq=A win=65495 mss=65495 ------>|\n"
		"0.031 ms                 |<-- SYN-ACK seq=B ack=A+1 win=65483 ----| SYN_RECV*\n"
		"0.040 ms  ESTABLISHED*   |-- ACK ack=B+1 win=512 ---------------->| ESTABLISHED*\n"
		"0.100 ms                 |-- DATA seq=A+1 len=1000 ack=B+1 ------>|\n"
		"0.101 ms                 |-- DATA seq=A+1001 len=1000 ack=B+1 --->|\n"
		"0.102 ms                 |-- DATA seq=A+2001 len=1000 ack=B+1 --->|\n"
		"                         :        3 data segments, 3.00 kB        :\n"
		"0.110 ms                 |<-- ACK ack=A+6001 win=512 -------------|\n"
		"0.200 ms  close()        |                                        |\n"
		"0.210 ms  FIN_WAIT1*     |-- FIN seq=A+6001 ack=B+1 win=512 ----->| CLOSE_WAIT*\n"
		"0.220 ms  FIN_WAIT2*     |<-- ACK ack=A+6002 win=512 -------------|\n");
}

/*
 * A zero window, the probe and the window opening end a run and are
 * marked; a retransmission too.  Labels too long for the arrow drop mss,
 * win and ack in turn, never the kind, seq or mark.
 */
static void test_marks(void)
{
	struct drawing d;
	struct tcp_segment s;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, false, 0);
	handshake(&d);
	seg(&d, true, a, b, TCPF_ACK, 4000, 100);
	seg(&d, true, a, b, TCPF_ACK, 4000, 300);   /* again */
	memset(&s, 0, sizeof(s));
	s.src = peer_end;
	s.dst = us_end;
	s.seq = b;
	s.ack = a + 4000;
	s.flags = TCPF_ACK;
	ladder_segment(&d.l, &s, 310000, &d.out);   /* win=0 */
	seg(&d, true, a + 3999, b, TCPF_ACK, 0, 500);   /* the probe */
	s.win = 512;
	ladder_segment(&d.l, &s, 600000, &d.out);   /* room again */
	/* A keepalive probe: the window probe's shape, with the window open. */
	seg(&d, true, a + 3999, b, TCPF_ACK, 0, 650);
	seg(&d, true, a + 4000, b, TCPF_ACK, 4000000, 700);
	seg(&d, true, a + 4004000, b, TCPF_ACK | TCPF_PSH, 65483, 701);
	/* Far into a transfer a retransmission keeps its mark: the words go first. */
	seg(&d, true, a + 879294498, b, TCPF_ACK, 65483, 800);
	seg(&d, true, a + 879294498, b, TCPF_ACK, 65483, 900);
	golden(&d,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"                  127.0.0.1:41234                          127.0.0.1:5000\n"
		"    time  us             │                                        │ peer\n"
		"0.010 ms  connect()      │                                        │\n"
		"0.021 ms  SYN_SENT       │── SYN seq=A win=65495 mss=65495 ──────▶│\n"
		"0.031 ms                 │◀── SYN-ACK seq=B ack=A+1 win=65483 ────│ SYN_RECV\n"
		"0.040 ms  ESTABLISHED    │── ACK ack=B+1 win=512 ────────────────▶│ ESTABLISHED\n"
		"0.100 ms                 │── DATA seq=A+1 len=4000 ack=B+1 ──────▶│\n"
		"0.300 ms                 │── DATA seq=A+1 len=4000 (retx) ───────▶│\n"
		"0.310 ms                 │◀── ACK ack=A+4001 win=0 (zero window) ─│\n"
		"0.500 ms                 │── ACK seq=A+4000 (window probe) ──────▶│\n"
		"0.600 ms                 │◀── ACK win=512 (window opens) ─────────│\n"
		"0.650 ms                 │── ACK seq=A+4000 ack=B+1 (keepalive) ─▶│\n"
		"0.700 ms                 │── DATA seq=A+4001 len=4000000 ────────▶│\n"
		"0.701 ms                 │── DATA seq=A+4004001 len=65483 ───────▶│\n"
		"0.800 ms                 │── DATA seq=A+879294499 len=65483 ─────▶│\n"
		"0.900 ms                 │── DATA A+879294499 +65483 (retx) ─────▶│\n");
}

/* Other connections' segments draw nothing; -v folds nothing. */
static void test_filter_and_verbose(void)
{
	struct drawing d;
	struct tcp_segment s;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, false, 0);
	size_t before = d.out.len;
	memset(&s, 0, sizeof(s));
	s.src = us_end;
	s.dst = us_end;
	s.dst.port = 5001;
	s.flags = TCPF_SYN;
	ladder_segment(&d.l, &s, 0, &d.out);
	s.src = peer_end;
	ladder_segment(&d.l, &s, 0, &d.out);
	CHECK_INT(d.out.len, before);

	start(&d, false, false, 1);
	handshake(&d);
	for (int k = 0; k < 10; k++)
		seg(&d, true, a + (uint32_t)k * 100, b, TCPF_ACK, 100, 100 + k);
	ladder_finish(&d.l, &d.out);
	int rows = 0;
	for (const char *p = d.text; *p; p++)
		rows += *p == '\n';
	CHECK_INT(rows, 4 + 4 + 10);   /* header, connect() and the handshake, every segment */
	CHECK(strstr(d.text, "\u2506") == NULL);   /* no fold's dotted rails */
}

/* A gigabyte in 64 KiB segments, an ACK for every two: still a screenful. */
static void test_gigabyte(void)
{
	static struct drawing d;
	uint32_t a = ISN_US + 1, b = ISN_PEER + 1;

	start(&d, false, true, 0);
	handshake(&d);
	for (int k = 0; k < 16384; k++) {
		seg(&d, true, a, b, TCPF_ACK, 65536, 100 + k);
		a += 65536;
		if (k % 2)
			seg(&d, false, b, a, TCPF_ACK, 0, 100 + k);
	}
	ladder_finish(&d.l, &d.out);
	int rows = 0;
	for (const char *p = d.text; *p; p++)
		rows += *p == '\n';
	CHECK(rows <= 24);
	CHECK_CONTAINS(d.text, "16382 data, 1.07 GB, 8190 ACKs");
}

/* Two long IPv6 names do not fit one line over the rails: one line each. */
static void test_long_names(void)
{
	struct drawing d;
	struct seg_end u = { .family = AF_INET6, .port = 65535 }, p = u;

	memset(u.addr, 0xfe, sizeof(u.addr));
	memset(p.addr, 0xfd, sizeof(p.addr));
	ladder_init(&d.l, &u, &p, false, false, 0);
	d.out = textbuf_on(d.text, sizeof(d.text));
	ladder_header(&d.l, &d.out);
	CHECK_STR(d.text,
		"seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n"
		"states: inferred from the segments\n"
		"  [fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe]:65535\n"
		"                                 [fdfd:fdfd:fdfd:fdfd:fdfd:fdfd:fdfd:fdfd]:65535\n"
		"    time  us             │                                        │ peer\n");
	CHECK(widest(d.text) <= LADDER_COLUMNS);
}

void test_ladder(void)
{
	test_handshake();
	test_fold();
	test_fold_one();
	test_half_close();
	test_peer_closes_first();
	test_simultaneous_close();
	test_reset();
	test_refused();
	test_syn_retransmitted();
	test_samples_disagree();
	test_ascii();
	test_marks();
	test_filter_and_verbose();
	test_gigabyte();
	test_long_names();
}
