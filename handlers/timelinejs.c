/*
 * Timeline entries in the Knight Lab TimelineJS3 JSON format
 * (timeline.knightlab.com/docs/json-format.html), so that a page can hand
 * GET /v1/timelinejs (or /v1/timeline?format=timelinejs) to TL.Timeline
 * unmodified.  Dates keep their precision (a "2024-06" entry has no day).
 *
 * The viewer puts most of what we send into innerHTML, each field after
 * its own treatment, so each field is encoded for that treatment: text
 * from the store must show as text whatever it holds.  What TimelineJS
 * 3.9 does with each field we emit (read in src/js of the npm package
 * @knight-lab/timelinejs 3.9.11; tests/web/timelinejs.test.mjs renders
 * our output in it with hostile text in every field):
 *
 * - text.headline and text.text (entry slides and the title slide):
 *   TimelineConfig._tidyFields runs DOMPurify.sanitize on both; Text.js
 *   then sets them as innerHTML of the slide (h2 headline, text wrapped by
 *   htmlify() in <p> unless it has one), TimeMarker sets the headline as
 *   innerHTML of its marker and SlideNav of the next/previous buttons,
 *   both after unlinkify() (drops the first <a ...> and </a>).  When the
 *   slide's "autolink" is true, its default, the text also goes through
 *   linkify() after DOMPurify, which builds <a href='...'> around any run
 *   of "www." up to white space, quotes included: since DOMPurify writes a
 *   text node's ' and " back unescaped, store text could then add its own
 *   attributes to that link.  So: the store's text is HTML-escaped once
 *   (DOMPurify parses it as a text node and writes it back with &, < and >
 *   escaped, and innerHTML shows that as text), our own markup (<p>,
 *   <blockquote>, <strong>) is literal, and every slide carries
 *   "autolink": false.
 * - group: trimmed, then stripMarkup() (parsed by DOMParser, textContent
 *   taken: tags dropped and character references decoded), then set as
 *   innerHTML of its TimeGroup label.  Escaped once, a name such as
 *   "<svg onload=...>" is decoded back into markup there, so a label is
 *   escaped twice: the decode leaves it escaped once and innerHTML shows
 *   it as text.  Escaping is one-to-one, so the viewer still groups the
 *   slides whose labels are equal.
 * - display_date (of a slide, and of its start_date and end_date):
 *   stripMarkup(), then innerHTML of the slide's date line
 *   (Text.addDateText) and of the next/previous buttons (SlideNav); the
 *   markers use it in an aria-label (an attribute: text).  Escaped twice,
 *   like group.  Ours are made of digits, month names and a validated
 *   date-time, which escaping leaves as they are.
 * - start_date and end_date year, month, day, hour, minute, second:
 *   integers.
 * - unique_id: an element id, and the URL fragment when the page turns
 *   hash_bookmark on: "event-" or "claim-" and a store id, whose syntax
 *   ([a-z0-9._-]) holds no markup, so it is sent as is.
 * - autolink: false on every slide (above).
 * - Not emitted: media (caption and credit get DOMPurify and linkify like
 *   text; the url picks an embed and its markup), background, eras (their
 *   headline goes to innerHTML after unlinkify), scale.
 *
 * Slides name things, never by raw id: a claim's headline is its
 * claimant's name, a figure is written out in words, and what contradicts
 * a claim is named by its claimant.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/timeline.h"
#include "store/store.h"

static const char *const month_names[] = {
	"January", "February", "March",	    "April",   "May",	   "June",
	"July",	   "August",   "September", "October", "November", "December",
};

/* Appends `s` HTML-escaped `times` times (1 or 2: see the top of the
 * file).  Escaping twice is escaping once, then the leading & of each
 * reference escaped again. */
static void escape_add(struct strbuf *sb, const char *s, int times)
{
	const char *run = s;
	for (; s && *s; s++) {
		const char *rep;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		if (times == 2)
			strbuf_adds(sb, "&amp;");
		strbuf_adds(sb, times == 2 ? rep + 1 : rep);
		run = s + 1;
	}
	if (run)
		strbuf_add(sb, run, (size_t)(s - run));
}

