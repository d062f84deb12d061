/*
 * Statement lists (contract section 3): an actor's claims and an event's
 * claims in timeline date order with undated claims last (by id), the
 * include_parts / event / stance / from / to filters, pagination across
 * the dated/undated boundary, and group_by=claimant|stance.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Actors: p-top > p-mid > p-leaf, and q-other.  Events: ev-root > ev-sub >
 * ev-subsub, and ev-x.  Claims (dates are stated unless noted):
 *   s-y     p-top  2024          ev-root     asserts
 *   s-m     p-top  2024-01       ev-subsub   denies
 *   s-t     p-top  2024-01-01T05:00:00+05:00 (= 00:00Z)  -     asserts
 *   s-d     p-mid  2024-01-01    ev-sub      estimates
 *   s-src   p-top  by source published 2024-03   ev-x  asserts
 *   u-b     p-top  undated       ev-root     denies
 *   u-a     p-leaf undated       ev-subsub   asserts
 *   u-c     p-top  undated, source without a date  -  asserts
 *   o-1     q-other 2024-02      ev-sub      condemns
 */
static bool make_store(void)
{
	static const char *const claims[][6] = {
		{"s-y", "p-top", "[\"ev-root\"]", "2024", NULL, "asserts"},
		{"s-m", "p-top", "[\"ev-subsub\"]", "2024-01", NULL, "denies"},
		{"s-t", "p-top", NULL, "2024-01-01T05:00:00+05:00", NULL,
		 "asserts"},
		{"s-d", "p-mid", "[\"ev-sub\"]", "2024-01-01", NULL,
		 "estimates"},
		{"s-src", "p-top", "[\"ev-x\"]", NULL, "src-mar", "asserts"},
		{"u-b", "p-top", "[\"ev-root\"]", NULL, NULL, "denies"},
		{"u-a", "p-leaf", "[\"ev-subsub\"]", NULL, NULL, "asserts"},
		{"u-c", "p-top", NULL, NULL, "src-none", "asserts"},
		{"o-1", "q-other", "[\"ev-sub\"]", "2024-02", NULL, "condemns"},
	};

	if (!(tu_actor("p-top", NULL) && tu_actor("p-mid", "p-top") &&
	      tu_actor("p-leaf", "p-mid") && tu_actor("q-other", NULL) &&
	      tu_source("src-mar", "2024-03") && tu_source("src-none", NULL) &&
	      tu_event("ev-root", "2023", NULL, NULL) &&
	      tu_event("ev-sub", "2023-05", NULL, "ev-root") &&
	      tu_event("ev-subsub", "2023-06", NULL, "ev-sub") &&
	      tu_event("ev-x", "2023", NULL, NULL)))
		return false;
	/* Created in reverse so that creation order tells nothing. */
	for (size_t k = N(claims); k-- > 0;) {
		const char *const *c = claims[k];
		json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}",
					 "id", c[0], "claimant", c[1], "text",
					 tl_fmt("Claim %s", c[0]), "stance",
					 c[5], "stated", c[3], "source", c[4]);
		char *text;

		json_object_set_new(body, "events",
				    c[2] ? json_loads(c[2], 0, NULL)
					 : json_array());
		text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (!tl_create("/v1/claims", tl_fmt("%s", text))) {
			free(text);
			return false;
		}
		free(text);
	}
	return true;
}

struct list_case {
	const char *path;
	const char *want;
};

static void check_cases(const struct list_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *sep = strchr(cases[i].path, '?') ? "&" : "?";
		struct tl_resp *r =
			tl_get(tl_fmt("%s%slimit=500", cases[i].path, sep));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].path);
		CHECK_JSON(r->json, "/next_cursor", "null");
		for (int limit = 1; limit <= 4; limit++) {
			json_t *all = tl_list_all(cases[i].path, limit);

			if (!CHECK_STR(tu_claim_ids(all), cases[i].want))
				fprintf(stderr, "    (%s, walk of %d)\n",
					cases[i].path, limit);
		}
	}
}

