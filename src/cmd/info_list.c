/* tcptool info (no HOST PORT): this host's TCP sockets as a table or JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/info.h"
#include "view/info_format.h"
#include "view/report.h"
#include "net/sock.h"
#include "kernel/socklist.h"
#include "base/clock.h"
#include "net/tcp_state.h"

/* What the list is made of, on stderr: only when it changes what the user sees. */
void info_list_notes(const struct socklist *l, const struct options *o)
{
	if (o->quiet)
		return;
	if (l->from_proc)
		fprintf(stderr, "tcptool: netlink sock_diag is unavailable (%s); read /proc/net/tcp "
			"instead, so no tcp_info and no listener backlog\n", strerror(l->netlink_err));
	if (l->hidden_owners)
		fprintf(stderr, "tcptool: %zu socket%s of other users show%s no process: only root "
			"may look into other users' /proc/PID/fd\n", l->hidden_owners,
			l->hidden_owners == 1 ? "" : "s", l->hidden_owners == 1 ? "s" : "");
}

static unsigned states_wanted(const struct options *o)
{
	if (o->state_mask)
		return o->state_mask;
	if (o->listening)
		return TCP_STATE_BIT(TCP_LISTEN);
	return o->all_states ? SOCKLIST_ALL : SOCKLIST_CONNECTED;
}

void info_list_query(const struct options *o, struct socklist_query *q)
{
	*q = (struct socklist_query){
		.family = o->family,
		.states = states_wanted(o),
		.port = o->port_filter,
		.want_info = o->verbose > 0,
	};
}

int info_list(const struct options *o)
{
	struct socklist_query q;
	struct socklist l;
	struct sock_columns w;
	char line[4096];
	int64_t t0 = now_ns();

	info_list_query(o, &q);
	if (socklist_collect(&q, &l) < 0) {
		struct report r;
		report_init(&r, stdout, o->json, o->quiet, o->verbose);
		report_error(&r, "cannot list sockets: %s", strerror(errno));
		return EXIT_NETWORK;
	}
	info_list_notes(&l, o);
	info_sock_columns(l.v, l.n, &w);
	if (l.n > 0 && !o->json && !o->quiet) {
		info_format_header(line, sizeof(line), &w);
		puts(line);
	}
	for (size_t i = 0; i < l.n; i++) {
		if (o->json) {
			info_format_sock_json(line, sizeof(line), &l.v[i], o->verbose, now_ns() - t0);
			puts(line);
			continue;
		}
		info_format_sock(line, sizeof(line), &l.v[i], &w);
		puts(line);
		if (o->verbose && info_format_sock_detail(line, sizeof(line), &l.v[i]) > 0)
			puts(line);
	}
	size_t n = l.n;
	socklist_free(&l);
	if (n == 0) {
		if (!o->quiet)
			fprintf(stderr, "tcptool: no socket matched%s\n",
				q.states == SOCKLIST_CONNECTED ? " (the list shows connected sockets; "
				"-l shows listeners, -a every state)" : "");
		return EXIT_NETWORK;
	}
	return EXIT_OK;
}
