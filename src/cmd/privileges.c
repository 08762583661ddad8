/* Least privilege: which capabilities a command line keeps, and until when. */
#include "cmd/privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/privilege.h"
#include "view/report.h"

#define RAW PRIVILEGE_BIT(CAP_NET_RAW)
#define BIND PRIVILEGE_BIT(CAP_NET_BIND_SERVICE)
#define ADMIN PRIVILEGE_BIT(CAP_NET_ADMIN)

/* -O bind-device may need CAP_NET_RAW while the sockets are set up, past the capture's opening. */
static bool raw_for_sockets;

/*
 * What -O needs until the sockets are set up: CAP_NET_RAW for
 * bind-device (SO_BINDTODEVICE, where the kernel asks for it), and
 * CAP_NET_ADMIN for congestion, which picks an algorithm outside
 * net.ipv4.tcp_allowed_congestion_control, or loads its module, only with it.
 */
static uint64_t sockopt_needs(const struct options *o)
{
	return (sockopt_has(&o->sockopts, SOCKOPT_BIND_DEVICE) ? RAW : 0) |
	       (sockopt_has(&o->sockopts, SOCKOPT_CONGESTION) ? ADMIN : 0);
}

/*
 * What reads other users' /proc/PID/fd: the folder is theirs (mode 0500),
 * and its links need ptrace's read access.  Where CAP_DAC_READ_SEARCH is
 * not held (a container's root often lacks it), CAP_DAC_OVERRIDE opens the
 * folder as well.
 */
static uint64_t proc_readers(void)
{
	uint64_t held = 0;

	privilege_permitted(&held);
	return PRIVILEGE_BIT(CAP_SYS_PTRACE) | (held & PRIVILEGE_BIT(CAP_DAC_READ_SEARCH)
						? PRIVILEGE_BIT(CAP_DAC_READ_SEARCH)
						: PRIVILEGE_BIT(CAP_DAC_OVERRIDE));
}

/* What the run will still use; nothing for what is only read from files (trace FILE). */
static uint64_t run_needs(int command, int argc, char **argv, const struct options *o)
{
	bool capture = o->trace || o->pcap_path;  /* --ladder sets trace */
	bool source_port = o->source_port > 0;
	int port;

	if (command & (CMD_LISTEN | CMD_SERVER)) {
		/* On port 0 the kernel picks a free one, never a privileged one. */
		bool any_port = argc == 1 && parse_port(argv[0], &port) == NULL && port == 0;
		return (any_port ? 0 : BIND) | (command == CMD_LISTEN && capture ? RAW : 0) | sockopt_needs(o);
	}
	if (command & (CMD_CONNECT | CMD_SHUTDOWN))
		return (source_port ? BIND : 0) | (capture ? RAW : 0) | sockopt_needs(o);
	if (command == CMD_INFO && (o->watch || (argc == 0 && o->fd < 0 && !o->system)))
		return proc_readers();
	if (command == CMD_INFO && argc > 0)
		return (source_port ? BIND : 0) | (capture ? RAW : 0) | sockopt_needs(o);
	return 0;
}

int privileges_start(int command, int argc, char **argv, const struct options *o)
{
	uint64_t needs = run_needs(command, argc, argv, o);

	raw_for_sockets = (needs & sockopt_needs(o) & RAW) != 0;
	return privilege_keep(needs);
}

static void keep_or_end(const struct report *r, uint64_t caps)
{
	if (privilege_keep(caps) == 0)
		return;
	report_error(r, "cannot drop capabilities: %s", strerror(errno));
	exit(EXIT_NETWORK);
}

void privileges_capture_open(const struct report *r)
{
	keep_or_end(r, raw_for_sockets ? ~UINT64_C(0) : ~RAW);
}

void privileges_setup_done(const struct report *r)
{
	keep_or_end(r, 0);
}
