/* The one place that renders events and errors, as lines or JSON. */
#include "view/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/sock.h"
#include "base/clock.h"
#include "base/textbuf.h"

void report_init(struct report *r, FILE *out, bool json, bool quiet, int verbose)
{
	*r = (struct report){
		.out = out, .json = json, .quiet = quiet, .verbose = verbose, .t0_ns = now_ns(),
	};
}

static void put_json_string(struct textbuf *o, const char *s)
{
	char esc[8];

	textbuf_put(o, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': textbuf_puts(o, "\\\""); break;
		case '\\': textbuf_puts(o, "\\\\"); break;
		case '\n': textbuf_puts(o, "\\n"); break;
		case '\r': textbuf_puts(o, "\\r"); break;
		case '\t': textbuf_puts(o, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				textbuf_puts(o, esc);
			} else {
				textbuf_put(o, (const char *)p, 1);
			}
		}
	}
	textbuf_put(o, "\"", 1);
}

size_t report_format(char *buf, size_t size, bool json, const char *event, int64_t t_ns,
		     const char *human, const struct field *fields)
{
	struct textbuf o = textbuf_on(buf, size);
	char num[32];

	if (!json) {
		textbuf_puts(&o, human);
		return o.len;
	}
	textbuf_puts(&o, "{\"event\":");
	put_json_string(&o, event);
	snprintf(num, sizeof(num), ",\"t\":%.6f", (double)t_ns / 1e9);
	textbuf_puts(&o, num);
	for (const struct field *f = fields; f && f->key; f++) {
		if (f->type == FIELD_STR && f->s == NULL)
			continue;
		textbuf_put(&o, ",", 1);
		put_json_string(&o, f->key);
		textbuf_put(&o, ":", 1);
		switch (f->type) {
		case FIELD_STR: put_json_string(&o, f->s); break;
		case FIELD_INT: snprintf(num, sizeof(num), "%" PRId64, f->i); textbuf_puts(&o, num); break;
		case FIELD_MS: textbuf_puts(&o, format_ms(f->i, num, sizeof(num))); break;
		case FIELD_BOOL: textbuf_puts(&o, f->i ? "true" : "false"); break;
		}
	}
	textbuf_put(&o, "}", 1);
	return o.len;
}

bool report_shares_terminal(FILE *f)
{
	struct stat a, b;

	return isatty(STDOUT_FILENO) && isatty(fileno(f)) && fstat(STDOUT_FILENO, &a) == 0 &&
	       fstat(fileno(f), &b) == 0 && a.st_rdev == b.st_rdev;
}

/* A line of ours never continues a line of the peer's data on the same terminal. */
static void start_line(const struct report *r, FILE *to)
{
	if (r->status_shown && *r->status_shown) {
		fputs("\r\033[K", r->out);
		*r->status_shown = false;
	}
	if (r->mid_line && *r->mid_line) {
		fputc('\n', to);
		*r->mid_line = false;
	}
}

static void emit_line(FILE *out, const char *line, bool flush)
{
	fputs(line, out);
	fputc('\n', out);
	if (flush)
		fflush(out);
}

static void vreport_event(const struct report *r, int64_t at_ns, const char *event,
			  const struct field *fields, const char *human_fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
static void vreport_event(const struct report *r, int64_t at_ns, const char *event,
			  const struct field *fields, const char *human_fmt, va_list ap)
{
	char human[1024], line[4096];
	int64_t t_ns = at_ns - r->t0_ns;
	int n = 0;

	if (r->stamp && r->stamp_fn) {
		n = (int)strlen(r->stamp_fn(t_ns, human, sizeof(human)));
	} else if (r->stamp) {
		char t[32];
		n = snprintf(human, sizeof(human), "t+%-10s ", format_elapsed(t_ns, t, sizeof(t)));
	}
	vsnprintf(human + n, sizeof(human) - (size_t)n, human_fmt, ap);
	report_format(line, sizeof(line), r->json, event, t_ns, human, fields);
	start_line(r, r->out);
	emit_line(r->out, line, !r->batch);
}

void report_call(const struct report *r, int64_t at_ns, const char *call, long long bytes)
{
	if (r->source && r->source->call)
		r->source->call(r->source, at_ns, call, bytes);
}

void report_picture(const struct report *r, const char *lines)
{
	if (r->quiet || r->json || lines[0] == '\0')
		return;
	start_line(r, r->out);
	fputs(lines, r->out);
	if (!r->batch)
		fflush(r->out);
}

void report_drain_source(const struct report *r)
{
	if (r->source)
		r->source->drain(r->source);
}

void report_event(const struct report *r, const char *event, const struct field *fields,
		  const char *human_fmt, ...)
{
	va_list ap;

	if (r->quiet)
		return;
	/* What the source saw before now comes first, then this event's own time. */
	report_drain_source(r);
	if (r->source && r->source->settle)
		r->source->settle(r->source);
	va_start(ap, human_fmt);
	vreport_event(r, now_ns(), event, fields, human_fmt, ap);
	va_end(ap);
}

void report_event_at(const struct report *r, int64_t at_ns, const char *event,
		     const struct field *fields, const char *human_fmt, ...)
{
	va_list ap;

	if (r->quiet)
		return;
	va_start(ap, human_fmt);
	vreport_event(r, at_ns, event, fields, human_fmt, ap);
	va_end(ap);
}

void report_error(const struct report *r, const char *fmt, ...)
{
	char msg[1024], line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_drain_source(r);
	start_line(r, r->json ? r->out : stderr);
	if (r->json) {
		struct field f[] = { F_STR("message", msg), F_END };
		report_format(line, sizeof(line), true, "error", now_ns() - r->t0_ns, msg, f);
		emit_line(r->out, line, true);
		if (r->out == stderr)
			return;
	}
	fprintf(stderr, "tcptool: %s\n", msg);
	fflush(stderr);
}
