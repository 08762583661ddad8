/* --ladder's picture: rows of arrows between two rails, each side's inferred state, folded runs of data. */
#include "view/ladder.h"

#include <stdio.h>
#include <string.h>

#include "base/format.h"
#include "net/tcp_state.h"

/*
 * The columns, 0-based:  time 0-7 (right-aligned), our state or call
 * 10-23, our rail 25, the arrows 26-65, the peer's rail 66, its state 68-79.
 */
enum {
	TIME_W = 8,
	OUR_COL = 10, OUR_W = 14,
	RAIL_US = 25,
	ARROW_COL = 26, ARROW_W = 40,
	RAIL_PEER = 66,
	PEER_COL = 68, PEER_W = 12,
	LABEL_MAX = ARROW_W - 6,   /* a head, three dashes and two spaces around the label at least */
	RUN_SHOWN = 3,             /* rows of a run of data and ACKs drawn before the rest fold */
};

struct glyphs {
	const char *rail, *dash, *right, *left, *dotted;
};

static const struct glyphs box = { "\u2502", "\u2500", "\u25b6", "\u25c0", "\u2506" };
static const struct glyphs plain = { "|", "-", ">", "<", ":" };

static const struct glyphs *glyphs(const struct ladder *l)
{
	return l->ascii ? &plain : &box;
}

static void row_clear(struct ladder_row *r)
{
	for (int i = 0; i < LADDER_COLUMNS; i++) {
		r->cell[i][0] = ' ';
		r->cell[i][1] = '\0';
	}
}

static void row_glyph(struct ladder_row *r, int col, const char *g)
{
	if (col >= 0 && col < LADDER_COLUMNS)
		snprintf(r->cell[col], sizeof(r->cell[col]), "%s", g);
}

/* Writes text from col on, at most width columns of it; control and non-ASCII bytes show as '?'. */
static void row_text(struct ladder_row *r, int col, int width, const char *text)
{
	for (int i = 0; i < width && col + i < LADDER_COLUMNS && text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		char shown = '?';
		if (c >= 0x20 && c < 0x7f)
			shown = text[i];
		r->cell[col + i][0] = shown;
		r->cell[col + i][1] = '\0';
	}
}

static void row_rails(const struct ladder *l, struct ladder_row *r, bool dotted)
{
	const char *g = dotted ? glyphs(l)->dotted : glyphs(l)->rail;

	row_glyph(r, RAIL_US, g);
	row_glyph(r, RAIL_PEER, g);
}

/* The row as a line: trailing blanks dropped, '\n' added. */
static void row_line(const struct ladder_row *r, char *buf, size_t size)
{
	int last = LADDER_COLUMNS - 1;
	struct textbuf t = textbuf_on(buf, size);

	while (last >= 0 && strcmp(r->cell[last], " ") == 0)
		last--;
	for (int i = 0; i <= last; i++)
		textbuf_puts(&t, r->cell[i]);
	textbuf_puts(&t, "\n");
}

/* A time since the start in at most 8 columns, with its unit: "0.031 ms", "12.34 ms", "3.001 s". */
static void ladder_time(int64_t ns, char *buf, size_t size)
{
	double v = ns < 0 ? 0 : (double)ns / 1e6;
	const char *unit = "ms";

	if (v >= 1000) {
		v /= 1000;
		unit = "s";
	}
	for (int prec = 3; prec >= 0; prec--) {
		snprintf(buf, size, "%.*f %s", prec, v, unit);
		if (strlen(buf) <= TIME_W)
			return;
	}
	snprintf(buf, size, "%.0f h", v / 3600);   /* past 11 days */
	if (strlen(buf) > TIME_W)
		snprintf(buf, size, "long");
}

static void flush(struct ladder *l, struct textbuf *out);

bool ladder_holding(const struct ladder *l)
{
	return l->fin_held || l->held || l->run_shown > 0;
}

void ladder_flush(struct ladder *l, struct textbuf *out)
{
	flush(l, out);
}

