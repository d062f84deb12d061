/*
 * Loading the demo data.  Each NDJSON line carries its kind in "type"
 * beside the resource's fields (the import format of the contract); lines
 * go through resource_write() and relation_create(), so the demo obeys
 * every rule an API client does.
 */
#include "handlers/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "handlers/claims.h"
#include "handlers/resource.h"
#include "handlers/txn.h"
#include "server/intake.h"
#include "store/store.h"

static const struct resource *const demo_resources[] = {
	&actor_resource,
	&source_resource,
	&event_resource,
	&claim_resource,
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
		json_t *input =
			json_pack("{s:O, s:O, s:O?, s:O?}", "type",
				  json_object_get(line, "relation"), "claim",
				  json_object_get(line, "to"), "id",
				  json_object_get(line, "id"), "note",
				  json_object_get(line, "note"));
		const char *from =
			json_string_value(json_object_get(line, "from"));
		status = input && from ? relation_create(st, from, input,
							 "demo", rep, &out)
				       : reply_problem(rep, PROBLEM_VALIDATION,
						       "a relation needs from, "
						       "relation and to");
		json_decref(input);
		json_decref(out);
		return status;
	}
	for (size_t i = 0;
	     type && i < sizeof(demo_resources) / sizeof(demo_resources[0]);
	     i++) {
		if (strcmp(type, demo_resources[i]->name) != 0)
			continue;
		json_t *input = json_deep_copy(line);
		json_object_del(input, "type");
		struct write_req w = {.input = input,
				      .mode = WRITE_CREATE,
				      .key_name = "demo"};
		status = resource_write(st, demo_resources[i], &w, rep, &out);
		json_decref(input);
		json_decref(out);
		return status;
	}
	return reply_problem(rep, PROBLEM_VALIDATION, "unknown type");
}

/* The demo load's transaction: what it tells its caller. */
struct demo_call {
	char *msg;
	size_t msgsz;
	enum demo_result result; /* DEMO_LOADED: every line written */
	int loaded;
};

static int demo_body(struct store *st, void *arg, struct reply *rep,
		     struct txn_out *out)
{
	struct demo_call *c = arg;
	bool empty = false;
	c->loaded = 0;
	c->result = DEMO_FAILED;
	int rc = store_is_empty(st, &empty);
	if (rc != STORE_OK)
		return rc < 0 ? rc : STORE_ERROR;
	if (!empty) {
		c->result = DEMO_SKIPPED;
		snprintf(c->msg, c->msgsz,
			 "demo data not loaded: the store already holds data");
		return reply_problem(rep, PROBLEM_CONFLICT, "not empty");
	}
	const char *p = demo_data[0].data;
	const char *end = p + demo_data[0].len;
	int lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char why[256];
		lineno++;
		struct reply line_rep;
		reply_init(&line_rep);
		json_t *line = len ? intake_parse_json(p, len, why, sizeof(why))
				   : NULL;
		int status = line ? load_line(st, line, &line_rep) : 0;
		json_decref(line);
		p += len + 1;
		if (len == 0) {
			reply_release(&line_rep);
			continue;
		}
		if (status < 200 || status >= 300) {
			char *detail = line_rep.body ? json_dumps(line_rep.body,
								  JSON_COMPACT)
						     : NULL;
			snprintf(c->msg, c->msgsz, "demo line %d failed: %s",
				 lineno, detail ? detail : why);
			free(detail);
			reply_release(&line_rep);
			return reply_problem(rep, PROBLEM_VALIDATION,
					     "a demo line failed");
		}
		reply_release(&line_rep);
		c->loaded++;
	}
	c->result = DEMO_LOADED;
	out->status = 204;
	return 0;
}

enum demo_result demo_load(struct store *st, char *msg, size_t msgsz)
{
	struct demo_call c = {
		.msg = msg, .msgsz = msgsz, .result = DEMO_FAILED};
	struct reply rep;
	reply_init(&rep);
	int status = txn_run(st, NULL, &rep, 0, demo_body, &c);
	reply_release(&rep);
	if (status == 204) {
		snprintf(msg, msgsz, "demo data loaded: %d records", c.loaded);
		return DEMO_LOADED;
	}
	if (c.result == DEMO_LOADED) /* every line written; the commit not */
		snprintf(msg, msgsz, "demo data not loaded: commit failed");
	else if (status >= 500)
		snprintf(msg, msgsz, "demo data not loaded: the store failed");
	return c.result == DEMO_SKIPPED ? DEMO_SKIPPED : DEMO_FAILED;
}
