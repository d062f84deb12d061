/*
 * History and the change feed (contract section 4).  History: every
 * create, update and delete of a resource is a version with its body,
 * time and key name, deleted resources included, paginated; writes that
 * change nothing or fail leave none.  Change feed: every committed change
 * once, in order, paginated by since/limit; wait=N holds the request
 * until a commit wakes it (promptly) or the wait ends, without holding a
 * worker thread.
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *history(const char *path)
{
	return tl_list_all(tl_fmt("%s/history", path), 500);
}

/* YYYY-MM-DDTHH:MM:SS...Z */
static bool rfc3339_utc(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' &&
	       s[13] == ':' && s[16] == ':' && s[n - 1] == 'Z';
}

/* The feed from `since` on, all pages of `limit`; checks each page. */
static json_t *feed(long long since, int limit, long long *next)
{
	json_t *all = tl_json("[]"); /* arena-owned */
	struct tl_resp *r;

	for (int guard = 0; guard < 1000; guard++) {
		r = tl_get(tl_fmt("/v1/changes?since=%lld&limit=%d", since,
				  limit));
		if (!CHECK_STATUS(r, 200))
			break;
		json_t *items = tl_at(r->json, "/items");
		json_t *ns = tl_at(r->json, "/next_since");

		CHECK(json_is_array(items));
		CHECK(json_is_integer(ns));
		CHECK((int)json_array_size(items) <= limit);
		if (json_array_size(items) == 0) {
			CHECK_INT(json_integer_value(ns), since);
			break;
		}
		CHECK_INT(json_integer_value(ns),
			  json_integer_value(tl_at(
				  items, tl_fmt("/%zu/seq",
						json_array_size(items) - 1))));
		json_array_extend(all, items);
		since = json_integer_value(ns);
	}
	if (next)
		*next = since;
	return all;
}

static void test_history_of_a_lifecycle(struct tl_server *srv)
{
	struct tl_resp *c, *p, *u;
	json_t *h, *it;
	size_t i;

	(void)srv;
	c = tl_post("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}");
	REQUIRE_STATUS(c, 201);
	p = tl_patch("/v1/actors/a", "{\"kind\": \"person\"}");
	REQUIRE_STATUS(p, 200);
	u = tl_put("/v1/actors/a", "{\"name\": \"A2\", \"kind\": \"person\"}");
	REQUIRE_STATUS(u, 200);
	REQUIRE_STATUS(tl_delete("/v1/actors/a"), 204);

	h = history("/v1/actors/a");
	REQUIRE(h);
	REQUIRE(json_array_size(h) == 4);
	json_array_foreach(h, i, it)
	{
		CHECK_KEYS(it, "version", "op", "at", "key", "body");
		CHECK_JSON(it, "/version", tl_fmt("%zu", i + 1));
		CHECK(rfc3339_utc(tl_str(it, "/at")));
		CHECK_JSTR(it, "/key", "test");
	}
	CHECK_JSTR(h, "/0/op", "create");
	CHECK_JSTR(h, "/1/op", "update");
	CHECK_JSTR(h, "/2/op", "update");
	CHECK_JSTR(h, "/3/op", "delete");
	/* Each body is the representation after the change. */
	CHECK_SAME(tl_at(h, "/0/body"), c->json);
	CHECK_SAME(tl_at(h, "/1/body"), p->json);
	CHECK_SAME(tl_at(h, "/2/body"), u->json);
	CHECK(json_is_null(tl_at(h, "/3/body")));

	/* Deleted, but its history stays; a new life adds to it. */
	CHECK_STATUS(tl_get("/v1/actors/a"), 404);
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"a\", \"name\": \"Again\"}"));
	h = history("/v1/actors/a");
	REQUIRE(h);
	CHECK_INT(json_array_size(h), 5);
	CHECK_JSTR(h, "/4/op", "create");
	CHECK_JSTR(h, "/4/body/name", "Again");
}

