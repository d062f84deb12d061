/*
 * Check macros for the unit tests: each CHECK records a failure instead of
 * stopping, prints where it failed (file:line), the expression and the
 * values it saw, and the test's main() ends with `return check_finish();`,
 * which prints a summary and gives a non-zero exit status if any check
 * failed.  Table-driven tests set `check_context` to the row being checked
 * so that a failure also says which row it was.
 *
 * Every test program is one translation unit, so the state lives in static
 * variables here rather than in a library.
 */
#ifndef CLAIMLINE_TESTS_CHECK_H
#define CLAIMLINE_TESTS_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_total;
static int check_failed;
/* What is being checked now, printed with a failure; NULL for nothing. */
static const char *check_context;

/* Counts one check; on failure prints its position and the context. */
static inline bool check_record(bool ok, const char *file, int line,
				const char *what)
{
	check_total++;
	if (ok)
		return true;
	check_failed++;
	fprintf(stderr, "%s:%d: check failed: %s", file, line, what);
	if (check_context)
		fprintf(stderr, "  [while checking %s]", check_context);
	fputc('\n', stderr);
	return false;
}

static inline bool check_int_eq(intmax_t got, intmax_t want, const char *file,
				int line, const char *got_expr,
				const char *want_expr)
{
	if (!check_record(got == want, file, line, got_expr))
		fprintf(stderr,
			"    %s = %" PRIdMAX ", expected %s = %" PRIdMAX "\n",
			got_expr, got, want_expr, want);
	return got == want;
}

static inline bool check_uint_eq(uintmax_t got, uintmax_t want,
				 const char *file, int line,
				 const char *got_expr, const char *want_expr)
{
	if (!check_record(got == want, file, line, got_expr))
		fprintf(stderr,
			"    %s = %" PRIuMAX ", expected %s = %" PRIuMAX "\n",
			got_expr, got, want_expr, want);
	return got == want;
}

/* Either string may be NULL; two NULLs are equal. */
static inline bool check_str_eq(const char *got, const char *want,
				const char *file, int line,
				const char *got_expr, const char *want_expr)
{
	bool ok;

	if (!got || !want)
		ok = got == want;
	else
		ok = strcmp(got, want) == 0;
	if (!check_record(ok, file, line, got_expr))
		fprintf(stderr, "    %s = %s%s%s, expected %s = %s%s%s\n",
			got_expr, got ? "\"" : "", got ? got : "(null)",
			got ? "\"" : "", want_expr, want ? "\"" : "",
			want ? want : "(null)", want ? "\"" : "");
	return ok;
}

/* Prints the summary; returns the exit status for main(). */
static inline int check_finish(void)
{
	if (check_failed) {
		fprintf(stderr, "%d of %d checks FAILED\n", check_failed,
			check_total);
		return 1;
	}
	printf("all %d checks passed\n", check_total);
	return 0;
}

/* Each macro evaluates its arguments once and yields true when it held. */
#define CHECK(cond)                                                            \
	check_record((cond) ? true : false, __FILE__, __LINE__, #cond)
#define CHECK_INT_EQ(got, want)                                                \
	check_int_eq((intmax_t)(got), (intmax_t)(want), __FILE__, __LINE__,    \
		     #got, #want)
#define CHECK_UINT_EQ(got, want)                                               \
	check_uint_eq((uintmax_t)(got), (uintmax_t)(want), __FILE__, __LINE__, \
		      #got, #want)
#define CHECK_STR_EQ(got, want)                                                \
	check_str_eq((got), (want), __FILE__, __LINE__, #got, #want)

#endif
