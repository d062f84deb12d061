/*
 * The one write transaction: begin, the Idempotency-Key replay, a body
 * that does the writing, the Idempotency-Key record, commit or rollback,
 * and the reply with its ETag and Location — around a callback, so that a
 * handler says only what it writes.  Modelled on GNU Taler's
 * TEH_DB_run_transaction: a store error the body reports as transient
 * (STORE_BUSY) is retried a bounded number of times, the shape a
 * PostgreSQL backend needs for serialization failures.
 *
 * Inside a group-commit batch (server/writer.c) store_begin/commit are a
 * savepoint of the batch, so a body's writes are kept or dropped alone and
 * become durable with the batch's one COMMIT; txn_run changes nothing of
 * that, and never retries there (the batch holds the write lock, and a
 * batch SQLite rolled back must not be restarted by a job inside it).
 */
#ifndef CLAIMLINE_TXN_H
#define CLAIMLINE_TXN_H

#include <jansson.h>
#include <stdbool.h>

#include "common/strbuf.h"
#include "server/reply.h"

struct store;

/* What a body leaves for the reply when it succeeds: owned by txn_run,
 * which frees it. */
struct txn_out {
	int status;	    /* 200, 201 or 204 */
	json_t *json;	    /* the body as JSON, or */
	struct strbuf text; /* the body as JSON text, or neither: none */
	bool etag;	    /* the reply carries the body's ETag */
	char location[200]; /* with 201: the Location (and recorded) */
};

enum {
	/* POST: replay an Idempotency-Key already used, record a new one. */
	TXN_IDEMPOTENT = 1 << 0,
	/* The body keeps state across its run (import): it is not run a
	 * second time; only a busy begin is retried. */
	TXN_ONCE = 1 << 1,
};

/*
 * A transaction body.  Runs inside the transaction on `st`.  Returns
 *   0            done: txn_run commits and replies from `out`;
 *   > 0          an HTTP status already in `rep` (a refusal, or a store
 *                error answered): txn_run rolls back and returns it;
 *   < 0          a store error: txn_run rolls back; STORE_BUSY is retried
 *                (the body runs again from the start: it must reset what
 *                it keeps in `arg`), any other is answered 500.
 */
typedef int (*txn_body)(struct store *st, void *arg, struct reply *rep,
			struct txn_out *out);

/*
 * Runs `body` in a write transaction on `st` and fills `rep`; returns the
 * reply's status.  `req` is the request (for TXN_IDEMPOTENT), or NULL
 * outside one (the demo loader).
 */
int txn_run(struct store *st, const struct request *req, struct reply *rep,
	    unsigned flags, txn_body body, void *arg);

#endif
