/*
 * `claimline healthcheck`: asks a running server's GET /healthz over a
 * plain socket, so that a container image needs no curl for Docker's
 * HEALTHCHECK.
 */
#ifndef CLAIMLINE_HEALTHCHECK_H
#define CLAIMLINE_HEALTHCHECK_H

#include <stddef.h>

/*
 * Connects to `bind`:`port` (a wildcard address such as 0.0.0.0 or ::
 * means this host's loopback), sends GET /healthz and reads the status
 * line, all within `timeout_ms`.  Returns 0 when the status is 200, or -1
 * with one line in `err` saying what happened.
 */
int healthcheck_run(const char *bind, int port, int timeout_ms, char *err,
		    size_t errsz);

#endif
