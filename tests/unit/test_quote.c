/*
 * Unit test for common/quote.c: a table of texts and quotes with the code
 * point span each match must have (or none), then the real article case,
 * whose span the test works out on its own by counting code points in the
 * text before the quoted sentence.  Expected spans in the table were
 * counted by hand and cross-checked with a separate Python fold.
 *
 * Invisible characters are written as hex escapes, split with string
 * concatenation because a hex escape swallows any hex digits after it.
 */
#include "common/quote.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

#define NBSP "\xc2\xa0"		   /* U+00A0 */
#define OGHAM_SPACE "\xe1\x9a\x80" /* U+1680 */
#define EN_QUAD "\xe2\x80\x80"	   /* U+2000 */
#define THIN_SPACE "\xe2\x80\x89"  /* U+2009 */
#define HAIR_SPACE "\xe2\x80\x8a"  /* U+200A */
#define ZW_SPACE "\xe2\x80\x8b"	   /* U+200B: not white space here */
#define LINE_SEP "\xe2\x80\xa8"	   /* U+2028 */
#define PARA_SEP "\xe2\x80\xa9"	   /* U+2029 */
#define NNBSP "\xe2\x80\xaf"	   /* U+202F */
#define MATH_SPACE "\xe2\x81\x9f"  /* U+205F */
#define IDEO_SPACE "\xe3\x80\x80"  /* U+3000 */

struct row {
	const char *name;
	const char *text;
	const char *quote;
	int rc;
	size_t start;
	size_t end;
};

static const struct row rows[] = {
	/* Position in the text. */
	{"quote at the very start", "hello world", "hello", 1, 0, 5},
	{"quote at the very end", "hello world", "world", 1, 6, 11},
	{"quote is the whole text", "hello world", "hello world", 1, 0, 11},
	{"first of two occurrences", "abc abc", "abc", 1, 0, 3},
	{"leading white space in text", " \t hello", "hello", 1, 3, 8},
	{"trailing white space in text", "a b  \n", "b", 1, 2, 3},
	/* White space folding. */
	{"run in text spans whole", "hello   \n\t world", "hello world", 1, 0,
	 16},
	{"run in quote", "hello world", "hello\n\n  world", 1, 0, 11},
	{"quote trimmed", "xx hello yy", " \n hello\t ", 1, 3, 8},
	{"paragraph breaks", "a\n\nb\n\nc\n\nd", "b c", 1, 3, 7},
	{"cr lf ff vt", "a\r\nb\fc\vd", "a b c d", 1, 0, 8},
	{"no-break and ideographic space", "foo" NBSP "bar" IDEO_SPACE "baz",
	 "foo bar baz", 1, 0, 11},
	{"mixed run", "x " THIN_SPACE NBSP " y", "x y", 1, 0, 6},
	{"every other space kind",
	 "a" LINE_SEP "b" NNBSP "c" MATH_SPACE "d" OGHAM_SPACE "e" HAIR_SPACE
	 "f" PARA_SEP "g" EN_QUAD "h",
	 "a b c d e f g h", 1, 0, 15},
	{"nbsp in quote", "foo bar", "foo" NBSP "bar", 1, 0, 7},
	{"zero width space is not white space", "a" ZW_SPACE "b", "a b", 0, 0,
	 0},
	/* Quotation marks. */
	{"curly text, straight quote", "He said “yes” and ‘no’",
	 "\"yes\" and 'no'", 1, 8, 22},
	{"straight text, curly quote", "don't stop", "don’t", 1, 0, 5},
	{"low-9 and reversed marks", "„Achtung‟ ‚x‛", "\"Achtung\" 'x'", 1, 0,
	 13},
	{"single and double stay apart", "it’s", "it\"s", 0, 0, 0},
	/* Code points, not bytes. */
	{"Korean before the match", "안녕하세요 세계, hello world",
	 "hello world", 1, 10, 21},
	{"Cyrillic before the match", "Привет,   мир!", "мир", 1, 10, 13},
	{"Korean match with a run", "북한은 러시아에 군대를 보냈다",
	 "러시아에  군대를", 1, 4, 12},
	{"astral code points before", "😀😀 go", "go", 1, 3, 5},
	/* Nothing to find. */
	{"not found", "hello world", "worlds", 0, 0, 0},
	{"case matters", "Hello", "hello", 0, 0, 0},
	{"quote longer than text", "ab", "abc", 0, 0, 0},
	{"empty text", "", "a", 0, 0, 0},
	{"empty quote", "hello", "", 0, 0, 0},
	{"white-space-only quote", "a b", " \n" NBSP "\t ", 0, 0, 0},
	/* Invalid UTF-8: one code point per bad byte, and no crash. */
	{"stray bytes before", "\xff\xfe abc", "abc", 1, 3, 6},
	{"truncated sequence at end", "abc\xe2\x80", "abc", 1, 0, 3},
	{"truncated sequence matched", "x\xc3", "\xc3", 1, 1, 2},
	{"overlong space is not a space", "\xc0\xa0x", "x", 1, 2, 3},
	{"encoded surrogate", "\xed\xa0\x80x", "x", 1, 3, 4},
	{"bad bytes in quote", "abc", "\x80", 0, 0, 0},
};

