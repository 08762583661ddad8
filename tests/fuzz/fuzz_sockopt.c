/*
 * libFuzzer target: one -O argument into the socket option list
 * (sockopt_parse), and the sockopt event's text for what it asked.  The
 * checks: a list never grows past SOCKOPT_MAX nor holds an option twice; a
 * failure leaves the list as it was and always says why, within its
 * buffer; every parsed option's text and names are NUL-terminated, and
 * the events' texts fit their buffers, at every size.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/sockopt.h"
#include "view/sockopt_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_list(const struct sockopt_list *l)
{
	if (l->n < 0 || l->n > SOCKOPT_MAX)
		abort();
	for (int i = 0; i < l->n; i++) {
		const struct sockopt_req *q = &l->req[i];
		if (sockopt_def(q->id) == NULL)
			abort();
		if (memchr(q->text, '\0', sizeof(q->text)) == NULL || memchr(q->v.str, '\0', sizeof(q->v.str)) == NULL)
			abort();
		for (int j = 0; j < i; j++)
			if (l->req[j].id == q->id)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the message buffer's size, so that every cut is tried. */
	size_t cap = size ? 1 + data[0] % 600 : 600;
	char *arg = malloc(size ? size : 1);
	char why[600];
	struct sockopt_list l = { 0 }, before;

	if (arg == NULL)
		return 0;
	if (size > 1)
		memcpy(arg, data + 1, size - 1);
	arg[size ? size - 1 : 0] = '\0';

	/* Twice into one list: the second adds to, or replaces in, the first. */
	for (int round = 0; round < 2; round++) {
		memcpy(&before, &l, sizeof(l));
		memset(why, 'x', sizeof(why));
		bool ok = sockopt_parse(arg, &l, why, cap);
		if (!ok) {
			if (memcmp(&before, &l, sizeof(l)) != 0 || memchr(why, '\0', cap) == NULL ||
			    (cap > 1 && why[0] == '\0'))
				abort();
		}
		check_list(&l);
	}

	/* What the events would say of each, granted as asked or not. */
	for (int i = 0; i < l.n; i++) {
		char text[1024];
		struct sockopt_result x = {
			.id = l.req[i].id, .req = &l.req[i], .family = i % 2 ? 10 : 2, .listener = i % 3 == 0,
			.read = i % 5 != 4, .asked = l.req[i].v, .granted = l.req[i].v, .err = 22,
		};
		if (i % 2)
			x.granted.n = x.granted.n * 2 + 1;
		size_t tcap = 1 + (size_t)(data[0] * 7 + i) % sizeof(text);
		sockopt_describe(&x, x.listener, i % 2, i % 4 - 1, text, tcap);
		if (memchr(text, '\0', tcap) == NULL)
			abort();
		sockopt_refusal_text(&x, "reno cubic", "reno", i % 4 - 1, text, tcap);
		if (memchr(text, '\0', tcap) == NULL)
			abort();
	}
	free(arg);
	return 0;
}
