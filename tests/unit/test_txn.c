/*
 * Unit tests of the write transaction wrapper (handlers/txn.c): a body's
 * success is committed and replied (status, body, Location), a refusal or
 * store error rolls back what the body wrote, a busy store is tried again
 * a bounded number of times (and not for a body that runs once, nor inside
 * a group commit, where the batch holds the lock), and inside a batch a
 * body's writes stay a savepoint of the batch.
 */
#include <stdio.h>
#include <string.h>

#include "handlers/txn.h"
#include "store/store.h"
#include "check.h"

/* What the test body does on each run. */
struct body_plan {
	int busy_runs; /* answer STORE_BUSY this many first runs */
	int refuse;    /* then answer this status (0: succeed) */
	int runs;      /* how many times it ran */
	const char *id;
};

static int64_t count_actors(struct store *st, const char *id)
{
	struct store_stmt *s =
		store_prepare(st, "SELECT count(*) FROM actors WHERE id = ?1");
	store_bind_text(s, 1, id);
	int64_t n = -1;
	if (store_step(s) == STORE_ROW)
		n = store_column_int64(s, 0);
	store_reset(s);
	return n;
}

static int put_body(struct store *st, void *arg, struct reply *rep,
		    struct txn_out *out)
{
	struct body_plan *p = arg;
	p->runs++;
	struct store_stmt *s = store_prepare(
		st,
		"INSERT INTO actors (id, body, computed, version, "
		"created_at, updated_at) VALUES (?1, '{}', '{}', 1, 't', 't')");
	store_bind_text(s, 1, p->id);
	int rc = store_exec_stmt(s);
	if (rc != STORE_OK)
		return rc;
	if (p->runs <= p->busy_runs)
		return STORE_BUSY;
	if (p->refuse)
		return reply_problem(rep, PROBLEM_CONFLICT, "refused");
	out->status = 201;
	out->json = json_pack("{s:s}", "id", p->id);
	out->etag = true;
	snprintf(out->location, sizeof(out->location), "/v1/actors/%s", p->id);
	return 0;
}

static int run(struct store *st, unsigned flags, struct body_plan *p,
	       struct reply *rep)
{
	reply_init(rep);
	return txn_run(st, NULL, rep, flags, put_body, p);
}

static const char *header(const struct reply *rep, const char *name)
{
	for (size_t i = 0; i < rep->nheaders; i++)
		if (strcmp(rep->headers[i].name, name) == 0)
			return rep->headers[i].value;
	return NULL;
}

static void test_commit_and_reply(struct store *st)
{
	struct body_plan p = {.id = "t1"};
	struct reply rep;
	CHECK_INT_EQ(run(st, 0, &p, &rep), 201);
	CHECK_INT_EQ(count_actors(st, "t1"), 1);
	CHECK_STR_EQ(header(&rep, "Location"), "/v1/actors/t1");
	CHECK(header(&rep, "ETag") != NULL);
	CHECK_STR_EQ(json_string_value(json_object_get(rep.body, "id")), "t1");
	reply_release(&rep);
}

static void test_refusal_rolls_back(struct store *st)
{
	struct body_plan p = {.id = "t2", .refuse = 1};
	struct reply rep;
	CHECK_INT_EQ(run(st, 0, &p, &rep), 409);
	CHECK_INT_EQ(count_actors(st, "t2"), 0);
	CHECK(header(&rep, "Location") == NULL);
	reply_release(&rep);
}

static void test_busy_retried_then_given_up(struct store *st)
{
	/* Busy once: the second run commits, the first run's write undone. */
	struct body_plan p = {.id = "t3", .busy_runs = 1};
	struct reply rep;
	CHECK_INT_EQ(run(st, 0, &p, &rep), 201);
	CHECK_INT_EQ(p.runs, 2);
	CHECK_INT_EQ(count_actors(st, "t3"), 1);
	reply_release(&rep);
	/* Busy every time: a bounded number of runs, then 503. */
	p = (struct body_plan){.id = "t4", .busy_runs = 1000};
	CHECK_INT_EQ(run(st, 0, &p, &rep), 503);
	CHECK_INT_EQ(p.runs, 3);
	CHECK_INT_EQ(count_actors(st, "t4"), 0);
	CHECK_STR_EQ(header(&rep, "Retry-After"), "1");
	reply_release(&rep);
	/* A body that runs once is not run again. */
	p = (struct body_plan){.id = "t5", .busy_runs = 1};
	CHECK_INT_EQ(run(st, TXN_ONCE, &p, &rep), 503);
	CHECK_INT_EQ(p.runs, 1);
	CHECK_INT_EQ(count_actors(st, "t5"), 0);
	reply_release(&rep);
}

static void test_inside_a_batch(struct store *st)
{
	CHECK_INT_EQ(store_batch_begin(st), STORE_OK);
	struct body_plan ok = {.id = "b1"};
	struct body_plan busy = {.id = "b2", .busy_runs = 1};
	struct reply rep;
	CHECK_INT_EQ(run(st, 0, &ok, &rep), 201);
	reply_release(&rep);
	/* In a batch a busy body is not retried: its savepoint goes, the
	 * batch and the others' writes stay. */
	CHECK_INT_EQ(run(st, 0, &busy, &rep), 503);
	CHECK_INT_EQ(busy.runs, 1);
	reply_release(&rep);
	CHECK(store_batch_alive(st));
	CHECK_INT_EQ(store_batch_end(st, true), STORE_OK);
	CHECK_INT_EQ(count_actors(st, "b1"), 1);
	CHECK_INT_EQ(count_actors(st, "b2"), 0);
}

int main(void)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return check_finish();
	CHECK_INT_EQ(store_migrate(st, err, sizeof(err)), STORE_OK);
	test_commit_and_reply(st);
	test_refusal_rolls_back(st);
	test_busy_retried_then_given_up(st);
	test_inside_a_batch(st);
	store_close(st);
	return check_finish();
}
