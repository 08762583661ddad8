/* Decoding a captured frame down to its TCP header, bounds-checked at every step. */
#include "net/segment.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ARPHRD_LOOPBACK_ 772

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Where the network header starts and which one it is; -1 for other frames. */
static int link_header(const uint8_t *f, size_t caplen, int linktype, size_t *off, uint16_t *type,
		       struct tcp_segment *s)
{
	switch (linktype) {
	case LINK_ETHERNET:
		if (caplen < 14)
			return -1;
		*type = get16(f + 12);
		*off = 14;
		if (*type == ETHERTYPE_VLAN) {
			if (caplen < 18)
				return -1;
			*type = get16(f + 16);
			*off = 18;
		}
		return 0;
	case LINK_LINUX_SLL:
		if (caplen < 16)
			return -1;
		*type = get16(f + 14);
		s->pkttype = get16(f);
		s->loopback = get16(f + 2) == ARPHRD_LOOPBACK_;
		*off = 16;
		return 0;
	case LINK_LINUX_SLL2:
		if (caplen < 20)
			return -1;
		*type = get16(f);
		s->ifindex = (int)get32(f + 4);
		s->loopback = get16(f + 8) == ARPHRD_LOOPBACK_;
		s->pkttype = f[10];
		*off = 20;
		return 0;
	case LINK_NULL: {
		if (caplen < 4)
			return -1;
		uint32_t fam;
		memcpy(&fam, f, 4);
		*type = fam == AF_INET ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
		*off = 4;
		return 0;
	}
	case LINK_RAW:
		if (caplen < 1)
			return -1;
		*type = (f[0] >> 4) == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
		*off = 0;
		return 0;
	default:
		return -1;
	}
}

/* The IPv4 header: addresses, and where TCP starts with how long the IP payload is. */
static int ipv4(const uint8_t *ip, size_t cap, size_t wire, struct tcp_segment *s, size_t *tcp_off,
		size_t *tcp_total)
{
	if (cap < 20 || ip[0] >> 4 != 4)
		return -1;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t total = get16(ip + 2);
	/* Not TCP, or a later fragment: no TCP header in it. */
	if (ihl < 20 || ihl > cap || ip[9] != 6 || (get16(ip + 6) & 0x1fff) != 0)
		return -1;
	if (total == 0)
		total = wire;
	if (total < ihl)
		return -1;
	s->src.family = s->dst.family = AF_INET;
	memcpy(s->src.addr, ip + 12, 4);
	memcpy(s->dst.addr, ip + 16, 4);
	*tcp_off = ihl;
	*tcp_total = total - ihl;
	return 0;
}

/* The IPv6 header and its extension headers, up to TCP. */
static int ipv6(const uint8_t *ip, size_t cap, size_t wire, struct tcp_segment *s, size_t *tcp_off,
		size_t *tcp_total)
{
	if (cap < 40 || ip[0] >> 4 != 6)
		return -1;
	size_t payload = get16(ip + 4);
	if (payload == 0)   /* a jumbogram, or GSO beyond 64 KiB */
		payload = wire > 40 ? wire - 40 : 0;
	uint8_t next = ip[6];
	size_t off = 40;

	s->src.family = s->dst.family = AF_INET6;
	memcpy(s->src.addr, ip + 8, 16);
	memcpy(s->dst.addr, ip + 24, 16);
	for (int hops = 0; next != 6; hops++) {
		if (hops > 8 || off + 8 > cap)
			return -1;
		switch (next) {
		case 0: case 43: case 60:   /* hop-by-hop, routing, destination options */
			next = ip[off];
			off += ((size_t)ip[off + 1] + 1) * 8;
			break;
		case 44:                    /* fragment: only the first holds TCP's header */
			if ((get16(ip + off + 2) & 0xfff8) != 0)
				return -1;
			next = ip[off];
			off += 8;
			break;
		default:
			return -1;
		}
	}
	if (off > cap || off - 40 > payload)
		return -1;
	*tcp_off = off;
	*tcp_total = payload - (off - 40);
	return 0;
}

