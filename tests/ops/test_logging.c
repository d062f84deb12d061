/*
 * The request log and request ids: one JSON line per request on stderr
 * with exactly the agreed fields (time in RFC 3339 UTC with milliseconds,
 * request id, method, route pattern, path, status, bytes, duration, key);
 * no body, no query string, no credential in it; the text format for
 * people; X-Request-Id taken from the request (sanitized) or generated,
 * and echoed on every kind of reply.
 */
#include "tests/ops/opslib.h"

#include <ctype.h>
#include <string.h>

/* Every JSON request line of the server's stderr, as a new array
 * (arena-owned). */
static json_t *log_lines(const struct tl_server *s)
{
	const char *log = ops_read_file(s->err_path);
	json_t *lines = tl_json("[]");
	for (const char *p = log; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n && p[0] == '{') {
			json_error_t e;
			json_t *v = json_loadb(p, n, 0, &e);
			if (!CHECK(v != NULL))
				fprintf(stderr, "  not JSON: %.*s\n", (int)n,
					p);
			else
				json_array_append_new(lines, v);
		}
		p = end ? end + 1 : NULL;
	}
	return lines;
}

/* The log line with this request id, or NULL. */
static json_t *line_for(json_t *lines, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(lines, i, v) if (id && tl_str(v, "/request_id") &&
					    strcmp(tl_str(v, "/request_id"),
						   id) == 0) return v;
	return NULL;
}

static bool rfc3339_ms_utc(const char *t)
{
	/* 2026-11-27T10:26:53.370Z */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (!t || strlen(t) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)t[i])
				    : t[i] != shape[i])
			return false;
	return true;
}

static void test_json_line_fields(struct tl_server *srv)
{
	const char *body = "{\"id\": \"kp\", \"name\": \"BODY-SECRET-1234\"}";
	/* The test library sends its admin key, named "test". */
	REQUIRE(srv->key[0] != '\0');
	struct tl_resp *r =
		tl_request("POST", "/v1/actors", TL_JSON, body, -1,
			   (const char *[]){"X-Request-Id: create-kp-1", NULL});
	CHECK_STATUS(r, 201);
	/* A route that takes no query refuses one (422), and logs it
	 * without its query string all the same. */
	r = tl_request("GET", "/v1/actors/kp?fields=QUERY-SECRET-3456", NULL,
		       NULL, 0, NULL);
	CHECK_STATUS(r, 422);
	const char *get_id = tl_header(r, "X-Request-Id");
	size_t get_bytes = r->body_len;
	CHECK_STATUS(tl_get("/nowhere"), 404);
	tl_server_stop(srv);

	json_t *lines = log_lines(srv);
	CHECK_INT(json_array_size(lines), 3);
	json_t *post = line_for(lines, "create-kp-1");
	REQUIRE(post != NULL);
	CHECK_KEYS(post, "time", "request_id", "method", "route", "path",
		   "status", "bytes", "duration_ms", "key");
	CHECK(rfc3339_ms_utc(tl_str(post, "/time")));
	CHECK_JSTR(post, "/method", "POST");
	CHECK_JSTR(post, "/route", "/v1/actors");
	CHECK_JSTR(post, "/path", "/v1/actors");
	CHECK_JSON(post, "/status", "201");
	CHECK_JSTR(post, "/key", "test");
	CHECK(json_integer_value(tl_at(post, "/bytes")) > 0);
	CHECK(json_is_number(tl_at(post, "/duration_ms")) &&
	      json_number_value(tl_at(post, "/duration_ms")) >= 0);

	json_t *get = line_for(lines, get_id);
	REQUIRE(get != NULL);
	CHECK_JSTR(get, "/route", "/v1/actors/{id}");
	CHECK_JSTR(get, "/path", "/v1/actors/kp");
	CHECK_INT(json_integer_value(tl_at(get, "/bytes")),
		  (long long)get_bytes);

	/* A 404 has no route. */
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(
		lines, i, v) if (json_integer_value(tl_at(v, "/status")) == 404)
	{
		found = true;
		CHECK(json_is_null(tl_at(v, "/route")));
		CHECK_JSTR(v, "/path", "/nowhere");
	}
	CHECK(found);

	/* Nothing secret anywhere in stderr. */
	const char *log = ops_read_file(srv->err_path);
	CHECK(strstr(log, "BODY-SECRET") == NULL);
	CHECK(strstr(log, "QUERY-SECRET") == NULL);
	CHECK(strstr(log, srv->key) == NULL);
	CHECK(strstr(log, strrchr(srv->key, '_')) == NULL);
	CHECK(strstr(log, "Bearer") == NULL);
	CHECK(strstr(log, "token") == NULL);
}

