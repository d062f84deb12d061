/*
 * Disputes (handlers/disputes.c): GET /v1/disputes, the claims that
 * dispute one another.
 */
#ifndef CLAIMLINE_DISPUTES_H
#define CLAIMLINE_DISPUTES_H

#include "server/reply.h"

int handle_disputes(const struct request *req, struct reply *rep);

#endif
