/* Watching one connection end: the events of tcptool shutdown's timeline. */
#include "cmd/shutdown_watch.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kernel/socklist.h"
#include "net/tcpinfo.h"
#include "base/clock.h"
#include "net/tcp_state.h"

/*
 * TCP_INFO is sampled, since no poll event marks a state change such as
 * the ACK of our FIN: 1 ms after anything happened, then ever slower up to
 * 8 ms: times within a few ms, at some hundred wakeups a second at most.
 */
#define TICK_MIN_MS 1
#define TICK_MAX_MS 8

static const char *how_name(int how)
{
	return how == SHUT_RD ? "SHUT_RD" : how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR";
}

/* States only reached once the peer's FIN has arrived. */
static bool peer_fin_state(int st)
{
	return st == TCP_CLOSE_WAIT || st == TCP_LAST_ACK || st == TCP_CLOSING || st == TCP_TIME_WAIT;
}

/* States where our FIN is out and not yet acknowledged. */
static bool fin_unacked_state(int st)
{
	return st == TCP_FIN_WAIT1 || st == TCP_CLOSING || st == TCP_LAST_ACK;
}

static void report_peer_fin(struct shutdown_watch *w, const char *how_seen)
{
	struct field f[] = { F_END };

	w->peer_fin = true;
	report_event(w->r, "peer_fin", f, "peer FIN: the peer will send nothing more (%s)", how_seen);
}

/*
 * RFC 1122: data that reaches a socket whose reading side is shut and
 * whose FIN is out gets RST from our own kernel.  TCP_INFO counts the
 * segment but not its bytes: a data segment more than at the shutdown and
 * not one byte more received mean the reset was ours.
 */
static bool reset_is_ours(const struct shutdown_watch *w)
{
	struct tcp_summary now;

	if (!w->rd_shut || !w->wr_shut || !w->at_shutdown.have_data_segs || tcpinfo_read(w->fd, &now) < 0)
		return false;
	return now.data_segs_in > w->at_shutdown.data_segs_in &&
	       now.bytes_received == w->at_shutdown.bytes_received;
}

static void report_reset(struct shutdown_watch *w, int err)
{
	bool ours = reset_is_ours(w);
	struct field f[] = { F_STR("by", ours ? "us" : "peer"), F_STR("error", strerror(err)), F_END };

	w->reset = true;
	if (ours)
		report_event(w->r, "reset", f, "RST sent by our kernel: data arrived after "
			     "shutdown(SHUT_RDWR), and nothing may read it; reads now fail with %s",
			     strerror(err));
	else
		report_event(w->r, "reset", f, "peer RST: the peer aborted the connection; "
			     "reads and writes now fail (%s)", strerror(err));
}

/*
 * Our socket reads CLOSE once the connection is over, but the kernel may
 * keep the connection itself apart from it: TIME_WAIT after both FINs.
 */
static int lingering_state(const struct shutdown_watch *w)
{
	struct tcp_sock s;

	return socklist_find(&w->local.addr, &w->peer.addr, &s) > 0 ? s.state : TCP_CLOSE;
}

static void drain(struct shutdown_watch *w, bool queued_only);

/* Reports the TCP state when it changed since the last report. */
static void sample_state(struct shutdown_watch *w)
{
	struct tcp_summary s;

	if (w->fd < 0 || w->socket_closed || tcpinfo_read(w->fd, &s) < 0)
		return;
	int st = s.state;
	/* What the peer sent before its FIN or RST comes first on the timeline. */
	if (st != w->state && (peer_fin_state(st) || st == TCP_CLOSE))
		drain(w, w->rd_shut);
	if (st == TCP_CLOSE) {
		/* A reset is told before the state it led to. */
		int err = w->reset ? 0 : sock_error(w->fd);
		if (err)
			report_reset(w, err);
		else if (!w->reset)
			st = lingering_state(w);
		w->socket_closed = true;
	}
	if (st == w->state)
		return;
	/* With reads shut down, a read says nothing of the peer's FIN; the state does. */
	if (w->rd_shut && !w->peer_fin && !w->reset && (peer_fin_state(st) || st == TCP_CLOSE))
		report_peer_fin(w, "the state says so; reads are shut down");
	w->state = st;
	struct field f[] = { F_STR("state", tcp_state_name(st)), F_END };
	report_event(w->r, "state", f, "state %s: %s", tcp_state_name(st), tcp_state_meaning(st));
}

