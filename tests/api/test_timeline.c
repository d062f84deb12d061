/*
 * Timelines (contract section 3 and "Dates with precision"): the total
 * order over mixed precisions and offsets, the overlap rule of from/to,
 * sub-events at any depth, sub-actor chains, the event/actor/kind/tag/
 * country/stance/disputed/types filters, undated claims left off,
 * order=desc as the exact reverse, pagination walks equal to the single
 * page, and a walk while another thread writes.
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One timeline entry of a table: an event ('e') or a claim ('c'). */
struct entry {
	char type;
	const char *id;
	const char *date; /* event start or claim stated; NULL: none */
	const char *end;  /* events: end; claims: the source id */
};

/* Creates the entries of `t` from the last to the first, so that creation
 * order (seq) is the reverse of the expected order. */
static bool create_entries(const struct entry *t, size_t n)
{
	for (size_t k = n; k-- > 0;) {
		bool ok = t[k].type == 'e'
				  ? tu_event(t[k].id, t[k].date, t[k].end, NULL)
				  : tu_claim(t[k].id, "spk", NULL, t[k].date,
					     t[k].end);
		if (!ok)
			return false;
	}
	return true;
}

/* "e:id,c:id,..." of the table entries with `type` ('e', 'c' or 0 for
 * both). */
static const char *table_keys(const struct entry *t, size_t n, char type)
{
	const char *out = "";

	for (size_t k = 0; k < n; k++)
		if (!type || t[k].type == type)
			out = tl_fmt("%s%s%c:%s", out, *out ? "," : "",
				     t[k].type, t[k].id);
	return out;
}

/*
 * Every precision mixed, offsets that move a time across a day or a year,
 * events and claims on the same start, ties by id.  Listed in the order
 * the contract demands.  Claim ids begin with "c" and event ids with "e",
 * so an order by id alone would put claims first; "cl-d" (day) sorts
 * before "cl-m" (month) by id but after it by precision.
 */
static const struct entry order_table[] = {
	{'e', "ev-ya", "2024", "2024"},
	{'e', "ev-yb", "2024", NULL},
	{'c', "cl-ya", "2024", NULL},
	{'c', "cl-yb", "2024", NULL},
	{'e', "ev-m", "2024-01", NULL},
	{'c', "cl-m", "2024-01", NULL},
	{'c', "cl-d", "2024-01-01", NULL},
	/* The same instant as 2024-01-01T00:00:00Z. */
	{'e', "ev-t", "2024-01-01T03:00:00+03:00", NULL},
	{'c', "cl-t1", "2024-01-01T00:00:00Z", NULL},
	{'c', "cl-t2", "2024-01-01T01:00:00+01:00", NULL},
	{'c', "cl-t3", "2024-01-01T00:00:00.500Z", NULL},
	/* Written in 2023, but 00:30 UTC on 1 January 2024. */
	{'e', "ev-t4", "2023-12-31T23:30:00-01:00", NULL},
	/* stated wins over the source's published date (2030). */
	{'c', "cl-d2", "2024-01-02", "src-late"},
	{'e', "ev-m6", "2024-06", "2024-07"},
	{'c', "cl-d18", "2024-06-18", NULL},
	/* 22:00 UTC on 18 June: before 19 June, after the start of 18 June. */
	{'c', "cl-t18", "2024-06-19T01:00:00+03:00", NULL},
	{'e', "ev-d19", "2024-06-19", NULL},
	{'c', "cl-d19", "2024-06-19", NULL},
	/* No stated date: dated by its source's published month. */
	{'c', "cl-src", NULL, "src-jul"},
	{'e', "ev-2025", "2025", NULL},
};

static bool make_order_store(void)
{
	return tu_actor("spk", NULL) && tu_source("src-late", "2030") &&
	       tu_source("src-jul", "2024-07") &&
	       tu_source("src-undated", NULL) &&
	       /* Neither stated nor a dated source: never on a timeline. */
	       tu_claim("cl-none", "spk", NULL, NULL, NULL) &&
	       tu_claim("cl-none2", "spk", NULL, NULL, "src-undated") &&
	       create_entries(order_table, N(order_table));
}

static void test_order_mixed_precisions(struct tl_server *srv)
{
	const char *all = table_keys(order_table, N(order_table), 0);
	struct tl_resp *r;

	(void)srv;
	REQUIRE(make_order_store());
	r = tl_get("/v1/timeline?limit=500");
	REQUIRE_STATUS(r, 200);
	CHECK_STR(tu_keys(tl_at(r->json, "/items")), all);
	CHECK_JSON(r->json, "/next_cursor", "null");
	/* The default order is asc. */
	r = tl_get("/v1/timeline?limit=500&order=asc");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")), all);
	/* desc is the exact reverse, ties included. */
	r = tl_get("/v1/timeline?limit=500&order=desc");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")), tu_reverse(all));
	/* types keeps the order of what is left. */
	r = tl_get("/v1/timeline?limit=500&types=event");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")),
		  table_keys(order_table, N(order_table), 'e'));
	r = tl_get("/v1/timeline?limit=500&types=claim");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")),
		  table_keys(order_table, N(order_table), 'c'));
	r = tl_get("/v1/timeline?limit=500&types=claim,event&order=desc");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")), tu_reverse(all));
	r = tl_get("/v1/timeline?limit=500&types=event&order=desc");
	CHECK_STR(tu_keys(tl_at(r->json, "/items")),
		  tu_reverse(table_keys(order_table, N(order_table), 'e')));
}

