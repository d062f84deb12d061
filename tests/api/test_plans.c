/*
 * Query plans (issue 3, "Indexes"): on a generated store of realistic
 * size every read route answers from indexes.  The store is made by
 * starting the server once (it migrates), stopping it, and inserting rows
 * directly through the store API in the canonical form the server writes;
 * then the server runs again with CLAIMLINE_LOG_QUERY_PLANS=1, which logs
 * the EXPLAIN QUERY PLAN of every statement it prepares, and every read
 * route is requested with typical filters.  The test fails when a plan
 * scans a table without an index, sorts in a temporary B-tree outside
 * the statements listed in `sort_allowed` below, or answers a filtered
 * list by walking its table in seq order (`rowid>?`) when an index could
 * have found the filter's rows (`walk_allowed` lists the filters none can).
 */
#include "tests/lib/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pdate.h"
#include "store/store.h"
#include "tests/api/timeline_util.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum {
	N_ACTORS = 500,
	N_SOURCES = 1000,
	N_EVENTS = 2000,
	N_CLAIMS = 20000,
	N_RELATIONS = 2000,
};

static const char *const now = "2025-01-01T00:00:00Z";

/* A date of one of the four precisions, spread over 2015..2024. */
static const char *gen_date(int i)
{
	int y = 2015 + (i / 7) % 10, m = 1 + (i / 10) % 12,
	    d = 1 + (i / 120) % 28;

	switch (i % 4) {
	case 0:
		return tl_fmt("%04d", y);
	case 1:
		return tl_fmt("%04d-%02d", y, m);
	case 2:
		return tl_fmt("%04d-%02d-%02d", y, m, d);
	default:
		return tl_fmt("%04d-%02d-%02dT%02d:15:00+03:00", y, m, d,
			      i % 24);
	}
}

/* Inserts one resource row; `date`/`end` give date_lo/hi/prec (NULL: the
 * columns stay NULL).  Returns false on a store error. */
static bool insert_row(struct store *st, const char *sql, const char *id,
		       json_t *body, const char *date, const char *end)
{
	struct store_stmt *s = store_prepare(st, sql);
	char *text = json_dumps(body, JSON_COMPACT);
	struct pdate lo, hi;
	bool dated = date && pdate_parse(date, strlen(date), &lo, NULL) == 0;

	if (!s || !text) {
		free(text);
		return false;
	}
	if (dated && !(end && pdate_parse(end, strlen(end), &hi, NULL) == 0))
		hi = lo;
	store_bind_text(s, 1, id);
	store_bind_text(s, 2, text);
	store_bind_text(s, 3, now);
	if (dated) {
		store_bind_int64(s, 4, lo.lo_ms);
		store_bind_int64(s, 5, hi.hi_ms);
		store_bind_int64(s, 6, lo.precision);
	}
	free(text);
	return store_exec_stmt(s) == STORE_OK;
}

#define INSERT(table)                                                          \
	"INSERT INTO " table "(id, body, computed, version, created_at, "      \
	"updated_at, date_lo, date_hi, date_prec) VALUES (?1, ?2, NULL, 1, "   \
	"?3, ?3, ?4, ?5, ?6)"

