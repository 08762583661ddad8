/* Who holds a local TCP port, from the same socket list `info` shows. */
#include "kernel/port_holder.h"

#include <stdio.h>
#include <string.h>

#include "kernel/socklist.h"
#include "net/tcp_state.h"


int port_holder_find(int port, struct port_use *use)
{
	struct socklist_query q = { .family = AF_UNSPEC, .states = SOCKLIST_ALL, .port = port };
	struct socklist l;

	memset(use, 0, sizeof(*use));
	if (socklist_collect(&q, &l) < 0)
		return -1;
	for (size_t i = 0; i < l.n; i++) {
		const struct tcp_sock *s = &l.v[i];
		if (socklist_port(&s->local) != port)
			continue; /* only its peer's port matched */
		if (s->state == TCP_TIME_WAIT) {
			use->time_wait++;
		} else if (s->state != TCP_LISTEN) {
			use->other++;
		} else {
			use->listening++;
			if (s->owners > 0 && use->owners < PORT_HOLDER_MAX_OWNERS) {
				use->pid[use->owners] = s->pid;
				snprintf(use->comm[use->owners], sizeof(use->comm[0]), "%s", s->command);
				use->owners++;
			}
		}
	}
	socklist_free(&l);
	return 0;
}
