/*
 * Pages and lists: the opening and ending of every paginated read
 * (listing.h: limit, cursor, the one 422, next_cursor, the next page's
 * Link header), and the generic collection list whose WHERE clause is
 * assembled from the literal SQL conditions of the filters present
 * (values are always bound).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/fields.h"
#include "handlers/listing.h"
#include "handlers/resource.h"
#include "store/store.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 500

void page_start(const struct request *req, const char *const *allowed,
		const struct cursor_format *fmt, struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
	pg->format = fmt;
	pg->errors = json_array();
	pg->limit = LIMIT_DEFAULT;
	pg->cursor = request_query(req, "cursor");
	request_check_query(req, allowed, pg->errors);
	const char *text = request_query(req, "limit");
	if (!text)
		return;
	char *end = NULL;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || v < 1 || v > LIMIT_MAX) {
		errors_add_param(pg->errors, "limit",
				 "must be an integer from 1 to %d", LIMIT_MAX);
		return;
	}
	pg->limit = v;
}

bool page_open_or_reply(struct reply *rep, struct page *pg)
{
	json_t *errors = pg->errors;
	pg->errors = NULL;
	if (json_array_size(errors)) {
		reply_invalid(rep, errors);
		return false;
	}
	json_decref(errors);
	if (pg->cursor && !cursor_decode(pg->format, pg->cursor, &pg->after)) {
		reply_problem(rep, PROBLEM_BAD_REQUEST,
			      "the cursor is not one this server gave");
		return false;
	}
	return true;
}

void page_release(struct page *pg)
{
	json_decref(pg->errors);
	pg->errors = NULL;
}

int64_t page_fetch(const struct page *pg)
{
	return pg->limit + 1;
}

bool page_room(struct page *pg)
{
	if (pg->shown == pg->limit) {
		pg->more = true;
		return false;
	}
	pg->shown++;
	return true;
}

/* The next page's cursor, or NULL when this page is the last. */
static const char *page_next(struct page *pg)
{
	if (!pg->more)
		return NULL;
	cursor_encode(pg->format, &pg->last, pg->next, sizeof(pg->next));
	return pg->next;
}

static void url_encode_append(char *out, size_t outsz, size_t *n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*n + 4 >= outsz)
			return;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			out[(*n)++] = (char)*p;
		} else {
			out[(*n)++] = '%';
			out[(*n)++] = hex[*p >> 4];
			out[(*n)++] = hex[*p & 15];
		}
	}
	out[*n] = '\0';
}

static void append_raw(char *out, size_t outsz, size_t *n, char c)
{
	if (*n + 1 < outsz) {
		out[(*n)++] = c;
		out[*n] = '\0';
	}
}

/* Adds the Link header to the next page (none when `next` is NULL),
 * keeping the request's other query parameters. */
static void link_header(const struct request *req, struct reply *rep,
			const char *next)
{
	if (!next)
		return;
	char link[4096];
	size_t n = 0;
	link[0] = '\0';
	for (size_t i = 0; i < req->nquery; i++) {
		if (strcmp(req->query[i].key, "cursor") == 0)
			continue;
		url_encode_append(link, sizeof(link), &n, req->query[i].key);
		append_raw(link, sizeof(link), &n, '=');
		url_encode_append(link, sizeof(link), &n, req->query[i].value);
		append_raw(link, sizeof(link), &n, '&');
	}
	reply_headerf(rep, "Link", "<%s?%scursor=%s>; rel=\"next\"", req->path,
		      link, next);
}

void page_link(const struct request *req, struct reply *rep, struct page *pg)
{
	link_header(req, rep, page_next(pg));
}

int page_reply_json(const struct request *req, struct reply *rep,
		    struct page *pg, json_t *body)
{
	const char *next = page_next(pg);
	json_object_set_new(body, "next_cursor",
			    next ? json_string(next) : json_null());
	link_header(req, rep, next);
	return reply_json(rep, 200, body);
}

int page_reply_text(const struct request *req, struct reply *rep,
		    struct page *pg, struct strbuf *body)
{
	const char *next = page_next(pg);
	strbuf_adds(body, ",\"next_cursor\":");
	strbuf_add_json_string(body, next);
	strbuf_addch(body, '}');
	link_header(req, rep, next);
	size_t len;
	char *text = strbuf_detach(body, &len);
	if (!text)
		return reply_store_error(rep, STORE_ERROR);
	return reply_text(rep, 200, "application/json", text, len);
}

