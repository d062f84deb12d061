/*
 * API keys (contract section 4): the keys command line (add prints the
 * key once, list never shows secrets, revoke), keys kept only as a hash,
 * writes needing a write key, --read-auth closing reads, 401 with
 * WWW-Authenticate for a missing or invalid key, 403 for a scope too
 * small, public routes open, and no key ever in the server's log.
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

/* Runs `claimline keys add` on `db`; returns the key (arena-owned) or
 * NULL after recording a failure. */
static const char *key_add(const char *db, const char *name, const char *scope)
{
	const char *args[] = {"keys", "add",	 "--db", db,  "--name",
			      name,   "--scope", scope,	 NULL};
	struct tl_cmd *cmd = tl_run_cmd(args, 30000);
	size_t n;
	const char *line;

	if (!CHECK_INT(cmd->code, 0)) {
		fprintf(stderr, "    keys add stderr: %s\n", cmd->err);
		return NULL;
	}
	/* The key is alone on the last line. */
	n = strlen(cmd->out);
	if (!CHECK(n > 0 && cmd->out[n - 1] == '\n'))
		return NULL;
	cmd->out[n - 1] = '\0';
	line = strrchr(cmd->out, '\n');
	line = line ? line + 1 : cmd->out;
	return tl_fmt("%s", line);
}

static int key_revoke(const char *db, const char *name)
{
	const char *args[] = {"keys", "revoke", name, "--db", db, NULL};

	return tl_run_cmd(args, 30000)->code;
}

/* clk_<12 hex>_<secret> */
static bool key_well_formed(const char *key)
{
	if (!key || strncmp(key, "clk_", 4) != 0 || strlen(key) < 4 + 12 + 2)
		return false;
	for (int i = 4; i < 16; i++)
		if (!strchr("0123456789abcdef", key[i]))
			return false;
	if (key[16] != '_')
		return false;
	for (const char *p = key + 17; *p; p++)
		if (*p <= ' ' || *p > '~')
			return false;
	return true;
}

static const char *bearer(const char *key)
{
	return tl_fmt("Authorization: Bearer %s", key);
}

/* Reads a whole file into an arena string (NULL when unreadable). */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf, *out;
	size_t cap = 1 << 16, n = 0, got;

	*len = 0;
	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *grown = realloc(buf, cap * 2);

			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
	}
	fclose(f);
	out = tl_repeat('\0', n);
	if (buf)
		memcpy(out, buf, n);
	free(buf);
	*len = n;
	return out;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
	return hay && memmem(hay, n, needle, strlen(needle)) != NULL;
}

static void check_401(const char *file, int line, struct tl_resp *r,
		      bool invalid_token)
{
	const char *www = tl_header(r, "WWW-Authenticate");

	tl_check_problem(file, line, r, 401, "unauthorized");
	if (!www || strncasecmp(www, "Bearer", 6) != 0 ||
	    !strstr(www, "realm=\"claimline\"")) {
		tl_fail(file, line, "%s: WWW-Authenticate \"%s\"", r->request,
			www ? www : "(none)");
		return;
	}
	if (invalid_token != (strstr(www, "error=\"invalid_token\"") != NULL))
		tl_fail(file, line,
			"%s: WWW-Authenticate \"%s\", want %s "
			"error=\"invalid_token\"",
			r->request, www, invalid_token ? "with" : "without");
}

#define CHECK_401(r, invalid) check_401(__FILE__, __LINE__, (r), (invalid))

/* A GET through a raw socket, for bodies that are not JSON; `auth` is a
 * whole "Authorization: ..." line or NULL for none. */
static struct tl_resp *raw_get(const char *path, const char *auth)
{
	const char *req = tl_fmt("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
				 "Connection: close\r\n%s%s\r\n",
				 path, auth ? auth : "", auth ? "\r\n" : "");

	return tl_raw(req, strlen(req), 10000);
}

