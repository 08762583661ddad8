/*
 * loadgen: the client side of `make bench`, in C so that the client is
 * never what is measured.  Loopback servers only.
 *
 *   loadgen conn HOST PORT TOTAL CONC MESSAGE REPLY
 *       TOTAL connections, CONC at a time: connect, send MESSAGE, read
 *       until EOF, which must be exactly REPLY.  Prints
 *       "conn_per_s X ok N failed M".
 *   loadgen rtt HOST PORT COUNT SIZE
 *       One connection, COUNT round trips of SIZE bytes after a warm-up.
 *       Prints "rtt_us_median X p99 Y".
 *   loadgen hold HOST PORT N
 *       Opens N connections and checks that each echoes a byte, prints
 *       "held N", then keeps them open until stdin ends.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in target;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int dial(int flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | flags, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 && errno != EINPROGRESS)
		die("connect");
	return fd;
}

/* --- conn: connections per second ------------------------------------------------ */

struct client {
	int fd;
	bool sent;
	size_t got;
	char reply[64];
};

struct conn_run {
	const char *msg, *want;
	size_t msg_len, want_len;
	long started, total, ok, failed;
	int ep;
};

static void client_start(struct conn_run *run, struct client *c)
{
	c->fd = dial(SOCK_NONBLOCK);
	c->sent = false;
	c->got = 0;
	run->started++;
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	if (epoll_ctl(run->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		die("epoll_ctl");
}

/* Returns true when the client is done (EOF or an error). */
static bool client_step(struct conn_run *run, struct client *c, uint32_t events)
{
	if (!c->sent) {
		if (events & (EPOLLERR | EPOLLHUP))
			return true;
		if (send(c->fd, run->msg, run->msg_len, MSG_NOSIGNAL) != (ssize_t)run->msg_len)
			return true;
		c->sent = true;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		epoll_ctl(run->ep, EPOLL_CTL_MOD, c->fd, &ev);
		return false;
	}
	for (;;) {
		ssize_t n = read(c->fd, c->reply + c->got, sizeof(c->reply) - c->got);
		if (n > 0) {
			c->got += (size_t)n;
			if (c->got == sizeof(c->reply))
				return true;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n == 0 && c->got == run->want_len && memcmp(c->reply, run->want, c->got) == 0)
			run->ok++;
		return true;
	}
}

static void bench_conn(long total, int conc, const char *msg, const char *want)
{
	struct conn_run run = { .msg = msg, .want = want, .msg_len = strlen(msg),
				.want_len = strlen(want), .total = total };
	struct client *clients = calloc((size_t)conc, sizeof(*clients));
	struct epoll_event evs[256];

	run.ep = epoll_create1(0);
	if (clients == NULL || run.ep < 0)
		die("setup");
	double t0 = now_s();
	for (int i = 0; i < conc && run.started < total; i++)
		client_start(&run, &clients[i]);
	long done = 0;
	while (done < total) {
		int n = epoll_wait(run.ep, evs, 256, 10000);
		if (n == 0) {
			fprintf(stderr, "loadgen: no progress for 10 s (%ld of %ld done)\n", done, total);
			exit(1);
		}
		for (int i = 0; i < n; i++) {
			struct client *c = evs[i].data.ptr;
			if (!client_step(&run, c, evs[i].events))
				continue;
			close(c->fd);
			done++;
			if (run.started < total)
				client_start(&run, c);
		}
	}
	double secs = now_s() - t0;
	run.failed = total - run.ok;
	printf("conn_per_s %.0f ok %ld failed %ld\n", (double)total / secs, run.ok, run.failed);
	free(clients);
}

/* --- rtt: round-trip latency --------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void bench_rtt(long count, size_t size)
{
	int fd = dial(0);
	char *buf = malloc(size);
	double *lat = calloc((size_t)count, sizeof(double));
	long warm = count / 10 + 100;

	if (buf == NULL || lat == NULL)
		die("malloc");
	memset(buf, 'r', size);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	for (long i = -warm; i < count; i++) {
		double t = now_s();
		if (write(fd, buf, size) != (ssize_t)size)
			die("write");
		for (size_t got = 0; got < size;) {
			ssize_t n = read(fd, buf + got, size - got);
			if (n <= 0)
				die("read");
			got += (size_t)n;
		}
		if (i >= 0)
			lat[i] = (now_s() - t) * 1e6;
	}
	qsort(lat, (size_t)count, sizeof(double), cmp_double);
	printf("rtt_us_median %.2f p99 %.2f\n", lat[count / 2], lat[count * 99 / 100]);
	close(fd);
	free(buf);
	free(lat);
}

/* --- hold: many idle connections ------------------------------------------------------- */

static void bench_hold(int n)
{
	int *fds = malloc((size_t)n * sizeof(int));
	char c;

	if (fds == NULL)
		die("malloc");
	for (int i = 0; i < n; i++) {
		fds[i] = dial(0);
		if (write(fds[i], "h", 1) != 1 || read(fds[i], &c, 1) != 1 || c != 'h') {
			fprintf(stderr, "loadgen: connection %d did not echo\n", i);
			exit(1);
		}
	}
	printf("held %d\n", n);
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: loadgen conn|rtt|hold HOST PORT ...\n");
		return 2;
	}
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &target.sin_addr) != 1) {
		fprintf(stderr, "loadgen: HOST must be an IPv4 address\n");
		return 2;
	}
	if (strcmp(argv[1], "conn") == 0 && argc == 8)
		bench_conn(atol(argv[4]), atoi(argv[5]), argv[6], argv[7]);
	else if (strcmp(argv[1], "rtt") == 0 && argc == 6)
		bench_rtt(atol(argv[4]), (size_t)atol(argv[5]));
	else if (strcmp(argv[1], "hold") == 0 && argc == 5)
		bench_hold(atoi(argv[4]));
	else {
		fprintf(stderr, "loadgen: bad arguments\n");
		return 2;
	}
	return 0;
}
