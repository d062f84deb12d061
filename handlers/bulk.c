/*
 * Bulk: POST /v1/import and GET /v1/export.
 *
 * Import takes NDJSON, one resource a line with its kind in "type", and
 * writes it all in one transaction or nothing.  Lines may refer forward:
 * they are written by kind (actors, sources, events, claims, relations)
 * and, within actors and events, parents before children, whatever their
 * order in the file.  Each line is an upsert by id with the same
 * validation, checks, rows and revisions as the API's write path
 * (resource_write_bulk), so an imported store cannot be told from one
 * written through the API.  Every bad line is reported with its number,
 * every fault on it with its pointer.
 *
 * The last line for an id wins: earlier lines for the same id are
 * validated and checked where they stand, but not written (and count as
 * unchanged).  So what the store holds after an import is what replaying
 * the file would leave, and re-importing a file that went in changes
 * nothing and makes no new version -- which writing every line would
 * break for a file that names an id twice: each re-import would flip it
 * from the last line's body to the first's and back, a version each.
 *
 * What makes it fast, and keeps it O(1) a line: each line is written
 * without loading and rendering it back for a reply; new rows are staged
 * and inserted a batch at a time in one statement (resource_write_bulk);
 * references are looked up in a table of the ids the import has written
 * or already found (the store is asked once per id); parents are found
 * through a table of the batch's ids; and the transaction gets a page
 * cache large enough to keep the pages it dirties until its one commit.
 *
 * Export streams every resource in that same dependency order, in exactly
 * the form import takes, from a connection and snapshot of its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "handlers/bulk.h"
#include "handlers/bulkwrite.h"
#include "handlers/claims.h"
#include "handlers/fields.h"
#include "handlers/resource.h"
#include "handlers/txn.h"
#include "server/intake.h"
#include "store/store.h"

#define IMPORT_MAX_ERRORS 1000

/*
 * The page cache an import's writes get (KiB), instead of the usual
 * 16 MiB: the pages they dirty stay in memory until the commit writes
 * each once, where with the usual cache they are spilled to the log and
 * read back again and again.  Index pages are touched at random, so the
 * larger the store the more it matters: importing the fourth 60 MB of
 * the benchmark's file took 28 s with 256 MiB and 22 s with 1 GiB (a
 * 100k-claim store: 16 MiB 12% slower than 128 MiB).  Memory for speed,
 * during an import only: SQLite frees what is over the usual size once
 * the commit has written it, and the writer hands it back to the system
 * (malloc_trim) after an import.  256 MiB, not the 1 GiB that was
 * fastest: a server that otherwise keeps within 64 MB should not grow
 * past ~0.5 GB for one request.
 */
#define IMPORT_CACHE_KIB (256 * 1024)

enum line_kind {
	KIND_ACTOR,
	KIND_SOURCE,
	KIND_EVENT,
	KIND_CLAIM,
	KIND_RELATION,
	KIND_BAD,
};

static const struct resource *const kind_resource[] = {
	&actor_resource,
	&source_resource,
	&event_resource,
	&claim_resource,
};

static const char *const kind_names[] = {
	"actor", "source", "event", "claim", "relation",
};

/* ---- a table of (kind, id) ---- */

struct id_entry {
	uint64_t hash;
	size_t value;
	enum line_kind kind;
	char id[ID_MAX_LEN + 1];
};

/* Open addressing over indexes into `entries`; grows at half full. */
struct id_table {
	uint32_t *slots; /* entry index + 1; 0 is free */
	size_t nslots;
	struct id_entry *entries;
	size_t n, cap;
};

static uint64_t id_hash(enum line_kind kind, const char *id)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static struct id_entry *id_find(const struct id_table *t, enum line_kind kind,
				const char *id)
{
	if (!t->nslots)
		return NULL;
	uint64_t h = id_hash(kind, id);
	for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
		if (!t->slots[i])
			return NULL;
		struct id_entry *e = &t->entries[t->slots[i] - 1];
		if (e->hash == h && e->kind == kind && strcmp(e->id, id) == 0)
			return e;
	}
}

