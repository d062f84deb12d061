/*
 * Disputes (contract section 3): every contradicts relation once, in the
 * order they were recorded, with both claims (from, to), their claimants,
 * the events they are about and the note; other relation types left out;
 * the event (sub-events included), actor (include_parts), from and to
 * filters; pagination.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <string.h>

#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "a>b,c>d" for the claims of each dispute. */
static const char *pairs(json_t *items)
{
	const char *out = "";
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return NULL;
	json_array_foreach(items, i, it)
	{
		const char *a = tl_str(it, "/claims/0/id");
		const char *b = tl_str(it, "/claims/1/id");

		out = tl_fmt("%s%s%s>%s", out, *out ? "," : "", a ? a : "?",
			     b ? b : "?");
		CHECK_INT(json_array_size(tl_at(it, "/claims")), 2);
	}
	return out;
}

/* Actors g-top > g-mid > g-leaf, h-other.  Events ev-r > ev-s > ev-t, and
 * ev-z.  Relations, in creation order:
 *   c-a > c-b  contradicts "note one"   (ev-t / ev-z; 2024-01 / 2024-06)
 *   c-a ~ c-c  supports                 (not a dispute)
 *   c-d > c-c  contradicts, no note     (ev-z / -;    2023 / source 2025-02)
 *   c-e > c-f  contradicts "three"      (ev-r / ev-r; 2024-03-01 / undated)
 */
static bool make_store(const char **rels)
{
	static const char *const claims[][5] = {
		{"c-a", "g-leaf", "[\"ev-t\"]", "2024-01", NULL},
		{"c-b", "h-other", "[\"ev-z\"]", "2024-06", NULL},
		{"c-c", "h-other", "[]", NULL, "src-feb"},
		{"c-d", "g-top", "[\"ev-z\"]", "2023", NULL},
		{"c-e", "g-mid", "[\"ev-r\", \"ev-s\"]", "2024-03-01", NULL},
		{"c-f", "h-other", "[\"ev-r\"]", NULL, NULL},
		{"c-g", "g-top", "[\"ev-r\"]", "2024-03", NULL},
	};

	if (!(tu_actor("g-top", NULL) && tu_actor("g-mid", "g-top") &&
	      tu_actor("g-leaf", "g-mid") && tu_actor("h-other", NULL) &&
	      tu_source("src-feb", "2025-02") &&
	      tu_event("ev-r", "2024", NULL, NULL) &&
	      tu_event("ev-s", "2024-01", NULL, "ev-r") &&
	      tu_event("ev-t", "2024-01-05", NULL, "ev-s") &&
	      tu_event("ev-z", "2024", NULL, NULL)))
		return false;
	for (size_t k = 0; k < N(claims); k++)
		if (!tu_claim(claims[k][0], claims[k][1], claims[k][2],
			      claims[k][3], claims[k][4]))
			return false;
	rels[0] = tu_contradicts("c-a", "c-b", "note one");
	{
		struct tl_resp *r = tl_post("/v1/claims/c-a/relations",
					    "{\"type\": \"supports\", "
					    "\"claim\": \"c-c\"}");
		if (!CHECK_STATUS(r, 201))
			return false;
	}
	rels[1] = tu_contradicts("c-d", "c-c", NULL);
	rels[2] = tu_contradicts("c-e", "c-f", "three");
	return rels[0] && rels[1] && rels[2];
}

