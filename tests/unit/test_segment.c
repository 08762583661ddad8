/* net/segment.c: the --trace frame decoder on frames made here byte by byte: link types, IPv4/IPv6, extension headers, options, fragments, every cut. */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "net/segment.h"

/* What to put in a frame; the defaults come from spec(). */
struct spec {
	int linktype;
	bool v6;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opts;     /* TCP options, padded to a multiple of 4 */
	size_t optlen;
	size_t payload;          /* bytes after the TCP header */
	uint8_t proto;           /* IPv4 protocol / IPv6 next header of TCP's place */
	const uint8_t *ext;      /* IPv6 extension headers before TCP, their first next header in ext_first */
	size_t extlen;
	uint8_t ext_first;
	uint16_t frag;           /* IPv4 flags and fragment offset */
	int data_off;            /* TCP header words; -1: from optlen */
	bool ip_len_zero;        /* IPv4 total / IPv6 payload length 0, as GSO leaves it */
};

static const uint8_t v4_src[4] = { 10, 0, 0, 1 }, v4_dst[4] = { 10, 0, 0, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* A Linux SYN's options: mss 1460, sackOK, timestamps, nop, wscale 7. */
static const uint8_t syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 1, 3, 3, 7,
};

static struct spec spec(int linktype, bool v6)
{
	return (struct spec){
		.linktype = linktype, .v6 = v6, .sport = 40000, .dport = 80, .seq = 1000,
		.flags = TCPF_SYN, .win = 64240, .proto = 6, .data_off = -1,
	};
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The TCP header, its options and payload bytes; returns their length. */
static size_t put_tcp(uint8_t *p, const struct spec *s)
{
	int words = s->data_off >= 0 ? s->data_off : (int)(5 + s->optlen / 4);

	memset(p, 0, 20);
	put16(p, s->sport);
	put16(p + 2, s->dport);
	put32(p + 4, s->seq);
	put32(p + 8, s->ack);
	p[12] = (uint8_t)(words << 4);
	p[13] = s->flags;
	put16(p + 14, s->win);
	if (s->optlen)   /* opts may be NULL, which memcpy may not get even for 0 bytes */
		memcpy(p + 20, s->opts, s->optlen);
	memset(p + 20 + s->optlen, 'x', s->payload);
	return 20 + s->optlen + s->payload;
}

static size_t put_ipv4(uint8_t *p, const struct spec *s)
{
	size_t l4 = put_tcp(p + 20, s);

	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, s->ip_len_zero ? 0 : (uint16_t)(20 + l4));
	put16(p + 6, s->frag);
	p[8] = 64;
	p[9] = s->proto;
	memcpy(p + 12, v4_src, 4);
	memcpy(p + 16, v4_dst, 4);
	return 20 + l4;
}

static size_t put_ipv6(uint8_t *p, const struct spec *s)
{
	if (s->extlen)
		memcpy(p + 40, s->ext, s->extlen);
	size_t l4 = s->extlen + put_tcp(p + 40 + s->extlen, s);

	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, s->ip_len_zero ? 0 : (uint16_t)l4);
	p[6] = s->extlen ? s->ext_first : s->proto;
	p[7] = 64;
	memcpy(p + 8, v6_src, 16);
	memcpy(p + 24, v6_dst, 16);
	return 40 + l4;
}

/* The link header of s->linktype; returns its length. */
static size_t put_link(uint8_t *p, const struct spec *s)
{
	uint16_t type = s->v6 ? 0x86dd : 0x0800;

	switch (s->linktype) {
	case LINK_ETHERNET:
		memset(p, 0xee, 12);
		put16(p + 12, type);
		return 14;
	case LINK_LINUX_SLL:
		memset(p, 0, 16);
		put16(p + 2, 772);   /* ARPHRD_LOOPBACK */
		put16(p + 4, 6);
		put16(p + 14, type);
		return 16;
	case LINK_LINUX_SLL2:
		memset(p, 0, 20);
		put16(p, type);
		put32(p + 4, 3);     /* ifindex */
		put16(p + 8, 1);     /* ARPHRD_ETHER */
		p[11] = 6;
		return 20;
	case LINK_NULL: {
		uint32_t family = s->v6 ? AF_INET6 : AF_INET;
		memcpy(p, &family, 4);
		return 4;
	}
	default:
		return 0;
	}
}

/* The whole frame into buf, which has room for it; returns its length. */
static size_t build(uint8_t *buf, const struct spec *s)
{
	size_t n = put_link(buf, s);
	return n + (s->v6 ? put_ipv6(buf + n, s) : put_ipv4(buf + n, s));
}

