/*
 * Unit tests of the store's statement cache: a statement a caller holds
 * (prepared and bound, not yet stepped) stays valid however many other
 * statements the connection prepares meanwhile, until the next request
 * releases what the cache dropped.  Run under ASan, a use after free here
 * is a crash (the test includes sqlite3.h only to turn off the lookaside
 * pool that would hide one).
 *
 * And group commit: in a batch each caller's transaction is a savepoint
 * (its rollback undoes only its own writes), and the search index, which
 * the schema updates at commit rather than per row, matches the tables
 * after every commit, batched or not.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "check.h"

static void test_held_statement_survives_eviction(void)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return;
	struct store_stmt *held = store_prepare(st, "SELECT ?1 + 1");
	CHECK(held != NULL);
	store_bind_int64(held, 1, 41);
	/* Far more distinct statements than the cache holds. */
	for (int i = 0; i < 600; i++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		struct store_stmt *s = store_prepare(st, sql);
		CHECK(s != NULL);
		CHECK_INT_EQ(store_step(s), STORE_ROW);
		CHECK_INT_EQ(store_column_int64(s, 0), i);
		store_reset(s);
	}
	CHECK_INT_EQ(store_step(held), STORE_ROW);
	CHECK_INT_EQ(store_column_int64(held, 0), 42);
	store_reset(held);
	store_release_retired(st);
	/* Prepared again after the release: a fresh, working statement. */
	held = store_prepare(st, "SELECT ?1 + 1");
	store_bind_int64(held, 1, 1);
	CHECK_INT_EQ(store_step(held), STORE_ROW);
	CHECK_INT_EQ(store_column_int64(held, 0), 2);
	store_reset(held);
	store_close(st);
}

static int64_t count_of(struct store *st, const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	int64_t n = -1;
	if (s && store_step(s) == STORE_ROW)
		n = store_column_int64(s, 0);
	if (s)
		store_reset(s);
	return n;
}

static int put_actor(struct store *st, const char *id, const char *name)
{
	char body[128];
	snprintf(body, sizeof(body), "{\"id\":\"%s\",\"name\":\"%s\"}", id,
		 name);
	struct store_stmt *s = store_prepare(
		st,
		"INSERT INTO actors (id, body, computed, version, "
		"created_at, updated_at) VALUES (?1, ?2, '{}', 1, 't', 't')");
	store_bind_text(s, 1, id);
	store_bind_text(s, 2, body);
	return store_exec_stmt(s);
}

static int64_t hits(struct store *st, const char *word)
{
	struct store_stmt *s = store_prepare(
		st, "SELECT count(*) FROM search WHERE search MATCH ?1");
	store_bind_text(s, 1, word);
	int64_t n = -1;
	if (store_step(s) == STORE_ROW)
		n = store_column_int64(s, 0);
	store_reset(s);
	return n;
}

static void test_batch_savepoints_and_search(void)
{
	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	CHECK(st != NULL);
	if (!st)
		return;
	CHECK_INT_EQ(store_migrate(st, err, sizeof(err)), STORE_OK);

	CHECK_INT_EQ(store_batch_begin(st), STORE_OK);
	/* A caller that commits. */
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a1", "Zephyr"), STORE_OK);
	CHECK_INT_EQ(store_commit(st), STORE_OK);
	/* One that rolls back: only its own write goes. */
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a2", "Quokka"), STORE_OK);
	store_rollback(st);
	/* Ending a read rolls nothing back; a read is already a snapshot. */
	CHECK_INT_EQ(store_begin_read(st), STORE_OK);
	store_rollback(st);
	/* Insert, delete, insert again: the row id is reused. */
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a3", "Wombat"), STORE_OK);
	CHECK_INT_EQ(store_exec_stmt(store_prepare(
			     st, "DELETE FROM actors WHERE id = 'a3'")),
		     STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a4", "Numbat"), STORE_OK);
	CHECK_INT_EQ(store_commit(st), STORE_OK);
	/* One that forgets to end its transaction: rolled back, not kept. */
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a6", "Pangolin"), STORE_OK);
	store_batch_job_done(st);
	CHECK(store_batch_alive(st));
	CHECK_INT_EQ(store_batch_end(st, true), STORE_OK);
	CHECK_INT_EQ(hits(st, "pangolin"), 0);

	CHECK_INT_EQ(count_of(st, "SELECT count(*) FROM actors"), 2);
	CHECK_INT_EQ(count_of(st, "SELECT count(*) FROM search_pending"), 0);
	CHECK_INT_EQ(hits(st, "zephyr"), 1);
	CHECK_INT_EQ(hits(st, "quokka"), 0);
	CHECK_INT_EQ(hits(st, "wombat"), 0);
	CHECK_INT_EQ(hits(st, "numbat"), 1);

	/* Outside a batch: an update and a delete reach the index. */
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(store_exec_stmt(store_prepare(
			     st, "UPDATE actors SET body = json_set(body, "
				 "'$.name', 'Boreas') WHERE id = 'a1'")),
		     STORE_OK);
	CHECK_INT_EQ(store_exec_stmt(store_prepare(
			     st, "DELETE FROM actors WHERE id = 'a4'")),
		     STORE_OK);
	CHECK_INT_EQ(store_commit(st), STORE_OK);
	CHECK_INT_EQ(hits(st, "zephyr"), 0);
	CHECK_INT_EQ(hits(st, "boreas"), 1);
	CHECK_INT_EQ(hits(st, "numbat"), 0);

	/* A batch ended without commit keeps nothing. */
	CHECK_INT_EQ(store_batch_begin(st), STORE_OK);
	CHECK_INT_EQ(store_begin(st), STORE_OK);
	CHECK_INT_EQ(put_actor(st, "a5", "Kestrel"), STORE_OK);
	CHECK_INT_EQ(store_commit(st), STORE_OK);
	CHECK_INT_EQ(store_batch_end(st, false), STORE_OK);
	CHECK_INT_EQ(count_of(st, "SELECT count(*) FROM actors"), 1);
	CHECK_INT_EQ(hits(st, "kestrel"), 0);
	CHECK_INT_EQ(count_of(st, "SELECT count(*) FROM search_pending"), 0);
	store_close(st);
}

int main(void)
{
	/* Without SQLite's lookaside pool every statement is its own
	 * malloc, so ASan sees a use after free instead of a reused slot. */
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
	test_held_statement_survives_eviction();
	test_batch_savepoints_and_search();
	return check_finish();
}
