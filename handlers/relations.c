/*
 * Relations between claims: /v1/claims/{id}/relations.  contradicts and
 * supports are symmetric (b->a is the same relation as a->b); corrects and
 * responds_to go from one claim to the other.  A relation is shown from
 * the side of the claim it is asked through.
 */
#include <stdio.h>
#include <string.h>

#include "common/clock.h"
#include "common/ids.h"
#include "handlers/claims.h"
#include "handlers/fields.h"
#include "handlers/revisions.h"
#include "handlers/txn.h"
#include "handlers/resource.h"
#include "handlers/revisions.h"
#include "store/store.h"

static const char *const relation_types[] = {
	"contradicts", "supports", "corrects", "responds_to", NULL,
};

static const struct field relation_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "type",
	 .type = FIELD_ENUM,
	 .flags = FIELD_REQUIRED,
	 .choices = relation_types},
	{.name = "claim",
	 .type = FIELD_REF,
	 .flags = FIELD_REQUIRED,
	 .ref = &claim_resource},
	{.name = "note", .type = FIELD_STRING, .max_len = 10000},
	{0},
};

/* Relations are not a collection of their own; this describes only the
 * fields of a relation write, for the generic validation. */
static const struct resource relation_input = {
	.name = "relation",
	.fields = relation_fields,
};

/* A relation line of import and export: both ends named, with the
 * line's own names for the members (contract section 4). */
static const struct field relation_line_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "from",
	 .type = FIELD_REF,
	 .flags = FIELD_REQUIRED,
	 .ref = &claim_resource},
	{.name = "relation",
	 .type = FIELD_ENUM,
	 .flags = FIELD_REQUIRED,
	 .choices = relation_types},
	{.name = "to",
	 .type = FIELD_REF,
	 .flags = FIELD_REQUIRED,
	 .ref = &claim_resource},
	{.name = "note", .type = FIELD_STRING, .max_len = 10000},
	{0},
};

const struct resource relation_line_resource = {
	.name = "relation",
	.fields = relation_line_fields,
};

#define RELATION_SELECT                                                        \
	"SELECT r.id, r.type, c.id, CASE WHEN r.type IN ('contradicts', "      \
	"'supports') THEN 'both' WHEN r.from_seq = me.seq THEN 'out' ELSE "    \
	"'in' END, r.note, r.created_at, r.seq FROM claims AS me "             \
	"JOIN relations AS r ON r.from_seq = me.seq OR r.to_seq = me.seq "     \
	"JOIN claims AS c ON c.seq = CASE WHEN r.from_seq = me.seq THEN "      \
	"r.to_seq ELSE r.from_seq END WHERE me.id = :claim"

static json_t *relation_from_row(struct store_stmt *s)
{
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s?}", "id", store_column_text(s, 0),
		"type", store_column_text(s, 1), "claim",
		store_column_text(s, 2), "direction", store_column_text(s, 3),
		"note", store_column_text(s, 4));
}

/* Loads relation `rel_id` as seen from claim `claim_id` (new reference in
 * *out).  STORE_ROW, STORE_DONE or an error. */
static int relation_load(struct store *st, const char *claim_id,
			 const char *rel_id, json_t **out)
{
	*out = NULL;
	struct store_stmt *s =
		store_prepare(st, RELATION_SELECT " AND r.id = :rel");
	if (!s)
		return STORE_ERROR;
	store_bind_text_named(s, ":claim", claim_id);
	store_bind_text_named(s, ":rel", rel_id);
	int rc = store_step(s);
	if (rc == STORE_ROW)
		*out = relation_from_row(s);
	store_reset(s);
	return rc;
}

static int64_t claim_seq(struct store *st, const char *id, int *rc)
{
	struct store_stmt *s =
		store_prepare(st, "SELECT seq FROM claims WHERE id = ?1");
	if (!s) {
		*rc = STORE_ERROR;
		return 0;
	}
	store_bind_text(s, 1, id);
	*rc = store_step(s);
	int64_t seq = *rc == STORE_ROW ? store_column_int64(s, 0) : 0;
	store_reset(s);
	return seq;
}

/* The id of an existing relation equal to the one asked for, if any. */
static int find_duplicate(struct store *st, const char *type, int64_t from,
			  int64_t to, char *id, size_t idsz)
{
	struct store_stmt *s = store_prepare(
		st, "SELECT id FROM relations WHERE type = :type AND "
		    "((from_seq = :from AND to_seq = :to) OR (type IN "
		    "('contradicts', 'supports') AND from_seq = :to AND "
		    "to_seq = :from))");
	if (!s)
		return STORE_ERROR;
	store_bind_text_named(s, ":type", type);
	store_bind_int64_named(s, ":from", from);
	store_bind_int64_named(s, ":to", to);
	int rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(id, idsz, "%s", store_column_text(s, 0));
	store_reset(s);
	return rc;
}

