/*
 * Lists and pagination (contract section 1, "Lists and pagination"):
 * walking all pages at every small limit gives the full list once and in
 * order, the Link header and next_cursor agree and keep the filters,
 * limit bounds and default, bad cursors, and walks with writes between
 * the pages.
 */
#include "tests/lib/testlib.h"

#include <curl/curl.h>
#include <string.h>

/* Makes `n` actors a00.. in creation order, every third a person. */
static bool make_actors(int n)
{
	for (int i = 0; i < n; i++)
		if (!tl_create(
			    "/v1/actors",
			    tl_fmt("{\"id\": \"a%02d\", \"name\": \"Actor %d\", "
				   "\"kind\": \"%s\"}",
				   i, i, i % 3 == 0 ? "person" : "state")))
			return false;
	return true;
}

/* "a00,a01,..." for the actors `first`..`last` with step `step`. */
static const char *ids(int first, int last, int step)
{
	const char *s = "";

	for (int i = first; i <= last; i += step)
		s = tl_fmt("%s%sa%02d", s, *s ? "," : "", i);
	return s;
}

static void test_walk_every_limit(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(make_actors(23));
	for (int limit = 1; limit <= 7; limit++) {
		json_t *all = tl_list_all("/v1/actors", limit);

		if (!CHECK(all != NULL))
			continue;
		if (!CHECK_STR(tl_ids(all), ids(0, 22, 1)))
			fprintf(stderr, "    (limit %d)\n", limit);
	}
	/* One page holding everything has no next page. */
	{
		struct tl_resp *r = tl_get("/v1/actors?limit=23");

		CHECK_INT(json_array_size(tl_at(r->json, "/items")), 23);
		CHECK_JSON(r->json, "/next_cursor", "null");
		CHECK(tl_header(r, "Link") == NULL);
	}
	/* Filters walk the same way. */
	for (int limit = 1; limit <= 4; limit++) {
		json_t *all = tl_list_all("/v1/actors?kind=person", limit);

		CHECK_STR(tl_ids(all), ids(0, 21, 3));
	}
}

/* The URL between < and > of a Link header with rel="next". */
static const char *link_target(const char *link)
{
	const char *lt, *gt;

	if (!link || !strstr(link, "rel=\"next\""))
		return NULL;
	lt = strchr(link, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (!gt)
		return NULL;
	return tl_fmt("%.*s", (int)(gt - lt - 1), lt + 1);
}

static void test_link_header_keeps_parameters(struct tl_server *srv)
{
	struct tl_resp *p1, *p2, *via_cursor;
	const char *next, *esc_cursor;
	char *esc;

	(void)srv;
	REQUIRE(make_actors(12));
	p1 = tl_get("/v1/actors?kind=person&limit=2");
	REQUIRE_STATUS(p1, 200);
	CHECK_STR(tl_ids(tl_at(p1->json, "/items")), "a00,a03");
	REQUIRE(json_is_string(tl_at(p1->json, "/next_cursor")));
	next = link_target(tl_header(p1, "Link"));
	REQUIRE(next != NULL);
	CHECK(strncmp(next, "/v1/actors?", 11) == 0);
	CHECK(strstr(next, "kind=person") != NULL);
	CHECK(strstr(next, "limit=2") != NULL);
	esc = curl_easy_escape(NULL, tl_str(p1->json, "/next_cursor"), 0);
	esc_cursor = tl_fmt("cursor=%s", esc);
	curl_free(esc);
	CHECK(strstr(next, esc_cursor) != NULL ||
	      strstr(next, tl_fmt("cursor=%s",
				  tl_str(p1->json, "/next_cursor"))) != NULL);

	/* Following the Link gives the same page as the cursor does. */
	p2 = tl_get(next);
	CHECK_STATUS(p2, 200);
	CHECK_STR(tl_ids(tl_at(p2->json, "/items")), "a06,a09");
	via_cursor =
		tl_get(tl_fmt("/v1/actors?kind=person&limit=2&%s", esc_cursor));
	CHECK_SAME(via_cursor->json, p2->json);
	/* a09 is the last person: no next page, no next link. */
	CHECK_JSON(p2->json, "/next_cursor", "null");
	CHECK(link_target(tl_header(p2, "Link")) == NULL);
}

static void test_limit_bounds_and_default(struct tl_server *srv)
{
	static const char *const bad[] = {
		"0", "501", "-1",  "abc",
		"",  "1.5", "10x", "99999999999999999999"};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(make_actors(51));
	r = tl_get("/v1/actors");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 50);
	CHECK(json_is_string(tl_at(r->json, "/next_cursor")));
	CHECK(link_target(tl_header(r, "Link")) != NULL);
	r = tl_get("/v1/actors?limit=1");
	CHECK_STR(tl_ids(tl_at(r->json, "/items")), "a00");
	r = tl_get("/v1/actors?limit=500");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 51);
	CHECK_JSON(r->json, "/next_cursor", "null");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tl_get(tl_fmt("/v1/actors?limit=%s", bad[i]));
		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (limit=%s)\n", bad[i]);
		CHECK_PARAM_AT(r, "limit");
	}
	CHECK_BAD_PARAM("/v1/claims?limit=501", "limit");
	CHECK_BAD_PARAM("/v1/actors?bogus=1", "bogus");
}

