/* Segments in words: relative sequence numbers, flags, options, one line or JSON fields. */
#include "view/trace_format.h"

#include <stdio.h>
#include <string.h>

#include "base/textbuf.h"

/* Sequence space wraps at 2^32: compare by the signed distance. */
static bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(b - a) >= 0; }

bool trace_conn_over(const struct trace_conn *c)
{
	return c->reset || (c->a.fin_acked && c->b.fin_acked);
}

const char *trace_segment_kind(const struct tcp_segment *s)
{
	if (s->flags & TCPF_RST)
		return s->flags & TCPF_ACK ? "RST-ACK" : "RST";
	if (s->flags & TCPF_SYN)
		return s->flags & TCPF_ACK ? "SYN-ACK" : "SYN";
	if (s->flags & TCPF_FIN)
		return "FIN";
	return s->len > 0 ? "DATA" : "ACK";
}

char *seg_end_name(const struct seg_end *e, char *buf, size_t size)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (e->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, e->addr, 4);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, e->addr, 16);
	}
	sock_set_port(&ss, e->port);
	return sock_name((const struct sockaddr *)&ss, buf, size);
}

/* Which recorded side sent s, and which gets it; learns the two ends from the first segment. */
static void pick_sides(struct trace_conn *c, const struct tcp_segment *s, struct trace_side **from,
		       struct trace_side **to)
{
	bool pure_syn = (s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;

	if (c->a.known && pure_syn && !seg_end_equal(&s->src, &c->a.end) && !seg_end_equal(&s->src, &c->b.end))
		memset(c, 0, sizeof(*c));   /* a new connection on a traced listening port */
	if (!c->a.known) {
		/* A SYN-ACK seen first answers the other end's SYN. */
		bool answer = (s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK);
		c->a.end = answer ? s->dst : s->src;
		c->b.end = answer ? s->src : s->dst;
		c->a.known = c->b.known = true;
	}
	if (seg_end_equal(&s->src, &c->a.end) && seg_end_equal(&s->dst, &c->b.end)) {
		*from = &c->a;
		*to = &c->b;
	} else if (seg_end_equal(&s->src, &c->b.end) && seg_end_equal(&s->dst, &c->a.end)) {
		*from = &c->b;
		*to = &c->a;
	} else {
		*from = *to = NULL;
	}
}

/* Learns what s says of the connection; true when it repeats sequence space already sent. */
static bool note_segment(struct trace_conn *c, const struct tcp_segment *s, int64_t t_ns,
			 struct trace_side *from, struct trace_side *to)
{
	uint32_t span = s->len + !!(s->flags & TCPF_SYN) + !!(s->flags & TCPF_FIN);
	uint32_t end = s->seq + span;
	bool again = false;

