/*
 * format=timelinejs (contract section 3; Knight Lab TimelineJS3 JSON):
 * one slide per timeline entry in timeline order; start_date with only the
 * parts the partial date has; display_date in words; headline and text
 * HTML-escaped; group by claimant (claims) and top event (events); unique
 * ids; a disputed claim says so; also on an event's timeline.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <string.h>

#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool make_store(void)
{
	return tl_create("/v1/actors",
			 "{\"id\": \"spk\", \"name\": \"Speaker & Co\"}") &&
	       tl_create("/v1/actors", "{\"id\": \"other\", \"name\": \"Other\"}") &&
	       tl_create("/v1/events",
			 "{\"id\": \"ev-top\", \"title\": \"Top <b>war</b>\", "
			 "\"kind\": \"k\", \"start\": \"2024\", \"end\": "
			 "\"2025-04\", \"description\": \"<script>alert(1)"
			 "</script>\"}") &&
	       tl_create("/v1/events",
			 "{\"id\": \"ev-mid\", \"title\": \"Mid\", \"kind\": "
			 "\"k\", \"start\": \"2024-06\", \"part_of\": "
			 "\"ev-top\"}") &&
	       tl_create("/v1/events",
			 "{\"id\": \"ev-low\", \"title\": \"Low\", \"kind\": "
			 "\"k\", \"start\": \"2025-04-26\", \"part_of\": "
			 "\"ev-mid\"}") &&
	       tl_create("/v1/claims",
			 "{\"id\": \"cl-time\", \"claimant\": \"spk\", \"text\": "
			 "\"<script>alert('x')</script> & more\", \"stated\": "
			 "\"2025-04-26T10:30:15Z\", \"events\": [\"ev-low\"]}") &&
	       tl_create("/v1/claims",
			 "{\"id\": \"cl-other\", \"claimant\": \"other\", "
			 "\"text\": \"No it is not\", \"stated\": \"2025-04-27\", "
			 "\"stance\": \"denies\"}") &&
	       tu_contradicts("cl-other", "cl-time", "n") != NULL &&
	       tl_create("/v1/claims",
			 "{\"id\": \"cl-plain\", \"claimant\": \"other\", "
			 "\"text\": \"Plain\", \"stated\": \"2025-05\"}");
}

/* A slide's unique_id, "" when absent. */
static const char *nz_uid(json_t *slide)
{
	const char *u = tl_str(slide, "/unique_id");

	return u ? u : "";
}

static json_t *slide_of(json_t *events, const char *uid)
{
	size_t i;
	json_t *s;

	json_array_foreach(events, i, s) {
		const char *u = tl_str(s, "/unique_id");

		if (u && strstr(u, uid))
			return s;
	}
	return NULL;
}

