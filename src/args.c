/* Command-line values shared by every command: parsers and the option loop. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "args_hint.h"
#include "net/sock.h"
#include "net/tcp_state.h"

struct option_spec {
	int id;
	int short_name;
	const char *long_name;
	const char *metavar;
	int commands;
	const char *help;
};

static const struct option_spec option_specs[] = {
#define OPT(id, sh, lo, meta, cmds, help) { OPT_##id, sh, lo, meta, cmds, help },
#include "options.def"
#undef OPT
};

#define N_OPTIONS (sizeof(option_specs) / sizeof(option_specs[0]))

void options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->family = AF_UNSPEC;
	o->backlog = 128;
	o->timeout_ms = -1;
	o->source_port = -1;
	o->idle_timeout_ms = -1;
	o->reply_text = "ACK!";
	o->port_filter = -1;
	o->fd = -1;
	o->count = -1;
	o->interval_ms = -1;
	o->shut_how = SHUT_WR;
}

void usage_error(const char *cmd_name, const char *fmt, ...)
{
	va_list ap;

	fputs("tcptool: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd_name)
		fprintf(stderr, "\nTry 'tcptool %s --help' for more information.\n", cmd_name);
	else
		fputs("\nTry 'tcptool --help' for more information.\n", stderr);
}

bool args_operands(const char *cmd_name, int argc, char **argv, const char *names)
{
	int want = 0;
	const char *missing = NULL;

	for (const char *p = names; *p; want++) {
		if (want == argc)
			missing = p;
		p += strcspn(p, " ");
		p += strspn(p, " ");
	}
	if (argc > want) {
		usage_error(cmd_name, "%s: unexpected argument '%s'", cmd_name, argv[want]);
		return false;
	}
	if (missing) {
		/* "HOST PORT" -> "HOST and PORT" */
		char list[128];
		snprintf(list, sizeof(list), "%s", missing);
		char *last = strrchr(list, ' ');
		char hint[160];
		/* netcat's habit: "connect 127.0.0.1:8080" */
		bool host_port = argc > 0 && strcmp(list, "PORT") == 0 &&
				 hint_host_port(argv[argc - 1], hint, sizeof(hint));
		if (last) {
			*last = '\0';
			usage_error(cmd_name, "%s: missing %s and %s", cmd_name, list, last + 1);
		} else if (host_port) {
			usage_error(cmd_name, "%s: missing PORT (%s)", cmd_name, hint);
		} else {
			usage_error(cmd_name, "%s: missing %s", cmd_name, list);
		}
		return false;
	}
	return true;
}

bool args_port_operand(const char *cmd_name, const char *text, int *port)
{
	const char *why = parse_port(text, port);

	if (why)
		usage_error(cmd_name, "invalid port '%s': %s", text, why);
	return why == NULL;
}

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

const char *parse_port(const char *s, int *port)
{
	if (*s == '\0')
		return "empty";
	if (all_digits(s)) {
		if (strlen(s) > 5 || atoi(s) > 65535)
			return "out of range 0-65535";
		*port = atoi(s);
		return NULL;
	}
	if (*s == '-' && all_digits(s + 1))
		return "out of range 0-65535";
	/* A service name from /etc/services, such as "http". */
	struct servent *se = getservbyname(s, "tcp");
	if (se == NULL)
		return "not a number or a known TCP service name";
	*port = ntohs((unsigned short)se->s_port);
	return NULL;
}

/*
 * The number N or N.N at the start of s, checked by hand because strtod
 * also takes hex, inf and nan: returns how many digits its whole part has
 * (leading zeros aside), with *unit at what follows it, or -1 when s does
 * not start with one.
 */
static int leading_number(const char *s, const char **unit)
{
	int dots = 0, digits = 0, whole = 0;

	for (; isdigit((unsigned char)*s) || *s == '.'; s++) {
		if (*s == '.') {
			dots++;
			continue;
		}
		digits++;
		if (dots == 0 && (whole > 0 || *s != '0'))
			whole++;
	}
	*unit = s;
	return digits == 0 || dots > 1 ? -1 : whole;
}