/*
 * The last paragraph of /work/shared/seed/article.txt, as printed, with
 * its curly quotation marks and apostrophes.
 */
static const char article[] =
	"North Korea’s historic admission has resonated internationally. "
	"The South Korean Foreign Ministry has strongly condemned the "
	"Pyongyang government’s sending of troops to Russia. The ministry "
	"said in a statement, “The Pyongyang government is mocking the "
	"international community by admitting to sending troops to Russia. "
	"This military cooperation between North Korea and Russia is in "
	"clear violation of United Nations Security Council (UNSC) "
	"resolutions and the UN Charter.” South Korea’s harsh response has "
	"raised concerns that tensions in the region could escalate "
	"further.";

static const char article_quote[] =
	"The Pyongyang government is mocking the international community by "
	"admitting to sending troops to Russia.";

/* Code points in the first `n` bytes of valid UTF-8: non-continuations. */
static size_t count_cp(const char *s, size_t n)
{
	size_t i, cp = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cp++;
	return cp;
}

static void test_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		size_t start = 999, end = 999;

		check_context = r->name;
		if (!CHECK_INT_EQ(quote_find(r->text, r->quote, &start, &end),
				  r->rc))
			continue;
		if (r->rc != 1)
			continue;
		CHECK_UINT_EQ(start, r->start);
		CHECK_UINT_EQ(end, r->end);
	}
	check_context = NULL;
}

static void test_article(void)
{
	const char *at = strstr(article, article_quote);
	size_t start = 0, end = 0;
	size_t want_start, want_end;

	check_context = "article";
	if (!CHECK(at != NULL))
		return;
	/*
	 * The quoted sentence is ASCII with single spaces, so the match is
	 * exactly its bytes; two apostrophes before it make the byte and
	 * code point offsets differ.
	 */
	want_start = count_cp(article, (size_t)(at - article));
	want_end = want_start + strlen(article_quote);
	CHECK((size_t)(at - article) != want_start);
	/* The same numbers from a separate count over the original file. */
	CHECK_UINT_EQ(want_start, 212);
	CHECK_UINT_EQ(want_end, 317);

	CHECK_INT_EQ(quote_find(article, article_quote, &start, &end), 1);
	CHECK_UINT_EQ(start, want_start);
	CHECK_UINT_EQ(end, want_end);

	/* Typed with a straight opening quote, the match takes in the “. */
	CHECK_INT_EQ(quote_find(article,
				"\"The Pyongyang government is mocking", &start,
				&end),
		     1);
	CHECK_UINT_EQ(start, want_start - 1);
	CHECK_UINT_EQ(end, want_start + 35);

	/* A straight apostrophe matches the printed one. */
	at = strstr(article, "South Korea’s harsh");
	if (!CHECK(at != NULL))
		return;
	want_start = count_cp(article, (size_t)(at - article));
	CHECK_INT_EQ(quote_find(article, "South Korea's harsh response", &start,
				&end),
		     1);
	CHECK_UINT_EQ(start, want_start);
	CHECK_UINT_EQ(end, want_start + 28);

	/* A quote reworded is not in the text. */
	CHECK_INT_EQ(quote_find(article,
				"The Pyongyang government is mocking the "
				"world",
				&start, &end),
		     0);
	check_context = NULL;
}

/* A long text: the match is found and counted far from the start. */
static void test_long_text(void)
{
	static char text[3 * 50000 + sizeof("needle")];
	size_t i, pos = 0, start = 0, end = 0;

	/* 50000 times 'x' and a (two-byte) no-break space, then "needle". */
	for (i = 0; i < 50000; i++) {
		memcpy(text + pos, "x" NBSP, 3);
		pos += 3;
	}
	memcpy(text + pos, "needle", sizeof("needle"));
	check_context = "long text";
	CHECK_INT_EQ(quote_find(text, "x needle", &start, &end), 1);
	CHECK_UINT_EQ(start, 2 * 50000 - 2);
	CHECK_UINT_EQ(end, 2 * 50000 + 6);
	check_context = NULL;
}

int main(void)
{
	test_table();
	test_article();
	test_long_text();
	return check_finish();
}
