/* The epoll loop behind echo and ack: accept, read, write, time out, tell. */
#include "net/server.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"

#define ACCEPT_BATCH 64          /* accepts per wakeup, so clients get a turn too */
#define FD_RETRY_MS 100          /* out of descriptors: try accept() again this often */
#define EPOLL_BATCH 256

enum timer_list { T_ACTIVE, T_LINGER, N_TIMERS };

struct conn_list {
	struct server_conn *head, *tail;  /* oldest timer first */
};

struct server {
	const struct server_config *cfg;
	const struct server_ops *ops;
	int epfd, lfd, sigfd;
	char tag_listener, tag_signal;   /* epoll data for the two non-client fds */
	uint32_t listener_watching;
	char *scratch;                   /* one read buffer shared by every client */
	struct conn_list timers[N_TIMERS];
	int64_t now, started;
	bool failed;                     /* the events cannot reach anyone, or the loop broke */

	/* Accepting pauses at max-conns and when descriptors run out. */
	bool full, out_of_fds;
	int64_t fd_retry_at;

	struct server_stats st;
	/* With tick_ms: the interval under way, the whole run, and when the next tick is due. */
	struct server_tally iv, run;
	int64_t next_tick;
	struct server_event ev;          /* the one being told: cfg and stats set once */
	struct sockopt_results opts;     /* -O on the listener, then on the client just accepted */
};

/*
 * Tells an event, its own fields set in s->ev already; a callback that
 * cannot pass it on stops the server.  One struct serves every event, so
 * none costs more than a few stores and the call.
 */
static void emit(struct server *s, enum server_event_type type)
{
	s->ev.type = type;
	s->ev.now_ns = s->now;
	if (!s->cfg->on_event(s->cfg->event_ctx, &s->ev))
		s->failed = true;
}

static void emit_conn(struct server *s, enum server_event_type type, const struct server_conn *c,
		      enum server_end end)
{
	s->ev.conn = c;
	s->ev.end = end;
	emit(s, type);
}

static void emit_err(struct server *s, enum server_event_type type, int err)
{
	s->ev.err = err;
	emit(s, type);
}

void *server_ctx(const struct server *s)
{
	return s->ops->ctx;
}

size_t server_pending(const struct server_conn *c)
{
	return c->out_len - c->out_off;
}

/* Timer lists: each client is on one, ordered by when its timer started. */

static void list_remove(struct server *s, struct server_conn *c)
{
	struct conn_list *l = &s->timers[c->timer];

	if (c->prev)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void list_append(struct server *s, struct server_conn *c, enum timer_list which)
{
	struct conn_list *l = &s->timers[which];

	c->timer = which;
	c->timer_ns = s->now;
	c->prev = l->tail;
	c->next = NULL;
	if (l->tail)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

/* Bytes moved: the idle timer starts again (the linger timer does not). */
static void touch(struct server *s, struct server_conn *c)
{
	if (c->timer != T_ACTIVE)
		return;
	if (c == s->timers[T_ACTIVE].tail) {
		c->timer_ns = s->now;
		return;
	}
	list_remove(s, c);
	list_append(s, c, T_ACTIVE);
}

/* The listener: watched unless full, out of descriptors or stopping. */
static void watch_listener(struct server *s)
{
	uint32_t want = s->full || s->out_of_fds || s->lfd < 0 ? 0 : EPOLLIN;

	if (want == s->listener_watching || s->lfd < 0)
		return;
	struct epoll_event ev = { .events = want, .data.ptr = &s->tag_listener };
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd, &ev) == 0)
		s->listener_watching = want;
}

/* A client: readable while nothing waits to be written to it, writable while something does. */
static void watch_conn(struct server *s, struct server_conn *c)
{
	bool pending = server_pending(c) > 0;
	uint32_t want = (!c->peer_fin && !pending ? EPOLLIN : 0) | (pending ? EPOLLOUT : 0);

	if (want == c->watching)
		return;
	struct epoll_event ev = { .events = want, .data.ptr = c };
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->watching = want;
	else
		c->err = errno;
}

static enum server_end end_of(const struct server_conn *c)
{
	return c->err == ECONNRESET || c->err == EPIPE ? SERVER_END_RESET : SERVER_END_ERROR;
}

/* Ticks: tallies of the clients, an interval at a time and over the whole run. */