/* Store text for text.headline and text.text: escaped once. */
static void text_add(struct strbuf *sb, const char *s)
{
	escape_add(sb, s, 1);
}

/* The contents of `sb` as a JSON string; releases `sb`.  NULL when out of
 * memory. */
static json_t *sb_string(struct strbuf *sb)
{
	json_t *v = sb->failed ? NULL
			       : json_stringn(sb->buf ? sb->buf : "", sb->len);
	strbuf_release(sb);
	return v;
}

/* A group label or display_date: escaped twice, for the viewer decodes it
 * once before innerHTML. */
static json_t *label_string(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	escape_add(&sb, s, 2);
	return sb_string(&sb);
}

/* A TimelineJS date object for a partial date: only the parts the date
 * has, and a display_date in words at its precision, also written to
 * `words`.  NULL if `text` is not a date. */
static json_t *tl_date(const char *text, char *words, size_t wsz)
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
	switch (d.precision) {
	case PDATE_YEAR:
		snprintf(words, wsz, "%d", year);
		break;
	case PDATE_MONTH:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		snprintf(words, wsz, "%s %d", month_names[tm.tm_mon], year);
		break;
	case PDATE_DAY:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		json_object_set_new(out, "day", json_integer(tm.tm_mday));
		snprintf(words, wsz, "%d %s %d", tm.tm_mday,
			 month_names[tm.tm_mon], year);
		break;
	case PDATE_TIME:
		json_object_set_new(out, "month", json_integer(tm.tm_mon + 1));
		json_object_set_new(out, "day", json_integer(tm.tm_mday));
		json_object_set_new(out, "hour", json_integer(tm.tm_hour));
		json_object_set_new(out, "minute", json_integer(tm.tm_min));
		json_object_set_new(out, "second", json_integer(tm.tm_sec));
		snprintf(words, wsz, "%s", text);
		break;
	}
	json_object_set_new(out, "display_date", label_string(words));
	return out;
}

/* One text column of the row of `sql` for `id` (bound to ?1), as a new
 * string; NULL when there is none. */
static char *lookup_text(struct store *st, const char *sql, const char *id)
{
	struct store_stmt *s = store_prepare(st, sql);
	char *text = NULL;
	if (!s)
		return NULL;
	store_bind_text(s, 1, id);
	if (store_step(s) == STORE_ROW && store_column_text(s, 0))
		text = strdup(store_column_text(s, 0));
	store_reset(s);
	return text;
}

/* The title of the event at the top of `id`'s part_of chain. */
static char *top_event_title(struct store *st, const char *id)
{
	return lookup_text(
		st,
		"WITH RECURSIVE up(id, parent, depth) AS (SELECT id, "
		"part_of, 0 FROM events WHERE id = ?1 UNION ALL SELECT "
		"e.id, e.part_of, up.depth + 1 FROM events AS e JOIN up ON "
		"e.id = up.parent WHERE up.depth < 64) SELECT "
		"json_extract(e.body, '$.title') FROM up JOIN events AS e "
		"ON e.id = up.id ORDER BY up.depth DESC LIMIT 1",
		id);
}

/* The name of the claimant of claim `id`. */
static char *claimant_name(struct store *st, const char *id)
{
	return lookup_text(st,
			   "SELECT a.name FROM claims AS c JOIN actors AS a "
			   "ON a.id = c.claimant WHERE c.id = ?1",
			   id);
}

static const char *str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* A number as the page writes it: thousands separated by commas, at
 * most six decimals ("11,000", "2.5"). */
static void number_add(struct strbuf *sb, json_t *v)
{
	char buf[64];
	double d = json_number_value(v);
	if (json_is_integer(v))
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	else if (fabs(d) >= 1e15)
		snprintf(buf, sizeof(buf), "%.6g", d);
	else {
		snprintf(buf, sizeof(buf), "%.6f", d);
		char *end = buf + strlen(buf);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			*--end = '\0';
		if (strcmp(buf, "-0") == 0)
			snprintf(buf, sizeof(buf), "0");
	}
	const char *p = buf;
	if (*p == '-')
		strbuf_addch(sb, *p++);
	size_t digits = strspn(p, "0123456789");
	if (strpbrk(p, "eE"))
		digits = 0; /* 1e+20: as it is */
	for (size_t i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, p[i]);
	}
	strbuf_adds(sb, p + digits);
}

