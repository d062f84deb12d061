/*
 * Sources (contract section 2, "Source"): defaults, kinds, URLs, partial
 * dates for `published` (stored exactly as given, validated strictly),
 * deleting a cited source, and the list filters q, kind, publisher and
 * language.
 */
#include "tests/lib/testlib.h"

#include <string.h>

static void test_defaults(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/sources", "{\"title\": \"A report\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_KEYS(r->json, "id", "title", "url", "publisher", "published",
		   "kind", "language", "text", "created_at", "updated_at",
		   "version");
	CHECK_JSTR(r->json, "/kind", "other");
	CHECK_JSON(r->json, "/url", "null");
	CHECK_JSON(r->json, "/publisher", "null");
	CHECK_JSON(r->json, "/published", "null");
	CHECK_JSON(r->json, "/language", "null");
	CHECK_JSON(r->json, "/text", "null");
}

static void test_full_round_trip(struct tl_server *srv)
{
	static const char *const kinds[] = {"news_article",
					    "official_statement", "report",
					    "social_media", "other"};
	const char *body =
		"{\"id\": \"src-nk-troops\", \"title\": \"North Korea Confirms "
		"It Sent Troops to Russia\", \"url\": "
		"\"https://example.org/nk-troops?a=1#x\", \"publisher\": "
		"\"Example News\", \"published\": \"2025-04-28\", \"kind\": "
		"\"news_article\", \"language\": \"en\", \"text\": \"Line one.\\n"
		"Line two.\"}";
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/sources", body);
	REQUIRE_STATUS(r, 201);
	CHECK_JSTR(r->json, "/url", "https://example.org/nk-troops?a=1#x");
	CHECK_JSTR(r->json, "/publisher", "Example News");
	CHECK_JSTR(r->json, "/published", "2025-04-28");
	CHECK_JSTR(r->json, "/kind", "news_article");
	CHECK_JSTR(r->json, "/language", "en");
	CHECK_JSTR(r->json, "/text", "Line one.\nLine two.");
	CHECK_SAME(tl_get("/v1/sources/src-nk-troops")->json, r->json);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		r = tl_post("/v1/sources",
			    tl_fmt("{\"title\": \"t\", \"kind\": \"%s\"}",
				   kinds[i]));
		CHECK_STATUS(r, 201);
		CHECK_JSTR(r->json, "/kind", kinds[i]);
	}
	r = tl_post("/v1/sources",
		    "{\"title\": \"t\", \"url\": \"http://example.org/\"}");
	CHECK_STATUS(r, 201);
}

static void test_published_dates_kept_as_given(struct tl_server *srv)
{
	static const char *const good[] = {
		"2024",
		"2024-06",
		"2024-06-19",
		"2024-02-29",
		"2024-06-19T10:00:00+03:00",
		"2024-06-19T10:00:00Z",
		"2024-06-19T10:00:00.250-05:30",
	};
	static const char *const bad[] = {
		"2024-02-30",
		"2023-02-29",
		"2024-13",
		"24-06",
		"2024-6",
		"2024-06-19T10:00:00",
		"2024-06-19T25:00:00Z",
		"2024-06-19 10:00:00Z",
		"June 2024",
		"",
		"2024-00",
		"2024-06-00",
		"2024-06-31",
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct tl_resp *r = tl_post(
			"/v1/sources",
			tl_fmt("{\"title\": \"t\", \"published\": \"%s\"}",
			       good[i]));

		CHECK_STATUS(r, 201);
		CHECK_JSTR(r->json, "/published", good[i]);
		CHECK_JSTR(
			tl_get(tl_fmt("/v1/sources/%s", tl_str(r->json, "/id")))
				->json,
			"/published", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tl_resp *r = tl_post(
			"/v1/sources",
			tl_fmt("{\"title\": \"t\", \"published\": \"%s\"}",
			       bad[i]));

		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (published \"%s\")\n", bad[i]);
		CHECK_ERROR_AT(r, "/published");
	}
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/sources?limit=500")->json,
					"/items")),
		  sizeof(good) / sizeof(good[0]));
}

