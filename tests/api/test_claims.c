/*
 * Claims (contract section 2, "Claim"): defaults and computed fields,
 * references to actors, events and sources, stance and verdict enums,
 * quantity bounds, quotes checked against the source text with their
 * quote_span in code points, and the list filters, including from/to on
 * `stated` or else the source's `published`.
 */
#include "tests/lib/testlib.h"

#include <stdlib.h>
#include <string.h>

/* Makes the actors, events and sources most tests refer to. */
static bool fixtures(void)
{
	return tl_create("/v1/actors",
			 "{\"id\": \"kp\", \"name\": \"DPRK\"}") &&
	       tl_create("/v1/actors",
			 "{\"id\": \"ru\", \"name\": \"Russia\"}") &&
	       tl_create("/v1/actors", "{\"id\": \"kcna\", \"name\": \"KCNA\", "
				       "\"kind\": \"media\"}") &&
	       tl_create(
		       "/v1/events",
		       "{\"id\": \"kursk-op\", \"title\": \"Kursk\", \"kind\": "
		       "\"military_operation\", \"start\": \"2024-08\"}") &&
	       tl_create(
		       "/v1/events",
		       "{\"id\": \"treaty\", \"title\": \"Treaty\", \"kind\": "
		       "\"agreement\", \"start\": \"2024-06-19\"}") &&
	       tl_create("/v1/sources",
			 "{\"id\": \"s-dated\", \"title\": \"Dated\", "
			 "\"published\": \"2025-04-28\"}") &&
	       tl_create("/v1/sources",
			 "{\"id\": \"s-undated\", \"title\": \"Undated\"}");
}

/* True when errors[] has an entry whose pointer starts with `prefix`. */
static bool error_under(const struct tl_resp *r, const char *prefix)
{
	json_t *errors = tl_at(r->json, "/errors"), *e;
	size_t i;

	json_array_foreach(errors, i, e)
	{
		const char *p = tl_str(e, "/pointer");

		if (p && strncmp(p, prefix, strlen(prefix)) == 0)
			return true;
	}
	return false;
}

static void test_defaults_and_computed_fields(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_KEYS(r->json, "id", "claimant", "events", "stated", "date_text",
		   "stance", "text", "quote", "source", "via", "quantity",
		   "verdict", "quote_span", "disputed", "relations",
		   "created_at", "updated_at", "version");
	CHECK_JSTR(r->json, "/stance", "asserts");
	CHECK_JSON(r->json, "/events", "[]");
	CHECK_JSON(r->json, "/stated", "null");
	CHECK_JSON(r->json, "/date_text", "null");
	CHECK_JSON(r->json, "/quote", "null");
	CHECK_JSON(r->json, "/source", "null");
	CHECK_JSON(r->json, "/via", "null");
	CHECK_JSON(r->json, "/quantity", "null");
	CHECK_JSON(r->json, "/verdict", "null");
	CHECK_JSON(r->json, "/quote_span", "null");
	CHECK_JSON(r->json, "/disputed", "false");
	CHECK_JSON(r->json, "/relations", "[]");

	r = tl_post("/v1/claims",
		    "{\"id\": \"clm-full\", \"claimant\": \"kp\", \"events\": "
		    "[\"kursk-op\", \"treaty\"], \"stated\": \"2025-04-28\", "
		    "\"stance\": \"asserts\", \"text\": \"Troops were sent.\", "
		    "\"source\": \"s-dated\", \"via\": \"kcna\", \"verdict\": "
		    "\"mostly_true\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/events", "[\"kursk-op\", \"treaty\"]");
	CHECK_JSTR(r->json, "/stated", "2025-04-28");
	CHECK_JSTR(r->json, "/source", "s-dated");
	CHECK_JSTR(r->json, "/via", "kcna");
	CHECK_JSTR(r->json, "/verdict", "mostly_true");
	CHECK_SAME(tl_get("/v1/claims/clm-full")->json, r->json);
	/* null unsets an array: it reads back as []. */
	r = tl_patch("/v1/claims/clm-full", "{\"events\": null}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/events", "[]");
	/* Dates come back exactly as given. */
	r = tl_patch("/v1/claims/clm-full",
		     "{\"stated\": \"2025-04-26T09:30:00.5+03:00\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/stated", "2025-04-26T09:30:00.5+03:00");
	CHECK_JSTR(tl_get("/v1/claims/clm-full")->json, "/stated",
		   "2025-04-26T09:30:00.5+03:00");
}

