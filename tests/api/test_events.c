/*
 * Events (contract section 2, "Event"): required fields, date order,
 * location and participants, part_of references and cycles, deleting an
 * event that claims or sub-events refer to, and the list filters,
 * including the from/to interval overlap of partial dates (section 1).
 */
#include "tests/lib/testlib.h"

#include <string.h>

static void test_defaults_and_round_trip(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/events", "{\"title\": \"Troops sent\", \"kind\": "
				  "\"deployment\", \"start\": \"2024-10\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_KEYS(r->json, "id", "title", "kind", "start", "end", "date_text",
		   "ongoing", "status", "location", "part_of", "participants",
		   "tags", "description", "created_at", "updated_at",
		   "version");
	CHECK_JSTR(r->json, "/start", "2024-10");
	CHECK_JSON(r->json, "/end", "null");
	CHECK_JSON(r->json, "/date_text", "null");
	CHECK_JSON(r->json, "/ongoing", "null");
	CHECK_JSTR(r->json, "/status", "reported");
	CHECK_JSON(r->json, "/location", "null");
	CHECK_JSON(r->json, "/part_of", "null");
	CHECK_JSON(r->json, "/participants", "[]");
	CHECK_JSON(r->json, "/tags", "[]");
	CHECK_JSON(r->json, "/description", "null");

	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	r = tl_post(
		"/v1/events",
		"{\"id\": \"kursk-op\", \"title\": \"Operation to recapture "
		"Kursk region\", \"kind\": \"military_operation\", "
		"\"start\": \"2024-08\", \"end\": \"2025-04\", "
		"\"location\": {\"name\": \"Kursk Oblast\", \"country\": "
		"\"RU\"}, \"participants\": [{\"actor\": \"kp\", \"role\": "
		"\"deployed troops\"}], \"tags\": [\"kursk\", \"war\"], "
		"\"description\": \"d\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/location",
		   "{\"name\": \"Kursk Oblast\", \"country\": \"RU\"}");
	CHECK_JSON(r->json, "/participants",
		   "[{\"actor\": \"kp\", \"role\": \"deployed troops\"}]");
	CHECK_JSON(r->json, "/tags", "[\"kursk\", \"war\"]");
	CHECK_JSTR(r->json, "/end", "2025-04");
	CHECK_SAME(tl_get("/v1/events/kursk-op")->json, r->json);
	/* kind is free text. */
	r = tl_post("/v1/events", "{\"title\": \"t\", \"kind\": \"ceasefire "
				  "talks\", \"start\": \"2025\"}");
	CHECK_STATUS(r, 201);
	CHECK_JSTR(r->json, "/kind", "ceasefire talks");
}

static void test_validation_lists_every_field(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/events", "{\"tags\": \"kursk\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/title", "/kind", "/start", "/tags");
	r = tl_post("/v1/events", "{\"title\": \"t\", \"kind\": \"k\", "
				  "\"start\": \"2024\", \"tags\": [\"a\", 1]}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/tags/1");
	r = tl_post(
		"/v1/events",
		"{\"title\": \"t\", \"kind\": \"k\", \"start\": \"2024-13\", "
		"\"end\": \"2024-02-30\", \"location\": {\"name\": \"x\", "
		"\"country\": \"RUS\"}, \"participants\": [{\"actor\": "
		"\"nobody\", \"role\": \"r\"}], \"part_of\": \"nothing\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/start", "/end", "/location/country",
			     "/participants/0/actor", "/part_of");
	CHECK_JSON(tl_get("/v1/events")->json, "/items", "[]");
}

static void test_end_not_before_start(struct tl_server *srv)
{
	static const struct {
		const char *start, *end;
		long status;
	} cases[] = {
		{"2024-08", "2025-04", 201},
		{"2024-08", "2024-08", 201},
		{"2024-08-05", "2024-08-05", 201},
		{"2024", "2024-12-31", 201},
		{"2024-06-19T10:00:00Z", "2024-06-19T11:00:00+01:00", 201},
		{"2025-04", "2024-08", 422},
		{"2024-08-05", "2024-08-04", 422},
		{"2025", "2024-12", 422},
		{"2024-06-19T10:00:00Z", "2024-06-19T10:30:00+01:00", 422},
	};
	long created = 0;

	(void)srv;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tl_resp *r = tl_post(
			"/v1/events",
			tl_fmt("{\"title\": \"t\", \"kind\": \"k\", \"start\": "
			       "\"%s\", \"end\": \"%s\"}",
			       cases[i].start, cases[i].end));

		if (!CHECK_STATUS(r, cases[i].status))
			fprintf(stderr, "    (start %s, end %s)\n",
				cases[i].start, cases[i].end);
		if (cases[i].status == 422)
			CHECK_ERROR_AT(r, "/end");
		else
			created++;
	}
	CHECK_INT(json_array_size(tl_at(tl_get("/v1/events?limit=500")->json,
					"/items")),
		  created);
	/* A patch that moves start after end is refused too. */
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e\", \"title\": \"t\", \"kind\": \"k\", "
			  "\"start\": \"2024-01\", \"end\": \"2024-03\"}"));
	CHECK_STATUS(tl_patch("/v1/events/e", "{\"start\": \"2024-05\"}"), 422);
	CHECK_JSTR(tl_get("/v1/events/e")->json, "/start", "2024-01");
	/* Unsetting end is fine. */
	CHECK_STATUS(tl_patch("/v1/events/e",
			      "{\"start\": \"2024-05\", \"end\": null}"),
		     200);
}

