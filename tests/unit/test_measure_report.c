/* view/measure_report.c: the measured line of --load and --discard. */
#include "unit.h"

#include "view/measure_report.h"

void test_measure_report(void)
{
	char b[512];
	struct measurement m = {
		.bytes_out = 4294967296ull, .duration_ns = 869289000, .have_retrans = true, .retrans = 44,
		.cpu_user_ns = 834000, .cpu_sys_ns = 675775000,
	};

	measure_format(b, sizeof(b), &m);
	CHECK_STR(b, "measured over 869.289 ms: sent 4.29 GB (4.94 GB/s, 39.5 Gbit/s); 44 segments "
		     "retransmitted; CPU 0.834 ms user + 675.775 ms sys, 169.152 ms a GiB");
	/* Receiving only, one retransmission, no retransmission count known. */
	m = (struct measurement){ .bytes_in = 1000, .duration_ns = 2000000000, .have_retrans = true, .retrans = 1 };
	measure_format(b, sizeof(b), &m);
	CHECK_STR(b, "measured over 2.000 s: received 1.00 kB (500 B/s, 4.00 kbit/s); 1 segment "
		     "retransmitted; CPU 0.000 ms user + 0.000 ms sys");
	/* Both ways. */
	m = (struct measurement){ .bytes_out = 2000000, .bytes_in = 3000000, .duration_ns = 1000000000 };
	measure_format(b, sizeof(b), &m);
	CHECK_CONTAINS(b, "sent 2.00 MB (2.00 MB/s, 16.0 Mbit/s), received 3.00 MB (3.00 MB/s, 24.0 Mbit/s); CPU");
}