/* A relation's revision body: both ends, as import takes it. */
static int relation_history(struct store *st, const char *rel_id,
			    const char *op, const char *key_name)
{
	struct store_stmt *s = store_prepare(
		st,
		"SELECT r.id, r.type, a.id, b.id, r.note FROM relations AS r "
		"JOIN claims AS a ON a.seq = r.from_seq JOIN claims AS b ON "
		"b.seq = r.to_seq WHERE r.id = ?1");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, rel_id);
	int rc = store_step(s);
	json_t *body = rc == STORE_ROW
			       ? json_pack("{s:s, s:s, s:s, s:s, s:s?}", "id",
					   store_column_text(s, 0), "relation",
					   store_column_text(s, 1), "from",
					   store_column_text(s, 2), "to",
					   store_column_text(s, 3), "note",
					   store_column_text(s, 4))
			       : NULL;
	store_reset(s);
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? STORE_ERROR : rc;
	bool deleted = strcmp(op, "delete") == 0;
	rc = history_append(st, "relation", rel_id, op, deleted ? 2 : 1,
			    deleted ? NULL : body, key_name);
	json_decref(body);
	return rc;
}

int relations_before_claim_delete(struct store *st, int64_t seq,
				  const char *key_name)
{
	struct store_stmt *s = store_prepare(
		st,
		"SELECT id FROM relations WHERE from_seq = ?1 OR to_seq = ?1");
	if (!s)
		return STORE_ERROR;
	store_bind_int64(s, 1, seq);
	json_t *ids = json_array();
	int rc;
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(ids,
				      json_string(store_column_text(s, 0)));
	store_reset(s);
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id)
	{
		if (rc != STORE_DONE)
			break;
		rc = relation_history(st, json_string_value(id), "delete",
				      key_name);
		rc = rc == STORE_OK ? STORE_DONE : rc;
	}
	json_decref(ids);
	return rc == STORE_DONE ? STORE_OK : rc;
}

