/* The text and JSON of `info`, from structs: no sockets, no files, no clock. */
#include "view/info_format.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/sock.h"
#include "net/tcp_state.h"
#include "base/textbuf.h"

/* ssthresh before the first loss: "none yet". */
#define INFINITE_SSTHRESH 0x7fffffffu

static struct info_row *row(struct info_row *rows, size_t *n, size_t max, const char *name,
			    const char *meaning_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends a row with its meaning; the caller fills the value. */
static struct info_row *row(struct info_row *rows, size_t *n, size_t max, const char *name,
			    const char *meaning_fmt, ...)
{
	static struct info_row spill; /* past max: written, never shown */
	struct info_row *r = *n < max ? &rows[(*n)++] : &spill;
	va_list ap;

	r->name = name;
	r->value[0] = '\0';
	va_start(ap, meaning_fmt);
	vsnprintf(r->meaning, sizeof(r->meaning), meaning_fmt, ap);
	va_end(ap);
	return r;
}

/* A yes/no row whose meaning depends on the answer. */
static void flag_row(struct info_row *rows, size_t *n, size_t max, const char *name, bool on,
		     const char *if_yes, const char *if_no)
{
	struct info_row *r = row(rows, n, max, name, "%s", on ? if_yes : if_no);
	snprintf(r->value, sizeof(r->value), "%s", on ? "yes" : "no");
}

void info_data_bytes(const struct tcp_summary *s, bool we_opened, uint64_t *out, uint64_t *in)
{
	/*
	 * tcpi_bytes_acked is how far the peer's ACKs moved snd_una.  A socket
	 * that connect() opened starts it at its SYN, so the ACK of the SYN
	 * counts 1; an accepted one starts after its SYN-ACK and counts no
	 * handshake.  Our FIN counts 1 once acknowledged: in FIN_WAIT2 and
	 * TIME_WAIT (LAST_ACK and CLOSING still wait for that ACK).
	 * tcpi_bytes_received is how far rcv_nxt moved after the handshake,
	 * so the peer's SYN never counts, but its FIN does once it arrived:
	 * in CLOSE_WAIT, LAST_ACK, CLOSING and TIME_WAIT.
	 */
	uint64_t not_data_out = 0, not_data_in = 0;

	if (we_opened && s->state != TCP_SYN_SENT)
		not_data_out++;
	if (s->state == TCP_FIN_WAIT2 || s->state == TCP_TIME_WAIT)
		not_data_out++;
	if (s->state == TCP_CLOSE_WAIT || s->state == TCP_LAST_ACK || s->state == TCP_CLOSING ||
	    s->state == TCP_TIME_WAIT)
		not_data_in++;
	*out = s->bytes_acked > not_data_out ? s->bytes_acked - not_data_out : 0;
	*in = s->bytes_received > not_data_in ? s->bytes_received - not_data_in : 0;
}

size_t info_negotiated_rows(const struct tcp_summary *s, const char *congestion, int verbose,
			    bool we_opened, struct info_row *rows, size_t max)
{
	size_t n = 0;
	char a[32], b[32];
	struct info_row *r;

	r = row(rows, &n, max, "state", "%s", tcp_state_meaning(s->state));
	snprintf(r->value, sizeof(r->value), "%s", tcp_state_name(s->state));
	if (s->state == TCP_CLOSE)
		return n;  /* never connected, or gone: nothing was negotiated */
	if (s->state == TCP_LISTEN) {
		/* A listener's tcp_info counts its queue, nothing negotiated. */
		r = row(rows, &n, max, "accept queue",
			"finished handshakes waiting for accept(), and the backlog that caps them");
		snprintf(r->value, sizeof(r->value), "%u of %u connections", s->unacked, s->sacked);
		return n;
	}

	r = row(rows, &n, max, "mss out",
		"largest segment we send: the peer's MSS less TCP options, at most half its window");
	snprintf(r->value, sizeof(r->value), "%u bytes", s->snd_mss);
	r = row(rows, &n, max, "mss in",
		"largest segment we take: the MSS our SYN announced, less TCP options");
	snprintf(r->value, sizeof(r->value), "%u bytes", s->advmss);

	if (s->snd_wscale >= 0) {
		r = row(rows, &n, max, "window scale",
			"windows count in units of 2^%d bytes from the peer, 2^%d from us: up to %s / %s",
			s->snd_wscale, s->rcv_wscale,
			format_bytes((uint64_t)65535 << s->snd_wscale, a, sizeof(a)),
			format_bytes((uint64_t)65535 << s->rcv_wscale, b, sizeof(b)));
		/* Shift counts, as the TCP option carries them: no unit. */
		snprintf(r->value, sizeof(r->value), "%d out / %d in", s->snd_wscale, s->rcv_wscale);
	} else {
		r = row(rows, &n, max, "window scale",
			"not negotiated: neither side may offer a window above 64 KiB");
		snprintf(r->value, sizeof(r->value), "off");
	}
	flag_row(rows, &n, max, "sack", s->sack,
		 "selective ACKs: the receiver reports what it holds, so only lost segments are resent",
		 "no selective ACKs: after a loss, what followed it may be sent again");
	flag_row(rows, &n, max, "timestamps", s->timestamps,
		 "each segment carries a timestamp: RTT is measured on every ACK, old duplicates are dropped",
		 "no timestamps: RTT is sampled less often; each segment keeps 12 more bytes for data");
	flag_row(rows, &n, max, "ecn", s->ecn,
		 "routers may mark congestion in the IP header instead of dropping packets",
		 "no ECN: congestion shows only as loss (net.ipv4.tcp_ecn=1 makes this host ask)");
	flag_row(rows, &n, max, "syn data", s->syn_data,
		 "data rode on the SYN (TCP Fast Open), saving a round trip",
		 "no data rode on the SYN (TCP Fast Open was not used)");

	r = row(rows, &n, max, "rtt",
		"smoothed round-trip time and its variation; fresh, it is the handshake's sample");
	snprintf(r->value, sizeof(r->value), "%s (var %s)", format_span_us(s->rtt_us, a, sizeof(a)),
		 format_span_us(s->rttvar_us, b, sizeof(b)));
	r = row(rows, &n, max, "cwnd",
		"congestion window: segments in flight before ACKs must come back (10 at the start)");
	snprintf(r->value, sizeof(r->value), "%u segments", s->snd_cwnd);
	if (congestion && *congestion) {
		r = row(rows, &n, max, "congestion",
			"the algorithm that grows cwnd and cuts it after a loss");
		snprintf(r->value, sizeof(r->value), "%s", congestion);
	}
	if (s->have_snd_wnd) {
		r = row(rows, &n, max, "peer window",
			"what the peer can take now: we must wait for its ACKs beyond this");
		snprintf(r->value, sizeof(r->value), "%u bytes", s->snd_wnd);
	}
	if (verbose == 0)
		return n;

	r = row(rows, &n, max, "rto", "retransmission timeout: how long an unacknowledged segment waits");
	snprintf(r->value, sizeof(r->value), "%s", format_span_us(s->rto_us, a, sizeof(a)));
	r = row(rows, &n, max, "mss seen", "largest segment the peer has sent us so far (536 until data comes)");
	snprintf(r->value, sizeof(r->value), "%u bytes", s->rcv_mss);
	r = row(rows, &n, max, "path mtu", "largest IP packet the path carries, as far as we know");
	snprintf(r->value, sizeof(r->value), "%u bytes", s->pmtu);
	r = row(rows, &n, max, "ssthresh", "slow start threshold: cwnd grows fast below it, slowly above");
	if (s->snd_ssthresh >= INFINITE_SSTHRESH)
		snprintf(r->value, sizeof(r->value), "none yet");
	else
		snprintf(r->value, sizeof(r->value), "%u segments", s->snd_ssthresh);
	r = row(rows, &n, max, "receive space", "how much we expect to receive per round trip; our window grows with it");
	snprintf(r->value, sizeof(r->value), "%u bytes", s->rcv_space);
	r = row(rows, &n, max, "retransmits", "segments sent again so far, in all");
	snprintf(r->value, sizeof(r->value), "%u segments", s->total_retrans);
	if (s->have_bytes) {
		uint64_t out, in;
		info_data_bytes(s, we_opened, &out, &in);
		r = row(rows, &n, max, "bytes",
			"our data the peer acknowledged, and the data we received (SYN and FIN not counted)");
		snprintf(r->value, sizeof(r->value), "%" PRIu64 " bytes out / %" PRIu64 " bytes in",
			 out, in);
	}
	return n;
}

/* Kinds of places where a line may end, weakest first. */
enum line_break {
	BREAK_WORD,    /* at a blank, or after a comma in "8080,9000-9010" */
	BREAK_WEAK,    /* after ", ", or before a "(...)" that ends the text */
	BREAK_STRONG,  /* after ": " or "; " */
};

static size_t count_lines(const char *p, size_t avail);

/*
 * The next line of text p when it may take avail columns: returns its
 * length and sets *next to where the line after it starts.  Plain, it
 * ends at the last blank (or after the last comma) that lets it fit, and a
 * word longer than avail is cut.  Otherwise, among the places that need
 * no more lines in all, it takes the end of a clause when one falls in
 * the last two thirds of the line, a strong one before a weak one, so
 * that a line tends to hold one idea.
 */
static size_t wrap_line(const char *p, size_t avail, bool plain, const char **next)
{
	size_t len = strlen(p), end = 0, end_lines = (size_t)-1;
	enum line_break end_kind = BREAK_WORD;

	if (len <= avail) {
		*next = p + len;
		return len;
	}
	for (size_t i = 1; i <= avail; i++) {  /* a line of p[0..i) */
		char before = p[i - 1];
		enum line_break kind = BREAK_WORD;
		if (p[i] == ' ' && before != ' ') {
			const char *paren = p[i + 1] == '(' ? strchr(p + i + 1, ')') : NULL;
			if (plain || i < avail / 3)
				kind = BREAK_WORD;
			else if (before == ':' || before == ';')
				kind = BREAK_STRONG;
			else if (before == ',' || (paren && paren[1] == '\0'))
				kind = BREAK_WEAK;
		} else if (!(before == ',' && p[i] != ' ')) {
			continue;
		}
		size_t lines = plain ? 0 : count_lines(p + i + (p[i] == ' '), avail);
		if (lines < end_lines || (lines == end_lines && kind >= end_kind)) {
			end = i;
			end_lines = lines;
			end_kind = kind;
		}
	}
	if (end == 0)
		end = avail;
	*next = p + end;
	while (**next == ' ')
		(*next)++;
	return end;
}

/* How many lines text p takes when plainly wrapped to avail columns. */
static size_t count_lines(const char *p, size_t avail)
{
	size_t n = 0;

	while (*p) {
		wrap_line(p, avail, true, &p);
		n++;
	}
	return n;
}

/*
 * Writes text wrapped to avail columns, a newline after each line: the
 * first line goes where the output stands, the others after indent blanks.
 */
static void put_wrapped(struct textbuf *o, const char *text, int indent, size_t avail)
{
	const char *p = text, *next;

	for (bool first = true; first || *p; first = false, p = next) {
		size_t k = wrap_line(p, avail, false, &next);
		textbuf_printf(o, "%*s%.*s\n", first ? 0 : indent, "", (int)k, p);
	}
}

/* Where a row starts, where its meaning starts, and the least room a value column needs. */
#define ROW_INDENT 2
#define MEANING_INDENT 6
#define VALUE_MIN 12

/* One row: "  name  value", the value wrapped in its column, then the meaning under them. */
static void put_row(struct textbuf *o, const struct info_row *r, int name_width, int width)
{
	int value_col = ROW_INDENT + name_width + 2;

	if (r->value[0] == '\0') {
		textbuf_printf(o, "%*s%s\n", ROW_INDENT, "", r->name);
	} else if (width - value_col >= VALUE_MIN) {
		textbuf_printf(o, "%*s%-*s  ", ROW_INDENT, "", name_width, r->name);
		put_wrapped(o, r->value, value_col, (size_t)(width - value_col));
	} else {
		/* No room beside the name: the value on lines of its own. */
		textbuf_printf(o, "%*s%s\n%*s", ROW_INDENT, "", r->name, ROW_INDENT + 2, "");
		put_wrapped(o, r->value, ROW_INDENT + 2, (size_t)(width - ROW_INDENT - 2));
	}
	if (r->meaning[0]) {
		textbuf_printf(o, "%*s", MEANING_INDENT, "");
		put_wrapped(o, r->meaning, MEANING_INDENT, (size_t)(width - MEANING_INDENT));
	}
}

size_t info_format_rows(char *buf, size_t size, const struct info_row *header,
			const struct info_row *rows, size_t n, int width)
{
	struct textbuf o = textbuf_on(buf, size);
	int name_width = header ? (int)strlen(header->name) : 0;

	if (width > INFO_WIDTH || width <= 0)
		width = INFO_WIDTH;
	if (width < INFO_WIDTH_MIN)
		width = INFO_WIDTH_MIN;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(rows[i].name) > name_width)
			name_width = (int)strlen(rows[i].name);
	if (header)
		put_row(&o, header, name_width, width);
	for (size_t i = 0; i < n; i++)
		put_row(&o, &rows[i], name_width, width);
	return o.len;
}

