/*
 * minserver: the smallest epoll server that does the job, the yardstick
 * `make bench` holds tcptool's servers against.  No reports, no timers, no
 * limits: what is left is the system calls any such server must make.
 *
 *   minserver echo PORT   every byte back to its sender
 *   minserver ack PORT    one read, "ACK!", close
 *
 * Listens on 127.0.0.1 only.  Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "minserver: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		die("bind/listen");
	return fd;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct epoll_event evs[256];
	int echo, lfd, ep;

	if (argc != 3 || (strcmp(argv[1], "echo") != 0 && strcmp(argv[1], "ack") != 0)) {
		fprintf(stderr, "usage: minserver echo|ack PORT\n");
		return 2;
	}
	echo = strcmp(argv[1], "echo") == 0;
	lfd = listen_on(atoi(argv[2]));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &(struct epoll_event){ .events = EPOLLIN, .data.fd = lfd }) < 0)
		die("epoll");
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				int c;
				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					if (echo)
						setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &(struct epoll_event){ .events = EPOLLIN, .data.fd = c });
				}
				continue;
			}
			ssize_t got = read(fd, buf, sizeof(buf));
			if (got < 0 && errno == EAGAIN)
				continue;
			/* Small replies to clients that read them: a short write is not expected. */
			if (got > 0 && echo && write(fd, buf, (size_t)got) == got)
				continue;
			if (got > 0 && !echo && write(fd, "ACK!", 4) < 0)
				perror("minserver: write");
			close(fd);
		}
	}
}
