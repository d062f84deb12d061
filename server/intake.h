/*
 * JSON intake (server/intake.c): parsing and checking request bodies and
 * import lines, without libmicrohttpd, so that handlers, the front end and
 * the fuzz harness share one definition of an acceptable body.
 */
#ifndef CLAIMLINE_INTAKE_H
#define CLAIMLINE_INTAKE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Parses a JSON request body: valid UTF-8, no duplicate keys, nesting at
 * most 32 levels.  Returns a new reference, or NULL with a reason in
 * `why`.
 */
json_t *intake_parse_json(const char *data, size_t len, char *why,
			  size_t whysz);

/*
 * Finds numbers a parsed body holds that we cannot store faithfully (-2^63,
 * reals that underflow to 0).  Returns 0, or -1 with the JSON Pointer of
 * the first one in `pointer` and why in `why`.
 */
int intake_check_numbers(const char *data, size_t len, char *pointer,
			 size_t pointersz, char *why, size_t whysz);

/* True when the NUL-terminated `s` is valid UTF-8 (no overlongs, no
 * surrogates, nothing past U+10FFFF). */
bool intake_utf8_valid(const unsigned char *s);

#endif
