/*
 * One request, from a matched route to the handler, without libmicrohttpd:
 * the query rules, body intake, the key check and the choice between
 * running the handler here (reads) and handing it to the writer thread
 * (writes).  server/http.c calls this from its access handler and keeps
 * what is MHD's own (connection state, suspend / resume, the response
 * object); fuzz/fuzz_request.c calls the same functions, so the fuzzer runs
 * the server's request path and not a copy of it.
 */
#ifndef CLAIMLINE_SERVE_H
#define CLAIMLINE_SERVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "server/keys.h"
#include "server/reply.h"

struct route;
struct store;

/* The method allowlist: the method, or 0 for any other. */
enum http_method http_method_parse(const char *m);
/* POST, PUT and PATCH take a body. */
bool http_method_takes_body(enum http_method m);
/* True when `raw_query` (the raw URI from its '?', or NULL) has only
 * well-formed percent escapes and the decoded parameters in `req` are
 * UTF-8. */
bool http_query_well_formed(const char *raw_query, const struct request *req);
/* True when a Content-Type header names `type` (parameters allowed). */
bool http_media_type_is(const char *header, const char *type);

/*
 * The answer to a request no route takes (`allowed`: the methods its path
 * has, from route_match): 404, 405 with Allow, or 204 with Allow for
 * OPTIONS.  Returns the status.
 */
int serve_unrouted(const struct request *req, unsigned allowed,
		   struct reply *rep);

/*
 * Whether the Content-Type `type` (not NULL) suits the route and method:
 * application/x-ndjson for import, JSON (or merge-patch for PATCH)
 * elsewhere.  When not, fills `rep` with 415 and returns false.
 */
bool serve_media_type_ok(const struct route *route, enum http_method method,
			 const char *type, struct reply *rep);

/* A request whose route is matched and whose body is in. */
struct serve_input {
	const struct route *route;
	const char *raw_query; /* the raw URI from its '?', or NULL */
	bool query_overflow;   /* more parameters came than req->query holds */
	const char *body;      /* as received (not NUL-terminated), or NULL */
	size_t len;
	bool too_large; /* the body went past `body_limit` */
	size_t body_limit;
	struct store *store; /* this thread's store, NULL when it failed */
	/* The scope of a request without a key: SCOPE_READ, or SCOPE_NONE
	 * under --read-auth. */
	enum key_scope anonymous;
	char key_name[ID_MAX_LEN + 1]; /* req->key_name points here */
};

enum serve_next {
	SERVE_REPLY, /* `rep` holds the answer: send it */
	SERVE_READ,  /* run the route's handler now */
	SERVE_WRITE, /* run it on the writer thread, answer after commit */
};

/*
 * Runs the request's checks in the server's order: body size, query
 * parameters (count, escapes, UTF-8), body intake (JSON or raw NDJSON),
 * the store, the key, the route's query rules.  Fills req->body (also set
 * into *body, a new reference the caller frees after the handler ran),
 * req->route_arg, req->store and req->key_name; the caller sets the path,
 * method, path arguments, query parameters and header lookup before.
 */
enum serve_next serve_prepare(struct serve_input *in, struct request *req,
			      struct reply *rep, json_t **body);

#endif
