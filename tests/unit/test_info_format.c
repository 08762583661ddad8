/* view/info_format.c: info's formatters on fixed sockets and tcp_info: the table, detail lines, JSON, explained rows, spans and data bytes. */
#include "unit.h"

#include <arpa/inet.h>
#include <stdlib.h>

#include "view/info_format.h"

static void set_v4(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &in->sin_addr);
}

static void set_v6(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, addr, &in6->sin6_addr);
}

/* A listener, a connection shared by two processes, a TIME_WAIT, a hidden one. */
static void fixtures(struct tcp_sock v[4])
{
	memset(v, 0, 4 * sizeof(v[0]));
	v[0].family = AF_INET;
	v[0].state = 10;
	set_v4(&v[0].local, "0.0.0.0", 22);
	set_v4(&v[0].peer, "0.0.0.0", 0);
	v[0].send_q = 128;
	v[0].inode = 100;
	v[0].owners = 1;
	v[0].pid = 812;
	v[0].fd = 3;
	strcpy(v[0].command, "sshd");

	v[1].family = AF_INET;
	v[1].state = 1;
	set_v4(&v[1].local, "127.0.0.1", 40000);
	set_v4(&v[1].peer, "127.0.0.1", 9999);
	v[1].recv_q = 5;
	v[1].send_q = 70000;
	v[1].inode = 101;
	v[1].owners = 2;
	v[1].pid = 4312;
	v[1].fd = 7;
	strcpy(v[1].command, "tcptool");

	v[2].family = AF_INET6;
	v[2].state = 6;
	set_v6(&v[2].local, "::1", 40001);
	set_v6(&v[2].peer, "::1", 9999);
	v[2].timer = TIMER_TIME_WAIT;
	v[2].timer_ms = 59500;

	v[3].family = AF_INET;
	v[3].state = 8;
	set_v4(&v[3].local, "10.1.2.3", 80);
	set_v4(&v[3].peer, "10.9.8.7", 51000);
	v[3].inode = 102;
	v[3].uid = 1000;
}

static void test_table(void)
{
	struct tcp_sock v[4];
	struct sock_columns w;
	char line[512];

	fixtures(v);
	info_sock_columns(v, 4, &w);
	CHECK_INT(w.local, (int)strlen("127.0.0.1:40000"));
	CHECK_INT(w.peer, (int)strlen("10.9.8.7:51000"));
	info_format_header(line, sizeof(line), &w);
	CHECK_STR(line, "STATE       RECV-Q SEND-Q  LOCAL            PEER            PROCESS");
	info_format_sock(line, sizeof(line), &v[0], &w);
	CHECK_STR(line, "LISTEN           0    128  0.0.0.0:22       *               sshd (pid 812, fd 3)");
	info_format_sock(line, sizeof(line), &v[1], &w);
	CHECK_STR(line, "ESTABLISHED      5  70000  127.0.0.1:40000  127.0.0.1:9999  tcptool (pid 4312, fd 7) +1");
	info_format_sock(line, sizeof(line), &v[2], &w);
	CHECK_STR(line, "TIME_WAIT        0      0  [::1]:40001      [::1]:9999      -");
	info_format_sock(line, sizeof(line), &v[3], &w);
	CHECK_STR(line, "CLOSE_WAIT       0      0  10.1.2.3:80      10.9.8.7:51000  ? (uid 1000)");

	/* A buffer too small is cut, and the length needed is still returned. */
	size_t need = info_format_sock(line, 10, &v[0], &w);
	CHECK_INT(strlen(line), 9);
	CHECK_INT(need, strlen("LISTEN           0    128  0.0.0.0:22       *               sshd (pid 812, fd 3)"));
}

