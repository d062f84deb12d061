/*
 * Cross-origin resource sharing for browser clients on other origins.
 * The allow-list holds exact origins (--cors-origin); an allowed Origin is
 * echoed back with the headers a browser needs to read our replies, and a
 * preflight OPTIONS gets the methods and request headers we take.  Other
 * origins get no grant.  Nothing here touches libmicrohttpd: the front end
 * asks for the headers and adds them to the response.
 */
#ifndef CLAIMLINE_CORS_H
#define CLAIMLINE_CORS_H

#include <stdbool.h>
#include <stddef.h>

#include "server/config.h"

#define CORS_MAX_HEADERS 6

/* The request headers a preflight may ask for. */
#define CORS_ALLOW_HEADERS                                                     \
	"Content-Type, Authorization, If-Match, If-None-Match, "               \
	"Idempotency-Key, X-Request-Id"
/* The response headers scripts on an allowed origin may read. */
#define CORS_EXPOSE_HEADERS "Link, ETag, Location, X-Request-Id"
/* How long a browser may cache a preflight answer, in seconds. */
#define CORS_MAX_AGE "600"

/* Headers to add to one response.  Names are static strings; values are
 * static, point into `methods`, or are the request's Origin (borrowed from
 * the request: valid while it is). */
struct cors_headers {
	size_t n;
	const char *name[CORS_MAX_HEADERS];
	const char *value[CORS_MAX_HEADERS];
	char methods[128];
};

/* True when `origin` (may be NULL) is on the allow-list of `cfg`. */
bool cors_origin_allowed(const struct config *cfg, const char *origin);

/*
 * Fills `out` with the CORS headers for a response to a request with
 * `origin` (the Origin header, may be NULL).  `preflight_method` is the
 * Access-Control-Request-Method header of an OPTIONS request (NULL
 * otherwise); `allowed` the methods the path has (enum http_method mask),
 * used for Access-Control-Allow-Methods.  Without an allow-list nothing is
 * added; with one, Vary: Origin is always added.
 */
void cors_headers_for(const struct config *cfg, const char *origin,
		      const char *preflight_method, unsigned allowed,
		      struct cors_headers *out);

#endif
