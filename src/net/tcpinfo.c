/* TCP_INFO in any kernel's length, decoded into struct tcp_summary. */
#include "net/tcpinfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/tcp.h>

#ifndef SOL_TCP
#define SOL_TCP 6
#endif

/* True when the kernel's struct reached past 'field'. */
#define HAS(len, field) \
	((len) >= offsetof(struct tcp_info, field) + sizeof(((struct tcp_info *)0)->field))

void tcpinfo_decode(const void *raw, size_t len, struct tcp_summary *s)
{
	struct tcp_info ti;

	/* Copy what arrived; a shorter (older) struct leaves the rest zero. */
	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, raw, len < sizeof(ti) ? len : sizeof(ti));
	memset(s, 0, sizeof(*s));
	s->state = ti.tcpi_state;
	s->sack = ti.tcpi_options & TCPI_OPT_SACK;
	s->timestamps = ti.tcpi_options & TCPI_OPT_TIMESTAMPS;
	s->ecn = ti.tcpi_options & TCPI_OPT_ECN;
	s->syn_data = ti.tcpi_options & TCPI_OPT_SYN_DATA;
	bool wscale = ti.tcpi_options & TCPI_OPT_WSCALE;
	s->snd_wscale = wscale ? ti.tcpi_snd_wscale : -1;
	s->rcv_wscale = wscale ? ti.tcpi_rcv_wscale : -1;
	s->rto_us = ti.tcpi_rto;
	s->rtt_us = ti.tcpi_rtt;
	s->rttvar_us = ti.tcpi_rttvar;
	s->snd_mss = ti.tcpi_snd_mss;
	s->rcv_mss = ti.tcpi_rcv_mss;
	s->advmss = ti.tcpi_advmss;
	s->pmtu = ti.tcpi_pmtu;
	s->snd_cwnd = ti.tcpi_snd_cwnd;
	s->snd_ssthresh = ti.tcpi_snd_ssthresh;
	s->rcv_space = ti.tcpi_rcv_space;
	s->unacked = ti.tcpi_unacked;
	s->sacked = ti.tcpi_sacked;
	s->total_retrans = ti.tcpi_total_retrans;
	s->have_bytes = HAS(len, tcpi_bytes_received);
	s->bytes_acked = ti.tcpi_bytes_acked;
	s->bytes_received = ti.tcpi_bytes_received;
	s->have_data_segs = HAS(len, tcpi_data_segs_in);
	s->data_segs_in = ti.tcpi_data_segs_in;
	s->have_snd_wnd = HAS(len, tcpi_snd_wnd);
	s->snd_wnd = ti.tcpi_snd_wnd;
}

int tcpinfo_read(int fd, struct tcp_summary *s)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	tcpinfo_decode(&ti, len, s);
	return 0;
}

int tcpinfo_congestion(int fd, char *buf, size_t size)
{
	char name[17];  /* TCP_CA_NAME_MAX is 16 */
	socklen_t len = sizeof(name) - 1;

	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	memset(name, 0, sizeof(name));
	if (getsockopt(fd, SOL_TCP, TCP_CONGESTION, name, &len) < 0)
		return -1;
	snprintf(buf, size, "%s", name);
	return 0;
}
