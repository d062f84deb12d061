/*
 * The mechanism the four resources share (contract section 2 and the
 * conventions of section 1): create, read, replace, merge-patch, delete,
 * ids, versions, timestamps, read-only and unknown fields.  Every test
 * runs the same checks over actors, sources, events and claims, from one
 * table, so a resource that drifts from the others is caught.
 */
#include "tests/lib/testlib.h"

#include <regex.h>
#include <string.h>
#include <unistd.h>

struct resource {
	const char *coll;   /* "/v1/actors" */
	const char *prefix; /* of generated ids */
	const char *body;   /* a minimal valid body, without "id" */
	const char *other;  /* another valid body, changing `field` */
	const char *field;  /* a required string field */
	const char *opt;    /* an optional string field, null by default */
	const char *keys[24];
};

static const struct resource resources[] = {
	{"/v1/actors",
	 "act-",
	 "{\"name\": \"Kim\"}",
	 "{\"name\": \"Lee\"}",
	 "name",
	 "description",
	 {"id", "name", "kind", "country", "part_of", "aliases", "description",
	  "created_at", "updated_at", "version"}},
	{"/v1/sources",
	 "src-",
	 "{\"title\": \"Report\"}",
	 "{\"title\": \"Another report\"}",
	 "title",
	 "publisher",
	 {"id", "title", "url", "publisher", "published", "kind", "language",
	  "text", "created_at", "updated_at", "version"}},
	{"/v1/events",
	 "evt-",
	 "{\"title\": \"Deployment\", \"kind\": \"deployment\", "
	 "\"start\": \"2024-10\"}",
	 "{\"title\": \"Withdrawal\", \"kind\": \"deployment\", "
	 "\"start\": \"2024-10\"}",
	 "title",
	 "description",
	 {"id", "title", "kind", "start", "end", "date_text", "ongoing",
	  "status", "location", "part_of", "participants", "tags",
	  "description", "created_at", "updated_at", "version"}},
	{"/v1/claims",
	 "clm-",
	 "{\"claimant\": \"fx-actor\", \"text\": \"Troops were sent.\"}",
	 "{\"claimant\": \"fx-actor\", \"text\": \"No troops were sent.\"}",
	 "text",
	 "quote",
	 {"id", "claimant", "events", "stated", "date_text", "stance", "text",
	  "quote", "source", "via", "quantity", "verdict", "quote_span",
	  "disputed", "relations", "created_at", "updated_at", "version"}},
};

#define N_RES (sizeof(resources) / sizeof(resources[0]))
#define FOR_EACH_RESOURCE(r)                                                   \
	for (const struct resource *r = resources; r < resources + N_RES; r++)

/* The claim bodies name this actor. */
static bool fixtures(void)
{
	return tl_create("/v1/actors",
			 "{\"id\": \"fx-actor\", \"name\": \"Fixture\"}") !=
	       NULL;
}

/* `body` with `"id": id` added at the front. */
static const char *with_id(const char *body, const char *id)
{
	return tl_fmt("{\"id\": \"%s\", %s", id, body + 1);
}

/* `body` with `"key": value` (JSON text) added. */
static const char *with(const char *body, const char *key, const char *value)
{
	return tl_fmt("{\"%s\": %s, %s", key, value, body + 1);
}

/* An id for this resource: ids of different collections never collide,
 * whether or not the server keeps one namespace for all of them. */
static const char *uid(const struct resource *res, const char *name)
{
	return tl_fmt("%c-%s", res->prefix[0], name);
}