static void test_part_of_and_references(struct tl_server *srv)
{
	struct tl_resp *r;
	const char *ev = "\"kind\": \"k\", \"start\": \"2024\"";

	(void)srv;
	REQUIRE(tl_create(
		"/v1/events",
		tl_fmt("{\"id\": \"war\", \"title\": \"War\", %s}", ev)));
	REQUIRE(tl_create("/v1/events",
			  tl_fmt("{\"id\": \"kursk\", \"title\": \"Kursk\", "
				 "\"part_of\": \"war\", %s}",
				 ev)));
	REQUIRE(tl_create("/v1/events",
			  tl_fmt("{\"id\": \"sudzha\", \"title\": \"Sudzha\", "
				 "\"part_of\": \"kursk\", %s}",
				 ev)));
	r = tl_patch("/v1/events/war", "{\"part_of\": \"sudzha\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/part_of");
	r = tl_patch("/v1/events/war", "{\"part_of\": \"war\"}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_JSON(tl_get("/v1/events/war")->json, "/part_of", "null");

	/* Deleting an event with sub-events names a sub-event. */
	r = tl_delete("/v1/events/kursk");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "sudzha"));

	/* ... and one with claims names a claim. */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"ua\", \"name\": \"UA\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"clm-about\", \"claimant\": \"ua\", "
			  "\"events\": [\"sudzha\"], \"text\": \"t\"}"));
	r = tl_delete("/v1/events/sudzha");
	CHECK_PROBLEM(r, 409, "conflict");
	CHECK(tl_str(r->json, "/detail") &&
	      strstr(tl_str(r->json, "/detail"), "clm-about"));
	CHECK_STATUS(tl_get("/v1/events/sudzha"), 200);
	CHECK_STATUS(tl_patch("/v1/claims/clm-about", "{\"events\": []}"), 200);
	CHECK_STATUS(tl_delete("/v1/events/sudzha"), 204);
	CHECK_STATUS(tl_delete("/v1/events/kursk"), 204);
	CHECK_STATUS(tl_get("/v1/events/kursk"), 404);

	/* A participant must be an actor that exists. */
	r = tl_post(
		"/v1/events",
		tl_fmt("{\"title\": \"t\", %s, \"participants\": [{\"actor\": "
		       "\"ua\", \"role\": \"r\"}, {\"actor\": \"ghost\", "
		       "\"role\": \"r\"}]}",
		       ev));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/participants/1/actor");
	r = tl_post("/v1/events",
		    tl_fmt("{\"title\": \"t\", %s, \"participants\": "
			   "[{\"role\": \"r\"}]}",
			   ev));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/participants/0/actor");
	r = tl_post(
		"/v1/events",
		tl_fmt("{\"title\": \"t\", %s, \"location\": \"Kursk\"}", ev));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/location");
	/* Unknown members inside nested objects are refused too. */
	r = tl_post("/v1/events",
		    tl_fmt("{\"title\": \"t\", %s, \"location\": {\"name\": "
			   "\"Kursk\", \"region\": \"x\"}, \"participants\": "
			   "[{\"actor\": \"ua\", \"role\": \"r\", \"since\": "
			   "\"2024\"}]}",
			   ev));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/location/region", "/participants/0/since");
}

/* The ids the list at `query` answers, comma-separated. */
static const char *list(const char *query)
{
	return tl_page_ids(tl_fmt("/v1/events%s", query));
}

/* date_text is the date as the source wrote it: kept verbatim, at most
 * 200 characters counted in code points (400 bytes of Cyrillic pass). */
