/*
 * The TimelineJS documents (contract section 3; Knight Lab TimelineJS3
 * JSON), at GET /v1/timelinejs and /v1/events/{id}/timelinejs and for
 * format=timelinejs on the timelines: one slide per timeline entry in
 * timeline order; start_date with only the parts the partial date has;
 * display_date in words; headline and text HTML-escaped once, group
 * labels twice (the viewer decodes them before innerHTML), autolink off;
 * group by claimant (claims) and top event (events); unique ids; a
 * disputed claim names who contradicts it, a figure is written out, no
 * raw id shows.  tests/web/timelinejs.test.mjs renders these in the
 * viewer itself.
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
	       tl_create("/v1/actors",
			 "{\"id\": \"other\", \"name\": \"Other\"}") &&
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
	       tl_create(
		       "/v1/claims",
		       "{\"id\": \"cl-time\", \"claimant\": \"spk\", \"text\": "
		       "\"<script>alert('x')</script> & more\", \"stated\": "
		       "\"2025-04-26T10:30:15Z\", \"events\": [\"ev-low\"]}") &&
	       tl_create(
		       "/v1/claims",
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

	json_array_foreach(events, i, s)
	{
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
		static const char *const order[] = {"ev-top",	"ev-mid",
						    "ev-low",	"cl-time",
						    "cl-other", "cl-plain"};

		for (size_t i = 0; i < N(order) && i < json_array_size(events);
		     i++)
			CHECK(strstr(nz_uid(json_array_get(events, i)),
				     order[i]));
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
	CHECK_JSTR(s, "/start_date/display_date", "2024");
	CHECK_JSTR(s, "/display_date", "2024 \xe2\x80\x93 April 2025");
	CHECK_JSTR(s, "/end_date/display_date", "April 2025");
	CHECK_JSON(s, "/end_date/year", "2025");
	CHECK_JSON(s, "/end_date/month", "4");
	CHECK(tl_at(s, "/end_date/day") == NULL);
	/* The top event groups itself (by its title), escaped twice: the
	 * viewer decodes a label once before it sets innerHTML. */
	CHECK_JSTR(s, "/group", "Top &amp;lt;b&amp;gt;war&amp;lt;/b&amp;gt;");
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
	CHECK_STR(tl_str(s, "/group"),
		  tl_str(slide_of(events, "ev-top"), "/group"));

	/* A day. */
	s = slide_of(events, "ev-low");
	REQUIRE(s);
	CHECK_JSON(s, "/start_date/month", "4");
	CHECK_JSON(s, "/start_date/day", "26");
	CHECK(tl_at(s, "/start_date/hour") == NULL);
	CHECK_JSTR(s, "/display_date", "26 April 2025");
	CHECK_JSTR(s, "/text/headline", "Low");
	CHECK_STR(tl_str(s, "/group"),
		  tl_str(slide_of(events, "ev-top"), "/group"));

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
	CHECK_JSTR(s, "/group", "Speaker &amp;amp; Co");
	/* Who contradicts it, by name: never a claim's id. */
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "contradicted by Other."));
	CHECK(tl_str(s, "/text/headline") &&
	      strstr(tl_str(s, "/text/headline"), "Speaker &amp; Co"));
	s = slide_of(events, "cl-other");
	REQUIRE(s);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "Disputed"));
	CHECK_JSTR(s, "/group", "Other");
	CHECK_JSTR(s, "/display_date", "27 April 2025");
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"),
		     "contradicted by Speaker &amp; Co."));
	s = slide_of(events, "cl-plain");
	REQUIRE(s);
	CHECK(tl_str(s, "/text/text") &&
	      strstr(tl_str(s, "/text/text"), "Disputed") == NULL);
	CHECK_JSTR(s, "/display_date", "May 2025");
	CHECK(tl_at(s, "/start_date/day") == NULL);

	/* The viewer never autolinks: linkify() would build attributes
	 * from store text. */
	CHECK_JSON(r->json, "/title/autolink", "false");
	for (size_t i = 0; i < json_array_size(events); i++)
		CHECK_JSON(json_array_get(events, i), "/autolink", "false");
	/* No raw claim id in any slide's text. */
	CHECK(strstr(r->body, "claim cl-") == NULL);
	CHECK(strstr(r->body, "by cl-") == NULL);
}

