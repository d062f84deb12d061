/*
 * The store layer: the one place that talks to SQLite.  It opens
 * connections with the settings durability needs (WAL, synchronous=FULL,
 * foreign keys, busy timeout), applies the embedded migrations, keeps a
 * per-connection cache of prepared statements, and gives each server worker
 * thread a connection of its own.
 */
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"

#define STORE_BUSY_TIMEOUT_MS 10000
#define STMT_CACHE_SIZE 256 /* a power of two */

struct cached_stmt {
	char *sql; /* owned; NULL for a free slot */
	uint64_t hash;
	sqlite3_stmt *stmt; /* owned */
};

struct store {
	sqlite3 *db;
	bool log_plans; /* CLAIMLINE_LOG_QUERY_PLANS: for the plan tests */
	/* Statements dropped from the cache while a caller may still hold
	 * them (prepared, not yet stepped): finalized at the next request. */
	struct cached_stmt *retired;
	size_t nretired, retired_cap;
	size_t ncached;
	/* A group commit is open (store_batch_begin): transactions of the
	 * callers are savepoints in it, `depth` of them open now. */
	bool batch;
	int depth;
	bool has_pending; /* the schema defers search indexing (008) */
	struct cached_stmt cache[STMT_CACHE_SIZE];
};

/* struct store_stmt is never defined: a store_stmt pointer is the
 * sqlite3_stmt itself, so callers cannot reach SQLite. */
static sqlite3_stmt *raw(struct store_stmt *s)
{
	return (sqlite3_stmt *)s;
}

/* ---- case-insensitive substring search, for the `q` list filters ---- */

/* Decodes one UTF-8 code point; a bad byte counts as itself. */
static uint32_t utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];
	int extra = 0;
	if (c >= 0xf0 && c < 0xf8) {
		c &= 0x07;
		extra = 3;
	} else if (c >= 0xe0) {
		c &= 0x0f;
		extra = 2;
	} else if (c >= 0xc0) {
		c &= 0x1f;
		extra = 1;
	}
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return s[0];
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	*p = s + 1 + extra;
	return c;
}

/* Lower-cases the scripts whose case our users type: Latin, Greek and
 * Cyrillic.  Scripts without case (Hangul, CJK) pass unchanged. */
static uint32_t fold_case(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xc0)
		return c;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3ab && c != 0x3a2) ||
	    (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0x100 && c <= 0x17f && !(c & 1))
		return c + 1; /* Latin Extended-A pairs, close enough */
	return c;
}

/* Writes the case-folded code points of `s` into a new array. */
static uint32_t *fold_string(const unsigned char *s, size_t *n)
{
	size_t len = strlen((const char *)s);
	uint32_t *out = malloc((len + 1) * sizeof(*out));
	if (!out)
		return NULL;
	size_t k = 0;
	while (*s)
		out[k++] = fold_case(utf8_next(&s));
	*n = k;
	return out;
}

static void sql_contains_ci(sqlite3_context *ctx, int argc,
			    sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *hay = sqlite3_value_text(argv[0]);
	const unsigned char *needle = sqlite3_value_text(argv[1]);
	if (!hay || !needle) {
		sqlite3_result_null(ctx);
		return;
	}
	size_t nh = 0, nn = 0;
	uint32_t *h = fold_string(hay, &nh);
	uint32_t *n = fold_string(needle, &nn);
	int found = 0;
	if (!h || !n) {
		sqlite3_result_error_nomem(ctx);
		goto done;
	}
	for (size_t i = 0; nn <= nh && i <= nh - nn && !found; i++)
		if (memcmp(h + i, n, nn * sizeof(*n)) == 0)
			found = 1;
	sqlite3_result_int(ctx, found);
done:
	free(h);
	free(n);
}

/* ---- connections ---- */

static int exec_simple(sqlite3 *db, const char *sql, char *err, size_t errsz)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Process-wide settings, before SQLite initializes itself.  Memory
 * statistics are off: they put every allocation of every connection
 * behind one global mutex, which the worker threads then contend on.
 * Each connection is used by one thread at a time (NOMUTEX below). */