static void test_text_format(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--log-format", "text", NULL})) ==
		0);
	CHECK_STATUS(tl_request("GET", "/v1/actors/x%20y", NULL, NULL, 0,
				(const char *[]){"X-Request-Id: t-1", NULL}),
		     404);
	CHECK_STATUS(tl_request("GET", "/healthz", NULL, NULL, 0,
				(const char *[]){"X-Request-Id: t-2", NULL}),
		     200);
	tl_server_stop(&s);
	const char *log = ops_read_file(s.err_path);
	REQUIRE(log != NULL);
	CHECK(strstr(log, "{\"") == NULL);
	const char *l = strstr(log, " t-2 GET /healthz 200 15B ");
	CHECK(l != NULL);
	CHECK(l && rfc3339_ms_utc(tl_fmt("%.24s", l - 24)));
	CHECK(l && strstr(l, "route=/healthz key=-\n") != NULL);
	tl_server_destroy(&s);
}

static bool is_hex(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static const char *id_of(const char *method, const char *path,
			 const char *ctype, const char *body,
			 const char *header, long want)
{
	struct tl_resp *r =
		tl_request(method, path, ctype, body, -1,
			   header ? (const char *[]){header, NULL} : NULL);
	CHECK_STATUS(r, want);
	return tl_header(r, "X-Request-Id");
}

static void test_request_ids(struct tl_server *srv)
{
	/* Taken from the request and echoed. */
	CHECK_STR(id_of("GET", "/healthz", NULL, NULL, "X-Request-Id: abc-123",
			200),
		  "abc-123");
	/* Generated: 32 hex digits, new for each request. */
	const char *a = id_of("GET", "/healthz", NULL, NULL, NULL, 200);
	const char *b = id_of("GET", "/healthz", NULL, NULL, NULL, 200);
	CHECK(is_hex(a, 32) && is_hex(b, 32));
	CHECK(a && b && strcmp(a, b) != 0);
	/* Cut to 128 characters. */
	const char *longer = tl_repeat('r', 300);
	const char *got = id_of("GET", "/healthz", NULL, NULL,
				tl_fmt("X-Request-Id: %s", longer), 200);
	CHECK_STR(got, tl_repeat('r', 128));
	/* Only printable characters are kept. */
	CHECK_STR(id_of("GET", "/healthz", NULL, NULL,
			"X-Request-Id: a b\tc\x7f"
			"d",
			200),
		  "abcd");
	/* Nothing printable left: a new one. */
	CHECK(is_hex(id_of("GET", "/healthz", NULL, NULL,
			   "X-Request-Id: \x01\x02", 200),
		     32));
	/* Echoed on every path a reply can take. */
	CHECK_STR(
		id_of("GET", "/nowhere", NULL, NULL, "X-Request-Id: e404", 404),
		"e404");
	CHECK_STR(id_of("DELETE", "/v1/timeline", NULL, NULL,
			"X-Request-Id: e405", 405),
		  "e405");
	CHECK_STR(id_of("POST", "/v1/actors", "text/plain", "x",
			"X-Request-Id: e415", 415),
		  "e415");
	CHECK_STR(id_of("POST", "/v1/actors", TL_JSON, "{",
			"X-Request-Id: e400", 400),
		  "e400");
	CHECK_STR(id_of("OPTIONS", "/v1/actors", NULL, NULL,
			"X-Request-Id: e204", 204),
		  "e204");
	static const char metrics[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n"
				      "X-Request-Id: m200\r\n"
				      "Connection: close\r\n\r\n";
	struct tl_resp *m = tl_raw(metrics, strlen(metrics), 10000);
	CHECK_INT(m->status, 200);
	CHECK_STR(tl_header(m, "X-Request-Id"), "m200");
	/* The log line carries the same id. */
	tl_server_stop(srv);
	const char *log = ops_read_file(srv->err_path);
	CHECK(log && strstr(log, "\"request_id\":\"e405\"") != NULL);
	CHECK(log && a && strstr(log, tl_fmt("\"request_id\":\"%s\"", a)));
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_json_line_fields, TL_SERVER),
		TL_TEST(test_text_format, TL_NO_SERVER),
		TL_TEST(test_request_ids, TL_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
