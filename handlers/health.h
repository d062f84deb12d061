/*
 * GET /healthz and GET /readyz: whether the process is up, and whether it
 * can serve (store usable, not shutting down).  For load balancers,
 * orchestrators and Docker's HEALTHCHECK.
 */
#ifndef CLAIMLINE_HEALTH_H
#define CLAIMLINE_HEALTH_H

#include "server/reply.h"

/* 200 {"status": "ok"} while the process answers at all. */
int handle_healthz(const struct request *req, struct reply *rep);

/* 200 {"status": "ready"} when the store answers SELECT 1; a 503 problem
 * while shutting down or when the store fails. */
int handle_readyz(const struct request *req, struct reply *rep);

#endif
