/* tcptool info HOST PORT and info --fd N: one connection, explained. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd/info.h"
#include "base/clock.h"
#include "view/info_format.h"
#include "view/info_print.h"
#include "kernel/procnet.h"
#include "view/report.h"
#include "view/session_dial.h"
#include "view/sockopt_info.h"
#include "net/sock.h"
#include "kernel/sockdiag.h"
#include "kernel/socklist.h"
#include "net/tcpinfo.h"
#include "view/trace.h"
#include "net/tcp_state.h"
#include "cmd/settings.h"
#include "cmd/privileges.h"

/*
 * What TCP_INFO says of fd: a "negotiated" event, or explained rows.
 * we_opened: fd sent the first SYN.  Returns the exit status.
 */
static int report_negotiated(const struct report *r, int fd, bool we_opened)
{
	struct tcp_summary s;
	char cong[16] = "";

	if (tcpinfo_read(fd, &s) < 0) {
		report_error(r, "cannot read TCP_INFO: %s", strerror(errno));
		return EXIT_NETWORK;
	}
	tcpinfo_congestion(fd, cong, sizeof(cong));
	if (r->json) {
		struct field f[INFO_TCP_FIELDS + 1];
		info_tcp_fields(&s, cong, f);
		report_event(r, "negotiated", f, "negotiated");
		return EXIT_OK;
	}
	if (r->quiet)
		return EXIT_OK;
	struct info_row rows[INFO_ROWS_MAX];
	size_t n = info_negotiated_rows(&s, cong, r->verbose, we_opened, rows, INFO_ROWS_MAX);
	if (info_print_rows(r->out, NULL, rows, n) < 0) {
		report_error(r, "%s", strerror(errno));
		return EXIT_NETWORK;
	}
	return EXIT_OK;
}

/* The socket's options as rows, or a sockopts event; returns the exit status. */
static int report_options(const struct report *r, int fd)
{
	if (sockopt_report_current(r, fd) == 0)
		return EXIT_OK;
	report_error(r, "%s", strerror(errno));
	return EXIT_NETWORK;
}

/*
 * Ends the connection with FIN, not RST: bytes the peer sent (a banner)
 * are read and dropped first, since closing with unread data sends RST.
 */
static void close_politely(const struct report *r, int fd)
{
	char sink[4096];
	int64_t began = now_ns();

	shutdown(fd, SHUT_WR);
	report_call(r, began, "shutdown(SHUT_WR)", -1);
	while (recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
		;
	began = now_ns();
	close(fd);
	report_call(r, began, "close()", -1);
}

int info_connect(const char *host, const char *port_text, const struct options *o)
{
	struct report r;
	struct session_dial d;
	int port;

	if (!args_port_operand("info", port_text, &port))
		return EXIT_USAGE;
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	r.stamp = o->trace || o->pcap_path;
	struct trace *trace;
	if (settings_trace_start(o, &r, &trace) < 0)
		return EXIT_NETWORK;
	struct dial_settings dial = settings_dial(o);
	int status = session_dial(&r, host, port, &dial, trace, &d);
	privileges_setup_done(&r);
	if (status == 0) {
		session_report_connected(&r, host, &d);
		if (d.late_err) {
			report_error(&r, "the peer reset the connection right after the handshake: %s",
				     strerror(d.late_err));
			close(d.fd);
			status = EXIT_NETWORK;
		} else {
			status = report_negotiated(&r, d.fd, true);
			/* -v: the socket's options too, -O's among them. */
			if (status == EXIT_OK && o->verbose > 0)
				status = report_options(&r, d.fd);
			close_politely(&r, d.fd);
		}
	}
	trace_finish(trace);
	trace_close(trace);
	return status;
}

static const char *file_kind(mode_t m)
{
	if (S_ISREG(m)) return "a regular file";
	if (S_ISDIR(m)) return "a directory";
	if (S_ISCHR(m)) return "a character device";
	if (S_ISBLK(m)) return "a block device";
	if (S_ISFIFO(m)) return "a pipe";
	if (S_ISLNK(m)) return "a symbolic link";
	return "not a socket";
}

static const char *family_name(int family)
{
	switch (family) {
	case AF_INET: return "ipv4";
	case AF_INET6: return "ipv6";
	case AF_UNIX: return "unix";
	case AF_NETLINK: return "netlink";
	default: return "other";
	}
}

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_SEQPACKET: return "seqpacket";
	case SOCK_RAW: return "raw";
	default: return "other";
	}
}

static int sockopt_int(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0)
		return -1;
	return v;
}

struct listener_search {
	int port;
	bool found;
};

