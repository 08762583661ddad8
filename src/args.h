/* Command-line values shared by every command: parsers and the option loop. */
#ifndef TCPTOOL_ARGS_H
#define TCPTOOL_ARGS_H

#include <stdbool.h>

#include "base/exit_status.h"
#include "net/sockopt.h"

/* Command bits, for the option table: one per line of commands.def, in its order. */
enum {
#define CMD(name, id, usage, summary, details) CMD_INDEX_##id,
#include "commands.def"
#undef CMD
	N_COMMANDS
};
enum {
#define CMD(name, id, usage, summary, details) CMD_##id = 1 << CMD_INDEX_##id,
#include "commands.def"
#undef CMD
	CMD_SERVER = CMD_ECHO | CMD_ACK,  /* the event-loop servers */
	CMD_DIAL = CMD_CONNECT | CMD_INFO | CMD_SHUTDOWN,  /* the commands that connect */
	CMD_TOP = 1 << 30,  /* understood before COMMAND */
	CMD_ALL = ~0,       /* common options: everywhere */
};
_Static_assert(N_COMMANDS < 30, "a command's bit would collide with CMD_TOP");

enum option_id {
	OPT_NONE_ = 256, /* above every short option letter */
#define OPT(id, sh, lo, meta, cmds, help) OPT_##id,
#include "options.def"
#undef OPT
};

/* Everything the command line can say; one struct for every command. */
struct options {
	int family;            /* AF_UNSPEC, AF_INET or AF_INET6 */
	int verbose;
	bool quiet;
	bool json;
	bool help;
	const char *bind_addr;
	int backlog;
	bool keep_open;
	long long accept_delay_ms;
	bool half_close;
	long long timeout_ms;  /* -1: none */
	const char *source_addr;
	int source_port;       /* -1: any */
	const char *send_text;
	int max_conns;         /* 0: the server's default */
	long long idle_timeout_ms; /* -1: none */
	const char *reply_text;
	bool lines;
	bool listening;        /* info: listeners only */
	bool all_states;       /* info: every state */
	int port_filter;       /* info: -1: any port */
	unsigned state_mask;   /* info: 1 << TCP state; 0: the default set */
	int fd;                /* info --fd; -1: none */
	bool system;           /* info --system */
	bool zero_io;          /* connect -z */
	long long count;       /* connect -c; -1: not given, 0: until interrupted */
	long long interval_ms; /* -i: interval reports, or connect -c's spacing; -1: not given */
	unsigned long long send_rate;  /* --rate, bytes a second; 0: no limit */
	unsigned long long read_rate;  /* --read-rate */
	int progress;          /* -1: --no-progress, 0: on a terminal, 1: --progress */
	bool watch;            /* info --watch */
	unsigned long long load_bytes; /* --load SIZE; 0: not given or by time */
	long long load_ms;     /* --load DUR; 0: not given or by size */
	bool discard;          /* --discard */
	bool verify;           /* --verify */
	int shut_how;          /* shutdown --how: SHUT_RD, SHUT_WR, SHUT_RDWR */
	bool how_given;
	bool rst;              /* shutdown --rst */
	long long after_ms;    /* shutdown --after */
	bool trace;            /* --trace (or --ladder): capture our connection's segments and show them */
	bool ladder;           /* --ladder: draw them as a ladder */
	const char *pcap_path; /* --pcap FILE: write them to FILE */
	long long conn;        /* trace --conn N; 0: not given */
	struct sockopt_list sockopts;  /* -O NAME[=VALUE] */
};

void options_init(struct options *o);

/*
 * Returns true when 'word' is a common option (-4 -6 -v -q --json, and
 * bundles of the short ones), applying it to 'o'.
 */
bool args_common(const char *word, struct options *o);

/*
 * Parses argv of command 'cmd' (a CMD_* bit) into 'o', permuting operands
 * to the end.  Returns the index of the first operand, or -1 after printing
 * a usage error.
 */
int args_parse(int cmd, const char *cmd_name, int argc, char **argv, struct options *o);

/*
 * Prints the --help lines of the options whose command mask has every bit
 * of must_have and none of must_not_have.
 */
void args_print_help(int must_have, int must_not_have);

/*
 * Value parsers: they print nothing.  Each stores the value and returns
 * NULL, or returns why the text is not valid ("out of range 0-65535").
 */
const char *parse_port(const char *s, int *port);
const char *parse_duration(const char *s, long long *ms);
const char *parse_count(const char *s, long long min, long long max, long long *n);
/*
 * --load's value: a size (a bare number of bytes, or with k, M, G, T or
 * Ki, Mi, Gi, Ti) into *bytes, or a duration (with ms, s, m or h) into
 * *ms; the other is set to 0.
 */
const char *parse_load(const char *s, unsigned long long *bytes, long long *ms);
/* A rate in bytes a second: N[.N] with k, M, G (powers of 1000) or Ki, Mi, Gi (of 1024). */
const char *parse_rate(const char *s, unsigned long long *bytes_per_s);
/*
 * A set of ports: "22", "20-25", "22,80,443", "ssh,8000-8010".  Ports of
 * the set are bits; port_set_next() walks them in increasing order.
 */
struct port_set {
	unsigned char bits[65536 / 8];
	int count;
};
const char *parse_port_set(const char *s, struct port_set *set);
/* The first port of the set above 'after' (-1 to start), or -1 at the end. */
int port_set_next(const struct port_set *set, int after);
/* Adds the TCP states named in "established,time-wait" to *mask (1 << state). */
const char *parse_states(const char *s, unsigned *mask);

/*
 * Checks that a command got exactly the operands named in 'names'
 * ("HOST PORT"); prints "missing ..." or "unexpected argument ..." and
 * returns false otherwise.
 */
bool args_operands(const char *cmd_name, int argc, char **argv, const char *names);

/* Parses a PORT operand; prints the usage error and returns false if invalid. */
bool args_port_operand(const char *cmd_name, const char *text, int *port);

/* Prints a usage error and the hint for 'cmd_name' (NULL: top level). */
void usage_error(const char *cmd_name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
