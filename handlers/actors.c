/*
 * Actors: who speaks or acts.  Everything here is description; the
 * generic mechanism in resource.c does the work.
 */
#include "handlers/resource.h"

static const char *const actor_kinds[] = {
	"state", "government", "military", "organization", "person",
	"media", "group",      "unknown",  NULL,
};

static const struct field actor_fields[] = {
	{.name = "id", .type = FIELD_ID},
	{.name = "name", .type = FIELD_STRING, .flags = FIELD_REQUIRED},
	{.name = "kind",
	 .type = FIELD_ENUM,
	 .choices = actor_kinds,
	 .default_value = "unknown"},
	{.name = "country", .type = FIELD_COUNTRY},
	{.name = "part_of", .type = FIELD_REF, .ref = &actor_resource},
	{.name = "aliases", .type = FIELD_STRING_LIST},
	{.name = "description", .type = FIELD_STRING, .max_len = 100000},
	{0},
};

static const struct filter actor_filters[] = {
	{.param = "q",
	 .sql = "contains_ci(json_extract(r.body, '$.name'), :q) OR EXISTS "
		"(SELECT 1 FROM json_each(r.body, '$.aliases') "
		"WHERE contains_ci(value, :q))"},
	{.param = "kind", .sql = "r.kind = :kind"},
	{.param = "country", .sql = "r.country = :country"},
	{.param = "part_of", .sql = "r.part_of = :part_of"},
	{0},
};

static const struct referrer actor_referrers[] = {
	/* The expression claims_claimant_entry indexes: counted and listed
	 * from the index alone. */
	{"claim", "claimant",
	 "SELECT count(*) FROM claims WHERE json_extract(body, '$.claimant') "
	 "= ?1",
	 "SELECT id, NULL FROM claims WHERE json_extract(body, '$.claimant') "
	 "= ?1 ORDER BY seq LIMIT ?2"},
	{"claim", "via", "SELECT count(*) FROM claims WHERE via = ?1",
	 "SELECT id, NULL FROM claims WHERE via = ?1 ORDER BY seq LIMIT ?2"},
	{"actor", "part_of", "SELECT count(*) FROM actors WHERE part_of = ?1",
	 "SELECT id, NULL FROM actors WHERE part_of = ?1 ORDER BY seq "
	 "LIMIT ?2"},
	{"event", "participants",
	 "SELECT count(*) FROM event_actors WHERE actor_id = ?1",
	 "SELECT e.id, (SELECT '/participants/' || p.key || '/actor' FROM "
	 "json_each(e.body, '$.participants') AS p WHERE "
	 "json_extract(p.value, '$.actor') = ?1 LIMIT 1) FROM event_actors "
	 "AS a JOIN events AS e ON e.seq = a.event_seq WHERE a.actor_id = ?1 "
	 "ORDER BY a.event_seq LIMIT ?2"},
	{0},
};

const struct resource actor_resource = {
	.name = "actor",
	.collection = "actors",
	.id_prefix = "act",
	.fields = actor_fields,
	.has_parent = true,
	.sql = {RESOURCE_TABLE_SQL("actors")},
	.filters = actor_filters,
	.referrers = actor_referrers,
};
