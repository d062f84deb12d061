/*
 * Timeline entries in the Knight Lab TimelineJS3 JSON format
 * (timeline.knightlab.com/docs/json-format.html), so that a page can hand
 * GET /v1/timeline?format=timelinejs to TL.Timeline unmodified.  Dates keep
 * their precision (a "2024-06" entry has no day); TimelineJS renders text
 * as HTML, so every string from the store is escaped here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/pdate.h"
#include "handlers/timeline.h"
#include "store/store.h"

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

/* Makes room for `n` more bytes and a NUL in a growing string. */
static bool reserve(char **out, size_t len, size_t *cap, size_t n)
{
	if (len + n + 1 <= *cap)
		return true;
	size_t grown = *cap ? *cap * 2 : 256;
	while (grown < len + n + 1)
		grown *= 2;
	char *p = realloc(*out, grown);
	if (!p)
		return false;
	*out = p;
	*cap = grown;
	return true;
}

/* Literal markup (ours, not the store's) appended as is. */
static void raw_append(char **out, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (!reserve(out, *len, cap, n))
		return;
	memcpy(*out + *len, s, n + 1);
	*len += n;
}

/* Appends `s` to `out`, HTML-escaped: TimelineJS renders text as HTML. */
static void html_append(char **out, size_t *len, size_t *cap, const char *s)
{
	for (; s && *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		char one[2] = {*s, '\0'};
		raw_append(out, len, cap, rep ? rep : one);
	}
}

/* `s` HTML-escaped, as a new string (free it); NULL when out of memory. */
static char *html_escape(const char *s)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	raw_append(&out, &len, &cap, "");
	html_append(&out, &len, &cap, s);
	return out;
}

/* A TimelineJS date object for a partial date: only the parts the date
 * has, and a display_date in words at its precision.  NULL if invalid. */
static json_t *tl_date(const char *text)
{
	struct pdate d;
	const char *why;
	if (!text || pdate_parse(text, strlen(text), &d, &why) != 0)
		return NULL;
	time_t secs = (time_t)(d.lo_ms >= 0 ? d.lo_ms / 1000
					    : -((-d.lo_ms + 999) / 1000));
	struct tm tm;
	gmtime_r(&secs, &tm);
	int year = tm.tm_year + 1900;
	json_t *out = json_pack("{s:i}", "year", year);
	char display[96];
	switch (d.precision) {
	case PDATE_YEAR:
		snprintf(display, sizeof(display), "%d", year);
		break;
	case PDATE_MONTH:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		snprintf(display, sizeof(display), "%s %d",
			 month_names[tm.tm_mon], year);
		break;
	case PDATE_DAY:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		json_object_set_new(out, "day", json_integer(tm.tm_mday));
		snprintf(display, sizeof(display), "%d %s %d", tm.tm_mday,
			 month_names[tm.tm_mon], year);
		break;
	case PDATE_TIME:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		json_object_set_new(out, "day", json_integer(tm.tm_mday));
		json_object_set_new(out, "hour", json_integer(tm.tm_hour));
		json_object_set_new(out, "minute", json_integer(tm.tm_min));
		json_object_set_new(out, "second", json_integer(tm.tm_sec));
		snprintf(display, sizeof(display), "%s", text);
		break;
	}
	json_object_set_new(out, "display_date", json_string(display));
	return out;
}

/* The title of the event at the top of `id`'s part_of chain. */
static char *top_event_title(struct store *st, const char *id)
{
	struct store_stmt *s = store_prepare(
		st, "WITH RECURSIVE up(id, parent, depth) AS (SELECT id, "
		    "part_of, 0 FROM events WHERE id = ?1 UNION ALL SELECT "
		    "e.id, e.part_of, up.depth + 1 FROM events AS e JOIN up ON "
		    "e.id = up.parent WHERE up.depth < 64) SELECT "
		    "json_extract(e.body, '$.title') FROM up JOIN events AS e "
		    "ON e.id = up.id ORDER BY up.depth DESC LIMIT 1");
	char *title = NULL;
	if (!s)
		return NULL;
	store_bind_text(s, 1, id);
	if (store_step(s) == STORE_ROW && store_column_text(s, 0))
		title = strdup(store_column_text(s, 0));
	store_reset(s);
	return title;
}

