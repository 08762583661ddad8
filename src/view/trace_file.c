/* tcptool trace FILE's lines: the capture, its connections, one connection's segments. */
#include "view/trace_file.h"

#include <stdio.h>
#include <string.h>

#include "base/charset.h"
#include "base/textbuf.h"

/* Room for what one ladder call writes: a header, or the rows a finish lets go. */
#define LADDER_TEXT_MAX 16384

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

static const char *end_key(enum conn_end e)
{
	switch (e) {
	case CONN_HALF_CLOSED: return "half_closed";
	case CONN_FIN: return "fin";
	case CONN_RST: return "rst";
	case CONN_REFUSED: return "refused";
	case CONN_OPEN: break;
	}
	return "open";
}

static const char *handshake_key(enum conn_handshake h)
{
	switch (h) {
	case HANDSHAKE_SEEN: return "seen";
	case HANDSHAKE_PARTIAL: return "partial";
	case HANDSHAKE_SYN_ONLY: return "syn_only";
	case HANDSHAKE_NONE: break;
	}
	return "none";
}

static const char *handshake_words(enum conn_handshake h)
{
	switch (h) {
	case HANDSHAKE_SEEN: return "handshake seen";
	case HANDSHAKE_PARTIAL: return "handshake partly seen";
	case HANDSHAKE_SYN_ONLY: return "SYN unanswered";
	case HANDSHAKE_NONE: break;
	}
	return "no handshake: it began before the capture";
}

/* How it ended, naming the end that did it. */
static void end_words(const struct conn *c, const struct conn_event *ev, struct textbuf *h)
{
	const char *by = c->ended_by_a ? ev->a : ev->b;

	switch (c->end) {
	case CONN_FIN: textbuf_puts(h, "closed with FIN both ways"); break;
	case CONN_HALF_CLOSED: textbuf_printf(h, "FIN from %s only, open at the end of the capture", by); break;
	case CONN_RST: textbuf_printf(h, "reset (RST) by %s", by); break;
	case CONN_REFUSED: textbuf_printf(h, "refused: %s answered the SYN with RST", by); break;
	case CONN_OPEN: textbuf_puts(h, "still open at the end of the capture"); break;
	}
}

void trace_file_conn_event(const struct conn *c, size_t n, int64_t t_ns, struct conn_event *ev)
{
	char start[32], dur[32], out[32], in[32];
	int64_t span = c->last_ns > c->first_ns ? c->last_ns - c->first_ns : 0;
	uint64_t segments = c->from_a.segments + c->from_b.segments;
	enum conn_handshake hs = conn_handshake(c);
	size_t nf = 0;

	seg_end_name(&c->a, ev->a, sizeof(ev->a));
	seg_end_name(&c->b, ev->b, sizeof(ev->b));
	struct textbuf h = textbuf_on(ev->human, sizeof(ev->human));
	textbuf_printf(&h, "%zu  %s > %s  from t+%s for %s: %llu segment%s, %s out, %s in; ", n, ev->a, ev->b,
		       format_elapsed(t_ns, start, sizeof(start)), format_elapsed(span, dur, sizeof(dur)),
		       (unsigned long long)segments, plural(segments),
		       format_bytes(c->from_a.bytes, out, sizeof(out)), format_bytes(c->from_b.bytes, in, sizeof(in)));
	end_words(c, ev, &h);
	if (c->end != CONN_REFUSED)
		textbuf_printf(&h, "; %s", handshake_words(hs));

	struct field *f = ev->f;
	f[nf++] = F_INT("conn", n);
	f[nf++] = F_STR("a", ev->a);
	f[nf++] = F_STR("b", ev->b);
	f[nf++] = F_INT("segments", segments);
	f[nf++] = F_INT("segments_a", c->from_a.segments);
	f[nf++] = F_INT("segments_b", c->from_b.segments);
	f[nf++] = F_INT("bytes_a", c->from_a.bytes);
	f[nf++] = F_INT("bytes_b", c->from_b.bytes);
	f[nf++] = F_MS("duration_ms", span);
	f[nf++] = F_STR("end", end_key(c->end));
	if (c->end == CONN_RST || c->end == CONN_REFUSED || c->end == CONN_HALF_CLOSED)
		f[nf++] = F_STR("ended_by", c->ended_by_a ? "A" : "B");
	f[nf++] = F_STR("handshake", handshake_key(hs));
	f[nf] = F_END;
}

void trace_file_report_capture(const struct report *r, const char *path, const char *link,
			       const struct capture_file_stats *st, size_t conns, int64_t span_ns)
{
	char span[32];
	struct field f[] = {
		F_STR("path", path), F_STR("link", link), F_INT("frames", st->frames),
		F_INT("segments", st->segments), F_INT("connections", conns), F_MS("duration_ms", span_ns), F_END,
	};

	report_event_at(r, r->t0_ns, "capture", f,
			"%s: %zu TCP connection%s, %llu TCP segment%s in %llu frame%s over %s (link type %s)",
			path, conns, plural(conns), (unsigned long long)st->segments, plural(st->segments),
			(unsigned long long)st->frames, plural(st->frames), format_elapsed(span_ns, span, sizeof(span)),
			link);
}

void trace_file_report_conn(const struct report *r, const struct conn *c, size_t n)
{
	struct conn_event ev;

	trace_file_conn_event(c, n, c->first_ns - r->t0_ns, &ev);
	report_event_at(r, c->first_ns, "connection", ev.f, "%s", ev.human);
}

void trace_file_report_segment(const struct report *r, struct trace_conn *tc, const struct tcp_segment *s,
			       int64_t t_ns, bool from_a)
{
	struct segment_event ev = { .human = "" };

	/* The interface a file names belongs to the host that captured it: left out. */
	trace_segment_event(tc, s, t_ns, from_a, NULL, r->verbose, &ev);
	report_event_at(r, t_ns, "segment", ev.f, "%s", ev.human);
}

void trace_file_ladder_start(const struct report *r, struct ladder *l, const struct conn *c)
{
	static char text[LADDER_TEXT_MAX];
	struct textbuf out = textbuf_on(text, sizeof(text));

	ladder_init(l, &c->a, &c->b, !charset_is_utf8(), false, r->verbose);
	ladder_header(l, &out);
	report_picture(r, text);
}

void trace_file_ladder_segment(const struct report *r, struct ladder *l, const struct conn *c,
			       const struct tcp_segment *s, int64_t t_ns)
{
	static char text[LADDER_TEXT_MAX];
	struct textbuf out = textbuf_on(text, sizeof(text));

	ladder_segment(l, s, t_ns - c->first_ns, &out);
	report_picture(r, text);
}

void trace_file_ladder_finish(const struct report *r, struct ladder *l)
{
	static char text[LADDER_TEXT_MAX];
	struct textbuf out = textbuf_on(text, sizeof(text));

	ladder_finish(l, &out);
	report_picture(r, text);
}

void trace_file_report_empty(const struct report *r, const char *path, const struct capture_file_stats *st)
{
	struct field f[] = {
		F_STR("path", path), F_INT("frames", st->frames), F_INT("segments", 0), F_INT("connections", 0), F_END,
	};

	report_event_at(r, r->t0_ns, "capture", f, "%s: no TCP segment in %llu frame%s", path,
			(unsigned long long)st->frames, plural(st->frames));
}
