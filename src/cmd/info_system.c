/* tcptool info --system: the kernel's TCP settings, each with what it changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/info.h"
#include "kernel/kernel_settings.h"
#include "view/info_format.h"
#include "view/info_print.h"
#include "view/report.h"

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
	int status = EXIT_OK;
	if (!o->json && info_print_rows(stdout, o->quiet ? NULL : &header, rows, n) < 0) {
		fprintf(stderr, "tcptool: %s\n", strerror(errno));
		status = EXIT_NETWORK;
	}
	free(settings);
	free(rows);
	return status;
}