/*
 * Steps `s` (RESOURCE_COLUMNS rows, page_fetch() of them at most) and
 * replies a page of the route's resource.  Returns the status.
 */
static int list_collect(const struct request *req, struct reply *rep,
			struct store_stmt *s, struct page *pg)
{
	const struct resource *res = req->route_arg;
	struct strbuf page = STRBUF_INIT;
	int rc;
	/* The page is written as text, each item spliced from its stored
	 * body: no tree per row. */
	strbuf_adds(&page, "{\"items\":[");
	while ((rc = store_step(s)) == STORE_ROW) {
		if (!page_room(pg)) {
			rc = STORE_DONE;
			break;
		}
		if (pg->shown > 1)
			strbuf_addch(&page, ',');
		rc = resource_render(req->store, res, s, &page);
		if (rc != STORE_OK)
			break;
		pg->last.num[0] = store_column_int64(s, 0);
	}
	store_reset(s);
	if (rc != STORE_DONE) {
		strbuf_release(&page);
		return reply_store_error(rep,
					 rc == STORE_OK ? STORE_ERROR : rc);
	}
	strbuf_addch(&page, ']');
	return page_reply_text(req, rep, pg, &page);
}

/* The field a filter checks its value as: the resource's field it
 * names, or a stand-in of its `type`. */
static struct field filter_field(const struct resource *res,
				 const struct filter *f)
{
	const char *name = f->field ? f->field : f->param;
	for (const struct field *fd = res->fields; fd && fd->name; fd++)
		if (strcmp(fd->name, name) == 0 && fd->type != FIELD_COMPUTED)
			return *fd;
	return (struct field){.name = name, .type = f->type};
}

/* Validates one filter's value as its field's and binds it; adds an
 * error naming the parameter when bad. */
static void bind_filter(struct store_stmt *s, const struct resource *res,
			const struct filter *f, const char *value,
			json_t *errors)
{
	struct field fd = filter_field(res, f);
	struct pdate d;
	if (!field_param_valid(fd.type, fd.choices, f->param, value, errors,
			       &d) ||
	    !s)
		return;
	char name[64];
	snprintf(name, sizeof(name), ":%s", f->param);
	if (fd.type == FIELD_BOOL)
		store_bind_int64_named(s, name, strcmp(value, "true") == 0);
	else if (fd.type == FIELD_DATE)
		store_bind_int64_named(
			s, name, f->bound == FILTER_TO ? d.hi_ms : d.lo_ms);
	else
		store_bind_text_named(s, name, value);
}

int handle_resource_list(const struct request *req, struct reply *rep)
{
	const struct resource *res = req->route_arg;
	const char *allowed[REQUEST_MAX_QUERY + 3] = {"limit", "cursor"};
	size_t nallowed = 2;
	for (const struct filter *f = res->filters; f && f->param; f++)
		if (nallowed < REQUEST_MAX_QUERY + 2)
			allowed[nallowed++] = f->param;
	allowed[nallowed] = NULL;

	struct page pg;
	page_start(req, allowed, &cursor_seq, &pg);
	for (const struct filter *f = res->filters; f && f->param; f++) {
		const char *v = request_query(req, f->param);
		if (v)
			bind_filter(NULL, res, f, v, pg.errors);
	}
	if (!page_open_or_reply(rep, &pg))
		return rep->status;

	/* The conditions are literal SQL from the resource's filter table;
	 * only which ones are present varies. */
	char sql[4096];
	size_t n = (size_t)snprintf(sql, sizeof(sql), "%s", res->sql.list_head);
	for (const struct filter *f = res->filters; f && f->param; f++)
		if (request_query(req, f->param))
			n += (size_t)snprintf(sql + n, sizeof(sql) - n,
					      " AND (%s)", f->sql);
	snprintf(sql + n, sizeof(sql) - n, " ORDER BY r.seq LIMIT :limit");
	if (n >= sizeof(sql) - 32)
		return reply_store_error(rep, STORE_ERROR);

	struct store_stmt *s = store_prepare(req->store, sql);
	if (!s)
		return reply_store_error(rep, STORE_ERROR);
	store_bind_int64_named(s, ":after", pg.after.num[0]);
	store_bind_int64_named(s, ":limit", page_fetch(&pg));
	for (const struct filter *f = res->filters; f && f->param; f++) {
		const char *v = request_query(req, f->param);
		if (v)
			bind_filter(s, res, f, v, NULL);
	}
	return list_collect(req, rep, s, &pg);
}
