/*
 * The bulk writer (see handlers/bulkwrite.h).  It stages the rows it
 * creates in a temporary table and inserts them into their resource table
 * with one INSERT ... SELECT per batch.  One statement per row costs
 * several times the row itself here: each such statement (the tables have
 * triggers) opens a statement savepoint, and the full-text index writes
 * its pending terms to disk at every savepoint, so row by row it is
 * rewritten once per row.  In one statement the same triggers run for
 * every row, and the index is written once.  The rows, their seq (given
 * explicitly: what SQLite would pick, max + 1 onwards), every trigger's
 * work and the revisions are the same as the API writes them one by one.
 *
 * Each such statement also opens a statement journal, into which SQLite
 * copies every page the statement changes that existed before it: a page
 * an import changes in a thousand statements is copied a thousand times.
 * So a batch is as large as it can be: every row of one resource that
 * nothing in between needs to see (the temporary table itself is only
 * written once and read once).
 *
 * Staged rows are invisible to queries, so the writer flushes them before
 * anything that could need them: a write of another resource, a write of
 * an id that exists or is itself staged, and the caller's commit.
 */
#include "handlers/bulkwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/strbuf.h"
#include "handlers/fields.h"
#include "handlers/revisions.h"
#include "handlers/writepath.h"
#include "store/store.h"

#define BULK_STAGE_MAX 1000000

#define BULK_TABLE_SQL(t)                                                         \
	"SELECT coalesce(max(seq), 0) FROM " t,                                   \
		"INSERT INTO " t                                                  \
		" (seq, id, body, computed, version, created_at, "                \
		"updated_at, date_lo, date_hi, date_prec) SELECT seq, id, body, " \
		"computed, 1, now, now, date_lo, date_hi, date_prec FROM "        \
		"temp.bulk_rows ORDER BY seq"

static const struct {
	const struct resource *res;
	const char *max_seq;
	const char *flush;
} bulk_tables[] = {
	{&actor_resource, BULK_TABLE_SQL("actors")},
	{&source_resource, BULK_TABLE_SQL("sources")},
	{&event_resource, BULK_TABLE_SQL("events")},
	{&claim_resource, BULK_TABLE_SQL("claims")},
};

struct bulk_writer {
	struct store *st;
	int table; /* index into bulk_tables of the staged rows, or -1 */
	size_t nstaged;
	int64_t next_seq; /* the seq the next staged row gets */
};

struct bulk_writer *bulk_writer_new(struct store *st)
{
	struct bulk_writer *bw = calloc(1, sizeof(*bw));
	if (!bw)
		return NULL;
	*bw = (struct bulk_writer){.st = st, .table = -1};
	int rc = store_exec_stmt(store_prepare(
		st, "CREATE TEMP TABLE IF NOT EXISTS bulk_rows (seq INTEGER "
		    "PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, "
		    "computed TEXT, now TEXT NOT NULL, date_lo INTEGER, "
		    "date_hi INTEGER, date_prec INTEGER)"));
	if (rc == STORE_OK)
		rc = store_exec_stmt(
			store_prepare(st, "DELETE FROM temp.bulk_rows"));
	if (rc != STORE_OK) {
		free(bw);
		return NULL;
	}
	return bw;
}

int bulk_writer_flush(struct bulk_writer *bw)
{
	if (!bw->nstaged)
		return STORE_OK;
	int rc = store_exec_stmt(
		store_prepare(bw->st, bulk_tables[bw->table].flush));
	if (rc == STORE_OK)
		rc = store_exec_stmt(
			store_prepare(bw->st, "DELETE FROM temp.bulk_rows"));
	bw->nstaged = 0;
	bw->table = -1;
	return rc;
}

void bulk_writer_free(struct bulk_writer *bw)
{
	free(bw);
}

static int bulk_table_of(const struct resource *res)
{
	for (size_t i = 0; i < sizeof(bulk_tables) / sizeof(bulk_tables[0]);
	     i++)
		if (bulk_tables[i].res == res)
			return (int)i;
	return -1;
}

