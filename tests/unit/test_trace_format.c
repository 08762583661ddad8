/* view/trace_format.c: --trace's segments as lines and JSON fields, between the two ends of a connection. */
#include "unit.h"

#include <stdint.h>
#include <sys/socket.h>

#include "net/segment.h"
#include "view/report.h"
#include "view/trace_format.h"

/* Events start zeroed, as cppcheck takes trace_segment_event() for a reader of them. */

static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static const struct seg_end end_a = { .family = AF_INET, .addr = { 10, 0, 0, 1 }, .port = 40000 };
static const struct seg_end end_b = { .family = AF_INET, .addr = { 10, 0, 0, 2 }, .port = 80 };

static struct tcp_segment seg(bool from_a, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
	struct tcp_segment s;

	memset(&s, 0, sizeof(s));
	s.src = from_a ? end_a : end_b;
	s.dst = from_a ? end_b : end_a;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.len = len;
	s.win = 502;
	return s;
}

/* One segment through the trace; its JSON object lands in json. */
static void event(struct trace_conn *c, const struct tcp_segment *s, struct segment_event *ev,
		  char *json, size_t size)
{
	trace_segment_event(c, s, 1000000, s->src.port == end_a.port, NULL, 0, ev);
	size_t need = report_format(json, size, true, "segment", 1000000, ev->human, ev->f);
	CHECK_INT(need, strlen(json));
}

/* SYN, SYN-ACK, ACK with A's ISN isn_a and B's isn_b. */
static void handshake(struct trace_conn *c, uint32_t isn_a, uint32_t isn_b)
{
	struct segment_event ev = { 0 };
	char json[1024];
	struct tcp_segment s = seg(true, isn_a, 0, TCPF_SYN, 0);

	s.has_mss = s.sack_ok = s.has_ts = s.has_wscale = true;
	s.mss = 1460;
	s.wscale = 7;
	s.win = 64240;
	event(c, &s, &ev, json, sizeof(json));
	CHECK_STR(ev.human, "SYN      10.0.0.1:40000 > 10.0.0.2:80  seq=A            win=64240 mss=1460 sackOK ts wscale=7");
	CHECK_CONTAINS(json, "\"kind\":\"SYN\",\"flags\":\"SYN\",\"src\":\"10.0.0.1:40000\",\"dst\":\"10.0.0.2:80\"");
	CHECK_CONTAINS(json, "\"side\":\"A\"");
	CHECK_CONTAINS(json, "\"rel_seq\":0,");
	CHECK(strstr(json, "\"ack\"") == NULL);

	s = seg(false, isn_b, isn_a + 1, TCPF_SYN | TCPF_ACK, 0);
	s.has_wscale = true;
	s.wscale = 9;
	event(c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "SYN-ACK  10.0.0.2:80 > 10.0.0.1:40000  seq=B ack=A+1 ");
	CHECK_CONTAINS(json, "\"dir\":\"in\",\"kind\":\"SYN-ACK\",\"flags\":\"SYN,ACK\"");
	CHECK_CONTAINS(json, "\"side\":\"B\"");
	CHECK_CONTAINS(json, "\"rel_seq\":0,");
	CHECK_CONTAINS(json, "\"rel_ack\":1,");

	s = seg(true, isn_a + 1, isn_b + 1, TCPF_ACK, 0);
	event(c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "ACK      10.0.0.1:40000 > 10.0.0.2:80  seq=A+1 ack=B+1");
	CHECK_CONTAINS(json, "\"rel_seq\":1,");
	CHECK_CONTAINS(json, "\"rel_ack\":1,");
	CHECK(!trace_conn_over(c));
}

