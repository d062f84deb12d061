/*
 * Shared pieces of the read-back queries (timelines, statement lists,
 * disputes, search): part_of subtrees, and the entries that embed the
 * names a front end needs so that one request draws a view.
 */
#ifndef CLAIMLINE_READING_H
#define CLAIMLINE_READING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "handlers/resource.h"

struct store;

/*
 * Collects `root` and, when `with_parts`, everything part_of it at any
 * depth, as a JSON array text in *ids (malloc'd; free it).  Returns
 * STORE_ROW when root exists, STORE_DONE when not (*ids NULL), or a store
 * error.
 */
int reading_subtree(struct store *st, const struct resource *res,
		    const char *root, bool with_parts, char **ids);

/*
 * A timeline entry for event or claim `id`: {"type", "date", "precision",
 * "event"|"claim", and embedded names}.  New reference in *out.  Returns
 * STORE_ROW, STORE_DONE when the row is gone, or a store error.
 */
int reading_event_entry(struct store *st, const char *id, json_t **out);
int reading_claim_entry(struct store *st, const char *id, json_t **out);

/* {"id", "name"} of an actor, {"id", "title"} of an event or source; a
 * new reference, or JSON null when `id` is NULL or unknown. */
json_t *reading_actor_ref(struct store *st, const char *id);
json_t *reading_event_ref(struct store *st, const char *id);

/* Reads a `from`/`to` pair of query parameters; adds errors.  Sets the
 * bounds to INT64_MIN / INT64_MAX when absent; *given when either was. */
void reading_range(const struct request *req, json_t *errors, int64_t *from,
		   int64_t *to, bool *given);

/* Reads a boolean query parameter ("true"/"false"); adds an error. */
bool reading_bool(const struct request *req, const char *name, json_t *errors);

#endif
