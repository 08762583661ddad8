/*
 * libFuzzer target: a peer's bytes on their way into the event stream.
 * format_printable() escapes them (ack's messages); report_format() puts
 * the result, or any string, into a line or a JSON object.  The checks:
 * the escaped text is printable ASCII and fits, the JSON has no raw
 * control byte, and both report the length they needed as snprintf does.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s, size_t size)
{
	size_t n = strlen(s);

	if (n >= size)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char shown[513], line[4096];
	/* The first byte picks the output size, so that every cut is tried. */
	size_t cap = size ? 1 + data[0] % sizeof(shown) : sizeof(shown);
	const char *bytes = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0;

	format_printable(bytes, len, shown, cap);
	check_printable(shown, cap);

	/* Raw bytes as a string field (up to the first NUL), as any text may come. */
	char *raw = malloc(len + 1);
	if (raw == NULL)
		return 0;
	memcpy(raw, bytes, len);
	raw[len] = '\0';
	struct field f[] = {
		F_STR("text", shown), F_STR("raw", raw), F_INT("bytes", len), F_BOOL("cut", len & 1),
		F_MS("took_ms", (int64_t)len * 1000003), F_END,
	};
	for (int json = 0; json <= 1; json++) {
		size_t need = report_format(line, sizeof(line), json, "message", (int64_t)len * 7919, raw, f);
		size_t got = strlen(line);
		if (got >= sizeof(line) || (need < sizeof(line) && got != need))
			abort();
		for (size_t i = 0; json && i < got; i++)
			if ((unsigned char)line[i] < 0x20)
				abort();  /* JSON strings carry control bytes escaped */
	}
	free(raw);
	return 0;
}
