/* A capture file read with libpcap (pcap or pcapng, as tcpdump -w, Wireshark or --pcap wrote it), frame by frame, as TCP segments. */
#ifndef TCPTOOL_CAPTURE_FILE_H
#define TCPTOOL_CAPTURE_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "net/segment.h"

/*
 * Reading prints nothing: a failure comes back as errno and, in the
 * caller's buffer, libpcap's words (or strerror's).  Built without libpcap
 * (make PCAP=0), opening fails with ENOSYS.
 */
#define CAPTURE_FILE_WHY_MAX 512

struct capture_file;

/* What was read so far. */
struct capture_file_stats {
	uint64_t frames;      /* every frame */
	uint64_t segments;    /* those that decoded as TCP segments */
};

/*
 * Opens path for reading.  Returns the file, or NULL with errno and why:
 * the open's own errno (ENOENT, EACCES...), EISDIR, ENODATA (the file is
 * empty), EINVAL (libpcap does not take it for a capture: why has its
 * words), EPROTONOSUPPORT (frames of a link type that holds no IP: why
 * names it), ENOMEM, ENOSYS (built without libpcap).
 */
struct capture_file *capture_file_open(const char *path, char *why, size_t size);

/* The same over an open stream, which the capture file owns from now on, failed or not. */
struct capture_file *capture_file_fopen(FILE *f, char *why, size_t size);

/*
 * The next frame that is a TCP segment, and when it was captured (ns since
 * the epoch, from the file's own timestamps); frames that are not skip by.
 * Returns 1, 0 at the end of the file, or -1 when the file breaks off,
 * with errno ENODATA (it ends in the middle of a frame) or EINVAL (a
 * damaged record or block) and libpcap's words in why.
 */
int capture_file_next(struct capture_file *cf, struct tcp_segment *s, int64_t *t_ns, char *why, size_t size);

/* Counts of what capture_file_next has read. */
struct capture_file_stats capture_file_stats(const struct capture_file *cf);

/* The link type's name, as libpcap says it ("EN10MB", "LINUX_SLL2"). */
const char *capture_file_link_name(const struct capture_file *cf);

/* Closes it; cf may be NULL. */
void capture_file_close(struct capture_file *cf);

#endif
