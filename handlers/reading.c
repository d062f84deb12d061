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
	return named_ref(st,
			 "SELECT json_extract(body, '$.name') FROM actors "
			 "WHERE id = ?1",
			 "name", id);
}

json_t *reading_event_ref(struct store *st, const char *id)
{
	return named_ref(st,
			 "SELECT json_extract(body, '$.title') FROM events "
			 "WHERE id = ?1",
			 "title", id);
}

static void set_date(json_t *entry, const char *date)
{
	struct pdate d;
	const char *why;
	json_object_set_new(entry, "date", date ? json_string(date) : json_null());
	json_object_set_new(entry, "precision",
			    date && pdate_parse(date, strlen(date), &d, &why) == 0
				    ? json_string(pdate_precision_name(d.precision))
				    : json_null());
}

int reading_event_entry(struct store *st, const char *id, json_t **out)
{
	json_t *event = NULL;
	int rc = resource_load(st, &event_resource, id, &event, NULL);
	*out = NULL;
	if (rc != STORE_ROW)
		return rc;
	json_t *entry = json_pack("{s:s}", "type", "event");
	set_date(entry, json_string_value(json_object_get(event, "start")));
	json_object_set_new(entry, "event", event);
	json_object_set_new(entry, "part_of",
			    reading_event_ref(st, json_string_value(json_object_get(
							  event, "part_of"))));
	*out = entry;
	return STORE_ROW;
}

int reading_claim_entry(struct store *st, const char *id, json_t **out)
{
	json_t *claim = NULL;
	int rc = resource_load(st, &claim_resource, id, &claim, NULL);
	*out = NULL;
	if (rc != STORE_ROW)
		return rc;
	json_t *entry = json_pack("{s:s}", "type", "claim");
	const char *stated = json_string_value(json_object_get(claim, "stated"));
	const char *source_id = json_string_value(json_object_get(claim, "source"));
	json_t *source = json_null();
	const char *published = NULL;
	if (source_id) {
		json_t *src = NULL;
		if (resource_load(st, &source_resource, source_id, &src, NULL) ==
		    STORE_ROW) {
			json_decref(source);
			source = json_pack("{s:s, s:O, s:O, s:O}", "id", source_id,
					   "title", json_object_get(src, "title"),
					   "url", json_object_get(src, "url"),
					   "published",
					   json_object_get(src, "published"));
			published = json_string_value(
				json_object_get(source, "published"));
		}
		json_decref(src);
	}
	set_date(entry, stated ? stated : published);
	json_object_set_new(entry, "dated_by",
			    stated ? json_string("stated")
			    : published ? json_string("source")
					: json_null());
	json_t *events = json_array();
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(claim, "events"), i, ev)
		json_array_append_new(events,
				      reading_event_ref(st, json_string_value(ev)));
	json_object_set_new(entry, "claim", claim);
	json_object_set_new(entry, "claimant",
			    reading_actor_ref(st, json_string_value(json_object_get(
							  claim, "claimant"))));
	json_object_set_new(entry, "via",
			    reading_actor_ref(st, json_string_value(json_object_get(
							  claim, "via"))));
	json_object_set_new(entry, "events", events);
	json_object_set_new(entry, "source", source);
	*out = entry;
	return STORE_ROW;
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