static void test_references_all_reported(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"ghost\", \"events\": [\"kursk-op\", "
		    "\"no-event\"], \"source\": \"no-source\", \"via\": "
		    "\"no-actor\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/claimant", "/events/1", "/source", "/via",
			     "/text");
	/* Ids of the wrong type do not count: an event is not an actor. */
	r = tl_post("/v1/claims", "{\"claimant\": \"kursk-op\", \"text\": "
				  "\"t\", \"source\": \"kp\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/claimant", "/source");
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\", "
				  "\"events\": \"kursk-op\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/events");
	CHECK_JSON(tl_get("/v1/claims")->json, "/items", "[]");

	/* A rejected patch with a bad reference changes nothing. */
	REQUIRE(tl_create("/v1/claims", "{\"id\": \"c\", \"claimant\": \"kp\", "
					"\"text\": \"t\"}"));
	r = tl_patch("/v1/claims/c", "{\"claimant\": \"ghost\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/claimant");
	r = tl_get("/v1/claims/c");
	CHECK_JSTR(r->json, "/claimant", "kp");
	CHECK_JSON(r->json, "/version", "1");
}

static void test_stance_and_verdict_enums(struct tl_server *srv)
{
	static const char *const stances[] = {"asserts", "denies", "estimates",
					      "condemns", "withholds"};
	static const char *const verdicts[] = {"true",	"mostly_true",
					       "mixed", "mostly_false",
					       "false", "unverifiable"};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	for (size_t i = 0; i < sizeof(stances) / sizeof(stances[0]); i++) {
		r = tl_post("/v1/claims",
			    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
				   "\"stance\": \"%s\"}",
				   stances[i]));
		CHECK_STATUS(r, 201);
		CHECK_JSTR(r->json, "/stance", stances[i]);
	}
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		r = tl_post("/v1/claims",
			    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
				   "\"verdict\": \"%s\"}",
				   verdicts[i]));
		CHECK_STATUS(r, 201);
		CHECK_JSTR(r->json, "/verdict", verdicts[i]);
	}
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\", "
				  "\"stance\": \"maybe\", \"verdict\": true}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/stance", "/verdict");
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\", "
				  "\"stance\": \"Asserts\", \"verdict\": "
				  "\"TRUE\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/stance", "/verdict");
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\", "
				  "\"stated\": \"2024-02-30\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/stated");
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/claims?limit=500")->json,
					"/items")),
		  11);
}

