/*
 * Requests and replies as handlers see them.  A handler gets a request
 * (method, path arguments, query, parsed body, store) and fills a reply
 * (status, body, headers); the front end turns the reply into an HTTP
 * response.  Nothing here touches libmicrohttpd, so handlers can be called
 * from a unit test without a socket.
 */
#ifndef CLAIMLINE_REPLY_H
#define CLAIMLINE_REPLY_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

enum http_method {
	METHOD_GET = 1 << 0,
	METHOD_HEAD = 1 << 1,
	METHOD_POST = 1 << 2,
	METHOD_PUT = 1 << 3,
	METHOD_PATCH = 1 << 4,
	METHOD_DELETE = 1 << 5,
	METHOD_OPTIONS = 1 << 6,
};

#define REQUEST_MAX_ARGS 4
#define REQUEST_MAX_QUERY 32

struct query_param {
	const char *key;
	const char *value;
};

struct request {
	enum http_method method;
	const char *path;
	/* Path captures ({id}, ...) in pattern order; borrowed. */
	const char *args[REQUEST_MAX_ARGS];
	size_t nargs;
	/* Query parameters in request order, duplicates kept; borrowed. */
	struct query_param query[REQUEST_MAX_QUERY];
	size_t nquery;
	/* The parsed request body, borrowed; NULL when the route takes none. */
	json_t *body;
	/* ROUTE_NDJSON routes: the body as received, borrowed. */
	const char *raw_body;
	size_t raw_len;
	/* This worker thread's store connection. */
	struct store *store;
	/* The name of the API key the caller presented, NULL for none. */
	const char *key_name;
	/* Long polls: the deadline (CLOCK_MONOTONIC ms) a handler asked to
	 * wait until, kept by the front end across wake-ups (0 at first),
	 * and whether the server is stopping (answer now with what there is). */
	int64_t wait_deadline_ms;
	bool stopping;
	/* The route's argument (for resource routes, the resource). */
	const void *route_arg;
	/* Request headers, looked up by the front end (case-insensitive);
	 * use request_header().  NULL in unit tests without a socket. */
	const char *(*header_lookup)(void *cookie, const char *name);
	void *header_cookie;
};

/* Error classes: each maps to a status, a problem type and a title. */
enum problem {
	PROBLEM_INVALID_JSON,
	PROBLEM_BAD_REQUEST,
	PROBLEM_NOT_FOUND,
	PROBLEM_METHOD_NOT_ALLOWED,
	PROBLEM_CONFLICT,
	PROBLEM_PRECONDITION_FAILED,
	PROBLEM_UNAUTHORIZED,
	PROBLEM_FORBIDDEN,
	PROBLEM_PAYLOAD_TOO_LARGE,
	PROBLEM_UNSUPPORTED_MEDIA_TYPE,
	PROBLEM_VALIDATION,
	PROBLEM_INTERNAL,
	PROBLEM_UNAVAILABLE,
	/* Written by the connection tracker (server/conntrack.c), not by a
	 * handler: a request's headers or body came too slowly. */
	PROBLEM_REQUEST_TIMEOUT,
};

/* One row of the problem table: what every problem of a class carries. */
struct problem_info {
	int status;
	const char *type;  /* "/problems/not-found" */
	const char *title; /* "Not found" */
};

/* How many problem classes there are: the enum's values are 0 to this. */
size_t problem_type_count(void);

/* The row of class `kind` (static), for what describes or writes the
 * table outside a reply: the OpenAPI test, the connection tracker. */
const struct problem_info *problem_info(enum problem kind);

#define REPLY_MAX_HEADERS 8

struct reply_header {
	char *name;  /* owned */
	char *value; /* owned */
};

