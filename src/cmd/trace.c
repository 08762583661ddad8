/* tcptool trace FILE: the TCP connections of a capture file, listed, then one shown segment by segment or as a ladder. */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "net/capture_file.h"
#include "net/conn_table.h"
#include "net/segment.h"
#include "view/report.h"
#include "view/trace_file.h"
#include "view/trace_format.h"

/* What the first reading of the file found. */
struct reading {
	struct conn_table *table;
	struct capture_file_stats stats;
	char link[64];
	bool have_first;
	int64_t first_ns, last_ns;     /* the first and last TCP segment */
	int damaged;                   /* 0, or the file broke off: ENODATA (cut short) or EINVAL; why says how */
	char why[CAPTURE_FILE_WHY_MAX];
};

static struct capture_file *open_capture(const struct report *r, const char *path)
{
	char why[CAPTURE_FILE_WHY_MAX];
	struct capture_file *cf = capture_file_open(path, why, sizeof(why));

	if (cf != NULL)
		return cf;
	switch (errno) {
	case EINVAL:
		report_error(r, "trace: '%s' is not a capture file (%s)", path, why);
		break;
	case ENODATA:
		report_error(r, "trace: '%s' is empty: not a capture file", path);
		break;
	case EPROTONOSUPPORT:
		report_error(r, "trace: '%s': %s", path, why);
		break;
	case ENOSYS:
		report_error(r, "trace: this tcptool was built without capture support (libpcap), "
				"which reads capture files");
		break;
	default:
		report_error(r, "trace: cannot read '%s': %s", path, why);
	}
	return NULL;
}

/* Reads every frame once, grouping the segments into connections.  Returns 0, or -1 (said). */
static int read_connections(const struct report *r, const char *path, struct reading *rd)
{
	struct tcp_segment s;
	int64_t t;
	bool from_a;
	int rc;

	struct capture_file *cf = open_capture(r, path);
	if (cf == NULL)
		return -1;
	rd->table = conn_table_new();
	if (rd->table == NULL) {
		report_error(r, "trace: %s", strerror(errno));
		capture_file_close(cf);
		return -1;
	}
	while ((rc = capture_file_next(cf, &s, &t, rd->why, sizeof(rd->why))) == 1) {
		if (conn_table_add(rd->table, &s, t, &from_a) == 0) {
			report_error(r, "trace: '%s': %s", path, strerror(errno));
			capture_file_close(cf);
			return -1;
		}
		if (!rd->have_first || t < rd->first_ns)
			rd->first_ns = t;
		rd->have_first = true;
		if (t > rd->last_ns)
			rd->last_ns = t;
	}
	rd->damaged = rc < 0 ? errno : 0;
	rd->stats = capture_file_stats(cf);
	snprintf(rd->link, sizeof(rd->link), "%s", capture_file_link_name(cf));
	capture_file_close(cf);
	return 0;
}

static void list_connections(struct report *r, const char *path, const struct reading *rd)
{
	size_t n = conn_table_count(rd->table);

	r->t0_ns = rd->first_ns;
	trace_file_report_capture(r, path, rd->link, &rd->stats, n, rd->last_ns - rd->first_ns);
	for (size_t i = 1; i <= n; i++)
		trace_file_report_conn(r, conn_table_get(rd->table, i), i);
}

/*
 * Connection n, segment by segment (or as a ladder), from a second reading
 * of the file: its segments are those between its ends among the ordinals
 * the first reading gave it.  Times count from its first segment.
 */
static int show_connection(struct report *r, const char *path, const struct reading *rd, size_t n, bool ladder)
{
	const struct conn *c = conn_table_get(rd->table, n);
	struct trace_conn tc;
	struct ladder l;
	struct tcp_segment s;
	char why[CAPTURE_FILE_WHY_MAX];
	int64_t t;

	struct capture_file *cf = open_capture(r, path);
	if (cf == NULL)
		return -1;
	r->t0_ns = rd->first_ns;
	trace_file_report_conn(r, c, n);
	r->t0_ns = c->first_ns;
	r->stamp = true;
	memset(&tc, 0, sizeof(tc));
	/* The ladder is a picture for people: --json keeps to the segment events. */
	ladder = ladder && !r->json;
	if (ladder)
		trace_file_ladder_start(r, &l, c);
	for (uint64_t ordinal = 1; ordinal <= c->last_seg; ordinal++) {
		if (capture_file_next(cf, &s, &t, why, sizeof(why)) != 1)
			break;   /* the first reading saw the same end, and says so */
		if (!conn_has(c, &s, ordinal))
			continue;
		if (ladder)
			trace_file_ladder_segment(r, &l, c, &s, t);
		else
			trace_file_report_segment(r, &tc, &s, t, seg_end_equal(&s.src, &c->a));
	}
	if (ladder)
		trace_file_ladder_finish(r, &l);
	capture_file_close(cf);
	return 0;
}

int cmd_trace(int argc, char **argv, const struct options *o)
{
	struct reading rd = { .table = NULL };
	struct report r;
	const char *path = argv[0];
	int status = EXIT_OK;

	if (!args_operands("trace", argc, argv, "FILE"))
		return EXIT_USAGE;
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	if (read_connections(&r, path, &rd) < 0) {
		conn_table_free(rd.table);
		return EXIT_NETWORK;
	}
	size_t n = conn_table_count(rd.table);
	/* Events run on the capture's clock; errors on ours. */
	int64_t started = r.t0_ns;
	if (o->conn > 0 && (size_t)o->conn > n) {
		report_error(&r, "trace: --conn %lld, but '%s' holds %s%zu TCP connection%s", o->conn, path,
			     n ? "only " : "", n, n == 1 ? "" : "s");
		status = EXIT_USAGE;
	} else if (n == 0) {
		r.t0_ns = 0;
		trace_file_report_empty(&r, path, &rd.stats);
	} else if (o->conn == 0 && n > 1) {
		list_connections(&r, path, &rd);
	} else if (show_connection(&r, path, &rd, o->conn > 0 ? (size_t)o->conn : 1, o->ladder) < 0) {
		status = EXIT_NETWORK;
	}
	/* What was read is shown; the rest of the file could not be. */
	r.t0_ns = started;
	r.stamp = false;
	if (rd.damaged) {
		unsigned long long good = rd.stats.frames;
		report_error(&r, "trace: '%s' %s frame %llu (%s): what the %llu frame%s before it hold%s is shown",
			     path, rd.damaged == ENODATA ? "ends in the middle of" : "is damaged at", good + 1,
			     rd.why, good, good == 1 ? "" : "s", good == 1 ? "s" : "");
		status = EXIT_NETWORK;
	}
	conn_table_free(rd.table);
	return status;
}
