/*
 * History: GET /v1/{collection}/{id}/history, the revisions of one
 * resource, newest first.  The write paths append them
 * (handlers/revisions.c) in the same transaction as the change, so the
 * history and the change feed (handlers/changes.c) never show a change
 * that was rolled back and never miss one that was acknowledged.
 */
#include "handlers/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/listing.h"
#include "handlers/resource.h"
#include "store/store.h"

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
			items,
			json_pack("{s:I, s:s, s:s, s:s?, s:o*}", "version",
				  (json_int_t)store_column_int64(s, 1), "op",
				  store_column_text(s, 2), "at",
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
	return page_reply_json(req, rep, &pg,
			       json_pack("{s:o}", "items", items));
}