static void test_detail(void)
{
	struct tcp_sock v[4];
	char line[512];

	fixtures(v);
	CHECK_INT(info_format_sock_detail(line, sizeof(line), &v[0]), 0);
	CHECK_INT(info_format_sock_detail(line, sizeof(line), &v[2]), strlen(line));
	CHECK_STR(line, "    time-wait in 59.500 s");

	v[0].has_info = true;
	v[0].info.state = 10;
	v[0].info.unacked = 2;
	v[0].info.sacked = 128;
	info_format_sock_detail(line, sizeof(line), &v[0]);
	CHECK_STR(line, "    accept queue 2 of 128");

	struct tcp_sock *s = &v[1];
	s->has_info = true;
	s->info.rtt_us = 1500;
	s->info.rttvar_us = 250;
	s->info.snd_cwnd = 10;
	s->info.snd_mss = 1448;
	s->info.total_retrans = 2;
	s->info.have_bytes = true;
	s->info.bytes_acked = 1000;
	s->info.bytes_received = 2000;
	strcpy(s->congestion, "cubic");
	s->timer = TIMER_RETRANSMIT;
	s->timer_ms = 200;
	s->retrans = 1;
	info_format_sock_detail(line, sizeof(line), s);
	CHECK_STR(line, "    rtt 1.500/0.250 ms, cwnd 10, mss 1448, retrans 2, 1000 B acked, 2000 B received, "
			"cubic, retransmit in 0.200 s (1 retries)");
}

static void test_json(void)
{
	struct tcp_sock v[4];
	char line[2048];

	fixtures(v);
	info_format_sock_json(line, sizeof(line), &v[0], 0, 0);
	CHECK_STR(line, "{\"event\":\"socket\",\"t\":0.000000,\"state\":\"LISTEN\",\"family\":\"ipv4\","
			"\"local\":\"0.0.0.0:22\",\"peer\":\"0.0.0.0:0\",\"local_port\":22,\"peer_port\":0,"
			"\"recv_q\":0,\"send_q\":128,\"uid\":0,\"inode\":100,\"processes\":1,\"pid\":812,"
			"\"fd\":3,\"command\":\"sshd\"}");
	info_format_sock_json(line, sizeof(line), &v[2], 1, 1500000);
	CHECK_STR(line, "{\"event\":\"socket\",\"t\":0.001500,\"state\":\"TIME_WAIT\",\"family\":\"ipv6\","
			"\"local\":\"[::1]:40001\",\"peer\":\"[::1]:9999\",\"local_port\":40001,\"peer_port\":9999,"
			"\"recv_q\":0,\"send_q\":0,\"uid\":0,\"inode\":0,\"processes\":0,"
			"\"timer\":\"time-wait\",\"timer_ms\":59500.000}");
	/* -v with tcp_info: its keys follow, "state" once. */
	v[1].has_info = true;
	v[1].info.state = 1;
	v[1].info.snd_wscale = -1;
	v[1].info.rcv_wscale = -1;
	info_format_sock_json(line, sizeof(line), &v[1], 1, 0);
	CHECK_CONTAINS(line, "\"command\":\"tcptool\",\"rtt_ms\":0.000,");
	CHECK_CONTAINS(line, "\"snd_wscale\":-1,\"rcv_wscale\":-1,\"sack\":false,");
	CHECK(strstr(strstr(line, "\"state\"") + 1, "\"state\"") == NULL);
	CHECK(strstr(line, "congestion") == NULL);
}

static bool has(const struct info_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return true;
	return false;
}

/* The row of 'name' among rows; a missing one reads "(missing)". */
static const struct info_row *find(const struct info_row *rows, size_t n, const char *name)
{
	static const struct info_row missing = { "", "(missing)", "(missing)" };

	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	return &missing;
}

