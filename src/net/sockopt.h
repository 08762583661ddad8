/*
 * Socket options by name (-O NAME[=VALUE]): the table of those tcptool
 * knows, the parser of one -O argument, setting them on a socket at the
 * moment each belongs to, and reading back what the kernel granted.  It
 * never prints: a refusal is an errno in the results, for the view to
 * explain.
 */
#ifndef TCPTOOL_SOCKOPT_H
#define TCPTOOL_SOCKOPT_H

#include <stdbool.h>
#include <stddef.h>

#define SOCKOPT_MAX 32       /* options one command line may hold */
#define SOCKOPT_TEXT_MAX 80  /* an option as given ("rcvbuf=64k"), for messages */
#define SOCKOPT_STR_MAX 32   /* a congestion control's or an interface's name, and its NUL */

enum sockopt_id {
	SOCKOPT_NODELAY,
	SOCKOPT_CORK,
	SOCKOPT_QUICKACK,
	SOCKOPT_SNDBUF,
	SOCKOPT_RCVBUF,
	SOCKOPT_MSS,
	SOCKOPT_CONGESTION,
	SOCKOPT_KEEPALIVE,
	SOCKOPT_USER_TIMEOUT,
	SOCKOPT_LINGER,
	SOCKOPT_FASTOPEN,
	SOCKOPT_TTL,
	SOCKOPT_TOS,
	SOCKOPT_REUSEPORT,
	SOCKOPT_BIND_DEVICE,
	SOCKOPT_NOTSENT_LOWAT,
	SOCKOPT_DEFER_ACCEPT,
	SOCKOPT_WINDOW_CLAMP,
	SOCKOPT_COUNT
};

/* What an option's value is. */
enum sockopt_kind {
	SOCKOPT_KIND_ONOFF,      /* on or off; bare: on */
	SOCKOPT_KIND_SIZE,       /* bytes: 65536, 64k, 1M, 64Ki, 1Mi */
	SOCKOPT_KIND_NUMBER,     /* a whole number, decimal or 0x hex */
	SOCKOPT_KIND_MS,         /* a duration, kept in ms (bare number: seconds) */
	SOCKOPT_KIND_SECONDS,    /* a duration in whole seconds */
	SOCKOPT_KIND_NAME,       /* a word: an algorithm, an interface */
	SOCKOPT_KIND_KEEPALIVE,  /* on, off, or IDLE[,INTVL[,COUNT]] */
	SOCKOPT_KIND_QLEN,       /* fastopen: bare, or a queue length */
};

/* When a socket gets an option. */
enum sockopt_phase {
	SOCKOPT_BEFORE_BIND,     /* reuseport and bind-device, on any socket */
	SOCKOPT_BEFORE_CONNECT,  /* a client's others, after the bind of -s/-p */
	SOCKOPT_BEFORE_LISTEN,   /* a listener's others, after its bind */
	SOCKOPT_AFTER_ACCEPT,    /* an accepted socket: again those it does not inherit */
};

struct sockopt_def {
	const char *name;        /* ours: "rcvbuf" */
	const char *kernel;      /* the kernel's: "SO_RCVBUF" (an IPv4 socket's) */
	const char *kernel6;     /* an IPv6 socket's, where it differs; else NULL */
	const char *kernel_listener;  /* a listener's, where it differs (fastopen); else NULL */
	enum sockopt_kind kind;
	const char *syntax;      /* "rcvbuf=SIZE", for messages and the help */
	bool before_bind;        /* set before bind() */
	bool inherited;          /* accepted sockets inherit it from the listener */
	bool listener_only;
	const char *range;       /* what the kernel takes, for a refusal with EINVAL; NULL: no limit known */
};

/* The table's entry for id. */
const struct sockopt_def *sockopt_def(enum sockopt_id id);

/* The id of our name ("rcvbuf"; "bind_device" as "bind-device"), or -1. */
int sockopt_by_name(const char *name);

/* One option's value: asked on the command line, or read back from a socket. */
struct sockopt_value {
	long long n;             /* on/off as 1/0, bytes, ms, seconds, a count; linger off: -1 */
	int idle_s, interval_s, count;  /* keepalive's; 0: the kernel's default */
	char str[SOCKOPT_STR_MAX];      /* congestion, bind-device */
};

/* One -O option. */
struct sockopt_req {
	enum sockopt_id id;
	bool has_value;          /* NAME=VALUE, not the bare NAME */
	struct sockopt_value v;
	char text[SOCKOPT_TEXT_MAX];  /* as given: "keepalive=10,2,3" */
};

/* Every -O of a command line: an option given twice keeps its last value. */
struct sockopt_list {
	int n;
	struct sockopt_req req[SOCKOPT_MAX];
};

/*
 * Parses one -O argument: NAME[=VALUE], or a comma list of them, where a
 * piece that starts with a digit continues the value before it
 * ("keepalive=1,1,3,nodelay").  Adds to *l and returns true; or writes
 * why not to why ("-O mss=abc: not a number") and returns false, leaving
 * *l as it was.  Pure: touches no socket.
 */
bool sockopt_parse(const char *arg, struct sockopt_list *l, char *why, size_t size);

/* True when l holds option id. */
bool sockopt_has(const struct sockopt_list *l, enum sockopt_id id);

/* The kernel's name for id on a socket of family (AF_INET, AF_INET6), listening or not. */
const char *sockopt_kernel_name(enum sockopt_id id, int family, bool listener);

/* What one option came to on one socket. */
struct sockopt_result {
	enum sockopt_id id;
	const struct sockopt_req *req;  /* NULL where only read (info) */
	int family;              /* the socket's */
	bool listener;
	int err;                 /* 0, or the errno the kernel refused it with */
	const char *refused;     /* which kernel option it refused ("TCP_KEEPIDLE") */
	bool read;               /* granted holds what the kernel reports */
	struct sockopt_value asked, granted;
};

struct sockopt_results {
	int n;
	struct sockopt_result r[SOCKOPT_MAX];
	int failed;              /* the index of the refusal in r, or -1 */
};

void sockopt_results_init(struct sockopt_results *res);

/*
 * Sets, of l, the options that belong to phase on fd, and reads each back
 * into res (an entry per option; one already there from an earlier phase
 * of the same socket is replaced).  After accept, the options accepted
 * sockets inherit are only read.  Returns 0, or -1 with errno at the first
 * option the kernel refused (res->failed names it).
 */
int sockopt_apply(int fd, const struct sockopt_list *l, enum sockopt_phase phase,
		  struct sockopt_results *res);

/*
 * Reads fd's current value of option id into *v, as a socket of family,
 * listening or not.  Returns 0, or -1 with errno.
 */
int sockopt_read(int fd, enum sockopt_id id, int family, bool listener, struct sockopt_value *v);

/*
 * The congestion control algorithms this kernel has loaded
 * (/proc/sys/net/ipv4/tcp_available_congestion_control), or those an
 * unprivileged socket may pick (allowed), as one line in buf; "" when it
 * cannot be read.
 */
void sockopt_congestion_list(bool allowed, char *buf, size_t size);

/* net.ipv4.tcp_fastopen, or -1 when it cannot be read. */
int sockopt_fastopen_sysctl(void);

#endif
