/*
 * Pages: the opening and the ending every paginated read shares
 * (collections, history, disputes, timelines, statement lists, search).
 *
 * The opening checks the query's parameter names and ?limit, lets the
 * handler add its own parameter errors to the same list, then answers
 * 422 with all of them at once, or 400 for a cursor that does not decode;
 * a handler's opening is therefore:
 *
 *	struct page pg;
 *	page_start(req, allowed, &cursor_seq, &pg);
 *	... the handler's own checks: errors_add_param(pg.errors, ...) ...
 *	if (!page_open_or_reply(rep, &pg))
 *		return rep->status;   (or page_release() on its way out)
 *
 * The ending: fetch page_fetch() rows, ask page_room() before showing
 * each, set pg.last to the position of each row shown, and reply with
 * page_reply_json() or page_reply_text(), which add next_cursor (the
 * cursor of pg.last when a row past the page was seen, else null) and
 * the Link header to the next page.
 */
#ifndef CLAIMLINE_LISTING_H
#define CLAIMLINE_LISTING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "handlers/cursor.h"
#include "server/reply.h"

struct strbuf;

struct page {
	/* The opening. */
	int64_t limit;	    /* rows a page shows: ?limit, 1-500, 50 */
	const char *cursor; /* ?cursor, or NULL; borrowed from the request */
	/* Where the page starts: the cursor's position when one was given,
	 * else what the handler set before page_open_or_reply (zeroes). */
	struct position after;
	/* The query's problems so far; owned until page_open_or_reply. */
	json_t *errors;
	const struct cursor_format *format; /* of this read's cursors */

	/* The ending. */
	int64_t shown;		   /* rows page_room() let onto the page */
	bool more;		   /* a row past the page was seen */
	struct position last;	   /* the handler's: the last row shown */
	char next[CURSOR_MAX_LEN]; /* the next page's cursor, once written */
};

/*
 * Begins the opening of a read whose query may hold only `allowed`
 * (NULL-terminated; each at most once) and whose cursors are in `fmt`:
 * zeroes *pg and adds to pg->errors a problem for each parameter not
 * allowed, then for a bad ?limit.
 */
void page_start(const struct request *req, const char *const *allowed,
		const struct cursor_format *fmt, struct page *pg);

/*
 * Ends the opening: when pg->errors holds any problem, replies 422 with
 * all of them; else, when ?cursor is given and does not decode in the
 * page's format, replies 400; else sets pg->after from it.  Returns
 * false when it replied (rep->status is the status).  Either way
 * pg->errors is released.
 */
bool page_open_or_reply(struct reply *rep, struct page *pg);

/* Frees what the opening holds, for a handler that answers before
 * page_open_or_reply (404, a store error).  Safe to call again. */
void page_release(struct page *pg);

/* How many rows to fetch: one more than the page shows tells whether
 * there is a next page. */
int64_t page_fetch(const struct page *pg);

/*
 * Asks, before showing each fetched row in order, whether it goes onto
 * the page: true (and it is counted) while the page has fewer than
 * `limit` rows; false for the row past the end, which only says there is
 * a next page (pg->more).
 */
bool page_room(struct page *pg);

/*
 * Replies 200 with `body` (a JSON object; the reference is taken) with
 * its "next_cursor" member set, and the Link header.  Returns the status.
 */
int page_reply_json(const struct request *req, struct reply *rep,
		    struct page *pg, json_t *body);

/*
 * The same for a reply written as text: `body` holds a JSON object left
 * open after its last member ("{\"items\":[...]"); appends next_cursor,
 * closes it and replies it (taking body's buffer).  Returns the status.
 */
int page_reply_text(const struct request *req, struct reply *rep,
		    struct page *pg, struct strbuf *body);

/* Only the Link header, for a reply that carries no next_cursor (a
 * TimelineJS document). */
void page_link(const struct request *req, struct reply *rep, struct page *pg);

#endif
