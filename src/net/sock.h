/*
 * The core socket layer: resolve, listen, dial, names, tcp_info.
 * It never prints and never exits: functions return -1 with errno set
 * (or a getaddrinfo code where they say so) and the caller decides.
 */
#ifndef TCPTOOL_SOCK_H
#define TCPTOOL_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "net/sockopt.h"

/* Longest name sock_name() writes: "[v6%scope]:65535". */
#define SOCK_NAME_MAX (INET6_ADDRSTRLEN + IF_NAMESIZE + 10)

struct endpoint {
	struct sockaddr_storage addr;
	socklen_t len;
};

/*
 * Resolves host and port for a TCP socket.  host may be NULL (any address,
 * with 'passive') and may carry brackets ("[::1]").  Stores the list in
 * *res and the time the lookup took in *took_ns.  Returns 0, or a
 * getaddrinfo error code (EAI_*).
 */
int sock_resolve(const char *host, int port, int family, bool passive,
		 struct addrinfo **res, int64_t *took_ns);

/* True when host is a literal address, so there is no name to resolve. */
bool sock_is_numeric(const char *host);

/* True when a getaddrinfo error means the name does not resolve. */
bool sock_resolve_error_is_name(int gai_err);

/*
 * Writes "127.0.0.1:9999" or "[::1]:9999" to buf; IPv4-mapped IPv6
 * addresses print as IPv4.  Returns buf.
 */
char *sock_name(const struct sockaddr *sa, char *buf, size_t size);

/* The socket's own name and its peer's, as endpoints. */
int sock_local(int fd, struct endpoint *ep);
int sock_peer(int fd, struct endpoint *ep);

/* Both names of a connection as text, read once while it is connected. */
struct sock_names {
	char local[SOCK_NAME_MAX];
	char peer[SOCK_NAME_MAX];
};

/* Fills n; a name the kernel no longer knows reads "?". */
void sock_names(int fd, struct sock_names *n);

/*
 * Binds and listens.  With bind_addr NULL and family AF_UNSPEC this makes
 * one dual-stack socket on [::] (falling back to 0.0.0.0 where IPv6 is
 * off).  Sets SO_REUSEADDR.  Returns the socket, or -1 with errno set;
 * *gai_err is set instead when bind_addr does not resolve.
 */
int sock_listen(const char *bind_addr, int port, int family, int backlog,
		int *gai_err);

/*
 * sock_listen with socket options (-O): those for before bind() (reuseport,
 * bind-device), then the rest before listen(), each read back into *res.
 * When the kernel refuses one, returns -1 with its errno and res->failed
 * set.  opts and res may be NULL.
 */
int sock_listen_opts(const char *bind_addr, int port, int family, int backlog,
		     const struct sockopt_list *opts, struct sockopt_results *res, int *gai_err);

/*
 * Tries socket options on a fresh, unconnected TCP socket of family, as a
 * client's socket gets them, then closes it: 0 with what the kernel
 * granted in *res, or -1 with errno and res->failed set when it refused
 * one.  For callers that set them on many sockets later (the probes).
 */
int sock_try_options(int family, const struct sockopt_list *opts, struct sockopt_results *res);

/* True when a listening socket accepts IPv4 as well as IPv6. */
bool sock_is_dual_stack(int fd);

/* Called for every address dial tries: err 0 means it connected. */
typedef void dial_attempt_fn(void *ctx, const struct sockaddr *addr, int err,
			     int64_t took_ns);

struct dial_opts {
	int timeout_ms;               /* per address; -1: the kernel's own */
	const struct addrinfo *source; /* local addresses to bind, or NULL */
	int source_port;              /* -1: any */
	dial_attempt_fn *on_attempt;  /* may be NULL */
	/*
	 * May be NULL.  Called with each socket once it has its local port,
	 * just before connect(): with it, a socket without a dial source is
	 * bound to an ephemeral port first, so the port is known before the
	 * SYN leaves.
	 */
	void (*on_bound)(void *ctx, int fd, const struct sockaddr *to);
	void *ctx;
	/*
	 * -O: set on each socket, before its bind and before its connect; NULL:
	 * none.  What the kernel made of them on the last socket goes to
	 * *sockopt_out (may be NULL).  A refusal ends the dial at once, before
	 * any SYN: -1 with the refusal's errno, and sockopt_out->failed set.
	 */
	const struct sockopt_list *sockopts;
	struct sockopt_results *sockopt_out;
};

/*
 * Connects to each address of 'to' in turn until one answers, with a
 * non-blocking connect() bounded by timeout_ms.  Returns a connected,
 * non-blocking socket and its handshake time in *took_ns, or -1 with errno
 * of the last failure (ETIMEDOUT when the timeout ran out).
 *
 * A peer that accepts and resets at once has still completed the
 * handshake: the socket is returned, with the reset in *late_err (else 0),
 * because the data sent before the RST can still be read.
 */
int sock_dial(const struct addrinfo *to, const struct dial_opts *o, int64_t *took_ns,
	      int *late_err);

/*
 * The two halves of one non-blocking connect, for callers that wait on
 * many at once.  sock_connect_start() makes a socket of to's family, binds
 * the dial source and starts the connect at *started_ns: it returns the
 * socket, its connect done or in progress (poll for POLLOUT), or -1 with
 * errno.
 * sock_connect_result() then says how it went: 0, or -1 with errno; a
 * reset right after the handshake counts as connected, as in sock_dial.
 */
int sock_connect_start(const struct sockaddr *to, socklen_t len, const struct dial_opts *o,
		       int64_t *started_ns);
int sock_connect_result(int fd, int *late_err);

/* Takes the socket's pending error (SO_ERROR), clearing it: 0 when none. */
int sock_error(int fd);

/* Closes fd abortively: SO_LINGER 0 makes close() send RST, and no TIME_WAIT stays.  Returns 0, or -1 with errno when the option could not be set (fd is closed all the same). */
int sock_close_rst(int fd);

/* Sets the port of an IPv4 or IPv6 address. */
void sock_set_port(struct sockaddr_storage *ss, int port);

/*
 * True when fd's connect met itself: with nothing listening on a local
 * port, a SYN from that same port and address is answered by TCP's
 * simultaneous open, and the socket is connected to itself.  That happens
 * when the kernel happens to pick the destination port as the source port.
 * Dialers treat it as refused, after SOCK_SELF_TRIES fresh source ports.
 */
bool sock_self_connected(int fd);
#define SOCK_SELF_TRIES 3

/*
 * True when the peer's FIN has reached fd's kernel (CLOSE_WAIT) although
 * the program may not have read up to it yet.  Asked just before our own
 * shutdown(), it tells which side closed first, but for a FIN that lands
 * in the instant between the two calls.  (Asked after, the state cannot
 * tell: on loopback the whole close may be over by then, and both orders
 * end in CLOSE.)
 */
bool sock_peer_fin_arrived(int fd);

#endif