static void test_bad_cursor_is_400(struct tl_server *srv)
{
	static const char *const bad[] = {"garbage", "AAAA",	    "%00",
					  "-1",	     "eyJpZCI6MX0", "%FF%FE"};
	struct tl_resp *r;
	const char *cursor;

	(void)srv;
	REQUIRE(make_actors(3));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tl_get(tl_fmt("/v1/actors?cursor=%s", bad[i]));
		if (!CHECK_PROBLEM(r, 400, "bad-request"))
			fprintf(stderr, "    (cursor=%s)\n", bad[i]);
	}
	/* A real cursor with a byte flipped is no cursor either. */
	r = tl_get("/v1/actors?limit=1");
	cursor = tl_str(r->json, "/next_cursor");
	REQUIRE(cursor != NULL && *cursor);
	{
		char *mangled = (char *)tl_fmt("%s", cursor);
		char *esc;

		mangled[strlen(mangled) / 2] ^= 0x01;
		if (strcmp(mangled, cursor) != 0) {
			esc = curl_easy_escape(NULL, mangled, 0);
			r = tl_get(tl_fmt("/v1/actors?limit=1&cursor=%s", esc));
			curl_free(esc);
			CHECK(r->status == 400 || r->status == 200);
			if (r->status == 200)
				/* if it decodes, it must still be a valid page */
				CHECK(json_is_array(tl_at(r->json, "/items")));
		}
	}
}

static void test_walk_with_writes_between_pages(struct tl_server *srv)
{
	json_t *seen = tl_json("[]");
	const char *cursor = NULL;
	int page = 0;

	(void)srv;
	REQUIRE(make_actors(10));
	/* Pages of 3; between pages add an actor, and delete the item the
	 * cursor was made from (the last one seen) and one not seen yet
	 * (a08, after the second page). */
	for (;;) {
		char *esc = cursor ? curl_easy_escape(NULL, cursor, 0) : NULL;
		struct tl_resp *r =
			tl_get(esc ? tl_fmt("/v1/actors?limit=3&cursor=%s", esc)
				   : "/v1/actors?limit=3");
		json_t *items;
		const char *last;

		curl_free(esc);
		if (!CHECK_STATUS(r, 200))
			return;
		items = tl_at(r->json, "/items");
		json_array_extend(seen, items);
		if (json_is_null(tl_at(r->json, "/next_cursor")))
			break;
		cursor = tl_fmt("%s", tl_str(r->json, "/next_cursor"));
		last = tl_str(items,
			      tl_fmt("/%zu/id", json_array_size(items) - 1));
		REQUIRE(last != NULL);
		CHECK(tl_create("/v1/actors",
				tl_fmt("{\"id\": \"new%d\", \"name\": \"n\"}",
				       page)) != NULL);
		CHECK_STATUS(tl_delete(tl_fmt("/v1/actors/%s", last)), 204);
		if (page == 1)
			CHECK_STATUS(tl_delete("/v1/actors/a08"), 204);
		REQUIRE(++page < 50);
	}
	/* a00..a07 and a09 were there all along and not deleted before they
	 * were seen: each appears exactly once, in order; a08 never; the new
	 * ones may appear (after all of the old ones). */
	{
		const char *got = tl_ids(seen);
		const char *want = "a00,a01,a02,a03,a04,a05,a06,a07,a09";

		if (!CHECK(strncmp(got, want, strlen(want)) == 0))
			fprintf(stderr, "    got %s\n", got);
		CHECK(strstr(got, "a08") == NULL);
		for (int i = 0; i <= page; i++) {
			const char *n = tl_fmt("new%d", i);
			const char *at = strstr(got, n);

			CHECK(!at || !strstr(at + 1, n));
		}
	}
}

static void test_every_collection_paginates(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	for (int i = 0; i < 5; i++) {
		REQUIRE(tl_create(
			"/v1/sources",
			tl_fmt("{\"id\": \"s%d\", \"title\": \"t\"}", i)));
		REQUIRE(tl_create("/v1/events",
				  tl_fmt("{\"id\": \"e%d\", \"title\": \"t\", "
					 "\"kind\": \"k\", \"start\": \"%d\"}",
					 i, 2030 - i)));
		REQUIRE(tl_create(
			"/v1/claims",
			tl_fmt("{\"id\": \"c%d\", \"claimant\": \"kp\", "
			       "\"text\": \"t\", \"stated\": \"%d\"}",
			       i, 2030 - i)));
	}
	for (int limit = 1; limit <= 3; limit++) {
		CHECK_STR(tl_ids(tl_list_all("/v1/sources", limit)),
			  "s0,s1,s2,s3,s4");
		CHECK_STR(tl_ids(tl_list_all("/v1/events", limit)),
			  "e0,e1,e2,e3,e4");
		CHECK_STR(tl_ids(tl_list_all("/v1/claims", limit)),
			  "c0,c1,c2,c3,c4");
		CHECK_STR(tl_ids(tl_list_all("/v1/claims?claimant=kp&from=2027",
					     limit)),
			  "c0,c1,c2,c3");
	}
	{
		struct tl_resp *r = tl_get("/v1/claims/c0/relations?limit=0");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "limit");
	}
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_walk_every_limit, TL_SERVER),
		TL_TEST(test_link_header_keeps_parameters, TL_SERVER),
		TL_TEST(test_limit_bounds_and_default, TL_SERVER),
		TL_TEST(test_bad_cursor_is_400, TL_SERVER),
		TL_TEST(test_walk_with_writes_between_pages, TL_SERVER),
		TL_TEST(test_every_collection_paginates, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