static void test_negotiated(void)
{
	struct tcp_summary s;
	struct info_row rows[INFO_ROWS_MAX];

	memset(&s, 0, sizeof(s));
	s.state = 1;
	s.sack = s.timestamps = true;
	s.snd_wscale = 7;
	s.rcv_wscale = 10;
	s.snd_mss = 1448;
	s.advmss = 1460;
	s.rtt_us = 20000;
	s.rttvar_us = 10000;
	s.snd_cwnd = 10;
	s.snd_ssthresh = 0x7fffffff;
	s.have_snd_wnd = true;
	s.snd_wnd = 65535;
	size_t n = info_negotiated_rows(&s, "cubic", 0, true, rows, INFO_ROWS_MAX);
	CHECK_INT(n, 12);
	CHECK_STR(rows[0].name, "state");
	CHECK_STR(rows[0].value, "ESTABLISHED");
	CHECK_STR(find(rows, n, "mss out")->value, "1448 bytes");
	CHECK_STR(find(rows, n, "mss in")->value, "1460 bytes");
	CHECK_STR(find(rows, n, "window scale")->value, "7 out / 10 in");
	CHECK_CONTAINS(find(rows, n, "window scale")->meaning, "up to 8 MiB / 64 MiB");
	CHECK_STR(find(rows, n, "sack")->value, "yes");
	CHECK_STR(find(rows, n, "ecn")->value, "no");
	CHECK_STR(find(rows, n, "rtt")->value, "20 ms (var 10 ms)");
	CHECK_STR(find(rows, n, "cwnd")->value, "10 segments");
	CHECK_STR(find(rows, n, "congestion")->value, "cubic");
	CHECK_STR(find(rows, n, "peer window")->value, "65535 bytes");
	CHECK(!has(rows, n, "ssthresh"));

	/* -v adds the finer rows; no window scaling reads "off". */
	s.snd_wscale = s.rcv_wscale = -1;
	s.have_snd_wnd = false;
	s.rto_us = 200000;
	s.rttvar_us = 26;
	s.rcv_mss = 536;
	s.pmtu = 65535;
	s.rcv_space = 14600;
	s.total_retrans = 3;
	n = info_negotiated_rows(&s, NULL, 1, true, rows, INFO_ROWS_MAX);
	CHECK_STR(find(rows, n, "window scale")->value, "off");
	CHECK_CONTAINS(find(rows, n, "window scale")->meaning, "64 KiB");
	CHECK(!has(rows, n, "congestion") && !has(rows, n, "peer window"));
	CHECK_STR(find(rows, n, "ssthresh")->value, "none yet");
	CHECK(!has(rows, n, "bytes"));
	/* Every figure with its unit. */
	CHECK_STR(find(rows, n, "rtt")->value, "20 ms (var 0.026 ms)");
	CHECK_STR(find(rows, n, "rto")->value, "200 ms");
	CHECK_STR(find(rows, n, "mss seen")->value, "536 bytes");
	CHECK_STR(find(rows, n, "path mtu")->value, "65535 bytes");
	CHECK_STR(find(rows, n, "receive space")->value, "14600 bytes");
	CHECK_STR(find(rows, n, "retransmits")->value, "3 segments");

	/* The bytes row counts data: a fresh connection has sent none. */
	s.have_bytes = true;
	s.bytes_acked = 1;
	n = info_negotiated_rows(&s, NULL, 1, true, rows, INFO_ROWS_MAX);
	CHECK_STR(find(rows, n, "bytes")->value, "0 bytes out / 0 bytes in");
	s.bytes_acked = 11;
	s.bytes_received = 3;
	n = info_negotiated_rows(&s, NULL, 1, true, rows, INFO_ROWS_MAX);
	CHECK_STR(find(rows, n, "bytes")->value, "10 bytes out / 3 bytes in");
	n = info_negotiated_rows(&s, NULL, 1, false, rows, INFO_ROWS_MAX);
	CHECK_STR(find(rows, n, "bytes")->value, "11 bytes out / 3 bytes in");

	/* A listener: its queue, nothing negotiated. */
	s.state = 10;
	s.unacked = 1;
	s.sacked = 4096;
	n = info_negotiated_rows(&s, "cubic", 1, true, rows, INFO_ROWS_MAX);
	CHECK_INT(n, 2);
	CHECK_STR(rows[1].value, "1 of 4096 connections");

	/* Fewer slots than rows: only what fits. */
	s.state = 1;
	CHECK_INT(info_negotiated_rows(&s, "cubic", 1, true, rows, 3), 3);
}

