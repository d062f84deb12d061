/*
 * Timelines: events and claims merged in date order.
 *
 * The order is total: the start of the entry's interval, then coarser
 * precision first, then events before claims, then id.  Events and claims
 * are read by two keyset queries, each walking its table's (date_lo,
 * date_prec, id) index from the cursor, and merged here; a page therefore
 * costs two index range scans of at most limit + 1 rows, whatever the
 * store's size, and stays exact while writes happen between pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/listing.h"
#include "handlers/reading.h"
#include "handlers/timeline.h"
#include "store/store.h"

enum { RANK_EVENT = 0, RANK_CLAIM = 1 };

struct tl_row {
	int rank;
	int64_t lo;
	int prec;
	char id[ID_MAX_LEN + 1];
	int64_t seq;
};

struct tl_position {
	int64_t lo;
	int prec;
	int rank;
	char id[ID_MAX_LEN + 1];
};

struct sql_buf {
	char text[4096];
	size_t len;
};

static void sql_add(struct sql_buf *b, const char *fragment)
{
	size_t n = strlen(fragment);
	if (b->len + n < sizeof(b->text)) {
		memcpy(b->text + b->len, fragment, n + 1);
		b->len += n;
	}
}

/* ---- the two keyset queries ---- */

/* The start of the UTC year holding `ms`. */
static int64_t year_start_ms(int64_t ms)
{
	if (ms == INT64_MIN)
		return ms;
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
	struct tm tm;
	gmtime_r(&secs, &tm);
	char year[16];
	snprintf(year, sizeof(year), "%04d", tm.tm_year + 1900);
	struct pdate d;
	const char *why;
	return pdate_parse(year, strlen(year), &d, &why) == 0 ? d.lo_ms
							      : INT64_MIN;
}

/* Which entries of a part a query reads, for `from`: all of them, or the
 * events up to a year long, or the longer ones. */
enum span_class { SPAN_ALL, SPAN_SHORT, SPAN_LONG };

/* A year and a day, in ms: the longest interval of one partial date. */
#define SPAN_YEAR_MS "31622400000"

static const char *const span_suffix[] = {"_a", "_s", "_l"};

/* Whether the claims of a timeline are those of an event subtree and
 * nothing else narrows them: claim_events alone then holds their order
 * (schema/007). */
static bool subtree_claims_only(const struct read_filters *f, int rank)
{
	return rank == RANK_CLAIM && f->event_set && !f->kind && !f->tag &&
	       !f->country && !f->status && !f->stance && f->disputed < 0 &&
	       !f->actor_set && f->from == INT64_MIN && f->to == INT64_MAX;
}

