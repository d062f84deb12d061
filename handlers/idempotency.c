/*
 * Idempotency keys.  The record is written in the same transaction as the
 * resource it created, so a retry either finds both or neither.  The
 * request is identified by a SHA-256 of method, path and the body in
 * canonical form (sorted keys), so key order and spacing do not matter.
 */
#include "handlers/idempotency.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/etag.h"
#include "store/store.h"

#define IDEMPOTENCY_TTL_MS (24LL * 3600 * 1000)
#define IDEMPOTENCY_KEY_MAX 255

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool key_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > IDEMPOTENCY_KEY_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

static void request_hash(const struct request *req,
			 unsigned char out[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256_state state;
	char *body = req->body ? json_dumps(req->body, JSON_COMPACT |
							       JSON_SORT_KEYS |
							       JSON_ENCODE_ANY)
			       : NULL;
	crypto_hash_sha256_init(&state);
	crypto_hash_sha256_update(
		&state, (const unsigned char *)method_name(req->method),
		strlen(method_name(req->method)) + 1);
	crypto_hash_sha256_update(&state, (const unsigned char *)req->path,
				  strlen(req->path) + 1);
	if (body)
		crypto_hash_sha256_update(&state, (const unsigned char *)body,
					  strlen(body));
	crypto_hash_sha256_final(&state, out);
	free(body);
}

int idempotency_replay(const struct request *req, struct reply *rep,
		       bool *answered)
{
	*answered = false;
	const char *key = request_header(req, "Idempotency-Key");
	if (!key)
		return STORE_OK;
	if (!key_valid(key)) {
		reply_problem(rep, PROBLEM_BAD_REQUEST,
			      "Idempotency-Key must be 1 to %d visible ASCII "
			      "characters",
			      IDEMPOTENCY_KEY_MAX);
		*answered = true;
		return STORE_OK;
	}
	struct store_stmt *s = store_prepare(
		req->store,
		"SELECT request_hash, status, location, body FROM idempotency "
		"WHERE key_name = ?1 AND idem_key = ?2 AND created_ms >= ?3");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, req->key_name ? req->key_name : "");
	store_bind_text(s, 2, key);
	store_bind_int64(s, 3, wall_ms() - IDEMPOTENCY_TTL_MS);
	int rc = store_step(s);
	if (rc == STORE_ROW) {
		unsigned char hash[crypto_hash_sha256_BYTES];
		request_hash(req, hash);
		*answered = true;
		if (store_column_bytes(s, 0) != sizeof(hash) ||
		    memcmp(store_column_text(s, 0), hash, sizeof(hash)) != 0) {
			json_t *errors = json_array();
			errors_add(errors, "",
				   "Idempotency-Key %s was used with another "
				   "request",
				   key);
			reply_invalid(rep, errors);
		} else {
			json_error_t jerr;
			json_t *body =
				store_column_is_null(s, 3)
					? NULL
					: json_loads(store_column_text(s, 3), 0,
						     &jerr);
			/* The first response, its ETag included. */
			if (body) {
				char etag[24];
				resource_etag(body, etag);
				reply_header(rep, "ETag", etag);
			}
			reply_json(rep, (int)store_column_int64(s, 1), body);
			if (!store_column_is_null(s, 2))
				reply_header(rep, "Location",
					     store_column_text(s, 2));
			reply_header(rep, "Idempotent-Replayed", "true");
		}
	}
	store_reset(s);
	return rc < 0 ? rc : STORE_OK;
}

int idempotency_record_text(const struct request *req, int status,
			    const char *text, const char *location)
{
	const char *key = request_header(req, "Idempotency-Key");
	if (!key)
		return STORE_OK;
	int64_t now = wall_ms();
	struct store_stmt *s = store_prepare(
		req->store, "DELETE FROM idempotency WHERE created_ms < ?1");
	if (s)
		store_bind_int64(s, 1, now - IDEMPOTENCY_TTL_MS);
	int rc = store_exec_stmt(s);
	if (rc != STORE_OK)
		return rc;
	unsigned char hash[crypto_hash_sha256_BYTES];
	request_hash(req, hash);
	s = store_prepare(
		req->store,
		"INSERT OR REPLACE INTO idempotency (key_name, idem_key, "
		"request_hash, status, location, body, created_ms) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (s) {
		store_bind_text(s, 1, req->key_name ? req->key_name : "");
		store_bind_text(s, 2, key);
		store_bind_blob(s, 3, hash, sizeof(hash));
		store_bind_int64(s, 4, status);
		store_bind_text(s, 5, location);
		store_bind_text(s, 6, text);
		store_bind_int64(s, 7, now);
	}
	return store_exec_stmt(s);
}

int idempotency_record(const struct request *req, int status, json_t *body,
		       const char *location)
{
	if (!request_header(req, "Idempotency-Key"))
		return STORE_OK;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = body && !text
			 ? STORE_ERROR
			 : idempotency_record_text(req, status, text, location);
	free(text);
	return rc;
}
