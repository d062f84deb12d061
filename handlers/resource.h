/*
 * The generic resource mechanism.  Actors, sources, events and claims are
 * each described by a struct resource (their fields, table SQL, filters and
 * what refers to them); one set of handlers does create / get / put /
 * patch / delete / list for all four with the same validation, errors,
 * versions and pagination.  Each resource file adds only what is its own,
 * through the hooks.
 */
#ifndef CLAIMLINE_RESOURCE_H
#define CLAIMLINE_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/ids.h"
#include "handlers/describe.h"
#include "server/etag.h"
#include "server/reply.h"

struct store;
struct strbuf;
struct resource;

/*
 * A list filter: a query parameter on one of the resource's fields and the
 * literal SQL condition it adds, with the value bound to `:<param>` (in
 * the table alias `r`).  The value is checked as a value of that field
 * (field_param_valid: an enum's choices, a country, a language, an id, a
 * date...): `field` names it, or `param` when NULL.  A filter on no
 * stored field (a text search, a computed flag, a nested member) says
 * how its value is checked in `type` instead (FIELD_STRING: any
 * non-empty text).  A date is bound as the start of its span, or the end
 * with FILTER_TO; a bool as 1/0; anything else as the text.
 */
enum filter_bound {
	FILTER_FROM, /* a date: its start */
	FILTER_TO,   /* a date: its end */
};

struct filter {
	const char *param;
	const char *field;	 /* the field filtered; NULL: `param` */
	enum field_type type;	 /* when no such field: the value's type */
	enum filter_bound bound; /* dates */
	const char *sql;
};

/* Handlers; the route argument is the struct resource. */
int handle_resource_create(const struct request *req, struct reply *rep);
int handle_resource_list(const struct request *req, struct reply *rep);
int handle_resource_get(const struct request *req, struct reply *rep);
int handle_resource_put(const struct request *req, struct reply *rep);
int handle_resource_patch(const struct request *req, struct reply *rep);
int handle_resource_delete(const struct request *req, struct reply *rep);

/*
 * Loads the representation of `id` (stored fields, meta and computed
 * fields) as a new reference into *out.  Returns STORE_ROW when found,
 * STORE_DONE when not, or a store error.  `seq_out` may be NULL.
 */
int resource_load(struct store *st, const struct resource *res, const char *id,
		  json_t **out, int64_t *seq_out);

/* What an existing id means to a write. */
enum write_mode {
	WRITE_CREATE,  /* existing id: 409 */
	WRITE_REPLACE, /* create or replace */
};

/* What a write did. */
enum write_outcome {
	WRITE_CREATED,
	WRITE_UPDATED,
	WRITE_UNCHANGED, /* identical to what was stored: no new version */
};

/* One write, as resource_write() takes it. */
struct write_req {
	const char *path_id; /* the id in the path, or NULL (POST) */
	json_t *input;	     /* the resource's fields; borrowed */
	enum write_mode mode;
	const char *key_name; /* who writes, for the history; may be NULL */
	const char *if_match; /* an If-Match precondition, or NULL */
	/* resource_write_bulk() only: validate and check as for the write,
	 * but write nothing (outcome WRITE_UNCHANGED when it would pass). */
	bool check_only;
	enum write_outcome outcome;	 /* set on success */
	char written_id[ID_MAX_LEN + 1]; /* set on success: the id written */
};

/*
 * Creates or replaces a resource inside the caller's transaction — the one
 * write path, used by the handlers, the demo loader and import.  It
 * validates, checks references and the resource's own rules, writes, and
 * appends a revision.  On success returns 200 or 201 and sets *out (new
 * reference) to the representation; on failure fills `rep` with the
 * problem and returns its status.
 */
int resource_write(struct store *st, const struct resource *res,
		   struct write_req *w, struct reply *rep, json_t **out);
/* The same with the representation appended to `out` as text, exactly as
 * a GET answers it: the write path of the handlers, which send it as is. */
int resource_write_text(struct store *st, const struct resource *res,
			struct write_req *w, struct reply *rep,
			struct strbuf *out);

struct store_stmt;

/*
 * Appends the representation of the current row of `s` (RESOURCE_COLUMNS)
 * to `out` as compact JSON, without building a tree: the stored body is
 * spliced in.  Returns STORE_OK or an error.
 */
int resource_render(struct store *st, const struct resource *res,
		    struct store_stmt *s, struct strbuf *out);

#endif