static void test_quantity_bounds(struct tl_server *srv)
{
	static const char *const good[] = {
		"{\"value\": 11000, \"low\": 10000, \"high\": 12000, \"unit\": "
		"\"troops\", \"approximate\": true}",
		"{\"unit\": \"troops\"}",
		"{\"value\": 5, \"low\": 5, \"high\": 5, \"unit\": \"t\"}",
		"{\"low\": 100, \"unit\": \"casualties\"}",
		"{\"low\": 1, \"high\": 2, \"unit\": \"t\"}",
		"{\"value\": 2.5, \"unit\": \"km\", \"approximate\": false}",
	};
	static const struct {
		const char *q, *pointer;
	} bad[] = {
		{"{\"value\": 9, \"low\": 10, \"unit\": \"t\"}", "/quantity"},
		{"{\"value\": 13, \"high\": 12, \"unit\": \"t\"}", "/quantity"},
		{"{\"low\": 3, \"high\": 2, \"unit\": \"t\"}", "/quantity"},
		{"{\"value\": 1, \"low\": 2, \"high\": 0, \"unit\": \"t\"}",
		 "/quantity"},
		{"{\"value\": \"11000\", \"unit\": \"t\"}", "/quantity/value"},
		{"{\"value\": 1, \"unit\": \"t\", \"approximate\": \"yes\"}",
		 "/quantity/approximate"},
		{"{\"value\": 1, \"unit\": \"t\", \"bogus\": 1}",
		 "/quantity/bogus"},
		{"{\"value\": 1}", "/quantity/unit"},
		{"{\"value\": 1, \"unit\": 5}", "/quantity/unit"},
		{"11000", "/quantity"},
	};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = tl_post(
			"/v1/claims",
			tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
			       "\"stance\": \"estimates\", \"quantity\": %s}",
			       good[i]));
		if (!CHECK_STATUS(r, 201))
			continue;
		CHECK_JSON_LIKE(r->json, "/quantity", good[i]);
		CHECK_JSON_LIKE(
			tl_get(tl_fmt("/v1/claims/%s", tl_str(r->json, "/id")))
				->json,
			"/quantity", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tl_post("/v1/claims",
			    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
				   "\"quantity\": %s}",
				   bad[i].q));
		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (quantity %s)\n", bad[i].q);
		if (!error_under(r, bad[i].pointer))
			tl_fail(__FILE__, __LINE__,
				"quantity %s: no error at or under %s: %s",
				bad[i].q, bad[i].pointer, r->body);
	}
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/claims?limit=500")->json,
					"/items")),
		  sizeof(good) / sizeof(good[0]));

	/* A patch that breaks the bounds is refused; null unsets. */
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"q\", \"claimant\": \"kp\", \"text\": \"t\", "
		"\"quantity\": {\"value\": 5, \"low\": 4, \"unit\": "
		"\"t\"}}"));
	r = tl_patch("/v1/claims/q", "{\"quantity\": {\"low\": 6}}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK(error_under(r, "/quantity"));
	r = tl_patch("/v1/claims/q", "{\"quantity\": {\"high\": 9}}");
	CHECK_STATUS(r, 200);
	CHECK_JSON_LIKE(r->json, "/quantity",
			"{\"value\": 5, \"low\": 4, \"high\": 9, \"unit\": "
			"\"t\"}");
	r = tl_patch("/v1/claims/q", "{\"quantity\": null}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/quantity", "null");
}

/* quantity.measure is a slug; a quantity may give no number at all (a
 * withholds claim naming the figure it declined to give); date_text is
 * kept as written, up to 200 code points.  Every fault in one answer. */