size_t info_tcp_fields(const struct tcp_summary *s, const char *congestion, struct field *f)
{
	size_t n = 0;

	f[n++] = F_STR("state", tcp_state_name(s->state));
	f[n++] = F_MS("rtt_ms", (int64_t)s->rtt_us * 1000);
	f[n++] = F_MS("rttvar_ms", (int64_t)s->rttvar_us * 1000);
	f[n++] = F_MS("rto_ms", (int64_t)s->rto_us * 1000);
	f[n++] = F_INT("snd_mss", s->snd_mss);
	f[n++] = F_INT("rcv_mss", s->rcv_mss);
	f[n++] = F_INT("advmss", s->advmss);
	f[n++] = F_INT("snd_wscale", s->snd_wscale);
	f[n++] = F_INT("rcv_wscale", s->rcv_wscale);
	f[n++] = F_BOOL("sack", s->sack);
	f[n++] = F_BOOL("timestamps", s->timestamps);
	f[n++] = F_BOOL("ecn", s->ecn);
	f[n++] = F_BOOL("syn_data", s->syn_data);
	f[n++] = F_INT("snd_cwnd", s->snd_cwnd);
	f[n++] = F_INT("total_retrans", s->total_retrans);
	f[n++] = F_STR("congestion", congestion && *congestion ? congestion : NULL);
	if (s->have_bytes) {
		f[n++] = F_INT("bytes_acked", s->bytes_acked);
		f[n++] = F_INT("bytes_received", s->bytes_received);
	}
	if (s->have_snd_wnd)
		f[n++] = F_INT("snd_wnd", s->snd_wnd);
	f[n] = F_END;
	return n;
}

