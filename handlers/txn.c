/*
 * The write transaction wrapper (see txn.h): every write handler's begin,
 * idempotency, commit or rollback, retry and success reply, written once.
 */
#include "handlers/txn.h"

#include <stdio.h>
#include <stdlib.h>

#include "handlers/idempotency.h"
#include "server/etag.h"
#include "store/store.h"

/* How many times a transaction runs when it keeps finding the store
 * busy.  On SQLite each try already waits the busy timeout, so few. */
#define TXN_TRIES 3

static void out_release(struct txn_out *out)
{
	json_decref(out->json);
	strbuf_release(&out->text);
	*out = (struct txn_out){.text = STRBUF_INIT};
}

/* One try.  Returns an HTTP status with `rep` filled, or a store error
 * (< 0) with the transaction rolled back and `rep` untouched. */
static int run_once(struct store *st, const struct request *req,
		    struct reply *rep, unsigned flags, txn_body body, void *arg,
		    struct txn_out *out, bool *body_ran)
{
	int rc = store_begin(st);
	if (rc != STORE_OK)
		return rc;
	if (flags & TXN_IDEMPOTENT) {
		bool answered = false;
		rc = idempotency_replay(req, rep, &answered);
		if (rc != STORE_OK || answered) {
			store_rollback(st);
			return rc != STORE_OK ? rc : rep->status;
		}
	}
	*body_ran = true;
	rc = body(st, arg, rep, out);
	if (rc != 0) {
		store_rollback(st);
		return rc;
	}
	const char *location =
		out->status == 201 && out->location[0] ? out->location : NULL;
	if (flags & TXN_IDEMPOTENT)
		rc = out->json
			     ? idempotency_record(req, out->status, out->json,
						  location)
			     : idempotency_record_text(req, out->status,
						       out->text.buf, location);
	if (rc == STORE_OK)
		rc = store_commit(st); /* rolls back itself when it fails */
	else
		store_rollback(st);
	if (rc != STORE_OK)
		return rc;
	if (location)
		reply_header(rep, "Location", location);
	if (out->json) {
		json_t *json = out->json;
		out->json = NULL;
		return out->etag ? reply_with_etag(rep, out->status, json)
				 : reply_json(rep, out->status, json);
	}
	if (out->text.buf && out->etag)
		return reply_text_with_etag(rep, out->status, &out->text);
	if (out->text.buf) {
		size_t len;
		char *text = strbuf_detach(&out->text, &len);
		return reply_text(rep, out->status, "application/json", text,
				  len);
	}
	return reply_json(rep, out->status, NULL);
}

int txn_run(struct store *st, const struct request *req, struct reply *rep,
	    unsigned flags, txn_body body, void *arg)
{
	struct txn_out out = {.text = STRBUF_INIT};
	int status = 0;
	for (int try = 1;; try++) {
		bool body_ran = false;
		status = run_once(st, req, rep, flags, body, arg, &out,
				  &body_ran);
		if (status >= 0)
			break;
		/* A busy store is worth another try, unless this is a
		 * savepoint in a group commit (the batch holds the lock; a
		 * new try would open a transaction outside it) or the body
		 * cannot run twice. */
		bool again = status == STORE_BUSY && try < TXN_TRIES &&
			     !store_in_batch(st) &&
			     !(body_ran && (flags & TXN_ONCE));
		out_release(&out);
		if (!again) {
			status = reply_store_error(rep, status);
			break;
		}
	}
	out_release(&out);
	return status;
}
