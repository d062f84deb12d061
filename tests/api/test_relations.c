/*
 * Relations between claims (contract section 2, "Relations between
 * claims"): creating them, how each side sees them (direction), the
 * computed `disputed`, duplicates of symmetric and directed types,
 * validation, deleting a relation and deleting a claim with relations.
 */
#include "tests/lib/testlib.h"

#include <string.h>

/* Three claims a, b, c by one actor. */
static bool fixtures(void)
{
	return tl_create("/v1/actors", "{\"id\": \"ru\", \"name\": \"RU\"}") &&
	       tl_create("/v1/actors", "{\"id\": \"ua\", \"name\": \"UA\"}") &&
	       tl_create("/v1/claims", "{\"id\": \"a\", \"claimant\": \"ru\", "
				       "\"text\": \"Kursk is liberated.\"}") &&
	       tl_create("/v1/claims", "{\"id\": \"b\", \"claimant\": \"ua\", "
				       "\"text\": \"Fighting goes on.\"}") &&
	       tl_create("/v1/claims", "{\"id\": \"c\", \"claimant\": \"ua\", "
				       "\"text\": \"Something else.\"}");
}

/* The relation of `type` in the claim's relations, or NULL. */
static json_t *find_rel(const char *claim, const char *type)
{
	json_t *rels = tl_at(tl_get(tl_fmt("/v1/claims/%s", claim))->json,
			     "/relations"),
	       *it;
	size_t i;

	json_array_foreach(rels, i, it)
	{
		const char *t = tl_str(it, "/type");

		if (t && strcmp(t, type) == 0)
			return it;
	}
	return NULL;
}

/* POSTs a relation from `from`; returns the response. */
static struct tl_resp *relate(const char *from, const char *type,
			      const char *to, const char *note)
{
	return tl_post(tl_fmt("/v1/claims/%s/relations", from),
		       note ? tl_fmt("{\"type\": \"%s\", \"claim\": \"%s\", "
				     "\"note\": \"%s\"}",
				     type, to, note)
			    : tl_fmt("{\"type\": \"%s\", \"claim\": \"%s\"}",
				     type, to));
}

static void test_contradicts_seen_from_both_sides(struct tl_server *srv)
{
	struct tl_resp *r, *ga, *gb, *l;
	const char *rel;

	(void)srv;
	REQUIRE(fixtures());
	r = relate("a", "contradicts", "b", "UA says fighting continues");
	REQUIRE_STATUS(r, 201);
	CHECK_KEYS(r->json, "id", "type", "claim", "direction", "note");
	rel = tl_str(r->json, "/id");
	REQUIRE(rel && strncmp(rel, "rel-", 4) == 0);
	CHECK_STR(tl_header(r, "Location"),
		  tl_fmt("/v1/claims/a/relations/%s", rel));
	CHECK_JSTR(r->json, "/type", "contradicts");
	CHECK_JSTR(r->json, "/claim", "b");
	CHECK_JSTR(r->json, "/direction", "both");
	CHECK_JSTR(r->json, "/note", "UA says fighting continues");

	ga = tl_get("/v1/claims/a");
	gb = tl_get("/v1/claims/b");
	CHECK_JSON(ga->json, "/disputed", "true");
	CHECK_JSON(gb->json, "/disputed", "true");
	CHECK_INT(json_array_size(tl_at(ga->json, "/relations")), 1);
	CHECK_SAME(tl_at(ga->json, "/relations/0"), r->json);
	CHECK_INT(json_array_size(tl_at(gb->json, "/relations")), 1);
	CHECK_JSTR(gb->json, "/relations/0/id", rel);
	CHECK_JSTR(gb->json, "/relations/0/claim", "a");
	CHECK_JSTR(gb->json, "/relations/0/direction", "both");
	CHECK_JSTR(gb->json, "/relations/0/type", "contradicts");
	CHECK_JSTR(gb->json, "/relations/0/note", "UA says fighting continues");
	/* The third claim is not involved. */
	CHECK_JSON(tl_get("/v1/claims/c")->json, "/disputed", "false");
	CHECK_JSON(tl_get("/v1/claims/c")->json, "/relations", "[]");

	l = tl_get("/v1/claims/b/relations");
	CHECK_STATUS(l, 200);
	CHECK_KEYS(tl_at(l->json, "/items/0"), "id", "type", "claim",
		   "direction", "note");
	CHECK_JSON(l->json, "/next_cursor", "null");
	CHECK_INT(json_array_size(tl_at(l->json, "/items")), 1);
	CHECK_SAME(tl_at(l->json, "/items/0"), tl_at(gb->json, "/relations/0"));
	CHECK_STR(tl_ids(tl_at(tl_get("/v1/claims?disputed=true")->json,
			       "/items")),
		  "a,b");
	CHECK_STR(tl_ids(tl_at(tl_get("/v1/claims?disputed=false")->json,
			       "/items")),
		  "c");
}

