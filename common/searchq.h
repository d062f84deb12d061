/*
 * What people type into a search box, turned into a full-text query
 * (contract §7).  The syntax is small: words (every word must match), the
 * last word may be a prefix, "quoted phrases", -word excludes, OR between
 * two words allows either.  Every other character is part of no syntax:
 * it separates words, as the index's tokenizer does.
 *
 * The result is an FTS5 MATCH expression built only from double-quoted
 * strings this parser made (holding letters, digits and spaces) and the
 * operators AND, OR, NOT, *, and parentheses, so no text of the query ever
 * reaches FTS5's own syntax: any query parses.
 */
#ifndef CLAIMLINE_SEARCHQ_H
#define CLAIMLINE_SEARCHQ_H

#include <stdbool.h>

/* At most this many words, phrases and ORs of a query are used; the rest
 * are ignored (a query is what a person types, not a document). */
#define SEARCHQ_MAX_TERMS 32

/* The FTS5 expression for `q` (malloc'd; the caller frees it), its last
 * word a prefix when `prefix` is set and the rule below allows it.  The
 * empty string when `q` holds nothing to search for: no word at all (only
 * punctuation), or only exclusions.  NULL when out of memory.
 *
 * The last word W is taken as a prefix when the query ends with it (white
 * space and `*` after it aside), it is not in a "phrase", and it is at
 * least 3 bytes long: "W"*, any word as written that begins with W (the
 * index's tokenizer looks a prefix up as typed and a plain word by its
 * English stem, see store/store.c).  `C++` or `kursk.` end their word. */
char *searchq_fts5(const char *q, bool prefix);

#endif
