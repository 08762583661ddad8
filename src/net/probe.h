/*
 * Handshake probes: connect, note how it went, close.  Many at once, with
 * a bound on how many are in flight, for connect -z and -c.  Probing never
 * prints; the caller hears of each probe as it finishes.
 */
#ifndef TCPTOOL_PROBE_H
#define TCPTOOL_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sock.h"

enum probe_result { PROBE_OPEN, PROBE_REFUSED, PROBE_TIMEOUT, PROBE_UNREACHABLE, PROBE_ERROR };
#define PROBE_RESULTS 5

struct probe {
	int port;                     /* where to connect, host order */
	/* Filled in when the probe finishes: */
	enum probe_result result;
	int err;                      /* errno of the failure; 0 when open */
	int64_t took_ns;              /* the handshake, or the attempt that failed */
	const struct addrinfo *addr;  /* the address that answered, or the last one tried */
	bool done;
};

/* Called as each probe finishes; fd is its connected socket (-1 if it failed), closed afterwards. */
typedef void probe_done_fn(void *ctx, const struct probe *p, int fd);

struct probe_opts {
	const struct addrinfo *to;    /* the addresses to try for each port, in order */
	struct dial_opts dial;        /* timeout per address and source; on_attempt unused */
	int parallel;                 /* handshakes in flight at most */
	volatile sig_atomic_t *stop;  /* set from a signal handler: start no more, abandon the rest */
	probe_done_fn *done;
	void *ctx;
};

/*
 * Probes v[0..n), each trying the addresses of o->to in turn until one
 * connects.  Returns how many finished: n, or fewer when *o->stop was set
 * (errno 0) or probing failed (errno: ENOMEM, or what poll() said).
 */
size_t probe_run(struct probe *v, size_t n, const struct probe_opts *o);

/* What an errno from connect means for a probe. */
enum probe_result probe_classify(int err);

/* "open", "refused", "timeout", "unreachable", "error": the JSON words. */
const char *probe_result_name(enum probe_result r);

#endif
