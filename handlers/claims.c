/*
 * Claims: who said what.  Beyond the generic mechanism a claim checks its
 * quantity's bounds, verifies its quote against the source's text (storing
 * where it was found as quote_span), and shows its relations and whether
 * it is disputed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/quote.h"
#include "common/strbuf.h"
#include "handlers/claims.h"
#include "handlers/resource.h"
#include "store/store.h"

static const char *const claim_stances[] = {
	"asserts", "denies", "estimates", "condemns", "withholds", NULL,
};

static const char *const claim_verdicts[] = {
	"true",	 "mostly_true",	 "mixed", "mostly_false",
	"false", "unverifiable", NULL,
};

static const struct field quantity_fields[] = {
	{.name = "value", .type = FIELD_NUMBER},
	{.name = "low", .type = FIELD_NUMBER},
	{.name = "high", .type = FIELD_NUMBER},
	{.name = "unit",
	 .type = FIELD_STRING,
	 .flags = FIELD_REQUIRED,
	 .max_len = 100},
	{.name = "approximate", .type = FIELD_BOOL},
	/* What is counted: a slug (claim_check), so that figures about
	 * the same thing can be put side by side. */
	{.name = "measure", .type = FIELD_STRING, .max_len = 64},
	{0},
};

static const struct field claim_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "claimant",
	 .type = FIELD_REF,
	 .flags = FIELD_REQUIRED,
	 .ref = &actor_resource},
	{.name = "events", .type = FIELD_REF_LIST, .ref = &event_resource},
	{.name = "stated", .type = FIELD_DATE},
	/* The date as the source wrote it ("mid-December"). */
	{.name = "date_text", .type = FIELD_STRING, .max_len = 200},
	{.name = "stance",
	 .type = FIELD_ENUM,
	 .choices = claim_stances,
	 .default_value = "asserts"},
	{.name = "text",
	 .type = FIELD_STRING,
	 .flags = FIELD_REQUIRED,
	 .max_len = 100000},
	{.name = "quote", .type = FIELD_STRING, .max_len = 100000},
	{.name = "source", .type = FIELD_REF, .ref = &source_resource},
	{.name = "via", .type = FIELD_REF, .ref = &actor_resource},
	{.name = "quantity", .type = FIELD_OBJECT, .sub = quantity_fields},
	{.name = "verdict", .type = FIELD_ENUM, .choices = claim_verdicts},
	{.name = "quote_span", .type = FIELD_COMPUTED},
	{.name = "disputed", .type = FIELD_COMPUTED},
	{.name = "relations", .type = FIELD_COMPUTED},
	{0},
};

static const struct filter claim_filters[] = {
	/* The expression claims_claimant_entry indexes, not the generated
	 * column: a generated column makes SQLite read the table row, so
	 * the index would not cover the page. */
	{.param = "claimant",
	 .sql = "json_extract(r.body, '$.claimant') = :claimant"},
	{.param = "event",
	 .field = "events",
	 .sql = "r.seq IN (SELECT claim_seq FROM claim_events "
		"WHERE event_id = :event)"},
	{.param = "source", .sql = "r.source = :source"},
	{.param = "stance", .sql = "r.stance = :stance"},
	{.param = "verdict", .sql = "r.verdict = :verdict"},
	{.param = "disputed",
	 .type = FIELD_BOOL, /* computed */
	 .sql = "r.disputed = :disputed"},
	{.param = "from", .field = "stated", .sql = "r.date_hi > :from"},
	{.param = "to",
	 .field = "stated",
	 .bound = FILTER_TO,
	 .sql = "r.date_lo < :to"},
	{.param = "q",
	 .sql = "contains_ci(json_extract(r.body, '$.text'), :q) OR "
		"contains_ci(json_extract(r.body, '$.quote'), :q)"},
	{0},
};

/* Looks the quote up in the text; sets `span` (new) or adds the error. */
static int find_quote(const char *text, const char *quote, json_t **span)
{
	size_t start = 0, end = 0;
	int found = quote_find(text, quote, &start, &end);
	*span = found == 1 ? json_pack("{s:I, s:I}", "start", (json_int_t)start,
				       "end", (json_int_t)end)
			   : NULL;
	return found;
}