/* ---- the search tokenizer (schema/009) ---- */

/*
 * `claimline`: the words of `unicode61 remove_diacritics 2`, each indexed
 * as its English stem (`porter`, which leaves other scripts as they are)
 * and, at the same position, as written when that differs.  A query
 * looks a plain string up by its stems (`killed` finds "kill"), a prefix
 * by the word as typed (`liberat*` finds "liberated", whose stem `liber`
 * is shorter than what was typed).  Colocated tokens do not count toward
 * a column's length, so bm25 sees the same lengths as with porter alone.
 */
struct stem_tokenizer {
	fts5_tokenizer word_api, stem_api;
	Fts5Tokenizer *words, *stems; /* owned */
};

/* One call of xTokenize: where the tokens go, and the word being stemmed. */
struct stem_run {
	struct stem_tokenizer *t;
	void *ctx;
	int (*emit)(void *, int, const char *, int, int, int);
	int flags;
	const char *word;
	int nword, start, end, nstems;
	bool differs;
};

static void stem_delete(Fts5Tokenizer *p)
{
	struct stem_tokenizer *t = (struct stem_tokenizer *)p;
	if (!t)
		return;
	if (t->words)
		t->word_api.xDelete(t->words);
	if (t->stems)
		t->stem_api.xDelete(t->stems);
	sqlite3_free(t);
}

static int stem_create(void *api_ptr, const char **argv, int argc,
		       Fts5Tokenizer **out)
{
	static const char *word_args[] = {"remove_diacritics", "2"};
	static const char *stem_args[] = {"unicode61", "remove_diacritics",
					  "2"};
	fts5_api *api = api_ptr;
	struct stem_tokenizer *t = sqlite3_malloc(sizeof(*t));
	void *ctx = NULL;
	(void)argv;
	*out = NULL;
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof(*t));
	int rc = argc ? SQLITE_ERROR : SQLITE_OK; /* it takes no options */
	if (rc == SQLITE_OK)
		rc = api->xFindTokenizer(api, "unicode61", &ctx, &t->word_api);
	if (rc == SQLITE_OK)
		rc = t->word_api.xCreate(ctx, word_args, 2, &t->words);
	if (rc == SQLITE_OK)
		rc = api->xFindTokenizer(api, "porter", &ctx, &t->stem_api);
	if (rc == SQLITE_OK)
		rc = t->stem_api.xCreate(ctx, stem_args, 3, &t->stems);
	if (rc != SQLITE_OK) {
		stem_delete((Fts5Tokenizer *)t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static int on_stem(void *p, int tflags, const char *stem, int n, int start,
		   int end)
{
	struct stem_run *r = p;
	(void)tflags;
	(void)start;
	(void)end;
	/* A folded word is one token; should it ever split, its first
	 * piece stands for it, so positions stay one per word. */
	if (r->nstems++)
		return SQLITE_OK;
	r->differs = n != r->nword || memcmp(stem, r->word, (size_t)n) != 0;
	return r->emit(r->ctx, 0, stem, n, r->start, r->end);
}

static int on_word(void *p, int tflags, const char *word, int n, int start,
		   int end)
{
	struct stem_run *r = p;
	(void)tflags;
	/* A prefix is looked up as typed.  Auxiliary functions (snippet)
	 * walk the tokens only for their positions and offsets, which the
	 * word gives alone: stemming a long source text for a snippet is
	 * work for nothing. */
	if (r->flags & (FTS5_TOKENIZE_PREFIX | FTS5_TOKENIZE_AUX))
		return r->emit(r->ctx, 0, word, n, start, end);
	r->word = word;
	r->nword = n;
	r->start = start;
	r->end = end;
	r->nstems = 0;
	r->differs = false;
	int rc = r->t->stem_api.xTokenize(r->t->stems, r, r->flags, word, n,
					  on_stem);
	if (rc != SQLITE_OK)
		return rc;
	if (!r->nstems)
		return r->emit(r->ctx, 0, word, n, start, end);
	if (r->differs && !(r->flags & FTS5_TOKENIZE_QUERY))
		return r->emit(r->ctx, FTS5_TOKEN_COLOCATED, word, n, start,
			       end);
	return SQLITE_OK;
}

static int stem_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
			 const char *text, int n,
			 int (*emit)(void *, int, const char *, int, int, int))
{
	struct stem_run r = {
		.t = (struct stem_tokenizer *)p,
		.ctx = ctx,
		.emit = emit,
		.flags = flags,
	};
	return r.t->word_api.xTokenize(r.t->words, &r, flags, text, n, on_word);
}

/* Registers the tokenizer on every connection the process opens (an
 * auto-extension), so any program linking the store reads the index. */
static int register_search_tokenizer(sqlite3 *db, char **err,
				     const struct sqlite3_api_routines *api)
{
	static fts5_tokenizer stem_api = {stem_create, stem_delete,
					  stem_tokenize};
	fts5_api *fts = NULL;
	sqlite3_stmt *s = NULL;
	(void)err;
	(void)api;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) !=
	    SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(s, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	if (!fts)
		return SQLITE_ERROR;
	return fts->xCreateTokenizer(fts, "claimline", fts, &stem_api, NULL);
}

static void store_global_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_auto_extension((void (*)(void))register_search_tokenizer);
}

