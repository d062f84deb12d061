/*
 * Unit tests of the search box's parser (common/searchq.c): what a person
 * types, and the FTS5 expression it becomes, with the last word a prefix
 * and without.  Every expression is made of
 * quoted strings the parser wrote and FTS5's operators only, so what the
 * table shows is also what FTS5 sees.
 */
#include <stdlib.h>
#include <string.h>

#include "common/searchq.h"
#include "check.h"

static const struct {
	const char *q, *fts5;
} rows[] = {
	/* words: each must match; the last one is also a prefix */
	{"kursk", "\"kursk\"*"},
	{"liberat", "\"liberat\"*"},
	{"troops killed", "\"troops\" AND \"killed\"*"},
	{"  troops \t killed  ", "\"troops\" AND \"killed\"*"},
	/* punctuation separates words, which stay next to each other */
	{"Kim Jong-un", "\"Kim\" AND \"Jong un\""},
	{"Kim Jong-u", "\"Kim\" AND \"Jong u\""},
	{"Kim Jong", "\"Kim\" AND \"Jong\"*"},
	{"Russia's army", "\"Russia s\" AND \"army\"*"},
	{"Russia's", "\"Russia s\""},
	{"e-mail", "\"e mail\"*"},
	{"Pyongyang-Moscow", "\"Pyongyang Moscow\"*"},
	{"C++", "\"C\""},
	{"kursk.", "\"kursk\""},
	{"kursk!?", "\"kursk\""},
	{"kursk**", "\"kursk\"*"},
	{"ab", "\"ab\""},
	{"abc", "\"abc\"*"},
	{"a:b", "\"a b\""},
	{"NEAR(a b)", "\"NEAR a\" AND \"b\""},
	{"title:kursk", "\"title kursk\"*"},
	{"kursk*", "\"kursk\"*"},
	{"^kursk", "\"kursk\"*"},
	/* nothing to search for */
	{"", ""},
	{"   ", ""},
	{"(", ""},
	{"( ) * : ^ + --", ""},
	{"\"", ""},
	{"\"\"", ""},
	{"-word", ""},
	{"-word -other", ""},
	{"\xe2\x80\x94 \xc2\xab \xc2\xbb", ""}, /* — « » */
	/* phrases */
	{"\"exact phrase\"", "\"exact phrase\""},
	{"\"exact phrase\" kursk", "\"exact phrase\" AND \"kursk\"*"},
	{"kursk \"exact phrase\"", "\"kursk\" AND \"exact phrase\""},
	{"\"a-b c\"", "\"a b c\""},
	{"\"kursk\"troops", "\"kursk\" AND \"troops\"*"},
	/* an unbalanced quote is punctuation */
	{"\"unbalanced", "\"unbalanced\"*"},
	{"say \"hello", "\"say\" AND \"hello\"*"},
	{"\"a b\" \"c", "\"a b\" AND \"c\""},
	/* exclusions */
	{"kursk -troops", "(\"kursk\") NOT (\"troops\")"},
	{"kursk -troops -\"north korea\"",
	 "(\"kursk\") NOT (\"troops\" OR \"north korea\")"},
	{"-troops kursk", "(\"kursk\"*) NOT (\"troops\")"},
	{"kursk - troops", "\"kursk\" AND \"troops\"*"},
	{"kursk -", "\"kursk\"*"},
	{"kursk --x", "(\"kursk\") NOT (\"x\")"},
	{"kursk -(", "\"kursk\"*"},
	/* OR between two searched terms */
	{"a OR b", "(\"a\" OR \"b\")"},
	{"alpha OR beta", "(\"alpha\" OR \"beta\"*)"},
	{"a OR b OR c", "(\"a\" OR \"b\" OR \"c\")"},
	{"x a OR b y", "\"x\" AND (\"a\" OR \"b\") AND \"y\""},
	{"\"a b\" OR c d", "(\"a b\" OR \"c\") AND \"d\""},
	{"OR", "\"OR\""},
	{"OR a", "\"OR\" AND \"a\""},
	{"a OR", "\"a\" AND \"OR\""},
	{"a or b", "\"a\" AND \"or\" AND \"b\""},
	{"a OR -b", "(\"a\" AND \"OR\") NOT (\"b\")"},
	{"a OR ( b", "(\"a\" OR \"b\")"},
	/* other scripts are words */
	{"국방부", "\"국방부\"*"},
	{"Café noël", "\"Café\" AND \"noël\"*"},
	{"中国\xe3\x80\x82日本", "\"中国 日本\"*"},
};

/* Each row with the last word a prefix, and without: the same
 * expression but for the `*` (no word ever holds one). */
static void test_table(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *got = searchq_fts5(rows[i].q, true);
		char *exact = searchq_fts5(rows[i].q, false);
		char want[256];
		size_t n = 0;
		for (const char *p = rows[i].fts5; *p && n + 1 < sizeof(want);
		     p++)
			if (*p != '*')
				want[n++] = *p;
		want[n] = '\0';
		check_context = rows[i].q;
		CHECK_STR_EQ(got, rows[i].fts5);
		CHECK_STR_EQ(exact, want);
		check_context = NULL;
		free(got);
		free(exact);
	}
}

/* Past SEARCHQ_MAX_TERMS terms the rest is ignored; a long query is
 * still one expression. */
static void test_many_terms(void)
{
	char q[4096] = "";
	for (int i = 0; i < 200; i++)
		strcat(q, "w ");
	char *got = searchq_fts5(q, true);
	size_t ands = 0;
	for (const char *p = got; p && (p = strstr(p, " AND ")); p++)
		ands++;
	CHECK(got != NULL);
	CHECK_INT_EQ(ands, SEARCHQ_MAX_TERMS - 1);
	free(got);
	got = searchq_fts5(NULL, true);
	CHECK_STR_EQ(got, "");
	free(got);
}

int main(void)
{
	test_table();
	test_many_terms();
	return check_finish();
}
