/* The capture behind --trace and --pcap: libpcap on the "any" device, a kernel filter, each TCP segment to a callback, chosen frames to a file. */
#ifndef TCPTOOL_CAPTURE_H
#define TCPTOOL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/segment.h"

/*
 * Capturing prints nothing: a failure comes back as errno and, in the
 * caller's buffer of CAPTURE_WHY_MAX bytes, libpcap's words.  Built without
 * libpcap (make PCAP=0), capture_open fails with ENOSYS.
 */
#define CAPTURE_WHY_MAX 256

struct capture;

/* The frame behind a segment, as captured: what capture_dump writes.  Valid during the callback only. */
struct capture_frame;

/*
 * Called for each captured frame that decodes as a TCP segment: s (its
 * ifindex names the interface it was seen on, 0: unknown), when it was
 * seen, in ns on now_ns()'s clock, and the frame itself.
 */
typedef void capture_fn(void *ctx, const struct tcp_segment *s, int64_t t_ns,
			const struct capture_frame *frame);

/* How much of each frame to keep: the headers the decoder reads, or all of it (for a file). */
enum capture_snap { CAPTURE_HEADERS, CAPTURE_WHOLE_FRAMES };

/*
 * Starts capturing on every interface, non-blocking, with a kernel filter
 * that passes nothing yet.  Returns the capture, or NULL with errno: EPERM
 * (capturing needs CAP_NET_RAW), ENOSYS (built without libpcap), ENOMEM,
 * or EIO (libpcap failed: why says how).  why is filled on every failure.
 */
struct capture *capture_open(capture_fn *fn, void *ctx, enum capture_snap snap, char *why, size_t size);

/* The descriptor to poll for frames waiting. */
int capture_fd(const struct capture *c);

/*
 * The filter that passes the segments between local and peer (peer NULL:
 * any peer of local's port, as for a listening socket; local_any: any
 * address of local's port): "tcp port 80 and host 127.0.0.1 and ...".
 */
char *capture_filter_text(const struct seg_end *local, bool local_any, const struct seg_end *peer,
			  char *buf, size_t size);

/*
 * Installs a kernel filter in libpcap's language (capture_filter_text);
 * libpcap flushes what the old one let through.  Returns 0, or -1 with
 * libpcap's words in why.
 */
int capture_set_filter(struct capture *c, const char *filter, char *why, size_t size);

/*
 * Hands what is waiting to the callback, a few reads at most, so that a
 * busy link never keeps the caller here.  Returns without blocking.
 */
void capture_dispatch(struct capture *c);

/*
 * Creates (or empties) the pcap file path, of the capture's link type and
 * nanosecond timestamps, for capture_dump.  Returns 0, or -1 with errno
 * and why ("No such file or directory").
 */
int capture_dump_open(struct capture *c, const char *path, char *why, size_t size);

/* Appends frame to the file; capture_dispatch flushes what it wrote before it returns. */
void capture_dump(struct capture *c, const struct capture_frame *frame);

/*
 * Flushes and closes the file.  Returns 0, or -1 with errno when any write
 * to it failed (the file then ends early, why says how).
 */
int capture_dump_close(struct capture *c, char *why, size_t size);

/* How many frames the kernel dropped for want of room; -1 when libpcap cannot say. */
long long capture_dropped(struct capture *c);

/* Stops capturing, closing the file without a word if capture_dump_close was not called; c may be NULL. */
void capture_close(struct capture *c);

/* libpcap's version ("libpcap version 1.10.3 ..."), or NULL when built without it. */
const char *capture_library(void);

#endif
