/* A bounded appender that keeps counting past the end, like snprintf. */
#include "base/textbuf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct textbuf textbuf_on(char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	return (struct textbuf){ buf, size, 0 };
}

void textbuf_put(struct textbuf *t, const char *s, size_t n)
{
	if (t->len + 1 < t->size) {
		size_t room = t->size - t->len - 1;
		size_t k = n < room ? n : room;
		memcpy(t->buf + t->len, s, k);
		t->buf[t->len + k] = '\0';
	}
	t->len += n;
}

void textbuf_puts(struct textbuf *t, const char *s)
{
	textbuf_put(t, s, strlen(s));
}

void textbuf_printf(struct textbuf *t, const char *fmt, ...)
{
	va_list ap;
	bool room = t->len < t->size;

	va_start(ap, fmt);
	int k = vsnprintf(room ? t->buf + t->len : NULL, room ? t->size - t->len : 0, fmt, ap);
	va_end(ap);
	t->len += k > 0 ? (size_t)k : 0;
}