static void consider_busiest(struct server_busiest *b, const struct server_conn *c, uint64_t in,
			     uint64_t out)
{
	if (in + out == 0 || (b->conn != 0 && in + out <= b->bytes_in + b->bytes_out))
		return;
	b->conn = c->id;
	b->bytes_in = in;
	b->bytes_out = out;
	memcpy(b->peer, c->names.peer, sizeof(b->peer));
}

static void tally_opened(struct server_tally *t, uint64_t open)
{
	t->opened++;
	if (open > t->peak)
		t->peak = open;
}

/* A client leaves: it may have been the busiest of the interval, or of the run. */
static void tally_closed(struct server *s, const struct server_conn *c)
{
	if (s->cfg->tick_ms <= 0)
		return;
	s->iv.closed++;
	s->run.closed++;
	consider_busiest(&s->iv.busiest, c, c->bytes_in - c->tick_in, c->bytes_out - c->tick_out);
	consider_busiest(&s->run.busiest, c, c->bytes_in, c->bytes_out);
}

/* Tells the interval that ends now, and starts the next. */
static void tick(struct server *s)
{
	for (int t = 0; t < N_TIMERS; t++)
		for (struct server_conn *c = s->timers[t].head; c; c = c->next) {
			consider_busiest(&s->iv.busiest, c, c->bytes_in - c->tick_in, c->bytes_out - c->tick_out);
			c->tick_in = c->bytes_in;
			c->tick_out = c->bytes_out;
		}
	s->iv.end_ns = s->now;
	s->iv.open = s->st.open;
	s->ev.tally = &s->iv;
	emit(s, SERVER_TICK);
	s->iv = (struct server_tally){ .start_ns = s->now, .peak = s->st.open };
}

/* Ticks on a grid from the start: a late one does not shift the intervals after it. */
static void tick_if_due(struct server *s)
{
	if (s->cfg->tick_ms <= 0 || s->now < s->next_tick)
		return;
	tick(s);
	while (s->next_tick <= s->now)
		s->next_tick += s->cfg->tick_ms * 1000000;
}

/* At the stop: the last part-interval, so that the intervals add up to the total, then the total. */
static void tick_final(struct server *s)
{
	const struct server_tally *iv = &s->iv;

	if (s->cfg->tick_ms <= 0)
		return;
	if (iv->bytes_in || iv->bytes_out || iv->opened || iv->closed || s->now - iv->start_ns >= 1000000)
		tick(s);
	s->run.end_ns = s->now;
	s->run.open = s->st.open;
	s->ev.tally = &s->run;
	emit(s, SERVER_TOTAL);
}

static void conn_close(struct server *s, struct server_conn *c, enum server_end end)
{
	if (s->ops->on_close)
		s->ops->on_close(s, c);
	list_remove(s, c);
	close(c->fd);

	s->st.bytes_in += c->bytes_in;
	s->st.bytes_out += c->bytes_out;
	s->st.resets += end == SERVER_END_RESET;
	s->st.timeouts += end == SERVER_END_TIMEOUT;
	s->st.open--;
	tally_closed(s, c);
	emit_conn(s, SERVER_CLOSED, c, end);
	free(c->out);
	free(c);

	/* A slot and a descriptor are free again: clients waiting in the queue may come in. */
	if (s->st.open < (uint64_t)s->cfg->max_conns)
		s->full = false;
	s->out_of_fds = false;
	watch_listener(s);
}

/* Writes what the socket takes now; returns the count, or -1 with c->err set. */
static ssize_t write_some(struct server *s, struct server_conn *c, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(c->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		c->err = n < 0 ? errno : EPIPE;
		return -1;
	}
	if (done > 0) {
		c->bytes_out += done;
		s->iv.bytes_out += done;
		s->run.bytes_out += done;
		touch(s, c);
	}
	return (ssize_t)done;
}