static void test_actor_statements_order(struct tl_server *srv)
{
	static const struct list_case cases[] = {
		/* year < month < day/time at the same start; undated last by
		 * id. */
		{"/v1/actors/p-top/statements", "s-y,s-m,s-t,s-src,u-b,u-c"},
		{"/v1/actors/p-top/statements?include_parts=true",
		 "s-y,s-m,s-d,s-t,s-src,u-a,u-b,u-c"},
		{"/v1/actors/p-mid/statements?include_parts=true", "s-d,u-a"},
		{"/v1/actors/p-mid/statements", "s-d"},
		{"/v1/actors/p-leaf/statements", "u-a"},
		{"/v1/actors/q-other/statements", "o-1"},
		{"/v1/actors/p-top/statements?stance=denies", "s-m,u-b"},
		{"/v1/actors/p-top/statements?include_parts=true&stance=asserts",
		 "s-y,s-t,s-src,u-a,u-c"},
		/* event: that event and its sub-events at any depth */
		{"/v1/actors/p-top/statements?event=ev-root", "s-y,s-m,u-b"},
		{"/v1/actors/p-top/statements?event=ev-root&include_parts=true",
		 "s-y,s-m,s-d,u-a,u-b"},
		{"/v1/actors/p-top/statements?event=ev-sub&include_parts=true",
		 "s-m,s-d,u-a"},
		{"/v1/actors/p-top/statements?event=ev-x", "s-src"},
		/* ranges leave undated claims out */
		{"/v1/actors/p-top/statements?from=2024-01-01",
		 "s-y,s-m,s-t,s-src"},
		{"/v1/actors/p-top/statements?from=2024-02", "s-y,s-src"},
		{"/v1/actors/p-top/statements?to=2024-01-01T00:00:00Z",
		 "s-y,s-m,s-t"},
		{"/v1/actors/p-top/statements?include_parts=true&"
		 "from=2024-01-01T00:00:01Z&to=2024-02",
		 "s-y,s-m,s-d"},
	};

	(void)srv;
	REQUIRE(make_store());
	check_cases(cases, N(cases));
	/* Item shape: a timeline claim entry. */
	{
		struct tl_resp *r =
			tl_get("/v1/actors/p-top/statements?stance=asserts&"
			       "from=2024-03&to=2024-03");
		json_t *it = tl_at(r->json, "/items/1");

		CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "s-y,s-src");
		CHECK_JSTR(it, "/type", "claim");
		CHECK_JSTR(it, "/date", "2024-03");
		CHECK_JSTR(it, "/precision", "month");
		CHECK_JSTR(it, "/dated_by", "source");
		CHECK_JSON(it, "/claimant",
			   "{\"id\": \"p-top\", \"name\": \"Actor p-top\"}");
		CHECK_JSON(it, "/events",
			   "[{\"id\": \"ev-x\", \"title\": \"Event ev-x\"}]");
	}
	/* An undated entry has no date. */
	{
		struct tl_resp *r = tl_get("/v1/actors/p-leaf/statements");

		CHECK_JSON(r->json, "/items/0/date", "null");
		CHECK_JSTR(r->json, "/items/0/claim/id", "u-a");
	}
}

static void test_actor_statements_errors(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(make_store());
	CHECK_PROBLEM(tl_get("/v1/actors/nobody/statements"), 404, "not-found");
	CHECK_BAD_PARAM("/v1/actors/p-top/statements?event=nope", "event");
	CHECK_BAD_PARAM("/v1/actors/p-top/statements?group_by=stance",
			"group_by");
	CHECK_BAD_PARAM("/v1/actors/p-top/statements?stance=shouts", "stance");
	CHECK_BAD_PARAM("/v1/actors/p-top/statements?from=2024-02-30", "from");
	CHECK_BAD_PARAM("/v1/actors/p-top/statements?limit=0", "limit");
	r = tl_get("/v1/actors/p-top/statements?cursor=nonsense");
	CHECK_PROBLEM(r, 400, "bad-request");
	/* A timeline cursor is not a statement cursor. */
	r = tl_get("/v1/timeline?limit=1");
	REQUIRE(tl_str(r->json, "/next_cursor"));
	r = tl_get(tl_fmt("/v1/actors/p-top/statements?cursor=%s",
			  tu_esc(tl_str(r->json, "/next_cursor"))));
	CHECK_PROBLEM(r, 400, "bad-request");
}

static void test_undated_last_and_paging_across(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *all;

	(void)srv;
	REQUIRE(make_store());
	/* Page 1 ends on the last dated claim, page 2 is all undated. */
	r = tl_get("/v1/actors/p-top/statements?limit=4");
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "s-y,s-m,s-t,s-src");
	REQUIRE(tl_str(r->json, "/next_cursor"));
	r = tl_get(tl_fmt("/v1/actors/p-top/statements?limit=4&cursor=%s",
			  tu_esc(tl_str(r->json, "/next_cursor"))));
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "u-b,u-c");
	CHECK_JSON(r->json, "/next_cursor", "null");
	/* A claim that gets a date moves from the end into the order, and
	 * a walk with writes between pages stays exact. */
	r = tl_get("/v1/actors/p-top/statements?limit=2");
	REQUIRE(tl_str(r->json, "/next_cursor"));
	CHECK_STATUS(tl_patch("/v1/claims/u-c", "{\"stated\": \"2023\"}"), 200);
	REQUIRE(tu_claim("u-0", "p-top", NULL, NULL, NULL));
	REQUIRE(tu_claim("u-z", "p-top", NULL, NULL, NULL));
	r = tl_get(tl_fmt("/v1/actors/p-top/statements?limit=500&cursor=%s",
			  tu_esc(tl_str(r->json, "/next_cursor"))));
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")),
		  "s-t,s-src,u-0,u-b,u-z");
	all = tl_list_all("/v1/actors/p-top/statements", 3);
	CHECK_STR(tu_claim_ids(all), "u-c,s-y,s-m,s-t,s-src,u-0,u-b,u-z");
}

