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
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
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

/* A cursor is (mode, score, rowid) of the last hit: mode 1 searched the
 * words as typed, mode 2 with the last word as a prefix. */
static bool cursor_read(const char *cursor, int *mode, double *score,
			int64_t *rowid)
{
	char plain[128];
	int used = 0;
	long long r;
	if (!cursor_decode_text(cursor, plain, sizeof(plain)) ||
	    sscanf(plain, "q%d:%la:%lld%n", mode, score, &r, &used) != 3 ||
	    plain[used] != '\0' || (*mode != 1 && *mode != 2))
		return false;
	*rowid = r;
	return true;
}

/* One search: the hits after (score, rowid) as items, at most `limit`,
 * and the cursor of the last one when there are more.  Columns weigh
 * label 2, content 1, names 1 (schema/009).  The first page has no keyset
 * condition: SQLite would compute bm25 once more per hit for it. */
static int run_search(struct store *st, const char *match, const char *types,
		      int mode, bool first, double after_score,
		      int64_t after_rowid, int64_t limit, json_t *items,
		      char *next, size_t nextsz, bool *more)
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
	store_bind_double_named(s, ":score", after_score);
	store_bind_int64_named(s, ":rowid", after_rowid);
	store_bind_int64_named(s, ":limit", limit + 1);

	int rc;
	*more = false;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((int64_t)json_array_size(items) == limit) {
			*more = true;
			break;
		}
		double score = store_column_double(s, 5);
		json_array_append_new(
			items,
			json_pack("{s:s, s:s, s:o, s:s?, s:f}", "type",
				  store_column_text(s, 1), "id",
				  store_column_text(s, 2), "label",
				  short_label(store_column_text(s, 3)), "snippet",
				  store_column_text(s, 4), "score", -score));
		char plain[96];
		snprintf(plain, sizeof(plain), "q%d:%a:%lld", mode, score,
			 (long long)store_column_int64(s, 0));
		cursor_encode_text(plain, next, nextsz);
	}
	store_reset(s);
	return rc == STORE_ROW ? STORE_DONE : rc;
}

int handle_search(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {
		"q", "types", "limit", "cursor", NULL,
	};
	json_t *errors = json_array();
	int64_t limit;
	request_check_query(req, allowed, errors);
	list_page_params(req, errors, &limit);
	const char *q = request_query(req, "q");
	if (!q || !*q)
		errors_add_param(errors, "q", "required");
	char *types = parse_types(request_query(req, "types"), errors);
	if (json_array_size(errors)) {
		free(types);
		return reply_invalid(rep, errors);
	}
	json_decref(errors);
	int mode = 1;
	double after_score = -1e308;
	int64_t after_rowid = INT64_MIN;
	const char *cursor = request_query(req, "cursor");
	if (cursor && !cursor_read(cursor, &mode, &after_score, &after_rowid)) {
		free(types);
		return reply_bad_cursor(rep);
	}

	/*
	 * The words as typed first; only when they find nothing is the last
	 * word taken as a prefix (mode 2, kept in the cursor).  A common
	 * word is then one lookup of its stem, not a prefix scan merging
	 * every word it begins, and what is typed halfway (`liberat`) still
	 * finds what it begins.
	 */
	json_t *items = json_array();
	char next[128] = "";
	bool more = false;
	int rc = STORE_DONE;
	char *match = searchq_fts5(q, mode == 2);
	if (!match)
		rc = STORE_ERROR;
	else if (*match)
		rc = run_search(req->store, match, types, mode, !cursor,
				after_score, after_rowid, limit, items, next,
				sizeof(next), &more);
	if (rc == STORE_DONE && !cursor && mode == 1 &&
	    json_array_size(items) == 0) {
		char *prefixed = searchq_fts5(q, true);
		if (!prefixed)
			rc = STORE_ERROR;
		else if (match && strcmp(prefixed, match) != 0)
			rc = run_search(req->store, prefixed, types, 2, true,
					after_score, after_rowid, limit, items,
					next, sizeof(next), &more);
		free(prefixed);
	}
	free(match);
	free(types);
	if (rc != STORE_DONE) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	json_t *page = json_pack("{s:o}", "items", items);
	list_reply_next(req, rep, page, more ? next : NULL);
	return reply_json(rep, 200, page);
}