static void test_cli_add_list_revoke(struct tl_server *srv)
{
	const char *dir = tl_tempdir();
	const char *db, *w, *r, *a;
	struct tl_cmd *cmd;

	(void)srv;
	REQUIRE(dir);
	db = tl_fmt("%s/keys.db", dir);
	w = key_add(db, "writer", "write");
	r = key_add(db, "reader", "read");
	a = key_add(db, "boss", "admin");
	REQUIRE(w && r && a);
	CHECK(key_well_formed(w));
	CHECK(key_well_formed(r));
	CHECK(key_well_formed(a));
	CHECK(strcmp(w, r) != 0 && strcmp(w, a) != 0 && strcmp(r, a) != 0);

	/* list names every key and scope, and no secret. */
	cmd = tl_run_cmd(
		(const char *const[]){"keys", "list", "--db", db, NULL}, 30000);
	CHECK_INT(cmd->code, 0);
	CHECK(strstr(cmd->out, "writer") && strstr(cmd->out, "reader") &&
	      strstr(cmd->out, "boss"));
	CHECK(strstr(cmd->out, "write") && strstr(cmd->out, "admin"));
	CHECK(!strstr(cmd->out, w + 17) && !strstr(cmd->out, r + 17) &&
	      !strstr(cmd->out, a + 17));
	CHECK(!strstr(cmd->err, w + 17));

	/* A name taken, a bad scope, a bad name: refused, nothing printed
	 * that looks like a key. */
	cmd = tl_run_cmd((const char *const[]){"keys", "add", "--db", db,
					       "--name", "writer", "--scope",
					       "write", NULL},
			 30000);
	CHECK(cmd->code != 0);
	CHECK(!strstr(cmd->out, "clk_"));
	cmd = tl_run_cmd((const char *const[]){"keys", "add", "--db", db,
					       "--name", "x", "--scope", "root",
					       NULL},
			 30000);
	CHECK(cmd->code != 0);
	CHECK(!strstr(cmd->out, "clk_"));
	cmd = tl_run_cmd((const char *const[]){"keys", "add", "--db", db,
					       "--name", "Bad Name", "--scope",
					       "read", NULL},
			 30000);
	CHECK(cmd->code != 0);

	/* revoke: once fine, twice not, an unknown name not. */
	CHECK_INT(key_revoke(db, "reader"), 0);
	CHECK(key_revoke(db, "reader") != 0);
	CHECK(key_revoke(db, "nobody") != 0);
	cmd = tl_run_cmd(
		(const char *const[]){"keys", "list", "--db", db, NULL}, 30000);
	CHECK(strstr(cmd->out, "reader") != NULL);
}

static void test_store_keeps_only_a_hash(struct tl_server *srv)
{
	const char *dir = tl_tempdir();
	const char *db, *key;
	char err[256];
	struct store *st;
	struct store_stmt *s;
	size_t len, rows = 0;
	char *bytes;

	(void)srv;
	REQUIRE(dir);
	db = tl_fmt("%s/hash.db", dir);
	key = key_add(db, "k1", "write");
	REQUIRE(key);
	st = store_open(db, err, sizeof(err));
	if (!st)
		tl_fail(__FILE__, __LINE__, "store_open: %s", err);
	REQUIRE(st);
	s = store_prepare(st, "SELECT hash FROM api_keys");
	CHECK(s != NULL);
	while (s && store_step(s) == STORE_ROW) {
		const char *h = store_column_text(s, 0);
		size_t n = store_column_bytes(s, 0);

		rows++;
		/* a BLAKE2b hash: binary, not the key, not the secret */
		CHECK(n >= 16 && n <= 64);
		CHECK(!contains(h, n, key + 17));
	}
	if (s)
		store_reset(s);
	/* No column of any row holds the key or its secret. */
	s = store_prepare(st, "SELECT count(*) FROM api_keys WHERE "
			      "instr(CAST(name AS TEXT), ?1) OR "
			      "instr(CAST(key_id AS TEXT) || "
			      "CAST(scope AS TEXT), ?1) OR "
			      "instr(CAST(hash AS BLOB), CAST(?1 AS BLOB))");
	if (CHECK(s != NULL)) {
		store_bind_text(s, 1, key + 17);
		CHECK_INT(store_step(s), STORE_ROW);
		CHECK_INT(store_column_int64(s, 0), 0);
		store_reset(s);
	}
	store_close(st);
	CHECK_INT(rows, 1);
	/* Nor any byte of the file (or its WAL). */
	bytes = slurp(db, &len);
	CHECK(bytes && len > 0);
	CHECK(!contains(bytes, len, key + 17));
	bytes = slurp(tl_fmt("%s-wal", db), &len);
	CHECK(!contains(bytes, len, key + 17));
}

