/* tcptool info: which form the command line asks for, and --system. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "commands.h"
#include "cmd/info.h"
#include "view/info_format.h"
#include "kernel/kernel_settings.h"
#include "view/report.h"
#include "net/sock.h"

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
		return "--trace";
	return NULL;
}

int cmd_info(int argc, char **argv, const struct options *o)
{
	const char *lo = list_option(o), *co = connect_option(o);
	bool target = argc > 0;
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

int info_width(FILE *out)
{
	/*
	 * Never wider than 80 columns, even on a wide terminal: lines of prose
	 * much longer than that are hard to follow, and the text stays the same
	 * in a pipe, a file or a terminal.  Narrower when the terminal is (a
	 * split pane), or when COLUMNS says so, as for ls; info_format_rows()
	 * keeps at least INFO_WIDTH_MIN.
	 */
	int width = INFO_WIDTH, fd = fileno(out);
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (fd < 0 && out == stdout)
		fd = STDOUT_FILENO;  /* stdout_stream.c's stdout has no descriptor of its own */
	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_col < width)
		width = ws.ws_col;
	if (env && *env) {
		char *end;
		long c = strtol(env, &end, 10);
		if (*end == '\0' && c > 0 && c < width)
			width = (int)c;
	}
	return width;
}

int info_print_rows(FILE *out, const struct info_row *header, const struct info_row *rows,
		    size_t n)
{
	int width = info_width(out);
	size_t len = info_format_rows(NULL, 0, header, rows, n, width) + 1;
	char *text = malloc(len);

	if (text == NULL) {
		fprintf(stderr, "tcptool: %s\n", strerror(errno));
		return EXIT_NETWORK;
	}
	info_format_rows(text, len, header, rows, n, width);
	fputs(text, out);
	free(text);
	return EXIT_OK;
}

int info_system(const struct options *o)
{
	size_t n = kernel_settings_count();
	struct kernel_setting *settings = calloc(n, sizeof(*settings));
	struct info_row *rows = calloc(n, sizeof(*rows));
	struct report r;

	if (settings == NULL || rows == NULL) {
		free(settings);
		free(rows);
		fprintf(stderr, "tcptool: %s\n", strerror(ENOMEM));
		return EXIT_NETWORK;
	}
	/* The settings are the data, not events: -q does not hide them. */
	report_init(&r, stdout, o->json, false, o->verbose);
	kernel_settings_read("/proc/sys", settings);
	for (size_t i = 0; i < n; i++) {
		const struct kernel_setting *k = &settings[i];
		struct field f[] = {
			F_STR("name", k->name), F_STR("value", k->readable ? k->value : NULL),
			F_BOOL("readable", k->readable), F_STR("meaning", k->meaning), F_END,
		};
		if (o->json)
			report_event(&r, "setting", f, "%s", k->name);
		rows[i].name = k->name;
		snprintf(rows[i].value, sizeof(rows[i].value), "%s", k->readable ? k->value : "?");
		snprintf(rows[i].meaning, sizeof(rows[i].meaning), "%s", k->meaning);
	}
	/*
	 * The header names the two columns and the lines under them; -q
	 * leaves it out, as it does the socket list's.
	 */
	static const struct info_row header = { "SETTING", "VALUE", "WHAT IT MEANS" };
	int status = o->json ? EXIT_OK : info_print_rows(stdout, o->quiet ? NULL : &header, rows, n);
	free(settings);
	free(rows);
	return status;
}
