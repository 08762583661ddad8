/* The TCP connections of a stream of segments, told apart by their ends and their SYNs, with what each carried and how it ended. */
#include "net/conn_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SLOTS_MIN 64

/* The two ends, lower first, so that both directions find one slot. */
struct conn_key {
	int family[2];
	uint8_t addr[2][16];
	uint16_t port[2];
};

struct conn_table {
	struct conn *v;
	size_t n, cap;
	uint32_t *slots;     /* each: 1 + the index of the latest connection between its ends; 0: free */
	size_t nslots;       /* a power of two, at least twice the ends in it */
	size_t used;
	uint64_t added;      /* segments */
};

/* Sequence space wraps at 2^32: compare by the signed distance. */
static bool seq_before(uint32_t a, uint32_t b) { return (int32_t)(b - a) > 0; }
static bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(b - a) >= 0; }

/* An end compared as a whole: family, the address's bytes of that family, port. */
static int end_cmp(const struct seg_end *x, const struct seg_end *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	int c = memcmp(x->addr, y->addr, x->family == AF_INET ? 4 : 16);
	if (c)
		return c;
	return x->port == y->port ? 0 : x->port < y->port ? -1 : 1;
}

static struct conn_key key_of(const struct seg_end *x, const struct seg_end *y)
{
	struct conn_key k;
	bool swap = end_cmp(x, y) > 0;
	const struct seg_end *ends[2] = { swap ? y : x, swap ? x : y };

	memset(&k, 0, sizeof(k));
	for (int i = 0; i < 2; i++) {
		k.family[i] = ends[i]->family;
		memcpy(k.addr[i], ends[i]->addr, ends[i]->family == AF_INET ? 4 : 16);
		k.port[i] = ends[i]->port;
	}
	return k;
}

/* FNV-1a over the key's fields (not its padding). */
static uint64_t key_hash(const struct conn_key *k)
{
	uint64_t h = 14695981039346656037ULL;
	uint8_t tail[6] = { (uint8_t)k->family[0], (uint8_t)k->family[1], k->port[0] >> 8, k->port[0] & 0xff,
			    k->port[1] >> 8, k->port[1] & 0xff };
	const uint8_t *parts[] = { k->addr[0], k->addr[1], tail };
	size_t lens[] = { 16, 16, sizeof(tail) };

	for (size_t p = 0; p < 3; p++)
		for (size_t i = 0; i < lens[p]; i++)
			h = (h ^ parts[p][i]) * 1099511628211ULL;
	return h;
}

static bool conn_between(const struct conn *c, const struct seg_end *x, const struct seg_end *y)
{
	return (end_cmp(&c->a, x) == 0 && end_cmp(&c->b, y) == 0) ||
	       (end_cmp(&c->a, y) == 0 && end_cmp(&c->b, x) == 0);
}

/* The slot of the ends of key k: the one that holds them, or the free one where they would go. */
static size_t find_slot(const struct conn_table *t, const struct conn_key *k, const struct tcp_segment *s)
{
	size_t mask = t->nslots - 1, i = (size_t)key_hash(k) & mask;

	while (t->slots[i] != 0 && !conn_between(&t->v[t->slots[i] - 1], &s->src, &s->dst))
		i = (i + 1) & mask;
	return i;
}