/* True (1) when `id` is among the staged rows, 0 when not, or an error. */
static int bulk_staged(struct bulk_writer *bw, const char *id)
{
	if (!bw->nstaged)
		return 0;
	return store_row_exists(
		bw->st, "SELECT 1 FROM temp.bulk_rows WHERE id = ?1", id);
}

/* Stages a new row of `res` (what resource_store_row() would insert); sets *seq to
 * the seq it will have. */
static int bulk_stage(struct bulk_writer *bw, const struct resource *res,
		      const char *id, json_t *doc, const char *body_text,
		      const char *computed_text, const char *now, int64_t *seq)
{
	int table = bulk_table_of(res);
	if (table < 0)
		return STORE_ERROR;
	if (!bw->nstaged) {
		struct store_stmt *s =
			store_prepare(bw->st, bulk_tables[table].max_seq);
		if (!s)
			return STORE_ERROR;
		int rc = store_step(s);
		if (rc == STORE_ROW)
			bw->next_seq = store_column_int64(s, 0) + 1;
		store_reset(s);
		if (rc != STORE_ROW)
			return rc < 0 ? rc : STORE_ERROR;
		bw->table = table;
	}
	struct store_stmt *s = store_prepare(
		bw->st, "INSERT INTO temp.bulk_rows (seq, id, body, computed, "
			"now, date_lo, date_hi, date_prec) VALUES (?1, ?2, ?3, "
			"?4, ?5, ?6, ?7, ?8)");
	if (!s)
		return STORE_ERROR;
	store_bind_int64(s, 1, bw->next_seq);
	resource_bind_row(s, 2, res, doc, id, body_text, computed_text, now);
	int rc = store_exec_stmt(s);
	if (rc == STORE_OK) {
		*seq = bw->next_seq++;
		bw->nstaged++;
	}
	return rc;
}

/*
 * The representation of a row being created, rendered by resource_render()
 * itself from the values it is written with: a row of RESOURCE_COLUMNS
 * made of bound values (version 1, in no relation yet).
 */
static int render_created(struct store *st, const struct resource *res,
			  int64_t seq, const char *id, const char *body_text,
			  const char *computed_text, const char *now,
			  struct strbuf *out)
{
	struct store_stmt *s =
		store_prepare(st, "SELECT ?1, ?2, ?3, ?4, 1, ?5, ?5, 0");
	if (!s)
		return STORE_ERROR;
	store_bind_int64(s, 1, seq);
	store_bind_text(s, 2, id);
	store_bind_text(s, 3, body_text);
	store_bind_text(s, 4, computed_text);
	store_bind_text(s, 5, now);
	int rc = store_step(s);
	if (rc == STORE_ROW)
		rc = resource_render(st, res, s, out);
	store_reset(s);
	return rc == STORE_DONE ? STORE_ERROR : rc;
}

/* An update, as resource_write() does it: the row, its after_write hook,
 * and a revision of the representation rendered back. */
static int bulk_update(struct write_ctx *ctx, const char *key_name)
{
	int rc = resource_store_row(ctx->store, ctx->res, ctx->res->sql.update,
				    ctx->id, ctx->doc, ctx->computed);
	if (rc == STORE_OK && ctx->res->after_write)
		rc = ctx->res->after_write(ctx);
	if (rc != STORE_OK || ctx->conflict[0])
		return rc;
	struct strbuf text = STRBUF_INIT;
	int64_t version = 0;
	rc = resource_render_by_id(ctx->store, ctx->res, ctx->id, &text, NULL,
				   &version);
	if (rc == STORE_ROW)
		rc = text.failed
			     ? STORE_ERROR
			     : history_append_text(ctx->store, ctx->res->name,
						   ctx->id, "update", version,
						   text.buf, key_name);
	strbuf_release(&text);
	return rc == STORE_DONE ? STORE_ERROR : rc;
}

/* A creation: the row staged, its after_write hook, and a revision of the
 * representation it will have. */
