/*
 * One captured TCP segment, decoded from the bytes a capture hands over:
 * a link header, IPv4 or IPv6, and the TCP header with its options.
 * Pure: no capture library, no sockets, so the decoder is unit tested and
 * fuzzed on its own.
 */
#ifndef TCPTOOL_SEGMENT_H
#define TCPTOOL_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The link types a capture may give (pcap's LINKTYPE_ numbers). */
enum {
	LINK_NULL = 0,         /* BSD loopback: a 4-byte host-order family */
	LINK_ETHERNET = 1,
	LINK_RAW = 101,        /* the IP header first */
	LINK_LINUX_SLL = 113,  /* Linux "cooked" capture, as on the "any" device */
	LINK_LINUX_SLL2 = 276, /* the same with the interface index */
};

/* TCP header flags, as in the header's 13th byte. */
enum {
	TCPF_FIN = 0x01, TCPF_SYN = 0x02, TCPF_RST = 0x04, TCPF_PSH = 0x08,
	TCPF_ACK = 0x10, TCPF_URG = 0x20, TCPF_ECE = 0x40, TCPF_CWR = 0x80,
};

/* Which way a cooked (SLL) capture saw a frame go: its packet type. */
enum { SEG_PKT_UNKNOWN = -1, SEG_PKT_HOST = 0, SEG_PKT_OUTGOING = 4 };

#define SEGMENT_SACK_MAX 4

/* One end of a segment; IPv4 addresses fill the first 4 bytes. */
struct seg_end {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct tcp_segment {
	struct seg_end src, dst;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;          /* the header's field, unscaled */
	uint32_t len;          /* payload bytes, from the IP lengths (not what was captured) */
	int ifindex;           /* 0: the link header does not say */
	int pkttype;           /* SEG_PKT_HOST: to this host, SEG_PKT_OUTGOING: sent by it ... */
	bool loopback;         /* seen on a loopback device, where each frame shows once, as received */
	/* Options, each present or not. */
	bool has_mss, sack_ok, has_ts, has_wscale, fastopen;
	uint16_t mss;
	uint8_t wscale;
	uint32_t ts_val, ts_ecr;
	int sack_blocks;
	uint32_t sack[SEGMENT_SACK_MAX][2];   /* left and right edge of each SACK block */
};

/*
 * Decodes caplen captured bytes of a frame that was wirelen bytes long.
 * wirelen stands in for an IP length of 0 (a GSO segment larger than
 * 64 KiB).  Returns 0, or -1 when the frame is not a whole TCP header over
 * IPv4/IPv6 (or a later fragment).
 */
int segment_decode(const uint8_t *frame, size_t caplen, size_t wirelen, int linktype,
		   struct tcp_segment *s);

struct sockaddr;

/*
 * A socket address (AF_INET or AF_INET6) as an end: IPv4-mapped addresses
 * become IPv4.  *any says whether the address is the wildcard.
 */
void seg_end_of(const struct sockaddr *sa, struct seg_end *e, bool *any);

/* Whether two ends are the same address and port; IPv4-mapped IPv6 counts as IPv4. */
bool seg_end_equal(const struct seg_end *a, const struct seg_end *b);

#endif
