/*
 * Bulk import and export (contract section 4).  Import: NDJSON only,
 * forward references, all-or-nothing with every bad line reported by
 * number and pointer in line order, upsert by id (a re-import changes
 * nothing), read-only fields ignored, its own body limit.  Export: NDJSON
 * streamed in dependency order (parents first), in the form import takes
 * and without computed fields; export -> import into an empty store ->
 * export gives the same lines.
 */
#include "tests/lib/testlib.h"

#include <stdlib.h>
#include <string.h>

#define NDJSON "application/x-ndjson"
#define MIB (1024 * 1024)

static struct tl_resp *import(const char *body)
{
	return tl_request("POST", "/v1/import", NDJSON, body, -1, NULL);
}

static long count(const char *coll)
{
	struct tl_resp *r = tl_get(tl_fmt("%s?limit=500", coll));

	if (!CHECK_STATUS(r, 200))
		return -1;
	return (long)json_array_size(tl_at(r->json, "/items"));
}

static long changes(void)
{
	struct tl_resp *r = tl_get("/v1/changes?limit=500");

	if (!CHECK_STATUS(r, 200))
		return -1;
	return (long)json_array_size(tl_at(r->json, "/items"));
}

/* GET /v1/export through a raw socket (the body is not JSON); returns
 * the lines parsed, as an arena-owned array, or NULL after a failure. */
static json_t *export_lines(struct tl_resp **out)
{
	static const char req[] = "GET /v1/export HTTP/1.1\r\n"
				  "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
	struct tl_resp *r = tl_raw(req, strlen(req), 30000);
	json_t *lines = tl_json("[]");
	const char *ct = tl_header(r, "Content-Type");

	if (out)
		*out = r;
	if (!CHECK_STATUS(r, 200))
		return NULL;
	if (!CHECK(ct && strncmp(ct, NDJSON, strlen(NDJSON)) == 0))
		return NULL;
	for (char *p = r->body; p && *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_error_t err;
		json_t *v;

		if (n) {
			v = json_loadb(p, n, 0, &err);
			if (!v || !json_is_object(v)) {
				tl_fail(__FILE__, __LINE__,
					"export line is not a JSON object: %.*s",
					(int)n, p);
				json_decref(v);
				return NULL;
			}
			json_array_append_new(lines, v);
		}
		p = nl ? nl + 1 : p + n;
	}
	return lines;
}

/* Export lines as NDJSON text (arena-owned), with the read-only members
 * dropped when `strip`. */
static const char *to_ndjson(json_t *lines, bool strip)
{
	size_t i, cap = 1024, len = 0;
	json_t *it;
	char *buf = malloc(cap);
	const char *out;

	buf[0] = '\0';
	json_array_foreach(lines, i, it) {
		json_t *copy = json_deep_copy(it);
		char *text;
		size_t n;

		if (strip) {
			json_object_del(copy, "created_at");
			json_object_del(copy, "updated_at");
			json_object_del(copy, "version");
		}
		text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
		n = strlen(text);
		while (len + n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + len, text, n);
		len += n;
		buf[len++] = '\n';
		buf[len] = '\0';
		free(text);
		json_decref(copy);
	}
	out = tl_fmt("%s", buf);
	free(buf);
	return out;
}

/* A batch in which almost every line refers forward. */
static const char forward_batch[] =
	"{\"type\": \"relation\", \"id\": \"rel-1\", \"from\": \"c1\", "
	"\"relation\": \"contradicts\", \"to\": \"c2\", \"note\": \"n\"}\n"
	"{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": \"child\", "
	"\"text\": \"one\", \"events\": [\"sub\"], \"source\": \"s\", "
	"\"stated\": \"2024-05\"}\n"
	"{\"type\": \"claim\", \"id\": \"c2\", \"claimant\": \"parent\", "
	"\"text\": \"two\", \"via\": \"child\"}\n"
	"{\"type\": \"event\", \"id\": \"sub\", \"title\": \"Sub\", "
	"\"kind\": \"other\", \"start\": \"2024-05\", \"part_of\": \"top\", "
	"\"participants\": [{\"actor\": \"parent\", \"role\": \"r\"}]}\n"
	"{\"type\": \"actor\", \"id\": \"child\", \"name\": \"Child\", "
	"\"part_of\": \"parent\"}\n"
	"{\"type\": \"event\", \"id\": \"top\", \"title\": \"Top\", "
	"\"kind\": \"other\", \"start\": \"2024\"}\n"
	"{\"type\": \"source\", \"id\": \"s\", \"title\": \"Src\"}\n"
	"{\"type\": \"actor\", \"id\": \"parent\", \"name\": \"Parent\"}\n";