static bool matches(const char *re, const char *s)
{
	regex_t rx;
	bool ok;

	if (!s || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

#define RFC3339_UTC                                                            \
	"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"
#define ID_RE "^[a-z0-9][a-z0-9._-]{0,63}$"

/* The number of items in the collection (one page, limit 500). */
static void test_create_returns_full_representation(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		struct tl_resp *r = tl_post(res->coll, res->body), *g;
		const char *id = tl_str(r->json, "/id");

		if (!CHECK_STATUS(r, 201))
			continue;
		CHECK(id && strncmp(id, res->prefix, strlen(res->prefix)) == 0);
		CHECK(matches(ID_RE, id));
		CHECK_STR(tl_header(r, "Location"),
			  tl_fmt("%s/%s", res->coll, id));
		tl_check_keys(__FILE__, __LINE__, r->json, res->keys);
		CHECK_JSON(r->json, "/version", "1");
		CHECK(matches(RFC3339_UTC, tl_str(r->json, "/created_at")));
		CHECK(matches(RFC3339_UTC, tl_str(r->json, "/updated_at")));
		CHECK_STR(tl_str(r->json, "/updated_at"),
			  tl_str(r->json, "/created_at"));
		CHECK(json_is_null(tl_at(r->json, tl_fmt("/%s", res->opt))));
		/* What GET returns is what POST returned. */
		g = tl_get(tl_fmt("%s/%s", res->coll, id));
		CHECK_STATUS(g, 200);
		CHECK_SAME(g->json, r->json);
	}
}

static void test_generated_ids_are_unique(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		json_t *seen = tl_json("{}");

		for (int i = 0; i < 20; i++) {
			const char *id = tl_create(res->coll, res->body);

			if (!id)
				break;
			CHECK(json_object_get(seen, id) == NULL);
			json_object_set_new(seen, id, json_true());
		}
		CHECK_INT(tl_count(res->coll), res == resources ? 21 : 20);
	}
}

static void test_client_chosen_id_and_conflict(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *id = uid(res, "kp-cmc.2025_x");
		struct tl_resp *r = tl_post(res->coll, with_id(res->body, id));
		struct tl_resp *again, *g;

		if (!CHECK_STATUS(r, 201))
			continue;
		CHECK_JSTR(r->json, "/id", id);
		CHECK_STR(tl_header(r, "Location"),
			  tl_fmt("%s/%s", res->coll, id));
		again = tl_post(res->coll, with_id(res->other, id));
		CHECK_PROBLEM(again, 409, "conflict");
		/* The rejected create changed nothing. */
		g = tl_get(tl_fmt("%s/%s", res->coll, id));
		CHECK_SAME(g->json, r->json);
		CHECK_INT(tl_count(res->coll), res == resources ? 2 : 1);
	}
}

static void test_bad_ids_are_422(struct tl_server *srv)
{
	static const char *const bad[] = {
		"\"-abc\"",
		"\"Abc\"",
		"\"a b\"",
		"\"a/b\"",
		"\"\"",
		"\"é\"",
		"\".a\"",
		"123",
		"true",
		"[\"a\"]",
		/* 65 characters */
		"\"a1234567890123456789012345678901234567890123456789012345678901234\"",
	};
	const char *tail =
		"23456789012345678901234567890123456789012345678901234567890123";

	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		long before = tl_count(res->coll);

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			struct tl_resp *r = tl_post(
				res->coll, with(res->body, "id", bad[i]));

			CHECK_PROBLEM(r, 422, "validation-failed");
			CHECK_ERROR_AT(r, "/id");
		}
		CHECK_INT(tl_count(res->coll), before);
		/* 64 characters is the longest id. */
		CHECK_STR(tl_create(res->coll,
				    with_id(res->body, uid(res, tail))),
			  uid(res, tail));
		/* A bad id in the path of a PUT is no resource either. */
		CHECK_INT(tl_put(tl_fmt("%s/Bad%%20Id", res->coll), res->body)
					  ->status /
				  100,
			  4);
	}
}

