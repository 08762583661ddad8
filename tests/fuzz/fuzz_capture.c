/*
 * libFuzzer target: a capture file, as tcptool trace reads it.  The input
 * is the file, opened in memory with libpcap's reader through
 * net/capture_file; every segment it yields goes into the connection
 * table, and through --trace's formatter as seen from its connection's
 * opener; at the end, every connection renders as tcptool trace lists it.
 * Each event must render as a line and a JSON object with no raw control
 * byte, of the length that report_format() says it needed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/capture_file.h"
#include "net/conn_table.h"
#include "view/report.h"
#include "view/trace_file.h"
#include "view/trace_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CONNS_FOLLOWED 4
#define SEGMENTS_MAX 4096   /* a bound on the work one input makes */

static void check_rendered(const char *event, const char *human, const struct field *f, int64_t t_ns)
{
	char line[4096];

	for (int json = 0; json <= 1; json++) {
		size_t need = report_format(line, sizeof(line), json, event, t_ns, human, f);
		size_t got = strlen(line);
		if (need >= sizeof(line) || got != need)
			abort();   /* an event always fits a line */
		for (size_t i = 0; i < got; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[CAPTURE_FILE_WHY_MAX];
	struct trace_conn followed[CONNS_FOLLOWED];
	struct segment_event ev;
	struct tcp_segment s;
	int64_t t;
	bool from_a;

	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (f == NULL)
		return 0;
	struct capture_file *cf = capture_file_fopen(f, why, sizeof(why));
	if (cf == NULL) {
		if (why[0] == '\0' || memchr(why, '\0', sizeof(why)) == NULL)
			abort();   /* a failure always says why */
		return 0;
	}
	struct conn_table *table = conn_table_new();
	memset(followed, 0, sizeof(followed));
	int n = 0;
	while (table && n++ < SEGMENTS_MAX && capture_file_next(cf, &s, &t, why, sizeof(why)) == 1) {
		size_t id = conn_table_add(table, &s, t, &from_a);
		if (id == 0)
			break;
		if (id > conn_table_count(table) || !conn_has(conn_table_get(table, id), &s, (uint64_t)n))
			abort();   /* a segment belongs to the connection it was given */
		/* The first few connections, as trace --conn N shows them. */
		if (id <= CONNS_FOLLOWED) {
			trace_segment_event(&followed[id - 1], &s, t, from_a, NULL, n & 1, &ev);
			check_rendered("segment", ev.human, ev.f, t);
		}
	}
	(void)capture_file_link_name(cf);
	struct capture_file_stats st = capture_file_stats(cf);
	if (st.segments > st.frames)
		abort();
	for (size_t i = 1; table && i <= conn_table_count(table); i++) {
		struct conn_event ce;
		const struct conn *c = conn_table_get(table, i);
		if (c->from_a.segments + c->from_b.segments == 0 || c->first_seg > c->last_seg)
			abort();
		trace_file_conn_event(c, i, c->first_ns, &ce);
		check_rendered("connection", ce.human, ce.f, c->first_ns);
	}
	conn_table_free(table);
	capture_file_close(cf);
	return 0;
}
