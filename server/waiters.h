/*
 * Long-poll waiters.  A request that asked to wait (reply_wait) is
 * suspended in libmicrohttpd, so it holds no worker thread; one waker
 * thread resumes it when a write commits or its deadline passes, and the
 * front end then runs its handler again.
 */
#ifndef CLAIMLINE_WAITERS_H
#define CLAIMLINE_WAITERS_H

#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;

/* Starts the waker thread and hooks store commits.  Returns 0 or -1. */
int waiters_start(void);

/* Resumes every waiter and stops the waker thread. */
void waiters_stop(void);

/* The commit count, to be read before a handler runs its query. */
uint64_t waiters_generation(void);

/*
 * Suspends `conn` until the next commit or `deadline_ms` (monotonic).
 * Returns false, without suspending, when a commit happened since
 * `generation` was read or the server is stopping: the caller then runs
 * the handler again at once.
 */
bool waiters_suspend(struct MHD_Connection *conn, int64_t deadline_ms,
		     uint64_t generation);

/* Whether the server is stopping (long polls answer at once). */
bool waiters_stopping(void);

#endif