static void test_measure_withheld_and_date_text(struct tl_server *srv)
{
	static const char *const good_measures[] = {
		"troops_deployed",
		"casualties",
		"a",
		"towns_taken2",
		/* 64: the longest */
		"m123456789012345678901234567890123456789012345678901234567890123",
	};
	static const char *const bad_measures[] = {
		"Troops",
		"2troops",
		"_x",
		"troops-killed",
		"troops killed",
		"é",
		"trööps",
		/* 65 */
		"m1234567890123456789012345678901234567890123456789012345678901234",
	};
	struct tl_resp *r;
	char *long_text = tl_repeat('x', 201);

	(void)srv;
	REQUIRE(fixtures());
	for (size_t i = 0; i < sizeof(good_measures) / sizeof(*good_measures);
	     i++) {
		const char *q = tl_fmt("{\"value\": 11000, \"unit\": "
				       "\"troops\", \"measure\": \"%s\"}",
				       good_measures[i]);
		r = tl_post("/v1/claims",
			    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
				   "\"quantity\": %s}",
				   q));
		if (CHECK_STATUS(r, 201))
			CHECK_JSON_LIKE(r->json, "/quantity", q);
	}
	for (size_t i = 0; i < sizeof(bad_measures) / sizeof(*bad_measures);
	     i++) {
		r = tl_post("/v1/claims",
			    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
				   "\"quantity\": {\"unit\": \"t\", "
				   "\"measure\": \"%s\"}}",
				   bad_measures[i]));
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_ERRORS_EXACTLY(r, "/quantity/measure");
	}

	/* Declined to give the figure: measure and unit, no number. */
	r = tl_post("/v1/claims",
		    "{\"id\": \"w\", \"claimant\": \"ru\", \"text\": \"The "
		    "ministry would not say how many died.\", \"stance\": "
		    "\"withholds\", \"stated\": \"2024-12\", \"date_text\": "
		    "\"mid-December\", \"quantity\": {\"unit\": \"soldiers\", "
		    "\"measure\": \"troops_killed\"}}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON_LIKE(r->json, "/quantity",
			"{\"unit\": \"soldiers\", \"measure\": "
			"\"troops_killed\"}");
	CHECK_JSTR(r->json, "/date_text", "mid-December");
	r = tl_get("/v1/claims/w");
	CHECK_JSTR(r->json, "/quantity/measure", "troops_killed");
	CHECK_JSON(r->json, "/quantity/value", "null");
	CHECK_JSTR(r->json, "/date_text", "mid-December");

	/* Patched inside the quantity; a bad slug changes nothing. */
	r = tl_patch("/v1/claims/w",
		     "{\"quantity\": {\"measure\": \"casualties\"}}");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/quantity/measure", "casualties");
	CHECK_JSTR(r->json, "/quantity/unit", "soldiers");
	r = tl_patch("/v1/claims/w",
		     "{\"quantity\": {\"measure\": \"Casualties\"}}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/quantity/measure");
	CHECK_JSTR(tl_get("/v1/claims/w")->json, "/quantity/measure",
		   "casualties");

	/* 200 code points of Korean (600 bytes) pass; 201 do not. */
	r = tl_patch("/v1/claims/w",
		     tl_fmt("{\"date_text\": \"%s\"}", tl_repeat('x', 200)));
	CHECK_STATUS(r, 200);
	{
		char ko[200 * 3 + 1] = "";
		for (int i = 0; i < 200; i++)
			strcat(ko, "\xea\xb0\x80"); /* 가 */
		r = tl_patch("/v1/claims/w",
			     tl_fmt("{\"date_text\": \"%s\"}", ko));
		CHECK_STATUS(r, 200);
		CHECK_JSTR(r->json, "/date_text", ko);
	}

	/* Every fault at once, nested pointers included. */
	r = tl_post("/v1/claims",
		    tl_fmt("{\"claimant\": \"kp\", \"text\": \"t\", "
			   "\"date_text\": \"%s\", \"quantity\": {\"low\": 3, "
			   "\"high\": 2, \"unit\": \"t\", \"measure\": \"X\"}}",
			   long_text));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/date_text", "/quantity/high",
			     "/quantity/measure");
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"kp\", \"text\": \"t\", \"date_text\": "
		    "\"\", \"quantity\": {\"unit\": \"t\", \"measure\": 7}}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/date_text", "/quantity/measure");
}

/* Cyrillic and Korean before the quote make code points and bytes
 * differ; the quote is typed with straight quotes and single spaces. */
#define SOURCE_TEXT                                                                       \
	"Пхеньян, 28 апреля. 조선 The Central Military Commission said:  " \
	"\\u201cThe  heroic\\n\\tunits of the KPA\\u201d have "                           \
	"\\u2018liberated\\u2019 Kursk. The end."

