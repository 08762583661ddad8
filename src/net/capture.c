/* The capture behind --trace and --pcap: libpcap on the "any" device, a kernel filter, each TCP segment to a callback, chosen frames to a file. */
#include "net/capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "tcp port 80 and host 127.0.0.1 and host 127.0.0.1 and tcp port 41000", for either build. */
char *capture_filter_text(const struct seg_end *local, bool local_any, const struct seg_end *peer,
			  char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	size_t n;

	n = (size_t)snprintf(buf, size, "tcp port %u", local->port);
	if (!local_any && n < size) {
		inet_ntop(local->family, local->addr, a, sizeof(a));
		n += (size_t)snprintf(buf + n, size - n, " and host %s", a);
	}
	if (peer && n < size) {
		inet_ntop(peer->family, peer->addr, a, sizeof(a));
		snprintf(buf + n, size - n, " and host %s and tcp port %u", a, peer->port);
	}
	return buf;
}

#ifdef HAVE_PCAP

#include <pcap/pcap.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"

#define SNAPLEN_HEADERS 384        /* link + IPv6 with options + TCP with options */
#define SNAPLEN_WHOLE 262144       /* tcpdump's: a file shows the payload too */
#define BUFFER_HEADERS (4 << 20)   /* the kernel ring: room for a burst of segments */
#define BUFFER_WHOLE (16 << 20)    /* ... and of 64 KiB loopback frames */
#define DISPATCH_ROUNDS 4

struct capture_frame {
	const struct pcap_pkthdr *h;
	const u_char *bytes;
};

struct capture {
	pcap_t *pcap;
	int linktype;
	int64_t real_minus_mono;      /* capture stamps are CLOCK_REALTIME */
	capture_fn *fn;
	void *ctx;
	pcap_dumper_t *dump;          /* NULL: no file */
	bool dump_pending;            /* frames written since the last flush */
	int dump_errno;               /* the first write that failed; 0: none */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *frame)
{
	struct capture *c = (void *)user;
	struct capture_frame f = { h, frame };
	struct tcp_segment s;

	if (segment_decode(frame, h->caplen, h->len, c->linktype, &s) < 0)
		return;
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	c->fn(c->ctx, &s, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec - c->real_minus_mono, &f);
}

/* Fails with what libpcap said of status rc (PCAP_ERROR: its error text), closing p. */
static struct capture *fail(pcap_t *p, int rc, char *why, size_t size)
{
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_PROMISC_PERM_DENIED) {
		snprintf(why, size, "%s", pcap_statustostr(rc));
		errno = EPERM;
	} else {
		snprintf(why, size, "%s", rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		errno = EIO;
	}
	pcap_close(p);
	return NULL;
}

struct capture *capture_open(capture_fn *fn, void *ctx, enum capture_snap snap, char *why, size_t size)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	bool whole = snap == CAPTURE_WHOLE_FRAMES;

	pcap_t *p = pcap_create("any", err);
	if (p == NULL) {
		snprintf(why, size, "%s", err);
		errno = EIO;
		return NULL;
	}
	/* Each segment as soon as it is seen, not a block of them later. */
	pcap_set_immediate_mode(p, 1);
	pcap_set_snaplen(p, whole ? SNAPLEN_WHOLE : SNAPLEN_HEADERS);
	pcap_set_buffer_size(p, whole ? BUFFER_WHOLE : BUFFER_HEADERS);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(p);
	if (rc < 0)
		return fail(p, rc, why, size);
#ifdef DLT_LINUX_SLL2
	/* SLL2 names the interface of each segment; plain SLL where libpcap lacks it. */
	pcap_set_datalink(p, DLT_LINUX_SLL2);
#endif

	struct capture *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(why, size, "%s", strerror(ENOMEM));
		pcap_close(p);
		errno = ENOMEM;
		return NULL;
	}
	c->pcap = p;
	c->linktype = pcap_datalink(p) == DLT_RAW ? LINK_RAW : pcap_datalink(p);
	c->real_minus_mono = clock_ns(CLOCK_REALTIME) - now_ns();
	c->fn = fn;
	c->ctx = ctx;
	if (pcap_setnonblock(p, 1, err) < 0 || capture_set_filter(c, "tcp port 0", why, size) < 0) {
		free(c);
		return fail(p, PCAP_ERROR, why, size);
	}
	return c;
}

