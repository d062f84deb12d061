/*
 * Timelines, statement lists, disputes and search: section 3 of the
 * contract.
 */
#ifndef CLAIMLINE_TIMELINE_H
#define CLAIMLINE_TIMELINE_H

#include <jansson.h>

#include "server/reply.h"

struct store;

int handle_timeline(const struct request *req, struct reply *rep);
int handle_event_timeline(const struct request *req, struct reply *rep);
int handle_actor_statements(const struct request *req, struct reply *rep);
int handle_event_statements(const struct request *req, struct reply *rep);
int handle_disputes(const struct request *req, struct reply *rep);
int handle_search(const struct request *req, struct reply *rep);

/*
 * Turns timeline entries (borrowed) into a Knight Lab TimelineJS3
 * document: one slide per entry, dates at their own precision, text
 * HTML-escaped (TimelineJS renders it as HTML).  New reference.
 */
json_t *timelinejs_from_entries(struct store *st, json_t *entries);

#endif
