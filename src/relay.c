/* The relay between stdin/stdout and a connected socket. */
#include "relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

static size_t buf_len(const struct relay_buf *b) { return b->tail - b->head; }
static size_t buf_room(const struct relay_buf *b) { return b->cap - b->tail; }

static void buf_consumed(struct relay_buf *b, size_t n)
{
	b->head += n;
	if (b->head == b->tail)
		b->head = b->tail = 0;
}

static int buf_alloc(struct relay_buf *b, size_t cap)
{
	b->data = malloc(cap);
	b->head = b->tail = 0;
	b->cap = cap;
	return b->data ? 0 : -1;
}

int relay_io_init(struct relay_io *io, int in_fd, int out_fd, const char *preload, size_t len)
{
	memset(io, 0, sizeof(*io));
	io->in_fd = in_fd;
	io->out_fd = out_fd;
	/* A closed stdin is simply an empty one. */
	io->in_eof = in_fd < 0 || fcntl(in_fd, F_GETFD) < 0;
	if (buf_alloc(&io->up, len > RELAY_BUF_SIZE ? len : RELAY_BUF_SIZE) < 0 ||
	    buf_alloc(&io->down, RELAY_BUF_SIZE) < 0) {
		relay_io_free(io);
		return -1;
	}
	if (len) {
		memcpy(io->up.data, preload, len);
		io->up.tail = len;
	}
	return 0;
}

void relay_io_free(struct relay_io *io)
{
	free(io->up.data);
	free(io->down.data);
	io->up.data = io->down.data = NULL;
}

struct relay {
	int sock;
	struct relay_io *io;
	const struct relay_opts *o;
	struct relay_result *res;
	bool input_done_seen;  /* the local-EOF step has been taken */
	bool net_eof;
	bool done;
	int64_t last_activity;
};

static void emit(struct relay *r, enum relay_event ev)
{
	if (r->o->on_event)
		r->o->on_event(r->o->ctx, ev, r->res);
}

static void finish(struct relay *r, enum relay_end end, int err)
{
	r->res->end = end;
	r->res->err = err;
	r->done = true;
}

static bool is_reset(int err)
{
	return err == ECONNRESET || err == EPIPE;
}

/* Local input -> up buffer. */
static void read_input(struct relay *r)
{
	struct relay_buf *b = &r->io->up;
	ssize_t n = read(r->io->in_fd, b->data + b->tail, buf_room(b));

	if (n > 0) {
		b->tail += (size_t)n;
		r->last_activity = now_ns();
	} else if (n == 0) {
		r->io->in_eof = true;
	} else if (errno != EINTR && errno != EAGAIN) {
		finish(r, END_INPUT_ERROR, errno);
	}
}

/* Up buffer -> socket. */
static void send_up(struct relay *r)
{
	struct relay_buf *b = &r->io->up;

	while (buf_len(b) > 0) {
		ssize_t n = send(r->sock, b->data + b->head, buf_len(b), MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (is_reset(errno))
				emit(r, RELAY_PEER_RESET);
			finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
			return;
		}
		buf_consumed(b, (size_t)n);
		r->res->bytes_out += (uint64_t)n;
		r->last_activity = now_ns();
	}
}

/* Socket -> down buffer. */
static void recv_down(struct relay *r)
{
	struct relay_buf *b = &r->io->down;
	ssize_t n = recv(r->sock, b->data + b->tail, buf_room(b), 0);

	if (n > 0) {
		b->tail += (size_t)n;
		r->res->bytes_in += (uint64_t)n;
		r->last_activity = now_ns();
	} else if (n == 0 && r->o->pending_err) {
		emit(r, RELAY_PEER_RESET);
		finish(r, END_RESET, r->o->pending_err);
	} else if (n == 0) {
		r->net_eof = true;
		if (r->res->first_fin == CLOSER_NONE)
			r->res->first_fin = CLOSER_PEER;
		emit(r, RELAY_PEER_FIN);
	} else if (errno != EINTR && errno != EAGAIN) {
		if (is_reset(errno))
			emit(r, RELAY_PEER_RESET);
		finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
	}
}

