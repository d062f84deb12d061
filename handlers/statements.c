/*
 * Statement lists and disputes.
 *
 * A statement list is claims in date order (stated, else the source's
 * published date), undated claims last.  It is read in two keyset phases:
 * dated claims along the (date_lo, date_prec, id) order, then undated ones
 * by id; the cursor says which phase and where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/strbuf.h"
#include "handlers/listing.h"
#include "handlers/reading.h"
#include "handlers/statements.h"
#include "store/store.h"

struct st_position {
	int phase; /* 0 dated, 1 undated */
	int64_t lo;
	int prec;
	char id[ID_MAX_LEN + 1];
};

/* A row of the page: its place in the order, and its seq. */
struct st_row {
	struct st_position pos;
	int64_t seq;
};

static void add(char *sql, size_t size, const char *fragment)
{
	strncat(sql, fragment, size - strlen(sql) - 1);
}

static void build_sql(const struct read_filters *f, int phase, char *sql,
		      size_t size)
{
	sql[0] = '\0';
	add(sql, size,
	    phase == 0
		    ? "SELECT r.id, r.date_lo, r.date_prec, r.seq FROM claims AS r "
		      "WHERE r.date_lo IS NOT NULL AND (r.date_lo, r.date_prec, "
		      "r.id) > (:lo, :prec, :id)"
		    : "SELECT r.id, 0, 0, r.seq FROM claims AS r WHERE r.date_lo IS "
		      "NULL AND r.id > :id");
	if (f->actor)
		add(sql, size, " AND r.claimant = :actor");
	if (f->actor_set)
		add(sql, size,
		    " AND r.claimant IN (SELECT value FROM "
		    "json_each(:actor_set))");
	if (f->event_set)
		add(sql, size,
		    " AND r.seq IN (SELECT claim_seq FROM "
		    "claim_events WHERE event_id IN (SELECT value "
		    "FROM json_each(:event_set)))");
	if (f->stance)
		add(sql, size, " AND r.stance = :stance");
	if (f->ranged)
		add(sql, size, " AND r.date_lo < :to AND r.date_hi > :from");
	add(sql, size,
	    phase == 0 ? " ORDER BY r.date_lo, r.date_prec, r.id LIMIT :limit"
		       : " ORDER BY r.id LIMIT :limit");
}

/* Appends up to `limit` rows of one phase to rows[*n..]: each row's place
 * in the order and its seq. */
static int run_phase(struct store *st, const struct read_filters *f,
		     const struct st_position *pos, int64_t limit,
		     struct st_row *rows, size_t *n)
{
	char sql[2048];
	build_sql(f, pos->phase, sql, sizeof(sql));
	struct store_stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	store_bind_int64_named(s, ":lo", pos->lo);
	store_bind_int64_named(s, ":prec", pos->prec);
	store_bind_text_named(s, ":id", pos->id);
	reading_bind_filters(s, f);
	store_bind_int64_named(s, ":limit", limit);
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct st_row *r = &rows[(*n)++];
		r->pos.phase = pos->phase;
		r->pos.lo = store_column_int64(s, 1);
		r->pos.prec = (int)store_column_int64(s, 2);
		snprintf(r->pos.id, sizeof(r->pos.id), "%s",
			 store_column_text(s, 0));
		r->seq = store_column_int64(s, 3);
	}
	store_reset(s);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* A statement cursor is the (phase, lo, prec, id) of the last claim
 * shown; undated claims (phase 1) have lo and prec 0. */
static const struct cursor_format statements_cursor = {
	.tag = {"s1"},
	.key = {{CURSOR_INT, 0, 1},
		{CURSOR_INT, INT64_MIN, INT64_MAX},
		{CURSOR_INT, INT32_MIN, INT32_MAX},
		{CURSOR_ID, 0, 0}},
};

/* The cursor's position of a row. */
static void position_of_row(const struct st_row *r, struct position *pos)
{
	pos->num[0] = r->pos.phase;
	pos->num[1] = r->pos.lo;
	pos->num[2] = r->pos.prec;
	memcpy(pos->id, r->pos.id, sizeof(pos->id));
}

/* Groups a page's entries by claimant or stance, in order of first
 * appearance.  Takes `items`; returns a new reference. */
static json_t *group_entries(json_t *items, const char *by)
{
	json_t *groups = json_array();
	size_t i;
	json_t *entry;
	json_array_foreach(items, i, entry)
	{
		json_t *claim = json_object_get(entry, "claim");
		const char *key = json_string_value(json_object_get(
			claim,
			strcmp(by, "claimant") == 0 ? "claimant" : "stance"));
		json_t *group = NULL, *g;
		size_t j;
		json_array_foreach(
			groups, j,
			g) if (strcmp(json_string_value(json_object_get(g,
									"key")),
				      key) == 0) group = g;
		if (!group) {
			json_t *label =
				strcmp(by, "claimant") == 0
					? json_object_get(
						  json_object_get(entry,
								  "claimant"),
						  "name")
					: NULL;
			group = json_pack("{s:s, s:O?, s:[]}", "key", key,
					  "label", label, "items");
			json_array_append_new(groups, group);
		}
		json_array_append(json_object_get(group, "items"), entry);
	}
	json_decref(items);
	return groups;
}

