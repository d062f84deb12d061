/*
 * The HTTP front end: a libmicrohttpd daemon with an internal thread pool
 * on epoll, and the one access handler every request goes through.  What
 * that handler runs between routing and the handler, without MHD, is in
 * server/serve.h; JSON bodies are checked by server/intake.h.
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

#endif
