/* info --watch's reports: the header of each, a line per socket, the closed ones' totals. */
#include "view/watch_report.h"

#include <stdio.h>
#include <string.h>

#include "net/sock.h"
#include "net/tcp_state.h"
#include "view/interval_report.h"

/* How a line of a socket starts: its mark, in a column of its own. */
#define MARK_NEW    "  new    "
#define MARK_CLOSED "  closed "
#define MARK_NONE   "         "

size_t watch_format_header(char *buf, size_t size, const struct watch_block *b)
{
	char clock[16] = "?", every[32];
	struct tm tm;
	int k;

	if (localtime_r(&b->wall, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	format_duration(b->interval_ms, every, sizeof(every));
	if (b->number == 0)
		k = snprintf(buf, size, "%s  %zu socket%s: the baseline; figures every %s from the next "
			     "report on", clock, b->sockets, b->sockets == 1 ? "" : "s", every);
	else
		k = snprintf(buf, size, "%s  %zu socket%s, %zu new, %zu closed", clock, b->sockets,
			     b->sockets == 1 ? "" : "s", b->opened, b->closed);
	return k > 0 ? (size_t)k : 0;
}

/* The label from names already formatted: a listener's peer shows as "*". */
static size_t format_label(char *buf, size_t size, const struct tcp_sock *s, const char *local,
			   const char *peer)
{
	char owner[64];
	int k;

	if (s->state == TCP_LISTEN)
		peer = "*";
	if (s->owners > 0)
		snprintf(owner, sizeof(owner), " %s (pid %d)", s->command, (int)s->pid);
	else if (s->inode != 0)
		snprintf(owner, sizeof(owner), " (uid %u)", s->uid);   /* a process we may not see */
	else
		owner[0] = '\0';   /* the kernel's own: TIME_WAIT, not yet accepted */
	k = snprintf(buf, size, "%s > %s %s%s", local, peer, tcp_state_name(s->state), owner);
	return k > 0 ? (size_t)k : 0;
}

size_t watch_format_label(char *buf, size_t size, const struct tcp_sock *s)
{
	char local[SOCK_NAME_MAX], peer[SOCK_NAME_MAX];

	sock_name((const struct sockaddr *)&s->local, local, sizeof(local));
	sock_name((const struct sockaddr *)&s->peer, peer, sizeof(peer));
	return format_label(buf, size, s, local, peer);
}

size_t watch_format_totals(char *buf, size_t size, const struct flow_sample *last)
{
	char out[32], in[32];
	int k;

	format_si((double)last->bytes_out, "B", out, sizeof(out));
	format_si((double)last->bytes_in, "B", in, sizeof(in));
	if (last->have_info)
		k = snprintf(buf, size, "in all sent %s, received %s; retransmitted %u segment%s", out, in,
			     last->ti.total_retrans, last->ti.total_retrans == 1 ? "" : "s");
	else
		k = snprintf(buf, size, "in all sent %s, received %s", out, in);
	return k > 0 ? (size_t)k : 0;
}

void watch_report_block(const struct report *r, const struct watch_block *b)
{
	char line[256];
	struct field f[] = {
		F_INT("report", b->number),
		F_BOOL("baseline", b->number == 0),
		F_INT("sockets", b->sockets),
		F_INT("opened", b->opened),
		F_INT("closed", b->closed),
		F_INT("idle", b->idle),
		F_MS("interval_ms", b->interval_ms * 1000000),
		F_END,
	};

	watch_format_header(line, sizeof(line), b);
	report_event(r, "watch", f, "%s", line);
}

size_t watch_format_idle(char *buf, size_t size, size_t idle)
{
	int k = snprintf(buf, size, MARK_NONE "%zu socket%s idle (not shown; -v shows every socket)", idle,
			 idle == 1 ? "" : "s");
	return k > 0 ? (size_t)k : 0;
}

void watch_report_idle(const struct report *r, size_t idle)
{
	char line[128];

	if (r->json || idle == 0)
		return;
	watch_format_idle(line, sizeof(line), idle);
	report_event(r, "idle", NULL, "%s", line);
}

/* The names, state and owner of a socket as JSON fields, F_END last; f needs 6 entries. */
static size_t sock_fields(const struct tcp_sock *s, char *local, char *peer, struct field *f)
{
	size_t n = 0;

	sock_name((const struct sockaddr *)&s->local, local, SOCK_NAME_MAX);
	sock_name((const struct sockaddr *)&s->peer, peer, SOCK_NAME_MAX);
	f[n++] = F_STR("local", local);
	f[n++] = F_STR("peer", peer);
	f[n++] = F_STR("state", tcp_state_name(s->state));
	if (s->owners > 0) {
		f[n++] = F_INT("pid", s->pid);
		f[n++] = F_STR("command", s->command);
	}
	f[n] = F_END;
	return n;
}

void watch_report_socket(const struct report *r, const struct tcp_sock *s, bool is_new,
			 const struct interval *iv)
{
	char local[SOCK_NAME_MAX], peer[SOCK_NAME_MAX];

	if (r->quiet)
		return;
	/* The names once for both renderings: a report may have 10,000 of these. */
	struct field f[8 + INTERVAL_FIELDS + 1];
	size_t n = sock_fields(s, local, peer, f);
	if (r->json) {
		if (is_new)
			report_event(r, "socket_opened", f, "%s", "");
		f[n++] = F_BOOL("new", is_new);
		interval_fields(iv, f + n);
		/* The figures are fields: no human line to format and throw away. */
		report_event(r, "interval", f, "%s", "");
		return;
	}
	char line[1024];
	size_t k = sizeof(MARK_NONE) - 1;
	memcpy(line, is_new ? MARK_NEW : MARK_NONE, k);
	k += format_label(line + k, sizeof(line) - k, s, local, peer);
	if (k + 2 < sizeof(line)) {
		line[k++] = ':';
		line[k++] = ' ';
		interval_format(line + k, sizeof(line) - k, iv);
	}
	report_event(r, "interval", NULL, "%s", line);
}

void watch_report_closed(const struct report *r, const struct tcp_sock *s, const struct flow_sample *last)
{
	char local[SOCK_NAME_MAX], peer[SOCK_NAME_MAX], label[256], totals[128];
	struct field f[12];
	size_t n = sock_fields(s, local, peer, f);

	f[n++] = F_INT("bytes_out_total", last->bytes_out);
	f[n++] = F_INT("bytes_in_total", last->bytes_in);
	if (last->have_info)
		f[n++] = F_INT("retrans_total", last->ti.total_retrans);
	f[n] = F_END;
	watch_format_label(label, sizeof(label), s);
	watch_format_totals(totals, sizeof(totals), last);
	report_event(r, "socket_closed", f, MARK_CLOSED "%s: %s", label, totals);
}
