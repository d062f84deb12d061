/*
 * Idempotency-Key on POST: a retry with the same key and body gets the
 * first response and writes nothing; the same key with another body is
 * 422.  Keys are per API key and kept 24 hours.
 */
#ifndef CLAIMLINE_IDEMPOTENCY_H
#define CLAIMLINE_IDEMPOTENCY_H

#include <jansson.h>
#include <stdbool.h>

#include "server/reply.h"

/*
 * Inside the write transaction, before writing.  When the request carries
 * an Idempotency-Key already used, fills `rep` with the first response (or
 * a 422 when the body differs, or 400 for a malformed key) and sets
 * *answered.  Returns STORE_OK or a store error.
 */
int idempotency_replay(const struct request *req, struct reply *rep,
		       bool *answered);

/*
 * Inside the same transaction, after a successful write: keeps the
 * response (`body` borrowed) for retries.  No-op without the header.
 */
int idempotency_record(const struct request *req, int status, json_t *body,
		       const char *location);
/* The same with the response body already in text (NULL: none). */
int idempotency_record_text(const struct request *req, int status,
			    const char *text, const char *location);

#endif
