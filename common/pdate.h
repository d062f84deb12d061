/*
 * Partial dates: the dates sources give ("2024", "2024-06", "2024-06-19",
 * "2024-06-19T10:00:00+03:00").  A partial date stands for an interval of
 * time; this module validates the text strictly and computes that interval
 * so that ordering and range filters can work on plain integers.
 */
#ifndef CLAIMLINE_PDATE_H
#define CLAIMLINE_PDATE_H

#include <stddef.h>
#include <stdint.h>

/* Coarser precision compares lower: ties on timelines go coarser first. */
enum pdate_precision {
	PDATE_YEAR = 1,
	PDATE_MONTH = 2,
	PDATE_DAY = 3,
	PDATE_TIME = 4,
};

/* The half-open interval [lo_ms, hi_ms) in milliseconds since the Unix
 * epoch, UTC.  A date-time denotes one instant: hi_ms = lo_ms + 1. */
struct pdate {
	enum pdate_precision precision;
	int64_t lo_ms;
	int64_t hi_ms;
};

/*
 * Parses exactly one of YYYY, YYYY-MM, YYYY-MM-DD, or an RFC 3339 date-time
 * YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm) (upper-case T and Z).
 * `len` bytes of `s` are read; `s` need not be NUL-terminated.
 * Years are 0000-9999; calendar dates must exist (leap years follow the
 * proleptic Gregorian rules); hh <= 23, mm <= 59, ss <= 59 (no leap
 * seconds); the fraction has 1-9 digits; offsets are at most 23:59.
 * The interval is: a year, a month or a day in UTC, or for a date-time
 * the instant converted to UTC and truncated to the millisecond.
 * Returns 0 and fills *out on success.  On failure returns -1 and sets
 * *why (when `why` is not NULL) to a static, lower-case reason ("month out
 * of range", ...); *out is then unspecified.
 */
int pdate_parse(const char *s, size_t len, struct pdate *out, const char **why);

/* The lower-case name of a precision ("year", "month", "day", "time"),
 * a static string; NULL for a value outside the enum. */
const char *pdate_precision_name(enum pdate_precision p);

#endif