static pthread_once_t store_global_once = PTHREAD_ONCE_INIT;

/* ---- checkpoints, off the writer's path ---- */

/* The WAL size (frames) that asks for a checkpoint: SQLite's default. */
#define CHECKPOINT_FRAMES 1000
/* Past this, the committing thread finishes the checkpoint itself.  A
 * checkpoint running beside a steady writer never catches up with the
 * WAL's end, and SQLite restarts the WAL from its start only after one
 * that did: without this the WAL would grow as long as writes go on.
 * By then most of it is copied, so what is left is short. */
#define CHECKPOINT_INLINE_FRAMES 4000

static pthread_mutex_t ckpt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ckpt_wake = PTHREAD_COND_INITIALIZER;
static bool ckpt_running, ckpt_stopping, ckpt_wanted;
static pthread_t ckpt_thread;

/* Replaces SQLite's autocheckpoint.  With the checkpointer running, the
 * committing thread only asks for a checkpoint: copying the WAL back into
 * the database and its fsync then happen on another core while writes go
 * on.  Without it (the CLI, tests of the store) it checkpoints inline,
 * as SQLite would. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)arg;
	if (frames < CHECKPOINT_FRAMES)
		return SQLITE_OK;
	pthread_mutex_lock(&ckpt_lock);
	bool delegated = ckpt_running && !ckpt_stopping &&
			 frames < CHECKPOINT_INLINE_FRAMES;
	if (delegated) {
		ckpt_wanted = true;
		pthread_cond_signal(&ckpt_wake);
	}
	pthread_mutex_unlock(&ckpt_lock);
	if (!delegated)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
					  NULL, NULL);
	return SQLITE_OK;
}

static void *checkpointer_main(void *arg)
{
	struct store *st = arg;
	pthread_mutex_lock(&ckpt_lock);
	for (;;) {
		while (!ckpt_wanted && !ckpt_stopping)
			pthread_cond_wait(&ckpt_wake, &ckpt_lock);
		if (ckpt_stopping)
			break;
		ckpt_wanted = false;
		pthread_mutex_unlock(&ckpt_lock);
		/* PASSIVE: copies what no reader still needs, never waits
		 * for or blocks the writer. */
		int rc = sqlite3_wal_checkpoint_v2(
			st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			fprintf(stderr, "claimline: checkpoint: %s\n",
				sqlite3_errmsg(st->db));
		pthread_mutex_lock(&ckpt_lock);
	}
	pthread_mutex_unlock(&ckpt_lock);
	store_close(st);
	return NULL;
}

