/* The capture behind --trace: libpcap on the "any" device, one connection's filter. */
#include "view/trace.h"

#include <stddef.h>

#ifdef HAVE_PCAP

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/segment.h"
#include "net/sock.h"
#include "view/trace_format.h"
#include "base/clock.h"

#define SNAPLEN 384                /* link + IPv6 with options + TCP with options */
#define BUFFER_BYTES (4 << 20)     /* the kernel ring: room for a burst of segments */
#define FINISH_GRACE_NS 200000000LL
#define IFNAME_CACHE 8

struct trace {
	struct event_source source;   /* first: the report hands this back to drain */
	struct report *r;
	pcap_t *pcap;
	int linktype;
	int64_t real_minus_mono;      /* capture stamps are CLOCK_REALTIME */
	bool following, have_peer, local_any, clock_started;
	struct seg_end local, peer;
	struct trace_conn conn;
	struct { int index; char name[IF_NAMESIZE]; } ifnames[IFNAME_CACHE];
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool end_matches(const struct seg_end *e, const struct seg_end *want, bool any_addr)
{
	return any_addr ? e->port == want->port : seg_end_equal(e, want);
}

/*
 * Whether s belongs to what we follow, and whether we sent it.  Following
 * a listening port, the peer may be anyone, so the way the frame went
 * decides: a segment this host sends to port P elsewhere is not to us.
 * On loopback every frame shows once, as received.
 */
static bool follows(const struct trace *t, const struct tcp_segment *s, bool *out)
{
	bool to_us = s->pkttype != SEG_PKT_OUTGOING;
	bool from_us = s->pkttype == SEG_PKT_OUTGOING || s->pkttype == SEG_PKT_UNKNOWN || s->loopback;

	if (!t->following)
		return false;
	if (end_matches(&s->src, &t->local, t->local_any) &&
	    (t->have_peer ? seg_end_equal(&s->dst, &t->peer) : from_us)) {
		*out = true;
		return true;
	}
	if (end_matches(&s->dst, &t->local, t->local_any) &&
	    (t->have_peer ? seg_end_equal(&s->src, &t->peer) : to_us)) {
		*out = false;
		return true;
	}
	return false;
}

static const char *ifname(struct trace *t, int index)
{
	int slot = index % IFNAME_CACHE;

	if (index <= 0)
		return NULL;
	if (t->ifnames[slot].index != index) {
		if (if_indextoname((unsigned)index, t->ifnames[slot].name) == NULL)
			return NULL;
		t->ifnames[slot].index = index;
	}
	return t->ifnames[slot].name;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *frame)
{
	struct trace *t = (void *)user;
	struct tcp_segment s;
	struct segment_event ev = { .human = "" };
	bool out;

	if (segment_decode(frame, h->caplen, h->len, t->linktype, &s) < 0 || !follows(t, &s, &out))
		return;
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	int64_t at = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec - t->real_minus_mono;
	trace_segment_event(&t->conn, &s, at, out, ifname(t, s.ifindex), t->r->verbose, &ev);
	report_event_at(t->r, at, "segment", ev.f, "%s", ev.human);
}

static void drain(struct event_source *src)
{
	struct trace *t = (struct trace *)src;

	/* A few rounds at most: a busy link must not keep us here. */
	for (int round = 0; round < 4; round++)
		if (pcap_dispatch(t->pcap, -1, on_frame, (u_char *)t) <= 0)
			break;
}

/* Installs a kernel filter; libpcap flushes what the old one let through. */
static int set_filter(struct trace *t, const char *text)
{
	struct bpf_program prog;

	if (pcap_compile(t->pcap, &prog, text, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return -1;
	int rc = pcap_setfilter(t->pcap, &prog);
	pcap_freecode(&prog);
	return rc;
}

static void give_up(struct report *r, pcap_t *p, int rc)
{
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED)
		report_error(r, "--trace: capturing needs CAP_NET_RAW (run as root, or give tcptool "
				"cap_net_raw); carrying on without the trace");
	else
		report_error(r, "--trace: cannot capture: %s; carrying on without the trace",
			     rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
	pcap_close(p);
}

struct trace *trace_open(struct report *r)
{
	char err[PCAP_ERRBUF_SIZE] = "";

	if (r->quiet)
		return NULL;
	pcap_t *p = pcap_create("any", err);
	if (p == NULL) {
		report_error(r, "--trace: cannot capture: %s; carrying on without the trace", err);
		return NULL;
	}
	/* Each segment as soon as it is seen, not a block of them later. */
	pcap_set_immediate_mode(p, 1);
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_buffer_size(p, BUFFER_BYTES);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(p);
	if (rc < 0) {
		give_up(r, p, rc);
		return NULL;
	}
#ifdef DLT_LINUX_SLL2
	/* SLL2 names the interface of each segment; plain SLL where libpcap lacks it. */
	pcap_set_datalink(p, DLT_LINUX_SLL2);
#endif

	struct trace *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		report_error(r, "--trace: %s; carrying on without the trace", strerror(ENOMEM));
		pcap_close(p);
		return NULL;
	}
	t->r = r;
	t->pcap = p;
	t->linktype = pcap_datalink(p) == DLT_RAW ? LINK_RAW : pcap_datalink(p);
	t->source.fd = pcap_get_selectable_fd(p);
	t->source.drain = drain;
	t->real_minus_mono = clock_ns(CLOCK_REALTIME) - now_ns();
	if (pcap_setnonblock(p, 1, err) < 0 || set_filter(t, "tcp port 0") < 0) {
		give_up(r, p, PCAP_ERROR);
		free(t);
		return NULL;
	}
	r->source = &t->source;
	return t;
}

/* "host 127.0.0.1" for an end, with IPv4-mapped addresses as IPv4. */
static void host_text(const struct seg_end *e, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(e->family, e->addr, a, sizeof(a));
	snprintf(buf, size, "host %s", a);
}

void trace_follow(struct trace *t, const struct sockaddr *local, const struct sockaddr *peer,
		  bool dialing)
{
	char filter[256], lhost[64] = "", phost[64] = "";
	bool peer_any = false;

	if (t == NULL)
		return;
	/* Segments of what we followed before are printed under its rules. */
	drain(&t->source);
	seg_end_of(local, &t->local, &t->local_any);
	t->have_peer = peer != NULL;
	if (peer)
		seg_end_of(peer, &t->peer, &peer_any);
	/* Narrowing a listener's trace to the client accepted keeps what its handshake taught. */
	const struct trace_conn *c = &t->conn;
	bool same = t->have_peer && c->a.known &&
		    ((seg_end_equal(&c->a.end, &t->local) && seg_end_equal(&c->b.end, &t->peer)) ||
		     (seg_end_equal(&c->b.end, &t->local) && seg_end_equal(&c->a.end, &t->peer)));
	if (!same)
		memset(&t->conn, 0, sizeof(t->conn));
	t->following = true;

	if (!t->local_any)
		host_text(&t->local, lhost, sizeof(lhost));
	if (t->have_peer)
		host_text(&t->peer, phost, sizeof(phost));
	snprintf(filter, sizeof(filter), "tcp port %u%s%s", t->local.port, lhost[0] ? " and " : "", lhost);
	if (t->have_peer)
		snprintf(filter + strlen(filter), sizeof(filter) - strlen(filter), " and %s and tcp port %u",
			 phost, t->peer.port);
	if (set_filter(t, filter) < 0)
		report_error(t->r, "--trace: filter '%s': %s", filter, pcap_geterr(t->pcap));
	if (dialing && !t->clock_started) {
		t->r->t0_ns = now_ns();
		t->clock_started = true;
	}
}

void trace_finish(struct trace *t)
{
	if (t == NULL)
		return;
	const struct trace_conn *c = &t->conn;
	int64_t rtt = c->syn_ns && c->synack_ns > c->syn_ns ? c->synack_ns - c->syn_ns : 0;
	int64_t deadline = now_ns() + FINISH_GRACE_NS + 2 * rtt;

	for (;;) {
		drain(&t->source);
		int64_t left = deadline - now_ns();
		if (trace_conn_over(c) || left <= 0)
			return;
		struct pollfd p = { .fd = t->source.fd, .events = POLLIN };
		poll(&p, 1, (int)((left + 999999) / 1000000));
	}
}

void trace_close(struct trace *t)
{
	struct pcap_stat st;

	if (t == NULL)
		return;
	drain(&t->source);
	t->r->source = NULL;
	if (pcap_stats(t->pcap, &st) == 0 && st.ps_drop > 0) {
		struct field f[] = { F_INT("dropped", st.ps_drop), F_END };
		report_event(t->r, "trace_dropped", f,
			     "the capture dropped %u segment%s (the kernel's buffer was full): the trace has gaps",
			     st.ps_drop, st.ps_drop == 1 ? "" : "s");
	}
	pcap_close(t->pcap);
	free(t);
}

const char *trace_library(void)
{
	return pcap_lib_version();
}

#else /* built without libpcap */

struct trace *trace_open(struct report *r)
{
	if (!r->quiet)
		report_error(r, "--trace: this tcptool was built without capture support (libpcap); "
				"carrying on without the trace");
	return NULL;
}

void trace_follow(struct trace *t, const struct sockaddr *local, const struct sockaddr *peer,
		  bool dialing)
{
	(void)t, (void)local, (void)peer, (void)dialing;
}

void trace_finish(struct trace *t) { (void)t; }
void trace_close(struct trace *t) { (void)t; }
const char *trace_library(void) { return "none (built without libpcap)"; }

#endif