static int id_grow(struct id_table *t)
{
	size_t nslots = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots || nslots > UINT32_MAX) {
		free(slots);
		return -1;
	}
	for (size_t k = 0; k < t->n; k++) {
		size_t i = t->entries[k].hash & (nslots - 1);
		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = (uint32_t)(k + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

/* Adds (kind, id) with `value`, or sets the value of the one present.
 * Returns 0 or -1 when out of memory. */
static int id_put(struct id_table *t, enum line_kind kind, const char *id,
		  size_t value)
{
	struct id_entry *found = id_find(t, kind, id);
	if (found) {
		found->value = value;
		return 0;
	}
	if ((t->n + 1) * 2 > t->nslots && id_grow(t) != 0)
		return -1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		struct id_entry *grown =
			realloc(t->entries, cap * sizeof(*grown));
		if (!grown)
			return -1;
		t->entries = grown;
		t->cap = cap;
	}
	struct id_entry *e = &t->entries[t->n];
	e->hash = id_hash(kind, id);
	e->value = value;
	e->kind = kind;
	snprintf(e->id, sizeof(e->id), "%s", id);
	size_t i = e->hash & (t->nslots - 1);
	while (t->slots[i])
		i = (i + 1) & (t->nslots - 1);
	t->slots[i] = (uint32_t)(++t->n);
	return 0;
}

static void id_table_release(struct id_table *t)
{
	free(t->slots);
	free(t->entries);
}

/* ---- import ---- */

/* What the first pass keeps of a line: where it is and what it needs. */
struct line {
	const char *text;
	size_t len;
	size_t number; /* from 1 */
	enum line_kind kind;
	char id[ID_MAX_LEN + 1];
	char parent[ID_MAX_LEN + 1]; /* part_of, for actors and events */
	int state;	 /* parents-first walk: 0 new, 1 visiting, 2 placed */
	bool superseded; /* a later line has the same id: check, not write */
};

struct import {
	struct line *lines;
	size_t nlines;
	size_t *order; /* indexes into lines, in writing order */
	size_t norder;
	struct id_table by_id; /* every good line's (kind, id): its last line */
	struct id_table known; /* resources known to exist in the store */
	bool out_of_memory;
	json_t *errors; /* [{"line", "pointer", "detail"}] */
	size_t created, updated, unchanged;
	const char *key_name; /* who imports; borrowed */
};

static void line_error(struct import *im, size_t number, const char *pointer,
		       const char *detail)
{
	if (json_array_size(im->errors) < IMPORT_MAX_ERRORS)
		json_array_append_new(im->errors,
				      json_pack("{s:I, s:s, s:s}", "line",
						(json_int_t)number, "pointer",
						pointer, "detail", detail));
}

/* Every problem of a failed write (`errors`: [{"pointer", "detail"}]),
 * as errors of line `number`; `detail` when there are none. */
static void line_errors_of(struct import *im, size_t number, json_t *errors,
			   const char *detail)
{
	if (!json_array_size(errors)) {
		line_error(im, number, "", detail ? detail : "failed");
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e) line_error(
		im, number, json_string_value(json_object_get(e, "pointer")),
		json_string_value(json_object_get(e, "detail")));
}

/* The same from a problem reply. */
static void line_errors_from(struct import *im, size_t number,
			     struct reply *rep)
{
	line_errors_of(im, number, json_object_get(rep->body, "errors"),
		       json_string_value(json_object_get(rep->body, "detail")));
}

static const struct resource *line_resource(enum line_kind kind)
{
	return kind == KIND_RELATION ? &relation_line_resource
				     : kind_resource[kind];
}

/* What import ignores of a line: its kind, and the members export adds
 * beside the fields. */
static void drop_line_members(json_t *obj)
{
	json_object_del(obj, "type");
	json_object_del(obj, "created_at");
	json_object_del(obj, "updated_at");
	json_object_del(obj, "version");
}

/* The faults of the fields of line `number` (`obj`, borrowed) of `kind`
 * that will not be written (it has no valid id), so that its answer names
 * them beside the id. */
static void field_errors(struct import *im, size_t number, enum line_kind kind,
			 json_t *obj)
{
	json_t *copy = json_copy(obj);
	json_t *errors = json_array();
	const char *given;
	drop_line_members(copy);
	json_object_del(copy, "id"); /* already reported */
	json_decref(
		fields_canonical(line_resource(kind), copy, errors, &given));
	if (json_array_size(errors))
		line_errors_of(im, number, errors, NULL);
	json_decref(errors);
	json_decref(copy);
}

/* First pass: split lines, parse each, note kind, id and parent. */
static int split_lines(struct import *im, const char *data, size_t len)
{
	size_t cap = 0;
	const char *p = data, *end = data + len;
	size_t number = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		number++;
		const char *text = p;
		p += n + 1;
		if (n && text[n - 1] == '\r')
			n--;
		if (n == 0)
			continue; /* blank lines are allowed, and skipped */
		if (im->nlines == cap) {
			cap = cap ? cap * 2 : 1024;
			struct line *grown =
				realloc(im->lines, cap * sizeof(*grown));
			if (!grown)
				return -1;
			im->lines = grown;
		}
		struct line *l = &im->lines[im->nlines++];
		*l = (struct line){.text = text,
				   .len = n,
				   .number = number,
				   .kind = KIND_BAD};
		char why[256];
		json_t *obj = intake_parse_json(text, n, why, sizeof(why));
		if (!obj) {
			line_error(im, number, "", why);
			continue;
		}
		char pointer[256];
		if (intake_check_numbers(text, n, pointer, sizeof(pointer), why,
					 sizeof(why)) != 0) {
			line_error(im, number, pointer, why);
			json_decref(obj);
			continue;
		}
		const char *type =
			json_string_value(json_object_get(obj, "type"));
		const char *id = json_string_value(json_object_get(obj, "id"));
		const char *parent =
			json_string_value(json_object_get(obj, "part_of"));
		for (int k = KIND_ACTOR; type && k <= KIND_RELATION; k++)
			if (strcmp(type, kind_names[k]) == 0)
				l->kind = (enum line_kind)k;
		if (!json_is_object(obj))
			line_error(im, number, "", "must be a JSON object");
		else if (l->kind == KIND_BAD)
			line_error(im, number, "/type",
				   "must be actor, source, event, claim or "
				   "relation");
		else if (!id || !id_valid(id))
			line_error(im, number, "/id",
				   "import needs a valid id on every line");
		if (json_is_object(obj) && l->kind != KIND_BAD && id &&
		    id_valid(id)) {
			snprintf(l->id, sizeof(l->id), "%s", id);
			if (parent && id_valid(parent))
				snprintf(l->parent, sizeof(l->parent), "%s",
					 parent);
			if (id_put(&im->by_id, l->kind, l->id,
				   im->nlines - 1) != 0) {
				json_decref(obj);
				return -1;
			}
		} else {
			if (json_is_object(obj) && l->kind != KIND_BAD)
				field_errors(im, number, l->kind, obj);
			l->kind = KIND_BAD;
		}
		json_decref(obj);
	}
	/* Which lines a later one for the same id supersedes. */
	for (size_t i = 0; i < im->nlines; i++) {
		struct line *l = &im->lines[i];
		if (l->kind != KIND_BAD)
			l->superseded =
				id_find(&im->by_id, l->kind, l->id)->value != i;
	}
	return 0;
}

