/*
 * libFuzzer target: everything a command line can hand tcptool.  The input
 * is NUL-separated words; the first byte picks a command.  Each word goes
 * through every value parser (port, port set, duration, count, states,
 * rate, load),
 * and the usage hints, then all of them through the option parser of that
 * command, so option combinations and their checks run too, and what is
 * left through the operand check.  Addresses go through the
 * resolver and back to text only when they are numeric: a name would be
 * looked up, and a lookup would leave the machine.  Usage errors come by the
 * thousand: make fuzz runs it with -close_fd_mask=3.
 */
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "args_hint.h"
#include "net/sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 16

/* Every command of src/commands.def: its bit and its name. */
static const int commands[N_COMMANDS] = {
#define CMD(name, id, usage, summary, details) CMD_##id,
#include "commands.def"
#undef CMD
};
static const char *const names[N_COMMANDS] = {
#define CMD(name, id, usage, summary, details) #name,
#include "commands.def"
#undef CMD
};

static void parse_values(const char *w)
{
	static struct port_set set;
	long long v;
	unsigned mask = 0;
	int port;

	if (sock_is_numeric(w)) {
		struct addrinfo *res = NULL;
		char name[SOCK_NAME_MAX];
		if (sock_resolve(w, 443, AF_UNSPEC, false, &res, NULL) == 0) {
			for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
				sock_name(ai->ai_addr, name, sizeof(name));
			freeaddrinfo(res);
		}
	}
	static const char *const long_names[] = { "half-close", "idle-timeout", "rst", "send", NULL };
	char hint[160];
	hint_host_port(w, hint, sizeof(hint));
	hint_unknown_option("listen", w, w, long_names, hint, sizeof(hint));
	parse_port(w, &port);
	parse_duration(w, &v);
	parse_count(w, 0, 1000000, &v);
	parse_states(w, &mask);
	unsigned long long rate;
	if (parse_rate(w, &rate) == NULL && rate == 0)
		abort();  /* a zero rate would mean "no limit": the parser must refuse it */
	unsigned long long load_bytes;
	long long load_ms;
	if (parse_load(w, &load_bytes, &load_ms) == NULL && (load_bytes == 0) == (load_ms == 0))
		abort();  /* a load is a size or a duration, never both nor neither */
	if (parse_port_set(w, &set) == NULL) {
		int n = 0;
		for (int p = port_set_next(&set, -1); p >= 0; p = port_set_next(&set, p))
			n++;
		if (n != set.count)
			abort();  /* the walk must see exactly the ports counted */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_WORDS + 2];
	int argc = 1;
	struct options o;

	if (size == 0)
		return 0;
	size_t which = data[0] % N_COMMANDS;
	char *text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	argv[0] = (char *)names[which];
	for (char *w = text; w < text + size - 1 && argc <= MAX_WORDS; w += strlen(w) + 1) {
		parse_values(w);
		argv[argc++] = w;
	}
	argv[argc] = NULL;

	options_init(&o);
	int first = args_parse(commands[which], names[which], argc, argv, &o);
	/* What is left are the operands: "HOST:PORT" in one word gets its hint there. */
	if (first > 0)
		args_operands(names[which], argc - first, argv + first, "HOST PORT");
	free(text);
	return 0;
}