static void test_history_for_each_collection(struct tl_server *srv)
{
	static const struct {
		const char *item, *coll, *body;
	} r[] = {
		{"/v1/actors/a", "/v1/actors",
		 "{\"id\": \"a\", \"name\": \"A\"}"},
		{"/v1/sources/s", "/v1/sources",
		 "{\"id\": \"s\", \"title\": \"S\"}"},
		{"/v1/events/e", "/v1/events",
		 "{\"id\": \"e\", \"title\": \"E\", \"kind\": \"other\", "
		 "\"start\": \"2024-05\"}"},
		{"/v1/claims/c", "/v1/claims",
		 "{\"id\": \"c\", \"claimant\": \"a\", \"text\": \"t\"}"},
	};

	(void)srv;
	for (size_t i = 0; i < 4; i++) {
		struct tl_resp *g;

		/* never existed: 404 */
		CHECK_PROBLEM(tl_get(tl_fmt("%s/history", r[i].item)), 404,
			      "not-found");
		REQUIRE(tl_create(r[i].coll, r[i].body));
		g = tl_get(tl_fmt("%s/history", r[i].item));
		CHECK_STATUS(g, 200);
		CHECK_KEYS(g->json, "items", "next_cursor");
		CHECK_INT(json_array_size(tl_at(g->json, "/items")), 1);
		CHECK_JSTR(g->json, "/items/0/op", "create");
		CHECK_JSON(g->json, "/items/0/version", "1");
		CHECK_SAME(tl_at(g->json, "/items/0/body"),
			   tl_get(r[i].item)->json);
	}
	CHECK_STATUS(tl_get("/v1/actors/b/history"), 404);
}

static void test_history_pagination(struct tl_server *srv)
{
	json_t *h;
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"v1\"}"));
	for (int i = 2; i <= 7; i++)
		REQUIRE_STATUS(tl_patch("/v1/actors/a",
					tl_fmt("{\"name\": \"v%d\"}", i)),
			       200);
	/* tl_list_all checks next_cursor against Link on every page. */
	h = tl_list_all("/v1/actors/a/history", 2);
	REQUIRE(h);
	REQUIRE(json_array_size(h) == 7);
	for (size_t i = 0; i < 7; i++) {
		CHECK_JSON(h, tl_fmt("/%zu/version", i), tl_fmt("%zu", i + 1));
		CHECK_JSTR(h, tl_fmt("/%zu/body/name", i),
			   tl_fmt("v%zu", i + 1));
	}
	r = tl_get("/v1/actors/a/history?limit=3");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 3);
	CHECK(json_is_string(tl_at(r->json, "/next_cursor")));
	CHECK(tl_header(r, "Link") != NULL);
	CHECK_STATUS(tl_get("/v1/actors/a/history?limit=0"), 422);
	CHECK_STATUS(tl_get("/v1/actors/a/history?limit=501"), 422);
	CHECK_STATUS(tl_get("/v1/actors/a/history?cursor=%21%21bogus"), 400);
}

static void test_no_change_no_version(struct tl_server *srv)
{
	struct tl_resp *r;
	long long next = 0, after = 0;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	feed(0, 50, &next);
	/* An identical PUT and an empty patch: no version, no revision. */
	r = tl_put("/v1/actors/a", "{\"name\": \"A\"}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/version", "1");
	r = tl_patch("/v1/actors/a", "{}");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/version", "1");
	/* Failed writes: none either. */
	CHECK_STATUS(tl_patch("/v1/actors/a", "{\"kind\": \"nonsense\"}"), 422);
	CHECK_STATUS(tl_post("/v1/actors", "{\"id\": \"a\", \"name\": \"B\"}"),
		     409);
	CHECK_STATUS(tl_request("PUT", "/v1/actors/a", TL_JSON,
				"{\"name\": \"C\"}", -1,
				(const char *const[]){"If-Match: \"x\"", NULL}),
		     412);
	CHECK_STATUS(tl_post("/v1/claims", "{\"claimant\": \"nobody\", "
					   "\"text\": \"t\"}"),
		     422);
	CHECK_INT(json_array_size(history("/v1/actors/a")), 1);
	CHECK_INT(json_array_size(feed(next, 50, &after)), 0);
	CHECK_INT(after, next);
}