static int by_kind_then_line(const void *a, const void *b, void *lines)
{
	const struct line *la = &((struct line *)lines)[*(const size_t *)a];
	const struct line *lb = &((struct line *)lines)[*(const size_t *)b];
	if (la->kind != lb->kind)
		return la->kind < lb->kind ? -1 : 1;
	return la->number < lb->number ? -1 : la->number > lb->number;
}

/*
 * Places line i after its ancestors in the batch (the last line of each
 * parent id, the one written), without recursion: the chain is climbed
 * into `chain` while its lines are unplaced, then placed from the top
 * down.  A cycle stops the climb; the write reports it.
 */
static void place(struct import *im, size_t i, size_t *chain)
{
	size_t depth = 0;
	while (im->lines[i].state == 0) {
		struct line *l = &im->lines[i];
		l->state = 1;
		chain[depth++] = i;
		const struct id_entry *p =
			l->parent[0] ? id_find(&im->by_id, l->kind, l->parent)
				     : NULL;
		if (!p)
			break;
		i = p->value;
	}
	while (depth > 0) {
		size_t k = chain[--depth];
		im->lines[k].state = 2;
		im->order[im->norder++] = k;
	}
}

/* The writing order: by kind, parents first, else file order. */
static int order_lines(struct import *im)
{
	size_t *sorted = malloc((im->nlines + 1) * sizeof(*sorted));
	size_t *chain = malloc((im->nlines + 1) * sizeof(*chain));
	im->order = malloc((im->nlines + 1) * sizeof(*im->order));
	if (!sorted || !chain || !im->order) {
		free(sorted);
		free(chain);
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < im->nlines; i++)
		if (im->lines[i].kind != KIND_BAD)
			sorted[n++] = i;
	qsort_r(sorted, n, sizeof(*sorted), by_kind_then_line, im->lines);
	for (size_t j = 0; j < n; j++) {
		enum line_kind kind = im->lines[sorted[j]].kind;
		if (kind == KIND_ACTOR || kind == KIND_EVENT)
			place(im, sorted[j], chain);
		else
			im->order[im->norder++] = sorted[j];
	}
	free(sorted);
	free(chain);
	return 0;
}

