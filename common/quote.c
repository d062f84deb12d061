/*
 * Quote matching.  Both the source text and the quote are folded: every
 * run of white space (ASCII and the Unicode space separators that word
 * processors and web pages put in) becomes one ASCII space, and the
 * typographic single and double quotation marks become ' and ".  The
 * folded quote, trimmed, is searched for as bytes in the folded text; since
 * folding maps whole code points to whole code points, a match of valid
 * UTF-8 in valid UTF-8 starts and ends on code point boundaries.
 *
 * The span reported is in code points of the original text, because that
 * is what a client holding the text as a string can index.  Rather than
 * keep a position table as large as the text, the text is folded a second
 * time, up to the end of the match, counting code points as it goes.
 *
 * Inputs come from jansson, which only produces valid UTF-8; still, a byte
 * that does not start a well-formed sequence is taken as one code point
 * of its own and copied through unchanged, so bad input cannot crash or
 * read past the terminator.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem; meson normally sets it for the project */
#endif
#include "common/quote.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Walks a NUL-terminated text one folded unit at a time. */
struct fold_iter {
	const unsigned char *p;
	size_t cp; /* code points of the original consumed so far */
};

/* Longest output of one folded unit: an unchanged 4-byte sequence. */
#define FOLD_UNIT_MAX 4

/*
 * Decodes the code point at `p` into *cp and returns its length in bytes.
 * Anything that is not a well-formed, shortest-form sequence of a scalar
 * value is reported as a one-byte code point U+FFFD, which is neither
 * white space nor a quotation mark and so is copied through as is.
 */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
	uint32_t c = p[0];
	uint32_t min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	/* A NUL terminator is not a continuation byte, so this stops there. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static bool is_fold_space(uint32_t c)
{
	switch (c) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
	case '\f':
	case '\v':
	case 0x00a0: /* no-break space */
	case 0x1680: /* ogham space mark */
	case 0x2028: /* line separator */
	case 0x2029: /* paragraph separator */
	case 0x202f: /* narrow no-break space */
	case 0x205f: /* medium mathematical space */
	case 0x3000: /* ideographic space */
		return true;
	}
	/* En quad to hair space. */
	return c >= 0x2000 && c <= 0x200a;
}

/* The plain quote a typographic one folds to, or 0 if `c` is none. */
static char fold_quote_mark(uint32_t c)
{
	switch (c) {
	case 0x2018: /* left single quotation mark */
	case 0x2019: /* right single quotation mark, apostrophe */
	case 0x201a: /* single low-9 quotation mark */
	case 0x201b: /* single high-reversed-9 quotation mark */
		return '\'';
	case 0x201c: /* left double quotation mark */
	case 0x201d: /* right double quotation mark */
	case 0x201e: /* double low-9 quotation mark */
	case 0x201f: /* double high-reversed-9 quotation mark */
		return '"';
	}
	return 0;
}

/*
 * Consumes the next folded unit (a whole white-space run, or one code
 * point), writes its folded bytes to `unit` and returns how many; 0 at the
 * end of the text.
 */
static size_t fold_next(struct fold_iter *it, char unit[FOLD_UNIT_MAX])
{
	uint32_t c;
	size_t n;
	char q;

	if (*it->p == '\0')
		return 0;
	n = utf8_decode(it->p, &c);
	if (is_fold_space(c)) {
		/* The terminator decodes as U+0000, which ends the run. */
		do {
			it->p += n;
			it->cp++;
			n = utf8_decode(it->p, &c);
		} while (is_fold_space(c));
		unit[0] = ' ';
		return 1;
	}
	it->cp++;
	q = fold_quote_mark(c);
	if (q != 0) {
		unit[0] = q;
		it->p += n;
		return 1;
	}
	memcpy(unit, it->p, n);
	it->p += n;
	return n;
}

/*
 * Folds the whole of `s` into a new NUL-terminated buffer (the caller frees
 * it) and its length into *len.  Folding never lengthens the text, so
 * strlen(s) + 1 bytes are enough.  Returns NULL when out of memory.
 */
static char *fold(const char *s, size_t *len)
{
	struct fold_iter it = {.p = (const unsigned char *)s, .cp = 0};
	char unit[FOLD_UNIT_MAX];
	char *out;
	size_t n, pos = 0;

	out = malloc(strlen(s) + 1);
	if (!out)
		return NULL;
	for (;;) {
		n = fold_next(&it, unit);
		if (n == 0)
			break;
		memcpy(out + pos, unit, n);
		pos += n;
	}
	out[pos] = '\0';
	*len = pos;
	return out;
}

/*
 * Translates the folded byte range [from, to) of `text` back to original
 * code points by folding again until `to` is reached.  A unit that
 * contains `from` starts the span and one that contains the last byte
 * before `to` ends it, so a white-space run folded into a space is counted
 * whole, and even a match that splits a unit (only possible with invalid
 * UTF-8) gives a sane span.
 */
static void folded_to_cp(const char *text, size_t from, size_t to,
			 size_t *start_cp, size_t *end_cp)
{
	struct fold_iter it = {.p = (const unsigned char *)text, .cp = 0};
	char unit[FOLD_UNIT_MAX];
	size_t pos = 0, n, before;

	*start_cp = 0;
	*end_cp = 0;
	for (;;) {
		before = it.cp;
		n = fold_next(&it, unit);
		if (n == 0)
			break;
		if (pos <= from && from < pos + n)
			*start_cp = before;
		pos += n;
		if (pos >= to) {
			*end_cp = it.cp;
			break;
		}
	}
}

int quote_find(const char *text, const char *quote, size_t *start_cp,
	       size_t *end_cp)
{
	char *ftext = NULL;
	char *fquote = NULL;
	const char *needle, *hit;
	size_t text_len, quote_len;
	int rc;

	fquote = fold(quote, &quote_len);
	if (!fquote) {
		rc = -1;
		goto out;
	}
	/* Folding left at most one space at each end. */
	needle = fquote;
	if (quote_len > 0 && needle[0] == ' ') {
		needle++;
		quote_len--;
	}
	if (quote_len > 0 && needle[quote_len - 1] == ' ')
		quote_len--;
	if (quote_len == 0) {
		rc = 0;
		goto out;
	}

	ftext = fold(text, &text_len);
	if (!ftext) {
		rc = -1;
		goto out;
	}
	hit = memmem(ftext, text_len, needle, quote_len);
	if (!hit) {
		rc = 0;
		goto out;
	}
	folded_to_cp(text, (size_t)(hit - ftext),
		     (size_t)(hit - ftext) + quote_len, start_cp, end_cp);
	rc = 1;
out:
	free(ftext);
	free(fquote);
	return rc;
}
