/*
 * Many clients at once: parallel creates each on its own connection, a
 * race for one client-chosen id, and parallel patches of one resource
 * (no lost update: the version counts every change).
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#define THREADS 8
#define PER_THREAD 25

struct worker {
	pthread_t thread;
	int n;	       /* worker number */
	int created;   /* 201 answers */
	int conflicts; /* 409 answers */
	int other;     /* anything else */
	long last_other;
	int task;
};

enum { TASK_CREATE, TASK_SAME_ID, TASK_PATCH };

static void *work(void *arg)
{
	struct worker *w = arg;
	struct tl_conn *c = tl_conn_new();
	int rounds = w->task == TASK_SAME_ID ? 1 : PER_THREAD;

	for (int i = 0; i < rounds; i++) {
		struct tl_resp *r = NULL;

		if (w->task == TASK_CREATE)
			r = tl_conn_request(
				c, "POST", "/v1/actors", TL_JSON,
				tl_fmt("{\"name\": \"worker %d item %d\"}",
				       w->n, i),
				-1, NULL);
		else if (w->task == TASK_SAME_ID)
			r = tl_conn_request(
				c, "POST", "/v1/actors", TL_JSON,
				tl_fmt("{\"id\": \"same\", \"name\": \"w%d\"}",
				       w->n),
				-1, NULL);
		else
			r = tl_conn_request(
				c, "PATCH", "/v1/actors/target", TL_MERGE,
				tl_fmt("{\"description\": \"w%d i%d\"}", w->n,
				       i),
				-1, NULL);
		if (r->status == 201 ||
		    (w->task == TASK_PATCH && r->status == 200))
			w->created++;
		else if (r->status == 409)
			w->conflicts++;
		else {
			w->other++;
			w->last_other = r->status;
		}
		tl_resp_free(r);
	}
	tl_conn_free(c);
	return NULL;
}

/* Runs THREADS workers on `task`; sums their counts into *sum. */
static void run_workers(int task, struct worker *sum)
{
	struct worker w[THREADS];

	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].n = i;
		w[i].task = task;
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(w[i].thread, NULL);
		sum->created += w[i].created;
		sum->conflicts += w[i].conflicts;
		sum->other += w[i].other;
		if (w[i].other)
			sum->last_other = w[i].last_other;
	}
}

static void check_parallel_creates(void)
{
	struct worker sum;
	json_t *all, *seen, *it;
	size_t i;

	run_workers(TASK_CREATE, &sum);
	CHECK_INT(sum.created, THREADS * PER_THREAD);
	if (!CHECK_INT(sum.other, 0))
		fprintf(stderr, "    (last unexpected status %ld)\n",
			sum.last_other);
	all = tl_list_all("/v1/actors", 500);
	REQUIRE(all != NULL);
	CHECK_INT(json_array_size(all), THREADS * PER_THREAD);
	/* Every name exactly once, every id distinct. */
	seen = tl_json("{}");
	json_array_foreach(all, i, it)
	{
		const char *name = tl_str(it, "/name");
		const char *id = tl_str(it, "/id");

		CHECK(name && !json_object_get(seen, name));
		CHECK(id && !json_object_get(seen, id));
		if (name)
			json_object_set_new(seen, name, json_true());
		if (id)
			json_object_set_new(seen, id, json_true());
	}
	for (int w = 0; w < THREADS; w++)
		for (int n = 0; n < PER_THREAD; n++)
			CHECK(json_object_get(seen, tl_fmt("worker %d item %d",
							   w, n)) != NULL);
	/* Each worker's items are in its own creation order. */
	for (int w = 0; w < THREADS; w++) {
		int next = 0;

		json_array_foreach(all, i, it)
		{
			const char *name = tl_str(it, "/name");
			int ww, nn;

			if (name &&
			    sscanf(name, "worker %d item %d", &ww, &nn) == 2 &&
			    ww == w) {
				CHECK_INT(nn, next);
				next = nn + 1;
			}
		}
	}
}

static void test_parallel_creates(struct tl_server *srv)
{
	(void)srv;
	check_parallel_creates();
}

static void test_parallel_creates_with_threads_option(struct tl_server *srv)
{
	struct tl_server s;
	struct tl_server_opts o = {.threads = 4};

	(void)srv;
	tl_server_init(&s);
	if (tl_server_start(&s, &o) == 0)
		check_parallel_creates();
	CHECK_INT(tl_server_stop(&s), 0);
	tl_server_destroy(&s);
}

