/* The live progress line. */
#include "view/progress.h"

#include <unistd.h>

#include "base/clock.h"
#include "base/format.h"

#define TTY_EVERY_NS (100 * 1000000LL)   /* ten redraws a second at most */
#define LINE_EVERY_NS (1000 * 1000000LL) /* a line a second off a terminal */

void progress_init(struct progress *p, struct report *r, int mode, int64_t total)
{
	*p = (struct progress){ .out = r->out, .total = total, .start_ns = now_ns() };
	p->tty = isatty(fileno(r->out));
	p->on = mode > 0 || (mode == 0 && p->tty);
	if (r->json || r->quiet)
		p->on = false;
	if (mode > 0)
		p->tty = false;
	p->rate_at_ns = p->start_ns;
	p->next_ns = p->on ? p->start_ns + (p->tty ? TTY_EVERY_NS : LINE_EVERY_NS) : 0;
	if (p->on && p->tty) {
		r->status_shown = &p->shown;
		p->mid_line = r->mid_line;
	}
}

size_t progress_format(char *buf, size_t size, uint64_t bytes_out, uint64_t bytes_in,
		       double out_rate, double in_rate, int64_t elapsed_ns, int64_t total)
{
	char a[32], b[32], c[32], d[32], e[32];
	int n = snprintf(buf, size, "sent %s (%s), received %s (%s), %s",
			 format_si((double)bytes_out, "B", a, sizeof(a)), format_si(out_rate, "B/s", b, sizeof(b)),
			 format_si((double)bytes_in, "B", c, sizeof(c)), format_si(in_rate, "B/s", d, sizeof(d)),
			 format_clock(elapsed_ns / 1000000000, e, sizeof(e)));
	if (total < 0 || n < 0)
		return n < 0 ? 0 : (size_t)n;

	size_t used = (size_t)n < size ? (size_t)n : size;
	int pct = total > 0 ? (int)((double)bytes_out * 100 / (double)total) : 100;
	double avg = elapsed_ns > 0 ? (double)bytes_out * 1e9 / (double)elapsed_ns : 0;
	uint64_t left = (uint64_t)total > bytes_out ? (uint64_t)total - bytes_out : 0;
	int m;

	if (pct > 100)
		pct = 100;
	if (left == 0 || avg < 1)
		m = snprintf(buf + used, size - used, ", %d%% of %s", pct,
			     format_si((double)total, "B", a, sizeof(a)));
	else
		m = snprintf(buf + used, size - used, ", %d%% of %s, %s left", pct,
			     format_si((double)total, "B", a, sizeof(a)),
			     format_clock((int64_t)((double)left / avg + 0.5), b, sizeof(b)));
	return (size_t)n + (m < 0 ? 0 : (size_t)m);
}

int64_t progress_update(struct progress *p, uint64_t bytes_out, uint64_t bytes_in)
{
	int64_t now = now_ns();
	char line[256];

	if (!p->on)
		return 0;
	if (now < p->next_ns)
		return p->next_ns;
	if (now - p->rate_at_ns >= LINE_EVERY_NS || p->rate_at_ns == p->start_ns) {
		double secs = (double)(now - p->rate_at_ns) / 1e9;
		if (secs > 0) {
			p->out_rate = (double)(bytes_out - p->rate_out) / secs;
			p->in_rate = (double)(bytes_in - p->rate_in) / secs;
		}
		if (now - p->rate_at_ns >= LINE_EVERY_NS) {
			p->rate_at_ns = now;
			p->rate_out = bytes_out;
			p->rate_in = bytes_in;
		}
	}
	progress_format(line, sizeof(line), bytes_out, bytes_in, p->out_rate, p->in_rate,
			now - p->start_ns, p->total);
	if (!p->tty) {
		fprintf(p->out, "progress: %s\n", line);
	} else if (!(p->mid_line && *p->mid_line)) {
		/* The peer's data left a line open on this terminal: wait for it to end. */
		fprintf(p->out, "\r%s\033[K", line);
		p->shown = true;
	}
	fflush(p->out);
	p->next_ns = now + (p->tty ? TTY_EVERY_NS : LINE_EVERY_NS);
	return p->next_ns;
}

void progress_erase(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", p->out);
	fflush(p->out);
	p->shown = false;
}

void progress_end(struct progress *p, struct report *r)
{
	progress_erase(p);
	if (r->status_shown == &p->shown)
		r->status_shown = NULL;
	p->on = false;
}
