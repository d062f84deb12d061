/*
 * Appending revisions (handlers/revisions.c), for the write paths.
 */
#ifndef CLAIMLINE_REVISIONS_H
#define CLAIMLINE_REVISIONS_H

#include <jansson.h>
#include <stdint.h>

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

#endif
