/*
 * API keys.  Secrets never touch the store or the logs: only a BLAKE2b
 * hash of the whole key is kept, and the key is printed once, when made.
 * Keys have high entropy, so a fast hash is the right one; the compare is
 * constant-time all the same (sodium_memcmp).
 */
#include "server/keys.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/clock.h"
#include "common/ids.h"
#include "server/etag.h"
#include "store/store.h"

#define KEY_PREFIX "clk_"
#define KEY_ID_BYTES 6
#define KEY_SECRET_BYTES 32
#define KEY_HASH_BYTES 32

static const char *const scope_names[] = {"none", "read", "write", "admin"};

const char *keys_scope_name(enum key_scope scope)
{
	return scope_names[scope];
}

static enum key_scope scope_parse(const char *s)
{
	for (int i = SCOPE_READ; i <= SCOPE_ADMIN; i++)
		if (strcmp(s, scope_names[i]) == 0)
			return (enum key_scope)i;
	return SCOPE_NONE;
}

static void key_hash(const char *key, unsigned char out[KEY_HASH_BYTES])
{
	crypto_generichash(out, KEY_HASH_BYTES, (const unsigned char *)key,
			   strlen(key), NULL, 0);
}

int keys_check(struct store *st, const char *authorization, char *name,
	       size_t namesz, enum key_scope *scope)
{
	*scope = SCOPE_NONE;
	if (!authorization)
		return KEY_MISSING;
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return KEY_INVALID;
	const char *key = authorization + 7;
	while (*key == ' ')
		key++;
	/* clk_<12 hex>_<secret> */
	if (strncmp(key, KEY_PREFIX, 4) != 0 || strlen(key) < 4 + 12 + 2 ||
	    key[4 + 12] != '_' || strlen(key) > 128)
		return KEY_INVALID;
	char key_id[13];
	memcpy(key_id, key + 4, 12);
	key_id[12] = '\0';

	struct store_stmt *s = store_prepare(
		st, "SELECT name, hash, scope FROM api_keys WHERE key_id = ?1 "
		    "AND revoked_at IS NULL");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, key_id);
	int rc = store_step(s);
	int result = KEY_INVALID;
	if (rc == STORE_ROW && store_column_bytes(s, 1) == KEY_HASH_BYTES) {
		unsigned char presented[KEY_HASH_BYTES];
		key_hash(key, presented);
		if (sodium_memcmp(presented, store_column_text(s, 1),
				  KEY_HASH_BYTES) == 0) {
			snprintf(name, namesz, "%s", store_column_text(s, 0));
			*scope = scope_parse(store_column_text(s, 2));
			result = KEY_OK;
		}
	}
	store_reset(s);
	if (rc < 0)
		return rc;
	return result;
}

/* ---- the command line ---- */

