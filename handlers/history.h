/*
 * History and the change feed: every create, update and delete appends a
 * revision in the same transaction as the change; GET .../history lists a
 * resource's revisions and GET /v1/changes follows all of them.
 */
#ifndef CLAIMLINE_HISTORY_H
#define CLAIMLINE_HISTORY_H

#include <jansson.h>
#include <stdint.h>

#include "server/reply.h"

struct store;

/*
 * Appends a revision of `type`/`id` inside the caller's transaction.
 * `body` (borrowed) is the representation after the change, NULL for a
 * delete.  Returns STORE_OK or a store error.
 */
int history_append(struct store *st, const char *type, const char *id,
		   const char *op, int64_t version, json_t *body,
		   const char *key_name);
/* The same with the representation already in text (NULL: a delete). */
int history_append_text(struct store *st, const char *type, const char *id,
			const char *op, int64_t version, const char *text,
			const char *key_name);

/* GET /v1/{collection}/{id}/history; the route argument is the resource. */
int handle_history(const struct request *req, struct reply *rep);

/* GET /v1/changes?since=&limit=&wait= */
int handle_changes(const struct request *req, struct reply *rep);

#endif