static void tcp_options(const uint8_t *o, size_t n, struct tcp_segment *s)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			break;
		uint8_t len = o[i + 1];
		const uint8_t *v = o + i + 2;
		switch (kind) {
		case 2:
			if (len == 4) {
				s->has_mss = true;
				s->mss = get16(v);
			}
			break;
		case 3:
			if (len == 3) {
				s->has_wscale = true;
				s->wscale = v[0];
			}
			break;
		case 4:
			s->sack_ok = len == 2;
			break;
		case 5:
			for (size_t b = 0; b + 8 <= (size_t)len - 2 && s->sack_blocks < SEGMENT_SACK_MAX; b += 8) {
				s->sack[s->sack_blocks][0] = get32(v + b);
				s->sack[s->sack_blocks][1] = get32(v + b + 4);
				s->sack_blocks++;
			}
			break;
		case 8:
			if (len == 10) {
				s->has_ts = true;
				s->ts_val = get32(v);
				s->ts_ecr = get32(v + 4);
			}
			break;
		case 34:
			s->fastopen = true;
			break;
		default:
			break;
		}
		i += len;
	}
}

int segment_decode(const uint8_t *frame, size_t caplen, size_t wirelen, int linktype,
		   struct tcp_segment *s)
{
	size_t off, tcp_off, tcp_total;
	uint16_t type;
	int rc;

	memset(s, 0, sizeof(*s));
	s->pkttype = SEG_PKT_UNKNOWN;
	if (link_header(frame, caplen, linktype, &off, &type, s) < 0 || off > caplen)
		return -1;
	const uint8_t *ip = frame + off;
	size_t cap = caplen - off, wire = wirelen > off ? wirelen - off : 0;
	if (type == ETHERTYPE_IPV4)
		rc = ipv4(ip, cap, wire, s, &tcp_off, &tcp_total);
	else if (type == ETHERTYPE_IPV6)
		rc = ipv6(ip, cap, wire, s, &tcp_off, &tcp_total);
	else
		rc = -1;
	if (rc < 0 || tcp_off + 20 > cap)
		return -1;

	const uint8_t *t = ip + tcp_off;
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20 || doff > tcp_total || tcp_off + doff > cap)
		return -1;
	s->src.port = get16(t);
	s->dst.port = get16(t + 2);
	s->seq = get32(t + 4);
	s->ack = get32(t + 8);
	s->flags = t[13];
	s->win = get16(t + 14);
	s->len = (uint32_t)(tcp_total - doff);
	tcp_options(t + 20, doff - 20, s);
	return 0;
}

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* The address as IPv4 when it is one, IPv4-mapped or not. */
static const uint8_t *as_v4(const struct seg_end *e)
{
	if (e->family == AF_INET)
		return e->addr;
	if (e->family == AF_INET6 && memcmp(e->addr, v4_mapped, 12) == 0)
		return e->addr + 12;
	return NULL;
}

void seg_end_of(const struct sockaddr *sa, struct seg_end *e, bool *any)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	memset(e, 0, sizeof(*e));
	/* Copied out: a struct sockaddr promises no more than its own alignment. */
	if (sa->sa_family == AF_INET) {
		memcpy(&in, sa, sizeof(in));
		e->family = AF_INET;
		memcpy(e->addr, &in.sin_addr, 4);
		e->port = ntohs(in.sin_port);
		*any = in.sin_addr.s_addr == htonl(INADDR_ANY);
		return;
	}
	memcpy(&in6, sa, sizeof(in6));
	e->family = AF_INET6;
	memcpy(e->addr, &in6.sin6_addr, 16);
	e->port = ntohs(in6.sin6_port);
	*any = IN6_IS_ADDR_UNSPECIFIED(&in6.sin6_addr);
	/* Mapped addresses become IPv4, as the segments that carry them are. */
	if (memcmp(e->addr, v4_mapped, 12) == 0) {
		e->family = AF_INET;
		memmove(e->addr, e->addr + 12, 4);
		memset(e->addr + 4, 0, 12);
	}
}

bool seg_end_equal(const struct seg_end *a, const struct seg_end *b)
{
	const uint8_t *a4 = as_v4(a), *b4 = as_v4(b);

	if (a->port != b->port)
		return false;
	if (a4 || b4)
		return a4 && b4 && memcmp(a4, b4, 4) == 0;
	return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}
