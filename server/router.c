/*
 * Route matching.  The table is small and static, so a linear walk that
 * compares segments is both simple and fast; a route matches when every
 * literal segment is equal and every {name} segment is non-empty.
 */
#include "server/router.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Matches `path` against `pattern`.  With a `req`, copies the captured
 * segments into scratch and sets req->args; without one it only tests
 * (every route is tested on every request, so that costs nothing).
 * Returns 1 on a match. */
static int match_pattern(const char *pattern, const char *path,
			 struct request *req, char *scratch)
{
	size_t nargs = 0, used = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pend = strchr(p, '/');
		const char *send = strchr(s, '/');
		size_t plen = pend ? (size_t)(pend - p) : strlen(p);
		size_t slen = send ? (size_t)(send - s) : strlen(s);
		if (plen > 1 && p[0] == '{') {
			if (slen == 0 || nargs == REQUEST_MAX_ARGS ||
			    used + slen + 1 > ROUTER_PATH_MAX)
				return 0;
			if (req) {
				memcpy(scratch + used, s, slen);
				scratch[used + slen] = '\0';
				req->args[nargs] = scratch + used;
			}
			nargs++;
			used += slen + 1;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return 0;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return 0;
	if (req)
		req->nargs = nargs;
	return 1;
}

static size_t count_slashes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* Each route's number of segments, counted once: a path is compared
 * only with the patterns that have as many as it has. */
static unsigned char route_segments[256];
static pthread_once_t route_segments_once = PTHREAD_ONCE_INIT;

static void count_route_segments(void)
{
	for (size_t i = 0; i < route_count && i < sizeof(route_segments); i++)
		route_segments[i] =
			(unsigned char)count_slashes(route_table[i].pattern);
}

const struct route *route_match(const char *path, enum http_method method,
				struct request *req, char *scratch,
				unsigned *allowed)
{
	const struct route *found = NULL;
	*allowed = 0;
	if (strlen(path) >= ROUTER_PATH_MAX)
		return NULL;
	pthread_once(&route_segments_once, count_route_segments);
	size_t segments = count_slashes(path);
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];
		if (i < sizeof(route_segments) && route_segments[i] != segments)
			continue;
		/* Test first, so a route with the wrong method leaves no
		 * arguments behind. */
		if (!match_pattern(r->pattern, path, NULL, NULL))
			continue;
		*allowed |= r->method;
		if (r->method == METHOD_GET)
			*allowed |= METHOD_HEAD;
		bool method_ok =
			r->method == method ||
			(r->method == METHOD_GET && method == METHOD_HEAD);
		if (method_ok && !found) {
			found = r;
			match_pattern(r->pattern, path, req, scratch);
		}
	}
	return found;
}

bool route_check_query(const struct route *route, const struct request *req,
		       struct reply *rep)
{
	static const char *const none[] = {NULL};
	if (route->flags & (ROUTE_QUERY_OWN | ROUTE_QUERY_ANY) || !req->nquery)
		return true;
	json_t *errors = json_array();
	if (request_check_query(req, none, errors) == 0) {
		json_decref(errors);
		return true;
	}
	reply_invalid(rep, errors);
	return false;
}

void route_allow_header(unsigned mask, char *buf, size_t bufsz)
{
	static const enum http_method order[] = {
		METHOD_GET,   METHOD_HEAD,   METHOD_POST,    METHOD_PUT,
		METHOD_PATCH, METHOD_DELETE, METHOD_OPTIONS,
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (mask & order[i])
			n += (size_t)snprintf(buf + n, bufsz - n, "%s%s",
					      n ? ", " : "",
					      method_name(order[i]));
}