	/* A segment of another connection on a listening port tells nothing of this one. */
	if (!from)
		return false;
	if (s->flags & TCPF_RST)
		c->reset = true;
	if (s->flags & TCPF_SYN) {
		if (!from->have_isn) {
			from->have_isn = true;
			from->isn = s->seq;
		}
		from->wscale_offered = s->has_wscale;
		from->wscale = s->wscale > 14 ? 14 : s->wscale;
		int64_t *first = s->flags & TCPF_ACK ? &c->synack_ns : &c->syn_ns;
		if (*first == 0)
			*first = t_ns ? t_ns : 1;
	}
	if (span > 0) {
		again = from->have_max && seq_leq(end, from->max_end);
		if (!from->have_max || !seq_leq(end, from->max_end)) {
			from->have_max = true;
			from->max_end = end;
		}
	}
	if (s->flags & TCPF_FIN) {
		from->fin_sent = true;
		from->fin_end = end;
	}
	if (s->flags & TCPF_ACK && to->fin_sent && seq_leq(to->fin_end, s->ack))
		to->fin_acked = true;
	return again;
}

/*
 * A zero window closes the sender's way; the sender then probes with a
 * bare segment one below what the receiver acknowledged, until a segment
 * advertises room again.  The same segment with the window open (or with
 * one byte of nothing, as some stacks send) is a keepalive probe: it asks
 * only for an ACK.  Learns the window from s.
 */
static enum window_note note_window(const struct tcp_segment *s, struct trace_side *from,
				    const struct trace_side *to)
{
	enum window_note note = WINDOW_NONE;

	if (!from || !(s->flags & TCPF_ACK))
		return note;
	/* A SYN-ACK's ack counts: a keepalive before any other segment is one below it. */
	if (s->flags & (TCPF_SYN | TCPF_RST)) {
		if (!(s->flags & TCPF_RST)) {
			from->have_ack = true;
			from->last_ack = s->ack;
		}
		return note;
	}
	if (s->win == 0)
		note = WINDOW_ZERO;
	else if (from->window_closed)
		note = WINDOW_OPENS;
	else if (s->len <= 1 && to && to->have_ack && s->seq == to->last_ack - 1)
		note = to->window_closed && s->len == 0 ? WINDOW_PROBE : WINDOW_KEEPALIVE;
	from->window_closed = s->win == 0;
	from->have_ack = true;
	from->last_ack = s->ack;
	return note;
}

void trace_relative(const struct trace_side *side, char letter, uint32_t v, char *buf, size_t size)
{
	if (!side || !side->have_isn)
		snprintf(buf, size, "%u", v);
	else if (v == side->isn)
		snprintf(buf, size, "%c", letter);
	else
		snprintf(buf, size, "%c+%u", letter, v - side->isn);
}

static void flag_names(uint8_t flags, char *buf, size_t size)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 8; i++)
		if (flags & (1 << i) && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", names[i]);
}

void trace_conn_note(struct trace_conn *c, const struct tcp_segment *s, int64_t t_ns, struct segment_note *n)
{
	pick_sides(c, s, &n->from, &n->to);
	n->again = note_segment(c, s, t_ns, n->from, n->to);
	n->window = note_window(s, n->from, n->to);
	n->from_letter = n->from == &c->a ? 'A' : 'B';
	n->to_letter = n->from == &c->a ? 'B' : 'A';
}

