/*
 * Watching one connection end, for tcptool shutdown: every step tcptool
 * takes and everything the kernel then shows (data, FIN, RST, the TCP
 * state from TCP_INFO) becomes an event on the timeline.
 */
#ifndef TCPTOOL_SHUTDOWN_WATCH_H
#define TCPTOOL_SHUTDOWN_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "view/report.h"
#include "net/sock.h"
#include "view/session_meter.h"
#include "net/tcpinfo.h"

struct shutdown_watch {
	const struct report *r;
	int fd;                  /* connected, non-blocking */
	struct endpoint local, peer;  /* to find the socket in the kernel after close() */
	int state;               /* the TCP state last reported; 0: none yet */
	bool rd_shut, wr_shut;   /* what our shutdown() closed */
	bool peer_fin, reset;    /* what the peer did */
	bool socket_closed;      /* TCP_INFO said CLOSE: nothing more to sample */
	uint64_t bytes_in;
	struct tcp_summary at_shutdown; /* TCP_INFO just before our shutdown() */
	uint64_t bytes_out;      /* --send's bytes written */
	struct session_meter meter;  /* -i: interval reports while the watch runs */
};

/* Reports an interval every interval_ms from now on, and the whole at the close. */
void shutdown_watch_intervals(struct shutdown_watch *w, long long interval_ms);

/* Starts watching fd: reports its state (ESTABLISHED), and late_err, a reset that came with the handshake. */
void shutdown_watch_init(struct shutdown_watch *w, const struct report *r, int fd, int late_err);

/* Sends len bytes of text, reporting "sent" or the failed write.  Returns 0 or -1. */
int shutdown_watch_send(struct shutdown_watch *w, const char *text, size_t len, int64_t deadline);

/*
 * Reports what happens until 'deadline' (ns), or earlier once the peer has
 * closed and the close has settled (no FIN of ours left unacknowledged),
 * if stop_when_closed.  A reset always ends the watch.  Returns true when
 * the deadline ended it.
 */
bool shutdown_watch_until(struct shutdown_watch *w, int64_t deadline, bool stop_when_closed);

/* shutdown(how) with its events, and the write or read that shows its effect.  Returns 0 or -1. */
int shutdown_watch_shutdown(struct shutdown_watch *w, int how);

/*
 * Closes the socket, with RST when abort (SO_LINGER 0), and reports what
 * the kernel keeps of the connection afterwards.  Returns 0 or -1.
 */
int shutdown_watch_close(struct shutdown_watch *w, bool abort);

#endif
