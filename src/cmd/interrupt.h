/*
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop: the command finishes
 * what it shows (a summary, the totals), then ends as the signal would
 * have ended it.  A second signal, should the first go unnoticed, ends
 * tcptool at once.
 */
#ifndef TCPTOOL_INTERRUPT_H
#define TCPTOOL_INTERRUPT_H

#include <signal.h>

/* The signal caught since interrupt_catch(); 0: none. */
extern volatile sig_atomic_t interrupt_signal;

/* From now on SIGINT and SIGTERM set interrupt_signal, once each. */
void interrupt_catch(void);

/* Gives SIGINT and SIGTERM their default action back. */
void interrupt_release(void);

/*
 * After interrupt_release(): when a signal was caught, raises it again, so
 * that the shell sees tcptool end by it (status 130 for Ctrl-C).
 */
void interrupt_reraise(void);

#endif
