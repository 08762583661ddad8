/* base/textbuf.c: appending to a buffer that may be too small, counting what did not fit. */
#include "unit.h"

#include "base/textbuf.h"

void test_textbuf(void)
{
	char b[8];
	struct textbuf t = textbuf_on(b, sizeof(b));

	textbuf_puts(&t, "ab");
	textbuf_printf(&t, "%d-%s", 12, "x");
	CHECK_STR(b, "ab12-x");
	CHECK_INT(t.len, 6);
	/* Past the end: cut, NUL-ended, and the length needed counted. */
	textbuf_printf(&t, "%s", "0123456789");
	CHECK_STR(b, "ab12-x0");
	CHECK_INT(t.len, 16);
	textbuf_put(&t, "yz", 2);
	CHECK_STR(b, "ab12-x0");
	CHECK_INT(t.len, 18);
	/* No buffer at all: only the count. */
	struct textbuf none = textbuf_on(NULL, 0);
	textbuf_printf(&none, "%s", "hello");
	textbuf_puts(&none, "!");
	CHECK_INT(none.len, 6);
	/* A put that fits exactly. */
	char c[4];
	struct textbuf e = textbuf_on(c, sizeof(c));
	textbuf_put(&e, "abc", 3);
	CHECK_STR(c, "abc");
	CHECK_INT(e.len, 3);
}
