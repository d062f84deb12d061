/*
 * The drain flag: one atomic, written once by the thread that received
 * SIGTERM or SIGINT and read by every worker.
 */
#include "server/lifecycle.h"

#include <stdatomic.h>

static atomic_bool draining;

void lifecycle_begin_drain(void)
{
	atomic_store(&draining, true);
}

bool lifecycle_draining(void)
{
	return atomic_load(&draining);
}
