/*
 * What claims and their relations offer the rest of the handlers.
 */
#ifndef CLAIMLINE_CLAIMS_H
#define CLAIMLINE_CLAIMS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "server/reply.h"

struct store;
struct resource;

/*
 * The fields of a relation line of import and export ({"id", "from",
 * "relation", "to", "note"}), for the generic validation: the same rules
 * as a relation written through the API, under the line's own names.
 */
extern const struct resource relation_line_resource;

/*
 * Re-verifies the quotes of every claim citing source `source_id` against
 * its new `text` (NULL: the source has no text any more) and stores their
 * new quote_span.  When a quote is no longer found, writes why into
 * `conflict` and returns STORE_OK: the caller refuses the write.  Returns a
 * store error otherwise.
 */
int claims_reverify_quotes(struct store *st, const char *source_id,
			   const char *text, char *conflict, size_t conflictsz);

/*
 * Creates a relation from claim `from_id` described by `input` ({"type",
 * "claim", "note", optional "id"}; borrowed) inside the caller's
 * transaction.  On success returns 201 and sets *out to the relation as
 * seen from `from_id` (new reference); else fills `rep` and returns its
 * status.
 */
int relation_create(struct store *st, const char *from_id, json_t *input,
		    const char *key_name, struct reply *rep, json_t **out);

/* Appends delete revisions for the relations of claim `seq`, which are
 * about to go with it. */
int relations_before_claim_delete(struct store *st, int64_t seq,
				  const char *key_name);

/* Route handlers for /v1/claims/{id}/relations[/{rel_id}]. */
int handle_relation_create(const struct request *req, struct reply *rep);
int handle_relation_list(const struct request *req, struct reply *rep);
int handle_relation_get(const struct request *req, struct reply *rep);
int handle_relation_delete(const struct request *req, struct reply *rep);

#endif