static void test_put_creates_then_replaces(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *put1 = uid(res, "put-1");
		const char *path = tl_fmt("%s/%s", res->coll, put1);
		const char *full = with(res->body, res->opt, "\"set\"");
		struct tl_resp *c = tl_put(path, full), *u, *g;

		if (!CHECK_STATUS(c, 201))
			continue;
		CHECK_STR(tl_header(c, "Location"), path);
		CHECK_JSTR(c->json, "/id", put1);
		CHECK_JSON(c->json, "/version", "1");
		CHECK_JSTR(c->json, tl_fmt("/%s", res->opt), "set");

		/* Replacing: the optional field left out is now unset. */
		u = tl_put(path, res->other);
		CHECK_STATUS(u, 200);
		CHECK_JSON(u->json, "/version", "2");
		CHECK(json_is_null(tl_at(u->json, tl_fmt("/%s", res->opt))));
		CHECK_SAME(
			tl_at(u->json, tl_fmt("/%s", res->field)),
			tl_at(tl_json(res->other), tl_fmt("/%s", res->field)));
		CHECK_STR(tl_str(u->json, "/created_at"),
			  tl_str(c->json, "/created_at"));
		g = tl_get(path);
		CHECK_SAME(g->json, u->json);

		/* The same id in the body is fine; another one is not. */
		CHECK_STATUS(tl_put(path, with_id(res->body, put1)), 200);
		g = tl_put(path, with_id(res->other, uid(res, "put-2")));
		CHECK_PROBLEM(g, 422, "validation-failed");
		CHECK_ERROR_AT(g, "/id");
		CHECK_STATUS(
			tl_get(tl_fmt("%s/%s", res->coll, uid(res, "put-2"))),
			404);
		CHECK_JSON(tl_get(path)->json, "/version", "3");
	}
}

static void test_patch_merges_and_counts_versions(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *id = tl_create(res->coll, res->body);
		const char *path = tl_fmt("%s/%s", res->coll, id);
		const char *fptr = tl_fmt("/%s", res->field);
		const char *optr = tl_fmt("/%s", res->opt);
		json_t *orig, *p1;
		struct tl_resp *r;

		if (!id)
			continue;
		orig = tl_get(path)->json;
		r = tl_patch(path, tl_fmt("{\"%s\": \"patched\"}", res->opt));
		CHECK_STATUS(r, 200);
		CHECK_JSON(r->json, "/version", "2");
		CHECK_JSTR(r->json, optr, "patched");
		/* Fields not in the patch are kept. */
		CHECK_SAME(tl_at(r->json, fptr), tl_at(orig, fptr));
		CHECK_STR(tl_str(r->json, "/created_at"),
			  tl_str(orig, "/created_at"));
		CHECK(strcmp(tl_str(r->json, "/updated_at"),
			     tl_str(orig, "/updated_at")) >= 0);
		p1 = r->json;
		CHECK_SAME(tl_get(path)->json, p1);

		/* application/json is accepted for PATCH too. */
		r = tl_request("PATCH", path, TL_JSON,
			       tl_fmt("{\"%s\": \"again\"}", res->field), -1,
			       NULL);
		CHECK_STATUS(r, 200);
		CHECK_JSON(r->json, "/version", "3");
		CHECK_JSTR(r->json, fptr, "again");
		CHECK_JSTR(r->json, optr, "patched");

		/* null unsets an optional field. */
		r = tl_patch(path, tl_fmt("{\"%s\": null}", res->opt));
		CHECK_STATUS(r, 200);
		CHECK_JSON(r->json, "/version", "4");
		CHECK(json_is_null(tl_at(r->json, optr)));
		CHECK(json_is_null(tl_at(tl_get(path)->json, optr)));

		/* A required field cannot be unset; nothing changes. */
		r = tl_patch(path, tl_fmt("{\"%s\": null}", res->field));
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, fptr);
		CHECK_JSON(tl_get(path)->json, "/version", "4");

		CHECK_PROBLEM(tl_patch(tl_fmt("%s/missing", res->coll),
				       tl_fmt("{\"%s\": \"x\"}", res->opt)),
			      404, "not-found");
		CHECK_STATUS(tl_get(tl_fmt("%s/missing", res->coll)), 404);
	}
}

