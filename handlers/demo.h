/*
 * The demo store: the article of shared/seed as actors, sources, events,
 * claims and relations, compiled into the binary from data/demo.ndjson.
 */
#ifndef CLAIMLINE_DEMO_H
#define CLAIMLINE_DEMO_H

#include <stddef.h>

struct store;

enum demo_result {
	DEMO_LOADED,
	DEMO_SKIPPED, /* the store already holds data: left as it is */
	DEMO_FAILED,
};

/*
 * Loads the demo data into `st` in one transaction, through the same
 * validation as the API, when the store is empty.  Writes one line into
 * `msg` saying what happened (what was loaded, or which line failed).
 */
enum demo_result demo_load(struct store *st, char *msg, size_t msgsz);

#endif
