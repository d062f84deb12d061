/*
 * The generic resource handlers: create, get, put, patch and delete for
 * every resource, driven by its struct resource.  Every write goes through
 * resource_write() inside one BEGIN IMMEDIATE transaction: validate the
 * body into its canonical form, check references, run the resource's own
 * checks, then insert or update, so a refused write changes nothing.
 */
#include "handlers/resource.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/mergepatch.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/fields.h"
#include "handlers/txn.h"
#include "handlers/revisions.h"
#include "handlers/writepath.h"
#include "store/store.h"

int resource_render(struct store *st, const struct resource *res,
		    struct store_stmt *s, struct strbuf *out)
{
	const char *body = store_column_text(s, 2);
	size_t len = store_column_bytes(s, 2);
	if (!body || len < 2 || body[0] != '{' || body[len - 1] != '}') {
		fprintf(stderr, "claimline: corrupt %s row %s\n", res->name,
			store_column_text(s, 1));
		return STORE_ERROR;
	}
	/* The stored body is the canonical fields as compact JSON: splice
	 * it between the id and the stored and computed fields. */
	strbuf_adds(out, "{\"id\":");
	strbuf_add_json_string(out, store_column_text(s, 1));
	if (len > 2) {
		strbuf_addch(out, ',');
		strbuf_add(out, body + 1, len - 2);
	}
	if (res->render_computed) {
		int rc = res->render_computed(st, store_column_int64(s, 0),
					      store_column_text(s, 3),
					      store_column_int64(s, 7), out);
		if (rc != STORE_OK)
			return rc;
	}
	strbuf_adds(out, ",\"created_at\":");
	strbuf_add_json_string(out, store_column_text(s, 5));
	strbuf_adds(out, ",\"updated_at\":");
	strbuf_add_json_string(out, store_column_text(s, 6));
	strbuf_adds(out, ",\"version\":");
	strbuf_add_int(out, store_column_int64(s, 4));
	strbuf_addch(out, '}');
	return out->failed ? STORE_ERROR : STORE_OK;
}

/* Renders `id` into `out`, setting *seq and *version (when given):
 * STORE_ROW, STORE_DONE or an error. */
int resource_render_by_id(struct store *st, const struct resource *res,
			  const char *id, struct strbuf *out, int64_t *seq,
			  int64_t *version)
{
	struct store_stmt *s = store_prepare(st, res->sql.get);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		int render = resource_render(st, res, s, out);
		rc = render == STORE_OK ? STORE_ROW : render;
		if (seq)
			*seq = store_column_int64(s, 0);
		if (version)
			*version = store_column_int64(s, 4);
	}
	store_reset(s);
	return rc;
}

int resource_load(struct store *st, const struct resource *res, const char *id,
		  json_t **out, int64_t *seq_out)
{
	/* One way to make a representation: the text, parsed when a caller
	 * needs a tree, so both always agree to the byte (and the ETag). */
	struct strbuf text = STRBUF_INIT;
	*out = NULL;
	int rc = resource_render_by_id(st, res, id, &text, seq_out, NULL);
	if (rc == STORE_ROW) {
		json_error_t jerr;
		*out = json_loadb(text.buf, text.len, 0, &jerr);
		if (!*out)
			rc = STORE_ERROR;
	}
	strbuf_release(&text);
	return rc;
}

/* Reads the stored body and computed fields of `id` (new references). */
int resource_load_stored(struct store *st, const struct resource *res,
			 const char *id, json_t **body, json_t **computed)
{
	*body = NULL;
	*computed = NULL;
	struct store_stmt *s = store_prepare(st, res->sql.get);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		json_error_t jerr;
		*body = json_loadb(store_column_text(s, 2),
				   store_column_bytes(s, 2), 0, &jerr);
		*computed = store_column_is_null(s, 3)
				    ? json_object()
				    : json_loadb(store_column_text(s, 3),
						 store_column_bytes(s, 3), 0,
						 &jerr);
		if (!*body || !*computed)
			rc = STORE_ERROR;
	}
	store_reset(s);
	return rc;
}

