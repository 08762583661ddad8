/* The capture behind --trace: libpcap on the "any" device, a kernel filter, each TCP segment to a callback. */
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

#define SNAPLEN 384                /* link + IPv6 with options + TCP with options */
#define BUFFER_BYTES (4 << 20)     /* the kernel ring: room for a burst of segments */
#define DISPATCH_ROUNDS 4

struct capture {
	pcap_t *pcap;
	int linktype;
	int64_t real_minus_mono;      /* capture stamps are CLOCK_REALTIME */
	capture_fn *fn;
	void *ctx;
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
	struct tcp_segment s;

	if (segment_decode(frame, h->caplen, h->len, c->linktype, &s) < 0)
		return;
	/* With nanosecond precision, tv_usec holds nanoseconds. */
	c->fn(c->ctx, &s, (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec - c->real_minus_mono);
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

struct capture *capture_open(capture_fn *fn, void *ctx, char *why, size_t size)
{
	char err[PCAP_ERRBUF_SIZE] = "";

	pcap_t *p = pcap_create("any", err);
	if (p == NULL) {
		snprintf(why, size, "%s", err);
		errno = EIO;
		return NULL;
	}
	/* Each segment as soon as it is seen, not a block of them later. */
	pcap_set_immediate_mode(p, 1);
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_buffer_size(p, BUFFER_BYTES);
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

void capture_dispatch(struct capture *c)
{
	for (int round = 0; round < DISPATCH_ROUNDS; round++)
		if (pcap_dispatch(c->pcap, -1, on_frame, (u_char *)c) <= 0)
			break;
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
	pcap_close(c->pcap);
	free(c);
}

const char *capture_library(void)
{
	return pcap_lib_version();
}

#else /* built without libpcap */

struct capture *capture_open(capture_fn *fn, void *ctx, char *why, size_t size)
{
	(void)fn, (void)ctx;
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
long long capture_dropped(struct capture *c) { (void)c; return -1; }
void capture_close(struct capture *c) { (void)c; }
const char *capture_library(void) { return NULL; }

#endif
