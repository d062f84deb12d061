/*
 * Each class of error of contract section 1, as a problem document:
 * 400 bad JSON (syntax, duplicate keys, nesting depth, invalid UTF-8),
 * 404, 405 with Allow, 409, 413 by Content-Length and by chunked body,
 * 415, and 422 listing every field at fault at once.  After each
 * rejected write the store must be unchanged.
 */
#include "tests/lib/testlib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static void test_invalid_json_is_400(struct tl_server *srv)
{
	static const struct {
		const char *body;
		long len; /* -1: strlen */
	} bad[] = {
		{"{\"name\": ", -1},
		{"{\"name\": \"x\"} trailing", -1},
		{"{'name': 'x'}", -1},
		{"{\"name\": \"x\",}", -1},
		{"", -1},
		{"{\"name\": \"x\", \"name\": \"y\"}", -1},
		{"{\"name\": \"x\", \"aliases\": [], \"aliases\": []}", -1},
		/* invalid UTF-8: a stray byte, an overlong '/', a surrogate
		 * encoded in UTF-8, a truncated sequence */
		{"{\"name\": \"\xff\"}", -1},
		{"{\"name\": \"\xc0\xaf\"}", -1},
		{"{\"name\": \"\xed\xa0\x80\"}", -1},
		{"{\"name\": \"\xe2\x82\"}", -1},
		/* a lone surrogate escape is no Unicode text either */
		{"{\"name\": \"\\ud800\"}", -1},
		/* a NUL byte inside the body */
		{"{\"name\": \"a\0b\"}", 15},
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tl_resp *r = tl_request("POST", "/v1/actors", TL_JSON,
					       bad[i].body, bad[i].len, NULL);

		if (!CHECK_PROBLEM(r, 400, "invalid-json"))
			fprintf(stderr, "    (body #%zu)\n", i);
	}
	/* The same for PUT and PATCH. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	CHECK_PROBLEM(tl_put("/v1/actors/a", "{\"name\": \"B\", \"name\": "
					     "\"C\"}"),
		      400, "invalid-json");
	CHECK_PROBLEM(tl_patch("/v1/actors/a", "{\"name\": "), 400,
		      "invalid-json");
	CHECK_PROBLEM(tl_post("/v1/claims/a/relations", "{"), 400,
		      "invalid-json");
	CHECK_INT(tl_count("/v1/actors"), 1);
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "A");
	CHECK_JSON(tl_get("/v1/actors/a")->json, "/version", "1");
}

/* {"name": "x", "description": <depth-1 nested arrays holding 1>}: the
 * whole document is nested `depth` levels deep. */
static const char *nested(int depth)
{
	int arrays = depth - 1;

	return tl_fmt("{\"name\": \"x\", \"description\": %s1%s}",
		      tl_repeat('[', (size_t)arrays),
		      tl_repeat(']', (size_t)arrays));
}

static void test_nesting_depth_32_ok_33_not(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	/* 32 levels parse; the field is then of the wrong type: 422. */
	r = tl_post("/v1/actors", nested(32));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/description");
	r = tl_post("/v1/actors", nested(33));
	CHECK_PROBLEM(r, 400, "invalid-json");
	r = tl_post("/v1/actors", nested(2000));
	CHECK_PROBLEM(r, 400, "invalid-json");
	/* Objects count as levels too. */
	{
		char *open = tl_repeat('x', 32 * 6),
		     *close = tl_repeat('}', 32);

		for (int i = 0; i < 32; i++)
			memcpy(open + i * 6, "{\"a\": ", 6);
		r = tl_post("/v1/actors", tl_fmt("%s1%s", open, close));
		/* 32 objects around 1: depth 32, parses. */
		CHECK_PROBLEM(r, 422, "validation-failed");
		r = tl_post("/v1/actors",
			    tl_fmt("{\"a\": %s1%s}", open, close));
		CHECK_PROBLEM(r, 400, "invalid-json");
	}
	CHECK_INT(tl_count("/v1/actors"), 0);
}

static void test_not_found(struct tl_server *srv)
{
	static const char *const paths[] = {
		"/v1",
		"/v1/",
		"/v1/nothing",
		"/index.php",
		"/v2/actors",
		"/actors",
		"/v1/actors/a/b",
		"/v1/claims/x/relations/y/z",
		"/v1/actors/missing",
		"/v1/ACTORS",
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		CHECK_PROBLEM(tl_get(paths[i]), 404, "not-found");
	CHECK_PROBLEM(tl_post("/v1/nothing", "{}"), 404, "not-found");
	CHECK_PROBLEM(tl_delete("/v1/events/missing"), 404, "not-found");
	CHECK_PROBLEM(tl_put("/v1/nothing/x", "{}"), 404, "not-found");
}

/* True when the comma-separated Allow value lists `method`. */
static bool allows(const char *allow, const char *method)
{
	size_t n = strlen(method);

	for (const char *p = allow; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, method, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

static void check_405(const char *file, int line, const char *method,
		      const char *path, const char *const *want,
		      const char *const * not )
{
	struct tl_resp *r =
		tl_request(method, path, TL_JSON,
			   strcmp(method, "GET") ? "{}" : NULL, -1, NULL);
	const char *allow = tl_header(r, "Allow");

	tl_check_problem(file, line, r, 405, "method-not-allowed");
	if (!allow) {
		tl_fail(file, line, "%s %s: 405 without Allow", method, path);
		return;
	}
	for (size_t i = 0; want[i]; i++)
		if (!allows(allow, want[i]))
			tl_fail(file, line, "%s %s: Allow \"%s\" lacks %s",
				method, path, allow, want[i]);
	for (size_t i = 0; not [i]; i++)
		if (allows(allow, not [i]))
			tl_fail(file, line, "%s %s: Allow \"%s\" has %s",
				method, path, allow, not [i]);
}

#define CHECK_405(m, p, want, not )                                            \
	check_405(__FILE__, __LINE__, (m), (p), (const char *const[])want,     \
		  (const char *const[]) not )
#define L(...)                                                                 \
	{                                                                      \
		__VA_ARGS__, NULL                                              \
	}

static void test_method_not_allowed(struct tl_server *srv)
{
	static const char *const colls[] = {"/v1/actors", "/v1/sources",
					    "/v1/events", "/v1/claims"};

	(void)srv;
	for (size_t i = 0; i < 4; i++) {
		const char *item = tl_fmt("%s/x", colls[i]);

		CHECK_405("DELETE", colls[i], L("GET", "POST"),
			  L("DELETE", "PUT", "PATCH"));
		CHECK_405("PUT", colls[i], L("GET", "POST"), L("DELETE"));
		CHECK_405("PATCH", colls[i], L("GET", "POST"), L("DELETE"));
		CHECK_405("POST", item, L("GET", "PUT", "PATCH", "DELETE"),
			  L("POST"));
	}
	CHECK_405("PUT", "/v1/claims/x/relations", L("GET", "POST"),
		  L("PUT", "DELETE"));
	CHECK_405("PATCH", "/v1/claims/x/relations/rel-1", L("DELETE"),
		  L("PATCH", "POST"));
	/* Nothing was created by the refused POSTs. */
	CHECK_STATUS(tl_get("/v1/actors/x"), 404);
}

static void test_conflict(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	r = tl_post("/v1/actors", "{\"id\": \"kp\", \"name\": \"Other\"}");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK_JSTR(tl_get("/v1/actors/kp")->json, "/name", "DPRK");
}

/* A request head for a POST of `len` bytes to /v1/actors. */
static const char *head_len(size_t len)
{
	return tl_fmt("POST /v1/actors HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		      "Content-Type: application/json\r\n"
		      "Content-Length: %zu\r\n\r\n",
		      len);
}

static const char *head_chunked(void)
{
	return "POST /v1/actors HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	       "Content-Type: application/json\r\n"
	       "Transfer-Encoding: chunked\r\n\r\n";
}

static void test_payload_too_large(struct tl_server *srv)
{
	const char *small_chunked =
		tl_fmt("POST /v1/actors HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		       "Content-Type: application/json\r\n"
		       "Authorization: Bearer %s\r\n"
		       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
		       "7\r\n{\"id\": \r\n"
		       "10\r\n\"chunky\", \"name\"\r\n"
		       "6\r\n: \"C\"}\r\n0\r\n\r\n",
		       srv->key);
	struct tl_resp *r;
	long stored = 0;
	long long t0;
	size_t sent = 0;
	const char *big;

	(void)srv;
	/* Content-Length over 1 MiB: answered at once, no body sent. */
	t0 = tl_now_ms();
	r = tl_raw(head_len(MIB + 1), strlen(head_len(MIB + 1)), 10000);
	CHECK_PROBLEM(r, 413, "payload-too-large");
	CHECK(tl_now_ms() - t0 < 5000);
	r = tl_raw(head_len((size_t)64 * 1024 * MIB),
		   strlen(head_len((size_t)64 * 1024 * MIB)), 10000);
	CHECK_PROBLEM(r, 413, "payload-too-large");

	/* The same through curl, with the whole body sent. */
	big = tl_fmt("{\"name\": \"%s\"}", tl_repeat('a', MIB));
	r = tl_post("/v1/actors", big);
	CHECK_PROBLEM(r, 413, "payload-too-large");

	/* A chunked body that grows past the limit. */
	r = tl_raw_stream(head_chunked(), 2 * MIB, 'a', 65536, 20000, &sent);
	CHECK_PROBLEM(r, 413, "payload-too-large");

	/* Exactly 1 MiB is not too large (the name is just long). */
	big = tl_fmt("{\"name\": \"%s\"}",
		     tl_repeat('b', MIB - strlen("{\"name\": \"\"}")));
	CHECK_INT(strlen(big), MIB);
	r = tl_post("/v1/actors", big);
	CHECK(r->status != 413 && r->status != 400 && r->status / 100 != 5);
	stored += r->status == 201;

	/* A small chunked body is fine. */
	r = tl_raw(small_chunked, strlen(small_chunked), 10000);
	CHECK_STATUS(r, 201);
	CHECK_JSTR(r->json, "/id", "chunky");
	CHECK_JSTR(r->json, "/name", "C");
	stored += r->status == 201;

	/* The server is still well, and nothing too big was stored. */
	CHECK_INT(tl_count("/v1/actors"), stored);
}

/*
 * A client that sends a too-large body whole, without waiting for an
 * answer, then reads: every byte it sends is taken, and the 413 reaches
 * it.  Answering after the headers
 * and closing on the unread body makes the kernel reset the connection,
 * which throws away the answer the client has not read yet.
 */
static void test_payload_too_large_sent_whole(struct tl_server *srv)
{
	size_t body = MIB + 100000;
	const char *head = head_len(body);
	size_t hl = strlen(head), len = hl + body, off = 0;
	char *msg = malloc(len), answer[512];
	ssize_t got = 0, n;
	int fd = tl_raw_connect();

	(void)srv;
	REQUIRE(msg && fd >= 0);
	memcpy(msg, head, hl);
	memset(msg + hl, 'a', body);
	/* In pieces, as a client on a real network sends: the server has
	 * the headers well before the body's end. */
	while (off < len) {
		size_t piece = len - off < 65536 ? len - off : 65536;

		n = send(fd, msg + off, piece, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
		usleep(3000);
	}
	free(msg);
	CHECK(off == len);
	usleep(300 * 1000); /* the server has answered by now */
	while (got < (ssize_t)sizeof(answer) - 1 &&
	       (n = recv(fd, answer + got, sizeof(answer) - 1 - (size_t)got,
			 0)) > 0)
		got += n;
	answer[got > 0 ? got : 0] = '\0';
	close(fd);
	CHECK(strncmp(answer, "HTTP/1.1 413", 12) == 0);
	CHECK_INT(tl_count("/v1/actors"), 0);
}

static void test_unsupported_media_type(struct tl_server *srv)
{
	static const char *body = "{\"name\": \"x\"}";
	struct tl_resp *r;

	(void)srv;
	CHECK_PROBLEM(
		tl_request("POST", "/v1/actors", "text/plain", body, -1, NULL),
		415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/actors", NULL, body, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/actors",
				 "application/x-www-form-urlencoded", body, -1,
				 NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/actors", "application/jsonx",
				 body, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(
		tl_request("PUT", "/v1/actors/a", TL_MERGE, body, -1, NULL),
		415, "unsupported-media-type");
	CHECK_INT(tl_count("/v1/actors"), 0);
	CHECK_STATUS(tl_get("/v1/actors/a"), 404);

	/* A charset parameter is fine, and case does not matter. */
	r = tl_request("POST", "/v1/actors", "application/json; charset=utf-8",
		       "{\"id\": \"a\", \"name\": \"x\"}", -1, NULL);
	CHECK_STATUS(r, 201);
	r = tl_request("POST", "/v1/actors", "Application/JSON",
		       "{\"id\": \"b\", \"name\": \"x\"}", -1, NULL);
	CHECK_STATUS(r, 201);

	/* PATCH takes merge-patch or plain JSON, nothing else. */
	CHECK_PROBLEM(tl_request("PATCH", "/v1/actors/a", "text/plain",
				 "{\"name\": \"y\"}", -1, NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("PATCH", "/v1/actors/a",
				 "application/json-patch+json",
				 "[{\"op\": \"remove\", \"path\": \"/name\"}]",
				 -1, NULL),
		      415, "unsupported-media-type");
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "x");
	CHECK_STATUS(tl_request("PATCH", "/v1/actors/a",
				"application/merge-patch+json; charset=utf-8",
				"{\"name\": \"y\"}", -1, NULL),
		     200);
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "y");
	/* Relations are JSON writes too. */
	CHECK_PROBLEM(tl_request("POST", "/v1/claims/c/relations", "text/plain",
				 "{}", -1, NULL),
		      415, "unsupported-media-type");
}

static void test_malformed_query_is_400(struct tl_server *srv)
{
	static const char *const bad[] = {
		"/v1/actors?q=%ZZ",    /* not a percent escape */
		"/v1/actors?q=%C0%AF", /* decodes to invalid UTF-8 */
		"/v1/actors?q=%FF",
		"/v1/claims?limit=5&q=%E2%82", /* truncated UTF-8 sequence */
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tl_resp *r = tl_get(bad[i]);

		if (!CHECK_PROBLEM(r, 400, "bad-request"))
			fprintf(stderr, "    (GET %s)\n", bad[i]);
	}
}

static void test_validation_lists_all_fields_at_once(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	r = tl_post(
		"/v1/claims",
		"{\"id\": \"Bad Id\", \"claimant\": \"nobody\", \"events\": "
		"[\"none\"], \"stated\": \"2024-13\", \"stance\": \"maybe\", "
		"\"source\": \"nope\", \"via\": 4, \"quantity\": {\"value\": "
		"1, \"low\": 2, \"unit\": \"t\"}, \"verdict\": \"yes\", "
		"\"colour\": \"red\", \"disputed\": true}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/id");
	CHECK_ERROR_AT(r, "/claimant");
	CHECK_ERROR_AT(r, "/events/0");
	CHECK_ERROR_AT(r, "/stated");
	CHECK_ERROR_AT(r, "/stance");
	CHECK_ERROR_AT(r, "/source");
	CHECK_ERROR_AT(r, "/via");
	CHECK_ERROR_AT(r, "/verdict");
	CHECK_ERROR_AT(r, "/colour");
	CHECK_ERROR_AT(r, "/disputed");
	CHECK_ERROR_AT(r, "/text");
	CHECK(json_array_size(tl_at(r->json, "/errors")) >= 12);
	{
		json_t *e;
		size_t i;
		bool quantity = false;

		json_array_foreach(tl_at(r->json, "/errors"), i, e) quantity |=
			tl_str(e, "/pointer") &&
			strncmp(tl_str(e, "/pointer"), "/quantity", 9) == 0;
		CHECK(quantity);
	}
	CHECK_INT(tl_count("/v1/claims"), 0);
	/* Query parameters: every bad one, named by "parameter". */
	r = tl_get("/v1/claims?limit=0&stance=x&colour=red");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_PARAM_AT(r, "limit");
	CHECK_PARAM_AT(r, "stance");
	CHECK_PARAM_AT(r, "colour");
}

/* Faults inside objects and lists of objects are all named at once, each
 * by its full pointer, with the rules across an object's members and the
 * references inside it checked beside its other faults. */
static void test_nested_errors_all_at_once(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	/* A quantity: an empty unit and low above value, together. */
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"x\", \"text\": \"x\", \"quantity\": "
		    "{\"value\": 5, \"low\": 6, \"unit\": \"\"}}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/claimant", "/quantity/unit", "/quantity/low");
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"kp\", \"text\": \"x\", \"quantity\": "
		    "{\"value\": \"five\", \"low\": 6, \"high\": 2, \"unit\": "
		    "\"t\", \"approximate\": 1, \"colour\": 2}}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/quantity/value", "/quantity/high",
			     "/quantity/approximate", "/quantity/colour");
	CHECK_INT(tl_count("/v1/claims"), 0);

	/* A location and participants: every entry's faults, and the
	 * references of the entries that are otherwise fine. */
	r = tl_post(
		"/v1/events",
		"{\"title\": \"E\", \"kind\": \"k\", \"start\": \"2024\", "
		"\"location\": {\"name\": \" \", \"country\": \"XX\"}, "
		"\"participants\": [{\"actor\": \"nobody\", \"role\": \"r\"}, "
		"{\"actor\": \"kp\", \"role\": 5}, {\"actor\": \"Bad Id\"}, "
		"7, {\"role\": \"r\"}, {\"actor\": \"kp\"}, "
		"{\"actor\": \"ghost\", \"rank\": 1}]}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/location/name", "/location/country",
			     "/participants/0/actor", "/participants/1/role",
			     "/participants/2/actor", "/participants/3",
			     "/participants/4/actor", "/participants/6/actor",
			     "/participants/6/rank");
	CHECK_INT(tl_count("/v1/events"), 0);
	/* Lists of ids: a bad one and a missing one, both named. */
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"x\", "
				  "\"events\": [\"Bad Id\", \"none\"]}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/events/0", "/events/1");
}

/* Sends all of `s` on `fd`. */
static bool send_all(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t k = send(fd, s, n, MSG_NOSIGNAL);

		if (k <= 0)
			return false;
		s += k;
		n -= (size_t)k;
	}
	return true;
}

static void test_abandoned_requests_are_harmless(struct tl_server *srv)
{
	int stalled, gone, fd;

	/* One client stops half-way through its body and waits; another
	 * sends part of a body and hangs up; a third sends half a head. */
	stalled = tl_raw_connect();
	gone = tl_raw_connect();
	fd = tl_raw_connect();
	REQUIRE(stalled >= 0 && gone >= 0 && fd >= 0);
	CHECK(send_all(stalled, tl_fmt("%s{\"name\": \"sta", head_len(100))));
	CHECK(send_all(gone, tl_fmt("%s{\"name\": \"go", head_len(5000))));
	close(gone);
	CHECK(send_all(fd, "POST /v1/actors HTTP/1.1\r\nHost: x\r\nContent-"));
	/* The server keeps serving everyone else... */
	CHECK_STATUS(tl_post("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"),
		     201);
	CHECK_STATUS(tl_get("/v1/actors/a"), 200);
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/actors")->json, "/items")),
		  1);
	/* ...and SIGTERM with the stalled connections still open ends it
	 * cleanly: exit status 0, nothing leaked. */
	CHECK_INT(tl_server_stop(srv), 0);
	close(stalled);
	close(fd);
}

