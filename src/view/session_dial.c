/* Dialing as the user sees it: resolve, try each address, report, for connect and info. */
#include "view/session_dial.h"

#include "view/explain.h"
#include "net/tcpinfo.h"
#include "net/tcp_state.h"
#include "view/sockopt_report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct dial_ctx {
	const struct report *r;
	struct trace *trace;
	int attempts_left;
	char answered[SOCK_NAME_MAX];  /* the address that connected */
};

/* Each failed address is worth a line when another one follows (or with -v). */
static void on_attempt(void *ctx, const struct sockaddr *addr, int err, int64_t took_ns)
{
	struct dial_ctx *d = ctx;
	char name[SOCK_NAME_MAX], ms[32];

	d->attempts_left--;
	if (err == 0)
		sock_name(addr, d->answered, sizeof(d->answered));
	if (err == 0 || (d->attempts_left == 0 && d->r->verbose == 0))
		return;
	sock_name(addr, name, sizeof(name));
	struct field f[] = {
		F_STR("peer", name), F_STR("error", strerror(err)), F_MS("elapsed_ms", took_ns), F_END,
	};
	report_event(d->r, "connect_failed", f, "connect %s failed after %s ms: %s%s", name,
		     format_ms(took_ns, ms, sizeof(ms)), strerror(err),
		     d->attempts_left ? "; trying the next address" : "");
}

/* --trace follows each address tried, from the moment its port is known. */
static void on_bound(void *ctx, int fd, const struct sockaddr *to)
{
	struct dial_ctx *d = ctx;
	struct endpoint local;

	if (sock_local(fd, &local) == 0)
		trace_follow(d->trace, (const struct sockaddr *)&local.addr, to, true);
}

static int count_addresses(const struct addrinfo *ai)
{
	int n = 0;

	for (; ai; ai = ai->ai_next)
		n++;
	return n;
}

/* Resolves a host for the user, reporting a failure; returns 0 or an exit status. */
static int resolve(const struct report *r, const char *what, const char *host, int port,
		   int family, bool passive, struct addrinfo **res, int64_t *took_ns)
{
	int rc = sock_resolve(host, port, family, passive, res, took_ns);

	if (rc == 0)
		return 0;
	report_error(r, "cannot resolve %s '%s': %s", what, host,
		     rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	return sock_resolve_error_is_name(rc) ? EXIT_RESOLVE : EXIT_NETWORK;
}

char *session_target(const char *host, int port, char *buf, size_t size)
{
	/* "[::1]:9" like every other name we print, "localhost:9" for a name. */
	bool bare_v6 = strchr(host, ':') && host[0] != '[';

	snprintf(buf, size, "%s%s%s:%d", bare_v6 ? "[" : "", host, bare_v6 ? "]" : "", port);
	return buf;
}

static void report_dial_failed(const struct report *r, const char *host, int port,
			       const struct dial_settings *o, int err)
{
	const char *explain = explain_errno(err, PHASE_CONNECT);
	char ms[32], target[300];

	session_target(host, port, target, sizeof(target));
	if (err == ETIMEDOUT && o->timeout_ms > 0)
		report_error(r, "connect %s: timed out after %s (the SYN got no answer)", target,
			     format_duration(o->timeout_ms, ms, sizeof(ms)));
	else
		report_error(r, "connect %s: %s%s%s%s", target, strerror(err), explain ? " (" : "",
			     explain ? explain : "", explain ? ")" : "");
}

int session_resolve_dial(const struct report *r, const char *host, int port, const struct dial_settings *o,
			 struct addrinfo **peers, struct addrinfo **source, int64_t *resolve_ns)
{
	int status;

	*peers = *source = NULL;
	status = resolve(r, "host", host, port, o->family, false, peers, resolve_ns);
	if (status == 0 && o->source_addr)
		status = resolve(r, "source address", o->source_addr, 0, o->family, true, source, NULL);
	if (status && *peers) {
		freeaddrinfo(*peers);
		*peers = NULL;
	}
	return status;
}

int session_dial(const struct report *r, const char *host, int port, const struct dial_settings *o,
		 struct trace *trace, struct session_dial *d)
{
	struct addrinfo *peers, *source;
	int status;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	status = session_resolve_dial(r, host, port, o, &peers, &source, &d->resolve_ns);
	if (status)
		return status;

	struct dial_ctx dctx = { r, trace, count_addresses(peers), "?" };
	struct sockopt_results granted;
	sockopt_results_init(&granted);
	struct dial_opts dopts = {
		.timeout_ms = (int)o->timeout_ms,
		.source = source,
		.source_port = o->source_port,
		.on_attempt = on_attempt,
		.on_bound = trace ? on_bound : NULL,
		.ctx = &dctx,
		.sockopts = o->sockopts,
		.sockopt_out = &granted,
	};
	d->fd = sock_dial(peers, &dopts, &d->handshake_ns, &d->late_err);
	if (d->fd < 0 && granted.failed >= 0) {
		status = sockopt_report_refused(r, &granted);
		goto out;
	}
	if (d->fd < 0) {
		int err = errno;
		report_dial_failed(r, host, port, o, err);
		status = err == ETIMEDOUT ? EXIT_TIMEOUT : EXIT_NETWORK;
		goto out;
	}
	sockopt_report_results(r, &granted, false, 0);
	sock_names(d->fd, &d->names);
	/* A peer that already reset has no name left in the kernel. */
	if (strcmp(d->names.peer, "?") == 0)
		memcpy(d->names.peer, dctx.answered, sizeof(d->names.peer));
out:
	if (peers)
		freeaddrinfo(peers);
	if (source)
		freeaddrinfo(source);
	return status;
}

void session_report_connected(const struct report *r, const char *host, const struct session_dial *d)
{
	char hs[32], rs[32];
	bool named = !sock_is_numeric(host);
	const struct sock_names *n = &d->names;

	format_ms(d->handshake_ns, hs, sizeof(hs));
	format_ms(d->resolve_ns, rs, sizeof(rs));
	/* -O fastopen with a cookie: connect() returned before any SYN, which waits for the first data. */
	struct tcp_summary ti;
	if (tcpinfo_read(d->fd, &ti) == 0 && ti.state == TCP_SYN_SENT) {
		struct field g[] = {
			F_STR("local", n->local), F_STR("peer", n->peer), F_STR("host", named ? host : NULL),
			F_BOOL("deferred", true), F_END,
		};
		report_event(r, "connected", g, "connect() to %s from %s returned at once: TCP Fast Open "
			     "holds the SYN back to carry the first data (no handshake time yet)", n->peer, n->local);
		return;
	}
	struct field f[] = {
		F_STR("local", n->local), F_STR("peer", n->peer), F_STR("host", named ? host : NULL),
		F_MS("handshake_ms", d->handshake_ns),
		named ? F_MS("resolve_ms", d->resolve_ns) : F_END,
		F_END,
	};
	if (named)
		report_event(r, "connected", f, "connected to %s from %s in %s ms (%s resolved in %s ms)",
			     n->peer, n->local, hs, host, rs);
	else
		report_event(r, "connected", f, "connected to %s from %s in %s ms", n->peer, n->local, hs);
}
