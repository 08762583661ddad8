/* tcptool info: which form the command line asks for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cmd/info.h"

/* The first option of 'o' that only the socket list takes, or NULL. */
static const char *list_option(const struct options *o)
{
	if (o->listening)
		return "-l";
	if (o->all_states)
		return "-a";
	if (o->port_filter >= 0)
		return "--port";
	if (o->state_mask)
		return "--state";
	return NULL;
}

/* The first option of 'o' that only info HOST PORT takes, or NULL. */
static const char *connect_option(const struct options *o)
{
	if (o->timeout_ms >= 0)
		return "-w";
	if (o->source_addr)
		return "-s";
	if (o->source_port >= 0)
		return "-p";
	if (o->trace)
		return o->ladder ? "--ladder" : "--trace";
	if (o->pcap_path)
		return "--pcap";
	if (o->sockopts.n)
		return "-O";
	return NULL;
}

/* info --watch [DUR]: the one operand is the interval, else -i, else 1 s. */
static int watch_form(int argc, char **argv, const struct options *o)
{
	const char *co = connect_option(o);
	long long ms = o->interval_ms >= 0 ? o->interval_ms : 1000;

	if (o->fd >= 0 || o->system) {
		usage_error("info", "info: --watch watches the socket list; it does not go with %s",
			    o->system ? "--system" : "--fd");
		return EXIT_USAGE;
	}
	if (argc > 1) {
		usage_error("info", "info: --watch takes one operand, the interval DUR, not HOST PORT");
		return EXIT_USAGE;
	}
	if (co) {
		usage_error("info", "info: %s applies only to info HOST PORT", co);
		return EXIT_USAGE;
	}
	if (o->listening + o->all_states + (o->state_mask != 0) > 1) {
		usage_error("info", "info: use one of -l, -a and --state");
		return EXIT_USAGE;
	}
	if (argc == 1) {
		const char *why = parse_duration(argv[0], &ms);
		if (why == NULL && ms == 0)
			why = "must be greater than zero";
		if (why) {
			usage_error("info", "info: invalid interval '%s': %s", argv[0], why);
			return EXIT_USAGE;
		}
		if (o->interval_ms >= 0) {
			usage_error("info", "info: give the interval once, as DUR or with -i");
			return EXIT_USAGE;
		}
	}
	return info_watch(o, ms);
}

int cmd_info(int argc, char **argv, const struct options *o)
{
	const char *lo = list_option(o), *co = connect_option(o);
	bool target = argc > 0;

	if ((o->count >= 0 || o->interval_ms >= 0) && !o->watch) {
		usage_error("info", "info: %s applies only to info --watch", o->count >= 0 ? "-c" : "-i");
		return EXIT_USAGE;
	}
	if (o->watch)
		return watch_form(argc, argv, o);

	int forms = target + (o->fd >= 0) + o->system;
	if (forms > 1) {
		usage_error("info", "info: use one of HOST PORT, --fd and --system");
		return EXIT_USAGE;
	}
	if (lo && forms) {
		usage_error("info", "info: %s applies only to the socket list (info without HOST PORT)", lo);
		return EXIT_USAGE;
	}
	if (co && !target) {
		usage_error("info", "info: %s applies only to info HOST PORT", co);
		return EXIT_USAGE;
	}
	if (o->listening + o->all_states + (o->state_mask != 0) > 1) {
		usage_error("info", "info: use one of -l, -a and --state");
		return EXIT_USAGE;
	}
	if (o->system)
		return info_system(o);
	if (o->fd >= 0)
		return info_fd(o);
	if (target) {
		if (!args_operands("info", argc, argv, "HOST PORT"))
			return EXIT_USAGE;
		return info_connect(argv[0], argv[1], o);
	}
	return info_list(o);
}
