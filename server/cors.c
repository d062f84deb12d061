/*
 * CORS decisions (see cors.h).  Origins are compared byte for byte: the
 * browser sends the serialized origin, and the allow-list must name it the
 * same way; no wildcard, so credentials never go to an origin by accident.
 */
#include "server/cors.h"

#include <string.h>

#include "server/router.h"

bool cors_origin_allowed(const struct config *cfg, const char *origin)
{
	if (!origin || !*origin)
		return false;
	for (size_t i = 0; i < cfg->ncors_origins; i++)
		if (strcmp(cfg->cors_origins[i], origin) == 0)
			return true;
	return false;
}

static void add(struct cors_headers *out, const char *name, const char *value)
{
	if (out->n == CORS_MAX_HEADERS)
		return;
	out->name[out->n] = name;
	out->value[out->n] = value;
	out->n++;
}

void cors_headers_for(const struct config *cfg, const char *origin,
		      const char *preflight_method, unsigned allowed,
		      struct cors_headers *out)
{
	out->n = 0;
	out->methods[0] = '\0';
	if (cfg->ncors_origins == 0)
		return;
	/* The answer depends on Origin whatever it is, so caches must key
	 * on it even when we grant nothing. */
	add(out, "Vary", "Origin");
	if (!cors_origin_allowed(cfg, origin))
		return;
	add(out, "Access-Control-Allow-Origin", origin);
	if (preflight_method && allowed) {
		route_allow_header(allowed | METHOD_OPTIONS, out->methods,
				   sizeof(out->methods));
		add(out, "Access-Control-Allow-Methods", out->methods);
		add(out, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
		add(out, "Access-Control-Max-Age", CORS_MAX_AGE);
	} else {
		add(out, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
	}
}