static void test_item_shape(struct tl_server *srv)
{
	struct tl_resp *r;
	json_t *items;

	(void)srv;
	REQUIRE(make_order_store());
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"via1\", \"name\": \"Via Agency\"}"));
	REQUIRE(tu_event("ev-parent", "2020", NULL, NULL));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-child\", \"title\": \"Child\", "
			  "\"kind\": \"other\", \"start\": \"2020-05\", "
			  "\"part_of\": \"ev-parent\"}"));
	REQUIRE(tl_create("/v1/claims",
			  "{\"id\": \"cl-full\", \"claimant\": \"spk\", "
			  "\"text\": \"t\", \"via\": \"via1\", \"source\": "
			  "\"src-jul\", \"events\": [\"ev-child\", "
			  "\"ev-parent\"]}"));
	r = tl_get("/v1/timeline?limit=500&from=2020&to=2020");
	REQUIRE_STATUS(r, 200);
	items = tl_at(r->json, "/items");
	CHECK_STR(tu_keys(items), "e:ev-parent,e:ev-child");
	CHECK_KEYS(tl_at(items, "/0"), "type", "date", "precision", "event",
		   "part_of");
	CHECK_JSTR(items, "/0/date", "2020");
	CHECK_JSTR(items, "/0/precision", "year");
	CHECK_JSON(items, "/0/part_of", "null");
	CHECK_JSTR(items, "/1/date", "2020-05");
	CHECK_JSTR(items, "/1/precision", "month");
	CHECK_JSON(items, "/1/part_of",
		   "{\"id\": \"ev-parent\", \"title\": \"Event ev-parent\"}");
	CHECK_JSTR(items, "/1/event/title", "Child");

	/* A claim dated by its source; embedded names. */
	r = tl_get(
		"/v1/timeline?limit=500&from=2024-07&to=2024-07&types=claim");
	items = tl_at(r->json, "/items");
	/* The year claims overlap July too. */
	CHECK_STR(tu_keys(items), "c:cl-ya,c:cl-yb,c:cl-full,c:cl-src");
	json_t *c = tl_at(items, "/2");
	CHECK_KEYS(c, "type", "date", "precision", "dated_by", "claim",
		   "claimant", "via", "events", "source");
	CHECK_JSTR(c, "/date", "2024-07");
	CHECK_JSTR(c, "/precision", "month");
	CHECK_JSTR(c, "/dated_by", "source");
	CHECK_JSON(c, "/claimant",
		   "{\"id\": \"spk\", \"name\": \"Actor spk\"}");
	CHECK_JSON(c, "/via", "{\"id\": \"via1\", \"name\": \"Via Agency\"}");
	CHECK_JSON(c, "/events",
		   "[{\"id\": \"ev-child\", \"title\": \"Child\"}, "
		   "{\"id\": \"ev-parent\", \"title\": \"Event ev-parent\"}]");
	CHECK_JSON(c, "/source",
		   "{\"id\": \"src-jul\", \"title\": \"Source src-jul\", "
		   "\"url\": null, \"published\": \"2024-07\"}");
	CHECK_JSON(c, "/claim/stated", "null");
	CHECK_JSON(c, "/claim/disputed", "false");
	/* stated wins over the source, and says so. */
	r = tl_get("/v1/timeline?limit=500&from=2024-01-02&to=2024-01-02&"
		   "types=claim");
	items = tl_at(r->json, "/items");
	CHECK_STR(tu_keys(items), "c:cl-ya,c:cl-yb,c:cl-m,c:cl-d2");
	CHECK_JSTR(items, "/3/dated_by", "stated");
	CHECK_JSTR(items, "/3/date", "2024-01-02");
	CHECK_JSTR(items, "/3/precision", "day");
	CHECK_JSON(items, "/3/via", "null");
	CHECK_JSTR(items, "/3/source/id", "src-late");
	CHECK_JSTR(items, "/0/precision", "year");
	r = tl_get("/v1/timeline?limit=500&from=2024-01-01T00:00:00Z&"
		   "to=2024-01-01T00:00:00Z&types=event");
	items = tl_at(r->json, "/items");
	CHECK_STR(tu_keys(items), "e:ev-ya,e:ev-yb,e:ev-m,e:ev-t");
	CHECK_JSTR(items, "/3/date", "2024-01-01T03:00:00+03:00");
	CHECK_JSTR(items, "/3/precision", "time");
}

static void test_undated_claims_left_off(struct tl_server *srv)
{
	const char *got;

	(void)srv;
	REQUIRE(make_order_store());
	got = tu_keys(tl_at(tl_get("/v1/timeline?limit=500")->json, "/items"));
	REQUIRE(got != NULL);
	CHECK(strstr(got, "cl-none") == NULL);
	got = tu_keys(tl_at(
		tl_get("/v1/timeline?limit=500&actor=spk&order=desc")->json,
		"/items"));
	REQUIRE(got != NULL);
	CHECK(strstr(got, "cl-none") == NULL);
	CHECK_STR(got,
		  tu_reverse(table_keys(order_table, N(order_table), 'c')));
	/* Giving the undated source a date puts its claim on the timeline. */
	CHECK_STATUS(tl_patch("/v1/sources/src-undated",
			      "{\"published\": \"2024-06-18\"}"),
		     200);
	got = tu_keys(tl_at(tl_get("/v1/timeline?limit=500&types=claim&"
				   "from=2024-06-18&to=2024-06-18")
				    ->json,
			    "/items"));
	CHECK_STR(got, "c:cl-ya,c:cl-yb,c:cl-d18,c:cl-none2,c:cl-t18");
}

