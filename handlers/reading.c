/*
 * Shared pieces of the read-back queries: subtrees over part_of, name
 * lookups, and timeline entries.
 */
#include "handlers/reading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/fields.h"
#include "store/store.h"

int reading_subtree(struct store *st, const struct resource *res,
		    const char *root, bool with_parts, char **ids)
{
	*ids = NULL;
	int rc = resource_exists(st, res, root);
	if (rc != 1)
		return rc == 0 ? STORE_DONE : rc;
	if (!with_parts) {
		json_t *one = json_pack("[s]", root);
		*ids = json_dumps(one, JSON_COMPACT);
		json_decref(one);
		return *ids ? STORE_ROW : STORE_ERROR;
	}
	/* UNION (not UNION ALL) stops at rows already seen. */
	struct store_stmt *s = store_prepare(
		st,
		res == &event_resource
			? "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT e.id "
			  "FROM events AS e JOIN sub ON e.part_of = sub.id) "
			  "SELECT json_group_array(id) FROM sub"
			: "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT a.id "
			  "FROM actors AS a JOIN sub ON a.part_of = sub.id) "
			  "SELECT json_group_array(id) FROM sub");
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, root);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*ids = strdup(store_column_text(s, 0));
	store_reset(s);
	return rc != STORE_ROW ? rc : *ids ? STORE_ROW : STORE_ERROR;
}

/* {"id": id, key: <json path of the body>} for one row of `sql`. */
static json_t *named_ref(struct store *st, const char *sql, const char *key,
			 const char *id)
{
	if (!id)
		return json_null();
	struct store_stmt *s = store_prepare(st, sql);
	if (!s)
		return json_null();
	store_bind_text(s, 1, id);
	json_t *out = json_null();
	if (store_step(s) == STORE_ROW) {
		json_decref(out);
		out = json_pack("{s:s, s:s?}", "id", id, key,
				store_column_text(s, 0));
	}
	store_reset(s);
	return out;
}

json_t *reading_actor_ref(struct store *st, const char *id)
{
	return named_ref(st, "SELECT name FROM actors WHERE id = ?1", "name",
			 id);
}

json_t *reading_event_ref(struct store *st, const char *id)
{
	return named_ref(st, "SELECT title FROM events WHERE id = ?1", "title",
			 id);
}

/* Appends ,"date":...,"precision":... for a partial date (or nulls). */
static void add_date(struct strbuf *out, const char *date)
{
	struct pdate d;
	const char *why;
	bool valid = date && pdate_parse(date, strlen(date), &d, &why) == 0;
	strbuf_adds(out, ",\"date\":");
	strbuf_add_json_string(out, valid ? date : NULL);
	strbuf_adds(out, ",\"precision\":");
	strbuf_add_json_string(out, valid ? pdate_precision_name(d.precision)
					  : NULL);
}

/* Appends {"id": id, key: name} or null when id is NULL. */
static void add_named_ref(struct strbuf *out, const char *id, const char *key,
			  const char *name)
{
	if (!id) {
		strbuf_adds(out, "null");
		return;
	}
	strbuf_adds(out, "{\"id\":");
	strbuf_add_json_string(out, id);
	strbuf_adds(out, ",\"");
	strbuf_adds(out, key);
	strbuf_adds(out, "\":");
	strbuf_add_json_string(out, name);
	strbuf_addch(out, '}');
}

/* ---- pages of entries ----
 *
 * A page is written in a few statements, not several per entry: the
 * page's claims in one, its events in one, then the names its entries
 * embed, one statement per table with every id once; the entries are then
 * put together here in page order.  The fields an entry needs from its
 * own row (claimant, via, source, events, stated; start, part_of) are
 * found in one pass over its rendered representation, which holds the
 * stored body. */

/* The members of a representation an entry reads. */
enum { F_CLAIMANT, F_VIA, F_SOURCE, F_EVENTS, F_STATED, F_NFIELDS };
enum { F_START = 0, F_PART_OF = 1 };

static const char *const claim_keys[F_NFIELDS] = {
	"claimant", "via", "source", "events", "stated",
};
static const char *const event_keys[F_NFIELDS] = {"start", "part_of"};