static void test_keep_alive_after_errors(struct tl_server *srv)
{
	struct tl_conn *c = tl_conn_new();
	const char *big = tl_repeat('x', MIB + 10);
	struct tl_resp *r;

	(void)srv;
	/* Each refused request leaves the connection usable (or closed
	 * cleanly): the next answer on it is the right one.  The oversize
	 * body goes the way clients send big bodies, with Expect:
	 * 100-continue: the 413 comes before any of it.  (Without it, the
	 * answer can race a body the server will not read, and the client
	 * may see its write refused instead of the 413.) */
	static const char *const expect[] = {"Expect: 100-continue", NULL};
	r = tl_conn_request(c, "POST", "/v1/actors", TL_JSON, big, -1, expect);
	CHECK_PROBLEM(r, 413, "payload-too-large");
	r = tl_conn_request(c, "GET", "/v1/actors", NULL, NULL, 0, NULL);
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/items", "[]");
	r = tl_conn_request(c, "POST", "/v1/actors", "text/plain",
			    "{\"name\": \"x\"}", -1, NULL);
	CHECK_PROBLEM(r, 415, "unsupported-media-type");
	r = tl_conn_request(c, "POST", "/v1/actors", TL_JSON, "{\"name\"", -1,
			    NULL);
	CHECK_PROBLEM(r, 400, "invalid-json");
	r = tl_conn_request(c, "POST", "/v1/actors/x", TL_JSON, "{}", -1, NULL);
	CHECK_PROBLEM(r, 405, "method-not-allowed");
	r = tl_conn_request(c, "POST", "/v1/actors", TL_JSON,
			    "{\"id\": \"ok\", \"name\": \"x\"}", -1, NULL);
	CHECK_STATUS(r, 201);
	CHECK_JSTR(r->json, "/id", "ok");
	tl_conn_free(c);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_invalid_json_is_400, TL_SERVER),
		TL_TEST(test_nesting_depth_32_ok_33_not, TL_SERVER),
		TL_TEST(test_not_found, TL_SERVER),
		TL_TEST(test_method_not_allowed, TL_SERVER),
		TL_TEST(test_conflict, TL_SERVER),
		TL_TEST(test_payload_too_large, TL_SERVER),
		TL_TEST(test_payload_too_large_sent_whole, TL_SERVER),
		TL_TEST(test_unsupported_media_type, TL_SERVER),
		TL_TEST(test_malformed_query_is_400, TL_SERVER),
		TL_TEST(test_abandoned_requests_are_harmless, TL_SERVER),
		TL_TEST(test_keep_alive_after_errors, TL_SERVER),
		TL_TEST(test_validation_lists_all_fields_at_once, TL_SERVER),
		TL_TEST(test_nested_errors_all_at_once, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