static void test_pagination_walks(struct tl_server *srv)
{
	static const int limits[] = {1, 2, 3, 7};
	static const char *const paths[] = {
		"/v1/timeline",
		"/v1/timeline?order=desc",
		"/v1/timeline?types=claim",
		"/v1/timeline?from=2024-01-01&to=2024-06-18",
		"/v1/timeline?from=2024-01-01&to=2024-06-18&order=desc",
		"/v1/timeline?actor=spk",
	};

	(void)srv;
	REQUIRE(make_order_store());
	for (size_t p = 0; p < N(paths); p++) {
		struct tl_resp *one =
			tl_get(tl_fmt("%s%climit=500", paths[p],
				      strchr(paths[p], '?') ? '&' : '?'));
		const char *want;

		REQUIRE_STATUS(one, 200);
		want = tu_keys(tl_at(one->json, "/items"));
		CHECK(want && *want);
		for (size_t l = 0; l < N(limits); l++)
			if (!CHECK_STR(tu_walk_keys(paths[p], limits[l]), want))
				fprintf(stderr, "    (%s, limit %d)\n",
					paths[p], limits[l]);
	}
	/* Default page size 50. */
	{
		struct tl_resp *r = tl_get("/v1/timeline?limit=3");

		CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			  "e:ev-ya,e:ev-yb,c:cl-ya");
		CHECK(json_is_string(tl_at(r->json, "/next_cursor")));
	}
}

/*
 * The overlap rule: an entry is kept when its interval overlaps
 * [start of from, end of to]; an event's interval runs to the end of its
 * `end`.
 */
static const struct entry overlap_table[] = {
	/* [2023-01-01, 2024-03-01) */
	{'e', "ev-a", "2023", "2024-02"},
	{'c', "cl-d", "2023-12-31", NULL},
	{'c', "cl-c", "2024", NULL},
	{'c', "cl-a", "2024-02", NULL},
	/* 2024-02-29T23:00Z */
	{'c', "cl-b", "2024-03-01T00:00:00+01:00", NULL},
	/* the source's March 2024 */
	{'c', "cl-e", NULL, "src-mar"},
	/* 2024-03-01T00:30Z */
	{'e', "ev-c", "2024-02-29T23:30:00-01:00", NULL},
	{'e', "ev-b", "2024-03-15", NULL},
};

static void test_overlap_rule(struct tl_server *srv)
{
	static const struct {
		const char *query;
		const char *want;
	} cases[] = {
		{"", "e:ev-a,c:cl-d,c:cl-c,c:cl-a,c:cl-b,c:cl-e,e:ev-c,e:ev-b"},
		/* ev-a ends exactly where March starts: no overlap. */
		{"from=2024-03", "c:cl-c,c:cl-e,e:ev-c,e:ev-b"},
		{"to=2024-02", "e:ev-a,c:cl-d,c:cl-c,c:cl-a,c:cl-b"},
		{"from=2024-02-29&to=2024-02-29",
		 "e:ev-a,c:cl-c,c:cl-a,c:cl-b"},
		{"from=2024-03-01T00:00:00Z&to=2024-03-01T00:30:00Z",
		 "c:cl-c,c:cl-e,e:ev-c"},
		{"from=2024-03-01T01:00:00%2B01:00&to=2024-03-01T00:29:59Z",
		 "c:cl-c,c:cl-e"},
		/* Only the long event spans June 2023. */
		{"from=2023-06&to=2023-06", "e:ev-a"},
		{"from=2024-02-15",
		 "e:ev-a,c:cl-c,c:cl-a,c:cl-b,c:cl-e,e:ev-c,e:ev-b"},
		{"to=2023", "e:ev-a,c:cl-d"},
		{"from=2025", ""},
		{"to=2022", ""},
		{"from=2024-03-15&to=2024-03-15", "c:cl-c,c:cl-e,e:ev-b"},
	};

	(void)srv;
	REQUIRE(tu_actor("spk", NULL) && tu_source("src-mar", "2024-03"));
	REQUIRE(create_entries(overlap_table, N(overlap_table)));
	for (size_t i = 0; i < N(cases); i++) {
		const char *path =
			*cases[i].query
				? tl_fmt("/v1/timeline?%s", cases[i].query)
				: "/v1/timeline?types=event,claim";
		struct tl_resp *r = tl_get(tl_fmt("%s&limit=500", path));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].query);
		r = tl_get(tl_fmt("%s&limit=500&order=desc", path));
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       tu_reverse(cases[i].want)))
			fprintf(stderr, "    (%s, desc)\n", cases[i].query);
		if (!CHECK_STR(tu_walk_keys(path, 1), cases[i].want))
			fprintf(stderr, "    (%s, walk)\n", cases[i].query);
	}
	/* Bad ranges. */
	static const char *const bad[] = {
		"from=2024-13", "to=2024-02-30", "from=24-06",
		"from=2024-06&to=2024-05", "from=2024-06-01T10:00:00"};
	for (size_t i = 0; i < N(bad); i++) {
		struct tl_resp *r = tl_get(tl_fmt("/v1/timeline?%s", bad[i]));

		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (%s)\n", bad[i]);
	}
}

