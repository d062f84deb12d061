/*
 * API keys: made on the command line, shown once, stored only as a hash,
 * each with a scope.  A key reads "clk_<key id>_<secret>": the key id
 * finds the row, the hash of the whole key is compared in constant time.
 */
#ifndef CLAIMLINE_KEYS_H
#define CLAIMLINE_KEYS_H

#include <stddef.h>

struct store;

/* Scopes, each including the ones below it. */
enum key_scope {
	SCOPE_NONE = 0,
	SCOPE_READ = 1,
	SCOPE_WRITE = 2,
	SCOPE_ADMIN = 3,
};

enum key_check {
	KEY_OK = 0,
	KEY_MISSING = 1, /* no Authorization header */
	KEY_INVALID = 2, /* not a Bearer key we know, or revoked */
};

/*
 * Checks an Authorization header value ("Bearer clk_..."; NULL when the
 * request had none).  On KEY_OK copies the key's name into `name` and sets
 * *scope.  Returns a key_check, or a negative store error.
 */
int keys_check(struct store *st, const char *authorization, char *name,
	       size_t namesz, enum key_scope *scope);

/* The name of a scope ("read", "write", "admin"). */
const char *keys_scope_name(enum key_scope scope);

/*
 * `claimline keys add|list|revoke ...`: argv[0] is "keys".  Prints to
 * stdout (the new key alone on the last line for add) and one line to
 * stderr on failure.  Returns the exit status.
 */
int keys_command(int argc, char **argv);

#endif
