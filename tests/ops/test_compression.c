/*
 * Response compression: a body over 1 KB goes out gzipped when the
 * request's Accept-Encoding allows gzip (q-values read properly) and
 * decompresses to exactly the plain body; small bodies, HEAD and 304 stay
 * plain; every response that could be compressed says
 * `Vary: Accept-Encoding`; the ETag is the same in both codings and
 * If-None-Match / If-Match work with it from a gzip client; --gzip-level 0
 * turns it off.
 */
#include "tests/ops/opslib.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* The gzip stream `z` inflated (arena-owned, NUL-terminated), or NULL. */
static const char *gunzip(const char *z, size_t n, size_t *outlen)
{
	z_stream s;
	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 15 + 16) != Z_OK)
		return NULL;
	size_t cap = 1 << 22;
	char *out = malloc(cap);
	s.next_in = (Bytef *)z;
	s.avail_in = (uInt)n;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)cap - 1;
	int rc = inflate(&s, Z_FINISH);
	*outlen = s.total_out;
	inflateEnd(&s);
	const char *copy = NULL;
	if (out && rc == Z_STREAM_END) {
		out[*outlen] = '\0';
		copy = tl_fmt("%s", out);
	}
	free(out);
	return copy;
}

/* A request over a raw socket (testlib's curl requests insist that a JSON
 * body parses, which a gzipped one does not), with `extra` header lines
 * ("Name: value\r\n" each, or ""). */
static struct tl_resp *raw_request(const char *method, const char *path,
				   const char *extra, const char *body)
{
	const char *req = tl_fmt(
		"%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s%s\r\n%s",
		method, path, extra,
		body ? tl_fmt("Content-Length: %zu\r\n", strlen(body)) : "",
		body ? body : "");
	return tl_raw(req, strlen(req), 5000);
}

static struct tl_resp *get_with(const char *path, const char *accept)
{
	return raw_request(
		"GET", path,
		accept ? tl_fmt("Accept-Encoding: %s\r\n", accept) : "", NULL);
}

static bool is_gzip(const struct tl_resp *r)
{
	const char *ce = tl_header(r, "Content-Encoding");
	return ce && strcasecmp(ce, "gzip") == 0;
}

static bool varies(const struct tl_resp *r)
{
	const char *v = tl_header(r, "Vary");
	return v && strcasestr(v, "Accept-Encoding");
}

/* An actor whose body is well over 1 KB; returns its path. */
static const char *big_actor(void)
{
	struct tl_resp *r =
		tl_post("/v1/actors",
			tl_fmt("{\"name\":\"Big\",\"description\":\"%s\"}",
			       tl_repeat('d', 3000)));
	CHECK_STATUS(r, 201);
	const char *id = json_string_value(json_object_get(r->json, "id"));
	return tl_fmt("/v1/actors/%s", id ? id : "none");
}

static void test_gzip_equals_plain(struct tl_server *srv)
{
	(void)srv;
	const char *path = big_actor();
	for (int i = 0; i < 5; i++)
		tl_post("/v1/actors",
			tl_fmt("{\"name\":\"A%d\",\"description\":"
			       "\"%s\"}",
			       i, tl_repeat('x', 400)));
	/* A resource, a list, and an asset compiled in (compressed once and
	 * kept: asked twice). */
	const char *paths[] = {path, "/v1/actors?limit=50", "/openapi.json",
			       "/openapi.json"};
	for (size_t i = 0; i < 4; i++) {
		struct tl_resp *plain = get_with(paths[i], NULL);
		CHECK_INT(plain->status, 200);
		CHECK(plain->body_len > 1024);
		CHECK(!is_gzip(plain));
		CHECK(varies(plain));
		struct tl_resp *gz = get_with(paths[i], "gzip");
		CHECK_INT(gz->status, 200);
		if (!CHECK(is_gzip(gz)))
			continue;
		CHECK(varies(gz));
		CHECK(gz->body_len < plain->body_len / 2);
		size_t n = 0;
		const char *body = gunzip(gz->body, gz->body_len, &n);
		CHECK(body != NULL);
		CHECK(n == plain->body_len);
		CHECK(body && strcmp(body, plain->body) == 0);
		const char *t1 = tl_header(plain, "ETag"),
			   *t2 = tl_header(gz, "ETag");
		CHECK((t1 == NULL) == (t2 == NULL));
		CHECK(!t1 || !t2 || strcmp(t1, t2) == 0);
	}
}