static void test_change_feed(struct tl_server *srv)
{
	json_t *all, *it, *paged;
	size_t i;
	long long prev = 0, next = 0;
	struct tl_resp *r;
	const char *rel;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create("/v1/sources", "{\"id\": \"s\", \"title\": \"S\"}"));
	REQUIRE(tl_create("/v1/events",
			  "{\"id\": \"e\", \"title\": \"E\", "
			  "\"kind\": \"other\", \"start\": \"2024\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"a\", \"text\": \"x\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"a\", \"text\": \"y\"}"));
	r = tl_post("/v1/claims/c1/relations",
		    "{\"type\": \"contradicts\", \"claim\": \"c2\"}");
	REQUIRE_STATUS(r, 201);
	rel = tl_str(r->json, "/id");
	REQUIRE(rel);
	REQUIRE_STATUS(tl_patch("/v1/events/e", "{\"title\": \"E2\"}"), 200);
	REQUIRE_STATUS(tl_delete(tl_fmt("/v1/claims/c1/relations/%s", rel)),
		       204);
	REQUIRE_STATUS(tl_delete("/v1/claims/c2"), 204);

	all = feed(0, 500, &next);
	REQUIRE(all);
	const char *want[][3] = {
		{"actor", "a", "create"},  {"source", "s", "create"},
		{"event", "e", "create"},  {"claim", "c1", "create"},
		{"claim", "c2", "create"}, {"relation", rel, "create"},
		{"event", "e", "update"},  {"relation", rel, "delete"},
		{"claim", "c2", "delete"},
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	/* Relations may also touch the claims they link; what matters is
	 * that each expected change is there, in this order. */
	size_t k = 0;
	json_array_foreach(all, i, it)
	{
		CHECK_KEYS(it, "seq", "type", "id", "op", "version", "at");
		CHECK(json_integer_value(tl_at(it, "/seq")) > prev);
		prev = json_integer_value(tl_at(it, "/seq"));
		CHECK(rfc3339_utc(tl_str(it, "/at")));
		if (k < n && tl_str(it, "/type") && tl_str(it, "/id") &&
		    tl_str(it, "/op") &&
		    strcmp(tl_str(it, "/type"), want[k][0]) == 0 &&
		    strcmp(tl_str(it, "/id"), want[k][1]) == 0 &&
		    strcmp(tl_str(it, "/op"), want[k][2]) == 0)
			k++;
	}
	if (!CHECK_INT(k, n)) {
		char *text = json_dumps(all, JSON_COMPACT);

		fprintf(stderr, "    feed: %s\n", text);
		free(text);
	}
	CHECK_INT(json_array_size(all), n);
	CHECK_INT(next, prev);
	/* versions: the event's update is version 2 */
	json_array_foreach(all, i,
			   it) if (strcmp(tl_str(it, "/type"), "event") == 0 &&
				   strcmp(tl_str(it, "/op"), "update") == 0)
		CHECK_JSON(it, "/version", "2");

	/* Paging by since gives the same, once each. */
	paged = feed(0, 2, NULL);
	CHECK_SAME(paged, all);
	/* From the end: nothing, next_since unchanged. */
	r = tl_get(tl_fmt("/v1/changes?since=%lld", next));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/items", "[]");
	CHECK_JSON(r->json, "/next_since", tl_fmt("%lld", next));
	/* With a default since (0), the first page starts at the start. */
	r = tl_get("/v1/changes?limit=1");
	CHECK_JSTR(r->json, "/items/0/id", "a");
}

static void test_feed_parameters_in_range(struct tl_server *srv)
{
	static const char *const bad[] = {
		"since=-1", "since=abc", "since=",  "limit=0",	"limit=501",
		"limit=x",  "wait=61",	 "wait=-1", "wait=1.5",
	};

	(void)srv;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tl_resp *r = tl_get(tl_fmt("/v1/changes?%s", bad[i]));

		if (!CHECK_PROBLEM(r, 422, "validation-failed"))
			fprintf(stderr, "    (%s)\n", bad[i]);
	}
	CHECK_STATUS(tl_get("/v1/changes?limit=500&wait=0&since=0"), 200);
	CHECK_STATUS(tl_get("/v1/changes?limit=1"), 200);
}

/* ---- long poll ---- */

struct poller {
	pthread_t thread;
	long long since;
	int wait;
	long status;
	long long took_ms;
	long long done_at;
	json_t *items; /* owned */
};

static void *poll_feed(void *arg)
{
	struct poller *p = arg;
	struct tl_conn *c = tl_conn_new();
	long long t0 = tl_now_ms();
	struct tl_resp *r = tl_conn_request(
		c, "GET",
		tl_fmt("/v1/changes?since=%lld&wait=%d", p->since, p->wait),
		NULL, NULL, -1, NULL);

	p->done_at = tl_now_ms();
	p->took_ms = p->done_at - t0;
	p->status = r->status;
	p->items = json_incref(tl_at(r->json, "/items"));
	tl_resp_free(r);
	tl_conn_free(c);
	return NULL;
}

static void test_wait_times_out_empty(struct tl_server *srv)
{
	long long next = 0, t0;
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	feed(0, 50, &next);
	t0 = tl_now_ms();
	r = tl_get(tl_fmt("/v1/changes?since=%lld&wait=2", next));
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "/items", "[]");
	CHECK_JSON(r->json, "/next_since", tl_fmt("%lld", next));
	CHECK(tl_now_ms() - t0 >= 1800);
	CHECK(tl_now_ms() - t0 < 6000);
	/* Something there already: no waiting at all. */
	t0 = tl_now_ms();
	r = tl_get("/v1/changes?since=0&wait=20");
	CHECK_STATUS(r, 200);
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 1);
	CHECK(tl_now_ms() - t0 < 2000);
}

