/* TCP sockets from NETLINK_SOCK_DIAG: one dump request per family. */
#include "kernel/sockdiag.h"

#include "kernel/diag_bytecode.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>

/* One recv() of a dump; the kernel fills at most this much per message batch. */
#define DIAG_RECV_MAX (64 * 1024)

static void set_addr(struct sockaddr_storage *ss, int family, const __be32 addr[4], __be16 port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, addr, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		memcpy(&sin6->sin6_addr, addr, 16);
	}
}

/* errno from a kernel's negative error code; anything else is a bad message. */
static int kernel_errno(int code)
{
	return code < 0 && code > -4096 ? -code : EPROTO;
}

/* The attributes after inet_diag_msg: tcp_info and the congestion algorithm. */
static int parse_attrs(const char *p, size_t len, struct tcp_sock *s)
{
	while (len >= sizeof(struct rtattr)) {
		struct rtattr rta;
		memcpy(&rta, p, sizeof(rta));
		if (rta.rta_len < sizeof(rta) || rta.rta_len > len)
			return -1;
		const char *data = p + RTA_LENGTH(0);
		size_t dlen = rta.rta_len - RTA_LENGTH(0);
		if (rta.rta_type == INET_DIAG_INFO) {
			tcpinfo_decode(data, dlen, &s->info);
			s->has_info = true;
		} else if (rta.rta_type == INET_DIAG_CONG) {
			size_t n = strnlen(data, dlen);
			if (n >= sizeof(s->congestion))
				n = sizeof(s->congestion) - 1;
			memcpy(s->congestion, data, n);
			s->congestion[n] = '\0';
		}
		size_t step = RTA_ALIGN(rta.rta_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* One SOCK_DIAG_BY_FAMILY message; 1 when it was a TCP socket we list. */
static int parse_socket(const char *p, size_t len, struct tcp_sock *s)
{
	struct inet_diag_msg m;

	if (len < sizeof(m))
		return -1;
	memcpy(&m, p, sizeof(m));
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return 0;
	memset(s, 0, sizeof(*s));
	s->family = m.idiag_family;
	s->state = m.idiag_state;
	set_addr(&s->local, m.idiag_family, m.id.idiag_src, m.id.idiag_sport);
	set_addr(&s->peer, m.idiag_family, m.id.idiag_dst, m.id.idiag_dport);
	s->recv_q = m.idiag_rqueue;
	s->send_q = m.idiag_wqueue;
	s->uid = m.idiag_uid;
	s->inode = m.idiag_inode;
	s->timer = m.idiag_timer <= TIMER_PROBE ? (enum sock_timer)m.idiag_timer : TIMER_NONE;
	s->timer_ms = m.idiag_expires;
	s->retrans = m.idiag_retrans;
	size_t at = NLMSG_ALIGN(sizeof(m));
	if (at < len && parse_attrs(p + at, len - at, s) < 0)
		return -1;
	return 1;
}

int sockdiag_parse(const void *buf, size_t len, tcp_sock_fn *fn, void *ctx)
{
	const char *p = buf;

	while (len > 0) {
		struct nlmsghdr h;
		if (len < sizeof(h))
			goto malformed;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			goto malformed;
		const char *body = p + NLMSG_HDRLEN;
		size_t blen = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == NLMSG_DONE) {
			/* A dump may end with an error code instead of sockets. */
			int err = 0;
			if (blen >= sizeof(err))
				memcpy(&err, body, sizeof(err));
			if (err < 0) {
				errno = kernel_errno(err);
				return -1;
			}
			return 1;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;
			if (blen < sizeof(e))
				goto malformed;
			memcpy(&e, body, sizeof(e));
			errno = kernel_errno(e.error);
			return -1;
		}
		if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			struct tcp_sock s;
			int rc = parse_socket(body, blen, &s);
			if (rc < 0)
				goto malformed;
			if (rc > 0 && fn(ctx, &s) != 0)
				return -1;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
malformed:
	errno = EPROTO;
	return -1;
}

int sockdiag_dump(int family, unsigned states, bool want_info, tcp_sock_fn *fn, void *ctx)
{
	return sockdiag_dump_port(family, states, want_info, -1, fn, ctx);
}

/* Sends req (nlmsg_len bytes) and hands each socket of the answer to fn until it is complete. */
static int ask(void *req, bool dump, tcp_sock_fn *fn, void *ctx)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nlh = req;
	/* long alignment keeps the netlink headers in the buffer aligned */
	static long buf[DIAG_RECV_MAX / sizeof(long)];
	int rc = -1;

	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	if (sendto(fd, req, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto out;
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0 || (mh.msg_flags & MSG_TRUNC)) {
			errno = EPROTO;
			goto out;
		}
		int done = sockdiag_parse(buf, (size_t)n, fn, ctx);
		if (done < 0)
			goto out;
		/* A lookup's answer is one message, with no NLMSG_DONE after it. */
		if (done > 0 || !dump)
			break;
	}
	rc = 0;
out:;
	int err = errno;
	close(fd);
	errno = err;
	return rc;
}

int sockdiag_dump_port(int family, unsigned states, bool want_info, int port, tcp_sock_fn *fn,
		       void *ctx)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
		struct rtattr filter;
		char bytecode[DIAG_BYTECODE_PORT_LEN];
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(msg.req));
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = (__u8)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = states;
	if (want_info)
		msg.req.idiag_ext = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1));
	/* The kernel skips the other ports' sockets: no copying them out, no parsing them. */
	size_t bc = port >= 0 ? diag_bytecode_port(port, msg.bytecode, sizeof(msg.bytecode)) : 0;
	if (bc > 0) {
		msg.filter.rta_type = INET_DIAG_REQ_BYTECODE;
		msg.filter.rta_len = (unsigned short)RTA_LENGTH(bc);
		msg.nlh.nlmsg_len = NLMSG_ALIGN(msg.nlh.nlmsg_len) + RTA_ALIGN(msg.filter.rta_len);
	}
	return ask(&msg, true, fn, ctx);
}

int sockdiag_find(int family, const uint8_t *local, int local_port, const uint8_t *peer, int peer_port,
		  tcp_sock_fn *fn, void *ctx)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	size_t alen = family == AF_INET ? 4 : 16;

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(msg.req));
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST;
	msg.nlh.nlmsg_seq = 1;
	msg.req.sdiag_family = (__u8)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0u;
	msg.req.id.idiag_sport = htons((uint16_t)local_port);
	msg.req.id.idiag_dport = htons((uint16_t)peer_port);
	memcpy(msg.req.id.idiag_src, local, alen);
	memcpy(msg.req.id.idiag_dst, peer, alen);
	msg.req.id.idiag_cookie[0] = msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (ask(&msg, false, fn, ctx) == 0)
		return 0;
	/* No such socket is an answer, not a failure. */
	return errno == ENOENT ? 0 : -1;
}