/* Decodes a heap copy of exactly caplen bytes, so a sanitizer sees any over-read. */
static int decode(const uint8_t *frame, size_t caplen, size_t wirelen, int linktype, struct tcp_segment *seg)
{
	uint8_t *p = malloc(caplen ? caplen : 1);
	memcpy(p, frame, caplen);
	int rc = segment_decode(p, caplen, wirelen, linktype, seg);
	free(p);
	return rc;
}

static int decode_spec(const struct spec *s, struct tcp_segment *seg)
{
	static uint8_t buf[4096];
	size_t n = build(buf, s);
	return decode(buf, n, n, s->linktype, seg);
}

static const int links[] = { LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LINUX_SLL, LINK_LINUX_SLL2 };
#define NLINKS (sizeof(links) / sizeof(links[0]))

/* A SYN with Linux's options, over every link type and both families. */
static void test_syn(void)
{
	for (size_t l = 0; l < NLINKS; l++) {
		for (int v6 = 0; v6 <= 1; v6++) {
			struct spec s = spec(links[l], v6);
			struct tcp_segment seg;
			s.opts = syn_opts;
			s.optlen = sizeof(syn_opts);
			CHECK_INT(decode_spec(&s, &seg), 0);
			CHECK_INT(seg.src.family, v6 ? AF_INET6 : AF_INET);
			CHECK(memcmp(seg.src.addr, v6 ? v6_src : v4_src, v6 ? 16 : 4) == 0);
			CHECK(memcmp(seg.dst.addr, v6 ? v6_dst : v4_dst, v6 ? 16 : 4) == 0);
			CHECK_INT(seg.src.port, 40000);
			CHECK_INT(seg.dst.port, 80);
			CHECK_INT(seg.seq, 1000);
			CHECK_INT(seg.flags, TCPF_SYN);
			CHECK_INT(seg.win, 64240);
			CHECK_INT(seg.len, 0);
			CHECK_INT(seg.ifindex, links[l] == LINK_LINUX_SLL2 ? 3 : 0);
			CHECK(seg.has_mss && seg.sack_ok && seg.has_ts && seg.has_wscale && !seg.fastopen);
			CHECK_INT(seg.mss, 1460);
			CHECK_INT(seg.ts_val, 0x1234);
			CHECK_INT(seg.ts_ecr, 0);
			CHECK_INT(seg.wscale, 7);
			CHECK_INT(seg.sack_blocks, 0);
		}
	}

	/* Ethernet with an 802.1Q tag before the IP header. */
	uint8_t buf[256];
	struct spec s = spec(LINK_RAW, false);
	struct tcp_segment seg;
	memset(buf, 0xee, 12);
	put16(buf + 12, 0x8100);
	put16(buf + 14, 42);
	put16(buf + 16, 0x0800);
	size_t n = 18 + put_ipv4(buf + 18, &s);
	for (size_t cut = 0; cut < n; cut++)
		CHECK_INT(decode(buf, cut, n, LINK_ETHERNET, &seg), -1);
	CHECK_INT(decode(buf, n, n, LINK_ETHERNET, &seg), 0);
	CHECK_INT(seg.dst.port, 80);

	/* IPv4 options (IHL 6) move TCP's header along. */
	s.payload = 3;
	n = put_ipv4(buf, &s);
	memmove(buf + 24, buf + 20, n - 20);
	memset(buf + 20, 1, 4);   /* NOPs */
	buf[0] = 0x46;
	put16(buf + 2, (uint16_t)(n + 4));
	CHECK_INT(decode(buf, n + 4, n + 4, LINK_RAW, &seg), 0);
	CHECK_INT(seg.dst.port, 80);
	CHECK_INT(seg.seq, 1000);
	CHECK_INT(seg.len, 3);
}

/* A capture cut at the snap length still tells the payload's length, from IP. */
static void test_snaplen(void)
{
	uint8_t buf[4096];

	for (int v6 = 0; v6 <= 1; v6++) {
		struct spec s = spec(LINK_LINUX_SLL2, v6);
		struct tcp_segment seg;
		s.flags = TCPF_ACK | TCPF_PSH;
		s.payload = 1400;
		size_t n = build(buf, &s);
		size_t headers = 20 + (v6 ? 40 : 20) + 20;
		CHECK_INT(decode(buf, headers + 16, n, s.linktype, &seg), 0);
		CHECK_INT(seg.len, 1400);
		CHECK_INT(decode(buf, headers, n, s.linktype, &seg), 0);
		CHECK_INT(seg.len, 1400);
		/* Ethernet's padding past the IP length is no payload. */
		CHECK_INT(decode(buf, n, n + 6, s.linktype, &seg), 0);
		CHECK_INT(seg.len, 1400);
	}
}