/* R > A > B > C: sub-events three levels below the root. */
static bool make_event_tree(void)
{
	return tu_actor("spk", NULL) &&
	       tu_event("r-root", "2024-01", "2024-12", NULL) &&
	       tu_event("a-child", "2024-02", NULL, "r-root") &&
	       tu_event("b-grand", "2024-03", NULL, "a-child") &&
	       tu_event("c-great", "2024-04", NULL, "b-grand") &&
	       tu_event("x-other", "2024-02", NULL, NULL) &&
	       tu_event("y-other-child", "2024-05", NULL, "x-other") &&
	       tu_claim("k1", "spk", "[\"c-great\"]", "2024-04-02", NULL) &&
	       tu_claim("k2", "spk", "[\"b-grand\", \"c-great\"]", "2024-03-02",
			NULL) &&
	       tu_claim("k3", "spk", "[\"x-other\"]", "2024-03-05", NULL) &&
	       tu_claim("k4", "spk", "[\"r-root\"]", "2024-01-10", NULL) &&
	       tu_claim("k5", "spk", "[\"y-other-child\", \"a-child\"]",
			"2024-06", NULL) &&
	       tu_claim("k6", "spk", NULL, "2024-03-03", NULL) &&
	       tu_claim("k7", "spk", "[\"c-great\"]", NULL, NULL);
}

static void test_sub_events_any_depth(struct tl_server *srv)
{
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{"/v1/timeline?event=r-root",
		 "e:r-root,c:k4,e:a-child,e:b-grand,c:k2,e:c-great,c:k1,c:k5"},
		{"/v1/events/r-root/timeline",
		 "e:r-root,c:k4,e:a-child,e:b-grand,c:k2,e:c-great,c:k1,c:k5"},
		{"/v1/timeline?event=a-child",
		 "e:a-child,e:b-grand,c:k2,e:c-great,c:k1,c:k5"},
		{"/v1/events/b-grand/timeline",
		 "e:b-grand,c:k2,e:c-great,c:k1"},
		{"/v1/events/c-great/timeline", "c:k2,e:c-great,c:k1"},
		{"/v1/timeline?event=c-great&types=claim", "c:k2,c:k1"},
		{"/v1/events/x-other/timeline",
		 "e:x-other,c:k3,e:y-other-child,c:k5"},
		{"/v1/events/r-root/timeline?order=desc",
		 "c:k5,c:k1,e:c-great,c:k2,e:b-grand,e:a-child,c:k4,e:r-root"},
		{"/v1/events/r-root/timeline?from=2024-03&to=2024-03",
		 /* r-root runs all year */
		 "e:r-root,e:b-grand,c:k2"},
	};

	(void)srv;
	REQUIRE(make_event_tree());
	for (size_t i = 0; i < N(cases); i++) {
		struct tl_resp *r =
			tl_get(tl_fmt("%s%climit=500", cases[i].path,
				      strchr(cases[i].path, '?') ? '&' : '?'));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].path);
		if (!CHECK_STR(tu_walk_keys(cases[i].path, 2), cases[i].want))
			fprintf(stderr, "    (%s, walk of 2)\n", cases[i].path);
	}
	/* A fourth level added later is found too. */
	REQUIRE(tu_event("d-deeper", "2024-04-20", NULL, "c-great"));
	REQUIRE(tu_claim("k8", "spk", "[\"d-deeper\"]", "2024-04-21", NULL));
	CHECK_STR(tu_keys(tl_at(
			  tl_get("/v1/timeline?event=r-root&types=event")->json,
			  "/items")),
		  "e:r-root,e:a-child,e:b-grand,e:c-great,e:d-deeper");
	CHECK_STR(
		tu_keys(tl_at(
			tl_get("/v1/events/a-child/timeline?types=claim")->json,
			"/items")),
		"c:k2,c:k1,c:k8,c:k5");
	/* Unknown events. */
	CHECK_PROBLEM(tl_get("/v1/events/nope/timeline"), 404, "not-found");
	{
		struct tl_resp *r = tl_get("/v1/timeline?event=nope");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "event");
	}
	/* The event timeline does not take `event`. */
	{
		struct tl_resp *r =
			tl_get("/v1/events/r-root/timeline?event=r-root");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "event");
	}
}

