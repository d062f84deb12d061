/*
 * Bulk import and export (contract section 4).  Import: NDJSON only,
 * forward references, all-or-nothing with every bad line and every fault
 * on it reported by number and pointer in line order (relation lines
 * under their own members' names), upsert by id (a re-import changes
 * nothing, even of a file naming an id on several lines: the last one
 * wins), read-only fields ignored, its own body limit.  Export: NDJSON
 * streamed in dependency order (parents first), in the form import takes
 * and without computed fields; export -> import into an empty store ->
 * export gives the same lines.  Import takes its own write path, so it is
 * held to the API's: the same lines written through the API and imported
 * give the same answers to every read and the same rows underneath (but
 * for the times); a bad last line of a large import leaves no trace; a
 * batch sees what its earlier lines wrote.
 */
#include "tests/lib/testlib.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define NDJSON "application/x-ndjson"
#define MIB (1024 * 1024)

static struct tl_resp *import(const char *body)
{
	return tl_request("POST", "/v1/import", NDJSON, body, -1, NULL);
}

/* GET /v1/export through a raw socket (the body is not JSON); returns
 * the lines parsed, as an arena-owned array, or NULL after a failure. */
static json_t *export_lines(struct tl_resp **out)
{
	static const char req[] =
		"GET /v1/export HTTP/1.1\r\n"
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
	json_array_foreach(lines, i, it)
	{
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
	CHECK_INT(tl_count("/v1/changes"), 8);
}

static void test_reimport_changes_nothing(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *before;

	(void)srv;
	REQUIRE_STATUS(import(forward_batch), 200);
	before = tl_get("/v1/claims/c1")->json;
	long feed = tl_count("/v1/changes");

	r = import(forward_batch);
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 8, \"created\": 0, "
				    "\"updated\": 0, \"unchanged\": 8}"));
	CHECK_INT(tl_count("/v1/changes"), feed);
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
	CHECK_INT(tl_count("/v1/changes"), feed);

	/* One line changed: one update, one new version. */
	r = import(
		"{\"type\": \"actor\", \"id\": \"parent\", "
		"\"name\": \"Parent renamed\"}\n"
		"{\"type\": \"source\", \"id\": \"s\", \"title\": \"Src\"}\n"
		"{\"type\": \"actor\", \"id\": \"fresh\", \"name\": \"F\"}\n");
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 3, \"created\": 1, "
				    "\"updated\": 1, \"unchanged\": 1}"));
	r = tl_get("/v1/actors/parent");
	CHECK_JSTR(r->json, "/name", "Parent renamed");
	CHECK_JSON(r->json, "/version", "2");
	CHECK_INT(tl_count("/v1/changes"), feed + 2);
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
	json_array_foreach(errors, i, e)
	{
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
	json_array_foreach(errors, i, e)
	{
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
	CHECK_INT(tl_count("/v1/actors"), 0);
	CHECK_INT(tl_count("/v1/sources"), 0);
	CHECK_INT(tl_count("/v1/changes"), 0);
}

static void test_bad_import_keeps_existing_data(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	long feed = tl_count("/v1/changes");
	/* An update and a create, then a cycle: all refused. */
	r = import(
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"Changed\"}\n"
		"{\"type\": \"actor\", \"id\": \"x\", \"name\": \"X\", "
		"\"part_of\": \"y\"}\n"
		"{\"type\": \"actor\", \"id\": \"y\", \"name\": \"Y\", "
		"\"part_of\": \"x\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK(json_array_size(tl_at(r->json, "/errors")) >= 1);
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "A");
	CHECK_STATUS(tl_get("/v1/actors/x"), 404);
	CHECK_INT(tl_count("/v1/changes"), feed);
	/* A relation to a claim that exists nowhere. */
	r = import(
		"{\"type\": \"relation\", \"id\": \"r\", \"from\": \"c1\", "
		"\"relation\": \"supports\", \"to\": \"c9\", \"note\": null}\n"
		"{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": \"a\", "
		"\"text\": \"t\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(r->json, "/errors/0/line", "1");
	CHECK_STATUS(tl_get("/v1/claims/c1"), 404);
	CHECK_INT(tl_count("/v1/changes"), feed);
}

static void test_import_content_type(struct tl_server *srv)
{
	static const char line[] =
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\"}\n";

	(void)srv;
	CHECK_PROBLEM(tl_request("POST", "/v1/import", TL_JSON, line, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_PROBLEM(
		tl_request("POST", "/v1/import", "text/plain", line, -1, NULL),
		415, "unsupported-media-type");
	CHECK_PROBLEM(tl_request("POST", "/v1/import", NULL, line, -1, NULL),
		      415, "unsupported-media-type");
	CHECK_INT(tl_count("/v1/actors"), 0);
	CHECK_STATUS(tl_request("POST", "/v1/import",
				"application/x-ndjson; charset=utf-8", line, -1,
				NULL),
		     200);
	CHECK_INT(tl_count("/v1/actors"), 1);
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
		len += (size_t)sprintf(
			body + len,
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
	const char *small =
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\"}\n";
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
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"mid\", \"name\": \"Mid\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"leaf\", \"name\": \"Leaf\", "
			  "\"part_of\": \"mid\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"root\", \"name\": \"Root\"}"));
	REQUIRE_STATUS(tl_patch("/v1/actors/mid", "{\"part_of\": \"root\"}"),
		       200);
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e-leaf\", \"title\": \"L\", "
			  "\"kind\": \"other\", \"start\": \"2024\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e-root\", \"title\": \"R\", "
			  "\"kind\": \"other\", \"start\": \"2024\"}"));
	REQUIRE_STATUS(
		tl_patch("/v1/events/e-leaf", "{\"part_of\": \"e-root\"}"),
		200);
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s\", \"title\": \"S\", "
			  "\"text\": \"He said hello there.\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"leaf\", \"text\": "
		"\"t\", \"quote\": \"hello there\", \"source\": \"s\", "
		"\"events\": [\"e-leaf\"]}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"root\", \"text\": \"u\"}"));
	REQUIRE_STATUS(
		tl_post("/v1/claims/c2/relations",
			"{\"type\": \"contradicts\", \"claim\": \"c1\"}"),
		201);

	lines = export_lines(&r);
	REQUIRE(lines);
	CHECK_INT(json_array_size(lines), 3 + 2 + 1 + 2 + 1);
	pos = tl_json("{}");
	json_array_foreach(lines, i, it)
	{
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
#define BEFORE(a, b)                                                           \
	CHECK(json_integer_value(json_object_get(pos, a)) <                    \
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
	it = json_array_get(
		lines, (size_t)json_integer_value(json_object_get(pos, "c1")));
	CHECK_JSTR(it, "/quote", "hello there");
}

static void test_export_import_round_trip(struct tl_server *srv)
{
	struct tl_server fresh;
	json_t *first, *second;
	const char *a, *b;
	struct tl_resp *r;

	/* Add a re-parented pair and a relation to the demo data. */
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"rt-child\", \"name\": \"C\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"rt-parent\", \"name\": \"P\"}"));
	REQUIRE_STATUS(
		tl_patch("/v1/actors/rt-child", "{\"part_of\": \"rt-parent\"}"),
		200);
	/* And the analyst's fields of section 6: date_text on both, a
	 * withheld figure with its measure. */
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"rt-event\", \"title\": \"E\", \"kind\": "
			  "\"other\", \"start\": \"2024-12\", \"date_text\": "
			  "\"mid-December\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"rt-claim\", \"claimant\": \"rt-parent\", "
		"\"text\": \"Would not say.\", \"stance\": \"withholds\", "
		"\"date_text\": \"last Friday\", \"events\": [\"rt-event\"], "
		"\"quantity\": {\"unit\": \"soldiers\", \"measure\": "
		"\"troops_killed\"}}"));
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
			fprintf(stderr,
				"    first export %zu lines, second %zu\n",
				json_array_size(first),
				json_array_size(second));
		/* The new fields went through, not only the same nulls. */
		for (size_t i = 0; i < json_array_size(second); i++) {
			json_t *it = json_array_get(second, i);
			const char *id = tl_str(it, "/id");

			if (id && strcmp(id, "rt-event") == 0)
				CHECK_JSTR(it, "/date_text", "mid-December");
			if (id && strcmp(id, "rt-claim") == 0) {
				CHECK_JSTR(it, "/date_text", "last Friday");
				CHECK_JSTR(it, "/quantity/measure",
					   "troops_killed");
				CHECK_JSTR(it, "/stance", "withholds");
			}
		}
		CHECK(strstr(b, "\"date_text\":\"mid-December\"") != NULL);
		CHECK(strstr(b, "\"measure\":\"troops_killed\"") != NULL);
		/* The same order too: compare line by line. */
		for (size_t i = 0;
		     i < json_array_size(first) && i < json_array_size(second);
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
	CHECK_JSON(r->json, "/unchanged",
		   tl_fmt("%zu", json_array_size(first)));
}

