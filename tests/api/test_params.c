/*
 * Query parameters on every route (issue #11): a parameter a route does
 * not take is a 422 validation-failed problem naming it, the one lists
 * have always given, on single-resource reads, writes (which then change
 * nothing), relations, history, export and import too; the page, its
 * assets and the OpenAPI document ignore the query string.  And the
 * `country` filter is checked as the field is (ISO 3166-1 alpha-2) on
 * every route that takes it.
 */
#include "tests/lib/testlib.h"

#include <string.h>

/* r is the 422 an unknown query parameter `name` gets. */
#define CHECK_UNKNOWN(r, name)                                                 \
	do {                                                                   \
		struct tl_resp *r_ = (r);                                      \
		if (CHECK_PROBLEM(r_, 422, "validation-failed"))               \
			CHECK_PARAM_AT(r_, (name));                            \
	} while (0)

static bool fixtures(void)
{
	return tl_create("/v1/actors", "{\"id\": \"ru\", \"name\": \"RU\", "
				       "\"country\": \"RU\"}") &&
	       tl_create("/v1/events",
			 "{\"id\": \"ev\", \"title\": \"Kursk\", "
			 "\"kind\": \"military\", "
			 "\"start\": \"2024-08\", "
			 "\"location\": {\"country\": \"RU\"}}") &&
	       tl_create("/v1/claims", "{\"id\": \"a\", \"claimant\": \"ru\", "
				       "\"text\": \"Kursk is liberated.\", "
				       "\"events\": [\"ev\"]}") &&
	       tl_create("/v1/claims", "{\"id\": \"b\", \"claimant\": \"ru\", "
				       "\"text\": \"Something else.\"}");
}

static void test_single_resource_reads(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	CHECK_UNKNOWN(tl_get("/v1/actors/ru?dry_run=true"), "dry_run");
	CHECK_UNKNOWN(tl_get("/v1/claims/a?fields=id"), "fields");
	CHECK_UNKNOWN(tl_get("/v1/actors/ru/history?verbose=1"), "verbose");
	/* A parameter the route does take is still fine. */
	CHECK_STATUS(tl_get("/v1/actors/ru/history?limit=1"), 200);
	CHECK_STATUS(tl_get("/v1/actors/ru"), 200);
	/* Every unknown one is named, the known-but-repeated too. */
	struct tl_resp *r = tl_get("/v1/events/ev?a=1&b=2");
	CHECK_UNKNOWN(r, "a");
	CHECK_PARAM_AT(r, "b");
	CHECK_UNKNOWN(tl_get("/healthz?probe=1"), "probe");
	CHECK_UNKNOWN(tl_get("/metrics?x=1"), "x");
}

static void test_writes_change_nothing(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	long actors = tl_count("/v1/actors");
	CHECK_UNKNOWN(tl_post("/v1/actors?dry_run=true",
			      "{\"id\": \"kr\", \"name\": \"KR\"}"),
		      "dry_run");
	CHECK_INT(tl_count("/v1/actors"), actors);
	CHECK_PROBLEM(tl_get("/v1/actors/kr"), 404, "not-found");

	CHECK_UNKNOWN(tl_put("/v1/actors/ru?upsert=1",
			     "{\"id\": \"ru\", \"name\": \"Russia\"}"),
		      "upsert");
	CHECK_UNKNOWN(tl_patch("/v1/actors/ru?x=1", "{\"name\": \"Russia\"}"),
		      "x");
	CHECK_JSTR(tl_get("/v1/actors/ru")->json, "/name", "RU");
	CHECK_JSON(tl_get("/v1/actors/ru")->json, "/version", "1");

	CHECK_UNKNOWN(tl_delete("/v1/claims/b?force=true"), "force");
	CHECK_STATUS(tl_get("/v1/claims/b"), 200);
}

static void test_relations(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	CHECK_UNKNOWN(tl_post("/v1/claims/a/relations?x=1",
			      "{\"type\": \"contradicts\", \"claim\": \"b\"}"),
		      "x");
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/a")->json, "/relations")),
		  0);
	struct tl_resp *r =
		tl_post("/v1/claims/a/relations", "{\"type\": \"contradicts\", "
						  "\"claim\": \"b\"}");
	REQUIRE_STATUS(r, 201);
	const char *rel = tl_str(r->json, "/id");
	REQUIRE(rel);
	CHECK_UNKNOWN(tl_get("/v1/claims/a/relations?x=1"), "x");
	CHECK_UNKNOWN(tl_get(tl_fmt("/v1/claims/a/relations/%s?x=1", rel)),
		      "x");
	CHECK_UNKNOWN(tl_delete(tl_fmt("/v1/claims/a/relations/%s?x=1", rel)),
		      "x");
	CHECK_STATUS(tl_get(tl_fmt("/v1/claims/a/relations/%s", rel)), 200);
}

static void test_bulk(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	CHECK_UNKNOWN(tl_get("/v1/export?types=actor"), "types");
	CHECK_UNKNOWN(tl_request("POST", "/v1/import?dry_run=1",
				 "application/x-ndjson",
				 "{\"type\": \"actor\", \"id\": \"kr\", "
				 "\"name\": \"KR\"}\n",
				 -1, NULL),
		      "dry_run");
	CHECK_PROBLEM(tl_get("/v1/actors/kr"), 404, "not-found");
}

/* Static documents ignore the query string: browsers and caches add
 * cache-busting parameters to them. */
static void test_static_ignores_query(struct tl_server *srv)
{
	(void)srv;
	static const char page[] = "GET /?utm_source=mail HTTP/1.1\r\n"
				   "Host: 127.0.0.1\r\n"
				   "Connection: close\r\n\r\n";
	static const char asset[] = "GET /assets/app.js?v=2 HTTP/1.1\r\n"
				    "Host: 127.0.0.1\r\n"
				    "Connection: close\r\n\r\n";
	CHECK_STATUS(tl_raw(page, strlen(page), 10000), 200);
	CHECK_STATUS(tl_raw(asset, strlen(asset), 10000), 200);
	CHECK_STATUS(tl_get("/openapi.json?v=2"), 200);
}

static void test_country_filter(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	CHECK_BAD_PARAM("/v1/actors?country=Korea", "country");
	CHECK_BAD_PARAM("/v1/actors?country=ru", "country");
	CHECK_BAD_PARAM("/v1/events?country=XX", "country");
	CHECK_BAD_PARAM("/v1/timeline?country=Korea", "country");
	CHECK_BAD_PARAM("/v1/events/ev/timeline?country=Korea", "country");
	/* A valid code still filters. */
	CHECK_STR(tl_page_ids("/v1/actors?country=RU"), "ru");
	CHECK_STR(tl_page_ids("/v1/actors?country=KR"), "");
	CHECK_STR(tl_page_ids("/v1/events?country=RU"), "ev");
	CHECK_STATUS(tl_get("/v1/timeline?country=RU"), 200);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_single_resource_reads, TL_SERVER),
		TL_TEST(test_writes_change_nothing, TL_SERVER),
		TL_TEST(test_relations, TL_SERVER),
		TL_TEST(test_bulk, TL_SERVER),
		TL_TEST(test_static_ignores_query, TL_SERVER),
		TL_TEST(test_country_filter, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