/* T > U > V by part_of; W apart. */
static void test_actor_filter_and_parts(struct tl_server *srv)
{
	static const struct {
		const char *query;
		const char *want;
	} cases[] = {
		{"actor=t-top", "e:ev1,c:ct1,c:ct2"},
		{"actor=t-top&include_parts=false", "e:ev1,c:ct1,c:ct2"},
		{"actor=t-top&include_parts=true",
		 "e:ev1,c:ct1,c:cu1,e:ev2,c:cv1,c:ct2"},
		{"actor=u-mid&include_parts=true", "c:cu1,e:ev2,c:cv1"},
		{"actor=v-leaf&include_parts=true", "e:ev2,c:cv1"},
		{"actor=v-leaf", "e:ev2,c:cv1"},
		{"actor=w-apart&include_parts=true", "e:ev3,c:cw1"},
		{"actor=t-top&include_parts=true&types=event", "e:ev1,e:ev2"},
		{"actor=t-top&include_parts=true&order=desc",
		 "c:ct2,c:cv1,e:ev2,c:cu1,c:ct1,e:ev1"},
	};

	(void)srv;
	REQUIRE(tu_actor("t-top", NULL) && tu_actor("u-mid", "t-top") &&
		tu_actor("v-leaf", "u-mid") && tu_actor("w-apart", NULL));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"ev1\", \"title\": \"E1\", \"kind\": \"k\", "
		"\"start\": \"2024-01\", \"participants\": "
		"[{\"actor\": \"t-top\", \"role\": \"r\"}]}"));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"ev2\", \"title\": \"E2\", \"kind\": \"k\", "
		"\"start\": \"2024-03\", \"participants\": "
		"[{\"actor\": \"v-leaf\", \"role\": \"r\"}]}"));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"ev3\", \"title\": \"E3\", \"kind\": \"k\", "
		"\"start\": \"2024-03\", \"participants\": "
		"[{\"actor\": \"w-apart\", \"role\": \"r\"}]}"));
	REQUIRE(tu_claim("ct1", "t-top", NULL, "2024-01-05", NULL));
	REQUIRE(tu_claim("ct2", "t-top", NULL, "2024-05", NULL));
	REQUIRE(tu_claim("ct3", "t-top", NULL, NULL, NULL));
	REQUIRE(tu_claim("cu1", "u-mid", NULL, "2024-02", NULL));
	REQUIRE(tu_claim("cv1", "v-leaf", "[\"ev1\"]", "2024-03-01", NULL));
	REQUIRE(tu_claim("cw1", "w-apart", "[\"ev2\"]", "2024-04", NULL));
	for (size_t i = 0; i < N(cases); i++) {
		const char *path = tl_fmt("/v1/timeline?%s", cases[i].query);
		struct tl_resp *r = tl_get(tl_fmt("%s&limit=500", path));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].query);
		if (!CHECK_STR(tu_walk_keys(path, 1), cases[i].want))
			fprintf(stderr, "    (%s, walk)\n", cases[i].query);
	}
	{
		struct tl_resp *r = tl_get("/v1/timeline?actor=nobody");

		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "actor");
		r = tl_get("/v1/timeline?actor=t-top&include_parts=yes");
		CHECK_PROBLEM(r, 422, "validation-failed");
		CHECK_PARAM_AT(r, "include_parts");
	}
}

static void test_event_attribute_and_claim_filters(struct tl_server *srv)
{
	static const struct {
		const char *query;
		const char *want;
	} cases[] = {
		{"kind=battle", "e:ev-b1,c:c1,e:ev-b2,c:c3"},
		{"kind=agreement", "e:ev-ag,c:c2"},
		{"tag=kursk", "e:ev-b1,c:c1,e:ev-ag,c:c2"},
		{"tag=kursk&kind=battle", "e:ev-b1,c:c1"},
		{"country=RU", "e:ev-b1,c:c1,e:ev-b2,c:c3"},
		{"country=KP", "e:ev-ag,c:c2"},
		{"country=US", ""},
		/* Claim-only filters leave events out. */
		{"stance=denies", "c:c2,c:c4"},
		{"stance=asserts", "c:c1,c:c3"},
		{"disputed=true", "c:c1,c:c4"},
		{"disputed=false", "c:c2,c:c3"},
		{"disputed=true&stance=denies", "c:c4"},
		{"stance=denies&types=event,claim", "c:c2,c:c4"},
		{"kind=battle&stance=asserts", "c:c1,c:c3"},
		{"kind=battle&disputed=true&order=desc", "c:c1"},
	};

	(void)srv;
	REQUIRE(tu_actor("spk", NULL));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-b1\", \"title\": \"B1\", \"kind\": "
			  "\"battle\", \"start\": \"2024-01\", \"tags\": "
			  "[\"kursk\", \"x\"], \"location\": {\"name\": \"K\", "
			  "\"country\": \"RU\"}}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-ag\", \"title\": \"AG\", \"kind\": "
			  "\"agreement\", \"start\": \"2024-02\", \"tags\": "
			  "[\"kursk\"], \"location\": {\"name\": \"P\", "
			  "\"country\": \"KP\"}}"));
	REQUIRE(tl_create(
		"/v1/events",
		"{\"id\": \"ev-b2\", \"title\": \"B2\", \"kind\": "
		"\"battle\", \"start\": \"2024-03\", \"tags\": [\"y\"], "
		"\"location\": {\"name\": \"K\", \"country\": "
		"\"RU\"}}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"spk\", \"text\": \"t\", "
		"\"stated\": \"2024-01-02\", \"events\": [\"ev-b1\"]}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"spk\", \"text\": \"t\", "
		"\"stated\": \"2024-02-02\", \"stance\": \"denies\", "
		"\"events\": [\"ev-ag\"]}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c3\", \"claimant\": \"spk\", \"text\": \"t\", "
		"\"stated\": \"2024-03-02\", \"events\": [\"ev-b2\"]}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c4\", \"claimant\": \"spk\", \"text\": \"t\", "
		"\"stated\": \"2024-04-02\", \"stance\": \"denies\"}"));
	REQUIRE(tu_contradicts("c4", "c1", "no"));
	for (size_t i = 0; i < N(cases); i++) {
		const char *path = tl_fmt("/v1/timeline?%s", cases[i].query);
		struct tl_resp *r = tl_get(tl_fmt("%s&limit=500", path));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].query);
		if (!CHECK_STR(tu_walk_keys(path, 1), cases[i].want))
			fprintf(stderr, "    (%s, walk)\n", cases[i].query);
	}
	/* A disputed claim says so in the entry. */
	CHECK_JSON(tl_get("/v1/timeline?disputed=true&limit=1")->json,
		   "/items/0/claim/disputed", "true");
}

