/*
 * Shared pieces of the read-back queries: subtrees over part_of, name
 * lookups, and timeline entries.
 */
#include "handlers/reading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "store/store.h"

int reading_subtree(struct store *st, const struct resource *res,
		    const char *root, bool with_parts, char **ids)
{
	*ids = NULL;
	struct store_stmt *s = store_prepare(st, res->sql.exists);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, root);
	int rc = store_step(s);
	store_reset(s);
	if (rc != STORE_ROW)
		return rc;
	if (!with_parts) {
		json_t *one = json_pack("[s]", root);
		*ids = json_dumps(one, JSON_COMPACT);
		json_decref(one);
		return *ids ? STORE_ROW : STORE_ERROR;
	}
	/* UNION (not UNION ALL) stops at rows already seen. */
	s = store_prepare(st, res == &event_resource
		? "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT e.id "
		  "FROM events AS e JOIN sub ON e.part_of = sub.id) "
		  "SELECT json_group_array(id) FROM sub"
		: "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT a.id "
		  "FROM actors AS a JOIN sub ON a.part_of = sub.id) "
		  "SELECT json_group_array(id) FROM sub");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, root);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*ids = strdup(store_column_text(s, 0));
	store_reset(s);
	return rc != STORE_ROW ? rc : *ids ? STORE_ROW : STORE_ERROR;
}

/* {"id": id, key: <json path of the body>} for one row of `sql`. */
static json_t *named_ref(struct store *st, const char *sql, const char *key,
			 const char *id)
{
	if (!id)
		return json_null();
	struct store_stmt *s = store_prepare(st, sql);
	if (!s)
		return json_null();
	store_bind_text(s, 1, id);
	json_t *out = json_null();
	if (store_step(s) == STORE_ROW) {
		json_decref(out);
		out = json_pack("{s:s, s:s?}", "id", id, key,
				store_column_text(s, 0));
	}
	store_reset(s);
	return out;
}

json_t *reading_actor_ref(struct store *st, const char *id)
{
	return named_ref(st, "SELECT name FROM actors WHERE id = ?1", "name",
			 id);
}

json_t *reading_event_ref(struct store *st, const char *id)
{
	return named_ref(st, "SELECT title FROM events WHERE id = ?1", "title",
			 id);
}

/* Appends ,"date":...,"precision":... for a partial date (or nulls). */
static void add_date(struct strbuf *out, const char *date)
{
	struct pdate d;
	const char *why;
	bool valid = date && pdate_parse(date, strlen(date), &d, &why) == 0;
	strbuf_adds(out, ",\"date\":");
	strbuf_add_json_string(out, valid ? date : NULL);
	strbuf_adds(out, ",\"precision\":");
	strbuf_add_json_string(out, valid ? pdate_precision_name(d.precision)
					  : NULL);
}

/* Appends {"id": id, key: name} or null when id is NULL. */
static void add_named_ref(struct strbuf *out, const char *id,
			  const char *key, const char *name)
{
	if (!id) {
		strbuf_adds(out, "null");
		return;
	}
	strbuf_adds(out, "{\"id\":");
	strbuf_add_json_string(out, id);
	strbuf_adds(out, ",\"");
	strbuf_adds(out, key);
	strbuf_adds(out, "\":");
	strbuf_add_json_string(out, name);
	strbuf_addch(out, '}');
}

/* The row columns 0-6 are RESOURCE_COLUMNS, so resource_render can write
 * the resource itself; what follows is what the entry embeds. */
#define EVENT_ENTRY_SQL                                                      \
	"SELECT " RESOURCE_COLUMNS ", json_extract(r.body, '$.start'), p.id, " \
	"p.title FROM events AS r LEFT JOIN events AS p ON p.id = r.part_of " \
	"WHERE r.id = ?1"