static void test_each_dispute_once(struct tl_server *srv)
{
	const char *rels[3];
	struct tl_resp *r;
	json_t *items, *it;

	(void)srv;
	REQUIRE(make_store(rels));
	r = tl_get("/v1/disputes");
	REQUIRE_STATUS(r, 200);
	CHECK_JSON(r->json, "/next_cursor", "null");
	items = tl_at(r->json, "/items");
	CHECK_STR(pairs(items), "c-a>c-b,c-d>c-c,c-e>c-f");
	it = tl_at(items, "/0");
	CHECK_KEYS(it, "relation", "claims", "claimants", "events", "note");
	CHECK_JSTR(it, "/relation", rels[0]);
	CHECK_JSTR(it, "/note", "note one");
	CHECK_JSTR(it, "/claims/0/text", "Claim c-a");
	CHECK_JSON(it, "/claims/0/disputed", "true");
	CHECK_JSON(it, "/claims/1/disputed", "true");
	CHECK_JSON(it, "/claimants",
		   "[{\"id\": \"g-leaf\", \"name\": \"Actor g-leaf\"}, "
		   "{\"id\": \"h-other\", \"name\": \"Actor h-other\"}]");
	CHECK_JSON(it, "/events",
		   "[{\"id\": \"ev-t\", \"title\": \"Event ev-t\"}, "
		   "{\"id\": \"ev-z\", \"title\": \"Event ev-z\"}]");
	it = tl_at(items, "/1");
	CHECK_JSTR(it, "/relation", rels[1]);
	CHECK_JSON(it, "/note", "null");
	CHECK_JSON(it, "/events",
		   "[{\"id\": \"ev-z\", \"title\": \"Event ev-z\"}]");
	it = tl_at(items, "/2");
	CHECK_JSTR(it, "/relation", rels[2]);
	CHECK_JSTR(it, "/note", "three");
	/* Both claims about ev-r: listed once. */
	CHECK_JSON(it, "/events",
		   "[{\"id\": \"ev-r\", \"title\": \"Event ev-r\"}, "
		   "{\"id\": \"ev-s\", \"title\": \"Event ev-s\"}]");

	/* Pages of 1 walk the same list. */
	CHECK_STR(pairs(tl_list_all("/v1/disputes", 1)),
		  "c-a>c-b,c-d>c-c,c-e>c-f");
	CHECK_STR(pairs(tl_list_all("/v1/disputes", 2)),
		  "c-a>c-b,c-d>c-c,c-e>c-f");

	/* A relation deleted is no dispute; a new one comes last. */
	CHECK_STATUS(tl_delete(tl_fmt("/v1/claims/c-d/relations/%s", rels[1])),
		     204);
	REQUIRE(tu_contradicts("c-g", "c-a", "late"));
	r = tl_get("/v1/disputes");
	CHECK_STR(pairs(tl_at(r->json, "/items")), "c-a>c-b,c-e>c-f,c-g>c-a");
	/* A deleted claim takes its disputes with it. */
	CHECK_STATUS(tl_delete("/v1/claims/c-f"), 204);
	r = tl_get("/v1/disputes");
	CHECK_STR(pairs(tl_at(r->json, "/items")), "c-a>c-b,c-g>c-a");
}

static void test_dispute_filters(struct tl_server *srv)
{
	static const struct {
		const char *query;
		const char *want;
	} cases[] = {
		{"event=ev-r", "c-a>c-b,c-e>c-f"},
		{"event=ev-s", "c-a>c-b,c-e>c-f"},
		{"event=ev-t", "c-a>c-b"},
		{"event=ev-z", "c-a>c-b,c-d>c-c"},
		{"actor=h-other", "c-a>c-b,c-d>c-c,c-e>c-f"},
		{"actor=g-top", "c-d>c-c"},
		{"actor=g-top&include_parts=true", "c-a>c-b,c-d>c-c,c-e>c-f"},
		{"actor=g-mid&include_parts=true", "c-a>c-b,c-e>c-f"},
		{"actor=g-leaf", "c-a>c-b"},
		{"actor=g-mid", "c-e>c-f"},
		/* Either claim in the range; c-f is undated, c-c dated by its
		 * source (2025-02). */
		{"from=2025", "c-d>c-c"},
		{"from=2024-06", "c-a>c-b,c-d>c-c"},
		{"to=2023-12", "c-d>c-c"},
		{"from=2024-02&to=2024-03", "c-e>c-f"},
		{"from=2024-02-02&to=2024-02-20", ""},
		{"event=ev-r&actor=g-leaf", "c-a>c-b"},
		{"event=ev-z&from=2024-06-30", "c-a>c-b,c-d>c-c"},
		{"event=ev-z&to=2023-06", "c-d>c-c"},
	};

	const char *rels[3];

	(void)srv;
	REQUIRE(make_store(rels));
	for (size_t i = 0; i < N(cases); i++) {
		const char *path = tl_fmt("/v1/disputes?%s", cases[i].query);
		struct tl_resp *r = tl_get(path);

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(pairs(tl_at(r->json, "/items")), cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].query);
		if (!CHECK_STR(pairs(tl_list_all(path, 1)), cases[i].want))
			fprintf(stderr, "    (%s, walk)\n", cases[i].query);
	}
	static const char *const bad[] = {"event=nope",		 "actor=nope",
					  "from=2024-13",	 "bogus=1",
					  "include_parts=maybe", "limit=501"};
	static const char *const param[] = {"event", "actor",	      "from",
					    "bogus", "include_parts", "limit"};
	for (size_t i = 0; i < N(bad); i++) {
		struct tl_resp *r = tl_get(tl_fmt("/v1/disputes?%s", bad[i]));

		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (%s)\n", bad[i]);
		CHECK_PARAM_AT(r, param[i]);
	}
	CHECK_PROBLEM(tl_get("/v1/disputes?cursor=zzz"), 400, "bad-request");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_each_dispute_once, TL_SERVER),
		TL_TEST(test_dispute_filters, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
