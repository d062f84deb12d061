/*
 * The request log: one line per answered request on stderr, as a JSON
 * object (the default, for log collectors) or as plain text (for people),
 * and the request ids that tie a log line to a reply (X-Request-Id).
 * A line holds the method, route pattern, path (never the query string),
 * status, bytes, duration and the API key's name: never a body, never a
 * key secret.
 */
#ifndef CLAIMLINE_ACCESS_LOG_H
#define CLAIMLINE_ACCESS_LOG_H

#include <stddef.h>
#include <stdio.h>

#include "server/config.h"

/* Longest request id we keep (a longer X-Request-Id is cut). */
#define ACCESS_LOG_ID_MAX 128

/* What one line says; every pointer is borrowed for the call. */
struct access_log_entry {
	const char *request_id;
	const char *method; /* as sent */
	const char *route;  /* the route pattern; NULL when none matched */
	const char *path;   /* the path without the query string */
	const char *key;    /* the API key's name, or NULL */
	int status;
	size_t bytes; /* body bytes of the reply */
	double duration_ms;
};

/*
 * Writes the request id for a request into `out`: `given` (the client's
 * X-Request-Id, may be NULL) with everything but printable ASCII dropped
 * and cut to ACCESS_LOG_ID_MAX bytes, or, when that leaves nothing, a new
 * random id of 32 hex digits.
 */
void access_log_request_id(const char *given, char out[ACCESS_LOG_ID_MAX + 1]);

/*
 * Formats one log line (with its newline) into `buf`, cutting long
 * fields so that it fits.  Returns the length written.  The time is now,
 * in RFC 3339 UTC with milliseconds.
 */
size_t access_log_format(enum log_format format,
			 const struct access_log_entry *e, char *buf,
			 size_t bufsz);

/* Formats a line and writes it to `out` with one write. */
void access_log_write(FILE *out, enum log_format format,
		      const struct access_log_entry *e);

#endif
