/* tcptool: the command table (from commands.def), common options, help and dispatch. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "cmd/privileges.h"
#include "view/stdout_stream.h"
#include "view/trace.h"

/* The Makefile defines it from the file VERSION, the one place it is written. */
#ifndef TCPTOOL_VERSION
#error "TCPTOOL_VERSION is not defined: build with make, which reads it from VERSION"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct options *o);
	int bit;              /* CMD_* */
	const char *usage;    /* after "tcptool NAME" */
	const char *summary;
	const char *details;  /* a few lines for NAME --help */
};

static const struct command commands[N_COMMANDS] = {
#define CMD(name, id, usage, summary, details) \
	{ #name, cmd_##name, CMD_##id, usage, summary, details },
#include "commands.def"
#undef CMD
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_main_help(void)
{
	printf("Usage: tcptool [-4|-6] [-v] [-q] [--json] COMMAND [OPTIONS] ARGS\n"
	       "       tcptool --help | --version | help COMMAND | COMMAND --help\n"
	       "\n"
	       "A TCP multi-tool: relay data like netcat and show what the kernel knows\n"
	       "about the connection: both names, the handshake time, how it ended.\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].summary);
	printf("\nCommon options (before or after COMMAND):\n");
	args_print_help(CMD_TOP, 0);
	printf("\nDurations (DUR): 250ms, 2s, 1m, 1h; a bare number means seconds.\n"
	       "Exit status: 0 success, 1 connection failed or broke, 2 usage error,\n"
	       "3 name not resolved, 4 timed out, 5 the kernel refused a socket option.\n"
	       "\nSee tcptool(1) for the events, JSON keys and examples.\n");
}

static void print_command_help(const struct command *c)
{
	printf("Usage: tcptool %s %s\n\n%s\nOptions:\n", c->name, c->usage, c->details);
	args_print_help(c->bit, CMD_TOP);
	printf("\nCommon options:\n");
	args_print_help(c->bit | CMD_TOP, 0);
	printf("\nDurations (DUR): 250ms, 2s, 1m, 1h; a bare number means seconds.\n"
	       "See tcptool(1) for the events, JSON keys and exit statuses.\n");
}

/*
 * A closed fd 0, 1 or 2 would be handed to the next socket, and the relay
 * would then read or write the network as if it were stdin or stdout.  Fill
 * the gaps with /dev/null opened read-only: reading gives EOF, as a closed
 * stdin should, and writing fails with EBADF, as a closed stdout does.
 */
static void reserve_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0 && nul != fd) {
			dup2(nul, fd);
			close(nul);
		}
	}
}

/* Top-level words before COMMAND: common options, --help, --version. */
int main(int argc, char **argv)
{
	struct options o;
	int i;

	/* A peer that vanishes must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	reserve_std_fds();
	stdout_stream_init();
	options_init(&o);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_main_help();
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("tcptool %s\ncapture: %s\n", TCPTOOL_VERSION, trace_library());
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (!args_common(argv[i], &o)) {
			usage_error(NULL, "unknown option '%s'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage_error(NULL, "missing COMMAND");
		return EXIT_USAGE;
	}

	const char *name = argv[i];
	if (strcmp(name, "help") == 0) {
		if (i + 1 == argc) {
			print_main_help();
			return EXIT_OK;
		}
		const struct command *c = find_command(argv[i + 1]);
		if (c == NULL) {
			usage_error(NULL, "unknown command '%s'", argv[i + 1]);
			return EXIT_USAGE;
		}
		if (i + 2 < argc) {
			usage_error(NULL, "help: unexpected argument '%s'", argv[i + 2]);
			return EXIT_USAGE;
		}
		print_command_help(c);
		return EXIT_OK;
	}
	const struct command *c = find_command(name);
	if (c == NULL) {
		usage_error(NULL, "unknown command '%s'", name);
		return EXIT_USAGE;
	}

	/* The command's own argv: its name in [0], as getopt expects. */
	int cargc = argc - i;
	char **cargv = argv + i;
	int first = args_parse(c->bit, c->name, cargc, cargv, &o);
	if (first < 0)
		return EXIT_USAGE;
	if (o.help) {
		print_command_help(c);
		return EXIT_OK;
	}
	/* Before any byte from the network: the rest goes once the command's setup is done. */
	if (privileges_start(c->bit, cargc - first, cargv + first, &o) < 0) {
		fprintf(stderr, "tcptool: cannot drop capabilities: %s\n", strerror(errno));
		return EXIT_NETWORK;
	}
	int status = c->fn(cargc - first, cargv + first, &o);
	/* Data or a report on stdout that never got out is a failure too, even one flushed earlier. */
	errno = 0;
	bool flushed = fflush(stdout) == 0;
	if ((!flushed || ferror(stdout)) && status == EXIT_OK) {
		int err = stdout_stream_errno() ? stdout_stream_errno() : flushed ? 0 : errno;
		if (err)
			fprintf(stderr, "tcptool: write to stdout: %s\n", strerror(err));
		else
			fputs("tcptool: write to stdout failed\n", stderr);
		status = EXIT_NETWORK;
	}
	return status;
}