/* A claim's figure in words, as the page writes it: "about 11,000
 * troops (between 10,000 and 12,000)". */
static void figure_add(struct strbuf *sb, json_t *q)
{
	json_t *value = json_object_get(q, "value");
	json_t *low = json_object_get(q, "low");
	json_t *high = json_object_get(q, "high");
	const char *unit = str(q, "unit");
	bool approx = json_is_true(json_object_get(q, "approximate"));
	struct strbuf bounds = STRBUF_INIT;
	if (json_is_number(low) && json_is_number(high)) {
		strbuf_adds(&bounds, "between ");
		number_add(&bounds, low);
		strbuf_adds(&bounds, " and ");
		number_add(&bounds, high);
	} else if (json_is_number(low)) {
		strbuf_adds(&bounds, "at least ");
		number_add(&bounds, low);
	} else if (json_is_number(high)) {
		strbuf_adds(&bounds, "at most ");
		number_add(&bounds, high);
	}
	const char *b = bounds.len && !bounds.failed ? bounds.buf : NULL;
	if (json_is_number(value)) {
		if (approx)
			strbuf_adds(sb, "about ");
		number_add(sb, value);
		if (unit) {
			strbuf_addch(sb, ' ');
			text_add(sb, unit);
		}
		if (b) {
			strbuf_adds(sb, " (");
			strbuf_adds(sb, b);
			strbuf_addch(sb, ')');
		}
	} else if (b) {
		if (approx)
			strbuf_adds(sb, "roughly ");
		strbuf_adds(sb, b);
		if (unit) {
			strbuf_addch(sb, ' ');
			text_add(sb, unit);
		}
	} else if (unit) {
		strbuf_adds(sb, "a number of ");
		text_add(sb, unit);
		strbuf_adds(sb, " (no figure given)");
	} else {
		strbuf_adds(sb, "no figure given");
	}
	strbuf_release(&bounds);
}

/* The fields every entry slide has; takes `text` (escaped HTML) and
 * `group` (a label_string). */
static json_t *slide_new(json_t *start, json_t *end, const char *words,
			 json_t *headline, json_t *text, const char *uid,
			 json_t *group)
{
	json_t *slide = json_pack(
		"{s:o, s:{s:o*, s:o*}, s:o*, s:s, s:b}", "start_date", start,
		"text", "headline", headline, "text", text, "display_date",
		label_string(words), "unique_id", uid, "autolink", 0);
	if (slide && end)
		json_object_set_new(slide, "end_date", end);
	else
		json_decref(end);
	if (slide && group)
		json_object_set_new(slide, "group", group);
	else
		json_decref(group);
	return slide;
}

static json_t *event_slide(struct store *st, json_t *entry)
{
	json_t *event = json_object_get(entry, "event");
	char start_words[96], end_words[96], words[200];
	json_t *start =
		tl_date(str(event, "start"), start_words, sizeof(start_words));
	if (!start)
		return NULL;
	json_t *end = tl_date(str(event, "end"), end_words, sizeof(end_words));
	if (end)
		snprintf(words, sizeof(words), "%s \xe2\x80\x93 %s",
			 start_words, end_words);
	else
		snprintf(words, sizeof(words), "%s", start_words);

	struct strbuf html = STRBUF_INIT, headline = STRBUF_INIT;
	text_add(&headline, str(event, "title"));
	if (str(event, "description")) {
		strbuf_adds(&html, "<p>");
		text_add(&html, str(event, "description"));
		strbuf_adds(&html, "</p>");
	}
	const char *place = str(json_object_get(event, "location"), "name");
	if (place) {
		strbuf_adds(&html, "<p>Where: ");
		text_add(&html, place);
		strbuf_adds(&html, "</p>");
	}
	char uid[96];
	snprintf(uid, sizeof(uid), "event-%s", str(event, "id"));
	char *top = top_event_title(st, str(event, "id"));
	json_t *slide = slide_new(start, end, words, sb_string(&headline),
				  sb_string(&html), uid,
				  top ? label_string(top) : NULL);
	free(top);
	return slide;
}

