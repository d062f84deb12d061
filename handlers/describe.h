/*
 * What a resource is: the description types every resource file fills in
 * (its fields, table SQL, referrers, hooks), the context its hooks get,
 * and the row lookup the layers above share.  The bottom of handlers/: the
 * generic handlers (resource.c), field validation (fields.c) and the bulk
 * writer (bulkwrite.c) include it; it includes none of them.  List filters
 * (struct filter) are declared with the generic handlers in resource.h.
 */
#ifndef CLAIMLINE_DESCRIBE_H
#define CLAIMLINE_DESCRIBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct filter;
struct store;
struct strbuf;
struct resource;

enum field_type {
	FIELD_STRING,	   /* non-empty string */
	FIELD_ENUM,	   /* one of `choices` */
	FIELD_DATE,	   /* partial date */
	FIELD_REF,	   /* id of a `ref` resource */
	FIELD_REF_LIST,	   /* array of distinct ids of `ref` resources */
	FIELD_STRING_LIST, /* array of non-empty strings */
	FIELD_COUNTRY,	   /* ISO 3166-1 alpha-2 */
	FIELD_URL,	   /* absolute http(s) URL */
	FIELD_LANGUAGE,	   /* BCP 47 language tag */
	FIELD_NUMBER,	   /* JSON number */
	FIELD_BOOL,
	FIELD_OBJECT,	   /* object with `sub` fields */
	FIELD_OBJECT_LIST, /* array of objects with `sub` fields */
	FIELD_ID,	   /* the resource's own id */
	FIELD_COMPUTED,	   /* read-only: filled by the server */
};

enum {
	FIELD_REQUIRED = 1 << 0,
};

struct field {
	const char *name;
	enum field_type type;
	unsigned flags;
	const char *const *choices; /* FIELD_ENUM: NULL-terminated */
	const char *default_value;  /* FIELD_ENUM: used when absent */
	const struct resource *ref; /* FIELD_REF, FIELD_REF_LIST */
	const struct field *sub;    /* FIELD_OBJECT(_LIST): ends at name NULL */
	size_t max_len;		    /* strings: code points; 0: 1000 */
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
#define RESOURCE_COLUMNS                                                       \
	"r.seq, r.id, r.body, r.computed, r.version, "                         \
	"r.created_at, r.updated_at, r.links"
/* How many columns RESOURCE_COLUMNS selects. */
#define RESOURCE_NCOLUMNS 8
#define RESOURCE_TABLE_SQL(t)                                                  \
	.get = "SELECT " RESOURCE_COLUMNS " FROM " t " AS r WHERE r.id = ?1",  \
	.exists = "SELECT 1 FROM " t " WHERE id = ?1",                         \
	.insert = "INSERT INTO " t " (id, body, computed, version, "           \
		  "created_at, updated_at, date_lo, date_hi, date_prec) "      \
		  "VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5, ?6, ?7)",                \
	.update = "UPDATE " t " SET body = ?2, computed = ?3, "                \
		  "version = version + 1, updated_at = ?4, date_lo = ?5, "     \
		  "date_hi = ?6, date_prec = ?7 WHERE id = ?1",                \
	.delete = "DELETE FROM " t " WHERE id = ?1",                           \
	.list_head = "SELECT " RESOURCE_COLUMNS " FROM " t                     \
		     " AS r WHERE r.seq > :after",                             \
	.ancestors = "WITH RECURSIVE up(id, depth) AS (SELECT ?1, 0 "          \
		     "UNION ALL SELECT t.part_of, up.depth + 1 FROM " t        \
		     " AS t JOIN up ON t.id = up.id WHERE t.part_of IS NOT "   \
		     "NULL AND up.depth < 10000) SELECT 1 FROM up WHERE "      \
		     "id = ?2 LIMIT 1"

/* What a write is about to store, handed to the resource's hooks. */
struct write_ctx {
	struct store *store;
	const struct resource *res;
	const char *id;
	json_t *doc;	  /* canonical body, borrowed */
	json_t *computed; /* stored computed fields: hooks may set; borrowed */
	json_t *errors;	  /* add every problem here; borrowed */
	/* Set by a hook to refuse with 409 instead of 422. */
	char conflict[256];
};

struct resource {
	const char *name;	    /* "actor" */
	const char *collection;	    /* "actors" */
	const char *id_prefix;	    /* "act" */
	const struct field *fields; /* ends at name NULL */
	const char *date_field;	    /* places it in time, or NULL */
	const char *end_field;	    /* end of its interval, or NULL */
	/* A bool field: true runs the interval open-ended (date_hi is
	 * INT64_MAX, after every `from`), or NULL. */
	const char *ongoing_field;
	bool has_parent; /* has part_of (no cycles) */
	struct table_sql sql;
	const struct filter *filters;	  /* ends at param NULL */
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

/* Whether `res` has a row with `id`: 1, 0, or a store error (< 0). */
int resource_exists(struct store *st, const struct resource *res,
		    const char *id);

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

#endif