static void test_import_forward_references(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = import(forward_batch);
	REQUIRE_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 8, \"created\": 8, "
				    "\"updated\": 0, \"unchanged\": 0}"));
	CHECK_JSTR(tl_get("/v1/actors/child")->json, "/part_of", "parent");
	CHECK_JSTR(tl_get("/v1/events/sub")->json, "/part_of", "top");
	CHECK_JSTR(tl_get("/v1/claims/c1")->json, "/claimant", "child");
	CHECK_JSTR(tl_get("/v1/claims/c1")->json, "/source", "s");
	CHECK_JSTR(tl_get("/v1/claims/c2")->json, "/via", "child");
	r = tl_get("/v1/claims/c1");
	CHECK_JSON(r->json, "/disputed", "true");
	CHECK_JSTR(r->json, "/relations/0/id", "rel-1");
	CHECK_JSTR(r->json, "/relations/0/claim", "c2");
	CHECK_JSTR(r->json, "/relations/0/note", "n");
	/* History and the feed record the imported writes, by key. */
	CHECK_JSTR(tl_get("/v1/actors/parent/history")->json, "/items/0/key",
		   "test");
	CHECK_INT(changes(), 8);
}

static void test_reimport_changes_nothing(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *before;

	(void)srv;
	REQUIRE_STATUS(import(forward_batch), 200);
	before = tl_get("/v1/claims/c1")->json;
	long feed = changes();

	r = import(forward_batch);
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 8, \"created\": 0, "
				    "\"updated\": 0, \"unchanged\": 8}"));
	CHECK_INT(changes(), feed);
	CHECK_SAME(tl_get("/v1/claims/c1")->json, before);
	CHECK_INT(json_array_size(tl_at(
			  tl_get("/v1/actors/child/history")->json, "/items")),
		  1);

	/* The same lines as export wrote them (with read-only members):
	 * still unchanged. */
	json_t *lines = export_lines(NULL);
	REQUIRE(lines);
	r = import(to_ndjson(lines, false));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/unchanged", "8");
	CHECK_JSON(r->json, "/created", "0");
	CHECK_JSON(r->json, "/updated", "0");
	CHECK_INT(changes(), feed);

	/* One line changed: one update, one new version. */
	r = import("{\"type\": \"actor\", \"id\": \"parent\", "
		   "\"name\": \"Parent renamed\"}\n"
		   "{\"type\": \"source\", \"id\": \"s\", \"title\": \"Src\"}\n"
		   "{\"type\": \"actor\", \"id\": \"fresh\", \"name\": \"F\"}\n");
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 3, \"created\": 1, "
				    "\"updated\": 1, \"unchanged\": 1}"));
	r = tl_get("/v1/actors/parent");
	CHECK_JSTR(r->json, "/name", "Parent renamed");
	CHECK_JSON(r->json, "/version", "2");
	CHECK_INT(changes(), feed + 2);
}

static void test_import_ignores_read_only_members(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = import("{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\", "
		   "\"version\": 99, \"created_at\": \"2000-01-01T00:00:00Z\", "
		   "\"updated_at\": \"2000-01-02T00:00:00Z\"}\n");
	REQUIRE_STATUS(r, 200);
	r = tl_get("/v1/actors/a");
	CHECK_JSON(r->json, "/version", "1");
	CHECK(tl_str(r->json, "/created_at") &&
	      strncmp(tl_str(r->json, "/created_at"), "2000", 4) != 0);
	CHECK(tl_str(r->json, "/updated_at") &&
	      strncmp(tl_str(r->json, "/updated_at"), "2000", 4) != 0);
}