/* The viewer's treatment, field by field, on a name made of markup. */
static void test_timelinejs_encoding(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *events, *s;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"evil\", \"name\": \"<svg onload=x()> "
			  "&lt;img src=x onerror=y()&gt; 'q' \\\"d\\\"\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev\", \"title\": \"<img src=x "
			  "onerror=z()>\", \"kind\": \"k\", \"start\": "
			  "\"2024-01-02T03:04:05+01:00\", \"location\": "
			  "{\"name\": \"www.x.test'/onfocus='f()'\"}}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"evil\", "
		"\"stated\": \"2024-02\", \"text\": \"&amp;lt;b&amp;gt;\", "
		"\"events\": [\"ev\"]}"));
	r = tl_get("/v1/timelinejs");
	REQUIRE_STATUS(r, 200);
	events = tl_at(r->json, "/events");
	REQUIRE(json_array_size(events) == 2);
	/* group: escaped twice. */
	s = slide_of(events, "claim-c1");
	REQUIRE(s);
	CHECK_JSTR(s, "/group",
		   "&amp;lt;svg onload=x()&amp;gt; &amp;amp;lt;img src=x "
		   "onerror=y()&amp;amp;gt; &amp;#39;q&amp;#39; "
		   "&amp;quot;d&amp;quot;");
	/* headline and text: escaped once (DOMPurify keeps a text node
	 * text). */
	CHECK_JSTR(
		s, "/text/headline",
		"&lt;svg onload=x()&gt; &amp;lt;img src=x onerror=y()&amp;gt; "
		"&#39;q&#39; &quot;d&quot; asserts");
	CHECK_JSTR(s, "/text/text", "<p>&amp;amp;lt;b&amp;amp;gt;</p>");
	CHECK_JSON(s, "/autolink", "false");
	s = slide_of(events, "event-ev");
	REQUIRE(s);
	CHECK_JSTR(s, "/group", "&amp;lt;img src=x onerror=z()&amp;gt;");
	CHECK_JSTR(s, "/text/headline", "&lt;img src=x onerror=z()&gt;");
	CHECK_JSTR(s, "/text/text",
		   "<p>Where: www.x.test&#39;/onfocus=&#39;f()&#39;</p>");
	/* A date-time is shown as given. */
	CHECK_JSTR(s, "/display_date", "2024-01-02T03:04:05+01:00");
	CHECK_JSON(s, "/start_date/hour", "2");
}

/* Figures in words, as the page writes them; who withholds one. */
static void test_timelinejs_figures(struct tl_server *srv)
{
	static const struct {
		const char *quantity, *want;
	} cases[] = {
		{"{\"value\": 11000, \"low\": 10000, \"high\": 12000, "
		 "\"unit\": \"troops\", \"approximate\": true}",
		 "<p>Figure: about 11,000 troops (between 10,000 and 12,000)</p>"},
		{"{\"value\": 2.5, \"unit\": \"km\"}", "<p>Figure: 2.5 km</p>"},
		{"{\"value\": -1234567.125, \"unit\": \"x\"}",
		 "<p>Figure: -1,234,567.125 x</p>"},
		{"{\"low\": 300, \"unit\": \"<i>dead</i>\"}",
		 "<p>Figure: at least 300 &lt;i&gt;dead&lt;/i&gt;</p>"},
		{"{\"high\": 999, \"unit\": \"t\", \"approximate\": true}",
		 "<p>Figure: roughly at most 999 t</p>"},
	};
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"kp\", \"name\": \"KP\"}"));
	for (size_t i = 0; i < N(cases); i++) {
		char body[512];

		snprintf(body, sizeof(body),
			 "{\"id\": \"q%zu\", \"claimant\": \"kp\", \"text\": "
			 "\"t\", \"stated\": \"2024-0%zu\", \"stance\": "
			 "\"estimates\", \"quantity\": %s}",
			 i, i + 1, cases[i].quantity);
		REQUIRE(tl_create("/v1/claims", body));
	}
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"w\", \"claimant\": \"kp\", \"text\": "
		"\"No comment\", \"stated\": \"2024-09\", \"stance\": "
		"\"withholds\", \"quantity\": {\"unit\": \"troops\"}}"));
	r = tl_get("/v1/timelinejs");
	REQUIRE_STATUS(r, 200);
	for (size_t i = 0; i < N(cases); i++) {
		json_t *s = slide_of(tl_at(r->json, "/events"),
				     tl_fmt("claim-q%zu", i));
		const char *text = s ? tl_str(s, "/text/text") : NULL;

		if (!CHECK(text && strstr(text, cases[i].want)))
			fprintf(stderr, "  want %s in %s\n", cases[i].want,
				text ? text : "(none)");
	}
	{
		json_t *s = slide_of(tl_at(r->json, "/events"), "claim-w");
		const char *text = s ? tl_str(s, "/text/text") : NULL;

		CHECK(text &&
		      strstr(text, "<p>Figure withheld by KP: no number "
				   "of troops given.</p>"));
		CHECK(text && strstr(text, "<p>Figure: a number of troops (no "
					   "figure given)</p>"));
		CHECK_JSTR(s, "/text/headline", "KP withholds");
	}
}

