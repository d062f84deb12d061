/*
 * The benchmark store generator: writes a realistic claimline store
 * (actors with part_of chains, sources, nested events, claims, relations)
 * through the server's own schema and migrations, then fills it with plain
 * SQL in big transactions.  Bodies are the canonical JSON the server
 * writes (every field, declaration order, null when unset), dates carry
 * the date_lo/date_hi/date_prec the server computes (with its own
 * pdate_parse), and the schema's triggers fill the side tables and the
 * full-text index exactly as a write through the API would.
 *
 * It also writes the id lists the wrk scripts draw from (so requests
 * spread over the whole store), and --verify re-checks a sample of rows
 * against the server's own canonicalisation (fields_canonical) and quote
 * matching.
 *
 *   bench-gen --db PATH --lists DIR [--claims N] [--seed S]
 *   bench-gen --db PATH --verify N
 *   bench-gen --db PATH --ndjson FILE   (the store as import NDJSON)
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/clock.h"
#include "common/pdate.h"
#include "common/quote.h"
#include "handlers/fields.h"
#include "handlers/resource.h"
#include "store/store.h"

/* ---- random numbers: xorshift64* ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

/* Uniform in [0, n). */
static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static double rnd_unit(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static bool chance(double p)
{
	return rnd_unit() < p;
}

/* Skewed toward 0: a few values are common, most are rare. */
static uint64_t rnd_skewed(uint64_t n, double power)
{
	uint64_t v = (uint64_t)((double)n * pow(rnd_unit(), power));
	return v < n ? v : n - 1;
}

/* ---- growable text buffer with JSON helpers ---- */

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_grow(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		fprintf(stderr, "bench-gen: out of memory\n");
		exit(1);
	}
	b->p = p;
	b->cap = cap;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_grow(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

static void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* A JSON string as jansson's compact dump writes it. */
static void json_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		switch (*p) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04X", *p);
				buf_add(b, esc, 6);
			} else {
				buf_add(b, (const char *)p, 1);
			}
		}
	}
	buf_add(b, "\"", 1);
}

/* "key":"value" or "key":null, with a leading comma unless first. */
static void json_kv(struct buf *b, bool first, const char *key, const char *v)
{
	if (!first)
		buf_add(b, ",", 1);
	json_str(b, key);
	buf_add(b, ":", 1);
	if (v)
		json_str(b, v);
	else
		buf_add(b, "null", 4);
}

static void json_key(struct buf *b, bool first, const char *key)
{
	if (!first)
		buf_add(b, ",", 1);
	json_str(b, key);
	buf_add(b, ":", 1);
}

/* ---- words ---- */

static const char *const base_words[] = {
	"troops",
	"border",
	"ministry",
	"government",
	"forces",
	"attack",
	"ceasefire",
	"agreement",
	"talks",
	"sanctions",
	"region",
	"military",
	"statement",
	"officials",
	"reported",
	"according",
	"security",
	"operation",
	"president",
	"minister",
	"spokesperson",
	"conflict",
	"election",
	"parliament",
	"protest",
	"casualties",
	"civilians",
	"drone",
	"missile",
	"artillery",
	"supply",
	"convoy",
	"embassy",
	"delegation",
	"summit",
	"treaty",
	"deployment",
	"withdrawal",
	"offensive",
	"defence",
	"intelligence",
	"report",
	"investigation",
	"evidence",
	"witnesses",
	"humanitarian",
	"aid",
	"corridor",
	"refugees",
	"economy",
	"inflation",
	"budget",
	"exports",
	"energy",
	"pipeline",
	"grain",
	"shipping",
	"port",
	"airport",
	"bridge",
	"village",
	"city",
	"capital",
	"province",
	"district",
	"coast",
	"river",
	"mountain",
	"the",
	"of",
	"and",
	"in",
	"to",
	"a",
	"that",
	"was",
	"were",
	"said",
	"has",
	"have",
	"had",
	"not",
	"by",
	"on",
	"for",
	"with",
	"at",
	"from",
	"this",
	"its",
	"their",
	"which",
	"after",
	"before",
	"during",
	"about",
	"more",
	"than",
	"over",
	"under",
	"against",
	"between",
	"new",
	"first",
	"last",
	"several",
	"many",
	"no",
	"all",
	"some",
	"confirmed",
	"denied",
	"claimed",
	"announced",
	"rejected",
	"warned",
	"condemned",
	"estimated",
	"accused",
	"promised",
	"declined",
	"thousand",
	"hundred",
	"million",
	"soldiers",
	"vessels",
	"aircraft",
	"weapons",
	"ammunition",
	"fuel",
	"food",
	"water",
	"power",
	"grid",
	"hospital",
	"school",
	"market",
	"factory",
	"headquarters",
	"base",
	"unit",
	"brigade",
	"battalion",
	"division",
	"command",
	"navy",
	"army",
	"air",
	"force",
	"police",
	"court",
	"judge",
	"law",
	"decree",
	"vote",
	"referendum",
	"coalition",
	"opposition",
	"party",
	"leader",
	"journalist",
	"newspaper",
	"broadcast",
	"agency",
	"source",
	"media",
	"satellite",
	"images",
	"video",
	"footage",
	"documents",
	"leaked",
	"negotiations",
	"mediators",
	"proposal",
	"framework",
	"deadline",
	"week",
	"month",
	"year",
	"morning",
	"night",
	"yesterday",
	"today",
	"largely",
	"completely",
	"partially",
	"officially",
	"reportedly",
	"unverified",
	"independent",
	"international",
	"regional",
	"local",
	"northern",
	"southern",
	"eastern",
	"western",
	"central",
	"strategic",
};
#define NBASE (sizeof(base_words) / sizeof(base_words[0]))

