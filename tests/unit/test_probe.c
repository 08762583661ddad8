/*
 * connect -z and -c, the pure parts: port sets ("22", "20-25", "22,80",
 * "ssh,8000-8010"), what an errno means for a probe, and the ping-style
 * statistics of a run of probes.
 */
#include "unit.h"

#include <errno.h>
#include <netdb.h>
#include <arpa/inet.h>

#include "args.h"
#include "net/probe.h"
#include "net/probe_stats.h"

static struct port_set set;

/* The ports of 'set' in order, "22,80,443", at most 'max' of them then "...". */
static const char *ports_of(const struct port_set *s, int max)
{
	static char buf[512];
	size_t len = 0;
	int n = 0;

	buf[0] = '\0';
	for (int p = port_set_next(s, -1); p >= 0 && len < sizeof(buf) - 16; p = port_set_next(s, p)) {
		if (n++ == max) {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, ",...");
			break;
		}
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? "," : "", p);
	}
	return buf;
}

/* Parses 'text', which must be valid, and checks the ports and their count. */
#define CHECK_SET(text, want_ports, want_count) \
	do { \
		const char *why_ = parse_port_set((text), &set); \
		if (why_ != NULL) \
			unit_fail(__FILE__, __LINE__, "parse_port_set(\"%s\"): %s", (text), why_); \
		else { \
			CHECK_STR(ports_of(&set, 20), (want_ports)); \
			CHECK_INT(set.count, (want_count)); \
		} \
	} while (0)

/* 'text' must be refused, with a reason that contains 'want'. */
#define CHECK_BAD(text, want) \
	do { \
		const char *why_ = parse_port_set((text), &set); \
		if (why_ == NULL) \
			unit_fail(__FILE__, __LINE__, "parse_port_set(\"%s\") accepted it: %s", (text), \
				  ports_of(&set, 5)); \
		else \
			CHECK_CONTAINS(why_, (want)); \
	} while (0)

/* The port /etc/services gives a TCP service, or -1. */
static int service_port(const char *name)
{
	struct servent *se = getservbyname(name, "tcp");

	return se ? ntohs((unsigned short)se->s_port) : -1;
}

