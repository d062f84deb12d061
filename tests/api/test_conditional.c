/*
 * Conditional requests (contract section 4): a strong ETag on every
 * single-resource GET and write response, If-None-Match answered 304
 * without a body, If-Match on PUT/PATCH/DELETE answered 412 when stale
 * with nothing written, and no lost update when clients race with the
 * same ETag.
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *hdr1(const char *name, const char *value)
{
	return tl_fmt("%s: %s", name, value);
}

/* A strong entity tag: a quoted string, no W/ prefix. */
static bool strong_etag(const char *etag)
{
	size_t n = etag ? strlen(etag) : 0;

	return n >= 3 && etag[0] == '"' && etag[n - 1] == '"' &&
	       strchr(etag + 1, '"') == etag + n - 1;
}

static long history_len(const char *path)
{
	struct tl_resp *r = tl_get(tl_fmt("%s/history?limit=500", path));

	if (!CHECK_STATUS(r, 200))
		return -1;
	return (long)json_array_size(tl_at(r->json, "/items"));
}

static const struct {
	const char *coll;
	const char *body;
	const char *patch;
} kinds[] = {
	{"/v1/actors", "{\"id\": \"a1\", \"name\": \"A\"}",
	 "{\"name\": \"A2\"}"},
	{"/v1/sources", "{\"id\": \"s1\", \"title\": \"S\"}",
	 "{\"title\": \"S2\"}"},
	{"/v1/events",
	 "{\"id\": \"e1\", \"title\": \"E\", \"kind\": \"other\", "
	 "\"start\": \"2024\"}",
	 "{\"title\": \"E2\"}"},
	{"/v1/claims",
	 "{\"id\": \"c1\", \"claimant\": \"a1\", \"text\": \"said\"}",
	 "{\"text\": \"said again\"}"},
};

static void test_etag_on_gets_and_writes(struct tl_server *srv)
{
	(void)srv;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *item = tl_fmt("%s/%s", kinds[i].coll,
					  i == 0   ? "a1"
					  : i == 1 ? "s1"
					  : i == 2 ? "e1"
						   : "c1");
		struct tl_resp *c, *g, *p, *g2, *u;

		c = tl_post(kinds[i].coll, kinds[i].body);
		REQUIRE_STATUS(c, 201);
		CHECK(strong_etag(tl_header(c, "ETag")));
		g = tl_get(item);
		REQUIRE_STATUS(g, 200);
		CHECK(strong_etag(tl_header(g, "ETag")));
		/* The write's ETag is the ETag of what a GET then shows. */
		CHECK_STR(tl_header(c, "ETag"), tl_header(g, "ETag"));
		/* Stable while nothing changes. */
		CHECK_STR(tl_header(tl_get(item), "ETag"),
			  tl_header(g, "ETag"));

		p = tl_patch(item, kinds[i].patch);
		REQUIRE_STATUS(p, 200);
		CHECK(strong_etag(tl_header(p, "ETag")));
		CHECK(tl_header(p, "ETag") && tl_header(g, "ETag") &&
		      strcmp(tl_header(p, "ETag"), tl_header(g, "ETag")) != 0);
		g2 = tl_get(item);
		CHECK_STR(tl_header(g2, "ETag"), tl_header(p, "ETag"));

		/* PUT of the same representation: no change, same ETag. */
		json_t *body = json_deep_copy(g2->json);
		json_object_del(body, "created_at");
		json_object_del(body, "updated_at");
		json_object_del(body, "version");
		json_object_del(body, "quote_span");
		json_object_del(body, "disputed");
		json_object_del(body, "relations");
		char *text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		u = tl_put(item, text);
		free(text);
		CHECK_STATUS(u, 200);
		CHECK_STR(tl_header(u, "ETag"), tl_header(g2, "ETag"));
		CHECK_JSON(u->json, "/version", "2");
	}
	/* Two different resources have different tags. */
	CHECK(strcmp(tl_header(tl_get("/v1/actors/a1"), "ETag"),
		     tl_header(tl_get("/v1/sources/s1"), "ETag")) != 0);
}

