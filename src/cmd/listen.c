/* tcptool listen: wait for a client on PORT and relay stdin/stdout with it. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "net/relay.h"
#include "view/report.h"
#include "view/session.h"
#include "net/sock.h"
#include "net/tcpinfo.h"
#include "view/sockopt_report.h"
#include "view/trace.h"
#include "base/clock.h"
#include "cmd/settings.h"
#include "cmd/interrupt.h"
#include "cmd/privileges.h"

/* Sleeps for --accept-delay, then shows how many clients the kernel queued meanwhile. */
static void accept_delay(const struct report *r, int lfd, long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
	struct tcp_summary ti;
	char d[32];

	report_event(r, "accept_wait", (struct field[]){ F_MS("delay_ms", ms * 1000000), F_END },
		     "waiting %s before accept(); the kernel completes handshakes into the "
		     "accept queue meanwhile", format_duration(ms, d, sizeof(d)));
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	/* On a listening socket tcp_info holds the accept queue: unacked now, sacked at most. */
	if (tcpinfo_read(lfd, &ti) == 0) {
		struct field f[] = { F_INT("queued", ti.unacked), F_INT("backlog", ti.sacked), F_END };
		report_event(r, "accept_queue", f, "accept queue: %u connection%s waiting (backlog %u)",
			     ti.unacked, ti.unacked == 1 ? "" : "s", ti.sacked);
	}
}

/*
 * Waits up to timeout_ms (-1: forever) for a client and accepts it,
 * printing the event source's events meanwhile.  Returns the non-blocking
 * client socket and its address in *peer, or -1 with errno (ETIMEDOUT).
 */
static int accept_client(const struct report *r, int lfd, long long timeout_ms,
			 struct sockaddr_storage *peer)
{
	int64_t deadline = now_ns() + timeout_ms * 1000000;

	for (;;) {
		socklen_t len = sizeof(*peer);
		int cfd = accept4(lfd, (struct sockaddr *)peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd >= 0)
			return cfd;
		/* A client that reset while queued is gone; wait for the next one. */
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			return -1;
		struct pollfd pfd[2] = {
			{ .fd = lfd, .events = POLLIN },
			{ .fd = r->source ? r->source->fd : -1, .events = POLLIN },
		};
		int wait = -1;
		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ns();
			if (left <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			wait = (int)((left + 999999) / 1000000);
		}
		if (poll(pfd, 2, wait) < 0 && errno != EINTR)
			return -1;
		if (pfd[1].revents)
			report_drain_source(r);
	}
}

int cmd_listen(int argc, char **argv, const struct options *o)
{
	struct report r;
	struct relay_io io = { .in_fd = -1 };
	int port, gai_err, status = EXIT_OK;
	char ms[32];

	if (!args_operands("listen", argc, argv, "PORT") ||
	    !args_port_operand("listen", argv[0], &port) || !settings_session_valid("listen", o))
		return EXIT_USAGE;

	report_init(&r, stderr, o->json, o->quiet, o->verbose);
	r.stamp = o->trace || o->pcap_path;
	/* The capture opens first: CAP_NET_RAW goes before -b's name is looked up. */
	struct trace *trace;
	if (settings_trace_start(o, &r, &trace) < 0)
		return EXIT_NETWORK;
	struct sockopt_results granted;
	int lfd = sock_listen_opts(o->bind_addr, port, o->family, o->backlog, settings_sockopts(o), &granted,
				   &gai_err);
	if (lfd < 0) {
		status = granted.failed >= 0 ? sockopt_report_refused(&r, &granted)
					     : session_listen_failed(&r, o->bind_addr, port, gai_err);
		trace_close(trace);
		return status;
	}
	privileges_setup_done(&r);
	struct endpoint listening;
	if (sock_local(lfd, &listening) < 0)
		listening.addr.ss_family = AF_UNSPEC;
	session_report_listening(&r, lfd, o->backlog);
	sockopt_report_results(&r, &granted, true, 0);

	bool load = o->load_bytes || o->load_ms;
	if (relay_io_init(&io, load ? -1 : STDIN_FILENO, STDOUT_FILENO, NULL, 0) < 0 ||
	    settings_relay_io(&io, o) < 0) {
		report_error(&r, "%s", strerror(errno));
		close(lfd);
		trace_close(trace);
		return EXIT_NETWORK;
	}
	session_share_terminal(&r, &io);
	struct session_opts so = settings_session(o);
	do {
		if (o->accept_delay_ms > 0)
			accept_delay(&r, lfd, o->accept_delay_ms);
		struct sockaddr_storage peer;
		/* Every handshake on the port until one is accepted, then that connection alone. */
		if (listening.addr.ss_family != AF_UNSPEC)
			trace_follow(trace, (struct sockaddr *)&listening.addr, NULL, false);
		int cfd = accept_client(&r, lfd, o->timeout_ms, &peer);
		if (cfd < 0) {
			if (errno == ETIMEDOUT) {
				report_error(&r, "no client connected within %s",
					     format_duration(o->timeout_ms, ms, sizeof(ms)));
				status = EXIT_TIMEOUT;
			} else {
				report_error(&r, "accept: %s", strerror(errno));
				status = EXIT_NETWORK;
			}
			break;
		}
		struct sock_names names;
		enum relay_end end;
		sock_names(cfd, &names);
		/* accept() names the client even when it has reset since: getpeername() no longer can. */
		sock_name((const struct sockaddr *)&peer, names.peer, sizeof(names.peer));
		struct endpoint local;
		if (sock_local(cfd, &local) == 0)
			trace_follow(trace, (struct sockaddr *)&local.addr, (struct sockaddr *)&peer, false);
		session_report_accepted(&r, &names, 0);
		/* Again what an accepted socket does not inherit; the rest read back. */
		if (settings_sockopts(o)) {
			sockopt_results_init(&granted);
			if (sockopt_apply(cfd, &o->sockopts, SOCKOPT_AFTER_ACCEPT, &granted) < 0) {
				status = sockopt_report_refused(&r, &granted);
				close(cfd);
				break;
			}
			sockopt_report_results(&r, &granted, false, 0);
		}
		session_report_tcp_info(&r, cfd);
		/* Each client gets the whole --load. */
		if (load && settings_relay_io(&io, o) < 0) {
			report_error(&r, "%s", strerror(errno));
			close(cfd);
			status = EXIT_NETWORK;
			break;
		}
		/* Ctrl-C ends the relay with its closing lines, then tcptool as the signal would. */
		interrupt_catch();
		status = session_relay(&r, cfd, &names, &io, &so, 0, &end);
		interrupt_release();
		int64_t began = now_ns();
		close(cfd);
		report_call(&r, began, "close()", -1);
		trace_finish(trace);
		/* With -k one client's trouble is its own, but a broken stdout ends us. */
		if (end == END_INPUT_ERROR || end == END_OUTPUT_ERROR || interrupt_signal)
			break;
	} while (o->keep_open);

	relay_io_free(&io);
	close(lfd);
	trace_close(trace);
	interrupt_reraise();
	return status;
}
