/*
 * Request helpers shared by every handler: method names and query
 * parameter access and checking.
 */
#include "server/reply.h"

#include <string.h>

const char *method_name(enum http_method m)
{
	switch (m) {
	case METHOD_GET:
		return "GET";
	case METHOD_HEAD:
		return "HEAD";
	case METHOD_POST:
		return "POST";
	case METHOD_PUT:
		return "PUT";
	case METHOD_PATCH:
		return "PATCH";
	case METHOD_DELETE:
		return "DELETE";
	case METHOD_OPTIONS:
		return "OPTIONS";
	}
	return "?";
}

const char *request_header(const struct request *req, const char *name)
{
	return req->header_lookup ? req->header_lookup(req->header_cookie, name)
				  : NULL;
}

const char *request_query(const struct request *req, const char *key)
{
	for (size_t i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].key, key) == 0)
			return req->query[i].value;
	return NULL;
}

static bool is_allowed(const char *key, const char *const *allowed)
{
	for (size_t i = 0; allowed[i]; i++)
		if (strcmp(key, allowed[i]) == 0)
			return true;
	return false;
}

size_t request_check_query(const struct request *req,
			   const char *const *allowed, json_t *errors)
{
	size_t added = 0;
	for (size_t i = 0; i < req->nquery; i++) {
		const char *key = req->query[i].key;
		bool repeated = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(req->query[j].key, key) == 0)
				repeated = true;
		if (!is_allowed(key, allowed)) {
			errors_add_param(errors, key,
					 "unknown query parameter");
			added++;
		} else if (repeated) {
			errors_add_param(errors, key, "given more than once");
			added++;
		}
	}
	return added;
}