static void test_writes_need_a_key(struct tl_server *srv)
{
	static const char *const none[] = {"Authorization:", NULL};
	struct tl_resp *r;

	REQUIRE(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c1\", \"claimant\": \"a\", \"text\": \"x\"}"));
	REQUIRE(tl_create(
		"/v1/claims",
		"{\"id\": \"c2\", \"claimant\": \"a\", \"text\": \"y\"}"));

	r = tl_request("POST", "/v1/actors", TL_JSON,
		       "{\"id\": \"b\", \"name\": \"B\"}", -1, none);
	CHECK_401(r, false);
	r = tl_request("PUT", "/v1/actors/b", TL_JSON, "{\"name\": \"B\"}", -1,
		       none);
	CHECK_401(r, false);
	r = tl_request("PATCH", "/v1/actors/a", TL_MERGE, "{\"name\": \"Z\"}",
		       -1, none);
	CHECK_401(r, false);
	r = tl_request("DELETE", "/v1/claims/c2", NULL, NULL, -1, none);
	CHECK_401(r, false);
	r = tl_request("POST", "/v1/claims/c1/relations", TL_JSON,
		       "{\"type\": \"supports\", \"claim\": \"c2\"}", -1, none);
	CHECK_401(r, false);
	r = tl_request(
		"POST", "/v1/import", "application/x-ndjson",
		"{\"type\": \"actor\", \"id\": \"imp\", \"name\": \"I\"}\n", -1,
		none);
	CHECK_401(r, false);
	/* Not a bearer key at all: 401 too. */
	r = tl_request(
		"POST", "/v1/actors", TL_JSON,
		"{\"id\": \"b\", \"name\": \"B\"}", -1,
		(const char *const[]){"Authorization: Basic dTpw", NULL});
	CHECK_STATUS(r, 401);

	/* Nothing was written. */
	CHECK_STATUS(tl_get("/v1/actors/b"), 404);
	CHECK_STATUS(tl_get("/v1/actors/imp"), 404);
	CHECK_JSTR(tl_get("/v1/actors/a")->json, "/name", "A");
	CHECK_STATUS(tl_get("/v1/claims/c2"), 200);
	CHECK_JSON(tl_get("/v1/claims/c1")->json, "/relations", "[]");

	/* Reads are open by default. */
	r = tl_request("GET", "/v1/actors/a", NULL, NULL, -1, none);
	CHECK_STATUS(r, 200);
	CHECK_STATUS(tl_request("GET", "/v1/actors", NULL, NULL, -1, none),
		     200);
	CHECK_STATUS(tl_request("GET", "/v1/changes", NULL, NULL, -1, none),
		     200);
	(void)srv;
}

static void test_invalid_and_revoked_keys(struct tl_server *srv)
{
	const char *w = key_add(srv->db, "temp-writer", "write");
	const char *bogus_secret, *bogus_id;
	struct tl_resp *r;

	REQUIRE(w);
	r = tl_request("POST", "/v1/actors", TL_JSON,
		       "{\"id\": \"a1\", \"name\": \"A\"}", -1,
		       (const char *const[]){bearer(w), NULL});
	CHECK_STATUS(r, 201);

	/* Right id, wrong secret; unknown id; garbage. */
	bogus_secret = tl_fmt("%.17s%s", w, tl_repeat('A', strlen(w) - 17));
	bogus_id = tl_fmt("clk_000000000000%s", w + 16);
	const char *bad[] = {bogus_secret, bogus_id, "nonsense",
			     tl_fmt("%sx", w), ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = tl_request("POST", "/v1/actors", TL_JSON,
			       "{\"name\": \"never\"}", -1,
			       (const char *const[]){bearer(bad[i]), NULL});
		if (i < 4)
			CHECK_401(r, true);
		else
			CHECK_STATUS(r, 401);
		/* Invalid even on a read that needs no key. */
		r = tl_request("GET", "/v1/actors/a1", NULL, NULL, -1,
			       (const char *const[]){bearer(bad[i]), NULL});
		if (i < 4)
			CHECK_401(r, true);
		else
			CHECK_STATUS(r, 401);
	}

	/* Revoked: the same key stops working at once, reads included. */
	CHECK_INT(key_revoke(srv->db, "temp-writer"), 0);
	r = tl_request("POST", "/v1/actors", TL_JSON,
		       "{\"id\": \"a2\", \"name\": \"A\"}", -1,
		       (const char *const[]){bearer(w), NULL});
	CHECK_401(r, true);
	r = tl_request("GET", "/v1/actors/a1", NULL, NULL, -1,
		       (const char *const[]){bearer(w), NULL});
	CHECK_401(r, true);
	CHECK_STATUS(tl_get("/v1/actors/a2"), 404);
	CHECK_INT(json_array_size(tl_list_all("/v1/actors", 50)), 1);
}

