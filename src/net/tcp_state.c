/* TCP's states by name, and what each means, for people. */
#include "net/tcp_state.h"

#include <ctype.h>
#include <string.h>

const char *tcp_state_name(int state)
{
	static const char *const names[] = {
		[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT", [TCP_SYN_RECV] = "SYN_RECV",
		[TCP_FIN_WAIT1] = "FIN_WAIT1", [TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
		[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT", [TCP_LAST_ACK] = "LAST_ACK",
		[TCP_LISTEN] = "LISTEN", [TCP_CLOSING] = "CLOSING", [TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
	};

	if (state <= 0 || state >= (int)(sizeof(names) / sizeof(names[0])))
		return "UNKNOWN";
	return names[state];
}

const char *tcp_state_meaning(int state)
{
	static const char *const meanings[] = {
		[TCP_ESTABLISHED] = "the handshake is complete: data may flow both ways",
		[TCP_SYN_SENT] = "our SYN is out; waiting for the peer's SYN-ACK",
		[TCP_SYN_RECV] = "the peer's SYN got our SYN-ACK; waiting for its ACK",
		[TCP_FIN_WAIT1] = "we sent FIN; waiting for the peer to acknowledge it",
		[TCP_FIN_WAIT2] = "our FIN is acknowledged; the peer may still send until its own FIN",
		[TCP_TIME_WAIT] = "both FINs are done; the port pair rests 60 s so stray segments die out",
		[TCP_CLOSE] = "the socket is closed",
		[TCP_CLOSE_WAIT] = "the peer sent FIN; we may still send until we close",
		[TCP_LAST_ACK] = "we closed after the peer's FIN; waiting for the ACK of ours",
		[TCP_LISTEN] = "waiting for connections; finished handshakes queue until accept()",
		[TCP_CLOSING] = "both sides sent FIN at once; waiting for the ACK of ours",
	};

	if (state <= 0 || state >= (int)(sizeof(meanings) / sizeof(meanings[0])))
		return "a state this kernel reports but tcptool does not know";
	return meanings[state];
}

int tcp_state_by_name(const char *name)
{
	char want[32], have[32];
	size_t n = 0;

	/* "fin-wait-2", "FIN_WAIT2" and "finwait2" all name one state. */
	for (const char *p = name; *p && n < sizeof(want) - 1; p++)
		if (*p != '-' && *p != '_')
			want[n++] = (char)tolower((unsigned char)*p);
	want[n] = '\0';
	for (int st = TCP_ESTABLISHED; st <= TCP_CLOSING; st++) {
		n = 0;
		for (const char *p = tcp_state_name(st); *p; p++)
			if (*p != '_')
				have[n++] = (char)tolower((unsigned char)*p);
		have[n] = '\0';
		if (n > 0 && strcmp(want, have) == 0)
			return st;
	}
	return 0;
}
