/*
 * History: every create, update and delete appends a revision in the same
 * transaction as the change (handlers/revisions.h); GET .../history lists
 * a resource's revisions (GET /v1/changes, in handlers/changes.h, follows
 * all of them).
 */
#ifndef CLAIMLINE_HISTORY_H
#define CLAIMLINE_HISTORY_H

#include "server/reply.h"

/* GET /v1/{collection}/{id}/history; the route argument is the resource. */
int handle_history(const struct request *req, struct reply *rep);

#endif