/* The longest line of text, newlines apart. */
static size_t widest(const char *text)
{
	size_t w = 0;

	for (const char *p = text; *p; ) {
		size_t k = strcspn(p, "\n");
		w = k > w ? k : w;
		p += k + (p[k] == '\n');
	}
	return w;
}

static void test_rows(void)
{
	struct info_row rows[2] = { { .name = "a" }, { .name = "longer" } };
	char buf[1024];

	strcpy(rows[0].value, "1");
	strcpy(rows[0].meaning, "first");
	strcpy(rows[1].value, "22 segments");
	strcpy(rows[1].meaning, "second");
	size_t need = info_format_rows(buf, sizeof(buf), NULL, rows, 2, 80);
	CHECK_STR(buf, "  a       1\n      first\n  longer  22 segments\n      second\n");
	CHECK_INT(need, strlen(buf));
	CHECK_INT(info_format_rows(NULL, 0, NULL, rows, 2, 80), need);
	info_format_rows(buf, 20, NULL, rows, 2, 80);
	CHECK_INT(strlen(buf), 19);

	/* A header goes first, in the same columns; an empty value leaves none. */
	static const struct info_row header = { "NAME", "VALUE", "WHAT IT MEANS" };
	rows[0].value[0] = '\0';
	info_format_rows(buf, sizeof(buf), &header, rows, 2, 80);
	CHECK_STR(buf, "  NAME    VALUE\n      WHAT IT MEANS\n  a\n      first\n"
		       "  longer  22 segments\n      second\n");
}

/* Meanings and values wrapped at word boundaries, never past the width. */
static void test_wrap(void)
{
	struct info_row r = { .name = "net.ipv4.tcp_available_congestion_control" };
	char buf[2048];

	/* The end of a clause ends a line when that takes no more lines. */
	strcpy(r.value, "1");
	strcpy(r.meaning, "smoothed round-trip time and its variation; fresh, it is the handshake's sample");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_STR(buf, "  net.ipv4.tcp_available_congestion_control  1\n"
		       "      smoothed round-trip time and its variation;\n"
		       "      fresh, it is the handshake's sample\n");
	/* ... but not when it would take one more. */
	strcpy(r.meaning, "receive buffer per socket: starts at 128 KiB, auto-tuned between 4 KiB and "
			  "32 MiB unless SO_RCVBUF is set");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_STR(buf, "  net.ipv4.tcp_available_congestion_control  1\n"
		       "      receive buffer per socket: starts at 128 KiB,\n"
		       "      auto-tuned between 4 KiB and 32 MiB unless SO_RCVBUF is set\n");
	/* A parenthesis that ends the text goes whole to the next line. */
	strcpy(r.meaning, "no ECN: congestion shows only as loss (net.ipv4.tcp_ecn=1 makes this host ask)");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_CONTAINS(buf, "\n      no ECN: congestion shows only as loss\n"
			    "      (net.ipv4.tcp_ecn=1 makes this host ask)\n");

	/* A long value wraps in its column: at blanks, or after commas. */
	strcpy(r.value, "reno cubic bbr dctcp vegas westwood highspeed htcp hybla illinois scalable lp "
			"veno yeah nv");
	strcpy(r.meaning, "");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_STR(buf, "  net.ipv4.tcp_available_congestion_control  reno cubic bbr dctcp vegas westwood\n"
		       "                                             highspeed htcp hybla illinois\n"
		       "                                             scalable lp veno yeah nv\n");
	strcpy(r.value, "8080,9000-9010,9100,9200-9299,10000-10999,20000,20001,20002,30000-30100");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_STR(buf, "  net.ipv4.tcp_available_congestion_control  8080,9000-9010,9100,9200-9299,\n"
		       "                                             10000-10999,20000,20001,20002,\n"
		       "                                             30000-30100\n");
	/* A word longer than the column is cut. */
	memset(r.value, 'x', 50);
	r.value[50] = '\0';
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 80);
	CHECK_INT(widest(buf), 80);

	/* Narrower widths are kept, down to INFO_WIDTH_MIN; wider ones are not. */
	strcpy(r.value, "4096 131072 33554432");
	strcpy(r.meaning, "SO_KEEPALIVE only: the first keepalive probe goes out after 7200 s (2 h) "
			  "with nothing received");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 64);
	CHECK_STR(buf, "  net.ipv4.tcp_available_congestion_control  4096 131072\n"
		       "                                             33554432\n"
		       "      SO_KEEPALIVE only: the first keepalive probe goes out\n"
		       "      after 7200 s (2 h) with nothing received\n");
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 10);
	CHECK(widest(buf) <= INFO_WIDTH_MIN && widest(buf) > INFO_WIDTH_MIN - 10);
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 200);
	CHECK(widest(buf) <= INFO_WIDTH);
	/* No room for a value column beside the name: the value goes under it. */
	r.name = "a.name.so.long.that.no.value.column.fits.beside.it";
	info_format_rows(buf, sizeof(buf), NULL, &r, 1, 60);
	CHECK_STR(buf, "  a.name.so.long.that.no.value.column.fits.beside.it\n"
		       "    4096 131072 33554432\n"
		       "      SO_KEEPALIVE only: the first keepalive probe goes out\n"
		       "      after 7200 s (2 h) with nothing received\n");
}

