/* What -O came to, as the user sees it: sockopt events, refusals, info's rows. */
#include "view/sockopt_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/exit_status.h"

/* A value as the event shows it: "on", "131072", "0x10", "5000 ms", "5 s", "bbr". */
char *sockopt_value_text(enum sockopt_id id, bool listener, const struct sockopt_value *v, char *buf,
			size_t size)
{
	switch (sockopt_def(id)->kind) {
	case SOCKOPT_KIND_ONOFF:
	case SOCKOPT_KIND_KEEPALIVE:
		snprintf(buf, size, "%s", v->n ? "on" : "off");
		break;
	case SOCKOPT_KIND_QLEN:
		if (listener)
			snprintf(buf, size, "%lld", v->n);
		else
			snprintf(buf, size, "%s", v->n ? "on" : "off");
		break;
	case SOCKOPT_KIND_NUMBER:
		snprintf(buf, size, id == SOCKOPT_TOS ? "0x%02llx" : "%lld", v->n);
		break;
	case SOCKOPT_KIND_SIZE:
		snprintf(buf, size, "%lld", v->n);
		break;
	case SOCKOPT_KIND_MS:
		snprintf(buf, size, "%lld ms", v->n);
		break;
	case SOCKOPT_KIND_SECONDS:
		if (v->n < 0)
			snprintf(buf, size, "off");
		else
			snprintf(buf, size, "%lld s", v->n);
		break;
	case SOCKOPT_KIND_NAME:
		snprintf(buf, size, "%s", v->str[0] ? v->str : "none");
		break;
	}
	return buf;
}

/* True when the kernel holds what was asked: keepalive's times only where they were given. */
static bool granted_as_asked(const struct sockopt_result *x)
{
	const struct sockopt_value *a = &x->asked, *g = &x->granted;

	switch (sockopt_def(x->id)->kind) {
	case SOCKOPT_KIND_NAME:
		return strcmp(a->str, g->str) == 0;
	case SOCKOPT_KIND_KEEPALIVE:
		return a->n == g->n && (!a->idle_s || a->idle_s == g->idle_s) &&
		       (!a->interval_s || a->interval_s == g->interval_s) && (!a->count || a->count == g->count);
	case SOCKOPT_KIND_ONOFF:
		return (a->n != 0) == (g->n != 0);
	default:
		return a->n == g->n;
	}
}

static const char *congestion_meaning(const char *alg)
{
	static const struct { const char *name, *meaning; } algs[] = {
		{ "reno", "the classic: the window grows by a segment each round trip and halves on a loss" },
		{ "cubic", "the window grows along a cubic curve of the time since the last loss (Linux's default)" },
		{ "bbr", "sends at the bottleneck's measured bandwidth and round-trip time, not by losses" },
		{ "vegas", "slows down as the round-trip time grows, before anything is lost" },
		{ "dctcp", "backs off by the share of ECN-marked packets (for data centres)" },
		{ "westwood", "after a loss, sets the window from the bandwidth it measured" },
		{ "htcp", "grows faster the longer since the last loss (for long fat networks)" },
	};

	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(alg, algs[i].name) == 0)
			return algs[i].meaning;
	return "this connection's congestion control algorithm";
}