static enum line_kind kind_of(const struct resource *res)
{
	for (int k = KIND_ACTOR; k < KIND_RELATION; k++)
		if (kind_resource[k] == res)
			return (enum line_kind)k;
	return KIND_BAD;
}

/* struct ref_lookup: the table of ids known to exist, then the store
 * (once per id: what it has stays, as import deletes no resource). */
static int known_exists(void *arg, struct store *st, const struct resource *ref,
			const char *id)
{
	struct import *im = arg;
	enum line_kind kind = kind_of(ref);
	if (id_find(&im->known, kind, id))
		return 1;
	int found = resource_exists(st, ref, id);
	if (found == 1 && id_put(&im->known, kind, id, 0) != 0)
		im->out_of_memory = true;
	return found;
}

/* The problems of a relation write as errors of line `number`, under the
 * line's names for the members ("type" is "relation", "claim" is "to"). */
static void relation_errors_from(struct import *im, size_t number,
				 struct reply *rep)
{
	json_t *errors = json_object_get(rep->body, "errors");
	size_t i;
	json_t *e;
	json_array_foreach(errors, i, e)
	{
		const char *ptr =
			json_string_value(json_object_get(e, "pointer"));
		const char *renamed = !ptr			   ? NULL
				      : strcmp(ptr, "/type") == 0  ? "/relation"
				      : strcmp(ptr, "/claim") == 0 ? "/to"
								   : NULL;
		if (renamed)
			json_object_set_new(e, "pointer", json_string(renamed));
	}
	line_errors_from(im, number, rep);
}

/*
 * Upserts relation line `l` (parsed: `obj`, borrowed): unchanged when
 * equal, else replaced.  The line is validated as a line, under its own
 * names (/from, /relation, /to, /note), every fault at once; the claims
 * it names are looked up as every reference of the import is, so a claim
 * whose own line failed is named as missing.
 */
