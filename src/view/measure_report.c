/* --load and --discard's summary as a measurement. */
#include "view/measure_report.h"

#include "base/textbuf.h"

static double per_second(uint64_t bytes, int64_t ns)
{
	return ns > 0 ? (double)bytes * 1e9 / (double)ns : 0;
}

/* "4.29 GB (4.19 GB/s, 33.6 Gbit/s)" */
static void amount(struct textbuf *t, uint64_t bytes, int64_t ns)
{
	char a[32], b[32], c[32];
	double rate = per_second(bytes, ns);

	textbuf_printf(t, "%s (%s, %s)", format_si((double)bytes, "B", a, sizeof(a)),
		       format_si(rate, "B/s", b, sizeof(b)), format_si(rate * 8, "bit/s", c, sizeof(c)));
}

size_t measure_format(char *buf, size_t size, const struct measurement *m)
{
	struct textbuf t = textbuf_on(buf, size);
	uint64_t moved = m->bytes_out + m->bytes_in;
	int64_t cpu = m->cpu_user_ns + m->cpu_sys_ns;
	char d[32], u[32], s[32], g[32];

	textbuf_printf(&t, "measured over %s: ", format_elapsed(m->duration_ns, d, sizeof(d)));
	if (m->bytes_out || !m->bytes_in) {
		textbuf_puts(&t, "sent ");
		amount(&t, m->bytes_out, m->duration_ns);
	}
	if (m->bytes_in) {
		textbuf_puts(&t, m->bytes_out ? ", received " : "received ");
		amount(&t, m->bytes_in, m->duration_ns);
	}
	if (m->have_retrans)
		textbuf_printf(&t, "; %u segment%s retransmitted", m->retrans, m->retrans == 1 ? "" : "s");
	textbuf_printf(&t, "; CPU %s user + %s sys", format_elapsed(m->cpu_user_ns, u, sizeof(u)),
		       format_elapsed(m->cpu_sys_ns, s, sizeof(s)));
	if (moved >= (1u << 20))
		textbuf_printf(&t, ", %s a GiB",
			       format_elapsed((int64_t)((double)cpu * (double)(1u << 30) / (double)moved), g,
					      sizeof(g)));
	return t.len;
}

void measure_report(const struct report *r, const struct measurement *m)
{
	uint64_t moved = m->bytes_out + m->bytes_in;
	int64_t cpu = m->cpu_user_ns + m->cpu_sys_ns;
	struct field f[16];
	size_t n = 0;
	char line[512];

	if (r->quiet)
		return;
	f[n++] = F_INT("bytes_out", m->bytes_out);
	f[n++] = F_INT("bytes_in", m->bytes_in);
	f[n++] = F_MS("duration_ms", m->duration_ns);
	f[n++] = F_INT("out_bytes_per_s", (int64_t)(per_second(m->bytes_out, m->duration_ns) + 0.5));
	f[n++] = F_INT("in_bytes_per_s", (int64_t)(per_second(m->bytes_in, m->duration_ns) + 0.5));
	f[n++] = F_INT("out_bits_per_s", (int64_t)(per_second(m->bytes_out, m->duration_ns) * 8 + 0.5));
	f[n++] = F_INT("in_bits_per_s", (int64_t)(per_second(m->bytes_in, m->duration_ns) * 8 + 0.5));
	if (m->have_retrans)
		f[n++] = F_INT("retrans_total", m->retrans);
	f[n++] = F_MS("cpu_user_ms", m->cpu_user_ns);
	f[n++] = F_MS("cpu_sys_ms", m->cpu_sys_ns);
	if (moved)
		f[n++] = F_MS("cpu_ms_per_gib", (int64_t)((double)cpu * (double)(1u << 30) / (double)moved));
	f[n] = F_END;
	measure_format(line, sizeof(line), m);
	report_event(r, "measured", f, "%s", line);
}
