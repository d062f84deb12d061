/*
 * Growing strings; see strbuf.h.
 */
#include "common/strbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	*sb = (struct strbuf)STRBUF_INIT;
}

static bool grow(struct strbuf *sb, size_t more)
{
	if (sb->failed)
		return false;
	if (sb->len + more + 1 <= sb->cap)
		return true;
	size_t cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + more + 1)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		sb->failed = true;
		return false;
	}
	sb->buf = p;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	if (!grow(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_add_int(struct strbuf *sb, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);
	strbuf_add(sb, num, (size_t)n);
}

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
	if (!s) {
		strbuf_add(sb, "null", 4);
		return;
	}
	strbuf_addch(sb, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *esc = NULL;
		char code[8];
		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (*p < 0x20) {
				snprintf(code, sizeof(code), "\\u%04X", *p);
				esc = code;
			}
		}
		if (!esc)
			continue;
		strbuf_add(sb, run, (size_t)((const char *)p - run));
		strbuf_adds(sb, esc);
		run = (const char *)p + 1;
	}
	strbuf_adds(sb, run);
	strbuf_addch(sb, '"');
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *out = sb->failed ? NULL : sb->buf;
	if (!out)
		free(sb->buf);
	else if (!sb->buf)
		out = strdup("");
	if (len)
		*len = out ? sb->len : 0;
	*sb = (struct strbuf)STRBUF_INIT;
	return out;
}

uint64_t strbuf_hash(const struct strbuf *sb)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < sb->len; i++)
		h = (h ^ (unsigned char)sb->buf[i]) * 1099511628211ull;
	return h;
}
