/* Unit tests of net/sockopt.c (the -O parser, setting and reading back) and view/sockopt_report.c's texts. */
#include "unit.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/sockopt.h"
#include "view/sockopt_info.h"
#include "view/sockopt_report.h"

/* Parses arg into a fresh list; returns whether it parsed, the message in why. */
static bool parse(const char *arg, struct sockopt_list *l, char *why, size_t size)
{
	l->n = 0;
	why[0] = '\0';
	return sockopt_parse(arg, l, why, size);
}

static void test_parse_values(void)
{
	struct sockopt_list l;
	char why[600];

	CHECK(parse("nodelay", &l, why, sizeof(why)));
	CHECK_INT(l.n, 1);
	CHECK_INT(l.req[0].id, SOCKOPT_NODELAY);
	CHECK_INT(l.req[0].v.n, 1);
	CHECK(!l.req[0].has_value);
	CHECK(parse("nodelay=off", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 0);
	CHECK(l.req[0].has_value);

	/* Sizes: k and M are powers of 1000, Ki and Mi of 1024. */
	CHECK(parse("rcvbuf=65536", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 65536);
	CHECK(parse("rcvbuf=64k", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 64000);
	CHECK(parse("sndbuf=64Ki", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 65536);
	CHECK(parse("sndbuf=1Mi", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 1048576);
	CHECK(parse("window-clamp=1M", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 1000000);

	CHECK(parse("tos=0x10", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 16);
	CHECK(parse("ttl=5", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 5);
	CHECK(parse("mss=536", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 536);

	/* Durations: a bare number is seconds. */
	CHECK(parse("user-timeout=5", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 5000);
	CHECK(parse("user-timeout=250ms", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 250);
	CHECK(parse("defer-accept=1m", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 60);
	CHECK(parse("linger=0", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 0);
	CHECK(parse("linger=off", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, -1);

	CHECK(parse("congestion=bbr", &l, why, sizeof(why)));
	CHECK_STR(l.req[0].v.str, "bbr");
	CHECK(parse("bind_device=lo", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].id, SOCKOPT_BIND_DEVICE);
	CHECK_STR(l.req[0].v.str, "lo");

	CHECK(parse("fastopen", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 16);
	CHECK(parse("fastopen=5", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 5);

	CHECK(parse("keepalive", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 1);
	CHECK_INT(l.req[0].v.idle_s, 0);
	CHECK(parse("keepalive=10s,2s,3", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.idle_s, 10);
	CHECK_INT(l.req[0].v.interval_s, 2);
	CHECK_INT(l.req[0].v.count, 3);
	/* A bare number is IDLE, not "on". */
	CHECK(parse("keepalive=1", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.idle_s, 1);
	CHECK_INT(l.req[0].v.interval_s, 0);
	CHECK(parse("keepalive=off", &l, why, sizeof(why)));
	CHECK_INT(l.req[0].v.n, 0);
}

static void test_parse_lists(void)
{
	struct sockopt_list l;
	char why[600];

	/* A piece that starts with a digit continues the value before it. */
	CHECK(parse("keepalive=1,1,3,nodelay", &l, why, sizeof(why)));
	CHECK_INT(l.n, 2);
	CHECK_INT(l.req[0].id, SOCKOPT_KEEPALIVE);
	CHECK_STR(l.req[0].text, "keepalive=1,1,3");
	CHECK_INT(l.req[0].v.count, 3);
	CHECK_INT(l.req[1].id, SOCKOPT_NODELAY);
	CHECK(parse("nodelay,rcvbuf=64k,mss=536", &l, why, sizeof(why)));
	CHECK_INT(l.n, 3);

	/* Repeated: the last value wins, in one list or across -O's. */
	CHECK(parse("rcvbuf=1k,rcvbuf=2k", &l, why, sizeof(why)));
	CHECK_INT(l.n, 1);
	CHECK_INT(l.req[0].v.n, 2000);
	char why2[600];
	CHECK(sockopt_parse("nodelay=off", &l, why2, sizeof(why2)));
	CHECK_INT(l.n, 2);
	CHECK(sockopt_has(&l, SOCKOPT_NODELAY));
	CHECK(!sockopt_has(&l, SOCKOPT_CORK));

	/* A failure leaves the list as it was. */
	CHECK(!sockopt_parse("cork,mss=abc", &l, why, sizeof(why)));
	CHECK_INT(l.n, 2);
	CHECK(!sockopt_has(&l, SOCKOPT_CORK));
}

static void test_parse_errors(void)
{
	struct sockopt_list l;
	char why[600];

	CHECK(!parse("mss=abc", &l, why, sizeof(why)));
	CHECK_STR(why, "-O mss=abc: not a number");
	CHECK(!parse("nosuch", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "-O nosuch: unknown socket option (known: nodelay, cork, quickack,");
	CHECK_CONTAINS(why, "window-clamp)");
	CHECK(!parse("rcvbuf", &l, why, sizeof(why)));
	CHECK_STR(why, "-O rcvbuf: needs a value (rcvbuf=SIZE)");
	CHECK(!parse("nodelay=maybe", &l, why, sizeof(why)));
	CHECK_STR(why, "-O nodelay=maybe: expected on or off");
	CHECK(!parse("rcvbuf=-1", &l, why, sizeof(why)));
	CHECK_STR(why, "-O rcvbuf=-1: negative");
	CHECK(!parse("rcvbuf=3G", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "too large");
	CHECK(!parse("rcvbuf=64x", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "unknown unit");
	CHECK(!parse("ttl=256", &l, why, sizeof(why)));
	CHECK_STR(why, "-O ttl=256: out of range 0-255");
	CHECK(!parse("tos=0x", &l, why, sizeof(why)));
	CHECK(!parse("linger=1.5", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "whole seconds");
	CHECK(!parse("keepalive=0", &l, why, sizeof(why)));
	CHECK_STR(why, "-O keepalive=0: must be at least 1 s");
	CHECK(!parse("keepalive=1,1,0", &l, why, sizeof(why)));
	CHECK_STR(why, "-O keepalive=1,1,0: the count must be at least 1");
	CHECK(!parse("keepalive=1,1,1,1", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "at most three values");
	CHECK(!parse("keepalive=x", &l, why, sizeof(why)));
	CHECK(!parse("congestion=", &l, why, sizeof(why)));
	CHECK(!parse("congestion=a/b", &l, why, sizeof(why)));
	CHECK(!parse("congestion=abcdefghijklmnopq", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "too long");
	CHECK(!parse("bind-device=a/b", &l, why, sizeof(why)));
	CHECK(!parse("nodelay,,cork", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "empty item");
	CHECK(!parse("nodelay,", &l, why, sizeof(why)));
	CHECK(!parse("", &l, why, sizeof(why)));
	CHECK(!parse("=1", &l, why, sizeof(why)));
	CHECK(!parse("5", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "unknown socket option");
	CHECK(!parse("user-timeout=1x", &l, why, sizeof(why)));
	CHECK_CONTAINS(why, "unknown unit");
	/* A message never overruns a small buffer. */
	char tiny[8];
	CHECK(!parse("nosuch", &l, tiny, sizeof(tiny)));
	CHECK_INT(strlen(tiny), 7);
}

static void test_table(void)
{
	CHECK_INT(sockopt_by_name("rcvbuf"), SOCKOPT_RCVBUF);
	CHECK_INT(sockopt_by_name("user_timeout"), SOCKOPT_USER_TIMEOUT);
	CHECK_INT(sockopt_by_name("nosuch"), -1);
	CHECK_STR(sockopt_kernel_name(SOCKOPT_TTL, AF_INET, false), "IP_TTL");
	CHECK_STR(sockopt_kernel_name(SOCKOPT_TTL, AF_INET6, false), "IPV6_UNICAST_HOPS");
	CHECK_STR(sockopt_kernel_name(SOCKOPT_TOS, AF_INET6, false), "IPV6_TCLASS");
	CHECK_STR(sockopt_kernel_name(SOCKOPT_FASTOPEN, AF_INET, false), "TCP_FASTOPEN_CONNECT");
	CHECK_STR(sockopt_kernel_name(SOCKOPT_FASTOPEN, AF_INET, true), "TCP_FASTOPEN");
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		const struct sockopt_def *d = sockopt_def((enum sockopt_id)id);
		CHECK(d != NULL);
		if (d == NULL)
			continue;
		CHECK(d->name && d->kernel && d->syntax);
		CHECK_INT(sockopt_by_name(d->name), id);
	}
	CHECK(sockopt_def(SOCKOPT_DEFER_ACCEPT)->listener_only);
	CHECK(sockopt_def(SOCKOPT_BIND_DEVICE)->before_bind);
	CHECK(!sockopt_def(SOCKOPT_NODELAY)->inherited);
	CHECK(sockopt_def(SOCKOPT_RCVBUF)->inherited);
}

/* On a real, unconnected socket: set, read back, and a refusal. */
static void test_apply(void)
{
	struct sockopt_list l = { 0 };
	struct sockopt_results res;
	char why[600];
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(sockopt_parse("rcvbuf=4096,mss=536,keepalive=10,2,3,ttl=7,tos=0x11,reuseport,linger=0", &l, why,
			    sizeof(why)));
	sockopt_results_init(&res);
	CHECK_INT(sockopt_apply(fd, &l, SOCKOPT_BEFORE_BIND, &res), 0);
	CHECK_INT(res.n, 1);  /* reuseport alone */
	CHECK_INT(res.r[0].id, SOCKOPT_REUSEPORT);
	CHECK_INT(sockopt_apply(fd, &l, SOCKOPT_BEFORE_CONNECT, &res), 0);
	CHECK_INT(res.n, 7);
	CHECK_INT(res.failed, -1);
	for (int i = 0; i < res.n; i++) {
		const struct sockopt_result *x = &res.r[i];
		CHECK(x->read);
		CHECK_INT(x->err, 0);
		switch (x->id) {
		case SOCKOPT_RCVBUF: CHECK_INT(x->granted.n, 8192); break;  /* doubled */
		case SOCKOPT_MSS: CHECK_INT(x->granted.n, 536); break;
		case SOCKOPT_KEEPALIVE:
			CHECK_INT(x->granted.n, 1);
			CHECK_INT(x->granted.idle_s, 10);
			CHECK_INT(x->granted.interval_s, 2);
			CHECK_INT(x->granted.count, 3);
			break;
		case SOCKOPT_TTL: CHECK_INT(x->granted.n, 7); break;
		case SOCKOPT_TOS: CHECK_INT(x->granted.n, 0x10); break;  /* the ECN bits are the kernel's */
		case SOCKOPT_LINGER: CHECK_INT(x->granted.n, 0); break;
		case SOCKOPT_REUSEPORT: CHECK_INT(x->granted.n, 1); break;
		default: CHECK(!"an option not asked for"); break;
		}
	}
	struct sockopt_value v;
	CHECK_INT(sockopt_read(fd, SOCKOPT_NODELAY, AF_INET, false, &v), 0);
	CHECK_INT(v.n, 0);
	CHECK_INT(sockopt_read(fd, SOCKOPT_CONGESTION, AF_INET, false, &v), 0);
	CHECK(v.str[0] != '\0');

	/* The kernel's refusal: errno and the option named. */
	l.n = 0;
	CHECK(sockopt_parse("nodelay,mss=20,cork", &l, why, sizeof(why)));
	sockopt_results_init(&res);
	CHECK_INT(sockopt_apply(fd, &l, SOCKOPT_BEFORE_CONNECT, &res), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(res.failed, 1);
	CHECK_INT(res.r[1].id, SOCKOPT_MSS);
	CHECK_INT(res.r[1].err, EINVAL);
	close(fd);
}

static struct sockopt_result result(enum sockopt_id id, long long asked, long long granted)
{
	return (struct sockopt_result){ .id = id, .family = AF_INET, .read = true,
					.asked = { .n = asked }, .granted = { .n = granted } };
}

static void test_texts(void)
{
	char buf[1024];
	struct sockopt_result x = result(SOCKOPT_RCVBUF, 65536, 131072);

	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "SO_RCVBUF: asked 65536, the kernel grants 131072: it doubles the request for its own "
		  "bookkeeping");
	x = result(SOCKOPT_SNDBUF, 100000000, 425984);
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "it caps the request");
	CHECK_CONTAINS(buf, "net.core.wmem_max (212992 here)");
	x = result(SOCKOPT_MSS, 536, 536);
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "TCP_MAXSEG 536: segments will carry at most 536 bytes");
	sockopt_describe(&x, true, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "the listener's TCP_MAXSEG 536: segments will carry at most 536 bytes");
	/* -v: a second line, indented, on what it changes. */
	sockopt_describe(&x, false, 1, -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "536 bytes\n  announced in our SYN's MSS option");
	x = result(SOCKOPT_QUICKACK, 1, 1);
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "the kernel clears it again by itself");
	x = result(SOCKOPT_TOS, 0x11, 0x10);
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "IP_TOS: asked 0x11, the kernel grants 0x10: it keeps the two ECN bits (0x03) of the byte "
		  "for itself");
	x = result(SOCKOPT_TTL, 5, 5);
	x.family = AF_INET6;
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "IPV6_UNICAST_HOPS 5: our packets cross at most 5 routers");
	x = result(SOCKOPT_LINGER, 0, 0);
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "SO_LINGER 0 s: close() discards unsent data and sends RST, not FIN");
	x = result(SOCKOPT_KEEPALIVE, 1, 1);
	x.asked.idle_s = x.granted.idle_s = 10;
	x.granted.interval_s = 75;
	x.granted.count = 9;
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_STR(buf, "SO_KEEPALIVE on: after 10 s idle, a probe every 75 s; 9 unanswered probes end the "
		  "connection");
	x = result(SOCKOPT_DEFER_ACCEPT, 5, 7);
	sockopt_describe(&x, true, 0, -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "the listener's TCP_DEFER_ACCEPT: asked 5 s, the kernel grants 7 s");
	x = result(SOCKOPT_FASTOPEN, 16, 16);
	x.listener = true;
	sockopt_describe(&x, true, 0, 1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "the listener's TCP_FASTOPEN 16: a queue of 16, but net.ipv4.tcp_fastopen is 1");
	CHECK_CONTAINS(buf, "sysctl -w net.ipv4.tcp_fastopen=3");
	x = result(SOCKOPT_CONGESTION, 0, 0);
	snprintf(x.asked.str, sizeof(x.asked.str), "bbr");
	snprintf(x.granted.str, sizeof(x.granted.str), "bbr");
	sockopt_describe(&x, false, 0, -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "TCP_CONGESTION bbr: ");

	/* Refusals: what the kernel said and what would fix it. */
	struct sockopt_req req = { .id = SOCKOPT_CONGESTION };
	snprintf(req.text, sizeof(req.text), "congestion=vegas");
	x = result(SOCKOPT_CONGESTION, 0, 0);
	x.req = &req;
	x.err = ENOENT;
	snprintf(x.asked.str, sizeof(x.asked.str), "vegas");
	sockopt_refusal_text(&x, "reno cubic bbr", "reno cubic", -1, buf, sizeof(buf));
	CHECK_STR(buf, "-O congestion=vegas: not available here (loaded: reno cubic bbr); modprobe tcp_vegas");
	x.err = EPERM;
	sockopt_refusal_text(&x, "reno cubic bbr", "reno cubic", -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "(allowed: reno cubic)");
	CHECK_CONTAINS(buf, "net.ipv4.tcp_allowed_congestion_control");
	req.id = SOCKOPT_BIND_DEVICE;
	snprintf(req.text, sizeof(req.text), "bind-device=eth0");
	x.id = SOCKOPT_BIND_DEVICE;
	sockopt_refusal_text(&x, "", "", -1, buf, sizeof(buf));
	CHECK_STR(buf, "-O bind-device=eth0: needs CAP_NET_RAW (run as root)");
	x.err = ENODEV;
	sockopt_refusal_text(&x, "", "", -1, buf, sizeof(buf));
	CHECK_STR(buf, "-O bind-device=eth0: no such interface here (ip link lists them)");
	req.id = SOCKOPT_MSS;
	snprintf(req.text, sizeof(req.text), "mss=20");
	x.id = SOCKOPT_MSS;
	x.err = EINVAL;
	sockopt_refusal_text(&x, "", "", -1, buf, sizeof(buf));
	CHECK_STR(buf, "-O mss=20: the kernel refuses TCP_MAXSEG (Invalid argument): it takes 88 to 32767 bytes");
	req.id = SOCKOPT_KEEPALIVE;
	snprintf(req.text, sizeof(req.text), "keepalive=99999");
	x.id = SOCKOPT_KEEPALIVE;
	x.refused = "TCP_KEEPIDLE";
	sockopt_refusal_text(&x, "", "", -1, buf, sizeof(buf));
	CHECK_CONTAINS(buf, "-O keepalive=99999: the kernel refuses TCP_KEEPIDLE (Invalid argument): it takes idle");
	req.id = SOCKOPT_FASTOPEN;
	snprintf(req.text, sizeof(req.text), "fastopen");
	x = result(SOCKOPT_FASTOPEN, 1, 0);
	x.req = &req;
	x.err = EOPNOTSUPP;
	sockopt_refusal_text(&x, "", "", 0, buf, sizeof(buf));
	CHECK_STR(buf, "-O fastopen: client Fast Open is off here: net.ipv4.tcp_fastopen is 0, without 1 "
		  "(sysctl -w net.ipv4.tcp_fastopen=1)");
}

static void test_info_rows(void)
{
	struct sockopt_value v[SOCKOPT_COUNT] = { { 0 } };
	bool ok[SOCKOPT_COUNT] = { false };
	struct info_row rows[SOCKOPT_COUNT];

	v[SOCKOPT_RCVBUF].n = 131072;
	ok[SOCKOPT_RCVBUF] = true;
	v[SOCKOPT_KEEPALIVE] = (struct sockopt_value){ .n = 0, .idle_s = 7200, .interval_s = 75, .count = 9 };
	ok[SOCKOPT_KEEPALIVE] = true;
	v[SOCKOPT_TOS].n = 0x10;
	ok[SOCKOPT_TOS] = true;
	size_t n = sockopt_info_rows(v, ok, AF_INET6, false, rows, SOCKOPT_COUNT);
	CHECK_INT(n, 3);
	CHECK_STR(rows[0].name, "rcvbuf");
	CHECK_STR(rows[0].value, "131072 bytes");
	CHECK_CONTAINS(rows[0].meaning, "SO_RCVBUF: ");
	CHECK_STR(rows[1].name, "keepalive");
	CHECK_STR(rows[1].value, "off (7200 s, 75 s, 9)");
	CHECK_CONTAINS(rows[1].meaning, "never probed");
	CHECK_STR(rows[2].value, "0x10");
	CHECK_CONTAINS(rows[2].meaning, "IPV6_TCLASS: our packets carry DSCP 4");
	CHECK_INT(sockopt_info_rows(v, ok, AF_INET, false, rows, 1), 1);
}

void test_sockopt(void)
{
	test_parse_values();
	test_parse_lists();
	test_parse_errors();
	test_table();
	test_apply();
	test_texts();
	test_info_rows();
}