static bool fill_store(const char *db)
{
	static const char *const kinds[] = {"battle", "agreement", "statement",
					    "deployment"};
	static const char *const stances[] = {"asserts", "denies", "estimates",
					      "condemns", "withholds"};
	static const char *const countries[] = {"RU", "UA", "KP", "KR", "US"};
	static const char *const statuses[] = {"reported", "confirmed",
					       "alleged"};
	char err[256];
	struct store *st = store_open(db, err, sizeof(err));
	bool ok = st != NULL;

	if (!st) {
		fprintf(stderr, "store_open: %s\n", err);
		return false;
	}
	ok = store_begin(st) == STORE_OK;
	/* Actors: a0..a49 on top, then chains a(i) part_of a(i/10). */
	for (int i = 0; ok && i < N_ACTORS; i++) {
		json_t *b = json_pack(
			"{s:s, s:s, s:s, s:o, s:[s], s:n}", "name",
			tl_fmt("Actor number %d", i), "kind", "organization",
			"country", countries[i % 5], "part_of",
			i >= 50 ? json_string(tl_fmt("a%d", i / 10))
				: json_null(),
			"aliases", tl_fmt("Alias %d", i), "description");
		ok = insert_row(st, INSERT("actors"), tl_fmt("a%d", i), b, NULL,
				NULL);
		json_decref(b);
	}
	for (int i = 0; ok && i < N_SOURCES; i++) {
		json_t *b =
			json_pack("{s:s, s:n, s:s?, s:s, s:s, s:s, s:n}",
				  "title", tl_fmt("Source report %d", i), "url",
				  "publisher", i % 3 == 0 ? "Reuters" : NULL,
				  "published", gen_date(i * 7), "kind",
				  "news_article", "language", "en", "text");
		if (i % 3 != 0)
			json_object_set_new(b, "publisher", json_null());
		ok = insert_row(st, INSERT("sources"), tl_fmt("s%d", i), b,
				gen_date(i * 7), NULL);
		json_decref(b);
	}
	/* Events: e0..e199 on top; e(i) part_of e(i/10) otherwise, which
	 * nests e1000..e1999 three levels below e1..e19. */
	for (int i = 0; ok && i < N_EVENTS; i++) {
		const char *start = gen_date(i * 3);
		const char *end =
			i % 5 == 0 ? tl_fmt("%04d", 2025 + i % 3) : NULL;
		json_t *b = json_pack(
			"{s:s, s:s, s:s, s:s?, s:{s:s, s:s}, s:o, "
			"s:[{s:s, s:s}, {s:s, s:s}], s:[s, s], s:s}",
			"title", tl_fmt("Event title %d", i), "kind",
			kinds[i % 4], "start", start, "end", end, "location",
			"name", "Somewhere", "country", countries[i % 5],
			"part_of",
			i >= 200 ? json_string(tl_fmt("e%d", i / 10))
				 : json_null(),
			"participants", "actor", tl_fmt("a%d", i % N_ACTORS),
			"role", "r", "actor", tl_fmt("a%d", (i * 7) % N_ACTORS),
			"role", "r", "tags", tl_fmt("t%d", i % 50), "common",
			"description", tl_fmt("Description of event %d", i));

		/* Every 5th (from e1) ongoing, as resource.c writes it: no
		 * end and date_hi open-ended. */
		bool ongoing = i % 5 == 1;
		if (!end)
			json_object_set_new(b, "end", json_null());
		json_object_set_new(b, "ongoing",
				    ongoing ? json_true() : json_null());
		json_object_set_new(b, "status", json_string(statuses[i % 3]));
		ok = insert_row(st, INSERT("events"), tl_fmt("e%d", i), b,
				start, end);
		json_decref(b);
		if (ok && ongoing) {
			struct store_stmt *u = store_prepare(
				st, "UPDATE events SET date_hi = ?2 "
				    "WHERE id = ?1");
			ok = u != NULL;
			if (ok) {
				store_bind_text(u, 1, tl_fmt("e%d", i));
				store_bind_int64(u, 2, INT64_MAX);
				ok = store_exec_stmt(u) == STORE_OK;
			}
		}
	}
	/* Claims: every 10th dated by its source only, every 97th undated. */
	for (int i = 0; ok && i < N_CLAIMS; i++) {
		bool by_source = i % 10 == 3, undated = i % 97 == 5;
		const char *stated = by_source || undated ? NULL : gen_date(i);
		json_t *b = json_pack(
			"{s:s, s:[s, s], s:s?, s:s, s:s, s:n, s:s?, s:n, s:n, "
			"s:s?}",
			"claimant", tl_fmt("a%d", i % N_ACTORS), "events",
			tl_fmt("e%d", i % N_EVENTS),
			tl_fmt("e%d", (i * 13) % N_EVENTS), "stated", stated,
			"stance", stances[i % 5], "text",
			tl_fmt("Claim text number %d about the front", i),
			"quote", "source",
			undated ? NULL : tl_fmt("s%d", i % N_SOURCES), "via",
			"quantity", "verdict", i % 11 == 0 ? "false" : NULL);

		if (!stated)
			json_object_set_new(b, "stated", json_null());
		if (undated)
			json_object_set_new(b, "source", json_null());
		if (i % 11 != 0)
			json_object_set_new(b, "verdict", json_null());
		/* Key order as the server writes it. */
		json_t *canon = json_pack(
			"{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
			"claimant", json_object_get(b, "claimant"), "events",
			json_object_get(b, "events"), "stated",
			json_object_get(b, "stated"), "stance",
			json_object_get(b, "stance"), "text",
			json_object_get(b, "text"), "quote",
			json_object_get(b, "quote"), "source",
			json_object_get(b, "source"), "via",
			json_object_get(b, "via"), "quantity",
			json_object_get(b, "quantity"), "verdict",
			json_object_get(b, "verdict"), "x", json_null());

		json_object_del(canon, "x");
		ok = insert_row(st, INSERT("claims"), tl_fmt("c%d", i), canon,
				stated, NULL);
		json_decref(canon);
		json_decref(b);
	}
	for (int i = 0; ok && i < N_RELATIONS; i++) {
		struct store_stmt *s = store_prepare(
			st,
			"INSERT INTO relations(id, type, from_seq, to_seq, "
			"note, created_at) SELECT ?1, 'contradicts', a.seq, "
			"b.seq, ?2, ?3 FROM claims AS a, claims AS b WHERE "
			"a.id = ?4 AND b.id = ?5");

		ok = s != NULL;
		if (!ok)
			break;
		store_bind_text(s, 1, tl_fmt("rel-%d", i));
		store_bind_text(s, 2, tl_fmt("note %d", i));
		store_bind_text(s, 3, now);
		store_bind_text(s, 4, tl_fmt("c%d", i * 10));
		store_bind_text(s, 5, tl_fmt("c%d", i * 10 + 1));
		ok = store_exec_stmt(s) == STORE_OK;
	}
	if (ok)
		ok = store_commit(st) == STORE_OK;
	else
		store_rollback(st);
	store_close(st);
	return ok;
}

