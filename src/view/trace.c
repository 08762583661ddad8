/* --trace's and --pcap's capture: which captured segments are our connection's, as "segment" events and frames in a file, and the capture's errors. */
#include "view/trace.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "net/capture.h"
#include "net/segment.h"
#include "view/trace_format.h"
#include "view/ladder.h"
#include "view/trace_ladder.h"

#define FINISH_GRACE_NS 200000000LL
#define IFNAME_CACHE 8

struct trace {
	struct event_source source;   /* first: the report hands this back to drain */
	struct report *r;
	struct capture *capture;
	bool segments;                /* print "segment" events */
	struct trace_ladder *ladder;  /* --ladder: draw it; NULL: not asked for */
	/* A call of ours reported while the capture still held segments from before it began. */
	struct { bool set; int64_t at_ns; const char *call; long long bytes; } pending;
	const char *pcap_path;        /* NULL: no file */
	long long dumped;             /* segments written to it */
	bool following, have_peer, local_any, clock_started;
	struct seg_end local, peer;
	struct trace_conn conn;
	struct { int index; char name[IF_NAMESIZE]; } ifnames[IFNAME_CACHE];
};

static bool end_matches(const struct seg_end *e, const struct seg_end *want, bool any_addr)
{
	return any_addr ? e->port == want->port : seg_end_equal(e, want);
}

/*
 * Whether s belongs to what we follow, and whether we sent it.  The way
 * the frame went decides too: following a listening port, a segment this
 * host sends to port P elsewhere is not to us; and where both ends of a
 * veth pair are ours, each frame shows twice, leaving one interface and
 * arriving on the other, of which only the first copy is our segment.
 * On loopback every frame shows once, as received.
 */
