/*
 * Unit test for common/pdate.c: a table of valid partial dates with the
 * precision and the [lo_ms, hi_ms) interval each must give, and a table of
 * invalid ones with the reason each must be refused for.  The expected
 * milliseconds were computed independently (Python's datetime, with year
 * 0000 derived from the well-known -62167219200 s of 0000-01-01T00:00:00Z);
 * the comment above each valid row gives, in UTC, the days the interval
 * spans or the instant it starts at.
 */
#include "common/pdate.h"

#include <stdint.h>
#include <string.h>

#include "check.h"

/* A literal and its length, embedded NULs included. */
#define S(lit) lit, sizeof(lit) - 1

struct valid_row {
	const char *s;
	size_t len;
	enum pdate_precision precision;
	int64_t lo_ms;
	int64_t hi_ms;
};

static const struct valid_row valid_rows[] = {
	/* [2024-01-01, 2025-01-01) */
	{S("2024"), PDATE_YEAR, 1704067200000, 1735689600000},
	/* [1970-01-01, 1971-01-01) */
	{S("1970"), PDATE_YEAR, 0, 31536000000},
	/* [1969-01-01, 1970-01-01) */
	{S("1969"), PDATE_YEAR, -31536000000, 0},
	/* [0000-01-01, 0001-01-01) */
	{S("0000"), PDATE_YEAR, -62167219200000, -62135596800000},
	/* [9999-01-01, 10000-01-01) */
	{S("9999"), PDATE_YEAR, 253370764800000, 253402300800000},
	/* [2024-02-01, 2024-03-01) */
	{S("2024-02"), PDATE_MONTH, 1706745600000, 1709251200000},
	/* [2023-02-01, 2023-03-01) */
	{S("2023-02"), PDATE_MONTH, 1675209600000, 1677628800000},
	/* [1900-02-01, 1900-03-01) */
	{S("1900-02"), PDATE_MONTH, -2206310400000, -2203891200000},
	/* [2024-06-01, 2024-07-01) */
	{S("2024-06"), PDATE_MONTH, 1717200000000, 1719792000000},
	/* [2024-12-01, 2025-01-01) */
	{S("2024-12"), PDATE_MONTH, 1733011200000, 1735689600000},
	/* [2024-06-19, 2024-06-20) */
	{S("2024-06-19"), PDATE_DAY, 1718755200000, 1718841600000},
	/* [2024-02-29, 2024-03-01) */
	{S("2024-02-29"), PDATE_DAY, 1709164800000, 1709251200000},
	/* [2000-02-29, 2000-03-01) */
	{S("2000-02-29"), PDATE_DAY, 951782400000, 951868800000},
	/* [1600-02-29, 1600-03-01) */
	{S("1600-02-29"), PDATE_DAY, -11670998400000, -11670912000000},
	/* [1970-01-01, 1970-01-02) */
	{S("1970-01-01"), PDATE_DAY, 0, 86400000},
	/* [1969-12-31, 1970-01-01) */
	{S("1969-12-31"), PDATE_DAY, -86400000, 0},
	/* [0000-02-29, 0000-03-01) */
	{S("0000-02-29"), PDATE_DAY, -62162121600000, -62162035200000},
	/* [9999-12-31, 10000-01-01) */
	{S("9999-12-31"), PDATE_DAY, 253402214400000, 253402300800000},
	/* 2024-06-19T10:00:00.000Z */
	{S("2024-06-19T10:00:00Z"), PDATE_TIME, 1718791200000, 1718791200001},
	/* 2024-06-19T07:00:00.000Z */
	{S("2024-06-19T10:00:00+03:00"), PDATE_TIME, 1718780400000,
	 1718780400001},
	/* 2024-06-18T21:30:00.000Z */
	{S("2024-06-19T00:30:00+03:00"), PDATE_TIME, 1718746200000,
	 1718746200001},
	/* 2024-06-20T01:30:00.000Z */
	{S("2024-06-19T23:30:00-02:00"), PDATE_TIME, 1718847000000,
	 1718847000001},
	/* 2025-01-01T00:59:59.000Z */
	{S("2024-12-31T23:59:59-01:00"), PDATE_TIME, 1735693199000,
	 1735693199001},
	/* 2024-02-28T22:00:00.000Z */
	{S("2024-02-29T12:00:00+14:00"), PDATE_TIME, 1709157600000,
	 1709157600001},
	/* 2024-06-19T04:30:00.000Z */
	{S("2024-06-19T10:00:00+05:30"), PDATE_TIME, 1718771400000,
	 1718771400001},
	/* 2024-06-19T10:00:00.000Z */
	{S("2024-06-19T10:00:00-00:00"), PDATE_TIME, 1718791200000,
	 1718791200001},
	/* 2024-06-18T10:01:00.000Z */
	{S("2024-06-19T10:00:00+23:59"), PDATE_TIME, 1718704860000,
	 1718704860001},
	/* 2024-06-20T09:59:00.000Z */
	{S("2024-06-19T10:00:00-23:59"), PDATE_TIME, 1718877540000,
	 1718877540001},
	/* 1970-01-01T00:00:00.000Z */
	{S("1970-01-01T00:00:00Z"), PDATE_TIME, 0, 1},
	/* 1969-12-31T23:59:59.999Z */
	{S("1969-12-31T23:59:59.999Z"), PDATE_TIME, -1, 0},
	/* 1969-12-31T23:59:59.999Z */
	{S("1969-12-31T23:59:59.9999999Z"), PDATE_TIME, -1, 0},
	/* 1969-12-31T23:59:59.500Z */
	{S("1969-12-31T23:59:59.5Z"), PDATE_TIME, -500, -499},
	/* 2024-06-19T10:00:00.500Z */
	{S("2024-06-19T10:00:00.5Z"), PDATE_TIME, 1718791200500, 1718791200501},
	/* 2024-06-19T10:00:00.123Z */
	{S("2024-06-19T10:00:00.123456789Z"), PDATE_TIME, 1718791200123,
	 1718791200124},
	/* 2024-06-19T09:00:00.001Z */
	{S("2024-06-19T10:00:00.0019+01:00"), PDATE_TIME, 1718787600001,
	 1718787600002},
	/* -0001-12-31T23:30:00.000Z */
	{S("0000-01-01T00:30:00+01:00"), PDATE_TIME, -62167221000000,
	 -62167220999999},
	/* 9999-12-31T23:59:59.999Z */
	{S("9999-12-31T23:59:59.999Z"), PDATE_TIME, 253402300799999,
	 253402300800000},
};