static void test_date_text(struct tl_server *srv)
{
	struct tl_resp *r;
	char *long_text = tl_repeat('x', 201);
	char cyr[200 * 6 + 1] = "";

	(void)srv;
	for (int i = 0; i < 200; i++)
		strcat(cyr, "\\u0436"); /* JSON for ж: two bytes in UTF-8 */
	r = tl_post("/v1/events",
		    tl_fmt("{\"id\": \"e1\", \"title\": \"t\", \"kind\": "
			   "\"k\", \"start\": \"2024-12\", \"date_text\": "
			   "\"%s\"}",
			   cyr));
	CHECK_STATUS(r, 201);
	CHECK_INT(strlen(tl_str(r->json, "/date_text")), 400);
	r = tl_patch("/v1/events/e1", "{\"date_text\": \"mid-December\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(tl_get("/v1/events/e1")->json, "/date_text", "mid-December");

	/* Over 200, and not a string: each named, with the rest. */
	r = tl_post("/v1/events",
		    tl_fmt("{\"title\": \"t\", \"kind\": \"k\", \"start\": "
			   "\"2024-12\", \"date_text\": \"%s\", \"end\": 5}",
			   long_text));
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/date_text", "/end");
	r = tl_patch("/v1/events/e1", "{\"date_text\": 12}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERROR_AT(r, "/date_text");
	r = tl_patch("/v1/events/e1", "{\"date_text\": null}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/date_text", "null");
}

static void test_filters(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"ru\", \"name\": \"RU\"}"));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"e1\", \"title\": \"Kursk operation\", "
		"\"kind\": \"military_operation\", \"start\": "
		"\"2024-08\", \"end\": \"2025-04\", \"location\": "
		"{\"name\": \"Kursk\", \"country\": \"RU\"}, "
		"\"participants\": [{\"actor\": \"kp\", \"role\": "
		"\"troops\"}, {\"actor\": \"ru\", \"role\": \"lead\"}], "
		"\"tags\": [\"kursk\"]}"));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"e2\", \"title\": \"Treaty signed\", "
		"\"kind\": \"agreement\", \"start\": \"2024-06-19\", "
		"\"location\": {\"name\": \"Pyongyang\", \"country\": "
		"\"KP\"}, \"participants\": [{\"actor\": \"kp\", "
		"\"role\": \"party\"}], \"tags\": [\"treaty\"]}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e3\", \"title\": \"Year of reports\", "
			  "\"kind\": \"report\", \"start\": \"2025\", "
			  "\"part_of\": \"e1\", \"tags\": [\"kursk\", "
			  "\"treaty\"]}"));

	CHECK_STR(list(""), "e1,e2,e3");
	CHECK_STR(list("?kind=agreement"), "e2");
	CHECK_STR(list("?tag=kursk"), "e1,e3");
	CHECK_STR(list("?tag=treaty"), "e2,e3");
	CHECK_STR(list("?actor=kp"), "e1,e2");
	CHECK_STR(list("?actor=ru"), "e1");
	CHECK_STR(list("?country=KP"), "e2");
	CHECK_STR(list("?part_of=e1"), "e3");
	CHECK_STR(list("?q=TREATY"), "e2");
	CHECK_STR(list("?q=o"), "e1,e3");
	CHECK_STR(list("?tag=kursk&kind=report"), "e3");

	/* from/to: overlap of [start of start, end of end-or-start] with
	 * [start of from, end of to]. */
	CHECK_STR(list("?from=2025-04-30"), "e1,e3");
	CHECK_STR(list("?from=2025-05"), "e3");
	CHECK_STR(list("?to=2024-06"), "e2");
	CHECK_STR(list("?to=2024-06-18"), "");
	CHECK_STR(list("?from=2024-06-19&to=2024-06-19"), "e2");
	CHECK_STR(list("?from=2024-06-20&to=2024-07-31"), "");
	CHECK_STR(list("?from=2024-08-31T23:59:59Z&to=2024-08-31T23:59:59Z"),
		  "e1");
	CHECK_STR(list("?to=2024"), "e1,e2");
	CHECK_STR(list("?from=2024&to=2024"), "e1,e2");
	CHECK_STR(list("?from=2026"), "");
	CHECK_STR(list("?from=2025-12-31&to=2026-01"), "e3");

	/* Offsets count: 23:30 at -05:00 on the 19th is the 20th in UTC. */
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"e4\", \"title\": \"Late call\", \"kind\": "
		"\"statement\", \"start\": "
		"\"2023-06-19T23:30:00-05:00\"}"));
	CHECK_STR(list("?from=2023-06-20&to=2023-06-20"), "e4");
	CHECK_STR(list("?from=2023-06-19&to=2023-06-19"), "");
	CHECK_STR(list("?from=2023-06-20T04:30:00Z&to=2023-06-20T04:30:00Z"),
		  "e4");
	CHECK_STR(list("?to=2023-06-20T04:29:59Z"), "");

	CHECK_BAD_PARAM("/v1/events?from=2024-13", "from");
	CHECK_BAD_PARAM("/v1/events?to=yesterday", "to");
	CHECK_BAD_PARAM("/v1/events?stance=asserts", "stance");
}

/* Section 6: status (reported by default) and ongoing, checked with the
 * other fields (every error at once), filtered, carried by export and
 * import. */
