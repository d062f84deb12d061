/*
 * Search (contract section 3): FTS5 over claims, events, actors and
 * sources, ranked by bm25 (a match in a name or title above one match in
 * long text), hits with type, id, label, a <mark>ed snippet and a score
 * that decreases down the list; the types filter; a query FTS5 rejects is
 * a 400, never a 500; the index follows creates, updates and deletes at
 * once; pagination.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <string.h>

#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "type:id,..." of the hits. */
static const char *hits(json_t *items)
{
	const char *out = "";
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return NULL;
	json_array_foreach(items, i, it)
		out = tl_fmt("%s%s%s:%s", out, *out ? "," : "",
			     tl_str(it, "/type"), tl_str(it, "/id"));
	return out;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static const char *search(const char *query)
{
	struct tl_resp *r = tl_get(tl_fmt("/v1/search?%s", query));

	if (!CHECK_STATUS(r, 200))
		return NULL;
	return hits(tl_at(r->json, "/items"));
}

/* Filler words that match nothing searched for. */
static const char *filler(int words)
{
	const char *s = "";

	for (int i = 0; i < words; i++)
		s = tl_fmt("%s%slorem%d", s, *s ? " " : "", i % 37);
	return s;
}

static bool make_store(void)
{
	return tl_create("/v1/actors",
			 "{\"id\": \"act-zephyr\", \"name\": \"Zephyr Council\", "
			 "\"aliases\": [\"Westwind Board\"]}") &&
	       tl_create("/v1/actors",
			 "{\"id\": \"act-plain\", \"name\": \"Plain Speaker\"}") &&
	       tl_create("/v1/sources",
			 "{\"id\": \"src-one\", \"title\": \"Harbour report "
			 "on grain\"}") &&
	       tl_create("/v1/events",
			 tl_fmt("{\"id\": \"evt-long\", \"title\": \"A long "
				"meeting\", \"kind\": \"k\", \"start\": "
				"\"2024\", \"description\": \"%s zephyr %s\"}",
				filler(60), filler(60))) &&
	       tl_create("/v1/claims",
			 tl_fmt("{\"id\": \"clm-long\", \"claimant\": "
				"\"act-plain\", \"text\": \"%s mentions zephyr "
				"once %s\"}",
				filler(80), filler(80))) &&
	       tl_create("/v1/claims",
			 "{\"id\": \"clm-grain\", \"claimant\": \"act-plain\", "
			 "\"text\": \"Grain left the harbour.\", \"quote\": "
			 "\"the ships carried grain\"}");
}

static void test_ranking_and_shape(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *items;
	const char *got;

	(void)srv;
	REQUIRE(make_store());
	r = tl_get("/v1/search?q=zephyr");
	REQUIRE_STATUS(r, 200);
	items = tl_at(r->json, "/items");
	got = hits(items);
	/* The name match first; the long texts after it. */
	CHECK_INT(json_array_size(items), 3);
	CHECK(got && strncmp(got, "actor:act-zephyr,", 17) == 0);
	CHECK(got && strstr(got, "event:evt-long") && strstr(got, "claim:clm-long"));
	CHECK_KEYS(tl_at(items, "/0"), "type", "id", "label", "snippet",
		   "score");
	CHECK_JSTR(items, "/0/label", "Zephyr Council");
	CHECK(strstr(nz(tl_str(items, "/0/snippet")), "<mark>Zephyr</mark>"));
	CHECK(strstr(nz(tl_str(items, "/2/snippet")), "<mark>zephyr</mark>"));
	/* Scores: larger is better, so they do not increase down the list. */
	for (size_t i = 1; i < json_array_size(items); i++)
		CHECK(json_number_value(tl_at(items, tl_fmt("/%zu/score", i - 1))) >
		      json_number_value(tl_at(items, tl_fmt("/%zu/score", i))));
	CHECK_JSON(r->json, "/next_cursor", "null");

	/* types filters, and keeps the rank order. */
	CHECK_STR(search("q=zephyr&types=claim"), "claim:clm-long");
	CHECK_STR(search("q=zephyr&types=actor"), "actor:act-zephyr");
	CHECK_STR(search("q=zephyr&types=source"), "");
	{
		const char *two = search("q=zephyr&types=claim,event");

		CHECK(two && (strcmp(two, "event:evt-long,claim:clm-long") == 0 ||
			      strcmp(two, "claim:clm-long,event:evt-long") == 0));
	}
	/* Aliases, source titles, quotes; a title match over a text one. */
	CHECK_STR(search("q=westwind"), "actor:act-zephyr");
	CHECK_STR(search("q=harbour"), "source:src-one,claim:clm-grain");
	CHECK_STR(search("q=ships"), "claim:clm-grain");
	CHECK_STR(search("q=grain&types=claim"), "claim:clm-grain");
	/* FTS5 syntax that is valid works. */
	CHECK_STR(search("q=zeph*&types=actor"), "actor:act-zephyr");
	CHECK_STR(search("q=%22Zephyr%20Council%22"), "actor:act-zephyr");
	CHECK_STR(search("q=grain%20NOT%20ships"), "source:src-one");
	CHECK_STR(search("q=nothinglikeit"), "");

	/* Pages: walks equal the single page. */
	{
		const char *one = search("q=zephyr%20OR%20grain%20OR%20harbour&"
					 "limit=500");

		for (int limit = 1; limit <= 3; limit++)
			CHECK_STR(hits(tl_list_all("/v1/search?q=zephyr%20OR%20"
						   "grain%20OR%20harbour",
						   limit)),
				  one);
	}
}

static void test_bad_queries(struct tl_server *srv)
{
	static const char *const bad_syntax[] = {
		"AND%20foo", "%22unterminated", "foo%20AND", "(foo", "foo)",
		"NEAR(foo", "*", "foo%20OR", "nosuchcolumn:foo", "%22a%22%20%2B",
	};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(make_store());
	for (size_t i = 0; i < N(bad_syntax); i++) {
		r = tl_get(tl_fmt("/v1/search?q=%s", bad_syntax[i]));
		if (!CHECK_PROBLEM(r, 400, "bad-request"))
			fprintf(stderr, "    (q=%s)\n", bad_syntax[i]);
	}
	/* Parameters. */
	CHECK_BAD_PARAM("/v1/search", "q");
	CHECK_BAD_PARAM("/v1/search?q=", "q");
	CHECK_BAD_PARAM("/v1/search?q=a&types=claim,opinion", "types");
	CHECK_BAD_PARAM("/v1/search?q=a&sort=new", "sort");
	r = tl_get("/v1/search?q=a&cursor=xyz");
	CHECK_PROBLEM(r, 400, "bad-request");
	/* The server still answers after all that. */
	CHECK_STR(search("q=westwind"), "actor:act-zephyr");
}

static void test_index_follows_writes(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(make_store());
	/* Create. */
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"clm-new\", \"claimant\": \"act-plain\", "
			  "\"text\": \"Quokkas were seen.\"}"));
	CHECK_STR(search("q=quokkas"), "claim:clm-new");
	/* Update: the old words go, the new ones come. */
	CHECK_STATUS(tl_patch("/v1/claims/clm-new",
			      "{\"text\": \"Wombats were seen.\"}"),
		     200);
	CHECK_STR(search("q=quokkas"), "");
	CHECK_STR(search("q=wombats"), "claim:clm-new");
	CHECK_STATUS(tl_put("/v1/claims/clm-new",
			    "{\"claimant\": \"act-plain\", \"text\": "
			    "\"Numbats.\", \"quote\": \"a numbat\"}"),
		     200);
	CHECK_STR(search("q=wombats"), "");
	CHECK_STR(search("q=numbat"), "claim:clm-new");
	CHECK_STATUS(tl_patch("/v1/actors/act-zephyr",
			      "{\"name\": \"Boreas Council\", \"aliases\": []}"),
		     200);
	CHECK_STR(search("q=westwind"), "");
	CHECK_STR(search("q=zephyr&types=actor"), "");
	CHECK_STR(search("q=boreas"), "actor:act-zephyr");
	CHECK_STATUS(tl_patch("/v1/events/evt-long",
			      "{\"title\": \"Kestrel summit\", "
			      "\"description\": null}"),
		     200);
	CHECK_STR(search("q=zephyr"), "claim:clm-long");
	CHECK_STR(search("q=kestrel"), "event:evt-long");
	CHECK_STATUS(tl_patch("/v1/sources/src-one",
			      "{\"title\": \"Port bulletin\"}"),
		     200);
	CHECK_STR(search("q=harbour"), "claim:clm-grain");
	CHECK_STR(search("q=bulletin"), "source:src-one");
	/* Delete. */
	CHECK_STATUS(tl_delete("/v1/claims/clm-new"), 204);
	CHECK_STR(search("q=numbat"), "");
	CHECK_STATUS(tl_delete("/v1/events/evt-long"), 204);
	CHECK_STR(search("q=kestrel"), "");
	CHECK_STATUS(tl_delete("/v1/sources/src-one"), 204);
	CHECK_STR(search("q=bulletin"), "");
	CHECK_STATUS(tl_delete("/v1/actors/act-zephyr"), 204);
	CHECK_STR(search("q=boreas"), "");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_ranking_and_shape, TL_SERVER),
		TL_TEST(test_bad_queries, TL_SERVER),
		TL_TEST(test_index_follows_writes, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
