/*
 * Building replies: the problem table (one row per error class, RFC 9457
 * problem documents) and the helpers that fill a struct reply.  The front
 * end (server/http.c) is the one place that turns a reply into bytes.
 */
#include "server/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct problem_info problem_table[] = {
	[PROBLEM_INVALID_JSON] = {400, "/problems/invalid-json",
				  "Request body is not acceptable JSON"},
	[PROBLEM_BAD_REQUEST] = {400, "/problems/bad-request", "Bad request"},
	[PROBLEM_NOT_FOUND] = {404, "/problems/not-found", "Not found"},
	[PROBLEM_METHOD_NOT_ALLOWED] = {405, "/problems/method-not-allowed",
					"Method not allowed"},
	[PROBLEM_CONFLICT] = {409, "/problems/conflict", "Conflict"},
	[PROBLEM_PRECONDITION_FAILED] = {412, "/problems/precondition-failed",
					 "Precondition failed"},
	[PROBLEM_UNAUTHORIZED] = {401, "/problems/unauthorized",
				  "Authentication required"},
	[PROBLEM_FORBIDDEN] = {403, "/problems/forbidden",
			       "Not allowed for this key"},
	[PROBLEM_PAYLOAD_TOO_LARGE] = {413, "/problems/payload-too-large",
				       "Request body too large"},
	[PROBLEM_UNSUPPORTED_MEDIA_TYPE] = {415,
					    "/problems/unsupported-media-type",
					    "Unsupported media type"},
	[PROBLEM_VALIDATION] = {422, "/problems/validation-failed",
				"Validation failed"},
	[PROBLEM_INTERNAL] = {500, "/problems/internal", "Internal error"},
	[PROBLEM_UNAVAILABLE] = {503, "/problems/unavailable",
				 "Service unavailable"},
	[PROBLEM_REQUEST_TIMEOUT] = {408, "/problems/request-timeout",
				     "Request timeout"},
};

size_t problem_type_count(void)
{
	return sizeof(problem_table) / sizeof(problem_table[0]);
}

const struct problem_info *problem_info(enum problem kind)
{
	return &problem_table[kind];
}

void reply_init(struct reply *rep)
{
	memset(rep, 0, sizeof(*rep));
}

static void reply_clear_body(struct reply *rep)
{
	json_decref(rep->body);
	rep->body = NULL;
	if (rep->stream) {
		rep->stream->release(rep->stream->cookie);
		free(rep->stream);
		rep->stream = NULL;
	}
	free(rep->raw_owned);
	rep->raw_owned = NULL;
	rep->raw = NULL;
	rep->raw_len = 0;
	rep->content_type = NULL;
}

void reply_release(struct reply *rep)
{
	reply_clear_body(rep);
	for (size_t i = 0; i < rep->nheaders; i++) {
		free(rep->headers[i].name);
		free(rep->headers[i].value);
	}
	memset(rep, 0, sizeof(*rep));
}

int reply_json(struct reply *rep, int status, json_t *body)
{
	reply_clear_body(rep);
	rep->status = status;
	rep->body = body;
	rep->content_type = body ? "application/json" : NULL;
	return status;
}

int reply_static(struct reply *rep, int status, const char *content_type,
		 const char *data, size_t len)
{
	reply_clear_body(rep);
	rep->status = status;
	rep->raw = data;
	rep->raw_len = len;
	rep->content_type = content_type;
	return status;
}

int reply_text(struct reply *rep, int status, const char *content_type,
	       char *text, size_t len)
{
	reply_static(rep, status, content_type, text, len);
	rep->raw_owned = text;
	return status;
}

int reply_stream(struct reply *rep, int status, const char *content_type,
		 struct reply_stream *stream)
{
	reply_clear_body(rep);
	rep->status = status;
	rep->content_type = content_type;
	rep->stream = stream;
	return status;
}

int reply_wait(struct reply *rep, int64_t deadline_ms)
{
	reply_clear_body(rep);
	rep->status = 0;
	rep->wait_until_ms = deadline_ms;
	return 0;
}

int64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void reply_header(struct reply *rep, const char *name, const char *value)
{
	if (rep->nheaders == REPLY_MAX_HEADERS) {
		fprintf(stderr, "claimline: reply header %s dropped\n", name);
		return;
	}
	rep->headers[rep->nheaders].name = strdup(name);
	rep->headers[rep->nheaders].value = strdup(value);
	rep->nheaders++;
}

void reply_headerf(struct reply *rep, const char *name, const char *fmt, ...)
{
	char *value = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&value, fmt, ap);
	va_end(ap);
	if (n >= 0)
		reply_header(rep, name, value);
	free(value);
}

int problem_status(enum problem kind)
{
	return problem_table[kind].status;
}

static json_t *problem_body(enum problem kind, const char *detail)
{
	return json_pack("{s:s, s:s, s:i, s:s}", "type",
			 problem_table[kind].type, "title",
			 problem_table[kind].title, "status",
			 problem_table[kind].status, "detail", detail);
}

int reply_problem(struct reply *rep, enum problem kind, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);

	json_t *body = problem_body(kind, detail);
	if (!body) {
		/* The detail quoted bytes that are not UTF-8 (a path, say):
		 * keep the problem, lose the quote. */
		for (char *p = detail; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
		body = problem_body(kind, detail);
	}
	reply_json(rep, problem_table[kind].status, body);
	rep->content_type = "application/problem+json";
	return rep->status;
}

int reply_invalid(struct reply *rep, json_t *errors)
{
	size_t n = json_array_size(errors);
	reply_problem(rep, PROBLEM_VALIDATION,
		      n == 1 ? "1 field is not valid"
			     : "%zu fields are not valid",
		      n);
	json_object_set_new(rep->body, "errors", errors);
	return rep->status;
}

static void errors_addv(json_t *errors, const char *key, const char *where,
			const char *fmt, va_list ap)
{
	char detail[512];
	vsnprintf(detail, sizeof(detail), fmt, ap);
	json_array_append_new(
		errors, json_pack("{s:s, s:s}", key, where, "detail", detail));
}

void errors_add(json_t *errors, const char *pointer, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	errors_addv(errors, "pointer", pointer, fmt, ap);
	va_end(ap);
}

void errors_add_param(json_t *errors, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	errors_addv(errors, "parameter", name, fmt, ap);
	va_end(ap);
}