struct span {
	size_t at, len; /* in the page's text; len 0: absent */
};

struct page_item {
	int type; /* READING_EVENT, READING_CLAIM */
	int64_t seq;
	struct span rep; /* its representation */
	struct span field[F_NFIELDS];
	bool found;
};

void reading_page_init(struct reading_page *p, const char *claimant)
{
	*p = (struct reading_page){.claimant = claimant};
}

void reading_page_release(struct reading_page *p)
{
	free(p->items);
	p->items = NULL;
	p->n = p->cap = 0;
}

bool reading_page_add(struct reading_page *p, int type, int64_t seq)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct page_item *grown =
			realloc(p->items, cap * sizeof(*grown));
		if (!grown)
			return false;
		p->items = grown;
		p->cap = cap;
	}
	p->items[p->n++] = (struct page_item){.type = type, .seq = seq};
	return true;
}

/* The end of the JSON string opening at `p`, or NULL past `end`. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return NULL;
		const char *b = q;
		while (b > p && b[-1] == '\\')
			b--;
		if ((q - b) % 2 == 0)
			return q + 1;
		p = q + 1;
	}
	return NULL;
}

/* The end of the JSON value at `p` (valid compact JSON, as we write it),
 * or NULL when it runs past `end`. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;
	do {
		if (!p || p >= end)
			return NULL;
		if (*p == '"') {
			p = skip_string(p, end);
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			depth--;
			p++;
		} else if (*p == ',' || *p == ':') {
			p++;
		} else { /* a number, true, false or null */
			do
				p++;
			while (p < end && *p != ',' && *p != '}' && *p != ']');
		}
	} while (depth > 0);
	return p;
}

/* Records where the members named `keys` are in the representation of
 * `item` (one pass).  Keys are our field names, never escaped. */
static void find_fields(const struct strbuf *text, struct page_item *item)
{
	const char *const *keys =
		item->type == READING_CLAIM ? claim_keys : event_keys;
	const char *obj = text->buf + item->rep.at;
	const char *end = obj + item->rep.len, *p = obj + 1;
	while (p < end && *p == '"') {
		const char *k = p + 1;
		const char *kend = memchr(k, '"', (size_t)(end - k));
		if (!kend || kend + 1 >= end || kend[1] != ':')
			return;
		const char *v = kend + 2;
		const char *vend = skip_value(v, end);
		if (!vend)
			return;
		size_t klen = (size_t)(kend - k);
		for (int f = 0; f < F_NFIELDS; f++)
			if (keys[f] && keys[f][0] == k[0] &&
			    strncmp(keys[f], k, klen) == 0 && !keys[f][klen])
				item->field[f] =
					(struct span){(size_t)(v - text->buf),
						      (size_t)(vend - v)};
		if (vend >= end || *vend != ',')
			return;
		p = vend + 1;
	}
}

/* A JSON string value as a C string: in `buf` when it fits and has no
 * escapes (ids and dates never do), else decoded into *heap (free it).
 * NULL for null or anything but a string. */
static const char *string_of(const char *v, size_t vlen, char *buf,
			     size_t bufsz, char **heap)
{
	*heap = NULL;
	if (vlen < 2 || v[0] != '"')
		return NULL;
	if (vlen - 2 < bufsz && !memchr(v, '\\', vlen)) {
		memcpy(buf, v + 1, vlen - 2);
		buf[vlen - 2] = '\0';
		return buf;
	}
	json_error_t jerr;
	json_t *s = json_loadb(v, vlen, JSON_DECODE_ANY, &jerr);
	*heap = json_is_string(s) ? strdup(json_string_value(s)) : NULL;
	json_decref(s);
	return *heap;
}

/* A C string of one field of an item; see string_of. */
struct field_text {
	char buf[128];
	char *heap;
};

static const char *field_string(const struct strbuf *text,
				const struct page_item *item, int f,
				struct field_text *ft)
{
	const struct span *sp = &item->field[f];
	ft->heap = NULL;
	return sp->len ? string_of(text->buf + sp->at, sp->len, ft->buf,
				   sizeof(ft->buf), &ft->heap)
		       : NULL;
}

