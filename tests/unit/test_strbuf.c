/*
 * Unit tests of the string builder: JSON strings come out byte for byte
 * as jansson writes them (responses splice both, and ETags hash the
 * bytes), and integers as printf writes them.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "check.h"

static void check_like_jansson(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_string(&sb, s);
	json_t *str = json_string(s);
	char *want = json_dumps(str, JSON_ENCODE_ANY);
	check_context = s;
	CHECK(want != NULL && sb.buf != NULL && strcmp(sb.buf, want) == 0);
	if (want && sb.buf && strcmp(sb.buf, want) != 0)
		fprintf(stderr, "  got %s, want %s\n", sb.buf, want);
	check_context = NULL;
	free(want);
	json_decref(str);
	strbuf_release(&sb);
}

static void test_json_strings(void)
{
	char one[2] = {0, 0};
	/* Every byte that is a string of its own in UTF-8. */
	for (int c = 1; c < 0x80; c++) {
		one[0] = (char)c;
		check_like_jansson(one);
	}
	check_like_jansson("");
	check_like_jansson("plain text, nothing to escape");
	check_like_jansson("\"quoted\" and \\back\\slashed\\");
	check_like_jansson("lines\nand\ttabs\r\n\x01\x1f\x7f end");
	check_like_jansson("Курськ, Kürsk, 쿠르스크 \xe2\x80\xa8 😀");
	check_like_jansson("\x1b[0m</script>/");
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_string(&sb, NULL);
	CHECK(sb.buf && strcmp(sb.buf, "null") == 0);
	strbuf_release(&sb);
}

static void test_ints(void)
{
	static const int64_t values[] = {
		0,
		1,
		-1,
		9,
		10,
		-10,
		123456789,
		INT64_MAX,
		INT64_MIN,
		INT64_MIN + 1,
		1000000000000LL,
	};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "%" PRId64, values[i]);
		struct strbuf sb = STRBUF_INIT;
		strbuf_adds(&sb, "n=");
		strbuf_add_int(&sb, values[i]);
		strbuf_addch(&sb, ';');
		check_context = want;
		CHECK(sb.buf && strncmp(sb.buf, "n=", 2) == 0 &&
		      strncmp(sb.buf + 2, want, strlen(want)) == 0 &&
		      strcmp(sb.buf + 2 + strlen(want), ";") == 0);
		check_context = NULL;
		strbuf_release(&sb);
	}
}

int main(void)
{
	test_json_strings();
	test_ints();
	return check_finish();
}
