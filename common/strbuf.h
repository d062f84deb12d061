/*
 * A growing byte string, for writing JSON responses without building a
 * jansson tree per row.  An allocation failure is remembered (`failed`)
 * and turns later appends into no-ops, so callers check once at the end.
 */
#ifndef CLAIMLINE_STRBUF_H
#define CLAIMLINE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf; /* NUL-terminated when len > 0; owned */
	size_t len, cap;
	bool failed;
};

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0, false                                              \
	}

void strbuf_release(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_add_int(struct strbuf *sb, int64_t v);

/* Appends `s` as a JSON string, quoted and escaped exactly as jansson's
 * json_dumps does, so both paths give the same bytes (and ETags).  NULL
 * appends null. */
void strbuf_add_json_string(struct strbuf *sb, const char *s);

/* Hands the buffer over (the caller frees it) and resets `sb`.  NULL
 * when an append failed; the buffer is then freed. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* FNV-1a 64 of the contents, for ETags. */
uint64_t strbuf_hash(const struct strbuf *sb);

#endif