/* What the value g means, as the line's end. */
void sockopt_meaning(const struct sockopt_result *x, const struct sockopt_value *g, bool listener,
		    int fastopen_sysctl, char *buf, size_t size)
{
	switch (x->id) {
	case SOCKOPT_NODELAY:
		snprintf(buf, size, "%s", g->n ? "Nagle's algorithm is off: small writes leave at once"
			 : "Nagle's algorithm holds a small write while data is unacknowledged");
		break;
	case SOCKOPT_CORK:
		snprintf(buf, size, "%s", g->n ? "partial segments wait until they are full, 200 ms at most"
			 : "each write may leave as a segment of its own");
		break;
	case SOCKOPT_QUICKACK:
		snprintf(buf, size, "%s", g->n ? "ACKs leave at once, not delayed; the kernel clears it again by itself"
			 : "ACKs may wait a little to ride on data");
		break;
	case SOCKOPT_SNDBUF:
		snprintf(buf, size, "up to %lld bytes of ours wait in the kernel, sent or not, bookkeeping included", g->n);
		break;
	case SOCKOPT_RCVBUF:
		snprintf(buf, size, "up to %lld bytes from the peer wait in the kernel, bookkeeping included", g->n);
		break;
	case SOCKOPT_MSS:
		snprintf(buf, size, "segments will carry at most %lld bytes", g->n);
		break;
	case SOCKOPT_CONGESTION:
		snprintf(buf, size, "%s", congestion_meaning(g->str));
		break;
	case SOCKOPT_KEEPALIVE:
		if (g->n)
			snprintf(buf, size, "after %d s idle, a probe every %d s; %d unanswered probes end the connection",
				 g->idle_s, g->interval_s, g->count);
		else
			snprintf(buf, size, "an idle connection is never probed");
		break;
	case SOCKOPT_USER_TIMEOUT:
		if (g->n)
			snprintf(buf, size, "data unacknowledged for %lld ms ends the connection (ETIMEDOUT)", g->n);
		else
			snprintf(buf, size, "the kernel's own retransmission limit applies (net.ipv4.tcp_retries2)");
		break;
	case SOCKOPT_LINGER:
		if (g->n < 0)
			snprintf(buf, size, "close() returns at once; the kernel sends what is left, then FIN");
		else if (g->n == 0)
			snprintf(buf, size, "close() discards unsent data and sends RST, not FIN");
		else
			snprintf(buf, size, "close() waits up to %lld s for unsent data to be acknowledged", g->n);
		break;
	case SOCKOPT_FASTOPEN:
		if (!listener)
			snprintf(buf, size, "%s", g->n ? "the SYN asks for a Fast Open cookie, or carries the first "
				 "data once one is cached" : "no Fast Open: data waits for the handshake");
		else if (g->n && fastopen_sysctl >= 0 && !(fastopen_sysctl & 2))
			snprintf(buf, size, "a queue of %lld, but net.ipv4.tcp_fastopen is %d, without 2: the "
				 "kernel ignores data in SYNs (sysctl -w net.ipv4.tcp_fastopen=%d)",
				 g->n, fastopen_sysctl, fastopen_sysctl | 2);
		else if (g->n)
			snprintf(buf, size, "up to %lld SYNs carrying data are served before their handshake completes",
				 g->n);
		else
			snprintf(buf, size, "no Fast Open: data in a SYN waits for the handshake");
		break;
	case SOCKOPT_TTL:
		snprintf(buf, size, "our packets cross at most %lld routers", g->n);
		break;
	case SOCKOPT_TOS:
		snprintf(buf, size, "our packets carry DSCP %lld (the byte's top six bits)", g->n >> 2);
		break;
	case SOCKOPT_REUSEPORT:
		snprintf(buf, size, "%s", g->n ? "other sockets of this user may bind the same port; the kernel "
			 "spreads the clients among the listeners" : "the port is this socket's alone");
		break;
	case SOCKOPT_BIND_DEVICE:
		if (g->str[0])
			snprintf(buf, size, "the socket sends and receives through %s only", g->str);
		else
			snprintf(buf, size, "any interface");
		break;
	case SOCKOPT_NOTSENT_LOWAT:
		if (g->n)
			snprintf(buf, size, "the socket counts as writable only while fewer than %lld bytes wait unsent",
				 g->n);
		else
			snprintf(buf, size, "net.ipv4.tcp_notsent_lowat applies (by default: no limit)");
		break;
	case SOCKOPT_DEFER_ACCEPT:
		if (g->n)
			snprintf(buf, size, "accept() waits up to %lld s for a client's first data", g->n);
		else
			snprintf(buf, size, "accept() takes a client as soon as its handshake completes");
		break;
	case SOCKOPT_WINDOW_CLAMP:
		snprintf(buf, size, "the window we advertise stays at most %lld bytes", g->n);
		break;
	default:
		snprintf(buf, size, "set");
		break;
	}
}

/* Why the kernel granted other than asked. */
static void difference(const struct sockopt_result *x, char *buf, size_t size)
{
	long long a = x->asked.n, g = x->granted.n;
	const char *max = x->id == SOCKOPT_SNDBUF ? "net.core.wmem_max" : "net.core.rmem_max";

	switch (x->id) {
	case SOCKOPT_SNDBUF:
	case SOCKOPT_RCVBUF:
		if (g == 2 * a)
			snprintf(buf, size, "it doubles the request for its own bookkeeping");
		else if (g < 2 * a)
			snprintf(buf, size, "it caps the request at %s (%lld here), then doubles it for its own "
				 "bookkeeping", max, g / 2);
		else
			snprintf(buf, size, "it doubles the request and raises it to its minimum");
		break;
	case SOCKOPT_MSS:
		snprintf(buf, size, "%s", g < a ? "the TCP options in every segment (timestamps: 12 bytes), or the "
			 "peer's MSS, leave less room for data" : "the kernel's own bounds");
		break;
	case SOCKOPT_TOS:
		snprintf(buf, size, "it keeps the two ECN bits (0x03) of the byte for itself");
		break;
	case SOCKOPT_DEFER_ACCEPT:
		snprintf(buf, size, "it counts the wait in SYN-ACK retransmissions, and rounds up to the time they take");
		break;
	case SOCKOPT_WINDOW_CLAMP:
		snprintf(buf, size, "%s", g > a ? "its least is half the smallest receive buffer"
			 : "it holds the window within what the receive buffer allows");
		break;
	case SOCKOPT_KEEPALIVE:
		snprintf(buf, size, "after %d s idle, a probe every %d s; %d unanswered probes end the connection",
			 x->granted.idle_s, x->granted.interval_s, x->granted.count);
		break;
	default:
		snprintf(buf, size, "the kernel's own limit");
		break;
	}
}

