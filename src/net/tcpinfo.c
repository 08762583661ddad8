/* TCP_INFO in any kernel's length, decoded into struct tcp_summary. */
#include "net/tcpinfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#ifndef SOL_TCP
#define SOL_TCP 6
#endif

/*
 * The fields newer kernels add after the headers' last one, in the
 * kernel's layout (include/uapi/linux/tcp.h), so that a running kernel
 * newer than the headers tells us what it knows.
 */
struct tcp_info_ext {
	struct tcp_info base;
	uint32_t tcpi_rcv_wnd;
	uint32_t tcpi_rehash;
	uint16_t tcpi_total_rto;
	uint16_t tcpi_total_rto_recoveries;
	uint32_t tcpi_total_rto_time;
};

/* True when the kernel's struct reached past 'field'. */
#define HAS(len, field) \
	((len) >= offsetof(struct tcp_info, field) + sizeof(((struct tcp_info *)0)->field))
#define HAS_EXT(len, field) \
	((len) >= offsetof(struct tcp_info_ext, field) + sizeof(((struct tcp_info_ext *)0)->field))

void tcpinfo_decode(const void *raw, size_t len, struct tcp_summary *s)
{
	struct tcp_info_ext ext;

	/* Copy what arrived; a shorter (older) struct leaves the rest zero. */
	memset(&ext, 0, sizeof(ext));
	memcpy(&ext, raw, len < sizeof(ext) ? len : sizeof(ext));
	struct tcp_info ti = ext.base;
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

	s->lost = ti.tcpi_lost;
	s->retrans = ti.tcpi_retrans;
	s->min_rtt_us = ti.tcpi_min_rtt;
	s->notsent_bytes = ti.tcpi_notsent_bytes;
	s->segs_out = ti.tcpi_segs_out;
	s->segs_in = ti.tcpi_segs_in;
	s->data_segs_out = ti.tcpi_data_segs_out;
	s->have_rates = HAS(len, tcpi_delivery_rate);
	s->pacing_rate = ti.tcpi_pacing_rate;
	s->delivery_rate = ti.tcpi_delivery_rate;
	s->delivery_app_limited = ti.tcpi_delivery_rate_app_limited;
	s->have_chrono = HAS(len, tcpi_sndbuf_limited);
	s->busy_us = ti.tcpi_busy_time;
	s->rwnd_limited_us = ti.tcpi_rwnd_limited;
	s->sndbuf_limited_us = ti.tcpi_sndbuf_limited;
	s->have_bytes_sent = HAS(len, tcpi_bytes_retrans);
	s->bytes_sent = ti.tcpi_bytes_sent;
	s->bytes_retrans = ti.tcpi_bytes_retrans;
	s->have_rcv_wnd = HAS_EXT(len, tcpi_rcv_wnd);
	s->rcv_wnd = ext.tcpi_rcv_wnd;
	s->have_rto_stats = HAS_EXT(len, tcpi_total_rto_time);
	s->total_rto = ext.tcpi_total_rto;
	s->total_rto_recoveries = ext.tcpi_total_rto_recoveries;
	s->total_rto_time_ms = ext.tcpi_total_rto_time;
}

int tcpinfo_read(int fd, struct tcp_summary *s)
{
	struct tcp_info_ext ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len) < 0)
		return -1;
	tcpinfo_decode(&ti, len, s);
	return 0;
}

int tcpinfo_queues(int fd, uint32_t *send_q, uint32_t *recv_q)
{
	int out = 0, in = 0;

	if (ioctl(fd, SIOCOUTQ, &out) < 0 || ioctl(fd, SIOCINQ, &in) < 0)
		return -1;
	*send_q = (uint32_t)out;
	*recv_q = (uint32_t)in;
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