static const char shape[] =
	"expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time";
static const char bad_month[] = "month out of range";
static const char bad_day[] = "day out of range for that month";
static const char no_seconds[] = "a date-time needs seconds (hh:mm:ss)";
static const char no_offset[] =
	"a date-time needs an offset (Z, +hh:mm or -hh:mm)";
static const char bad_offset[] = "offset must be Z, +hh:mm or -hh:mm";
static const char offset_range[] = "offset out of range";
static const char bad_fraction[] =
	"fraction of a second must have 1 to 9 digits";

struct invalid_row {
	const char *s;
	size_t len;
	const char *why;
};

static const struct invalid_row invalid_rows[] = {
	{S(""), "empty date"},
	/* Days that do not exist. */
	{S("2024-02-30"), bad_day},
	{S("2023-02-29"), bad_day},
	{S("1900-02-29"), bad_day},
	{S("2100-02-29"), bad_day},
	{S("2024-04-31"), bad_day},
	{S("2024-06-00"), bad_day},
	{S("2024-06-32"), bad_day},
	{S("2024-13"), bad_month},
	{S("2024-00"), bad_month},
	{S("2024-13-01"), bad_month},
	/* Wrong shapes. */
	{S("24-06"), shape},
	{S("202"), shape},
	{S("20245"), shape},
	{S("2024-6"), shape},
	{S("2024-06-1"), shape},
	{S("2024--06"), shape},
	{S("2024/06/19"), shape},
	{S("+2024"), shape},
	{S("-2024"), shape},
	{S("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94"), shape},
	{S("2024-06-19 10:00:00Z"), shape},
	{S("2024-06-19t10:00:00Z"), shape},
	{S("2024-06-19T"), shape},
	{S("2024-06-19T1:00:00Z"), shape},
	{S("2024-06-19T10:00Z"), no_seconds},
	{S("2024-06-19T10:00"), no_seconds},
	{S("2024-06-19T10:00:00"), no_offset},
	{S("2024-06-19T10:00:00z"), bad_offset},
	{S("2024-06-19T10:00:00.5"), no_offset},
	{S("2024-06-19T10:00:00+0300"), bad_offset},
	{S("2024-06-19T10:00:00+03"), bad_offset},
	{S("2024-06-19T10:00:00+3:00"), bad_offset},
	{S("2024-06-19T10:00:00+24:00"), offset_range},
	{S("2024-06-19T10:00:00-03:60"), offset_range},
	{S("2024-06-19T10:00:00.Z"), bad_fraction},
	{S("2024-06-19T10:00:00.1234567890Z"), bad_fraction},
	{S("2024-06-19T10:00:00,5Z"), bad_offset},
	/* Out-of-range times, including a leap second. */
	{S("2024-06-19T24:00:00Z"), "hour out of range"},
	{S("2024-06-19T10:60:00Z"), "minute out of range"},
	{S("2016-12-31T23:59:60Z"), "second out of range"},
	/* Nothing may surround the date. */
	{S(" 2024"), shape},
	{S("2024 "), shape},
	{S("2024-06-19\n"), shape},
	{S("2024-06-19T10:00:00Z "), shape},
	{S("2024-06-19T10:00:00Zjunk"), shape},
	{S("2024-06-19T10:00:00+03:00Z"), shape},
	/* Embedded NULs: the length, not the terminator, bounds the text. */
	{S("2024\0"), shape},
	{S("2024-06\0-19"), shape},
	{S("2024-06-19T10:00:00\0Z"), bad_offset},
};