static void build_part_query(const struct read_filters *f, int rank,
			     enum span_class span, struct sql_buf *b)
{
	bool ev = rank == RANK_EVENT;
	char where[160];
	if (subtree_claims_only(f, rank)) {
		/* A claim about several events of the subtree comes once per
		 * event, side by side in this order: run_part keeps the first.
		 * Joined to json_each, not IN, and without DISTINCT: neither
		 * needs a temporary table then. */
		sql_add(b,
			f->desc ? "SELECT ce.claim_id, ce.date_lo, ce.date_prec, "
				  "ce.claim_seq FROM json_each(:event_set) AS s JOIN "
				  "claim_events AS ce ON ce.event_id = s.value WHERE "
				  "(ce.date_lo, ce.date_prec, ce.claim_id) < (:lo_a, "
				  ":prec_a, :bound_a) ORDER BY ce.date_lo DESC, "
				  "ce.date_prec DESC, ce.claim_id DESC"
				: "SELECT ce.claim_id, ce.date_lo, ce.date_prec, "
				  "ce.claim_seq FROM json_each(:event_set) AS s JOIN "
				  "claim_events AS ce ON ce.event_id = s.value WHERE "
				  "(ce.date_lo, ce.date_prec, ce.claim_id) > (:lo_a, "
				  ":prec_a, :bound_a) ORDER BY ce.date_lo, ce.date_prec, "
				  "ce.claim_id");
		return;
	}
	/* A subtree's events are found by id: joined to json_each rather
	 * than IN, which would build a temporary table first. */
	sql_add(b, !ev ? "SELECT r.id, r.date_lo, r.date_prec, r.seq FROM "
			 "claims AS r"
		   : f->event_set
			   ? "SELECT r.id, r.date_lo, r.date_prec, r.seq FROM "
			     "json_each(:event_set) AS s JOIN events AS r "
			     "ON r.id = s.value"
			   : "SELECT r.id, r.date_lo, r.date_prec, r.seq FROM "
			     "events AS r");
	/* The walk starts at one row-value bound that folds in the cursor
	 * and the near end of the date range, so the index range is tight
	 * on every page; the far end is a plain bound on date_lo. */
	snprintf(where, sizeof(where),
		 " WHERE (r.date_lo, r.date_prec, r.id) %s (:lo%s, :prec%s, "
		 ":bound%s)",
		 f->desc ? "<" : ">", span_suffix[span], span_suffix[span],
		 span_suffix[span]);
	sql_add(b, where);
	if (f->to != INT64_MAX && !f->desc)
		sql_add(b, " AND r.date_lo < :to");
	if (f->from != INT64_MIN) {
		sql_add(b, " AND r.date_hi > :from");
		if (f->desc) {
			snprintf(where, sizeof(where),
				 " AND r.date_lo >= :floor%s",
				 span_suffix[span]);
			sql_add(b, where);
		}
	}
	if (span == SPAN_SHORT)
		sql_add(b, " AND r.date_hi - r.date_lo <= " SPAN_YEAR_MS);
	if (span == SPAN_LONG)
		sql_add(b, " AND r.date_hi - r.date_lo > " SPAN_YEAR_MS);
	if (ev) {
		if (f->kind)
			sql_add(b, " AND r.kind = :kind");
		/* A probe per row, so the walk stays in timeline order. */
		if (f->tag)
			sql_add(b,
				" AND EXISTS (SELECT 1 FROM event_tags AS t "
				"WHERE t.tag = :tag AND t.event_seq = r.seq)");
		if (f->country)
			sql_add(b, " AND r.country = :country");
		/* Unary +: three values index badly, and the planner would
		 * read events_status and sort rather than walk the date
		 * index. */
		if (f->status)
			sql_add(b, " AND +r.status = :status");
		if (f->actor_set)
			sql_add(b, " AND r.seq IN (SELECT event_seq FROM "
				   "event_actors WHERE actor_id IN (SELECT "
				   "value FROM json_each(:actor_set)))");
	} else {
		/* Event filters reach claims through the events they are
		 * about.  An event subtree is small: read its claims and sort
		 * them.  Attributes alone may match much of the store: probe
		 * each claim along the date index instead, never sorting. */
		if (f->event_set || f->kind || f->tag || f->country ||
		    f->status) {
			sql_add(b,
				f->event_set
					? " AND r.seq IN (SELECT ce.claim_seq "
					  "FROM claim_events AS ce JOIN events "
					  "AS e ON e.id = ce.event_id WHERE 1"
					: " AND EXISTS (SELECT 1 FROM "
					  "claim_events AS ce JOIN events AS e "
					  "ON e.id = ce.event_id WHERE "
					  "ce.claim_seq = r.seq");
			if (f->event_set)
				sql_add(b, " AND e.id IN (SELECT value FROM "
					   "json_each(:event_set))");
			if (f->kind)
				sql_add(b, " AND e.kind = :kind");
			if (f->tag)
				sql_add(b, " AND e.seq IN (SELECT event_seq "
					   "FROM event_tags WHERE tag = :tag)");
			if (f->country)
				sql_add(b, " AND e.country = :country");
			if (f->status)
				sql_add(b, " AND e.status = :status");
			sql_add(b, ")");
		}
		if (f->stance)
			sql_add(b, " AND r.stance = :stance");
		if (f->disputed >= 0)
			sql_add(b, " AND r.disputed = :disputed");
		if (f->actor_set)
			sql_add(b, " AND r.claimant IN (SELECT value FROM "
				   "json_each(:actor_set))");
	}
	sql_add(b,
		f->desc ? " ORDER BY r.date_lo DESC, r.date_prec DESC, "
			  "r.id DESC LIMIT :limit"
			: " ORDER BY r.date_lo, r.date_prec, r.id LIMIT :limit");
}

/* The query of one part: events from a date are the merge of the short
 * and the long ones, each read from its own index range. */
static void build_part_sql(const struct read_filters *f, int rank,
			   struct sql_buf *b)
{
	if (rank != RANK_EVENT || f->from == INT64_MIN) {
		build_part_query(f, rank, SPAN_ALL, b);
		return;
	}
	sql_add(b, "SELECT * FROM (");
	build_part_query(f, rank, SPAN_SHORT, b);
	sql_add(b, ") UNION ALL SELECT * FROM (");
	build_part_query(f, rank, SPAN_LONG, b);
	sql_add(b, f->desc ? ") ORDER BY 2 DESC, 3 DESC, 1 DESC LIMIT :limit"
			   : ") ORDER BY 2, 3, 1 LIMIT :limit");
}