static void test_bad_parameters(struct tl_server *srv)
{
	static const char *const bad[] = {
		"bogus=1",	   "order=up",	    "types=event,opinion",
		"types=",	   "stance=claims", "disputed=maybe",
		"limit=0",	   "limit=501",	    "format=csv",
		"include_parts=1",
	};
	static const char *const param[] = {
		"bogus",    "order", "types", "types",	"stance",
		"disputed", "limit", "limit", "format", "include_parts",
	};
	struct tl_resp *r;

	(void)srv;
	for (size_t i = 0; i < N(bad); i++) {
		r = tl_get(tl_fmt("/v1/timeline?%s", bad[i]));
		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (%s)\n", bad[i]);
		CHECK_PARAM_AT(r, param[i]);
	}
	static const char *const cursors[] = {"garbage", "AAAA", "%FF",
					      "dDE6eDp5Ono"};
	for (size_t i = 0; i < N(cursors); i++) {
		r = tl_get(tl_fmt("/v1/timeline?cursor=%s", cursors[i]));
		if (!CHECK_PROBLEM(r, 400, "bad-request"))
			fprintf(stderr, "    (cursor %s)\n", cursors[i]);
	}
	/* A cursor of another list is no timeline cursor. */
	REQUIRE(tu_actor("a1", NULL) && tu_actor("a2", NULL));
	r = tl_get("/v1/actors?limit=1");
	REQUIRE(tl_str(r->json, "/next_cursor"));
	r = tl_get(tl_fmt("/v1/timeline?cursor=%s",
			  tu_esc(tl_str(r->json, "/next_cursor"))));
	CHECK_PROBLEM(r, 400, "bad-request");
	/* An empty store has an empty timeline. */
	r = tl_get("/v1/timeline");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "", "{\"items\": [], \"next_cursor\": null}");
}

/* ---- a walk while another thread writes ------------------------------ */

struct writer {
	atomic_bool stop;
	int run;
	int made;
	int failed;
};

/* Dates spread before, at and after every position of the walk. */
static const char *const writer_dates[] = {
	"1990",
	"2090-05",
	"2024-01",
	"2024-01-01T00:00:00Z",
	"2024-06",
	"2024-06-19",
	"2025",
	"2000-01-01",
	"2024-03-03T12:00:00+05:00",
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct tl_conn *c = tl_conn_new();

	for (int i = 0; i < 400 && (!atomic_load(&w->stop) || i < 20); i++) {
		const char *date = writer_dates[i % N(writer_dates)];
		const char *body;
		const char *coll;
		struct tl_resp *r;

		if (i % 2) {
			coll = "/v1/events";
			body = tl_fmt(
				"{\"id\": \"new%d-e%03d\", \"title\": \"n\", "
				"\"kind\": \"k\", \"start\": \"%s\"}",
				w->run, i, date);
		} else {
			coll = "/v1/claims";
			body = tl_fmt("{\"id\": \"new%d-c%03d\", \"claimant\": "
				      "\"spk\", \"text\": \"n\", \"stated\": "
				      "\"%s\"}",
				      w->run, i, date);
		}
		r = tl_conn_request(c, "POST", coll, TL_JSON, body, -1, NULL);
		if (r->status == 201)
			w->made++;
		else
			w->failed++;
		tl_resp_free(r);
	}
	tl_conn_free(c);
	return NULL;
}

/* The sort key of a timeline item, for checking the walk's order. */
static bool item_key(json_t *it, int64_t *lo, int *prec, int *rank,
		     const char **id)
{
	const char *type = tl_str(it, "/type");

	if (!type)
		return false;
	*rank = strcmp(type, "event") == 0 ? 0 : 1;
	*id = tl_str(it, *rank ? "/claim/id" : "/event/id");
	return *id && tu_date_key(tl_str(it, "/date"), lo, prec);
}

static int key_cmp(json_t *a, json_t *b)
{
	int64_t la, lb;
	int pa, pb, ra, rb;
	const char *ia, *ib;

	if (!item_key(a, &la, &pa, &ra, &ia) ||
	    !item_key(b, &lb, &pb, &rb, &ib))
		return 0;
	if (la != lb)
		return la < lb ? -1 : 1;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(ia, ib);
}

