/*
 * Full-text search over claims, events, actors and sources with SQLite
 * FTS5 (contract §7): ranked by bm25 (names and titles weigh twice their
 * text), each hit with a snippet, paginated by a keyset on (score, rowid).
 * `q` is what people type, read by common/searchq.c into an expression
 * made only of strings it quoted itself, so every query parses: none is a
 * 400, and no text of the storage engine reaches a client.  A `q` with no
 * word to search for (only punctuation, or only exclusions) finds nothing
 * (200, no items).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/searchq.h"
#include "handlers/listing.h"
#include "handlers/reading.h"
#include "handlers/search.h"
#include "store/store.h"

#define LABEL_MAX_CODE_POINTS 160

static const char *const search_types[] = {
	"claim", "event", "actor", "source", NULL,
};

/* Parses ?types= into a JSON array text (malloc'd) or NULL for all. */
static char *parse_types(const char *types, json_t *errors)
{
	if (!types)
		return NULL;
	json_t *list = json_array();
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", types);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool ok = false;
		for (size_t i = 0; search_types[i]; i++)
			ok = ok || strcmp(search_types[i], t) == 0;
		if (!ok) {
			errors_add_param(errors, "types",
					 "a comma-separated list of claim, "
					 "event, actor, source");
			json_decref(list);
			return NULL;
		}
		json_array_append_new(list, json_string(t));
	}
	char *text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}

/* Cuts a label to LABEL_MAX_CODE_POINTS code points, adding an ellipsis. */
static json_t *short_label(const char *label)
{
	if (!label)
		return json_null();
	size_t cps = 0, i = 0;
	for (; label[i]; i++) {
		if (((unsigned char)label[i] & 0xc0) != 0x80 &&
		    cps++ == LABEL_MAX_CODE_POINTS)
			break;
	}
	if (!label[i])
		return json_string(label);
	char *cut = malloc(i + 4);
	if (!cut)
		return json_null();
	memcpy(cut, label, i);
	memcpy(cut + i, "\xe2\x80\xa6", 4);
	json_t *out = json_string(cut);
	free(cut);
	return out;
}

/* A cursor is (score, rowid) of the last hit, tagged with the mode of
 * the search: "q1" searched the words as typed, "q2" with the last word
 * as a prefix. */
static const struct cursor_format search_cursor = {
	.tag = {"q1", "q2"},
	.key = {{CURSOR_REAL, 0, 0}, {CURSOR_INT, INT64_MIN, INT64_MAX}},
};

/* One search (mode 1 or 2): the hits after pg->after, or from the first
 * when `first`, as items, at most a page of them; pg->last is the last
 * one's position.  Columns weigh label 2, content 1, names 1
 * (schema/009).  The first page has no keyset condition: SQLite would
 * compute bm25 once more per hit for it. */
static int run_search(struct store *st, const char *match, const char *types,
		      int mode, bool first, struct page *pg, json_t *items)
{
	struct store_stmt *s = store_prepare(
		st,
		!first ? "SELECT rowid, type, ref, label, snippet(search, -1, "
			 "'<mark>', '</mark>', '\xe2\x80\xa6', 16), bm25(search, "
			 "2.0, 1.0, 1.0) FROM search WHERE search MATCH :q AND "
			 "(:types IS NULL OR type IN (SELECT value FROM "
			 "json_each(:types))) AND (bm25(search, 2.0, 1.0, 1.0), "
			 "rowid) > (:score, :rowid) ORDER BY bm25(search, 2.0, "
			 "1.0, 1.0), rowid LIMIT :limit"
		       : "SELECT rowid, type, ref, label, snippet(search, -1, "
			 "'<mark>', '</mark>', '\xe2\x80\xa6', 16), bm25(search, "
			 "2.0, 1.0, 1.0) FROM search WHERE search MATCH :q AND "
			 "(:types IS NULL OR type IN (SELECT value FROM "
			 "json_each(:types))) ORDER BY bm25(search, 2.0, 1.0, "
			 "1.0), rowid LIMIT :limit");
	if (!s)
		return STORE_ERROR;
	store_bind_text_named(s, ":q", match);
	store_bind_text_named(s, ":types", types);
	store_bind_double_named(s, ":score", pg->after.real[0]);
	store_bind_int64_named(s, ":rowid", pg->after.num[1]);
	store_bind_int64_named(s, ":limit", page_fetch(pg));

	int rc;
	while ((rc = store_step(s)) == STORE_ROW && page_room(pg)) {
		double score = store_column_double(s, 5);
		json_array_append_new(
			items, json_pack("{s:s, s:s, s:o, s:s?, s:f}", "type",
					 store_column_text(s, 1), "id",
					 store_column_text(s, 2), "label",
					 short_label(store_column_text(s, 3)),
					 "snippet", store_column_text(s, 4),
					 "score", -score));
		pg->last.variant = mode - 1;
		pg->last.real[0] = score;
		pg->last.num[1] = store_column_int64(s, 0);
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_DONE : rc;
}

int handle_search(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {
		"q", "types", "limit", "cursor", NULL,
	};
	struct page pg;
	page_start(req, allowed, &search_cursor, &pg);
	const char *q = request_query(req, "q");
	if (!q || !*q)
		errors_add_param(pg.errors, "q", "required");
	char *types = parse_types(request_query(req, "types"), pg.errors);
	/* No cursor: from before the first hit. */
	pg.after.real[0] = -1e308;
	pg.after.num[1] = INT64_MIN;
	if (!page_open_or_reply(rep, &pg)) {
		free(types);
		return rep->status;
	}
	int mode = pg.after.variant + 1;

	/*
	 * The words as typed first; only when they find nothing is the last
	 * word taken as a prefix (mode 2, kept in the cursor).  A common
	 * word is then one lookup of its stem, not a prefix scan merging
	 * every word it begins, and what is typed halfway (`liberat`) still
	 * finds what it begins.
	 */
	json_t *items = json_array();
	int rc = STORE_DONE;
	char *match = searchq_fts5(q, mode == 2);
	if (!match)
		rc = STORE_ERROR;
	else if (*match)
		rc = run_search(req->store, match, types, mode, !pg.cursor, &pg,
				items);
	if (rc == STORE_DONE && !pg.cursor && mode == 1 &&
	    json_array_size(items) == 0) {
		char *prefixed = searchq_fts5(q, true);
		if (!prefixed)
			rc = STORE_ERROR;
		else if (match && strcmp(prefixed, match) != 0)
			rc = run_search(req->store, prefixed, types, 2, true,
					&pg, items);
		free(prefixed);
	}
	free(match);
	free(types);
	if (rc != STORE_DONE) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	return page_reply_json(req, rep, &pg,
			       json_pack("{s:o}", "items", items));
}