void trace_segment_event(struct trace_conn *c, const struct tcp_segment *s, int64_t t_ns, bool out,
			 const char *ifname, int verbose, struct segment_event *ev)
{
	struct segment_note n;
	char seq[24], seq_to[24], ack[24], col[96];
	size_t nf = 0;

	trace_conn_note(c, s, t_ns, &n);
	struct trace_side *from = n.from, *to = n.to;
	bool again = n.again;
	enum window_note window = n.window;
	char from_letter = n.from_letter, to_letter = n.to_letter;
	bool has_ack = s->flags & TCPF_ACK;

	snprintf(ev->kind, sizeof(ev->kind), "%s", trace_segment_kind(s));
	flag_names(s->flags, ev->flags, sizeof(ev->flags));
	seg_end_name(&s->src, ev->src, sizeof(ev->src));
	seg_end_name(&s->dst, ev->dst, sizeof(ev->dst));
	trace_relative(from, from_letter, s->seq, seq, sizeof(seq));
	trace_relative(from, from_letter, s->seq + s->len, seq_to, sizeof(seq_to));
	trace_relative(to, to_letter, s->ack, ack, sizeof(ack));
	struct textbuf sack = textbuf_on(ev->sack, sizeof(ev->sack));
	for (int i = 0; i < s->sack_blocks && i < SEGMENT_SACK_MAX; i++) {
		char l[24], r[24];
		trace_relative(to, to_letter, s->sack[i][0], l, sizeof(l));
		trace_relative(to, to_letter, s->sack[i][1], r, sizeof(r));
		textbuf_printf(&sack, "%s%s:%s", i ? "," : "", l, r);
	}

	/* kind, ends, then seq (a range for data) and ack in a column of their own */
	snprintf(col, sizeof(col), "seq=%s%s%s%s%s", seq, s->len ? ":" : "", s->len ? seq_to : "",
		 has_ack ? " ack=" : "", has_ack ? ack : "");
	struct textbuf h = textbuf_on(ev->human, sizeof(ev->human));
	textbuf_printf(&h, "%-8s %s > %s  %-16s", ev->kind, ev->src, ev->dst, col);
	if (s->len)
		textbuf_printf(&h, " len=%u", s->len);
	textbuf_printf(&h, " win=%u", s->win);
	bool scaled = !(s->flags & TCPF_SYN) && c->a.wscale_offered && c->b.wscale_offered && from;
	if (verbose && scaled)
		textbuf_printf(&h, " (%llu)", (unsigned long long)s->win << from->wscale);
	if (s->has_mss)
		textbuf_printf(&h, " mss=%u", s->mss);
	if (s->sack_ok)
		textbuf_printf(&h, " sackOK");
	if (s->has_ts && verbose)
		textbuf_printf(&h, " ts=%u/%u", s->ts_val, s->ts_ecr);
	else if (s->has_ts && s->flags & TCPF_SYN)
		textbuf_printf(&h, " ts");
	if (s->has_wscale)
		textbuf_printf(&h, " wscale=%u", s->wscale);
	if (s->fastopen)
		textbuf_printf(&h, " fastopen");
	if (ev->sack[0])
		textbuf_printf(&h, " sack=%s", ev->sack);
	if (verbose) {
		textbuf_printf(&h, " [%s seq %u", ev->flags, s->seq);
		if (has_ack)
			textbuf_printf(&h, " ack %u", s->ack);
		textbuf_printf(&h, "%s%s]", ifname ? " on " : "", ifname ? ifname : "");
	}
	if (again)
		textbuf_printf(&h, " (retransmission)");
	if (window == WINDOW_ZERO)
		textbuf_printf(&h, " (zero window: no room to receive)");
	else if (window == WINDOW_PROBE)
		textbuf_printf(&h, " (window probe)");
	else if (window == WINDOW_OPENS)
		textbuf_printf(&h, " (window opens)");
	else if (window == WINDOW_KEEPALIVE)
		textbuf_printf(&h, " (keepalive probe)");

	struct field *f = ev->f;
	f[nf++] = F_STR("dir", out ? "out" : "in");
	f[nf++] = F_STR("kind", ev->kind);
	f[nf++] = F_STR("flags", ev->flags);
	f[nf++] = F_STR("src", ev->src);
	f[nf++] = F_STR("dst", ev->dst);
	f[nf++] = F_STR("iface", ifname);
	f[nf++] = F_STR("side", from ? (from_letter == 'A' ? "A" : "B") : NULL);
	f[nf++] = F_INT("seq", s->seq);
	if (from && from->have_isn)
		f[nf++] = F_INT("rel_seq", s->seq - from->isn);
	if (has_ack)
		f[nf++] = F_INT("ack", s->ack);
	if (has_ack && to && to->have_isn)
		f[nf++] = F_INT("rel_ack", s->ack - to->isn);
	f[nf++] = F_INT("len", s->len);
	f[nf++] = F_INT("win", s->win);
	if (s->has_mss)
		f[nf++] = F_INT("mss", s->mss);
	if (s->sack_ok)
		f[nf++] = F_BOOL("sack_ok", true);
	if (s->has_ts) {
		f[nf++] = F_INT("ts_val", s->ts_val);
		f[nf++] = F_INT("ts_ecr", s->ts_ecr);
	}
	if (s->has_wscale)
		f[nf++] = F_INT("wscale", s->wscale);
	if (s->fastopen)
		f[nf++] = F_BOOL("fastopen", true);
	f[nf++] = F_STR("sack", ev->sack[0] ? ev->sack : NULL);
	if (again)
		f[nf++] = F_BOOL("retransmission", true);
	if (window == WINDOW_ZERO)
		f[nf++] = F_BOOL("zero_window", true);
	else if (window == WINDOW_PROBE)
		f[nf++] = F_BOOL("window_probe", true);
	else if (window == WINDOW_OPENS)
		f[nf++] = F_BOOL("window_opens", true);
	else if (window == WINDOW_KEEPALIVE)
		f[nf++] = F_BOOL("keepalive_probe", true);
	f[nf] = F_END;
}
