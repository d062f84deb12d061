/*
 * The API test library: starts a claimline server on port 0 in its own
 * temporary directory, talks HTTP to it through libcurl (or through a raw
 * socket when the exact bytes matter), and checks what comes back.
 *
 * A test program is a table of named test functions handed to tl_main().
 * For each test the runner starts a fresh server with an empty store (or
 * the demo store), runs the function, stops the server with SIGTERM and
 * fails the test when the server does not exit with status 0 -- the binary
 * is built with ASan/UBSan, so a leak or a sanitizer report shows up as a
 * non-zero exit.  When anything in a test fails, the server's stderr is
 * printed.
 *
 * Memory: what a helper returns is either *arena-owned* -- it belongs to
 * the running test and the runner frees it when the test ends -- or
 * *caller-owned*, or *borrowed* from something else; each helper's comment
 * says which.  Responses (and their `json`), tl_json(), tl_fmt(),
 * tl_list_all() and the other strings and arrays are arena-owned.
 * tl_resp_free() releases a response earlier (useful in long loops).
 *
 * An arena-owned json_t is like a borrowed reference: never json_decref()
 * it, and never hand it to a jansson *_new setter (json_array_append_new,
 * json_object_set_new), which would take the arena's reference and free
 * it a second time.  Use json_array_append / json_object_set (they take a
 * reference of their own), or json_incref / json_deep_copy for a value
 * the caller owns.
 * Check macros never abort the test; REQUIRE() returns from the test
 * function when its condition is false.
 *
 * Request helpers talk to the current server: the one the runner started
 * for this test, or the last one started with tl_server_start().  They are
 * safe to call from several threads at once.
 */
#ifndef CLAIMLINE_TESTLIB_H
#define CLAIMLINE_TESTLIB_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Content types. */
#define TL_JSON "application/json"
#define TL_MERGE "application/merge-patch+json"
#define TL_PROBLEM "application/problem+json"

/* ---- the server process ---------------------------------------------- */

struct tl_server_opts {
	bool demo;   /* pass --demo */
	int threads; /* pass --threads N when > 0 */
};

struct tl_server {
	pid_t pid;  /* 0 when not running */
	int out_fd; /* read end of the server's stdout, -1 if none */
	int port;
	char base[64];		 /* "http://127.0.0.1:PORT" */
	char dir[PATH_MAX - 64]; /* the temp dir; "" before the first start */
	char db[PATH_MAX];	 /* dir/test.db */
	char err_path[PATH_MAX]; /* dir/stderr.log, the server's stderr */
	char out_line[256];	 /* the listening line, without newline */
	/* An admin API key made in the store before the first start; every
	 * request helper sends it unless the test passes its own
	 * "Authorization: ..." header (or "Authorization:" for none). */
	char key[160];
};

/*
 * Starts `$CLAIMLINE_BIN serve --bind 127.0.0.1 --port 0 --db DIR/test.db`
 * and waits (at most 30 s) for its "claimline listening on ..." line.  The
 * temp dir is made on the first start under $TMPDIR (or /tmp) and kept by
 * later starts of the same `s`, so a restart finds the same store.  `s`
 * must be zeroed (or tl_server_init'ed) before the first start; `o` may be
 * NULL.  Makes `s` the current server.  Returns 0, or -1 after recording a
 * failure and printing why.
 */
#define tl_server_start(s, o) tl_server_start_at(__FILE__, __LINE__, (s), (o))
int tl_server_start_at(const char *file, int line, struct tl_server *s,
		       const struct tl_server_opts *o);

/* Sets `s` to "not started, no temp dir". */
void tl_server_init(struct tl_server *s);

/*
 * Sends SIGTERM and waits (at most 20 s) for the exit; then SIGKILL.
 * Records a failure when the server had to be killed or its exit status
 * is not 0, and prints its stderr.  Keeps the temp dir.  Returns the raw
 * wait status, or -1 when the server was not running.
 */
#define tl_server_stop(s) tl_server_stop_at(__FILE__, __LINE__, (s))
int tl_server_stop_at(const char *file, int line, struct tl_server *s);

/* Stops the server if it runs (as tl_server_stop) and removes the temp
 * dir with everything in it. */
void tl_server_destroy(struct tl_server *s);

