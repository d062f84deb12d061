/*
 * Process metrics in the Prometheus text format (version 0.0.4), served
 * at GET /metrics: requests by route pattern, method and status, a
 * latency histogram by route pattern, requests in flight, the size of the
 * store's files, and the build.  Every function is safe to call from any
 * worker thread at once.
 */
#ifndef CLAIMLINE_METRICS_H
#define CLAIMLINE_METRICS_H

#include <stddef.h>

#include "server/reply.h"

/* The route label of requests no route matched. */
#define METRICS_UNMATCHED "unmatched"

/* Records the store path whose file and WAL sizes are reported.  `db_path`
 * is borrowed and must outlive the server.  Call once before serving. */
void metrics_init(const char *db_path);

/* A request arrived (its headers are in) / is done (completed callback). */
void metrics_request_started(void);
void metrics_request_finished(void);

/* Requests between started and finished right now. */
long metrics_in_flight(void);

/*
 * Counts one answered request.  `route` is the route's pattern, or
 * METRICS_UNMATCHED; `method` a method name.  Both must be static strings
 * (they are kept).  `seconds` is the time from its headers to the reply.
 */
void metrics_observe(const char *route, const char *method, int status,
		     double seconds);

/*
 * Renders every metric.  Returns a new malloc'd NUL-terminated text with
 * its length in *len (the caller frees it), or NULL when out of memory.
 */
char *metrics_render(size_t *len);

/* GET /metrics. */
int handle_metrics(const struct request *req, struct reply *rep);

#endif
