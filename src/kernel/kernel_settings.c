/* The kernel settings behind what TCP users see, read and explained. */
#include "kernel/kernel_settings.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/format.h"


/* Writes the worked-out meaning of value; false when value is not understood. */
typedef bool explain_fn(const char *value, char *m, size_t size);

struct setting_info {
	const char *name;
	const char *about;          /* what it is for, without numbers */
	explain_fn *explain;        /* NULL: the value picks one of choices */
	const char *choices[3];     /* the meaning of 0, 1, 2; NULL: not a known value */
};

#define INT_LIMIT 999999999999999999LL   /* 18 digits: sums and products of a few stay in range */

/*
 * Splits value at blanks into decimal integers ('-' allowed, at most 18
 * digits).  Returns how many, or -1 when a word is no integer or there are
 * more than max.
 */
static int parse_ints(const char *value, long long *v, int max)
{
	int n = 0;
	const char *p = value;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		if (n == max)
			return -1;
		bool neg = *p == '-';
		if (neg)
			p++;
		long long x = 0;
		int digits = 0;
		while (isdigit((unsigned char)*p)) {
			if (++digits > 18)
				return -1;
			x = x * 10 + (*p++ - '0');
		}
		if (digits == 0 || (*p != '\0' && !isspace((unsigned char)*p)))
			return -1;
		v[n++] = neg ? -x : x;
	}
}

/* True when value is one integer within lo..hi, stored in *x. */
static bool one_int(const char *value, long long lo, long long hi, long long *x)
{
	return parse_ints(value, x, 1) == 1 && *x >= lo && *x <= hi;
}

static const char *plural(long long n)
{
	return n == 1 ? "" : "s";
}

/* "127 s" or "924.6 s": milliseconds to a tenth of a second, ".0" left out. */
static void format_secs(long long ms, char *buf, size_t size)
{
	long long tenths = (ms + 50) / 100;

	if (tenths % 10 == 0)
		snprintf(buf, size, "%lld s", tenths / 10);
	else
		snprintf(buf, size, "%lld.%lld s", tenths / 10, tenths % 10);
}

/*
 * A long span in words: "15 min", "about 15 min", "2 h", "about 2.2 h",
 * "about 3 days".  False, and nothing written, under ten minutes, where the
 * seconds say enough.
 */
static bool format_span(long long ms, char *buf, size_t size)
{
	const long long min = 60000, hour = 60 * min, day = 24 * hour;

	if (ms < 10 * min)
		return false;
	if (ms < 2 * hour) {
		snprintf(buf, size, "%s%lld min", ms % min ? "about " : "", (ms + min / 2) / min);
	} else if (ms < 2 * day) {
		long long tenths = (ms + hour / 20) / (hour / 10);
		if (ms % hour == 0)
			snprintf(buf, size, "%lld h", ms / hour);
		else if (tenths % 10 == 0)
			snprintf(buf, size, "about %lld h", tenths / 10);
		else
			snprintf(buf, size, "about %lld.%lld h", tenths / 10, tenths % 10);
	} else {
		snprintf(buf, size, "%s%lld days", ms % day ? "about " : "", (ms + day / 2) / day);
	}
	return true;
}

/*
 * The kernel's tcp_model_timeout(): how long n retransmissions take when the
 * timeout starts at base_ms and doubles each time, up to TCP_RTO_MAX (120 s),
 * then stays there.
 */
static long long backoff_ms(long long n, long long base_ms)
{
	const long long rto_max = 120000;
	long long thresh = 0;

	/* ilog2(TCP_RTO_MAX / base): the doublings before the cap. */
	while ((base_ms << (thresh + 1)) <= rto_max)
		thresh++;
	if (n <= thresh)
		return ((2LL << n) - 1) * base_ms;
	return ((2LL << thresh) - 1) * base_ms + (n - thresh) * rto_max;
}

