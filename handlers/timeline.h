/*
 * Timelines (handlers/timeline.c) and the same as TimelineJS documents
 * (handlers/timelinejs.c): section 3 of the contract.
 */
#ifndef CLAIMLINE_TIMELINE_H
#define CLAIMLINE_TIMELINE_H

#include <jansson.h>

#include "server/reply.h"

struct store;

int handle_timeline(const struct request *req, struct reply *rep);
int handle_event_timeline(const struct request *req, struct reply *rep);
/* The same timelines as TimelineJS documents: GET /v1/timelinejs and
 * /v1/events/{id}/timelinejs, the filters of the timelines but format. */
int handle_timelinejs(const struct request *req, struct reply *rep);
int handle_event_timelinejs(const struct request *req, struct reply *rep);

/*
 * Turns timeline entries (borrowed) into a Knight Lab TimelineJS3
 * document: one slide per dated entry, dates at their own precision,
 * each field encoded for what the viewer does with it (handlers/
 * timelinejs.c), so store text shows as text.  Reads names from `st`
 * (call it inside the read transaction of the entries).  New reference,
 * NULL when out of memory.
 */
json_t *timelinejs_from_entries(struct store *st, json_t *entries);

#endif