/* ---- import is indistinguishable from the same writes through the API ---- */

/* Claims enough for several pages of every list. */
#define SAME_CLAIMS 600

/* A store's worth of lines in dependency order (as export writes them),
 * covering what the write path derives: part_of chains, participants,
 * tags, aliases, quotes verified against source texts (quote_span),
 * claims dated by their source, quantities, relations (disputed,
 * links).  A new JSON array, arena-owned. */
static json_t *same_dataset(void)
{
	json_t *lines = tl_json("[]");
	char buf[1024];

	for (int i = 0; i < 30; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\": \"actor\", \"id\": \"a%d\", \"name\": "
			 "\"Actor %d\", \"kind\": \"%s\", \"country\": \"%s\", "
			 "\"part_of\": %s, \"aliases\": %s}",
			 i, i, i % 2 ? "person" : "organization",
			 i % 3 ? "FR" : "UA",
			 i ? tl_fmt("\"a%d\"", (i - 1) / 3) : "null",
			 i % 4 ? "[]"
			       : tl_fmt("[\"Alias%d\", \"Other %d\"]", i, i));
		json_array_append(lines,
				  tl_json(buf)); /* arena-owned: borrowed */
	}
	for (int i = 0; i < 20; i++) {
		snprintf(
			buf, sizeof(buf),
			"{\"type\": \"source\", \"id\": \"s%d\", \"title\": "
			"\"Source %d\", \"publisher\": \"P%d\", \"published\": "
			"%s, \"text\": \"Source %d says the quick brown fox %d "
			"jumped over the lazy dog.\"}",
			i, i, i % 3, i % 2 ? "\"2023-07\"" : "\"2023-08-15\"",
			i, i);
		json_array_append(lines,
				  tl_json(buf)); /* arena-owned: borrowed */
	}
	for (int i = 0; i < 40; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\": \"event\", \"id\": \"e%d\", \"title\": "
			 "\"Event %d harbour\", \"kind\": \"k%d\", \"start\": "
			 "\"2024-0%d\", \"end\": %s, \"part_of\": %s, "
			 "\"participants\": [{\"actor\": \"a%d\", \"role\": "
			 "\"r\"}], \"tags\": [\"t%d\", \"all\"], \"location\": "
			 "{\"name\": \"L\", \"country\": \"DE\"}, "
			 "\"description\": \"About event %d\"}",
			 i, i, i % 3, 1 + i % 9, i % 5 ? "null" : "\"2024-12\"",
			 i ? tl_fmt("\"e%d\"", (i - 1) / 4) : "null", i % 30,
			 i % 4, i);
		json_array_append(lines,
				  tl_json(buf)); /* arena-owned: borrowed */
	}
	for (int i = 0; i < SAME_CLAIMS; i++) {
		int src = i % 20;
		snprintf(
			buf, sizeof(buf),
			"{\"type\": \"claim\", \"id\": \"c%d\", \"claimant\": "
			"\"a%d\", \"events\": [\"e%d\", \"e%d\"], \"stated\": "
			"%s, \"stance\": \"%s\", \"text\": \"Claim %d word%d "
			"harbour\", \"quote\": %s, \"source\": %s, \"via\": %s, "
			"\"quantity\": %s, \"verdict\": %s}",
			i, i % 30, i % 40, (i + 1) % 40,
			i % 5 ? tl_fmt("\"2024-03-%02d\"", 1 + i % 28) : "null",
			i % 3 ? "asserts" : "denies", i, i % 17,
			i % 10 ? "null" : tl_fmt("\"brown fox %d\"", src),
			i % 13 == 1 ? "null" : tl_fmt("\"s%d\"", src),
			i % 7 ? "null" : tl_fmt("\"a%d\"", (i + 3) % 30),
			i % 11 ? "null"
			       : "{\"value\": 2.5, \"low\": 1, \"unit\": \"km\"}",
			i % 6 ? "null" : "\"mixed\"");
		json_array_append(lines,
				  tl_json(buf)); /* arena-owned: borrowed */
	}
	for (int i = 0; i < 30; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"type\": \"relation\", \"id\": \"r%d\", \"from\": "
			 "\"c%d\", \"relation\": \"%s\", \"to\": \"c%d\", "
			 "\"note\": %s}",
			 i, 3 * i, i % 2 ? "contradicts" : "supports",
			 3 * i + 1, i % 3 ? "null" : "\"why\"");
		json_array_append(lines,
				  tl_json(buf)); /* arena-owned: borrowed */
	}
	return lines;
}

