/*
 * tcptool ack: read a client's message, show it, answer --reply, close.
 * With --lines every line is a message and the connection stays open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "view/report.h"
#include "view/server_report.h"
#include "net/server.h"
#include "cmd/settings.h"

#define ACK_MESSAGE_MAX 4096  /* one read; with --lines, the longest line answered whole */
#define ACK_SHOWN_MAX 512     /* characters of a message shown, after escaping */

struct ack {
	const char *reply;   /* what a message gets back */
	size_t reply_len;
	const struct report *r;
};

/* --lines: the bytes of a line not yet complete, and lines waiting for the client to read. */
struct ack_conn {
	char *buf;
	size_t len, cap;
};

static void report_message(const struct ack *a, const struct server_conn *c, const char *msg,
			   size_t len)
{
	char shown[ACK_SHOWN_MAX + 1];

	if (a->r->quiet)
		return;
	bool cut = format_printable(msg, len, shown, sizeof(shown));
	struct field f[] = {
		F_STR("peer", c->names.peer), F_INT("bytes", len), F_STR("text", shown),
		F_BOOL("truncated", cut), F_INT("conn", c->id), F_END,
	};

	if (len == 0)
		report_event(a->r, "message", f, "message from %s: none, the client sent FIN first",
			     c->names.peer);
	else
		report_event(a->r, "message", f, "message from %s, %zu byte%s: \"%s\"%s", c->names.peer,
			     len, len == 1 ? "" : "s", shown, cut ? "..." : "");
}

static void answer(struct server *s, struct server_conn *c, const char *msg, size_t len)
{
	const struct ack *a = server_ctx(s);

	report_message(a, c, msg, len);
	server_send(s, c, a->reply, a->reply_len);
}

/* One message: what the first read returned, or nothing when FIN came first. */
static void ack_data(struct server *s, struct server_conn *c, const char *buf, size_t len)
{
	answer(s, c, buf, len);
	server_finish(s, c);
}

static void ack_peer_fin(struct server *s, struct server_conn *c)
{
	ack_data(s, c, "", 0);
}

/*
 * Answers the complete lines buffered, while the client keeps up: past
 * SERVER_READ_MAX unsent bytes it waits for on_drained.  A line that
 * reaches ACK_MESSAGE_MAX without a newline is answered as it is; at EOF
 * so is the last, unterminated one.
 */
static void answer_lines(struct server *s, struct server_conn *c)
{
	struct ack_conn *ac = c->data;
	size_t off = 0;

	while (ac && off < ac->len && server_pending(c) < SERVER_READ_MAX) {
		const char *line = ac->buf + off;
		size_t left = ac->len - off;
		const char *nl = memchr(line, '\n', left < ACK_MESSAGE_MAX ? left : ACK_MESSAGE_MAX);
		size_t n = nl ? (size_t)(nl - line) + 1 : left;
		if (nl == NULL && left < ACK_MESSAGE_MAX && !c->peer_fin)
			break;
		if (n > ACK_MESSAGE_MAX)
			n = ACK_MESSAGE_MAX;
		answer(s, c, line, n);
		off += n;
	}
	if (ac && off > 0) {
		ac->len -= off;
		memmove(ac->buf, ac->buf + off, ac->len);
	}
	/* A quiet client holds no buffer. */
	if (ac && ac->len == 0 && ac->buf) {
		free(ac->buf);
		ac->buf = NULL;
		ac->cap = 0;
	}
	if (c->peer_fin && (ac == NULL || ac->len == 0))
		server_finish(s, c);
}

static void lines_data(struct server *s, struct server_conn *c, const char *buf, size_t len)
{
	struct ack_conn *ac = c->data;

	if (ac == NULL && (ac = c->data = calloc(1, sizeof(*ac))) == NULL) {
		c->err = ENOMEM;
		return;
	}
	if (ac->len + len > ac->cap) {
		char *grown = realloc(ac->buf, ac->len + len);
		if (grown == NULL) {
			c->err = ENOMEM;
			return;
		}
		ac->buf = grown;
		ac->cap = ac->len + len;
	}
	if (len > 0)  /* never called with none; and memcpy() must not see a NULL buffer */
		memcpy(ac->buf + ac->len, buf, len);
	ac->len += len;
	answer_lines(s, c);
}

static void lines_close(struct server *s, struct server_conn *c)
{
	struct ack_conn *ac = c->data;

	(void)s;
	if (ac)
		free(ac->buf);
	free(ac);
	c->data = NULL;
}

int cmd_ack(int argc, char **argv, const struct options *o)
{
	struct report r;
	struct server_report view;
	struct ack a = { .reply = o->reply_text, .r = &r };
	struct server_ops ops = { .on_data = ack_data, .on_peer_fin = ack_peer_fin, .ctx = &a };
	char *line_reply = NULL;
	int port;

	if (!args_operands("ack", argc, argv, "PORT") || !args_port_operand("ack", argv[0], &port))
		return EXIT_USAGE;
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	r.batch = true;
	a.reply_len = strlen(a.reply);
	if (o->lines) {
		/* A line gets a line back. */
		if ((line_reply = malloc(a.reply_len + 2)) == NULL) {
			report_error(&r, "%s", strerror(errno));
			return EXIT_NETWORK;
		}
		snprintf(line_reply, a.reply_len + 2, "%s\n", a.reply);
		a.reply = line_reply;
		a.reply_len++;
		ops = (struct server_ops){ .on_data = lines_data, .on_peer_fin = answer_lines,
					   .on_drained = answer_lines, .on_close = lines_close, .ctx = &a };
	}
	server_report_init(&view, &r);
	struct server_config cfg = settings_server(o, port, ACK_MESSAGE_MAX, &view);
	int status = server_report_status(&view, server_run(&cfg, &ops));
	free(line_reply);
	return status;
}