struct store *store_open(const char *path, char *err, size_t errsz)
{
	pthread_once(&store_global_once, store_global_init);
	struct store *st = calloc(1, sizeof(*st));
	char why[256];
	if (!st) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	int rc = sqlite3_open_v2(path, &st->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s",
			 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_wal_hook(st->db, wal_hook, NULL);
	st->log_plans = getenv("CLAIMLINE_LOG_QUERY_PLANS") != NULL;
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* journal_mode touches the file, so an unusable path fails here. */
	if (exec_simple(st->db,
			"PRAGMA journal_mode = WAL;"
			"PRAGMA synchronous = FULL;"
			"PRAGMA foreign_keys = ON;"
			/* 16 MiB of pages per connection: hot index and
			 * table pages stay in memory between requests. */
			"PRAGMA cache_size = -16384;",
			why, sizeof(why)) != 0)
		goto fail;
	rc = sqlite3_create_function(st->db, "contains_ci", 2,
				     SQLITE_UTF8 | SQLITE_DETERMINISTIC |
					     SQLITE_INNOCUOUS,
				     NULL, sql_contains_ci, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof(why), "%s", sqlite3_errmsg(st->db));
		goto fail;
	}
	return st;
fail:
	snprintf(err, errsz, "cannot open store %s: %s", path, why);
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
	}
	store_release_retired(st);
	free(st->retired);
	sqlite3_close(st->db);
	free(st);
}

int store_schema_version(void)
{
	int n = 0;
	while (schema_migrations[n].name)
		n++;
	return n;
}

static int finish_write(struct store *st);

int store_migrate(struct store *st, char *err, size_t errsz)
{
	char why[256] = "";
	sqlite3_stmt *stmt = NULL;
	int known = store_schema_version();
	int current = 0;

	if (exec_simple(st->db, "BEGIN IMMEDIATE", why, sizeof(why)) != 0)
		goto fail;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(why, sizeof(why), "%s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	current = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (current > known) {
		snprintf(why, sizeof(why),
			 "its schema version %d is newer than this binary's %d",
			 current, known);
		goto rollback;
	}
	for (int i = current; i < known; i++) {
		if (exec_simple(st->db, schema_migrations[i].data, why,
				sizeof(why)) != 0)
			goto rollback;
	}
	/* PRAGMA takes no parameters; the value is our own integer. */
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", known);
	if (finish_write(st) != STORE_OK) {
		snprintf(why, sizeof(why), "%s", sqlite3_errmsg(st->db));
		goto rollback;
	}
	if (exec_simple(st->db, pragma, why, sizeof(why)) != 0 ||
	    exec_simple(st->db, "COMMIT", why, sizeof(why)) != 0)
		goto rollback;
	return STORE_OK;
rollback:
	sqlite3_finalize(stmt);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	snprintf(err, errsz, "cannot migrate store: %s", why);
	return STORE_ERROR;
}

/* ---- per-thread connections ---- */

static char *thread_store_path;
static pthread_key_t thread_store_key;
static pthread_once_t thread_store_once = PTHREAD_ONCE_INIT;

static void thread_store_destroy(void *st)
{
	store_close(st);
}

static void thread_store_make_key(void)
{
	pthread_key_create(&thread_store_key, thread_store_destroy);
}

int store_thread_init(const char *path)
{
	pthread_once(&thread_store_once, thread_store_make_key);
	free(thread_store_path);
	thread_store_path = strdup(path);
	return thread_store_path ? STORE_OK : STORE_ERROR;
}

const char *store_thread_path(void)
{
	return thread_store_path;
}

struct store *store_thread(void)
{
	struct store *st = pthread_getspecific(thread_store_key);
	if (st) {
		/* A new request: nothing holds the retired statements. */
		store_release_retired(st);
		return st;
	}
	char err[512];
	st = store_open(thread_store_path, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "claimline: %s\n", err);
		return NULL;
	}
	pthread_setspecific(thread_store_key, st);
	return st;
}

