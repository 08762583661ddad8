/*
 * stdout as a stream that remembers why a write failed.  stdio keeps only
 * an error flag: a failure in a flush along the way, long before exit,
 * would otherwise leave "write to stdout failed" without its reason.
 */
#ifndef TCPTOOL_STDOUT_STREAM_H
#define TCPTOOL_STDOUT_STREAM_H

/* Replaces stdout, keeping its buffering (by line on a terminal). */
void stdout_stream_init(void);

/* The errno of the first write to stdout that failed, or 0. */
int stdout_stream_errno(void);

#endif