char *ladder_stamp(int64_t t_ns, char *buf, size_t size)
{
	char t[16];

	ladder_time(t_ns, t, sizeof(t));
	snprintf(buf, size, "%*s%*s", TIME_W, t, OUR_COL - TIME_W, "");
	return buf;
}

/*
 * Appends a laid-out line; a timed one shows t_ns in its time column
 * unless the line before showed the same time.
 */
static void emit(struct ladder *l, struct textbuf *out, const char *line, bool timed, int64_t t_ns)
{
	char buf[LADDER_LINE_MAX], t[16];

	snprintf(buf, sizeof(buf), "%s", line);
	if (timed) {
		ladder_time(t_ns, t, sizeof(t));
		size_t n = strlen(t);
		if (strcmp(t, l->last_time) != 0 && strlen(buf) > TIME_W) {
			for (size_t k = 0; k < n; k++)   /* over the blanks of the time column */
				buf[TIME_W - n + k] = t[k];
			snprintf(l->last_time, sizeof(l->last_time), "%s", t);
		}
	}
	textbuf_puts(out, buf);
}

static void emit_row(struct ladder *l, struct textbuf *out, const struct ladder_row *r, bool timed, int64_t t_ns)
{
	char line[LADDER_LINE_MAX];

	row_line(r, line, sizeof(line));
	emit(l, out, line, timed, t_ns);
}

/* ---- The states: a small TCP state machine per side ---- */

#define BIT(st) TCP_STATE_BIT(st)

/* "CLOSED" where the kernel's name is "CLOSE": the textbooks' word. */
static const char *state_name(int st)
{
	return st == TCP_CLOSE ? "CLOSED" : tcp_state_name(st);
}

/* The states the inference below may move a side to from each state (0: nothing known yet). */
static unsigned next_states(int st)
{
	switch (st) {
	case 0:
		return BIT(TCP_SYN_SENT) | BIT(TCP_SYN_RECV) | BIT(TCP_ESTABLISHED) | BIT(TCP_FIN_WAIT1) |
		       BIT(TCP_CLOSE_WAIT) | BIT(TCP_CLOSE);
	case TCP_LISTEN: return BIT(TCP_SYN_SENT) | BIT(TCP_SYN_RECV) | BIT(TCP_ESTABLISHED);
	case TCP_SYN_SENT: return BIT(TCP_SYN_RECV) | BIT(TCP_ESTABLISHED) | BIT(TCP_CLOSE);
	case TCP_SYN_RECV:
		return BIT(TCP_ESTABLISHED) | BIT(TCP_FIN_WAIT1) | BIT(TCP_CLOSE_WAIT) | BIT(TCP_CLOSE);
	case TCP_ESTABLISHED: return BIT(TCP_FIN_WAIT1) | BIT(TCP_CLOSE_WAIT) | BIT(TCP_CLOSE);
	case TCP_FIN_WAIT1:
		return BIT(TCP_FIN_WAIT2) | BIT(TCP_CLOSING) | BIT(TCP_TIME_WAIT) | BIT(TCP_CLOSE);
	case TCP_FIN_WAIT2:
	case TCP_CLOSING:
		return BIT(TCP_TIME_WAIT) | BIT(TCP_CLOSE);
	case TCP_CLOSE_WAIT: return BIT(TCP_LAST_ACK) | BIT(TCP_CLOSE);
	case TCP_LAST_ACK: return BIT(TCP_CLOSE);
	default: return 0;   /* TIME_WAIT and CLOSED end it */
	}
}

/* Whether the inference could still take a side from state from to state to. */
static bool reachable(int from, int to)
{
	unsigned seen = 0, frontier = next_states(from);

	while (frontier & ~seen) {
		unsigned add = frontier & ~seen;
		seen |= add;
		frontier = 0;
		for (int st = 1; st <= TCP_CLOSING; st++)
			if (add & BIT(st))
				frontier |= next_states(st);
	}
	return seen & BIT(to);
}

static void enter(struct ladder_end *e, int st)
{
	if (e->state == st)
		return;
	e->state = st;
	e->visited |= BIT(st);
	e->row_entered |= BIT(st);
}

