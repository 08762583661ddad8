/* kernel/kernel_settings.c: the settings of "info --system": meanings worked out, and reading a sysctl tree of our own. */
#include "unit.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel_settings.h"

/* The meaning of name holding value, in a buffer that lasts until the next call. */
static const char *explain(const char *name, const char *value)
{
	static char m[SETTING_MEANING_MAX];

	kernel_setting_explain(name, value, m, sizeof(m));
	return m;
}

/* True when value gets the same meaning as an unreadable setting. */
static bool is_generic(const char *name, const char *value)
{
	char about[SETTING_MEANING_MAX];

	kernel_setting_explain(name, NULL, about, sizeof(about));
	return strcmp(explain(name, value), about) == 0;
}

static void check_worked_out(void)
{
	CHECK_STR(explain("net.ipv4.tcp_syn_retries", "6"),
		  "connect() gives up after 6 SYN retransmissions: about 127 s without an answer");
	CHECK_CONTAINS(explain("net.ipv4.tcp_syn_retries", "1"), "1 SYN retransmission: about 3 s");
	/* Past ilog2(120) = 6 doublings the timeout stays at 120 s: 127 + 120. */
	CHECK_CONTAINS(explain("net.ipv4.tcp_syn_retries", "7"), "about 247 s");
	CHECK_CONTAINS(explain("net.ipv4.tcp_synack_retries", "5"), "SYN-ACK 5 times");
	CHECK_CONTAINS(explain("net.ipv4.tcp_synack_retries", "5"), "about 63 s");
	CHECK_CONTAINS(explain("net.ipv4.tcp_retries2", "15"), "924.6 s, about 15 min");
	CHECK_CONTAINS(explain("net.ipv4.tcp_retries2", "15"), "15 resends");
	/* 200 ms doubles up to ilog2(600) = 9 times: (2 << 8) - 1 = 511 * 0.2 s. */
	CHECK_CONTAINS(explain("net.ipv4.tcp_retries2", "8"), "102.2 s");
	CHECK_CONTAINS(explain("net.ipv4.tcp_retries2", "3"), "3 resends: 3 s");

	CHECK_STR(explain("net.ipv4.ip_local_port_range", "32768 60999"),
		  "connect() and bind() to port 0 pick local ports from 32768-60999: 28232 ports per destination");
	CHECK_CONTAINS(explain("net.ipv4.ip_local_port_range", "32768\t60999\n"), "28232 ports");
	CHECK_CONTAINS(explain("net.ipv4.ip_local_port_range", "5000 5000"), ": 1 port per destination");
	CHECK_CONTAINS(explain("net.ipv4.ip_local_reserved_ports", ""), "none");
	CHECK_CONTAINS(explain("net.ipv4.ip_local_reserved_ports", "8080,9000-9010"), "12 ports");
	CHECK_CONTAINS(explain("net.ipv4.ip_local_reserved_ports", "443"), "1 port connect()");

	CHECK_CONTAINS(explain("net.core.somaxconn", "4096"), "cut to 4096");
	CHECK_CONTAINS(explain("net.ipv4.tcp_max_syn_backlog", "512"), "512 half-open");
	CHECK_CONTAINS(explain("net.ipv4.tcp_fin_timeout", "60"), "waits 60 s in FIN_WAIT2");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_time", "7200"), "7200 s (2 h)");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_time", "7200"), "SO_KEEPALIVE");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_time", "900"), "900 s (15 min)");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_time", "7875"), "7875 s (about 2.2 h)");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_intvl", "75"), "75 s");
	CHECK_CONTAINS(explain("net.ipv4.tcp_keepalive_probes", "9"),
		       "keepalive_time + 9 * keepalive_intvl");

	CHECK_STR(explain("net.ipv4.tcp_rmem", "4096 131072 6291456"),
		  "receive buffer per socket: starts at 128 KiB, auto-tuned between 4 KiB and 6 MiB "
		  "unless SO_RCVBUF is set");
	CHECK_CONTAINS(explain("net.ipv4.tcp_wmem", "4096\t16384\t4194304"), "starts at 16 KiB");
	CHECK_CONTAINS(explain("net.ipv4.tcp_wmem", "4096 87380 6291456"), "85 KiB");
	CHECK_CONTAINS(explain("net.ipv4.tcp_wmem", "1 1536 1073741824"), "between 1 B and 1 GiB");
	CHECK_CONTAINS(explain("net.ipv4.tcp_wmem", "1 1536 1073741824"), "1.5 KiB");
	CHECK_CONTAINS(explain("net.core.rmem_max", "212992"), "SO_RCVBUF requests are capped at 208 KiB");
	CHECK_CONTAINS(explain("net.core.wmem_max", "100"), "SO_SNDBUF requests are capped at 100 B");
	CHECK_CONTAINS(explain("net.core.wmem_max", "2500000"), "2.4 MiB");

	CHECK_CONTAINS(explain("net.ipv4.tcp_syncookies", "0"), "off");
	CHECK_CONTAINS(explain("net.ipv4.tcp_syncookies", "2"), "always");
	CHECK_CONTAINS(explain("net.ipv4.tcp_ecn", "2"), "(the Linux default)");
	CHECK_CONTAINS(explain("net.ipv4.tcp_ecn", "1"), "outgoing connections ask for ECN");
	CHECK_CONTAINS(explain("net.ipv4.tcp_timestamps", "2"), "without the random offset");
	CHECK_CONTAINS(explain("net.ipv4.tcp_fastopen", "1"), "client side on");
	CHECK_CONTAINS(explain("net.ipv4.tcp_fastopen", "2"), "server side on");
	CHECK_CONTAINS(explain("net.ipv4.tcp_fastopen", "3"), "client and server on");
	CHECK_CONTAINS(explain("net.ipv4.tcp_fastopen", "1027"), "(and flags 0x400)");
	CHECK_CONTAINS(explain("net.ipv4.tcp_tw_reuse", "2"), "loopback only");
	CHECK_CONTAINS(explain("net.ipv4.tcp_max_tw_buckets", "262144"), "262144 sockets");
	CHECK_CONTAINS(explain("net.ipv4.tcp_congestion_control", "cubic"), "cubic curve");
	CHECK_CONTAINS(explain("net.ipv4.tcp_congestion_control", "htcp"), "use htcp to decide");
	CHECK_CONTAINS(explain("net.ipv4.tcp_available_congestion_control", "reno cubic"), "2 algorithms");
	CHECK_CONTAINS(explain("net.ipv6.bindv6only", "0"), "also takes IPv4 clients");
	CHECK_CONTAINS(explain("net.ipv6.bindv6only", "1"), "IPv6 clients only");
}

