/* tcptool echo: every byte back to its sender, many clients at once. */
#include <stdio.h>

#include "commands.h"
#include "view/report.h"
#include "view/server_report.h"
#include "net/server.h"
#include "cmd/settings.h"

static void echo_data(struct server *s, struct server_conn *c, const char *buf, size_t len)
{
	server_send(s, c, buf, len);
}

/* The client's FIN: once its last bytes are back, ours follows. */
static void echo_peer_fin(struct server *s, struct server_conn *c)
{
	server_finish(s, c);
}

int cmd_echo(int argc, char **argv, const struct options *o)
{
	struct report r;
	struct server_report view;
	struct server_ops ops = { .on_data = echo_data, .on_peer_fin = echo_peer_fin };
	int port;

	if (!args_operands("echo", argc, argv, "PORT") || !args_port_operand("echo", argv[0], &port))
		return EXIT_USAGE;
	report_init(&r, stdout, o->json, o->quiet, o->verbose);
	r.batch = true;
	server_report_init(&view, &r);
	struct server_config cfg = settings_server(o, port, SERVER_READ_MAX, &view);
	/* Echo answers small writes one by one; Nagle would hold them back. */
	cfg.nodelay = true;
	return server_report_status(&view, server_run(&cfg, &ops));
}
