/*
 * Idempotency-Key on POST (contract section 4): a retry with the same key
 * and the same body (key order and spacing aside) returns the first
 * response and writes nothing; the same key with another body is 422;
 * keys belong to one API key; malformed keys are 400.  For resource
 * creates and relation creates, under concurrent retries, and across a
 * restart.
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char *idem(const char *key)
{
	return tl_fmt("Idempotency-Key: %s", key);
}

static struct tl_resp *post_idem(const char *path, const char *body,
				 const char *key)
{
	return tl_request("POST", path, TL_JSON, body, -1,
			  (const char *const[]){idem(key), NULL});
}

static bool replayed(const struct tl_resp *r)
{
	const char *v = tl_header(r, "Idempotent-Replayed");

	return v && strcmp(v, "true") == 0;
}

static void test_same_key_same_body_replays(struct tl_server *srv)
{
	struct tl_resp *first, *again, *spaced;

	(void)srv;
	/* Server-made id: a second create would make a second actor. */
	first = post_idem("/v1/actors",
			  "{\"name\": \"Nameless\", \"kind\": \"person\"}",
			  "k-1");
	REQUIRE_STATUS(first, 201);
	CHECK(!replayed(first));
	REQUIRE(tl_header(first, "Location"));
	CHECK_INT(tl_count("/v1/changes"), 1);

	again = post_idem("/v1/actors",
			  "{\"name\": \"Nameless\", \"kind\": \"person\"}",
			  "k-1");
	CHECK_STATUS(again, 201);
	CHECK(replayed(again));
	CHECK_SAME(again->json, first->json);
	CHECK_STR(tl_header(again, "Location"), tl_header(first, "Location"));

	/* Other key order and spacing: the same request. */
	spaced = post_idem(
		"/v1/actors",
		"{ \"kind\" : \"person\",\n  \"name\":\"Nameless\" }", "k-1");
	CHECK_STATUS(spaced, 201);
	CHECK(replayed(spaced));
	CHECK_SAME(spaced->json, first->json);
	CHECK_STR(tl_header(spaced, "Location"), tl_header(first, "Location"));

	/* Nothing was written by the replays. */
	CHECK_INT(tl_count("/v1/actors"), 1);
	CHECK_INT(tl_count("/v1/changes"), 1);
	CHECK_INT(json_array_size(
			  tl_at(tl_get(tl_fmt("%s/history",
					      tl_header(first, "Location")))
					->json,
				"/items")),
		  1);

	/* The replay is the first response even after the resource
	 * changed. */
	REQUIRE_STATUS(tl_patch(tl_header(first, "Location"),
				"{\"name\": \"Renamed\"}"),
		       200);
	again = post_idem("/v1/actors",
			  "{\"name\": \"Nameless\", \"kind\": \"person\"}",
			  "k-1");
	CHECK_STATUS(again, 201);
	CHECK(replayed(again));
	CHECK_SAME(again->json, first->json);
	CHECK_INT(tl_count("/v1/actors"), 1);

	/* A new key is a new request. */
	again = post_idem("/v1/actors",
			  "{\"name\": \"Nameless\", \"kind\": \"person\"}",
			  "k-2");
	CHECK_STATUS(again, 201);
	CHECK(!replayed(again));
	CHECK_INT(tl_count("/v1/actors"), 2);
	/* Without a key, no replay either. */
	CHECK_STATUS(tl_post("/v1/actors", "{\"name\": \"Nameless\", "
					   "\"kind\": \"person\"}"),
		     201);
	CHECK_INT(tl_count("/v1/actors"), 3);
}

/* The first response includes its ETag; the replay gives it back too. */
static void test_replay_keeps_etag(struct tl_server *srv)
{
	struct tl_resp *first, *again;

	(void)srv;
	first = post_idem("/v1/actors", "{\"name\": \"E\"}", "etag-key");
	REQUIRE_STATUS(first, 201);
	REQUIRE(tl_header(first, "ETag"));
	again = post_idem("/v1/actors", "{\"name\": \"E\"}", "etag-key");
	CHECK_STATUS(again, 201);
	CHECK_STR(tl_header(again, "ETag"), tl_header(first, "ETag"));
}

