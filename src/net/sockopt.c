/* Socket options by name: the table, the -O parser, setting and reading back. */
#include "net/sockopt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const struct sockopt_def defs[SOCKOPT_COUNT] = {
	[SOCKOPT_NODELAY] = { "nodelay", "TCP_NODELAY", NULL, NULL, SOCKOPT_KIND_ONOFF,
			      "nodelay[=on|off]", false, false, false, NULL },
	[SOCKOPT_CORK] = { "cork", "TCP_CORK", NULL, NULL, SOCKOPT_KIND_ONOFF,
			   "cork[=on|off]", false, false, false, NULL },
	[SOCKOPT_QUICKACK] = { "quickack", "TCP_QUICKACK", NULL, NULL, SOCKOPT_KIND_ONOFF,
			       "quickack[=on|off]", false, false, false, NULL },
	[SOCKOPT_SNDBUF] = { "sndbuf", "SO_SNDBUF", NULL, NULL, SOCKOPT_KIND_SIZE,
			     "sndbuf=SIZE", false, true, false, NULL },
	[SOCKOPT_RCVBUF] = { "rcvbuf", "SO_RCVBUF", NULL, NULL, SOCKOPT_KIND_SIZE,
			     "rcvbuf=SIZE", false, true, false, NULL },
	[SOCKOPT_MSS] = { "mss", "TCP_MAXSEG", NULL, NULL, SOCKOPT_KIND_NUMBER,
			  "mss=N", false, true, false, "88 to 32767 bytes" },
	[SOCKOPT_CONGESTION] = { "congestion", "TCP_CONGESTION", NULL, NULL, SOCKOPT_KIND_NAME,
				 "congestion=ALG", false, true, false, NULL },
	[SOCKOPT_KEEPALIVE] = { "keepalive", "SO_KEEPALIVE", NULL, NULL, SOCKOPT_KIND_KEEPALIVE,
				"keepalive[=IDLE,INTVL,COUNT]", false, true, false,
				"idle and interval 1 to 32767 s, count 1 to 127" },
	[SOCKOPT_USER_TIMEOUT] = { "user-timeout", "TCP_USER_TIMEOUT", NULL, NULL, SOCKOPT_KIND_MS,
				   "user-timeout=DUR", false, true, false, "0 to 2147483647 ms" },
	[SOCKOPT_LINGER] = { "linger", "SO_LINGER", NULL, NULL, SOCKOPT_KIND_SECONDS,
			     "linger=SECONDS", false, true, false, NULL },
	[SOCKOPT_FASTOPEN] = { "fastopen", "TCP_FASTOPEN_CONNECT", NULL, "TCP_FASTOPEN", SOCKOPT_KIND_QLEN,
			       "fastopen[=QLEN]", false, true, false, NULL },
	[SOCKOPT_TTL] = { "ttl", "IP_TTL", "IPV6_UNICAST_HOPS", NULL, SOCKOPT_KIND_NUMBER,
			  "ttl=N", false, true, false, "1 to 255" },
	[SOCKOPT_TOS] = { "tos", "IP_TOS", "IPV6_TCLASS", NULL, SOCKOPT_KIND_NUMBER,
			  "tos=N", false, true, false, "0 to 255" },
	[SOCKOPT_REUSEPORT] = { "reuseport", "SO_REUSEPORT", NULL, NULL, SOCKOPT_KIND_ONOFF,
				"reuseport", true, true, false, NULL },
	[SOCKOPT_BIND_DEVICE] = { "bind-device", "SO_BINDTODEVICE", NULL, NULL, SOCKOPT_KIND_NAME,
				  "bind-device=IFACE", true, true, false, NULL },
	[SOCKOPT_NOTSENT_LOWAT] = { "notsent-lowat", "TCP_NOTSENT_LOWAT", NULL, NULL, SOCKOPT_KIND_SIZE,
				    "notsent-lowat=SIZE", false, true, false, NULL },
	[SOCKOPT_DEFER_ACCEPT] = { "defer-accept", "TCP_DEFER_ACCEPT", NULL, NULL, SOCKOPT_KIND_SECONDS,
				   "defer-accept=DUR", false, true, true, NULL },
	[SOCKOPT_WINDOW_CLAMP] = { "window-clamp", "TCP_WINDOW_CLAMP", NULL, NULL, SOCKOPT_KIND_SIZE,
				   "window-clamp=SIZE", false, true, false, NULL },
};