/* The interval a resource's dates denote; *dated false when undated. */
static void resource_dates(const struct resource *res, json_t *doc, bool *dated,
			   struct pdate *span)
{
	const char *why;
	const char *start = res->date_field ? json_string_value(json_object_get(
						      doc, res->date_field))
					    : NULL;
	*dated = start && pdate_parse(start, strlen(start), span, &why) == 0;
	if (*dated && res->ongoing_field &&
	    json_is_true(json_object_get(doc, res->ongoing_field))) {
		span->hi_ms = INT64_MAX;
		return;
	}
	if (!*dated || !res->end_field)
		return;
	const char *end =
		json_string_value(json_object_get(doc, res->end_field));
	struct pdate e;
	if (end && pdate_parse(end, strlen(end), &e, &why) == 0 &&
	    e.hi_ms > span->hi_ms)
		span->hi_ms = e.hi_ms;
}

/* Generic checks every resource gets: its end not before its start and
 * its part_of chain free of cycles. */
static int check_generic(struct write_ctx *ctx)
{
	const struct resource *res = ctx->res;
	const char *why;
	if (res->end_field) {
		const char *start = json_string_value(
			json_object_get(ctx->doc, res->date_field));
		const char *end = json_string_value(
			json_object_get(ctx->doc, res->end_field));
		struct pdate s, e;
		char ptr[64];
		snprintf(ptr, sizeof(ptr), "/%s", res->end_field);
		if (start && end &&
		    pdate_parse(start, strlen(start), &s, &why) == 0 &&
		    pdate_parse(end, strlen(end), &e, &why) == 0 &&
		    e.hi_ms <= s.lo_ms)
			errors_add(ctx->errors, ptr, "%s is before %s %s", end,
				   res->date_field, start);
	}
	const char *parent =
		json_string_value(json_object_get(ctx->doc, "part_of"));
	if (!res->has_parent || !parent)
		return STORE_OK;
	if (strcmp(parent, ctx->id) == 0) {
		errors_add(ctx->errors, "/part_of",
			   "a %s cannot be part of itself", res->name);
		return STORE_OK;
	}
	struct store_stmt *s = store_prepare(ctx->store, res->sql.ancestors);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, parent);
	store_bind_text(s, 2, ctx->id);
	int rc = store_step(s);
	store_reset(s);
	if (rc == STORE_ROW)
		errors_add(ctx->errors, "/part_of",
			   "%s \"%s\" is already part of \"%s\": that would "
			   "be a cycle",
			   res->name, parent, ctx->id);
	return rc < 0 ? rc : STORE_OK;
}

/* The checks every write passes: its references (through `refs` when
 * given, else the store), the generic rules and the resource's own.
 * Problems land in ctx->errors / ctx->conflict; returns a store error
 * only when the checks could not run. */
int resource_write_checks(struct write_ctx *ctx, const struct ref_lookup *refs)
{
	int rc = fields_check_refs_with(ctx->store, ctx->res, ctx->doc,
					ctx->errors, refs);
	if (rc == STORE_OK)
		rc = check_generic(ctx);
	if (rc == STORE_OK && ctx->res->check)
		rc = ctx->res->check(ctx);
	return rc;
}

/* An identical write is no change: no new version. */
bool resource_write_changes_nothing(json_t *old_body, json_t *old_computed,
				    const struct write_ctx *ctx)
{
	return json_equal(old_body, ctx->doc) &&
	       json_equal(old_computed, ctx->computed);
}

/* Binds a row's values from parameter `first` on: id, body, computed,
 * the time, then its date span (left NULL when undated). */
void resource_bind_row(struct store_stmt *s, int first,
		       const struct resource *res, json_t *doc, const char *id,
		       const char *body_text, const char *computed_text,
		       const char *now)
{
	bool dated;
	struct pdate span;
	resource_dates(res, doc, &dated, &span);
	store_bind_text(s, first, id);
	store_bind_text(s, first + 1, body_text);
	store_bind_text(s, first + 2, computed_text);
	store_bind_text(s, first + 3, now);
	if (dated) {
		store_bind_int64(s, first + 4, span.lo_ms);
		store_bind_int64(s, first + 5, span.hi_ms);
		store_bind_int64(s, first + 6, span.precision);
	}
}

