/*
 * Actors (contract section 2, "Actor"): defaults, field validation,
 * part_of references and cycles, deleting referenced actors, and the list
 * filters q, kind, country and part_of.
 */
#include "tests/lib/testlib.h"

#include <string.h>

static const char *const kinds[] = {"state",	    "government", "military",
				    "organization", "person",	  "media",
				    "group",	    "unknown"};

static void test_defaults(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/actors", "{\"name\": \"Kim Jong Un\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_KEYS(r->json, "id", "name", "kind", "country", "part_of",
		   "aliases", "description", "created_at", "updated_at",
		   "version");
	CHECK_JSTR(r->json, "/name", "Kim Jong Un");
	CHECK_JSTR(r->json, "/kind", "unknown");
	CHECK_JSON(r->json, "/country", "null");
	CHECK_JSON(r->json, "/part_of", "null");
	CHECK_JSON(r->json, "/aliases", "[]");
	CHECK_JSON(r->json, "/description", "null");
}

static void test_full_round_trip(struct tl_server *srv)
{
	const char *body =
		"{\"id\": \"kp\", \"name\": \"North Korea\", \"kind\": \"state\", "
		"\"country\": \"KP\", \"aliases\": [\"DPRK\", \"Democratic "
		"People's Republic of Korea\"], \"description\": \"A state.\"}";
	struct tl_resp *r, *g;

	(void)srv;
	r = tl_post("/v1/actors", body);
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/aliases",
		   "[\"DPRK\", \"Democratic People's Republic of Korea\"]");
	CHECK_JSTR(r->json, "/kind", "state");
	CHECK_JSTR(r->json, "/country", "KP");
	CHECK_JSTR(r->json, "/description", "A state.");
	r = tl_post("/v1/actors",
		    "{\"id\": \"kp-cmc\", \"name\": \"Central Military "
		    "Commission (North Korea)\", \"kind\": \"organization\", "
		    "\"country\": \"KP\", \"part_of\": \"kp\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSTR(r->json, "/part_of", "kp");
	g = tl_get("/v1/actors/kp-cmc");
	CHECK_SAME(g->json, r->json);
	/* Every kind of the list is accepted. */
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		r = tl_post("/v1/actors", tl_fmt("{\"name\": \"k\", "
						 "\"kind\": \"%s\"}",
						 kinds[i]));
		CHECK_STATUS(r, 201);
		CHECK_JSTR(r->json, "/kind", kinds[i]);
	}
}

static void test_validation_lists_every_field(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/actors",
		    "{\"kind\": \"alien\", \"country\": \"KOR\", "
		    "\"part_of\": \"nobody\", \"aliases\": \"DPRK\", "
		    "\"description\": 5}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/name", "/kind", "/country", "/part_of",
			     "/aliases", "/description");
	CHECK_JSON(tl_get("/v1/actors")->json, "/items", "[]");
}

static void test_field_rules(struct tl_server *srv)
{
	static const struct {
		const char *body, *pointer;
	} bad[] = {
		{"{\"name\": 1}", "/name"},
		{"{\"name\": null}", "/name"},
		{"{\"name\": \"x\", \"kind\": \"State\"}", "/kind"},
		{"{\"name\": \"x\", \"kind\": null, \"country\": 1}",
		 "/country"},
		{"{\"name\": \"x\", \"country\": \"kp\"}", "/country"},
		{"{\"name\": \"x\", \"country\": \"K\"}", "/country"},
		{"{\"name\": \"x\", \"country\": \"ZY\"}", "/country"},
		{"{\"name\": \"x\", \"aliases\": [\"a\", 2]}", "/aliases/1"},
		{"{\"name\": \"x\", \"part_of\": 3}", "/part_of"},
		{"{\"name\": \"x\", \"part_of\": \"not-there\"}", "/part_of"},
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tl_resp *r = tl_post("/v1/actors", bad[i].body);

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, bad[i].pointer);
	}
	CHECK_JSON(tl_get("/v1/actors")->json, "/items", "[]");
	/* null for an optional field with a default gives the default. */
	CHECK_JSTR(tl_post("/v1/actors", "{\"name\": \"x\", \"kind\": null}")
			   ->json,
		   "/kind", "unknown");
}

static void test_part_of_cycles_rejected(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create(
		"/v1/actors",
		"{\"id\": \"b\", \"name\": \"B\", \"part_of\": \"a\"}"));
	REQUIRE(tl_create(
		"/v1/actors",
		"{\"id\": \"c\", \"name\": \"C\", \"part_of\": \"b\"}"));
	/* a part_of c closes the cycle a <- b <- c. */
	r = tl_patch("/v1/actors/a", "{\"part_of\": \"c\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/part_of");
	r = tl_patch("/v1/actors/a", "{\"part_of\": \"a\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/part_of");
	r = tl_put("/v1/actors/a", "{\"name\": \"A\", \"part_of\": \"b\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/part_of");
	/* PUT creating an actor part of itself. */
	r = tl_put("/v1/actors/d", "{\"name\": \"D\", \"part_of\": \"d\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_STATUS(tl_get("/v1/actors/d"), 404);
	r = tl_get("/v1/actors/a");
	CHECK_JSON(r->json, "/part_of", "null");
	CHECK_JSON(r->json, "/version", "1");
	/* Moving c directly under a is no cycle. */
	r = tl_patch("/v1/actors/c", "{\"part_of\": \"a\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/part_of", "a");
}