const struct sockopt_def *sockopt_def(enum sockopt_id id)
{
	return (unsigned)id < SOCKOPT_COUNT ? &defs[id] : NULL;
}

int sockopt_by_name(const char *name)
{
	char norm[32];
	size_t n = strlen(name);

	if (n >= sizeof(norm))
		return -1;
	for (size_t i = 0; i <= n; i++)
		norm[i] = (char)(name[i] == '_' ? '-' : name[i]);
	for (int id = 0; id < SOCKOPT_COUNT; id++)
		if (strcmp(defs[id].name, norm) == 0)
			return id;
	return -1;
}

const char *sockopt_kernel_name(enum sockopt_id id, int family, bool listener)
{
	const struct sockopt_def *d = sockopt_def(id);

	if (d == NULL)
		return "?";
	if (listener && d->kernel_listener)
		return d->kernel_listener;
	if (family == AF_INET6 && d->kernel6)
		return d->kernel6;
	return d->kernel;
}

bool sockopt_has(const struct sockopt_list *l, enum sockopt_id id)
{
	for (int i = 0; i < l->n; i++)
		if (l->req[i].id == id)
			return true;
	return false;
}

/* The values. */

static bool word_is(const char *s, const char *a, const char *b)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0;
}

static const char *parse_onoff(const char *s, long long *n)
{
	if (word_is(s, "on", "1") || word_is(s, "yes", "true"))
		*n = 1;
	else if (word_is(s, "off", "0") || word_is(s, "no", "false"))
		*n = 0;
	else
		return "expected on or off";
	return NULL;
}

/* A whole number, decimal or 0x hex, 0 to INT_MAX. */
static const char *parse_number(const char *s, long long *n)
{
	int base = 10;
	const char *p = s;

	if (*p == '-')
		return isdigit((unsigned char)p[1]) ? "negative" : "not a number";
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return "not a number";
	}
	if (!isxdigit((unsigned char)*p))
		return "not a number";
	long long v = 0;
	for (; *p; p++) {
		int d;
		if (isdigit((unsigned char)*p))
			d = *p - '0';
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = tolower((unsigned char)*p) - 'a' + 10;
		else
			return "not a number";
		v = v * base + d;
		if (v > INT_MAX)
			return "too large";
	}
	*n = v;
	return NULL;
}

/*
 * N or N.N at the start of s, by hand (strtod takes hex, inf and nan too):
 * its value in *v and what follows in *unit, or false.
 */
static bool leading_decimal(const char *s, double *v, const char **unit)
{
	double whole = 0, scale = 1;
	int digits = 0, dots = 0;

	for (; isdigit((unsigned char)*s) || *s == '.'; s++) {
		if (*s == '.') {
			if (++dots > 1)
				return false;
			continue;
		}
		digits++;
		if (dots)
			whole += (*s - '0') * (scale /= 10);
		else if (whole < 1e15)
			whole = whole * 10 + (*s - '0');
	}
	*v = whole;
	*unit = s;
	return digits > 0;
}

static const char *parse_size(const char *s, long long *n)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "", 1 }, { "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 },
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
	};
	const char *unit;
	double v;

	if (*s == '-')
		return "negative";
	if (!leading_decimal(s, &v, &unit))
		return "not a size (65536, 64k, 1M, 64Ki, 1Mi)";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].unit) != 0)
			continue;
		v *= units[i].scale;
		if (v > INT_MAX)
			return "too large (at most 2147483647 bytes)";
		*n = (long long)(v + 0.5);
		return NULL;
	}
	return "unknown unit (use k, M, G or Ki, Mi, Gi)";
}

/* A duration into ms: N[.N] with ms, s, m or h; a bare number is seconds. */
static const char *parse_ms(const char *s, long long *ms)
{
	const char *unit;
	double v, scale;

	if (*s == '-')
		return "negative";
	if (!leading_decimal(s, &v, &unit))
		return "not a duration (500ms, 5s, 2m, or seconds)";
	if (*unit == '\0' || strcmp(unit, "s") == 0)
		scale = 1000;
	else if (strcmp(unit, "ms") == 0)
		scale = 1;
	else if (strcmp(unit, "m") == 0)
		scale = 60000;
	else if (strcmp(unit, "h") == 0)
		scale = 3600000;
	else
		return "unknown unit (use ms, s, m or h)";
	v *= scale;
	if (v > INT_MAX)
		return "too long (at most 24 days)";
	*ms = (long long)(v + 0.5);
	return NULL;
}