/* "127 s" or "924.6 s, about 15 min": n retransmissions from base_ms. */
static void format_backoff(long long n, long long base_ms, char *buf, size_t size)
{
	long long ms = backoff_ms(n, base_ms);
	char secs[32], span[32];

	format_secs(ms, secs, sizeof(secs));
	if (format_span(ms, span, sizeof(span)))
		snprintf(buf, size, "%s, %s", secs, span);
	else
		snprintf(buf, size, "%s", secs);
}

static bool explain_port_range(const char *value, char *m, size_t size)
{
	long long v[2];

	if (parse_ints(value, v, 2) != 2 || v[0] < 1 || v[0] > v[1] || v[1] > 65535)
		return false;
	long long n = v[1] - v[0] + 1;
	snprintf(m, size, "connect() and bind() to port 0 pick local ports from %lld-%lld: "
		 "%lld port%s per destination", v[0], v[1], n, plural(n));
	return true;
}

/* The kernel lists reserved ports as "8080,9000-9010" (empty: none). */
static bool explain_reserved_ports(const char *value, char *m, size_t size)
{
	const char *p = value;
	long long count = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		snprintf(m, size, "none: connect() and bind() to port 0 may pick any port of ip_local_port_range");
		return true;
	}
	for (;;) {
		long long lo = 0, hi;
		int digits = 0;
		while (isdigit((unsigned char)*p) && digits++ < 5)
			lo = lo * 10 + (*p++ - '0');
		hi = lo;
		if (*p == '-') {
			int hdigits = 0;
			p++;
			hi = 0;
			while (isdigit((unsigned char)*p) && hdigits++ < 5)
				hi = hi * 10 + (*p++ - '0');
			if (hdigits == 0)
				return false;
		}
		if (digits == 0 || lo > hi || hi > 65535)
			return false;
		count += hi - lo + 1;
		if (*p != ',')
			break;
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return false;
	snprintf(m, size, "%lld port%s connect() and bind() to port 0 never pick; bind() to them by number still works",
		 count, plural(count));
	return true;
}

static bool explain_somaxconn(const char *value, char *m, size_t size)
{
	long long n;

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	snprintf(m, size, "listen() backlogs are cut to %lld: at most that many finished handshakes "
		 "wait for accept() per listener", n);
	return true;
}

static bool explain_syn_backlog(const char *value, char *m, size_t size)
{
	long long n;

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	snprintf(m, size, "with SYN cookies off, a listener keeps up to %lld half-open connection%s "
		 "(SYN in, no final ACK yet)", n, plural(n));
	return true;
}

static bool explain_syn_retries(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 1, 127, &n))
		return false;
	/* The first SYN waits the initial RTO of 1 s. */
	format_backoff(n, 1000, t, sizeof(t));
	snprintf(m, size, "connect() gives up after %lld SYN retransmission%s: about %s without an answer",
		 n, plural(n), t);
	return true;
}

static bool explain_synack_retries(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 0, 255, &n))
		return false;
	format_backoff(n, 1000, t, sizeof(t));
	snprintf(m, size, "a listener resends its SYN-ACK %lld time%s: a half-open connection is dropped "
		 "after about %s", n, plural(n), t);
	return true;
}

static bool explain_retries2(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	/* Established connections back off from TCP_RTO_MIN, 200 ms. */
	format_backoff(n, 200, t, sizeof(t));
	snprintf(m, size, "an established connection whose data goes unacknowledged gives up after %lld resend%s: %s",
		 n, plural(n), t);
	return true;
}

/* "60 s" or "7200 s (2 h)". */
static void format_secs_span(long long s, char *buf, size_t size)
{
	char secs[32], span[32];

	format_secs(s * 1000, secs, sizeof(secs));
	if (format_span(s * 1000, span, sizeof(span)))
		snprintf(buf, size, "%s (%s)", secs, span);
	else
		snprintf(buf, size, "%s", secs);
}

static bool explain_fin_timeout(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 1, INT_MAX, &n))
		return false;
	format_secs_span(n, t, sizeof(t));
	snprintf(m, size, "an orphaned socket (closed by its program) waits %s in FIN_WAIT2 for the peer's FIN",
		 t);
	return true;
}

