/*
 * CORS: an allowed Origin is echoed with Vary and the exposed headers; a
 * preflight from it is answered 204 with methods, headers and max age;
 * another origin gets no grant (but Vary still); without an allow-list
 * nothing CORS is sent at all.
 */
#include "tests/ops/opslib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const allowed_env[] = {
	"CLAIMLINE_CORS_ORIGIN=https://desk.example.org, http://localhost:5173",
	NULL};

static struct tl_resp *from(const char *method, const char *path,
			    const char *origin, const char *preflight)
{
	const char *h[4] = {NULL};
	size_t n = 0;
	if (origin)
		h[n++] = tl_fmt("Origin: %s", origin);
	if (preflight) {
		h[n++] = tl_fmt("Access-Control-Request-Method: %s", preflight);
		h[n++] =
			"Access-Control-Request-Headers: content-type, if-match";
	}
	return tl_request(method, path, NULL, NULL, 0, h);
}

static bool lists(const char *value, const char *item)
{
	if (!value)
		return false;
	size_t n = strlen(item);
	for (const char *p = strstr(value, item); p; p = strstr(p + n, item))
		if ((p == value || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

static void test_allowed_origin(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, allowed_env, NULL) == 0);
	CHECK(tl_create("/v1/actors", "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	static const char *const origins[] = {"https://desk.example.org",
					      "http://localhost:5173"};
	for (size_t i = 0; i < 2; i++) {
		struct tl_resp *r =
			from("GET", "/v1/actors/kp", origins[i], NULL);
		CHECK_STATUS(r, 200);
		CHECK_STR(tl_header(r, "Access-Control-Allow-Origin"),
			  origins[i]);
		/* One Vary: the body may also be gzipped. */
		CHECK_STR(tl_header(r, "Vary"), "Origin, Accept-Encoding");
		const char *expose =
			tl_header(r, "Access-Control-Expose-Headers");
		CHECK(lists(expose, "Link"));
		CHECK(lists(expose, "ETag"));
		CHECK(lists(expose, "Location"));
		CHECK(lists(expose, "X-Request-Id"));
	}
	/* Errors carry the grant too, so a page can read the problem. */
	struct tl_resp *r = from("GET", "/v1/actors/nobody",
				 "https://desk.example.org", NULL);
	CHECK_STATUS(r, 404);
	CHECK_STR(tl_header(r, "Access-Control-Allow-Origin"),
		  "https://desk.example.org");
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_preflight(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, allowed_env, NULL) == 0);
	struct tl_resp *r = from("OPTIONS", "/v1/actors/kp",
				 "https://desk.example.org", "PATCH");
	CHECK_STATUS(r, 204);
	CHECK_STR(tl_header(r, "Access-Control-Allow-Origin"),
		  "https://desk.example.org");
	CHECK_STR(tl_header(r, "Vary"), "Origin");
	const char *methods = tl_header(r, "Access-Control-Allow-Methods");
	CHECK(lists(methods, "GET"));
	CHECK(lists(methods, "PUT"));
	CHECK(lists(methods, "PATCH"));
	CHECK(lists(methods, "DELETE"));
	CHECK(!lists(methods, "POST"));
	const char *headers = tl_header(r, "Access-Control-Allow-Headers");
	static const char *const wanted[] = {"Content-Type",	"Authorization",
					     "If-Match",	"If-None-Match",
					     "Idempotency-Key", "X-Request-Id"};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (!CHECK(lists(headers, wanted[i])))
			fprintf(stderr, "  Allow-Headers lacks %s\n",
				wanted[i]);
	const char *age = tl_header(r, "Access-Control-Max-Age");
	CHECK(age && atoi(age) > 0);

	/* A preflight from elsewhere: answered, but nothing granted. */
	r = from("OPTIONS", "/v1/actors/kp", "https://evil.example", "PATCH");
	CHECK_STATUS(r, 204);
	CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
	CHECK(tl_header(r, "Access-Control-Allow-Methods") == NULL);
	CHECK(tl_header(r, "Access-Control-Allow-Headers") == NULL);
	CHECK_STR(tl_header(r, "Vary"), "Origin");
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_other_origins_get_no_grant(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, allowed_env, NULL) == 0);
	static const char *const others[] = {
		"https://evil.example", "https://desk.example.org.evil.example",
		"http://desk.example.org", "https://DESK.example.org", "null"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct tl_resp *r = from("GET", "/healthz", others[i], NULL);
		CHECK_STATUS(r, 200);
		CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
		CHECK(tl_header(r, "Access-Control-Expose-Headers") == NULL);
		CHECK_STR(tl_header(r, "Vary"), "Origin, Accept-Encoding");
	}
	/* No Origin at all: same-origin or not a browser. */
	struct tl_resp *r = from("GET", "/healthz", NULL, NULL);
	CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
	CHECK_STR(tl_header(r, "Vary"), "Origin, Accept-Encoding");
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_no_allow_list_no_cors(struct tl_server *srv)
{
	(void)srv;
	struct tl_resp *r =
		from("GET", "/healthz", "https://desk.example.org", NULL);
	CHECK_STATUS(r, 200);
	CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
	/* Vary for the coding only. */
	CHECK_STR(tl_header(r, "Vary"), "Accept-Encoding");
	r = from("OPTIONS", "/v1/actors", "https://desk.example.org", "POST");
	CHECK_STATUS(r, 204);
	CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
	CHECK(tl_header(r, "Access-Control-Allow-Methods") == NULL);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_allowed_origin, TL_NO_SERVER),
		TL_TEST(test_preflight, TL_NO_SERVER),
		TL_TEST(test_other_origins_get_no_grant, TL_NO_SERVER),
		TL_TEST(test_no_allow_list_no_cors, TL_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