static int keys_add(struct store *st, const char *name, const char *scope)
{
	if (!name || !id_valid(name)) {
		fprintf(stderr,
			"claimline: keys add: --name must be lower-case "
			"letters, digits, '.', '_' or '-'\n");
		return 2;
	}
	if (!scope || scope_parse(scope) == SCOPE_NONE) {
		fprintf(stderr,
			"claimline: keys add: --scope must be read, write or admin\n");
		return 2;
	}
	unsigned char id_bytes[KEY_ID_BYTES], secret[KEY_SECRET_BYTES];
	unsigned char hash[KEY_HASH_BYTES];
	char key_id[2 * KEY_ID_BYTES + 1];
	char secret_text[sodium_base64_ENCODED_LEN(
		KEY_SECRET_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	char key[128], now[32];
	randombytes_buf(id_bytes, sizeof(id_bytes));
	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(key_id, sizeof(key_id), id_bytes, sizeof(id_bytes));
	sodium_bin2base64(secret_text, sizeof(secret_text), secret,
			  sizeof(secret),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(key, sizeof(key), KEY_PREFIX "%s_%s", key_id, secret_text);
	key_hash(key, hash);
	sodium_memzero(secret, sizeof(secret));
	clock_now_rfc3339(now);

	struct store_stmt *s = store_prepare(
		st,
		"INSERT INTO api_keys (name, key_id, hash, scope, created_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!s)
		return 1;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, key_id);
	store_bind_blob(s, 3, hash, sizeof(hash));
	store_bind_text(s, 4, scope);
	store_bind_text(s, 5, now);
	int rc = store_exec_stmt(s);
	if (rc == STORE_CONSTRAINT) {
		fprintf(stderr,
			"claimline: keys add: a key named %s exists "
			"(revoke it or pick another name)\n",
			name);
		return 1;
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "claimline: keys add: the store failed\n");
		return 1;
	}
	printf("key %s (scope %s) made; it is shown only this once:\n%s\n",
	       name, scope, key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static int keys_list(struct store *st)
{
	struct store_stmt *s = store_prepare(
		st, "SELECT name, scope, created_at, revoked_at FROM api_keys "
		    "ORDER BY name");
	if (!s)
		return 1;
	int rc;
	printf("%-24s %-6s %-21s %s\n", "NAME", "SCOPE", "CREATED", "REVOKED");
	while ((rc = store_step(s)) == STORE_ROW)
		printf("%-24s %-6s %-21s %s\n", store_column_text(s, 0),
		       store_column_text(s, 1), store_column_text(s, 2),
		       store_column_is_null(s, 3) ? "-"
						  : store_column_text(s, 3));
	store_reset(s);
	return rc == STORE_DONE ? 0 : 1;
}

static int keys_revoke(struct store *st, const char *name)
{
	char now[32];
	clock_now_rfc3339(now);
	struct store_stmt *s = store_prepare(
		st, "UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND "
		    "revoked_at IS NULL");
	if (!s)
		return 1;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, now);
	if (store_exec_stmt(s) != STORE_OK)
		return 1;
	if (store_changes(st) == 0) {
		fprintf(stderr,
			"claimline: keys revoke: no active key named %s\n",
			name);
		return 1;
	}
	printf("key %s revoked\n", name);
	return 0;
}

static const char keys_usage[] =
	"usage: claimline keys add --name NAME --scope read|write|admin [--db PATH]\n"
	"       claimline keys list [--db PATH]\n"
	"       claimline keys revoke NAME [--db PATH]\n";

int keys_command(int argc, char **argv)
{
	const char *db = getenv("CLAIMLINE_DB");
	const char *name = NULL, *scope = NULL,
		   *verb = argc > 1 ? argv[1] : NULL;
	int status = 2;
	char err[512];

	if (!db)
		db = "./claimline.db";
	for (int i = 2; i < argc; i++) {
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--db") == 0 && value) {
			db = value;
			i++;
		} else if (strcmp(argv[i], "--name") == 0 && value) {
			name = value;
			i++;
		} else if (strcmp(argv[i], "--scope") == 0 && value) {
			scope = value;
			i++;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else {
			fprintf(stderr, "claimline: keys: unexpected %s\n%s",
				argv[i], keys_usage);
			return 2;
		}
	}
	if (!verb || (strcmp(verb, "add") && strcmp(verb, "list") &&
		      strcmp(verb, "revoke"))) {
		fputs(keys_usage, stderr);
		return 2;
	}
	if (strcmp(verb, "revoke") == 0 && !name) {
		fputs(keys_usage, stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "claimline: keys: libsodium failed to start\n");
		return 1;
	}
	struct store *st = store_open(db, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "claimline: %s\n", err);
		return 1;
	}
	if (store_migrate(st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "claimline: %s\n", err);
		store_close(st);
		return 1;
	}
	if (strcmp(verb, "add") == 0)
		status = keys_add(st, name, scope);
	else if (strcmp(verb, "list") == 0)
		status = keys_list(st);
	else
		status = keys_revoke(st, name);
	store_close(st);
	return status;
}