static void test_directed_types(struct tl_server *srv)
{
	struct tl_resp *r, *g;

	(void)srv;
	REQUIRE(fixtures());
	r = relate("a", "corrects", "b", NULL);
	REQUIRE_STATUS(r, 201);
	CHECK_JSTR(r->json, "/direction", "out");
	CHECK_JSTR(r->json, "/claim", "b");
	CHECK_JSON(r->json, "/note", "null");
	g = tl_get("/v1/claims/b");
	CHECK_JSTR(g->json, "/relations/0/direction", "in");
	CHECK_JSTR(g->json, "/relations/0/claim", "a");
	CHECK_JSTR(g->json, "/relations/0/type", "corrects");
	/* Only contradicts disputes. */
	CHECK_JSON(g->json, "/disputed", "false");

	r = relate("c", "responds_to", "a", "reply");
	CHECK_STATUS(r, 201);
	CHECK_JSTR(r->json, "/direction", "out");
	g = tl_get("/v1/claims/a/relations");
	CHECK_STATUS(g, 200);
	CHECK_INT(json_array_size(tl_at(g->json, "/items")), 2);

	r = relate("b", "supports", "c", NULL);
	CHECK_STATUS(r, 201);
	CHECK_JSTR(r->json, "/direction", "both");
	CHECK_JSTR(find_rel("c", "supports"), "/direction", "both");
	CHECK_JSTR(find_rel("c", "supports"), "/claim", "b");
	CHECK_JSTR(find_rel("c", "responds_to"), "/direction", "out");
	CHECK_JSON(tl_get("/v1/claims/c")->json, "/disputed", "false");
	/* A directed relation the other way round is no duplicate. */
	CHECK_STATUS(relate("b", "corrects", "a", NULL), 201);
}

static void test_duplicates_are_409(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	REQUIRE_STATUS(relate("a", "contradicts", "b", NULL), 201);
	CHECK_PROBLEM(relate("a", "contradicts", "b", NULL), 409, "conflict");
	CHECK_PROBLEM(relate("b", "contradicts", "a", "again"), 409,
		      "conflict");
	REQUIRE_STATUS(relate("a", "supports", "c", NULL), 201);
	CHECK_PROBLEM(relate("c", "supports", "a", NULL), 409, "conflict");
	REQUIRE_STATUS(relate("a", "responds_to", "b", NULL), 201);
	CHECK_PROBLEM(relate("a", "responds_to", "b", NULL), 409, "conflict");
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/a")->json, "/relations")),
		  3);
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/b")->json, "/relations")),
		  2);
}

static void test_validation(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	r = relate("a", "contradicts", "a", NULL);
	CHECK_PROBLEM(r, 422, "validation-failed");
	r = relate("a", "contradicts", "ghost", NULL);
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/claim");
	r = relate("a", "refutes", "b", NULL);
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/type");
	r = tl_post("/v1/claims/a/relations",
		    "{\"note\": 5, \"colour\": \"red\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/type", "/claim", "/note", "/colour");
	r = tl_post("/v1/claims/a/relations", "[]");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "");
	CHECK_PROBLEM(relate("ghost", "contradicts", "a", NULL), 404,
		      "not-found");
	CHECK_PROBLEM(tl_get("/v1/claims/ghost/relations"), 404, "not-found");
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/relations", "[]");
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/disputed", "false");
	/* A relation is not a field of the claim one may write. */
	r = tl_patch("/v1/claims/a",
		     "{\"relations\": [{\"type\": \"contradicts\", \"claim\": "
		     "\"b\"}]}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/relations");
}

static void test_delete_relation(struct tl_server *srv)
{
	struct tl_resp *r;
	const char *rel;

	(void)srv;
	REQUIRE(fixtures());
	r = relate("a", "contradicts", "b", NULL);
	REQUIRE_STATUS(r, 201);
	rel = tl_fmt("%s", tl_str(r->json, "/id"));
	/* c is not part of it. */
	CHECK_PROBLEM(tl_delete(tl_fmt("/v1/claims/c/relations/%s", rel)), 404,
		      "not-found");
	CHECK_PROBLEM(tl_delete("/v1/claims/a/relations/rel-nothing"), 404,
		      "not-found");
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/disputed", "true");

	/* Either side may delete it. */
	r = tl_delete(tl_fmt("/v1/claims/b/relations/%s", rel));
	CHECK_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/disputed", "false");
	CHECK_JSON(tl_get("/v1/claims/b")->json, "/disputed", "false");
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/relations", "[]");
	CHECK_JSON(tl_get("/v1/claims/b/relations")->json, "/items", "[]");
	CHECK_PROBLEM(tl_delete(tl_fmt("/v1/claims/a/relations/%s", rel)), 404,
		      "not-found");
	/* Now it may be made again, and its Location deletes it. */
	r = relate("b", "contradicts", "a", NULL);
	CHECK_STATUS(r, 201);
	CHECK_JSON(tl_get("/v1/claims/a")->json, "/disputed", "true");
	REQUIRE(tl_header(r, "Location") != NULL);
	CHECK_STATUS(tl_delete(tl_fmt("%s", tl_header(r, "Location"))), 204);
	CHECK_JSON(tl_get("/v1/claims/b")->json, "/disputed", "false");
}

static void test_deleting_claim_removes_relations(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	REQUIRE_STATUS(relate("a", "contradicts", "b", NULL), 201);
	REQUIRE_STATUS(relate("c", "corrects", "a", NULL), 201);
	REQUIRE_STATUS(relate("b", "supports", "c", NULL), 201);
	CHECK_STATUS(tl_delete("/v1/claims/a"), 204);
	CHECK_JSON(tl_get("/v1/claims/b")->json, "/disputed", "false");
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/b")->json, "/relations")),
		  1);
	CHECK_JSTR(tl_get("/v1/claims/b")->json, "/relations/0/claim", "c");
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/c")->json, "/relations")),
		  1);
	CHECK_JSTR(tl_get("/v1/claims/c")->json, "/relations/0/type",
		   "supports");
	CHECK_STR(tl_ids(tl_at(tl_get("/v1/claims?disputed=true")->json,
			       "/items")),
		  "");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_contradicts_seen_from_both_sides, TL_SERVER),
		TL_TEST(test_directed_types, TL_SERVER),
		TL_TEST(test_duplicates_are_409, TL_SERVER),
		TL_TEST(test_validation, TL_SERVER),
		TL_TEST(test_delete_relation, TL_SERVER),
		TL_TEST(test_deleting_claim_removes_relations, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