/* ---- statements ---- */

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return STORE_OK;
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	case SQLITE_CONSTRAINT:
		return STORE_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	default:
		return STORE_ERROR;
	}
}

static uint64_t hash_sql(const char *sql)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static void cache_insert(struct store *st, struct cached_stmt entry)
{
	size_t i = entry.hash & (STMT_CACHE_SIZE - 1);
	while (st->cache[i].sql)
		i = (i + 1) & (STMT_CACHE_SIZE - 1);
	st->cache[i] = entry;
	st->ncached++;
}

/* Makes room by dropping every statement not in the middle of a query.
 * A caller may hold one it prepared and has not stepped yet, so dropped
 * statements are retired, not finalized: store_release_retired() frees
 * them when no request holds any (at the next request on this
 * connection, or when it closes). */
static void cache_evict_idle(struct store *st)
{
	struct cached_stmt busy[STMT_CACHE_SIZE];
	size_t nbusy = 0;
	for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
		struct cached_stmt *c = &st->cache[i];
		if (!c->sql)
			continue;
		if (sqlite3_stmt_busy(c->stmt)) {
			busy[nbusy++] = *c;
		} else {
			if (st->nretired == st->retired_cap) {
				size_t cap = st->retired_cap
						     ? st->retired_cap * 2
						     : 64;
				struct cached_stmt *grown = realloc(
					st->retired, cap * sizeof(*grown));
				if (!grown) {
					busy[nbusy++] = *c; /* keep it cached */
					*c = (struct cached_stmt){0};
					continue;
				}
				st->retired = grown;
				st->retired_cap = cap;
			}
			st->retired[st->nretired++] = *c;
		}
		*c = (struct cached_stmt){0};
	}
	st->ncached = 0;
	for (size_t i = 0; i < nbusy; i++)
		cache_insert(st, busy[i]);
}

void store_release_retired(struct store *st)
{
	for (size_t i = 0; i < st->nretired; i++) {
		sqlite3_finalize(st->retired[i].stmt);
		free(st->retired[i].sql);
	}
	st->nretired = 0;
}

/* Writes the query plan of `sql` to stderr, one "plan:" block per
 * statement, so tests can prove that no hot query scans a whole table. */
static void log_query_plan(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	if (eqp &&
	    sqlite3_prepare_v2(st->db, eqp, -1, &stmt, NULL) == SQLITE_OK) {
		fprintf(stderr, "claimline: plan: %s\n", sql);
		while (sqlite3_step(stmt) == SQLITE_ROW)
			fprintf(stderr, "claimline: plan:   %s\n",
				(const char *)sqlite3_column_text(stmt, 3));
		fprintf(stderr, "claimline: plan: end\n");
	}
	sqlite3_finalize(stmt);
	sqlite3_free(eqp);
}

struct store_stmt *store_prepare(struct store *st, const char *sql)
{
	uint64_t h = hash_sql(sql);
	size_t i = h & (STMT_CACHE_SIZE - 1);
	while (st->cache[i].sql) {
		if (st->cache[i].hash == h &&
		    strcmp(st->cache[i].sql, sql) == 0) {
			sqlite3_reset(st->cache[i].stmt);
			sqlite3_clear_bindings(st->cache[i].stmt);
			return (struct store_stmt *)st->cache[i].stmt;
		}
		i = (i + 1) & (STMT_CACHE_SIZE - 1);
	}
	/* Keep the table at most half full so probes stay short. */
	if (st->ncached >= STMT_CACHE_SIZE / 2)
		cache_evict_idle(st);
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &stmt, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "claimline: store: prepare failed: %s: %s\n",
			sqlite3_errmsg(st->db), sql);
		sqlite3_finalize(stmt);
		return NULL;
	}
	if (st->log_plans)
		log_query_plan(st, sql);
	char *copy = strdup(sql);
	if (!copy) {
		sqlite3_finalize(stmt);
		return NULL;
	}
	cache_insert(
		st, (struct cached_stmt){.sql = copy, .hash = h, .stmt = stmt});
	return (struct store_stmt *)stmt;
}