/* The names of one table an entry embeds, by id: an open-addressing
 * table over `rows`. */
struct name_row {
	char *id;
	char *v[3];
	bool found;
};

struct names {
	struct name_row *rows;
	size_t n, cap;
	uint32_t *slots; /* row index + 1; 0 empty */
	size_t nslots;
	bool failed;
};

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void names_release(struct names *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->rows[i].id);
		for (int k = 0; k < 3; k++)
			free(m->rows[i].v[k]);
	}
	free(m->rows);
	free(m->slots);
	*m = (struct names){0};
}

static struct name_row *names_find(const struct names *m, const char *id)
{
	if (!m->nslots || !id)
		return NULL;
	for (size_t i = name_hash(id) & (m->nslots - 1); m->slots[i];
	     i = (i + 1) & (m->nslots - 1))
		if (strcmp(m->rows[m->slots[i] - 1].id, id) == 0)
			return &m->rows[m->slots[i] - 1];
	return NULL;
}

/* Adds `id` (copied) when it is new. */
static void names_add(struct names *m, const char *id)
{
	if (!id || m->failed || names_find(m, id))
		return;
	if ((m->n + 1) * 2 > m->nslots) {
		size_t nslots = m->nslots ? m->nslots * 2 : 128;
		uint32_t *slots = calloc(nslots, sizeof(*slots));
		struct name_row *rows =
			slots ? realloc(m->rows, nslots / 2 * sizeof(*rows))
			      : NULL;
		if (!rows) {
			free(slots);
			m->failed = true;
			return;
		}
		m->rows = rows;
		free(m->slots);
		m->slots = slots;
		m->nslots = nslots;
		for (size_t r = 0; r < m->n; r++) {
			size_t i = name_hash(rows[r].id) & (nslots - 1);
			while (slots[i])
				i = (i + 1) & (nslots - 1);
			slots[i] = (uint32_t)r + 1;
		}
	}
	char *copy = strdup(id);
	if (!copy) {
		m->failed = true;
		return;
	}
	size_t i = name_hash(id) & (m->nslots - 1);
	while (m->slots[i])
		i = (i + 1) & (m->nslots - 1);
	m->rows[m->n] = (struct name_row){.id = copy};
	m->slots[i] = (uint32_t)++m->n;
}

/* Adds the id in field `f` of `item`. */
static void names_add_field(struct names *m, const struct strbuf *text,
			    const struct page_item *item, int f)
{
	struct field_text ft;
	names_add(m, field_string(text, item, f, &ft));
	free(ft.heap);
}

/* Fills the names of every id in `m` with one statement: `sql` takes the
 * ids as a JSON array (?1) and returns id, then `nvalues` columns. */
static int names_fetch(struct store *st, struct names *m, const char *sql,
		       int nvalues)
{
	if (m->failed)
		return STORE_ERROR;
	if (m->n == 0)
		return STORE_OK;
	struct strbuf ids = STRBUF_INIT;
	strbuf_addch(&ids, '[');
	for (size_t i = 0; i < m->n; i++) {
		if (i)
			strbuf_addch(&ids, ',');
		strbuf_add_json_string(&ids, m->rows[i].id);
	}
	strbuf_addch(&ids, ']');
	struct store_stmt *s = ids.failed ? NULL : store_prepare(st, sql);
	if (!s) {
		strbuf_release(&ids);
		return STORE_ERROR;
	}
	store_bind_textn(s, 1, ids.buf, ids.len);
	strbuf_release(&ids);
	int rc;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct name_row *row = names_find(m, store_column_text(s, 0));
		if (!row || row->found)
			continue;
		row->found = true;
		for (int k = 0; k < nvalues; k++) {
			const char *v = store_column_text(s, k + 1);
			row->v[k] = v ? strdup(v) : NULL;
			if (v && !row->v[k])
				m->failed = true;
		}
	}
	store_reset(s);
	if (rc == STORE_DONE && m->failed)
		rc = STORE_ERROR;
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* Appends `s` quoted the way SQLite's JSON functions quote a string, for
 * the parts of an entry that SQLite's json_object wrote before (a claim's
 * events): \b \t \n \f \r, other control characters as lowercase \u00xx,
 * " and \; nothing else escaped. */