const char *parse_duration(const char *s, long long *ms)
{
	/* N[.N][ms|s|m|h] */
	const char *p;
	int digits = leading_number(s, &p);

	if (digits < 0)
		return *s == '-' ? "negative" : "expected a number with an optional unit ms, s, m or h";

	double scale;
	if (*p == '\0' || strcmp(p, "s") == 0)
		scale = 1000;
	else if (strcmp(p, "ms") == 0)
		scale = 1;
	else if (strcmp(p, "m") == 0)
		scale = 60000;
	else if (strcmp(p, "h") == 0)
		scale = 3600000;
	else
		return "unknown unit (use ms, s, m or h)";

	if (digits > 12)
		return "too large";
	double v = strtod(s, NULL) * scale;
	if (v > INT_MAX)
		return "too large (at most 24 days)";
	*ms = (long long)(v + 0.5);
	if (*ms == 0 && v > 0)
		*ms = 1;
	return NULL;
}

/* A count of bytes with an optional unit: k, M, G, T (powers of 1000) or Ki, Mi, Gi, Ti (of 1024). */
static const char *parse_bytes(const char *s, const char *what, unsigned long long *n)
{
	static const struct { const char *suffix; double scale; } units[] = {
		{ "", 1 }, { "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 },
		{ "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
	};
	const char *p;
	int digits = leading_number(s, &p);

	if (digits < 0)
		return *s == '-' ? "negative" : what;
	if (digits > 15)
		return "too large";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		double v = strtod(s, NULL) * units[i].scale;
		if (v > 1e15)
			return "too large";
		if (v < 1)
			return "must be at least 1 byte";
		*n = (unsigned long long)(v + 0.5);
		return NULL;
	}
	return "unknown unit (use k, M, G, T or Ki, Mi, Gi, Ti)";
}

const char *parse_rate(const char *s, unsigned long long *bytes_per_s)
{
	const char *why = parse_bytes(s, "expected bytes a second, like 500k, 10M or 1G", bytes_per_s);

	return why && strcmp(why, "must be at least 1 byte") == 0 ? "must be at least 1 byte a second" : why;
}

const char *parse_load(const char *s, unsigned long long *bytes, long long *ms)
{
	const char *unit;

	*bytes = 0;
	*ms = 0;
	if (leading_number(s, &unit) >= 0 && (strcmp(unit, "ms") == 0 || strcmp(unit, "s") == 0 ||
					      strcmp(unit, "m") == 0 || strcmp(unit, "h") == 0)) {
		const char *why = parse_duration(s, ms);
		return why ? why : *ms == 0 ? "must be longer than zero" : NULL;
	}
	const char *why = parse_bytes(s, "expected a size (10G, 512M) or a duration (10s)", bytes);
	if (why && strncmp(why, "unknown unit", 12) == 0)
		return "unknown unit (a size: k, M, G, T or Ki, Mi, Gi, Ti; a duration: ms, s, m or h)";
	return why;
}

const char *parse_count(const char *s, long long min, long long max, long long *n)
{
	static char range[64];

	if (!all_digits(s) || strlen(s) > 18) {
		if (*s == '-' && all_digits(s + 1))
			return "negative";
		return all_digits(s) ? "too large" : "not a whole number";
	}
	long long v = strtoll(s, NULL, 10);
	if (v < min || v > max) {
		snprintf(range, sizeof(range), "out of range %lld-%lld", min, max);
		return range;
	}
	*n = v;
	return NULL;
}

static bool apply_common(int c, struct options *o)
{
	switch (c) {
	case '4': o->family = AF_INET; return true;
	case '6': o->family = AF_INET6; return true;
	case 'v': o->verbose++; return true;
	case 'q': o->quiet = true; return true;
	case OPT_JSON: o->json = true; return true;
	default: return false;
	}
}

bool args_common(const char *word, struct options *o)
{
	if (strcmp(word, "--json") == 0)
		return apply_common(OPT_JSON, o);
	if (strcmp(word, "--verbose") == 0)
		return apply_common('v', o);
	if (strcmp(word, "--quiet") == 0)
		return apply_common('q', o);
	if (word[0] != '-' || word[1] == '\0' || word[1] == '-')
		return false;
	for (const char *p = word + 1; *p; p++)
		if (!strchr("46vq", *p))
			return false;
	for (const char *p = word + 1; *p; p++)
		apply_common(*p, o);
	return true;
}

static const char *parse_how(const char *s, int *how)
{
	if (strcmp(s, "rd") == 0)
		*how = SHUT_RD;
	else if (strcmp(s, "wr") == 0)
		*how = SHUT_WR;
	else if (strcmp(s, "rdwr") == 0)
		*how = SHUT_RDWR;
	else
		return "expected rd, wr or rdwr";
	return NULL;
}

/* One item of a port list: a port, or LOW-HIGH. */
static const char *parse_port_item(const char *s, int *low, int *high)
{
	static char why[96];
	char a[64], b[64];
	const char *dash;

	/* A whole item that names a port wins: service names may hold dashes. */
	if (parse_port(s, low) == NULL) {
		*high = *low;
		return NULL;
	}
	dash = strchr(s, '-');
	if (dash == NULL)
		return parse_port(s, low);
	if ((size_t)(dash - s) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return "expected PORT or LOW-HIGH";
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = '\0';
	memcpy(b, dash + 1, strlen(dash + 1) + 1);
	if (a[0] == '\0' || b[0] == '\0')
		return "expected PORT or LOW-HIGH";
	const char *e = parse_port(a, low);
	if (e == NULL)
		e = parse_port(b, high);
	if (e)
		return e;
	if (*low > *high) {
		snprintf(why, sizeof(why), "range %d-%d runs backwards", *low, *high);
		return why;
	}
	return NULL;
}

const char *parse_port_set(const char *s, struct port_set *set)
{
	char item[128];

	memset(set, 0, sizeof(*set));
	for (const char *p = s;; p++) {
		size_t n = strcspn(p, ",");
		int low = 0, high = -1;
		if (n == 0)
			return "empty item in the list";
		if (n >= sizeof(item))
			return "expected PORT or LOW-HIGH";
		memcpy(item, p, n);
		item[n] = '\0';
		const char *why = parse_port_item(item, &low, &high);
		if (why)
			return why;
		for (int port = low; port <= high; port++) {
			unsigned char bit = (unsigned char)(1u << (port % 8));
			if (!(set->bits[port / 8] & bit))
				set->count++;
			set->bits[port / 8] |= bit;
		}
		p += n;
		if (*p == '\0')
			break;
	}
	return NULL;
}

int port_set_next(const struct port_set *set, int after)
{
	for (int port = after + 1; port < 65536; port++)
		if (set->bits[port / 8] & (1u << (port % 8)))
			return port;
	return -1;
}

const char *parse_states(const char *s, unsigned *mask)
{
	char word[32];
	unsigned add = 0;

	for (const char *p = s;; p++) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(word))
			return "expected names like established, listen, time-wait, fin-wait-2";
		memcpy(word, p, n);
		word[n] = '\0';
		int st = tcp_state_by_name(word);
		if (st == 0)
			return "states are established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, "
			       "time-wait, close, close-wait, last-ack, listen, closing";
		add |= 1u << st;
		p += n;
		if (*p == '\0')
			break;
	}
	*mask |= add;
	return NULL;
}