static void test_scopes(struct tl_server *srv)
{
	const char *rk = key_add(srv->db, "reader", "read");
	const char *wk = key_add(srv->db, "writer", "write");
	struct tl_resp *r;

	REQUIRE(rk && wk);
	/* read: reads fine, every write 403 with nothing written */
	r = tl_request("POST", "/v1/actors", TL_JSON,
		       "{\"id\": \"r\", \"name\": \"R\"}", -1,
		       (const char *const[]){bearer(rk), NULL});
	CHECK_PROBLEM(r, 403, "forbidden");
	CHECK_STATUS(tl_get("/v1/actors/r"), 404);
	r = tl_request("PUT", "/v1/actors/r", TL_JSON, "{\"name\": \"R\"}", -1,
		       (const char *const[]){bearer(rk), NULL});
	CHECK_PROBLEM(r, 403, "forbidden");
	r = tl_request(
		"POST", "/v1/import", "application/x-ndjson",
		"{\"type\": \"actor\", \"id\": \"r\", \"name\": \"R\"}\n", -1,
		(const char *const[]){bearer(rk), NULL});
	CHECK_PROBLEM(r, 403, "forbidden");
	CHECK_STATUS(tl_get("/v1/actors/r"), 404);
	r = tl_request("GET", "/v1/actors", NULL, NULL, -1,
		       (const char *const[]){bearer(rk), NULL});
	CHECK_STATUS(r, 200);

	/* write: writes fine, and history names the key that wrote */
	r = tl_request("POST", "/v1/actors", TL_JSON,
		       "{\"id\": \"w\", \"name\": \"W\"}", -1,
		       (const char *const[]){bearer(wk), NULL});
	CHECK_STATUS(r, 201);
	r = tl_request("PATCH", "/v1/actors/w", TL_MERGE, "{\"name\": \"W2\"}",
		       -1, (const char *const[]){bearer(wk), NULL});
	CHECK_STATUS(r, 200);
	r = tl_request("DELETE", "/v1/actors/w", NULL, NULL, -1,
		       (const char *const[]){bearer(wk), NULL});
	CHECK_STATUS(r, 204);
	r = tl_get("/v1/actors/w/history");
	CHECK_STATUS(r, 200);
	CHECK_JSTR(r->json, "/items/0/key", "writer");
	CHECK_JSTR(r->json, "/items/1/key", "writer");
	CHECK_JSTR(r->json, "/items/2/key", "writer");
	/* admin (the test key, named "test") can write too */
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"adm\", \"name\": \"A\"}"));
	CHECK_JSTR(tl_get("/v1/actors/adm/history")->json, "/items/0/key",
		   "test");
}