static bool explain_keepalive_time(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 1, INT_MAX, &n))
		return false;
	format_secs_span(n, t, sizeof(t));
	snprintf(m, size, "SO_KEEPALIVE only: the first keepalive probe goes out after %s with nothing received",
		 t);
	return true;
}

static bool explain_keepalive_intvl(const char *value, char *m, size_t size)
{
	long long n;
	char t[80];

	if (!one_int(value, 1, INT_MAX, &n))
		return false;
	format_secs_span(n, t, sizeof(t));
	snprintf(m, size, "SO_KEEPALIVE only: an unanswered keepalive probe is repeated every %s", t);
	return true;
}

/* The total needs the other two settings, so it is given as a sum. */
static bool explain_keepalive_probes(const char *value, char *m, size_t size)
{
	long long n;

	if (!one_int(value, 1, 255, &n))
		return false;
	snprintf(m, size, "SO_KEEPALIVE only: %lld unanswered probe%s drop the connection: "
		 "keepalive_time + %lld * keepalive_intvl idle", n, plural(n), n);
	return true;
}

/* A congestion control module's name: TCP_CA_NAME_MAX is 16 with the NUL. */
static bool is_ca_name(const char *s, size_t len)
{
	if (len == 0 || len > 15)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool explain_congestion(const char *value, char *m, size_t size)
{
	static const struct { const char *name, *how; } known[] = {
		{ "cubic", "grows the window along a cubic curve since the last loss (the Linux default)" },
		{ "reno", "halves the window on loss and grows it one segment per round trip" },
		{ "bbr", "paces sending by measured bandwidth and round-trip time, not by loss" },
		{ "dctcp", "backs off by the share of ECN-marked packets (for data centres)" },
		{ "vegas", "backs off when the round-trip time grows, before any loss" },
	};
	char name[16];
	size_t len;

	while (isspace((unsigned char)*value))
		value++;
	len = strcspn(value, " \t\n");
	if (!is_ca_name(value, len) || value[len + strspn(value + len, " \t\n")] != '\0')
		return false;
	memcpy(name, value, len);
	name[len] = '\0';
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(name, known[i].name) == 0) {
			snprintf(m, size, "new connections use %s, which %s", name, known[i].how);
			return true;
		}
	}
	snprintf(m, size, "new connections use %s to decide how fast to send (TCP_CONGESTION picks another per socket)",
		 name);
	return true;
}

static bool explain_available_congestion(const char *value, char *m, size_t size)
{
	long long n = 0;
	const char *p = value;

	for (;;) {
		p += strspn(p, " \t\n");
		if (*p == '\0')
			break;
		size_t len = strcspn(p, " \t\n");
		if (!is_ca_name(p, len))
			return false;
		n++;
		p += len;
	}
	if (n == 0)
		return false;
	snprintf(m, size, "%lld algorithm%s loaded, ready for TCP_CONGESTION; others need their kernel module loaded first",
		 n, plural(n));
	return true;
}

/* tcp_rmem and tcp_wmem: "min default max" in bytes. */
static bool explain_buffers(const char *value, char *m, size_t size, const char *what, const char *opt)
{
	long long v[3];
	char lo[32], def[32], hi[32];

	if (parse_ints(value, v, 3) != 3 || v[0] < 0 || v[1] < 0 || v[2] < 0)
		return false;
	format_bytes((uint64_t)v[0], lo, sizeof(lo));
	format_bytes((uint64_t)v[1], def, sizeof(def));
	format_bytes((uint64_t)v[2], hi, sizeof(hi));
	snprintf(m, size, "%s buffer per socket: starts at %s, auto-tuned between %s and %s unless %s is set",
		 what, def, lo, hi, opt);
	return true;
}

static bool explain_rmem(const char *value, char *m, size_t size)
{
	return explain_buffers(value, m, size, "receive", "SO_RCVBUF");
}

