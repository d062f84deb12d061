/*
 * The wall clock as the API writes it: UTC in RFC 3339 to the second
 * ("2026-11-27T10:00:00Z"), for created_at / updated_at, revisions and
 * keys.
 */
#ifndef CLAIMLINE_CLOCK_H
#define CLAIMLINE_CLOCK_H

/* The current UTC time as RFC 3339 into `buf`. */
void clock_now_rfc3339(char buf[32]);

#endif