/*
 * Statements allowed to sort in a temporary B-tree, because their input
 * is already narrowed to a small subset by an index before the sort:
 */
static const struct {
	const char *sql_part;
	const char *why;
} sort_allowed[] = {
	{"FROM search WHERE search MATCH",
	 "search: ranks only the rows the FTS5 index matched (bm25 is not "
	 "indexable)"},
	{"FROM relations AS r JOIN claims AS c ON c.seq = CASE",
	 "one claim's relations, found through relations_from/relations_to"},
	{"r.claimant IN (SELECT value FROM json_each(:actor_set))",
	 "statements/timeline of an actor with its parts: the claims of the "
	 "listed claimants, each range read from claims_claimant_date"},
	{"r.date_lo IS NULL AND r.id > :id",
	 "undated claims of one actor or event: read by claimant or by the "
	 "event's claim_events rows, sorted by id"},
	{"FROM json_each(:event_set) AS s JOIN events AS r",
	 "timeline events of one event's subtree, found by id"},
	{"e.id IN (SELECT value FROM json_each(:event_set))",
	 "timeline claims about one event's subtree, found through "
	 "claim_events"},
	{"FROM json_each(:event_set) AS s JOIN claim_events AS ce",
	 "event timeline claims: one event subtree's claim_events rows, "
	 "which carry each claim's date"},
	{"claim_events WHERE event_id IN (SELECT value FROM json_each(",
	 "statements about one event's subtree, found through claim_events"},
	{"event_actors WHERE actor_id IN (SELECT value FROM json_each(",
	 "events one actor (and its parts) took part in, found through "
	 "event_actors"},
	/* Not allowed: kind, tag, country and stance select a fixed share of
	 * the whole store (a kind among four is a quarter of all events), so
	 * sorting them is sorting the store. */
	{"WITH RECURSIVE up(id, parent, depth)",
	 "the part_of chain of one event (at most 64 rows)"},
	{") UNION ALL SELECT * FROM (",
	 "events from a date: the merge of two index range reads (events up "
	 "to a year long, longer ones), each LIMITed to one page"},
};

/* One "plan:" block of the server's stderr. */
struct plan {
	char *sql;
	char *lines; /* the detail lines, '\n'-separated */
};

static bool sort_ok(const char *sql)
{
	for (size_t i = 0; i < N(sort_allowed); i++)
		if (strstr(sql, sort_allowed[i].sql_part))
			return true;
	return false;
}

/* True when `line` scans a table (not a CTE, json_each, a constant row or
 * an FTS5 index) without an index. */
static bool full_scan(const char *line)
{
	/* "(subquery-N)" is a co-routine's own rows: a LIMITed page. */
	static const char *const fine_names[] = {"json_each", "sub", "up",
						 "CONSTANT", "(subquery-"};
	const char *p = strstr(line, "SCAN ");

	if (!p)
		return false;
	if (strstr(line, "USING INDEX") || strstr(line, "COVERING INDEX") ||
	    strstr(line, "VIRTUAL TABLE INDEX") ||
	    strstr(line, "INTEGER PRIMARY KEY"))
		return false;
	p += 5;
	for (size_t i = 0; i < N(fine_names); i++) {
		size_t n = strlen(fine_names[i]);

		if (strncmp(p, fine_names[i], n) == 0 &&
		    (p[n] == '\0' || p[n] == ' ' ||
		     fine_names[i][n - 1] == '-'))
			return false;
	}
	return true;
}