static void test_delete_removes(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *keep = tl_create(res->coll, res->body);
		const char *id = tl_create(res->coll, res->other);
		const char *path = tl_fmt("%s/%s", res->coll, id);
		struct tl_resp *r, *l;

		if (!keep || !id)
			continue;
		r = tl_delete(path);
		CHECK_STATUS(r, 204);
		CHECK_INT(r->body_len, 0);
		CHECK_PROBLEM(tl_get(path), 404, "not-found");
		CHECK_PROBLEM(tl_delete(path), 404, "not-found");
		CHECK_PROBLEM(tl_patch(path, "{}"), 404, "not-found");
		l = tl_get(res->coll);
		CHECK_STR(tl_ids(tl_at(l->json, "/items")),
			  res == resources ? tl_fmt("fx-actor,%s", keep)
					   : keep);
		/* The id can be used again. */
		CHECK_STR(tl_create(res->coll, with_id(res->body, id)), id);
		CHECK_JSON(tl_get(path)->json, "/version", "1");
	}
}

/* A refused delete says everything that blocks it at once: how many
 * records refer to it, and the first ten, each with the referring member
 * in the referrer and the referrer's id. */
static void test_delete_conflict_lists_referrers(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *e;
	size_t i;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	for (int k = 0; k < 15; k++)
		REQUIRE(tl_create("/v1/claims",
				  tl_fmt("{\"id\": \"c%02d\", \"claimant\": "
					 "\"kp\", \"text\": \"t\"}",
					 k)));
	r = tl_delete("/v1/actors/kp");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "15 records refer to it"));
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "\"c00\""));
	CHECK_INT(json_array_size(tl_at(r->json, "/errors")), 10);
	json_array_foreach(tl_at(r->json, "/errors"), i, e)
	{
		CHECK_KEYS(e, "pointer", "detail");
		CHECK_JSTR(e, "/pointer", "/claimant");
		CHECK_JSTR(e, "/detail",
			   tl_fmt("claim \"c%02zu\" refers to it", i));
	}
	CHECK_STATUS(tl_get("/v1/actors/kp"), 200);

	/* Every kind of referrer, each with the pointer into it. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"ru\", \"name\": \"R\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"x\", \"name\": \"X\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"ru-mod\", \"name\": "
					"\"MoD\", \"part_of\": \"x\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"cv\", \"claimant\": "
			  "\"ru\", \"via\": \"x\", \"text\": \"t\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e1\", \"title\": \"E\", \"kind\": \"k\", "
			  "\"start\": \"2024\", \"participants\": [{\"actor\": "
			  "\"ru\"}, {\"actor\": \"x\", \"role\": \"r\"}]}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e2\", \"title\": \"E\", \"kind\": \"k\", "
			  "\"start\": \"2024\", \"part_of\": \"e1\"}"));
	REQUIRE(tl_create("/v1/claims", "{\"id\": \"ce\", \"claimant\": "
					"\"ru\", \"events\": [\"e2\", \"e1\"], "
					"\"text\": \"t\"}"));
	r = tl_delete("/v1/actors/x");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "3 records refer to it"));
	CHECK_JSON(r->json, "/errors",
		   "[{\"pointer\": \"/via\", \"detail\": \"claim \\\"cv\\\" "
		   "refers to it\"}, {\"pointer\": \"/part_of\", \"detail\": "
		   "\"actor \\\"ru-mod\\\" refers to it\"}, {\"pointer\": "
		   "\"/participants/1/actor\", \"detail\": \"event \\\"e1\\\" "
		   "refers to it\"}]");
	r = tl_delete("/v1/events/e1");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "2 records refer to it"));
	CHECK_JSON(r->json, "/errors",
		   "[{\"pointer\": \"/events/1\", \"detail\": \"claim "
		   "\\\"ce\\\" refers to it\"}, {\"pointer\": \"/part_of\", "
		   "\"detail\": \"event \\\"e2\\\" refers to it\"}]");
	/* One referrer: named in the detail, singular. */
	r = tl_delete("/v1/events/e2");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK_JSTR(r->json, "/detail",
		   "1 record refers to it: claim \"ce\" (events)");
	CHECK_JSON(r->json, "/errors/0/pointer", "\"/events/0\"");
	/* Nothing was deleted; with the referrers gone, the delete goes. */
	CHECK_STATUS(tl_get("/v1/events/e1"), 200);
	CHECK_STATUS(tl_delete("/v1/claims/ce"), 204);
	CHECK_STATUS(tl_delete("/v1/events/e2"), 204);
}