/* Stores one option's value; returns false after printing a usage error. */
static bool apply_option(int id, const char *arg, const char *cmd_name, struct options *o)
{
	const char *why = NULL;
	const char *what = NULL;
	long long n;

	if (apply_common(id, o))
		return true;
	switch (id) {
	case 'h': o->help = true; break;
	case 'b': o->bind_addr = arg; break;
	case 'k': o->keep_open = true; break;
	case 's': o->source_addr = arg; break;
	case OPT_HALF_CLOSE: o->half_close = true; break;
	case OPT_SEND: o->send_text = arg; break;
	case OPT_REPLY: o->reply_text = arg; break;
	case OPT_LINES: o->lines = true; break;
	case 'l': o->listening = true; break;
	case 'a': o->all_states = true; break;
	case OPT_SYSTEM: o->system = true; break;
	case 'z': o->zero_io = true; break;
	case OPT_RST: o->rst = true; break;
	case OPT_TRACE: o->trace = true; break;
	case OPT_LADDER: o->ladder = o->trace = true; break;
	case OPT_PCAP: o->pcap_path = arg; break;
	case OPT_CONN:
		what = "connection number";
		why = parse_count(arg, 1, INT_MAX, &o->conn);
		break;
	case 'c':
		what = "count";
		why = parse_count(arg, 0, INT_MAX, &o->count);
		break;
	case 'i':
		what = "interval";
		why = parse_duration(arg, &o->interval_ms);
		if (why == NULL && o->interval_ms == 0)
			why = "must be greater than zero";
		break;
	case OPT_RATE:
		what = "rate";
		why = parse_rate(arg, &o->send_rate);
		break;
	case OPT_READ_RATE:
		what = "read rate";
		why = parse_rate(arg, &o->read_rate);
		break;
	case OPT_LOAD:
		what = "load";
		why = parse_load(arg, &o->load_bytes, &o->load_ms);
		break;
	case OPT_DISCARD: o->discard = true; break;
	case OPT_VERIFY: o->verify = true; break;
	case OPT_PROGRESS: o->progress = 1; break;
	case OPT_NO_PROGRESS: o->progress = -1; break;
	case OPT_WATCH: o->watch = true; break;
	case OPT_AFTER:
		what = "delay";
		why = parse_duration(arg, &o->after_ms);
		break;
	case OPT_HOW:
		what = "shutdown direction";
		why = parse_how(arg, &o->shut_how);
		o->how_given = true;
		break;
	case OPT_PORT:
		what = "port";
		why = parse_port(arg, &o->port_filter);
		break;
	case OPT_STATE:
		what = "state";
		why = parse_states(arg, &o->state_mask);
		break;
	case OPT_FD:
		what = "fd";
		if ((why = parse_count(arg, 0, INT_MAX, &n)) == NULL)
			o->fd = (int)n;
		break;
	case OPT_MAX_CONNS:
		what = "max-conns";
		if ((why = parse_count(arg, 1, 1000000, &n)) == NULL)
			o->max_conns = (int)n;
		break;
	case OPT_IDLE_TIMEOUT:
		what = "idle timeout";
		why = parse_duration(arg, &o->idle_timeout_ms);
		if (why == NULL && o->idle_timeout_ms == 0)
			why = "must be greater than zero";
		break;
	case OPT_BACKLOG:
		what = "backlog";
		if ((why = parse_count(arg, 0, 65535, &n)) == NULL)
			o->backlog = (int)n;
		break;
	case 'p':
		what = "source port";
		why = parse_port(arg, &o->source_port);
		break;
	case 'w':
		what = "timeout";
		why = parse_duration(arg, &o->timeout_ms);
		if (why == NULL && o->timeout_ms == 0)
			why = "must be greater than zero";
		break;
	case OPT_ACCEPT_DELAY:
		what = "accept delay";
		why = parse_duration(arg, &o->accept_delay_ms);
		break;
	case 'O': {
		char msg[600];
		if (!sockopt_parse(arg, &o->sockopts, msg, sizeof(msg))) {
			usage_error(cmd_name, "%s", msg);
			return false;
		}
		break;
	}
	default:
		usage_error(cmd_name, "%s: option not handled", cmd_name);
		return false;
	}
	if (why) {
		usage_error(cmd_name, "invalid %s '%s': %s", what, arg, why);
		return false;
	}
	return true;
}