bool server_send(struct server *s, struct server_conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	if (c->err)
		return false;
	if (server_pending(c) == 0) {
		ssize_t n = write_some(s, c, p, len);
		if (n < 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	if (len == 0)
		return true;
	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len)
			cap *= 2;
		char *grown = realloc(c->out, cap);
		if (grown == NULL) {
			c->err = ENOMEM;
			return false;
		}
		c->out = grown;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	return true;
}

void server_finish(struct server *s, struct server_conn *c)
{
	(void)s;
	c->finishing = true;
}

/* Writes queued bytes; once they are all out, the buffer goes (idle clients hold none). */
static void conn_flush(struct server *s, struct server_conn *c)
{
	if (server_pending(c) == 0)
		return;
	ssize_t n = write_some(s, c, c->out + c->out_off, server_pending(c));
	if (n < 0)
		return;
	c->out_off += (size_t)n;
	if (server_pending(c) > 0)
		return;
	free(c->out);
	c->out = NULL;
	c->out_off = c->out_len = c->out_cap = 0;
	if (s->ops->on_drained)
		s->ops->on_drained(s, c);
}

static void conn_read(struct server *s, struct server_conn *c)
{
	ssize_t n = read(c->fd, s->scratch, s->cfg->read_size);

	if (n > 0) {
		c->bytes_in += (uint64_t)n;
		s->iv.bytes_in += (uint64_t)n;
		s->run.bytes_in += (uint64_t)n;
		touch(s, c);
		/* After our FIN, what still comes is read only to be dropped. */
		if (!c->finishing)
			s->ops->on_data(s, c, s->scratch, (size_t)n);
	} else if (n == 0) {
		c->peer_fin = true;
		if (c->first_fin == CLOSER_NONE)
			c->first_fin = CLOSER_PEER;
		emit_conn(s, SERVER_PEER_FIN, c, SERVER_END_FIN);
		if (!c->finishing)
			s->ops->on_peer_fin(s, c);
	} else if (errno != EAGAIN && errno != EINTR) {
		c->err = errno;
	}
}

/* After an event: FIN once finishing and drained, close when both sides are done. */
static void conn_settle(struct server *s, struct server_conn *c)
{
	if (!c->err && c->finishing && !c->fin_sent && server_pending(c) == 0) {
		/*
		 * The client's FIN may have come with its message, unread: then it
		 * closed first.  Only the closed event tells: without names, no look.
		 */
		if (c->first_fin == CLOSER_NONE && s->cfg->want_names && sock_peer_fin_arrived(c->fd))
			c->first_fin = CLOSER_PEER;
		if (shutdown(c->fd, SHUT_WR) < 0) {
			c->err = errno;
		} else {
			c->fin_sent = true;
			if (c->first_fin == CLOSER_NONE)
				c->first_fin = CLOSER_US;
			if (!c->peer_fin) {
				list_remove(s, c);
				list_append(s, c, T_LINGER);
			}
		}
	}
	if (c->err) {
		conn_close(s, c, end_of(c));
		return;
	}
	if (c->fin_sent && c->peer_fin) {
		conn_close(s, c, SERVER_END_FIN);
		return;
	}
	watch_conn(s, c);
	if (c->err)
		conn_close(s, c, end_of(c));
}

static void conn_ready(struct server *s, struct server_conn *c, uint32_t events)
{
	if (events & EPOLLERR) {
		int err = sock_error(c->fd);
		c->err = err ? err : ECONNRESET;
	}
	if (!c->err && (events & (EPOLLOUT | EPOLLHUP)))
		conn_flush(s, c);
	if (!c->err && (events & (EPOLLIN | EPOLLHUP)) && !c->peer_fin && server_pending(c) == 0)
		conn_read(s, c);
	/* Hung up with nothing left to read or write: the peer is gone. */
	if (!c->err && (events & EPOLLHUP) && c->peer_fin && server_pending(c) == 0 && !c->finishing)
		c->err = EPIPE;
	conn_settle(s, c);
}

static void pause_full(struct server *s)
{
	s->full = true;
	s->st.times_full++;
	watch_listener(s);
	emit_err(s, SERVER_FULL, 0);
}

static void pause_out_of_fds(struct server *s, int err)
{
	s->out_of_fds = true;
	s->fd_retry_at = s->now + (int64_t)FD_RETRY_MS * 1000000;
	s->st.times_out_of_fds++;
	watch_listener(s);
	emit_err(s, SERVER_OUT_OF_FDS, err);
}

static void conn_open(struct server *s, int fd, const struct sockaddr_storage *peer)
{
	/* malloc, not calloc: glibc serves it from the thread cache, and a server accepts a lot. */
	struct server_conn *c = malloc(sizeof(*c));
	struct endpoint ep;

	if (c == NULL) {
		close(fd);
		pause_out_of_fds(s, ENOMEM);
		return;
	}
	*c = (struct server_conn){ .fd = fd, .watching = EPOLLIN };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;
		close(fd);
		free(c);
		pause_out_of_fds(s, err);
		return;
	}
	if (s->cfg->nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	/* What clients do not inherit from the listener, again; the rest read back for the events. */
	if (s->cfg->sockopts) {
		sockopt_results_init(&s->opts);
		sockopt_apply(fd, s->cfg->sockopts, SOCKOPT_AFTER_ACCEPT, &s->opts);
	}
	/* The names are for the event stream: with -q, spare the system call and the formatting. */
	if (s->cfg->want_names) {
		sock_name((const struct sockaddr *)peer, c->names.peer, sizeof(c->names.peer));
		strcpy(c->names.local, "?");
		if (sock_local(fd, &ep) == 0)
			sock_name((struct sockaddr *)&ep.addr, c->names.local, sizeof(c->names.local));
	}
	c->id = ++s->st.connections;
	c->start_ns = s->now;
	list_append(s, c, T_ACTIVE);
	if (++s->st.open > s->st.peak)
		s->st.peak = s->st.open;
	tally_opened(&s->iv, s->st.open);
	tally_opened(&s->run, s->st.open);
	s->ev.sockopts = s->cfg->sockopts ? &s->opts : NULL;
	emit_conn(s, SERVER_ACCEPTED, c, SERVER_END_FIN);
	s->ev.sockopts = NULL;
}

static void accept_ready(struct server *s)
{
	for (int n = 0; n < ACCEPT_BATCH; n++) {
		if (s->st.open >= (uint64_t)s->cfg->max_conns) {
			pause_full(s);
			return;
		}
		struct sockaddr_storage peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(s->lfd, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_open(s, fd, &peer);
			continue;
		}
		switch (errno) {
		case EAGAIN:
			return;
		case EINTR:
		case ECONNABORTED:  /* reset while queued: gone before we saw it */
		case EPROTO:
		case EPERM:         /* refused by a firewall rule */
			continue;
		default:
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: retrying at once would spin. */
			pause_out_of_fds(s, errno);
			return;
		}
	}
}

/* Milliseconds until the next timer, or -1: none. */
static int next_timeout(const struct server *s)
{
	int64_t due = INT64_MAX;
	const struct server_conn *idle = s->timers[T_ACTIVE].head;
	const struct server_conn *linger = s->timers[T_LINGER].head;

	if (idle && s->cfg->idle_timeout_ms >= 0)
		due = idle->timer_ns + s->cfg->idle_timeout_ms * 1000000;
	if (linger && linger->timer_ns + (int64_t)SERVER_LINGER_MS * 1000000 < due)
		due = linger->timer_ns + (int64_t)SERVER_LINGER_MS * 1000000;
	if (s->out_of_fds && s->fd_retry_at < due)
		due = s->fd_retry_at;
	if (s->cfg->tick_ms > 0 && s->next_tick < due)
		due = s->next_tick;
	if (due == INT64_MAX)
		return -1;
	if (due <= s->now)
		return 0;
	int64_t ms = (due - s->now + 999999) / 1000000;
	return ms > 60000 ? 60000 : (int)ms;
}

static void expire_timers(struct server *s)
{
	struct server_conn *c;

	while (s->cfg->idle_timeout_ms >= 0 && (c = s->timers[T_ACTIVE].head) != NULL &&
	       c->timer_ns + s->cfg->idle_timeout_ms * 1000000 <= s->now)
		conn_close(s, c, SERVER_END_TIMEOUT);
	/* The peer never sent its FIN after ours: we have waited long enough. */
	while ((c = s->timers[T_LINGER].head) != NULL &&
	       c->timer_ns + (int64_t)SERVER_LINGER_MS * 1000000 <= s->now)
		conn_close(s, c, SERVER_END_FIN);
	if (s->out_of_fds && s->fd_retry_at <= s->now) {
		s->out_of_fds = false;
		watch_listener(s);
	}
}

/*
 * Descriptors open now below 'limit', inherited ones included: a new one
 * takes the lowest free number, and none can be at or above the limit.
 * Returns -1 when /proc is not there.
 */
static long count_fds_below(rlim_t limit)
{
	DIR *d = opendir("/proc/self/fd");
	long n = 0;
	struct dirent *e;

	if (d == NULL && errno == EMFILE) {
		/* Not one descriptor free below the soft limit: every one of them is in use. */
		struct rlimit rl;
		if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
		return (long)(rl.rlim_cur < limit ? rl.rlim_cur : limit);
	}
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long fd = strtoul(e->d_name, &end, 10);
		if (*end == '\0' && e->d_name[0] != '\0' && fd != (unsigned long)dirfd(d) && fd < limit)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * A client costs one descriptor: raise the soft limit as far as max-conns
 * needs and the hard limit allows, and say so when it still falls short.
 * Called once the server's own descriptors are open, so they count.
 */
static void raise_fd_limit(struct server *s)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	long used = count_fds_below(RLIM_INFINITY);
	if (used < 0)
		return;
	rlim_t want = (rlim_t)s->cfg->max_conns + (rlim_t)used;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= want)
		return;
	long long room = (long long)rl.rlim_cur - count_fds_below(rl.rlim_cur);
	s->ev.fd_limit = (uint64_t)rl.rlim_cur;
	s->ev.room = room > 0 ? room : 0;
	emit(s, SERVER_FD_LIMIT);
}

