/*
 * Revisions: every write path (resource_write, the delete handler, the
 * bulk writer, relations) appends one inside its own transaction, so the
 * history (handlers/history.c) and the change feed (handlers/changes.c)
 * see exactly the changes that committed.  Below the handlers: it knows
 * the revisions table and nothing of resources.
 */
#include "handlers/revisions.h"

#include <stdlib.h>

#include "common/clock.h"
#include "store/store.h"

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
	clock_now_rfc3339(now);
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
