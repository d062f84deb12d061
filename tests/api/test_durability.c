/*
 * Durability (issue 4): an acknowledged write survives kill -9.  Each
 * round starts the server on the same store, has WRITERS threads create
 * actors and claims with ids of their own, SIGKILLs the server at a
 * random moment mid-load, checks the store file with
 * PRAGMA integrity_check while no server runs, restarts, and checks that
 * every id answered 201 is there -- and that no more is there than was
 * acknowledged plus at most one request in flight per writer.
 */
#include "tests/lib/testlib.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

#define ROUNDS 20
#define WRITERS 4

struct writer {
	pthread_t thread;
	int round, n;
	json_t *acked; /* ["actors/id" | "claims/id"], owned */
	int nacked;    /* json_array_size(acked), readable by others */
	int other;     /* statuses other than 201 and 0 */
	long last_other;
};

static int stop_flag;

static void *write_until_killed(void *arg)
{
	struct writer *w = arg;
	struct tl_conn *c = tl_conn_new();

	for (int i = 0; !__atomic_load_n(&stop_flag, __ATOMIC_SEQ_CST); i++) {
		bool claim = i % 2 == 1;
		char id[64];
		struct tl_resp *r;

		snprintf(id, sizeof(id), "r%d-w%d-%d", w->round, w->n, i);
		r = claim ? tl_conn_request(
				    c, "POST", "/v1/claims", TL_JSON,
				    tl_fmt("{\"id\": \"%s\", \"claimant\": "
					   "\"anchor\", \"text\": \"said %d\"}",
					   id, i),
				    -1, NULL)
			  : tl_conn_request(
				    c, "POST", "/v1/actors", TL_JSON,
				    tl_fmt("{\"id\": \"%s\", \"name\": \"n%d\"}",
					   id, i),
				    -1, NULL);
		if (r->status == 201) {
			json_array_append_new(
				w->acked,
				json_string(tl_fmt("%s/%s",
						   claim ? "claims" : "actors",
						   id)));
			__atomic_add_fetch(&w->nacked, 1, __ATOMIC_SEQ_CST);
		} else if (r->status != 0) {
			w->other++;
			w->last_other = r->status;
		}
		tl_resp_free(r);
	}
	tl_conn_free(c);
	return NULL;
}

static size_t acked_so_far(struct writer *w)
{
	size_t n = 0;

	for (int k = 0; k < WRITERS; k++)
		n += (size_t)__atomic_load_n(&w[k].nacked, __ATOMIC_SEQ_CST);
	return n;
}