static const char *const syllables[] = {
	"ka", "lo",  "mir", "tan", "vo",  "rek", "sa", "din", "pol", "gru",
	"ne", "zha", "tor", "bel", "kov", "ar",	 "is", "ten", "mal", "or",
	"qu", "ves", "lin", "dra", "gos", "ur",	 "pe", "chi", "nov", "sk",
};
#define NSYL (sizeof(syllables) / sizeof(syllables[0]))

#define NWORDS 6000
static char *words[NWORDS]; /* base words first, then made-up ones */

static void words_init(void)
{
	uint64_t saved = rng_state;
	rng_state = 0x1234567887654321ull;
	for (size_t i = 0; i < NWORDS; i++) {
		if (i < NBASE) {
			words[i] = strdup(base_words[i]);
			continue;
		}
		char w[32] = "";
		int n = 2 + (int)rnd_below(3);
		for (int k = 0; k < n; k++)
			strcat(w, syllables[rnd_below(NSYL)]);
		/* every made-up word unique: a suffix from its index */
		snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s",
			 syllables[i % NSYL]);
		words[i] = strdup(w);
	}
	rng_state = saved;
}

/* Zipf-like: common words far more often than rare ones. */
static const char *word(void)
{
	return words[rnd_skewed(NWORDS, 3.0)];
}

/* Words up to about `target` characters; a sentence when `sentence`. */
static void words_text(struct buf *b, size_t target, bool sentence)
{
	size_t start = b->len;
	bool first = true;
	while (b->len - start < target) {
		if (!first && chance(0.06))
			buf_add(b, ", ", 2);
		else if (!first)
			buf_add(b, " ", 1);
		const char *w = word();
		if (chance(0.03)) {
			buf_fmt(b, "%u", (unsigned)rnd_below(20000));
		} else if (first && sentence) {
			char cap[64];
			snprintf(cap, sizeof(cap), "%s", w);
			cap[0] = (char)(cap[0] >= 'a' && cap[0] <= 'z'
						? cap[0] - 32
						: cap[0]);
			buf_str(b, cap);
		} else {
			buf_str(b, w);
		}
		first = false;
	}
	if (sentence)
		buf_add(b, ".", 1);
}

/* ---- ids ---- */

static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* prefix-xxxxxx<index base 36>: random-looking, unique, valid. */
static void make_id(char *out, size_t outsz, const char *prefix, uint64_t i)
{
	char tail[16];
	int n = 0;
	uint64_t v = i;
	do {
		tail[n++] = b36[v % 36];
		v /= 36;
	} while (v);
	char head[7];
	uint64_t h = (i + 1) * 0x9e3779b97f4a7c15ull;
	h ^= h >> 29;
	for (int k = 0; k < 6; k++) {
		head[k] = b36[h % 36];
		h /= 36;
	}
	head[6] = '\0';
	size_t o = (size_t)snprintf(out, outsz, "%s-%s", prefix, head);
	while (n > 0 && o + 1 < outsz)
		out[o++] = tail[--n];
	out[o] = '\0';
}

/* ---- dates ---- */

/* Days since 1970-01-01 to y-m-d (proleptic Gregorian). */
static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

#define DAY0 9131  /* 1995-01-01 */
#define DAYS 11315 /* to 2025-12-31 */

/* Writes a partial date for `day` at a random precision; weights are
 * year, month, day, time. */
static void make_date(char *out, size_t outsz, int64_t day, const double w[4])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	double u = rnd_unit();
	if (u < w[0]) {
		snprintf(out, outsz, "%04d", y);
	} else if (u < w[0] + w[1]) {
		snprintf(out, outsz, "%04d-%02d", y, m);
	} else if (u < w[0] + w[1] + w[2]) {
		snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
	} else {
		int hh = (int)rnd_below(24), mm = (int)rnd_below(60),
		    ss = (int)rnd_below(60);
		static const char *const offs[] = {
			"Z", "Z", "+03:00", "+09:00", "-05:00", "+01:00"};
		snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d,
			 hh, mm, ss, offs[rnd_below(6)]);
	}
}

static struct pdate parse_date(const char *s)
{
	struct pdate p;
	const char *why = "";
	if (pdate_parse(s, strlen(s), &p, &why) != 0) {
		fprintf(stderr, "bench-gen: bad generated date %s: %s\n", s,
			why);
		exit(1);
	}
	return p;
}

/* ---- SQLite ---- */

static sqlite3 *db;

