/*
 * The search box's syntax, parsed by hand into an FTS5 expression (see
 * searchq.h).  A query is read as a list of terms separated by white
 * space: a word, a "phrase" (a balanced pair of double quotes), either
 * one with a leading - (excluded), or the word OR.  Inside a term, every
 * character that is not a letter or a digit separates the term's words,
 * which then form a phrase: `Jong-un` is the words jong, un, next to each
 * other, as the tokenizer indexed "Jong-un".  A term with no word left
 * (`(`, `C++` keeps `C`, `--` keeps nothing) is dropped.
 */
#include "common/searchq.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

struct term {
	char *words; /* words joined by one space; owned */
	bool neg, phrase, is_or;
	bool open_end; /* typed up to its last letter (but for `*`s) */
};

/* The shortest last word (in bytes) taken as a prefix: one CJK letter, or
 * three Latin ones; shorter ones would match half the vocabulary. */
#define PREFIX_MIN_BYTES 3

/* Decodes one UTF-8 code point at s (n bytes left) into *cp; returns its
 * length.  A byte that starts no valid sequence is a code point of its
 * own, above every range below (kept as part of a word). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
	if (s[0] < 0x80 || len > n) {
		*cp = s[0] < 0x80 ? s[0] : 0x110000;
		return 1;
	}
	uint32_t c = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0x110000;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*cp = c;
	return len;
}

/* True for a code point that is part of a word: ASCII letters and digits
 * and, beyond ASCII, everything but the punctuation and symbol blocks
 * (the tokenizer, unicode61, keeps letters and numbers; a symbol it would
 * drop that is missed here makes a phrase that matches nothing, never an
 * error). */
static bool is_word_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		       (c >= 'A' && c <= 'Z');
	if (c <= 0xbf) /* Latin-1 punctuation, but for its letters, numbers */
		return c == 0xaa || c == 0xb2 || c == 0xb3 || c == 0xb5 ||
		       c == 0xb9 || c == 0xba;
	if (c == 0xd7 || c == 0xf7)
		return false;
	if ((c >= 0x2000 && c <= 0x206f) || (c >= 0x20a0 && c <= 0x20cf) ||
	    (c >= 0x2190 && c <= 0x2bff) || (c >= 0xfe30 && c <= 0xfe4f) ||
	    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    (c >= 0x1f000 && c <= 0x1faff))
		return false;
	if (c >= 0x3000 && c <= 0x303f) /* CJK punctuation, but for 々〆〇 */
		return (c >= 0x3005 && c <= 0x3007) ||
		       (c >= 0x3021 && c <= 0x3029) ||
		       (c >= 0x3031 && c <= 0x3035) || c == 0x303b ||
		       c == 0x303c;
	return true;
}

static bool is_space(unsigned char c)
{
	return c <= ' ';
}

/* The words of s[0..n) joined by single spaces (malloc'd, maybe empty). */
static char *words_of(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t len = 0;
	bool gap = false;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i, &c);
		if (is_word_char(c)) {
			if (gap && len)
				out[len++] = ' ';
			memcpy(out + len, s + i, k);
			len += k;
			gap = false;
		} else {
			gap = true;
		}
		i += k;
	}
	out[len] = '\0';
	return out;
}

/* Reads the terms of q into t[] (at most SEARCHQ_MAX_TERMS); returns how
 * many, or -1 when out of memory. */
