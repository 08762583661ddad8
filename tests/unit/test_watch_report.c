/* view/watch_report.c: info --watch's header lines, socket labels, a closed socket's totals and the idle sockets' line. */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <time.h>

#include "net/tcp_state.h"
#include "view/watch_report.h"

static struct tcp_sock sock(int state, int lport, int pport)
{
	struct tcp_sock s;
	struct sockaddr_in *l = (struct sockaddr_in *)&s.local, *p = (struct sockaddr_in *)&s.peer;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = state;
	l->sin_family = p->sin_family = AF_INET;
	l->sin_port = htons((uint16_t)lport);
	p->sin_port = htons((uint16_t)pport);
	inet_pton(AF_INET, "127.0.0.1", &l->sin_addr);
	inet_pton(AF_INET, "10.0.0.2", &p->sin_addr);
	return s;
}

void test_watch_report(void)
{
	char b[256];

	setenv("TZ", "UTC", 1);
	tzset();
	struct watch_block base = { .number = 0, .sockets = 3, .interval_ms = 1000, .wall = 3723 };
	watch_format_header(b, sizeof(b), &base);
	CHECK_STR(b, "01:02:03  3 sockets: the baseline; figures every 1 s from the next report on");
	base.sockets = 1;
	base.interval_ms = 250;
	watch_format_header(b, sizeof(b), &base);
	CHECK_STR(b, "01:02:03  1 socket: the baseline; figures every 250 ms from the next report on");
	struct watch_block later = { .number = 4, .sockets = 0, .opened = 1, .closed = 2, .wall = 3724 };
	watch_format_header(b, sizeof(b), &later);
	CHECK_STR(b, "01:02:04  0 sockets, 1 new, 2 closed");

	/* The owner when we see it, the uid when we may not, nothing for the kernel's own. */
	struct tcp_sock s = sock(TCP_ESTABLISHED, 5000, 40001);
	s.owners = 2;
	s.pid = 812;
	snprintf(s.command, sizeof(s.command), "tcptool");
	CHECK_INT(watch_format_label(b, sizeof(b), &s), strlen(b));
	CHECK_STR(b, "127.0.0.1:5000 > 10.0.0.2:40001 ESTABLISHED tcptool (pid 812)");
	s.owners = 0;
	s.inode = 77;
	s.uid = 1000;
	watch_format_label(b, sizeof(b), &s);
	CHECK_STR(b, "127.0.0.1:5000 > 10.0.0.2:40001 ESTABLISHED (uid 1000)");
	s = sock(TCP_TIME_WAIT, 5000, 40001);
	watch_format_label(b, sizeof(b), &s);
	CHECK_STR(b, "127.0.0.1:5000 > 10.0.0.2:40001 TIME_WAIT");
	s = sock(TCP_LISTEN, 80, 0);
	watch_format_label(b, sizeof(b), &s);
	CHECK_STR(b, "127.0.0.1:80 > * LISTEN");
	/* Too small a buffer: cut, and the length it needed. */
	CHECK_INT(watch_format_label(b, 8, &s), strlen("127.0.0.1:80 > * LISTEN"));
	CHECK_STR(b, "127.0.0");

	struct flow_sample last = { .bytes_out = 1250000, .bytes_in = 0, .have_info = true };
	last.ti.total_retrans = 1;
	watch_format_totals(b, sizeof(b), &last);
	CHECK_STR(b, "in all sent 1.25 MB, received 0 B; retransmitted 1 segment");
	last.ti.total_retrans = 3;
	watch_format_totals(b, sizeof(b), &last);
	CHECK_STR(b, "in all sent 1.25 MB, received 0 B; retransmitted 3 segments");
	last.have_info = false;
	last.bytes_in = 999;
	watch_format_totals(b, sizeof(b), &last);
	CHECK_STR(b, "in all sent 1.25 MB, received 999 B");

	/* The idle sockets' one line, in the column of the sockets' lines. */
	watch_format_idle(b, sizeof(b), 9998);
	CHECK_STR(b, "         9998 sockets idle (not shown; -v shows every socket)");
	watch_format_idle(b, sizeof(b), 1);
	CHECK_STR(b, "         1 socket idle (not shown; -v shows every socket)");
	CHECK_INT(watch_format_idle(b, 4, 2), strlen("         2 sockets idle (not shown; -v shows every socket)"));
	CHECK_STR(b, "   ");

	/* The JSON header counts them; in JSON the idle line is not printed, nor for 0. */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct report r;
	struct watch_block blk = { .number = 3, .sockets = 10, .opened = 1, .idle = 7, .interval_ms = 1000 };
	report_init(&r, out, true, false, 0);
	watch_report_block(&r, &blk);
	watch_report_idle(&r, 7);
	report_init(&r, out, false, false, 0);
	watch_report_idle(&r, 0);
	watch_report_idle(&r, 2);
	fclose(out);
	CHECK_CONTAINS(text, "\"sockets\":10,\"opened\":1,\"closed\":0,\"idle\":7,");
	CHECK_CONTAINS(text, "}\n         2 sockets idle (not shown; -v shows every socket)\n");
	CHECK_INT(strlen(strchr(text, '\n') + 1), strlen("         2 sockets idle (not shown; -v shows every socket)\n"));
	free(text);
}