/* SIGKILL, reap, and mark the server stopped. */
static void kill9(struct tl_server *s)
{
	int st;

	kill(s->pid, SIGKILL);
	waitpid(s->pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	s->pid = 0;
	if (s->out_fd >= 0) {
		close(s->out_fd);
		s->out_fd = -1;
	}
}

static bool integrity_ok(const char *db)
{
	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	struct store_stmt *q;
	bool ok = false;

	if (!st) {
		tl_fail(__FILE__, __LINE__, "store_open %s: %s", db, err);
		return false;
	}
	q = store_prepare(st, "PRAGMA integrity_check");
	if (q && store_step(q) == STORE_ROW) {
		const char *v = store_column_text(q, 0);

		ok = v && strcmp(v, "ok") == 0;
		if (!ok)
			tl_fail(__FILE__, __LINE__, "integrity_check: %s",
				v ? v : "(null)");
		/* "ok" is the only row when all is well */
		CHECK_INT(store_step(q), STORE_DONE);
	} else {
		tl_fail(__FILE__, __LINE__, "PRAGMA integrity_check failed");
	}
	if (q)
		store_reset(q);
	store_close(st);
	return ok;
}

/* Ids stored now under `prefix` in actors and claims, as a set. */
static json_t *stored_ids(const char *prefix)
{
	json_t *set = tl_json("{}");
	static const char *const colls[] = {"actors", "claims"};

	for (int c = 0; c < 2; c++) {
		json_t *all = tl_list_all(tl_fmt("/v1/%s", colls[c]), 500);
		json_t *it;
		size_t i;

		if (!all)
			return NULL;
		json_array_foreach(all, i, it)
		{
			const char *id = tl_str(it, "/id");

			if (id && strncmp(id, prefix, strlen(prefix)) == 0)
				json_object_set_new(
					set, tl_fmt("%s/%s", colls[c], id),
					json_true());
		}
	}
	return set;
}

static void test_acknowledged_writes_survive_kill9(struct tl_server *unused)
{
	struct tl_server s;
	json_t *all_acked = tl_json("[]");
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	size_t total = 0, lost = 0, integrity_checks = 0;
	int rounds_done = 0, other = 0;
	long long t_start = tl_now_ms();

	(void)unused;
	fprintf(stderr, "  seed %u\n", seed);
	tl_server_init(&s);
	if (tl_server_start(&s, NULL) != 0)
		goto out;
	if (!tl_create("/v1/actors", "{\"id\": \"anchor\", \"name\": \"A\"}"))
		goto out;

	for (int round = 0; round < ROUNDS; round++) {
		struct writer w[WRITERS];
		size_t round_acked = 0;
		json_t *have, *it;
		size_t i;
		const char *prefix = tl_fmt("r%d-", round);

		if (s.pid == 0 && tl_server_start(&s, NULL) != 0)
			break;
		__atomic_store_n(&stop_flag, 0, __ATOMIC_SEQ_CST);
		for (int k = 0; k < WRITERS; k++) {
			memset(&w[k], 0, sizeof(w[k]));
			w[k].round = round;
			w[k].n = k;
			w[k].acked = json_array();
		}
		for (int k = 0; k < WRITERS; k++)
			pthread_create(&w[k].thread, NULL, write_until_killed,
				       &w[k]);
		/* Mid-load: after the first acknowledgements, then a random
		 * 20..800 ms more. */
		for (int t = 0; t < 2000 && acked_so_far(w) < WRITERS; t++)
			usleep(1000);
		usleep((useconds_t)(20000 + rand_r(&seed) % 780000));
		kill9(&s);
		__atomic_store_n(&stop_flag, 1, __ATOMIC_SEQ_CST);
		for (int k = 0; k < WRITERS; k++) {
			pthread_join(w[k].thread, NULL);
			other += w[k].other;
			if (w[k].other)
				fprintf(stderr, "  writer %d: status %ld\n", k,
					w[k].last_other);
		}

		/* The file as the crash left it. */
		integrity_checks += integrity_ok(s.db);

		if (tl_server_start(&s, NULL) != 0) {
			for (int k = 0; k < WRITERS; k++)
				json_decref(w[k].acked);
			break;
		}
		have = stored_ids(prefix);
		for (int k = 0; k < WRITERS; k++) {
			json_array_foreach(w[k].acked, i, it)
			{
				const char *id = json_string_value(it);

				round_acked++;
				json_array_append(all_acked, it);
				if (!have || !json_object_get(have, id)) {
					lost++;
					tl_fail(__FILE__, __LINE__,
						"round %d: acknowledged %s lost",
						round, id);
				}
			}
			json_decref(w[k].acked);
		}
		/* Nothing made up: at most one unanswered write per writer. */
		if (have &&
		    !CHECK(json_object_size(have) <= round_acked + WRITERS))
			fprintf(stderr, "  round %d: %zu stored, %zu acked\n",
				round, json_object_size(have), round_acked);
		CHECK(round_acked > 0);
		total += round_acked;
		rounds_done++;
		if (tl_now_ms() - t_start > 50000) {
			fprintf(stderr,
				"  time budget reached after %d rounds\n",
				rounds_done);
			break;
		}
	}

	/* At the end, everything acknowledged in any round is still there. */
	if (s.pid > 0) {
		json_t *have = stored_ids("r");
		json_t *it;
		size_t i;

		json_array_foreach(
			all_acked, i,
			it) if (!have ||
				!json_object_get(have, json_string_value(it)))
			tl_fail(__FILE__, __LINE__,
				"acknowledged %s lost by the end",
				json_string_value(it));
		CHECK_STATUS(tl_get("/v1/actors/anchor"), 200);
		CHECK_INT(tl_server_stop(&s), 0);
		integrity_checks += integrity_ok(s.db);
	}
	CHECK_INT(other, 0);
	CHECK_INT(lost, 0);
	CHECK(rounds_done >= 10);
	printf("durability: %d kill -9 rounds, %zu acknowledged writes "
	       "checked, %zu lost, %zu integrity checks ok\n",
	       rounds_done, total, lost, integrity_checks);
out:
	if (s.pid > 0)
		tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_acknowledged_writes_survive_kill9, TL_NO_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
