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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/strbuf.h"
#include "handlers/reading.h"
#include "handlers/timeline.h"
#include "store/store.h"

enum { RANK_EVENT = 0, RANK_CLAIM = 1 };


struct tl_row {
	int rank;
	int64_t lo;
	int prec;
	char id[ID_MAX_LEN + 1];
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

static void build_part_sql(const struct read_filters *f, int rank,
			   struct sql_buf *b)
{
	bool ev = rank == RANK_EVENT;
	sql_add(b, ev ? "SELECT r.id, r.date_lo, r.date_prec FROM events AS r"
		      : "SELECT r.id, r.date_lo, r.date_prec FROM claims AS r");
	sql_add(b, f->desc ? " WHERE (r.date_lo, r.date_prec, r.id) < "
			     "(:lo, :prec, :bound)"
			   : " WHERE (r.date_lo, r.date_prec, r.id) > "
			     "(:lo, :prec, :bound)");
	if (f->to != INT64_MAX)
		sql_add(b, " AND r.date_lo < :to");
	/* Nothing starts earlier than `from` minus the longest interval. */
	if (f->from != INT64_MIN)
		sql_add(b, ev ? " AND r.date_hi > :from AND r.date_lo >= :from - "
				"(SELECT max(date_hi - date_lo) FROM events)"
			      : " AND r.date_hi > :from AND r.date_lo >= :from - "
				"(SELECT max(date_hi - date_lo) FROM claims)");
	if (ev) {
		if (f->event_set)
			sql_add(b, " AND r.id IN (SELECT value FROM "
				   "json_each(:event_set))");
		if (f->kind)
			sql_add(b, " AND r.kind = :kind");
		/* A probe per row, so the walk stays in timeline order. */
		if (f->tag)
			sql_add(b, " AND EXISTS (SELECT 1 FROM event_tags AS t "
				   "WHERE t.tag = :tag AND t.event_seq = r.seq)");
		if (f->country)
			sql_add(b, " AND r.country = :country");
		if (f->actor_set)
			sql_add(b, " AND r.seq IN (SELECT event_seq FROM "
				   "event_actors WHERE actor_id IN (SELECT "
				   "value FROM json_each(:actor_set)))");
	} else {
		/* Event filters reach claims through the events they are
		 * about.  An event subtree is small: read its claims and sort
		 * them.  Attributes alone may match much of the store: probe
		 * each claim along the date index instead, never sorting. */
		if (f->event_set || f->kind || f->tag || f->country) {
			sql_add(b, f->event_set
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
			sql_add(b, ")");
		}
		if (f->stance)
			sql_add(b, " AND r.stance = :stance");
		if (f->disputed >= 0)
			sql_add(b, " AND EXISTS (SELECT 1 FROM relations AS d "
				   "WHERE d.type = 'contradicts' AND (d.from_seq "
				   "= r.seq OR d.to_seq = r.seq)) = :disputed");
		if (f->actor_set)
			sql_add(b, " AND r.claimant IN (SELECT value FROM "
				   "json_each(:actor_set))");
	}
	sql_add(b, f->desc ? " ORDER BY r.date_lo DESC, r.date_prec DESC, "
			     "r.id DESC LIMIT :limit"
			   : " ORDER BY r.date_lo, r.date_prec, r.id LIMIT :limit");
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

static int run_part(struct store *st, const struct read_filters *f, int rank,
		    const struct tl_position *pos, int64_t limit,
		    struct tl_row *rows, size_t *nrows)
{
	struct sql_buf b = {.len = 0};
	build_part_sql(f, rank, &b);
	struct store_stmt *s = store_prepare(st, b.text);
	if (!s)
		return STORE_ERROR;
	store_bind_int64_named(s, ":lo", pos->lo);
	store_bind_int64_named(s, ":prec", pos->prec);
	store_bind_text_named(s, ":bound", part_bound(f, pos, rank));
	reading_bind_filters(s, f);
	store_bind_int64_named(s, ":limit", limit);
	int rc;
	*nrows = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct tl_row *r = &rows[(*nrows)++];
		r->rank = rank;
		snprintf(r->id, sizeof(r->id), "%s", store_column_text(s, 0));
		r->lo = store_column_int64(s, 1);
		r->prec = (int)store_column_int64(s, 2);
	}
	store_reset(s);
	return rc == STORE_DONE ? STORE_OK : rc;
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

static void position_encode(const struct tl_row *r, char *buf, size_t bufsz)
{
	char plain[128];
	snprintf(plain, sizeof(plain), "t1:%" PRId64 ":%d:%d:%s", r->lo,
		 r->prec, r->rank, r->id);
	cursor_encode_text(plain, buf, bufsz);
}

static bool position_decode(const char *cursor, struct tl_position *pos)
{
	char plain[128];
	long long lo;
	int prec, rank, used = 0;
	if (!cursor_decode_text(cursor, plain, sizeof(plain)) ||
	    sscanf(plain, "t1:%lld:%d:%d:%n", &lo, &prec, &rank, &used) != 3 ||
	    used == 0 || prec < 1 || prec > 4 || rank < 0 || rank > 1 ||
	    !id_valid(plain + used))
		return false;
	pos->lo = lo;
	pos->prec = prec;
	pos->rank = rank;
	snprintf(pos->id, sizeof(pos->id), "%s", plain + used);
	return true;
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
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "event") == 0)
			f->want_events = true;
		else if (strcmp(t, "claim") == 0)
			f->want_claims = true;
		else {
			errors_add_param(errors, "types",
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
 * timeline, or NULL for /v1/timeline.
 */
static int timeline_reply(const struct request *req, struct reply *rep,
			  const char *root_event)
{
	static const char *const allowed_all[] = {
		"from", "to", "event", "actor", "include_parts", "kind", "tag",
		"country", "stance", "disputed", "types", "order", "limit",
		"cursor", "format", NULL,
	};
	static const char *const allowed_event[] = {
		"from", "to", "actor", "include_parts", "kind", "tag",
		"country", "stance", "disputed", "types", "order", "limit",
		"cursor", "format", NULL,
	};
	struct read_filters f = {.disputed = -1};
	struct tl_position pos;
	json_t *errors = json_array();
	int64_t limit;
	int rc = STORE_OK, status;
	struct tl_row *rows = NULL;

	request_check_query(req, root_event ? allowed_event : allowed_all,
			    errors);
	list_page_params(req, errors, &limit);
	reading_range(req, errors, &f.from, &f.to, &f.ranged);
	parse_types(req, errors, &f);
	const char *order = request_query(req, "order");
	if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0)
		errors_add_param(errors, "order", "must be asc or desc");
	f.desc = order && strcmp(order, "desc") == 0;
	const char *format = request_query(req, "format");
	if (format && strcmp(format, "json") != 0 &&
	    strcmp(format, "timelinejs") != 0)
		errors_add_param(errors, "format", "must be json or timelinejs");
	bool include_parts = reading_bool(req, "include_parts", errors);
	f.kind = request_query(req, "kind");
	f.tag = request_query(req, "tag");
	f.country = request_query(req, "country");
	f.stance = reading_stance(req, errors);
	if (request_query(req, "disputed"))
		f.disputed = reading_bool(req, "disputed", errors);
	/* Claim-only filters leave events out: no event has a stance. */
	if (f.stance || f.disputed >= 0)
		f.want_events = false;
	if (root_event) {
		rc = reading_subtree(req->store, &event_resource, root_event, true,
				     &f.event_set);
		if (rc == STORE_DONE) {
			status = reply_problem(rep, PROBLEM_NOT_FOUND,
					       "no event with id \"%s\"",
					       root_event);
			goto done;
		}
		rc = rc == STORE_ROW ? STORE_OK : rc;
	} else if (rc == STORE_OK) {
		rc = reading_id_set(req, "event", &event_resource, true,
				    errors, &f.event_set);
	}
	if (rc == STORE_OK)
		rc = reading_id_set(req, "actor", &actor_resource,
				    include_parts, errors, &f.actor_set);
	if (rc != STORE_OK) {
		status = reply_store_error(rep, rc);
		goto done;
	}
	if (json_array_size(errors)) {
		status = reply_invalid(rep, json_incref(errors));
		goto done;
	}
	const char *cursor = request_query(req, "cursor");
	if (cursor && !position_decode(cursor, &pos)) {
		status = reply_problem(rep, PROBLEM_BAD_REQUEST,
				       "the cursor is not one this server gave");
		goto done;
	}
	/* No cursor: a position before every entry (rank -1 or 2 is before
	 * every rank in that direction). */
	if (!cursor)
		pos = f.desc ? (struct tl_position){INT64_MAX, 99, 2, "~"}
			     : (struct tl_position){INT64_MIN, 0, -1, ""};

	rows = calloc((size_t)(limit + 1) * 2, sizeof(*rows));
	size_t nev = 0, ncl = 0;
	if (!rows) {
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	/* Both queries in one read transaction: one snapshot. */
	rc = store_begin_read(req->store);
	if (rc == STORE_OK && f.want_events)
		rc = run_part(req->store, &f, RANK_EVENT, &pos, limit + 1, rows,
			      &nev);
	if (rc == STORE_OK && f.want_claims)
		rc = run_part(req->store, &f, RANK_CLAIM, &pos, limit + 1,
			      rows + nev, &ncl);
	if (rc != STORE_OK) {
		store_rollback(req->store);
		status = reply_store_error(rep, rc);
		goto done;
	}

	/* Merge the two sorted runs, writing each entry as text. */
	struct strbuf items = STRBUF_INIT;
	struct tl_row *ev = rows, *cl = rows + nev, *last = NULL;
	size_t ie = 0, ic = 0;
	int64_t count = 0;
	bool more = false;
	strbuf_addch(&items, '[');
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
		if (count == limit) {
			more = true;
			break;
		}
		if (count++)
			strbuf_addch(&items, ',');
		rc = next->rank == RANK_EVENT
			     ? reading_event_entry_text(req->store, next->id, &items)
			     : reading_claim_entry_text(req->store, next->id, &items);
		if (rc != STORE_ROW) {
			rc = STORE_ERROR;
			break;
		}
		last = next;
	}
	strbuf_addch(&items, ']');
	store_rollback(req->store); /* ends the read transaction */
	if (rc != STORE_ROW && rc != STORE_OK) {
		strbuf_release(&items);
		status = reply_store_error(rep, rc);
		goto done;
	}
	char next_cursor[256];
	if (more && last)
		position_encode(last, next_cursor, sizeof(next_cursor));
	if (format && strcmp(format, "timelinejs") == 0) {
		json_t *entries = reading_parse_items(&items);
		json_t *page = entries ? timelinejs_from_entries(req->store, entries)
				       : NULL;
		json_decref(entries);
		list_link_header(req, rep, more ? next_cursor : NULL);
		status = page ? reply_json(rep, 200, page)
			      : reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	status = reading_reply_page(req, rep, "items", &items,
				    more ? next_cursor : NULL);
done:
	free(rows);
	reading_filters_release(&f);
	json_decref(errors);
	return status;
}

int handle_timeline(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, NULL);
}

int handle_event_timeline(const struct request *req, struct reply *rep)
{
	return timeline_reply(req, rep, req->args[0]);
}