/*
 * The shared statement list: `actor` for /v1/actors/{id}/statements,
 * `event` for /v1/events/{id}/statements.
 */
static int statements_reply(const struct request *req, struct reply *rep,
			    const char *actor, const char *event)
{
	static const char *const allowed_actor[] = {
		"include_parts", "event",  "stance", "from", "to",
		"limit",	 "cursor", NULL,
	};
	static const char *const allowed_event[] = {
		"group_by", "stance", "from", "to", "limit", "cursor", NULL,
	};
	struct read_filters f = {.disputed = -1};
	struct page pg;
	json_t *errors; /* pg's, until page_open_or_reply */
	struct st_row *rows = NULL;
	size_t nrows = 0;
	struct reading_page page;
	int status, rc = STORE_OK;

	reading_page_init(&page, NULL);
	page_start(req, actor ? allowed_actor : allowed_event,
		   &statements_cursor, &pg);
	errors = pg.errors;
	reading_range(req, errors, &f.from, &f.to, &f.ranged);
	f.stance = reading_stance(req, errors);
	const char *group_by = request_query(req, "group_by");
	if (group_by && strcmp(group_by, "claimant") != 0 &&
	    strcmp(group_by, "stance") != 0)
		errors_add_param(errors, "group_by",
				 "must be claimant or stance");
	bool include_parts = reading_bool(req, "include_parts", errors);

	/* The resource in the path must exist: 404 otherwise. */
	const struct resource *root_res =
		actor ? &actor_resource : &event_resource;
	char *root_set = NULL;
	rc = reading_subtree(req->store, root_res, actor ? actor : event,
			     event || include_parts, &root_set);
	if (rc == STORE_DONE) {
		status = reply_problem(rep, PROBLEM_NOT_FOUND,
				       "no %s with id \"%s\"", root_res->name,
				       actor ? actor : event);
		goto done;
	}
	if (actor && !include_parts) {
		free(root_set);
		root_set = NULL;
		f.actor = actor;
	} else if (actor) {
		f.actor_set = root_set;
	} else {
		f.event_set = root_set;
	}
	if (rc == STORE_ROW && actor) {
		rc = reading_id_set(req, "event", &event_resource, true, errors,
				    &f.event_set);
		rc = rc == STORE_OK ? STORE_ROW : rc;
	}
	if (rc != STORE_ROW) {
		status = reply_store_error(rep, rc);
		goto done;
	}
	/* No cursor: before the first dated claim. */
	pg.after.num[1] = INT64_MIN;
	if (!page_open_or_reply(rep, &pg)) {
		status = rep->status;
		goto done;
	}
	struct st_position pos = {
		.phase = (int)pg.after.num[0],
		.lo = pg.after.num[1],
		.prec = (int)pg.after.num[2],
	};
	memcpy(pos.id, pg.after.id, sizeof(pos.id));

	rows = calloc((size_t)page_fetch(&pg), sizeof(*rows));
	if (!rows) {
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	rc = store_begin_read(req->store);
	if (rc == STORE_OK && pos.phase == 0)
		rc = run_phase(req->store, &f, &pos, page_fetch(&pg), rows,
			       &nrows);
	/* Undated claims come after every dated one, and never in a range. */
	if (rc == STORE_OK && !f.ranged && (int64_t)nrows < page_fetch(&pg)) {
		struct st_position undated = {.phase = 1};
		if (pos.phase == 1)
			undated = pos;
		rc = run_phase(req->store, &f, &undated,
			       page_fetch(&pg) - (int64_t)nrows, rows, &nrows);
	}
	/* An object of items, or the items alone to group them. */
	struct strbuf items = STRBUF_INIT;
	if (!group_by)
		strbuf_adds(&items, "{\"items\":");
	/* One actor's own claims are read from where they are kept
	 * together. */
	page.claimant = f.actor;
	for (size_t i = 0; rc == STORE_OK && i < nrows && page_room(&pg); i++) {
		if (!reading_page_add(&page, READING_CLAIM, rows[i].seq))
			rc = STORE_ERROR;
		position_of_row(&rows[i], &pg.last);
	}
	if (rc == STORE_OK)
		rc = reading_page_write(req->store, &page, &items);
	store_rollback(req->store); /* ends the read transaction */
	if (rc != STORE_OK) {
		strbuf_release(&items);
		status = reply_store_error(rep, rc);
		goto done;
	}
	if (!group_by) {
		status = page_reply_text(req, rep, &pg, &items);
		goto done;
	}
	json_t *entries = reading_parse_items(&items);
	json_t *grouped = entries ? json_pack("{s:o}", "groups",
					      group_entries(entries, group_by))
				  : NULL;
	if (!grouped) {
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	status = page_reply_json(req, rep, &pg, grouped);
done:
	reading_page_release(&page);
	reading_filters_release(&f);
	free(rows);
	page_release(&pg);
	return status;
}

int handle_actor_statements(const struct request *req, struct reply *rep)
{
	return statements_reply(req, rep, req->args[0], NULL);
}

int handle_event_statements(const struct request *req, struct reply *rep)
{
	return statements_reply(req, rep, NULL, req->args[0]);
}