int resource_store_row(struct store *st, const struct resource *res,
		       const char *sql, const char *id, json_t *doc,
		       json_t *computed)
{
	char now[32];
	clock_now_rfc3339(now);
	char *body_text = json_dumps(doc, JSON_COMPACT);
	char *computed_text = json_object_size(computed)
				      ? json_dumps(computed, JSON_COMPACT)
				      : NULL;
	struct store_stmt *s = store_prepare(st, sql);
	int rc = STORE_ERROR;
	if (!s || !body_text)
		goto done;
	resource_bind_row(s, 1, res, doc, id, body_text, computed_text, now);
	rc = store_exec_stmt(s);
done:
	free(body_text);
	free(computed_text);
	return rc;
}

/* Fills `rep` for a failed write: 422 with the errors, 409 for a
 * conflict, 500/503 for a store error. */
static int write_failed(struct reply *rep, int rc, json_t *errors,
			const char *conflict)
{
	if (rc != STORE_OK)
		return reply_store_error(rep, rc);
	if (json_array_size(errors))
		return reply_invalid(rep, json_incref(errors));
	return reply_problem(rep, PROBLEM_CONFLICT, "%s",
			     conflict ? conflict : "the write conflicts");
}

/* Checks an If-Match precondition against the current representation of
 * `id` (NULL when it does not exist).  Returns 0 or 412 (reply filled). */
static int check_if_match(struct reply *rep, const char *if_match,
			  json_t *current)
{
	char etag[24];
	if (!if_match)
		return 0;
	if (current) {
		resource_etag(current, etag);
		if (etag_listed(if_match, etag, false))
			return 0;
	}
	reply_problem(rep, PROBLEM_PRECONDITION_FAILED,
		      current ? "the resource has changed since that ETag"
			      : "the resource does not exist");
	return rep->status;
}

int resource_write_text(struct store *st, const struct resource *res,
			struct write_req *w, struct reply *rep,
			struct strbuf *out)
{
	char generated[ID_MAX_LEN + 1];
	json_t *errors = json_array();
	json_t *doc = NULL, *old_body = NULL, *old_computed = NULL;
	json_t *current = NULL;
	json_t *computed = json_object();
	const char *id = NULL;
	int status = 0, rc = STORE_OK;
	struct write_ctx ctx = {.store = st, .res = res, .errors = errors};

	if (!json_is_object(w->input)) {
		errors_add(errors, "", "must be a JSON object");
		status = write_failed(rep, rc, errors, NULL);
		goto done;
	}
	doc = fields_canonical(res, w->input, errors, &id);
	if (w->path_id && !id_valid(w->path_id)) {
		errors_add(errors, "/id",
			   "the id in the path is not a valid id");
		status = write_failed(rep, rc, errors, NULL);
		goto done;
	}
	if (w->path_id && id && strcmp(id, w->path_id) != 0)
		errors_add(errors, "/id", "does not match the id in the path");
	if (w->path_id)
		id = w->path_id;
	if (!id) {
		if (json_object_get(w->input, "id") &&
		    !json_is_null(json_object_get(w->input, "id"))) {
			/* invalid id already reported: keep a placeholder */
			snprintf(generated, sizeof(generated), "%s", "invalid");
		} else if (id_generate(res->id_prefix, generated,
				       sizeof(generated)) != 0) {
			rc = STORE_ERROR;
			status = write_failed(rep, rc, errors, NULL);
			goto done;
		}
		id = generated;
	}
	ctx.id = id;
	ctx.doc = doc;
	ctx.computed = computed;