/* An IP length of 0 (GSO beyond 64 KiB): the payload is what the wire length leaves. */
static void test_ip_len_zero(void)
{
	uint8_t buf[256];

	for (int v6 = 0; v6 <= 1; v6++) {
		struct spec s = spec(LINK_ETHERNET, v6);
		struct tcp_segment seg;
		s.flags = TCPF_ACK;
		s.ip_len_zero = true;
		size_t n = build(buf, &s);
		CHECK_INT(decode(buf, n, n + 70000, s.linktype, &seg), 0);
		CHECK_INT(seg.len, 70000);
		CHECK_INT(decode(buf, n, n, s.linktype, &seg), 0);
		CHECK_INT(seg.len, 0);
		/* A wire length that cannot even hold the headers. */
		CHECK_INT(decode(buf, n, 10, s.linktype, &seg), -1);
	}
}

static void test_ipv6_extensions(void)
{
	/* Hop-by-hop (8 bytes, PadN), then destination options (16 bytes), then TCP. */
	static const uint8_t two[24] = { 60, 0, 1, 4, 0, 0, 0, 0, 6, 1, 1, 12 };
	struct spec s = spec(LINK_LINUX_SLL, true);
	struct tcp_segment seg;

	s.flags = TCPF_ACK;
	s.payload = 5;
	s.ext = two;
	s.extlen = sizeof(two);
	s.ext_first = 0;
	CHECK_INT(decode_spec(&s, &seg), 0);
	CHECK_INT(seg.len, 5);
	CHECK_INT(seg.dst.port, 80);
	s.ext = two + 8;
	s.extlen = 16;
	s.ext_first = 60;
	CHECK_INT(decode_spec(&s, &seg), 0);
	CHECK_INT(seg.len, 5);

	/* A first fragment holds TCP's header; a later one does not. */
	uint8_t frag[8] = { 6, 0, 0, 0x01, 0, 0, 0, 7 };   /* offset 0, more fragments */
	s.ext = frag;
	s.extlen = sizeof(frag);
	s.ext_first = 44;
	CHECK_INT(decode_spec(&s, &seg), 0);
	put16(frag + 2, 185 << 3);
	CHECK_INT(decode_spec(&s, &seg), -1);

	/* A chain of ten empty hop-by-hop headers, the last naming TCP: too long a walk. */
	uint8_t chain[80];
	memset(chain, 0, sizeof(chain));
	chain[72] = 6;
	s.ext = chain;
	s.extlen = sizeof(chain);
	s.ext_first = 0;
	CHECK_INT(decode_spec(&s, &seg), -1);
	chain[72] = 0;
	CHECK_INT(decode_spec(&s, &seg), -1);
	/* Headers we do not walk. */
	s.ext = NULL;
	s.extlen = 0;
	s.proto = 59;   /* no next header */
	CHECK_INT(decode_spec(&s, &seg), -1);

	/* An extension header longer than the IPv6 payload length. */
	uint8_t buf[256];
	static const uint8_t hop[8] = { 6, 0 };
	s.proto = 6;
	s.ext = hop;
	s.extlen = sizeof(hop);
	size_t n = build(buf, &s);
	put16(buf + 16 + 4, 4);
	CHECK_INT(decode(buf, n, n, s.linktype, &seg), -1);
}

static void test_ipv4_fragments(void)
{
	struct spec s = spec(LINK_RAW, false);
	struct tcp_segment seg;

	s.frag = 0x2000;   /* more fragments, offset 0: TCP's header is here */
	CHECK_INT(decode_spec(&s, &seg), 0);
	s.frag = 0x2000 | 185;
	CHECK_INT(decode_spec(&s, &seg), -1);
	s.frag = 1;
	CHECK_INT(decode_spec(&s, &seg), -1);
	s.frag = 0x4000;   /* don't fragment */
	CHECK_INT(decode_spec(&s, &seg), 0);
}

