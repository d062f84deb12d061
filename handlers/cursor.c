/*
 * The one cursor codec (see cursor.h): a position is written as
 * "<tag>:<key>:..." and that text as base64url.  A cursor decodes only
 * when it is spelled exactly as it is written: base64 without padding or
 * trailing bits, whole numbers without sign, spaces or leading zeros,
 * reals as %a writes them, so no two cursors name one position.
 */
#include "handlers/cursor.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest plain text of a cursor: a tag, four keys and an id. */
#define PLAIN_MAX 160

const struct cursor_format cursor_seq = {
	.tag = {"c1"},
	.key = {{CURSOR_INT, 0, INT64_MAX}},
};

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64_encode(const char *plain, char *buf, size_t bufsz)
{
	size_t n = strlen(plain), o = 0;
	for (size_t i = 0; i < n && o + 5 < bufsz; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)plain[i + 2];
		buf[o++] = b64url[(v >> 18) & 63];
		buf[o++] = b64url[(v >> 12) & 63];
		if (left > 1)
			buf[o++] = b64url[(v >> 6) & 63];
		if (left > 2)
			buf[o++] = b64url[v & 63];
	}
	buf[o] = '\0';
}

/* Decodes base64url into `plain`; false on a character outside the
 * alphabet, an impossible length, a NUL inside, or too long a text.
 * Trailing bits are caught by the round trip in cursor_decode. */
static bool b64_decode(const char *s, char *plain, size_t plainsz)
{
	size_t n = strlen(s), o = 0;
	if (n == 0 || n % 4 == 1 || (n / 4) * 3 + 3 >= plainsz)
		return false;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(b64url, s[i]);
		if (!p)
			return false;
		acc = (acc << 6) | (uint32_t)(p - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			plain[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	plain[o] = '\0';
	return strlen(plain) == o;
}

/* Writes the plain text of `pos`; false when it does not fit. */
static bool plain_write(const struct cursor_format *fmt,
			const struct position *pos, char *out, size_t outsz)
{
	if (pos->variant < 0 || pos->variant >= CURSOR_MAX_TAGS ||
	    !fmt->tag[pos->variant])
		return false;
	int n = snprintf(out, outsz, "%s", fmt->tag[pos->variant]);
	for (size_t k = 0; k < CURSOR_MAX_KEYS && fmt->key[k].type; k++) {
		size_t used = (size_t)n;
		if (n < 0 || used >= outsz)
			return false;
		switch (fmt->key[k].type) {
		case CURSOR_INT:
			n += snprintf(out + used, outsz - used, ":%" PRId64,
				      pos->num[k]);
			break;
		case CURSOR_REAL:
			n += snprintf(out + used, outsz - used, ":%a",
				      pos->real[k]);
			break;
		case CURSOR_ID:
			n += snprintf(out + used, outsz - used, ":%s", pos->id);
			break;
		case CURSOR_END:
			break;
		}
	}
	return n >= 0 && (size_t)n < outsz;
}

void cursor_encode(const struct cursor_format *fmt, const struct position *pos,
		   char *buf, size_t bufsz)
{
	char plain[PLAIN_MAX];
	if (!plain_write(fmt, pos, plain, sizeof(plain)))
		plain[0] = '\0';
	b64_encode(plain, buf, bufsz);
}

/* Whether `s` begins a whole number as "%" PRId64 writes it: an
 * optional minus, then 0 alone or digits without a leading zero. */
static bool int_canonical(const char *s)
{
	const char *d = *s == '-' ? s + 1 : s;
	if (*d < '0' || *d > '9')
		return false;
	if (*d == '0')
		return d == s && (d[1] < '0' || d[1] > '9'); /* not -0, 007 */
	return true;
}

/* Reads the keys of `fmt` from `s` (just after the tag) into *pos, each
 * spelled exactly as plain_write writes it. */
static bool keys_read(const struct cursor_format *fmt, const char *s,
		      struct position *pos)
{
	for (size_t k = 0; k < CURSOR_MAX_KEYS && fmt->key[k].type; k++) {
		const struct cursor_key *key = &fmt->key[k];
		if (*s++ != ':')
			return false;
		char *end = NULL;
		switch (key->type) {
		case CURSOR_INT: {
			if (!int_canonical(s))
				return false;
			errno = 0;
			long long v = strtoll(s, &end, 10);
			if (errno || v < key->min || v > key->max)
				return false;
			pos->num[k] = v;
			break;
		}
		case CURSOR_REAL: {
			/* %a has one spelling per double: write it again. */
			char again[64];
			pos->real[k] = strtod(s, &end);
			size_t len = (size_t)(end - s);
			if (end == s || !isfinite(pos->real[k]) ||
			    snprintf(again, sizeof(again), "%a",
				     pos->real[k]) != (int)len ||
			    memcmp(again, s, len) != 0)
				return false;
			break;
		}
		case CURSOR_ID:
			/* The id is the last key: the rest of the text. */
			if (strlen(s) > ID_MAX_LEN || !id_valid(s))
				return false;
			memcpy(pos->id, s, strlen(s) + 1);
			return k + 1 == CURSOR_MAX_KEYS ||
			       fmt->key[k + 1].type == CURSOR_END;
		case CURSOR_END:
			break;
		}
		s = end;
	}
	return *s == '\0';
}

bool cursor_decode(const struct cursor_format *fmt, const char *cursor,
		   struct position *pos)
{
	char plain[PLAIN_MAX], again[CURSOR_MAX_LEN];
	if (!cursor || !b64_decode(cursor, plain, sizeof(plain)))
		return false;
	/* One base64 spelling per text: no trailing bits, no padding. */
	b64_encode(plain, again, sizeof(again));
	if (strcmp(again, cursor) != 0)
		return false;
	memset(pos, 0, sizeof(*pos));
	for (int v = 0; v < CURSOR_MAX_TAGS && fmt->tag[v]; v++) {
		size_t taglen = strlen(fmt->tag[v]);
		if (strncmp(plain, fmt->tag[v], taglen) == 0 &&
		    keys_read(fmt, plain + taglen, pos)) {
			pos->variant = v;
			return true;
		}
	}
	return false;
}
