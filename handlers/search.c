/*
 * Full-text search over claims, events, actors and sources with SQLite
 * FTS5 (contract §7): ranked by bm25 (names and titles weigh twice their
 * text), each hit with a snippet, paginated by a keyset on (score, rowid).
 * `q` is what people type, read by common/searchq.c into an expression
 * made only of strings it quoted itself, so every query parses: none is a
 * 400, and no text of the storage engine reaches a client.  A `q` with no
 * word to search for (only punctuation, or only exclusions) finds nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/searchq.h"
#include "handlers/reading.h"
#include "handlers/timeline.h"
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

static bool cursor_read(const char *cursor, double *score, int64_t *rowid)
{
	char plain[128];
	int used = 0;
	long long r;
	if (!cursor_decode_text(cursor, plain, sizeof(plain)) ||
	    sscanf(plain, "q1:%la:%lld%n", score, &r, &used) != 2 ||
	    plain[used] != '\0')
		return false;
	*rowid = r;
	return true;
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
	char *match = searchq_fts5(q);
	if (!match) {
		free(types);
		return reply_store_error(rep, STORE_ERROR);
	}
	double after_score = -1e308;
	int64_t after_rowid = INT64_MIN;
	const char *cursor = request_query(req, "cursor");
	if (cursor && !cursor_read(cursor, &after_score, &after_rowid)) {
		free(types);
		free(match);
		return reply_bad_cursor(rep);
	}
	if (!*match) {
		free(types);
		free(match);
		json_t *page = json_pack("{s:[]}", "items");
		list_reply_next(req, rep, page, NULL);
		return reply_json(rep, 200, page);
	}

	struct store_stmt *s = store_prepare(
		req->store,
		"SELECT rowid, type, ref, label, snippet(search, -1, '<mark>', "
		"'</mark>', '\xe2\x80\xa6', 16), bm25(search, 2.0, 1.0, 1.0) "
		"FROM search WHERE search MATCH :q AND (:types IS NULL OR type "
		"IN (SELECT value FROM json_each(:types))) AND (bm25(search, "
		"2.0, 1.0, 1.0), rowid) > (:score, :rowid) ORDER BY bm25(search, "
		"2.0, 1.0, 1.0), rowid LIMIT :limit");
	if (!s) {
		free(types);
		free(match);
		return reply_store_error(rep, STORE_ERROR);
	}
	store_bind_text_named(s, ":q", match);
	store_bind_text_named(s, ":types", types);
	store_bind_double_named(s, ":score", after_score);
	store_bind_int64_named(s, ":rowid", after_rowid);
	store_bind_int64_named(s, ":limit", limit + 1);
	free(types);

	json_t *items = json_array();
	char next[128] = "";
	bool more = false;
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((int64_t)json_array_size(items) == limit) {
			more = true;
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
		snprintf(plain, sizeof(plain), "q1:%a:%lld", score,
			 (long long)store_column_int64(s, 0));
		cursor_encode_text(plain, next, sizeof(next));
	}
	store_reset(s);
	free(match);
	if (rc != STORE_DONE && rc != STORE_ROW) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	json_t *page = json_pack("{s:o}", "items", items);
	list_reply_next(req, rep, page, more ? next : NULL);
	return reply_json(rep, 200, page);
}
