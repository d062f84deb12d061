/*
 * The demo store (`serve --demo`): everything in data/demo.ndjson is
 * served back as written, relations included; the Gerasimov claim is
 * disputed by the Ukrainian one; the condemnation's quote is located in
 * the article; and starting with --demo again on the same store adds
 * nothing.  The data file's path comes from $CLAIMLINE_DEMO_DATA.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *collection(const char *type)
{
	if (strcmp(type, "actor") == 0)
		return "/v1/actors";
	if (strcmp(type, "source") == 0)
		return "/v1/sources";
	if (strcmp(type, "event") == 0)
		return "/v1/events";
	if (strcmp(type, "claim") == 0)
		return "/v1/claims";
	return NULL;
}

/* The demo file's lines as a JSON array (arena-owned), or NULL. */
static json_t *demo_lines(void)
{
	const char *path = getenv("CLAIMLINE_DEMO_DATA");
	json_t *lines = tl_json("[]");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f = path ? fopen(path, "r") : NULL;

	if (!f) {
		tl_fail(__FILE__, __LINE__,
			"cannot read CLAIMLINE_DEMO_DATA %s",
			path ? path : "(unset)");
		return NULL;
	}
	while (getline(&line, &cap, f) > 0) {
		json_error_t err;
		json_t *v;

		n++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		v = json_loads(line, 0, &err);
		if (!v) {
			tl_fail(__FILE__, __LINE__, "demo line %d: %s", n,
				err.text);
			continue;
		}
		json_array_append_new(lines, v);
	}
	free(line);
	fclose(f);
	return lines;
}

static void test_every_demo_line_is_served(struct tl_server *srv)
{
	json_t *lines = demo_lines(), *line;
	size_t i;
	int counts[4] = {0, 0, 0, 0};
	static const char *const colls[] = {"/v1/actors", "/v1/sources",
					    "/v1/events", "/v1/claims"};

	(void)srv;
	REQUIRE(lines && json_array_size(lines) > 0);
	json_array_foreach(lines, i, line)
	{
		const char *type = tl_str(line, "/type");
		const char *coll = type ? collection(type) : NULL;
		const char *key;
		json_t *v, *got;

		if (!coll)
			continue;
		for (int c = 0; c < 4; c++)
			counts[c] += strcmp(colls[c], coll) == 0;
		got = tl_get(tl_fmt("%s/%s", coll, tl_str(line, "/id")))->json;
		if (!CHECK(got != NULL))
			continue;
		CHECK_JSON(got, "/version", "1");
		json_object_foreach(line, key, v)
		{
			if (strcmp(key, "type") == 0)
				continue;
			if (!tl_json_like(json_object_get(got, key), v))
				tl_fail(__FILE__, __LINE__,
					"%s/%s: field %s differs from the demo "
					"file",
					coll, tl_str(line, "/id"), key);
		}
	}
	for (int c = 0; c < 4; c++)
		CHECK_INT(json_array_size(tl_list_all(colls[c], 500)),
			  counts[c]);

	/* Relations, seen from both ends. */
	json_array_foreach(lines, i, line)
	{
		const char *rel = tl_str(line, "/id");
		const char *type = tl_str(line, "/relation");
		bool symmetric;

		if (!tl_str(line, "/type") ||
		    strcmp(tl_str(line, "/type"), "relation") != 0)
			continue;
		symmetric = type && (strcmp(type, "contradicts") == 0 ||
				     strcmp(type, "supports") == 0);
		for (int end = 0; end < 2; end++) {
			const char *self = tl_str(line, end ? "/to" : "/from");
			const char *other = tl_str(line, end ? "/from" : "/to");
			json_t *rels = tl_at(
				       tl_get(tl_fmt("/v1/claims/%s", self))
					       ->json,
				       "/relations"),
			       *r, *found = NULL;
			size_t j;

			json_array_foreach(rels, j, r)
			{
				const char *id = tl_str(r, "/id");

				if (id && rel && strcmp(id, rel) == 0)
					found = r;
			}
			if (!found) {
				tl_fail(__FILE__, __LINE__,
					"relation %s missing on claim %s", rel,
					self);
				continue;
			}
			CHECK_JSTR(found, "/type", type);
			CHECK_JSTR(found, "/claim", other);
			CHECK_JSTR(found, "/direction",
				   symmetric ? "both" : (end ? "in" : "out"));
			CHECK_SAME(tl_at(found, "/note"), tl_at(line, "/note"));
		}
	}
}

