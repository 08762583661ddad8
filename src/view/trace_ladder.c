/* --ladder live: segments, calls and sampled states into view/ladder.c, its lines onto the report. */
#include "view/trace_ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/charset.h"
#include "base/clock.h"
#include "base/textbuf.h"
#include "kernel/conn_states.h"
#include "net/tcp_state.h"
#include "view/ladder.h"

/* Our sends drawn per connection; later ones would only cut the folding of a transfer. */
#define SEND_MARKS 2
/* Calls made before the connection's first segment (connect(), accept()), held until it starts. */
#define EARLY_CALLS 4

struct early_call {
	int64_t at_ns;
	char text[24];
	int peer_state;            /* the peer's side as the call began (0: unknown) */
};

struct trace_ladder {
	const struct report *r;
	bool ascii;
	struct ladder ladder;
	bool drawing;              /* the ladder has its two ends */
	bool legend_shown;         /* the first ladder's legend serves the next ones (-c, -k) */
	bool have_ends;            /* before that: the ends followed */
	bool listening;            /* what is followed is our listening port */
	struct seg_end local, peer;
	int sends;                 /* sends drawn in this connection */
	struct early_call early[EARLY_CALLS];
	int n_early;
	int last[2];               /* the latest state sampled for each side (0: none yet) */
	bool peer_here;            /* the peer's socket was found on this host */
	char lines[16 * LADDER_LINE_MAX];
};

struct trace_ladder *trace_ladder_new(const struct report *r)
{
	struct trace_ladder *tl = calloc(1, sizeof(*tl));

	if (tl) {
		tl->r = r;
		tl->ascii = !charset_is_utf8();
	}
	return tl;
}

static int64_t since_start(const struct trace_ladder *tl, int64_t at_ns)
{
	int64_t t = at_ns - tl->r->t0_ns;

	return t > 0 ? t : 0;
}

/* Prints what the last ladder call wrote, and starts the buffer afresh. */
static void print(struct trace_ladder *tl, struct textbuf *out)
{
	report_picture(tl->r, tl->lines);
	*out = textbuf_on(tl->lines, sizeof(tl->lines));
}

/* --json: a state the kernel reported, as an event. */
static void state_event(const struct trace_ladder *tl, enum ladder_side side, int state, int64_t at_ns)
{
	const char *who = side == LADDER_US ? "us" : "peer";
	struct field f[] = { F_STR("side", who), F_STR("state", tcp_state_name(state)), F_END };

	report_event_at(tl->r, at_ns, "tcp_state", f, "%s: %s", who, tcp_state_name(state));
}

/*
 * Asks the kernel for both sockets' states and hands them to the ladder
 * (with --json: those that changed, as events).  A socket no longer found is CLOSED, for the peer only once its
 * socket was seen here (else it is elsewhere, and says nothing).
 */
static void sample(struct trace_ladder *tl, int64_t at_ns, struct textbuf *out)
{
	int st[2];

	if (!tl->drawing || conn_states(&tl->ladder.us.end, &tl->ladder.peer.end, &st[0], &st[1]) < 0)
		return;
	/* A listener is the peer's side only until its own socket for us appears. */
	if (st[1] == TCP_LISTEN && tl->peer_here)
		st[1] = 0;
	if (st[1] && st[1] != TCP_LISTEN)
		tl->peer_here = true;
	for (int side = LADDER_US; side <= LADDER_PEER; side++) {
		int s = st[side];
		if (s == 0 && tl->last[side] && (side == LADDER_US || tl->peer_here))
			s = TCP_CLOSE;
		if (s == 0)
			continue;
		/* The ladder hears every sample: one that repeats may still place a held FIN's receipt. */
		if (!tl->r->json)
			ladder_state(&tl->ladder, (enum ladder_side)side, s, since_start(tl, at_ns), out);
		else if (s != tl->last[side])
			state_event(tl, (enum ladder_side)side, s, at_ns);
		tl->last[side] = s;
	}
}

static void draw_call(struct trace_ladder *tl, int64_t at_ns, const char *text, struct textbuf *out)
{
	if (tl->r->json)
		return;
	ladder_call(&tl->ladder, since_start(tl, at_ns), text, out);
}

/* The first segment of a connection names both ends: the picture starts. */
static void start(struct trace_ladder *tl, const struct tcp_segment *s, int64_t at_ns, bool out,
		  struct textbuf *buf)
{
	const struct seg_end *us = out ? &s->src : &s->dst, *peer = out ? &s->dst : &s->src;