static const char *parse_seconds(const char *s, long long *secs)
{
	long long ms;
	const char *why = parse_ms(s, &ms);

	if (why)
		return why;
	if (ms % 1000)
		return "the kernel counts it in whole seconds";
	*secs = ms / 1000;
	return NULL;
}

static const char *parse_name(const char *s, enum sockopt_id id, char *out, size_t size)
{
	size_t n = strlen(s);
	/* TCP_CA_NAME_MAX and IFNAMSIZ are both 16, NUL included. */
	size_t max = 15;

	if (n == 0)
		return id == SOCKOPT_CONGESTION ? "needs an algorithm's name (reno, cubic, bbr)"
						 : "needs an interface's name (lo, eth0)";
	if (n > max || n >= size)
		return id == SOCKOPT_CONGESTION ? "too long for an algorithm's name (at most 15 characters)"
						 : "too long for an interface's name (at most 15 characters)";
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = id == SOCKOPT_CONGESTION ? isalnum(c) || c == '_'
						   : isgraph(c) && c != '/' && c != ':';
		if (!ok)
			return id == SOCKOPT_CONGESTION ? "not an algorithm's name (letters, digits, _)"
							 : "not an interface's name";
	}
	memcpy(out, s, n + 1);
	return NULL;
}

/* on, off, or IDLE[,INTVL[,COUNT]]: durations in whole seconds, then a count, each at least 1. */
static const char *parse_keepalive(const char *s, struct sockopt_value *v)
{
	static const char expected[] = "expected on, off or IDLE[,INTVL[,COUNT]] (10s,2s,3)";
	char part[SOCKOPT_TEXT_MAX];
	int *fields[3] = { &v->idle_s, &v->interval_s, &v->count };

	/* A bare number is IDLE, not "on": keepalive=1 probes after 1 s. */
	if (strcmp(s, "on") == 0 || strcmp(s, "off") == 0) {
		v->n = strcmp(s, "on") == 0;
		return NULL;
	}
	v->n = 1;
	const char *p = s;
	for (int i = 0;; i++) {
		size_t n = strcspn(p, ",");
		long long x;
		if (i == 3)
			return "at most three values: IDLE,INTVL,COUNT";
		if (n == 0 || n >= sizeof(part) || !isdigit((unsigned char)*p))
			return *p == '-' ? "negative" : expected;
		memcpy(part, p, n);
		part[n] = '\0';
		const char *why = i == 2 ? parse_number(part, &x) : parse_seconds(part, &x);
		if (why)
			return why;
		if (x < 1)
			return i == 2 ? "the count must be at least 1" : "must be at least 1 s";
		*fields[i] = (int)x;
		p += n;
		if (*p == '\0')
			return NULL;
		p++;
	}
}

/* The value of option d given as text (NULL: bare), into v. */
static const char *parse_value(enum sockopt_id id, const char *text, struct sockopt_value *v)
{
	const struct sockopt_def *d = &defs[id];

	memset(v, 0, sizeof(*v));
	if (text == NULL) {
		switch (d->kind) {
		case SOCKOPT_KIND_ONOFF:
		case SOCKOPT_KIND_KEEPALIVE:
			v->n = 1;
			return NULL;
		case SOCKOPT_KIND_QLEN:
			v->n = 16;
			return NULL;
		default:
			return "needs a value";
		}
	}
	switch (d->kind) {
	case SOCKOPT_KIND_ONOFF:
		return parse_onoff(text, &v->n);
	case SOCKOPT_KIND_SIZE:
		return parse_size(text, &v->n);
	case SOCKOPT_KIND_NUMBER: {
		const char *why = parse_number(text, &v->n);
		if (why == NULL && (id == SOCKOPT_TTL || id == SOCKOPT_TOS) && v->n > 255)
			return "out of range 0-255";
		return why;
	}
	case SOCKOPT_KIND_MS:
		return parse_ms(text, &v->n);
	case SOCKOPT_KIND_SECONDS:
		if (id == SOCKOPT_LINGER && strcmp(text, "off") == 0) {
			v->n = -1;
			return NULL;
		}
		return parse_seconds(text, &v->n);
	case SOCKOPT_KIND_NAME:
		return parse_name(text, id, v->str, sizeof(v->str));
	case SOCKOPT_KIND_KEEPALIVE:
		return parse_keepalive(text, v);
	case SOCKOPT_KIND_QLEN:
		return parse_number(text, &v->n);
	}
	return "not understood";
}