	rc = resource_load_stored(st, res, id, &old_body, &old_computed);
	if (rc < 0)
		goto fail;
	bool exists = rc == STORE_ROW;
	rc = STORE_OK;
	if (exists && w->mode == WRITE_CREATE) {
		snprintf(ctx.conflict, sizeof(ctx.conflict),
			 "%s \"%s\" already exists", res->name, id);
		goto fail;
	}
	if (w->if_match) {
		rc = exists ? resource_load(st, res, id, &current, NULL)
			    : STORE_DONE;
		if (rc < 0)
			goto fail;
		rc = STORE_OK;
		status = check_if_match(rep, w->if_match, current);
		if (status)
			goto done;
	}
	rc = resource_write_checks(&ctx, NULL);
	if (rc != STORE_OK || json_array_size(errors) || ctx.conflict[0])
		goto fail;

	if (exists &&
	    resource_write_changes_nothing(old_body, old_computed, &ctx)) {
		w->outcome = WRITE_UNCHANGED;
	} else {
		rc = resource_store_row(
			st, res, exists ? res->sql.update : res->sql.insert, id,
			doc, computed);
		if (rc == STORE_OK && res->after_write)
			rc = res->after_write(&ctx);
		if (rc != STORE_OK || ctx.conflict[0])
			goto fail;
		w->outcome = exists ? WRITE_UPDATED : WRITE_CREATED;
	}
	/* The representation as a GET gives it: the reply, the revision
	 * and the ETag are all this text. */
	size_t mark = out->len;
	int64_t version = 0;
	rc = resource_render_by_id(st, res, id, out, NULL, &version);
	if (rc != STORE_ROW || out->failed) {
		rc = rc == STORE_DONE || rc == STORE_ROW ? STORE_ERROR : rc;
		goto fail;
	}
	rc = STORE_OK;
	if (w->outcome != WRITE_UNCHANGED) /* (a strbuf is NUL-terminated) */
		rc = history_append_text(st, res->name, id,
					 w->outcome == WRITE_CREATED ? "create"
								     : "update",
					 version, out->buf + mark, w->key_name);
	if (rc != STORE_OK || out->failed) {
		out->len = mark;
		rc = rc == STORE_OK ? STORE_ERROR : rc;
		goto fail;
	}
	snprintf(w->written_id, sizeof(w->written_id), "%s", id);
	status = w->outcome == WRITE_CREATED ? 201 : 200;
	goto done;
fail:
	status = write_failed(rep, rc, errors, ctx.conflict);
done:
	json_decref(errors);
	json_decref(doc);
	json_decref(computed);
	json_decref(old_body);
	json_decref(old_computed);
	json_decref(current);
	return status;
}

int resource_write(struct store *st, const struct resource *res,
		   struct write_req *w, struct reply *rep, json_t **out)
{
	struct strbuf text = STRBUF_INIT;
	*out = NULL;
	int status = resource_write_text(st, res, w, rep, &text);
	if (status < 300) {
		json_error_t jerr;
		*out = json_loadb(text.buf, text.len, 0, &jerr);
		if (!*out)
			status = reply_store_error(rep, STORE_ERROR);
	}
	strbuf_release(&text);
	return status;
}

/* One write (`input` merged into the stored body first when `patch`),
 * the body of its transaction. */
struct write_call {
	const struct request *req;
	const char *path_id;
	bool patch;
	enum write_mode mode;
};

static int write_body(struct store *st, void *arg, struct reply *rep,
		      struct txn_out *out)
{
	const struct write_call *c = arg;
	const struct request *req = c->req;
	const struct resource *res = req->route_arg;
	json_t *body = NULL, *computed = NULL, *merged = NULL;
	struct write_req w = {
		.path_id = c->path_id,
		.input = req->body,
		.mode = c->mode,
		.key_name = req->key_name,
		.if_match = request_header(req, "If-Match"),
	};
	int status;
	if (c->patch) {
		int rc = resource_load_stored(st, res, c->path_id, &body,
					      &computed);
		if (rc == STORE_DONE) {
			status = reply_problem(rep, PROBLEM_NOT_FOUND,
					       "no %s with id \"%s\"",
					       res->name, c->path_id);
			goto done;
		}
		if (rc != STORE_ROW) {
			status = rc < 0 ? rc : STORE_ERROR;
			goto done;
		}
		if (!json_is_object(req->body)) {
			json_t *errors = json_array();
			errors_add(errors, "",
				   "a merge patch must be a JSON object");
			status = reply_invalid(rep, errors);
			goto done;
		}
		merged = merge_patch(body, req->body);
		w.input = merged;
	}
	status = resource_write_text(st, res, &w, rep, &out->text);
	if (status >= 300)
		goto done;
	out->status = status;
	out->etag = true;
	snprintf(out->location, sizeof(out->location), "/v1/%s/%s",
		 res->collection, w.written_id);
	status = 0;
done:
	json_decref(body);
	json_decref(computed);
	json_decref(merged);
	return status;
}

