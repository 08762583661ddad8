/* The core socket layer: resolve, listen, dial, names, tcp_info. */
#include "net/sock.h"
#include "base/clock.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Copies host without the brackets of "[::1]" into buf. */
static const char *strip_brackets(const char *host, char *buf, size_t size)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < size) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return buf;
	}
	return host;
}

/* Closes fd after a failed call, keeping that call's errno; returns -1 for the caller. */
static int close_keeping_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

bool sock_is_numeric(const char *host)
{
	char buf[256];
	struct in6_addr a6;
	struct in_addr a4;

	host = strip_brackets(host, buf, sizeof(buf));
	if (inet_pton(AF_INET, host, &a4) == 1)
		return true;
	/* An IPv6 literal may carry a zone: fe80::1%eth0. */
	char plain[INET6_ADDRSTRLEN + 1];
	size_t n = strcspn(host, "%");
	if (n >= sizeof(plain))
		return false;
	memcpy(plain, host, n);
	plain[n] = '\0';
	return inet_pton(AF_INET6, plain, &a6) == 1;
}

int sock_resolve(const char *host, int port, int family, bool passive,
		 struct addrinfo **res, int64_t *took_ns)
{
	char hostbuf[256], portbuf[8];
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
		.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
	};

	if (host)
		host = strip_brackets(host, hostbuf, sizeof(hostbuf));
	snprintf(portbuf, sizeof(portbuf), "%d", port);
	int64_t t0 = now_ns();
	int rc = getaddrinfo(host, portbuf, &hints, res);
	if (took_ns)
		*took_ns = now_ns() - t0;
	return rc;
}

bool sock_resolve_error_is_name(int gai_err)
{
	return gai_err != EAI_SYSTEM && gai_err != EAI_MEMORY && gai_err != EAI_FAMILY;
}

char *sock_name(const struct sockaddr *sa, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	/* Copies, because a struct sockaddr pointer promises no alignment. */
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in.sin_port));
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof(in6));
		unsigned port = ntohs(in6.sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr)) {
			inet_ntop(AF_INET, &in6.sin6_addr.s6_addr[12], host, sizeof(host));
			snprintf(buf, size, "%s:%u", host, port);
			return buf;
		}
		inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof(host));
		char zone[IF_NAMESIZE + 2] = "";
		if (in6.sin6_scope_id) {
			char ifname[IF_NAMESIZE];
			if (if_indextoname(in6.sin6_scope_id, ifname))
				snprintf(zone, sizeof(zone), "%%%s", ifname);
			else
				snprintf(zone, sizeof(zone), "%%%u", in6.sin6_scope_id);
		}
		snprintf(buf, size, "[%s%s]:%u", host, zone, port);
	} else {
		snprintf(buf, size, "(family %d)", sa->sa_family);
	}
	return buf;
}

int sock_local(int fd, struct endpoint *ep)
{
	ep->len = sizeof(ep->addr);
	return getsockname(fd, (struct sockaddr *)&ep->addr, &ep->len);
}

int sock_peer(int fd, struct endpoint *ep)
{
	ep->len = sizeof(ep->addr);
	return getpeername(fd, (struct sockaddr *)&ep->addr, &ep->len);
}

void sock_names(int fd, struct sock_names *n)
{
	struct endpoint ep;

	strcpy(n->local, "?");
	strcpy(n->peer, "?");
	if (sock_local(fd, &ep) == 0)
		sock_name((struct sockaddr *)&ep.addr, n->local, sizeof(n->local));
	if (sock_peer(fd, &ep) == 0)
		sock_name((struct sockaddr *)&ep.addr, n->peer, sizeof(n->peer));
}