static json_t *claim_slide(struct store *st, json_t *entry)
{
	json_t *claim = json_object_get(entry, "claim");
	char words[96];
	json_t *start = tl_date(str(entry, "date"), words, sizeof(words));
	if (!start)
		return NULL;
	const char *who = str(json_object_get(entry, "claimant"), "name");
	const char *via = str(json_object_get(entry, "via"), "name");
	const char *stance = str(claim, "stance");
	struct strbuf html = STRBUF_INIT, headline = STRBUF_INIT;

	text_add(&headline, who ? who : "An unknown claimant");
	strbuf_addch(&headline, ' ');
	text_add(&headline, stance);

	strbuf_adds(&html, "<p>");
	text_add(&html, str(claim, "text"));
	strbuf_adds(&html, "</p>");
	if (via) {
		strbuf_adds(&html, "<p>Via: ");
		text_add(&html, via);
		strbuf_adds(&html, "</p>");
	}
	json_t *quantity = json_object_get(claim, "quantity");
	if (stance && strcmp(stance, "withholds") == 0) {
		const char *unit = str(quantity, "unit");
		strbuf_adds(&html, "<p>Figure withheld by ");
		text_add(&html, who ? who : "the claimant");
		if (unit) {
			strbuf_adds(&html, ": no number of ");
			text_add(&html, unit);
			strbuf_adds(&html, " given.</p>");
		} else {
			strbuf_adds(&html, ": no figure given.</p>");
		}
	}
	if (json_is_object(quantity)) {
		strbuf_adds(&html, "<p>Figure: ");
		figure_add(&html, quantity);
		strbuf_adds(&html, "</p>");
	}
	if (str(claim, "quote")) {
		strbuf_adds(&html, "<blockquote>");
		text_add(&html, str(claim, "quote"));
		strbuf_adds(&html, "</blockquote>");
	}
	if (json_is_true(json_object_get(claim, "disputed"))) {
		strbuf_adds(&html, "<p><strong>Disputed:</strong> "
				   "contradicted by ");
		size_t i, n = 0;
		json_t *rel;
		json_array_foreach(json_object_get(claim, "relations"), i, rel)
		{
			if (!str(rel, "type") ||
			    strcmp(str(rel, "type"), "contradicts") != 0)
				continue;
			char *name =
				str(rel, "claim")
					? claimant_name(st, str(rel, "claim"))
					: NULL;
			if (n++)
				strbuf_adds(&html, ", ");
			text_add(&html, name ? name : "another claim");
			free(name);
		}
		strbuf_adds(&html, ".</p>");
	}
	const char *source = str(json_object_get(entry, "source"), "title");
	if (source) {
		strbuf_adds(&html, "<p>Source: ");
		text_add(&html, source);
		strbuf_adds(&html, "</p>");
	}
	char uid[96];
	snprintf(uid, sizeof(uid), "claim-%s", str(claim, "id"));
	return slide_new(start, NULL, words, sb_string(&headline),
			 sb_string(&html), uid, who ? label_string(who) : NULL);
}

json_t *timelinejs_from_entries(struct store *st, json_t *entries)
{
	json_t *events = json_array();
	size_t i;
	json_t *entry;
	json_array_foreach(entries, i, entry)
	{
		const char *type = str(entry, "type");
		json_t *slide = type && strcmp(type, "event") == 0
					? event_slide(st, entry)
					: claim_slide(st, entry);
		/* An entry without a date has no place on a TimelineJS
		 * timeline. */
		if (slide)
			json_array_append_new(events, slide);
	}
	char text[64];
	snprintf(text, sizeof(text), "%zu entries", json_array_size(events));
	return json_pack("{s:{s:{s:s, s:s}, s:b}, s:o}", "title", "text",
			 "headline", "claimline timeline", "text", text,
			 "autolink", 0, "events", events);
}
