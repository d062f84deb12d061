/*
 * Events: what happened.  Their start and end are partial dates; the
 * generic mechanism checks that the end is not before the start and that
 * part_of makes no cycle.
 */
#include "handlers/resource.h"

#include "store/store.h"

/* How sure the record is that it happened; absent means "reported". */
static const char *const event_statuses[] = {
	"reported",
	"confirmed",
	"alleged",
	NULL,
};

static const struct field location_fields[] = {
	{.name = "name", .type = FIELD_STRING},
	{.name = "country", .type = FIELD_COUNTRY},
	{0},
};

static const struct field participant_fields[] = {
	{.name = "actor",
	 .type = FIELD_REF,
	 .flags = FIELD_REQUIRED,
	 .ref = &actor_resource},
	{.name = "role", .type = FIELD_STRING},
	{0},
};

static const struct field event_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "title", .type = FIELD_STRING, .flags = FIELD_REQUIRED},
	{.name = "kind",
	 .type = FIELD_STRING,
	 .flags = FIELD_REQUIRED,
	 .max_len = 100},
	{.name = "start", .type = FIELD_DATE, .flags = FIELD_REQUIRED},
	{.name = "end", .type = FIELD_DATE},
	{.name = "date_text", .type = FIELD_STRING, .max_len = 200},
	{.name = "ongoing", .type = FIELD_BOOL},
	{.name = "status",
	 .type = FIELD_ENUM,
	 .choices = event_statuses,
	 .default_value = "reported"},
	{.name = "location", .type = FIELD_OBJECT, .sub = location_fields},
	{.name = "part_of", .type = FIELD_REF, .ref = &event_resource},
	{.name = "participants",
	 .type = FIELD_OBJECT_LIST,
	 .sub = participant_fields},
	{.name = "tags", .type = FIELD_STRING_LIST, .max_len = 100},
	{.name = "description", .type = FIELD_STRING, .max_len = 100000},
	{0},
};

static const struct filter event_filters[] = {
	{.param = "q",
	 .sql = "contains_ci(json_extract(r.body, '$.title'), :q) OR "
		"contains_ci(json_extract(r.body, '$.description'), :q)"},
	{.param = "kind", .sql = "r.kind = :kind"},
	{.param = "tag",
	 .field = "tags",
	 .sql = "r.seq IN (SELECT event_seq FROM event_tags WHERE tag = :tag)"},
	{.param = "actor",
	 .type = FIELD_REF, /* participants/actor */
	 .sql = "r.seq IN (SELECT event_seq FROM event_actors "
		"WHERE actor_id = :actor)"},
	/* location/country */
	{.param = "country",
	 .type = FIELD_COUNTRY,
	 .sql = "r.country = :country"},
	{.param = "from", .type = FIELD_DATE, .sql = "r.date_hi > :from"},
	{.param = "to",
	 .type = FIELD_DATE,
	 .bound = FILTER_TO,
	 .sql = "r.date_lo < :to"},
	{.param = "part_of", .sql = "r.part_of = :part_of"},
	{.param = "status", .sql = "r.status = :status"},
	{0},
};

/* An ongoing event has no known end: both at once contradict. */
static int event_check(struct write_ctx *ctx)
{
	if (json_is_true(json_object_get(ctx->doc, "ongoing")) &&
	    json_is_string(json_object_get(ctx->doc, "end")))
		errors_add(ctx->errors, "/ongoing",
			   "cannot be true when the event has an end");
	return STORE_OK;
}

static const struct referrer event_referrers[] = {
	{"claim", "events",
	 "SELECT count(*) FROM claim_events WHERE event_id = ?1",
	 "SELECT c.id, (SELECT '/events/' || e.key FROM json_each(c.body, "
	 "'$.events') AS e WHERE e.value = ?1 LIMIT 1) FROM claim_events AS "
	 "ce JOIN claims AS c ON c.seq = ce.claim_seq WHERE ce.event_id = ?1 "
	 "ORDER BY ce.claim_seq LIMIT ?2"},
	{"event", "part_of", "SELECT count(*) FROM events WHERE part_of = ?1",
	 "SELECT id, NULL FROM events WHERE part_of = ?1 ORDER BY seq "
	 "LIMIT ?2"},
	{0},
};

const struct resource event_resource = {
	.name = "event",
	.collection = "events",
	.id_prefix = "evt",
	.fields = event_fields,
	.date_field = "start",
	.end_field = "end",
	.ongoing_field = "ongoing",
	.has_parent = true,
	.sql = {RESOURCE_TABLE_SQL("events")},
	.filters = event_filters,
	.referrers = event_referrers,
	.check = event_check,
};
