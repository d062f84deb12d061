/*
 * Search (handlers/search.c): GET /v1/search, contract section 7.
 */
#ifndef CLAIMLINE_SEARCH_H
#define CLAIMLINE_SEARCH_H

#include "server/reply.h"

int handle_search(const struct request *req, struct reply *rep);

#endif