static void add_sqlite_json_string(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_escape[32] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n',
		['\f'] = 'f', ['\r'] = 'r',
	};
	if (!s) {
		strbuf_adds(out, "null");
		return;
	}
	strbuf_addch(out, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8] = "\\";
		if (*p == '"' || *p == '\\')
			esc[1] = (char)*p;
		else if (*p < 0x20 && short_escape[*p])
			esc[1] = short_escape[*p];
		else if (*p < 0x20)
			snprintf(esc, sizeof(esc), "\\u00%c%c", hex[*p >> 4],
				 hex[*p & 15]);
		else
			continue;
		strbuf_add(out, run, (size_t)((const char *)p - run));
		strbuf_adds(out, esc);
		run = (const char *)p + 1;
	}
	strbuf_adds(out, run);
	strbuf_addch(out, '"');
}

/* A page's rows by seq, in the order of the JSON array ?1.  A claimant's
 * claims come from claims_claimant_entry (schema/007), where one
 * claimant's rows are neighbours: it covers the query only when the
 * claimant is named by the expression it indexes (naming the generated
 * column makes SQLite read the table row), and the seq as a one-value
 * range keeps SQLite from going to the table by rowid instead. */
#define CLAIMS_BY_SEQ                                                          \
	"SELECT " RESOURCE_COLUMNS " FROM json_each(?1) AS j JOIN claims AS "  \
	"r ON r.seq = j.value"
#define CLAIMS_OF_CLAIMANT_BY_SEQ                                              \
	"SELECT " RESOURCE_COLUMNS " FROM json_each(?1) AS j CROSS JOIN "      \
	"claims AS r WHERE json_extract(r.body, '$.claimant') = ?2 AND "       \
	"r.seq >= j.value AND r.seq <= j.value"
#define EVENTS_BY_SEQ                                                          \
	"SELECT " RESOURCE_COLUMNS " FROM json_each(?1) AS j JOIN events AS "  \
	"r ON r.seq = j.value"

struct seq_slot {
	int64_t seq;
	size_t item;
};

static int seq_slot_cmp(const void *a, const void *b)
{
	const struct seq_slot *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Renders the page's items of `type` into `text`, in one statement. */
static int fetch_rows(struct store *st, struct reading_page *p, int type,
		      struct strbuf *text)
{
	const struct resource *res =
		type == READING_CLAIM ? &claim_resource : &event_resource;
	struct seq_slot *slots = malloc((p->n + 1) * sizeof(*slots));
	struct strbuf seqs = STRBUF_INIT;
	size_t n = 0;
	int rc = STORE_OK;
	if (!slots)
		return STORE_ERROR;
	strbuf_addch(&seqs, '[');
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i].type != type)
			continue;
		if (n)
			strbuf_addch(&seqs, ',');
		strbuf_add_int(&seqs, p->items[i].seq);
		slots[n++] = (struct seq_slot){p->items[i].seq, i};
	}
	strbuf_addch(&seqs, ']');
	if (n == 0 || seqs.failed) {
		rc = seqs.failed ? STORE_ERROR : STORE_OK;
		goto done;
	}
	qsort(slots, n, sizeof(*slots), seq_slot_cmp);
	bool by_claimant = type == READING_CLAIM && p->claimant;
	struct store_stmt *s =
		store_prepare(st, type == READING_EVENT ? EVENTS_BY_SEQ
				  : by_claimant ? CLAIMS_OF_CLAIMANT_BY_SEQ
						: CLAIMS_BY_SEQ);
	if (!s) {
		rc = STORE_ERROR;
		goto done;
	}
	store_bind_textn(s, 1, seqs.buf, seqs.len);
	if (by_claimant)
		store_bind_text(s, 2, p->claimant);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct seq_slot key = {store_column_int64(s, 0), 0};
		struct seq_slot *at =
			bsearch(&key, slots, n, sizeof(*slots), seq_slot_cmp);
		if (!at || p->items[at->item].found)
			continue;
		struct page_item *item = &p->items[at->item];
		item->rep.at = text->len;
		int render = resource_render(st, res, s, text);
		if (render != STORE_OK || text->failed) {
			rc = render != STORE_OK ? render : STORE_ERROR;
			break;
		}
		item->rep.len = text->len - item->rep.at;
		item->found = true;
	}
	store_reset(s);
	rc = rc == STORE_DONE ? STORE_OK : rc;