/*
 * Filters that cannot be answered from an index, so a list with them may
 * walk its table in seq order (each page stops at `limit` matches).
 */
static const struct {
	const char *sql_part;
	const char *why;
} walk_allowed[] = {
	{"contains_ci(",
	 "q: a case-insensitive substring of names and texts (search is the "
	 "indexed way to find words)"},
	{"r.date_hi > :from",
	 "from on a list in insertion order: no index orders a date range by "
	 "seq (the timelines are the date-ordered, indexed reads)"},
	{"r.date_lo < :to", "to: as from"},
};

static bool walk_ok(const char *cond)
{
	for (size_t i = 0; i < N(walk_allowed); i++)
		if (strstr(cond, walk_allowed[i].sql_part))
			return true;
	return false;
}

/*
 * True when `line` reads a list's table by rowid (seq) although the list
 * is filtered by a condition an index could answer: the filter is then
 * applied to every row, a full scan when few rows match.
 */
static bool rowid_walk(const char *sql, const char *line)
{
	const char *head = "WHERE r.seq > :after AND (";
	const char *p = strstr(sql, head);

	if (!p || !strstr(line, "INTEGER PRIMARY KEY (rowid>?)"))
		return false;
	/* Each filter is one " AND (...)"; the walk is fine only when no
	 * filter could have used an index. */
	for (p += strlen(head) - 1; p && *p == '(';) {
		const char *next = strstr(p, ") AND (");
		const char *end = next ? next : strstr(p, ") ORDER BY");
		const char *cond = tl_fmt(
			"%.*s", (int)(end ? end - p : (long)strlen(p)), p);

		if (!walk_ok(cond))
			return true;
		p = next ? next + 6 : NULL;
	}
	return false;
}

