/*
 * The route table: every path of the API and the handler that answers it.
 * The four resources share the generic handlers; the route argument says
 * which resource a route serves.
 */
#include "handlers/claims.h"
#include "handlers/resource.h"
#include "handlers/static.h"
#include "handlers/timeline.h"
#include "server/router.h"

#define RESOURCE_ROUTES(coll, res)                                            \
	{"/v1/" coll, METHOD_GET, handle_resource_list, &res},                \
	{"/v1/" coll, METHOD_POST, handle_resource_create, &res},             \
	{"/v1/" coll "/{id}", METHOD_GET, handle_resource_get, &res},         \
	{"/v1/" coll "/{id}", METHOD_PUT, handle_resource_put, &res},         \
	{"/v1/" coll "/{id}", METHOD_PATCH, handle_resource_patch, &res},     \
	{"/v1/" coll "/{id}", METHOD_DELETE, handle_resource_delete, &res}

const struct route route_table[] = {
	RESOURCE_ROUTES("actors", actor_resource),
	RESOURCE_ROUTES("sources", source_resource),
	RESOURCE_ROUTES("events", event_resource),
	RESOURCE_ROUTES("claims", claim_resource),
	{"/v1/claims/{id}/relations", METHOD_GET, handle_relation_list,
	 &claim_resource},
	{"/v1/claims/{id}/relations", METHOD_POST, handle_relation_create,
	 &claim_resource},
	{"/v1/claims/{id}/relations/{rel_id}", METHOD_GET,
	 handle_relation_get, &claim_resource},
	{"/v1/claims/{id}/relations/{rel_id}", METHOD_DELETE,
	 handle_relation_delete, &claim_resource},
	{"/v1/timeline", METHOD_GET, handle_timeline, NULL},
	{"/v1/events/{id}/timeline", METHOD_GET, handle_event_timeline, NULL},
	{"/v1/events/{id}/statements", METHOD_GET, handle_event_statements,
	 NULL},
	{"/v1/actors/{id}/statements", METHOD_GET, handle_actor_statements,
	 NULL},
	{"/v1/disputes", METHOD_GET, handle_disputes, NULL},
	{"/v1/search", METHOD_GET, handle_search, NULL},
	{"/", METHOD_GET, handle_page, NULL},
	{"/openapi.json", METHOD_GET, handle_openapi, NULL},
	{"/assets/{name}", METHOD_GET, handle_asset, NULL},
};

const size_t route_count = sizeof(route_table) / sizeof(route_table[0]);
