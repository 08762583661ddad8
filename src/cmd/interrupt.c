/* Ctrl-C and SIGTERM as a request to stop, shared by the commands. */
#include "cmd/interrupt.h"

#include <string.h>

volatile sig_atomic_t interrupt_signal;

static void on_interrupt(int sig)
{
	interrupt_signal = sig;
}

void interrupt_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESETHAND;  /* no SA_RESTART: poll() returns EINTR and the loop sees it */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void interrupt_release(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

void interrupt_reraise(void)
{
	if (interrupt_signal)
		raise(interrupt_signal);
}
