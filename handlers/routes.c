/*
 * The route table: every path of the API and the handler that answers it.
 * The four resources share the generic handlers; the route argument says
 * which resource a route serves.  Flags: ROUTE_PUBLIC routes never need a
 * key (health, metrics, the page); ROUTE_NDJSON routes take a raw NDJSON
 * body up to the import limit.
 *
 * Query parameters: a route takes none unless it says so, and the front end
 * refuses any other with a 422 before the handler runs (route_check_query).
 * Routes whose handlers read a query check it themselves (ROUTE_QUERY_OWN:
 * a list's filters come from its resource, the reads share their names
 * with their parsing); the page, its assets and the OpenAPI document
 * ignore the query string (ROUTE_QUERY_ANY): browsers, caches and shared
 * links add cache-busting and tracking parameters to such URLs.
 */
#include "handlers/bulk.h"
#include "handlers/changes.h"
#include "handlers/claims.h"
#include "handlers/disputes.h"
#include "handlers/health.h"
#include "handlers/history.h"
#include "handlers/resource.h"
#include "handlers/search.h"
#include "handlers/static.h"
#include "handlers/statements.h"
#include "handlers/timeline.h"
#include "server/metrics.h"
#include "server/router.h"

/* One route a line reads better than the formatter's layout. */
/* clang-format off */
#define RESOURCE_ROUTES(coll, res)                                           \
	{"/v1/" coll, METHOD_GET, handle_resource_list, &res, ROUTE_QUERY_OWN}, \
	{"/v1/" coll, METHOD_POST, handle_resource_create, &res, 0},         \
	{"/v1/" coll "/{id}", METHOD_GET, handle_resource_get, &res, 0},     \
	{"/v1/" coll "/{id}", METHOD_PUT, handle_resource_put, &res, 0},     \
	{"/v1/" coll "/{id}", METHOD_PATCH, handle_resource_patch, &res, 0}, \
	{"/v1/" coll "/{id}", METHOD_DELETE, handle_resource_delete, &res, 0}, \
	{"/v1/" coll "/{id}/history", METHOD_GET, handle_history, &res,       \
	 ROUTE_QUERY_OWN}
/* clang-format on */

const struct route route_table[] = {
	RESOURCE_ROUTES("actors", actor_resource),
	RESOURCE_ROUTES("sources", source_resource),
	RESOURCE_ROUTES("events", event_resource),
	RESOURCE_ROUTES("claims", claim_resource),
	{"/v1/claims/{id}/relations", METHOD_GET, handle_relation_list,
	 &claim_resource, ROUTE_QUERY_OWN},
	{"/v1/claims/{id}/relations", METHOD_POST, handle_relation_create,
	 &claim_resource, 0},
	{"/v1/claims/{id}/relations/{rel_id}", METHOD_GET, handle_relation_get,
	 &claim_resource, 0},
	{"/v1/claims/{id}/relations/{rel_id}", METHOD_DELETE,
	 handle_relation_delete, &claim_resource, 0},
	{"/v1/timeline", METHOD_GET, handle_timeline, NULL, ROUTE_QUERY_OWN},
	{"/v1/events/{id}/timeline", METHOD_GET, handle_event_timeline, NULL,
	 ROUTE_QUERY_OWN},
	{"/v1/timelinejs", METHOD_GET, handle_timelinejs, NULL,
	 ROUTE_QUERY_OWN},
	{"/v1/events/{id}/timelinejs", METHOD_GET, handle_event_timelinejs,
	 NULL, ROUTE_QUERY_OWN},
	{"/v1/events/{id}/statements", METHOD_GET, handle_event_statements,
	 NULL, ROUTE_QUERY_OWN},
	{"/v1/actors/{id}/statements", METHOD_GET, handle_actor_statements,
	 NULL, ROUTE_QUERY_OWN},
	{"/v1/disputes", METHOD_GET, handle_disputes, NULL, ROUTE_QUERY_OWN},
	{"/v1/search", METHOD_GET, handle_search, NULL, ROUTE_QUERY_OWN},
	{"/v1/changes", METHOD_GET, handle_changes, NULL, ROUTE_QUERY_OWN},
	{"/v1/import", METHOD_POST, handle_import, NULL,
	 ROUTE_NDJSON | ROUTE_QUERY_OWN},
	{"/v1/export", METHOD_GET, handle_export, NULL, ROUTE_QUERY_OWN},
	{"/healthz", METHOD_GET, handle_healthz, NULL, ROUTE_PUBLIC},
	{"/readyz", METHOD_GET, handle_readyz, NULL, ROUTE_PUBLIC},
	{"/metrics", METHOD_GET, handle_metrics, NULL, ROUTE_PUBLIC},
	{"/", METHOD_GET, handle_page, NULL, ROUTE_PUBLIC | ROUTE_QUERY_ANY},
	{"/openapi.json", METHOD_GET, handle_openapi, NULL,
	 ROUTE_PUBLIC | ROUTE_QUERY_ANY},
	{"/assets/{name}", METHOD_GET, handle_asset, NULL,
	 ROUTE_PUBLIC | ROUTE_QUERY_ANY},
};

const size_t route_count = sizeof(route_table) / sizeof(route_table[0]);