/* "127.0.0.1:80"; a listener's peer, all zeros, is "*". */
static void endpoint_text(const struct tcp_sock *s, bool peer, char *buf, size_t size)
{
	if (peer && s->state == TCP_LISTEN)
		snprintf(buf, size, "*");
	else
		sock_name((const struct sockaddr *)(peer ? &s->peer : &s->local), buf, size);
}

static void process_text(const struct tcp_sock *s, char *buf, size_t size)
{
	if (s->owners > 1)
		snprintf(buf, size, "%s (pid %d, fd %d) +%d", s->command, (int)s->pid, s->fd,
			 s->owners - 1);
	else if (s->owners == 1)
		snprintf(buf, size, "%s (pid %d, fd %d)", s->command, (int)s->pid, s->fd);
	else if (s->inode != 0)
		snprintf(buf, size, "? (uid %u)", s->uid);  /* no process we may see */
	else
		snprintf(buf, size, "-");  /* the kernel's own: TIME_WAIT, SYN_RECV */
}

void info_sock_columns(const struct tcp_sock *v, size_t n, struct sock_columns *w)
{
	char name[SOCK_NAME_MAX];

	w->local = (int)strlen("LOCAL");
	w->peer = (int)strlen("PEER");
	for (size_t i = 0; i < n; i++) {
		endpoint_text(&v[i], false, name, sizeof(name));
		if ((int)strlen(name) > w->local)
			w->local = (int)strlen(name);
		endpoint_text(&v[i], true, name, sizeof(name));
		if ((int)strlen(name) > w->peer)
			w->peer = (int)strlen(name);
	}
}