static void test_if_none_match(struct tl_server *srv)
{
	struct tl_resp *g, *r;
	const char *etag;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	g = tl_get("/v1/actors/a");
	etag = tl_header(g, "ETag");
	REQUIRE(etag);

	r = tl_request(
		"GET", "/v1/actors/a", NULL, NULL, -1,
		(const char *const[]){hdr1("If-None-Match", etag), NULL});
	CHECK_STATUS(r, 304);
	CHECK_INT(r->body_len, 0);
	CHECK_STR(tl_header(r, "ETag"), etag);
	/* In a list, weak form, and "*": all match. */
	r = tl_request("GET", "/v1/actors/a", NULL, NULL, -1,
		       (const char *const[]){hdr1("If-None-Match",
						  tl_fmt("\"nope\", %s", etag)),
					     NULL});
	CHECK_STATUS(r, 304);
	r = tl_request(
		"GET", "/v1/actors/a", NULL, NULL, -1,
		(const char *const[]){
			hdr1("If-None-Match", tl_fmt("W/%s", etag)), NULL});
	CHECK_STATUS(r, 304);
	r = tl_request("GET", "/v1/actors/a", NULL, NULL, -1,
		       (const char *const[]){"If-None-Match: *", NULL});
	CHECK_STATUS(r, 304);
	CHECK_INT(r->body_len, 0);
	/* Another tag: the full answer. */
	r = tl_request("GET", "/v1/actors/a", NULL, NULL, -1,
		       (const char *const[]){"If-None-Match: \"0000\"", NULL});
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/name", "A");
	/* After a change the old tag no longer matches. */
	REQUIRE_STATUS(tl_patch("/v1/actors/a", "{\"name\": \"B\"}"), 200);
	r = tl_request(
		"GET", "/v1/actors/a", NULL, NULL, -1,
		(const char *const[]){hdr1("If-None-Match", etag), NULL});
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/name", "B");
	CHECK(tl_header(r, "ETag") && strcmp(tl_header(r, "ETag"), etag) != 0);
	/* A missing resource is still 404. */
	r = tl_request("GET", "/v1/actors/zz", NULL, NULL, -1,
		       (const char *const[]){"If-None-Match: *", NULL});
	CHECK_STATUS(r, 404);
}