/* The second round: changed lines (each an update), an unchanged one. */
static json_t *same_changes(void)
{
	return tl_json(
		"[{\"type\": \"actor\", \"id\": \"a1\", \"name\": \"Renamed\", "
		"\"kind\": \"person\", \"country\": \"FR\", \"part_of\": \"a0\", "
		"\"aliases\": [\"New alias\"]},"
		" {\"type\": \"actor\", \"id\": \"a2\", \"name\": \"Actor 2\", "
		"\"kind\": \"organization\", \"country\": \"FR\", \"part_of\": "
		"\"a0\", \"aliases\": []},"
		" {\"type\": \"source\", \"id\": \"s3\", \"title\": \"Retitled\", "
		"\"publisher\": \"P0\", \"published\": \"2022\", \"text\": "
		"\"Source 3 says the quick brown fox 3 jumped over the lazy "
		"dog.\"},"
		" {\"type\": \"event\", \"id\": \"e2\", \"title\": \"Moved\", "
		"\"kind\": \"k2\", \"start\": \"2024-03\", \"part_of\": \"e1\", "
		"\"tags\": [\"other\"]},"
		" {\"type\": \"claim\", \"id\": \"c5\", \"claimant\": \"a6\", "
		"\"events\": [\"e9\"], \"text\": \"Changed claim\", \"source\": "
		"\"s3\", \"quote\": \"lazy dog\"}]");
}

/* PUTs (or, for relations, POSTs) each line through the API. */
static void write_through_api(json_t *lines)
{
	size_t i;
	json_t *it;
	static const char *const coll[] = {"actors", "sources", "events",
					   "claims"};

	json_array_foreach(lines, i, it)
	{
		json_t *body = json_deep_copy(it);
		const char *type = tl_str(it, "/type");
		int k = kind_rank(type);
		char *text;
		struct tl_resp *r;

		json_object_del(body, "type");
		if (k == 4) {
			json_t *rel = json_pack(
				"{s:O, s:O, s:O, s:O}", "id",
				json_object_get(body, "id"), "type",
				json_object_get(body, "relation"), "claim",
				json_object_get(body, "to"), "note",
				json_object_get(body, "note"));
			text = json_dumps(rel, JSON_COMPACT);
			r = tl_post(tl_fmt("/v1/claims/%s/relations",
					   tl_str(it, "/from")),
				    text);
			CHECK_STATUS(r, 201);
			json_decref(rel);
		} else {
			text = json_dumps(body, JSON_COMPACT);
			r = tl_put(
				tl_fmt("/v1/%s/%s", coll[k], tl_str(it, "/id")),
				text);
			if (!CHECK(r->status == 200 || r->status == 201))
				fprintf(stderr, "    %s: %s\n", text, r->body);
		}
		tl_resp_free(r);
		free(text);
		json_decref(body);
	}
}

/* Drops the members that say when (created_at, updated_at, at),
 * wherever they are. */
