/* Explained rows on a stream, as wide as the reader's terminal allows. */
#include "view/info_print.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "view/info_format.h"

/* How wide explained rows may be on out. */
static int info_width(FILE *out)
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

	if (text == NULL)
		return -1;
	info_format_rows(text, len, header, rows, n, width);
	fputs(text, out);
	free(text);
	return 0;
}

int info_print_legend(FILE *out, const struct info_legend *legend, size_t n)
{
	struct info_row *rows = calloc(n ? n : 1, sizeof(*rows));

	if (rows == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		rows[i].name = legend[i].name;
		snprintf(rows[i].meaning, sizeof(rows[i].meaning), "%s", legend[i].meaning);
	}
	int rc = info_print_rows(out, NULL, rows, n);
	free(rows);
	return rc;
}
