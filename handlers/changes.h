/*
 * The change feed (handlers/changes.c): GET /v1/changes.
 */
#ifndef CLAIMLINE_CHANGES_H
#define CLAIMLINE_CHANGES_H

#include "server/reply.h"

/* GET /v1/changes?since=&limit=&wait= */
int handle_changes(const struct request *req, struct reply *rep);

#endif