static void walk_while_writing(const char *order, int limit, int run)
{
	const char *base = tl_fmt("/v1/timeline?order=%s", order);
	const char *before, *cursor = NULL;
	json_t *seen = json_array();
	struct writer w = {.run = run};
	pthread_t th;
	int pages = 0;

	before = tu_keys(
		tl_at(tl_get(tl_fmt("%s&limit=500", base))->json, "/items"));
	REQUIRE(before && *before);
	atomic_init(&w.stop, false);
	REQUIRE(pthread_create(&th, NULL, writer_main, &w) == 0);
	for (;;) {
		struct tl_resp *r =
			tl_get(cursor ? tl_fmt("%s&limit=%d&cursor=%s", base,
					       limit, tu_esc(cursor))
				      : tl_fmt("%s&limit=%d", base, limit));

		if (!CHECK_STATUS(r, 200))
			break;
		json_array_extend(seen, tl_at(r->json, "/items"));
		pages++;
		if (!json_is_string(tl_at(r->json, "/next_cursor")) ||
		    !CHECK(pages < 1000))
			break;
		cursor = tl_fmt("%s", tl_str(r->json, "/next_cursor"));
		tl_resp_free(r);
	}
	atomic_store(&w.stop, true);
	pthread_join(th, NULL);
	CHECK_INT(w.failed, 0);
	CHECK(w.made >= 20);

	/* Strictly in order: nothing repeated, nothing out of place. */
	for (size_t i = 1; i < json_array_size(seen); i++) {
		int c = key_cmp(json_array_get(seen, i - 1),
				json_array_get(seen, i));

		if (!CHECK(strcmp(order, "asc") == 0 ? c < 0 : c > 0)) {
			fprintf(stderr, "    (%s: items %zu and %zu)\n", order,
				i - 1, i);
			break;
		}
	}
	/* The entries there at the start, each once and in order. */
	{
		const char *got = tu_keys(seen), *old = "";
		const char *prefix = tl_fmt("new%d-", run);
		const char *p = got;

		while (p && *p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);

			if (strncmp(p + 2, prefix, strlen(prefix)) != 0)
				old = tl_fmt("%s%s%.*s", old, *old ? "," : "",
					     (int)n, p);
			p = comma ? comma + 1 : NULL;
		}
		CHECK_STR(old, before);
	}
	json_decref(seen);
}

static void test_walk_while_another_thread_writes(struct tl_server *srv)
{
	(void)srv;
	REQUIRE(make_order_store());
	walk_while_writing("asc", 2, 1);
	walk_while_writing("desc", 3, 2);
}

/*
 * An event's timeline orders its claims by the dates claim_events keeps
 * for them: those follow a claim dated by its source when the source's
 * date changes, and a claim whose stated date or events change.
 */
static void test_event_timeline_follows_date_changes(struct tl_server *srv)
{
	const char *path = "/v1/events/dc-root/timeline?types=claim";
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tu_actor("dc-spk", NULL));
	REQUIRE(tu_event("dc-root", "2020", NULL, NULL));
	REQUIRE(tu_event("dc-sub", "2020-02", NULL, "dc-root"));
	REQUIRE(tu_event("dc-else", "2020", NULL, NULL));
	REQUIRE(tu_source("dc-src", "2024-03"));
	REQUIRE(tu_claim("dc-a", "dc-spk", "[\"dc-root\"]", "2024-02", NULL));
	REQUIRE(tu_claim("dc-b", "dc-spk", "[\"dc-sub\", \"dc-root\"]", NULL,
			 "dc-src"));
	REQUIRE(tu_claim("dc-c", "dc-spk", "[\"dc-sub\"]", "2024-04", NULL));
	REQUIRE(tu_claim("dc-d", "dc-spk", "[\"dc-else\"]", "2024-01", NULL));
	r = tl_get(path);
	REQUIRE_STATUS(r, 200);
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "dc-a,dc-b,dc-c");
	CHECK_JSTR(r->json, "/items/1/date", "2024-03");
	CHECK_STR(
		tu_claim_ids(tl_at(tl_get(tl_fmt("%s&order=desc", path))->json,
				   "/items")),
		"dc-c,dc-b,dc-a");

	/* The source's date moves the claim it dates. */
	REQUIRE_STATUS(
		tl_patch("/v1/sources/dc-src", "{\"published\": \"2024-01\"}"),
		200);
	r = tl_get(path);
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "dc-b,dc-a,dc-c");
	CHECK_JSTR(r->json, "/items/0/date", "2024-01");

	/* A stated date of its own, then other events. */
	REQUIRE_STATUS(tl_patch("/v1/claims/dc-b", "{\"stated\": \"2024-05\"}"),
		       200);
	CHECK_STR(tu_claim_ids(tl_at(tl_get(path)->json, "/items")),
		  "dc-a,dc-c,dc-b");
	REQUIRE_STATUS(tl_patch("/v1/claims/dc-a",
				"{\"events\": [\"dc-else\"], \"stated\": "
				"\"2024-06\"}"),
		       200);
	CHECK_STR(tu_claim_ids(tl_at(tl_get(path)->json, "/items")),
		  "dc-c,dc-b");
	CHECK_STR(tu_claim_ids(tl_at(tl_get("/v1/events/dc-else/timeline?"
					    "types=claim")
					     ->json,
				     "/items")),
		  "dc-d,dc-a");
	/* Back to the source's date, and the claim follows it again. */
	REQUIRE_STATUS(tl_patch("/v1/claims/dc-b", "{\"stated\": null}"), 200);
	REQUIRE_STATUS(
		tl_patch("/v1/sources/dc-src", "{\"published\": \"2025\"}"),
		200);
	r = tl_get(path);
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "dc-c,dc-b");
	CHECK_JSTR(r->json, "/items/1/date", "2025");
	/* Pages of one follow the same order. */
	r = tl_get(tl_fmt("%s&limit=1", path));
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "dc-c");
	const char *next = tl_str(r->json, "/next_cursor");
	if (!CHECK(next != NULL))
		return;
	r = tl_get(tl_fmt("%s&limit=1&cursor=%s", path, tu_esc(next)));
	CHECK_STR(tu_claim_ids(tl_at(r->json, "/items")), "dc-b");
	CHECK_JSON(r->json, "/next_cursor", "null");
}

/* Section 6: status narrows events, and claims through the events they
 * are about (as kind, tag and country do); an ongoing event runs
 * open-ended for `from` and is placed at its start, on every timeline
 * route and in both orders. */
