/* net/probe.c: what an errno from connect means for a probe, and the results' JSON words. */
#include "unit.h"

#include <errno.h>

#include "net/probe.h"

void test_probe(void)
{
	CHECK_INT(probe_classify(0), PROBE_OPEN);
	CHECK_INT(probe_classify(ECONNREFUSED), PROBE_REFUSED);
	CHECK_INT(probe_classify(ETIMEDOUT), PROBE_TIMEOUT);
	CHECK_INT(probe_classify(ENETUNREACH), PROBE_UNREACHABLE);
	CHECK_INT(probe_classify(EHOSTUNREACH), PROBE_UNREACHABLE);
	CHECK_INT(probe_classify(EADDRNOTAVAIL), PROBE_ERROR);
	CHECK_INT(probe_classify(EAFNOSUPPORT), PROBE_ERROR);
	CHECK_INT(probe_classify(EACCES), PROBE_ERROR);
	CHECK_INT(probe_classify(EMFILE), PROBE_ERROR);
	CHECK_INT(probe_classify(ECONNRESET), PROBE_ERROR);

	CHECK_STR(probe_result_name(PROBE_OPEN), "open");
	CHECK_STR(probe_result_name(PROBE_REFUSED), "refused");
	CHECK_STR(probe_result_name(PROBE_TIMEOUT), "timeout");
	CHECK_STR(probe_result_name(PROBE_UNREACHABLE), "unreachable");
	CHECK_STR(probe_result_name(PROBE_ERROR), "error");
	CHECK_STR(probe_result_name((enum probe_result)PROBE_RESULTS), "error");
	CHECK_STR(probe_result_name((enum probe_result)-1), "error");
	CHECK_STR(probe_result_name((enum probe_result)1000), "error");
}