/* The names, for the message on an unknown one. */
static void known_names(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int id = 0; id < SOCKOPT_COUNT && used < size; id++) {
		int n = snprintf(buf + used, size - used, "%s%s", id ? ", " : "", defs[id].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* One NAME[=VALUE] into *req; false with why. */
static bool parse_one(const char *piece, struct sockopt_req *req, char *why, size_t size)
{
	char name[32];
	const char *eq = strchr(piece, '=');
	size_t n = eq ? (size_t)(eq - piece) : strlen(piece);

	if (n == 0 || n >= sizeof(name)) {
		char known[400];
		known_names(known, sizeof(known));
		snprintf(why, size, "-O %s: %s (known: %s)", piece,
			 n == 0 ? "no option name" : "unknown socket option", known);
		return false;
	}
	memcpy(name, piece, n);
	name[n] = '\0';
	int id = sockopt_by_name(name);
	if (id < 0) {
		char known[400];
		known_names(known, sizeof(known));
		snprintf(why, size, "-O %s: unknown socket option (known: %s)", name, known);
		return false;
	}
	req->id = (enum sockopt_id)id;
	req->has_value = eq != NULL;
	snprintf(req->text, sizeof(req->text), "%s", piece);
	const char *bad = parse_value(req->id, eq ? eq + 1 : NULL, &req->v);
	if (bad) {
		if (eq == NULL)
			snprintf(why, size, "-O %s: needs a value (%s)", name, defs[id].syntax);
		else
			snprintf(why, size, "-O %s: %s", piece, bad);
		return false;
	}
	return true;
}

/* Adds req to l, replacing one of the same option; false when l is full. */
static bool list_put(struct sockopt_list *l, const struct sockopt_req *req)
{
	for (int i = 0; i < l->n; i++) {
		if (l->req[i].id == req->id) {
			l->req[i] = *req;
			return true;
		}
	}
	if (l->n >= SOCKOPT_MAX)
		return false;
	l->req[l->n++] = *req;
	return true;
}

/* Parses one NAME[=VALUE] piece into out; false with why. */
static bool add_piece(const char *piece, struct sockopt_list *out, char *why, size_t size)
{
	struct sockopt_req req;

	if (!parse_one(piece, &req, why, size))
		return false;
	if (!list_put(out, &req)) {
		snprintf(why, size, "-O %s: too many socket options (at most %d)", piece, SOCKOPT_MAX);
		return false;
	}
	return true;
}

bool sockopt_parse(const char *arg, struct sockopt_list *l, char *why, size_t size)
{
	struct sockopt_list out = *l;
	char piece[SOCKOPT_TEXT_MAX];
	size_t len = 0;

	/* Each comma piece that starts with a digit joins the one before it. */
	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		bool continues = p != arg && n > 0 && isdigit((unsigned char)*p);
		if (p != arg && !continues && !add_piece(piece, &out, why, size))
			return false;
		if (n == 0) {
			snprintf(why, size, "-O %s: an empty item in the list", arg);
			return false;
		}
		if ((continues ? len + 1 : 0) + n >= sizeof(piece)) {
			snprintf(why, size, "-O %.40s...: too long", arg);
			return false;
		}
		if (continues)
			piece[len++] = ',';
		else
			len = 0;
		memcpy(piece + len, p, n);
		len += n;
		piece[len] = '\0';
		p += n;
		if (*p == '\0')
			break;
	}
	if (!add_piece(piece, &out, why, size))
		return false;
	*l = out;
	return true;
}

/* Setting and reading. */

void sockopt_results_init(struct sockopt_results *res)
{
	res->n = 0;
	res->failed = -1;
}

static int socket_family(int fd)
{
	int family = AF_UNSPEC;
	socklen_t len = sizeof(family);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) < 0)
		return AF_UNSPEC;
	return family;
}

static bool socket_listening(int fd)
{
	int on = 0;
	socklen_t len = sizeof(on);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) == 0 && on;
}

static int get_int(int fd, int level, int opt, long long *out)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, opt, &v, &len) < 0)
		return -1;
	*out = v;
	return 0;
}

static int set_int(int fd, int level, int opt, long long v)
{
	int i = (int)v;

	return setsockopt(fd, level, opt, &i, sizeof(i));
}

