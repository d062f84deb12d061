/*
 * Replies every handler shares beyond server/reply.h: entity tags
 * (strong ETags over a representation, If-Match / If-None-Match lists) and
 * the answer to a store error.  The front end (server/http.c, the key
 * check) uses the store-error reply too, which is why these live in
 * server/ and not with the resource handlers.
 */
#ifndef CLAIMLINE_ETAG_H
#define CLAIMLINE_ETAG_H

#include <jansson.h>
#include <stdbool.h>

#include "server/reply.h"

struct strbuf;

/* The strong ETag of a representation: a quoted hash of its JSON. */
void resource_etag(json_t *representation, char etag[24]);
/* The same for a representation already in text (compact JSON). */
void etag_of_text(const struct strbuf *text, char etag[24]);

/* Replies `representation` (reference taken) with its ETag; returns
 * `status`. */
int reply_with_etag(struct reply *rep, int status, json_t *representation);
/* The same for a representation in text; takes `text`'s buffer. */
int reply_text_with_etag(struct reply *rep, int status, struct strbuf *text);

/* True when an If-Match / If-None-Match header value lists `etag` (or is
 * "*"); weak tags (W/"...") count only when `weak_ok` (If-None-Match). */
bool etag_listed(const char *header, const char *etag, bool weak_ok);

/* Reply 500 for a store error, without details (503 with Retry-After
 * when the store is busy).  Returns the status. */
int reply_store_error(struct reply *rep, int rc);

#endif