static void test_validation_lists_every_field(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/sources",
		    "{\"url\": \"ftp://example.org/x\", \"published\": "
		    "\"2024-13\", \"kind\": \"blog\", \"publisher\": 7, "
		    "\"text\": [\"x\"], \"language\": 1}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/title", "/url", "/published", "/kind",
			     "/publisher", "/text", "/language");
	r = tl_post("/v1/sources",
		    "{\"title\": \"t\", \"url\": \"not a url\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/url");
	r = tl_post("/v1/sources",
		    "{\"title\": \"t\", \"url\": \"javascript:alert(1)\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/url");
	CHECK_JSON(tl_get("/v1/sources")->json, "/items", "[]");
}

static void test_delete_cited_source_is_409(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"src-a\", \"title\": \"A\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"clm-cites\", \"claimant\": \"kp\", "
		"\"source\": \"src-a\", \"text\": \"We sent troops.\"}"));
	r = tl_delete("/v1/sources/src-a");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "clm-cites"));
	CHECK_STATUS(tl_get("/v1/sources/src-a"), 200);
	/* Unset the citation; then the source can go. */
	CHECK_STATUS(tl_patch("/v1/claims/clm-cites", "{\"source\": null}"),
		     200);
	CHECK_STATUS(tl_delete("/v1/sources/src-a"), 204);
	CHECK_STATUS(tl_get("/v1/sources/src-a"), 404);
	CHECK_STATUS(tl_get("/v1/claims/clm-cites"), 200);
}

/* The ids the list at `query` answers, comma-separated. */
static const char *list(const char *query)
{
	return tl_page_ids(tl_fmt("/v1/sources%s", query));
}

static void test_filters(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s1\", \"title\": \"North Korea Confirms "
			  "It Sent Troops\", \"publisher\": \"Example News\", "
			  "\"kind\": \"news_article\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s2\", \"title\": \"KCNA statement\", "
			  "\"publisher\": \"KCNA\", \"kind\": "
			  "\"official_statement\"}"));
	REQUIRE(tl_create(
		"/v1/sources",
		"{\"id\": \"s3\", \"title\": \"Troop estimates\", "
		"\"publisher\": \"Example News\", \"kind\": \"report\"}"));
	CHECK_STR(list("?kind=news_article"), "s1");
	CHECK_STR(list("?kind=report"), "s3");
	CHECK_STR(list("?kind=social_media"), "");
	CHECK_STR(list("?publisher=KCNA"), "s2");
	CHECK_STR(list("?publisher=Example%20News"), "s1,s3");
	CHECK_STR(list("?q=troop"), "s1,s3");
	CHECK_STR(list("?q=STATEMENT"), "s2");
	CHECK_STR(list("?q=troop&publisher=Example%20News&kind=report"), "s3");
	CHECK_BAD_PARAM("/v1/sources?kind=blog", "kind");
	CHECK_BAD_PARAM("/v1/sources?title=x", "title");
}

/* ?language=xx: the sources written in that language tag, exactly; a
 * value that is no language tag is a 422 naming the parameter. */
static void test_language_filter(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"l1\", \"title\": \"One\", "
			  "\"language\": \"en\", \"kind\": \"report\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"l2\", \"title\": \"Dois\", "
			  "\"language\": \"pt-BR\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"l3\", \"title\": \"Three\", "
			  "\"language\": \"en\"}"));
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"l4\", \"title\": \"No language\"}"));
	CHECK_STR(list("?language=en"), "l1,l3");
	CHECK_STR(list("?language=pt-BR"), "l2");
	CHECK_STR(list("?language=pt"), "");
	CHECK_STR(list("?language=en&kind=report"), "l1");
	CHECK_STR(list("?language=en&limit=1"), "l1");
	/* A changed language moves the source to the other list. */
	struct tl_resp *r =
		tl_patch("/v1/sources/l3", "{\"language\": \"fr\"}");
	CHECK_STATUS(r, 200);
	CHECK_STR(list("?language=en"), "l1");
	CHECK_STR(list("?language=fr"), "l3");
	CHECK_BAD_PARAM("/v1/sources?language=English", "language");
	CHECK_BAD_PARAM("/v1/sources?language=EN", "language");
	CHECK_BAD_PARAM("/v1/sources?language=", "language");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_defaults, TL_SERVER),
		TL_TEST(test_full_round_trip, TL_SERVER),
		TL_TEST(test_published_dates_kept_as_given, TL_SERVER),
		TL_TEST(test_validation_lists_every_field, TL_SERVER),
		TL_TEST(test_delete_cited_source_is_409, TL_SERVER),
		TL_TEST(test_filters, TL_SERVER),
		TL_TEST(test_language_filter, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