static void test_same_key_other_body_is_422(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE_STATUS(post_idem("/v1/actors",
				 "{\"id\": \"a\", \"name\": \"A\"}", "dup"),
		       201);
	r = post_idem("/v1/actors", "{\"id\": \"b\", \"name\": \"B\"}", "dup");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK(!replayed(r));
	/* A request to another collection under that key: refused too
	 * (the body would be a valid source). */
	r = post_idem("/v1/sources", "{\"id\": \"a\", \"title\": \"A\"}",
		      "dup");
	CHECK_STATUS(r, 422);
	CHECK_STATUS(tl_get("/v1/actors/b"), 404);
	CHECK_INT(tl_count("/v1/actors"), 1);
	CHECK_INT(tl_count("/v1/sources"), 0);
	CHECK_INT(tl_count("/v1/changes"), 1);
	/* And the original still replays. */
	r = post_idem("/v1/actors", "{\"name\": \"A\", \"id\": \"a\"}", "dup");
	CHECK_STATUS(r, 201);
	CHECK(replayed(r));
}

static void test_keys_are_per_api_key(struct tl_server *srv)
{
	const char *args[] = {"keys",  "add",	  "--db",  srv->db, "--name",
			      "other", "--scope", "write", NULL};
	struct tl_cmd *cmd = tl_run_cmd(args, 30000);
	char *nl;
	const char *other;
	struct tl_resp *a, *b, *c;

	REQUIRE(cmd->code == 0);
	nl = strrchr(cmd->out, '\n');
	REQUIRE(nl);
	*nl = '\0';
	other = strrchr(cmd->out, '\n') ? strrchr(cmd->out, '\n') + 1
					: cmd->out;

	a = post_idem("/v1/actors", "{\"name\": \"Same\"}", "shared");
	REQUIRE_STATUS(a, 201);
	b = tl_request(
		"POST", "/v1/actors", TL_JSON, "{\"name\": \"Same\"}", -1,
		(const char *const[]){idem("shared"),
				      tl_fmt("Authorization: Bearer %s", other),
				      NULL});
	CHECK_STATUS(b, 201);
	CHECK(!replayed(b));
	CHECK(tl_header(a, "Location") && tl_header(b, "Location") &&
	      strcmp(tl_header(a, "Location"), tl_header(b, "Location")) != 0);
	CHECK_INT(tl_count("/v1/actors"), 2);
	/* Each key replays its own. */
	c = tl_request(
		"POST", "/v1/actors", TL_JSON, "{\"name\": \"Same\"}", -1,
		(const char *const[]){idem("shared"),
				      tl_fmt("Authorization: Bearer %s", other),
				      NULL});
	CHECK(replayed(c));
	CHECK_STR(tl_header(c, "Location"), tl_header(b, "Location"));
	c = post_idem("/v1/actors", "{\"name\": \"Same\"}", "shared");
	CHECK(replayed(c));
	CHECK_STR(tl_header(c, "Location"), tl_header(a, "Location"));
	CHECK_INT(tl_count("/v1/actors"), 2);
}

static void test_malformed_keys_are_400(struct tl_server *srv)
{
	const char *const bad[] = {
		"Idempotency-Key;", /* curl: the header with an empty value */
		idem(tl_repeat('k', 256)),
		"Idempotency-Key: has space",
		"Idempotency-Key: caf\xc3\xa9",
		"Idempotency-Key: tab\there",
	};
	struct tl_resp *r;

	(void)srv;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tl_request("POST", "/v1/actors", TL_JSON,
			       "{\"name\": \"never\"}", -1,
			       (const char *const[]){bad[i], NULL});
		if (!CHECK_STATUS(r, 400))
			fprintf(stderr, "    (key #%zu)\n", i);
	}
	CHECK_INT(tl_count("/v1/actors"), 0);
	/* 255 visible characters are fine, and replay. */
	r = post_idem("/v1/actors", "{\"name\": \"long\"}",
		      tl_repeat('~', 255));
	CHECK_STATUS(r, 201);
	r = post_idem("/v1/actors", "{\"name\": \"long\"}",
		      tl_repeat('~', 255));
	CHECK_STATUS(r, 201);
	CHECK(replayed(r));
	CHECK_INT(tl_count("/v1/actors"), 1);
}