static void drop_times(json_t *v)
{
	size_t i;
	const char *key;
	json_t *it;

	if (json_is_object(v)) {
		json_object_del(v, "created_at");
		json_object_del(v, "updated_at");
		json_object_del(v, "at");
		json_object_foreach(v, key, it) drop_times(it);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, it) drop_times(it);
	}
}

/* What clients see: every page of every list, and single resources,
 * histories, the feed, timelines, statements, disputes and search. */
static json_t *api_views(void)
{
	static const char *const lists[] = {
		"/v1/actors",
		"/v1/sources",
		"/v1/events",
		"/v1/claims",
		"/v1/claims?disputed=true",
		"/v1/claims?event=e1",
		"/v1/claims?claimant=a3",
		"/v1/claims?source=s4",
		"/v1/claims?from=2023-08&to=2023-08",
		"/v1/events?actor=a3",
		"/v1/events?tag=all",
		"/v1/events?part_of=e0",
		"/v1/actors?part_of=a0",
		"/v1/timeline",
		"/v1/events/e0/timeline",
		"/v1/actors/a3/statements",
		"/v1/events/e1/statements",
		"/v1/disputes",
		"/v1/search?q=harbour",
		"/v1/search?q=alias4",
		"/v1/search?q=fox",
		"/v1/claims/c1/history",
		"/v1/claims/c5/history",
		"/v1/actors/a1/history",
		"/v1/sources/s3/history",
		"/v1/events/e2/history",
	};
	static const char *const single[] = {
		"/v1/claims/c0",
		"/v1/claims/c3",
		"/v1/claims/c4",
		"/v1/claims/c5",
		"/v1/claims/c10",
		"/v1/claims/c77",
		"/v1/claims/c599",
		"/v1/actors/a1",
		"/v1/sources/s3",
		"/v1/events/e2",
		"/v1/claims/c3/relations/r1",
		"/v1/claims/c3/relations",
	};
	json_t *views = tl_json("{}");

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_t *all = tl_list_all(lists[i], 97);
		json_t *copy = all ? json_deep_copy(all) : json_null();

		drop_times(copy);
		json_object_set_new(views, lists[i], copy);
	}
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		struct tl_resp *r = tl_get(single[i]);
		json_t *copy = r->status == 200 ? json_deep_copy(r->json)
						: json_integer(r->status);

		drop_times(copy);
		json_object_set_new(views, single[i], copy);
	}
	/* The feed: every change, in order, with its version. */
	struct tl_resp *r = tl_get("/v1/changes?limit=500");
	json_t *feed = json_array();
	while (r->status == 200) {
		json_t *items = tl_at(r->json, "/items");
		size_t n = json_array_size(items);
		json_t *copy = json_deep_copy(items);

		drop_times(copy);
		json_array_extend(feed, copy);
		json_decref(copy);
		if (!n)
			break;
		r = tl_get(tl_fmt(
			"/v1/changes?limit=500&since=%s",
			tl_fmt("%lld", (long long)json_integer_value(tl_at(
					       r->json, "/next_since")))));
	}
	json_object_set_new(views, "/v1/changes", feed);
	return views;
}

/* Every row the write paths leave, but for the times: tables, side
 * tables kept by triggers, revisions and the full-text index. */
static const struct {
	const char *sql;
	int ncols;
} store_rows[] = {
	{"SELECT seq, id, body, computed, version, date_lo, date_hi, "
	 "date_prec, kind, country, part_of, links, name FROM actors "
	 "ORDER BY seq",
	 13},
	{"SELECT seq, id, body, computed, version, date_lo, date_hi, "
	 "date_prec, kind, publisher, links, title, url, published FROM "
	 "sources ORDER BY seq",
	 14},
	{"SELECT seq, id, body, computed, version, date_lo, date_hi, "
	 "date_prec, kind, country, part_of, links, title FROM events "
	 "ORDER BY seq",
	 13},
	{"SELECT seq, id, body, computed, version, date_lo, date_hi, "
	 "date_prec, claimant, source, via, stance, verdict, stated, links, "
	 "disputed FROM claims ORDER BY seq",
	 16},
	{"SELECT event_id, claim_seq FROM claim_events ORDER BY 1, 2", 2},
	{"SELECT actor_id, event_seq FROM event_actors ORDER BY 1, 2", 2},
	{"SELECT tag, event_seq FROM event_tags ORDER BY 1, 2", 2},
	{"SELECT seq, id, type, from_seq, to_seq, note FROM relations "
	 "ORDER BY seq",
	 6},
	{"SELECT seq, type, id, op, version, key_name, json_remove(body, "
	 "'$.created_at', '$.updated_at') FROM revisions ORDER BY seq",
	 7},
	{"SELECT rowid, label, content, type, ref FROM search ORDER BY rowid",
	 5},
	{"SELECT rowid FROM search WHERE search MATCH 'harbour OR alias4 OR "
	 "fox' ORDER BY rowid",
	 1},
};

/* One query's rows as text, a line each; NULL after a failure. */
static char *store_dump(struct store *st, const char *sql, int ncols)
{
	struct store_stmt *s = store_prepare(st, sql);
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	int rc;

	if (!s || !out) {
		free(out);
		tl_fail(__FILE__, __LINE__, "cannot prepare %s", sql);
		return NULL;
	}
	out[0] = '\0';
	while ((rc = store_step(s)) == STORE_ROW) {
		for (int c = 0; c < ncols; c++) {
			const char *v = store_column_is_null(s, c)
						? "NULL"
						: store_column_text(s, c);
			size_t n = strlen(v);

			while (len + n + 3 > cap) {
				cap *= 2;
				out = realloc(out, cap);
			}
			memcpy(out + len, v, n);
			len += n;
			out[len++] = c + 1 < ncols ? '|' : '\n';
			out[len] = '\0';
		}
	}
	store_reset(s);
	if (rc != STORE_DONE) {
		tl_fail(__FILE__, __LINE__, "%s: %d", sql, rc);
		free(out);
		return NULL;
	}
	return out;
}