static int note_listener(void *ctx, const struct tcp_sock *s)
{
	struct listener_search *ls = ctx;

	if (s->state == TCP_LISTEN && socklist_port(&s->local) == ls->port)
		ls->found = true;
	return 0;
}

/*
 * Whether a connected TCP socket on local port 'port' was accepted rather
 * than opened with connect(): tcp_info's byte counts differ by the SYN.
 * The socket does not say, but an accepted one keeps the port of the
 * listener that took it, and connect() never picks a port that a listener
 * holds.  So this asks whether a listener holds the port; it is wrong only
 * when that listener closed since, or when a client was bound to a
 * listener's port on purpose (SO_REUSEPORT).
 */
static bool was_accepted(int port)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct listener_search ls = { port, false };

	for (size_t i = 0; i < 2 && !ls.found; i++)
		if (sockdiag_dump(families[i], TCP_STATE_BIT(TCP_LISTEN), false, note_listener, &ls) < 0)
			procnet_read(families[i] == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6",
				     families[i], note_listener, &ls);
	return ls.found;
}

/* A name of any family: inet as everywhere, unix as its path, "" for none. */
static void any_name(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t size)
{
	buf[0] = '\0';
	if (len <= sizeof(sa_family_t))
		return;
	if (ss->ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		if (n > 0 && un->sun_path[0] == '\0') /* abstract: "@name" */
			snprintf(buf, size, "@%.*s", (int)(n - 1), un->sun_path + 1);
		else
			snprintf(buf, size, "%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
		return;
	}
	sock_name((const struct sockaddr *)ss, buf, size);
}

int info_fd(const struct options *o)
{
	struct report r;
	struct stat st;
	int fd = o->fd;

	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	if (fstat(fd, &st) < 0) {
		report_error(&r, "fd %d: %s", fd,
			     errno == EBADF ? "not open in this process (open it with exec 3<>/dev/tcp/HOST/PORT)"
					    : strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISSOCK(st.st_mode)) {
		report_error(&r, "fd %d is not a socket: it is %s", fd, file_kind(st.st_mode));
		return EXIT_USAGE;
	}
	int family = sockopt_int(fd, SO_DOMAIN), type = sockopt_int(fd, SO_TYPE);
	int protocol = sockopt_int(fd, SO_PROTOCOL);
	bool listening = sockopt_int(fd, SO_ACCEPTCONN) == 1;
	bool inet = family == AF_INET || family == AF_INET6;
	bool tcp = inet && type == SOCK_STREAM && protocol == IPPROTO_TCP;
	const char *proto = tcp ? "tcp" : inet && type == SOCK_DGRAM ? "udp" : NULL;

	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char local[SOCK_NAME_MAX + 110] = "", peer[SOCK_NAME_MAX + 110] = "";
	int local_port = 0;
	memset(&ss, 0, sizeof(ss));
	/* An inet socket on port 0 is not bound yet. */
	bool named = getsockname(fd, (struct sockaddr *)&ss, &len) == 0;
	if (named && inet)
		local_port = socklist_port(&ss);
	if (named && !(inet && local_port == 0))
		any_name(&ss, len, local, sizeof(local));
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		any_name(&ss, len, peer, sizeof(peer));

	struct field f[] = {
		F_INT("fd", fd), F_STR("family", family_name(family)), F_STR("type", type_name(type)),
		F_STR("protocol", proto), F_STR("local", local[0] ? local : NULL),
		F_STR("peer", peer[0] ? peer : NULL), F_BOOL("listening", listening), F_END,
	};
	char what[64], where[2 * sizeof(local) + 40];
	if (proto)
		snprintf(what, sizeof(what), "%s socket (%s)", tcp ? "TCP" : "UDP",
			 family == AF_INET6 ? "IPv6" : "IPv4");
	else
		snprintf(what, sizeof(what), "%s %s socket", family == AF_UNIX ? "UNIX" : family_name(family),
			 type_name(type));
	if (listening)
		snprintf(where, sizeof(where), "listening on %s", local[0] ? local : "an unnamed address");
	else if (peer[0])
		snprintf(where, sizeof(where), "connected to %s from %s", peer, local[0] ? local : "an unnamed socket");
	else
		snprintf(where, sizeof(where), "%s%s", local[0] ? "bound to " : "not bound, not connected",
			 local);
	report_event(&r, "fd", f, "fd %d: %s, %s", fd, what, where);
	if (!tcp)
		return EXIT_OK;
	/* Only the text rows show byte counts, and not a listener's. */
	bool accepted = !listening && !r.json && !r.quiet && local_port != 0 &&
			was_accepted(local_port);
	int status = report_negotiated(&r, fd, !accepted);
	return status == EXIT_OK ? report_options(&r, fd) : status;
}