static void test_handshake_and_data(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];

	handshake(&c, 1000, 5000);
	struct tcp_segment s = seg(true, 1001, 5001, TCPF_ACK | TCPF_PSH, 5);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "DATA     10.0.0.1:40000 > 10.0.0.2:80  seq=A+1:A+6 ack=B+1 len=5 win=502");
	CHECK(strstr(ev.human, "retransmission") == NULL);
	CHECK(strstr(json, "retransmission") == NULL);
	CHECK_CONTAINS(json, "\"len\":5,");

	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+1:A+6");
	CHECK_CONTAINS(ev.human, " (retransmission)");
	CHECK_CONTAINS(json, "\"retransmission\":true}");

	/* B's ACK with a SACK block, shown in A's sequence space. */
	s = seg(false, 5001, 1001, TCPF_ACK, 0);
	s.sack_blocks = 1;
	s.sack[0][0] = 1006;
	s.sack[0][1] = 1011;
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=B+1 ack=A+1");
	CHECK_CONTAINS(ev.human, " sack=A+6:A+11");
	CHECK_CONTAINS(json, "\"sack\":\"A+6:A+11\"");

	/* -v: absolute numbers, every flag, the interface and the scaled window. */
	s = seg(true, 1006, 5001, TCPF_ACK | TCPF_PSH, 5);
	trace_segment_event(&c, &s, 2000000, true, "eth0", 1, &ev);
	CHECK_CONTAINS(ev.human, "win=502 (64256) [PSH,ACK seq 1006 ack 5001 on eth0]");
	report_format(json, sizeof(json), true, "segment", 2000000, ev.human, ev.f);
	CHECK_CONTAINS(json, "\"iface\":\"eth0\"");
	CHECK_CONTAINS(json, "\"flags\":\"PSH,ACK\"");
}

static void test_close(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];
	struct tcp_segment s;

	handshake(&c, 1000, 5000);
	s = seg(true, 1001, 5001, TCPF_FIN | TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "FIN      10.0.0.1:40000 > 10.0.0.2:80  seq=A+1 ack=B+1");
	s = seg(false, 5001, 1002, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK(!trace_conn_over(&c));
	s = seg(false, 5001, 1002, TCPF_FIN | TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK(!trace_conn_over(&c));
	/* An ACK short of B's FIN does not end it. */
	s = seg(true, 1002, 5001, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK(!trace_conn_over(&c));
	s = seg(true, 1002, 5002, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+2 ack=B+2");
	CHECK(trace_conn_over(&c));

	/* A RST ends a connection at once. */
	memset(&c, 0, sizeof(c));
	handshake(&c, 1000, 5000);
	s = seg(false, 5001, 0, TCPF_RST, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "RST      10.0.0.2:80 > 10.0.0.1:40000  seq=B+1 ");
	CHECK(trace_conn_over(&c));

	/* A RST of another connection on a listening port leaves this one open. */
	memset(&c, 0, sizeof(c));
	handshake(&c, 1000, 5000);
	s = seg(false, 0, 777, TCPF_RST | TCPF_ACK, 0);
	s.dst.port = 40099;
	event(&c, &s, &ev, json, sizeof(json));
	CHECK(!trace_conn_over(&c));
}

/* A RST-ACK with no SYN seen before: the numbers as they are. */
static void test_rst_unknown(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];
	struct tcp_segment s = seg(false, 0, 123457, TCPF_RST | TCPF_ACK, 0);

	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "RST-ACK  10.0.0.2:80 > 10.0.0.1:40000  seq=0 ack=123457 ");
	CHECK_CONTAINS(json, "\"kind\":\"RST-ACK\"");
	CHECK_CONTAINS(json, "\"seq\":0,\"ack\":123457,\"len\":0");
	CHECK(strstr(json, "rel_") == NULL);
	CHECK(trace_conn_over(&c));
}

/* Sequence numbers past 2^32 stay relative to the ISN. */
static void test_wrap(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];
	struct tcp_segment s;

	handshake(&c, 0xfffffffeu, 0xffffffffu);
	s = seg(true, 0xffffffffu, 0, TCPF_ACK | TCPF_PSH, 5);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+1:A+6 ack=B+1 len=5");
	CHECK_CONTAINS(json, "\"rel_seq\":1,");
	CHECK_CONTAINS(json, "\"rel_ack\":1,");
	s = seg(true, 4, 0, TCPF_ACK | TCPF_PSH, 5);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+6:A+11 ack=B+1 len=5");
	CHECK(strstr(ev.human, "retransmission") == NULL);
	CHECK_CONTAINS(json, "\"seq\":4,\"rel_seq\":6,");
	s = seg(false, 0, 9, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=B+1 ack=A+11");
	CHECK_CONTAINS(json, "\"rel_ack\":11,");
	/* The first segment again, from before the wrap, is a retransmission. */
	s = seg(true, 0xffffffffu, 0, TCPF_ACK | TCPF_PSH, 5);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+1:A+6 ack=B+1 len=5 win=502 (retransmission)");
}

/* A SYN from another port on a traced listening port starts a new connection. */
static void test_new_connection(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];

	handshake(&c, 1000, 5000);
	struct tcp_segment s = seg(true, 7000, 0, TCPF_SYN, 0);
	s.src.port = 40001;
	trace_segment_event(&c, &s, 0, false, NULL, 0, &ev);
	CHECK_CONTAINS(ev.human, "seq=A ");
	CHECK_INT(c.a.end.port, 40001);
	CHECK_INT(c.a.isn, 7000);
	CHECK(!c.b.have_isn);
	/* A segment of neither end: no side, plain numbers. */
	s = seg(true, 1001, 5001, TCPF_ACK, 0);
	s.src.port = 40002;
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=1001 ack=5001");
	CHECK(strstr(json, "\"side\"") == NULL);
}