static int import_relation(struct store *st, struct import *im,
			   const struct line *l, json_t *obj,
			   const char *key_name)
{
	struct ref_lookup refs = {known_exists, im};
	json_t *errors = json_array();
	const char *given = NULL;
	drop_line_members(obj);
	json_t *doc =
		fields_canonical(&relation_line_resource, obj, errors, &given);
	int rc = fields_check_refs_with(st, &relation_line_resource, doc,
					errors, &refs);
	const char *from = json_string_value(json_object_get(doc, "from"));
	const char *to = json_string_value(json_object_get(doc, "to"));
	const char *type = json_string_value(json_object_get(doc, "relation"));
	const char *note = json_string_value(json_object_get(doc, "note"));
	if (from && to && strcmp(from, to) == 0)
		errors_add(errors, "/to", "a claim cannot relate to itself");
	if (rc != STORE_OK || json_array_size(errors)) {
		if (rc == STORE_OK)
			line_errors_of(im, l->number, errors, NULL);
		goto done;
	}
	if (l->superseded) {
		im->unchanged++;
		goto done;
	}
	struct store_stmt *s = store_prepare(
		st,
		"SELECT r.type, a.id, b.id, r.note FROM relations AS r JOIN "
		"claims AS a ON a.seq = r.from_seq JOIN claims AS b ON "
		"b.seq = r.to_seq WHERE r.id = ?1");
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	store_bind_text(s, 1, l->id);
	rc = store_step(s);
	bool exists = rc == STORE_ROW, same = false;
	if (exists) {
		const char *stored = store_column_text(s, 3);
		same = strcmp(type, store_column_text(s, 0)) == 0 &&
		       strcmp(from, store_column_text(s, 1)) == 0 &&
		       strcmp(to, store_column_text(s, 2)) == 0 &&
		       ((!note && !stored) ||
			(note && stored && strcmp(note, stored) == 0));
	}
	store_reset(s);
	if (rc < 0)
		goto done;
	rc = STORE_OK;
	if (same) {
		im->unchanged++;
		goto done;
	}
	if (exists) {
		s = store_prepare(st, "DELETE FROM relations WHERE id = ?1");
		if (s)
			store_bind_text(s, 1, l->id);
		rc = store_exec_stmt(s);
		if (rc != STORE_OK)
			goto done;
	}
	json_t *input =
		json_pack("{s:s, s:s, s:s, s:O}", "id", l->id, "type", type,
			  "claim", to, "note", json_object_get(doc, "note"));
	struct reply rep;
	json_t *out = NULL;
	reply_init(&rep);
	int status = relation_create(st, from, input, key_name, &rep, &out);
	if (status == 201)
		exists ? im->updated++ : im->created++;
	else if (status >= 500)
		rc = STORE_ERROR;
	else
		relation_errors_from(im, l->number, &rep);
	json_decref(input);
	json_decref(out);
	reply_release(&rep);
done:
	json_decref(errors);
	json_decref(doc);
	return rc;
}

/* Writes resource line `l` (parsed: `obj`, borrowed). */
static int import_resource(struct bulk_writer *bw, struct import *im,
			   const struct line *l, json_t *obj,
			   const char *key_name)
{
	const struct resource *res = kind_resource[l->kind];
	struct ref_lookup refs = {known_exists, im};
	struct write_req w = {.path_id = l->id,
			      .input = obj,
			      .mode = WRITE_REPLACE,
			      .key_name = key_name,
			      .check_only = l->superseded};
	json_t *errors = json_array();
	char conflict[256];
	drop_line_members(obj);
	int rc = resource_write_bulk(bw, res, &w, &refs, errors, conflict);
	if (rc == STORE_OK && (json_array_size(errors) || conflict[0])) {
		line_errors_of(im, l->number, errors, conflict);
	} else if (rc == STORE_OK) {
		w.outcome == WRITE_CREATED   ? im->created++
		: w.outcome == WRITE_UPDATED ? im->updated++
					     : im->unchanged++;
		/* A superseded line wrote nothing: its id may exist only
		 * once its last line is written. */
		if (!l->superseded &&
		    id_put(&im->known, l->kind, l->id, 0) != 0)
			rc = STORE_ERROR;
	}
	json_decref(errors);
	return im->out_of_memory ? STORE_ERROR : rc;
}

/* Second pass: every line through the write path, in order. */
static int write_lines(struct store *st, struct import *im,
		       const char *key_name)
{
	struct bulk_writer *bw = bulk_writer_new(st);
	if (!bw)
		return STORE_ERROR;
	int rc = STORE_OK;
	for (size_t k = 0; k < im->norder && rc == STORE_OK; k++) {
		const struct line *l = &im->lines[im->order[k]];
		char why[256];
		json_t *obj =
			intake_parse_json(l->text, l->len, why, sizeof(why));
		if (!obj) {
			rc = STORE_ERROR; /* parsed fine in the first pass */
			break;
		}
		if (l->kind == KIND_RELATION) {
			/* Relations find their claims in the store. */
			rc = bulk_writer_flush(bw);
			if (rc == STORE_OK)
				rc = import_relation(st, im, l, obj, key_name);
		} else {
			rc = import_resource(bw, im, l, obj, key_name);
		}
		json_decref(obj);
	}
	if (rc == STORE_OK)
		rc = bulk_writer_flush(bw);
	bulk_writer_free(bw);
	return rc;
}

static int by_line(const void *a, const void *b)
{
	json_int_t la = json_integer_value(
		json_object_get(*(json_t *const *)a, "line"));
	json_int_t lb = json_integer_value(
		json_object_get(*(json_t *const *)b, "line"));
	return la < lb ? -1 : la > lb;
}