static void test_bad_lines_all_reported_nothing_written(struct tl_server *srv)
{
	/* The claim at line 2 fails at write time (its claimant is
	 * missing) although claims are written after actors: errors must
	 * still come in line order. */
	static const char batch[] =
		"{\"type\": \"actor\", \"id\": \"ok1\", \"name\": \"Fine\"}\n"
		"{\"type\": \"claim\", \"id\": \"cx\", \"claimant\": \"nobody\", "
		"\"text\": \"t\"}\n"
		"{\"type\": \"actor\", \"id\": \"bad1\", \"name\": \n"
		"{\"type\": \"actor\", \"name\": \"No id\"}\n"
		"{\"type\": \"planet\", \"id\": \"p\", \"name\": \"P\"}\n"
		"{\"type\": \"source\", \"id\": \"ok2\", \"title\": \"Fine\"}\n"
		"{\"type\": \"actor\", \"id\": \"bad2\", \"name\": \"B\", "
		"\"kind\": \"alien\"}\n"
		"{\"type\": \"event\", \"id\": \"bad3\", \"title\": \"E\", "
		"\"kind\": \"other\", \"start\": \"2024-02-30\"}\n"
		"[1, 2]\n"
		"{\"type\": \"actor\", \"id\": \"bad4\", \"name\": \"B\", "
		"\"colour\": \"red\"}\n";
	static const long want_lines[] = {2, 3, 4, 5, 7, 8, 9, 10};
	struct tl_resp *r;
	json_t *errors, *e;
	size_t i;
	long prev = 0;
	bool seen[11] = {false};

	(void)srv;
	r = import(batch);
	CHECK_PROBLEM(r, 422, "validation-failed");
	errors = tl_at(r->json, "/errors");
	REQUIRE(json_is_array(errors));
	json_array_foreach(errors, i, e) {
		json_t *line = tl_at(e, "/line");

		CHECK(json_is_integer(line));
		CHECK(json_is_string(tl_at(e, "/pointer")));
		CHECK(json_is_string(tl_at(e, "/detail")) &&
		      *tl_str(e, "/detail"));
		/* sorted by line */
		CHECK(json_integer_value(line) >= prev);
		prev = (long)json_integer_value(line);
		if (prev >= 1 && prev <= 10)
			seen[prev] = true;
	}
	for (size_t k = 0; k < sizeof(want_lines) / sizeof(want_lines[0]); k++)
		if (!seen[want_lines[k]])
			tl_fail(__FILE__, __LINE__, "line %ld not reported: %s",
				want_lines[k], r->body);
	CHECK(!seen[1] && !seen[6]); /* the good lines are not blamed */
	/* Pointers name the field at fault. */
	json_array_foreach(errors, i, e) {
		long line = (long)json_integer_value(tl_at(e, "/line"));
		const char *ptr = tl_str(e, "/pointer");

		if (!ptr)
			continue;
		if (line == 2)
			CHECK_STR(ptr, "/claimant");
		else if (line == 4)
			CHECK_STR(ptr, "/id");
		else if (line == 5)
			CHECK_STR(ptr, "/type");
		else if (line == 7)
			CHECK_STR(ptr, "/kind");
		else if (line == 8)
			CHECK_STR(ptr, "/start");
		else if (line == 10)
			CHECK_STR(ptr, "/colour");
	}
	/* Nothing was written, not even the good lines. */
	CHECK_STATUS(tl_get("/v1/actors/ok1"), 404);
	CHECK_STATUS(tl_get("/v1/sources/ok2"), 404);
	CHECK_INT(count("/v1/actors"), 0);
	CHECK_INT(count("/v1/sources"), 0);
	CHECK_INT(changes(), 0);
}