size_t info_format_header(char *buf, size_t size, const struct sock_columns *w)
{
	int k = snprintf(buf, size, "%-11s %6s %6s  %-*s  %-*s  %s", "STATE", "RECV-Q", "SEND-Q",
			 w->local, "LOCAL", w->peer, "PEER", "PROCESS");
	return k > 0 ? (size_t)k : 0;
}

size_t info_format_sock(char *buf, size_t size, const struct tcp_sock *s,
			const struct sock_columns *w)
{
	char local[SOCK_NAME_MAX], peer[SOCK_NAME_MAX], proc[64];

	endpoint_text(s, false, local, sizeof(local));
	endpoint_text(s, true, peer, sizeof(peer));
	process_text(s, proc, sizeof(proc));
	int k = snprintf(buf, size, "%-11s %6u %6u  %-*s  %-*s  %s", tcp_state_name(s->state),
			 s->recv_q, s->send_q, w->local, local, w->peer, peer, proc);
	return k > 0 ? (size_t)k : 0;
}

static const char *timer_name(enum sock_timer t)
{
	switch (t) {
	case TIMER_RETRANSMIT: return "retransmit";
	case TIMER_KEEPALIVE: return "keepalive";
	case TIMER_TIME_WAIT: return "time-wait";
	case TIMER_PROBE: return "window probe";
	default: return NULL;
	}
}