/* Prints the last `max` bytes of the server's stderr to our stderr. */
void tl_server_dump_stderr(const struct tl_server *s, size_t max);

/* The current server, or NULL. */
struct tl_server *tl_server_current(void);

/* ---- running the binary as a command --------------------------------- */

struct tl_cmd {
	int status;  /* raw wait status; -1 when it had to be killed */
	bool exited; /* exited by itself within the timeout */
	int code;    /* exit code when exited normally, else -1 */
	char *out;   /* all of stdout, NUL-terminated; arena-owned */
	char *err;   /* all of stderr, NUL-terminated; arena-owned */
};

/*
 * Runs $CLAIMLINE_BIN with the NULL-terminated `args` (not including the
 * program name), stdin from /dev/null, and waits at most `timeout_ms`.
 * A process still running then is killed (exited = false).  Returns a
 * result owned by the test arena (never NULL).
 */
struct tl_cmd *tl_run_cmd(const char *const *args, int timeout_ms);

/* ---- HTTP requests --------------------------------------------------- */

struct tl_header {
	char *name;
	char *value;
};

/* A response; it and everything in it are arena-owned. */
struct tl_resp {
	long status; /* 0 when the request did not complete */
	char *body;  /* raw body, NUL-terminated */
	size_t body_len;
	json_t *json; /* the body parsed, or NULL when not JSON;
				 arena-owned (never decref it) */
	struct tl_header *headers;
	size_t nheaders;
	char *error;   /* transport error text, or NULL */
	char *request; /* "METHOD /path", for messages */
	void *item;    /* its place in the test arena */
};

/*
 * One request to the current server.  `path` starts with "/".  `ctype`
 * and `body` may be NULL (no body); `body_len` < 0 means strlen(body).
 * `headers` is NULL or a NULL-terminated array of "Name: value" lines.
 * Never returns NULL: a transport failure gives status 0 and `error`.
 * The response belongs to the test arena.
 */
struct tl_resp *tl_request(const char *method, const char *path,
			   const char *ctype, const char *body, long body_len,
			   const char *const *headers);

/* Shorthands: JSON body for POST/PUT, merge patch for PATCH.  The
 * responses are arena-owned. */
struct tl_resp *tl_get(const char *path);
struct tl_resp *tl_post(const char *path, const char *body);
struct tl_resp *tl_put(const char *path, const char *body);
struct tl_resp *tl_patch(const char *path, const char *body);
struct tl_resp *tl_delete(const char *path);

/*
 * A connection of one's own: requests through it reuse one curl handle
 * (and its keep-alive connection).  For threads: one tl_conn per thread.
 * tl_conn_new's result is caller-owned (tl_conn_free it); tl_conn_request
 * works like tl_request (its response is arena-owned).
 */
struct tl_conn;
struct tl_conn *tl_conn_new(void);
void tl_conn_free(struct tl_conn *c);
struct tl_resp *tl_conn_request(struct tl_conn *c, const char *method,
				const char *path, const char *ctype,
				const char *body, long body_len,
				const char *const *headers);

/*
 * Connects to the current server, sends exactly `len` bytes (stopping
 * quietly if the server closes first), then reads the answer until the
 * server closes or `timeout_ms` passes without it, and parses status line,
 * headers and body (Content-Length or chunked).  It reads while it
 * sends, so an early answer (413 before the body is in) is not lost.
 * Never returns NULL; status 0 when no status line arrived.  The
 * response is arena-owned.
 */
struct tl_resp *tl_raw(const void *bytes, size_t len, int timeout_ms);

/*
 * Like tl_raw, but sends `head` (the request line and headers, ending in
 * an empty line) and then `body_len` bytes of `fill`: as they are, or with
 * chunked framing in chunks of `chunk` bytes when `chunk` > 0.  Sets *sent
 * (may be NULL) to how many bytes of the whole message went out before
 * the server answered or closed.
 */
struct tl_resp *tl_raw_stream(const char *head, size_t body_len, char fill,
			      size_t chunk, int timeout_ms, size_t *sent);

/* A plain TCP connection to the current server (blocking socket), or -1
 * after recording a failure.  The caller closes it. */
int tl_raw_connect(void);

/* Releases a response before the test ends.  NULL is fine. */
void tl_resp_free(struct tl_resp *r);

