/*
 * GET /v1/changes: every revision (handlers/history.c appends them) in
 * commit order after ?since, and a long poll (?wait) for the next ones
 * that holds no thread while it waits (reply_wait).
 */
#include "handlers/changes.h"

#include <stdint.h>
#include <stdlib.h>

#include "server/etag.h"
#include "store/store.h"

#define WAIT_MAX_SECONDS 60

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
		errors_add_param(errors, name,
				 "must be an integer from %lld to %lld",
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
	int64_t wait =
		query_number(req, "wait", 0, WAIT_MAX_SECONDS, 0, errors);
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
			items, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}",
					 "seq", (json_int_t)next_since, "type",
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
	int64_t deadline = req->wait_deadline_ms ? req->wait_deadline_ms
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
