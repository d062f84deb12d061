/*
 * Unit test for common/ids.c: a table of strings that are and are not
 * valid ids, the shape of generated ids and how id_generate refuses bad
 * sizes and prefixes, that 10000 generated ids are all distinct, and that
 * the random characters show no modulo bias.
 */
#include "common/ids.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

#define N_IDS 10000

struct valid_row {
	const char *s;
	bool valid;
};

static const char max_len[] = /* 64 characters */
	"a123456789012345678901234567890123456789012345678901234567890123";
static const char too_long[] = /* 65 characters */
	"a1234567890123456789012345678901234567890123456789012345678901234";

static const struct valid_row valid_rows[] = {
	{"a", true},	      {"0", true},
	{"abc", true},	      {"claim-1a2b3c4d5e6f", true},
	{"a.b", true},	      {"a_b", true},
	{"a-", true},	      {"9..__--", true},
	{"2024-06-19", true}, {max_len, true},
	{too_long, false},    {"", false},
	{"A", false},	      {"aBc", false},
	{"-a", false},	      {".a", false},
	{"_a", false},	      {"a/b", false},
	{"../a", false},      {"a b", false},
	{" a", false},	      {"a ", false},
	{"a\n", false},	      {"a:b", false},
	{"a%2f", false},      {"a+b", false},
	{"a~b", false},	      {"\xc3\xa9", false}, /* é */
	{"a\xc3\xa9", false},			   /* aé */
	{"a\x7f", false},     {"a\xff", false},
};

static void test_valid(void)
{
	size_t i;

	for (i = 0; i < sizeof(valid_rows) / sizeof(valid_rows[0]); i++) {
		check_context = valid_rows[i].s;
		CHECK_INT_EQ(id_valid(valid_rows[i].s), valid_rows[i].valid);
	}
	check_context = NULL;
	CHECK(strlen(max_len) == ID_MAX_LEN);
	CHECK(strlen(too_long) == ID_MAX_LEN + 1);
	CHECK(!id_valid(NULL));
}

static bool is_random_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static void test_shape(void)
{
	char buf[64];
	char exact[5 + 14];
	char big[ID_MAX_LEN + 1];
	char prefix[ID_MAX_LEN];
	size_t i;
	bool all_random = true;

	CHECK_INT_EQ(id_generate("claim", buf, sizeof(buf)), 0);
	CHECK_UINT_EQ(strlen(buf), 5 + 1 + 12);
	CHECK(strncmp(buf, "claim-", 6) == 0);
	for (i = 6; i < 18; i++)
		all_random = all_random && is_random_char(buf[i]);
	CHECK(all_random);
	CHECK(id_valid(buf));

	/* strlen(prefix) + 14 is enough; one byte less is not. */
	CHECK_INT_EQ(id_generate("claim", exact, sizeof(exact)), 0);
	CHECK(id_valid(exact));
	CHECK_INT_EQ(id_generate("claim", exact, sizeof(exact) - 1), -1);
	CHECK_STR_EQ(exact, "");
	CHECK_INT_EQ(id_generate("claim", exact, 0), -1);

	/* The prefix must keep the result a valid id. */
	CHECK_INT_EQ(id_generate("", buf, sizeof(buf)), -1);
	CHECK_STR_EQ(buf, "");
	CHECK_INT_EQ(id_generate("Claim", buf, sizeof(buf)), -1);
	CHECK_INT_EQ(id_generate("-x", buf, sizeof(buf)), -1);
	CHECK_INT_EQ(id_generate("a/b", buf, sizeof(buf)), -1);
	CHECK_INT_EQ(id_generate("x.y_z-", buf, sizeof(buf)), 0);
	CHECK(id_valid(buf));

	/* The longest prefix gives an id of exactly ID_MAX_LEN. */
	memset(prefix, 'p', ID_MAX_LEN - 13);
	prefix[ID_MAX_LEN - 13] = '\0';
	CHECK_INT_EQ(id_generate(prefix, big, sizeof(big)), 0);
	CHECK_UINT_EQ(strlen(big), ID_MAX_LEN);
	CHECK(id_valid(big));
	prefix[ID_MAX_LEN - 13] = 'p';
	prefix[ID_MAX_LEN - 12] = '\0';
	CHECK_INT_EQ(id_generate(prefix, big, sizeof(big)), -1);
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_distinct_and_unbiased(void)
{
	/* "e-" and 12 random characters and a NUL. */
	static char ids[N_IDS][16];
	unsigned long counts[36] = {0};
	unsigned long low = 0, min = (unsigned long)-1, max = 0;
	size_t i, j, failures = 0, dups = 0, invalid = 0;

	for (i = 0; i < N_IDS; i++) {
		if (id_generate("e", ids[i], sizeof(ids[i])) < 0) {
			failures++;
			continue;
		}
		if (!id_valid(ids[i]) || strlen(ids[i]) != 14)
			invalid++;
		for (j = 2; j < 14; j++) {
			char c = ids[i][j];

			if (c >= 'a' && c <= 'z')
				counts[c - 'a']++;
			else if (c >= '0' && c <= '9')
				counts[26 + c - '0']++;
		}
	}
	CHECK_UINT_EQ(failures, 0);
	CHECK_UINT_EQ(invalid, 0);

	qsort(ids, N_IDS, sizeof(ids[0]), compare_ids);
	for (i = 1; i < N_IDS; i++)
		if (strcmp(ids[i - 1], ids[i]) == 0)
			dups++;
	CHECK_UINT_EQ(dups, 0);

	/*
	 * 120000 characters: 3333 of each expected, standard deviation
	 * about 57, so these bounds hold unless something is broken.  A
	 * plain `byte % 36` would give 'a'..'d' 8/256 each instead of 7/256
	 * (3750 on average instead of 3333); 3541 lies halfway, some seven
	 * standard deviations of the four-letter mean from either.
	 */
	for (i = 0; i < 36; i++) {
		if (counts[i] < min)
			min = counts[i];
		if (counts[i] > max)
			max = counts[i];
	}
	for (i = 0; i < 4; i++)
		low += counts[i];
	check_context = "character counts";
	CHECK(min > 2800);
	CHECK(max < 3900);
	CHECK(low / 4 < 3541);
	check_context = NULL;
}

int main(void)
{
	test_valid();
	test_shape();
	test_distinct_and_unbiased();
	return check_finish();
}