struct reply {
	int status;
	json_t *body; /* owned; NULL for no body */
	/* Instead of `body`: bytes that outlive the reply (static data). */
	const char *raw;
	size_t raw_len;
	/* Set by reply_text: `raw` is this malloc'd buffer, owned by the
	 * reply and freed with it (the front end copies it out). */
	char *raw_owned;
	const char *content_type; /* static string */
	struct reply_header headers[REPLY_MAX_HEADERS];
	size_t nheaders;
	/* Set by reply_wait(): hold the request until a commit or this
	 * deadline (CLOCK_MONOTONIC ms), then call the handler again. */
	int64_t wait_until_ms;
	/* Set by reply_stream(): the body is produced piece by piece. */
	struct reply_stream *stream;
};

/*
 * A streamed body: `read` fills up to `max` bytes of `buf` and returns how
 * many, 0 at the end, or -1 on an error (the connection is cut);
 * `release` frees `cookie` once the response is done or abandoned.
 */
struct reply_stream {
	long (*read)(void *cookie, char *buf, size_t max);
	void (*release)(void *cookie);
	void *cookie;
};

/* Zeroes a reply.  Every initialised reply must be released with
 * reply_release(). */
void reply_init(struct reply *rep);

/* Frees what the reply owns and zeroes it. */
void reply_release(struct reply *rep);

/* Sets status and body; takes the reference `body` (new reference or NULL).
 * Returns `status`. */
int reply_json(struct reply *rep, int status, json_t *body);

/* Sets status and a static body of `content_type`; returns `status`. */
int reply_static(struct reply *rep, int status, const char *content_type,
		 const char *data, size_t len);

/* Sets status and a text body of `content_type` (a static string);
 * takes `text`, a malloc'd buffer of `len` bytes, and frees it on release
 * or on the next body.  Returns `status`.  (Added for GET /metrics.) */
int reply_text(struct reply *rep, int status, const char *content_type,
	       char *text, size_t len);

/*
 * Asks the front end to hold the request without a worker thread until a
 * write commits or `deadline_ms` (CLOCK_MONOTONIC) passes, then to call the
 * handler again with req->wait_deadline_ms set.  Returns 0 (no status yet).
 */
int reply_wait(struct reply *rep, int64_t deadline_ms);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t monotonic_ms(void);

/* Sets status and a streamed body of `content_type`; the reply owns
 * `stream` (malloc'd) and its cookie from here on.  Returns `status`. */
int reply_stream(struct reply *rep, int status, const char *content_type,
		 struct reply_stream *stream);

/* Adds a header; copies name and value.  Extra headers beyond
 * REPLY_MAX_HEADERS are dropped (a programming error, logged). */
void reply_header(struct reply *rep, const char *name, const char *value);

/* Adds a header whose value is formatted printf-style. */
void reply_headerf(struct reply *rep, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Replaces whatever the reply held by a problem document of the given
 * class with a printf-style detail.  Returns the status of the class.
 */
int reply_problem(struct reply *rep, enum problem kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Replies 422 with `errors` (a JSON array of {"pointer"|"parameter",
 * "detail"}; the reference is taken).  Returns 422.
 */
int reply_invalid(struct reply *rep, json_t *errors);

/* The status of a problem class. */
int problem_status(enum problem kind);

/* Validation errors: a JSON array that collects every field at fault. */

/* Appends {"pointer": pointer, "detail": ...} to `errors` (borrowed). */
void errors_add(json_t *errors, const char *pointer, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends {"parameter": name, "detail": ...} to `errors` (borrowed). */
void errors_add_param(json_t *errors, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The name of a method as sent on the wire ("GET"). */
const char *method_name(enum http_method m);

/* Query helpers. */

/* The value of request header `name`, or NULL; borrowed. */
const char *request_header(const struct request *req, const char *name);

/* The value of query parameter `key`, or NULL; borrowed from the request. */
const char *request_query(const struct request *req, const char *key);

/*
 * Checks that every query parameter is one of `allowed` (NULL-terminated)
 * and given at most once; adds an error per offending parameter to
 * `errors`.  Returns the number of errors added.
 */
size_t request_check_query(const struct request *req,
			   const char *const *allowed, json_t *errors);

#endif
