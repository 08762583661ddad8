/*
 * libFuzzer target: a captured frame on its way to a --trace event.  The
 * first byte picks the link type (and how much longer the frame was on
 * the wire), the rest is the frame.  A decoded segment goes through the
 * trace with an answer and a repeat of itself; every event must render as
 * a line and a JSON object with no raw control byte, of the length that
 * report_format() says it needed.  The same segments, calls and kernel
 * states drawn as a ladder give lines of at most 80 columns, each ended by
 * a newline, with no control byte.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/report.h"
#include "net/segment.h"
#include "view/ladder.h"
#include "view/trace_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[] = { LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LINUX_SLL, LINK_LINUX_SLL2 };
#define NLINKS (sizeof(links) / sizeof(links[0]))

static void check_rendered(const struct segment_event *ev, int64_t t_ns)
{
	char line[2048];

	for (int json = 0; json <= 1; json++) {
		size_t need = report_format(line, sizeof(line), json, "segment", t_ns, ev->human, ev->f);
		size_t got = strlen(line);
		if (need >= sizeof(line) || got != need)
			abort();   /* a segment's event always fits a line */
		for (size_t i = 0; i < got; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				abort();
	}
}

/* Every ladder line within 80 columns, ended by '\n', no other control byte, UTF-8 box characters whole. */
static void check_ladder(const struct textbuf *out)
{
	int cols = 0;

	if (out->len >= out->size || (out->len > 0 && out->buf[out->len - 1] != '\n'))
		abort();
	for (size_t i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->buf[i];
		if (c == '\n') {
			cols = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			abort();
		if ((c & 0xc0) != 0x80 && ++cols > LADDER_COLUMNS)
			abort();
	}
}

/* The segments drawn as a ladder from either end, with calls and kernel states between them. */
static void draw_ladder(const struct tcp_segment *const *seq, int n, uint8_t salt)
{
	static char text[16384];
	struct ladder l;

	for (int side = 0; side <= 1; side++) {
		struct textbuf out = textbuf_on(text, sizeof(text));
		const struct seg_end *us = side ? &seq[0]->dst : &seq[0]->src;
		const struct seg_end *peer = side ? &seq[0]->src : &seq[0]->dst;
		ladder_init(&l, us, peer, salt & 1, salt & 2, salt & 4 ? 1 : 0);
		ladder_header(&l, &out);
		ladder_state(&l, LADDER_PEER, salt % 14, 0, &out);
		ladder_call(&l, 1, salt & 8 ? "shutdown(SHUT_WR) \x01 and more words" : "close() RST", &out);
		for (int i = 0; i < n; i++) {
			ladder_segment(&l, seq[i], (int64_t)i * 1000003 * (salt | 1), &out);
			ladder_state(&l, (i + side) & 1 ? LADDER_US : LADDER_PEER, (salt >> 4) + i, -i, &out);
		}
		ladder_finish(&l, &out);
		check_ladder(&out);
	}
}

/* The other end's answer to s, its numbers and flags stirred by salt. */
static struct tcp_segment answer(const struct tcp_segment *s, uint8_t salt)
{
	struct tcp_segment m = *s;

	m.src = s->dst;
	m.dst = s->src;
	m.seq = s->ack + (uint32_t)(salt >> 4);
	m.ack = s->seq + s->len + 1;
	m.flags = (uint8_t)(s->flags ^ salt);
	m.len = s->len ^ salt;
	m.ifindex = salt & 1;
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_segment s;
	struct trace_conn c;
	struct segment_event ev;

	if (size < 1)
		return 0;
	int linktype = links[data[0] % NLINKS];
	/* The rest of the first byte: a wire length past the capture, as a snap length makes. */
	size_t caplen = size - 1, wirelen = caplen + (size_t)(data[0] / NLINKS) * 1500;
	if (segment_decode(data + 1, caplen, wirelen, linktype, &s) < 0)
		return 0;
	if (s.sack_blocks < 0 || s.sack_blocks > SEGMENT_SACK_MAX)
		abort();

	memset(&c, 0, sizeof(c));
	struct tcp_segment m = answer(&s, data[size - 1]);
	const struct tcp_segment *seq[] = { &s, &m, &s };
	for (int i = 0; i < 3; i++) {
		int64_t t = (int64_t)i * 1000003;
		trace_segment_event(&c, seq[i], t, i != 1, i ? "eth0" : NULL, i == 2, &ev);
		check_rendered(&ev, t);
	}
	(void)trace_conn_over(&c);
	draw_ladder(seq, 3, data[size - 1]);
	return 0;
}