/* Reads the plan blocks from `path`, starting at byte `from`. */
static size_t read_plans(const char *path, long from, struct plan *out,
			 size_t max)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;
	struct plan *cur = NULL;

	if (!f)
		return 0;
	fseek(f, from, SEEK_SET);
	while (getline(&line, &cap, f) > 0) {
		const char *tag = "claimline: plan: ";
		char *p = strstr(line, tag);

		if (!p)
			continue;
		p += strlen(tag);
		p[strcspn(p, "\n")] = '\0';
		if (strcmp(p, "end") == 0) {
			cur = NULL;
		} else if (strncmp(p, "  ", 2) == 0 && cur) {
			cur->lines =
				(char *)tl_fmt("%s%s\n", cur->lines, p + 2);
		} else if (n < max) {
			cur = &out[n++];
			cur->sql = (char *)tl_fmt("%s", p);
			cur->lines = (char *)"";
		}
	}
	free(line);
	fclose(f);
	return n;
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "r");
	long n;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void test_read_routes_use_indexes(struct tl_server *unused)
{
	static const char *const routes[] = {
		"/v1/timeline",
		"/v1/timeline?order=desc",
		"/v1/timeline?from=2019-03&to=2019-04",
		"/v1/timeline?from=2019-03-05T10:00:00Z&order=desc",
		"/v1/timeline?event=e1",
		"/v1/timeline?event=e1&from=2018",
		"/v1/timeline?actor=a7",
		"/v1/timeline?actor=a7&include_parts=true",
		"/v1/timeline?kind=battle",
		"/v1/timeline?tag=t7",
		"/v1/timeline?country=KP",
		"/v1/timeline?status=alleged",
		"/v1/timeline?status=confirmed&from=2019-03&order=desc",
		"/v1/timeline?from=2024-06",
		"/v1/timeline?stance=denies",
		"/v1/timeline?disputed=true",
		"/v1/timeline?types=claim",
		"/v1/timeline?types=event&order=desc",
		"/v1/timeline?format=timelinejs",
		"/v1/events/e1/timeline",
		"/v1/events/e1/timeline?types=claim&order=desc",
		"/v1/events/e1/timeline?status=confirmed",
		"/v1/events/e1/statements",
		"/v1/events/e1/statements?group_by=claimant",
		"/v1/events/e12/statements?group_by=stance&stance=estimates",
		"/v1/events/e1/statements?from=2019&to=2020",
		"/v1/actors/a7/statements",
		"/v1/actors/a7/statements?include_parts=true",
		"/v1/actors/a7/statements?event=e7",
		"/v1/actors/a7/statements?stance=estimates&from=2018",
		"/v1/disputes",
		"/v1/disputes?event=e1",
		"/v1/disputes?actor=a5&include_parts=true",
		"/v1/disputes?from=2019&to=2019",
		"/v1/search?q=front",
		"/v1/search?q=event%20title&types=event,actor",
		"/v1/search?q=report",
		"/v1/claims?claimant=a7",
		"/v1/claims?claimant=a7&stance=estimates",
		"/v1/claims?event=e7",
		"/v1/claims?source=s7",
		"/v1/claims?stance=denies",
		"/v1/claims?verdict=false",
		"/v1/claims?disputed=true",
		"/v1/claims?from=2019-03&to=2019-04",
		"/v1/claims?claimant=a7&from=2019",
		"/v1/actors?kind=organization",
		"/v1/actors?country=KP",
		"/v1/actors?part_of=a7",
		"/v1/sources?kind=news_article",
		"/v1/sources?publisher=Reuters",
		"/v1/sources?language=en",
		"/v1/events?kind=battle",
		"/v1/events?tag=t7",
		"/v1/events?actor=a7",
		"/v1/events?country=KP",
		"/v1/events?part_of=e20",
		"/v1/events?status=alleged",
		"/v1/events?status=confirmed&from=2019-03",
		"/v1/events?from=2019-03&to=2019-04",
	};
	struct tl_server s;
	static struct plan plans[4096];
	size_t nplans;
	long from;
	int bad = 0;

	(void)unused;
	tl_server_init(&s);
	REQUIRE(tl_server_start(&s, NULL) == 0);
	tl_server_stop(&s);
	REQUIRE(fill_store(s.db));
	setenv("CLAIMLINE_LOG_QUERY_PLANS", "1", 1);
	if (tl_server_start(&s, NULL) != 0) {
		unsetenv("CLAIMLINE_LOG_QUERY_PLANS");
		tl_server_destroy(&s);
		REQUIRE(false);
	}
	unsetenv("CLAIMLINE_LOG_QUERY_PLANS");
	/* The store has what was generated. */
	CHECK_STR(tl_str(tl_get("/v1/claims/c19999")->json, "/id"), "c19999");
	from = file_size(s.err_path);
	for (size_t i = 0; i < N(routes); i++) {
		long long t0 = tl_now_ms();
		struct tl_resp *r = tl_get(routes[i]);
		long long ms = tl_now_ms() - t0;
		size_t n = json_array_size(tl_at(r->json, "/items")) +
			   json_array_size(tl_at(r->json, "/groups")) +
			   json_array_size(tl_at(r->json, "/events"));

		if (!CHECK_STATUS(r, 200))
			continue;
		CHECK(n > 0);
		fprintf(stderr, "  %-60s %3zu entries %5lld ms\n", routes[i], n,
			ms);
		/* The second page too: cursors bind other values. */
		if (json_is_string(tl_at(r->json, "/next_cursor"))) {
			const char *sep = strchr(routes[i], '?') ? "&" : "?";

			CHECK_STATUS(
				tl_get(tl_fmt("%s%scursor=%s", routes[i], sep,
					      tu_esc(tl_str(r->json,
							    "/next_cursor")))),
				200);
		}
	}
	nplans = read_plans(s.err_path, from, plans, N(plans));
	CHECK(nplans > 10);
	for (size_t i = 0; i < nplans; i++) {
		const char *why = NULL;
		char *l = plans[i].lines;

		for (char *nl; l && *l; l = nl ? nl + 1 : NULL) {
			nl = strchr(l, '\n');
			const char *line =
				tl_fmt("%.*s",
				       (int)(nl ? nl - l : (long)strlen(l)), l);

			if (full_scan(line))
				why = tl_fmt("full scan: %s", line);
			else if (rowid_walk(plans[i].sql, line))
				why = tl_fmt("a filtered list walks the whole "
					     "table in seq order: %s",
					     line);
			else if (strstr(line, "USE TEMP B-TREE FOR ORDER BY") &&
				 !sort_ok(plans[i].sql))
				why = "a temporary sort of an unnarrowed input";
			if (why)
				break;
		}
		if (why) {
			bad++;
			tl_fail(__FILE__, __LINE__,
				"%s\n    SQL: %s\n    plan:\n%s", why,
				plans[i].sql, plans[i].lines);
		}
	}
	fprintf(stderr, "  %zu statement plans checked, %d bad\n", nplans, bad);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_read_routes_use_indexes, TL_NO_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