/* Compares the rows of two stores, naming the first line that differs. */
static void check_same_rows(const char *db_api, const char *db_import)
{
	char err[256];
	struct store *a = store_open(db_api, err, sizeof(err));
	struct store *b = store_open(db_import, err, sizeof(err));

	if (!CHECK(a && b)) {
		store_close(a);
		store_close(b);
		return;
	}
	for (size_t q = 0; q < sizeof(store_rows) / sizeof(store_rows[0]);
	     q++) {
		char *x = store_dump(a, store_rows[q].sql, store_rows[q].ncols);
		char *y = store_dump(b, store_rows[q].sql, store_rows[q].ncols);

		if (x && y && strcmp(x, y) != 0) {
			size_t at = 0, line = 1;
			while (x[at] && x[at] == y[at])
				line += x[at++] == '\n';
			tl_fail(__FILE__, __LINE__,
				"%s: row %zu differs:\n  api:    %.300s\n"
				"  import: %.300s",
				store_rows[q].sql, line,
				x + (at - (at > 60 ? 60 : at)),
				y + (at - (at > 60 ? 60 : at)));
		}
		CHECK(x && y && *x); /* every query has rows */
		free(x);
		free(y);
	}
	/* The full-text index agrees with what it indexes. */
	CHECK_INT(store_exec_stmt(
			  store_prepare(b, "INSERT INTO search(search) VALUES "
					   "('integrity-check')")),
		  STORE_OK);
	store_close(a);
	store_close(b);
}

/* NDJSON text of lines [from, to). */
static const char *ndjson_range(json_t *lines, size_t from, size_t to)
{
	json_t *part = json_array();

	for (size_t i = from; i < to && i < json_array_size(lines); i++)
		json_array_append(part, json_array_get(lines, i));
	const char *text = to_ndjson(part, false);
	json_decref(part);
	return text;
}

static void test_import_same_as_api_writes(struct tl_server *srv)
{
	struct tl_server imp;
	json_t *lines = same_dataset(), *changes = same_changes();
	json_t *api, *imported;
	struct tl_resp *r;
	size_t n = json_array_size(lines), half = n / 2;

	/* Through the API, one write at a time. */
	write_through_api(lines);
	write_through_api(changes);
	api = api_views();

	/* The same lines imported into a fresh store, in two requests as
	 * the benchmark splits its file (the second refers to the first),
	 * then the changes. */
	tl_server_init(&imp);
	if (tl_server_start(&imp, NULL) != 0) {
		tl_server_destroy(&imp);
		return;
	}
	r = import(ndjson_range(lines, 0, half));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/created", tl_fmt("%zu", half));
	r = import(ndjson_range(lines, half, n));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/created", tl_fmt("%zu", n - half));
	r = import(to_ndjson(changes, false));
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 5, \"created\": 0, "
				    "\"updated\": 4, \"unchanged\": 1}"));
	imported = api_views();

	const char *key;
	json_t *want;
	json_object_foreach(api, key, want)
	{
		json_t *got = json_object_get(imported, key);
		if (!json_equal(got, want)) {
			char *g = json_dumps(got, JSON_COMPACT);
			char *w = json_dumps(want, JSON_COMPACT);
			size_t at = 0;
			while (g && w && g[at] && g[at] == w[at])
				at++;
			tl_fail(__FILE__, __LINE__,
				"%s differs after import at byte %zu:\n"
				"  api:    %.200s\n  import: %.200s",
				key, at, w ? w + (at > 40 ? at - 40 : 0) : "",
				g ? g + (at > 40 ? at - 40 : 0) : "");
			free(g);
			free(w);
		}
	}
	/* Non-trivial views: the lists are whole, the derived fields set. */
	CHECK_INT(json_array_size(json_object_get(api, "/v1/claims")),
		  SAME_CLAIMS);
	CHECK_INT(json_array_size(json_object_get(api, "/v1/changes")),
		  (long long)n + 4);
	CHECK(json_array_size(json_object_get(api, "/v1/disputes")) > 0);
	CHECK(tl_at(json_object_get(api, "/v1/claims/c10"),
		    "/quote_span/start"));
	CHECK(json_array_size(json_object_get(api, "/v1/search?q=alias4")) > 0);

	/* And underneath, the same rows. */
	CHECK_INT(tl_server_stop(&imp), 0);
	check_same_rows(srv->db, imp.db);
	tl_server_destroy(&imp);
}

/* A bad line at the very end of a large import: nothing of it stays, not
 * in the tables, the side tables, the history or the search index. */