static void test_relation_create_is_idempotent(struct tl_server *srv)
{
	struct tl_resp *first, *again;
	const char *body = "{\"type\": \"contradicts\", \"claim\": \"c2\", "
			   "\"note\": \"n\"}";

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"a\", \"text\": \"x\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"a\", \"text\": \"y\"}"));
	long before = tl_count("/v1/changes");

	first = post_idem("/v1/claims/c1/relations", body, "rel-key");
	REQUIRE_STATUS(first, 201);
	CHECK(!replayed(first));
	again = post_idem("/v1/claims/c1/relations",
			  "{\"note\": \"n\", \"claim\": \"c2\", "
			  "\"type\": \"contradicts\"}",
			  "rel-key");
	/* Not 409 duplicate: the first answer again. */
	CHECK_STATUS(again, 201);
	CHECK(replayed(again));
	CHECK_SAME(again->json, first->json);
	CHECK_STR(tl_header(again, "Location"), tl_header(first, "Location"));
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/c1")->json, "/relations")),
		  1);
	CHECK_INT(tl_count("/v1/changes"), before + 1);
	/* Another body under that key: 422, nothing written. */
	again = post_idem("/v1/claims/c1/relations",
			  "{\"type\": \"supports\", \"claim\": \"c2\"}",
			  "rel-key");
	CHECK_PROBLEM(again, 422, "validation-failed");
	/* The same body on another claim's path is another request. */
	again = post_idem("/v1/claims/c2/relations",
			  "{\"type\": \"corrects\", \"claim\": \"c1\", "
			  "\"note\": \"n\"}",
			  "rel-key");
	CHECK_STATUS(again, 422);
	CHECK_INT(json_array_size(
			  tl_at(tl_get("/v1/claims/c1")->json, "/relations")),
		  1);
	CHECK_INT(tl_count("/v1/changes"), before + 1);
}

#define RETRIERS 8

struct retrier {
	pthread_t thread;
	long status;
	bool replayed;
	char location[128];
};

static void *retry(void *arg)
{
	struct retrier *w = arg;
	struct tl_conn *c = tl_conn_new();
	struct tl_resp *r = tl_conn_request(
		c, "POST", "/v1/claims", TL_JSON,
		"{\"claimant\": \"a\", \"text\": \"once only\"}", -1,
		(const char *const[]){"Idempotency-Key: race-1", NULL});

	w->status = r->status;
	w->replayed = replayed(r);
	snprintf(w->location, sizeof(w->location), "%s",
		 tl_header(r, "Location") ? tl_header(r, "Location") : "");
	tl_resp_free(r);
	tl_conn_free(c);
	return NULL;
}

static void test_concurrent_retries_create_once(struct tl_server *srv)
{
	struct retrier w[RETRIERS];
	int fresh = 0;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	for (int i = 0; i < RETRIERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		pthread_create(&w[i].thread, NULL, retry, &w[i]);
	}
	for (int i = 0; i < RETRIERS; i++)
		pthread_join(w[i].thread, NULL);
	for (int i = 0; i < RETRIERS; i++) {
		CHECK_INT(w[i].status, 201);
		fresh += !w[i].replayed;
		CHECK_STR(w[i].location, w[0].location);
	}
	CHECK_INT(fresh, 1);
	CHECK_INT(tl_count("/v1/claims"), 1);
}

static void test_replay_survives_restart(struct tl_server *srv)
{
	struct tl_resp *first, *again;

	first = post_idem("/v1/sources", "{\"title\": \"T\"}", "persist");
	REQUIRE_STATUS(first, 201);
	CHECK_INT(tl_server_stop(srv), 0);
	REQUIRE(tl_server_start(srv, NULL) == 0);
	again = post_idem("/v1/sources", "{\"title\": \"T\"}", "persist");
	CHECK_STATUS(again, 201);
	CHECK(replayed(again));
	CHECK_SAME(again->json, first->json);
	CHECK_INT(tl_count("/v1/sources"), 1);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_same_key_same_body_replays, TL_SERVER),
		TL_TEST(test_replay_keeps_etag, TL_SERVER),
		TL_TEST(test_same_key_other_body_is_422, TL_SERVER),
		TL_TEST(test_keys_are_per_api_key, TL_SERVER),
		TL_TEST(test_malformed_keys_are_400, TL_SERVER),
		TL_TEST(test_relation_create_is_idempotent, TL_SERVER),
		TL_TEST(test_concurrent_retries_create_once, TL_SERVER),
		TL_TEST(test_replay_survives_restart, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