static void test_status_and_ongoing(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	r = tl_post("/v1/events",
		    "{\"id\": \"kursk\", \"title\": \"Kursk fighting\", "
		    "\"kind\": \"military_operation\", \"start\": "
		    "\"2024-08\", \"ongoing\": true, \"status\": "
		    "\"confirmed\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/ongoing", "true");
	CHECK_JSTR(r->json, "/status", "confirmed");
	CHECK_JSON(r->json, "/end", "null");
	CHECK_SAME(tl_get("/v1/events/kursk")->json, r->json);
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"raid\", \"title\": \"Raid\", "
			  "\"kind\": \"military_operation\", \"start\": "
			  "\"2024-09\", \"end\": \"2024-10\", \"status\": "
			  "\"alleged\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"talks\", \"title\": \"Talks\", "
			  "\"kind\": \"diplomatic\", \"start\": "
			  "\"2025-07\", \"ongoing\": false}"));

	/* Every problem at once: an unknown status, a non-boolean
	 * ongoing, and (separately) ongoing with an end. */
	r = tl_post("/v1/events",
		    "{\"title\": \"t\", \"kind\": \"k\", \"start\": "
		    "\"2024\", \"status\": \"rumoured\", \"ongoing\": "
		    "\"yes\", \"tags\": [1]}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/status", "/ongoing", "/tags/0");
	r = tl_post("/v1/events",
		    "{\"title\": \"t\", \"kind\": \"k\", \"start\": "
		    "\"2024\", \"end\": \"2025\", \"ongoing\": true}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/ongoing");
	r = tl_patch("/v1/events/raid", "{\"ongoing\": true}");
	CHECK_PROBLEM(r, 422, "validation-failed");
	CHECK_ERRORS_EXACTLY(r, "/ongoing");
	CHECK_JSON(tl_get("/v1/events/raid")->json, "/ongoing", "null");

	CHECK_STR(list("?status=confirmed"), "kursk");
	CHECK_STR(list("?status=alleged"), "raid");
	CHECK_STR(list("?status=reported"), "talks");
	CHECK_STR(list("?status=alleged&kind=diplomatic"), "");
	CHECK_BAD_PARAM("/v1/events?status=rumoured", "status");

	/* An ongoing event runs open-ended: a later `from` keeps it, a `to`
	 * before its start does not. */
	CHECK_STR(list("?from=2025-06"), "kursk,talks");
	CHECK_STR(list("?from=2099"), "kursk");
	CHECK_STR(list("?from=2025-06&to=2025-06"), "kursk");
	CHECK_STR(list("?to=2024-07"), "");
	CHECK_STR(list("?from=2024-11&status=confirmed"), "kursk");
	/* Once it has ended, the end counts again. */
	r = tl_patch("/v1/events/kursk",
		     "{\"ongoing\": null, \"end\": \"2025-04\"}");
	REQUIRE_STATUS(r, 200);
	CHECK_STR(list("?from=2025-06"), "talks");
	r = tl_patch("/v1/events/kursk", "{\"ongoing\": true, \"end\": null}");
	REQUIRE_STATUS(r, 200);
	CHECK_STR(list("?from=2025-06"), "kursk,talks");

	/* Export carries both; importing the line back restores them. */
	static const char export_req[] =
		"GET /v1/export HTTP/1.1\r\n"
		"Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
	r = tl_raw(export_req, strlen(export_req), 30000);
	REQUIRE_STATUS(r, 200);
	const char *line = strstr(r->body, "\"id\":\"kursk\"");
	REQUIRE(line);
	while (line > r->body && line[-1] != '\n')
		line--;
	const char *nl = strchr(line, '\n');
	const char *one = tl_fmt(
		"%.*s\n", (int)(nl ? nl - line : (long)strlen(line)), line);
	CHECK(strstr(one, "\"ongoing\":true") != NULL);
	CHECK(strstr(one, "\"status\":\"confirmed\"") != NULL);
	REQUIRE_STATUS(tl_delete("/v1/events/kursk"), 204);
	r = tl_request("POST", "/v1/import", "application/x-ndjson", one, -1,
		       NULL);
	REQUIRE_STATUS(r, 200);
	r = tl_get("/v1/events/kursk");
	REQUIRE_STATUS(r, 200);
	CHECK_JSON(r->json, "/ongoing", "true");
	CHECK_JSTR(r->json, "/status", "confirmed");
	CHECK_STR(list("?from=2099&status=confirmed"), "kursk");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_defaults_and_round_trip, TL_SERVER),
		TL_TEST(test_validation_lists_every_field, TL_SERVER),
		TL_TEST(test_end_not_before_start, TL_SERVER),
		TL_TEST(test_part_of_and_references, TL_SERVER),
		TL_TEST(test_date_text, TL_SERVER),
		TL_TEST(test_filters, TL_SERVER),
		TL_TEST(test_status_and_ongoing, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
