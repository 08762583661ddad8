/* Handshake probes: non-blocking connects polled together, a bounded number at a time. */
#include "net/probe.h"
#include "base/clock.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* One handshake in flight. */
struct slot {
	int fd;
	struct probe *p;
	const struct addrinfo *ai;   /* the address being tried */
	int64_t started, deadline;   /* deadline 0: the kernel's own timeout */
	int self_tries;              /* connects that met themselves (see sock_self_connected) */
};

enum probe_result probe_classify(int err)
{
	switch (err) {
	case 0: return PROBE_OPEN;
	case ECONNREFUSED: return PROBE_REFUSED;
	case ETIMEDOUT: return PROBE_TIMEOUT;
	case EHOSTUNREACH:
	case ENETUNREACH: return PROBE_UNREACHABLE;
	default: return PROBE_ERROR;
	}
}

const char *probe_result_name(enum probe_result r)
{
	static const char *const names[PROBE_RESULTS] = {
		"open", "refused", "timeout", "unreachable", "error",
	};
	return (unsigned)r < PROBE_RESULTS ? names[r] : "error";
}

static void finish(const struct probe_opts *o, struct probe *p, const struct addrinfo *ai,
		   int err, int64_t took, int fd)
{
	p->err = err;
	p->result = probe_classify(err);
	p->took_ns = took;
	p->addr = ai;
	p->done = true;
	o->done(o->ctx, p, err ? -1 : fd);
	if (fd >= 0)
		close(fd);
}

/*
 * Starts a connect to p's port from address ai on: the first address whose
 * socket starts fills the slot (true).  When none does, the probe finishes
 * with the last error, except that running out of descriptors returns
 * false with the probe untouched, to be tried again once a slot frees.
 */
static bool launch(struct slot *s, struct probe *p, const struct addrinfo *ai,
		   const struct probe_opts *o, bool may_wait, bool *finished)
{
	int err = EADDRNOTAVAIL;
	int64_t t0 = now_ns();

	*finished = false;
	for (; ai; ai = ai->ai_next) {
		struct sockaddr_storage to;
		memcpy(&to, ai->ai_addr, ai->ai_addrlen);
		sock_set_port(&to, p->port);
		t0 = now_ns();
		int fd = sock_connect_start((struct sockaddr *)&to, ai->ai_addrlen, &o->dial, &t0);
		if (fd >= 0) {
			*s = (struct slot){ .fd = fd, .p = p, .ai = ai, .started = t0 };
			if (o->dial.timeout_ms >= 0)
				s->deadline = t0 + (int64_t)o->dial.timeout_ms * 1000000;
			return true;
		}
		err = errno;
		if ((err == EMFILE || err == ENFILE) && may_wait)
			return false;
		if (ai->ai_next == NULL)
			break;
	}
	finish(o, p, ai, err, now_ns() - t0, -1);
	*finished = true;
	return false;
}

/*
 * The attempt in slot s ended at 'now' with err: try its next address, or
 * finish.  Returns true if the slot is still busy.
 */
static bool attempt_over(struct slot *s, int err, int64_t now, const struct probe_opts *o, size_t *done)
{
	int64_t took = now - s->started;
	bool finished;

	if (err == 0 && sock_self_connected(s->fd)) {
		/* As sock_dial does: RST so no TIME_WAIT stays, then a fresh source port. */
		err = ECONNREFUSED;
		int tries = s->self_tries + 1;
		sock_close_rst(s->fd);
		s->fd = -1;
		if (o->dial.source_port < 0 && tries < SOCK_SELF_TRIES) {
			if (launch(s, s->p, s->ai, o, false, &finished)) {
				s->self_tries = tries;
				return true;
			}
			(*done)++;
			return false;
		}
	}
	if (err && s->ai->ai_next) {
		if (s->fd >= 0)
			close(s->fd);
		if (launch(s, s->p, s->ai->ai_next, o, false, &finished))
			return true;
		(*done)++;
		return false;
	}
	finish(o, s->p, s->ai, err, took, s->fd);
	(*done)++;
	return false;
}

/* Until the first deadline, and at most 100 ms: a stop request that lands just before poll() waits no longer. */
static int poll_timeout(const struct slot *slots, int active)
{
	int64_t first = 0, now = now_ns();

	for (int i = 0; i < active; i++)
		if (slots[i].deadline && (first == 0 || slots[i].deadline < first))
			first = slots[i].deadline;
	if (first == 0 || first - now > 100000000)
		return 100;
	return first <= now ? 0 : (int)((first - now + 999999) / 1000000);
}

/*
 * poll() refuses more descriptors than RLIMIT_NOFILE allows, which happens
 * when the limit is lowered under a running probe (prlimit): then poll
 * the slots in slices the limit allows, each without waiting, and nap.
 */
static int poll_slots(struct pollfd *pfd, int active, int timeout_ms)
{
	int ready = poll(pfd, (nfds_t)active, timeout_ms);
	struct rlimit rl;

	if (ready >= 0 || errno != EINVAL || getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == 0)
		return ready;
	int slice = rl.rlim_cur < (rlim_t)active ? (int)rl.rlim_cur : active;
	ready = 0;
	for (int k = 0; k < active; k += slice) {
		int m = active - k < slice ? active - k : slice;
		int r = poll(pfd + k, (nfds_t)m, 0);
		if (r < 0)
			return r;
		ready += r;
	}
	if (ready == 0)
		poll(NULL, 0, timeout_ms < 10 ? timeout_ms : 10);
	return ready;
}

size_t probe_run(struct probe *v, size_t n, const struct probe_opts *o)
{
	int cap = o->parallel > 0 ? o->parallel : 1;
	struct slot *slots = calloc((size_t)cap, sizeof(*slots));
	struct pollfd *pfd = calloc((size_t)cap, sizeof(*pfd));
	size_t next = 0, done = 0;
	int active = 0, failed = 0;

	if (slots == NULL || pfd == NULL) {
		free(slots);
		free(pfd);
		errno = ENOMEM;
		return 0;
	}
	while (done < n && !*o->stop) {
		/* Fill the free slots; out of descriptors, make do with the busy ones. */
		while (active < cap && next < n) {
			bool finished;
			if (launch(&slots[active], &v[next], o->to, o, active > 0, &finished)) {
				active++;
				next++;
			} else if (finished) {
				next++;
				done++;
			} else {
				break;
			}
		}
		if (active == 0)
			continue;
		for (int i = 0; i < active; i++)
			pfd[i] = (struct pollfd){ .fd = slots[i].fd, .events = POLLOUT };
		int ready = poll_slots(pfd, active, poll_timeout(slots, active));
		if (ready < 0 && errno != EINTR) {
			failed = errno;
			break;
		}
		int64_t now = now_ns();
		/* Downwards, so that moving the last slot into a freed one skips nothing. */
		for (int i = active - 1; i >= 0; i--) {
			struct slot *s = &slots[i];
			int err, late;
			if (ready > 0 && pfd[i].revents)
				err = sock_connect_result(s->fd, &late) == 0 ? 0 : errno;
			else if (s->deadline && now >= s->deadline)
				err = ETIMEDOUT;
			else
				continue;
			if (!attempt_over(s, err, now, o, &done)) {
				slots[i] = slots[active - 1];
				pfd[i] = pfd[active - 1];
				active--;
			}
		}
	}
	for (int i = 0; i < active; i++)
		close(slots[i].fd);
	free(slots);
	free(pfd);
	errno = failed;
	return done;
}