static size_t queued_bytes(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

static void report_received(struct shutdown_watch *w, size_t bytes, const char *first,
			    size_t first_len)
{
	char text[100];
	bool cut = format_printable(first, first_len < 60 ? first_len : 60, text, sizeof(text));
	struct field f[] = {
		F_INT("bytes", bytes), F_BOOL("after_fin", w->wr_shut), F_BOOL("after_shut_rd", w->rd_shut),
		F_END,
	};
	const char *when = w->rd_shut ? " after shutdown(SHUT_RD)" : w->wr_shut ? " after our FIN" : "";
	const char *why = w->rd_shut ? " (Linux still queues what the peer sends, and reads return it)"
			  : w->wr_shut ? " (half-closed: the peer may still send)" : "";

	cut = cut || first_len > 60 || bytes > first_len;
	report_event(w->r, "received", f, "received %zu byte%s%s: \"%s\"%s%s", bytes, bytes == 1 ? "" : "s", when, text,
		     cut ? "..." : "", why);
}

/*
 * Reads what has arrived: data, then the peer's FIN or a reset.  With
 * queued_only it reads just what FIONREAD says is queued, for when a read
 * returning 0 tells nothing: reads shut down, or the error already taken.
 */
static void drain(struct shutdown_watch *w, bool queued_only)
{
	char buf[65536], first[64];
	size_t total = 0, first_len = 0;
	int end_err = -1;   /* -1: more may come; 0: FIN; else the error */

	if (w->reset || (w->peer_fin && !queued_only))
		return;
	for (;;) {
		size_t want = sizeof(buf);
		if (queued_only) {
			/* A read on a shut reading side returns 0 at once: ask what is queued first. */
			want = queued_bytes(w->fd);
			if (want == 0)
				break;
			if (want > sizeof(buf))
				want = sizeof(buf);
		}
		ssize_t n = recv(w->fd, buf, want, MSG_DONTWAIT);
		if (n > 0) {
			if (total == 0) {
				first_len = (size_t)n < sizeof(first) ? (size_t)n : sizeof(first);
				memcpy(first, buf, first_len);
			}
			total += (size_t)n;
			continue;
		}
		if (n == 0 && !queued_only)
			end_err = 0;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			end_err = errno;
		break;
	}
	if (total) {
		w->bytes_in += total;
		report_received(w, total, first, first_len);
	}
	if (end_err == 0)
		report_peer_fin(w, "a read returns 0: EOF");
	else if (end_err > 0)
		report_reset(w, end_err);
}

void shutdown_watch_init(struct shutdown_watch *w, const struct report *r, int fd, int late_err)
{
	memset(w, 0, sizeof(*w));
	w->r = r;
	w->fd = fd;
	sock_local(fd, &w->local);
	sock_peer(fd, &w->peer);
	/* The reset that came with the handshake was taken from SO_ERROR already; the data before it was not. */
	if (late_err) {
		drain(w, true);
		report_reset(w, late_err);
	}
	sample_state(w);
}

int shutdown_watch_send(struct shutdown_watch *w, const char *text, size_t len, int64_t deadline)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(w->fd, text + done, len - done, MSG_NOSIGNAL);
		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		int64_t left = deadline - now_ns();
		if ((errno == EAGAIN || errno == EWOULDBLOCK) && left > 0) {
			struct pollfd p = { .fd = w->fd, .events = POLLOUT };
			poll(&p, 1, (int)((left + 999999) / 1000000));
			continue;
		}
		int err = errno == EAGAIN ? ETIMEDOUT : errno;
		struct field f[] = { F_INT("bytes", done), F_STR("error", strerror(err)), F_END };
		report_event(w->r, "write_failed", f, "write failed after %zu of %zu bytes: %s",
			     done, len, strerror(err));
		if (err == ECONNRESET) {
			/* The write took the error the RST left; what the peer sent before it is still queued. */
			drain(w, true);
			report_reset(w, err);
		}
		sample_state(w);
		return -1;
	}
	w->bytes_out += len;
	char shown[100];
	bool cut = format_printable(text, len < 60 ? len : 60, shown, sizeof(shown));
	struct field f[] = { F_INT("bytes", len), F_END };
	report_event(w->r, "sent", f, "sent %zu byte%s: \"%s\"%s", len, len == 1 ? "" : "s", shown, cut || len > 60 ? "..." : "");
	sample_state(w);
	return 0;
}