/* IPv6 ends, and what only -v shows: every timestamp, the window unscaled on a SYN. */
static void test_ipv6_verbose(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];
	struct tcp_segment s = seg(true, 1, 0, TCPF_SYN | TCPF_ECE | TCPF_CWR, 0);

	s.src.family = s.dst.family = AF_INET6;
	memcpy(s.src.addr, v6_src, 16);
	memcpy(s.dst.addr, v6_dst, 16);
	s.has_ts = s.fastopen = true;
	s.ts_val = 100;
	trace_segment_event(&c, &s, 0, true, "lo", 1, &ev);
	CHECK_STR(ev.human, "SYN      [2001:db8::1]:40000 > [2001:db8::2]:80  seq=A            win=502 ts=100/0"
			    " fastopen [SYN,ECE,CWR seq 1 on lo]");
	report_format(json, sizeof(json), true, "segment", 0, ev.human, ev.f);
	CHECK_CONTAINS(json, "\"src\":\"[2001:db8::1]:40000\",\"dst\":\"[2001:db8::2]:80\",\"iface\":\"lo\"");
	CHECK_CONTAINS(json, "\"ts_val\":100,\"ts_ecr\":0,\"fastopen\":true}");
}

/* Flow control: B's window closes, A probes it, B's window opens again. */
static void test_zero_window(void)
{
	struct trace_conn c = { 0 };
	struct segment_event ev = { 0 };
	char json[1024];

	handshake(&c, 1000, 5000);
	struct tcp_segment s = seg(true, 1001, 5001, TCPF_ACK, 1000);
	event(&c, &s, &ev, json, sizeof(json));
	s = seg(false, 5001, 2001, TCPF_ACK, 0);
	s.win = 0;
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "win=0 (zero window: no room to receive)");
	CHECK_CONTAINS(json, "\"zero_window\":true");
	/* The probe: nothing new, one below what B acknowledged. */
	s = seg(true, 2000, 5001, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+1000 ack=B+1 win=502 (window probe)");
	CHECK_CONTAINS(json, "\"window_probe\":true");
	s = seg(false, 5001, 2001, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "(window opens)");
	CHECK_CONTAINS(json, "\"window_opens\":true");
	/* The same bare segment with the window open is a keepalive probe, not a window probe. */
	s = seg(true, 2000, 5001, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "seq=A+1000 ack=B+1 win=502 (keepalive probe)");
	CHECK(strstr(ev.human, "window probe") == NULL);
	CHECK(strstr(json, "window_") == NULL);
	CHECK_CONTAINS(json, "\"keepalive_probe\":true");
	/* Some stacks' keepalives carry one byte of nothing. */
	s = seg(true, 2000, 5001, TCPF_ACK, 1);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "(keepalive probe)");
	/* An ordinary ACK is neither. */
	s = seg(true, 2001, 5001, TCPF_ACK, 0);
	event(&c, &s, &ev, json, sizeof(json));
	CHECK(strstr(ev.human, "probe") == NULL);
}

void test_trace_format(void)
{
	test_zero_window();
	test_ipv6_verbose();
	test_handshake_and_data();
	test_close();
	test_rst_unknown();
	test_wrap();
	test_new_connection();
}
