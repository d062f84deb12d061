/*
 * The steps of the one write path (handlers/resource.c), shared with the
 * bulk writer (handlers/bulkwrite.c), which runs the same validation,
 * checks, rows and revisions a batch at a time.  Owned by resource.c;
 * nothing outside the two writers calls these.
 */
#ifndef CLAIMLINE_WRITEPATH_H
#define CLAIMLINE_WRITEPATH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "handlers/describe.h"

struct store;
struct store_stmt;
struct strbuf;

/* Renders `id` into `out`, setting *seq and *version (when given):
 * STORE_ROW, STORE_DONE or an error. */
int resource_render_by_id(struct store *st, const struct resource *res,
			  const char *id, struct strbuf *out, int64_t *seq,
			  int64_t *version);

/* Reads the stored body and computed fields of `id` (new references). */
int resource_load_stored(struct store *st, const struct resource *res,
			 const char *id, json_t **body, json_t **computed);

/* The checks every write passes: its references (through `refs` when
 * given, else the store), the generic rules and the resource's own.
 * Problems land in ctx->errors / ctx->conflict; returns a store error
 * only when the checks could not run. */
int resource_write_checks(struct write_ctx *ctx, const struct ref_lookup *refs);

/* An identical write is no change: no new version. */
bool resource_write_changes_nothing(json_t *old_body, json_t *old_computed,
				    const struct write_ctx *ctx);

/* Binds a row's values from parameter `first` on: id, body, computed,
 * the time, then its date span (left NULL when undated). */
void resource_bind_row(struct store_stmt *s, int first,
		       const struct resource *res, json_t *doc, const char *id,
		       const char *body_text, const char *computed_text,
		       const char *now);

/* Writes one row of `res` with `sql` (its insert or update), stamped
 * now.  Returns STORE_OK or a store error. */
int resource_store_row(struct store *st, const struct resource *res,
		       const char *sql, const char *id, json_t *doc,
		       json_t *computed);

#endif
