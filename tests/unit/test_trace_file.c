/* view/trace_file.c: a capture's connection as a line and as the "connection" event's fields. */
#include "unit.h"

#include <stdint.h>
#include <sys/socket.h>

#include "net/conn_table.h"
#include "view/report.h"
#include "view/trace_file.h"

static const struct seg_end client = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 40062 };
static const struct seg_end server = { .family = AF_INET6, .addr = { [15] = 1 }, .port = 9000 };

static size_t add(struct conn_table *t, const struct seg_end *from, const struct seg_end *to, uint32_t seq,
		  uint32_t ack, uint8_t flags, uint32_t len, int64_t t_ns)
{
	struct tcp_segment s;
	bool from_a;

	memset(&s, 0, sizeof(s));
	s.src = *from;
	s.dst = *to;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.len = len;
	return conn_table_add(t, &s, t_ns, &from_a);
}

static void render(const struct conn *c, size_t n, int64_t t_ns, struct conn_event *ev, char *json, size_t size)
{
	trace_file_conn_event(c, n, t_ns, ev);
	size_t need = report_format(json, size, true, "connection", t_ns, ev->human, ev->f);
	CHECK_INT(need, strlen(json));
}

static void test_closed(void)
{
	struct conn_table *t = conn_table_new();
	struct conn_event ev;
	char json[1024];

	add(t, &client, &server, 1000, 0, TCPF_SYN, 0, 5000000);
	add(t, &server, &client, 5000, 1001, TCPF_SYN | TCPF_ACK, 0, 5010000);
	add(t, &client, &server, 1001, 5001, TCPF_ACK, 0, 5020000);
	add(t, &client, &server, 1001, 5001, TCPF_ACK, 1536, 5030000);
	add(t, &server, &client, 5001, 2537, TCPF_ACK | TCPF_FIN, 12, 5040000);
	add(t, &client, &server, 2537, 5014, TCPF_ACK | TCPF_FIN, 0, 5241000);
	render(conn_table_get(t, 1), 1, 0, &ev, json, sizeof(json));
	CHECK_STR(ev.human, "1  127.0.0.1:40062 > [::1]:9000  from t+0.000 ms for 0.241 ms: 6 segments, "
			    "1.5 KiB out, 12 B in; closed with FIN both ways; handshake seen");
	CHECK_CONTAINS(json, "\"conn\":1,\"a\":\"127.0.0.1:40062\",\"b\":\"[::1]:9000\",\"segments\":6,"
			     "\"segments_a\":4,\"segments_b\":2,\"bytes_a\":1536,\"bytes_b\":12,"
			     "\"duration_ms\":0.241,\"end\":\"fin\",\"handshake\":\"seen\"}");
	CHECK(strstr(json, "ended_by") == NULL);
	conn_table_free(t);
}

static void test_ends(void)
{
	struct conn_table *t = conn_table_new();
	struct conn_event ev;
	char json[1024];
	struct seg_end c2 = client, c3 = client, c4 = client;

	c2.port = 2;
	c3.port = 3;
	c4.port = 4;
	/* Refused. */
	add(t, &client, &server, 1000, 0, TCPF_SYN, 0, 0);
	add(t, &server, &client, 0, 1001, TCPF_RST | TCPF_ACK, 0, 50000);
	/* Reset by A after the handshake. */
	add(t, &c2, &server, 1, 0, TCPF_SYN, 0, 2000000000);
	add(t, &server, &c2, 7, 2, TCPF_SYN | TCPF_ACK, 0, 2000000000);
	add(t, &c2, &server, 2, 8, TCPF_ACK, 0, 2000000000);
	add(t, &c2, &server, 2, 8, TCPF_RST, 0, 5500000000);
	/* Half closed by B, begun before the capture. */
	add(t, &server, &c3, 9, 1, TCPF_ACK | TCPF_FIN, 0, 1);
	/* Open: an unanswered SYN. */
	add(t, &c4, &server, 1, 0, TCPF_SYN, 0, 1);

	render(conn_table_get(t, 1), 1, 0, &ev, json, sizeof(json));
	CHECK_STR(ev.human, "1  127.0.0.1:40062 > [::1]:9000  from t+0.000 ms for 0.050 ms: 2 segments, 0 B out, "
			    "0 B in; refused: [::1]:9000 answered the SYN with RST");
	CHECK_CONTAINS(json, "\"end\":\"refused\",\"ended_by\":\"B\",\"handshake\":\"syn_only\"");

	render(conn_table_get(t, 2), 2, 2000000000, &ev, json, sizeof(json));
	CHECK_STR(ev.human, "2  127.0.0.1:2 > [::1]:9000  from t+2.000 s for 3.500 s: 4 segments, 0 B out, 0 B in; "
			    "reset (RST) by 127.0.0.1:2; handshake seen");
	CHECK_CONTAINS(json, "\"t\":2.000000,");
	CHECK_CONTAINS(json, "\"end\":\"rst\",\"ended_by\":\"A\",\"handshake\":\"seen\"");

	render(conn_table_get(t, 3), 3, 0, &ev, json, sizeof(json));
	CHECK_STR(ev.human, "3  [::1]:9000 > 127.0.0.1:3  from t+0.000 ms for 0.000 ms: 1 segment, 0 B out, 0 B in; "
			    "FIN from [::1]:9000 only, open at the end of the capture; "
			    "no handshake: it began before the capture");
	CHECK_CONTAINS(json, "\"end\":\"half_closed\",\"ended_by\":\"A\",\"handshake\":\"none\"");

	render(conn_table_get(t, 4), 4, 0, &ev, json, sizeof(json));
	CHECK_CONTAINS(ev.human, "; still open at the end of the capture; SYN unanswered");
	CHECK_CONTAINS(json, "\"end\":\"open\",\"handshake\":\"syn_only\"");
	conn_table_free(t);
}

void test_trace_file(void)
{
	test_closed();
	test_ends();
}