static void test_status_and_ongoing(struct tl_server *srv)
{
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{"/v1/timeline?status=confirmed", "e:ev-on,c:c-on,e:ev-sub"},
		{"/v1/timeline?status=alleged", "e:ev-old,e:ev-al,c:c-al"},
		{"/v1/timeline?status=reported", "e:ev-rp"},
		{"/v1/timeline?status=alleged&types=claim", "c:c-al"},
		{"/v1/timeline?from=2025-06",
		 "e:ev-old,e:ev-on,e:ev-rp,e:ev-sub,c:c-none"},
		{"/v1/timeline?from=2025-06&order=desc",
		 "c:c-none,e:ev-sub,e:ev-rp,e:ev-on,e:ev-old"},
		{"/v1/timeline?from=2099", "e:ev-old,e:ev-on"},
		{"/v1/timeline?from=2099&order=desc", "e:ev-on,e:ev-old"},
		{"/v1/timeline?from=2025-06&to=2025-07&status=confirmed",
		 "e:ev-on"},
		{"/v1/timeline?to=2024-07", "e:ev-old"},
		/* A `from` before 1970 minus an open span: below INT64_MIN. */
		{"/v1/timeline?from=1960",
		 "e:ev-old,e:ev-on,c:c-on,e:ev-al,c:c-al,e:ev-rp,e:ev-sub,"
		 "c:c-none"},
		{"/v1/timeline?from=1960&types=event&order=desc",
		 "e:ev-sub,e:ev-rp,e:ev-al,e:ev-on,e:ev-old"},
		{"/v1/events/ev-on/timeline?from=2099", "e:ev-on"},
		{"/v1/events/ev-on/timeline?status=confirmed",
		 "e:ev-on,c:c-on,e:ev-sub"},
		{"/v1/events/ev-on/timeline?status=alleged", ""},
	};

	(void)srv;
	REQUIRE(tu_actor("spk", NULL));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-on\", \"title\": \"On\", \"kind\": "
			  "\"battle\", \"start\": \"2024-08\", \"ongoing\": "
			  "true, \"status\": \"confirmed\"}"));
	/* Started before 1970: its open span overflows 64 bits in SQL
	 * (date_hi - date_lo), which the walk from `from` must survive. */
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-old\", \"title\": \"Old\", "
			  "\"kind\": \"dispute\", \"start\": \"1950\", "
			  "\"ongoing\": true, \"status\": \"alleged\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-al\", \"title\": \"Al\", \"kind\": "
			  "\"battle\", \"start\": \"2024-09\", \"end\": "
			  "\"2024-10\", \"status\": \"alleged\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-rp\", \"title\": \"Rp\", \"kind\": "
			  "\"talks\", \"start\": \"2025-07\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"ev-sub\", \"title\": \"Sub\", \"kind\": "
			  "\"battle\", \"start\": \"2025-08\", \"part_of\": "
			  "\"ev-on\", \"status\": \"confirmed\"}"));
	REQUIRE(tu_claim("c-on", "spk", "[\"ev-on\"]", "2024-08-15", NULL));
	REQUIRE(tu_claim("c-al", "spk", "[\"ev-al\"]", "2024-09-15", NULL));
	REQUIRE(tu_claim("c-none", "spk", NULL, "2025-08-20", NULL));
	for (size_t i = 0; i < N(cases); i++) {
		struct tl_resp *r =
			tl_get(tl_fmt("%s&limit=500", cases[i].path));

		if (!CHECK_STATUS(r, 200))
			continue;
		if (!CHECK_STR(tu_keys(tl_at(r->json, "/items")),
			       cases[i].want))
			fprintf(stderr, "    (%s)\n", cases[i].path);
		if (!CHECK_STR(tu_walk_keys(cases[i].path, 1), cases[i].want))
			fprintf(stderr, "    (%s, walk)\n", cases[i].path);
	}
	/* The TimelineJS routes take the filter too. */
	struct tl_resp *r = tl_get("/v1/timelinejs?status=alleged");
	if (CHECK_STATUS(r, 200))
		CHECK_INT(json_array_size(tl_at(r->json, "/events")), 3);
	r = tl_get("/v1/events/ev-on/timelinejs?status=confirmed&from=2099");
	if (CHECK_STATUS(r, 200))
		CHECK_INT(json_array_size(tl_at(r->json, "/events")), 1);
	CHECK_BAD_PARAM("/v1/timeline?status=rumoured", "status");
	CHECK_BAD_PARAM("/v1/events/ev-on/timeline?status=x", "status");
	CHECK_BAD_PARAM("/v1/timelinejs?status=", "status");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_order_mixed_precisions, TL_SERVER),
		TL_TEST(test_item_shape, TL_SERVER),
		TL_TEST(test_undated_claims_left_off, TL_SERVER),
		TL_TEST(test_pagination_walks, TL_SERVER),
		TL_TEST(test_overlap_rule, TL_SERVER),
		TL_TEST(test_sub_events_any_depth, TL_SERVER),
		TL_TEST(test_actor_filter_and_parts, TL_SERVER),
		TL_TEST(test_event_attribute_and_claim_filters, TL_SERVER),
		TL_TEST(test_bad_parameters, TL_SERVER),
		TL_TEST(test_walk_while_another_thread_writes, TL_SERVER),
		TL_TEST(test_event_timeline_follows_date_changes, TL_SERVER),
		TL_TEST(test_status_and_ongoing, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