/* Down buffer -> local output; stdout may be blocking, so one write a turn. */
static void write_down(struct relay *r)
{
	struct relay_buf *b = &r->io->down;
	ssize_t n = write(r->io->out_fd, b->data + b->head, buf_len(b));

	if (n > 0) {
		buf_consumed(b, (size_t)n);
		r->last_activity = now_ns();
	} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		finish(r, END_OUTPUT_ERROR, errno);
	}
}

/* Once local input is over and sent: FIN with half-close, else just note it. */
static void maybe_input_done(struct relay *r)
{
	if (r->input_done_seen || !r->io->in_eof || buf_len(&r->io->up) > 0)
		return;
	r->input_done_seen = true;
	if (!r->o->half_close) {
		emit(r, RELAY_INPUT_EOF);
		return;
	}
	if (shutdown(r->sock, SHUT_WR) < 0 && errno != ENOTCONN) {
		finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
		return;
	}
	if (r->res->first_fin == CLOSER_NONE)
		r->res->first_fin = CLOSER_US;
	emit(r, RELAY_FIN_SENT);
}

int relay_run(int sock, struct relay_io *io, const struct relay_opts *o, struct relay_result *res)
{
	struct relay r = { .sock = sock, .io = io, .o = o, .res = res };
	int64_t start = now_ns();

	memset(res, 0, sizeof(*res));
	io->down.head = io->down.tail = 0;
	r.last_activity = start;

	while (!r.done) {
		maybe_input_done(&r);
		if (r.done)
			break;
		/*
		 * The peer has closed: finish once its data is out and ours is sent.
		 * With half-close its FIN ends only its direction; ours runs on to
		 * local EOF and our own FIN.
		 */
		if (r.net_eof && buf_len(&io->down) == 0 && buf_len(&io->up) == 0 &&
		    (!o->half_close || r.input_done_seen)) {
			finish(&r, END_PEER_CLOSED, 0);
			break;
		}

		struct pollfd pfd[3] = {
			{ .fd = -1 }, { .fd = -1 }, { .fd = -1 },
		};
		if (!io->in_eof && (!r.net_eof || o->half_close) && buf_room(&io->up) > 0)
			pfd[0] = (struct pollfd){ .fd = io->in_fd, .events = POLLIN };
		pfd[1].fd = sock;
		if (!r.net_eof && buf_room(&io->down) > 0)
			pfd[1].events |= POLLIN;
		if (buf_len(&io->up) > 0)
			pfd[1].events |= POLLOUT;
		if (buf_len(&io->down) > 0)
			pfd[2] = (struct pollfd){ .fd = io->out_fd, .events = POLLOUT };

		int wait = -1;
		if (o->idle_timeout_ms >= 0) {
			int64_t left = r.last_activity + (int64_t)o->idle_timeout_ms * 1000000 - now_ns();
			if (left <= 0) {
				finish(&r, END_IDLE_TIMEOUT, ETIMEDOUT);
				break;
			}
			wait = (int)((left + 999999) / 1000000);
		}
		int n = poll(pfd, 3, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			finish(&r, END_SOCKET_ERROR, errno);
			break;
		}
		if (n == 0)
			continue; /* the idle check above decides */

		if (pfd[0].revents)
			read_input(&r);
		if (!r.done && buf_len(&io->up) > 0 && (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP) ||
							pfd[0].revents))
			send_up(&r);
		if (!r.done && pfd[1].revents & (POLLIN | POLLERR | POLLHUP) && pfd[1].events & POLLIN)
			recv_down(&r);
		if (!r.done && buf_len(&io->down) > 0)
			write_down(&r);
		/* POLLERR with nothing to write: surface the socket error. */
		if (!r.done && pfd[1].revents & POLLERR && !(pfd[1].events & POLLIN)) {
			int err = 0;
			socklen_t len = sizeof(err);
			if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
				finish(&r, is_reset(err) ? END_RESET : END_SOCKET_ERROR, err);
		}
	}
	res->duration_ns = now_ns() - start;
	return res->end == END_PEER_CLOSED ? 0 : -1;
}