/* Where an option lives, for the simple ones: one int. */
static bool int_option(enum sockopt_id id, int family, bool listener, int *level, int *opt)
{
	bool v6 = family == AF_INET6;

	switch (id) {
	case SOCKOPT_NODELAY: *level = IPPROTO_TCP; *opt = TCP_NODELAY; return true;
	case SOCKOPT_CORK: *level = IPPROTO_TCP; *opt = TCP_CORK; return true;
	case SOCKOPT_QUICKACK: *level = IPPROTO_TCP; *opt = TCP_QUICKACK; return true;
	case SOCKOPT_SNDBUF: *level = SOL_SOCKET; *opt = SO_SNDBUF; return true;
	case SOCKOPT_RCVBUF: *level = SOL_SOCKET; *opt = SO_RCVBUF; return true;
	case SOCKOPT_MSS: *level = IPPROTO_TCP; *opt = TCP_MAXSEG; return true;
	case SOCKOPT_USER_TIMEOUT: *level = IPPROTO_TCP; *opt = TCP_USER_TIMEOUT; return true;
	case SOCKOPT_FASTOPEN:
		*level = IPPROTO_TCP;
		*opt = listener ? TCP_FASTOPEN : TCP_FASTOPEN_CONNECT;
		return true;
	case SOCKOPT_TTL:
		*level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
		*opt = v6 ? IPV6_UNICAST_HOPS : IP_TTL;
		return true;
	case SOCKOPT_TOS:
		*level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
		*opt = v6 ? IPV6_TCLASS : IP_TOS;
		return true;
	case SOCKOPT_REUSEPORT: *level = SOL_SOCKET; *opt = SO_REUSEPORT; return true;
	case SOCKOPT_NOTSENT_LOWAT: *level = IPPROTO_TCP; *opt = TCP_NOTSENT_LOWAT; return true;
	case SOCKOPT_DEFER_ACCEPT: *level = IPPROTO_TCP; *opt = TCP_DEFER_ACCEPT; return true;
	case SOCKOPT_WINDOW_CLAMP: *level = IPPROTO_TCP; *opt = TCP_WINDOW_CLAMP; return true;
	default: return false;
	}
}

int sockopt_read(int fd, enum sockopt_id id, int family, bool listener, struct sockopt_value *v)
{
	int level, opt;

	memset(v, 0, sizeof(*v));
	if (int_option(id, family, listener, &level, &opt))
		return get_int(fd, level, opt, &v->n);
	switch (id) {
	case SOCKOPT_CONGESTION:
	case SOCKOPT_BIND_DEVICE: {
		socklen_t len = sizeof(v->str) - 1;
		if (getsockopt(fd, id == SOCKOPT_CONGESTION ? IPPROTO_TCP : SOL_SOCKET,
			       id == SOCKOPT_CONGESTION ? TCP_CONGESTION : SO_BINDTODEVICE, v->str, &len) < 0)
			return -1;
		v->str[len < sizeof(v->str) ? len : sizeof(v->str) - 1] = '\0';
		return 0;
	}
	case SOCKOPT_KEEPALIVE: {
		long long idle = 0, intvl = 0, cnt = 0;
		if (get_int(fd, SOL_SOCKET, SO_KEEPALIVE, &v->n) < 0 ||
		    get_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle) < 0 ||
		    get_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl) < 0 ||
		    get_int(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt) < 0)
			return -1;
		v->idle_s = (int)idle;
		v->interval_s = (int)intvl;
		v->count = (int)cnt;
		return 0;
	}
	case SOCKOPT_LINGER: {
		struct linger lg = { 0 };
		socklen_t len = sizeof(lg);
		if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) < 0)
			return -1;
		v->n = lg.l_onoff ? lg.l_linger : -1;
		return 0;
	}
	default:
		errno = ENOPROTOOPT;
		return -1;
	}
}

