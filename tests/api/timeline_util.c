/*
 * Helpers for the issue 3 tests; see timeline_util.h.
 */
#include "tests/api/timeline_util.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "common/pdate.h"
#include "tests/lib/testlib.h"

const char *tu_keys(json_t *items)
{
	const char *out = "";
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return NULL;
	json_array_foreach(items, i, it)
	{
		const char *type = tl_str(it, "/type");
		const char *id = NULL;

		if (type && strcmp(type, "event") == 0)
			id = tl_str(it, "/event/id");
		else if (type && strcmp(type, "claim") == 0)
			id = tl_str(it, "/claim/id");
		out = tl_fmt("%s%s%c:%s", out, *out ? "," : "",
			     type ? type[0] : '?', id ? id : "?");
	}
	return out;
}

const char *tu_claim_ids(json_t *items)
{
	const char *out = "";
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return NULL;
	json_array_foreach(items, i, it)
	{
		const char *id = tl_str(it, "/claim/id");

		out = tl_fmt("%s%s%s", out, *out ? "," : "", id ? id : "?");
	}
	return out;
}

const char *tu_reverse(const char *csv)
{
	const char *out = "";
	const char *end = csv + strlen(csv);

	if (!*csv)
		return "";
	while (end > csv) {
		const char *start = end;

		while (start > csv && start[-1] != ',')
			start--;
		out = tl_fmt("%s%s%.*s", out, *out ? "," : "",
			     (int)(end - start), start);
		end = start > csv ? start - 1 : csv;
	}
	return out;
}

const char *tu_esc(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	const char *out = tl_fmt("%s", e ? e : "");

	curl_free(e);
	return out;
}

/* A JSON string literal for `s`, or null. */
static const char *jstr(const char *s)
{
	json_t *v;
	char *text;
	const char *out;

	if (!s)
		return "null";
	v = json_string(s);
	text = json_dumps(v, JSON_ENCODE_ANY);
	out = tl_fmt("%s", text);
	free(text);
	json_decref(v);
	return out;
}

bool tu_actor(const char *id, const char *part_of)
{
	return tl_create("/v1/actors",
			 tl_fmt("{\"id\": \"%s\", \"name\": \"Actor %s\", "
				"\"part_of\": %s}",
				id, id, jstr(part_of))) != NULL;
}

bool tu_event(const char *id, const char *start, const char *end,
	      const char *part_of)
{
	return tl_create("/v1/events",
			 tl_fmt("{\"id\": \"%s\", \"title\": \"Event %s\", "
				"\"kind\": \"other\", \"start\": %s, "
				"\"end\": %s, \"part_of\": %s}",
				id, id, jstr(start), jstr(end),
				jstr(part_of))) != NULL;
}

bool tu_claim(const char *id, const char *claimant, const char *events,
	      const char *stated, const char *source)
{
	return tl_create("/v1/claims",
			 tl_fmt("{\"id\": \"%s\", \"claimant\": \"%s\", "
				"\"text\": \"Claim %s\", \"events\": %s, "
				"\"stated\": %s, \"source\": %s}",
				id, claimant, id, events ? events : "[]",
				jstr(stated), jstr(source))) != NULL;
}

bool tu_source(const char *id, const char *published)
{
	return tl_create("/v1/sources",
			 tl_fmt("{\"id\": \"%s\", \"title\": \"Source %s\", "
				"\"published\": %s}",
				id, id, jstr(published))) != NULL;
}

const char *tu_contradicts(const char *a, const char *b, const char *note)
{
	struct tl_resp *r =
		tl_post(tl_fmt("/v1/claims/%s/relations", a),
			tl_fmt("{\"type\": \"contradicts\", \"claim\": \"%s\", "
			       "\"note\": %s}",
			       b, jstr(note)));

	if (!CHECK_STATUS(r, 201))
		return NULL;
	return tl_str(r->json, "/id");
}

bool tu_date_key(const char *date, int64_t *lo, int *prec)
{
	struct pdate d;

	if (!date || pdate_parse(date, strlen(date), &d, NULL) != 0)
		return false;
	*lo = d.lo_ms;
	*prec = (int)d.precision;
	return true;
}