static void test_late_bad_line_leaves_nothing(struct tl_server *srv)
{
	json_t *lines = same_dataset();
	size_t n = json_array_size(lines);
	const char *text, *body;
	struct tl_resp *r;

	text = ndjson_range(lines, 0, n);
	body = tl_fmt("%s{\"type\": \"claim\", \"id\": \"late\", "
		      "\"claimant\": \"a1\", \"text\": \"t\", \"stance\": "
		      "\"sings\"}\n",
		      text);
	r = import(body);
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_INT(json_array_size(tl_at(r->json, "/errors")), 1);
	CHECK_JSON(r->json, "/errors/0/line", tl_fmt("%zu", n + 1));
	CHECK_JSTR(r->json, "/errors/0/pointer", "/stance");
	CHECK_INT(tl_count("/v1/actors"), 0);
	CHECK_INT(tl_count("/v1/claims"), 0);
	CHECK_INT(tl_count("/v1/changes"), 0);
	CHECK_STR(tl_page_ids("/v1/search?q=harbour"), "");
	CHECK_STATUS(tl_get("/v1/claims/c1"), 404);

	/* The rows underneath, from a store with the server stopped. */
	CHECK_INT(tl_server_stop(srv), 0);
	char err[256];
	struct store *st = store_open(srv->db, err, sizeof(err));
	REQUIRE(st);
	static const char *const empty[] = {
		"SELECT count(*) FROM actors",
		"SELECT count(*) FROM sources",
		"SELECT count(*) FROM events",
		"SELECT count(*) FROM claims",
		"SELECT count(*) FROM claim_events",
		"SELECT count(*) FROM event_actors",
		"SELECT count(*) FROM event_tags",
		"SELECT count(*) FROM relations",
		"SELECT count(*) FROM revisions",
		"SELECT count(*) FROM search",
	};
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		char *rows = store_dump(st, empty[i], 1);
		if (!CHECK_STR(rows, "0\n"))
			fprintf(stderr, "    %s\n", empty[i]);
		free(rows);
	}
	store_close(st);
	REQUIRE(tl_server_start(srv, NULL) == 0);

	/* The same lines without the bad one go in whole afterwards. */
	r = import(text);
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/created", tl_fmt("%zu", n));
	CHECK_INT(tl_count("/v1/changes"),
		  500); /* a full first page of the feed */
}

/* Lines that need what earlier lines of the same batch wrote: an id on
 * three lines (the last one wins, the others are checked but not
 * written), a quote checked against a source of the batch, and a cycle
 * through a row created in the batch. */
static void test_import_sees_its_own_writes(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = import(
		"{\"type\": \"source\", \"id\": \"s\", \"title\": \"S\", "
		"\"text\": \"We will build the bridge.\"}\n"
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"First\"}\n"
		"{\"type\": \"claim\", \"id\": \"c\", \"claimant\": \"a\", "
		"\"text\": \"t\", \"source\": \"s\", \"quote\": \"the "
		"bridge\"}\n"
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"Second\"}\n"
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"Second\"}\n");
	CHECK_STATUS(r, 200);
	CHECK_SAME(r->json, tl_json("{\"lines\": 5, \"created\": 3, "
				    "\"updated\": 0, \"unchanged\": 2}"));
	r = tl_get("/v1/actors/a");
	CHECK_JSTR(r->json, "/name", "Second");
	CHECK_JSON(r->json, "/version", "1");
	r = tl_get("/v1/actors/a/history");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 1);
	CHECK_JSTR(r->json, "/items/0/body/name", "Second");
	CHECK_JSTR(r->json, "/items/0/op", "create");
	CHECK_JSON(tl_get("/v1/claims/c")->json, "/quote_span",
		   "{\"start\": 14, \"end\": 24}");

	/* A quote missing from its source in the same batch. */
	r = import(
		"{\"type\": \"source\", \"id\": \"s2\", \"title\": \"S\", "
		"\"text\": \"Nothing here.\"}\n"
		"{\"type\": \"claim\", \"id\": \"c2\", \"claimant\": \"a\", "
		"\"text\": \"t\", \"source\": \"s2\", \"quote\": \"bridge\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(r->json, "/errors/0/line", "2");
	CHECK_JSTR(r->json, "/errors/0/pointer", "/quote");

	/* e-old exists; the batch creates e-new inside it and moves e-old
	 * inside e-new: a cycle only seen with e-new's row in place. */
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e-old\", \"title\": \"O\", "
			  "\"kind\": \"k\", \"start\": \"2024\"}"));
	r = import("{\"type\": \"event\", \"id\": \"e-old\", \"title\": \"O\", "
		   "\"kind\": \"k\", \"start\": \"2024\", \"part_of\": "
		   "\"e-new\"}\n"
		   "{\"type\": \"event\", \"id\": \"e-new\", \"title\": \"N\", "
		   "\"kind\": \"k\", \"start\": \"2024\", \"part_of\": "
		   "\"e-old\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(r->json, "/errors/0/line", "1");
	CHECK_JSTR(r->json, "/errors/0/pointer", "/part_of");
	CHECK_STATUS(tl_get("/v1/events/e-new"), 404);
	CHECK(tl_at(tl_get("/v1/events/e-old")->json, "/part_of") &&
	      json_is_null(
		      tl_at(tl_get("/v1/events/e-old")->json, "/part_of")));
}

/* An export-like file that names ids on two lines (created, then
 * changed): the last line for each id is what the store holds, as
 * replaying the file would leave it, and importing it again changes
 * nothing and makes no new version. */
