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
#include "server/reply.h"

struct store;
struct strbuf;
struct resource;

enum field_type {
	FIELD_STRING,      /* non-empty string */
	FIELD_ENUM,        /* one of `choices` */
	FIELD_DATE,        /* partial date */
	FIELD_REF,         /* id of a `ref` resource */
	FIELD_REF_LIST,    /* array of distinct ids of `ref` resources */
	FIELD_STRING_LIST, /* array of non-empty strings */
	FIELD_COUNTRY,     /* ISO 3166-1 alpha-2 */
	FIELD_URL,         /* absolute http(s) URL */
	FIELD_LANGUAGE,    /* BCP 47 language tag */
	FIELD_NUMBER,      /* JSON number */
	FIELD_BOOL,
	FIELD_OBJECT,      /* object with `sub` fields */
	FIELD_OBJECT_LIST, /* array of objects with `sub` fields */
	FIELD_ID,          /* the resource's own id */
	FIELD_COMPUTED,    /* read-only: filled by the server */
};

enum {
	FIELD_REQUIRED = 1 << 0,
};

struct field {
	const char *name;
	enum field_type type;
	unsigned flags;
	const char *const *choices;  /* FIELD_ENUM: NULL-terminated */
	const char *default_value;   /* FIELD_ENUM: used when absent */
	const struct resource *ref;  /* FIELD_REF, FIELD_REF_LIST */
	const struct field *sub;     /* FIELD_OBJECT(_LIST): ends at name NULL */
	size_t max_len;              /* strings: bytes; 0 means 1000 */
};

/* A list filter: a query parameter and the literal SQL condition it adds,
 * with one `?` bound to the parameter's value (in the table alias `r`). */
enum filter_kind {
	FILTER_TEXT,    /* value bound as is */
	FILTER_ID,      /* value must be a valid id */
	FILTER_ENUM,    /* value must be one of `choices` */
	FILTER_BOOL,    /* "true"/"false", bound as 1/0 */
	FILTER_DATE_FROM, /* partial date, bound as its start */
	FILTER_DATE_TO,   /* partial date, bound as its end */
	FILTER_COUNTRY,   /* ISO 3166-1 alpha-2, as FIELD_COUNTRY */
};

struct filter {
	const char *param;
	enum filter_kind kind;
	const char *sql;
	const char *const *choices;
};

/* Something that may refer to a resource: deleting it is refused while
 * `count` finds any.  Both queries are indexed lookups. */
struct referrer {
	const char *what;  /* "claim" */
	const char *field; /* the referring field: "claimant" */
	/* How many refer to it (?1: the id): one row, one column. */
	const char *count;
	/* The first ones (?1: the id, ?2: how many), in their order of
	 * creation: the referrer's id, then the JSON Pointer of the
	 * referring member in it ("/participants/2/actor"), or NULL for
	 * "/<field>". */
	const char *list;
};

/* The per-table SQL every resource has; see RESOURCE_TABLE_SQL. */
struct table_sql {
	const char *get;
	const char *exists;
	const char *insert;
	const char *update;
	const char *delete;
	const char *list_head; /* SELECT ... FROM t AS r WHERE r.seq > ? */
	const char *ancestors; /* for resources with part_of: cycle check */
};

/*
 * Literal SQL for a resource table with the generic columns of
 * schema/001_init.sql.  `t` must be a string literal.
 */
#define RESOURCE_COLUMNS "r.seq, r.id, r.body, r.computed, r.version, " \
	"r.created_at, r.updated_at, r.links"
/* How many columns RESOURCE_COLUMNS selects. */
#define RESOURCE_NCOLUMNS 8
#define RESOURCE_TABLE_SQL(t)                                                 \
	.get = "SELECT " RESOURCE_COLUMNS " FROM " t " AS r WHERE r.id = ?1", \
	.exists = "SELECT 1 FROM " t " WHERE id = ?1",                       \
	.insert = "INSERT INTO " t " (id, body, computed, version, "         \
		  "created_at, updated_at, date_lo, date_hi, date_prec) "    \
		  "VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5, ?6, ?7)",               \
	.update = "UPDATE " t " SET body = ?2, computed = ?3, "              \
		  "version = version + 1, updated_at = ?4, date_lo = ?5, "   \
		  "date_hi = ?6, date_prec = ?7 WHERE id = ?1",              \
	.delete = "DELETE FROM " t " WHERE id = ?1",                         \
	.list_head = "SELECT " RESOURCE_COLUMNS " FROM " t                   \
		     " AS r WHERE r.seq > :after",                           \
	.ancestors = "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0 "        \
		     "UNION ALL SELECT t.part_of, up.depth + 1 FROM " t      \
		     " AS t JOIN up ON t.id = up.id WHERE t.part_of IS NOT " \
		     "NULL AND up.depth < 10000) SELECT 1 FROM up WHERE "    \
		     "id = ?2 LIMIT 1"