/* Sequence space wraps at 2^32: compare by the signed distance. */
static bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(b - a) >= 0; }

static struct trace_side *conn_side(struct ladder *l, const struct ladder_end *e)
{
	return seg_end_equal(&l->conn.a.end, &e->end) ? &l->conn.a : &l->conn.b;
}

/* e has received the other end's SYN (a SYN-ACK when had_ack). */
static void hear_syn(struct ladder_end *e, bool had_ack)
{
	e->heard_syn = true;
	if (had_ack && (e->state == TCP_SYN_SENT || e->state == TCP_SYN_RECV))
		enter(e, TCP_ESTABLISHED);
	else if (e->state == TCP_SYN_SENT || e->state == 0 || e->state == TCP_LISTEN)
		enter(e, had_ack ? TCP_ESTABLISHED : TCP_SYN_RECV);
}

/* e has received the other end's FIN; own_fin_acked: its own FIN is acknowledged. */
static void hear_fin(struct ladder_end *e, bool own_fin_acked)
{
	e->heard_fin = true;
	if (e->state == 0 || e->state == TCP_SYN_RECV || e->state == TCP_ESTABLISHED)
		enter(e, TCP_CLOSE_WAIT);
	else if (e->state == TCP_FIN_WAIT1)
		enter(e, own_fin_acked ? TCP_TIME_WAIT : TCP_CLOSING);
	else if (e->state == TCP_FIN_WAIT2)
		enter(e, TCP_TIME_WAIT);
}

/*
 * What segment s does to its sender x and receiver y.  A side is taken to
 * have received the other's SYN or FIN once it answers it (its ack covers
 * it) or gets a later segment from that side, not when the SYN or FIN is
 * captured: the capture's order is not the order each end saw things in,
 * a closed port answers a SYN with RST, and both FINs may be on the way
 * at once.  (A FIN's row is held until that is known, so that the
 * receipt is drawn on it: release_fin_before.)  ACKs and RSTs act when
 * they arrive.
 */
static void infer(struct ladder *l, const struct tcp_segment *s, struct ladder_end *x, struct ladder_end *y,
		  bool x_syn_before, bool x_fin_before)
{
	struct trace_side *tx = conn_side(l, x), *ty = conn_side(l, y);
	bool syn = s->flags & TCPF_SYN, fin = s->flags & TCPF_FIN, rst = s->flags & TCPF_RST;
	bool ack = s->flags & TCPF_ACK;

	/* The sender's answers: what its ack says it has received. */
	if (ack && !rst) {
		if (ty->have_isn && !x->heard_syn && seq_leq(ty->isn + 1, s->ack))
			hear_syn(x, y->syn_had_ack);
		if (ty->fin_sent && !x->heard_fin && seq_leq(ty->fin_end, s->ack))
			hear_fin(x, tx->fin_acked);
	}
	/* What sending s makes of the sender. */
	if (rst) {
		enter(x, TCP_CLOSE);
	} else if (syn && !ack) {
		x->syn_had_ack = false;
		if (x->state == 0 || x->state == TCP_LISTEN)
			enter(x, TCP_SYN_SENT);
	} else if (syn) {
		x->syn_had_ack = true;
		if (x->state == 0 || x->state == TCP_LISTEN || x->state == TCP_SYN_SENT)
			enter(x, TCP_SYN_RECV);
	} else if (fin) {
		if (x->state == 0 || x->state == TCP_SYN_RECV || x->state == TCP_ESTABLISHED)
			enter(x, TCP_FIN_WAIT1);
		else if (x->state == TCP_CLOSE_WAIT)
			enter(x, TCP_LAST_ACK);
	} else if (x->state == 0 || (x->state == TCP_SYN_SENT && ack)) {
		enter(x, TCP_ESTABLISHED);
	}

	/* The receiver: what came before s on the way, then what s's ack and RST do. */
	if (!syn && x_syn_before && x->syn_had_ack && !y->heard_syn)
		hear_syn(y, true);
	if (x_fin_before && !y->heard_fin)
		hear_fin(y, ty->fin_acked);
	if (ack && !rst) {
		if (y->state == TCP_SYN_RECV && ty->have_isn && seq_leq(ty->isn + 1, s->ack))
			enter(y, TCP_ESTABLISHED);
		else if (y->state == TCP_FIN_WAIT1 && ty->fin_acked)
			enter(y, TCP_FIN_WAIT2);
		else if (y->state == TCP_CLOSING && ty->fin_acked)
			enter(y, TCP_TIME_WAIT);
		else if (y->state == TCP_LAST_ACK && ty->fin_acked)
			enter(y, TCP_CLOSE);
	}
	if (rst && y->state != 0 && y->state != TCP_LISTEN && y->state != TCP_TIME_WAIT)
		enter(y, TCP_CLOSE);
}

