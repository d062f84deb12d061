/*
 * The HTTP front end: a libmicrohttpd daemon with an internal thread pool
 * on epoll, and the one access handler every request goes through.
 */
#ifndef CLAIMLINE_HTTP_H
#define CLAIMLINE_HTTP_H

#include <stddef.h>

#include "server/config.h"

struct http_server;

/*
 * Binds cfg->bind:cfg->port and starts serving.  The store at cfg->db
 * must already be migrated.  Returns NULL with one line in `err` when the
 * address cannot be used.
 */
struct http_server *http_start(const struct config *cfg, char *err,
			       size_t errsz);

/* The port actually listened on (useful with port 0). */
int http_port(const struct http_server *srv);

/* Stops accepting, finishes in-flight requests and frees the server. */
void http_stop(struct http_server *srv);

/*
 * The front end's request checks, exposed so the fuzzer drives the same
 * code the server runs.
 */
#include <stdbool.h>
#include "server/reply.h"

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

#endif