static void test_timelinejs_shape(struct tl_server *srv)
{
	struct tl_resp *r, *plain;
	json_t *events, *s;

	(void)srv;
	REQUIRE(make_store());
	r = tl_get("/v1/timeline?format=timelinejs&limit=500");
	REQUIRE_STATUS(r, 200);
	CHECK(json_is_object(tl_at(r->json, "/title/text")));
	events = tl_at(r->json, "/events");
	REQUIRE(json_is_array(events));
	/* One slide per entry, in timeline order. */
	plain = tl_get("/v1/timeline?limit=500");
	CHECK_INT(json_array_size(events),
		  json_array_size(tl_at(plain->json, "/items")));
	CHECK_STR(tu_keys(tl_at(plain->json, "/items")),
		  "e:ev-top,e:ev-mid,e:ev-low,c:cl-time,c:cl-other,c:cl-plain");
	{
		static const char *const order[] = {"ev-top", "ev-mid", "ev-low",
						    "cl-time", "cl-other",
						    "cl-plain"};

		for (size_t i = 0; i < N(order) && i < json_array_size(events);
		     i++)
			CHECK(strstr(nz_uid(json_array_get(events, i)), order[i]));
	}
	/* unique ids are unique. */
	for (size_t i = 0; i < json_array_size(events); i++)
		for (size_t j = i + 1; j < json_array_size(events); j++)
			CHECK(strcmp(nz_uid(json_array_get(events, i)),
				     nz_uid(json_array_get(events, j))) != 0);

	/* A year: no month, no day. */
	s = slide_of(events, "ev-top");
	REQUIRE(s);
	CHECK_JSON(s, "/start_date/year", "2024");
	CHECK(tl_at(s, "/start_date/month") == NULL);
	CHECK(tl_at(s, "/start_date/day") == NULL);
	CHECK(tl_at(s, "/start_date/hour") == NULL);
	CHECK_JSTR(s, "/display_date", "2024");
	CHECK_JSON(s, "/end_date/year", "2025");
	CHECK_JSON(s, "/end_date/month", "4");
	CHECK(tl_at(s, "/end_date/day") == NULL);
	/* The top event groups itself (by its title). */
	CHECK(tl_str(s, "/group") && strstr(tl_str(s, "/group"), "war"));
	/* Store text is escaped: no markup of the store's survives. */
	CHECK(tl_str(s, "/text/headline") &&
	      strstr(tl_str(s, "/text/headline"), "<b>") == NULL);
	CHECK(tl_str(s, "/text/headline") &&
	      strstr(tl_str(s, "/text/headline"), "&lt;b&gt;war"));
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "<script>") == NULL);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "&lt;script&gt;"));

	/* A month. */
	s = slide_of(events, "ev-mid");
	REQUIRE(s);
	CHECK_JSON(s, "/start_date/year", "2024");
	CHECK_JSON(s, "/start_date/month", "6");
	CHECK(tl_at(s, "/start_date/day") == NULL);
	CHECK_JSTR(s, "/display_date", "June 2024");
	CHECK(tl_at(s, "/end_date") == NULL);
	/* Events group by the top event of their chain. */
	CHECK_STR(tl_str(s, "/group"), tl_str(slide_of(events, "ev-top"), "/group"));

	/* A day. */
	s = slide_of(events, "ev-low");
	REQUIRE(s);
	CHECK_JSON(s, "/start_date/month", "4");
	CHECK_JSON(s, "/start_date/day", "26");
	CHECK(tl_at(s, "/start_date/hour") == NULL);
	CHECK_JSTR(s, "/display_date", "26 April 2025");
	CHECK_JSTR(s, "/text/headline", "Low");
	CHECK_STR(tl_str(s, "/group"), tl_str(slide_of(events, "ev-top"), "/group"));

	/* A time; the claim's text escaped; grouped by claimant; disputed. */
	s = slide_of(events, "cl-time");
	REQUIRE(s);
	CHECK_JSON(s, "/start_date/year", "2025");
	CHECK_JSON(s, "/start_date/month", "4");
	CHECK_JSON(s, "/start_date/day", "26");
	CHECK_JSON(s, "/start_date/hour", "10");
	CHECK_JSON(s, "/start_date/minute", "30");
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "<script>") == NULL);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"),
		     "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "Disputed"));
	CHECK(tl_str(s, "/group") && strstr(tl_str(s, "/group"), "Speaker"));
	CHECK(tl_str(s, "/text/headline") &&
	      strstr(tl_str(s, "/text/headline"), "Speaker &amp; Co"));
	s = slide_of(events, "cl-other");
	REQUIRE(s);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "Disputed"));
	CHECK_JSTR(s, "/group", "Other");
	CHECK_JSTR(s, "/display_date", "27 April 2025");
	s = slide_of(events, "cl-plain");
	REQUIRE(s);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "Disputed") == NULL);
	CHECK_JSTR(s, "/display_date", "May 2025");
	CHECK(tl_at(s, "/start_date/day") == NULL);
}

static void test_timelinejs_filters_and_event_route(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *events;

	(void)srv;
	REQUIRE(make_store());
	r = tl_get("/v1/events/ev-mid/timeline?format=timelinejs");
	REQUIRE_STATUS(r, 200);
	events = tl_at(r->json, "/events");
	CHECK_INT(json_array_size(events), 3);
	CHECK(strstr(nz_uid(json_array_get(events, 0)), "ev-mid"));
	CHECK(strstr(nz_uid(json_array_get(events, 1)), "ev-low"));
	CHECK(strstr(nz_uid(json_array_get(events, 2)), "cl-time"));
	r = tl_get("/v1/timeline?format=timelinejs&types=claim&order=desc");
	REQUIRE_STATUS(r, 200);
	events = tl_at(r->json, "/events");
	CHECK_INT(json_array_size(events), 3);
	CHECK(strstr(nz_uid(json_array_get(events, 0)), "cl-plain"));
	CHECK(strstr(nz_uid(json_array_get(events, 2)), "cl-time"));
	r = tl_get("/v1/timeline?format=timelinejs&disputed=true");
	CHECK_INT(json_array_size(tl_at(r->json, "/events")), 2);
	CHECK_BAD_PARAM("/v1/timeline?format=xml", "format");
	r = tl_get("/v1/events/nope/timeline?format=timelinejs");
	CHECK_PROBLEM(r, 404, "not-found");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_timelinejs_shape, TL_SERVER),
		TL_TEST(test_timelinejs_filters_and_event_route, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