/* The -O options that only a listener takes, on a command that connects: a usage error. */
static bool sockopts_fit(int cmd, const char *cmd_name, const struct sockopt_list *l)
{
	if (!(cmd & CMD_DIAL))
		return true;
	for (int i = 0; i < l->n; i++) {
		const struct sockopt_req *q = &l->req[i];
		if (sockopt_def(q->id)->listener_only) {
			usage_error(cmd_name, "-O %s: a listener's option (listen, echo, ack), not %s's",
				    q->text, cmd_name);
			return false;
		}
		if (q->id == SOCKOPT_FASTOPEN && q->has_value) {
			usage_error(cmd_name, "-O %s: QLEN is a listener's queue; a client takes plain -O fastopen",
				    q->text);
			return false;
		}
	}
	return true;
}

static const struct option_spec *spec_by_id(int id)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (option_specs[i].id == id || option_specs[i].short_name == id)
			return &option_specs[i];
	return NULL;
}

/* True when word is an option of cmd whose value is the next word ("-w", "--send"). */
static bool needs_value(const char *word, int cmd)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *sp = &option_specs[i];
		if (!(sp->commands & cmd) || !sp->metavar)
			continue;
		if (word[0] == '-' && word[1] == sp->short_name && word[1] && word[2] == '\0')
			return true;
		if (sp->long_name && word[0] == '-' && word[1] == '-' && strcmp(word + 2, sp->long_name) == 0)
			return true;
	}
	return false;
}