done:
	strbuf_release(&seqs);
	free(slots);
	return rc;
}

/* Calls `fn` with each member of the JSON array v[0..vlen). */
static void each_element(const char *v, size_t vlen,
			 void (*fn)(void *ctx, const char *v, size_t vlen),
			 void *ctx)
{
	const char *end = v + vlen, *p = v + 1;
	if (vlen < 2 || v[0] != '[')
		return;
	while (p < end && *p != ']') {
		const char *e = skip_value(p, end);
		if (!e || e == p)
			return;
		fn(ctx, p, (size_t)(e - p));
		p = *e == ',' ? e + 1 : e;
	}
}

static void add_event_name(void *ctx, const char *v, size_t vlen)
{
	struct field_text ft;
	names_add(ctx, string_of(v, vlen, ft.buf, sizeof(ft.buf), &ft.heap));
	free(ft.heap);
}

struct events_out {
	struct strbuf *out;
	const struct names *events;
	bool first;
};

/* One {"id","title"} of a claim's events, as SQLite's json_object wrote
 * it. */
static void add_event_ref(void *ctx, const char *v, size_t vlen)
{
	struct events_out *eo = ctx;
	struct field_text ft;
	const char *id = string_of(v, vlen, ft.buf, sizeof(ft.buf), &ft.heap);
	const struct name_row *row = names_find(eo->events, id);
	strbuf_adds(eo->out, eo->first ? "{\"id\":" : ",{\"id\":");
	eo->first = false;
	add_sqlite_json_string(eo->out, id);
	strbuf_adds(eo->out, ",\"title\":");
	add_sqlite_json_string(eo->out, row ? row->v[0] : NULL);
	strbuf_addch(eo->out, '}');
	free(ft.heap);
}

/* Appends {"id": the row's id, key: its first value}, or null when the
 * row was not found. */
static void add_row_ref(struct strbuf *out, const struct name_row *row,
			const char *key)
{
	add_named_ref(out, row && row->found ? row->id : NULL, key,
		      row ? row->v[0] : NULL);
}

/* The row of the id in field `f` of `item`, or NULL. */
static const struct name_row *field_row(const struct names *m,
					const struct strbuf *text,
					const struct page_item *item, int f)
{
	struct field_text ft;
	const struct name_row *row =
		names_find(m, field_string(text, item, f, &ft));
	free(ft.heap);
	return row;
}

static void write_claim_entry(const struct strbuf *text,
			      const struct page_item *item,
			      const struct names *actors,
			      const struct names *events,
			      const struct names *sources, struct strbuf *out)
{
	struct field_text ft;
	const char *stated = field_string(text, item, F_STATED, &ft);
	const struct name_row *source =
		field_row(sources, text, item, F_SOURCE);
	if (source && !source->found)
		source = NULL;
	const char *published = source ? source->v[2] : NULL;

	strbuf_adds(out, "{\"type\":\"claim\"");
	add_date(out, stated ? stated : published);
	strbuf_adds(out, stated	     ? ",\"dated_by\":\"stated\""
			 : published ? ",\"dated_by\":\"source\""
				     : ",\"dated_by\":null");
	free(ft.heap);
	strbuf_adds(out, ",\"claim\":");
	strbuf_add(out, text->buf + item->rep.at, item->rep.len);
	strbuf_adds(out, ",\"claimant\":");
	add_row_ref(out, field_row(actors, text, item, F_CLAIMANT), "name");
	strbuf_adds(out, ",\"via\":");
	add_row_ref(out, field_row(actors, text, item, F_VIA), "name");
	/* [{"id","title"}] of its events, in its order; a null list is the
	 * one row json_each gives for null. */
	strbuf_adds(out, ",\"events\":[");
	const struct span *list = &item->field[F_EVENTS];
	const char *v = text->buf + list->at;
	if (list->len == 4 && memcmp(v, "null", 4) == 0) {
		strbuf_adds(out, "{\"id\":null,\"title\":null}");
	} else if (list->len) {
		struct events_out eo = {out, events, true};
		each_element(v, list->len, add_event_ref, &eo);
	}
	strbuf_addch(out, ']');
	strbuf_adds(out, ",\"source\":");
	if (source) {
		strbuf_adds(out, "{\"id\":");
		strbuf_add_json_string(out, source->id);
		strbuf_adds(out, ",\"title\":");
		strbuf_add_json_string(out, source->v[0]);
		strbuf_adds(out, ",\"url\":");
		strbuf_add_json_string(out, source->v[1]);
		strbuf_adds(out, ",\"published\":");
		strbuf_add_json_string(out, published);
		strbuf_addch(out, '}');
	} else {
		strbuf_adds(out, "null");
	}
	strbuf_addch(out, '}');
}

