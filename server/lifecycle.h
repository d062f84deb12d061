/*
 * The process's place in its life: serving, or draining after SIGTERM.
 * The signal thread starts the drain; /readyz and anything that waits
 * (long polls) read it to answer at once instead of holding the shutdown.
 */
#ifndef CLAIMLINE_LIFECYCLE_H
#define CLAIMLINE_LIFECYCLE_H

#include <stdbool.h>

/* Marks the process as shutting down.  Safe from any thread; idempotent. */
void lifecycle_begin_drain(void);

/* True once lifecycle_begin_drain() was called.  Safe from any thread. */
bool lifecycle_draining(void);

#endif
