/*
 * Loading the demo data.  Each NDJSON line carries its kind in "type"
 * beside the resource's fields (the import format of the contract); lines
 * go through resource_write() and relation_create(), so the demo obeys
 * every rule an API client does.
 */
#include "handlers/demo.h"

#include <stdio.h>
#include <string.h>

#include "common/embedded.h"
#include "handlers/claims.h"
#include "handlers/resource.h"
#include "server/intake.h"
#include "store/store.h"

static const struct resource *const demo_resources[] = {
	&actor_resource, &source_resource, &event_resource, &claim_resource,
};

static int store_is_empty(struct store *st, bool *empty)
{
	struct store_stmt *s = store_prepare(
		st, "SELECT EXISTS (SELECT 1 FROM actors) OR EXISTS (SELECT 1 "
		    "FROM sources) OR EXISTS (SELECT 1 FROM events) OR EXISTS "
		    "(SELECT 1 FROM claims)");
	if (!s)
		return STORE_ERROR;
	int rc = store_step(s);
	*empty = rc == STORE_ROW && store_column_int64(s, 0) == 0;
	store_reset(s);
	return rc == STORE_ROW ? STORE_OK : rc;
}

/* Writes one line; returns the HTTP-like status of the write. */
static int load_line(struct store *st, json_t *line, struct reply *rep)
{
	const char *type = json_string_value(json_object_get(line, "type"));
	json_t *out = NULL;
	int status = 0;
	if (type && strcmp(type, "relation") == 0) {
		json_t *input = json_pack(
			"{s:O, s:O, s:O?, s:O?}", "type",
			json_object_get(line, "relation"), "claim",
			json_object_get(line, "to"), "id",
			json_object_get(line, "id"), "note",
			json_object_get(line, "note"));
		const char *from = json_string_value(json_object_get(line, "from"));
		status = input && from ? relation_create(st, from, input, "demo",
							 rep, &out)
				       : reply_problem(rep, PROBLEM_VALIDATION,
						       "a relation needs from, "
						       "relation and to");
		json_decref(input);
		json_decref(out);
		return status;
	}
	for (size_t i = 0; type && i < sizeof(demo_resources) /
					       sizeof(demo_resources[0]); i++) {
		if (strcmp(type, demo_resources[i]->name) != 0)
			continue;
		json_t *input = json_deep_copy(line);
		json_object_del(input, "type");
		struct write_req w = {.input = input, .mode = WRITE_CREATE,
				      .key_name = "demo"};
		status = resource_write(st, demo_resources[i], &w, rep, &out);
		json_decref(input);
		json_decref(out);
		return status;
	}
	return reply_problem(rep, PROBLEM_VALIDATION, "unknown type");
}

enum demo_result demo_load(struct store *st, char *msg, size_t msgsz)
{
	bool empty = false;
	if (store_begin(st) != STORE_OK || store_is_empty(st, &empty) != STORE_OK) {
		store_rollback(st);
		snprintf(msg, msgsz, "demo data not loaded: the store failed");
		return DEMO_FAILED;
	}
	if (!empty) {
		store_rollback(st);
		snprintf(msg, msgsz,
			 "demo data not loaded: the store already holds data");
		return DEMO_SKIPPED;
	}
	const char *p = demo_data[0].data;
	const char *end = p + demo_data[0].len;
	int lineno = 0, loaded = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char why[256];
		lineno++;
		struct reply rep;
		reply_init(&rep);
		json_t *line = len ? intake_parse_json(p, len, why, sizeof(why))
				   : NULL;
		int status = line ? load_line(st, line, &rep) : 0;
		json_decref(line);
		p += len + 1;
		if (len == 0) {
			reply_release(&rep);
			continue;
		}
		if (status < 200 || status >= 300) {
			char *detail = rep.body ? json_dumps(rep.body, JSON_COMPACT)
						: NULL;
			snprintf(msg, msgsz, "demo line %d failed: %s", lineno,
				 detail ? detail : why);
			free(detail);
			reply_release(&rep);
			store_rollback(st);
			return DEMO_FAILED;
		}
		reply_release(&rep);
		loaded++;
	}
	if (store_commit(st) != STORE_OK) {
		snprintf(msg, msgsz, "demo data not loaded: commit failed");
		return DEMO_FAILED;
	}
	snprintf(msg, msgsz, "demo data loaded: %d records", loaded);
	return DEMO_LOADED;
}