static void test_delete_referenced_actor_is_409(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create(
		"/v1/actors",
		"{\"id\": \"ru-gerasimov\", \"name\": \"Gerasimov\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"clm-kursk\", \"claimant\": \"ru-gerasimov\", "
		"\"text\": \"Kursk is liberated.\"}"));
	r = tl_delete("/v1/actors/ru-gerasimov");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "clm-kursk"));
	CHECK_STATUS(tl_get("/v1/actors/ru-gerasimov"), 200);

	/* via counts as a reference too. */
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"tass\", \"name\": \"TASS\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"clm-via\", \"claimant\": \"ru-gerasimov\", "
		"\"via\": \"tass\", \"text\": \"Said via TASS.\"}"));
	r = tl_delete("/v1/actors/tass");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "clm-via"));

	/* An actor with sub-actors, or taking part in an event. */
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"ru\", \"name\": \"Russia\"}"));
	REQUIRE(tl_create(
		"/v1/actors",
		"{\"id\": \"ru-mod\", \"name\": \"MoD\", \"part_of\": \"ru\"}"));
	r = tl_delete("/v1/actors/ru");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "ru-mod"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"evt-deploy\", \"title\": \"Deployment\", "
			  "\"kind\": \"deployment\", \"start\": \"2024-10\", "
			  "\"participants\": [{\"actor\": \"kp\", \"role\": "
			  "\"sent troops\"}]}"));
	r = tl_delete("/v1/actors/kp");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "evt-deploy"));

	/* Once the references are gone, the delete goes through. */
	CHECK_STATUS(tl_delete("/v1/claims/clm-via"), 204);
	CHECK_STATUS(tl_delete("/v1/actors/tass"), 204);
	CHECK_STATUS(tl_delete("/v1/claims/clm-kursk"), 204);
	CHECK_STATUS(tl_delete("/v1/actors/ru-gerasimov"), 204);
	CHECK_STATUS(tl_get("/v1/actors/ru-gerasimov"), 404);
	CHECK_STATUS(tl_get("/v1/actors/kp"), 200);
	CHECK_STATUS(tl_get("/v1/actors/ru"), 200);
}

/* The ids the list at `query` answers, comma-separated. */
static const char *list(const char *query)
{
	return tl_page_ids(tl_fmt("/v1/actors%s", query));
}

static void test_filters(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"North Korea\", "
			  "\"kind\": \"state\", \"country\": \"KP\", "
			  "\"aliases\": [\"DPRK\"]}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp-cmc\", \"name\": \"Central Military "
			  "Commission\", \"kind\": \"organization\", "
			  "\"country\": \"KP\", \"part_of\": \"kp\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"ru\", \"name\": \"Russia\", "
			  "\"kind\": \"state\", \"country\": \"RU\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"ru-gerasimov\", \"name\": \"Valery "
			  "Gerasimov\", \"kind\": \"person\", \"country\": "
			  "\"RU\", \"part_of\": \"ru\", \"aliases\": [\"Chief "
			  "of the General Staff\"]}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"intl\", \"name\": \"International "
			  "sources\", \"kind\": \"group\"}"));

	CHECK_STR(list("?kind=state"), "kp,ru");
	CHECK_STR(list("?kind=group"), "intl");
	CHECK_STR(list("?kind=media"), "");
	CHECK_STR(list("?country=KP"), "kp,kp-cmc");
	CHECK_STR(list("?country=RU"), "ru,ru-gerasimov");
	CHECK_STR(list("?part_of=kp"), "kp-cmc");
	CHECK_STR(list("?part_of=ru"), "ru-gerasimov");
	/* q: name or alias, case-insensitive substring. */
	CHECK_STR(list("?q=korea"), "kp");
	CHECK_STR(list("?q=KOREA"), "kp");
	CHECK_STR(list("?q=dprk"), "kp");
	CHECK_STR(list("?q=general%20staff"), "ru-gerasimov");
	CHECK_STR(list("?q=military"), "kp-cmc");
	CHECK_STR(list("?q=s"), "kp-cmc,ru,ru-gerasimov,intl");
	CHECK_STR(list("?q=zzz"), "");
	/* Filters combine with AND. */
	CHECK_STR(list("?country=RU&kind=person"), "ru-gerasimov");
	CHECK_STR(list("?country=RU&kind=organization"), "");
	CHECK_STR(list("?q=r&country=KP"), "kp,kp-cmc");
	/* LIKE wildcards in q are plain characters. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"pct\", \"name\": "
					"\"100% sure\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"und\", \"name\": "
					"\"snake_case\"}"));
	CHECK_STR(list("?q=%25"), "pct");
	CHECK_STR(list("?q=_"), "und");
	CHECK_STR(list("?q=e_c"), "und");
	CHECK_STR(list("?q=%5C"), "");
	/* An unknown parameter or kind is 422 naming the parameter. */
	CHECK_BAD_PARAM("/v1/actors?colour=red", "colour");
	CHECK_BAD_PARAM("/v1/actors?kind=alien", "kind");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_defaults, TL_SERVER),
		TL_TEST(test_full_round_trip, TL_SERVER),
		TL_TEST(test_validation_lists_every_field, TL_SERVER),
		TL_TEST(test_field_rules, TL_SERVER),
		TL_TEST(test_part_of_cycles_rejected, TL_SERVER),
		TL_TEST(test_delete_referenced_actor_is_409, TL_SERVER),
		TL_TEST(test_filters, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
