/*
 * Entity tags and the store-error reply (see server/etag.h).  An ETag is
 * an FNV-1a hash of the representation's compact JSON, so the same
 * representation has the same tag whichever way it was produced.
 */
#include "server/etag.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "store/store.h"

int reply_store_error(struct reply *rep, int rc)
{
	if (rc == STORE_BUSY) {
		reply_problem(rep, PROBLEM_UNAVAILABLE,
			      "the store is busy; retry shortly");
		reply_header(rep, "Retry-After", "1");
		return rep->status;
	}
	return reply_problem(rep, PROBLEM_INTERNAL,
			     "the store could not complete the request");
}

void etag_of_text(const struct strbuf *text, char etag[24])
{
	snprintf(etag, 24, "\"%016" PRIx64 "\"", strbuf_hash(text));
}

void resource_etag(json_t *representation, char etag[24])
{
	char *text = json_dumps(representation, JSON_COMPACT);
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)text; p && *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	free(text);
	snprintf(etag, 24, "\"%016" PRIx64 "\"", h);
}

bool etag_listed(const char *header, const char *etag, bool weak_ok)
{
	size_t n = strlen(etag);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		/* If-Match compares strongly: a weak tag never matches. */
		bool weak = strncmp(p, "W/", 2) == 0;
		if (weak)
			p += 2;
		if ((!weak || weak_ok) && strncmp(p, etag, n) == 0 &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		     p[n] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

int reply_with_etag(struct reply *rep, int status, json_t *out)
{
	char etag[24];
	resource_etag(out, etag);
	reply_header(rep, "ETag", etag);
	return reply_json(rep, status, out);
}

int reply_text_with_etag(struct reply *rep, int status, struct strbuf *text)
{
	char etag[24];
	etag_of_text(text, etag);
	reply_header(rep, "ETag", etag);
	size_t len;
	char *buf = strbuf_detach(text, &len);
	if (!buf)
		return reply_store_error(rep, STORE_ERROR);
	return reply_text(rep, status, "application/json", buf, len);
}