static void test_read_only_fields_rejected(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *id = tl_create(res->coll, res->body);
		const char *path = tl_fmt("%s/%s", res->coll, id);
		json_t *before;
		struct tl_resp *r;
		const char *body;
		bool claim = strcmp(res->coll, "/v1/claims") == 0;

		if (!id)
			continue;
		before = tl_get(path)->json;
		body = with(with(with(res->other, "created_at",
				      "\"2020-01-01T00:00:00Z\""),
				 "updated_at", "\"2020-01-01T00:00:00Z\""),
			    "version", "7");
		if (claim)
			body = with(with(with(body, "quote_span", "null"),
					 "disputed", "false"),
				    "relations", "[]");

		r = tl_post(res->coll, body);
		CHECK_PROBLEM(r, 422, "validation-failed");
		if (claim)
			CHECK_ERRORS_EXACTLY(r, "/created_at", "/updated_at",
					     "/version", "/quote_span",
					     "/disputed", "/relations");
		else
			CHECK_ERRORS_EXACTLY(r, "/created_at", "/updated_at",
					     "/version");
		r = tl_put(path, body);
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, "/version");
		r = tl_patch(path, "{\"version\": 9}");
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, "/version");
		r = tl_patch(path,
			     "{\"created_at\": \"2020-01-01T00:00:00Z\"}");
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, "/created_at");
		if (claim) {
			r = tl_patch(path, "{\"disputed\": true}");
			CHECK_PROBLEM(r, 422, "validation-failed");
			CHECK_ERROR_AT(r, "/disputed");
		}
		/* Nothing was written. */
		CHECK_SAME(tl_get(path)->json, before);
		CHECK_INT(tl_count(res->coll), res == resources ? 2 : 1);
	}
}

static void test_unknown_fields_rejected(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *id = tl_create(res->coll, res->body);
		const char *path = tl_fmt("%s/%s", res->coll, id);
		json_t *before;
		struct tl_resp *r;

		if (!id)
			continue;
		before = tl_get(path)->json;
		r = tl_post(res->coll,
			    with(with(res->body, "colour", "\"red\""), "Name",
				 "1"));
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERRORS_EXACTLY(r, "/colour", "/Name");
		r = tl_put(path, with(res->other, "colour", "\"red\""));
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, "/colour");
		r = tl_patch(path, tl_fmt("{\"%s\": \"x\", \"colour\": 1}",
					  res->field));
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, "/colour");
		CHECK_SAME(tl_get(path)->json, before);
		CHECK_INT(tl_count(res->coll), res == resources ? 2 : 1);
	}
}

static void test_body_not_an_object(struct tl_server *srv)
{
	static const char *const bodies[] = {
		"[]", "\"x\"", "1", "null", "true", "[{\"name\": \"x\"}]"};

	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		const char *id = tl_create(res->coll, res->body);

		for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]);
		     i++) {
			struct tl_resp *r = tl_post(res->coll, bodies[i]);

			CHECK_PROBLEM(r, 422, "validation-failed");
			CHECK_ERROR_AT(r, "");
			r = tl_put(tl_fmt("%s/%s", res->coll, id), bodies[i]);
			CHECK_PROBLEM(r, 422, "validation-failed");
			CHECK_ERROR_AT(r, "");
			/* A merge patch that is no object replaces the whole
			 * resource with a non-object (RFC 7396). */
			r = tl_patch(tl_fmt("%s/%s", res->coll, id), bodies[i]);
			CHECK_PROBLEM(r, 422, "validation-failed");
			CHECK_ERROR_AT(r, "");
		}
		CHECK_INT(tl_count(res->coll), res == resources ? 2 : 1);
		CHECK_JSON(tl_get(tl_fmt("%s/%s", res->coll, id))->json,
			   "/version", "1");
	}
}

static void test_missing_required_fields(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		struct tl_resp *r = tl_post(res->coll, "{}");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, tl_fmt("/%s", res->field));
		r = tl_put(tl_fmt("%s/%s", res->coll, uid(res, "x1")), "{}");
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERROR_AT(r, tl_fmt("/%s", res->field));
		CHECK_STATUS(tl_get(tl_fmt("%s/%s", res->coll, uid(res, "x1"))),
			     404);
	}
}