void shutdown_watch_intervals(struct shutdown_watch *w, long long interval_ms)
{
	session_meter_start(&w->meter, w->r, w->fd, interval_ms);
}

/* An interval report when one is due; returns when the next is (0: none). */
static int64_t interval_tick(struct shutdown_watch *w)
{
	return w->fd < 0 ? 0 : session_meter_tick(&w->meter, w->bytes_out, w->bytes_in);
}

/* Before the socket goes: the last part-interval and the whole connection. */
static void interval_finish(struct shutdown_watch *w)
{
	if (w->fd >= 0)
		session_meter_finish(&w->meter, w->bytes_out, w->bytes_in);
}

bool shutdown_watch_until(struct shutdown_watch *w, int64_t deadline, bool stop_when_closed)
{
	int tick = TICK_MIN_MS;

	for (;;) {
		if (w->reset)
			return false;
		if (stop_when_closed && w->peer_fin && !fin_unacked_state(w->state))
			return false;
		int64_t next = interval_tick(w);
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return true;
		if (next && next - now_ns() < left)
			left = next - now_ns() > 0 ? next - now_ns() : 0;
		int left_ms = (int)((left + 999999) / 1000000);
		/* POLLIN means nothing once reads are shut or the FIN is read: it stays set. */
		struct pollfd p[2] = {
			{ .fd = w->fd, .events = w->rd_shut || w->peer_fin ? 0 : POLLIN },
			/* --trace: its segments come out as they are seen */
			{ .fd = w->r->source ? w->r->source->fd : -1, .events = POLLIN },
		};
		int wait = tick < left_ms ? tick : left_ms;
		int ready = poll(p, 2, wait);
		if (ready < 0 && errno != EINTR)
			return false;
		if (p[1].revents) {
			report_drain_source(w->r);
			ready -= 1;
		}
		int before = w->state;
		bool was_fin = w->peer_fin;
		uint64_t was_in = w->bytes_in;
		/* A reset (POLLERR) is found by the reads or by the state, after the data before it. */
		drain(w, w->rd_shut);
		sample_state(w);
		bool quiet = w->state == before && w->peer_fin == was_fin && w->bytes_in == was_in;
		/* POLLHUP stays set once both directions are shut: nap rather than spin. */
		if (quiet && ready > 0 && !(p[0].revents & POLLIN))
			poll(NULL, 0, wait);
		tick = quiet ? (tick * 2 > TICK_MAX_MS ? TICK_MAX_MS : tick * 2) : TICK_MIN_MS;
	}
}

