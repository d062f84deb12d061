/*
 * Cursors: where the next page of an ordered read starts.  Every ordered
 * read (lists, history, disputes, timelines, statement lists, search)
 * names its place in its order by a position — the sort key of the last
 * row a page showed — and hands it to the client as an opaque cursor.
 * One codec turns a position into a cursor and back for all of them; a
 * cursor_format says what a family's positions hold.
 *
 * A cursor is the base64url (no padding) of "<tag>:<key>:<key>...", the
 * tag naming the family and its version ("t1": timelines).  Decoding is
 * strict: a cursor is accepted only when it is exactly what this server
 * would have written for the position it decodes to, and when every key
 * is in its range, so a damaged or forged cursor is a 400, never a wrong
 * page.
 */
#ifndef CLAIMLINE_CURSOR_H
#define CLAIMLINE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ids.h"

#define CURSOR_MAX_KEYS 4
#define CURSOR_MAX_TAGS 2
/* Room for any cursor this codec writes, with its NUL. */
#define CURSOR_MAX_LEN 224

enum cursor_key_type {
	CURSOR_END = 0, /* no more keys */
	CURSOR_INT,	/* a whole number in [min, max] */
	CURSOR_REAL,	/* a finite double, written exactly (%a) */
	CURSOR_ID,	/* a valid id (common/ids.h); only as the last key */
};

struct cursor_key {
	enum cursor_key_type type;
	int64_t min, max; /* CURSOR_INT: the values accepted */
};

/*
 * The shape of one family's cursors.  A family may have several tags,
 * one per variant of its order (search: the words as typed, or with the
 * last one as a prefix); a position says which it is in.
 */
struct cursor_format {
	const char *tag[CURSOR_MAX_TAGS];	/* the second may be NULL */
	struct cursor_key key[CURSOR_MAX_KEYS]; /* ends at CURSOR_END */
};

/* A position: the values of a format's keys, each by its index. */
struct position {
	int variant;		      /* index of the tag */
	int64_t num[CURSOR_MAX_KEYS]; /* CURSOR_INT keys */
	double real[CURSOR_MAX_KEYS]; /* CURSOR_REAL keys */
	char id[ID_MAX_LEN + 1];      /* the CURSOR_ID key */
};

/* The cursors of reads in the order of a seq (collections, history,
 * disputes): one key, the seq of the last row shown. */
extern const struct cursor_format cursor_seq;

/*
 * Writes the cursor of `pos` in format `fmt` into `buf` (at least
 * CURSOR_MAX_LEN bytes for any position).
 */
void cursor_encode(const struct cursor_format *fmt, const struct position *pos,
		   char *buf, size_t bufsz);

/*
 * Reads `cursor` (NUL-terminated) in format `fmt` into *pos.  False, with
 * *pos undefined, when it is not a cursor this server would write in
 * that format.
 */
bool cursor_decode(const struct cursor_format *fmt, const char *cursor,
		   struct position *pos);

#endif
