/*
 * JSON intake: what a request body (or an import line) must be before a
 * handler sees it.  Valid UTF-8, no duplicate keys, nesting at most
 * JSON_MAX_DEPTH levels (checked before jansson recurses into it), and no
 * number we could not store faithfully.  Used by the front end, the fuzz
 * harness, import (handlers/bulk.c) and the demo loader; nothing here knows
 * about HTTP connections.
 */
#include "server/intake.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

/* Deepest nesting of arrays and objects, counted outside strings; stops
 * counting once past `limit`. */
static int json_depth(const char *s, size_t len, int limit)
{
	int depth = 0, max = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
			if (max > limit)
				return max;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

json_t *intake_parse_json(const char *data, size_t len, char *why, size_t whysz)
{
	if (len == 0) {
		snprintf(why, whysz, "the request body is empty");
		return NULL;
	}
	if (json_depth(data, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
		snprintf(why, whysz, "nested deeper than %d levels",
			 JSON_MAX_DEPTH);
		return NULL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(data, len,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!v)
		snprintf(why, whysz, "%s (line %d, column %d)", jerr.text,
			 jerr.line, jerr.column);
	return v;
}

/* One open container while scanning: an object's current key or an
 * array's current index. */
struct scan_frame {
	bool object;
	size_t index;
	char key[64];
};

static void scan_pointer(const struct scan_frame *stack, int depth,
			 char *pointer, size_t size)
{
	size_t n = 0;
	pointer[0] = '\0';
	for (int i = 0; i < depth && n < size; i++) {
		if (stack[i].object)
			n += (size_t)snprintf(pointer + n, size - n, "/%s",
					      stack[i].key);
		else
			n += (size_t)snprintf(pointer + n, size - n, "/%zu",
					      stack[i].index);
	}
}

/* Whether a number literal is one we cannot hold: -2^63 (its negation
 * overflows), or a real whose non-zero digits underflow to 0. */
static const char *number_problem(const char *t, size_t n)
{
	bool real = false, nonzero = false;
	for (size_t i = 0; i < n; i++) {
		real = real || t[i] == '.' || t[i] == 'e' || t[i] == 'E';
		/* Digits of the mantissa only: an exponent may be non-zero. */
		if (t[i] == 'e' || t[i] == 'E')
			break;
		nonzero = nonzero || (t[i] >= '1' && t[i] <= '9');
	}
	if (!real)
		return n == 20 && memcmp(t, "-9223372036854775808", 20) == 0
			       ? "-2^63 is out of range"
			       : NULL;
	if (!nonzero)
		return NULL;
	/* The body is not NUL-terminated: copy the literal out first. */
	char *copy = malloc(n + 1);
	double v = 1.0;
	if (copy) {
		memcpy(copy, t, n);
		copy[n] = '\0';
		v = strtod(copy, NULL);
	}
	free(copy);
	return v == 0.0 ? "too small: it would be stored as 0" : NULL;
}

int intake_check_numbers(const char *s, size_t len, char *pointer,
			 size_t pointersz, char *why, size_t whysz)
{
	struct scan_frame stack[JSON_MAX_DEPTH + 1];
	int depth = 0;
	bool expect_key = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '"') {
			size_t start = ++i;
			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			if (depth && stack[depth - 1].object && expect_key) {
				size_t n = i - start;
				if (n >= sizeof(stack[0].key))
					n = sizeof(stack[0].key) - 1;
				memcpy(stack[depth - 1].key, s + start, n);
				stack[depth - 1].key[n] = '\0';
				expect_key = false;
			}
		} else if (c == '{' || c == '[') {
			if (depth > JSON_MAX_DEPTH)
				return 0; /* refused by the depth check */
			stack[depth++] =
				(struct scan_frame){.object = c == '{'};
			expect_key = c == '{';
		} else if (c == '}' || c == ']') {
			depth -= depth > 0;
		} else if (c == ',') {
			if (depth && stack[depth - 1].object)
				expect_key = true;
			else if (depth)
				stack[depth - 1].index++;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t end = i;
			while (end < len && strchr("+-0123456789.eE", s[end]))
				end++;
			const char *problem = number_problem(s + i, end - i);
			if (problem) {
				scan_pointer(stack, depth, pointer, pointersz);
				snprintf(why, whysz, "%s", problem);
				return -1;
			}
			i = end - 1;
		}
	}
	return 0;
}

bool intake_utf8_valid(const unsigned char *s)
{
	while (*s) {
		int extra = *s < 0x80		  ? 0
			    : (*s & 0xe0) == 0xc0 ? 1
			    : (*s & 0xf0) == 0xe0 ? 2
			    : (*s & 0xf8) == 0xf0 ? 3
						  : -1;
		if (extra < 0 || (*s == 0xc0 || *s == 0xc1) || *s > 0xf4)
			return false;
		uint32_t c = *s & (0x3f >> extra);
		for (int i = 1; i <= extra; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if ((extra == 2 &&
		     (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (extra == 3 && (c < 0x10000 || c > 0x10ffff)))
			return false;
		s += extra + 1;
	}
	return true;
}