static void test_event_statements(struct tl_server *srv)
{
	static const struct list_case cases[] = {
		{"/v1/events/ev-root/statements", "s-y,s-m,s-d,o-1,u-a,u-b"},
		{"/v1/events/ev-sub/statements", "s-m,s-d,o-1,u-a"},
		{"/v1/events/ev-subsub/statements", "s-m,u-a"},
		{"/v1/events/ev-x/statements", "s-src"},
		{"/v1/events/ev-root/statements?stance=asserts", "s-y,u-a"},
		{"/v1/events/ev-root/statements?from=2024-01-02",
		 "s-y,s-m,o-1"},
		{"/v1/events/ev-root/statements?to=2024-01", "s-y,s-m,s-d"},
	};

	(void)srv;
	REQUIRE(make_store());
	check_cases(cases, N(cases));
	CHECK_PROBLEM(tl_get("/v1/events/nope/statements"), 404, "not-found");
	{
		struct tl_resp *r =
			tl_get("/v1/events/ev-root/statements?group_by=event");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "group_by");
		r = tl_get("/v1/events/ev-root/statements?actor=p-top");
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "actor");
	}
}

/* "key:id,id;key:id" of a grouped page. */
static const char *groups_text(json_t *groups)
{
	const char *out = "";
	size_t i;
	json_t *g;

	if (!json_is_array(groups))
		return NULL;
	json_array_foreach(groups, i, g) out =
		tl_fmt("%s%s%s:%s", out, *out ? ";" : "", tl_str(g, "/key"),
		       tu_claim_ids(tl_at(g, "/items")));
	return out;
}

static void test_event_statements_group_by(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *g;

	(void)srv;
	REQUIRE(make_store());
	r = tl_get("/v1/events/ev-root/statements?group_by=claimant");
	REQUIRE_STATUS(r, 200);
	CHECK_KEYS(r->json, "groups", "next_cursor");
	g = tl_at(r->json, "/groups");
	/* Groups in order of first appearance, items in date order. */
	CHECK_STR(groups_text(g), "p-top:s-y,s-m,u-b;p-mid:s-d;q-other:o-1;"
				  "p-leaf:u-a");
	CHECK_KEYS(tl_at(g, "/0"), "key", "label", "items");
	CHECK_JSTR(g, "/0/label", "Actor p-top");
	CHECK_JSTR(g, "/2/label", "Actor q-other");
	CHECK_JSTR(g, "/0/items/0/type", "claim");
	CHECK_JSON(r->json, "/next_cursor", "null");

	r = tl_get("/v1/events/ev-root/statements?group_by=stance");
	REQUIRE_STATUS(r, 200);
	g = tl_at(r->json, "/groups");
	CHECK_STR(groups_text(g), "asserts:s-y,u-a;denies:s-m,u-b;"
				  "estimates:s-d;condemns:o-1");
	CHECK_KEYS(tl_at(g, "/1"), "key", "label", "items");

	/* group_by with filters. */
	r = tl_get("/v1/events/ev-sub/statements?group_by=stance&"
		   "stance=asserts");
	CHECK_STR(groups_text(tl_at(r->json, "/groups")), "asserts:u-a");

	/* Groups hold the page's items: pages of 2 follow the list. */
	{
		static const char *const pages[] = {
			"p-top:s-y,s-m",
			"p-mid:s-d;q-other:o-1",
			"p-leaf:u-a;p-top:u-b",
		};
		const char *cursor = NULL;

		for (size_t p = 0; p < N(pages); p++) {
			r = tl_get(
				cursor ? tl_fmt("/v1/events/ev-root/statements?"
						"group_by=claimant&limit=2&cursor=%s",
						tu_esc(cursor))
				       : "/v1/events/ev-root/statements?"
					 "group_by=claimant&limit=2");
			if (!CHECK_STATUS(r, 200))
				break;
			CHECK_STR(groups_text(tl_at(r->json, "/groups")),
				  pages[p]);
			if (p + 1 < N(pages)) {
				if (!CHECK(tl_str(r->json, "/next_cursor")))
					break;
				CHECK(tl_header(r, "Link") != NULL);
				cursor = tl_fmt(
					"%s", tl_str(r->json, "/next_cursor"));
			} else {
				CHECK_JSON(r->json, "/next_cursor", "null");
			}
		}
	}
	/* An empty list has no groups. */
	r = tl_get("/v1/events/ev-x/statements?group_by=stance&stance=denies");
	CHECK_JSON(r->json, "", "{\"groups\": [], \"next_cursor\": null}");
}