/* Stops on a signal: no new clients; every open one is closed, then the summary. */
static void stop(struct server *s)
{
	if (s->lfd >= 0) {
		close(s->lfd);
		s->lfd = -1;
	}
	for (int t = 0; t < N_TIMERS; t++)
		while (s->timers[t].head)
			conn_close(s, s->timers[t].head, SERVER_END_STOPPED);  // NOLINT(clang-analyzer-unix.Malloc): unlinked, then freed
	tick_final(s);
	emit_err(s, SERVER_STOPPED, 0);
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		s->st.stop_signal = (int)si.ssi_signo;
}

/* Events are passed on once a round; when they cannot be, the server ends. */
static bool end_round(struct server *s)
{
	emit_err(s, SERVER_ROUND, 0);
	return !s->failed;
}

static void serve(struct server *s)
{
	struct epoll_event evs[EPOLL_BATCH];

	while (s->st.stop_signal == 0 && end_round(s)) {
		int n = epoll_wait(s->epfd, evs, EPOLL_BATCH, next_timeout(s));
		s->now = now_ns();
		if (n < 0 && errno != EINTR) {
			emit_err(s, SERVER_WAIT_FAILED, errno);
			s->failed = true;
			return;
		}
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;
			if (tag == &s->tag_listener)
				accept_ready(s);
			else if (tag == &s->tag_signal)
				on_signal(s);
			else
				conn_ready(s, tag, evs[i].events);
		}
		expire_timers(s);
		tick_if_due(s);
	}
}