/* With -v: what the option changes. */
static const char *what_it_changes(const struct sockopt_result *x, bool listener)
{
	switch (x->id) {
	case SOCKOPT_NODELAY:
		return "small writes no longer wait for the ACK of the data in flight: less delay, more small segments";
	case SOCKOPT_CORK:
		return "fewer, fuller segments: for a header and a body written apart";
	case SOCKOPT_QUICKACK:
		return "the ACK of data is not held back to ride on our reply; set it after each read to keep it so";
	case SOCKOPT_SNDBUF:
		return "how much we can write before send() blocks; setting it turns off the kernel's autotuning of it";
	case SOCKOPT_RCVBUF:
		return "it bounds the window we advertise, so what one round trip can bring; setting it turns off autotuning";
	case SOCKOPT_MSS:
		return "announced in our SYN's MSS option: the peer sends us no larger segments, and we send none larger";
	case SOCKOPT_CONGESTION:
		return "it decides how fast we send: how the congestion window grows, and what a loss does to it";
	case SOCKOPT_KEEPALIVE:
		return "a dead peer or a lost route shows after IDLE + COUNT x INTVL: reads and writes then fail with "
		       "ETIMEDOUT";
	case SOCKOPT_USER_TIMEOUT:
		return "how long our data may go unacknowledged, retransmissions included, before the kernel gives up";
	case SOCKOPT_LINGER:
		return "0: an abortive close, RST, no TIME_WAIT; N: close() blocks until the peer acknowledged, N s at most";
	case SOCKOPT_FASTOPEN:
		return listener ? "clients with a cookie send data in their SYN and get the answer a round trip sooner"
				: "later connections to the same server save a round trip: connect() returns at once and "
				  "the SYN leaves with the first write";
	case SOCKOPT_TTL:
		return "each router lowers it by one and drops the packet at 0 (how traceroute finds the routers)";
	case SOCKOPT_TOS:
		return "routers may queue or drop by it (DSCP); tcpdump -v shows it as tos";
	case SOCKOPT_REUSEPORT:
		return "several listeners, in this process or others, share one port, each taking a share of the clients";
	case SOCKOPT_BIND_DEVICE:
		return "the routing table's other interfaces are not used, even for an address they would reach";
	case SOCKOPT_NOTSENT_LOWAT:
		return "the queue of unsent data stays short, so what is written is fresh: less delay, same throughput";
	case SOCKOPT_DEFER_ACCEPT:
		return "a client that connects and says nothing is not handed to accept() meanwhile";
	case SOCKOPT_WINDOW_CLAMP:
		return "the peer may have at most that much in flight to us: throughput stays below clamp / RTT";
	default:
		return "";
	}
}

void sockopt_describe(const struct sockopt_result *x, bool listener, int verbose, int fastopen_sysctl,
		      char *buf, size_t size)
{
	const char *kernel = sockopt_kernel_name(x->id, x->family, x->listener);
	const char *whose = listener ? "the listener's " : "";
	char asked[64], granted[64], why[400];
	int n;

	sockopt_value_text(x->id, x->listener, &x->asked, asked, sizeof(asked));
	if (!x->read) {
		n = snprintf(buf, size, "%s%s %s: set; the kernel does not say what it holds", whose, kernel, asked);
	} else if (granted_as_asked(x)) {
		sockopt_meaning(x, &x->granted, x->listener, fastopen_sysctl, why, sizeof(why));
		sockopt_value_text(x->id, x->listener, &x->granted, granted, sizeof(granted));
		n = snprintf(buf, size, "%s%s %s: %s", whose, kernel, granted, why);
	} else {
		difference(x, why, sizeof(why));
		sockopt_value_text(x->id, x->listener, &x->granted, granted, sizeof(granted));
		n = snprintf(buf, size, "%s%s: asked %s, the kernel grants %s: %s", whose, kernel, asked, granted,
			     why);
	}
	if (verbose > 0 && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "\n  %s", what_it_changes(x, x->listener));
}