static void test_if_match_stale_is_412(struct tl_server *srv)
{
	struct tl_resp *r;
	const char *old, *cur;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	old = tl_header(tl_get("/v1/actors/a"), "ETag");
	REQUIRE(old);
	r = tl_patch("/v1/actors/a", "{\"name\": \"B\"}");
	REQUIRE_STATUS(r, 200);
	cur = tl_header(r, "ETag");
	REQUIRE(cur);
	REQUIRE(history_len("/v1/actors/a") == 2);

	/* stale: PUT, PATCH, DELETE all refused, nothing written */
	r = tl_request("PUT", "/v1/actors/a", TL_JSON, "{\"name\": \"P\"}", -1,
		       (const char *const[]){hdr1("If-Match", old), NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"Q\"}",
		       -1, (const char *const[]){hdr1("If-Match", old), NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	r = tl_request("DELETE", "/v1/actors/a", NULL, NULL, -1,
		       (const char *const[]){hdr1("If-Match", old), NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"Q\"}",
		       -1,
		       (const char *const[]){"If-Match: \"garbage\"", NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	r = tl_get("/v1/actors/a");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/name", "B");
	CHECK_JSON(r->json, "/version", "2");
	CHECK_STR(tl_header(r, "ETag"), cur);
	CHECK_INT(history_len("/v1/actors/a"), 2);

	/* current: accepted, also inside a list and as "*" */
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"C\"}",
		       -1, (const char *const[]){hdr1("If-Match", cur), NULL});
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/version", "3");
	cur = tl_header(r, "ETag");
	REQUIRE(cur);
	r = tl_request(
		"PUT", "/v1/actors/a", TL_JSON, "{\"name\": \"D\"}", -1,
		(const char *const[]){
			hdr1("If-Match", tl_fmt("%s, %s", old, cur)), NULL});
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/version", "4");
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"E\"}",
		       -1, (const char *const[]){"If-Match: *", NULL});
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/version", "5");
	cur = tl_header(r, "ETag");
	REQUIRE(cur);
	r = tl_request("DELETE", "/v1/actors/a", NULL, NULL, -1,
		       (const char *const[]){hdr1("If-Match", cur), NULL});
	CHECK_STATUS(r, 204);
	CHECK_STATUS(tl_get("/v1/actors/a"), 404);
}

static void test_if_match_on_missing(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	/* PUT would create; a precondition on a missing resource fails. */
	r = tl_request("PUT", "/v1/actors/ghost", TL_JSON, "{\"name\": \"G\"}",
		       -1, (const char *const[]){"If-Match: *", NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	r = tl_request("PUT", "/v1/actors/ghost", TL_JSON, "{\"name\": \"G\"}",
		       -1, (const char *const[]){"If-Match: \"abc\"", NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	/* PATCH and DELETE of nothing: 404 or 412, never a write. */
	r = tl_request("PATCH", "/v1/actors/ghost", TL_MERGE,
		       "{\"name\": \"G\"}", -1,
		       (const char *const[]){"If-Match: *", NULL});
	CHECK(r->status == 412 || r->status == 404);
	r = tl_request("DELETE", "/v1/actors/ghost", NULL, NULL, -1,
		       (const char *const[]){"If-Match: *", NULL});
	CHECK(r->status == 412 || r->status == 404);
	CHECK_STATUS(tl_get("/v1/actors/ghost"), 404);
	CHECK_STATUS(tl_get("/v1/actors/ghost/history"), 404);
	/* Without the precondition the same PUT creates. */
	CHECK_STATUS(tl_put("/v1/actors/ghost", "{\"name\": \"G\"}"), 201);
}

/* RFC 9110 13.1.1: If-Match uses the strong comparison, so a weak tag
 * never matches. */
static void test_if_match_weak_tag_never_matches(struct tl_server *srv)
{
	struct tl_resp *r;
	const char *etag;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	etag = tl_header(tl_get("/v1/actors/a"), "ETag");
	REQUIRE(etag);
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"W\"}",
		       -1,
		       (const char *const[]){
			       hdr1("If-Match", tl_fmt("W/%s", etag)), NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "A");
}

/* Relations and claims: a relation is a single resource with its own
 * ETag, and adding one changes the claim's representation, so an
 * If-Match with the claim's old tag fails. */
static void test_relations_and_claim_tags(struct tl_server *srv)
{
	struct tl_resp *r, *g;
	const char *before, *loc;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"a\", \"text\": \"x\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"a\", \"text\": \"y\"}"));
	before = tl_header(tl_get("/v1/claims/c1"), "ETag");
	REQUIRE(before);
	r = tl_post("/v1/claims/c1/relations",
		    "{\"type\": \"contradicts\", \"claim\": \"c2\"}");
	REQUIRE_STATUS(r, 201);
	loc = tl_header(r, "Location");
	REQUIRE(loc);
	CHECK(strong_etag(tl_header(r, "ETag")));
	g = tl_get(loc);
	CHECK_STATUS(g, 200);
	CHECK(strong_etag(tl_header(g, "ETag")));

	g = tl_get("/v1/claims/c1");
	CHECK(tl_header(g, "ETag") &&
	      strcmp(tl_header(g, "ETag"), before) != 0);
	r = tl_request("PATCH", "/v1/claims/c1", TL_MERGE,
		       "{\"text\": \"changed\"}", -1,
		       (const char *const[]){hdr1("If-Match", before), NULL});
	CHECK_PROBLEM(r, 412, "precondition-failed");
	CHECK_JSTR(tl_get("/v1/claims/c1")->json, "/text", "x");
}

#define RACERS 8

struct racer {
	pthread_t thread;
	int n, round;
	const char *etag;
	long status;
};

static void *race(void *arg)
{
	struct racer *w = arg;
	struct tl_conn *c = tl_conn_new();
	struct tl_resp *r = tl_conn_request(
		c, "PATCH", "/v1/actors/t", TL_MERGE,
		tl_fmt("{\"description\": \"round %d racer %d\"}", w->round,
		       w->n),
		-1, (const char *const[]){hdr1("If-Match", w->etag), NULL});

	w->status = r->status;
	tl_resp_free(r);
	tl_conn_free(c);
	return NULL;
}

static void test_no_lost_update_under_race(struct tl_server *srv)
{
	struct racer w[RACERS];
	int ok = 0, failed = 0;
	const char *etag;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"t\", \"name\": \"T\"}"));
	etag = tl_header(tl_get("/v1/actors/t"), "ETag");
	REQUIRE(etag);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < RACERS; i++) {
			w[i].n = i;
			w[i].round = round; /* every patch a real change */
			w[i].etag = etag;
			w[i].status = 0;
			pthread_create(&w[i].thread, NULL, race, &w[i]);
		}
		for (int i = 0; i < RACERS; i++) {
			pthread_join(w[i].thread, NULL);
			ok += w[i].status == 200;
			failed += w[i].status == 412;
		}
		etag = tl_header(tl_get("/v1/actors/t"), "ETag");
		REQUIRE(etag);
	}
	/* Exactly one winner per round. */
	CHECK_INT(ok, 5);
	CHECK_INT(failed, 5 * (RACERS - 1));
	CHECK_JSON(tl_get("/v1/actors/t")->json, "/version", "6");
	CHECK_INT(history_len("/v1/actors/t"), 6);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_etag_on_gets_and_writes, TL_SERVER),
		TL_TEST(test_if_none_match, TL_SERVER),
		TL_TEST(test_if_match_stale_is_412, TL_SERVER),
		TL_TEST(test_if_match_on_missing, TL_SERVER),
		TL_TEST(test_if_match_weak_tag_never_matches, TL_SERVER),
		TL_TEST(test_relations_and_claim_tags, TL_SERVER),
		TL_TEST(test_no_lost_update_under_race, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