int relation_create(struct store *st, const char *from_id, json_t *input,
		    const char *key_name, struct reply *rep, json_t **out)
{
	json_t *errors = json_array();
	json_t *doc = NULL;
	const char *id = NULL;
	char generated[ID_MAX_LEN + 1], dup[ID_MAX_LEN + 1];
	int rc = STORE_OK, status;

	*out = NULL;
	int64_t from = claim_seq(st, from_id, &rc);
	if (rc == STORE_DONE) {
		status = reply_problem(rep, PROBLEM_NOT_FOUND,
				       "no claim with id \"%s\"", from_id);
		goto done;
	}
	if (rc != STORE_ROW)
		goto store_error;
	if (!json_is_object(input)) {
		errors_add(errors, "", "must be a JSON object");
		goto invalid;
	}
	doc = fields_canonical(&relation_input, input, errors, &id);
	rc = fields_check_refs(st, &relation_input, doc, errors);
	if (rc != STORE_OK)
		goto store_error;
	const char *type = json_string_value(json_object_get(doc, "type"));
	const char *other = json_string_value(json_object_get(doc, "claim"));
	if (other && strcmp(other, from_id) == 0)
		errors_add(errors, "/claim", "a claim cannot relate to itself");
	if (json_array_size(errors))
		goto invalid;

	int64_t to = claim_seq(st, other, &rc);
	if (rc != STORE_ROW)
		goto store_error;
	rc = find_duplicate(st, type, from, to, dup, sizeof(dup));
	if (rc == STORE_ROW) {
		status =
			reply_problem(rep, PROBLEM_CONFLICT,
				      "relation \"%s\" already says that", dup);
		goto done;
	}
	if (rc != STORE_DONE)
		goto store_error;
	if (!id) {
		if (id_generate("rel", generated, sizeof(generated)) != 0)
			goto store_error;
		id = generated;
	}
	char now[32];
	clock_now_rfc3339(now);
	struct store_stmt *s = store_prepare(
		st, "INSERT INTO relations (id, type, from_seq, to_seq, note, "
		    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		goto store_error;
	store_bind_text(s, 1, id);
	store_bind_text(s, 2, type);
	store_bind_int64(s, 3, from);
	store_bind_int64(s, 4, to);
	store_bind_text(s, 5, json_string_value(json_object_get(doc, "note")));
	store_bind_text(s, 6, now);
	rc = store_exec_stmt(s);
	if (rc == STORE_CONSTRAINT) {
		status = reply_problem(rep, PROBLEM_CONFLICT,
				       "relation \"%s\" already exists", id);
		goto done;
	}
	if (rc != STORE_OK)
		goto store_error;
	rc = relation_history(st, id, "create", key_name);
	if (rc != STORE_OK)
		goto store_error;
	rc = relation_load(st, from_id, id, out);
	if (rc != STORE_ROW)
		goto store_error;
	status = 201;
	goto done;
invalid:
	status = reply_invalid(rep, json_incref(errors));
	goto done;
store_error:
	status = reply_store_error(rep, rc == STORE_DONE ? STORE_ERROR : rc);
done:
	json_decref(errors);
	json_decref(doc);
	return status;
}

static int create_body(struct store *st, void *arg, struct reply *rep,
		       struct txn_out *out)
{
	const struct request *req = arg;
	int status = relation_create(st, req->args[0], req->body, req->key_name,
				     rep, &out->json);
	if (status != 201)
		return status;
	out->status = 201;
	out->etag = true;
	snprintf(out->location, sizeof(out->location),
		 "/v1/claims/%s/relations/%s", req->args[0],
		 json_string_value(json_object_get(out->json, "id")));
	return 0;
}

int handle_relation_create(const struct request *req, struct reply *rep)
{
	return txn_run(req->store, req, rep, TXN_IDEMPOTENT, create_body,
		       (void *)req);
}

static int claim_missing(struct store *st, const char *id, struct reply *rep)
{
	int rc;
	claim_seq(st, id, &rc);
	if (rc == STORE_DONE)
		return reply_problem(rep, PROBLEM_NOT_FOUND,
				     "no claim with id \"%s\"", id);
	return rc == STORE_ROW ? 0 : reply_store_error(rep, rc);
}

int handle_relation_list(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = json_array();
	if (request_check_query(req, allowed, errors))
		return reply_invalid(rep, errors);
	json_decref(errors);
	int status = claim_missing(req->store, req->args[0], rep);
	if (status)
		return status;
	struct store_stmt *s =
		store_prepare(req->store, RELATION_SELECT " ORDER BY r.seq");
	if (!s)
		return reply_store_error(rep, STORE_ERROR);
	store_bind_text_named(s, ":claim", req->args[0]);
	json_t *items = json_array();
	int rc;
	while ((rc = store_step(s)) == STORE_ROW)
		json_array_append_new(items, relation_from_row(s));
	store_reset(s);
	if (rc != STORE_DONE) {
		json_decref(items);
		return reply_store_error(rep, rc);
	}
	/* A claim's relations are few: one page, in the list shape. */
	return reply_json(
		rep, 200,
		json_pack("{s:o, s:n}", "items", items, "next_cursor"));
}

int handle_relation_get(const struct request *req, struct reply *rep)
{
	json_t *out = NULL;
	int rc = relation_load(req->store, req->args[0], req->args[1], &out);
	if (rc == STORE_DONE)
		return reply_problem(rep, PROBLEM_NOT_FOUND,
				     "claim \"%s\" has no relation \"%s\"",
				     req->args[0], req->args[1]);
	if (rc != STORE_ROW)
		return reply_store_error(rep, rc);
	return reply_with_etag(rep, 200, out);
}

static int delete_body(struct store *st, void *arg, struct reply *rep,
		       struct txn_out *out)
{
	const struct request *req = arg;
	json_t *found = NULL;
	int rc = relation_load(st, req->args[0], req->args[1], &found);
	if (rc == STORE_DONE)
		return reply_problem(rep, PROBLEM_NOT_FOUND,
				     "claim \"%s\" has no relation \"%s\"",
				     req->args[0], req->args[1]);
	json_decref(found);
	if (rc == STORE_ROW)
		rc = relation_history(st, req->args[1], "delete",
				      req->key_name);
	struct store_stmt *s =
		rc == STORE_OK
			? store_prepare(st,
					"DELETE FROM relations WHERE id = ?1")
			: NULL;
	if (s)
		store_bind_text(s, 1, req->args[1]);
	rc = store_exec_stmt(s);
	out->status = 204;
	return rc;
}

int handle_relation_delete(const struct request *req, struct reply *rep)
{
	return txn_run(req->store, req, rep, 0, delete_body, (void *)req);
}