static bool follows(const struct trace *t, const struct tcp_segment *s, bool *out)
{
	bool to_us = s->pkttype != SEG_PKT_OUTGOING;
	bool from_us = s->pkttype == SEG_PKT_OUTGOING || s->pkttype == SEG_PKT_UNKNOWN || s->loopback;

	if (!t->following)
		return false;
	if (from_us && end_matches(&s->src, &t->local, t->local_any) &&
	    (!t->have_peer || seg_end_equal(&s->dst, &t->peer))) {
		*out = true;
		return true;
	}
	if (to_us && end_matches(&s->dst, &t->local, t->local_any) &&
	    (!t->have_peer || seg_end_equal(&s->src, &t->peer))) {
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

static void put_pending_call(struct trace *t)
{
	t->pending.set = false;
	trace_ladder_call(t->ladder, t->pending.at_ns, t->pending.call, t->pending.bytes);
}

static void on_segment(void *ctx, const struct tcp_segment *s, int64_t at, const struct capture_frame *frame)
{
	struct trace *t = ctx;
	struct segment_event ev = { .human = "" };
	bool out;

	if (!follows(t, s, &out))
		return;
	if (t->pcap_path) {
		capture_dump(t->capture, frame);
		t->dumped++;
	}
	/* Always: t->conn learns from each segment when the connection is over (trace_finish). */
	trace_segment_event(&t->conn, s, at, out, ifname(t, s->ifindex), t->r->verbose, &ev);
	if (t->pending.set && at >= t->pending.at_ns)
		put_pending_call(t);
	if (t->segments)
		report_event_at(t->r, at, "segment", ev.f, "%s", ev.human);
	if (t->ladder)
		trace_ladder_segment(t->ladder, s, at, out);
}

static void drain(struct event_source *src)
{
	struct trace *t = (struct trace *)src;

	capture_dispatch(t->capture);
}

static void settle(struct event_source *src)
{
	trace_ladder_settle(((struct trace *)src)->ladder);
}

/*
 * A call of ours, for the ladder: the segments captured before it began
 * come first, then the call, then those it caused.
 */
static void on_call(struct event_source *src, int64_t at_ns, const char *call, long long bytes)
{
	struct trace *t = (struct trace *)src;

	t->pending.set = true;
	t->pending.at_ns = at_ns;
	t->pending.call = call;
	t->pending.bytes = bytes;
	drain(src);
	if (t->pending.set)
		put_pending_call(t);
}

/* The options that asked for the capture, for its messages: "--trace", "--pcap", "--ladder and --pcap". */
static const char *asked_by(const struct trace_settings *ts)
{
	bool shown = ts->segments || ts->ladder;
	const char *view = ts->ladder ? "--ladder" : "--trace";

	if (!ts->pcap_path)
		return view;
	if (!shown)
		return "--pcap";
	return ts->ladder ? "--ladder and --pcap" : "--trace and --pcap";
}

/* What the command does without the capture: "carrying on without the trace". */
static const char *without(const struct trace_settings *ts)
{
	bool shown = ts->segments || ts->ladder;

	if (!ts->pcap_path)
		return "carrying on without the trace";
	return shown ? "carrying on without the trace or the capture file" :
		       "carrying on without the capture file";
}

static void report_cannot_capture(const struct report *r, const struct trace_settings *ts, int err,
				  const char *why)
{
	const char *opt = asked_by(ts), *rest = without(ts);

	if (err == ENOSYS)
		report_error(r, "%s: this tcptool was built without capture support (libpcap); %s", opt, rest);
	else if (err == EPERM)
		report_error(r, "%s: capturing needs CAP_NET_RAW (run as root, or give tcptool "
				"cap_net_raw); %s", opt, rest);
	else if (err == ENOMEM)
		report_error(r, "%s: %s; %s", opt, strerror(ENOMEM), rest);
	else
		report_error(r, "%s: cannot capture: %s; %s", opt, why, rest);
}

int trace_open(struct report *r, const struct trace_settings *ts, struct trace **out)
{
	char why[CAPTURE_WHY_MAX];

	*out = NULL;
	if (r->quiet && !ts->pcap_path)
		return 0;  /* no segment would print */
	struct trace *t = calloc(1, sizeof(*t));
	if (t != NULL)
		t->capture = capture_open(on_segment, t, ts->pcap_path ? CAPTURE_WHOLE_FRAMES : CAPTURE_HEADERS,
					  why, sizeof(why));
	if (t == NULL || t->capture == NULL) {
		report_cannot_capture(r, ts, t == NULL ? ENOMEM : errno, why);
		free(t);
		return 0;
	}
	/* A file that cannot be made ends the command before it connects: that file was the point. */
	if (ts->pcap_path && capture_dump_open(t->capture, ts->pcap_path, why, sizeof(why)) < 0) {
		report_error(r, "--pcap: cannot create '%s': %s", ts->pcap_path, why);
		capture_close(t->capture);
		free(t);
		return -1;
	}
	t->r = r;
	/* --json draws no picture: --ladder gives the segments, with the states and calls. */
	t->segments = ts->segments || (ts->ladder && r->json);
	if (ts->ladder && (t->ladder = trace_ladder_new(r)) == NULL)
		report_error(r, "--ladder: %s; carrying on without the ladder", strerror(ENOMEM));
	/* The other events' lines keep to the ladder's time column. */
	if (t->ladder && !r->json)
		r->stamp_fn = ladder_stamp;
	t->pcap_path = ts->pcap_path;
	t->source.fd = capture_fd(t->capture);
	t->source.drain = drain;
	t->source.call = t->ladder ? on_call : NULL;
	t->source.settle = t->ladder ? settle : NULL;
	r->source = &t->source;
	*out = t;
	return 0;
}

void trace_follow(struct trace *t, const struct sockaddr *local, const struct sockaddr *peer,
		  bool dialing)
{
	char filter[256], why[CAPTURE_WHY_MAX];
	bool peer_any = false;

	if (t == NULL)
		return;
	/* Segments of what we followed before are printed under its rules. */
	drain(&t->source);
	bool was_port = t->following && !t->have_peer;
	int old_port = t->local.port;
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
	if (t->ladder)
		trace_ladder_follow(t->ladder, same, &t->local, t->have_peer ? &t->peer : NULL);

	/*
	 * A listener narrowing to the client it accepted keeps the port's
	 * filter, which passes that client too: a new filter would flush the
	 * frames captured since the drain above, the client's first data
	 * among them.  follows() narrows instead.
	 */
	bool narrowing = was_port && t->have_peer && t->local.port == old_port;
	capture_filter_text(&t->local, t->local_any, t->have_peer ? &t->peer : NULL, filter, sizeof(filter));
	if (!narrowing && capture_set_filter(t->capture, filter, why, sizeof(why)) < 0)
		report_error(t->r, "--trace: filter '%s': %s", filter, why);
	if (dialing && !t->clock_started) {
		t->r->t0_ns = now_ns();
		t->clock_started = true;
	}
	/* The ladder marks the call each follow comes before (dialing) or after (accepting). */
	if (t->ladder && peer)
		on_call(&t->source, now_ns(), dialing ? "connect()" : "accept()", -1);
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
			break;
		struct pollfd p = { .fd = t->source.fd, .events = POLLIN };
		poll(&p, 1, (int)((left + 999999) / 1000000));
	}
	if (t->ladder)
		trace_ladder_end(t->ladder);
}

/* Closes --pcap's file: how many segments it holds, or the write that failed. */
static void close_pcap(struct trace *t)
{
	char why[CAPTURE_WHY_MAX];

	if (capture_dump_close(t->capture, why, sizeof(why)) < 0) {
		report_error(t->r, "--pcap: writing '%s' failed: %s; the file ends early", t->pcap_path, why);
		return;
	}
	struct field f[] = { F_STR("path", t->pcap_path), F_INT("segments", t->dumped), F_END };
	report_event(t->r, "pcap", f, "wrote %lld segment%s to %s", t->dumped, t->dumped == 1 ? "" : "s",
		     t->pcap_path);
}

void trace_close(struct trace *t)
{
	if (t == NULL)
		return;
	drain(&t->source);
	if (t->ladder) {
		trace_ladder_end(t->ladder);
		trace_ladder_free(t->ladder);
	}
	t->r->source = NULL;
	long long dropped = capture_dropped(t->capture);
	if (dropped > 0) {
		struct field f[] = { F_INT("dropped", dropped), F_END };
		report_event(t->r, "trace_dropped", f,
			     "the capture dropped %lld segment%s (the kernel's buffer was full): the trace has gaps",
			     dropped, dropped == 1 ? "" : "s");
	}
	if (t->pcap_path)
		close_pcap(t);
	capture_close(t->capture);
	free(t);
}

const char *trace_library(void)
{
	const char *v = capture_library();

	return v ? v : "none (built without libpcap)";
}
