/*
 * The bulk writer (handlers/bulkwrite.c): the write path of import, which
 * writes many resources in one transaction.  How references are looked up
 * (struct ref_lookup) is in handlers/describe.h, shared with field
 * validation.
 */
#ifndef CLAIMLINE_BULKWRITE_H
#define CLAIMLINE_BULKWRITE_H

#include <jansson.h>

#include "handlers/resource.h"

struct store;

/*
 * A bulk writer: resource_write() for import, inside the caller's
 * transaction.  Rows it creates are staged and written to their table a
 * batch at a time (many rows in one statement); bulk_writer_flush() writes
 * what is staged, and must run before the caller commits.  New: NULL when
 * it cannot be set up.  bulk_writer_free() drops what was not flushed.
 */
struct bulk_writer;
struct bulk_writer *bulk_writer_new(struct store *st);
int bulk_writer_flush(struct bulk_writer *bw);
void bulk_writer_free(struct bulk_writer *bw);

/*
 * Creates or replaces `w->path_id` (a valid id; `w->mode` and
 * `w->if_match` are not looked at) with the same validation, checks,
 * stored row and revision as resource_write(), but without loading and
 * rendering the written resource for a reply: a created row's revision
 * body is rendered from the values it is written with.  References are
 * checked through `refs`.
 *
 * With w->check_only it stops before writing: the validation and checks
 * are the same (a later write of the same id will store something else).
 *
 * Returns STORE_OK when the write was done (w->outcome says how) or
 * refused: then the problems are appended to `errors` (borrowed) or, for
 * what the API answers with 409, described in `conflict` (256 bytes).
 * Returns a store error otherwise.
 */
int resource_write_bulk(struct bulk_writer *bw, const struct resource *res,
			struct write_req *w, const struct ref_lookup *refs,
			json_t *errors, char conflict[256]);

#endif