/* Sets one option on fd; -1 with errno and *refused the kernel option that failed. */
static int set_one(int fd, const struct sockopt_req *req, int family, bool listener,
		   const char **refused)
{
	const struct sockopt_value *v = &req->v;
	int level, opt;

	*refused = sockopt_kernel_name(req->id, family, listener);
	switch (req->id) {
	case SOCKOPT_CONGESTION:
		return setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v->str, (socklen_t)strlen(v->str));
	case SOCKOPT_BIND_DEVICE:
		return setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, v->str, (socklen_t)strlen(v->str));
	case SOCKOPT_KEEPALIVE:
		if (set_int(fd, SOL_SOCKET, SO_KEEPALIVE, v->n) < 0)
			return -1;
		*refused = "TCP_KEEPIDLE";
		if (v->idle_s && set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, v->idle_s) < 0)
			return -1;
		*refused = "TCP_KEEPINTVL";
		if (v->interval_s && set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, v->interval_s) < 0)
			return -1;
		*refused = "TCP_KEEPCNT";
		if (v->count && set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, v->count) < 0)
			return -1;
		*refused = "SO_KEEPALIVE";
		return 0;
	case SOCKOPT_LINGER: {
		struct linger lg = { .l_onoff = v->n >= 0, .l_linger = v->n >= 0 ? (int)v->n : 0 };
		return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	case SOCKOPT_FASTOPEN:
		return set_int(fd, IPPROTO_TCP, listener ? TCP_FASTOPEN : TCP_FASTOPEN_CONNECT,
			       listener ? v->n : 1);
	case SOCKOPT_TTL:
	case SOCKOPT_TOS:
		/* An IPv6 socket may carry IPv4 (mapped addresses): it gets the IPv4 option as well. */
		if (family == AF_INET6)
			set_int(fd, IPPROTO_IP, req->id == SOCKOPT_TTL ? IP_TTL : IP_TOS, v->n);
		break;
	default:
		break;
	}
	if (!int_option(req->id, family, listener, &level, &opt)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	return set_int(fd, level, opt, v->n);
}

/* Whether req is set in phase, or after accept only read (*read_only). */
static bool belongs(const struct sockopt_req *req, enum sockopt_phase phase, bool *read_only)
{
	const struct sockopt_def *d = &defs[req->id];

	*read_only = false;
	switch (phase) {
	case SOCKOPT_BEFORE_BIND:
		return d->before_bind;
	case SOCKOPT_BEFORE_CONNECT:
		return !d->before_bind && !d->listener_only;
	case SOCKOPT_BEFORE_LISTEN:
		return !d->before_bind;
	case SOCKOPT_AFTER_ACCEPT:
		/* A listener's fastopen and defer-accept are its own. */
		if (d->listener_only || req->id == SOCKOPT_FASTOPEN)
			return false;
		*read_only = d->inherited;
		return true;
	}
	return false;
}

/* The entry of res for option id, new or to replace. */
static struct sockopt_result *result_slot(struct sockopt_results *res, enum sockopt_id id)
{
	for (int i = 0; i < res->n; i++)
		if (res->r[i].id == id)
			return &res->r[i];
	return res->n < SOCKOPT_MAX ? &res->r[res->n++] : NULL;
}

int sockopt_apply(int fd, const struct sockopt_list *l, enum sockopt_phase phase,
		  struct sockopt_results *res)
{
	int family = socket_family(fd);
	bool listener = phase == SOCKOPT_BEFORE_LISTEN || socket_listening(fd);

	for (int i = 0; i < l->n; i++) {
		const struct sockopt_req *req = &l->req[i];
		bool read_only;
		if (!belongs(req, phase, &read_only))
			continue;
		struct sockopt_result *out = result_slot(res, req->id);
		struct sockopt_result tmp;
		if (out == NULL)
			out = &tmp;
		*out = (struct sockopt_result){
			.id = req->id, .req = req, .family = family, .listener = listener, .asked = req->v,
		};
		if (req->id == SOCKOPT_FASTOPEN && !listener)
			out->asked.n = 1;
		if (!read_only && set_one(fd, req, family, listener, &out->refused) < 0) {
			out->err = errno;
			res->failed = out == &tmp ? -1 : (int)(out - res->r);
			errno = out->err;
			return -1;
		}
		out->read = sockopt_read(fd, req->id, family, listener, &out->granted) == 0;
	}
	return 0;
}

/* The kernel's own files. */

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

void sockopt_congestion_list(bool allowed, char *buf, size_t size)
{
	read_line(allowed ? "/proc/sys/net/ipv4/tcp_allowed_congestion_control"
			  : "/proc/sys/net/ipv4/tcp_available_congestion_control", buf, size);
}

int sockopt_fastopen_sysctl(void)
{
	char line[32];

	read_line("/proc/sys/net/ipv4/tcp_fastopen", line, sizeof(line));
	if (!isdigit((unsigned char)line[0]))
		return -1;
	return atoi(line);
}