static void test_port_sets(void)
{
	char want[64], text[300];

	/* One port, a range, a list, unsorted and with duplicates. */
	CHECK_SET("22", "22", 1);
	CHECK_SET("0", "0", 1);
	CHECK_SET("65535", "65535", 1);
	CHECK_SET("20-25", "20,21,22,23,24,25", 6);
	CHECK_SET("7-7", "7", 1);
	CHECK_SET("22,80,443", "22,80,443", 3);
	CHECK_SET("443,22,80", "22,80,443", 3);
	CHECK_SET("80,80", "80", 1);
	CHECK_SET("80,79-81,81", "79,80,81", 3);
	CHECK_SET("8000-8003,8002-8005", "8000,8001,8002,8003,8004,8005", 6);
	CHECK_SET("5,1-3", "1,2,3,5", 4);
	CHECK_SET("65534-65535,0", "0,65534,65535", 3);

	/* Every port: 65536 of them, 0 and 65535 included. */
	CHECK_SET("0-65535", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,...", 65536);
	CHECK_INT(port_set_next(&set, -1), 0);
	CHECK_INT(port_set_next(&set, 65534), 65535);
	CHECK_INT(port_set_next(&set, 65535), -1);
	int n = 0, last = -1;
	for (int p = port_set_next(&set, -1); p >= 0; p = port_set_next(&set, p)) {
		if (p != last + 1)
			unit_fail(__FILE__, __LINE__, "0-65535: %d after %d", p, last);
		last = p;
		n++;
	}
	CHECK_INT(n, 65536);
	CHECK_INT(last, 65535);

	/* port_set_next walks upwards from any point, and ends with -1. */
	CHECK(parse_port_set("10,20,30", &set) == NULL);
	CHECK_INT(port_set_next(&set, -1), 10);
	CHECK_INT(port_set_next(&set, 10), 20);
	CHECK_INT(port_set_next(&set, 15), 20);
	CHECK_INT(port_set_next(&set, 20), 30);
	CHECK_INT(port_set_next(&set, 30), -1);
	CHECK_INT(port_set_next(&set, 65535), -1);

	/* A new parse starts from an empty set. */
	CHECK_SET("1000", "1000", 1);

	/* Service names, alone, in lists and as the ends of a range. */
	int ssh = service_port("ssh"), http = service_port("http");
	if (ssh == 22) {
		CHECK_SET("ssh", "22", 1);
		CHECK_SET("ssh,22", "22", 1);
		CHECK_SET("ssh,8000-8002", "22,8000,8001,8002", 4);
		CHECK_SET("20-ssh", "20,21,22", 3);
	} else {
		fprintf(stderr, "probe: no ssh in /etc/services; its cases skipped\n");
	}
	if (http == 80) {
		CHECK_SET("http,79", "79,80", 2);
		CHECK_SET("79-http", "79,80", 2);
	}
	if (ssh == 22 && http == 80) {
		CHECK(parse_port_set("ssh-http", &set) == NULL);
		CHECK_INT(set.count, 80 - 22 + 1);
		CHECK_INT(port_set_next(&set, -1), 22);
		CHECK_BAD("http-ssh", "range 80-22 runs backwards");
	}
	/* A service whose name holds a dash is one port, not a range. */
	int ftp_data = service_port("ftp-data");
	if (ftp_data >= 0) {
		snprintf(want, sizeof(want), "%d", ftp_data);
		CHECK_SET("ftp-data", want, 1);
	}

	/* What is refused, and why. */
	CHECK_BAD("", "empty item in the list");
	CHECK_BAD(",", "empty item in the list");
	CHECK_BAD("1,", "empty item in the list");
	CHECK_BAD(",1", "empty item in the list");
	CHECK_BAD("1,,2", "empty item in the list");
	CHECK_BAD("5-3", "range 5-3 runs backwards");
	CHECK_BAD("1,10-2", "range 10-2 runs backwards");
	CHECK_BAD("70000", "out of range 0-65535");
	CHECK_BAD("65536", "out of range 0-65535");
	CHECK_BAD("1,70000", "out of range 0-65535");
	CHECK_BAD("1-70000", "out of range 0-65535");
	CHECK_BAD("70000-70001", "out of range 0-65535");
	CHECK_BAD("999999999999999999999", "out of range 0-65535");
	CHECK_BAD("-5", "");
	CHECK_BAD("5-", "");
	CHECK_BAD("-", "");
	CHECK_BAD("1-2-3", "");
	CHECK_BAD("a-b", "not a number or a known TCP service name");
	CHECK_BAD("no-such-service-here", "");
	CHECK_BAD("nosuchservice", "not a number or a known TCP service name");
	CHECK_BAD(" 22", "");
	CHECK_BAD("22 ", "");
	CHECK_BAD("22;80", "");

	/* Very long items: refused, never overflowing a buffer. */
	memset(text, '1', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	CHECK_BAD(text, "");
	memset(text, 'x', sizeof(text) - 1);
	CHECK_BAD(text, "");
	memset(text, '1', 100);
	text[100] = '-';
	memset(text + 101, '2', 100);
	text[201] = '\0';
	CHECK_BAD(text, "");
	/* 'x' * 70 - 'y' * 70: both halves longer than a port name can be. */
	memset(text, 'x', 70);
	text[70] = '-';
	memset(text + 71, 'y', 70);
	text[141] = '\0';
	CHECK_BAD(text, "");
	/* A long item after a good one. */
	snprintf(text, sizeof(text), "22,%0200d", 5);
	CHECK_BAD(text, "");
}

static void test_classify(void)
{
	CHECK_INT(probe_classify(0), PROBE_OPEN);
	CHECK_INT(probe_classify(ECONNREFUSED), PROBE_REFUSED);
	CHECK_INT(probe_classify(ETIMEDOUT), PROBE_TIMEOUT);
	CHECK_INT(probe_classify(ENETUNREACH), PROBE_UNREACHABLE);
	CHECK_INT(probe_classify(EHOSTUNREACH), PROBE_UNREACHABLE);
	CHECK_INT(probe_classify(EADDRNOTAVAIL), PROBE_ERROR);
	CHECK_INT(probe_classify(EAFNOSUPPORT), PROBE_ERROR);
	CHECK_INT(probe_classify(EACCES), PROBE_ERROR);
	CHECK_INT(probe_classify(EMFILE), PROBE_ERROR);
	CHECK_INT(probe_classify(ECONNRESET), PROBE_ERROR);

	CHECK_STR(probe_result_name(PROBE_OPEN), "open");
	CHECK_STR(probe_result_name(PROBE_REFUSED), "refused");
	CHECK_STR(probe_result_name(PROBE_TIMEOUT), "timeout");
	CHECK_STR(probe_result_name(PROBE_UNREACHABLE), "unreachable");
	CHECK_STR(probe_result_name(PROBE_ERROR), "error");
	CHECK_STR(probe_result_name((enum probe_result)PROBE_RESULTS), "error");
	CHECK_STR(probe_result_name((enum probe_result)-1), "error");
	CHECK_STR(probe_result_name((enum probe_result)1000), "error");
}

/* Adds one probe that ended with err after took_ns. */
static void add(struct probe_stats *s, int err, int64_t took_ns)
{
	struct probe p = { .port = 80, .err = err, .result = probe_classify(err), .took_ns = took_ns,
			   .done = true };

	probe_stats_add(s, &p);
}

/* Checks min/avg/max/mdev, in ns, to within 'slack' ns (rounding of doubles). */
static void check_times(int line, const struct probe_stats *s, int64_t min, int64_t avg, int64_t max,
			int64_t mdev, int64_t slack)
{
	int64_t a = -1, b = -1, c = -1, d = -1;

	if (!probe_stats_times(s, &a, &b, &c, &d)) {
		unit_fail(__FILE__, line, "probe_stats_times: false with %llu handshakes",
			  (unsigned long long)s->by_result[PROBE_OPEN]);
		return;
	}
	if (a != min || c != max || b < avg - slack || b > avg + slack || d < mdev - slack ||
	    d > mdev + slack)
		unit_fail(__FILE__, line, "min/avg/max/mdev = %lld/%lld/%lld/%lld ns, want %lld/%lld/%lld/%lld",
			  (long long)a, (long long)b, (long long)c, (long long)d, (long long)min,
			  (long long)avg, (long long)max, (long long)mdev);
}

static void test_stats(void)
{
	struct probe_stats s = { 0 };
	int64_t a = 7, b = 7, c = 7, d = 7;

	/* Nothing yet: no times, and the outputs are left alone. */
	CHECK(!probe_stats_times(&s, &a, &b, &c, &d));
	CHECK_INT(a + b + c + d, 28);
	CHECK_INT(probe_stats_failed(&s), 0);

	/* 1, 2, 3, 4 ms: mean 2.5, mean of squares 7.5, mdev sqrt(7.5 - 6.25) = 1.1180340 ms. */
	add(&s, 0, 3000000);
	add(&s, 0, 1000000);
	add(&s, 0, 4000000);
	add(&s, 0, 2000000);
	check_times(__LINE__, &s, 1000000, 2500000, 4000000, 1118034, 1);
	CHECK_INT(s.sent, 4);
	CHECK_INT(s.by_result[PROBE_OPEN], 4);
	CHECK_INT(probe_stats_failed(&s), 0);

	/* Failures count by kind, and change no time. */
	add(&s, ECONNREFUSED, 50000);
	add(&s, ECONNREFUSED, 9000000000);
	add(&s, ETIMEDOUT, 300000000);
	add(&s, ENETUNREACH, 10000);
	add(&s, EHOSTUNREACH, 10000);
	add(&s, EADDRNOTAVAIL, 1);
	check_times(__LINE__, &s, 1000000, 2500000, 4000000, 1118034, 1);
	CHECK_INT(s.sent, 10);
	CHECK_INT(s.by_result[PROBE_OPEN], 4);
	CHECK_INT(s.by_result[PROBE_REFUSED], 2);
	CHECK_INT(s.by_result[PROBE_TIMEOUT], 1);
	CHECK_INT(s.by_result[PROBE_UNREACHABLE], 2);
	CHECK_INT(s.by_result[PROBE_ERROR], 1);
	CHECK_INT(probe_stats_failed(&s), 6);

	/* Only failures: no times at all. */
	struct probe_stats f = { 0 };
	add(&f, ECONNREFUSED, 20000);
	add(&f, ETIMEDOUT, 1000000000);
	a = b = c = d = 7;
	CHECK(!probe_stats_times(&f, &a, &b, &c, &d));
	CHECK_INT(a + b + c + d, 28);
	CHECK_INT(f.sent, 2);
	CHECK_INT(probe_stats_failed(&f), 2);

	/* The first handshake after failures sets min, though it is above 0. */
	add(&f, 0, 5000000);
	check_times(__LINE__, &f, 5000000, 5000000, 5000000, 0, 0);
	add(&f, 0, 3000000);
	check_times(__LINE__, &f, 3000000, 4000000, 5000000, 1000000, 1);
	CHECK_INT(probe_stats_failed(&f), 2);

	/* One handshake: min = avg = max, mdev 0. */
	struct probe_stats one = { 0 };
	add(&one, 0, 52000);
	check_times(__LINE__, &one, 52000, 52000, 52000, 0, 0);

	/* Equal times: mdev exactly 0, never a hair above or NaN. */
	struct probe_stats same = { 0 };
	for (int i = 0; i < 1000; i++)
		add(&same, 0, 77777);
	check_times(__LINE__, &same, 77777, 77777, 77777, 0, 0);

	/*
	 * ping's sample: 0.041, 0.100, 0.090 ms: mean 0.077, and the population
	 * standard deviation sqrt(mean(x^2) - mean^2) = 0.025781 ms (not the
	 * sample one, 0.031575).
	 */
	struct probe_stats p = { 0 };
	add(&p, 0, 41000);
	add(&p, 0, 100000);
	add(&p, 0, 90000);
	check_times(__LINE__, &p, 41000, 77000, 100000, 25781, 1);

	/* Large and small together: 0.01 ms and 10 s. */
	struct probe_stats w = { 0 };
	add(&w, 0, 10000);
	add(&w, 0, 10000000000);
	check_times(__LINE__, &w, 10000, 5000005000, 10000000000, 4999995000, 2);

	/* Handshakes that took 0 ns (a coarse clock) still count. */
	struct probe_stats z = { 0 };
	add(&z, 0, 0);
	add(&z, 0, 2000);
	check_times(__LINE__, &z, 0, 1000, 2000, 1000, 1);
}

void test_probe(void)
{
	test_port_sets();
	test_classify();
	test_stats();
}