static int bulk_create(struct bulk_writer *bw, struct write_ctx *ctx,
		       const char *key_name)
{
	char now[32];
	struct strbuf rendered = STRBUF_INIT;
	int64_t seq = 0;
	int rc = STORE_ERROR;
	clock_now_rfc3339(now);
	char *body_text = json_dumps(ctx->doc, JSON_COMPACT);
	char *computed_text = json_object_size(ctx->computed)
				      ? json_dumps(ctx->computed, JSON_COMPACT)
				      : NULL;
	if (!body_text || (json_object_size(ctx->computed) && !computed_text))
		goto done;
	rc = bulk_stage(bw, ctx->res, ctx->id, ctx->doc, body_text,
			computed_text, now, &seq);
	/* What after_write does cannot concern a row that does not exist
	 * yet (sources: the claims citing it; there are none), but the hook
	 * runs as for any write. */
	if (rc == STORE_OK && ctx->res->after_write)
		rc = ctx->res->after_write(ctx);
	if (rc != STORE_OK || ctx->conflict[0])
		goto done;
	rc = render_created(ctx->store, ctx->res, seq, ctx->id, body_text,
			    computed_text, now, &rendered);
	if (rc == STORE_OK)
		rc = history_append_text(ctx->store, ctx->res->name, ctx->id,
					 "create", 1, rendered.buf, key_name);
done:
	strbuf_release(&rendered);
	free(body_text);
	free(computed_text);
	return rc;
}

int resource_write_bulk(struct bulk_writer *bw, const struct resource *res,
			struct write_req *w, const struct ref_lookup *refs,
			json_t *errors, char conflict[256])
{
	struct store *st = bw->st;
	json_t *doc = NULL, *old_body = NULL, *old_computed = NULL;
	json_t *computed = json_object();
	const char *given = NULL, *id = w->path_id;
	int rc = STORE_OK;
	struct write_ctx ctx = {.store = st,
				.res = res,
				.id = id,
				.errors = errors,
				.computed = computed};

	conflict[0] = '\0';
	/* Staged rows of another resource, or too many: into their table. */
	if (bw->nstaged &&
	    (bw->table != bulk_table_of(res) || bw->nstaged >= BULK_STAGE_MAX))
		rc = bulk_writer_flush(bw);
	if (rc != STORE_OK)
		goto done;
	if (!json_is_object(w->input)) {
		errors_add(errors, "", "must be a JSON object");
		goto done;
	}
	doc = fields_canonical(res, w->input, errors, &given);
	if (given && strcmp(given, id) != 0)
		errors_add(errors, "/id", "does not match the id in the path");
	ctx.doc = doc;

	/* An id written earlier in this batch is looked up in its table. */
	rc = bulk_staged(bw, id);
	if (rc == 1)
		rc = bulk_writer_flush(bw);
	if (rc < 0)
		goto done;
	rc = resource_load_stored(st, res, id, &old_body, &old_computed);
	if (rc < 0)
		goto done;
	bool exists = rc == STORE_ROW;
	/* Changing what exists: checks see every row written before. */
	rc = exists ? bulk_writer_flush(bw) : STORE_OK;
	if (rc == STORE_OK)
		rc = resource_write_checks(&ctx, refs);
	if (rc != STORE_OK || json_array_size(errors) || ctx.conflict[0])
		goto done;

	if (w->check_only ||
	    (exists &&
	     resource_write_changes_nothing(old_body, old_computed, &ctx))) {
		w->outcome = WRITE_UNCHANGED;
		goto done;
	}
	rc = exists ? bulk_update(&ctx, w->key_name)
		    : bulk_create(bw, &ctx, w->key_name);
	if (rc == STORE_OK && !ctx.conflict[0])
		w->outcome = exists ? WRITE_UPDATED : WRITE_CREATED;
done:
	snprintf(conflict, 256, "%s", ctx.conflict);
	json_decref(doc);
	json_decref(computed);
	json_decref(old_body);
	json_decref(old_computed);
	return rc;
}