/* socket, SO_REUSEADDR, [IPV6_V6ONLY], [-O], bind, [-O], listen.  -1 with errno. */
static int listen_on(const struct sockaddr *sa, socklen_t len, int v6only, int backlog,
		     const struct sockopt_list *opts, struct sockopt_results *res)
{
	int one = 1;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	if (sa->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0)
		goto fail;
	if (opts && sockopt_apply(fd, opts, SOCKOPT_BEFORE_BIND, res) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0)
		goto fail;
	if (opts && sockopt_apply(fd, opts, SOCKOPT_BEFORE_LISTEN, res) < 0)
		goto fail;
	if (listen(fd, backlog) < 0)
		goto fail;
	return fd;
fail:
	return close_keeping_errno(fd);
}

int sock_listen(const char *bind_addr, int port, int family, int backlog, int *gai_err)
{
	return sock_listen_opts(bind_addr, port, family, backlog, NULL, NULL, gai_err);
}

int sock_listen_opts(const char *bind_addr, int port, int family, int backlog,
		     const struct sockopt_list *opts, struct sockopt_results *out, int *gai_err)
{
	struct sockopt_results scratch = { .failed = -1 };
	struct sockopt_results *res = out ? out : &scratch;

	if (opts && opts->n == 0)
		opts = NULL;
	sockopt_results_init(res);
	*gai_err = 0;
	if (bind_addr == NULL) {
		struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
					     .sin6_addr = IN6ADDR_ANY_INIT };
		struct sockaddr_in any4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
					    .sin_addr.s_addr = htonl(INADDR_ANY) };
		if (family != AF_INET) {
			int fd = listen_on((struct sockaddr *)&any6, sizeof(any6), family == AF_INET6, backlog,
					   opts, res);
			/* Without IPv6 in the kernel, the dual-stack socket becomes IPv4 only. */
			if (fd >= 0 || family == AF_INET6 || errno != EAFNOSUPPORT)
				return fd;
		}
		return listen_on((struct sockaddr *)&any4, sizeof(any4), 0, backlog, opts, res);
	}

	struct addrinfo *addrs;
	*gai_err = sock_resolve(bind_addr, port, family, true, &addrs, NULL);
	if (*gai_err)
		return -1;
	int fd = -1;
	for (struct addrinfo *ai = addrs; ai; ai = ai->ai_next) {
		fd = listen_on(ai->ai_addr, ai->ai_addrlen, 1, backlog, opts, res);
		/* A refused option would be refused on the next address too. */
		if (fd >= 0 || res->failed >= 0)
			break;
	}
	int saved = errno;
	freeaddrinfo(addrs);
	errno = saved;
	return fd;
}

bool sock_is_dual_stack(int fd)
{
	struct endpoint ep;
	int v6only = 1;
	socklen_t len = sizeof(v6only);

	if (sock_local(fd, &ep) < 0 || ep.addr.ss_family != AF_INET6)
		return false;
	if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) < 0)
		return false;
	return v6only == 0;
}

/* Binds fd to the dial source: a local address of fd's family and/or a port (neither: any, port 0). */
static int bind_source(int fd, int family, const struct dial_opts *o)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int one = 1;

	if (o->source) {
		const struct addrinfo *ai = o->source;
		while (ai && ai->ai_family != family)
			ai = ai->ai_next;
		if (ai == NULL) {
			errno = EAFNOSUPPORT;
			return -1;
		}
		memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		len = ai->ai_addrlen;
	}
	if (o->source_port >= 0) {
		sock_set_port(&ss, o->source_port);
		/* A fixed source port is often still in TIME_WAIT from the last run. */
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
			return -1;
	}
	return bind(fd, (struct sockaddr *)&ss, len);
}