static void test_not_tcp(void)
{
	uint8_t buf[256];
	struct tcp_segment seg;

	for (int v6 = 0; v6 <= 1; v6++) {
		struct spec s = spec(LINK_ETHERNET, v6);
		s.proto = 17;
		CHECK_INT(decode_spec(&s, &seg), -1);
		s.proto = 6;
		CHECK_INT(decode_spec(&s, &seg), 0);
		/* The link layer names one IP version, the header is the other. */
		size_t n = build(buf, &s);
		buf[14] = v6 ? 0x45 : 0x60;
		CHECK_INT(decode(buf, n, n, s.linktype, &seg), -1);
	}

	struct spec s = spec(LINK_ETHERNET, false);
	size_t n = build(buf, &s);
	put16(buf + 12, 0x0806);   /* ARP */
	CHECK_INT(decode(buf, n, n, LINK_ETHERNET, &seg), -1);
	n = build(buf, &s);
	CHECK_INT(decode(buf, n, n, 12345, &seg), -1);
	buf[14] = 0x44;            /* IHL 4: shorter than an IPv4 header */
	CHECK_INT(decode(buf, n, n, LINK_ETHERNET, &seg), -1);
	buf[14] = 0x4f;            /* IHL 15: longer than the frame */
	CHECK_INT(decode(buf, 14 + 40, 14 + 40, LINK_ETHERNET, &seg), -1);
}

/* Every cut of a frame is rejected until the TCP header and its options are all there. */
static void test_truncated(void)
{
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8 };
	uint8_t buf[256];

	for (size_t l = 0; l < NLINKS; l++) {
		for (int v6 = 0; v6 <= 1; v6++) {
			struct spec s = spec(links[l], v6);
			struct tcp_segment seg;
			s.flags = TCPF_ACK | TCPF_PSH;
			s.opts = opts;
			s.optlen = sizeof(opts);
			s.payload = 7;
			size_t n = build(buf, &s);
			size_t need = n - s.payload;
			for (size_t cut = 0; cut <= n; cut++) {
				int rc = decode(buf, cut, n, s.linktype, &seg);
				if (cut < need) {
					CHECK_INT(rc, -1);
					continue;
				}
				CHECK_INT(rc, 0);
				CHECK_INT(seg.len, 7);
				CHECK(seg.has_ts && seg.ts_val == 9 && seg.ts_ecr == 8);
			}
		}
	}
}

static void test_data_offset(void)
{
	struct spec s = spec(LINK_LINUX_SLL2, false);
	struct tcp_segment seg;

	s.payload = 40;
	for (int words = 0; words < 5; words++) {
		s.data_off = words;
		CHECK_INT(decode_spec(&s, &seg), -1);
	}
	s.data_off = 5;
	CHECK_INT(decode_spec(&s, &seg), 0);
	CHECK_INT(seg.len, 40);
	/* Options that would run past the segment, or past what IP says it holds. */
	s.data_off = 15;
	s.payload = 0;
	CHECK_INT(decode_spec(&s, &seg), -1);

	uint8_t buf[256];
	s.data_off = 6;
	s.payload = 8;
	size_t n = build(buf, &s);
	put16(buf + 20 + 2, 20 + 22);   /* IP total: 2 bytes short of TCP's header */
	CHECK_INT(decode(buf, n, n, s.linktype, &seg), -1);
	put16(buf + 20 + 2, 10);         /* shorter than the IP header */
	CHECK_INT(decode(buf, n, n, s.linktype, &seg), -1);
}

/* Decodes an ACK carrying opts (a multiple of 4 bytes). */
static int with_options(const uint8_t *opts, size_t len, struct tcp_segment *seg)
{
	struct spec s = spec(LINK_RAW, false);
	s.flags = TCPF_ACK;
	s.opts = opts;
	s.optlen = len;
	return decode_spec(&s, seg);
}