static void check_generic(void)
{
	static const char *const garbage[][2] = {
		{ "net.ipv4.tcp_syn_retries", "abc" },
		{ "net.ipv4.tcp_syn_retries", "6x" },
		{ "net.ipv4.tcp_syn_retries", "" },
		{ "net.ipv4.tcp_syn_retries", "-1" },
		{ "net.ipv4.tcp_syn_retries", "128" },
		{ "net.ipv4.tcp_syn_retries", "6 7" },
		{ "net.ipv4.tcp_syn_retries", "99999999999999999999999999" },
		{ "net.ipv4.tcp_retries2", "-" },
		{ "net.ipv4.tcp_retries2", "1.5" },
		{ "net.ipv4.ip_local_port_range", "60999 32768" },
		{ "net.ipv4.ip_local_port_range", "32768" },
		{ "net.ipv4.ip_local_port_range", "0 70000" },
		{ "net.ipv4.ip_local_reserved_ports", "8080," },
		{ "net.ipv4.ip_local_reserved_ports", "9010-9000" },
		{ "net.ipv4.ip_local_reserved_ports", "1-" },
		{ "net.ipv4.ip_local_reserved_ports", "123456" },
		{ "net.ipv4.tcp_syncookies", "3" },
		{ "net.ipv4.tcp_ecn", "5" },
		{ "net.ipv4.tcp_ecn", "on" },
		{ "net.ipv4.tcp_sack", "2" },
		{ "net.ipv6.bindv6only", "-0x1" },
		{ "net.ipv4.tcp_rmem", "4096 131072" },
		{ "net.ipv4.tcp_rmem", "4096 -1 6291456" },
		{ "net.ipv4.tcp_rmem", "4096 131072 6291456 1" },
		{ "net.core.rmem_max", "lots" },
		{ "net.ipv4.tcp_fastopen", "-3" },
		{ "net.ipv4.tcp_keepalive_probes", "0" },
		{ "net.ipv4.tcp_congestion_control", "cubic bbr" },
		{ "net.ipv4.tcp_congestion_control", "a-name-far-too-long" },
		{ "net.ipv4.tcp_congestion_control", "cu/bic" },
		{ "net.ipv4.tcp_available_congestion_control", "" },
		{ "net.ipv4.tcp_available_congestion_control", "reno $$" },
	};

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		if (!is_generic(garbage[i][0], garbage[i][1]))
			unit_fail(__FILE__, __LINE__, "%s = [%s] was worked out: %s", garbage[i][0],
				  garbage[i][1], explain(garbage[i][0], garbage[i][1]));

	/* Unreadable: what the setting is for, without a worked-out number. */
	CHECK_STR(explain("net.ipv4.tcp_syn_retries", NULL),
		  "how many times connect() resends its SYN before it fails with ETIMEDOUT");
	CHECK(strstr(explain("net.ipv4.ip_local_port_range", NULL), "ports") != NULL);

	/* Very long values: never worked out from a part, never past the buffer. */
	static char longval[10000];
	memset(longval, '9', sizeof(longval) - 1);
	CHECK(is_generic("net.ipv4.tcp_syn_retries", longval));
	CHECK(is_generic("net.ipv4.tcp_congestion_control", longval));
	memset(longval, 0, sizeof(longval));
	for (size_t i = 0; i + 6 < sizeof(longval); i += 6)
		memcpy(longval + i, "cubic ", 6);
	CHECK_CONTAINS(explain("net.ipv4.tcp_available_congestion_control", longval), "1666 algorithms");
	CHECK(strlen(explain("net.ipv4.tcp_available_congestion_control", longval)) < SETTING_MEANING_MAX);

	/* Names tcptool does not know. */
	CHECK_STR(explain("net.ipv4.tcp_nosuch", "1"), "tcptool has no explanation for this setting");
	CHECK_STR(explain("", NULL), "tcptool has no explanation for this setting");
	CHECK_STR(explain(NULL, "1"), "tcptool has no explanation for this setting");
	CHECK_STR(explain("net.ipv4.tcp_syn_retries.", "6"), "tcptool has no explanation for this setting");

	/* A small buffer is cut and terminated; size 0 writes nothing. */
	char small[8] = "xxxxxxx";
	kernel_setting_explain("net.ipv4.tcp_syn_retries", "6", small, sizeof(small));
	CHECK_STR(small, "connect");
	kernel_setting_explain("net.ipv4.tcp_syn_retries", "6", small, 0);
	CHECK_STR(small, "connect");
}

