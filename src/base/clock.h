/* The one clock tcptool times things with. */
#ifndef TCPTOOL_CLOCK_H
#define TCPTOOL_CLOCK_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t now_ns(void);

#endif
