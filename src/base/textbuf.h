/*
 * Text appended to a buffer that may be too small, as snprintf writes:
 * what fits goes in, always ended by a NUL, and len counts what did not
 * fit too, so that the caller learns the length it needed.
 */
#ifndef TCPTOOL_TEXTBUF_H
#define TCPTOOL_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char *buf;
	size_t size, len;
};

/* An empty text in buf (size may be 0, buf then NULL). */
struct textbuf textbuf_on(char *buf, size_t size);

/* Appends n bytes of s. */
void textbuf_put(struct textbuf *t, const char *s, size_t n);

/* Appends the NUL-ended string s. */
void textbuf_puts(struct textbuf *t, const char *s);

/* Appends what printf would write. */
void textbuf_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
