/*
 * The data --load sends and --verify checks: a pattern that depends on
 * each byte's offset in the stream, so that a lost, repeated or reordered
 * byte shows, and that repeats every PATTERN_PERIOD bytes, so that the
 * kernel can send it from one small file again and again without a copy.
 */
#ifndef TCPTOOL_PATTERN_H
#define TCPTOOL_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define PATTERN_PERIOD (4u << 20)   /* 4 MiB, a multiple of 8 */

/* Writes the len bytes of the pattern that start at stream offset 'offset'. */
void pattern_fill(unsigned char *buf, uint64_t offset, size_t len);

/*
 * Checks len bytes that arrived at stream offset 'offset'.  Returns the
 * index in buf of the first byte that differs from the pattern, or len
 * when all of them match.
 */
size_t pattern_check(const unsigned char *buf, uint64_t offset, size_t len);

/*
 * A memory file holding one period of the pattern, for sendfile().
 * Returns its descriptor, or -1 with errno set.
 */
int pattern_memfd(void);

#endif
