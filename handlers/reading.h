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

/*
 * Collects `root` and, when `with_parts`, everything part_of it at any
 * depth, as a JSON array text in *ids (malloc'd; free it).  Returns
 * STORE_ROW when root exists, STORE_DONE when not (*ids NULL), or a store
 * error.
 */
int reading_subtree(struct store *st, const struct resource *res,
		    const char *root, bool with_parts, char **ids);

/*
 * Appends the timeline entry of event or claim `id` to `out` as JSON text:
 * {"type", "date", "precision", "event"|"claim", and the names a front end
 * needs (part_of; claimant, via, events, source)}.  Returns STORE_ROW,
 * STORE_DONE when the row is gone, or a store error.
 */
int reading_event_entry_text(struct store *st, const char *id,
			     struct strbuf *out);
int reading_claim_entry_text(struct store *st, const char *id,
			     struct strbuf *out);

/* Parses an items array written as text (and releases `items`); a new
 * reference, NULL on a failed buffer. */
json_t *reading_parse_items(struct strbuf *items);

/*
 * Replies {key: items, "next_cursor": next_cursor} from `items`, a JSON
 * array written as text (released here), with the Link header.  Returns
 * the status.
 */
int reading_reply_page(const struct request *req, struct reply *rep,
		       const char *key, struct strbuf *items,
		       const char *next_cursor);

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
	int64_t from, to; /* INT64_MIN / INT64_MAX when not given */
	bool ranged;      /* from or to was given */
	char *event_set;  /* JSON array of event ids, owned */
	char *actor_set;  /* JSON array of actor ids, owned */
	const char *actor; /* one claimant, borrowed */
	const char *kind, *tag, *country, *stance; /* borrowed */
	int disputed;     /* -1: not asked; else 0 or 1 */
	bool want_events, want_claims, desc; /* timelines */
};

/* Frees what `f` owns. */
void reading_filters_release(struct read_filters *f);

/* Binds every filter to the parameter of its name (":from", ":kind" ...)
 * that the statement has. */
void reading_bind_filters(struct store_stmt *s, const struct read_filters *f);

/* The ?stance parameter, checked; NULL (and maybe an error) otherwise. */
const char *reading_stance(const struct request *req, json_t *errors);

/*
 * Resolves id parameter `param` (when given) into the subtree set of
 * `res` at *set; an invalid or unknown id adds an error.  Returns STORE_OK
 * or a store error.
 */
int reading_id_set(const struct request *req, const char *param,
		   const struct resource *res, bool with_parts,
		   json_t *errors, char **set);

/* Reads a boolean query parameter ("true"/"false"); adds an error. */
bool reading_bool(const struct request *req, const char *name, json_t *errors);

#endif
