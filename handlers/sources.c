/*
 * Sources: where a claim was read.  A source's text is what claim quotes
 * are verified against, so changing the text re-verifies every quote that
 * cites it (in the same transaction) and refuses a change that would
 * orphan one.
 */
#include <stdio.h>
#include <string.h>

#include "common/quote.h"
#include "handlers/claims.h"
#include "handlers/resource.h"
#include "store/store.h"

static const char *const source_kinds[] = {
	"news_article", "official_statement", "report", "social_media", "other",
	NULL,
};

static const struct field source_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "title", .type = FIELD_STRING, .flags = FIELD_REQUIRED},
	{.name = "url", .type = FIELD_URL},
	{.name = "publisher", .type = FIELD_STRING},
	{.name = "published", .type = FIELD_DATE},
	{.name = "kind",
	 .type = FIELD_ENUM,
	 .choices = source_kinds,
	 .default_value = "other"},
	{.name = "language", .type = FIELD_LANGUAGE},
	{.name = "text", .type = FIELD_STRING, .max_len = 900000},
	{0},
};

static const struct filter source_filters[] = {
	{.param = "q",
	 .sql = "contains_ci(json_extract(r.body, '$.title'), :q) OR "
		"contains_ci(r.publisher, :q)"},
	{.param = "kind", .sql = "r.kind = :kind"},
	{.param = "publisher", .sql = "r.publisher = :publisher"},
	{.param = "language", .sql = "r.language = :language"},
	{0},
};

static const struct referrer source_referrers[] = {
	{"claim", "source", "SELECT count(*) FROM claims WHERE source = ?1",
	 "SELECT id, NULL FROM claims WHERE source = ?1 ORDER BY seq "
	 "LIMIT ?2"},
	{0},
};

static int source_after_write(struct write_ctx *ctx)
{
	return claims_reverify_quotes(
		ctx->store, ctx->id,
		json_string_value(json_object_get(ctx->doc, "text")),
		ctx->conflict, sizeof(ctx->conflict));
}

const struct resource source_resource = {
	.name = "source",
	.collection = "sources",
	.id_prefix = "src",
	.fields = source_fields,
	.date_field = "published",
	.sql = {RESOURCE_TABLE_SQL("sources")},
	.filters = source_filters,
	.referrers = source_referrers,
	.after_write = source_after_write,
};