int sock_connect_start(const struct sockaddr *to, socklen_t len, const struct dial_opts *o,
		       int64_t *started_ns)
{
	int fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	struct sockopt_results scratch = { .failed = -1 };
	const struct sockopt_list *opts = o->sockopts && o->sockopts->n ? o->sockopts : NULL;
	struct sockopt_results *res = o->sockopt_out ? o->sockopt_out : &scratch;

	if (fd < 0)
		return -1;
	if (opts) {
		sockopt_results_init(res);
		if (sockopt_apply(fd, opts, SOCKOPT_BEFORE_BIND, res) < 0)
			goto fail;
	}
	if ((o->source || o->source_port >= 0 || o->on_bound) && bind_source(fd, to->sa_family, o) < 0)
		goto fail;
	if (opts && sockopt_apply(fd, opts, SOCKOPT_BEFORE_CONNECT, res) < 0)
		goto fail;
	if (o->on_bound)
		o->on_bound(o->ctx, fd, to);
	*started_ns = now_ns();
	if (connect(fd, to, len) == 0 || errno == EINPROGRESS)
		return fd;
fail:
	return close_keeping_errno(fd);
}

int sock_try_options(int family, const struct sockopt_list *opts, struct sockopt_results *res)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);

	sockopt_results_init(res);
	if (fd < 0)
		return -1;
	if (sockopt_apply(fd, opts, SOCKOPT_BEFORE_BIND, res) < 0 ||
	    sockopt_apply(fd, opts, SOCKOPT_BEFORE_CONNECT, res) < 0)
		return close_keeping_errno(fd);
	close(fd);
	return 0;
}

int sock_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

int sock_connect_result(int fd, int *late_err)
{
	int err = sock_error(fd);

	*late_err = 0;
	if (err == ECONNRESET) {
		*late_err = err;
		return 0;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* Waits for a non-blocking connect to finish; returns 0 or -1 with errno. */
static int finish_connect(int fd, int timeout_ms, int *late_err)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		int wait = -1;
		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ns();
			wait = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
		}
		int n = poll(&pfd, 1, wait);
		if (n > 0)
			return sock_connect_result(fd, late_err);
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

int sock_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		return close_keeping_errno(fd);
	close(fd);
	return 0;
}

void sock_set_port(struct sockaddr_storage *ss, int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

bool sock_self_connected(int fd)
{
	struct endpoint a, b;

	return sock_local(fd, &a) == 0 && sock_peer(fd, &b) == 0 && a.len == b.len &&
	       memcmp(&a.addr, &b.addr, a.len) == 0;
}

bool sock_peer_fin_arrived(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && len > 0 &&
	       ti.tcpi_state == TCP_CLOSE_WAIT;
}

int sock_dial(const struct addrinfo *to, const struct dial_opts *o, int64_t *took_ns,
	      int *late_err)
{
	int err = EADDRNOTAVAIL, self_tries = 0;

	*late_err = 0;
	for (const struct addrinfo *ai = to; ai;) {
		int64_t t0 = now_ns();
		int fd = sock_connect_start(ai->ai_addr, ai->ai_addrlen, o, &t0);
		int rc = fd < 0 ? -1 : finish_connect(fd, o->timeout_ms, late_err);
		int64_t took = now_ns() - t0;

		/* The kernel refused an option: no SYN left, and no other address would fare better. */
		if (fd < 0 && o->sockopt_out && o->sockopt_out->failed >= 0)
			return -1;
		if (rc == 0 && sock_self_connected(fd)) {
			/* Nothing listens there, so no RST came either: it counts as refused. */
			rc = -1;
			errno = ECONNREFUSED;
			/* With RST: a TIME_WAIT left on that port would keep its server out for 60 s. */
			sock_close_rst(fd);
			fd = -1;
			if (o->source_port < 0 && ++self_tries < SOCK_SELF_TRIES)
				continue;
		}
		err = rc < 0 ? errno : 0;
		if (o->on_attempt)
			o->on_attempt(o->ctx, ai->ai_addr, err, took);
		if (rc == 0) {
			*took_ns = took;
			return fd;
		}
		if (fd >= 0)
			close(fd);
		ai = ai->ai_next;
		self_tries = 0;
	}
	errno = err;
	return -1;
}