static void test_gerasimov_claim_is_disputed(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *claim, *rel;
	size_t i;
	bool ukrainian = false;

	(void)srv;
	CHECK_STATUS(tl_get("/v1/sources/src-nk-troops"), 200);
	CHECK_STATUS(tl_get("/v1/actors/kp-cmc"), 200);
	r = tl_get("/v1/claims?claimant=ru-gerasimov");
	REQUIRE_STATUS(r, 200);
	REQUIRE(json_array_size(tl_at(r->json, "/items")) >= 1);
	claim = tl_at(r->json, "/items/0");
	CHECK_JSON(claim, "/disputed", "true");
	json_array_foreach(tl_at(claim, "/relations"), i, rel)
	{
		const char *other = tl_str(rel, "/claim");
		const char *type = tl_str(rel, "/type");
		json_t *oc, *actor;

		if (!other || !type || strcmp(type, "contradicts") != 0)
			continue;
		CHECK_JSTR(rel, "/direction", "both");
		oc = tl_get(tl_fmt("/v1/claims/%s", other))->json;
		CHECK_JSON(oc, "/disputed", "true");
		actor = tl_get(tl_fmt("/v1/actors/%s", tl_str(oc, "/claimant")))
				->json;
		if (tl_str(actor, "/country") &&
		    strcmp(tl_str(actor, "/country"), "UA") == 0)
			ukrainian = true;
	}
	CHECK(ukrainian);
	/* The disputed filter finds exactly the two sides. */
	r = tl_get("/v1/claims?disputed=true");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 2);
}

/* Appends the UTF-8 encoding of `cp` to `out`. */
static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Code points [start, end) of UTF-8 `s`, folded as quotes are matched:
 * white-space runs to one space, typographic quotes to plain ones, ends
 * trimmed.  Arena-owned. */
static const char *fold_span(const char *s, size_t start, size_t end)
{
	size_t n = strlen(s), o = 0, cp_i = 0;
	char *out = (char *)tl_fmt("%*s", (int)n + 1, "");
	bool space = false;

	for (size_t i = 0; i < n && cp_i < end; cp_i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		int len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

		cp = len == 1 ? c : c & (0x3f >> (len - 1));
		for (int k = 1; k < len; k++)
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
		i += (size_t)len;
		if (cp_i < start)
			continue;
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		    cp == 0xa0) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		if (cp == 0x2018 || cp == 0x2019)
			cp = '\'';
		else if (cp == 0x201c || cp == 0x201d)
			cp = '"';
		o += put_utf8(out + o, cp);
	}
	out[o] = '\0';
	return out;
}

static void test_condemnation_quote_is_located(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *claim = NULL, *it;
	const char *text;
	size_t i;
	json_int_t start, end;

	(void)srv;
	r = tl_get("/v1/claims?stance=condemns&limit=500");
	REQUIRE_STATUS(r, 200);
	json_array_foreach(tl_at(r->json, "/items"), i,
			   it) if (tl_str(it, "/quote")) claim = it;
	REQUIRE(claim != NULL);
	REQUIRE(json_is_object(tl_at(claim, "/quote_span")));
	start = json_integer_value(tl_at(claim, "/quote_span/start"));
	end = json_integer_value(tl_at(claim, "/quote_span/end"));
	CHECK(start >= 0 && end > start);
	text = tl_str(tl_get(tl_fmt("/v1/sources/%s", tl_str(claim, "/source")))
			      ->json,
		      "/text");
	REQUIRE(text != NULL);
	/* The span, folded, is the quote, folded. */
	CHECK_STR(fold_span(text, (size_t)start, (size_t)end),
		  fold_span(tl_str(claim, "/quote"), 0, (size_t)-1));
	/* Claims without a quote have no span. */
	json_array_foreach(tl_at(r->json, "/items"), i,
			   it) if (!tl_str(it, "/quote"))
		CHECK_JSON(it, "/quote_span", "null");
}

static void test_second_demo_start_adds_nothing(struct tl_server *srv)
{
	static const char *const colls[] = {"/v1/actors", "/v1/sources",
					    "/v1/events", "/v1/claims"};
	struct tl_server_opts o = {.demo = true};
	json_t *before[4];

	for (int c = 0; c < 4; c++) {
		before[c] = tl_list_all(colls[c], 500);
		REQUIRE(before[c] && json_array_size(before[c]) > 0);
	}
	CHECK_INT(tl_server_stop(srv), 0);
	REQUIRE(tl_server_start(srv, &o) == 0);
	for (int c = 0; c < 4; c++) {
		json_t *after = tl_list_all(colls[c], 500);

		CHECK_INT(json_array_size(after), json_array_size(before[c]));
		if (!CHECK(json_equal(after, before[c])))
			fprintf(stderr, "    (%s changed)\n", colls[c]);
	}
	/* And a restart without --demo keeps the data. */
	CHECK_INT(tl_server_stop(srv), 0);
	REQUIRE(tl_server_start(srv, NULL) == 0);
	CHECK_INT(json_array_size(tl_list_all("/v1/claims", 500)),
		  json_array_size(before[3]));
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_every_demo_line_is_served, TL_DEMO),
		TL_TEST(test_gerasimov_claim_is_disputed, TL_DEMO),
		TL_TEST(test_condemnation_quote_is_located, TL_DEMO),
		TL_TEST(test_second_demo_start_adds_nothing, TL_DEMO),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
