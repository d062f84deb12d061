/*
 * Statement lists (handlers/statements.c): what an actor said
 * (GET /v1/actors/{id}/statements) and what was said about an event
 * (GET /v1/events/{id}/statements).
 */
#ifndef CLAIMLINE_STATEMENTS_H
#define CLAIMLINE_STATEMENTS_H

#include "server/reply.h"

int handle_actor_statements(const struct request *req, struct reply *rep);
int handle_event_statements(const struct request *req, struct reply *rep);

#endif