static int grow_slots(struct conn_table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : SLOTS_MIN;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < t->nslots; i++) {
		uint32_t v = t->slots[i];
		if (v == 0)
			continue;
		const struct conn *c = &t->v[v - 1];
		struct conn_key k = key_of(&c->a, &c->b);
		size_t j = (size_t)key_hash(&k) & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = v;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

struct conn_table *conn_table_new(void)
{
	struct conn_table *t = calloc(1, sizeof(*t));

	if (t == NULL || grow_slots(t) < 0) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

static bool ended(const struct conn *c)
{
	return c->end == CONN_FIN || c->end == CONN_RST || c->end == CONN_REFUSED;
}

/* A pure SYN starts a new connection after the last one ended, or when its sender opens again anew. */
static bool opens_anew(const struct conn *c, const struct tcp_segment *s)
{
	const struct conn_side *from = end_cmp(&s->src, &c->a) == 0 ? &c->from_a : &c->from_b;

	return ended(c) || (from->have_isn && from->isn != s->seq);
}

static struct conn *new_conn(struct conn_table *t, const struct tcp_segment *s, int64_t t_ns)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct conn *v = cap < UINT32_MAX ? realloc(t->v, cap * sizeof(*v)) : NULL;
		if (v == NULL)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	struct conn *c = &t->v[t->n++];
	memset(c, 0, sizeof(*c));
	/* A SYN-ACK seen first answers the other end's SYN. */
	bool answer = (s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK);
	c->a = answer ? s->dst : s->src;
	c->b = answer ? s->src : s->dst;
	c->first_ns = c->last_ns = t_ns;
	c->first_seg = t->added;
	return c;
}

/* Learns what s, sent by from to to, says: counts, bytes, flags, how the connection ended. */
static void note(struct conn *c, const struct tcp_segment *s, bool from_a)
{
	struct conn_side *from = from_a ? &c->from_a : &c->from_b, *to = from_a ? &c->from_b : &c->from_a;
	bool syn = s->flags & TCPF_SYN;
	uint32_t data = s->seq + syn;

	from->segments++;
	if (syn) {
		from->syn = true;
		if (!from->have_isn) {
			from->have_isn = true;
			from->isn = s->seq;
		}
	}
	if (!from->have_next) {
		from->have_next = true;
		from->next = data;
	}
	uint32_t end = data + s->len;
	if (s->len && seq_before(from->next, end)) {
		from->bytes += end - from->next;
		from->next = end;
	}
	if (s->flags & TCPF_ACK && to->have_isn && seq_leq(to->isn + 1, s->ack))
		from->acked_syn = true;
	if (s->flags & TCPF_FIN)
		from->fin = true;
	if (s->flags & TCPF_RST)
		from->rst = true;

	if (ended(c))
		return;
	if (s->flags & TCPF_RST) {
		c->end = !from_a && c->from_a.syn && !c->from_b.syn ? CONN_REFUSED : CONN_RST;
		c->ended_by_a = from_a;
	} else if (c->from_a.fin && c->from_b.fin) {
		c->end = CONN_FIN;
	} else if (s->flags & TCPF_FIN) {
		c->end = CONN_HALF_CLOSED;
		c->ended_by_a = from_a;
	}
}

size_t conn_table_add(struct conn_table *t, const struct tcp_segment *s, int64_t t_ns, bool *from_a)
{
	struct conn_key k = key_of(&s->src, &s->dst);
	size_t slot = find_slot(t, &k, s);
	struct conn *c = t->slots[slot] ? &t->v[t->slots[slot] - 1] : NULL;
	bool pure_syn = (s->flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;

	if (c == NULL && (t->used + 1) * 2 > t->nslots) {
		if (grow_slots(t) < 0) {
			errno = ENOMEM;
			return 0;
		}
		slot = find_slot(t, &k, s);
	}
	t->added++;
	if (c == NULL || (pure_syn && opens_anew(c, s))) {
		bool fresh = c == NULL;
		c = new_conn(t, s, t_ns);
		if (c == NULL) {
			t->added--;
			errno = ENOMEM;
			return 0;
		}
		t->used += fresh;
		t->slots[slot] = (uint32_t)t->n;
	}
	*from_a = end_cmp(&s->src, &c->a) == 0;
	note(c, s, *from_a);
	if (t_ns > c->last_ns)
		c->last_ns = t_ns;
	c->last_seg = t->added;
	return (size_t)(c - t->v) + 1;
}

size_t conn_table_count(const struct conn_table *t)
{
	return t->n;
}

const struct conn *conn_table_get(const struct conn_table *t, size_t n)
{
	return n >= 1 && n <= t->n ? &t->v[n - 1] : NULL;
}

bool conn_has(const struct conn *c, const struct tcp_segment *s, uint64_t ordinal)
{
	return ordinal >= c->first_seg && ordinal <= c->last_seg && conn_between(c, &s->src, &s->dst);
}

enum conn_handshake conn_handshake(const struct conn *c)
{
	const struct conn_side *a = &c->from_a, *b = &c->from_b;

	if (a->syn && b->syn && a->acked_syn && b->acked_syn)
		return HANDSHAKE_SEEN;
	if (b->syn)
		return HANDSHAKE_PARTIAL;
	return a->syn ? HANDSHAKE_SYN_ONLY : HANDSHAKE_NONE;
}

void conn_table_free(struct conn_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->slots);
	free(t);
}
