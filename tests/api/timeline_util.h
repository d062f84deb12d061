/*
 * Helpers shared by the timeline, statement, dispute, search and plan
 * tests (issue 3): compact spellings of timeline pages ("e:id" and "c:id"),
 * cursor walks, and creating the resources these tests build on.
 *
 * Every string returned here belongs to the test arena (tl_fmt), like the
 * strings of testlib itself.
 */
#ifndef CLAIMLINE_TIMELINE_UTIL_H
#define CLAIMLINE_TIMELINE_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The entries of a timeline item array as "e:ID,c:ID,..." (e for event,
 * c for claim, ID the embedded resource's id); "" when empty, NULL when
 * `items` is not an array.  Borrowed input, arena-owned result.
 */
const char *tu_keys(json_t *items);

/* The ids of the claims of statement-list items as "ID,ID,...". */
const char *tu_claim_ids(json_t *items);

/* The comma-joined list `csv` in reverse order (arena-owned). */
const char *tu_reverse(const char *csv);

/* `s` escaped for a URL query (arena-owned). */
const char *tu_esc(const char *s);

/*
 * Walks every page of `path` (which may carry a query) with `limit` per
 * page and returns tu_keys of all the items, or NULL after recording a
 * failure.  Uses tl_list_all, so the Link header is checked on each page.
 */
#define tu_walk_keys(path, limit) tu_keys(tl_list_all((path), (limit)))

/* Creates resources through the API; false after recording a failure. */
bool tu_actor(const char *id, const char *part_of);
bool tu_event(const char *id, const char *start, const char *end,
	      const char *part_of);
/* A claim by `claimant` about the events of the JSON array text `events`
 * (NULL for none), stated at `stated` (NULL: none), citing `source`
 * (NULL: none). */
bool tu_claim(const char *id, const char *claimant, const char *events,
	      const char *stated, const char *source);
bool tu_source(const char *id, const char *published);
/* A contradicts relation from claim `a` to claim `b` with `note` (NULL: no
 * note); returns the relation id (arena-owned) or NULL. */
const char *tu_contradicts(const char *a, const char *b, const char *note);

/* The sort key of a partial date: its interval's start and precision
 * rank; false when the text is not a partial date. */
bool tu_date_key(const char *date, int64_t *lo, int *prec);

#endif