size_t info_format_sock_detail(char *buf, size_t size, const struct tcp_sock *s)
{
	struct out { char *p; size_t size, len; } o = { buf, size, 0 };
	char a[32], b[32];
#define ADD(...) do { \
		int k_ = snprintf(o.len < o.size ? o.p + o.len : NULL, \
				  o.len < o.size ? o.size - o.len : 0, __VA_ARGS__); \
		o.len += k_ > 0 ? (size_t)k_ : 0; \
	} while (0)

	if (size)
		buf[0] = '\0';
	ADD("   ");
	if (s->has_info && s->state == TCP_LISTEN) {
		ADD(" accept queue %u of %u", s->info.unacked, s->info.sacked);
	} else if (s->has_info) {
		ADD(" rtt %s/%s ms, cwnd %u, mss %u, retrans %u",
		    format_ms((int64_t)s->info.rtt_us * 1000, a, sizeof(a)),
		    format_ms((int64_t)s->info.rttvar_us * 1000, b, sizeof(b)),
		    s->info.snd_cwnd, s->info.snd_mss, s->info.total_retrans);
		if (s->info.have_bytes)
			ADD(", %" PRIu64 " B acked, %" PRIu64 " B received", s->info.bytes_acked,
			    s->info.bytes_received);
		if (s->congestion[0])
			ADD(", %s", s->congestion);
	}
	if (timer_name(s->timer)) {
		ADD("%s %s in %s s", o.len > 3 ? "," : "", timer_name(s->timer),
		    format_ms((int64_t)s->timer_ms * 1000, a, sizeof(a)));
		if (s->retrans)
			ADD(" (%u retries)", s->retrans);
	}
#undef ADD
	return o.len > 3 ? o.len : 0;
}

size_t info_format_sock_json(char *buf, size_t size, const struct tcp_sock *s, int verbose,
			     int64_t t_ns)
{
	char local[SOCK_NAME_MAX], peer[SOCK_NAME_MAX];
	struct field f[16 + INFO_TCP_FIELDS + 1];
	size_t n = 0;

	sock_name((const struct sockaddr *)&s->local, local, sizeof(local));
	sock_name((const struct sockaddr *)&s->peer, peer, sizeof(peer));
	f[n++] = F_STR("state", tcp_state_name(s->state));
	f[n++] = F_STR("family", s->family == AF_INET6 ? "ipv6" : "ipv4");
	f[n++] = F_STR("local", local);
	f[n++] = F_STR("peer", peer);
	f[n++] = F_INT("local_port", socklist_port(&s->local));
	f[n++] = F_INT("peer_port", socklist_port(&s->peer));
	f[n++] = F_INT("recv_q", s->recv_q);
	f[n++] = F_INT("send_q", s->send_q);
	f[n++] = F_INT("uid", s->uid);
	f[n++] = F_INT("inode", s->inode);
	f[n++] = F_INT("processes", s->owners);
	if (s->owners > 0) {
		f[n++] = F_INT("pid", s->pid);
		f[n++] = F_INT("fd", s->fd);
		f[n++] = F_STR("command", s->command);
	}
	if (verbose && timer_name(s->timer)) {
		f[n++] = F_STR("timer", timer_name(s->timer));
		f[n++] = F_MS("timer_ms", (int64_t)s->timer_ms * 1000000);
	}
	f[n] = F_END;
	if (verbose && s->has_info) {
		/* tcp_info's own "state" is the row's state: skip it. */
		struct field tcp[INFO_TCP_FIELDS + 1];
		size_t m = info_tcp_fields(&s->info, s->congestion, tcp);
		memcpy(&f[n], &tcp[1], m * sizeof(tcp[0]));
	}
	return report_format(buf, size, true, "socket", t_ns, "", f);
}
