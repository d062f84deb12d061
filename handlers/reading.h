/*
 * Shared pieces of the read-back queries (timelines, statement lists,
 * disputes, search): part_of subtrees, and the entries that embed the
 * names a front end needs so that one request draws a view.
 */
#ifndef CLAIMLINE_READING_H
#define CLAIMLINE_READING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "handlers/resource.h"

struct store_stmt;

struct store;
struct strbuf;
struct page_item;

/*
 * Collects `root` and, when `with_parts`, everything part_of it at any
 * depth, as a JSON array text in *ids (malloc'd; free it).  Returns
 * STORE_ROW when root exists, STORE_DONE when not (*ids NULL), or a store
 * error.
 */
int reading_subtree(struct store *st, const struct resource *res,
		    const char *root, bool with_parts, char **ids);

/* What a page entry is. */
enum { READING_EVENT = 0, READING_CLAIM = 1 };

/*
 * The entries of one timeline or statements page, written together: the
 * page's rows in one statement per table, then the names they embed, one
 * statement per table for the whole page.  Fill it with reading_page_add
 * in page order, then reading_page_write.
 */
struct reading_page {
	const char
		*claimant; /* every claim is this actor's, or NULL; borrowed */
	struct page_item *items;
	size_t n, cap;
};

/* Starts an empty page.  `claimant` (borrowed, may be NULL) says that
 * every claim on it is that actor's, so they are read from where that
 * actor's claims are kept together. */
void reading_page_init(struct reading_page *p, const char *claimant);

/* Adds the event or claim of row `seq` as the next entry; false when out
 * of memory. */
bool reading_page_add(struct reading_page *p, int type, int64_t seq);

/*
 * Appends the page's entries to `out` as a JSON array text, each
 * {"type", "date", "precision", "event"|"claim", and the names a front
 * end needs (part_of; claimant, via, events, source)}.  Call inside the
 * read transaction that found the rows.  Returns STORE_OK, or a store
 * error (also when a row is gone).
 */
int reading_page_write(struct store *st, struct reading_page *p,
		       struct strbuf *out);

/* Frees what the page holds. */
void reading_page_release(struct reading_page *p);

/* Parses an items array written as text (and releases `items`); a new
 * reference, NULL on a failed buffer. */
json_t *reading_parse_items(struct strbuf *items);

/* {"id", "name"} of an actor, {"id", "title"} of an event or source; a
 * new reference, or JSON null when `id` is NULL or unknown. */
json_t *reading_actor_ref(struct store *st, const char *id);
json_t *reading_event_ref(struct store *st, const char *id);

/* Reads a `from`/`to` pair of query parameters; adds errors.  Sets the
 * bounds to INT64_MIN / INT64_MAX when absent; *given when either was. */
void reading_range(const struct request *req, json_t *errors, int64_t *from,
		   int64_t *to, bool *given);

/* What a read-back query asks for.  Every condition is optional; the
 * queries bind them all by name and use those their SQL names. */
struct read_filters {
	int64_t from, to;  /* INT64_MIN / INT64_MAX when not given */
	bool ranged;	   /* from or to was given */
	char *event_set;   /* JSON array of event ids, owned */
	char *actor_set;   /* JSON array of actor ids, owned */
	const char *actor; /* one claimant, borrowed */
	const char *kind, *tag, *country, *stance; /* borrowed */
	const char *status;		     /* events' status, borrowed */
	int disputed;			     /* -1: not asked; else 0 or 1 */
	bool want_events, want_claims, desc; /* timelines */
};

/* Frees what `f` owns. */
void reading_filters_release(struct read_filters *f);

/* Binds every filter to the parameter of its name (":from", ":kind" ...)
 * that the statement has. */
void reading_bind_filters(struct store_stmt *s, const struct read_filters *f);

/* The ?stance parameter, checked; NULL (and maybe an error) otherwise. */
const char *reading_stance(const struct request *req, json_t *errors);

/* The ?status parameter, checked as the event field is; NULL (and maybe
 * an error) otherwise. */
const char *reading_status(const struct request *req, json_t *errors);

/* The ?country parameter, checked as the field is (ISO 3166-1 alpha-2);
 * NULL (and maybe an error) otherwise. */
const char *reading_country(const struct request *req, json_t *errors);

/*
 * Resolves id parameter `param` (when given) into the subtree set of
 * `res` at *set; an invalid or unknown id adds an error.  Returns STORE_OK
 * or a store error.
 */
int reading_id_set(const struct request *req, const char *param,
		   const struct resource *res, bool with_parts, json_t *errors,
		   char **set);

/* Reads a boolean query parameter ("true"/"false"); adds an error. */
bool reading_bool(const struct request *req, const char *name, json_t *errors);

#endif