static int read_terms(const char *q, struct term *t)
{
	int n = 0;
	size_t i = 0;
	while (q[i] && n < SEARCHQ_MAX_TERMS) {
		if (is_space((unsigned char)q[i])) {
			i++;
			continue;
		}
		struct term cur = {0};
		if (q[i] == '-' && q[i + 1] &&
		    !is_space((unsigned char)q[i + 1])) {
			cur.neg = true;
			i++;
		}
		size_t from, to;
		const char *close = q[i] == '"' ? strchr(q + i + 1, '"') : NULL;
		if (close) {
			cur.phrase = true;
			from = i + 1;
			to = (size_t)(close - q);
			i = to + 1;
		} else {
			/* An unbalanced quote is punctuation, like any other. */
			if (q[i] == '"')
				i++;
			from = i;
			while (q[i] && !is_space((unsigned char)q[i]) &&
			       q[i] != '"')
				i++;
			to = i;
			/* Does the term end in a letter, `*`s aside?  Then
			 * its last word may be unfinished. */
			size_t e = to, b;
			while (e > from && q[e - 1] == '*')
				e--;
			for (b = e; b > from && e - b < 4 &&
				    ((unsigned char)q[b - 1] & 0xc0) == 0x80;)
				b--;
			if (b > from)
				b--;
			uint32_t c = 0;
			if (e > from)
				utf8_decode((const unsigned char *)q + b, e - b,
					    &c);
			cur.open_end = e > from && is_word_char(c);
		}
		if (!cur.neg && !cur.phrase && to - from == 2 &&
		    memcmp(q + from, "OR", 2) == 0)
			cur.is_or = true;
		cur.words = words_of(q + from, to - from);
		if (!cur.words) {
			while (n--)
				free(t[n].words);
			return -1;
		}
		if (!*cur.words) {
			free(cur.words);
			continue;
		}
		t[n++] = cur;
	}
	return n;
}

static void add_quoted(struct strbuf *sb, const char *words)
{
	/* Words never hold a quote; doubled anyway, as FTS5 escapes it. */
	strbuf_addch(sb, '"');
	for (const char *p = words; *p; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	strbuf_addch(sb, '"');
}

static void add_term(struct strbuf *sb, const struct term *t, bool prefix)
{
	add_quoted(sb, t->words);
	if (prefix)
		strbuf_addch(sb, '*');
}

static bool positive(const struct term *t, int i, int n)
{
	return i >= 0 && i < n && !t[i].neg && !t[i].is_or;
}

char *searchq_fts5(const char *q, bool want_prefix)
{
	struct term t[SEARCHQ_MAX_TERMS];
	int n = read_terms(q ? q : "", t);
	if (n < 0)
		return NULL;
	/* OR joins the terms either side when both are searched for;
	 * anywhere else it is the word "or". */
	for (int i = 0; i < n; i++)
		if (t[i].is_or &&
		    !(positive(t, i - 1, n) && positive(t, i + 1, n)))
			t[i].is_or = false;
	/* The last term is typed as far as it goes: its last word may be a
	 * prefix, when the query ends in a letter (trailing white space
	 * and `*` aside) and the word is long enough. */
	int last = n - 1;
	bool prefix = false;
	if (want_prefix && n > 0 && positive(t, last, n) && !t[last].phrase &&
	    t[last].open_end) {
		const char *w = strrchr(t[last].words, ' ');
		w = w ? w + 1 : t[last].words;
		prefix = strlen(w) >= PREFIX_MIN_BYTES;
	}

	struct strbuf pos = STRBUF_INIT, neg = STRBUF_INIT;
	int npos = 0, nneg = 0;
	for (int i = 0; i < n; i++) {
		if (t[i].is_or)
			continue;
		bool pre = prefix && i == last;
		if (t[i].neg) {
			strbuf_adds(&neg, nneg++ ? " OR " : "");
			add_term(&neg, &t[i], false);
			continue;
		}
		bool alt = i > 0 && t[i - 1].is_or;
		bool opens = i + 1 < n && t[i + 1].is_or;
		if (!alt) {
			strbuf_adds(&pos, npos++ ? " AND " : "");
			if (opens)
				strbuf_addch(&pos, '(');
		} else {
			strbuf_adds(&pos, " OR ");
		}
		add_term(&pos, &t[i], pre);
		if (alt && !opens)
			strbuf_addch(&pos, ')');
	}
	for (int i = 0; i < n; i++)
		free(t[i].words);

	struct strbuf out = STRBUF_INIT;
	if (npos && nneg) {
		strbuf_addch(&out, '(');
		strbuf_add(&out, pos.buf, pos.len);
		strbuf_adds(&out, ") NOT (");
		strbuf_add(&out, neg.buf, neg.len);
		strbuf_addch(&out, ')');
	} else if (npos) {
		strbuf_add(&out, pos.buf, pos.len);
	}
	strbuf_addch(&out, '\0'); /* so that "" is a string too */
	bool failed = pos.failed || neg.failed;
	strbuf_release(&pos);
	strbuf_release(&neg);
	if (failed) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}