/* The cursor of a Link header ("" when there is none). */
static const char *link_cursor(const char *link)
{
	const char *c = link ? strstr(link, "cursor=") : NULL;

	if (!c)
		return "";
	c += strlen("cursor=");
	return tl_fmt("%.*s", (int)strcspn(c, "&>"), c);
}

/* GET /v1/timelinejs and /v1/events/{id}/timelinejs answer what
 * format=timelinejs on the timelines answers, byte for byte, with the
 * same Link header; the same filters, the same errors. */
static void test_timelinejs_routes(struct tl_server *srv)
{
	static const char *const queries[] = {
		"",
		"?limit=2",
		"?types=claim&order=desc",
		"?disputed=true",
		"?from=2025&to=2025-04",
		"?event=ev-mid",
		"?actor=other",
		"?kind=k&limit=1",
	};
	struct tl_resp *a, *b;

	(void)srv;
	REQUIRE(make_store());
	for (size_t i = 0; i < N(queries); i++) {
		const char *q = queries[i];
		const char *legacy = tl_fmt("/v1/timeline%s%sformat=timelinejs",
					    q, *q ? "&" : "?");

		a = tl_get(tl_fmt("/v1/timelinejs%s", q));
		b = tl_get(legacy);
		REQUIRE_STATUS(a, 200);
		REQUIRE_STATUS(b, 200);
		CHECK_STR(a->body, b->body);
		CHECK_STR(tl_header(a, "Content-Type"), "application/json");
		/* The next page: on the path asked, at the same cursor. */
		if (tl_header(b, "Link"))
			CHECK(tl_header(a, "Link") &&
			      strstr(tl_header(a, "Link"), "/v1/timelinejs?"));
		else
			CHECK(tl_header(a, "Link") == NULL);
		CHECK_STR(link_cursor(tl_header(a, "Link")),
			  link_cursor(tl_header(b, "Link")));
		a = tl_get(tl_fmt("/v1/events/ev-top/timelinejs%s",
				  strstr(q, "event=") ? "" : q));
		b = tl_get(tl_fmt(
			"/v1/events/ev-top/timeline%s%sformat=timelinejs",
			strstr(q, "event=") ? "" : q,
			*q && !strstr(q, "event=") ? "&" : "?"));
		REQUIRE_STATUS(a, 200);
		REQUIRE_STATUS(b, 200);
		CHECK_STR(a->body, b->body);
	}
	/* Following the new path's Link gives the next page. */
	a = tl_get("/v1/timelinejs?limit=2");
	REQUIRE_STATUS(a, 200);
	CHECK_INT(json_array_size(tl_at(a->json, "/events")), 2);
	b = tl_get(tl_fmt("/v1/timelinejs?limit=2&cursor=%s",
			  link_cursor(tl_header(a, "Link"))));
	REQUIRE_STATUS(b, 200);
	CHECK(strstr(nz_uid(json_array_get(tl_at(b->json, "/events"), 0)),
		     "ev-low"));

	a = tl_get("/v1/events/nope/timelinejs");
	CHECK_PROBLEM(a, 404, "not-found");
	CHECK_BAD_PARAM("/v1/timelinejs?order=sideways", "order");
	CHECK_BAD_PARAM("/v1/timelinejs?limit=0", "limit");
	CHECK_BAD_PARAM("/v1/timelinejs?from=2024-13", "from");
	CHECK_BAD_PARAM("/v1/timelinejs?event=nope", "event");
	CHECK_BAD_PARAM("/v1/events/ev-top/timelinejs?types=car", "types");
	CHECK_BAD_PARAM("/v1/events/ev-top/timelinejs?stance=maybe", "stance");
	/* Not a filter here: the path says the format. */
	CHECK_BAD_PARAM("/v1/timelinejs?format=json", "format");
	CHECK_BAD_PARAM("/v1/events/ev-top/timelinejs?event=ev-mid", "event");
	a = tl_get("/v1/timelinejs?cursor=bogus");
	CHECK_STATUS(a, 400);
	a = tl_request("POST", "/v1/timelinejs", "application/json", "{}", -1,
		       NULL);
	CHECK_STATUS(a, 405);
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
		TL_TEST(test_timelinejs_encoding, TL_SERVER),
		TL_TEST(test_timelinejs_figures, TL_SERVER),
		TL_TEST(test_timelinejs_routes, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