	ladder_init(&tl->ladder, us, peer, tl->ascii, true, tl->r->verbose);
	tl->drawing = true;
	tl->sends = 0;
	tl->peer_here = false;
	tl->last[0] = tl->last[1] = 0;
	if (!tl->r->json && tl->legend_shown)
		ladder_names(&tl->ladder, buf);
	else if (!tl->r->json)
		ladder_header(&tl->ladder, buf);
	tl->legend_shown = true;
	/* Our listening socket was there before the client's SYN: the server side's first state. */
	if (tl->listening && !out && (s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN) {
		tl->last[LADDER_US] = TCP_LISTEN;
		if (tl->r->json)
			state_event(tl, LADDER_US, TCP_LISTEN, at_ns);
		else
			ladder_state(&tl->ladder, LADDER_US, TCP_LISTEN, since_start(tl, at_ns), buf);
	}
	for (int i = 0; i < tl->n_early; i++) {
		const struct early_call *e = &tl->early[i];
		if (e->peer_state) {
			tl->last[LADDER_PEER] = e->peer_state;
			if (tl->r->json)
				state_event(tl, LADDER_PEER, e->peer_state, e->at_ns);
			else
				ladder_state(&tl->ladder, LADDER_PEER, e->peer_state, since_start(tl, e->at_ns), buf);
		}
		draw_call(tl, e->at_ns, e->text, buf);
	}
	tl->n_early = 0;
}

void trace_ladder_follow(struct trace_ladder *tl, bool same_connection, const struct seg_end *local,
			 const struct seg_end *peer)
{
	if (same_connection)
		return;
	trace_ladder_end(tl);
	tl->have_ends = peer != NULL;
	tl->listening = peer == NULL;
	tl->local = *local;
	if (peer)
		tl->peer = *peer;
}

/* The peer's side before the first segment: its listener, as our connect() begins. */
static int peer_state_now(const struct trace_ladder *tl)
{
	int ours, theirs;

	if (!tl->have_ends || tl->local.family != tl->peer.family ||
	    conn_states(&tl->local, &tl->peer, &ours, &theirs) < 0)
		return 0;
	return theirs;
}

void trace_ladder_segment(struct trace_ladder *tl, const struct tcp_segment *s, int64_t at_ns, bool out)
{
	struct textbuf buf = textbuf_on(tl->lines, sizeof(tl->lines));

	if (!tl->drawing)
		start(tl, s, at_ns, out, &buf);
	/* The kernel's word on both sockets, where the connection changes state. */
	if (s->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST))
		sample(tl, now_ns(), &buf);
	if (!tl->r->json)
		ladder_segment(&tl->ladder, s, since_start(tl, at_ns), &buf);
	print(tl, &buf);
}

void trace_ladder_call(struct trace_ladder *tl, int64_t at_ns, const char *call, long long bytes)
{
	struct textbuf buf = textbuf_on(tl->lines, sizeof(tl->lines));
	char text[24];
	bool send = bytes >= 0;

	if (send) {
		char size[32];
		if (tl->drawing && ++tl->sends > SEND_MARKS)
			return;
		snprintf(text, sizeof(text), "%s %s", call, format_bytes((uint64_t)bytes, size, sizeof(size)));
	} else {
		/* Our column is narrow: the direction is the part that teaches. */
		const char *how = strncmp(call, "shutdown(SHUT_", 14) == 0 ? call + 14 : NULL;
		if (how)
			snprintf(text, sizeof(text), "shutdown(%s", how);
		else
			snprintf(text, sizeof(text), "%s", call);
	}
	if (tl->r->json) {
		struct field f[] = { F_STR("call", call), bytes >= 0 ? F_INT("bytes", bytes) : F_END, F_END };
		report_event_at(tl->r, at_ns, "call", f, "%s", text);
	}
	if (!tl->drawing) {
		if (tl->n_early < EARLY_CALLS) {
			tl->early[tl->n_early].at_ns = at_ns;
			tl->early[tl->n_early].peer_state = peer_state_now(tl);
			snprintf(tl->early[tl->n_early].text, sizeof(tl->early[0].text), "%s", text);
			tl->n_early++;
		}
		return;
	}
	/* Where a FIN held back got to comes first; then what the call changed (FIN_WAIT1 after shutdown()). */
	if (!send)
		sample(tl, at_ns, &buf);
	draw_call(tl, at_ns, text, &buf);
	if (!send)
		sample(tl, now_ns(), &buf);
	print(tl, &buf);
}

void trace_ladder_settle(struct trace_ladder *tl)
{
	struct textbuf buf = textbuf_on(tl->lines, sizeof(tl->lines));

	if (!tl->drawing || tl->r->json || !ladder_holding(&tl->ladder))
		return;
	/* The kernel says where a FIN got to before its row is written. */
	sample(tl, now_ns(), &buf);
	ladder_flush(&tl->ladder, &buf);
	print(tl, &buf);
}

void trace_ladder_end(struct trace_ladder *tl)
{
	struct textbuf buf = textbuf_on(tl->lines, sizeof(tl->lines));

	if (!tl->drawing)
		return;
	sample(tl, now_ns(), &buf);
	if (!tl->r->json)
		ladder_finish(&tl->ladder, &buf);
	print(tl, &buf);
	tl->drawing = false;
	tl->n_early = 0;
}

void trace_ladder_free(struct trace_ladder *tl)
{
	free(tl);
}