int shutdown_watch_shutdown(struct shutdown_watch *w, int how)
{
	static const char *const what[] = {
		[SHUT_RD] = "nothing is sent to the peer; our reads now end at once",
		[SHUT_WR] = "our FIN is on its way; we can still receive",
		[SHUT_RDWR] = "our FIN is on its way; no more reads or writes",
	};
	char buf[4096];

	if (w->reset) {
		report_error(w->r, "shutdown(%s): the connection was already reset", how_name(how));
		return -1;
	}
	/* Taken before the FIN goes: the reset it may bring comes within microseconds. */
	if (tcpinfo_read(w->fd, &w->at_shutdown) < 0)
		memset(&w->at_shutdown, 0, sizeof(w->at_shutdown));
	int64_t began = now_ns();
	if (shutdown(w->fd, how) < 0) {
		int err = errno;
		/* ENOTCONN: a RST came since the last look; tell it first. */
		sample_state(w);
		if (w->reset)
			report_error(w->r, "shutdown(%s): the connection was already reset", how_name(how));
		else
			report_error(w->r, "shutdown(%s): %s", how_name(how), strerror(err));
		return -1;
	}
	w->rd_shut = how != SHUT_WR;
	w->wr_shut = how != SHUT_RD;
	char call[32];
	snprintf(call, sizeof(call), "shutdown(%s)", how_name(how));
	report_call(w->r, began, call, -1);
	struct field f[] = { F_STR("how", how_name(how)), F_END };
	report_event(w->r, "shutdown", f, "shutdown(%s): %s", how_name(how), what[how]);

	/* Show what the shutdown changed: a write fails, a read ends at once. */
	if (w->wr_shut && send(w->fd, "", 0, MSG_NOSIGNAL) < 0) {
		if (errno == EPIPE) {
			struct field e[] = { F_STR("error", strerror(errno)), F_END };
			report_event(w->r, "write_failed", e,
				     "a write now fails with EPIPE (Broken pipe): no data may follow our FIN");
		} else {
			report_reset(w, errno);  /* the write took the error a RST left */
		}
	}
	if (w->rd_shut && !w->reset) {
		/* Reads return what is queued, then 0. */
		size_t got = 0, queued;
		ssize_t n = 0;
		while ((queued = queued_bytes(w->fd)) > 0 &&
		       (n = recv(w->fd, buf, queued < sizeof(buf) ? queued : sizeof(buf), MSG_DONTWAIT)) > 0)
			got += (size_t)n;
		if (n >= 0)
			n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			report_reset(w, errno);  /* the read took the error SO_ERROR held */
		struct field e[] = { F_INT("bytes", got), F_END };
		if (got == 0 && n == 0)
			report_event(w->r, "read_after_shutdown", e,
				     "a read now returns 0 (EOF) at once, whether or not the peer has closed");
		else if (got > 0)
			report_event(w->r, "read_after_shutdown", e,
				     "a read still returns the %zu bytes queued before the shutdown, then 0", got);
		w->bytes_in += got;
	}
	sample_state(w);
	return 0;
}

/* ", 59.9 s left" for a socket's timer, or "". */
static void timer_left(const struct tcp_sock *s, char *buf, size_t size)
{
	buf[0] = '\0';
	if (s->timer != TIMER_NONE)
		snprintf(buf, size, ", %u.%u s left", s->timer_ms / 1000, s->timer_ms % 1000 / 100);
}

int shutdown_watch_close(struct shutdown_watch *w, bool abort)
{
	struct tcp_sock s;
	bool over = w->reset || w->socket_closed;   /* nothing left to send or read */
	size_t unread = over ? 0 : queued_bytes(w->fd);
	bool sends_rst = abort || unread > 0;
	bool sends_fin = !sends_rst && !over && !w->wr_shut;
	char what[200], left[40] = "", after[160];

	interval_finish(w);
	if (abort && w->reset) {
		report_error(w->r, "abortive close: the connection was already reset");
		close(w->fd);
		w->fd = -1;
		return -1;
	}
	if (abort)
		snprintf(what, sizeof(what), "close() with SO_LINGER 0: RST sent instead of FIN; ");
	else if (unread)
		snprintf(what, sizeof(what), "close() with %zu bytes unread: the kernel sends RST instead of FIN; ",
			 unread);
	else
		snprintf(what, sizeof(what), "close(): %s", sends_fin ? "our FIN is on its way; " : "");
	int64_t began = now_ns();
	int rc = abort ? sock_close_rst(w->fd) : close(w->fd);
	w->fd = -1;
	if (rc < 0 && abort) {
		report_error(w->r, "setsockopt(SO_LINGER): %s", strerror(errno));
		return -1;
	}
	report_call(w->r, began, abort ? "close() RST" : "close()", -1);

	int found = socklist_find(&w->local.addr, &w->peer.addr, &s);
	if (found > 0) {
		timer_left(&s, left, sizeof(left));
		snprintf(after, sizeof(after), "the kernel still holds the connection in %s%s",
			 tcp_state_name(s.state), left);
	} else if (found == 0) {
		snprintf(after, sizeof(after), "nothing of the connection is left in the kernel%s",
			 abort ? " (no TIME_WAIT)" : "");
	} else {
		snprintf(after, sizeof(after), "the kernel's socket list cannot be read: %s", strerror(errno));
	}
	struct field f[] = {
		F_BOOL("rst", sends_rst),
		F_INT("unread", unread),
		F_STR("state_after", found > 0 ? tcp_state_name(s.state) : found == 0 ? "gone" : NULL),
		found > 0 && s.timer != TIMER_NONE ? F_INT("timer_ms", s.timer_ms) : F_END,
		F_END,
	};
	report_event(w->r, "close", f, "%s%s", what, after);
	return 0;
}
