/*
 * The request path without libmicrohttpd (see server/serve.h): what the
 * front end checks between routing and the handler, in the order the API
 * answers them, so that the server and the fuzz harness run one sequence.
 */
#include "server/serve.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "server/etag.h"
#include "server/intake.h"
#include "server/router.h"

enum http_method http_method_parse(const char *m)
{
	static const struct {
		const char *name;
		enum http_method method;
	} methods[] = {
		{"GET", METHOD_GET},	     {"HEAD", METHOD_HEAD},
		{"POST", METHOD_POST},	     {"PUT", METHOD_PUT},
		{"PATCH", METHOD_PATCH},     {"DELETE", METHOD_DELETE},
		{"OPTIONS", METHOD_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].method;
	return 0;
}

bool http_method_takes_body(enum http_method m)
{
	return m == METHOD_POST || m == METHOD_PUT || m == METHOD_PATCH;
}

bool http_media_type_is(const char *header, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(header, type, n) != 0)
		return false;
	const char *rest = header + n;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return *rest == '\0' || *rest == ';';
}

bool http_query_well_formed(const char *raw_query, const struct request *req)
{
	for (const char *q = raw_query; q && *q; q++)
		if (*q == '%' && !(isxdigit((unsigned char)q[1]) &&
				   isxdigit((unsigned char)q[2])))
			return false;
	for (size_t i = 0; i < req->nquery; i++)
		if (!intake_utf8_valid(
			    (const unsigned char *)req->query[i].key) ||
		    !intake_utf8_valid(
			    (const unsigned char *)req->query[i].value))
			return false;
	return true;
}

int serve_unrouted(const struct request *req, unsigned allowed,
		   struct reply *rep)
{
	char allow[128];
	if (!allowed)
		return reply_problem(rep, PROBLEM_NOT_FOUND, "no such path");
	if (req->method != METHOD_OPTIONS) {
		reply_problem(rep, PROBLEM_METHOD_NOT_ALLOWED,
			      "this path does not take that method");
		route_allow_header(allowed, allow, sizeof(allow));
		reply_header(rep, "Allow", allow);
		return rep->status;
	}
	reply_json(rep, 204, NULL);
	route_allow_header(allowed | METHOD_OPTIONS, allow, sizeof(allow));
	reply_header(rep, "Allow", allow);
	return rep->status;
}

bool serve_media_type_ok(const struct route *route, enum http_method method,
			 const char *type, struct reply *rep)
{
	if (route->flags & ROUTE_NDJSON) {
		if (http_media_type_is(type, "application/x-ndjson") ||
		    http_media_type_is(type, "application/ndjson"))
			return true;
		reply_problem(rep, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
			      "send application/x-ndjson");
		return false;
	}
	bool json = http_media_type_is(type, "application/json");
	bool patch = http_media_type_is(type, "application/merge-patch+json");
	if (method == METHOD_PATCH ? json || patch : json)
		return true;
	reply_problem(rep, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
		      method == METHOD_PATCH
			      ? "send application/merge-patch+json or "
				"application/json"
			      : "send application/json");
	return false;
}

/*
 * Checks the caller's key against what the route needs: writes need a
 * write key, reads a read key (which a request without a key has unless
 * --read-auth), public routes none.  A key that is presented must be
 * valid even where none is needed.  Returns false after filling `rep` with
 * 401 or 403 (or the store's error).
 */
static bool authorize(struct serve_input *in, struct request *req,
		      struct reply *rep)
{
	if (in->route->flags & ROUTE_PUBLIC)
		return true;
	enum key_scope need =
		req->method != METHOD_GET && req->method != METHOD_HEAD
			? SCOPE_WRITE
			: SCOPE_READ;
	const char *authorization = request_header(req, "Authorization");
	if (!authorization && in->anonymous >= need)
		return true;
	enum key_scope scope;
	int rc = keys_check(req->store, authorization, in->key_name,
			    sizeof(in->key_name), &scope);
	if (rc < 0) {
		reply_store_error(rep, rc);
		return false;
	}
	if (rc != KEY_OK) {
		reply_problem(rep, PROBLEM_UNAUTHORIZED,
			      rc == KEY_MISSING
				      ? "this request needs an API key: "
					"Authorization: Bearer <key>"
				      : "the API key is not valid");
		reply_header(rep, "WWW-Authenticate",
			     rc == KEY_MISSING ? "Bearer realm=\"claimline\""
					       : "Bearer realm=\"claimline\", "
						 "error=\"invalid_token\"");
		return false;
	}
	req->key_name = in->key_name;
	if (scope < need) {
		reply_problem(rep, PROBLEM_FORBIDDEN,
			      "key \"%s\" has scope %s; this request needs %s",
			      in->key_name, keys_scope_name(scope),
			      keys_scope_name(need));
		reply_header(rep, "WWW-Authenticate",
			     "Bearer realm=\"claimline\", "
			     "error=\"insufficient_scope\"");
		return false;
	}
	return true;
}

enum serve_next serve_prepare(struct serve_input *in, struct request *req,
			      struct reply *rep, json_t **body)
{
	char why[256];
	*body = NULL;
	if (in->too_large) {
		reply_problem(rep, PROBLEM_PAYLOAD_TOO_LARGE,
			      "the body is larger than %zu bytes",
			      in->body_limit);
		return SERVE_REPLY;
	}
	if (in->query_overflow || req->nquery >= REQUEST_MAX_QUERY) {
		reply_problem(rep, PROBLEM_BAD_REQUEST,
			      "more than %d query parameters",
			      REQUEST_MAX_QUERY - 1);
		return SERVE_REPLY;
	}
	if (!http_query_well_formed(in->raw_query, req)) {
		reply_problem(rep, PROBLEM_BAD_REQUEST,
			      "the query string has a bad percent escape or "
			      "is not UTF-8");
		return SERVE_REPLY;
	}
	if (in->route->flags & ROUTE_NDJSON) {
		req->raw_body = in->body;
		req->raw_len = in->len;
	} else if (http_method_takes_body(req->method)) {
		char pointer[256];
		*body = intake_parse_json(in->body ? in->body : "", in->len,
					  why, sizeof(why));
		if (!*body) {
			reply_problem(rep, PROBLEM_INVALID_JSON, "%s", why);
			return SERVE_REPLY;
		}
		if (intake_check_numbers(in->body, in->len, pointer,
					 sizeof(pointer), why,
					 sizeof(why)) != 0) {
			json_t *errors = json_array();
			errors_add(errors, pointer, "%s", why);
			reply_invalid(rep, errors);
			return SERVE_REPLY;
		}
	}
	req->body = *body;
	req->route_arg = in->route->arg;
	req->store = in->store;
	if (!req->store) {
		reply_problem(rep, PROBLEM_UNAVAILABLE,
			      "the store cannot be opened");
		return SERVE_REPLY;
	}
	if (!authorize(in, req, rep) || !route_check_query(in->route, req, rep))
		return SERVE_REPLY;
	if (http_method_takes_body(req->method) || req->method == METHOD_DELETE)
		return SERVE_WRITE;
	return SERVE_READ;
}