/* SIGINT, SIGTERM and SIGHUP arrive as a readable descriptor, in turn with everything else. */
static int open_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int add_fd(int epfd, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int server_run(const struct server_config *cfg, const struct server_ops *ops)
{
	struct server s = {
		.cfg = cfg, .ops = ops,
		.epfd = -1, .sigfd = -1,
		.listener_watching = EPOLLIN,
	};
	sigset_t old_mask;
	int gai_err;

	s.ev = (struct server_event){ .cfg = cfg, .stats = &s.st, .fd = -1 };

	sigprocmask(SIG_BLOCK, NULL, &old_mask);
	s.now = s.st.started_ns = now_ns();
	s.iv.start_ns = s.run.start_ns = s.now;
	s.next_tick = s.now + (cfg->tick_ms > 0 ? cfg->tick_ms * 1000000 : 0);
	s.lfd = sock_listen_opts(cfg->bind_addr, cfg->port, cfg->family, cfg->backlog, cfg->sockopts,
				 &s.opts, &gai_err);
	s.ev.sockopts = cfg->sockopts ? &s.opts : NULL;
	if (s.lfd < 0) {
		s.ev.gai_err = gai_err;
		emit_err(&s, SERVER_LISTEN_FAILED, errno);
		return -1;
	}
	s.ev.fd = s.lfd;
	emit(&s, SERVER_LISTENING);
	s.ev.sockopts = NULL;

	s.scratch = malloc(cfg->read_size);
	s.epfd = epoll_create1(EPOLL_CLOEXEC);
	s.sigfd = open_signals(&old_mask);
	if (s.scratch == NULL || s.epfd < 0 || s.sigfd < 0 ||
	    add_fd(s.epfd, s.lfd, &s.tag_listener) < 0 || add_fd(s.epfd, s.sigfd, &s.tag_signal) < 0) {
		emit_err(&s, SERVER_SETUP_FAILED, errno);
		s.failed = true;
	} else {
		raise_fd_limit(&s);
		serve(&s);
		stop(&s);
		if (!s.failed)
			end_round(&s);
	}
	if (s.sigfd >= 0)
		close(s.sigfd);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (s.epfd >= 0)
		close(s.epfd);
	if (s.lfd >= 0)
		close(s.lfd);
	free(s.scratch);
	return s.failed ? -1 : 0;
}
