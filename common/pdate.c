/*
 * Partial dates: strict parsing of "YYYY", "YYYY-MM", "YYYY-MM-DD" and
 * RFC 3339 date-times, and the interval of UTC milliseconds each denotes.
 *
 * The parser walks the text left to right and stops at the first byte that
 * does not fit, so every accepted text has exactly one shape and nothing
 * before or after it.  Digits are recognised by comparing with '0'..'9'
 * rather than isdigit() so that the locale cannot widen what is accepted,
 * and calendar arithmetic uses a days-from-civil computation instead of
 * timegm()/mktime() so that results do not depend on the C library, the
 * time zone or the range of time_t (years 0000-1969 give negative values).
 */
#include "common/pdate.h"

#include <stdbool.h>

#define MS_PER_SECOND INT64_C(1000)
#define MS_PER_DAY (INT64_C(86400) * MS_PER_SECOND)

static const char why_shape[] =
	"expected YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 date-time";

/* The text being parsed and how far the parser has got. */
struct cursor {
	const char *s;
	size_t len;
	size_t pos;
};

/* Reads exactly `n` ASCII digits as a number; false if any is missing. */
static bool take_digits(struct cursor *c, size_t n, int *value)
{
	int v = 0;
	size_t i;

	if (c->len - c->pos < n)
		return false;
	for (i = 0; i < n; i++) {
		char ch = c->s[c->pos + i];

		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	c->pos += n;
	*value = v;
	return true;
}

/* Consumes `ch` if it is the next byte. */
static bool take_char(struct cursor *c, char ch)
{
	if (c->pos >= c->len || c->s[c->pos] != ch)
		return false;
	c->pos++;
	return true;
}

static bool at_end(const struct cursor *c)
{
	return c->pos == c->len;
}

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};

	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

/*
 * Days from 1970-01-01 to the given proleptic Gregorian date.  Counting
 * from March 1st puts the leap day last in the year, so day-of-year is a
 * linear formula in the month; 400-year eras repeat exactly (146097 days).
 */
static int64_t days_from_civil(int64_t year, int month, int day)
{
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = month > 2 ? month - 3 : month + 9;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int64_t ms_from_civil(int64_t year, int month, int day)
{
	return days_from_civil(year, month, day) * MS_PER_DAY;
}

/*
 * Parses the "Thh:mm:ss[.fraction](Z|±hh:mm)" tail after a full date and
 * returns the milliseconds to add to the start of that day (may be
 * negative or exceed a day once the offset is applied).
 */
static int parse_time(struct cursor *c, int64_t *ms, const char **why)
{
	int hour, minute, second, off_hour, off_minute;
	int64_t frac_ms = 0;
	int64_t offset_s = 0;
	size_t nfrac = 0;
	char sign;

	if (!take_char(c, 'T') || !take_digits(c, 2, &hour) ||
	    !take_char(c, ':') || !take_digits(c, 2, &minute)) {
		*why = why_shape;
		return -1;
	}
	if (!take_char(c, ':') || !take_digits(c, 2, &second)) {
		*why = "a date-time needs seconds (hh:mm:ss)";
		return -1;
	}
	if (hour > 23) {
		*why = "hour out of range";
		return -1;
	}
	if (minute > 59) {
		*why = "minute out of range";
		return -1;
	}
	/* A leap second cannot be mapped to one instant without a table. */
	if (second > 59) {
		*why = "second out of range";
		return -1;
	}

	if (take_char(c, '.')) {
		/* Keep the first three digits: the instant truncated to ms. */
		while (c->pos < c->len && c->s[c->pos] >= '0' &&
		       c->s[c->pos] <= '9') {
			if (nfrac < 3)
				frac_ms = frac_ms * 10 + (c->s[c->pos] - '0');
			nfrac++;
			c->pos++;
		}
		if (nfrac == 0 || nfrac > 9) {
			*why = "fraction of a second must have 1 to 9 digits";
			return -1;
		}
		for (; nfrac < 3; nfrac++)
			frac_ms *= 10;
	}

	if (c->pos >= c->len) {
		*why = "a date-time needs an offset (Z, +hh:mm or -hh:mm)";
		return -1;
	}
	sign = c->s[c->pos];
	if (sign == 'Z') {
		c->pos++;
	} else if (sign == '+' || sign == '-') {
		c->pos++;
		if (!take_digits(c, 2, &off_hour) || !take_char(c, ':') ||
		    !take_digits(c, 2, &off_minute)) {
			*why = "offset must be Z, +hh:mm or -hh:mm";
			return -1;
		}
		if (off_hour > 23 || off_minute > 59) {
			*why = "offset out of range";
			return -1;
		}
		offset_s = off_hour * 3600 + off_minute * 60;
		if (sign == '-')
			offset_s = -offset_s;
	} else {
		*why = "offset must be Z, +hh:mm or -hh:mm";
		return -1;
	}

	/* Local time minus its offset is UTC. */
	*ms = ((int64_t)hour * 3600 + minute * 60 + second - offset_s) *
		      MS_PER_SECOND +
	      frac_ms;
	return 0;
}

int pdate_parse(const char *s, size_t len, struct pdate *out, const char **why)
{
	struct cursor c = {.s = s, .len = len, .pos = 0};
	int year, month, day;
	int64_t day_lo, time_ms;
	const char *ignored;

	if (!why)
		why = &ignored;
	if (len == 0) {
		*why = "empty date";
		return -1;
	}
	if (!take_digits(&c, 4, &year)) {
		*why = why_shape;
		return -1;
	}
	if (at_end(&c)) {
		out->precision = PDATE_YEAR;
		out->lo_ms = ms_from_civil(year, 1, 1);
		out->hi_ms = ms_from_civil(year + 1, 1, 1);
		return 0;
	}

	if (!take_char(&c, '-') || !take_digits(&c, 2, &month)) {
		*why = why_shape;
		return -1;
	}
	if (month < 1 || month > 12) {
		*why = "month out of range";
		return -1;
	}
	if (at_end(&c)) {
		out->precision = PDATE_MONTH;
		out->lo_ms = ms_from_civil(year, month, 1);
		out->hi_ms = month == 12 ? ms_from_civil(year + 1, 1, 1)
					 : ms_from_civil(year, month + 1, 1);
		return 0;
	}

	if (!take_char(&c, '-') || !take_digits(&c, 2, &day)) {
		*why = why_shape;
		return -1;
	}
	if (day < 1 || day > days_in_month(year, month)) {
		*why = "day out of range for that month";
		return -1;
	}
	day_lo = ms_from_civil(year, month, day);
	if (at_end(&c)) {
		out->precision = PDATE_DAY;
		out->lo_ms = day_lo;
		out->hi_ms = day_lo + MS_PER_DAY;
		return 0;
	}

	if (parse_time(&c, &time_ms, why) < 0)
		return -1;
	if (!at_end(&c)) {
		*why = why_shape;
		return -1;
	}
	out->precision = PDATE_TIME;
	out->lo_ms = day_lo + time_ms;
	out->hi_ms = out->lo_ms + 1;
	return 0;
}

const char *pdate_precision_name(enum pdate_precision p)
{
	switch (p) {
	case PDATE_YEAR:
		return "year";
	case PDATE_MONTH:
		return "month";
	case PDATE_DAY:
		return "day";
	case PDATE_TIME:
		return "time";
	}
	return NULL;
}