void sockopt_refusal_text(const struct sockopt_result *x, const char *loaded, const char *allowed,
			  int fastopen_sysctl, char *buf, size_t size)
{
	const char *text = x->req ? x->req->text : sockopt_def(x->id)->name;
	const char *kernel = x->refused ? x->refused : sockopt_kernel_name(x->id, x->family, x->listener);
	const char *range = sockopt_def(x->id)->range;

	if (x->id == SOCKOPT_CONGESTION && x->err == ENOENT)
		snprintf(buf, size, "-O %s: not available here (loaded: %s); modprobe tcp_%s", text,
			 loaded[0] ? loaded : "?", x->asked.str);
	else if (x->id == SOCKOPT_CONGESTION && (x->err == EPERM || x->err == EACCES))
		snprintf(buf, size, "-O %s: not allowed without CAP_NET_ADMIN (allowed: %s); run as root, or add it "
			 "to net.ipv4.tcp_allowed_congestion_control", text, allowed[0] ? allowed : "?");
	else if (x->id == SOCKOPT_BIND_DEVICE && (x->err == EPERM || x->err == EACCES))
		snprintf(buf, size, "-O %s: needs CAP_NET_RAW (run as root)", text);
	else if (x->id == SOCKOPT_BIND_DEVICE && x->err == ENODEV)
		snprintf(buf, size, "-O %s: no such interface here (ip link lists them)", text);
	else if (x->id == SOCKOPT_FASTOPEN && x->err == EOPNOTSUPP && fastopen_sysctl >= 0)
		snprintf(buf, size, "-O %s: client Fast Open is off here: net.ipv4.tcp_fastopen is %d, without 1 "
			 "(sysctl -w net.ipv4.tcp_fastopen=%d)", text, fastopen_sysctl, fastopen_sysctl | 1);
	else if (x->err == EPERM || x->err == EACCES)
		snprintf(buf, size, "-O %s: the kernel refuses %s (%s): it needs a capability (run as root)", text,
			 kernel, strerror(x->err));
	else if (x->err == EINVAL && range)
		snprintf(buf, size, "-O %s: the kernel refuses %s (%s): it takes %s", text, kernel,
			 strerror(x->err), range);
	else if (x->err == ENOPROTOOPT)
		snprintf(buf, size, "-O %s: this kernel does not know %s", text, kernel);
	else
		snprintf(buf, size, "-O %s: the kernel refuses %s: %s", text, kernel, strerror(x->err));
}

void sockopt_report_results(const struct report *r, const struct sockopt_results *res, bool listener,
			    uint64_t conn)
{
	int fastopen = -1;
	char human[1024];

	if (r->quiet)
		return;
	for (int i = 0; i < res->n; i++) {
		const struct sockopt_result *x = &res->r[i];
		bool named = sockopt_def(x->id)->kind == SOCKOPT_KIND_NAME;
		bool keepalive = x->id == SOCKOPT_KEEPALIVE && x->read;
		if (x->err)
			continue;
		if (x->id == SOCKOPT_FASTOPEN && fastopen < 0)
			fastopen = sockopt_fastopen_sysctl();
		sockopt_describe(x, listener, r->verbose, fastopen, human, sizeof(human));
		struct field f[] = {
			F_STR("name", sockopt_def(x->id)->name),
			F_STR("option", sockopt_kernel_name(x->id, x->family, x->listener)),
			F_STR("socket", listener ? "listener" : "connection"),
			named ? F_STR("asked", x->asked.str) : F_INT("asked", x->asked.n),
			!x->read ? F_STR("granted", NULL)
				 : named ? F_STR("granted", x->granted.str) : F_INT("granted", x->granted.n),
			keepalive ? F_INT("idle_s", x->granted.idle_s) : F_STR("idle_s", NULL),
			keepalive ? F_INT("interval_s", x->granted.interval_s) : F_STR("interval_s", NULL),
			keepalive ? F_INT("count", x->granted.count) : F_STR("count", NULL),
			conn ? F_INT("conn", conn) : F_STR("conn", NULL),
			F_END,
		};
		report_event(r, "sockopt", f, "%s", human);
	}
}

int sockopt_report_refused(const struct report *r, const struct sockopt_results *res)
{
	char loaded[256] = "", allowed[256] = "", line[1024];
	const struct sockopt_result *x = res->failed >= 0 ? &res->r[res->failed] : NULL;

	if (x == NULL) {
		report_error(r, "-O: the kernel refused a socket option");
		return EXIT_SOCKOPT;
	}
	if (x->id == SOCKOPT_CONGESTION) {
		sockopt_congestion_list(false, loaded, sizeof(loaded));
		sockopt_congestion_list(true, allowed, sizeof(allowed));
	}
	sockopt_refusal_text(x, loaded, allowed, x->id == SOCKOPT_FASTOPEN ? sockopt_fastopen_sysctl() : -1,
			     line, sizeof(line));
	report_error(r, "%s", line);
	return EXIT_SOCKOPT;
}