static const char *str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *event_slide(struct store *st, json_t *entry)
{
	json_t *event = json_object_get(entry, "event");
	char *html = NULL;
	size_t len = 0, cap = 0;
	html_append(&html, &len, &cap, str(event, "description"));
	const char *place = str(json_object_get(event, "location"), "name");
	if (place) {
		raw_append(&html, &len, &cap, "<p>Where: ");
		html_append(&html, &len, &cap, place);
		raw_append(&html, &len, &cap, "</p>");
	}
	char *headline = html_escape(str(event, "title"));
	json_t *slide = json_pack("{s:o*, s:{s:s, s:s}, s:s, s:s}",
				  "start_date", tl_date(str(event, "start")),
				  "text", "headline", headline ? headline : "",
				  "text", html ? html : "", "unique_id", "",
				  "display_date", "");
	free(headline);
	json_t *end = tl_date(str(event, "end"));
	if (end)
		json_object_set_new(slide, "end_date", end);
	char uid[96];
	snprintf(uid, sizeof(uid), "event-%s", str(event, "id"));
	json_object_set_new(slide, "unique_id", json_string(uid));
	json_object_set_new(slide, "display_date",
			    json_string(str(json_object_get(slide, "start_date"),
					    "display_date")));
	char *group = top_event_title(st, str(event, "id"));
	char *escaped = group ? html_escape(group) : NULL;
	if (escaped)
		json_object_set_new(slide, "group", json_string(escaped));
	free(escaped);
	free(group);
	free(html);
	return slide;
}

static json_t *claim_slide(json_t *entry)
{
	json_t *claim = json_object_get(entry, "claim");
	const char *who = str(json_object_get(entry, "claimant"), "name");
	char *html = NULL;
	size_t len = 0, cap = 0;
	char *group = who ? html_escape(who) : NULL;
	char *headline = NULL;
	size_t hlen = 0, hcap = 0;
	html_append(&headline, &hlen, &hcap, who ? who : "?");
	raw_append(&headline, &hlen, &hcap, " ");
	html_append(&headline, &hlen, &hcap, str(claim, "stance"));

	raw_append(&html, &len, &cap, "<p>");
	html_append(&html, &len, &cap, str(claim, "text"));
	raw_append(&html, &len, &cap, "</p>");
	if (str(claim, "quote")) {
		raw_append(&html, &len, &cap, "<blockquote>");
		html_append(&html, &len, &cap, str(claim, "quote"));
		raw_append(&html, &len, &cap, "</blockquote>");
	}
	if (json_is_true(json_object_get(claim, "disputed"))) {
		raw_append(&html, &len, &cap, "<p><strong>Disputed:</strong> "
					      "contradicted by ");
		size_t i, n = 0;
		json_t *rel;
		json_array_foreach(json_object_get(claim, "relations"), i, rel) {
			if (strcmp(str(rel, "type"), "contradicts") != 0)
				continue;
			raw_append(&html, &len, &cap, n++ ? ", claim " : "claim ");
			html_append(&html, &len, &cap, str(rel, "claim"));
		}
		raw_append(&html, &len, &cap, ".</p>");
	}
	const char *source = str(json_object_get(entry, "source"), "title");
	if (source) {
		raw_append(&html, &len, &cap, "<p>Source: ");
		html_append(&html, &len, &cap, source);
		raw_append(&html, &len, &cap, "</p>");
	}
	json_t *start = tl_date(str(entry, "date"));
	char uid[96];
	snprintf(uid, sizeof(uid), "claim-%s", str(claim, "id"));
	json_t *slide = json_pack(
		"{s:o*, s:{s:s, s:s}, s:s, s:s?, s:s?}", "start_date", start,
		"text", "headline", headline ? headline : "", "text",
		html ? html : "", "unique_id", uid, "group", group,
		"display_date", str(start, "display_date"));
	free(group);
	free(headline);
	free(html);
	return slide;
}

json_t *timelinejs_from_entries(struct store *st, json_t *entries)
{
	json_t *events = json_array();
	size_t i;
	json_t *entry;
	json_array_foreach(entries, i, entry) {
		const char *type = str(entry, "type");
		json_t *slide = strcmp(type, "event") == 0
					? event_slide(st, entry)
					: claim_slide(entry);
		if (slide && json_object_get(slide, "start_date"))
			json_array_append_new(events, slide);
		else
			json_decref(slide);
	}
	char text[64];
	snprintf(text, sizeof(text), "%zu entries", json_array_size(events));
	return json_pack("{s:{s:{s:s, s:s}}, s:o}", "title", "text",
			 "headline", "claimline timeline", "text", text,
			 "events", events);
}