/* getopt's '?': the word it did not know, and what was meant where that can be told. */
static void unknown_option(const char *cmd_name, int argc, char **argv,
			   const struct option *longopts, size_t nl)
{
	const char *names[N_OPTIONS + 1];
	char short_word[3] = { '-', (char)optopt, '\0' }, hint[160];
	const char *word = optopt && optopt < 256 ? short_word : argv[optind - 1];
	size_t name_len = strcspn(word, "=");

	for (size_t i = 0; i < nl; i++) {
		names[i] = longopts[i].name;
		/* getopt says the same of "--half-close=yes" as of a name it does not know. */
		if (word[name_len] == '=' && longopts[i].has_arg == no_argument &&
		    strncmp(word, "--", 2) == 0 && strlen(names[i]) == name_len - 2 &&
		    strncmp(word + 2, names[i], name_len - 2) == 0) {
			usage_error(cmd_name, "%s: option '--%s' takes no value", cmd_name, names[i]);
			return;
		}
	}
	names[nl] = NULL;
	const char *next = optind < argc ? argv[optind] : NULL;
	if (hint_unknown_option(cmd_name, word, next, names, hint, sizeof(hint)))
		usage_error(cmd_name, "%s: unknown option '%s' (%s)", cmd_name, word, hint);
	else
		usage_error(cmd_name, "%s: unknown option '%s'", cmd_name, word);
}

int args_parse(int cmd, const char *cmd_name, int argc, char **argv, struct options *o)
{
	struct option longopts[N_OPTIONS + 1];
	char shortopts[2 * N_OPTIONS + 2];
	size_t nl = 0, ns = 0;

	shortopts[ns++] = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *sp = &option_specs[i];
		if (!(sp->commands & cmd))
			continue;
		int val = sp->short_name ? sp->short_name : sp->id;
		if (sp->long_name)
			longopts[nl++] = (struct option){ sp->long_name,
				sp->metavar ? required_argument : no_argument, NULL, val };
		if (sp->short_name) {
			shortopts[ns++] = (char)sp->short_name;
			if (sp->metavar)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl] = (struct option){ 0 };
	shortopts[ns] = '\0';

	/* An operand "-1" would read as an unknown option; say what it really is. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *w = argv[i];
		if (i > 1 && needs_value(argv[i - 1], cmd))
			continue;
		if (w[0] == '-' && all_digits(w + 1) && strspn(w + 1, "46") != strlen(w + 1)) {
			usage_error(cmd_name, "%s: invalid argument '%s': negative numbers are not valid",
				    cmd_name, w);
			return -1;
		}
	}
	opterr = 0;
	/* 0, not 1: glibc then also forgets a bundle ("-zc") an earlier call left half-read. */
	optind = 0;
	for (;;) {
		int c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == '?') {
			unknown_option(cmd_name, argc, argv, longopts, nl);
			return -1;
		}
		if (c == ':') {
			const struct option_spec *sp = spec_by_id(optopt);
			if (sp && sp->long_name)
				usage_error(cmd_name, "%s: option '--%s' needs %s", cmd_name,
					    sp->long_name, sp->metavar);
			else
				usage_error(cmd_name, "%s: option '-%c' needs an argument", cmd_name, optopt);
			return -1;
		}
		if (!apply_option(c, optarg, cmd_name, o))
			return -1;
	}
	if (!sockopts_fit(cmd, cmd_name, &o->sockopts))
		return -1;
	return optind;
}

void args_print_help(int must_have, int must_not_have)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_spec *sp = &option_specs[i];
		char left[48];
		int n = 0;

		if ((sp->commands & must_have) != must_have || (sp->commands & must_not_have))
			continue;
		if (sp->short_name && sp->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s", sp->short_name, sp->long_name);
		else if (sp->short_name)
			n = snprintf(left, sizeof(left), "-%c", sp->short_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", sp->long_name);
		if (sp->metavar && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", sp->metavar);
		printf("  %-24s %s\n", left, sp->help);
	}
}
