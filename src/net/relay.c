/* The relay between stdin/stdout and a connected socket. */
#include "net/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/pattern.h"
#include "net/sock.h"
#include "base/clock.h"
#include "base/rate_limit.h"

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

/* The most bytes one splice() or sendfile() moves. */
#define ZC_CHUNK (1 << 20)

/*
 * A larger pipe, where allowed: fewer wake-ups for whoever is on the other
 * end.  Never shrunk; a refusal (a user's pipe quota) changes nothing.
 */
static void grow_pipe(int fd)
{
	int size = fcntl(fd, F_GETPIPE_SZ);

	if (size >= 0 && size < ZC_CHUNK)
		fcntl(fd, F_SETPIPE_SZ, ZC_CHUNK);
}

/*
 * Local input: a regular file goes out with sendfile().  A pipe is read,
 * not spliced: its pages would leave with the data, so the writer would
 * fill fresh ones and the receiver handle them 4 KiB at a time; read()
 * leaves the pipe its pages, and measured faster in `head | tcptool`.
 */
static enum relay_path input_path(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return PATH_COPY;
	if (S_ISFIFO(st.st_mode))
		grow_pipe(fd);
	return S_ISREG(st.st_mode) ? PATH_SENDFILE : PATH_COPY;
}

/*
 * Local output: a pipe is spliced into, a file or a device such as
 * /dev/null through a pipe of our own.  Terminals are written as ever, and
 * so are files opened with O_APPEND, which splice() refuses.
 */
static enum relay_path output_path(int fd)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	if (fstat(fd, &st) < 0 || fl < 0 || (fl & O_APPEND) || isatty(fd))
		return PATH_COPY;
	if (S_ISFIFO(st.st_mode)) {
		grow_pipe(fd);
		return PATH_SPLICE;
	}
	return S_ISREG(st.st_mode) || S_ISCHR(st.st_mode) ? PATH_VIA_PIPE : PATH_COPY;
}