static void test_accept_encoding_q_values(struct tl_server *srv)
{
	(void)srv;
	const char *path = big_actor();
	static const struct {
		const char *accept;
		bool gzip;
	} cases[] = {
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=0.5", true},
		{"x-gzip", true},
		{"*", true},
		{"br, *;q=0.1", true},
		{"gzip ; q=1.000", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"gzip;q=0, *", false},
		{"*;q=0, identity", false},
		{"identity", false},
		{"br, deflate", false},
		{"", false},
		{"gzip;q=2", false}, /* malformed: ignored */
		{"gzip;q=abc", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_resp *r = get_with(path, cases[i].accept);
		CHECK_INT(r->status, 200);
		if (!CHECK(is_gzip(r) == cases[i].gzip))
			fprintf(stderr, "  Accept-Encoding: %s -> %s\n",
				cases[i].accept, is_gzip(r) ? "gzip" : "plain");
		CHECK(varies(r));
	}
}

static void test_small_head_and_304_stay_plain(struct tl_server *srv)
{
	/* Small: plain, still Vary. */
	struct tl_resp *r = get_with("/healthz", "gzip");
	CHECK_INT(r->status, 200);
	CHECK(r->body_len < 1024);
	CHECK(!is_gzip(r));
	CHECK(varies(r));
	/* Refusing identity gets even a small body gzipped. */
	r = get_with("/healthz", "gzip, identity;q=0");
	CHECK(is_gzip(r));

	const char *path = big_actor();
	r = get_with(path, "gzip");
	const char *etag = tl_header(r, "ETag");
	REQUIRE(etag != NULL);
	/* HEAD: no body, so nothing to code. */
	struct tl_resp *h =
		raw_request("HEAD", path, "Accept-Encoding: gzip\r\n", NULL);
	CHECK_INT(h->status, 200);
	CHECK(!is_gzip(h));
	/* The ETag a gzip client read revalidates... */
	struct tl_resp *nm = raw_request(
		"GET", path,
		tl_fmt("Accept-Encoding: gzip\r\nIf-None-Match: %s\r\n", etag),
		NULL);
	CHECK_INT(nm->status, 304);
	CHECK(!is_gzip(nm));
	CHECK(varies(nm));
	/* ...and makes a conditional write. */
	struct tl_resp *p = raw_request(
		"PATCH", path,
		tl_fmt("Accept-Encoding: gzip\r\nIf-Match: %s\r\n"
		       "Authorization: Bearer %s\r\n"
		       "Content-Type: application/merge-patch+json\r\n",
		       etag, srv->key),
		"{\"name\":\"Bigger\"}");
	CHECK_INT(p->status, 200);
	/* A stale one is still refused. */
	p = raw_request("PATCH", path,
			tl_fmt("Accept-Encoding: gzip\r\nIf-Match: %s\r\n"
			       "Authorization: Bearer %s\r\n"
			       "Content-Type: application/merge-patch+json\r\n",
			       etag, srv->key),
			"{\"name\":\"Biggest\"}");
	CHECK_INT(p->status, 412);
}

/* --gzip-level 0: never compressed, and no Vary for it. */
static void test_gzip_level_0_never(struct tl_server *srv)
{
	(void)srv;
	struct tl_server s;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--gzip-level", "0", NULL})) == 0);
	const char *path = big_actor();
	struct tl_resp *r = get_with(path, "gzip");
	CHECK_INT(r->status, 200);
	CHECK(r->body_len > 1024);
	CHECK(!is_gzip(r));
	CHECK(!varies(r));
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_gzip_equals_plain, TL_SERVER),
		TL_TEST(test_accept_encoding_q_values, TL_SERVER),
		TL_TEST(test_small_head_and_304_stay_plain, TL_SERVER),
		TL_TEST(test_gzip_level_0_never, TL_NO_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
