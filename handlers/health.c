/*
 * Liveness and readiness.  /healthz says only that a worker thread ran
 * the handler; /readyz also asks the store a trivial query on this
 * thread's connection and turns 503 the moment a shutdown starts, so that
 * a load balancer stops sending traffic while in-flight requests finish.
 */
#include "handlers/health.h"

#include "server/lifecycle.h"
#include "store/store.h"

int handle_healthz(const struct request *req, struct reply *rep)
{
	(void)req;
	return reply_json(rep, 200, json_pack("{s:s}", "status", "ok"));
}

int handle_readyz(const struct request *req, struct reply *rep)
{
	if (lifecycle_draining())
		return reply_problem(rep, PROBLEM_UNAVAILABLE,
				     "the server is shutting down");
	struct store_stmt *s =
		req->store ? store_prepare(req->store, "SELECT 1") : NULL;
	int rc = s ? store_step(s) : STORE_ERROR;
	bool one = rc == STORE_ROW && store_column_int64(s, 0) == 1;
	if (s)
		store_reset(s);
	if (!one)
		return reply_problem(rep, PROBLEM_UNAVAILABLE,
				     "the store does not answer");
	return reply_json(rep, 200, json_pack("{s:s}", "status", "ready"));
}