/* Sorts the errors by line number, keeping each line's in order. */
static void sort_errors(json_t *errors)
{
	size_t n = json_array_size(errors);
	json_t **items = malloc((n + 1) * sizeof(*items));
	if (!items)
		return;
	for (size_t i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(errors, i));
	/* Stable: errors of one line keep their order (merge by insertion). */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i;
		     j > 0 && by_line(&items[j - 1], &items[j]) > 0; j--) {
			json_t *t = items[j];
			items[j] = items[j - 1];
			items[j - 1] = t;
		}
	json_array_clear(errors);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(errors, items[i]);
	free(items);
}

/* The import's transaction: every line, all or nothing. */
static int import_body(struct store *st, void *arg, struct reply *rep,
		       struct txn_out *out)
{
	struct import *im = arg;
	int64_t cache_before = store_cache_size(st, -IMPORT_CACHE_KIB);
	int rc = write_lines(st, im, im->key_name);
	/* The import's own writes are done; the commit writes what is dirty
	 * whatever the cache size. */
	store_cache_size(st, cache_before);
	if (rc != STORE_OK)
		return rc;
	if (json_array_size(im->errors)) {
		/* All or nothing: nothing was written.  Errors in file order. */
		sort_errors(im->errors);
		reply_problem(
			rep, PROBLEM_VALIDATION,
			"%zu problem(s) in the import; nothing was written",
			json_array_size(im->errors));
		json_object_set(rep->body, "errors", im->errors);
		return 422;
	}
	out->status = 200;
	out->json = json_pack("{s:I, s:I, s:I, s:I}", "lines",
			      (json_int_t)im->nlines, "created",
			      (json_int_t)im->created, "updated",
			      (json_int_t)im->updated, "unchanged",
			      (json_int_t)im->unchanged);
	return 0;
}

int handle_import(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {NULL};
	struct import im = {.errors = json_array(), .key_name = req->key_name};
	int status;
	request_check_query(req, allowed, im.errors);
	if (json_array_size(im.errors)) {
		status = reply_invalid(rep, im.errors);
		im.errors = NULL;
		goto done;
	}
	if (split_lines(&im, req->raw_body ? req->raw_body : "",
			req->raw_len) != 0 ||
	    order_lines(&im) != 0) {
		status = reply_store_error(rep, STORE_ERROR);
		goto done;
	}
	/* The lines' state is kept across the body: it runs once. */
	status = txn_run(req->store, req, rep, TXN_ONCE, import_body, &im);
done:
	json_decref(im.errors);
	free(im.lines);
	free(im.order);
	id_table_release(&im.by_id);
	id_table_release(&im.known);
	return status;
}

/* ---- export ---- */

/* One query per kind, in dependency order; actors and events by depth in
 * their part_of tree so that parents always come first. */
static const char *const export_sql[] = {
	"WITH RECURSIVE d(id, depth) AS (SELECT id, 0 FROM actors WHERE "
	"part_of IS NULL UNION ALL SELECT a.id, d.depth + 1 FROM actors AS a "
	"JOIN d ON a.part_of = d.id) SELECT 'actor', r.id, r.body, r.version, "
	"r.created_at, r.updated_at FROM d JOIN actors AS r ON r.id = d.id "
	"ORDER BY d.depth, r.seq",
	"SELECT 'source', id, body, version, created_at, updated_at FROM "
	"sources ORDER BY seq",
	"WITH RECURSIVE d(id, depth) AS (SELECT id, 0 FROM events WHERE "
	"part_of IS NULL UNION ALL SELECT e.id, d.depth + 1 FROM events AS e "
	"JOIN d ON e.part_of = d.id) SELECT 'event', r.id, r.body, r.version, "
	"r.created_at, r.updated_at FROM d JOIN events AS r ON r.id = d.id "
	"ORDER BY d.depth, r.seq",
	"SELECT 'claim', id, body, version, created_at, updated_at FROM "
	"claims ORDER BY seq",
	"SELECT 'relation', r.id, r.type, a.id, b.id, r.note FROM relations "
	"AS r JOIN claims AS a ON a.seq = r.from_seq JOIN claims AS b ON "
	"b.seq = r.to_seq ORDER BY r.seq",
};

