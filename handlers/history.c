/*
 * History and the change feed.  Revisions are appended by the write paths
 * in the same transaction as the change (resource_write, the delete
 * handler, relations), so the feed never shows a change that was rolled
 * back and never misses one that was acknowledged.
 */
#include "handlers/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/listing.h"
#include "handlers/resource.h"
#include "store/store.h"

#define WAIT_MAX_SECONDS 60

int history_append_text(struct store *st, const char *type, const char *id,
			const char *op, int64_t version, const char *text,
			const char *key_name)
{
	char now[32];
	struct store_stmt *s = store_prepare(
		st, "INSERT INTO revisions (type, id, op, version, at, "
		    "key_name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!s)
		return STORE_ERROR;
	resource_now(now);
	store_bind_text(s, 1, type);
	store_bind_text(s, 2, id);
	store_bind_text(s, 3, op);
	store_bind_int64(s, 4, version);
	store_bind_text(s, 5, now);
	store_bind_text(s, 6, key_name);
	store_bind_text(s, 7, text);
	return store_exec_stmt(s);
}

int history_append(struct store *st, const char *type, const char *id,
		   const char *op, int64_t version, json_t *body,
		   const char *key_name)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = body && !text ? STORE_ERROR
			       : history_append_text(st, type, id, op, version,
						     text, key_name);
	free(text);
	return rc;
}

int handle_history(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {"limit", "cursor", NULL};
	const struct resource *res = req->route_arg;
	struct page pg;
	page_start(req, allowed, &cursor_seq, &pg);
	if (!page_open_or_reply(rep, &pg))
		return rep->status;

	struct store_stmt *s = store_prepare(
		req->store,
		"SELECT seq, version, op, at, key_name, body FROM revisions "
		"WHERE type = ?1 AND id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4");
	if (!s)
		return reply_store_error(rep, STORE_ERROR);
	store_bind_text(s, 1, res->name);
	store_bind_text(s, 2, req->args[0]);
	store_bind_int64(s, 3, pg.after.num[0]);
	store_bind_int64(s, 4, page_fetch(&pg));
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(s)) == STORE_ROW && page_room(&pg)) {
		json_error_t jerr;
		json_t *body = store_column_is_null(s, 5)
				       ? json_null()
				       : json_loadb(store_column_text(s, 5),
						    store_column_bytes(s, 5), 0,
						    &jerr);
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s?, s:o*}", "version",
					 (json_int_t)store_column_int64(s, 1),
					 "op", store_column_text(s, 2), "at",
					 store_column_text(s, 3), "key",
					 store_column_text(s, 4), "body", body));
		pg.last.num[0] = store_column_int64(s, 0);
	}
	store_reset(s);
	if (rc != STORE_DONE && rc != STORE_ROW) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	/* A resource that never existed has no history: 404. */
	if (!pg.after.num[0] && json_array_size(items) == 0) {
		json_decref(items);
		return reply_problem(rep, PROBLEM_NOT_FOUND,
				     "no %s with id \"%s\" has ever existed",
				     res->name, req->args[0]);
	}
	return page_reply_json(req, rep, &pg, json_pack("{s:o}", "items", items));
}

/* Reads a whole number in [lo, hi] from query parameter `name`. */
static int64_t query_number(const struct request *req, const char *name,
			    int64_t lo, int64_t hi, int64_t fallback,
			    json_t *errors)
{
	const char *v = request_query(req, name);
	if (!v)
		return fallback;
	char *end = NULL;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < lo || n > hi) {
		errors_add_param(errors, name, "must be an integer from %lld to %lld",
				 (long long)lo, (long long)hi);
		return fallback;
	}
	return n;
}

int handle_changes(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {"since", "limit", "wait", NULL};
	json_t *errors = json_array();
	request_check_query(req, allowed, errors);
	int64_t since = query_number(req, "since", 0, INT64_MAX, 0, errors);
	int64_t limit = query_number(req, "limit", 1, 500, 50, errors);
	int64_t wait = query_number(req, "wait", 0, WAIT_MAX_SECONDS, 0, errors);
	if (json_array_size(errors))
		return reply_invalid(rep, errors);
	json_decref(errors);

	struct store_stmt *s = store_prepare(
		req->store,
		"SELECT seq, type, id, op, version, at FROM revisions WHERE "
		"seq > ?1 ORDER BY seq LIMIT ?2");
	if (!s)
		return reply_store_error(rep, STORE_ERROR);
	store_bind_int64(s, 1, since);
	store_bind_int64(s, 2, limit);
	json_t *items = json_array();
	int64_t next_since = since;
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		next_since = store_column_int64(s, 0);
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "seq",
					 (json_int_t)next_since, "type",
					 store_column_text(s, 1), "id",
					 store_column_text(s, 2), "op",
					 store_column_text(s, 3), "version",
					 (json_int_t)store_column_int64(s, 4),
					 "at", store_column_text(s, 5)));
	}
	store_reset(s);
	if (rc != STORE_DONE) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	/* Nothing new yet: wait for a commit, without holding a thread. */
	int64_t deadline = req->wait_deadline_ms
				   ? req->wait_deadline_ms
				   : monotonic_ms() + wait * 1000;
	if (json_array_size(items) == 0 && wait > 0 && !req->stopping &&
	    monotonic_ms() < deadline) {
		json_decref(items);
		return reply_wait(rep, deadline);
	}
	return reply_json(rep, 200,
			  json_pack("{s:o, s:I}", "items", items, "next_since",
				    (json_int_t)next_since));
}