/*
 * Writes e's state in its column if this row changed it: marked '*' when
 * the kernel's states are sampled and no sample confirmed it.  Samples of
 * the states the row went through are used up.
 */
static bool put_state(const struct ladder *l, struct ladder_end *e, struct ladder_row *r, int col, int width)
{
	bool changed = e->row_entered != 0;

	if (changed) {
		char text[24];
		bool confirmed = e->sampled & BIT(e->state);
		snprintf(text, sizeof(text), "%s%s", state_name(e->state),
			 l->kernel_states && !confirmed ? "*" : "");
		row_text(r, col, width, text);
	}
	e->sampled &= ~e->row_entered;
	e->row_entered = 0;
	return changed;
}

static bool put_states(struct ladder *l, struct ladder_row *r)
{
	bool changed = put_state(l, &l->us, r, OUR_COL, OUR_W);

	return put_state(l, &l->peer, r, PEER_COL, PEER_W) || changed;
}

/* ---- Folding runs of data and ACKs ---- */

static void fold_count(struct ladder *l, bool data, uint32_t len)
{
	if (data) {
		l->fold_data++;
		l->fold_bytes += len;
	} else {
		l->fold_acks++;
	}
}

/* "812 data segments, 53.2 MB, 410 ACKs", shorter when that does not fit. */
static void fold_text(const struct ladder *l, char *buf, size_t size)
{
	char bytes[24];
	unsigned long long d = (unsigned long long)l->fold_data, a = (unsigned long long)l->fold_acks;

	format_si((double)l->fold_bytes, "B", bytes, sizeof(bytes));
	for (int terse = 0; terse <= 1; terse++) {
		struct textbuf t = textbuf_on(buf, size);
		if (d)
			textbuf_printf(&t, "%llu data%s, %s", d, terse ? "" : d == 1 ? " segment" : " segments", bytes);
		if (a)
			textbuf_printf(&t, "%s%llu ACK%s", d ? ", " : "", a, a == 1 ? "" : "s");
		if (t.len <= ARROW_W - 2)
			return;
	}
}

/*
 * The rows of the run held back: a line for the folded ones (the row
 * itself when only one would fold), then the last one as it was.
 */
static void flush_run(struct ladder *l, struct textbuf *out)
{
	if (l->fold_data + l->fold_acks == 1) {
		emit(l, out, l->single_line, true, l->single_ns);
	} else if (l->fold_data || l->fold_acks) {
		struct ladder_row r;
		char text[96];
		row_clear(&r);
		row_rails(l, &r, true);
		fold_text(l, text, sizeof(text));
		int n = (int)strlen(text);
		if (n > ARROW_W - 2)
			n = ARROW_W - 2;
		row_text(&r, ARROW_COL + (ARROW_W - n) / 2, n, text);
		emit_row(l, out, &r, false, 0);
		l->last_time[0] = '\0';   /* the row after the fold says when it is */
	}
	if (l->held)
		emit(l, out, l->held_line, true, l->held_ns);
	l->held = false;
	l->run_shown = 0;
	l->fold_data = l->fold_bytes = l->fold_acks = 0;
}

/* The held FIN's row, with the states it and what came after it brought. */
static void release_fin(struct ladder *l, struct textbuf *out)
{
	if (!l->fin_held)
		return;
	put_states(l, &l->fin_row);
	emit_row(l, out, &l->fin_row, true, l->fin_ns);
	l->fin_held = false;
}