static bool explain_wmem(const char *value, char *m, size_t size)
{
	return explain_buffers(value, m, size, "send", "SO_SNDBUF");
}

/* rmem_max and wmem_max cap what setsockopt() grants, not auto-tuning. */
static bool explain_buffer_max(const char *value, char *m, size_t size, const char *opt)
{
	long long n;
	char b[32];

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	format_bytes((uint64_t)n, b, sizeof(b));
	snprintf(m, size, "%s requests are capped at %s (the kernel doubles what it grants); auto-tuning may go past",
		 opt, b);
	return true;
}

static bool explain_rmem_max(const char *value, char *m, size_t size)
{
	return explain_buffer_max(value, m, size, "SO_RCVBUF");
}

static bool explain_wmem_max(const char *value, char *m, size_t size)
{
	return explain_buffer_max(value, m, size, "SO_SNDBUF");
}

static bool explain_fastopen(const char *value, char *m, size_t size)
{
	static const char *const sides[] = {
		"off: no data rides in SYN packets, neither sent nor accepted",
		"client side on: connect() may send data in the SYN (MSG_FASTOPEN); listeners do not accept it",
		"server side on: listeners with TCP_FASTOPEN accept data in the SYN; clients do not send it",
		"client and server on: connect() may send data in the SYN, TCP_FASTOPEN listeners accept it",
	};
	long long n;

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	/* Bits above 1 and 2 are rarer variants (no cookie, every listener). */
	if (n & ~3LL)
		snprintf(m, size, "%s (and flags 0x%llx)", sides[n & 3], (unsigned long long)(n & ~3LL));
	else
		snprintf(m, size, "%s", sides[n]);
	return true;
}

static bool explain_tw_buckets(const char *value, char *m, size_t size)
{
	long long n;

	if (!one_int(value, 0, INT_MAX, &n))
		return false;
	snprintf(m, size, "at most %lld socket%s wait in TIME_WAIT; beyond that new ones skip it and the kernel logs it",
		 n, plural(n));
	return true;
}