/*
 * Every setting, with the largest value the kernel takes and unreadable, fits
 * one line of about 110 characters.  Settings in seconds are kept in jiffies:
 * at most INT_MAX / HZ, 8589934 s with HZ=250.
 */
static void check_line_lengths(void)
{
	static const char *const largest[] = {
		"1024 65535", "8080,9000-9010", "2147483647", "2147483647", "2", "127", "255",
		"255", "8589934", "8589934", "8589934", "255", "cubic",
		"reno cubic bbr", "2", "1", "1", "1", "4096 87380 6291456", "4096 16385 2147483647",
		"2147483647", "2147483647", "1027", "1", "2147483647", "1", "1",
	};
	size_t n = kernel_settings_count();
	struct kernel_setting *ks = calloc(n, sizeof(*ks));

	CHECK_INT(sizeof(largest) / sizeof(largest[0]), n);
	if (ks == NULL || sizeof(largest) / sizeof(largest[0]) != n) {
		free(ks);
		return;
	}
	/* The names come from a read of an empty tree. */
	kernel_settings_read("/nonexistent-tcptool-root", ks);
	for (size_t i = 0; i < n; i++) {
		const char *m = explain(ks[i].name, largest[i]);
		CHECK(!is_generic(ks[i].name, largest[i]));
		if (strlen(m) > 110)
			unit_fail(__FILE__, __LINE__, "%s: %zu characters: %s", ks[i].name, strlen(m), m);
		m = explain(ks[i].name, NULL);
		if (strlen(m) > 110)
			unit_fail(__FILE__, __LINE__, "%s unreadable: %zu characters: %s", ks[i].name, strlen(m), m);
	}
	free(ks);
}

/* The temporary sysctl tree: files and folders to remove, newest first. */
static char tree_paths[32][256];
static int tree_n;

static void tree_add(const char *root, const char *rel, const char *content)
{
	char *p = tree_paths[tree_n];

	snprintf(p, sizeof(tree_paths[0]), "%s/%s", root, rel);
	if (content == NULL) {
		CHECK(mkdir(p, 0755) == 0);
	} else {
		int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0);
		if (fd >= 0) {
			CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
			close(fd);
		}
	}
	tree_n++;
}

static void tree_remove(const char *root)
{
	while (tree_n > 0)
		CHECK(remove(tree_paths[--tree_n]) == 0);
	CHECK(rmdir(root) == 0);
}

/* Looks a setting up by name in what kernel_settings_read() wrote. */
static const struct kernel_setting *find(const struct kernel_setting *ks, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (ks[i].name != NULL && strcmp(ks[i].name, name) == 0)
			return &ks[i];
	unit_fail(__FILE__, __LINE__, "no setting %s", name);
	return NULL;
}

