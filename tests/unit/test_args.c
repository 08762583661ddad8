/* args.c: the command line's value parsers (connect -z/-c port sets, --state lists) and args_parse called twice. */
#include "unit.h"

#include <netdb.h>
#include <stdio.h>
#include <arpa/inet.h>

#include "args.h"

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

/* Port sets: one port, ranges, lists, service names; what is refused and why. */
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
		fprintf(stderr, "args: no ssh in /etc/services; its cases skipped\n");
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

/* --state: a comma-separated list of state names as a bit mask. */
static void test_states(void)
{
	unsigned mask = 0;

	CHECK(parse_states("established,close-wait", &mask) == NULL);
	CHECK_INT(mask, (1u << 1) | (1u << 8));
	CHECK(parse_states("listen", &mask) == NULL);
	CHECK_INT(mask, (1u << 1) | (1u << 8) | (1u << 10));
	mask = 0;
	CHECK(parse_states("established,", &mask) != NULL);
	CHECK(parse_states(",listen", &mask) != NULL);
	CHECK(parse_states("nosuch", &mask) != NULL);
	CHECK(parse_states("a-very-long-name-that-is-no-state-at-all", &mask) != NULL);
	CHECK_INT(mask, 0);
}

static void test_parse_twice(void)
{
	/*
	 * args_parse twice (found by tests/fuzz/fuzz_args.c): an error half-way
	 * through a bundle leaves glibc's getopt holding the rest ("z"); the
	 * next call must start afresh, not read -z from the old argv.
	 */
	struct options o;
	char c0[] = "connect", bundle[] = "-Yz", host[] = "127.0.0.1", port[] = "80";
	char *first[] = { c0, bundle, host, port, NULL };
	char *second[] = { c0, host, port, NULL };
	FILE *saved = stderr;

	stderr = fopen("/dev/null", "w");  /* the usage error is expected */
	options_init(&o);
	CHECK_INT(args_parse(CMD_CONNECT, "connect", 4, first, &o), -1);
	if (stderr)
		fclose(stderr);
	stderr = saved;
	options_init(&o);
	CHECK_INT(args_parse(CMD_CONNECT, "connect", 3, second, &o), 1);
	CHECK(!o.zero_io);
}

static void test_rates(void)
{
	unsigned long long r = 0;

	CHECK(parse_rate("500k", &r) == NULL);
	CHECK_INT(r, 500000);
	CHECK(parse_rate("10M", &r) == NULL);
	CHECK_INT(r, 10000000);
	CHECK(parse_rate("1G", &r) == NULL);
	CHECK_INT(r, 1000000000);
	CHECK(parse_rate("1.5M", &r) == NULL);
	CHECK_INT(r, 1500000);
	CHECK(parse_rate("64Ki", &r) == NULL);
	CHECK_INT(r, 65536);
	CHECK(parse_rate("100", &r) == NULL);
	CHECK_INT(r, 100);
	CHECK_STR(parse_rate("0", &r), "must be at least 1 byte a second");
	CHECK_STR(parse_rate("0.1", &r), "must be at least 1 byte a second");
	CHECK_STR(parse_rate("-5k", &r), "negative");
	CHECK_STR(parse_rate("fast", &r), "expected bytes a second, like 500k, 10M or 1G");
	CHECK_STR(parse_rate("", &r), "expected bytes a second, like 500k, 10M or 1G");
	CHECK_STR(parse_rate("1..2", &r), "expected bytes a second, like 500k, 10M or 1G");
	CHECK_STR(parse_rate("5mbit", &r), "unknown unit (use k, M, G, T or Ki, Mi, Gi, Ti)");
	CHECK_STR(parse_rate("9999999999999999", &r), "too large");
	CHECK_STR(parse_rate("2000000G", &r), "too large");
}

/* Leading zeros and long fractions are not "too large". */
static void test_long_numbers(void)
{
	long long ms = 0;

	CHECK(parse_duration("000000000000001", &ms) == NULL);
	CHECK_INT(ms, 1000);
	CHECK(parse_duration("0.0000000000001", &ms) == NULL);
	CHECK_INT(ms, 1);   /* more than nothing rounds up to the least there is */
	CHECK_STR(parse_duration("9999999999999", &ms), "too large");
}

static void test_loads(void)
{
	unsigned long long b = 1;
	long long ms = 1;

	CHECK(parse_load("10G", &b, &ms) == NULL);
	CHECK_INT(b, 10000000000LL);
	CHECK_INT(ms, 0);
	CHECK(parse_load("4Gi", &b, &ms) == NULL);
	CHECK_INT(b, 4294967296LL);
	CHECK(parse_load("4096", &b, &ms) == NULL);
	CHECK_INT(b, 4096);
	CHECK(parse_load("10s", &b, &ms) == NULL);
	CHECK_INT(b, 0);
	CHECK_INT(ms, 10000);
	CHECK(parse_load("500ms", &b, &ms) == NULL);
	CHECK_INT(ms, 500);
	CHECK(parse_load("2m", &b, &ms) == NULL);   /* m: minutes; M: megabytes */
	CHECK_INT(ms, 120000);
	CHECK(parse_load("2M", &b, &ms) == NULL);
	CHECK_INT(b, 2000000);
	CHECK_INT(ms, 0);
	CHECK_STR(parse_load("0", &b, &ms), "must be at least 1 byte");
	CHECK_STR(parse_load("0s", &b, &ms), "must be longer than zero");
	CHECK_STR(parse_load("5x", &b, &ms),
		  "unknown unit (a size: k, M, G, T or Ki, Mi, Gi, Ti; a duration: ms, s, m or h)");
	CHECK_STR(parse_load("big", &b, &ms), "expected a size (10G, 512M) or a duration (10s)");
	CHECK_STR(parse_load("-1G", &b, &ms), "negative");
}

void test_args(void)
{
	test_long_numbers();
	test_loads();
	test_rates();
	test_port_sets();
	test_states();
	test_parse_twice();
}
