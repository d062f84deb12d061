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
	if (!grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_add_int(struct strbuf *sb, int64_t v)
{
	/* By hand: snprintf was a tenth of a list page's instructions. */
	char num[24];
	char *end = num + sizeof(num), *p = end;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(end - p));
}

/* What a byte becomes inside a JSON string, as jansson writes it: 0 for
 * itself, 'u' for \u00XX, else the letter after the backslash. */
static const char json_escape[256] = {
	['"'] = '"',  ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
	['\r'] = 'r', ['\t'] = 't',  [0x01] = 'u', [0x02] = 'u', [0x03] = 'u',
	[0x04] = 'u', [0x05] = 'u',  [0x06] = 'u', [0x07] = 'u', [0x0b] = 'u',
	[0x0e] = 'u', [0x0f] = 'u',  [0x10] = 'u', [0x11] = 'u', [0x12] = 'u',
	[0x13] = 'u', [0x14] = 'u',  [0x15] = 'u', [0x16] = 'u', [0x17] = 'u',
	[0x18] = 'u', [0x19] = 'u',  [0x1a] = 'u', [0x1b] = 'u', [0x1c] = 'u',
	[0x1d] = 'u', [0x1e] = 'u',  [0x1f] = 'u',
};

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s) {
		strbuf_add(sb, "null", 4);
		return;
	}
	strbuf_addch(sb, '"');
	const unsigned char *run = (const unsigned char *)s, *p = run;
	for (;; p++) {
		char e = json_escape[*p];
		if (!e && *p)
			continue;
		strbuf_add(sb, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		char code[6] = {'\\', e};
		size_t n = 2;
		if (e == 'u') {
			memcpy(code + 1, "u00", 3);
			code[4] = hex[*p >> 4];
			code[5] = hex[*p & 15];
			n = 6;
		}
		strbuf_add(sb, code, n);
		run = p + 1;
	}
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