static void die_sql(const char *what)
{
	fprintf(stderr, "bench-gen: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench-gen: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die_sql(sql);
	return s;
}

static void step_done(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die_sql(sqlite3_sql(s));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static const char *INSERT_SQL(const char *t)
{
	static char sql[512];
	snprintf(
		sql, sizeof(sql),
		"INSERT INTO %s (seq, id, body, computed, version, created_at, "
		"updated_at, date_lo, date_hi, date_prec) VALUES (?1, ?2, ?3, "
		"?4, 1, ?5, ?5, ?6, ?7, ?8)",
		t);
	return sql;
}

static void insert_row(sqlite3_stmt *s, int64_t seq, const char *id,
		       const char *body, const char *computed, const char *now,
		       const struct pdate *span)
{
	sqlite3_bind_int64(s, 1, seq);
	bind_text(s, 2, id);
	sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
	bind_text(s, 4, computed);
	bind_text(s, 5, now);
	if (span) {
		sqlite3_bind_int64(s, 6, span->lo_ms);
		sqlite3_bind_int64(s, 7, span->hi_ms);
		sqlite3_bind_int64(s, 8, span->precision);
	}
	step_done(s);
}

#define BATCH 50000

static void batch_tick(int64_t i)
{
	if (i > 0 && i % BATCH == 0) {
		exec("COMMIT");
		exec("BEGIN");
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the model ---- */

static const char *const countries[] = {
	"RU", "UA", "KP", "KR", "US", "CN", "JP", "DE", "FR", "GB", "PL", "TR",
	"IR", "IL", "PS", "SY", "IQ", "SA", "EG", "IN", "PK", "AF", "BY", "GE",
	"AM", "AZ", "KZ", "RS", "HU", "RO", "MD", "LT", "LV", "EE", "FI", "SE",
	"NO", "IT", "ES", "PT", "NL", "BE", "CH", "AT", "CZ", "SK", "BG", "GR",
	"BR", "AR", "MX", "CA", "AU", "NZ", "ZA", "NG", "ET", "SD", "LY", "YE",
};
#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

static const char *const actor_kinds[] = {
	"state",  "government", "military", "organization",
	"person", "media",	"group",    "unknown",
};
static const char *const source_kinds[] = {
	"news_article", "official_statement", "report", "social_media", "other",
};
static const char *const event_kinds[] = {
	"agreement",  "deployment", "military_operation", "statement", "report",
	"diplomatic", "other",	    "election",		  "protest",   "attack",
};
static const char *const stances[] = {
	"asserts", "denies", "estimates", "condemns", "withholds",
};
static const double stance_w[] = {0.62, 0.14, 0.10, 0.10, 0.04};
static const char *const verdicts[] = {
	"true", "mostly_true", "mixed", "mostly_false", "false", "unverifiable",
};
static const char *const roles[] = {
	"signatory", "party", "deployed troops", "opposing force",
	"mediator",  "host",  "observer",	 "target",
	"organizer", NULL,
};
static const char *const units[] = {
	"troops", "casualties", "people", "vessels", "drones", "USD", "tonnes",
};

struct gen_sizes {
	int64_t claims, events, actors, sources;
};

struct actor_info {
	char id[40];
	int depth;
};
struct event_info {
	char id[40];
	int level;
	int64_t day;	    /* start day */
	int64_t parent;	    /* index or -1 */
	int64_t last_claim; /* seq of the last claim about it, or 0 */
};
struct source_info {
	char id[40];
	char *text; /* NULL when the source has none */
};

static struct actor_info *actors;
static struct event_info *events;
static struct source_info *sources;

static void title_case_words(struct buf *b, int n)
{
	for (int k = 0; k < n; k++) {
		const char *w = words[rnd_skewed(NWORDS, 1.6)];
		if (k)
			buf_add(b, " ", 1);
		char cap[64];
		snprintf(cap, sizeof(cap), "%s", w);
		if (cap[0] >= 'a' && cap[0] <= 'z')
			cap[0] = (char)(cap[0] - 32);
		buf_str(b, cap);
	}
}

static void gen_actors(const struct gen_sizes *z, const char *now)
{
	sqlite3_stmt *s = prep(INSERT_SQL("actors"));
	struct buf body = {0}, name = {0}, desc = {0};
	int64_t nstates = z->actors / 50 > 0 ? z->actors / 50 : 1;
	exec("BEGIN");
	for (int64_t i = 0; i < z->actors; i++) {
		struct actor_info *a = &actors[i];
		make_id(a->id, sizeof(a->id), "act", (uint64_t)i);
		/* States first; then each actor part of an earlier one, so
		 * chains run state > government > ministry > person. */
		int64_t parent = -1;
		const char *kind;
		if (i < nstates) {
			kind = "state";
			a->depth = 0;
		} else {
			if (!chance(0.15)) {
				for (int tries = 0; tries < 8; tries++) {
					int64_t p =
						(int64_t)rnd_below((uint64_t)i);
					if (actors[p].depth < 4) {
						parent = p;
						break;
					}
				}
			}
			a->depth = parent >= 0 ? actors[parent].depth + 1 : 0;
			kind = actor_kinds[1 + rnd_below(7)];
		}
		buf_reset(&name);
		title_case_words(&name, 1 + (int)rnd_below(3));
		buf_reset(&body);
		buf_add(&body, "{", 1);
		json_kv(&body, true, "name", name.p);
		json_kv(&body, false, "kind", kind);
		json_kv(&body, false, "country",
			chance(0.85) ? countries[i % NCOUNTRIES] : NULL);
		json_kv(&body, false, "part_of",
			parent >= 0 ? actors[parent].id : NULL);
		json_key(&body, false, "aliases");
		buf_add(&body, "[", 1);
		int na = chance(0.4) ? 1 + (int)rnd_below(2) : 0;
		for (int k = 0; k < na; k++) {
			buf_reset(&name);
			title_case_words(&name, 2 + (int)rnd_below(3));
			if (k)
				buf_add(&body, ",", 1);
			json_str(&body, name.p);
		}
		buf_add(&body, "]", 1);
		buf_reset(&desc);
		if (chance(0.5))
			words_text(&desc, 60 + rnd_below(200), true);
		json_kv(&body, false, "description", desc.len ? desc.p : NULL);
		buf_add(&body, "}", 1);
		insert_row(s, i + 1, a->id, body.p, NULL, now, NULL);
		batch_tick(i + 1);
	}
	exec("COMMIT");
	sqlite3_finalize(s);
	free(body.p);
	free(name.p);
	free(desc.p);
}

static const double source_date_w[4] = {0.05, 0.15, 0.70, 0.10};

static void gen_sources(const struct gen_sizes *z, const char *now)
{
	sqlite3_stmt *s = prep(INSERT_SQL("sources"));
	struct buf body = {0}, title = {0}, text = {0}, url = {0};
	exec("BEGIN");
	for (int64_t i = 0; i < z->sources; i++) {
		struct source_info *src = &sources[i];
		make_id(src->id, sizeof(src->id), "src", (uint64_t)i);
		char published[40] = "";
		bool dated = chance(0.95);
		if (dated)
			make_date(published, sizeof(published),
				  DAY0 + (int64_t)rnd_below(DAYS),
				  source_date_w);
		buf_reset(&title);
		words_text(&title, 30 + rnd_below(60), true);
		buf_reset(&text);
		src->text = NULL;
		if (chance(0.10)) {
			for (int p = 0, np = 3 + (int)rnd_below(6); p < np;
			     p++) {
				if (p)
					buf_add(&text, " ", 1);
				words_text(&text, 150 + rnd_below(250), true);
			}
			src->text = strdup(text.p);
		}
		int pub = (int)rnd_skewed(300, 1.5);
		buf_reset(&url);
		buf_fmt(&url, "https://www.publisher%d.example/news/%s", pub,
			src->id);
		char publisher[64];
		snprintf(publisher, sizeof(publisher), "Publisher %d", pub);
		buf_reset(&body);
		buf_add(&body, "{", 1);
		json_kv(&body, true, "title", title.p);
		json_kv(&body, false, "url", chance(0.9) ? url.p : NULL);
		json_kv(&body, false, "publisher",
			chance(0.9) ? publisher : NULL);
		json_kv(&body, false, "published", dated ? published : NULL);
		json_kv(&body, false, "kind", source_kinds[rnd_skewed(5, 2.0)]);
		json_kv(&body, false, "language", chance(0.8) ? "en" : NULL);
		json_kv(&body, false, "text", src->text);
		buf_add(&body, "}", 1);
		struct pdate span;
		if (dated)
			span = parse_date(published);
		insert_row(s, i + 1, src->id, body.p, NULL, now,
			   dated ? &span : NULL);
		batch_tick(i + 1);
	}
	exec("COMMIT");
	sqlite3_finalize(s);
	free(body.p);
	free(title.p);
	free(text.p);
	free(url.p);
}

static const double event_date_w[4] = {0.10, 0.30, 0.55, 0.05};

static void gen_events(const struct gen_sizes *z, const char *now)
{
	sqlite3_stmt *s = prep(INSERT_SQL("events"));
	struct buf body = {0}, title = {0}, desc = {0};
	int64_t *open = malloc(sizeof(*open) * (size_t)z->events);
	int64_t nopen = 0;
	exec("BEGIN");
	for (int64_t i = 0; i < z->events; i++) {
		struct event_info *e = &events[i];
		make_id(e->id, sizeof(e->id), "evt", (uint64_t)i);
		e->parent = -1;
		e->last_claim = 0;
		/* Nested up to 4 levels: a sub-event of one at level 0..2. */
		if (nopen > 0 && !chance(0.35))
			e->parent = open[rnd_below((uint64_t)nopen)];
		e->level = e->parent >= 0 ? events[e->parent].level + 1 : 0;
		e->day = e->parent >= 0 ? events[e->parent].day +
						  (int64_t)rnd_below(120)
					: DAY0 + (int64_t)rnd_below(DAYS);
		if (e->level < 3)
			open[nopen++] = i;
		char start[40], end[40] = "";
		make_date(start, sizeof(start), e->day, event_date_w);
		struct pdate span = parse_date(start);
		if (chance(0.3)) {
			int64_t eday = e->day + 1 + (int64_t)rnd_below(400);
			static const double end_w[4] = {0.0, 0.3, 0.7, 0.0};
			make_date(end, sizeof(end), eday, end_w);
			struct pdate ep = parse_date(end);
			if (ep.hi_ms <= span.lo_ms)
				end[0] = '\0'; /* never before the start */
			else if (ep.hi_ms > span.hi_ms)
				span.hi_ms = ep.hi_ms;
		}
		buf_reset(&title);
		words_text(&title, 25 + rnd_below(50), true);
		buf_reset(&desc);
		if (chance(0.6))
			words_text(&desc, 80 + rnd_below(300), true);
		buf_reset(&body);
		buf_add(&body, "{", 1);
		json_kv(&body, true, "title", title.p);
		json_kv(&body, false, "kind", event_kinds[rnd_skewed(10, 1.5)]);
		json_kv(&body, false, "start", start);
		json_kv(&body, false, "end", end[0] ? end : NULL);
		json_key(&body, false, "location");
		if (chance(0.6)) {
			char place[80];
			snprintf(place, sizeof(place), "%s",
				 words[rnd_below(NWORDS)]);
			place[0] = (char)(place[0] >= 'a' && place[0] <= 'z'
						  ? place[0] - 32
						  : place[0]);
			buf_add(&body, "{", 1);
			json_kv(&body, true, "name", place);
			json_kv(&body, false, "country",
				chance(0.8) ? countries[rnd_below(NCOUNTRIES)]
					    : NULL);
			buf_add(&body, "}", 1);
		} else {
			buf_add(&body, "null", 4);
		}
		json_kv(&body, false, "part_of",
			e->parent >= 0 ? events[e->parent].id : NULL);
		json_key(&body, false, "participants");
		buf_add(&body, "[", 1);
		int np = (int)rnd_below(5);
		int64_t seen[4];
		int nseen = 0;
		for (int k = 0; k < np; k++) {
			int64_t a =
				(int64_t)rnd_skewed((uint64_t)z->actors, 2.0);
			bool dup = false;
			for (int q = 0; q < nseen; q++)
				dup = dup || seen[q] == a;
			if (dup)
				continue;
			seen[nseen++] = a;
			if (nseen > 1)
				buf_add(&body, ",", 1);
			buf_add(&body, "{", 1);
			json_kv(&body, true, "actor", actors[a].id);
			json_kv(&body, false, "role", roles[rnd_below(10)]);
			buf_add(&body, "}", 1);
		}
		buf_add(&body, "]", 1);
		json_key(&body, false, "tags");
		buf_add(&body, "[", 1);
		int nt = (int)rnd_below(5);
		int tseen[4], ntseen = 0;
		for (int k = 0; k < nt; k++) {
			int t = (int)rnd_skewed(500, 1.8);
			bool dup = false;
			for (int q = 0; q < ntseen; q++)
				dup = dup || tseen[q] == t;
			if (dup)
				continue;
			tseen[ntseen++] = t;
			if (ntseen > 1)
				buf_add(&body, ",", 1);
			json_str(&body, words[t]);
		}
		buf_add(&body, "]", 1);
		json_kv(&body, false, "description", desc.len ? desc.p : NULL);
		buf_add(&body, "}", 1);
		insert_row(s, i + 1, e->id, body.p, NULL, now, &span);
		batch_tick(i + 1);
	}
	exec("COMMIT");
	sqlite3_finalize(s);
	free(open);
	free(body.p);
	free(title.p);
	free(desc.p);
}

static const double claim_date_w[4] = {0.05, 0.15, 0.60, 0.20};

struct relation {
	int64_t a, b;
	bool supports;
};

static void gen_claims(const struct gen_sizes *z, const char *now,
		       FILE *claim_list)
{
	sqlite3_stmt *s = prep(INSERT_SQL("claims"));
	struct buf body = {0}, text = {0}, quote = {0}, computed = {0};
	size_t rcap = (size_t)(z->claims / 30 + 16), nrel = 0;
	struct relation *rels = malloc(rcap * sizeof(*rels));
	int64_t prominent = z->actors < 100 ? z->actors : 100;
	/* Sources that have a text, for verified quotes. */
	int64_t *texted = malloc(sizeof(*texted) * (size_t)z->sources);
	int64_t ntexted = 0;
	for (int64_t i = 0; i < z->sources; i++)
		if (sources[i].text)
			texted[ntexted++] = i;
	exec("BEGIN");
	for (int64_t i = 0; i < z->claims; i++) {
		int64_t seq = i + 1;
		char id[40];
		make_id(id, sizeof(id), "clm", (uint64_t)i);
		if (claim_list &&
		    rnd_below((uint64_t)(z->claims / 100000 + 1)) == 0)
			fprintf(claim_list, "%s\n", id);
		int64_t claimant =
			chance(0.2) ? (int64_t)rnd_below((uint64_t)prominent)
				    : (int64_t)rnd_below((uint64_t)z->actors);
		/* 1-3 events, often a parent and its sub-event. */
		int64_t ev[3];
		int nev = 1 + (int)rnd_skewed(3, 1.7);
		ev[0] = (int64_t)rnd_below((uint64_t)z->events);
		int got = 1;
		for (int k = 1; k < nev; k++) {
			int64_t c = chance(0.5) && events[ev[0]].parent >= 0
					    ? events[ev[0]].parent
					    : (int64_t)rnd_below(
						      (uint64_t)z->events);
			bool dup = false;
			for (int q = 0; q < got; q++)
				dup = dup || ev[q] == c;
			if (!dup)
				ev[got++] = c;
		}
		nev = got;
		char stated[40] = "";
		if (chance(0.9))
			make_date(stated, sizeof(stated),
				  events[ev[0]].day + (int64_t)rnd_below(90),
				  claim_date_w);
		/* Undated claims are dated by their source. */
		bool has_quote = chance(0.10);
		int64_t src = -1;
		if (!stated[0] || chance(0.85)) {
			if (has_quote && ntexted && chance(0.6))
				src = texted[rnd_below((uint64_t)ntexted)];
			else
				src = (int64_t)rnd_below((uint64_t)z->sources);
		}
		buf_reset(&text);
		words_text(&text, 100 + rnd_below(200), true);
		buf_reset(&quote);
		buf_reset(&computed);
		if (has_quote && src >= 0 && sources[src].text) {
			/* A verbatim run of the source's words; its first
			 * occurrence gives the span (ASCII: bytes are code
			 * points). */
			const char *t = sources[src].text;
			size_t tl = strlen(t);
			size_t at = (size_t)rnd_below(tl / 2);
			while (at > 0 && t[at - 1] != ' ')
				at--;
			size_t len = 40 + (size_t)rnd_below(120);
			if (at + len > tl)
				len = tl - at;
			while (len > 0 && t[at + len - 1] == ' ')
				len--;
			buf_add(&quote, t + at, len);
			const char *first = strstr(t, quote.p);
			buf_fmt(&computed,
				"{\"quote_span\":{\"start\":%zu,\"end\":%zu}}",
				(size_t)(first - t), (size_t)(first - t) + len);
		} else if (has_quote) {
			words_text(&quote, 40 + rnd_below(100), false);
		}
		double u = rnd_unit(), acc = 0;
		const char *stance = stances[0];
		for (int k = 0; k < 5; k++) {
			acc += stance_w[k];
			if (u < acc) {
				stance = stances[k];
				break;
			}
		}
		buf_reset(&body);
		buf_add(&body, "{", 1);
		json_kv(&body, true, "claimant", actors[claimant].id);
		json_key(&body, false, "events");
		buf_add(&body, "[", 1);
		for (int k = 0; k < nev; k++) {
			if (k)
				buf_add(&body, ",", 1);
			json_str(&body, events[ev[k]].id);
		}
		buf_add(&body, "]", 1);
		json_kv(&body, false, "stated", stated[0] ? stated : NULL);
		json_kv(&body, false, "stance", stance);
		json_kv(&body, false, "text", text.p);
		json_kv(&body, false, "quote", quote.len ? quote.p : NULL);
		json_kv(&body, false, "source",
			src >= 0 ? sources[src].id : NULL);
		json_kv(&body, false, "via",
			chance(0.1) ? actors[rnd_below((uint64_t)z->actors)].id
				    : NULL);
		json_key(&body, false, "quantity");
		if (chance(0.05)) {
			unsigned v = 100 + (unsigned)rnd_below(20000);
			bool bounds = chance(0.5);
			buf_fmt(&body, "{\"value\":%u,\"low\":", v);
			if (bounds)
				buf_fmt(&body, "%u", v - v / 10);
			else
				buf_str(&body, "null");
			buf_str(&body, ",\"high\":");
			if (bounds)
				buf_fmt(&body, "%u", v + v / 10);
			else
				buf_str(&body, "null");
			buf_str(&body, ",\"unit\":");
			json_str(&body, units[rnd_below(7)]);
			buf_str(&body, chance(0.5) ? ",\"approximate\":true}"
						   : ",\"approximate\":null}");
		} else {
			buf_add(&body, "null", 4);
		}
		json_kv(&body, false, "verdict",
			chance(0.2) ? verdicts[rnd_below(6)] : NULL);
		buf_add(&body, "}", 1);
		struct pdate span;
		if (stated[0])
			span = parse_date(stated);
		insert_row(s, seq, id, body.p, computed.len ? computed.p : NULL,
			   now, stated[0] ? &span : NULL);
		/* ~5% of claims disputed: contradict an earlier claim about
		 * the same event; a few support one. */
		struct event_info *e0 = &events[ev[0]];
		if (e0->last_claim && nrel < rcap) {
			if (chance(0.03))
				rels[nrel++] = (struct relation){e0->last_claim,
								 seq, false};
			else if (chance(0.01))
				rels[nrel++] = (struct relation){e0->last_claim,
								 seq, true};
		}
		e0->last_claim = seq;
		batch_tick(seq);
	}
	exec("COMMIT");
	sqlite3_finalize(s);

	s = prep(
		"INSERT OR IGNORE INTO relations (seq, id, type, from_seq, "
		"to_seq, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	exec("BEGIN");
	for (size_t i = 0; i < nrel; i++) {
		char id[40];
		make_id(id, sizeof(id), "rel", (uint64_t)i);
		sqlite3_bind_int64(s, 1, (int64_t)i + 1);
		bind_text(s, 2, id);
		bind_text(s, 3, rels[i].supports ? "supports" : "contradicts");
		sqlite3_bind_int64(s, 4, rels[i].a);
		sqlite3_bind_int64(s, 5, rels[i].b);
		buf_reset(&text);
		if (chance(0.5))
			words_text(&text, 40 + rnd_below(120), true);
		bind_text(s, 6, text.len ? text.p : NULL);
		bind_text(s, 7, now);
		step_done(s);
	}
	exec("COMMIT");
	sqlite3_finalize(s);
	free(rels);
	free(texted);
	free(body.p);
	free(text.p);
	free(quote.p);
	free(computed.p);
}

/* When the schema keeps history (a revisions table), a store written
 * through the API has one "create" revision per resource: add them the
 * way the migration backfills a store that predates history. */
static void fill_revisions(void)
{
	sqlite3_stmt *s = prep("SELECT 1 FROM sqlite_master WHERE type = "
			       "'table' AND name = 'revisions'");
	bool has = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!has)
		return;
	static const char *const kinds[][2] = {
		{"actor", "actors"},
		{"source", "sources"},
		{"event", "events"},
		{"claim", "claims"},
	};
	exec("BEGIN");
	for (size_t i = 0; i < 4; i++) {
		char sql[512];
		snprintf(
			sql, sizeof(sql),
			"INSERT INTO revisions (type, id, op, version, at, body) "
			"SELECT '%s', id, 'create', version, updated_at, "
			"json_patch(json_object('id', id), body) FROM %s "
			"ORDER BY seq",
			kinds[i][0], kinds[i][1]);
		exec(sql);
	}
	exec("COMMIT");
}

/* ---- lists for the wrk scripts ---- */

static FILE *open_list(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

/* Search words of middling frequency: each in roughly 0.02%..0.5% of
 * claims, read off the full-text index's vocabulary. */
static void write_search_words(FILE *f, int64_t nclaims)
{
	exec("CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, "
	     "'search', 'row')");
	sqlite3_stmt *s = prep("SELECT term FROM temp.search_vocab WHERE doc "
			       "BETWEEN ?1 AND ?2 AND term GLOB '[a-z]*' "
			       "ORDER BY doc DESC LIMIT 400");
	sqlite3_bind_int64(s, 1, nclaims / 5000 + 1);
	sqlite3_bind_int64(s, 2, nclaims / 200 + 2);
	while (sqlite3_step(s) == SQLITE_ROW)
		fprintf(f, "%s\n", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	exec("DROP TABLE temp.search_vocab");
}

static void write_lists(const char *dir, const struct gen_sizes *z)
{
	FILE *f = open_list(dir, "actors.txt");
	/* Actors with at least one claim, so statement pages have items. */
	sqlite3_stmt *s = prep("SELECT DISTINCT claimant FROM claims");
	while (sqlite3_step(s) == SQLITE_ROW)
		fprintf(f, "%s\n", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	fclose(f);
	f = open_list(dir, "events.txt");
	for (int64_t i = 0; i < z->events; i++)
		fprintf(f, "%s\n", events[i].id);
	fclose(f);
	f = open_list(dir, "sources.txt");
	for (int64_t i = 0; i < z->sources; i++)
		fprintf(f, "%s\n", sources[i].id);
	fclose(f);
	f = open_list(dir, "words.txt");
	write_search_words(f, z->claims);
	fclose(f);
}

/* ---- --verify: sample rows against the server's own code ---- */

static int verify_table(const struct resource *res, const char *table,
			int64_t n)
{
	char sql[512];
	snprintf(
		sql, sizeof(sql),
		"SELECT id, body, computed, date_lo, date_hi, date_prec FROM %s "
		"WHERE seq IN (SELECT seq FROM %s ORDER BY random() LIMIT %" PRId64
		")",
		table, table, n);
	sqlite3_stmt *s = prep(sql);
	int bad = 0, seen = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		seen++;
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *body = (const char *)sqlite3_column_text(s, 1);
		json_error_t jerr;
		json_t *input = json_loads(body, 0, &jerr);
		if (!input) {
			fprintf(stderr, "verify: %s %s: not JSON\n", table, id);
			bad++;
			continue;
		}
		json_object_set_new(input, "id", json_string(id));
		json_t *errors = json_array();
		const char *gid = NULL;
		json_t *doc = fields_canonical(res, input, errors, &gid);
		char *again = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		if (json_array_size(errors) || !again ||
		    strcmp(again, body) != 0) {
			char *e = json_dumps(errors, JSON_COMPACT);
			fprintf(stderr,
				"verify: %s %s not canonical: %s\n  stored %s\n"
				"  server %s\n",
				table, id, e, body, again ? again : "(none)");
			free(e);
			bad++;
		}
		/* Dates: as resource.c computes them. */
		if (res->date_field) {
			const char *d = json_string_value(
				json_object_get(doc, res->date_field));
			if (d) {
				struct pdate p = parse_date(d);
				const char *e =
					res->end_field
						? json_string_value(
							  json_object_get(
								  doc,
								  res->end_field))
						: NULL;
				if (e) {
					struct pdate ep = parse_date(e);
					if (ep.hi_ms > p.hi_ms)
						p.hi_ms = ep.hi_ms;
				}
				if (sqlite3_column_int64(s, 3) != p.lo_ms ||
				    sqlite3_column_int64(s, 4) != p.hi_ms ||
				    sqlite3_column_int64(s, 5) != p.precision) {
					fprintf(stderr,
						"verify: %s %s: dates\n", table,
						id);
					bad++;
				}
			}
		}
		free(again);
		json_decref(doc);
		json_decref(errors);
		json_decref(input);
	}
	sqlite3_finalize(s);
	fprintf(stderr, "verify: %s: %d rows, %d bad\n", table, seen, bad);
	return bad;
}

static int verify_quotes(int64_t n)
{
	char sql[512];
	snprintf(
		sql, sizeof(sql),
		"SELECT c.id, json_extract(c.body, '$.quote'), c.computed, "
		"json_extract(s.body, '$.text') FROM claims AS c JOIN sources "
		"AS s ON s.id = c.source WHERE c.computed IS NOT NULL LIMIT %" PRId64,
		n);
	sqlite3_stmt *s = prep(sql);
	int bad = 0, seen = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		seen++;
		size_t a = 0, b = 0;
		const char *q = (const char *)sqlite3_column_text(s, 1);
		const char *t = (const char *)sqlite3_column_text(s, 3);
		char want[128];
		if (t && q && quote_find(t, q, &a, &b) == 1)
			snprintf(want, sizeof(want),
				 "{\"quote_span\":{\"start\":%zu,\"end\":%zu}}",
				 a, b);
		else
			snprintf(want, sizeof(want), "(not found)");
		if (strcmp(want, (const char *)sqlite3_column_text(s, 2)) !=
		    0) {
			fprintf(stderr,
				"verify: claim %s: span %s, server says %s\n",
				sqlite3_column_text(s, 0),
				sqlite3_column_text(s, 2), want);
			bad++;
		}
	}
	sqlite3_finalize(s);
	fprintf(stderr, "verify: quote spans: %d rows, %d bad\n", seen, bad);
	return bad;
}

/* ---- --ndjson: the store in the import format ---- */

static void ndjson_table(FILE *out, const char *type, const char *table)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT id, body FROM %s ORDER BY seq",
		 table);
	sqlite3_stmt *s = prep(sql);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(s, 1);
		fprintf(out, "{\"type\":\"%s\",\"id\":\"%s\",%s\n", type,
			sqlite3_column_text(s, 0), body + 1);
	}
	sqlite3_finalize(s);
}

static void write_ndjson(const char *path)
{
	FILE *out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "bench-gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	ndjson_table(out, "actor", "actors");
	ndjson_table(out, "source", "sources");
	ndjson_table(out, "event", "events");
	ndjson_table(out, "claim", "claims");
	sqlite3_stmt *s = prep(
		"SELECT r.id, a.id, r.type, b.id, r.note FROM relations AS r "
		"JOIN claims AS a ON a.seq = r.from_seq JOIN claims AS b ON "
		"b.seq = r.to_seq ORDER BY r.seq");
	struct buf line = {0};
	while (sqlite3_step(s) == SQLITE_ROW) {
		buf_reset(&line);
		buf_str(&line, "{\"type\":\"relation\"");
		json_kv(&line, false, "id",
			(const char *)sqlite3_column_text(s, 0));
		json_kv(&line, false, "from",
			(const char *)sqlite3_column_text(s, 1));
		json_kv(&line, false, "relation",
			(const char *)sqlite3_column_text(s, 2));
		json_kv(&line, false, "to",
			(const char *)sqlite3_column_text(s, 3));
		json_kv(&line, false, "note",
			(const char *)sqlite3_column_text(s, 4));
		buf_str(&line, "}\n");
		fputs(line.p, out);
	}
	sqlite3_finalize(s);
	free(line.p);
	fclose(out);
}

/* ---- main ---- */

static void usage(void)
{
	fputs("usage: bench-gen --db PATH --lists DIR [--claims N] [--seed S]\n"
	      "       bench-gen --db PATH --verify N\n"
	      "       bench-gen --db PATH --ndjson FILE\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *lists = NULL, *ndjson = NULL;
	int64_t nclaims = 1000000, verify = 0;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--db") == 0)
			path = argv[++i];
		else if (strcmp(argv[i], "--lists") == 0)
			lists = argv[++i];
		else if (strcmp(argv[i], "--claims") == 0)
			nclaims = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0)
			rng_state ^= strtoull(argv[++i], NULL, 10) *
				     0x2545F4914F6CDD1Dull;
		else if (strcmp(argv[i], "--verify") == 0)
			verify = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--ndjson") == 0)
			ndjson = argv[++i];
		else
			usage();
	}
	if (!path || (!lists && !verify && !ndjson) || nclaims < 100)
		usage();

	if (verify || ndjson) {
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK)
			die_sql("open");
		int bad = 0;
		if (verify) {
			bad += verify_table(&actor_resource, "actors", verify);
			bad += verify_table(&source_resource, "sources",
					    verify);
			bad += verify_table(&event_resource, "events", verify);
			bad += verify_table(&claim_resource, "claims", verify);
			bad += verify_quotes(verify);
		}
		if (ndjson)
			write_ndjson(ndjson);
		sqlite3_close(db);
		return bad ? 1 : 0;
	}

	struct gen_sizes z = {
		.claims = nclaims,
		.events = nclaims / 10,
		.actors = nclaims / 100,
		.sources = nclaims / 20,
	};
	double t0 = now_s();
	/* The server's own migrations make the file. */
	char err[512];
	remove(path);
	struct store *st = store_open(path, err, sizeof(err));
	if (!st || store_migrate(st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "bench-gen: %s\n", err);
		return 1;
	}
	store_close(st);

	if (sqlite3_open(path, &db) != SQLITE_OK)
		die_sql("open");
	exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	     "PRAGMA cache_size = -4000000; PRAGMA temp_store = MEMORY;"
	     "PRAGMA locking_mode = EXCLUSIVE; PRAGMA foreign_keys = OFF;");
	words_init();
	actors = calloc((size_t)z.actors, sizeof(*actors));
	events = calloc((size_t)z.events, sizeof(*events));
	sources = calloc((size_t)z.sources, sizeof(*sources));
	char now[32];
	clock_now_rfc3339(now);

	FILE *claim_list = open_list(lists, "claims.txt");
	double t = now_s();
	gen_actors(&z, now);
	fprintf(stderr, "bench-gen: %" PRId64 " actors in %.1f s\n", z.actors,
		now_s() - t);
	t = now_s();
	gen_sources(&z, now);
	fprintf(stderr, "bench-gen: %" PRId64 " sources in %.1f s\n", z.sources,
		now_s() - t);
	t = now_s();
	gen_events(&z, now);
	fprintf(stderr, "bench-gen: %" PRId64 " events in %.1f s\n", z.events,
		now_s() - t);
	t = now_s();
	gen_claims(&z, now, claim_list);
	fclose(claim_list);
	fprintf(stderr,
		"bench-gen: %" PRId64 " claims (+ relations) in %.1f s\n",
		z.claims, now_s() - t);
	t = now_s();
	fill_revisions();
	/* No ANALYZE: a store written through the API has no statistics
	 * either, and the benchmark must see the server's real plans. */
	exec("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;");
	sqlite3_close(db);
	/* The schema indexes rows for search when a write transaction
	 * commits through the store (schema/008): one empty write
	 * transaction indexes everything written above, in one go (before
	 * the lists: the search words are read from the index). */
	st = store_open(path, err, sizeof(err));
	if (!st || store_begin(st) != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		fprintf(stderr, "bench-gen: indexing for search failed: %s\n",
			st ? store_errmsg(st) : err);
		return 1;
	}
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die_sql("open");
	write_lists(lists, &z);
	sqlite3_close(db);
	fprintf(stderr, "bench-gen: lists in %.1f s\n", now_s() - t);

	struct stat sb;
	stat(path, &sb);
	printf("generated %" PRId64 " claims, %" PRId64 " events, %" PRId64
	       " actors, %" PRId64 " sources in %.1f s (%.0f MB)\n",
	       z.claims, z.events, z.actors, z.sources, now_s() - t0,
	       (double)sb.st_size / 1e6);
	for (int64_t i = 0; i < z.sources; i++)
		free(sources[i].text);
	free(actors);
	free(events);
	free(sources);
	for (size_t i = 0; i < NWORDS; i++)
		free(words[i]);
	return 0;
}