static void test_wait_woken_by_commit(struct tl_server *srv)
{
	struct poller p = {.wait = 20};
	long long posted;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	feed(0, 50, &p.since);
	pthread_create(&p.thread, NULL, poll_feed, &p);
	usleep(500 * 1000);
	posted = tl_now_ms();
	CHECK(tl_create("/v1/actors", "{\"id\": \"b\", \"name\": \"B\"}"));
	pthread_join(p.thread, NULL);
	CHECK_INT(p.status, 200);
	CHECK(p.took_ms >= 400); /* it did wait for the commit */
	if (!CHECK(p.done_at - posted < 2000))
		fprintf(stderr, "    woken %lld ms after the POST\n",
			p.done_at - posted);
	CHECK_INT(json_array_size(p.items), 1);
	CHECK_JSTR(p.items, "/0/id", "b");
	CHECK_JSTR(p.items, "/0/op", "create");
	json_decref(p.items);

	/* A failed write commits nothing and wakes no one with news. */
	struct poller q = {.wait = 2, .since = p.since + 1};
	pthread_create(&q.thread, NULL, poll_feed, &q);
	usleep(300 * 1000);
	CHECK_STATUS(tl_post("/v1/actors", "{\"id\": \"b\", \"name\": \"B\"}"),
		     409);
	pthread_join(q.thread, NULL);
	CHECK_INT(q.status, 200);
	CHECK_INT(json_array_size(q.items), 0);
	CHECK(q.took_ms >= 1800);
	json_decref(q.items);
}

#define POLLERS 5

static void test_waiting_holds_no_worker(struct tl_server *unused)
{
	struct tl_server s;
	struct tl_server_opts o = {.threads = 1};
	struct poller p[POLLERS];
	long long since = 0, t0, posted;
	struct tl_resp *r;

	(void)unused;
	tl_server_init(&s);
	if (tl_server_start(&s, &o) != 0) {
		tl_server_destroy(&s);
		return;
	}
	if (!tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"))
		goto out;
	feed(0, 50, &since);
	for (int i = 0; i < POLLERS; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].since = since;
		p[i].wait = 20;
		pthread_create(&p[i].thread, NULL, poll_feed, &p[i]);
	}
	usleep(700 * 1000);
	/* With one worker and five clients waiting, a read still goes
	 * through at once. */
	t0 = tl_now_ms();
	r = tl_get("/v1/actors/a");
	CHECK_STATUS(r, 200);
	if (!CHECK(tl_now_ms() - t0 < 2000))
		fprintf(stderr, "    GET took %lld ms\n", tl_now_ms() - t0);
	t0 = tl_now_ms();
	CHECK_STATUS(tl_get("/v1/actors?limit=5"), 200);
	CHECK(tl_now_ms() - t0 < 2000);
	/* None of the waiters has answered yet. */
	for (int i = 0; i < POLLERS; i++)
		CHECK_INT(__atomic_load_n(&p[i].done_at, __ATOMIC_SEQ_CST), 0);
	/* One POST wakes them all, well within the wait. */
	posted = tl_now_ms();
	CHECK(tl_create("/v1/actors", "{\"id\": \"wake\", \"name\": \"W\"}"));
	for (int i = 0; i < POLLERS; i++) {
		pthread_join(p[i].thread, NULL);
		CHECK_INT(p[i].status, 200);
		if (!CHECK(p[i].done_at - posted < 3000))
			fprintf(stderr,
				"    waiter %d woke %lld ms after "
				"the POST\n",
				i, p[i].done_at - posted);
		CHECK_INT(json_array_size(p[i].items), 1);
		CHECK_JSTR(p[i].items, "/0/id", "wake");
		json_decref(p[i].items);
	}
out:
	CHECK_INT(tl_server_stop(&s), 0);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_history_of_a_lifecycle, TL_SERVER),
		TL_TEST(test_history_for_each_collection, TL_SERVER),
		TL_TEST(test_history_pagination, TL_SERVER),
		TL_TEST(test_no_change_no_version, TL_SERVER),
		TL_TEST(test_change_feed, TL_SERVER),
		TL_TEST(test_feed_parameters_in_range, TL_SERVER),
		TL_TEST(test_wait_times_out_empty, TL_SERVER),
		TL_TEST(test_wait_woken_by_commit, TL_SERVER),
		TL_TEST(test_waiting_holds_no_worker, TL_NO_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
