/* The unit test runner: build/unit GROUP runs one group, build/unit lists them. */
#include "unit.h"

#include <stdarg.h>
#include <stdlib.h>

int unit_failures;
int unit_checks;

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	unit_failures++;
}

static const struct {
	const char *name;
	void (*fn)(void);
} groups[] = {
	{ "args", test_args },
	{ "info_format", test_info_format },
	{ "trace_format", test_trace_format },
	{ "ladder", test_ladder },
	{ "probe", test_probe },
	{ "probe_stats", test_probe_stats },
	{ "segment", test_segment },
	{ "tcp_state", test_tcp_state },
	{ "kernel_settings", test_kernel_settings },
	{ "procnet", test_procnet },
	{ "sockdiag", test_sockdiag },
	{ "diag_bytecode", test_diag_bytecode },
	{ "owners", test_owners },
	{ "format", test_format },
	{ "sockdiff", test_sockdiff },
	{ "watch_report", test_watch_report },
	{ "info_watch", test_info_watch },
	{ "interval", test_interval },
	{ "progress", test_progress },
	{ "rate_limit", test_rate_limit },
	{ "textbuf", test_textbuf },
	{ "pattern", test_pattern },
	{ "measure_report", test_measure_report },
	{ "conn_table", test_conn_table },
	{ "trace_file", test_trace_file },
	{ "sockopt", test_sockopt },
};

int main(int argc, char **argv)
{
	size_t n = sizeof(groups) / sizeof(groups[0]);

	if (argc != 2) {
		for (size_t i = 0; i < n; i++)
			puts(groups[i].name);
		return argc == 1 ? 0 : 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], groups[i].name) != 0)
			continue;
		groups[i].fn();
		printf("%s: %s, %d checks\n", groups[i].name, unit_failures ? "FAILED" : "ok", unit_checks);
		return unit_failures ? 1 : 0;
	}
	fprintf(stderr, "unit: no group '%s'\n", argv[1]);
	return 2;
}