/* The id bound that makes "(lo, prec, id) after the cursor" right for a
 * part of rank `rank`: at the cursor's own (lo, prec), a later rank comes
 * wholly after it and an earlier rank wholly before. */
static const char *part_bound(const struct read_filters *f,
			      const struct tl_position *pos, int rank)
{
	if (rank == pos->rank)
		return pos->id;
	bool after = f->desc ? rank < pos->rank : rank > pos->rank;
	/* "" sorts before every id and "~" after every id. */
	return after == !f->desc ? "" : "~";
}

/* The earliest start an entry of `span` overlapping `from` can have:
 * nothing starts earlier than `from` minus the longest interval.  A
 * claim's interval is one partial date, so one that starts before the
 * year of `from` has ended before it; events go in two classes, each
 * with its own longest interval. */
static int floor_of(struct store *st, const struct read_filters *f, int rank,
		    enum span_class span, int64_t *floor)
{
	*floor = INT64_MIN;
	if (f->from == INT64_MIN)
		return STORE_OK;
	if (rank == RANK_CLAIM) {
		*floor = year_start_ms(f->from);
		return STORE_OK;
	}
	if (span == SPAN_SHORT) {
		*floor = f->from - strtoll(SPAN_YEAR_MS, NULL, 10);
		return STORE_OK;
	}
	struct store_stmt *s =
		store_prepare(st, "SELECT max(date_hi - date_lo) FROM events");
	if (!s)
		return STORE_ERROR;
	int rc = store_step(s);
	/* An ongoing event runs to INT64_MAX: the longest span then reaches
	 * back past every date, and the floor stays INT64_MIN. */
	if (rc == STORE_ROW && !store_column_is_null(s, 0) &&
	    __builtin_sub_overflow(f->from, store_column_int64(s, 0), floor))
		*floor = INT64_MIN;
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* Binds the start of the walk of `span`: the cursor, moved up to the
 * floor (ascending) or down to `to` (descending) when that is tighter. */
static int bind_start(struct store *st, struct store_stmt *s,
		      const struct read_filters *f, int rank,
		      enum span_class span, const struct tl_position *pos)
{
	int64_t floor;
	int rc = floor_of(st, f, rank, span, &floor);
	if (rc != STORE_OK)
		return rc;
	int64_t lo = pos->lo;
	int prec = pos->prec;
	const char *bound = part_bound(f, pos, rank);
	if (!f->desc && floor > lo) {
		lo = floor; /* (floor, 0, "") precedes every row from floor */
		prec = 0;
		bound = "";
	} else if (f->desc && f->to != INT64_MAX && f->to <= lo) {
		lo = f->to; /* (to, 0, "") follows every row before to */
		prec = 0;
		bound = "";
	}
	char name[16];
	snprintf(name, sizeof(name), ":lo%s", span_suffix[span]);
	store_bind_int64_named(s, name, lo);
	snprintf(name, sizeof(name), ":prec%s", span_suffix[span]);
	store_bind_int64_named(s, name, prec);
	snprintf(name, sizeof(name), ":bound%s", span_suffix[span]);
	store_bind_text_named(s, name, bound);
	snprintf(name, sizeof(name), ":floor%s", span_suffix[span]);
	store_bind_int64_named(s, name, floor);
	return STORE_OK;
}

static int run_part(struct store *st, const struct read_filters *f, int rank,
		    const struct tl_position *pos, int64_t limit,
		    struct tl_row *rows, size_t *nrows)
{
	struct sql_buf b = {.len = 0};
	build_part_sql(f, rank, &b);
	struct store_stmt *s = store_prepare(st, b.text);
	if (!s)
		return STORE_ERROR;
	int rc = STORE_OK;
	bool split = rank == RANK_EVENT && f->from != INT64_MIN;
	for (int span = split ? SPAN_SHORT : SPAN_ALL;
	     rc == STORE_OK && span <= (split ? SPAN_LONG : SPAN_ALL); span++)
		rc = bind_start(st, s, f, rank, (enum span_class)span, pos);
	if (rc != STORE_OK) {
		store_reset(s);
		return rc;
	}
	reading_bind_filters(s, f);
	store_bind_int64_named(s, ":limit", limit);
	*nrows = 0;
	while (*nrows < (size_t)limit && (rc = store_step(s)) == STORE_ROW) {
		const char *id = store_column_text(s, 0);
		/* The same claim again, through another event of the
		 * subtree (see build_part_query). */
		if (*nrows && strcmp(rows[*nrows - 1].id, id) == 0)
			continue;
		struct tl_row *r = &rows[(*nrows)++];
		r->rank = rank;
		snprintf(r->id, sizeof(r->id), "%s", id);
		r->lo = store_column_int64(s, 1);
		r->prec = (int)store_column_int64(s, 2);
		r->seq = store_column_int64(s, 3);
	}
	store_reset(s);
	return rc == STORE_DONE || rc == STORE_ROW ? STORE_OK : rc;
}

static int row_cmp(const struct tl_row *a, const struct tl_row *b)
{
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->prec != b->prec)
		return a->prec < b->prec ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* ---- cursors ---- */

/* A timeline cursor is the (lo, prec, rank, id) of the last entry shown. */
static const struct cursor_format timeline_cursor = {
	.tag = {"t1"},
	.key = {{CURSOR_INT, INT64_MIN, INT64_MAX},
		{CURSOR_INT, 1, 4},
		{CURSOR_INT, RANK_EVENT, RANK_CLAIM},
		{CURSOR_ID, 0, 0}},
};

static void position_of_row(const struct tl_row *r, struct position *pos)
{
	pos->num[0] = r->lo;
	pos->num[1] = r->prec;
	pos->num[2] = r->rank;
	memcpy(pos->id, r->id, sizeof(pos->id));
}

static void tl_position_of(const struct position *pos, struct tl_position *tl)
{
	tl->lo = pos->num[0];
	tl->prec = (int)pos->num[1];
	tl->rank = (int)pos->num[2];
	memcpy(tl->id, pos->id, sizeof(tl->id));
}

/* ---- the handlers ---- */

static bool parse_types(const struct request *req, json_t *errors,
			struct read_filters *f)
{
	const char *types = request_query(req, "types");
	f->want_events = f->want_claims = true;
	if (!types)
		return true;
	f->want_events = f->want_claims = false;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", types);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "event") == 0)
			f->want_events = true;
		else if (strcmp(t, "claim") == 0)
			f->want_claims = true;
		else {
			errors_add_param(
				errors, "types",
				"a comma-separated list of event, claim");
			return false;
		}
	}
	if (!f->want_events && !f->want_claims)
		errors_add_param(errors, "types", "names no type");
	return true;
}