/* Bad option lengths end the walk: no endless loop, no read past the header. */
static void test_bad_options(void)
{
	struct tcp_segment seg;

	static const uint8_t len0[4] = { 2, 0, 5, 0xb4 };
	CHECK_INT(with_options(len0, sizeof(len0), &seg), 0);
	CHECK(!seg.has_mss);
	static const uint8_t len1[8] = { 1, 3, 1, 7, 2, 4, 5, 0xb4 };
	CHECK_INT(with_options(len1, sizeof(len1), &seg), 0);
	CHECK(!seg.has_wscale && !seg.has_mss);
	static const uint8_t past[12] = { 1, 1, 8, 40, 0, 0, 0, 1, 0, 0, 0, 2 };
	CHECK_INT(with_options(past, sizeof(past), &seg), 0);
	CHECK(!seg.has_ts);
	static const uint8_t sack_past[8] = { 1, 1, 5, 10, 0, 0, 0, 1 };
	CHECK_INT(with_options(sack_past, sizeof(sack_past), &seg), 0);
	CHECK_INT(seg.sack_blocks, 0);
	static const uint8_t kind_last[4] = { 1, 1, 1, 2 };   /* a kind with no room for its length */
	CHECK_INT(with_options(kind_last, sizeof(kind_last), &seg), 0);
	CHECK(!seg.has_mss);

	/* Wrong lengths for known kinds are skipped over; what follows still counts. */
	static const uint8_t odd[16] = { 2, 3, 5, 3, 2, 8, 6, 0, 0, 0, 0, 4, 2, 1, 1, 1 };
	CHECK_INT(with_options(odd, sizeof(odd), &seg), 0);
	CHECK(!seg.has_mss && !seg.has_wscale && !seg.has_ts && seg.sack_ok);
	/* End of options stops the walk; fast open's cookie is noticed. */
	static const uint8_t eol[8] = { 0, 2, 4, 5, 0xb4, 1, 1, 1 };
	CHECK_INT(with_options(eol, sizeof(eol), &seg), 0);
	CHECK(!seg.has_mss);
	static const uint8_t tfo[12] = { 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 };
	CHECK_INT(with_options(tfo, sizeof(tfo), &seg), 0);
	CHECK(seg.fastopen);
	/* An unknown kind (MPTCP's) is stepped over by its length. */
	static const uint8_t unknown[8] = { 30, 4, 0, 0, 2, 4, 5, 0xb4 };
	CHECK_INT(with_options(unknown, sizeof(unknown), &seg), 0);
	CHECK(seg.has_mss && seg.mss == 1460);

	/* Every value of one option's length byte, in a full 40-byte option space. */
	uint8_t full[40];
	for (int len = 0; len < 256; len++) {
		memset(full, 1, sizeof(full));
		full[36] = 5;
		full[37] = (uint8_t)len;
		CHECK_INT(with_options(full, sizeof(full), &seg), 0);
		CHECK(seg.sack_blocks == 0);
	}
}

static void test_sack(void)
{
	struct tcp_segment seg;
	uint8_t o[40];

	memset(o, 0, sizeof(o));
	o[0] = o[1] = 1;
	o[2] = 5;
	o[3] = 2 + 2 * 8;
	put32(o + 4, 1001);
	put32(o + 8, 1101);
	put32(o + 12, 1201);
	put32(o + 16, 1301);
	CHECK_INT(with_options(o, 20, &seg), 0);
	CHECK_INT(seg.sack_blocks, 2);
	CHECK_INT(seg.sack[0][0], 1001);
	CHECK_INT(seg.sack[0][1], 1101);
	CHECK_INT(seg.sack[1][0], 1201);
	CHECK_INT(seg.sack[1][1], 1301);

	/* Four blocks fill the option space; a length that is no whole block counts the whole ones. */
	o[0] = 5;
	o[1] = 2 + 4 * 8;
	for (int i = 0; i < 8; i++)
		put32(o + 2 + 4 * i, 0xfffffff0u + (uint32_t)i);
	o[34] = o[35] = 1;
	CHECK_INT(with_options(o, 36, &seg), 0);
	CHECK_INT(seg.sack_blocks, 4);
	CHECK_INT(seg.sack[3][1], 0xfffffff7u);
	for (int extra = 1; extra < 8; extra++) {
		o[1] = (uint8_t)(2 + 8 + extra);
		memset(o + 10 + extra, 1, (size_t)(26 - extra));
		CHECK_INT(with_options(o, 36, &seg), 0);
		CHECK_INT(seg.sack_blocks, 1);
	}
}

static void test_ends(void)
{
	struct seg_end v4 = { .family = AF_INET, .addr = { 127, 0, 0, 1 }, .port = 80 };
	struct seg_end mapped = { .family = AF_INET6, .addr = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 }, .port = 80 };
	struct seg_end compat = { .family = AF_INET6, .addr = { [12] = 127, 0, 0, 1 }, .port = 80 };
	struct seg_end v6 = { .family = AF_INET6, .addr = { [15] = 1 }, .port = 80 };
	struct seg_end v6b = v6;

	CHECK(seg_end_equal(&v4, &mapped));
	CHECK(seg_end_equal(&mapped, &v4));
	CHECK(seg_end_equal(&v4, &v4));
	CHECK(!seg_end_equal(&v4, &compat));
	CHECK(!seg_end_equal(&v4, &v6));
	CHECK(seg_end_equal(&v6, &v6b));
	v6b.addr[15] = 2;
	CHECK(!seg_end_equal(&v6, &v6b));
	mapped.port = 81;
	CHECK(!seg_end_equal(&v4, &mapped));
	mapped.port = 80;
	mapped.addr[15] = 2;
	CHECK(!seg_end_equal(&v4, &mapped));
}

void test_segment(void)
{
	test_syn();
	test_snaplen();
	test_ip_len_zero();
	test_ipv6_extensions();
	test_ipv4_fragments();
	test_not_tcp();
	test_truncated();
	test_data_offset();
	test_bad_options();
	test_sack();
	test_ends();
}
