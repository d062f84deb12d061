/*
 * The router: one static table of routes (handlers/routes.c) matched
 * segment by segment, with {name} segments captured as path arguments.
 */
#ifndef CLAIMLINE_ROUTER_H
#define CLAIMLINE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "server/reply.h"

typedef int (*handler_fn)(const struct request *req, struct reply *rep);

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,	  /* never needs a key (health, the page) */
	ROUTE_NDJSON = 1 << 1,	  /* takes an NDJSON body up to the import
				* limit, handed over raw */
	ROUTE_QUERY_OWN = 1 << 2, /* the handler checks its query itself:
				   * its parameters depend on the resource
				   * or are shared with its reading code */
	ROUTE_QUERY_ANY = 1 << 3, /* the query string is ignored (the page
				   * and its assets: browsers and caches add
				   * cache-busting parameters) */
};

struct route {
	const char *pattern; /* "/v1/actors/{id}" */
	enum http_method method;
	handler_fn handler;
	const void *arg; /* handed to the handler as request.route_arg */
	unsigned flags;	 /* route_flags; a route takes no query parameters
			  * unless one of the ROUTE_QUERY_ flags says so */
};

extern const struct route route_table[];
extern const size_t route_count;

#define ROUTER_PATH_MAX 1024

/*
 * Finds the route for `method` on `path`.  Path arguments are copied into
 * `scratch` (ROUTER_PATH_MAX bytes, owned by the caller) and pointed to
 * from req->args.  Returns the route, or NULL with *allowed set to the
 * methods the path does have (0: no such path).
 */
const struct route *route_match(const char *path, enum http_method method,
				struct request *req, char *scratch,
				unsigned *allowed);

/*
 * Refuses a query on a route that takes none: false with a 422 problem in
 * `rep` naming each parameter (the one lists answer for an unknown one).
 * True when there is no query, or when the route's handler checks it
 * itself (ROUTE_QUERY_OWN) or ignores it (ROUTE_QUERY_ANY).  Called by
 * the front end after authorization, before the handler runs.
 */
bool route_check_query(const struct route *route, const struct request *req,
		       struct reply *rep);

/* Writes the methods in `mask` as an Allow header value ("GET, POST"). */
void route_allow_header(unsigned mask, char *buf, size_t bufsz);

#endif