/* Every row held back, before a row that comes after them. */
static void flush(struct ladder *l, struct textbuf *out)
{
	release_fin(l, out);
	flush_run(l, out);
}

/*
 * What segment s, from x to y, tells of the FINs before it: x got y's FIN
 * if its ack covers it; y got x's FIN if that FIN came before s.  Those
 * receipts go on the held FIN's row, the one before s.
 */
static void release_fin_before(struct ladder *l, const struct tcp_segment *s, struct ladder_end *x,
			       struct ladder_end *y, struct textbuf *out)
{
	if (!l->fin_held)
		return;
	struct trace_side *tx = conn_side(l, x), *ty = conn_side(l, y);
	if ((s->flags & (TCPF_ACK | TCPF_RST)) == TCPF_ACK && ty->fin_sent && !x->heard_fin &&
	    seq_leq(ty->fin_end, s->ack))
		hear_fin(x, tx->fin_acked);
	if (tx->fin_sent && !y->heard_fin)
		hear_fin(y, ty->fin_acked);
	release_fin(l, out);
}

/* ---- Arrows ---- */

/* The arrow's words: the kind, seq, len and marks always; ack, win and mss while they fit. */
static void arrow_label(const struct tcp_segment *s, const struct segment_note *n, char *buf, size_t size)
{
	const char *kind = trace_segment_kind(s);
	bool bare_ack = strcmp(kind, "ACK") == 0 && n->window != WINDOW_PROBE && n->window != WINDOW_KEEPALIVE;
	bool rst = s->flags & TCPF_RST;
	char seq[24], ack[24], mark[40] = "";

	trace_relative(n->from, n->from_letter, s->seq, seq, sizeof(seq));
	trace_relative(n->to, n->to_letter, s->ack, ack, sizeof(ack));
	if (n->again)
		snprintf(mark, sizeof(mark), " (retx)");
	if (n->window == WINDOW_ZERO)
		snprintf(mark + strlen(mark), sizeof(mark) - strlen(mark), " (zero window)");
	else if (n->window == WINDOW_PROBE)
		snprintf(mark + strlen(mark), sizeof(mark) - strlen(mark), " (window probe)");
	else if (n->window == WINDOW_KEEPALIVE)
		snprintf(mark + strlen(mark), sizeof(mark) - strlen(mark), " (keepalive)");
	else if (n->window == WINDOW_OPENS)
		snprintf(mark + strlen(mark), sizeof(mark) - strlen(mark), " (window opens)");

	/*
	 * drop 0: everything; 1: without mss; 2: nor win (ack when the window
	 * is the news); 3: nor ack; 4: and the words "seq=" and "len=", so that
	 * far into a transfer a mark such as "(retx)" still fits.
	 */
	bool window_news = n->window == WINDOW_ZERO || n->window == WINDOW_OPENS;
	for (int drop = 0; drop <= 4; drop++) {
		struct textbuf t = textbuf_on(buf, size);
		textbuf_puts(&t, kind);
		if (!bare_ack)
			textbuf_printf(&t, drop < 4 ? " seq=%s" : " %s", seq);
		if (s->len)
			textbuf_printf(&t, drop < 4 ? " len=%u" : " +%u", s->len);
		if (s->flags & TCPF_ACK && drop < (window_news ? 2 : 3))
			textbuf_printf(&t, " ack=%s", ack);
		if (!rst && drop < (window_news ? 3 : 2))
			textbuf_printf(&t, " win=%u", s->win);
		if (s->has_mss && drop < 1)
			textbuf_printf(&t, " mss=%u", s->mss);
		textbuf_puts(&t, mark);
		if (t.len <= LABEL_MAX)
			return;
	}
}

