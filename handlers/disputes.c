/*
 * Disputes: every contradicts relation once, with both claims, the events
 * they are about and the relation's note, in the order the contradictions
 * were recorded (keyset on the relation's seq).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "handlers/listing.h"
#include "handlers/reading.h"
#include "handlers/disputes.h"
#include "store/store.h"

/* Literal SQL: which conditions apply depends on the filters given. */
#define DISPUTES_HEAD                                                          \
	"SELECT r.seq, r.id, a.id, b.id, r.note FROM relations AS r JOIN "     \
	"claims AS a ON a.seq = r.from_seq JOIN claims AS b ON b.seq = "       \
	"r.to_seq WHERE r.type = 'contradicts' AND r.seq > :after"
#define DISPUTES_ACTOR                                                         \
	" AND (a.claimant IN (SELECT value FROM json_each(:actor_set)) OR "    \
	"b.claimant IN (SELECT value FROM json_each(:actor_set)))"
#define DISPUTES_EVENT                                                         \
	" AND EXISTS (SELECT 1 FROM claim_events AS ce WHERE ce.claim_seq "    \
	"IN (a.seq, b.seq) AND ce.event_id IN (SELECT value FROM "             \
	"json_each(:event_set)))"
#define DISPUTES_RANGE                                                         \
	" AND ((a.date_hi > :from AND a.date_lo < :to) OR (b.date_hi > "       \
	":from AND b.date_lo < :to))"
#define DISPUTES_TAIL " ORDER BY r.seq LIMIT :limit"

/* Builds one dispute; new reference or NULL on a store error. */
static json_t *dispute_item(struct store *st, const char *rel_id, const char *a,
			    const char *b, const char *note)
{
	json_t *claims = json_array(), *events = json_array();
	json_t *claimants = json_array();
	const char *ids[2] = {a, b};
	for (int i = 0; i < 2; i++) {
		json_t *claim = NULL;
		if (resource_load(st, &claim_resource, ids[i], &claim, NULL) !=
		    STORE_ROW)
			goto fail;
		size_t k;
		json_t *ev;
		json_array_foreach(json_object_get(claim, "events"), k, ev)
		{
			bool seen = false;
			size_t j;
			json_t *have;
			json_array_foreach(events, j, have) seen =
				seen ||
				json_equal(json_object_get(have, "id"), ev);
			if (!seen)
				json_array_append_new(
					events,
					reading_event_ref(
						st, json_string_value(ev)));
		}
		json_array_append_new(
			claimants,
			reading_actor_ref(st, json_string_value(json_object_get(
						      claim, "claimant"))));
		json_array_append_new(claims, claim);
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:s?}", "relation", rel_id,
			 "claims", claims, "claimants", claimants, "events",
			 events, "note", note);
fail:
	json_decref(claims);
	json_decref(events);
	json_decref(claimants);
	return NULL;
}

int handle_disputes(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {
		"event", "actor", "include_parts", "from",
		"to",	 "limit", "cursor",	   NULL,
	};
	struct page pg;
	char *actor_set = NULL, *event_set = NULL;
	int64_t from, to;
	bool ranged;
	int status, rc = STORE_OK;

	page_start(req, allowed, &cursor_seq, &pg);
	reading_range(req, pg.errors, &from, &to, &ranged);
	bool include_parts = reading_bool(req, "include_parts", pg.errors);
	rc = reading_id_set(req, "actor", &actor_resource, include_parts,
			    pg.errors, &actor_set);
	if (rc == STORE_OK)
		rc = reading_id_set(req, "event", &event_resource, true,
				    pg.errors, &event_set);
	if (rc < 0) {
		status = reply_store_error(rep, rc);
		goto done;
	}
	if (!page_open_or_reply(rep, &pg)) {
		status = rep->status;
		goto done;
	}
	char sql[2048] = DISPUTES_HEAD;
	if (actor_set)
		strncat(sql, DISPUTES_ACTOR, sizeof(sql) - strlen(sql) - 1);
	if (event_set)
		strncat(sql, DISPUTES_EVENT, sizeof(sql) - strlen(sql) - 1);
	if (ranged)
		strncat(sql, DISPUTES_RANGE, sizeof(sql) - strlen(sql) - 1);
	strncat(sql, DISPUTES_TAIL, sizeof(sql) - strlen(sql) - 1);

	rc = store_begin_read(req->store);
	struct store_stmt *s =
		rc == STORE_OK ? store_prepare(req->store, sql) : NULL;
	if (!s) {
		store_rollback(req->store);
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	store_bind_int64_named(s, ":after", pg.after.num[0]);
	store_bind_text_named(s, ":actor_set", actor_set);
	store_bind_text_named(s, ":event_set", event_set);
	store_bind_int64_named(s, ":from", from);
	store_bind_int64_named(s, ":to", to);
	store_bind_int64_named(s, ":limit", page_fetch(&pg));
	json_t *items = json_array();
	while ((rc = store_step(s)) == STORE_ROW && page_room(&pg)) {
		json_t *item = dispute_item(req->store, store_column_text(s, 1),
					    store_column_text(s, 2),
					    store_column_text(s, 3),
					    store_column_text(s, 4));
		if (!item) {
			rc = STORE_ERROR;
			break;
		}
		json_array_append_new(items, item);
		pg.last.num[0] = store_column_int64(s, 0);
	}
	store_reset(s);
	store_rollback(req->store);
	if (rc != STORE_DONE && rc != STORE_ROW) {
		json_decref(items);
		status = reply_store_error(rep, rc);
		goto done;
	}
	status = page_reply_json(req, rep, &pg,
				 json_pack("{s:o}", "items", items));
done:
	free(actor_set);
	free(event_set);
	page_release(&pg);
	return status;
}