static void write_event_entry(const struct strbuf *text,
			      const struct page_item *item,
			      const struct names *events, struct strbuf *out)
{
	struct field_text ft;
	strbuf_adds(out, "{\"type\":\"event\"");
	add_date(out, field_string(text, item, F_START, &ft));
	free(ft.heap);
	strbuf_adds(out, ",\"event\":");
	strbuf_add(out, text->buf + item->rep.at, item->rep.len);
	strbuf_adds(out, ",\"part_of\":");
	add_row_ref(out, field_row(events, text, item, F_PART_OF), "title");
	strbuf_addch(out, '}');
}

/* The row of id j.value, as a one-value range: an equality would send
 * SQLite to the table's unique id index and then to the row, while the
 * range is read from the index of id and names alone (schema/007). */
#define ONE_ID(t) t ".id >= j.value AND " t ".id <= j.value"

int reading_page_write(struct store *st, struct reading_page *p,
		       struct strbuf *out)
{
	struct strbuf text = STRBUF_INIT;
	struct names actors = {0}, events = {0}, sources = {0};
	int rc = fetch_rows(st, p, READING_CLAIM, &text);
	if (rc == STORE_OK)
		rc = fetch_rows(st, p, READING_EVENT, &text);
	for (size_t i = 0; rc == STORE_OK && i < p->n; i++) {
		struct page_item *item = &p->items[i];
		/* Rows read in this transaction's snapshot do not vanish. */
		if (!item->found) {
			rc = STORE_ERROR;
			break;
		}
		find_fields(&text, item);
		if (item->type == READING_EVENT) {
			names_add_field(&events, &text, item, F_PART_OF);
			continue;
		}
		names_add_field(&actors, &text, item, F_CLAIMANT);
		names_add_field(&actors, &text, item, F_VIA);
		names_add_field(&sources, &text, item, F_SOURCE);
		const struct span *list = &item->field[F_EVENTS];
		if (list->len)
			each_element(text.buf + list->at, list->len,
				     add_event_name, &events);
	}
	if (rc == STORE_OK)
		rc = names_fetch(
			st, &actors,
			"SELECT j.value, a.name FROM json_each(?1) AS j "
			"JOIN actors AS a ON " ONE_ID("a"),
			1);
	if (rc == STORE_OK)
		rc = names_fetch(
			st, &events,
			"SELECT j.value, e.title FROM json_each(?1) AS "
			"j JOIN events AS e ON " ONE_ID("e"),
			1);
	if (rc == STORE_OK)
		rc = names_fetch(
			st, &sources,
			"SELECT j.value, s.title, s.url, s.published "
			"FROM json_each(?1) AS j JOIN sources AS s ON " ONE_ID(
				"s"),
			3);
	strbuf_addch(out, '[');
	for (size_t i = 0; rc == STORE_OK && i < p->n; i++) {
		if (i)
			strbuf_addch(out, ',');
		if (p->items[i].type == READING_CLAIM)
			write_claim_entry(&text, &p->items[i], &actors, &events,
					  &sources, out);
		else
			write_event_entry(&text, &p->items[i], &events, out);
	}
	strbuf_addch(out, ']');
	if (rc == STORE_OK && out->failed)
		rc = STORE_ERROR;
	strbuf_release(&text);
	names_release(&actors);
	names_release(&events);
	names_release(&sources);
	return rc;
}

