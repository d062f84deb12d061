/*
 * Search (contract sections 3 and 7): FTS5 over claims, events, actors and
 * sources, ranked by bm25 (a match in a name or title above one match in
 * long text), hits with type, id, label, a <mark>ed snippet and a score
 * that decreases down the list; the types filter; `q` is what people
 * type (words, a prefix last, "phrases", -exclusions, OR), never a 400,
 * with English stems; everything §7 lists is indexed (a claimant's names
 * in their claims, kept in step when the actor is renamed); the index
 * follows creates, updates and deletes at once; pagination.
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
	json_array_foreach(items, i, it) out =
		tl_fmt("%s%s%s:%s", out, *out ? "," : "", tl_str(it, "/type"),
		       tl_str(it, "/id"));
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
	return tl_create(
		       "/v1/actors",
		       "{\"id\": \"act-zephyr\", \"name\": \"Zephyr Council\", "
		       "\"aliases\": [\"Westwind Board\"]}") &&
	       tl_create(
		       "/v1/actors",
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
	CHECK(got && strstr(got, "event:evt-long") &&
	      strstr(got, "claim:clm-long"));
	CHECK_KEYS(tl_at(items, "/0"), "type", "id", "label", "snippet",
		   "score");
	CHECK_JSTR(items, "/0/label", "Zephyr Council");
	CHECK(strstr(nz(tl_str(items, "/0/snippet")), "<mark>Zephyr</mark>"));
	CHECK(strstr(nz(tl_str(items, "/2/snippet")), "<mark>zephyr</mark>"));
	/* Scores: larger is better, so they do not increase down the list. */
	for (size_t i = 1; i < json_array_size(items); i++)
		CHECK(json_number_value(
			      tl_at(items, tl_fmt("/%zu/score", i - 1))) >
		      json_number_value(tl_at(items, tl_fmt("/%zu/score", i))));
	CHECK_JSON(r->json, "/next_cursor", "null");

	/* types filters, and keeps the rank order. */
	CHECK_STR(search("q=zephyr&types=claim"), "claim:clm-long");
	CHECK_STR(search("q=zephyr&types=actor"), "actor:act-zephyr");
	CHECK_STR(search("q=zephyr&types=source"), "");
	{
		const char *two = search("q=zephyr&types=claim,event");

		CHECK(two &&
		      (strcmp(two, "event:evt-long,claim:clm-long") == 0 ||
		       strcmp(two, "claim:clm-long,event:evt-long") == 0));
	}
	/* Aliases, source titles, quotes; a title match over a text one. */
	CHECK_STR(search("q=westwind"), "actor:act-zephyr");
	CHECK_STR(search("q=harbour"), "source:src-one,claim:clm-grain");
	CHECK_STR(search("q=ships"), "claim:clm-grain");
	CHECK_STR(search("q=grain&types=claim"), "claim:clm-grain");
	/* A prefix, a phrase, an exclusion. */
	CHECK_STR(search("q=zeph*&types=actor"), "actor:act-zephyr");
	CHECK_STR(search("q=zeph&types=actor"), "actor:act-zephyr");
	CHECK_STR(search("q=%22Zephyr%20Council%22"), "actor:act-zephyr");
	CHECK_STR(search("q=grain%20-ships"), "source:src-one");
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

/* What FTS5 would have rejected is searched for its words: never a 400,
 * and no word of the storage engine in the answer. */
