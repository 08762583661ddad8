/* view/progress.c: the progress line's text. */
#include "unit.h"

#include "view/progress.h"

void test_progress(void)
{
	char b[256];

	progress_format(b, sizeof(b), 12500000, 0, 1250000, 0, 10 * 1000000000LL, -1);
	CHECK_STR(b, "sent 12.5 MB (1.25 MB/s), received 0 B (0 B/s), 0:10");
	/* Half of 25 MB in 10 s: 10 s left at the average rate. */
	progress_format(b, sizeof(b), 12500000, 300, 1250000, 30, 10 * 1000000000LL, 25000000);
	CHECK_STR(b, "sent 12.5 MB (1.25 MB/s), received 300 B (30 B/s), 0:10, 50% of 25.0 MB, 0:10 left");
	progress_format(b, sizeof(b), 25000000, 0, 0, 0, 3725 * 1000000000LL, 25000000);
	CHECK_STR(b, "sent 25.0 MB (0 B/s), received 0 B (0 B/s), 1:02:05, 100% of 25.0 MB");
	/* Nothing to send: an empty file is all sent. */
	progress_format(b, sizeof(b), 0, 0, 0, 0, 0, 0);
	CHECK_STR(b, "sent 0 B (0 B/s), received 0 B (0 B/s), 0:00, 100% of 0 B");
	/* A short buffer is cut, and the length needed told. */
	size_t need = progress_format(b, 8, 1, 2, 3, 4, 0, -1);
	CHECK_INT(strlen(b), 7);
	CHECK(need > 8);
}
