/*
 * Unit test for handlers/cursor.c, the one cursor codec: it writes the
 * very cursors the per-handler codecs wrote before it (cursors taken from
 * a server of that time), reads back every position it writes (each
 * variant of a family), and refuses every text it would not write: other
 * spellings of the same numbers, keys out of range, bad ids, missing or
 * extra keys, another family's tag, damaged base64.
 */
#include "handlers/cursor.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"

/* The shapes of the handlers' families (their tables are static there). */
static const struct cursor_format timeline = {
	.tag = {"t1"},
	.key = {{CURSOR_INT, INT64_MIN, INT64_MAX},
		{CURSOR_INT, 1, 4},
		{CURSOR_INT, 0, 1},
		{CURSOR_ID, 0, 0}},
};
static const struct cursor_format statements = {
	.tag = {"s1"},
	.key = {{CURSOR_INT, 0, 1},
		{CURSOR_INT, INT64_MIN, INT64_MAX},
		{CURSOR_INT, INT32_MIN, INT32_MAX},
		{CURSOR_ID, 0, 0}},
};
static const struct cursor_format search = {
	.tag = {"q1", "q2"},
	.key = {{CURSOR_REAL, 0, 0}, {CURSOR_INT, INT64_MIN, INT64_MAX}},
};

/* base64url without padding, to forge cursors from plain text. */
static void b64(const char *plain, char *out)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
		"tuvwxyz0123456789-_";
	size_t n = strlen(plain), o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)plain[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = abc[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = abc[v & 63];
	}
	out[o] = '\0';
}

static void test_old_cursors(void)
{
	char buf[CURSOR_MAX_LEN];
	struct position p = {.num = {2}};
	cursor_encode(&cursor_seq, &p, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "YzE6Mg"); /* c1:2 */

	p = (struct position){.num = {1717200000000, 2, 0}};
	strcpy(p.id, "evt-kp-ru-partnership");
	cursor_encode(&timeline, &p, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "dDE6MTcxNzIwMDAwMDAwMDoyOjA6ZXZ0LWtwLXJ1LXBhcnRuZXJz"
			  "aGlw");

	p = (struct position){.num = {0, 1745798400000, 3}};
	strcpy(p.id, "clm-cmc-kursk-purpose");
	cursor_encode(&statements, &p, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "czE6MDoxNzQ1Nzk4NDAwMDAwOjM6Y2xtLWNtYy1rdXJzay1wdXJw"
			  "b3Nl");

	/* q1:-0x1.9b250700a4fc5p+0:35 */
	struct position q;
	CHECK(cursor_decode(&search, "cTE6LTB4MS45YjI1MDcwMGE0ZmM1cCswOjM1",
			    &q));
	CHECK_INT_EQ(q.variant, 0);
	CHECK_INT_EQ(q.num[1], 35);
	cursor_encode(&search, &q, buf, sizeof(buf));
	CHECK_STR_EQ(buf, "cTE6LTB4MS45YjI1MDcwMGE0ZmM1cCswOjM1");
}

static void test_round_trips(void)
{
	char buf[CURSOR_MAX_LEN];
	struct position p = {.num = {INT64_MIN, 4, 1}}, got;
	memset(p.id, 'z', ID_MAX_LEN);
	p.id[ID_MAX_LEN] = '\0';
	cursor_encode(&timeline, &p, buf, sizeof(buf));
	CHECK(cursor_decode(&timeline, buf, &got));
	CHECK_INT_EQ(got.num[0], INT64_MIN);
	CHECK_INT_EQ(got.num[1], 4);
	CHECK_INT_EQ(got.num[2], 1);
	CHECK_STR_EQ(got.id, p.id);
	/* Another family's cursor is none of this one's. */
	CHECK(!cursor_decode(&statements, buf, &got));
	CHECK(!cursor_decode(&cursor_seq, buf, &got));

	p = (struct position){.variant = 1, .real = {-0.1}, .num = {0, -7}};
	cursor_encode(&search, &p, buf, sizeof(buf));
	CHECK(cursor_decode(&search, buf, &got));
	CHECK_INT_EQ(got.variant, 1);
	CHECK(got.real[0] == -0.1);
	CHECK_INT_EQ(got.num[1], -7);

	p = (struct position){.num = {INT64_MAX}};
	cursor_encode(&cursor_seq, &p, buf, sizeof(buf));
	CHECK(cursor_decode(&cursor_seq, buf, &got));
	CHECK_INT_EQ(got.num[0], INT64_MAX);
}

static void test_refusals(void)
{
	static const struct {
		const struct cursor_format *fmt;
		const char *plain;
	} rows[] = {
		{&cursor_seq, "c1:007"}, /* another spelling */
		{&cursor_seq, "c1:+7"},
		{&cursor_seq, "c1:00"},
		{&timeline, "t1:-0:1:0:abc"},
		{&cursor_seq, "c1: 7"},
		{&cursor_seq, "c1:-1"}, /* out of range */
		{&cursor_seq, "c1:7x"},
		{&cursor_seq, "c1:"},
		{&cursor_seq, "c1"},
		{&cursor_seq, "c1:7:8"}, /* an extra key */
		{&cursor_seq, "c2:7"},	 /* another version */
		{&cursor_seq, "c1:99999999999999999999"},
		{&timeline, "t1:1:5:0:abc"}, /* precision 5 */
		{&timeline, "t1:1:2:2:abc"}, /* rank 2 */
		{&timeline, "t1:1:2:0:ABC"}, /* not an id */
		{&timeline, "t1:1:2:0:"},
		{&timeline, "t1:1:2:0"},
		{&statements, "s1:2:0:0:abc"}, /* phase 2 */
		{&search, "q3:0x1p+0:3"},
		{&search, "q1:nan:3"},
		{&search, "q1:inf:3"},
		{&search, "q1:1.5:3"}, /* not as %a writes it */
		{&search, "q1:0x1p+0"},
	};
	char buf[CURSOR_MAX_LEN];
	struct position got;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		check_context = rows[i].plain;
		b64(rows[i].plain, buf);
		CHECK(!cursor_decode(rows[i].fmt, buf, &got));
	}
	check_context = NULL;
	/* Damaged base64: trailing bits, padding, length, alphabet, NUL. */
	static const char *const damaged[] = {
		"YzE6Mh", "YzE6Mg==", "YzE6M", "YzE6M+", "", "YzE6Mg ", "AA",
	};
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		check_context = damaged[i];
		CHECK(!cursor_decode(&cursor_seq, damaged[i], &got));
	}
	check_context = NULL;
	CHECK(!cursor_decode(&cursor_seq, NULL, &got));
	CHECK(cursor_decode(&cursor_seq, "YzE6Mg", &got));
	CHECK_INT_EQ(got.num[0], 2);
}

int main(void)
{
	test_old_cursors();
	test_round_trips();
	test_refusals();
	return check_finish();
}