static void test_bad_queries(struct tl_server *srv)
{
	static const struct {
		const char *q, *hits;
	} typed[] = {
		{"AND%20westwind", ""}, /* "and" is a word too */
		{"%22unterminated", ""},
		{"westwind%20AND", ""},
		{"(westwind", "actor:act-zephyr"},
		{"westwind)", "actor:act-zephyr"},
		{"NEAR(westwind", ""},
		{"*", ""},
		{"westwind%20OR", ""},
		{"nosuchcolumn:westwind", ""},
		{"label:westwind", ""},
		{"%22a%22%20%2B", "event:evt-long"},
		{"%5Ewestwind", "actor:act-zephyr"},
		{"westwind%20%22", "actor:act-zephyr"},
		{"-", ""},
		{"%22%22", ""},
		{"%E2%80%94%20%C2%AB", ""}, /* em dash, guillemet */
		{"'", ""},
	};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(make_store());
	for (size_t i = 0; i < N(typed); i++) {
		const char *body;
		bool ok;

		r = tl_get(tl_fmt("/v1/search?q=%s", typed[i].q));
		body = r->body ? r->body : "";
		ok = CHECK_STATUS(r, 200) &&
		     CHECK_STR(hits(tl_at(r->json, "/items")), typed[i].hits);
		ok = CHECK(!strstr(body, "fts5") && !strstr(body, "syntax") &&
			   !strstr(body, "column")) &&
		     ok;
		if (!ok)
			fprintf(stderr, "    (q=%s)\n", typed[i].q);
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

/* The hits of a search as a sorted list, for sets whose order the rank
 * decides between equals. */
static const char *sorted(const char *list)
{
	char buf[2048], *parts[64], *save = NULL;
	size_t n = 0;
	const char *out = "";

	if (!list)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *p = strtok_r(buf, ",", &save); p && n < N(parts);
	     p = strtok_r(NULL, ",", &save))
		parts[n++] = p;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(parts[j - 1], parts[j]) > 0;
		     j--) {
			char *t = parts[j];
			parts[j] = parts[j - 1];
			parts[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		out = tl_fmt("%s%s%s", out, i ? "," : "", parts[i]);
	return out;
}

/* A small story with the words people type: hyphens, apostrophes,
 * C++, stems, phrases. */
static bool make_story(void)
{
	static const char *const writes[][2] = {
		{"/v1/actors",
		 "{\"id\": \"act-kim\", \"name\": \"Kim Jong-un\", "
		 "\"aliases\": [\"Supreme Leader\"], "
		 "\"description\": \"Chairman of the Workers' "
		 "Party, born in Ryongsong\"}"},
		{"/v1/actors", "{\"id\": \"act-lav\", \"name\": \"Sergei "
			       "Lavrov\", \"description\": \"Russia's foreign "
			       "minister since 2004\"}"},
		{"/v1/actors", "{\"id\": \"act-other\", \"name\": \"Other "
			       "Voice\"}"},
		{"/v1/sources",
		 "{\"id\": \"src-mail\", \"title\": \"A leaked "
		 "e-mail\", \"publisher\": \"Pyongyang Times\", "
		 "\"text\": \"The memo mentions quasquicentennial "
		 "plans and nothing else.\"}"},
		{"/v1/events", "{\"id\": \"evt-talks\", \"title\": "
			       "\"Pyongyang-Moscow talks\", \"kind\": \"k\", "
			       "\"start\": \"2024\", \"location\": {\"name\": "
			       "\"Vladivostok\", \"country\": \"RU\"}}"},
		{"/v1/claims", "{\"id\": \"clm-killed\", \"claimant\": "
			       "\"act-kim\", \"text\": \"Our soldiers killed "
			       "the invaders.\"}"},
		{"/v1/claims",
		 "{\"id\": \"clm-liberated\", \"claimant\": "
		 "\"act-kim\", \"text\": \"The town was liberated "
		 "by our troops.\"}"},
		{"/v1/claims",
		 "{\"id\": \"clm-russia\", \"claimant\": "
		 "\"act-lav\", \"text\": \"Russia's army kills no "
		 "civilians.\"}"},
		{"/v1/claims", "{\"id\": \"clm-mail\", \"claimant\": "
			       "\"act-lav\", \"text\": \"He sent an e-mail "
			       "about C++ code.\"}"},
		{"/v1/claims", "{\"id\": \"clm-phrase\", \"claimant\": "
			       "\"act-other\", \"text\": \"An exact phrase "
			       "appears here.\"}"},
		{"/v1/claims", "{\"id\": \"clm-split\", \"claimant\": "
			       "\"act-other\", \"text\": \"The phrase was not "
			       "exact.\"}"},
		{"/v1/claims", "{\"id\": \"clm-exactly\", \"claimant\": "
			       "\"act-other\", \"text\": \"It happened "
			       "exactly so.\"}"},
		{"/v1/claims", "{\"id\": \"clm-alpha\", \"claimant\": "
			       "\"act-other\", \"text\": \"alphaword troops at "
			       "the border\"}"},
		{"/v1/claims", "{\"id\": \"clm-beta\", \"claimant\": "
			       "\"act-other\", \"text\": \"betaword "
			       "unbalanced\"}"},
	};
	for (size_t i = 0; i < N(writes); i++)
		if (!tl_create(writes[i][0], writes[i][1]))
			return false;
	return true;
}

/* Contract §7, query by query: 200 with the right hits. */
static void test_typed_queries(struct tl_server *srv)
{
	static const struct {
		const char *q, *hits; /* hits sorted */
	} typed[] = {
		/* a claimant's name finds what they said */
		{"Kim%20Jong-un",
		 "actor:act-kim,claim:clm-killed,claim:clm-liberated"},
		{"jong-un&types=claim", "claim:clm-killed,claim:clm-liberated"},
		{"Russia's", "actor:act-lav,claim:clm-russia"},
		{"e-mail", "claim:clm-mail,source:src-mail"},
		{"C%2B%2B", "claim:clm-mail"},
		{"Pyongyang-Moscow", "event:evt-talks"},
		{"(", ""},
		{"%22unbalanced", "claim:clm-beta"},
		{"alphaword%20OR%20betaword", "claim:clm-alpha,claim:clm-beta"},
		{"alphaword%20OR%20betaword%20-unbalanced", "claim:clm-alpha"},
		{"-word", ""},
		{"-troops%20-exact", ""},
		{"troops%20-town", "claim:clm-alpha"},
		{"troops", "claim:clm-alpha,claim:clm-liberated"},
		{"%22exact%20phrase%22", "claim:clm-phrase"},
		{"exact%20phrase", "claim:clm-phrase,claim:clm-split"},
		/* the last word is a prefix; every word matches its stem */
		{"liberat", "claim:clm-liberated"},
		{"town%20liberat", "claim:clm-liberated"},
		{"liberation", "claim:clm-liberated"},
		{"killed", "claim:clm-killed,claim:clm-russia"},
		{"kill", "claim:clm-killed,claim:clm-russia"},
		{"killing%20invader", "claim:clm-killed"},
		{"soldier%20kills", "claim:clm-killed"},
		/* everything §7 lists is indexed */
		{"Lavrov&types=claim", "claim:clm-mail,claim:clm-russia"},
		{"supreme%20leader&types=claim",
		 "claim:clm-killed,claim:clm-liberated"},
		{"chairman", "actor:act-kim"},
		{"Ryongsong", "actor:act-kim"},
		{"quasquicentennial", "source:src-mail"},
		{"%22Pyongyang%20Times%22", "source:src-mail"},
		{"Vladivostok", "event:evt-talks"},
	};

	(void)srv;
	REQUIRE(make_story());
	for (size_t i = 0; i < N(typed); i++) {
		struct tl_resp *r;
		bool ok;

		r = tl_get(tl_fmt("/v1/search?q=%s&limit=50", typed[i].q));
		ok = CHECK_STATUS(r, 200) &&
		     CHECK_STR(sorted(hits(tl_at(r->json, "/items"))),
			       typed[i].hits);
		if (!ok)
			fprintf(stderr, "    (q=%s)\n", typed[i].q);
	}
	/* Marks around the matched words, stems and prefixes included. */
	{
		struct tl_resp *r = tl_get("/v1/search?q=liberat");

		REQUIRE_STATUS(r, 200);
		CHECK(strstr(nz(tl_str(r->json, "/items/0/snippet")),
			     "<mark>liberated</mark>"));
		r = tl_get("/v1/search?q=kill&types=claim");
		REQUIRE_STATUS(r, 200);
		CHECK(strstr(nz(tl_str(r->json, "/items/0/snippet")),
			     "<mark>kill"));
		/* The marks fall on the words, wherever they are. */
		r = tl_get("/v1/search?q=kill%20invader&types=claim");
		REQUIRE_STATUS(r, 200);
		CHECK_JSTR(r->json, "/items/0/snippet",
			   "Our soldiers <mark>killed</mark> the "
			   "<mark>invaders</mark>.");
		r = tl_get("/v1/search?q=%22Russia's%20army%22");
		REQUIRE_STATUS(r, 200);
		CHECK_JSTR(r->json, "/items/0/snippet",
			   "<mark>Russia's army</mark> kills no civilians.");
	}
	/* Pages of a prefix search walk the same hits as one page. */
	CHECK_STR(sorted(search("q=pyong&limit=50")),
		  "event:evt-talks,source:src-mail");
	for (int limit = 1; limit <= 2; limit++)
		CHECK_STR(hits(tl_list_all("/v1/search?q=pyong", limit)),
			  search("q=pyong&limit=50"));
	/* A word found as typed is not also a prefix: `exact` is not
	 * `exactly`, which `exactl` finds. */
	CHECK_STR(sorted(search("q=exact")),
		  "claim:clm-phrase,claim:clm-split");
	CHECK_STR(search("q=exactl"), "claim:clm-exactly");
	CHECK_STR(sorted(search("q=troop")),
		  "claim:clm-alpha,claim:clm-liberated");
	/* Empty is still a missing query. */
	CHECK_BAD_PARAM("/v1/search?q=", "q");
}

/* An actor's names live in its claims' index rows: renaming the actor
 * (name or aliases) re-indexes them, in the same write. */
static void test_rename_reindexes_claims(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(make_story());
	CHECK_STR(sorted(search("q=lavrov&types=claim")),
		  "claim:clm-mail,claim:clm-russia");
	CHECK_STATUS(tl_patch("/v1/actors/act-lav",
			      "{\"name\": \"Sergei Lavrentiev\"}"),
		     200);
	CHECK_STR(search("q=lavrov"), "");
	CHECK_STR(sorted(search("q=lavrentiev&types=claim")),
		  "claim:clm-mail,claim:clm-russia");
	CHECK_STATUS(tl_patch("/v1/actors/act-lav",
			      "{\"aliases\": [\"Minister Quillfeather\"]}"),
		     200);
	CHECK_STR(sorted(search("q=quillfeather")),
		  "actor:act-lav,claim:clm-mail,claim:clm-russia");
	CHECK_STATUS(tl_patch("/v1/actors/act-lav", "{\"aliases\": []}"), 200);
	CHECK_STR(search("q=quillfeather"), "");
	/* Another change to the actor leaves its claims as they were. */
	CHECK_STATUS(tl_patch("/v1/actors/act-lav",
			      "{\"description\": \"A diplomat\"}"),
		     200);
	CHECK_STR(sorted(search("q=lavrentiev")),
		  "actor:act-lav,claim:clm-mail,claim:clm-russia");
	CHECK_STR(search("q=diplomat"), "actor:act-lav");
	/* A claim moved to another claimant is found by the new name. */
	CHECK_STATUS(
		tl_patch("/v1/claims/clm-mail", "{\"claimant\": \"act-kim\"}"),
		200);
	CHECK_STR(search("q=lavrentiev&types=claim"), "claim:clm-russia");
	CHECK_STR(sorted(search("q=jong&types=claim")),
		  "claim:clm-killed,claim:clm-liberated,claim:clm-mail");
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
	CHECK_STATUS(
		tl_patch("/v1/actors/act-zephyr",
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
		TL_TEST(test_typed_queries, TL_SERVER),
		TL_TEST(test_rename_reindexes_claims, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