/*
 * The shared timeline: `root_event` is the event of /v1/events/{id}/
 * timeline, or NULL for /v1/timeline.  `tljs` answers the TimelineJS
 * document (the /timelinejs paths), which the timelines also answer for
 * format=timelinejs; the /timelinejs paths take no format.
 */
static int timeline_reply(const struct request *req, struct reply *rep,
			  const char *root_event, bool tljs)
{
	/* The event's timeline has no event filter; the /timelinejs paths
	 * stop at "cursor", before "format". */
	static const char *const allowed_all[] = {
		"event",    "from",  "to",	"actor",  "include_parts",
		"kind",	    "tag",   "country", "status", "stance",
		"disputed", "types", "order",	"limit",  "cursor",
		"format",   NULL,
	};
	static const char *const allowed_tljs[] = {
		"event",	 "from",   "to",       "actor",
		"include_parts", "kind",   "tag",      "country",
		"status",	 "stance", "disputed", "types",
		"order",	 "limit",  "cursor",   NULL,
	};
	const char *const *allowed = tljs ? allowed_tljs : allowed_all;
	struct read_filters f = {.disputed = -1};
	struct tl_position pos;
	struct page pg;
	json_t *errors; /* pg's, until page_open_or_reply */
	int rc = STORE_OK, status;
	struct tl_row *rows = NULL;
	struct reading_page page;

	reading_page_init(&page, NULL);
	page_start(req, root_event ? allowed + 1 : allowed, &timeline_cursor,
		   &pg);
	errors = pg.errors;
	reading_range(req, errors, &f.from, &f.to, &f.ranged);
	parse_types(req, errors, &f);
	const char *order = request_query(req, "order");
	if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
		errors_add_param(errors, "order", "must be asc or desc");
	f.desc = order && strcmp(order, "desc") == 0;
	const char *format = tljs ? NULL : request_query(req, "format");
	if (format && strcmp(format, "json") != 0 &&
	    strcmp(format, "timelinejs") != 0)
		errors_add_param(errors, "format",
				 "must be json or timelinejs");
	tljs = tljs || (format && strcmp(format, "timelinejs") == 0);
	bool include_parts = reading_bool(req, "include_parts", errors);
	f.kind = request_query(req, "kind");
	f.tag = request_query(req, "tag");
	f.country = reading_country(req, errors);
	f.status = reading_status(req, errors);
	f.stance = reading_stance(req, errors);
	if (request_query(req, "disputed"))
		f.disputed = reading_bool(req, "disputed", errors);
	/* Claim-only filters leave events out: no event has a stance. */
	if (f.stance || f.disputed >= 0)
		f.want_events = false;
	if (root_event) {
		rc = reading_subtree(req->store, &event_resource, root_event,
				     true, &f.event_set);
		if (rc == STORE_DONE) {
			status = reply_problem(rep, PROBLEM_NOT_FOUND,
					       "no event with id \"%s\"",
					       root_event);
			goto done;
		}
		rc = rc == STORE_ROW ? STORE_OK : rc;
	} else if (rc == STORE_OK) {
		rc = reading_id_set(req, "event", &event_resource, true, errors,
				    &f.event_set);
	}
	if (rc == STORE_OK)
		rc = reading_id_set(req, "actor", &actor_resource,
				    include_parts, errors, &f.actor_set);
	if (rc != STORE_OK) {
		status = reply_store_error(rep, rc);
		goto done;
	}
	if (!page_open_or_reply(rep, &pg)) {
		status = rep->status;
		goto done;
	}
	/* No cursor: a position before every entry (rank -1 or 2 is before
	 * every rank in that direction). */
	if (pg.cursor)
		tl_position_of(&pg.after, &pos);
	else
		pos = f.desc ? (struct tl_position){INT64_MAX, 99, 2, "~"}
			     : (struct tl_position){INT64_MIN, 0, -1, ""};

	rows = calloc((size_t)page_fetch(&pg) * 2, sizeof(*rows));
	size_t nev = 0, ncl = 0;
	if (!rows) {
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	/* Both queries in one read transaction: one snapshot. */
	rc = store_begin_read(req->store);
	if (rc == STORE_OK && f.want_events)
		rc = run_part(req->store, &f, RANK_EVENT, &pos, page_fetch(&pg),
			      rows, &nev);
	if (rc == STORE_OK && f.want_claims)
		rc = run_part(req->store, &f, RANK_CLAIM, &pos, page_fetch(&pg),
			      rows + nev, &ncl);
	if (rc != STORE_OK) {
		store_rollback(req->store);
		status = reply_store_error(rep, rc);
		goto done;
	}

	/* Merge the two sorted runs into the page, then write it: an
	 * object of items, or the items alone for a TimelineJS document. */
	struct strbuf items = STRBUF_INIT;
	if (!tljs)
		strbuf_adds(&items, "{\"items\":");
	struct tl_row *ev = rows, *cl = rows + nev;
	size_t ie = 0, ic = 0;
	while (ie < nev || ic < ncl) {
		struct tl_row *next;
		if (ie == nev)
			next = &cl[ic++];
		else if (ic == ncl)
			next = &ev[ie++];
		else if ((row_cmp(&ev[ie], &cl[ic]) < 0) != f.desc)
			next = &ev[ie++];
		else
			next = &cl[ic++];
		if (!page_room(&pg))
			break;
		if (!reading_page_add(&page,
				      next->rank == RANK_EVENT ? READING_EVENT
							       : READING_CLAIM,
				      next->seq)) {
			rc = STORE_ERROR;
			break;
		}
		position_of_row(next, &pg.last);
	}
	if (rc == STORE_OK)
		rc = reading_page_write(req->store, &page, &items);
	/* The TimelineJS document names what the entries refer to (top
	 * events, contradicting claimants): read in the same snapshot. */
	json_t *doc = NULL;
	if (rc == STORE_OK && tljs) {
		json_t *entries = reading_parse_items(&items);
		doc = entries ? timelinejs_from_entries(req->store, entries)
			      : NULL;
		json_decref(entries);
		if (!doc)
			rc = STORE_ERROR;
	}
	store_rollback(req->store); /* ends the read transaction */
	if (rc != STORE_OK) {
		strbuf_release(&items);
		json_decref(doc);
		status = reply_store_error(rep, rc);
		goto done;
	}
	if (doc) {
		page_link(req, rep, &pg);
		status = reply_json(rep, 200, doc);
		goto done;
	}
	status = page_reply_text(req, rep, &pg, &items);
done:
	reading_page_release(&page);
	free(rows);
	reading_filters_release(&f);
	page_release(&pg);
	return status;
}

int handle_timeline(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, NULL, false);
}

int handle_event_timeline(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, req->args[0], false);
}

int handle_timelinejs(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, NULL, true);
}

int handle_event_timelinejs(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, req->args[0], true);
}
