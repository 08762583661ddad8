/*
 * tcptool's exit statuses, documented under EXIT STATUS in tcptool(1): a
 * contract with scripts, so they live at the bottom, where the commands and
 * the view that turns events into a status can both name them.
 */
#ifndef TCPTOOL_EXIT_STATUS_H
#define TCPTOOL_EXIT_STATUS_H

enum {
	EXIT_OK = 0,
	EXIT_NETWORK = 1,   /* connection failed or broke */
	EXIT_USAGE = 2,     /* usage error or invalid argument */
	EXIT_RESOLVE = 3,   /* name resolution failed */
	EXIT_TIMEOUT = 4,   /* timed out */
	EXIT_SOCKOPT = 5,   /* the kernel refused a socket option (-O) */
};

#endif
