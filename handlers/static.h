/*
 * GET /, /openapi.json and /assets/{name}: the files of web/.
 */
#ifndef CLAIMLINE_STATIC_H
#define CLAIMLINE_STATIC_H

#include "server/reply.h"

int handle_page(const struct request *req, struct reply *rep);
int handle_openapi(const struct request *req, struct reply *rep);
int handle_asset(const struct request *req, struct reply *rep);

#endif