static int write_reply(const struct request *req, struct reply *rep,
		       const char *path_id, bool patch, enum write_mode mode)
{
	struct write_call c = {req, path_id, patch, mode};
	return txn_run(req->store, req, rep, path_id ? 0 : TXN_IDEMPOTENT,
		       write_body, &c);
}

int handle_resource_create(const struct request *req, struct reply *rep)
{
	return write_reply(req, rep, NULL, false, WRITE_CREATE);
}

int handle_resource_put(const struct request *req, struct reply *rep)
{
	return write_reply(req, rep, req->args[0], false, WRITE_REPLACE);
}

int handle_resource_patch(const struct request *req, struct reply *rep)
{
	return write_reply(req, rep, req->args[0], true, WRITE_REPLACE);
}

static int reply_not_found(struct reply *rep, const struct resource *res,
			   const char *id)
{
	return reply_problem(rep, PROBLEM_NOT_FOUND, "no %s with id \"%s\"",
			     res->name, id);
}

int handle_resource_get(const struct request *req, struct reply *rep)
{
	const struct resource *res = req->route_arg;
	struct strbuf text = STRBUF_INIT;
	char etag[24];
	int rc = resource_render_by_id(req->store, res, req->args[0], &text,
				       NULL, NULL);
	if (rc != STORE_ROW) {
		strbuf_release(&text);
		return rc == STORE_DONE
			       ? reply_not_found(rep, res, req->args[0])
			       : reply_store_error(rep, rc);
	}
	etag_of_text(&text, etag);
	reply_header(rep, "ETag", etag);
	const char *if_none_match = request_header(req, "If-None-Match");
	if (if_none_match && etag_listed(if_none_match, etag, true)) {
		strbuf_release(&text);
		reply_json(rep, 304, NULL);
		return 304;
	}
	size_t len;
	char *body = strbuf_detach(&text, &len);
	if (!body)
		return reply_store_error(rep, STORE_ERROR);
	return reply_text(rep, 200, "application/json", body, len);
}

/* How many referrers a refused delete lists, and how many of those its
 * detail names. */
#define REFERRERS_LISTED 10
#define REFERRERS_NAMED 3

/*
 * What still refers to `id`, so that a refused delete says it all at
 * once: how many records in all (*total; one referring through two
 * fields counts twice), and the first REFERRERS_LISTED, each appended to
 * `errors` (borrowed) as {"pointer": the referring member in it,
 * "detail": "claim \"clm-1\" refers to it"}, the first REFERRERS_NAMED
 * also to `named`.  Cheap whatever the count: a count and a LIMIT-ed list
 * per referrer, both indexed.  Returns STORE_OK or a store error.
 */