/* The arrow between the rails: "── label ───▶" from us, "◀── label ───" from the peer. */
static void put_arrow(const struct ladder *l, struct ladder_row *r, const char *label, bool from_us)
{
	const struct glyphs *g = glyphs(l);
	int n = (int)strlen(label);

	if (n > LABEL_MAX)
		n = LABEL_MAX;
	for (int c = ARROW_COL; c < ARROW_COL + ARROW_W; c++)
		row_glyph(r, c, g->dash);
	if (from_us)
		row_glyph(r, ARROW_COL + ARROW_W - 1, g->right);
	else
		row_glyph(r, ARROW_COL, g->left);
	int at = ARROW_COL + (from_us ? 3 : 4);
	row_glyph(r, at - 1, " ");
	row_text(r, at, n, label);
	row_glyph(r, at + n, " ");
}

/* ---- The interface ---- */

void ladder_init(struct ladder *l, const struct seg_end *us, const struct seg_end *peer, bool ascii,
		 bool kernel_states, int verbose)
{
	memset(l, 0, sizeof(*l));
	l->us.end = *us;
	l->peer.end = *peer;
	l->ascii = ascii;
	l->kernel_states = kernel_states;
	l->verbose = verbose;
}

/* Where a name centred over a rail starts, kept within the line. */
static int name_start(int len, int rail)
{
	int start = rail - len / 2;

	if (start + len > LADDER_COLUMNS)
		start = LADDER_COLUMNS - len;
	return start < 0 ? 0 : start;
}

void ladder_header(struct ladder *l, struct textbuf *out)
{
	textbuf_puts(out, "seq, ack: A+n, B+n count from each end's first number; A sent the first SYN\n");
	textbuf_puts(out, l->kernel_states ? "states: the kernel's; * inferred from the segments: too brief to sample\n"
					   : "states: inferred from the segments\n");
	ladder_names(l, out);
}

void ladder_names(struct ladder *l, struct textbuf *out)
{
	char us[SOCK_NAME_MAX], peer[SOCK_NAME_MAX];
	struct ladder_row r;

	seg_end_name(&l->us.end, us, sizeof(us));
	seg_end_name(&l->peer.end, peer, sizeof(peer));
	int nu = (int)strlen(us), np = (int)strlen(peer);
	int su = name_start(nu, RAIL_US), sp = name_start(np, RAIL_PEER);
	row_clear(&r);
	row_text(&r, su, LADDER_COLUMNS, us);
	if (su + nu + 2 > sp) {   /* two long names: one line each */
		emit_row(l, out, &r, false, 0);
		row_clear(&r);
	}
	row_text(&r, sp, LADDER_COLUMNS, peer);
	emit_row(l, out, &r, false, 0);

	row_clear(&r);
	row_text(&r, TIME_W - 4, 4, "time");
	row_text(&r, OUR_COL, OUR_W, "us");
	row_rails(l, &r, false);
	row_text(&r, PEER_COL, PEER_W, "peer");
	emit_row(l, out, &r, false, 0);
}

void ladder_segment(struct ladder *l, const struct tcp_segment *s, int64_t t_ns, struct textbuf *out)
{
	struct ladder_end *x, *y;
	struct segment_note n;
	struct ladder_row r;
	char label[96];

	if (seg_end_equal(&s->src, &l->us.end) && seg_end_equal(&s->dst, &l->peer.end)) {
		x = &l->us;
		y = &l->peer;
	} else if (seg_end_equal(&s->src, &l->peer.end) && seg_end_equal(&s->dst, &l->us.end)) {
		x = &l->peer;
		y = &l->us;
	} else {
		return;   /* another connection's */
	}
	release_fin_before(l, s, x, y, out);
	bool known = l->conn.a.known;
	bool x_syn_before = known && conn_side(l, x)->have_isn;
	bool x_fin_before = known && conn_side(l, x)->fin_sent;
	trace_conn_note(&l->conn, s, t_ns, &n);
	if (!n.from)
		return;
	infer(l, s, x, y, x_syn_before, x_fin_before);

	row_clear(&r);
	row_rails(l, &r, false);
	arrow_label(s, &n, label, sizeof(label));
	put_arrow(l, &r, label, x == &l->us);
	if ((s->flags & (TCPF_FIN | TCPF_RST)) == TCPF_FIN) {
		flush_run(l, out);
		l->fin_row = r;   /* its states are put in when it is released */
		l->fin_ns = t_ns;
		l->fin_held = true;
		return;
	}
	bool changed = put_states(l, &r);

	bool foldable = l->verbose <= 0 && !changed && !n.again && n.window == WINDOW_NONE &&
			!(s->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST | TCPF_URG));
	if (!foldable) {
		flush_run(l, out);
		emit_row(l, out, &r, true, t_ns);
		return;
	}
	if (l->run_shown < RUN_SHOWN) {
		l->run_shown++;
		emit_row(l, out, &r, true, t_ns);
		return;
	}
	if (l->held) {
		if (l->fold_data + l->fold_acks == 0) {
			memcpy(l->single_line, l->held_line, sizeof(l->single_line));
			l->single_ns = l->held_ns;
		}
		fold_count(l, l->held_data, l->held_len);
	}
	row_line(&r, l->held_line, sizeof(l->held_line));
	l->held = true;
	l->held_data = s->len > 0;
	l->held_len = s->len;
	l->held_ns = t_ns;
}