#define CLAIM_ENTRY_SQL                                                      \
	"SELECT " RESOURCE_COLUMNS ", r.stated, src.id, src.title, src.url, "  \
	"src.published, a.id, a.name, v.id, v.name, (SELECT "                 \
	"json_group_array(json_object('id', je.value, 'title', e.title)) "    \
	"FROM json_each(r.body, '$.events') AS je LEFT JOIN events AS e ON "  \
	"e.id = je.value) FROM claims AS r LEFT JOIN sources AS src ON "      \
	"src.id = r.source LEFT JOIN actors AS a ON a.id = r.claimant LEFT "  \
	"JOIN actors AS v ON v.id = r.via WHERE r.id = ?1"

/* Columns after RESOURCE_COLUMNS in the entry queries. */
enum {
	EV_START = RESOURCE_NCOLUMNS, EV_PARENT, EV_PARENT_TITLE,
};
enum {
	CL_STATED = RESOURCE_NCOLUMNS, CL_SOURCE, CL_SOURCE_TITLE,
	CL_SOURCE_URL, CL_PUBLISHED, CL_CLAIMANT, CL_CLAIMANT_NAME, CL_VIA,
	CL_VIA_NAME, CL_EVENTS,
};

int reading_event_entry_text(struct store *st, const char *id,
			     struct strbuf *out)
{
	struct store_stmt *s = store_prepare(st, EVENT_ENTRY_SQL);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		strbuf_adds(out, "{\"type\":\"event\"");
		add_date(out, store_column_text(s, EV_START));
		strbuf_adds(out, ",\"event\":");
		int render = resource_render(st, &event_resource, s, out);
		strbuf_adds(out, ",\"part_of\":");
		add_named_ref(out, store_column_text(s, EV_PARENT), "title",
			      store_column_text(s, EV_PARENT_TITLE));
		strbuf_addch(out, '}');
		rc = render == STORE_OK ? STORE_ROW : render;
	}
	store_reset(s);
	return rc;
}

int reading_claim_entry_text(struct store *st, const char *id,
			     struct strbuf *out)
{
	struct store_stmt *s = store_prepare(st, CLAIM_ENTRY_SQL);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	if (rc != STORE_ROW) {
		store_reset(s);
		return rc;
	}
	const char *stated = store_column_text(s, CL_STATED);
	const char *published = store_column_text(s, CL_PUBLISHED);
	strbuf_adds(out, "{\"type\":\"claim\"");
	add_date(out, stated ? stated : published);
	strbuf_adds(out, stated      ? ",\"dated_by\":\"stated\""
			 : published ? ",\"dated_by\":\"source\""
				     : ",\"dated_by\":null");
	strbuf_adds(out, ",\"claim\":");
	rc = resource_render(st, &claim_resource, s, out);
	strbuf_adds(out, ",\"claimant\":");
	add_named_ref(out, store_column_text(s, CL_CLAIMANT), "name",
		      store_column_text(s, CL_CLAIMANT_NAME));
	strbuf_adds(out, ",\"via\":");
	add_named_ref(out, store_column_text(s, CL_VIA), "name",
		      store_column_text(s, CL_VIA_NAME));
	/* [{"id","title"}] of its events, in its order, from the same row. */
	strbuf_adds(out, ",\"events\":");
	strbuf_adds(out, store_column_text(s, CL_EVENTS)
				 ? store_column_text(s, CL_EVENTS)
				 : "[]");
	strbuf_adds(out, ",\"source\":");
	if (store_column_text(s, CL_SOURCE)) {
		strbuf_adds(out, "{\"id\":");
		strbuf_add_json_string(out, store_column_text(s, CL_SOURCE));
		strbuf_adds(out, ",\"title\":");
		strbuf_add_json_string(out, store_column_text(s, CL_SOURCE_TITLE));
		strbuf_adds(out, ",\"url\":");
		strbuf_add_json_string(out, store_column_text(s, CL_SOURCE_URL));
		strbuf_adds(out, ",\"published\":");
		strbuf_add_json_string(out, published);
		strbuf_addch(out, '}');
	} else {
		strbuf_adds(out, "null");
	}
	strbuf_addch(out, '}');
	store_reset(s);
	if (rc == STORE_OK && out->failed)
		rc = STORE_ERROR;
	return rc == STORE_OK ? STORE_ROW : rc;
}