struct export
{
	struct store *st; /* its own connection: a snapshot of its own */
	size_t kind;
	struct store_stmt *stmt;
	char *line; /* the line being sent */
	size_t len, off;
};

/* The next NDJSON line (malloc'd), NULL at the end; *rc on an error. */
static char *export_next_line(struct export *ex, int *rc)
{
	*rc = STORE_OK;
	while (ex->kind < sizeof(export_sql) / sizeof(export_sql[0])) {
		if (!ex->stmt)
			ex->stmt = store_prepare(ex->st, export_sql[ex->kind]);
		if (!ex->stmt) {
			*rc = STORE_ERROR;
			return NULL;
		}
		int step = store_step(ex->stmt);
		if (step == STORE_DONE) {
			store_reset(ex->stmt);
			ex->stmt = NULL;
			ex->kind++;
			continue;
		}
		if (step != STORE_ROW) {
			*rc = step;
			return NULL;
		}
		struct store_stmt *s = ex->stmt;
		json_t *obj;
		if (ex->kind == KIND_RELATION) {
			obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}",
					"type", "relation", "id",
					store_column_text(s, 1), "from",
					store_column_text(s, 3), "relation",
					store_column_text(s, 2), "to",
					store_column_text(s, 4), "note",
					store_column_text(s, 5));
		} else {
			json_error_t jerr;
			json_t *body =
				json_loadb(store_column_text(s, 2),
					   store_column_bytes(s, 2), 0, &jerr);
			obj = json_pack("{s:s, s:s}", "type",
					store_column_text(s, 0), "id",
					store_column_text(s, 1));
			json_object_update(obj, body);
			json_decref(body);
			json_object_set_new(
				obj, "created_at",
				json_string(store_column_text(s, 4)));
			json_object_set_new(
				obj, "updated_at",
				json_string(store_column_text(s, 5)));
			json_object_set_new(
				obj, "version",
				json_integer(store_column_int64(s, 3)));
		}
		char *text = json_dumps(obj, JSON_COMPACT);
		json_decref(obj);
		if (!text) {
			*rc = STORE_ERROR;
			return NULL;
		}
		size_t n = strlen(text);
		char *line = realloc(text, n + 2);
		if (!line) {
			free(text);
			*rc = STORE_ERROR;
			return NULL;
		}
		line[n] = '\n';
		line[n + 1] = '\0';
		return line;
	}
	return NULL;
}

static long export_read(void *cookie, char *buf, size_t max)
{
	struct export *ex = cookie;
	size_t filled = 0;
	while (filled < max) {
		if (ex->line && ex->off == ex->len) {
			free(ex->line);
			ex->line = NULL;
		}
		if (!ex->line) {
			int rc;
			ex->line = export_next_line(ex, &rc);
			if (rc != STORE_OK)
				return -1;
			if (!ex->line)
				break;
			ex->len = strlen(ex->line);
			ex->off = 0;
		}
		size_t n = ex->len - ex->off;
		if (n > max - filled)
			n = max - filled;
		memcpy(buf + filled, ex->line + ex->off, n);
		ex->off += n;
		filled += n;
	}
	return (long)filled;
}

static void export_release(void *cookie)
{
	struct export *ex = cookie;
	if (!ex)
		return;
	free(ex->line);
	store_close(ex->st); /* ends its read transaction too */
	free(ex);
}

int handle_export(const struct request *req, struct reply *rep)
{
	static const char *const allowed[] = {NULL};
	json_t *errors = json_array();
	if (request_check_query(req, allowed, errors))
		return reply_invalid(rep, errors);
	json_decref(errors);
	char err[512];
	struct export *ex = calloc(1, sizeof(*ex));
	struct reply_stream *stream = calloc(1, sizeof(*stream));
	if (ex)
		ex->st = store_open(store_thread_path(), err, sizeof(err));
	if (!ex || !stream || !ex->st || store_begin_read(ex->st) != STORE_OK) {
		export_release(ex);
		free(stream);
		return reply_store_error(rep, STORE_ERROR);
	}
	*stream = (struct reply_stream){export_read, export_release, ex};
	reply_stream(rep, 200, "application/x-ndjson", stream);
	reply_header(rep, "Content-Disposition",
		     "attachment; filename=\"claimline.ndjson\"");
	return 200;
}