int relay_io_init(struct relay_io *io, int in_fd, int out_fd, const char *preload, size_t len)
{
	memset(io, 0, sizeof(*io));
	io->in_fd = in_fd;
	io->out_fd = out_fd;
	io->via[0] = io->via[1] = -1;
	/* A closed stdin is simply an empty one. */
	io->in_eof = in_fd < 0 || fcntl(in_fd, F_GETFD) < 0;
	io->up_path = io->in_eof ? PATH_COPY : input_path(in_fd);
	io->down_path = output_path(out_fd);
	if (io->down_path == PATH_VIA_PIPE) {
		if (pipe2(io->via, O_CLOEXEC) == 0)
			grow_pipe(io->via[1]);
		else
			io->down_path = PATH_COPY;
	}
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

int relay_io_load(struct relay_io *io, uint64_t bytes, int64_t ns)
{
	/* Again for the next client: the pattern's file is kept. */
	int fd = io->up_path == PATH_LOAD && io->in_fd >= 0 ? io->in_fd : pattern_memfd();

	if (fd < 0)
		return -1;
	io->in_fd = fd;
	io->in_eof = false;
	io->up_path = PATH_LOAD;
	io->load_left = bytes;
	io->load_ns = ns;
	io->load_off = 0;
	return 0;
}

/* --verify reads this much at a time: fewer, larger reads keep up with a fast sender. */
#define VERIFY_BUF_SIZE (1u << 20)

void relay_io_discard(struct relay_io *io, bool verify)
{
	io->down_path = verify ? PATH_VERIFY : PATH_DISCARD;
	if (verify && io->down.cap < VERIFY_BUF_SIZE) {
		char *bigger = realloc(io->down.data, VERIFY_BUF_SIZE);
		if (bigger) {  /* else the usual buffer does, a little slower */
			io->down.data = bigger;
			io->down.cap = VERIFY_BUF_SIZE;
		}
	}
	for (int i = 0; i < 2; i++)
		if (io->via[i] >= 0)
			close(io->via[i]);
	io->via[0] = io->via[1] = -1;
}

void relay_io_free(struct relay_io *io)
{
	if (io->up_path == PATH_LOAD && io->in_fd >= 0) {
		close(io->in_fd);
		io->in_fd = -1;
	}
	free(io->up.data);
	free(io->down.data);
	io->up.data = io->down.data = NULL;
	for (int i = 0; i < 2; i++)
		if (io->via[i] >= 0)
			close(io->via[i]);
	io->via[0] = io->via[1] = -1;
}

int64_t relay_io_input_size(const struct relay_io *io)
{
	int64_t queued = (int64_t)buf_len(&io->up);
	struct stat st;

	if (io->up_path == PATH_LOAD)
		return io->load_ns > 0 ? -1 : (int64_t)io->load_left;
	if (io->in_eof)
		return queued;
	if (fstat(io->in_fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	off_t at = lseek(io->in_fd, 0, SEEK_CUR);
	return queued + (st.st_size > at && at >= 0 ? (int64_t)(st.st_size - at) : 0);
}

struct relay {
	int sock;
	struct relay_io *io;
	const struct relay_opts *o;
	struct relay_result *res;
	bool input_done_seen;  /* the local-EOF step has been taken */
	/*
	 * sendfile()'s EAGAIN can only be the socket's: wait for room in it.
	 * A splice() into an output pipe does not say which end was not
	 * ready; after one EAGAIN, wait for the output, after the next for
	 * the socket again.
	 */
	bool up_wait_sock, down_wait_out;
	bool net_eof;
	bool done;
	int64_t last_activity;
	struct rate_limit send_limit, read_limit;
	int64_t start;
	int64_t load_end;      /* --load DUR: when to stop sending */
	int64_t next_tick;     /* 0: no ticks */
};

/* How much of 'want' the limit lets move now; 0 while the bucket refills. */
static size_t allowed(struct rate_limit *rl, size_t want)
{
	return rl->rate ? rate_limit_allow(rl, now_ns(), want) : want;
}

static void before_output(struct relay *r)
{
	if (r->o->before_output)
		r->o->before_output(r->o->ctx);
}

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

/* Errors that come from the socket side of a splice() or sendfile(). */
static bool is_socket_error(int err)
{
	switch (err) {
	case ECONNRESET: case EPIPE: case ENOTCONN: case ETIMEDOUT: case ECONNABORTED:
	case EHOSTUNREACH: case ENETUNREACH: case ENOBUFS: case ENOMEM:
		return true;
	default:
		return false;
	}
}

/* The kernel cannot splice between these two: fall back to copying. */
static bool is_unsupported(int err)
{
	return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP;
}

/* Writes all of b's bytes to fd, which may block (a file). */
static int write_all(int fd, const char *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Remembers whether what went to the local output last ended a line. */
static void note_output(struct relay_io *io, const char *data, size_t n)
{
	if (n > 0)
		io->out_mid_line = data[n - 1] != '\n';
}

/*
 * Sending met the peer's RST.  What the peer sent before it is still in
 * our receive queue (recv() gives those bytes before the end), so they go
 * to the output first; then the relay ends with the reset.
 */
static void reset_while_sending(struct relay *r, int err)
{
	struct relay_buf *b = &r->io->down;

	before_output(r);
	bool out_ok = buf_len(b) == 0 || write_all(r->io->out_fd, b->data + b->head, buf_len(b)) == 0;

	if (out_ok)
		note_output(r->io, b->data + b->head, buf_len(b));
	b->head = b->tail = 0;
	while (out_ok && !r->net_eof) {
		ssize_t n = recv(r->sock, b->data, b->cap, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r->res->bytes_in += (uint64_t)n;
		out_ok = write_all(r->io->out_fd, b->data, (size_t)n) == 0;
		if (out_ok)
			note_output(r->io, b->data, (size_t)n);
	}
	emit(r, RELAY_PEER_RESET);
	finish(r, END_RESET, err);
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
/* When a call on the socket begins, for on_call (0 when nobody listens: no clock read). */
static int64_t call_begins(const struct relay *r)
{
	return r->o->on_call ? now_ns() : 0;
}

/* n bytes went to the socket by call, begun at began: counted, charged to the rate limit, told. */
static void count_sent(struct relay *r, const char *call, size_t n, int64_t began)
{
	rate_limit_spend(&r->send_limit, n);
	r->res->bytes_out += (uint64_t)n;
	r->last_activity = now_ns();
	if (r->o->on_call)
		r->o->on_call(r->o->ctx, call, (long long)n, began);
}

static void send_up(struct relay *r)
{
	struct relay_buf *b = &r->io->up;

	while (buf_len(b) > 0) {
		size_t want = allowed(&r->send_limit, buf_len(b));
		if (want == 0)
			return;
		int64_t began = call_begins(r);
		ssize_t n = send(r->sock, b->data + b->head, want, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (is_reset(errno))
				reset_while_sending(r, errno);
			else
				finish(r, END_SOCKET_ERROR, errno);
			return;
		}
		buf_consumed(b, (size_t)n);
		count_sent(r, "send()", (size_t)n, began);
	}
}

/* A read of 0 from the socket: the peer's FIN, or the reset the handshake left. */
static void socket_eof(struct relay *r)
{
	if (r->o->pending_err) {
		emit(r, RELAY_PEER_RESET);
		finish(r, END_RESET, r->o->pending_err);
		return;
	}
	r->net_eof = true;
	if (r->res->first_fin == CLOSER_NONE)
		r->res->first_fin = CLOSER_PEER;
	emit(r, RELAY_PEER_FIN);
}

/* Socket -> down buffer. */
static void recv_down(struct relay *r)
{
	struct relay_buf *b = &r->io->down;
	size_t want = allowed(&r->read_limit, buf_room(b));

	if (want == 0)
		return;
	ssize_t n = recv(r->sock, b->data + b->tail, want, 0);
	if (n > 0) {
		b->tail += (size_t)n;
		rate_limit_spend(&r->read_limit, (size_t)n);
		r->res->bytes_in += (uint64_t)n;
		r->last_activity = now_ns();
	} else if (n == 0) {
		socket_eof(r);
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

	before_output(r);
	ssize_t n = write(r->io->out_fd, b->data + b->head, buf_len(b));

	if (n > 0) {
		note_output(r->io, b->data + b->head, (size_t)n);
		buf_consumed(b, (size_t)n);
		r->last_activity = now_ns();
	} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
		finish(r, END_OUTPUT_ERROR, errno);
	}
}

/* A file on stdin -> the socket in the kernel: sendfile(). */
static void zc_send_up(struct relay *r)
{
	struct relay_io *io = r->io;
	size_t want = allowed(&r->send_limit, ZC_CHUNK);

	if (want == 0)
		return;
	int64_t began = call_begins(r);
	ssize_t n = sendfile(r->sock, io->in_fd, NULL, want);
	if (n > 0) {
		count_sent(r, "sendfile()", (size_t)n, began);
		r->up_wait_sock = false;
	} else if (n == 0) {
		io->in_eof = true;
	} else if (errno == EAGAIN) {
		r->up_wait_sock = true;
	} else if (is_unsupported(errno)) {
		io->up_path = PATH_COPY;  /* the call moved nothing: read() and send() from now on */
	} else if (is_reset(errno)) {
		reset_while_sending(r, errno);
	} else if (errno != EINTR) {
		finish(r, is_socket_error(errno) ? END_SOCKET_ERROR : END_INPUT_ERROR, errno);
	}
}

/*
 * Our pipe -> the output, n bytes.  An output that takes no splice gets
 * them by write(), and the copying path from then on.
 */
static void drain_via(struct relay *r, size_t n)
{
	struct relay_io *io = r->io;

	while (n > 0) {
		ssize_t m = io->down_path == PATH_VIA_PIPE
				    ? splice(io->via[0], NULL, io->out_fd, NULL, n, SPLICE_F_MOVE)
				    : read(io->via[0], io->down.data, n < io->down.cap ? n : io->down.cap);
		if (m < 0 && errno == EINTR)
			continue;
		if (m < 0 && io->down_path == PATH_VIA_PIPE && is_unsupported(errno)) {
			io->down_path = PATH_COPY;
			continue;
		}
		if (m <= 0) {
			finish(r, END_OUTPUT_ERROR, m < 0 ? errno : EIO);
			return;
		}
		if (io->down_path == PATH_COPY && write_all(io->out_fd, io->down.data, (size_t)m) < 0) {
			finish(r, END_OUTPUT_ERROR, errno);
			return;
		}
		if (io->down_path == PATH_COPY)
			note_output(io, io->down.data, (size_t)m);
		n -= (size_t)m;
		r->last_activity = now_ns();
	}
}

/* Socket -> local output in the kernel: splice() into the output pipe, or through ours. */
static void zc_recv_down(struct relay *r)
{
	struct relay_io *io = r->io;
	bool via = io->down_path == PATH_VIA_PIPE;
	size_t want = allowed(&r->read_limit, ZC_CHUNK);

	if (want == 0)
		return;
	ssize_t n = splice(r->sock, NULL, via ? io->via[1] : io->out_fd, NULL, want,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	if (n > 0) {
		rate_limit_spend(&r->read_limit, (size_t)n);
		r->res->bytes_in += (uint64_t)n;
		r->last_activity = now_ns();
		r->down_wait_out = false;
		if (via)
			drain_via(r, (size_t)n);
	} else if (n == 0) {
		socket_eof(r);
	} else if (errno == EAGAIN) {
		/* Our own pipe is always empty here: then only the socket had nothing. */
		r->down_wait_out = !via && !r->down_wait_out;
	} else if (is_unsupported(errno)) {
		io->down_path = PATH_COPY;
	} else if (errno == EPIPE) {
		finish(r, END_OUTPUT_ERROR, errno);  /* the output pipe lost its reader */
	} else if (errno != EINTR) {
		if (is_reset(errno))
			emit(r, RELAY_PEER_RESET);
		finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
	}
}

/* The pattern -> the socket in the kernel: sendfile() from its memory file, round and round. */
static void load_up(struct relay *r)
{
	struct relay_io *io = r->io;
	size_t want = ZC_CHUNK;

	if (io->load_ns > 0 ? now_ns() >= r->load_end : io->load_left == 0) {
		io->in_eof = true;
		return;
	}
	if (io->load_ns <= 0 && io->load_left < want)
		want = (size_t)io->load_left;
	if (PATTERN_PERIOD - io->load_off < want)
		want = PATTERN_PERIOD - io->load_off;
	want = allowed(&r->send_limit, want);
	if (want == 0)
		return;
	off_t off = (off_t)io->load_off;
	int64_t began = call_begins(r);
	ssize_t n = sendfile(r->sock, io->in_fd, &off, want);
	if (n > 0) {
		count_sent(r, "sendfile()", (size_t)n, began);
		io->load_off = (io->load_off + (uint64_t)n) % PATTERN_PERIOD;
		if (io->load_ns <= 0)
			io->load_left -= (uint64_t)n;
		r->up_wait_sock = false;
	} else if (n < 0 && errno == EAGAIN) {
		r->up_wait_sock = true;
	} else if (n < 0 && is_reset(errno)) {
		reset_while_sending(r, errno);
	} else if (n < 0 && errno != EINTR) {
		finish(r, END_SOCKET_ERROR, errno);
	}
}

/* The largest drop one recv(MSG_TRUNC) makes. */
#define DISCARD_CHUNK (16u << 20)

/* Reads in a row for --verify before the next poll(): a full buffer says more is waiting. */
#define VERIFY_READS 32

/*
 * The socket -> nowhere: recv(MSG_TRUNC) drops the bytes without copying
 * them; --verify reads them into the buffer and checks them first, as
 * long as reads come back full.
 */
static void discard_down(struct relay *r)
{
	struct relay_io *io = r->io;
	bool verify = io->down_path == PATH_VERIFY;

	for (int reads = 0; reads < (verify ? VERIFY_READS : 1) && !r->done; reads++) {
		size_t want = allowed(&r->read_limit, verify ? io->down.cap : DISCARD_CHUNK);
		if (want == 0)
			return;
		ssize_t n = verify ? recv(r->sock, io->down.data, want, MSG_DONTWAIT)
				   : recv(r->sock, NULL, want, MSG_TRUNC | MSG_DONTWAIT);
		if (n == 0) {
			socket_eof(r);
			return;
		}
		if (n < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				if (is_reset(errno))
					emit(r, RELAY_PEER_RESET);
				finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
			}
			return;
		}
		size_t good = verify ? pattern_check((unsigned char *)io->down.data, r->res->bytes_in,
						     (size_t)n)
				     : (size_t)n;
		rate_limit_spend(&r->read_limit, (size_t)n);
		r->res->bytes_in += good;
		r->last_activity = now_ns();
		if (good < (size_t)n) {
			r->res->bad_offset = r->res->bytes_in;
			finish(r, END_VERIFY_FAILED, 0);
			return;
		}
		if ((size_t)n < want)
			return;  /* the queue is empty: back to poll() */
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
	/* The peer's FIN may be queued behind data we have not read yet. */
	if (r->res->first_fin == CLOSER_NONE && sock_peer_fin_arrived(r->sock))
		r->res->first_fin = CLOSER_PEER;
	int64_t began = call_begins(r);
	if (shutdown(r->sock, SHUT_WR) < 0 && errno != ENOTCONN) {
		finish(r, is_reset(errno) ? END_RESET : END_SOCKET_ERROR, errno);
		return;
	}
	if (r->o->on_call)
		r->o->on_call(r->o->ctx, "shutdown(SHUT_WR)", -1, began);
	if (r->res->first_fin == CLOSER_NONE)
		r->res->first_fin = CLOSER_US;
	emit(r, RELAY_FIN_SENT);
}

/* How often the loop looks at *stop while nothing else wakes it. */
#define STOP_CHECK_NS (250 * 1000000LL)

/* The earlier of two wake-up times, where 0 means none. */
static int64_t earlier(int64_t a, int64_t b)
{
	return a == 0 ? b : b == 0 || a < b ? a : b;
}

/* Calls the tick once its time has come. */
static void tick(struct relay *r)
{
	if (r->next_tick == 0 || now_ns() < r->next_tick)
		return;
	r->res->duration_ns = now_ns() - r->start;
	r->next_tick = r->o->on_tick(r->o->ctx, r->res);
}

int relay_run(int sock, struct relay_io *io, const struct relay_opts *o, struct relay_result *res)
{
	struct relay r = { .sock = sock, .io = io, .o = o, .res = res };
	int64_t start = now_ns();

	memset(res, 0, sizeof(*res));
	io->down.head = io->down.tail = 0;
	r.start = start;
	r.last_activity = start;
	rate_limit_init(&r.send_limit, o->send_rate, start);
	rate_limit_init(&r.read_limit, o->read_rate, start);
	r.next_tick = o->on_tick ? o->first_tick_ns : 0;
	r.load_end = io->load_ns > 0 ? start + io->load_ns : 0;

	while (!r.done) {
		if (o->stop && *o->stop) {
			finish(&r, END_STOPPED, EINTR);
			break;
		}
		tick(&r);
		if (r.load_end && !io->in_eof && now_ns() >= r.load_end)
			io->in_eof = true;  /* --load DUR is over, even while the socket is full */
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

		/* Zero-copy once the buffers are empty: preloaded text and carried-over input go first. */
		bool up_zc = io->up_path != PATH_COPY && buf_len(&io->up) == 0;
		bool down_sink = io->down_path == PATH_DISCARD || io->down_path == PATH_VERIFY;
		bool down_zc = !down_sink && io->down_path != PATH_COPY && buf_len(&io->down) == 0;
		bool want_input = !io->in_eof && (!r.net_eof || o->half_close);
		/*
		 * A limit whose bucket holds less than the next transfer would take
		 * (4 KiB at least): that direction waits for the refill, not for the
		 * socket, which would otherwise wake the loop for nothing.
		 */
		size_t send_want = up_zc ? ZC_CHUNK : buf_len(&io->up) ? buf_len(&io->up) : RELAY_BUF_SIZE;
		size_t read_want = down_sink ? (io->down_path == PATH_VERIFY ? io->down.cap : DISCARD_CHUNK)
				 : down_zc ? ZC_CHUNK : buf_room(&io->down) ? buf_room(&io->down) : 1;
		bool send_held = allowed(&r.send_limit, send_want) == 0;
		bool read_held = allowed(&r.read_limit, read_want) == 0;
		/* Time a limit holds data back is not idle time. */
		if (send_held || read_held)
			r.last_activity = now_ns();
		struct pollfd pfd[4] = {
			{ .fd = -1 }, { .fd = -1 }, { .fd = -1 }, { .fd = -1 },
		};
		if (o->on_side_ready)
			pfd[3] = (struct pollfd){ .fd = o->side_fd, .events = POLLIN };
		if (want_input && (up_zc ? !r.up_wait_sock && !send_held : buf_room(&io->up) > 0))
			pfd[0] = (struct pollfd){ .fd = io->in_fd, .events = POLLIN };
		pfd[1].fd = sock;
		if (!r.net_eof && !read_held &&
		    (down_sink || (down_zc ? !r.down_wait_out : buf_room(&io->down) > 0)))
			pfd[1].events |= POLLIN;
		if (!send_held && (buf_len(&io->up) > 0 || (up_zc && want_input && r.up_wait_sock)))
			pfd[1].events |= POLLOUT;
		/* A socket that hung up would wake every turn while a limit holds everything back. */
		if (pfd[1].events == 0 && (send_held || read_held))
			pfd[1].fd = -1;
		if (buf_len(&io->down) > 0 || (down_zc && !r.net_eof && r.down_wait_out))
			pfd[2] = (struct pollfd){ .fd = io->out_fd, .events = POLLOUT };

		int64_t wake = r.next_tick;
		if (o->idle_timeout_ms >= 0) {
			int64_t idle_end = r.last_activity + (int64_t)o->idle_timeout_ms * 1000000;
			if (idle_end <= now_ns()) {
				finish(&r, END_IDLE_TIMEOUT, ETIMEDOUT);
				break;
			}
			wake = earlier(wake, idle_end);
		}
		if (send_held)
			wake = earlier(wake, rate_limit_next_ns(&r.send_limit));
		if (r.load_end && !io->in_eof)
			wake = earlier(wake, r.load_end);
		if (read_held)
			wake = earlier(wake, rate_limit_next_ns(&r.read_limit));
		/*
		 * A signal that lands between the look at *stop and poll() does not
		 * interrupt it: look again at least this often.
		 */
		if (o->stop)
			wake = earlier(wake, now_ns() + STOP_CHECK_NS);
		int wait = -1;
		if (wake) {
			int64_t left = wake - now_ns();
			wait = left <= 0 ? 0 : left > INT32_MAX * 1000000LL ? INT32_MAX : (int)((left + 999999) / 1000000);
		}
		int n = poll(pfd, 4, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			finish(&r, END_SOCKET_ERROR, errno);
			break;
		}
		if (n == 0)
			continue; /* a tick, a refill or the idle check: the top of the loop decides */
		if (pfd[3].revents && o->on_side_ready)
			o->on_side_ready(o->ctx);

		short sock_ev = pfd[1].revents;
		if (up_zc) {
			if (pfd[0].revents || (r.up_wait_sock && sock_ev & (POLLOUT | POLLERR | POLLHUP)))
				io->up_path == PATH_LOAD ? load_up(&r) : zc_send_up(&r);
		} else {
			if (pfd[0].revents)
				read_input(&r);
			if (!r.done && buf_len(&io->up) > 0 && (sock_ev & (POLLOUT | POLLERR | POLLHUP) ||
								pfd[0].revents))
				send_up(&r);
		}
		if (down_sink) {
			if (!r.done && sock_ev & (POLLIN | POLLERR | POLLHUP) && pfd[1].events & POLLIN)
				discard_down(&r);
		} else if (down_zc) {
			if (!r.done && ((sock_ev & (POLLIN | POLLERR | POLLHUP) && pfd[1].events & POLLIN) ||
					pfd[2].revents))
				zc_recv_down(&r);
		} else {
			if (!r.done && sock_ev & (POLLIN | POLLERR | POLLHUP) && pfd[1].events & POLLIN)
				recv_down(&r);
			if (!r.done && buf_len(&io->down) > 0)
				write_down(&r);
		}
		/* POLLERR with nothing to write: surface the socket error. */
		if (!r.done && pfd[1].revents & POLLERR && !(pfd[1].events & POLLIN)) {
			int err = sock_error(sock);
			if (err)
				finish(&r, is_reset(err) ? END_RESET : END_SOCKET_ERROR, err);
		}
	}
	res->duration_ns = now_ns() - start;
	return res->end == END_PEER_CLOSED ? 0 : -1;
}