static void test_valid(void)
{
	size_t i;

	for (i = 0; i < sizeof(valid_rows) / sizeof(valid_rows[0]); i++) {
		const struct valid_row *r = &valid_rows[i];
		struct pdate d;
		const char *why = NULL;

		check_context = r->s;
		if (!CHECK_INT_EQ(pdate_parse(r->s, r->len, &d, &why), 0)) {
			CHECK_STR_EQ(why, NULL);
			continue;
		}
		CHECK_INT_EQ(d.precision, r->precision);
		CHECK_INT_EQ(d.lo_ms, r->lo_ms);
		CHECK_INT_EQ(d.hi_ms, r->hi_ms);
	}
	check_context = NULL;
}

static void test_invalid(void)
{
	size_t i;

	for (i = 0; i < sizeof(invalid_rows) / sizeof(invalid_rows[0]); i++) {
		const struct invalid_row *r = &invalid_rows[i];
		struct pdate d;
		const char *why = NULL;

		check_context = r->s;
		CHECK_INT_EQ(pdate_parse(r->s, r->len, &d, &why), -1);
		CHECK_STR_EQ(why, r->why);
	}
	check_context = NULL;
}

/* `len` bounds the text: a prefix of a longer string parses on its own. */
static void test_length_bounds(void)
{
	const char *s = "2024-06-19T10:00:00Z";
	struct pdate d;
	const char *why = NULL;

	CHECK_INT_EQ(pdate_parse(s, 4, &d, &why), 0);
	CHECK_INT_EQ(d.precision, PDATE_YEAR);
	CHECK_INT_EQ(pdate_parse(s, 7, &d, &why), 0);
	CHECK_INT_EQ(d.precision, PDATE_MONTH);
	CHECK_INT_EQ(pdate_parse(s, 10, &d, &why), 0);
	CHECK_INT_EQ(d.precision, PDATE_DAY);
	CHECK_INT_EQ(d.lo_ms, INT64_C(1718755200000));
	CHECK_INT_EQ(pdate_parse(s, 19, &d, &why), -1);
	CHECK_INT_EQ(pdate_parse(s, 3, &d, &why), -1);
	/* A caller that does not want the reason may pass NULL. */
	CHECK_INT_EQ(pdate_parse(s, 3, &d, NULL), -1);
}

/* Every day of four years, including a leap year, follows the one before. */
static void test_days_are_contiguous(void)
{
	char buf[16];
	struct pdate d;
	int64_t prev_hi = INT64_C(1640995200000); /* 2022-01-01T00:00:00Z */
	int year, month, day, ndays = 0;
	bool ok = true;

	for (year = 2022; year <= 2025; year++) {
		for (month = 1; month <= 12; month++) {
			for (day = 1; day <= 31; day++) {
				int n = snprintf(buf, sizeof(buf),
						 "%04d-%02d-%02d", year, month,
						 day);

				if (pdate_parse(buf, (size_t)n, &d, NULL) < 0)
					continue;
				ok = ok && d.lo_ms == prev_hi &&
				     d.hi_ms == d.lo_ms + 86400000;
				prev_hi = d.hi_ms;
				ndays++;
			}
		}
	}
	CHECK(ok);
	CHECK_INT_EQ(ndays, 365 * 3 + 366);
	CHECK_INT_EQ(prev_hi, INT64_C(1767225600000)); /* 2026-01-01 */
}

static void test_precision_names(void)
{
	CHECK_STR_EQ(pdate_precision_name(PDATE_YEAR), "year");
	CHECK_STR_EQ(pdate_precision_name(PDATE_MONTH), "month");
	CHECK_STR_EQ(pdate_precision_name(PDATE_DAY), "day");
	CHECK_STR_EQ(pdate_precision_name(PDATE_TIME), "time");
	CHECK(PDATE_YEAR < PDATE_MONTH && PDATE_MONTH < PDATE_DAY &&
	      PDATE_DAY < PDATE_TIME);
}

int main(void)
{
	test_valid();
	test_invalid();
	test_length_bounds();
	test_days_are_contiguous();
	test_precision_names();
	return check_finish();
}