static void test_read_auth(struct tl_server *unused)
{
	struct tl_server s;
	const char *rk, *wk;
	static const char *const none[] = {"Authorization:", NULL};
	static const char *const open_paths[] = {
		"/healthz", "/readyz", "/metrics", "/", "/openapi.json",
	};
	struct tl_resp *r;
	int rc;

	(void)unused;
	tl_server_init(&s);
	setenv("CLAIMLINE_READ_AUTH", "1", 1);
	rc = tl_server_start(&s, NULL);
	unsetenv("CLAIMLINE_READ_AUTH");
	if (rc != 0) {
		tl_server_destroy(&s);
		return;
	}
	rk = key_add(s.db, "reader", "read");
	wk = key_add(s.db, "writer", "write");
	if (rk && wk) {
		REQUIRE(tl_create("/v1/actors",
				  "{\"id\": \"a\", \"name\": \"A\"}"));
		const char *reads[] = {"/v1/actors", "/v1/actors/a",
				       "/v1/actors/a/history", "/v1/changes",
				       "/v1/timeline"};
		for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
			r = tl_request("GET", reads[i], NULL, NULL, -1, none);
			CHECK_401(r, false);
			r = tl_request("GET", reads[i], NULL, NULL, -1,
				       (const char *const[]){bearer(rk), NULL});
			if (!CHECK_STATUS(r, 200))
				fprintf(stderr, "    (%s)\n", reads[i]);
			r = tl_request("GET", reads[i], NULL, NULL, -1,
				       (const char *const[]){bearer(wk), NULL});
			CHECK_STATUS(r, 200);
		}
		/* Export is a read too. */
		CHECK_STATUS(raw_get("/v1/export", NULL), 401);
		r = raw_get("/v1/export", bearer(rk));
		CHECK_STATUS(r, 200);
		CHECK(strstr(r->body, "\"id\":\"a\"") != NULL);
		/* Public routes never need a key. */
		for (size_t i = 0;
		     i < sizeof(open_paths) / sizeof(open_paths[0]); i++) {
			r = raw_get(open_paths[i], NULL);
			if (!CHECK(r->status == 200))
				fprintf(stderr, "    (%s: %ld)\n",
					open_paths[i], r->status);
		}
		r = raw_get("/assets/app.js", NULL);
		CHECK(r->status == 200 || r->status == 404);
		/* A read key still cannot write. */
		r = tl_request("POST", "/v1/actors", TL_JSON,
			       "{\"name\": \"R\"}", -1,
			       (const char *const[]){bearer(rk), NULL});
		CHECK_PROBLEM(r, 403, "forbidden");
	}
	CHECK_INT(tl_server_stop(&s), 0);
	tl_server_destroy(&s);
}

static void test_keys_never_logged(struct tl_server *srv)
{
	const char *wk = key_add(srv->db, "logged", "write");
	size_t len;
	char *log;

	REQUIRE(wk);
	CHECK_STATUS(tl_request("POST", "/v1/actors", TL_JSON,
				"{\"id\": \"a\", \"name\": \"A\"}", -1,
				(const char *const[]){bearer(wk), NULL}),
		     201);
	CHECK_STATUS(tl_get("/v1/actors/a"), 200);
	/* A wrong key, and one that is almost right. */
	CHECK_STATUS(
		tl_request("GET", "/v1/actors/a", NULL, NULL, -1,
			   (const char *const[]){
				   bearer("clk_0123456789ab_wrongsecretvalue"),
				   NULL}),
		401);
	CHECK_STATUS(tl_request("POST", "/v1/actors", TL_JSON, "{\"name\": 1}",
				-1,
				(const char *const[]){bearer(tl_fmt("%sx", wk)),
						      NULL}),
		     401);
	/* Stop so that everything is flushed, then read the log. */
	CHECK_INT(tl_server_stop(srv), 0);
	log = slurp(srv->err_path, &len);
	REQUIRE(log && len > 0);
	CHECK(strstr(log, "/v1/actors") != NULL); /* the log is there */
	CHECK(!contains(log, len, wk + 17));
	CHECK(!contains(log, len, srv->key + 17));
	CHECK(!contains(log, len, "wrongsecretvalue"));
	CHECK(!contains(log, len, "Bearer"));
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_cli_add_list_revoke, TL_NO_SERVER),
		TL_TEST(test_store_keeps_only_a_hash, TL_NO_SERVER),
		TL_TEST(test_writes_need_a_key, TL_SERVER),
		TL_TEST(test_invalid_and_revoked_keys, TL_SERVER),
		TL_TEST(test_scopes, TL_SERVER),
		TL_TEST(test_read_auth, TL_NO_SERVER),
		TL_TEST(test_keys_never_logged, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
