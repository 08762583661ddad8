/* cmd/info_watch.c: who opened a connection, from its byte counters; a listed socket as an interval sample. */
#include "unit.h"

#include "cmd/info.h"
#include "net/tcp_state.h"

static struct tcp_summary counters(int state, uint64_t acked, uint64_t received, uint64_t sent,
				   uint64_t retrans)
{
	struct tcp_summary s;

	memset(&s, 0, sizeof(s));
	s.state = state;
	s.have_bytes = s.have_bytes_sent = true;
	s.bytes_acked = acked;
	s.bytes_received = received;
	s.bytes_sent = sent;
	s.bytes_retrans = retrans;
	return s;
}

static void test_we_opened(void)
{
	struct tcp_summary s;

	/* connect(): the ACK of the SYN counts 1 beyond the data. */
	s = counters(TCP_ESTABLISHED, 1, 0, 0, 0);
	CHECK(info_watch_we_opened(&s));
	s = counters(TCP_ESTABLISHED, 1001, 0, 1000, 0);
	CHECK(info_watch_we_opened(&s));
	/* Retransmitted bytes count twice in bytes_sent. */
	s = counters(TCP_ESTABLISHED, 1001, 0, 1500, 500);
	CHECK(info_watch_we_opened(&s));
	/* accept(): no SYN of ours acknowledged. */
	s = counters(TCP_ESTABLISHED, 0, 5, 0, 0);
	CHECK(!info_watch_we_opened(&s));
	s = counters(TCP_ESTABLISHED, 1000, 0, 1000, 0);
	CHECK(!info_watch_we_opened(&s));
	/* Our FIN acknowledged counts 1 too, and is no SYN. */
	s = counters(TCP_FIN_WAIT2, 1001, 0, 1000, 0);
	CHECK(!info_watch_we_opened(&s));
	s = counters(TCP_FIN_WAIT2, 1002, 0, 1000, 0);
	CHECK(info_watch_we_opened(&s));
	/* A kernel too old to count bytes sent says nothing. */
	s = counters(TCP_ESTABLISHED, 1, 0, 0, 0);
	s.have_bytes_sent = false;
	CHECK(!info_watch_we_opened(&s));
}

static void test_sample(void)
{
	struct tcp_sock s;
	struct flow_sample f, before;

	memset(&s, 0, sizeof(s));
	s.state = TCP_ESTABLISHED;
	s.has_info = true;
	s.info = counters(TCP_ESTABLISHED, 1001, 20, 1000, 0);
	s.send_q = 7;
	s.recv_q = 3;
	info_watch_sample(&s, 123, true, NULL, &f);
	CHECK_INT(f.at_ns, 123);
	CHECK(f.have_info);
	CHECK_INT(f.bytes_out, 1000);
	CHECK_INT(f.bytes_in, 20);
	CHECK(f.have_queues);
	CHECK_INT(f.send_q, 7);
	CHECK_INT(f.recv_q, 3);
	/* Accepted: no SYN to take off. */
	info_watch_sample(&s, 123, false, NULL, &f);
	CHECK_INT(f.bytes_out, 1001);

	/* The peer's FIN is no data (CLOSE_WAIT). */
	s.state = s.info.state = TCP_CLOSE_WAIT;
	s.info.bytes_received = 21;
	info_watch_sample(&s, 124, true, NULL, &f);
	CHECK_INT(f.bytes_in, 20);

	/* TIME_WAIT has no counters: the last known ones stand. */
	before = f;
	memset(&s, 0, sizeof(s));
	s.state = TCP_TIME_WAIT;
	info_watch_sample(&s, 200, true, &before, &f);
	CHECK(!f.have_info);
	CHECK_INT(f.bytes_out, 1000);
	CHECK_INT(f.bytes_in, 20);
	info_watch_sample(&s, 200, true, NULL, &f);
	CHECK_INT(f.bytes_out, 0);

	/* A listener: its queues are the accept queue, no flow. */
	s.state = TCP_LISTEN;
	s.has_info = true;
	s.recv_q = 2;
	info_watch_sample(&s, 300, false, NULL, &f);
	CHECK(!f.have_info);
	CHECK(!f.have_queues);
}

void test_info_watch(void)
{
	test_we_opened();
	test_sample();
}