void store_bind_text(struct store_stmt *s, int idx, const char *text)
{
	if (text)
		sqlite3_bind_text(raw(s), idx, text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(raw(s), idx);
}

void store_bind_textn(struct store_stmt *s, int idx, const char *text,
		      size_t len)
{
	sqlite3_bind_text64(raw(s), idx, text, len, SQLITE_TRANSIENT,
			    SQLITE_UTF8);
}

void store_bind_int64(struct store_stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(raw(s), idx, v);
}

void store_bind_blob(struct store_stmt *s, int idx, const void *data,
		     size_t len)
{
	sqlite3_bind_blob64(raw(s), idx, data, len, SQLITE_TRANSIENT);
}

void store_bind_null(struct store_stmt *s, int idx)
{
	sqlite3_bind_null(raw(s), idx);
}

void store_bind_text_named(struct store_stmt *s, const char *name,
			   const char *text)
{
	int idx = sqlite3_bind_parameter_index(raw(s), name);
	if (idx > 0)
		store_bind_text(s, idx, text);
}

void store_bind_int64_named(struct store_stmt *s, const char *name, int64_t v)
{
	int idx = sqlite3_bind_parameter_index(raw(s), name);
	if (idx > 0)
		sqlite3_bind_int64(raw(s), idx, v);
}

void store_bind_double_named(struct store_stmt *s, const char *name, double v)
{
	int idx = sqlite3_bind_parameter_index(raw(s), name);
	if (idx > 0)
		sqlite3_bind_double(raw(s), idx, v);
}

double store_column_double(struct store_stmt *s, int col)
{
	return sqlite3_column_double(raw(s), col);
}

int store_step(struct store_stmt *s)
{
	int rc = sqlite3_step(raw(s));
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return map_rc(rc);
	int mapped = map_rc(rc);
	if (mapped != STORE_CONSTRAINT)
		fprintf(stderr, "claimline: store: %s: %s\n",
			sqlite3_errmsg(sqlite3_db_handle(raw(s))),
			sqlite3_sql(raw(s)));
	sqlite3_reset(raw(s));
	return mapped;
}

const char *store_column_text(struct store_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(raw(s), col);
}

size_t store_column_bytes(struct store_stmt *s, int col)
{
	return (size_t)sqlite3_column_bytes(raw(s), col);
}

int64_t store_column_int64(struct store_stmt *s, int col)
{
	return sqlite3_column_int64(raw(s), col);
}

bool store_column_is_null(struct store_stmt *s, int col)
{
	return sqlite3_column_type(raw(s), col) == SQLITE_NULL;
}

void store_reset(struct store_stmt *s)
{
	if (s)
		sqlite3_reset(raw(s));
}

int store_exec_stmt(struct store_stmt *s)
{
	if (!s)
		return STORE_ERROR;
	int rc = store_step(s);
	store_reset(s);
	return rc == STORE_DONE || rc == STORE_ROW ? STORE_OK : rc;
}

int store_row_exists(struct store *st, const char *sql, const char *id)
{
	struct store_stmt *s = store_prepare(st, sql);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

const char *store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int64_t store_changes(struct store *st)
{
	return sqlite3_changes64(st->db);
}

/* ---- transactions ---- */

static int exec_tx(struct store *st, const char *sql)
{
	return store_exec_stmt(store_prepare(st, sql));
}

/*
 * What finishes every write transaction just before its COMMIT: the rows
 * schema/008's and 009's triggers noted are (re)indexed for search, in one
 * statement, so FTS5 writes one segment per transaction.  Part of the
 * store because the schema depends on it: any program writing through the
 * store keeps the index whole.
 */
static const char *const finish_sql[] = {
	"DELETE FROM search WHERE rowid IN (SELECT rowid FROM search_pending "
	"WHERE NOT fresh)",
	/* Columns as schema/009 describes them. */
	"INSERT INTO search(rowid, label, content, names, type, ref) "
	"SELECT r.seq * 4, json_extract(r.body, '$.name'), "
	"json_extract(r.body, '$.description'), (SELECT group_concat(value, "
	"' ') FROM json_each(r.body, '$.aliases')), 'actor', r.id FROM "
	"search_pending AS p JOIN actors AS r ON r.seq = p.rowid >> 2 WHERE "
	"p.rowid & 3 = 0 "
	"UNION ALL SELECT r.seq * 4 + 1, json_extract(r.body, '$.title'), "
	"json_extract(r.body, '$.text'), json_extract(r.body, '$.publisher'), "
	"'source', r.id FROM search_pending AS p JOIN sources AS r ON "
	"r.seq = p.rowid >> 2 WHERE p.rowid & 3 = 1 "
	"UNION ALL SELECT r.seq * 4 + 2, json_extract(r.body, '$.title'), "
	"json_extract(r.body, '$.description'), json_extract(r.body, "
	"'$.location.name'), 'event', r.id FROM search_pending AS p JOIN "
	"events AS r ON r.seq = p.rowid >> 2 WHERE p.rowid & 3 = 2 "
	"UNION ALL SELECT r.seq * 4 + 3, json_extract(r.body, '$.text'), "
	"json_extract(r.body, '$.quote'), (SELECT json_extract(a.body, "
	"'$.name') || coalesce(' ' || (SELECT group_concat(value, ' ') FROM "
	"json_each(a.body, '$.aliases')), '') FROM actors AS a WHERE a.id = "
	"r.claimant), 'claim', r.id FROM search_pending AS p JOIN claims AS "
	"r ON r.seq = p.rowid >> 2 WHERE p.rowid & 3 = 3",
	"DELETE FROM search_pending",
	NULL,
};

static int finish_write(struct store *st)
{
	if (!st->has_pending) {
		/* Until the migration that makes the table has run. */
		struct store_stmt *s = store_prepare(
			st, "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
			    "AND name = 'search_pending'");
		int rc = s ? store_step(s) : STORE_ERROR;
		if (s)
			store_reset(s);
		if (rc < 0)
			return rc;
		if (rc != STORE_ROW)
			return STORE_OK;
		st->has_pending = true;
	}
	for (size_t i = 0; finish_sql[i]; i++) {
		int rc = store_exec_stmt(store_prepare(st, finish_sql[i]));
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int store_begin(struct store *st)
{
	if (st->batch) {
		int rc = exec_tx(st, "SAVEPOINT w");
		if (rc == STORE_OK)
			st->depth++;
		return rc;
	}
	return exec_tx(st, "BEGIN IMMEDIATE");
}

int store_begin_read(struct store *st)
{
	/* Inside a batch the transaction is already one snapshot. */
	return st->batch ? STORE_OK : exec_tx(st, "BEGIN");
}

static void (*_Atomic commit_hook)(void);

void store_set_commit_hook(void (*hook)(void))
{
	commit_hook = hook;
}

static void run_commit_hook(void)
{
	void (*hook)(void) = commit_hook;
	if (hook)
		hook();
}

int store_commit(struct store *st)
{
	if (st->batch) {
		if (st->depth == 0)
			return STORE_ERROR;
		int rc = exec_tx(st, "RELEASE w");
		if (rc != STORE_OK) {
			store_rollback(st);
			return rc;
		}
		st->depth--;
		return STORE_OK;
	}
	int rc = finish_write(st);
	if (rc == STORE_OK)
		rc = exec_tx(st, "COMMIT");
	if (rc != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	run_commit_hook();
	return rc;
}

void store_rollback(struct store *st)
{
	if (st->batch) {
		/* Only the caller's own savepoint: the others' writes in the
		 * batch stay.  With none open (a read ended), nothing. */
		if (st->depth > 0 && !sqlite3_get_autocommit(st->db)) {
			sqlite3_exec(st->db, "ROLLBACK TO w; RELEASE w", NULL,
				     NULL, NULL);
			st->depth--;
		}
		return;
	}
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_batch_begin(struct store *st)
{
	int rc = exec_tx(st, "BEGIN IMMEDIATE");
	if (rc == STORE_OK) {
		st->batch = true;
		st->depth = 0;
	}
	return rc;
}

void store_batch_job_done(struct store *st)
{
	if (st->depth > 0)
		fprintf(stderr,
			"claimline: a write left %d savepoint(s) open; "
			"rolled back\n",
			st->depth);
	while (st->depth > 0 && !sqlite3_get_autocommit(st->db))
		store_rollback(st);
	st->depth = 0;
}

bool store_batch_alive(struct store *st)
{
	/* SQLite rolls a whole transaction back on some errors (I/O, full
	 * disk): then the batch is gone with everything written in it. */
	return st->batch && !sqlite3_get_autocommit(st->db);
}

bool store_in_batch(const struct store *st)
{
	return st->batch;
}

int store_batch_end(struct store *st, bool commit)
{
	bool alive = store_batch_alive(st);
	st->batch = false;
	st->depth = 0;
	int rc = alive ? STORE_OK : STORE_ERROR;
	if (alive && commit)
		rc = finish_write(st);
	if (rc == STORE_OK && commit)
		rc = exec_tx(st, "COMMIT");
	if (rc != STORE_OK || !commit) {
		store_rollback(st);
		return commit ? rc : STORE_OK;
	}
	run_commit_hook();
	return STORE_OK;
}

int store_checkpointer_start(const char *path, char *err, size_t errsz)
{
	struct store *st = store_open(path, err, errsz);
	if (!st)
		return STORE_ERROR;
	pthread_mutex_lock(&ckpt_lock);
	ckpt_stopping = ckpt_wanted = false;
	ckpt_running =
		pthread_create(&ckpt_thread, NULL, checkpointer_main, st) == 0;
	bool running = ckpt_running;
	pthread_mutex_unlock(&ckpt_lock);
	if (!running) {
		snprintf(err, errsz, "cannot start the checkpoint thread");
		store_close(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void store_checkpointer_stop(void)
{
	pthread_mutex_lock(&ckpt_lock);
	bool running = ckpt_running;
	ckpt_stopping = true;
	pthread_cond_signal(&ckpt_wake);
	pthread_mutex_unlock(&ckpt_lock);
	if (running)
		pthread_join(ckpt_thread, NULL);
	pthread_mutex_lock(&ckpt_lock);
	ckpt_running = false;
	pthread_mutex_unlock(&ckpt_lock);
}

/* ---- shutdown ---- */

int store_checkpoint(const char *path, char *err, size_t errsz)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	pthread_once(&store_global_once, store_global_init);
	int rc = sqlite3_open_v2(
		path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	int result = STORE_ERROR;
	if (rc != SQLITE_OK) {
		snprintf(err, errsz,
			 "cannot open store %s for a checkpoint: %s", path,
			 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto done;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT_MS);
	/* The row is (busy, log frames, checkpointed frames); busy = 1
	 * means a reader or writer kept part of the log in use. */
	if (sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &stmt,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, errsz, "checkpoint of %s failed: %s", path,
			 sqlite3_errmsg(db));
		goto done;
	}
	if (sqlite3_column_int(stmt, 0) != 0) {
		snprintf(err, errsz,
			 "checkpoint of %s incomplete: the store is in use",
			 path);
		result = STORE_BUSY;
		goto done;
	}
	result = STORE_OK;
done:
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return result;
}

/* ---- bulk writes ---- */

int64_t store_cache_size(struct store *st, int64_t size)
{
	/* The pragma acts when it is prepared and takes no parameter: run
	 * afresh (not through the statement cache), the number written in. */
	int64_t before = 0;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, "PRAGMA cache_size", -1, &s, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		before = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	char sql[64];
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)size);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return before;
}