/* In the order "tcptool info --system" shows them. */
static const struct setting_info settings[] = {
	{ "net.ipv4.ip_local_port_range",
	  "the local ports connect() and bind() to port 0 pick from; it caps connections to one destination",
	  explain_port_range, { NULL } },
	{ "net.ipv4.ip_local_reserved_ports",
	  "ports connect() and bind() to port 0 never pick, kept free for services that bind them by number",
	  explain_reserved_ports, { NULL } },
	{ "net.core.somaxconn",
	  "caps the backlog listen() may ask for: how many finished handshakes may wait for accept()",
	  explain_somaxconn, { NULL } },
	{ "net.ipv4.tcp_max_syn_backlog",
	  "how many half-open connections (SYN in, no final ACK yet) a listener keeps without SYN cookies",
	  explain_syn_backlog, { NULL } },
	{ "net.ipv4.tcp_syncookies",
	  "SYN cookies: answering SYNs without keeping state, so a SYN flood cannot fill a listener's queue",
	  NULL, {
		"off: when a listener's SYN queue is full, new SYNs are dropped and clients must retry",
		"on when needed: a listener whose SYN queue is full answers with SYN cookies instead of dropping",
		"always: every SYN is answered with a SYN cookie, queue full or not (meant for testing)",
	  } },
	{ "net.ipv4.tcp_syn_retries",
	  "how many times connect() resends its SYN before it fails with ETIMEDOUT",
	  explain_syn_retries, { NULL } },
	{ "net.ipv4.tcp_synack_retries",
	  "how many times a listener resends its SYN-ACK before it drops a half-open connection",
	  explain_synack_retries, { NULL } },
	{ "net.ipv4.tcp_retries2",
	  "how long an established connection keeps resending unacknowledged data before it is dropped",
	  explain_retries2, { NULL } },
	{ "net.ipv4.tcp_fin_timeout",
	  "how long an orphaned socket (closed by its program) waits in FIN_WAIT2 for the peer's FIN",
	  explain_fin_timeout, { NULL } },
	{ "net.ipv4.tcp_keepalive_time",
	  "how long a connection with SO_KEEPALIVE may stay idle before the first keepalive probe",
	  explain_keepalive_time, { NULL } },
	{ "net.ipv4.tcp_keepalive_intvl",
	  "the time between keepalive probes that go unanswered (SO_KEEPALIVE sockets only)",
	  explain_keepalive_intvl, { NULL } },
	{ "net.ipv4.tcp_keepalive_probes",
	  "how many unanswered keepalive probes drop a connection (SO_KEEPALIVE sockets only)",
	  explain_keepalive_probes, { NULL } },
	{ "net.ipv4.tcp_congestion_control",
	  "the congestion control algorithm new connections use, unless a socket sets TCP_CONGESTION",
	  explain_congestion, { NULL } },
	{ "net.ipv4.tcp_available_congestion_control",
	  "the congestion control algorithms loaded in this kernel, the ones TCP_CONGESTION can pick",
	  explain_available_congestion, { NULL } },
	{ "net.ipv4.tcp_ecn",
	  "ECN: routers mark packets instead of dropping them to signal congestion, when both ends agree",
	  NULL, {
		"off: ECN is neither asked for nor accepted, so routers can signal congestion only by dropping",
		"on: outgoing connections ask for ECN, and incoming ones that ask for it get it",
		"accepted when the peer asks for it, never asked for on outgoing connections (the Linux default)",
	  } },
	{ "net.ipv4.tcp_sack",
	  "selective ACKs: the receiver reports which segments arrived past a gap, so only missing ones are resent",
	  NULL, {
		"off: after a loss the sender learns only of the first gap and may resend data that arrived",
		"on: the receiver reports which segments arrived past a gap, so only the missing ones are resent",
	  } },
	{ "net.ipv4.tcp_timestamps",
	  "the timestamp option: round-trip measurement and protection against old segments (PAWS)",
	  NULL, {
		"off: no timestamp option, so round trips are measured less often and old segments go unnoticed",
		"on, with a random offset per connection: round-trip measurement and protection from old segments",
		"on, without the random offset: round-trip measurement and protection from old segments",
	  } },
	{ "net.ipv4.tcp_window_scaling",
	  "window scaling: lets the receive window grow past 64 KiB",
	  NULL, {
		"off: windows stop at 64 KiB, so a connection sends at most 64 KiB per round trip",
		"on: receive windows may grow past 64 KiB, which fast long-distance transfers need",
	  } },
	{ "net.ipv4.tcp_rmem",
	  "a TCP socket's receive buffer in bytes: the min, default and max of the kernel's auto-tuning",
	  explain_rmem, { NULL } },
	{ "net.ipv4.tcp_wmem",
	  "a TCP socket's send buffer in bytes: the min, default and max of the kernel's auto-tuning",
	  explain_wmem, { NULL } },
	{ "net.core.rmem_max",
	  "the most a program may ask for with SO_RCVBUF; TCP auto-tuning (tcp_rmem) is not bound by it",
	  explain_rmem_max, { NULL } },
	{ "net.core.wmem_max",
	  "the most a program may ask for with SO_SNDBUF; TCP auto-tuning (tcp_wmem) is not bound by it",
	  explain_wmem_max, { NULL } },
	{ "net.ipv4.tcp_fastopen",
	  "TCP Fast Open, data in the SYN to save a round trip: bit 1 enables clients, bit 2 servers",
	  explain_fastopen, { NULL } },
	{ "net.ipv4.tcp_tw_reuse",
	  "whether new outgoing connections may reuse a local port still in TIME_WAIT",
	  NULL, {
		"off: new outgoing connections never take a local port still in TIME_WAIT",
		"on: outgoing connections may take a port still in TIME_WAIT when timestamps make it safe",
		"loopback only: connections to loopback may take a port still in TIME_WAIT (the default)",
	  } },
	{ "net.ipv4.tcp_max_tw_buckets",
	  "how many sockets may wait in TIME_WAIT at once; beyond that new ones skip it",
	  explain_tw_buckets, { NULL } },
	{ "net.ipv4.tcp_slow_start_after_idle",
	  "whether a connection that went idle restarts with a small congestion window",
	  NULL, {
		"off: a connection keeps its congestion window across idle periods",
		"on: a connection idle for a retransmission timeout restarts with a small window (slow start)",
	  } },
	{ "net.ipv6.bindv6only",
	  "whether a listener on [::] also takes IPv4 clients when it does not set IPV6_V6ONLY itself",
	  NULL, {
		"a listener on [::] also takes IPv4 clients (as ::ffff:a.b.c.d) unless it sets IPV6_V6ONLY",
		"a listener on [::] takes IPv6 clients only unless it clears IPV6_V6ONLY (tcptool's listeners do)",
	  } },
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

size_t kernel_settings_count(void)
{
	return N_SETTINGS;
}

void kernel_setting_explain(const char *name, const char *value, char *meaning, size_t size)
{
	const struct setting_info *s = NULL;

	if (size == 0)
		return;
	for (size_t i = 0; name != NULL && i < N_SETTINGS; i++)
		if (strcmp(name, settings[i].name) == 0)
			s = &settings[i];
	if (s == NULL) {
		snprintf(meaning, size, "tcptool has no explanation for this setting");
		return;
	}
	if (value != NULL) {
		long long n;
		if (s->explain != NULL && s->explain(value, meaning, size))
			return;
		if (s->explain == NULL && one_int(value, 0, 2, &n) && s->choices[n] != NULL) {
			snprintf(meaning, size, "%s", s->choices[n]);
			return;
		}
	}
	snprintf(meaning, size, "%s", s->about);
}

/* Copies src with every run of blanks and newlines made one space, trimmed. */
static void squeeze(const char *src, char *dst)
{
	size_t n = 0;
	bool blank = false;

	for (const char *p = src; *p; p++) {
		if (isspace((unsigned char)*p)) {
			blank = n > 0;
			continue;
		}
		if (blank)
			dst[n++] = ' ';
		blank = false;
		dst[n++] = *p;
	}
	dst[n] = '\0';
}

/* Reads root/net/ipv4/... for name into raw; false when it cannot. */
static bool read_setting(const char *root, const char *name, char *raw, size_t size)
{
	char path[PATH_MAX];
	int len = snprintf(path, sizeof(path), "%s/%s", root, name);

	if (len < 0 || (size_t)len >= sizeof(path))
		return false;
	/* Only the name's dots are folders: the root may have dots of its own. */
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '.')
			*p = '/';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t got = 0;
	while (got < size - 1) {
		ssize_t r = read(fd, raw + got, size - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return false;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	raw[got] = '\0';
	return true;
}

void kernel_settings_read(const char *root, struct kernel_setting *out)
{
	if (root == NULL)
		root = "/proc/sys";
	for (size_t i = 0; i < N_SETTINGS; i++) {
		struct kernel_setting *ks = &out[i];
		char raw[4096], value[4096];

		ks->name = settings[i].name;
		ks->value[0] = '\0';
		ks->readable = read_setting(root, ks->name, raw, sizeof(raw));
		if (!ks->readable) {
			kernel_setting_explain(ks->name, NULL, ks->meaning, sizeof(ks->meaning));
			continue;
		}
		squeeze(raw, value);
		kernel_setting_explain(ks->name, value, ks->meaning, sizeof(ks->meaning));
		size_t len = strlen(value);
		if (len < sizeof(ks->value)) {
			memcpy(ks->value, value, len + 1);
			continue;
		}
		/* Too long: keep whole words and say so with "...". */
		size_t keep = sizeof(ks->value) - 5;
		while (keep > 0 && value[keep] != ' ')  // NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult): len > keep
			keep--;
		if (keep == 0)
			keep = sizeof(ks->value) - 5;
		memcpy(ks->value, value, keep);
		memcpy(ks->value + keep, " ...", 5);
	}
}