static void test_race_for_one_id(struct tl_server *srv)
{
	struct worker sum;

	(void)srv;
	run_workers(TASK_SAME_ID, &sum);
	CHECK_INT(sum.created, 1);
	CHECK_INT(sum.conflicts, THREADS - 1);
	CHECK_INT(sum.other, 0);
	CHECK_INT(json_array_size(tl_list_all("/v1/actors", 50)), 1);
	CHECK_JSON(tl_get("/v1/actors/same")->json, "/version", "1");
}

static void test_parallel_patches_lose_nothing(struct tl_server *srv)
{
	struct worker sum;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"target\", \"name\": \"T\"}"));
	run_workers(TASK_PATCH, &sum);
	CHECK_INT(sum.created, THREADS * PER_THREAD);
	CHECK_INT(sum.other, 0);
	CHECK_JSON(tl_get("/v1/actors/target")->json, "/version",
		   tl_fmt("%d", 1 + THREADS * PER_THREAD));
	CHECK_JSTR(tl_get("/v1/actors/target")->json, "/name", "T");
}

struct writer {
	pthread_t thread;
	int n;
	json_t *acked; /* ids answered 201, owned by the writer */
	int failed;    /* transport failures (server gone) */
	int other;     /* any other status */
};

static volatile int writers_stop;

static void *write_until_stopped(void *arg)
{
	struct writer *w = arg;
	struct tl_conn *c = tl_conn_new();

	for (int i = 0; !__atomic_load_n(&writers_stop, __ATOMIC_SEQ_CST);
	     i++) {
		struct tl_resp *r = tl_conn_request(
			c, "POST", "/v1/actors", TL_JSON,
			tl_fmt("{\"id\": \"w%d-%d\", \"name\": \"n\"}", w->n,
			       i),
			-1, NULL);

		if (r->status == 201)
			json_array_append_new(
				w->acked, json_string(tl_str(r->json, "/id")));
		else if (r->status == 0 || r->status == 503)
			w->failed++; /* cut off, or refused as the server stops */
		else
			w->other++;
		tl_resp_free(r);
	}
	tl_conn_free(c);
	return NULL;
}

static void test_sigterm_under_load_keeps_acked_writes(struct tl_server *srv)
{
	struct writer w[THREADS];
	json_t *all, *ids = tl_json("{}"), *it;
	size_t i, acked = 0;
	int other = 0;

	writers_stop = 0;
	for (int k = 0; k < THREADS; k++) {
		w[k].n = k;
		w[k].acked = json_array();
		w[k].failed = w[k].other = 0;
		pthread_create(&w[k].thread, NULL, write_until_stopped, &w[k]);
	}
	usleep(400 * 1000);
	/* SIGTERM while requests are in flight: a clean exit, status 0. */
	CHECK_INT(tl_server_stop(srv), 0);
	__atomic_store_n(&writers_stop, 1, __ATOMIC_SEQ_CST);
	for (int k = 0; k < THREADS; k++)
		pthread_join(w[k].thread, NULL);
	REQUIRE(tl_server_start(srv, NULL) == 0);
	all = tl_list_all("/v1/actors", 500);
	json_array_foreach(all, i, it)
		json_object_set(ids, tl_str(it, "/id"), json_true());
	for (int k = 0; k < THREADS; k++) {
		json_array_foreach(w[k].acked, i, it)
		{
			acked++;
			if (!json_object_get(ids, json_string_value(it)))
				tl_fail(__FILE__, __LINE__,
					"acknowledged write %s lost",
					json_string_value(it));
		}
		other += w[k].other;
		json_decref(w[k].acked);
	}
	CHECK(acked > 0);
	/* Nothing half-done either: no more stored than acknowledged plus
	 * the writes cut off in flight (at most one per writer). */
	CHECK(json_array_size(all) >= acked &&
	      json_array_size(all) <= acked + THREADS);
	if (!CHECK_INT(other, 0))
		fprintf(stderr, "    (requests answered neither 201, 503 "
				"nor nothing)\n");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_parallel_creates, TL_SERVER),
		TL_TEST(test_parallel_creates_with_threads_option,
			TL_NO_SERVER),
		TL_TEST(test_race_for_one_id, TL_SERVER),
		TL_TEST(test_parallel_patches_lose_nothing, TL_SERVER),
		TL_TEST(test_sigterm_under_load_keeps_acked_writes, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