static void test_quote_span_in_code_points(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	REQUIRE(tl_create(
		"/v1/sources",
		"{\"id\": \"s-text\", \"title\": \"KCNA\", \"text\": \"" SOURCE_TEXT
		"\"}"));
	r = tl_post(
		"/v1/claims",
		"{\"id\": \"clm-q\", \"claimant\": \"kp\", \"text\": \"t\", "
		"\"source\": \"s-text\", \"quote\": \"said: \\\"The heroic "
		"units of the KPA\\\" have 'liberated'\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 55, \"end\": 110}");
	CHECK_JSTR(r->json, "/quote",
		   "said: \"The heroic units of the KPA\" have 'liberated'");
	CHECK_JSON(tl_get("/v1/claims/clm-q")->json, "/quote_span",
		   "{\"start\": 55, \"end\": 110}");

	/* Leading and trailing white space of the quote is ignored. */
	r = tl_patch("/v1/claims/clm-q", "{\"quote\": \"  The end. \"}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 118, \"end\": 126}");

	/* Not in the text: 422 at /quote, and the claim is unchanged. */
	r = tl_patch("/v1/claims/clm-q",
		     "{\"quote\": \"The heroic units of the army\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/quote");
	r = tl_get("/v1/claims/clm-q");
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 118, \"end\": 126}");
	CHECK_JSON(r->json, "/version", "2");
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"kp\", \"text\": \"t\", \"source\": "
		    "\"s-text\", \"quote\": \"liberated Kharkiv\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/quote");

	/* Moving the claim to a source without the words is refused too. */
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s-other\", \"title\": "
			  "\"o\", \"text\": \"Nothing here.\"}"));
	r = tl_patch("/v1/claims/clm-q", "{\"source\": \"s-other\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/quote");
	CHECK_JSTR(tl_get("/v1/claims/clm-q")->json, "/source", "s-text");

	/* Unsetting the quote unsets the span. */
	r = tl_patch("/v1/claims/clm-q", "{\"quote\": null}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/quote_span", "null");

	/* A quote found twice is placed at its first occurrence; curly
	 * quotes in the quote match straight ones in the text. */
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s-twice\", \"title\": \"t\", \"text\": "
			  "\"He said 'no'. Later he said 'no' again.\"}"));
	r = tl_post("/v1/claims",
		    "{\"id\": \"clm-twice\", \"claimant\": \"kp\", \"text\": "
		    "\"t\", \"source\": \"s-twice\", \"quote\": "
		    "\"said \\u2018no\\u2019\"}");
	CHECK_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 3, \"end\": 12}");
	/* PUT computes the span afresh. */
	r = tl_put("/v1/claims/clm-twice",
		   "{\"claimant\": \"kp\", \"text\": \"t\", \"source\": "
		   "\"s-twice\", \"quote\": \"no' again\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 29, \"end\": 38}");

	/* Verbatim: case matters. */
	r = tl_patch("/v1/claims/clm-twice", "{\"quote\": \"SAID 'NO'\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/quote");
	/* A no-break space is white space too. */
	REQUIRE(tl_create("/v1/sources",
			  "{\"id\": \"s-nbsp\", \"title\": \"t\", \"text\": "
			  "\"Kim\\u00a0Jong\\u00a0Un said so.\"}"));
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"kp\", \"text\": \"t\", \"source\": "
		    "\"s-nbsp\", \"quote\": \"Kim Jong Un said\"}");
	CHECK_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 0, \"end\": 16}");

	/* A source without text cannot be checked: no span, no error. */
	r = tl_post("/v1/claims",
		    "{\"claimant\": \"kp\", \"text\": \"t\", \"source\": "
		    "\"s-dated\", \"quote\": \"anything at all\"}");
	CHECK_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "null");
	r = tl_post("/v1/claims", "{\"claimant\": \"kp\", \"text\": \"t\", "
				  "\"quote\": \"no source\"}");
	CHECK_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "null");
}

/* The ids the list at `query` answers, comma-separated. */
static const char *list(const char *query)
{
	return tl_page_ids(tl_fmt("/v1/claims%s", query));
}

