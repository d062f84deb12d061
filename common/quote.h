/*
 * Quote verification: a claim's verbatim quote must occur in its source's
 * text.  Matching folds runs of white space to one space and typographic
 * quotation marks and apostrophes to plain ones, so that a quote typed with
 * straight quotes matches an article printed with curly ones.
 */
#ifndef CLAIMLINE_QUOTE_H
#define CLAIMLINE_QUOTE_H

#include <stddef.h>

/*
 * Looks for `quote` in `text` (both NUL-terminated UTF-8) after folding
 * both: runs of white space (ASCII, U+00A0, U+1680, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000) become one space, U+2018-U+201B become
 * ' and U+201C-U+201F become ".  Leading and trailing white space of the
 * quote is ignored; the first match counts.
 * Returns 1 when found and sets [*start_cp, *end_cp) to the span the match
 * covers in `text`, counted in Unicode code points of the original text
 * (not of the folded one); a white-space run matched by a space counts
 * whole.  A byte that is not valid UTF-8 counts as one code point.
 * Returns 0 when not found or when the quote is empty after folding, -1
 * when out of memory; *start_cp and *end_cp are then left alone.
 */
int quote_find(const char *text, const char *quote, size_t *start_cp,
	       size_t *end_cp);

#endif