static const char twice_batch[] =
	"{\"type\": \"actor\", \"id\": \"kp\", \"name\": \"DPRK\", "
	"\"aliases\": [\"North Korea\"]}\n"
	"{\"type\": \"actor\", \"id\": \"ru\", \"name\": \"Russia\"}\n"
	"{\"type\": \"event\", \"id\": \"e1\", \"title\": \"E\", "
	"\"kind\": \"k\", \"start\": \"2024\"}\n"
	"{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": \"kp\", "
	"\"text\": \"first\"}\n"
	"{\"type\": \"claim\", \"id\": \"c2\", \"claimant\": \"ru\", "
	"\"text\": \"two\"}\n"
	"{\"type\": \"relation\", \"id\": \"r1\", \"from\": \"c1\", "
	"\"relation\": \"supports\", \"to\": \"c2\", \"note\": null}\n"
	"{\"type\": \"actor\", \"id\": \"kp\", \"name\": \"DPRK\", "
	"\"aliases\": [\"DPRK\", \"Pyongyang\"]}\n"
	"{\"type\": \"event\", \"id\": \"e1\", \"title\": \"E\", "
	"\"kind\": \"k\", \"start\": \"2024\", \"participants\": "
	"[{\"actor\": \"kp\"}]}\n"
	"{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": \"kp\", "
	"\"text\": \"second\", \"events\": [\"e1\"]}\n"
	"{\"type\": \"relation\", \"id\": \"r1\", \"from\": \"c1\", "
	"\"relation\": \"contradicts\", \"to\": \"c2\", \"note\": \"n\"}\n";

static void test_reimport_with_an_id_on_two_lines(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *kp, *c1;

	(void)srv;
	r = import(twice_batch);
	REQUIRE_STATUS(r, 200);
	/* Each line counts once: a superseded line as unchanged. */
	CHECK_SAME(r->json, tl_json("{\"lines\": 10, \"created\": 6, "
				    "\"updated\": 0, \"unchanged\": 4}"));
	kp = tl_get("/v1/actors/kp")->json;
	CHECK_JSON(kp, "/aliases", "[\"DPRK\", \"Pyongyang\"]");
	CHECK_JSON(kp, "/version", "1");
	c1 = tl_get("/v1/claims/c1")->json;
	CHECK_JSTR(c1, "/text", "second");
	CHECK_JSON(c1, "/events", "[\"e1\"]");
	CHECK_JSON(c1, "/version", "1");
	CHECK_JSON(c1, "/relations",
		   "[{\"id\": \"r1\", \"type\": \"contradicts\", \"claim\": "
		   "\"c2\", \"direction\": \"both\", \"note\": \"n\"}]");
	CHECK_JSON(tl_get("/v1/events/e1")->json, "/participants",
		   "[{\"actor\": \"kp\", \"role\": null}]");
	/* One revision per resource, one change each. */
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/actors/kp/history")->json,
					"/items")),
		  1);
	CHECK_INT(tl_count("/v1/changes"), 6);

	/* Again, and again: nothing changes, no new version. */
	for (int round = 0; round < 2; round++) {
		r = import(twice_batch);
		CHECK_STATUS(r, 200);
		CHECK_SAME(r->json,
			   tl_json("{\"lines\": 10, \"created\": 0, "
				   "\"updated\": 0, \"unchanged\": 10}"));
		CHECK_SAME(tl_get("/v1/actors/kp")->json, kp);
		CHECK_SAME(tl_get("/v1/claims/c1")->json, c1);
		CHECK_INT(tl_count("/v1/changes"), 6);
	}
	/* An earlier line for an id is still checked: a fault on it fails
	 * the import, though the last line for that id is fine. */
	r = import(
		"{\"type\": \"actor\", \"id\": \"kp\", \"name\": \"DPRK\", "
		"\"kind\": \"alien\"}\n"
		"{\"type\": \"claim\", \"id\": \"c2\", \"claimant\": "
		"\"nobody\", \"text\": \"two\"}\n"
		"{\"type\": \"actor\", \"id\": \"kp\", \"name\": \"DPRK\"}\n"
		"{\"type\": \"claim\", \"id\": \"c2\", \"claimant\": \"ru\", "
		"\"text\": \"two\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(r->json, "/errors",
		   "[{\"line\": 1, \"pointer\": \"/kind\", \"detail\": "
		   "\"must be one of: state, government, military, "
		   "organization, person, media, group, unknown\"}, "
		   "{\"line\": 2, \"pointer\": \"/claimant\", \"detail\": "
		   "\"no actor with id \\\"nobody\\\"\"}]");
	CHECK_INT(tl_count("/v1/changes"), 6);
}

/* The errors of an import answer as "line pointer" strings, sorted and
 * joined by ",", arena-owned. */
static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `n` strings (arena-owned or static) sorted and joined by ",", as an
 * arena-owned string; sorts `items` in place. */
static const char *sorted_join(const char **items, size_t n)
{
	size_t len = 0;
	char *out;

	qsort(items, n, sizeof(*items), by_text);
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 1;
	out = tl_repeat(' ', len);
	len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(out + len, "%s%s", i ? "," : "",
				       items[i]);
	return out;
}

static const char *error_set(const struct tl_resp *r)
{
	json_t *errors = tl_at(r->json, "/errors");
	size_t n = json_array_size(errors);
	const char **items = calloc(n + 1, sizeof(*items));
	const char *out;
	json_t *e;
	size_t i;

	json_array_foreach(errors, i, e) items[i] = tl_fmt(
		"%lld %s", (long long)json_integer_value(tl_at(e, "/line")),
		tl_str(e, "/pointer") ? tl_str(e, "/pointer") : "(none)");
	out = sorted_join(items, n);
	free(items);
	return out;
}

/* The same for an expected list (NULL-terminated). */
static const char *set_of(const char *const *want)
{
	size_t n = 0;
	const char **items;
	const char *out;

	while (want[n])
		n++;
	items = calloc(n + 1, sizeof(*items));
	memcpy(items, want, n * sizeof(*items));
	out = sorted_join(items, n);
	free(items);
	return out;
}