/* The value of header `name` (case-insensitive), or NULL.  Borrowed. */
const char *tl_header(const struct tl_resp *r, const char *name);

/* ---- JSON helpers ---------------------------------------------------- */

/* The value at JSON Pointer `ptr` ("" is the root), or NULL.  Borrowed
 * from `root`. */
json_t *tl_at(json_t *root, const char *ptr);
/* The string at `ptr`, or NULL when absent or not a string.  Borrowed
 * from `root`. */
const char *tl_str(json_t *root, const char *ptr);
/* Parses `text` as JSON.  The value is arena-owned: not the caller's
 * reference (no json_decref, no *_new setter; json_array_append /
 * json_object_set it, or json_incref it to own one).  Aborts the program
 * on a syntax error (it is a bug in the test). */
json_t *tl_json(const char *text);

/* True when `got` equals `want`, except that an object in `got` may
 * have members `want` lacks if they are null (recursively).  Both are
 * only read. */
bool tl_json_like(json_t *got, json_t *want);

/* printf into a string; arena-owned. */
const char *tl_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Makes a fresh temporary directory, removed with its contents when the
 * test ends; returns its path (arena-owned), or NULL after a failure. */
const char *tl_tempdir(void);

/* A string of `n` copies of `c`, arena-owned. */
char *tl_repeat(char c, size_t n);

/* Milliseconds on a monotonic clock. */
long long tl_now_ms(void);

/* ---- checks ---------------------------------------------------------- */

/* Records one failed check for the current test and prints the message
 * with file:line. */
void tl_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Number of failed checks in the current test so far. */
int tl_failures(void);

bool tl_check_true(const char *file, int line, bool ok, const char *expr);
bool tl_check_int(const char *file, int line, long long got, long long want,
		  const char *expr);
bool tl_check_str(const char *file, int line, const char *got, const char *want,
		  const char *expr);
bool tl_check_status(const char *file, int line, const struct tl_resp *r,
		     long want);
bool tl_check_json(const char *file, int line, json_t *root, const char *ptr,
		   const char *want_json);
bool tl_check_json_like(const char *file, int line, json_t *root,
			const char *ptr, const char *want_json);
bool tl_check_same(const char *file, int line, json_t *got, json_t *want,
		   const char *expr);
bool tl_check_keys(const char *file, int line, json_t *obj,
		   const char *const *keys);
bool tl_check_problem(const char *file, int line, const struct tl_resp *r,
		      long status, const char *slug);
bool tl_check_error_at(const char *file, int line, const struct tl_resp *r,
		       const char *key, const char *value);
bool tl_check_errors_exactly(const char *file, int line,
			     const struct tl_resp *r, const char *key,
			     const char *const *values);