/* What a write is about to store, handed to the resource's hooks. */
struct write_ctx {
	struct store *store;
	const struct resource *res;
	const char *id;
	json_t *doc;      /* canonical body, borrowed */
	json_t *computed; /* stored computed fields: hooks may set; borrowed */
	json_t *errors;   /* add every problem here; borrowed */
	/* Set by a hook to refuse with 409 instead of 422. */
	char conflict[256];
};

struct resource {
	const char *name;       /* "actor" */
	const char *collection; /* "actors" */
	const char *id_prefix;  /* "act" */
	const struct field *fields; /* ends at name NULL */
	const char *date_field;     /* places it in time, or NULL */
	const char *end_field;      /* end of its interval, or NULL */
	bool has_parent;            /* has part_of (no cycles) */
	struct table_sql sql;
	const struct filter *filters;     /* ends at param NULL */
	const struct referrer *referrers; /* ends at what NULL */

	/* Checks beyond field types, inside the write transaction: add to
	 * ctx->errors or set ctx->conflict.  Returns STORE_OK or a store
	 * error. */
	int (*check)(struct write_ctx *ctx);
	/* Runs after the row is written, inside the same transaction. */
	int (*after_write)(struct write_ctx *ctx);
	/* Runs before the row `seq` is deleted, inside the transaction. */
	int (*before_delete)(struct store *st, int64_t seq,
			     const char *key_name);
	/* Appends the computed fields (",\"name\":value" each, in field
	 * order) of row `seq`, whose stored computed fields are the JSON
	 * object `computed` (NULL for none) and which `links` relations
	 * involve.  Returns STORE_OK or an error. */
	int (*render_computed)(struct store *st, int64_t seq,
			       const char *computed, int64_t links,
			       struct strbuf *out);
};

extern const struct resource actor_resource;
extern const struct resource source_resource;
extern const struct resource event_resource;
extern const struct resource claim_resource;

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
int resource_load(struct store *st, const struct resource *res,
		  const char *id, json_t **out, int64_t *seq_out);

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
	const char *path_id;  /* the id in the path, or NULL (POST) */
	json_t *input;        /* the resource's fields; borrowed */
	enum write_mode mode;
	const char *key_name; /* who writes, for the history; may be NULL */
	const char *if_match; /* an If-Match precondition, or NULL */
	/* resource_write_bulk() only: validate and check as for the write,
	 * but write nothing (outcome WRITE_UNCHANGED when it would pass). */
	bool check_only;
	enum write_outcome outcome; /* set on success */
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

/* Whether `res` has a row with `id`: 1, 0, or a store error (< 0). */
int resource_exists(struct store *st, const struct resource *res,
		    const char *id);

/* The strong ETag of a representation: a quoted hash of its JSON. */
void resource_etag(json_t *representation, char etag[24]);

/* Replies `representation` (reference taken) with its ETag; returns
 * `status`. */
int reply_with_etag(struct reply *rep, int status, json_t *representation);
/* The same for a representation in text; takes `text`'s buffer. */
int reply_text_with_etag(struct reply *rep, int status, struct strbuf *text);

/* True when an If-Match / If-None-Match header value lists `etag` (or is
 * "*"); weak tags (W/"...") count only when `weak_ok` (If-None-Match). */
bool etag_listed(const char *header, const char *etag, bool weak_ok);

/* The current UTC time as RFC 3339 ("2026-11-27T10:00:00Z"). */
void resource_now(char buf[32]);

/* Reply 500 for a store error, without details. */
int reply_store_error(struct reply *rep, int rc);

struct store_stmt;

/*
 * Appends the representation of the current row of `s` (RESOURCE_COLUMNS)
 * to `out` as compact JSON, without building a tree: the stored body is
 * spliced in.  Returns STORE_OK or an error.
 */
int resource_render(struct store *st, const struct resource *res,
		    struct store_stmt *s, struct strbuf *out);

/* ---- bulk writes ---- */

/*
 * How a bulk writer answers "does `id` of resource `ref` exist?" from what
 * it already knows, asking the store only when it does not: 1 yes, 0 no,
 * or a store error (< 0).
 */
struct ref_lookup {
	int (*exists)(void *arg, struct store *st, const struct resource *ref,
		      const char *id);
	void *arg;
};

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