void ladder_call(struct ladder *l, int64_t t_ns, const char *call, struct textbuf *out)
{
	struct ladder_row r;

	flush(l, out);
	row_clear(&r);
	row_rails(l, &r, false);
	if ((int)strlen(call) <= OUR_W)
		row_text(&r, OUR_COL, OUR_W, call);
	else   /* too long for our column: beside our rail, where no arrow is */
		row_text(&r, ARROW_COL + 1, ARROW_W - 2, call);
	emit_row(l, out, &r, true, t_ns);
}

/* A row of its own for what the kernel said of e, plain: no inference stands behind it. */
static void sample_row(struct ladder *l, struct ladder_end *e, int st, int64_t t_ns, struct textbuf *out)
{
	struct ladder_row r;
	char text[24];

	flush(l, out);
	enter(e, st);
	e->row_entered = 0;
	e->sampled &= ~BIT(st);
	row_clear(&r);
	row_rails(l, &r, false);
	snprintf(text, sizeof(text), "%s", state_name(st));
	if (e == &l->us)
		row_text(&r, OUR_COL, OUR_W, text);
	else
		row_text(&r, PEER_COL, PEER_W, text);
	emit_row(l, out, &r, true, t_ns);
}

void ladder_state(struct ladder *l, enum ladder_side side, int tcp_state, int64_t t_ns, struct textbuf *out)
{
	struct ladder_end *e = side == LADDER_US ? &l->us : &l->peer;
	int st = tcp_state == TCP_NEW_SYN_RECV ? TCP_SYN_RECV : tcp_state;

	if (st < TCP_ESTABLISHED || st > TCP_CLOSING)
		return;
	/* A state only the other end's FIN leads to: e got the FIN of the held row, or one before it. */
	bool after_fin = st == TCP_CLOSE_WAIT || st == TCP_LAST_ACK || st == TCP_CLOSING || st == TCP_TIME_WAIT;
	struct ladder_end *other = e == &l->us ? &l->peer : &l->us;
	if (l->fin_held && after_fin && !e->heard_fin && conn_side(l, other)->fin_sent) {
		e->sampled |= BIT(st);
		hear_fin(e, conn_side(l, e)->fin_acked);
		release_fin(l, out);
	}
	e->have_sample = true;
	e->last_sample = st;
	e->last_sample_ns = t_ns;
	if (st == e->state || e->visited & BIT(st))
		return;   /* drawn already, or passed */
	if (reachable(e->state, st))
		e->sampled |= BIT(st);   /* confirms the row that gets there */
	else
		sample_row(l, e, st, t_ns, out);
}

void ladder_finish(struct ladder *l, struct textbuf *out)
{
	struct ladder_end *ends[] = { &l->us, &l->peer };

	flush(l, out);
	for (int i = 0; i < 2; i++) {
		struct ladder_end *e = ends[i];
		if (e->have_sample && e->last_sample != e->state && !(e->visited & BIT(e->last_sample)))
			sample_row(l, e, e->last_sample, e->last_sample_ns, out);
	}
}