void reading_range(const struct request *req, json_t *errors, int64_t *from,
		   int64_t *to, bool *given)
{
	const char *names[2] = {"from", "to"};
	*from = INT64_MIN;
	*to = INT64_MAX;
	*given = false;
	for (int i = 0; i < 2; i++) {
		const char *v = request_query(req, names[i]);
		struct pdate d;
		const char *why = "";
		if (!v)
			continue;
		*given = true;
		if (pdate_parse(v, strlen(v), &d, &why) != 0) {
			errors_add_param(errors, names[i], "not a date: %s",
					 why);
			continue;
		}
		if (i == 0)
			*from = d.lo_ms;
		else
			*to = d.hi_ms;
	}
	if (*from != INT64_MIN && *to != INT64_MAX && *from >= *to)
		errors_add_param(errors, "to", "ends before from starts");
}

bool reading_bool(const struct request *req, const char *name, json_t *errors)
{
	const char *v = request_query(req, name);
	if (!v || strcmp(v, "false") == 0)
		return false;
	if (strcmp(v, "true") == 0)
		return true;
	errors_add_param(errors, name, "must be true or false");
	return false;
}

void reading_filters_release(struct read_filters *f)
{
	free(f->event_set);
	free(f->actor_set);
	f->event_set = f->actor_set = NULL;
}

void reading_bind_filters(struct store_stmt *s, const struct read_filters *f)
{
	store_bind_int64_named(s, ":from", f->from);
	store_bind_int64_named(s, ":to", f->to);
	store_bind_text_named(s, ":event_set", f->event_set);
	store_bind_text_named(s, ":actor_set", f->actor_set);
	store_bind_text_named(s, ":actor", f->actor);
	store_bind_text_named(s, ":kind", f->kind);
	store_bind_text_named(s, ":tag", f->tag);
	store_bind_text_named(s, ":country", f->country);
	store_bind_text_named(s, ":stance", f->stance);
	store_bind_text_named(s, ":status", f->status);
	store_bind_int64_named(s, ":disputed", f->disputed);
}

const char *reading_stance(const struct request *req, json_t *errors)
{
	static const char *const stances[] = {
		"asserts", "denies", "estimates", "condemns", "withholds", NULL,
	};
	const char *stance = request_query(req, "stance");
	if (!stance)
		return NULL;
	for (size_t i = 0; stances[i]; i++)
		if (strcmp(stances[i], stance) == 0)
			return stance;
	errors_add_param(errors, "stance",
			 "must be asserts, denies, estimates, condemns or "
			 "withholds");
	return NULL;
}

const char *reading_status(const struct request *req, json_t *errors)
{
	const char *status = request_query(req, "status");
	if (!status)
		return NULL;
	for (const struct field *fd = event_resource.fields; fd->name; fd++)
		if (strcmp(fd->name, "status") == 0)
			return field_param_valid(fd->type, fd->choices,
						 "status", status, errors, NULL)
				       ? status
				       : NULL;
	return NULL;
}

const char *reading_country(const struct request *req, json_t *errors)
{
	const char *country = request_query(req, "country");
	if (country && !field_param_valid(FIELD_COUNTRY, NULL, "country",
					  country, errors, NULL))
		return NULL;
	return country;
}

int reading_id_set(const struct request *req, const char *param,
		   const struct resource *res, bool with_parts, json_t *errors,
		   char **set)
{
	const char *value = request_query(req, param);
	if (!value)
		return STORE_OK;
	if (!field_param_valid(FIELD_ID, NULL, param, value, errors, NULL))
		return STORE_OK;
	int rc = reading_subtree(req->store, res, value, with_parts, set);
	if (rc == STORE_DONE)
		errors_add_param(errors, param, "no %s with id \"%s\"",
				 res->name, value);
	return rc < 0 ? rc : STORE_OK;
}

json_t *reading_parse_items(struct strbuf *items)
{
	json_error_t jerr;
	json_t *parsed = items->failed
				 ? NULL
				 : json_loadb(items->buf, items->len, 0, &jerr);
	strbuf_release(items);
	return parsed;
}