/* The text of source `id`, copied (free it), or NULL when it has none. */
static char *source_text(struct store *st, const char *id, int *rc)
{
	json_t *src = NULL;
	*rc = resource_load(st, &source_resource, id, &src, NULL);
	const char *text = json_string_value(json_object_get(src, "text"));
	char *copy = text ? strdup(text) : NULL;
	json_decref(src);
	*rc = *rc == STORE_ROW || *rc == STORE_DONE ? STORE_OK : *rc;
	return copy;
}

/* ^[a-z][a-z0-9_]{0,63}$ */
static bool measure_valid(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	size_t n = 1;
	for (s++; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return n <= 64;
}

/* A quantity needs no number: a claim that withholds a figure records
 * what it withheld (measure, unit) and nothing else, and a figure can be
 * named before it is known, whatever the stance. */
static int claim_check(struct write_ctx *ctx)
{
	json_t *q = json_object_get(ctx->doc, "quantity");
	if (json_is_object(q)) {
		const char *measure =
			json_string_value(json_object_get(q, "measure"));
		if (measure && !measure_valid(measure))
			errors_add(ctx->errors, "/quantity/measure",
				   "not a slug: a lower-case letter, then up "
				   "to 63 lower-case letters, digits or '_'");
		json_t *low = json_object_get(q, "low");
		json_t *value = json_object_get(q, "value");
		json_t *high = json_object_get(q, "high");
		if (json_is_number(low) && json_is_number(value) &&
		    json_number_value(low) > json_number_value(value))
			errors_add(ctx->errors, "/quantity/low",
				   "greater than value");
		if (json_is_number(value) && json_is_number(high) &&
		    json_number_value(value) > json_number_value(high))
			errors_add(ctx->errors, "/quantity/high",
				   "less than value");
		if (json_is_number(low) && json_is_number(high) &&
		    json_number_value(low) > json_number_value(high))
			errors_add(ctx->errors, "/quantity/high",
				   "less than low");
	}

	const char *quote =
		json_string_value(json_object_get(ctx->doc, "quote"));
	const char *source =
		json_string_value(json_object_get(ctx->doc, "source"));
	if (!quote || !source)
		return STORE_OK;
	int rc;
	char *text = source_text(ctx->store, source, &rc);
	if (text) {
		json_t *span = NULL;
		int found = find_quote(text, quote, &span);
		if (found == 1)
			json_object_set_new(ctx->computed, "quote_span", span);
		else if (found == 0)
			errors_add(ctx->errors, "/quote",
				   "not found in the text of source \"%s\"",
				   source);
		else
			rc = STORE_ERROR;
	}
	free(text);
	return rc;
}

int claims_reverify_quotes(struct store *st, const char *source_id,
			   const char *text, char *conflict, size_t conflictsz)
{
	struct store_stmt *s = store_prepare(
		st, "SELECT seq, id, json_extract(body, '$.quote'), computed "
		    "FROM claims WHERE source = ?1 AND "
		    "json_extract(body, '$.quote') IS NOT NULL");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, source_id);
	int rc;
	json_t *updates = json_array();
	while ((rc = store_step(s)) == STORE_ROW) {
		json_t *span = NULL;
		if (text &&
		    find_quote(text, store_column_text(s, 2), &span) != 1) {
			snprintf(conflict, conflictsz,
				 "the new text of source \"%s\" no longer "
				 "contains the quote of claim \"%s\"",
				 source_id, store_column_text(s, 1));
			rc = STORE_DONE;
			break;
		}
		json_array_append_new(
			updates, json_pack("{s:I, s:o}", "seq",
					   (json_int_t)store_column_int64(s, 0),
					   "span", span ? span : json_null()));
	}
	store_reset(s);
	if (rc != STORE_DONE || conflict[0])
		goto done;
	size_t i;
	json_t *u;
	json_array_foreach(updates, i, u)
	{
		json_t *span = json_object_get(u, "span");
		char *computed =
			json_is_null(span)
				? NULL
				: json_dumps(json_pack("{s:O}", "quote_span",
						       span),
					     JSON_COMPACT);
		s = store_prepare(
			st, "UPDATE claims SET computed = ?2 WHERE seq = ?1");
		if (s) {
			store_bind_int64(
				s, 1,
				json_integer_value(json_object_get(u, "seq")));
			store_bind_text(s, 2, computed);
		}
		rc = store_exec_stmt(s);
		free(computed);
		if (rc != STORE_OK)
			goto done;
	}
	rc = STORE_OK;
done:
	json_decref(updates);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* quote_span (stored), disputed and relations (from the relations
 * table), in the order of the claim's fields. */
static int claim_render_computed(struct store *st, int64_t seq,
				 const char *computed, int64_t links,
				 struct strbuf *out)
{
	strbuf_adds(out, ",\"quote_span\":");
	/* The stored computed fields are written by json_dumps(COMPACT);
	 * when quote_span is all they hold, its text is the span as
	 * json_dumps writes it, and is spliced in without a parse. */
	static const char span_only[] = "{\"quote_span\":";
	size_t n = computed ? strlen(computed) : 0;
	if (n > sizeof(span_only) && computed[n - 1] == '}' &&
	    memcmp(computed, span_only, sizeof(span_only) - 1) == 0 &&
	    computed[sizeof(span_only) - 1] == '{' &&
	    memchr(computed, '}', n - 1) == computed + n - 2) {
		strbuf_add(out, computed + sizeof(span_only) - 1,
			   n - sizeof(span_only));
	} else {
		json_t *stored = NULL;
		if (computed) {
			json_error_t jerr;
			stored = json_loads(computed, 0, &jerr);
		}
		json_t *span = json_object_get(stored, "quote_span");
		char *span_text = span ? json_dumps(span, JSON_COMPACT) : NULL;
		strbuf_adds(out, span_text ? span_text : "null");
		free(span_text);
		json_decref(stored);
	}
	/* Most claims are in no relation: no query for them. */
	if (links == 0) {
		strbuf_adds(out, ",\"disputed\":false,\"relations\":[]");
		return STORE_OK;
	}

	struct store_stmt *s = store_prepare(
		st,
		"SELECT r.id, r.type, c.id, CASE WHEN r.type IN ('contradicts', "
		"'supports') THEN 'both' WHEN r.from_seq = ?1 THEN 'out' ELSE "
		"'in' END, r.note FROM relations AS r JOIN claims AS c ON c.seq "
		"= CASE WHEN r.from_seq = ?1 THEN r.to_seq ELSE r.from_seq END "
		"WHERE r.from_seq = ?1 OR r.to_seq = ?1 ORDER BY r.seq");
	if (!s)
		return STORE_ERROR;
	store_bind_int64(s, 1, seq);
	struct strbuf relations = STRBUF_INIT;
	bool disputed = false;
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *type = store_column_text(s, 1);
		disputed = disputed || strcmp(type, "contradicts") == 0;
		strbuf_adds(&relations,
			    relations.len ? ",{\"id\":" : "{\"id\":");
		strbuf_add_json_string(&relations, store_column_text(s, 0));
		strbuf_adds(&relations, ",\"type\":");
		strbuf_add_json_string(&relations, type);
		strbuf_adds(&relations, ",\"claim\":");
		strbuf_add_json_string(&relations, store_column_text(s, 2));
		strbuf_adds(&relations, ",\"direction\":");
		strbuf_add_json_string(&relations, store_column_text(s, 3));
		strbuf_adds(&relations, ",\"note\":");
		strbuf_add_json_string(&relations, store_column_text(s, 4));
		strbuf_addch(&relations, '}');
	}
	store_reset(s);
	strbuf_adds(out, disputed ? ",\"disputed\":true,\"relations\":["
				  : ",\"disputed\":false,\"relations\":[");
	if (relations.len)
		strbuf_add(out, relations.buf, relations.len);
	strbuf_addch(out, ']');
	strbuf_release(&relations);
	return rc == STORE_DONE ? STORE_OK : rc;
}

static const struct referrer claim_referrers[] = {
	{0}, /* a claim's relations go with it */
};

const struct resource claim_resource = {
	.name = "claim",
	.collection = "claims",
	.id_prefix = "clm",
	.fields = claim_fields,
	.date_field = "stated",
	.sql = {RESOURCE_TABLE_SQL("claims")},
	.filters = claim_filters,
	.referrers = claim_referrers,
	.check = claim_check,
	.before_delete = relations_before_claim_delete,
	.render_computed = claim_render_computed,
};