void reading_range(const struct request *req, json_t *errors, int64_t *from,
		   int64_t *to, bool *given)
{
	const char *names[2] = {"from", "to"};
	*from = INT64_MIN;
	*to = INT64_MAX;
	*given = false;
	for (int i = 0; i < 2; i++) {
		const char *v = request_query(req, names[i]);
		struct pdate d;
		const char *why = "";
		if (!v)
			continue;
		*given = true;
		if (pdate_parse(v, strlen(v), &d, &why) != 0) {
			errors_add_param(errors, names[i], "not a date: %s", why);
			continue;
		}
		if (i == 0)
			*from = d.lo_ms;
		else
			*to = d.hi_ms;
	}
	if (*from != INT64_MIN && *to != INT64_MAX && *from >= *to)
		errors_add_param(errors, "to", "ends before from starts");
}

bool reading_bool(const struct request *req, const char *name, json_t *errors)
{
	const char *v = request_query(req, name);
	if (!v || strcmp(v, "false") == 0)
		return false;
	if (strcmp(v, "true") == 0)
		return true;
	errors_add_param(errors, name, "must be true or false");
	return false;
}

void reading_filters_release(struct read_filters *f)
{
	free(f->event_set);
	free(f->actor_set);
	f->event_set = f->actor_set = NULL;
}

void reading_bind_filters(struct store_stmt *s, const struct read_filters *f)
{
	store_bind_int64_named(s, ":from", f->from);
	store_bind_int64_named(s, ":to", f->to);
	store_bind_text_named(s, ":event_set", f->event_set);
	store_bind_text_named(s, ":actor_set", f->actor_set);
	store_bind_text_named(s, ":actor", f->actor);
	store_bind_text_named(s, ":kind", f->kind);
	store_bind_text_named(s, ":tag", f->tag);
	store_bind_text_named(s, ":country", f->country);
	store_bind_text_named(s, ":stance", f->stance);
	store_bind_int64_named(s, ":disputed", f->disputed);
}

const char *reading_stance(const struct request *req, json_t *errors)
{
	static const char *const stances[] = {
		"asserts", "denies", "estimates", "condemns", "withholds", NULL,
	};
	const char *stance = request_query(req, "stance");
	if (!stance)
		return NULL;
	for (size_t i = 0; stances[i]; i++)
		if (strcmp(stances[i], stance) == 0)
			return stance;
	errors_add_param(errors, "stance",
			 "must be asserts, denies, estimates, condemns or "
			 "withholds");
	return NULL;
}

int reading_id_set(const struct request *req, const char *param,
		   const struct resource *res, bool with_parts,
		   json_t *errors, char **set)
{
	const char *value = request_query(req, param);
	if (!value)
		return STORE_OK;
	if (!id_valid(value)) {
		errors_add_param(errors, param, "not a valid id");
		return STORE_OK;
	}
	int rc = reading_subtree(req->store, res, value, with_parts, set);
	if (rc == STORE_DONE)
		errors_add_param(errors, param, "no %s with id \"%s\"",
				 res->name, value);
	return rc < 0 ? rc : STORE_OK;
}

json_t *reading_parse_items(struct strbuf *items)
{
	json_error_t jerr;
	json_t *parsed = items->failed ? NULL
				       : json_loadb(items->buf, items->len, 0, &jerr);
	strbuf_release(items);
	return parsed;
}

int reading_reply_page(const struct request *req, struct reply *rep,
		       const char *key, struct strbuf *items,
		       const char *next_cursor)
{
	struct strbuf page = STRBUF_INIT;
	strbuf_adds(&page, "{\"");
	strbuf_adds(&page, key);
	strbuf_adds(&page, "\":");
	strbuf_add(&page, items->buf, items->len);
	strbuf_adds(&page, ",\"next_cursor\":");
	strbuf_add_json_string(&page, next_cursor);
	strbuf_addch(&page, '}');
	if (items->failed)
		page.failed = true;
	strbuf_release(items);
	list_link_header(req, rep, next_cursor);
	size_t len;
	char *text = strbuf_detach(&page, &len);
	if (!text)
		return reply_store_error(rep, STORE_ERROR);
	return reply_text(rep, 200, "application/json", text, len);
}