static void check_read(void)
{
	/* The dot in the folder's name must stay a dot: only the setting's name has folders. */
	char root[] = "/tmp/tcptool-unit.XXXXXX";
	size_t n = kernel_settings_count();
	struct kernel_setting *ks = calloc(n + 1, sizeof(*ks));
	const struct kernel_setting *s;
	char algos[400] = "";

	CHECK_INT(n, 27);
	if (ks == NULL || mkdtemp(root) == NULL) {
		unit_fail(__FILE__, __LINE__, "no temporary folder");
		free(ks);
		return;
	}
	for (int i = 0; i < 40; i++)
		strcat(algos, i % 2 ? "cubic\t" : "reno  ");
	strcat(algos, "\n");
	tree_add(root, "net", NULL);
	tree_add(root, "net/ipv4", NULL);
	tree_add(root, "net/ipv6", NULL);
	tree_add(root, "net/ipv4/ip_local_port_range", "32768\t60999\n");
	tree_add(root, "net/ipv4/ip_local_reserved_ports", "");
	tree_add(root, "net/ipv4/tcp_rmem", "  4096\t\t131072   6291456 \n");
	tree_add(root, "net/ipv4/tcp_syn_retries", "6\n");
	tree_add(root, "net/ipv4/tcp_ecn", "7\n");
	tree_add(root, "net/ipv4/tcp_available_congestion_control", algos);
	tree_add(root, "net/ipv4/tcp_sack", NULL);   /* a folder: unreadable */
	tree_add(root, "net/ipv6/bindv6only", "0\n");

	ks[n].name = "sentinel";
	kernel_settings_read(root, ks);
	CHECK_STR(ks[n].name, "sentinel");
	CHECK_STR(ks[0].name, "net.ipv4.ip_local_port_range");
	CHECK_STR(ks[n - 1].name, "net.ipv6.bindv6only");

	s = find(ks, n, "net.ipv4.ip_local_port_range");
	if (s) {
		CHECK(s->readable);
		CHECK_STR(s->value, "32768 60999");
		CHECK_CONTAINS(s->meaning, "28232 ports");
	}
	s = find(ks, n, "net.ipv4.ip_local_reserved_ports");
	if (s) {
		CHECK(s->readable);
		CHECK_STR(s->value, "");
		CHECK_CONTAINS(s->meaning, "none");
	}
	s = find(ks, n, "net.ipv4.tcp_rmem");
	if (s) {
		CHECK_STR(s->value, "4096 131072 6291456");
		CHECK_CONTAINS(s->meaning, "6 MiB");
	}
	s = find(ks, n, "net.ipv4.tcp_syn_retries");
	if (s)
		CHECK_CONTAINS(s->meaning, "127 s");
	s = find(ks, n, "net.ipv4.tcp_ecn");
	if (s) {
		CHECK(s->readable);
		CHECK_STR(s->value, "7");
		CHECK_STR(s->meaning, explain(s->name, NULL));
	}
	s = find(ks, n, "net.ipv4.tcp_available_congestion_control");
	if (s) {
		/* Cut after a whole word, marked, and counted in full. */
		CHECK(strlen(s->value) < SETTING_VALUE_MAX);
		CHECK_CONTAINS(s->value, "reno cubic reno");
		size_t len = strlen(s->value);
		CHECK(len > 4 && strcmp(s->value + len - 4, " ...") == 0);
		CHECK(len > 9 && (strcmp(s->value + len - 9, "cubic ...") == 0 ||
				  strcmp(s->value + len - 8, "reno ...") == 0));
		CHECK_CONTAINS(s->meaning, "40 algorithms");
	}
	s = find(ks, n, "net.ipv4.tcp_sack");
	if (s) {
		CHECK(!s->readable);
		CHECK_STR(s->value, "");
		CHECK_STR(s->meaning, explain(s->name, NULL));
	}
	s = find(ks, n, "net.core.somaxconn");   /* missing */
	if (s) {
		CHECK(!s->readable);
		CHECK_STR(s->value, "");
		CHECK_STR(s->meaning, explain(s->name, NULL));
	}
	s = find(ks, n, "net.ipv6.bindv6only");
	if (s)
		CHECK(s->readable);
	tree_remove(root);
	free(ks);
}

/* The machine's own tree, whatever it holds: values come out on one clean line. */
static void check_read_proc(void)
{
	size_t n = kernel_settings_count();
	struct kernel_setting *ks = calloc(n, sizeof(*ks));

	if (ks == NULL)
		return;
	kernel_settings_read("/proc/sys", ks);
	for (size_t i = 0; i < n; i++) {
		const char *v = ks[i].value;
		size_t len = strlen(v);
		CHECK(ks[i].name != NULL);
		CHECK(ks[i].meaning[0] != '\0');
		CHECK(strpbrk(v, "\t\n") == NULL && strstr(v, "  ") == NULL);
		CHECK(len == 0 || (v[0] != ' ' && v[len - 1] != ' '));
		CHECK(strchr(ks[i].meaning, '\n') == NULL);
		CHECK(ks[i].readable || len == 0);
	}
	free(ks);
}

void test_kernel_settings(void)
{
	check_worked_out();
	check_generic();
	check_line_lengths();
	check_read();
	check_read_proc();
}
