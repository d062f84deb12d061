/*
 * Unit tests of the store's statement cache: a statement a caller holds
 * (prepared and bound, not yet stepped) stays valid however many other
 * statements the connection prepares meanwhile, until the next request
 * releases what the cache dropped.  Run under ASan, a use after free here
 * is a crash (the test includes sqlite3.h only to turn off the lookaside
 * pool that would hide one).
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

int main(void)
{
	/* Without SQLite's lookaside pool every statement is its own
	 * malloc, so ASan sees a use after free instead of a reused slot. */
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
	test_held_statement_survives_eviction();
	return check_finish();
}