static void test_lists_in_creation_order(struct tl_server *srv)
{
	(void)srv;
	/* An empty store lists nothing. */
	FOR_EACH_RESOURCE(res)
	{
		struct tl_resp *r = tl_get(res->coll);

		CHECK_STATUS(r, 200);
		CHECK_JSON(r->json, "",
			   "{\"items\": [], \"next_cursor\": null}");
	}
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		/* Ids that sort the other way round from creation. */
		const char *c = tl_create(res->coll,
					  with_id(res->body, uid(res, "zz")));
		const char *b = tl_create(res->coll,
					  with_id(res->other, uid(res, "mm")));
		const char *a = tl_create(res->coll, res->body);
		struct tl_resp *r = tl_get(res->coll);

		if (!a || !b || !c)
			continue;
		CHECK_STATUS(r, 200);
		CHECK_STR(tl_ids(tl_at(r->json, "/items")),
			  res == resources
				  ? tl_fmt("fx-actor,%s,%s,%s", c, b, a)
				  : tl_fmt("%s,%s,%s", c, b, a));
		CHECK(json_is_null(tl_at(r->json, "/next_cursor")));
		CHECK(tl_header(r, "Link") == NULL);
		/* List items are the full representation. */
		CHECK_SAME(tl_at(r->json, "/items/0"),
			   tl_get(tl_fmt("%s/%s", res->coll,
					 tl_str(r->json, "/items/0/id")))
				   ->json);
	}
}

static void test_updated_at_moves_created_at_stays(struct tl_server *srv)
{
	struct tl_resp *c, *p;

	(void)srv;
	REQUIRE(fixtures());
	FOR_EACH_RESOURCE(res)
	{
		c = tl_post(res->coll, res->body);
		if (!CHECK_STATUS(c, 201))
			return;
	}
	/* Timestamps have seconds precision: wait for the next second. */
	usleep(1100 * 1000);
	FOR_EACH_RESOURCE(res)
	{
		const char *id = tl_str(
			tl_get(tl_fmt("%s?limit=500", res->coll))->json,
			res == resources ? "/items/1/id" : "/items/0/id");
		const char *path = tl_fmt("%s/%s", res->coll, id);
		json_t *before = tl_get(path)->json;

		p = tl_patch(path, tl_fmt("{\"%s\": \"later\"}", res->opt));
		CHECK_STATUS(p, 200);
		CHECK_STR(tl_str(p->json, "/created_at"),
			  tl_str(before, "/created_at"));
		CHECK(tl_str(p->json, "/updated_at") &&
		      strcmp(tl_str(p->json, "/updated_at"),
			     tl_str(before, "/updated_at")) > 0);
		/* A failed write does not touch updated_at. */
		CHECK_STATUS(tl_patch(path, "{\"version\": 1}"), 422);
		CHECK_STR(tl_str(tl_get(path)->json, "/updated_at"),
			  tl_str(p->json, "/updated_at"));
	}
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_create_returns_full_representation, TL_SERVER),
		TL_TEST(test_generated_ids_are_unique, TL_SERVER),
		TL_TEST(test_client_chosen_id_and_conflict, TL_SERVER),
		TL_TEST(test_bad_ids_are_422, TL_SERVER),
		TL_TEST(test_put_creates_then_replaces, TL_SERVER),
		TL_TEST(test_patch_merges_and_counts_versions, TL_SERVER),
		TL_TEST(test_delete_removes, TL_SERVER),
		TL_TEST(test_delete_conflict_lists_referrers, TL_SERVER),
		TL_TEST(test_read_only_fields_rejected, TL_SERVER),
		TL_TEST(test_unknown_fields_rejected, TL_SERVER),
		TL_TEST(test_body_not_an_object, TL_SERVER),
		TL_TEST(test_missing_required_fields, TL_SERVER),
		TL_TEST(test_lists_in_creation_order, TL_SERVER),
		TL_TEST(test_updated_at_moves_created_at_stays, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