int capture_fd(const struct capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

int capture_set_filter(struct capture *c, const char *filter, char *why, size_t size)
{
	struct bpf_program prog;

	if (pcap_compile(c->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(why, size, "%s", pcap_geterr(c->pcap));
		return -1;
	}
	int rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		snprintf(why, size, "%s", pcap_geterr(c->pcap));
	return rc;
}

/* Notes the first write to the file that failed. */
static void dump_failed(struct capture *c)
{
	if (c->dump_errno == 0)
		c->dump_errno = errno ? errno : EIO;
}

void capture_dispatch(struct capture *c)
{
	for (int round = 0; round < DISPATCH_ROUNDS; round++)
		if (pcap_dispatch(c->pcap, -1, on_frame, (u_char *)c) <= 0)
			break;
	/* The file ends on a whole frame after every round, should we be killed. */
	if (c->dump_pending) {
		c->dump_pending = false;
		errno = 0;
		if (pcap_dump_flush(c->dump) < 0)
			dump_failed(c);
	}
}

int capture_dump_open(struct capture *c, const char *path, char *why, size_t size)
{
	/* Our own fopen: errno says why, and "-" is a file of that name, not stdout (which carries data). */
	FILE *f = fopen(path, "we");

	if (f == NULL) {
		snprintf(why, size, "%s", strerror(errno));
		return -1;
	}
	/* Writes the file header, of the live capture's link type and ns precision. */
	pcap_dumper_t *d = pcap_dump_fopen(c->pcap, f);
	if (d == NULL) {
		/* libpcap has closed f when it could not write; it fails no other way on a live capture. */
		snprintf(why, size, "%s", pcap_geterr(c->pcap));
		errno = EIO;
		return -1;
	}
	c->dump = d;
	c->dump_errno = 0;
	return 0;
}

void capture_dump(struct capture *c, const struct capture_frame *frame)
{
	if (c->dump == NULL)
		return;
	pcap_dump((u_char *)c->dump, frame->h, frame->bytes);
	c->dump_pending = true;
}

int capture_dump_close(struct capture *c, char *why, size_t size)
{
	if (c->dump == NULL)
		return 0;
	errno = 0;
	if (pcap_dump_flush(c->dump) < 0 || ferror(pcap_dump_file(c->dump)))
		dump_failed(c);
	pcap_dump_close(c->dump);
	c->dump = NULL;
	c->dump_pending = false;
	if (c->dump_errno == 0)
		return 0;
	snprintf(why, size, "%s", strerror(c->dump_errno));
	errno = c->dump_errno;
	return -1;
}

long long capture_dropped(struct capture *c)
{
	struct pcap_stat st;

	return pcap_stats(c->pcap, &st) == 0 ? (long long)st.ps_drop : -1;
}

void capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);
	pcap_close(c->pcap);
	free(c);
}

const char *capture_library(void)
{
	return pcap_lib_version();
}

#else /* built without libpcap */

struct capture *capture_open(capture_fn *fn, void *ctx, enum capture_snap snap, char *why, size_t size)
{
	(void)fn, (void)ctx, (void)snap;
	snprintf(why, size, "built without libpcap");
	errno = ENOSYS;
	return NULL;
}

int capture_fd(const struct capture *c) { (void)c; return -1; }

int capture_set_filter(struct capture *c, const char *filter, char *why, size_t size)
{
	(void)c, (void)filter;
	snprintf(why, size, "built without libpcap");
	return -1;
}

void capture_dispatch(struct capture *c) { (void)c; }

int capture_dump_open(struct capture *c, const char *path, char *why, size_t size)
{
	(void)c, (void)path;
	snprintf(why, size, "built without libpcap");
	errno = ENOSYS;
	return -1;
}

void capture_dump(struct capture *c, const struct capture_frame *frame) { (void)c, (void)frame; }
int capture_dump_close(struct capture *c, char *why, size_t size) { (void)c, (void)why, (void)size; return 0; }
long long capture_dropped(struct capture *c) { (void)c; return -1; }
void capture_close(struct capture *c) { (void)c; }
const char *capture_library(void) { return NULL; }

#endif
