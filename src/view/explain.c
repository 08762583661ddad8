/* What an errno means in TCP terms, for the one line a failure prints. */
#include "view/explain.h"

#include <errno.h>
#include <stddef.h>

const char *explain_errno(int err, enum explain_phase phase)
{
	switch (err) {
	case ECONNREFUSED: return "nothing listens there: the peer answered the SYN with RST";
	case ETIMEDOUT:
		return phase == PHASE_CONNECT ? "the SYN got no answer"
					      : "the peer stopped answering: our data or probes went unacknowledged too long";
	case ECONNRESET: return "the peer aborted the connection with RST";
	case EPIPE: return "the connection can no longer carry data from us";
	case EHOSTUNREACH: return "no route to the host";
	case ENETUNREACH: return "no route to that network";
	case EADDRINUSE: return "another socket holds that address and port";
	case EADDRNOTAVAIL: return "that address is not one of this host's";
	case EACCES:
		return phase == PHASE_BIND ? "ports below 1024 need root or CAP_NET_BIND_SERVICE" : NULL;
	case EAFNOSUPPORT: return "no address of that family to use";
	default: return NULL;
	}
}