static int find_referrers(struct store *st, const struct resource *res,
			  const char *id, json_t *errors, struct strbuf *named,
			  int64_t *total)
{
	*total = 0;
	for (const struct referrer *r = res->referrers; r && r->what; r++) {
		struct store_stmt *s = store_prepare(st, r->count);
		if (!s)
			return STORE_ERROR;
		store_bind_text(s, 1, id);
		int rc = store_step(s);
		int64_t n = rc == STORE_ROW ? store_column_int64(s, 0) : 0;
		store_reset(s);
		if (rc != STORE_ROW)
			return rc < 0 ? rc : STORE_ERROR;
		*total += n;
		size_t listed = json_array_size(errors);
		if (n == 0 || listed >= REFERRERS_LISTED)
			continue;
		s = store_prepare(st, r->list);
		if (!s)
			return STORE_ERROR;
		store_bind_text(s, 1, id);
		store_bind_int64(s, 2, (int64_t)(REFERRERS_LISTED - listed));
		while ((rc = store_step(s)) == STORE_ROW) {
			char ptr[128];
			const char *referrer = store_column_text(s, 0);
			if (store_column_is_null(s, 1))
				snprintf(ptr, sizeof(ptr), "/%s", r->field);
			else
				snprintf(ptr, sizeof(ptr), "%s",
					 store_column_text(s, 1));
			errors_add(errors, ptr, "%s \"%s\" refers to it",
				   r->what, referrer);
			if (json_array_size(errors) > REFERRERS_NAMED)
				continue;
			strbuf_adds(named, named->len ? ", " : "");
			strbuf_adds(named, r->what);
			strbuf_adds(named, " \"");
			strbuf_adds(named, referrer);
			strbuf_adds(named, "\" (");
			strbuf_adds(named, r->field);
			strbuf_addch(named, ')');
		}
		store_reset(s);
		if (rc != STORE_DONE)
			return rc < 0 ? rc : STORE_ERROR;
	}
	return named->failed ? STORE_ERROR : STORE_OK;
}

/* Replies 409 for a delete that `total` records still refer to. */
static int reply_referenced(struct reply *rep, json_t *errors,
			    const struct strbuf *named, int64_t total)
{
	size_t listed = json_array_size(errors);
	int64_t unnamed =
		total -
		(int64_t)(listed < REFERRERS_NAMED ? listed : REFERRERS_NAMED);
	const char *names = named->buf ? named->buf : "";
	if (total == 1)
		reply_problem(rep, PROBLEM_CONFLICT,
			      "1 record refers to it: %s", names);
	else if (unnamed > 0)
		reply_problem(rep, PROBLEM_CONFLICT,
			      "%" PRId64 " records refer to it: %s and %" PRId64
			      " more (errors lists the first %zu)",
			      total, names, unnamed, listed);
	else
		reply_problem(rep, PROBLEM_CONFLICT,
			      "%" PRId64 " records refer to it: %s", total,
			      names);
	json_object_set(rep->body, "errors", errors);
	return rep->status;
}

static int delete_body(struct store *st, void *arg, struct reply *rep,
		       struct txn_out *out)
{
	const struct request *req = arg;
	const struct resource *res = req->route_arg;
	const char *id = req->args[0];
	json_t *current = NULL;
	json_t *referrers = json_array();
	struct strbuf named = STRBUF_INIT;
	int64_t seq = 0, total = 0;
	int status;
	int rc = resource_load(st, res, id, &current, &seq);
	if (rc == STORE_DONE) {
		status = reply_not_found(rep, res, id);
		goto done;
	}
	if (rc != STORE_ROW) {
		status = rc < 0 ? rc : STORE_ERROR;
		goto done;
	}
	status = check_if_match(rep, request_header(req, "If-Match"), current);
	if (status)
		goto done;
	rc = find_referrers(st, res, id, referrers, &named, &total);
	if (rc == STORE_OK && total > 0) {
		status = reply_referenced(rep, referrers, &named, total);
		goto done;
	}
	if (rc == STORE_OK && res->before_delete)
		rc = res->before_delete(st, seq, req->key_name);
	if (rc == STORE_OK) {
		struct store_stmt *s = store_prepare(st, res->sql.delete);
		if (s)
			store_bind_text(s, 1, id);
		rc = store_exec_stmt(s);
	}
	if (rc == STORE_OK)
		rc = history_append(st, res->name, id, "delete",
				    json_integer_value(json_object_get(
					    current, "version")) +
					    1,
				    NULL, req->key_name);
	out->status = 204;
	status = rc;
done:
	json_decref(current);
	json_decref(referrers);
	strbuf_release(&named);
	return status;
}

int handle_resource_delete(const struct request *req, struct reply *rep)
{
	return txn_run(req->store, req, rep, 0, delete_body, (void *)req);
}