static void test_filters(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"kp\", \"events\": "
		"[\"kursk-op\"], \"stated\": \"2024-10\", \"source\": "
		"\"s-dated\", \"text\": \"Troops sent to Kursk\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"c2\", \"claimant\": \"ru\", \"stance\": "
			  "\"denies\", \"source\": \"s-dated\", \"verdict\": "
			  "\"false\", \"text\": \"No TROOPS were sent\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c3\", \"claimant\": \"ru\", \"stance\": "
		"\"estimates\", \"source\": \"s-undated\", \"verdict\": "
		"\"mostly_true\", \"text\": \"About 11000\", "
		"\"quantity\": {\"value\": 11000, \"unit\": \"troops\"}}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c4\", \"claimant\": \"kp\", \"events\": "
		"[\"kursk-op\", \"treaty\"], \"stated\": \"2025-04-26\", "
		"\"stance\": \"condemns\", \"via\": \"kcna\", \"text\": "
		"\"We condemn it\"}"));

	CHECK_STR(list(""), "c1,c2,c3,c4");
	CHECK_STR(list("?claimant=kp"), "c1,c4");
	CHECK_STR(list("?claimant=kcna"), "");
	CHECK_STR(list("?event=kursk-op"), "c1,c4");
	CHECK_STR(list("?event=treaty"), "c4");
	CHECK_STR(list("?source=s-dated"), "c1,c2");
	CHECK_STR(list("?stance=denies"), "c2");
	CHECK_STR(list("?stance=asserts"), "c1");
	CHECK_STR(list("?verdict=false"), "c2");
	CHECK_STR(list("?verdict=mostly_true"), "c3");
	CHECK_STR(list("?disputed=false"), "c1,c2,c3,c4");
	CHECK_STR(list("?disputed=true"), "");
	CHECK_STR(list("?q=troops"), "c1,c2");
	CHECK_STR(list("?q=condemn"), "c4");
	CHECK_STR(list("?claimant=ru&stance=estimates"), "c3");
	/* from/to on `stated`, else the source's `published` (c2: 2025-04-28);
	 * c3 has neither and no range matches it. */
	CHECK_STR(list("?from=2025"), "c2,c4");
	CHECK_STR(list("?to=2024"), "c1");
	CHECK_STR(list("?to=2024-10-01"), "c1");
	CHECK_STR(list("?to=2024-09"), "");
	CHECK_STR(list("?from=2025-04-27"), "c2");
	CHECK_STR(list("?from=2025-04-26&to=2025-04-26"), "c4");
	CHECK_STR(list("?from=1900"), "c1,c2,c4");
	CHECK_STR(list("?to=2100"), "c1,c2,c4");
	/* A stated date wins over the source's date. */
	CHECK_STR(list("?from=2025-04-28&to=2025-04-28"), "c2");

	r = tl_get("/v1/claims?stance=maybe&disputed=perhaps&verdict=nah");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_PARAM_AT(r, "stance");
	CHECK_PARAM_AT(r, "disputed");
	CHECK_PARAM_AT(r, "verdict");
	CHECK_BAD_PARAM("/v1/claims?from=2024-02-30", "from");
}

static void test_delete_claim_frees_references(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(fixtures());
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"c\", \"claimant\": \"ru\", \"events\": "
			  "[\"treaty\"], \"source\": \"s-undated\", \"text\": "
			  "\"t\"}"));
	CHECK_STATUS(tl_delete("/v1/actors/ru"), 409);
	r = tl_delete("/v1/claims/c");
	CHECK_STATUS(r, 204);
	CHECK_INT(r->body_len, 0);
	CHECK_STATUS(tl_get("/v1/claims/c"), 404);
	CHECK_STR(list(""), "");
	CHECK_STR(list("?claimant=ru"), "");
	CHECK_STATUS(tl_delete("/v1/actors/ru"), 204);
	CHECK_STATUS(tl_delete("/v1/events/treaty"), 204);
	CHECK_STATUS(tl_delete("/v1/sources/s-undated"), 204);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_defaults_and_computed_fields, TL_SERVER),
		TL_TEST(test_references_all_reported, TL_SERVER),
		TL_TEST(test_stance_and_verdict_enums, TL_SERVER),
		TL_TEST(test_quantity_bounds, TL_SERVER),
		TL_TEST(test_measure_withheld_and_date_text, TL_SERVER),
		TL_TEST(test_quote_span_in_code_points, TL_SERVER),
		TL_TEST(test_filters, TL_SERVER),
		TL_TEST(test_delete_claim_frees_references, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
