/* The unit tests' harness: the CHECK macros, and the groups unit.c runs by name. */
#ifndef TCPTOOL_UNIT_H
#define TCPTOOL_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

extern int unit_failures;
extern int unit_checks;   /* CHECKs run, failed or not: build/unit GROUP tells the count */

/* Records a failure with where it happened; keeps going. */
void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond) \
	do { unit_checks++; if (!(cond)) unit_fail(__FILE__, __LINE__, "failed: %s", #cond); } while (0)

#define CHECK_INT(got, want) \
	do { unit_checks++; long long g_ = (long long)(got), w_ = (long long)(want); \
	     if (g_ != w_) unit_fail(__FILE__, __LINE__, "%s: got %lld, want %lld", #got, g_, w_); } while (0)

#define CHECK_STR(got, want) \
	do { unit_checks++; const char *g_ = (got), *w_ = (want); \
	     if (g_ == NULL || strcmp(g_, w_) != 0) \
		unit_fail(__FILE__, __LINE__, "%s:\n  got  [%s]\n  want [%s]", #got, g_ ? g_ : "(null)", w_); } while (0)

/* True when 'needle' occurs in 'hay'; a failure names both. */
#define CHECK_CONTAINS(hay, needle) \
	do { unit_checks++; const char *h_ = (hay), *n_ = (needle); \
	     if (h_ == NULL || strstr(h_, n_) == NULL) \
		unit_fail(__FILE__, __LINE__, "%s:\n  [%s]\n  lacks [%s]", #hay, h_ ? h_ : "(null)", n_); } while (0)

/* The groups: test_X.c holds group X, the tests of src/.../X.c. */
void test_args(void);
void test_interval(void);
void test_progress(void);
void test_rate_limit(void);
void test_textbuf(void);
void test_pattern(void);
void test_measure_report(void);
void test_info_format(void);
void test_trace_format(void);
void test_ladder(void);
void test_probe(void);
void test_probe_stats(void);
void test_segment(void);
void test_tcp_state(void);
void test_kernel_settings(void);
void test_procnet(void);
void test_sockdiag(void);
void test_diag_bytecode(void);
void test_owners(void);
void test_format(void);
void test_sockdiff(void);
void test_watch_report(void);
void test_info_watch(void);
void test_conn_table(void);
void test_trace_file(void);
void test_sockopt(void);

#endif
