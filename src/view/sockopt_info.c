/* info's rows of a socket's current options (info --fd N, info -v HOST PORT). */
#include "view/sockopt_info.h"

#include <stdio.h>
#include <sys/socket.h>

#include "view/info_print.h"
#include "view/sockopt_report.h"

/* A value with its unit, for info's value column. */
static void row_value(enum sockopt_id id, bool listener, const struct sockopt_value *v, char *buf,
		      size_t size)
{
	switch (id) {
	case SOCKOPT_SNDBUF:
	case SOCKOPT_RCVBUF:
	case SOCKOPT_MSS:
	case SOCKOPT_NOTSENT_LOWAT:
	case SOCKOPT_WINDOW_CLAMP:
		snprintf(buf, size, "%lld bytes", v->n);
		break;
	case SOCKOPT_KEEPALIVE:
		snprintf(buf, size, "%s (%d s, %d s, %d)", v->n ? "on" : "off", v->idle_s, v->interval_s, v->count);
		break;
	default:
		sockopt_value_text(id, listener, v, buf, size);
		break;
	}
}

size_t sockopt_info_rows(const struct sockopt_value *v, const bool *ok, int family, bool listener,
			 struct info_row *rows, size_t max)
{
	size_t n = 0;

	for (int id = 0; id < SOCKOPT_COUNT && n < max; id++) {
		if (!ok[id])
			continue;
		struct sockopt_result x = {
			.id = (enum sockopt_id)id, .family = family, .listener = listener, .read = true,
			.asked = v[id], .granted = v[id],
		};
		char what[280];
		struct info_row *row = &rows[n++];
		row->name = sockopt_def(x.id)->name;
		row_value(x.id, listener, &v[id], row->value, sizeof(row->value));
		if (x.id == SOCKOPT_KEEPALIVE && !v[id].n)
			snprintf(what, sizeof(what), "an idle connection is never probed; on, it would be after %d s "
				 "idle, every %d s, %d times", v[id].idle_s, v[id].interval_s, v[id].count);
		else
			sockopt_meaning(&x, &v[id], listener, -1, what, sizeof(what));
		snprintf(row->meaning, sizeof(row->meaning), "%s: %s",
			 sockopt_kernel_name(x.id, family, listener), what);
	}
	return n;
}

int sockopt_report_current(const struct report *r, int fd)
{
	struct sockopt_value v[SOCKOPT_COUNT];
	bool ok[SOCKOPT_COUNT];
	int family = AF_UNSPEC, listening = 0;
	socklen_t len = sizeof(family);

	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len);
	len = sizeof(listening);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		ok[id] = sockopt_read(fd, (enum sockopt_id)id, family, listening, &v[id]) == 0;
		/* The options only a listener has mean nothing on another socket. */
		if (!listening && sockopt_def((enum sockopt_id)id)->listener_only)
			ok[id] = false;
	}
	if (r->json) {
#define OK_INT(key, id, val) (ok[id] ? F_INT(key, val) : F_STR(key, NULL))
#define OK_BOOL(key, id) (ok[id] ? F_BOOL(key, v[id].n) : F_STR(key, NULL))
		struct field f[] = {
			OK_BOOL("nodelay", SOCKOPT_NODELAY), OK_BOOL("cork", SOCKOPT_CORK),
			OK_BOOL("quickack", SOCKOPT_QUICKACK),
			OK_INT("sndbuf", SOCKOPT_SNDBUF, v[SOCKOPT_SNDBUF].n),
			OK_INT("rcvbuf", SOCKOPT_RCVBUF, v[SOCKOPT_RCVBUF].n),
			OK_INT("mss", SOCKOPT_MSS, v[SOCKOPT_MSS].n),
			F_STR("congestion", ok[SOCKOPT_CONGESTION] ? v[SOCKOPT_CONGESTION].str : NULL),
			OK_BOOL("keepalive", SOCKOPT_KEEPALIVE),
			OK_INT("keepalive_idle_s", SOCKOPT_KEEPALIVE, v[SOCKOPT_KEEPALIVE].idle_s),
			OK_INT("keepalive_interval_s", SOCKOPT_KEEPALIVE, v[SOCKOPT_KEEPALIVE].interval_s),
			OK_INT("keepalive_count", SOCKOPT_KEEPALIVE, v[SOCKOPT_KEEPALIVE].count),
			OK_INT("user_timeout_ms", SOCKOPT_USER_TIMEOUT, v[SOCKOPT_USER_TIMEOUT].n),
			ok[SOCKOPT_LINGER] ? F_BOOL("linger", v[SOCKOPT_LINGER].n >= 0) : F_STR("linger", NULL),
			ok[SOCKOPT_LINGER] && v[SOCKOPT_LINGER].n >= 0 ? F_INT("linger_s", v[SOCKOPT_LINGER].n)
								      : F_STR("linger_s", NULL),
			OK_INT("fastopen", SOCKOPT_FASTOPEN, v[SOCKOPT_FASTOPEN].n),
			OK_INT("ttl", SOCKOPT_TTL, v[SOCKOPT_TTL].n),
			OK_INT("tos", SOCKOPT_TOS, v[SOCKOPT_TOS].n),
			OK_BOOL("reuseport", SOCKOPT_REUSEPORT),
			F_STR("bind_device", ok[SOCKOPT_BIND_DEVICE] ? v[SOCKOPT_BIND_DEVICE].str : NULL),
			OK_INT("notsent_lowat", SOCKOPT_NOTSENT_LOWAT, v[SOCKOPT_NOTSENT_LOWAT].n),
			OK_INT("defer_accept_s", SOCKOPT_DEFER_ACCEPT, v[SOCKOPT_DEFER_ACCEPT].n),
			OK_INT("window_clamp", SOCKOPT_WINDOW_CLAMP, v[SOCKOPT_WINDOW_CLAMP].n),
			F_END,
		};
#undef OK_INT
#undef OK_BOOL
		report_event(r, "sockopts", f, "socket options");
		return 0;
	}
	if (r->quiet)
		return 0;
	struct info_row rows[SOCKOPT_COUNT];
	size_t n = sockopt_info_rows(v, ok, family, listening, rows, SOCKOPT_COUNT);
	static const struct info_row header = { "SOCKET OPTION", "VALUE", "WHAT IT MEANS" };
	return info_print_rows(r->out, &header, rows, n);
}
