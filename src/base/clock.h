/* The clocks tcptool times things with: the monotonic one, and CPU time. */
#ifndef TCPTOOL_CLOCK_H
#define TCPTOOL_CLOCK_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t now_ns(void);

/* The CPU time this process has used so far, in user and kernel mode, in nanoseconds. */
void cpu_ns(int64_t *user, int64_t *sys);

#endif
