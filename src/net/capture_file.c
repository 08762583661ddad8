/* A capture file read with libpcap (pcap or pcapng, as tcpdump -w, Wireshark or --pcap wrote it), frame by frame, as TCP segments. */
#include "net/capture_file.h"

#include <errno.h>
#include <string.h>

#ifdef HAVE_PCAP

#include <pcap/pcap.h>
#include <stdlib.h>
#include <sys/stat.h>

#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* A 4-byte family before the IP header: BSD loopback, in network byte order (LINK_NULL's is the host's). */
#define LOOP_HEADER 4

struct capture_file {
	pcap_t *pcap;
	int linktype;           /* segment_decode's LINK_ number */
	bool loop;              /* DLT_LOOP: skip its header, then raw IP */
	struct capture_file_stats stats;
};

/* segment_decode's link type for pcap's, or -1 where the frames hold no IP that we know how to find. */
static int link_of(int dlt, bool *loop)
{
	*loop = false;
	switch (dlt) {
	case DLT_NULL: return LINK_NULL;
	case DLT_LOOP: *loop = true; return LINK_RAW;
	case DLT_EN10MB: return LINK_ETHERNET;
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6: return LINK_RAW;
	case DLT_LINUX_SLL: return LINK_LINUX_SLL;
	case DLT_LINUX_SLL2: return LINK_LINUX_SLL2;
	default: return -1;
	}
}

static struct capture_file *fail(int err, char *why, size_t size, const char *text)
{
	snprintf(why, size, "%s", text);
	errno = err;
	return NULL;
}

struct capture_file *capture_file_fopen(FILE *f, char *why, size_t size)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct stat st;

	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return fail(EISDIR, why, size, strerror(EISDIR));
	}
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
		fclose(f);
		return fail(ENODATA, why, size, "the file is empty");
	}
	/* Nanoseconds whatever the file holds: libpcap scales microseconds up. */
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (p == NULL) {
		fclose(f);   /* libpcap closes only what it opened itself */
		return fail(EINVAL, why, size, err[0] ? err : "not a capture file");
	}
	bool loop;
	int dlt = pcap_datalink(p), linktype = link_of(dlt, &loop);
	if (linktype < 0) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(why, size, "its link type, %s (%d), is not one tcptool decodes: Ethernet, Linux cooked "
			 "(tcpdump -i any), raw IP or BSD loopback", name ? name : "unknown", dlt);
		pcap_close(p);
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	struct capture_file *cf = calloc(1, sizeof(*cf));
	if (cf == NULL) {
		pcap_close(p);
		return fail(ENOMEM, why, size, strerror(ENOMEM));
	}
	cf->pcap = p;
	cf->linktype = linktype;
	cf->loop = loop;
	return cf;
}

struct capture_file *capture_file_open(const char *path, char *why, size_t size)
{
	/* Our own fopen: errno says why, and "-" is a file of that name. */
	FILE *f = fopen(path, "rbe");

	if (f == NULL)
		return fail(errno, why, size, strerror(errno));
	return capture_file_fopen(f, why, size);
}

int capture_file_next(struct capture_file *cf, struct tcp_segment *s, int64_t *t_ns, char *why, size_t size)
{
	struct pcap_pkthdr *h;
	const u_char *frame;

	for (;;) {
		int rc = pcap_next_ex(cf->pcap, &h, &frame);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc != 1) {
			const char *err = pcap_geterr(cf->pcap);
			snprintf(why, size, "%s", err);
			/* libpcap's words are all it tells: a file cut short says "truncated". */
			errno = strstr(err, "truncated") ? ENODATA : EINVAL;
			return -1;
		}
		cf->stats.frames++;
		size_t skip = cf->loop ? LOOP_HEADER : 0;
		/* libpcap hands no more than the snapshot length, however caplen reads. */
		size_t caplen = h->caplen, wirelen = h->len < h->caplen ? h->caplen : h->len;
		if (caplen < skip || segment_decode(frame + skip, caplen - skip, wirelen - skip, cf->linktype, s) < 0)
			continue;
		cf->stats.segments++;
		/* At nanosecond precision, tv_usec holds nanoseconds. */
		*t_ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		return 1;
	}
}

struct capture_file_stats capture_file_stats(const struct capture_file *cf)
{
	return cf->stats;
}

const char *capture_file_link_name(const struct capture_file *cf)
{
	const char *name = pcap_datalink_val_to_name(pcap_datalink(cf->pcap));

	return name ? name : "unknown";
}

void capture_file_close(struct capture_file *cf)
{
	if (cf == NULL)
		return;
	pcap_close(cf->pcap);
	free(cf);
}

#else /* built without libpcap */

struct capture_file *capture_file_fopen(FILE *f, char *why, size_t size)
{
	fclose(f);
	snprintf(why, size, "built without libpcap");
	errno = ENOSYS;
	return NULL;
}

struct capture_file *capture_file_open(const char *path, char *why, size_t size)
{
	(void)path;
	snprintf(why, size, "built without libpcap");
	errno = ENOSYS;
	return NULL;
}

int capture_file_next(struct capture_file *cf, struct tcp_segment *s, int64_t *t_ns, char *why, size_t size)
{
	(void)cf, (void)s, (void)t_ns;
	snprintf(why, size, "built without libpcap");
	return -1;
}

struct capture_file_stats capture_file_stats(const struct capture_file *cf)
{
	(void)cf;
	return (struct capture_file_stats){ 0 };
}

const char *capture_file_link_name(const struct capture_file *cf) { (void)cf; return "none"; }
void capture_file_close(struct capture_file *cf) { (void)cf; }

#endif