#define CHECK(cond) tl_check_true(__FILE__, __LINE__, (cond), #cond)
#define CHECK_INT(got, want)                                                   \
	tl_check_int(__FILE__, __LINE__, (long long)(got), (long long)(want),  \
		     #got)
#define CHECK_STR(got, want)                                                   \
	tl_check_str(__FILE__, __LINE__, (got), (want), #got)
/* The response has status `want`; prints the body when not. */
#define CHECK_STATUS(r, want) tl_check_status(__FILE__, __LINE__, (r), (want))
/* The value at `ptr` in `root` equals the JSON text `want` (json_equal). */
#define CHECK_JSON(root, ptr, want)                                            \
	tl_check_json(__FILE__, __LINE__, (root), (ptr), (want))
/* Two JSON values are equal (json_equal); prints both when not. */
#define CHECK_SAME(got, want)                                                  \
	tl_check_same(__FILE__, __LINE__, (got), (want), #got)
/* Like CHECK_JSON, but members that `want` leaves out of an object may
 * be present as null: the server spells out every optional member. */
#define CHECK_JSON_LIKE(root, ptr, want)                                       \
	tl_check_json_like(__FILE__, __LINE__, (root), (ptr), (want))
/* The string at `ptr` equals `want`. */
#define CHECK_JSTR(root, ptr, want)                                            \
	tl_check_str(__FILE__, __LINE__, tl_str((root), (ptr)), (want), ptr)
/* `obj` is an object with exactly the keys of the NULL-terminated list. */
#define CHECK_KEYS(obj, ...)                                                   \
	tl_check_keys(__FILE__, __LINE__, (obj),                               \
		      (const char *const[]){__VA_ARGS__, NULL})
/* A problem document: status, content type, type "/problems/<slug>",
 * title, status member, detail. */
#define CHECK_PROBLEM(r, status, slug)                                         \
	tl_check_problem(__FILE__, __LINE__, (r), (status), (slug))
/* errors[] holds an entry with "pointer" (or "parameter") equal to v. */
#define CHECK_ERROR_AT(r, ptr)                                                 \
	tl_check_error_at(__FILE__, __LINE__, (r), "pointer", (ptr))
#define CHECK_PARAM_AT(r, name)                                                \
	tl_check_error_at(__FILE__, __LINE__, (r), "parameter", (name))
/* GET `path` answers 422 validation-failed naming query parameter `name`. */
#define CHECK_BAD_PARAM(path, name)                                            \
	tl_check_bad_param_at(__FILE__, __LINE__, (path), (name))
bool tl_check_bad_param_at(const char *file, int line, const char *path,
			   const char *name);
/* errors[] names exactly these pointers, each once, in any order. */
#define CHECK_ERRORS_EXACTLY(r, ...)                                           \
	tl_check_errors_exactly(__FILE__, __LINE__, (r), "pointer",            \
				(const char *const[]){__VA_ARGS__, NULL})

/* Like CHECK, but ends the test function when the condition is false. */
#define REQUIRE(cond)                                                          \
	do {                                                                   \
		if (!CHECK(cond))                                              \
			return;                                                \
	} while (0)
#define REQUIRE_STATUS(r, want)                                                \
	do {                                                                   \
		if (!CHECK_STATUS((r), (want)))                                \
			return;                                                \
	} while (0)

/* ---- resource helpers ------------------------------------------------ */

/*
 * POSTs `body` to `collection` (e.g. "/v1/actors"), checks 201 and a
 * Location of collection/id, and returns the new id (arena-owned), or
 * NULL after recording a failure.
 */
#define tl_create(collection, body)                                            \
	tl_create_at(__FILE__, __LINE__, (collection), (body))
const char *tl_create_at(const char *file, int line, const char *collection,
			 const char *body);

/*
 * GETs every page of `path` (which may carry a query) with `limit` per
 * page, following next_cursor, and returns a JSON array of all items,
 * arena-owned (never decref it); NULL after recording a failure.  Checks
 * that next_cursor and the Link header agree on every page.
 */
#define tl_list_all(path, limit)                                               \
	tl_list_all_at(__FILE__, __LINE__, (path), (limit))
json_t *tl_list_all_at(const char *file, int line, const char *path, int limit);

/* The ids of the items of an array, joined by ",", arena-owned ("" when
 * empty, NULL when `arr` is not an array).  Handy in CHECK_STR. */
const char *tl_ids(json_t *arr);

/* GETs one page at `path` and returns the ids of its items as tl_ids
 * does, or "(error)" after recording a failure when the status is not
 * 200.  For checking a list filter in one line. */
#define tl_page_ids(path) tl_page_ids_at(__FILE__, __LINE__, (path))
const char *tl_page_ids_at(const char *file, int line, const char *path);

/* How many items the first page of collection `path` holds at the
 * largest page size (limit=500), or -1 after recording a failure when the
 * status is not 200.  For "nothing was written" checks. */
#define tl_count(path) tl_count_at(__FILE__, __LINE__, (path))
long tl_count_at(const char *file, int line, const char *path);

/* ---- the runner ------------------------------------------------------ */

enum {
	TL_SERVER = 0,	  /* start a fresh server for the test */
	TL_NO_SERVER = 1, /* the test starts what it needs itself */
	TL_DEMO = 2,	  /* start the server with --demo */
};

struct tl_test {
	const char *name;
	void (*fn)(struct tl_server *srv); /* srv is NULL with TL_NO_SERVER */
	int flags;
};

/* The table ends with an entry whose name is NULL. */
#define TL_TEST(fn, flags)                                                     \
	{                                                                      \
#fn, fn, flags                                                 \
	}

/*
 * Runs the tests of `tests` (only those named on the command line, if
 * any), each with its own server, printing "ok" or "FAIL" per test.
 * Returns the exit status for main: 0 when all passed, 1 otherwise.
 */
int tl_main(int argc, char **argv, const struct tl_test *tests);

#endif