/*
 * What an entry embeds, read per page: the claimant's and via's names,
 * its events' titles in the claim's own order (quoted as SQLite's
 * json_object quoted them when each entry was its own query: control
 * characters as lowercase \u00xx), its source, and the source's date when
 * it has no stated date.  Names are read at request time: a renamed event
 * shows its new title.
 */
static void test_entry_names(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *e;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"n-speaker\", \"name\": "
					"\"Sp\\\"eaker\\\\ \\u00e9\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"n-via\", \"name\": "
					"\"Via agency\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"n-src\", \"title\": \"Wire\\tcopy\", "
			  "\"url\": \"https://example.org/w\", \"published\": "
			  "\"2024-05-06\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"n-ev-b\", \"title\": \"B \\u0001\\u001f "
			  "\\\"q\\\" \\\\ \\t\\n\", \"kind\": \"other\", "
			  "\"start\": \"2024\"}"));
	REQUIRE(tl_create("/v1/events", "{\"id\": \"n-ev-a\", \"title\": "
					"\"Event A\", \"kind\": \"other\", "
					"\"start\": \"2024\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"n-c1\", \"claimant\": \"n-speaker\", "
			  "\"via\": \"n-via\", \"events\": [\"n-ev-b\", "
			  "\"n-ev-a\"], \"source\": \"n-src\", \"text\": "
			  "\"Said \\\"this\\\"\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"n-c2\", \"claimant\": \"n-speaker\", "
			  "\"stated\": \"2023-01\", \"text\": \"Earlier\"}"));

	r = tl_get("/v1/actors/n-speaker/statements");
	REQUIRE_STATUS(r, 200);
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "n-c2,n-c1");
	e = tl_at(r->json, "/items/0");
	CHECK_JSON(e, "/claimant",
		   "{\"id\": \"n-speaker\", \"name\": "
		   "\"Sp\\\"eaker\\\\ \\u00e9\"}");
	CHECK_JSON(e, "/via", "null");
	CHECK_JSON(e, "/events", "[]");
	CHECK_JSON(e, "/source", "null");
	CHECK_JSTR(e, "/date", "2023-01");
	CHECK_JSTR(e, "/dated_by", "stated");
	e = tl_at(r->json, "/items/1");
	CHECK_JSTR(e, "/date", "2024-05-06");
	CHECK_JSTR(e, "/precision", "day");
	CHECK_JSTR(e, "/dated_by", "source");
	CHECK_JSON(e, "/via", "{\"id\": \"n-via\", \"name\": \"Via agency\"}");
	CHECK_JSON(e, "/events",
		   "[{\"id\": \"n-ev-b\", \"title\": \"B \\u0001\\u001f "
		   "\\\"q\\\" \\\\ \\t\\n\"}, {\"id\": \"n-ev-a\", \"title\": "
		   "\"Event A\"}]");
	CHECK_JSON(e, "/source",
		   "{\"id\": \"n-src\", \"title\": \"Wire\\tcopy\", \"url\": "
		   "\"https://example.org/w\", \"published\": \"2024-05-06\"}");
	CHECK_JSTR(e, "/claim/text", "Said \"this\"");
	/* The bytes of the events list are those SQLite's json_object
	 * wrote. */
	CHECK(strstr(r->body, "\"title\":\"B \\u0001\\u001f \\\"q\\\" \\\\ "
			      "\\t\\n\"}") != NULL);

	REQUIRE_STATUS(
		tl_patch("/v1/events/n-ev-a", "{\"title\": \"Renamed\"}"), 200);
	r = tl_get("/v1/events/n-ev-a/statements");
	REQUIRE_STATUS(r, 200);
	CHECK_JSTR(r->json, "/items/0/events/1/title", "Renamed");
	CHECK_JSTR(r->json, "/items/0/claimant/name", "Sp\"eaker\\ \u00e9");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_actor_statements_order, TL_SERVER),
		TL_TEST(test_actor_statements_errors, TL_SERVER),
		TL_TEST(test_undated_last_and_paging_across, TL_SERVER),
		TL_TEST(test_event_statements, TL_SERVER),
		TL_TEST(test_event_statements_group_by, TL_SERVER),
		TL_TEST(test_entry_names, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
