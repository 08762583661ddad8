/*
 * What the servers (echo, ack) show: their events as lines or JSON
 * objects, and the exit status that follows from how serving ended.
 */
#ifndef TCPTOOL_SERVER_REPORT_H
#define TCPTOOL_SERVER_REPORT_H

#include <stdbool.h>

#include "net/server.h"
#include "view/report.h"

struct server_report {
	const struct report *r;
	int status;   /* the exit status so far */
};

void server_report_init(struct server_report *v, const struct report *r);

/*
 * The server's event callback (server_config.on_event, with event_ctx a
 * struct server_report).  Under --quiet it formats nothing but errors.
 */
bool server_report_event(void *ctx, const struct server_event *ev);

/* The exit status, from server_run's result and the events seen. */
int server_report_status(const struct server_report *v, int run_result);

#endif