static void test_bad_import_keeps_existing_data(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	long feed = changes();
	/* An update and a create, then a cycle: all refused. */
	r = import("{\"type\": \"actor\", \"id\": \"a\", \"name\": \"Changed\"}\n"
		   "{\"type\": \"actor\", \"id\": \"x\", \"name\": \"X\", "
		   "\"part_of\": \"y\"}\n"
		   "{\"type\": \"actor\", \"id\": \"y\", \"name\": \"Y\", "
		   "\"part_of\": \"x\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK(json_array_size(tl_at(r->json, "/errors")) >= 1);
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "A");
	CHECK_STATUS(tl_get("/v1/actors/x"), 404);
	CHECK_INT(changes(), feed);
	/* A relation to a claim that exists nowhere. */
	r = import("{\"type\": \"relation\", \"id\": \"r\", \"from\": \"c1\", "
		   "\"relation\": \"supports\", \"to\": \"c9\", \"note\": null}\n"
		   "{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": \"a\", "
		   "\"text\": \"t\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(r->json, "/errors/0/line", "1");
	CHECK_STATUS(tl_get("/v1/claims/c1"), 404);
	CHECK_INT(changes(), feed);
}

static void test_import_content_type(struct tl_server *srv)
{
	static const char line[] =
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\"}\n";

	(void)srv;
	CHECK_PROBLEM(tl_request("POST", "/v1/import", TL_JSON, line, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/import", "text/plain", line, -1,
				 NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/import", NULL, line, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_INT(count("/v1/actors"), 0);
	CHECK_STATUS(tl_request("POST", "/v1/import",
				"application/x-ndjson; charset=utf-8", line,
				-1, NULL),
		     200);
	CHECK_INT(count("/v1/actors"), 1);
}

/* An import over the normal 1 MiB body limit is fine by default. */
static void test_import_has_its_own_limit(struct tl_server *srv)
{
	size_t n = 300, desc = 5000;
	char *body = tl_repeat(' ', n * (desc + 100));
	size_t len = 0;
	struct tl_resp *r;

	(void)srv;
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(body + len,
				       "{\"type\": \"actor\", \"id\": \"a%zu\", "
				       "\"name\": \"A\", \"description\": "
				       "\"%s\"}\n",
				       i, tl_repeat('d', desc));
	body[len] = '\0';
	REQUIRE(len > MIB + MIB / 4);
	r = import(body);
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/created", tl_fmt("%zu", n));
	CHECK_STATUS(tl_get("/v1/actors/a299"), 200);
}

static void test_import_limit_option(struct tl_server *unused)
{
	struct tl_server s;
	struct tl_resp *r;
	const char *small = "{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\"}\n";
	const char *big;
	int rc;

	(void)unused;
	tl_server_init(&s);
	setenv("CLAIMLINE_IMPORT_LIMIT", "2048", 1);
	rc = tl_server_start(&s, NULL);
	unsetenv("CLAIMLINE_IMPORT_LIMIT");
	if (rc != 0) {
		tl_server_destroy(&s);
		return;
	}
	big = tl_fmt("{\"type\": \"actor\", \"id\": \"b\", \"name\": \"%s\"}\n",
		     tl_repeat('x', 2100));
	r = import(big);
	CHECK_PROBLEM(r, 413, "payload-too-large");
	CHECK_STATUS(tl_get("/v1/actors/b"), 404);
	r = import(small);
	CHECK_STATUS(r, 200);
	CHECK_STATUS(tl_get("/v1/actors/a"), 200);
	CHECK_INT(tl_server_stop(&s), 0);
	tl_server_destroy(&s);
}

static const char *const kind_order[] = {"actor", "source", "event", "claim",
					 "relation"};

static int kind_rank(const char *type)
{
	for (int i = 0; i < 5; i++)
		if (type && strcmp(type, kind_order[i]) == 0)
			return i;
	return -1;
}

static void test_export_order_and_form(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *lines, *it, *pos;
	size_t i;
	int rank = 0;

	(void)srv;
	/* Parents made after their children (re-parented by PATCH), so
	 * creation order is not dependency order. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"mid\", \"name\": \"Mid\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"leaf\", \"name\": \"Leaf\", "
					"\"part_of\": \"mid\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"root\", \"name\": \"Root\"}"));
	REQUIRE_STATUS(tl_patch("/v1/actors/mid", "{\"part_of\": \"root\"}"), 200);
	REQUIRE(tl_create("/v1/events", "{\"id\": \"e-leaf\", \"title\": \"L\", "
					"\"kind\": \"other\", \"start\": \"2024\"}"));
	REQUIRE(tl_create("/v1/events", "{\"id\": \"e-root\", \"title\": \"R\", "
					"\"kind\": \"other\", \"start\": \"2024\"}"));
	REQUIRE_STATUS(tl_patch("/v1/events/e-leaf", "{\"part_of\": \"e-root\"}"),
		       200);
	REQUIRE(tl_create("/v1/sources", "{\"id\": \"s\", \"title\": \"S\", "
					 "\"text\": \"He said hello there.\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"c1\", \"claimant\": \"leaf\", \"text\": "
			  "\"t\", \"quote\": \"hello there\", \"source\": \"s\", "
			  "\"events\": [\"e-leaf\"]}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"c2\", \"claimant\": \"root\", \"text\": \"u\"}"));
	REQUIRE_STATUS(tl_post("/v1/claims/c2/relations",
			       "{\"type\": \"contradicts\", \"claim\": \"c1\"}"),
		       201);

	lines = export_lines(&r);
	REQUIRE(lines);
	CHECK_INT(json_array_size(lines), 3 + 2 + 1 + 2 + 1);
	pos = tl_json("{}");
	json_array_foreach(lines, i, it) {
		const char *type = tl_str(it, "/type");
		int k = kind_rank(type);

		CHECK(k >= 0);
		CHECK(k >= rank); /* kinds never go back */
		if (k > rank)
			rank = k;
		CHECK(json_is_string(tl_at(it, "/id")));
		if (k >= 0 && k < 4) {
			CHECK(json_is_string(tl_at(it, "/created_at")));
			CHECK(json_is_string(tl_at(it, "/updated_at")));
			CHECK(json_is_integer(tl_at(it, "/version")));
		}
		/* no computed members */
		CHECK(!tl_at(it, "/quote_span"));
		CHECK(!tl_at(it, "/disputed"));
		CHECK(!tl_at(it, "/relations"));
		if (tl_str(it, "/id"))
			json_object_set_new(pos, tl_str(it, "/id"),
					    json_integer((json_int_t)i));
	}
	/* parents before children */
#define BEFORE(a, b)                                                         \
	CHECK(json_integer_value(json_object_get(pos, a)) <                  \
	      json_integer_value(json_object_get(pos, b)))
	BEFORE("root", "mid");
	BEFORE("mid", "leaf");
	BEFORE("e-root", "e-leaf");
	/* The relation line in the form import takes. */
	it = json_array_get(lines, json_array_size(lines) - 1);
	CHECK_JSTR(it, "/type", "relation");
	CHECK_JSTR(it, "/from", "c2");
	CHECK_JSTR(it, "/relation", "contradicts");
	CHECK_JSTR(it, "/to", "c1");
	CHECK(tl_at(it, "/note") != NULL);
	/* The claim keeps its quote but not its span. */
	it = json_array_get(lines, (size_t)json_integer_value(
					   json_object_get(pos, "c1")));
	CHECK_JSTR(it, "/quote", "hello there");
}

static void test_export_import_round_trip(struct tl_server *srv)
{
	struct tl_server fresh;
	json_t *first, *second;
	const char *a, *b;
	struct tl_resp *r;

	/* Add a re-parented pair and a relation to the demo data. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"rt-child\", \"name\": \"C\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"rt-parent\", \"name\": \"P\"}"));
	REQUIRE_STATUS(tl_patch("/v1/actors/rt-child",
				"{\"part_of\": \"rt-parent\"}"),
		       200);
	first = export_lines(NULL);
	REQUIRE(first);
	REQUIRE(json_array_size(first) > 20);

	tl_server_init(&fresh);
	if (tl_server_start(&fresh, NULL) != 0) {
		tl_server_destroy(&fresh);
		return;
	}
	r = import(to_ndjson(first, false));
	if (CHECK_STATUS(r, 200)) {
		CHECK_JSON(r->json, "/lines",
			   tl_fmt("%zu", json_array_size(first)));
		CHECK_JSON(r->json, "/created",
			   tl_fmt("%zu", json_array_size(first)));
	}
	second = export_lines(NULL);
	if (second) {
		a = to_ndjson(first, true);
		b = to_ndjson(second, true);
		if (!CHECK(strcmp(a, b) == 0))
			fprintf(stderr, "    first export %zu lines, second %zu\n",
				json_array_size(first), json_array_size(second));
		/* The same order too: compare line by line. */
		for (size_t i = 0; i < json_array_size(first) &&
				   i < json_array_size(second);
		     i++)
			if (!CHECK_STR(tl_str(json_array_get(second, i), "/id"),
				       tl_str(json_array_get(first, i), "/id")))
				break;
	}
	/* Importing into the store it came from changes nothing. */
	CHECK_INT(tl_server_stop(&fresh), 0);
	tl_server_destroy(&fresh);
	CHECK_INT(tl_server_stop(srv), 0); /* to make it current again */
	REQUIRE(tl_server_start(srv, NULL) == 0);
	r = import(to_ndjson(first, false));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/unchanged", tl_fmt("%zu", json_array_size(first)));
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_import_forward_references, TL_SERVER),
		TL_TEST(test_reimport_changes_nothing, TL_SERVER),
		TL_TEST(test_import_ignores_read_only_members, TL_SERVER),
		TL_TEST(test_bad_lines_all_reported_nothing_written, TL_SERVER),
		TL_TEST(test_bad_import_keeps_existing_data, TL_SERVER),
		TL_TEST(test_import_content_type, TL_SERVER),
		TL_TEST(test_import_has_its_own_limit, TL_SERVER),
		TL_TEST(test_import_limit_option, TL_NO_SERVER),
		TL_TEST(test_export_order_and_form, TL_SERVER),
		TL_TEST(test_export_import_round_trip, TL_DEMO),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
