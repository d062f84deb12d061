/*
 * The store: SQLite connections, prepared statements and transactions.
 * This is the only code that includes sqlite3.h.  Callers write literal SQL
 * with bound parameters; statements are prepared once per connection and
 * kept in a per-connection cache, so callers never finalize anything.
 *
 * A connection belongs to one thread at a time.  The server keeps one per
 * worker thread (store_thread()).
 */
#ifndef CLAIMLINE_STORE_H
#define CLAIMLINE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_stmt;

enum store_rc {
	STORE_OK = 0,
	STORE_ROW = 1,	/* store_step: a row is ready */
	STORE_DONE = 2, /* store_step: no more rows */
	STORE_CONSTRAINT =
		-1,	  /* a UNIQUE/CHECK/FOREIGN KEY constraint failed */
	STORE_BUSY = -2,  /* the store stayed locked past the busy timeout */
	STORE_ERROR = -3, /* anything else; logged where it happened */
};

/*
 * Opens (creating if needed) the store at `path`, sets WAL,
 * synchronous=FULL, foreign_keys=ON and a busy timeout, and registers the
 * SQL functions the schema uses.  Does not migrate.  On failure returns
 * NULL and writes one line naming the problem into `err`.
 */
struct store *store_open(const char *path, char *err, size_t errsz);

/* Finalizes every cached statement and closes the connection. */
void store_close(struct store *st);

/*
 * Applies the embedded migrations newer than PRAGMA user_version, all in
 * one transaction.  Returns STORE_OK or an error with a line in `err`.
 */
int store_migrate(struct store *st, char *err, size_t errsz);

/* The schema version the binary knows (the number of migrations). */
int store_schema_version(void);

/*
 * Per-thread connections for the server's worker threads.  store_thread_init
 * records the path once at start; store_thread() opens this thread's
 * connection on first use and closes it when the thread exits.  Returns
 * NULL (and logs) when it cannot be opened.
 */
int store_thread_init(const char *path);
struct store *store_thread(void);
/* The path recorded by store_thread_init (borrowed). */
const char *store_thread_path(void);

/* Transactions.  store_begin() is BEGIN IMMEDIATE: a write transaction
 * taken at once, waiting up to the busy timeout. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* Read transactions give a consistent snapshot across several queries. */
int store_begin_read(struct store *st);

/*
 * Group commit: several writers' transactions in one SQLite transaction,
 * so that they share one fsync.  Between store_batch_begin (BEGIN
 * IMMEDIATE) and store_batch_end, store_begin/commit/rollback are a
 * savepoint of their own (a rollback undoes only that caller's writes),
 * store_begin_read is already satisfied, and the commit hook runs once,
 * at the end.  store_batch_end COMMITs (commit true) or rolls everything
 * back; STORE_OK only when the batch is durably committed.
 * store_batch_alive is false once SQLite rolled the batch back by itself
 * (an I/O error): nothing of it will be kept.
 */
int store_batch_begin(struct store *st);
/* After each caller in a batch: a savepoint it left open (a bug) is
 * rolled back, and logged, rather than committed with the batch. */
void store_batch_job_done(struct store *st);
bool store_batch_alive(struct store *st);
/* Whether a group commit is open on `st` (store_begin is a savepoint). */
bool store_in_batch(const struct store *st);
int store_batch_end(struct store *st, bool commit);

/*
 * The checkpointer: a thread with its own connection that copies the WAL
 * back into the database whenever a commit finds it past 1,000 frames, so
 * the committing thread does not.  Without it, connections checkpoint
 * inline as SQLite does by default.  Stop it before the final checkpoint.
 */
int store_checkpointer_start(const char *path, char *err, size_t errsz);
void store_checkpointer_stop(void);

/*
 * Returns the cached statement for the literal `sql`, preparing it on first
 * use; it is reset and its bindings cleared.  Borrowed: valid until the
 * next store_prepare of the same SQL, store_release_retired() or
 * store_close.  NULL on a prepare error (logged with the SQL).
 */
struct store_stmt *store_prepare(struct store *st, const char *sql);

/* Finalizes the statements the cache dropped (see store_prepare); only
 * when no caller holds a statement of this connection.  store_thread()
 * does it at the start of each request. */
void store_release_retired(struct store *st);

/* Binding, 1-based like SQLite.  `text` is copied. NULL text binds NULL. */
void store_bind_text(struct store_stmt *s, int idx, const char *text);
void store_bind_textn(struct store_stmt *s, int idx, const char *text,
		      size_t len);
void store_bind_int64(struct store_stmt *s, int idx, int64_t v);
void store_bind_null(struct store_stmt *s, int idx);
void store_bind_blob(struct store_stmt *s, int idx, const void *data,
		     size_t len);
/* Binds by parameter name (":q"); a name the SQL lacks is ignored. */
void store_bind_text_named(struct store_stmt *s, const char *name,
			   const char *text);
void store_bind_int64_named(struct store_stmt *s, const char *name, int64_t v);
void store_bind_double_named(struct store_stmt *s, const char *name, double v);
double store_column_double(struct store_stmt *s, int col);

/* Steps: STORE_ROW, STORE_DONE or an error (logged, statement reset). */
int store_step(struct store_stmt *s);

/* Column access on a row.  Text is borrowed until the next step/reset. */
const char *store_column_text(struct store_stmt *s, int col);
size_t store_column_bytes(struct store_stmt *s, int col);
int64_t store_column_int64(struct store_stmt *s, int col);
bool store_column_is_null(struct store_stmt *s, int col);

/* Resets the statement (releasing its locks) and clears bindings. */
void store_reset(struct store_stmt *s);

/* Runs a statement that returns no rows: STORE_OK or an error. */
int store_exec_stmt(struct store_stmt *s);

/* Runs literal `sql` with `id` bound to ?1: 1 when it yields a row, 0 when
 * not, or a store error (< 0). */
int store_row_exists(struct store *st, const char *sql, const char *id);

/* The last error message of this connection (borrowed, until the next
 * call into the store): for logs and tools, never for a client. */
const char *store_errmsg(struct store *st);

/* Sets the function called after every successful COMMIT of a write
 * transaction, from the committing thread (NULL: none). */
void store_set_commit_hook(void (*hook)(void));

/* Rows changed by the last write on this connection. */
int64_t store_changes(struct store *st);

/*
 * For a clean shutdown, once every other connection is closed: opens a
 * fresh connection to the existing store at `path` (never creating one),
 * moves the whole write-ahead log into the database and truncates it
 * (PRAGMA wal_checkpoint(TRUNCATE)), and closes.  Returns STORE_OK, or an
 * error with one line in `err`.
 */
int store_checkpoint(const char *path, char *err, size_t errsz);

/* ---- bulk writes ---- */

/*
 * Sets this connection's page cache to `size` (as PRAGMA cache_size: KiB
 * when negative, pages when positive) and returns the size it had, to put
 * back.  A large transaction whose dirty pages fit in the cache writes
 * them to the log once, at its commit; one whose pages do not spills them
 * to the log as the cache fills and reads them back for every later
 * change.  Takes effect inside a transaction too; shrinking frees what is
 * over the size as pages are released.
 */
int64_t store_cache_size(struct store *st, int64_t size);

#endif