/* The data bytes: the SYN and FINs that tcp_info counts, taken out. */
static void test_data_bytes(void)
{
	struct tcp_summary s;
	uint64_t out, in;

	memset(&s, 0, sizeof(s));
	s.have_bytes = true;
	/* connect(): the ACK of our SYN counts 1. */
	s.state = 1;
	s.bytes_acked = 1;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(out, 0);
	CHECK_INT(in, 0);
	s.bytes_acked = 101;
	s.bytes_received = 7;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(out, 100);
	CHECK_INT(in, 7);
	/* Accepted: no handshake in the counts. */
	info_data_bytes(&s, false, &out, &in);
	CHECK_INT(out, 101);
	/* Our FIN counts once acknowledged: FIN_WAIT2, TIME_WAIT. */
	s.bytes_acked = 102;
	s.state = 5;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(out, 100);
	s.state = 6;
	s.bytes_received = 8;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(out, 100);
	CHECK_INT(in, 7);
	/* FIN_WAIT1, CLOSING and LAST_ACK still wait for that ACK. */
	static const int fin_unacked[] = { 4, 9, 11 }, peer_fin_in[] = { 8, 9, 11 };
	s.bytes_acked = 101;
	for (size_t i = 0; i < 3; i++) {
		s.state = fin_unacked[i];
		info_data_bytes(&s, true, &out, &in);
		CHECK_INT(out, 100);
	}
	/* The peer's FIN counts once it arrived: CLOSE_WAIT, LAST_ACK, CLOSING. */
	s.bytes_received = 8;
	for (size_t i = 0; i < 3; i++) {
		s.state = peer_fin_in[i];
		info_data_bytes(&s, true, &out, &in);
		CHECK_INT(in, 7);
	}
	s.state = 5;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(in, 8);
	/* Never below 0: a SYN not yet acknowledged, a FIN with no data. */
	s.state = 2;
	s.bytes_acked = s.bytes_received = 0;
	info_data_bytes(&s, true, &out, &in);
	CHECK_INT(out, 0);
	s.state = 8;
	info_data_bytes(&s, false, &out, &in);
	CHECK_INT(in, 0);
}

static void test_fields(void)
{
	struct tcp_summary s;
	struct field f[INFO_TCP_FIELDS + 1];

	memset(&s, 0, sizeof(s));
	size_t n = info_tcp_fields(&s, "", f);
	CHECK(n < INFO_TCP_FIELDS);
	CHECK(f[n].key == NULL);
	s.have_bytes = s.have_snd_wnd = true;
	size_t m = info_tcp_fields(&s, "bbr", f);
	CHECK_INT(m, n + 3);
	CHECK(m <= INFO_TCP_FIELDS);
	CHECK_STR(f[0].key, "state");
}

void test_info_format(void)
{
	test_table();
	test_detail();
	test_json();
	test_negotiated();
	test_rows();
	test_wrap();
	test_data_bytes();
	test_fields();
}