#define CHECK_ERROR_SET(r, ...)                                                \
	CHECK_STR(error_set(r),                                                \
		  set_of((const char *const[]){__VA_ARGS__, NULL}))

/* The detail of the error of `r` at line `line` and `pointer`, or NULL. */
static const char *error_detail(const struct tl_resp *r, long line,
				const char *pointer)
{
	json_t *e;
	size_t i;

	json_array_foreach(tl_at(r->json, "/errors"), i,
			   e) if (json_integer_value(tl_at(e, "/line")) ==
					  line &&
				  tl_str(e, "/pointer") &&
				  strcmp(tl_str(e, "/pointer"), pointer) ==
					  0) return tl_str(e, "/detail");
	return NULL;
}

/* A relation line's faults are named by the line's own members, the
 * missing claims by their ids, every fault at once. */
static void test_relation_line_errors(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create("/v1/claims", "{\"id\": \"c0\", \"claimant\": "
					"\"a\", \"text\": \"t\"}"));
	/* `to` names a claim that exists nowhere. */
	r = import(
		"{\"type\": \"relation\", \"id\": \"r\", \"from\": \"c0\", "
		"\"relation\": \"supports\", \"to\": \"c9\", \"note\": null}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_SET(r, "1 /to");
	CHECK_STR(error_detail(r, 1, "/to"), "no claim with id \"c9\"");

	/* `from` is a claim whose own line fails, `to` is missing: both
	 * named, with their ids. */
	r = import("{\"type\": \"claim\", \"id\": \"c1\", \"claimant\": "
		   "\"nobody\", \"text\": \"t\"}\n"
		   "{\"type\": \"relation\", \"id\": \"r\", \"from\": \"c1\", "
		   "\"relation\": \"supports\", \"to\": \"c8\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_SET(r, "1 /claimant", "2 /from", "2 /to");
	CHECK_STR(error_detail(r, 2, "/from"), "no claim with id \"c1\"");
	CHECK_STR(error_detail(r, 2, "/to"), "no claim with id \"c8\"");

	/* Every faulty member of one line; a relation to itself. */
	r = import("{\"type\": \"relation\", \"id\": \"r\", \"relation\": "
		   "\"hates\", \"to\": \"Bad Id\", \"note\": 5, \"colour\": "
		   "\"red\"}\n"
		   "{\"type\": \"relation\", \"id\": \"r2\", \"from\": \"c0\", "
		   "\"relation\": \"corrects\", \"to\": \"c0\"}\n"
		   "{\"type\": \"relation\", \"from\": 3, \"relation\": "
		   "\"supports\", \"to\": \"c0\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_SET(r, "1 /colour", "1 /from", "1 /relation", "1 /to",
			"1 /note", "2 /to", "3 /id", "3 /from");
	CHECK_STR(error_detail(r, 2, "/to"), "a claim cannot relate to itself");
	CHECK_STR(error_detail(r, 1, "/from"), "required");
	CHECK_INT(tl_count("/v1/changes"), 2);
}

/* Several bad lines, several faults on each, nested ones included: one
 * answer names them all, and nothing is written. */
static void test_every_bad_line_and_field_at_once(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = import(
		"{\"type\": \"actor\", \"id\": \"a\", \"name\": \"A\"}\n"
		"{\"type\": \"actor\", \"id\": \"b\", \"kind\": \"alien\", "
		"\"country\": \"XX\", \"colour\": 1}\n"
		"{\"type\": \"event\", \"id\": \"e\", \"title\": \"E\", "
		"\"kind\": \"k\", \"start\": \"2024-13\", \"location\": "
		"{\"country\": \"XX\"}, \"participants\": [{\"actor\": "
		"\"a\"}, {\"actor\": \"ghost\"}, {\"role\": \"r\"}]}\n"
		"{\"type\": \"claim\", \"id\": \"c\", \"claimant\": \"a\", "
		"\"text\": \"t\", \"quantity\": {\"value\": 5, \"low\": 6, "
		"\"unit\": \"\"}, \"events\": [\"e\", \"none\"]}\n"
		"{\"type\": \"actor\", \"name\": \"\", \"kind\": \"alien\"}\n"
		"{\"type\": \"source\", \"id\": \"s\", \"title\": \"S\"}\n");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_SET(r, "2 /name", "2 /kind", "2 /country", "2 /colour",
			"3 /start", "3 /location/country",
			"3 /participants/1/actor", "3 /participants/2/actor",
			"4 /quantity/unit", "4 /quantity/low", "4 /events/0",
			"4 /events/1", "5 /id", "5 /name", "5 /kind");
	CHECK_STR(error_detail(r, 3, "/participants/1/actor"),
		  "no actor with id \"ghost\"");
	CHECK_STR(error_detail(r, 4, "/events/1"), "no event with id \"none\"");
	CHECK_INT(tl_count("/v1/actors"), 0);
	CHECK_INT(tl_count("/v1/changes"), 0);
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
		TL_TEST(test_import_same_as_api_writes, TL_SERVER),
		TL_TEST(test_late_bad_line_leaves_nothing, TL_SERVER),
		TL_TEST(test_import_sees_its_own_writes, TL_SERVER),
		TL_TEST(test_reimport_with_an_id_on_two_lines, TL_SERVER),
		TL_TEST(test_relation_line_errors, TL_SERVER),
		TL_TEST(test_every_bad_line_and_field_at_once, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
