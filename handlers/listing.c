/*
 * Lists and pagination, shared by every collection: limit and cursor
 * parsing, opaque keyset cursors, the next page's Link header, and the
 * generic collection list whose WHERE clause is assembled from the literal
 * SQL conditions of the filters present (values are always bound).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "common/strbuf.h"
#include "handlers/fields.h"
#include "handlers/resource.h"
#include "store/store.h"

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 500

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Cursors are base64url of a short plain text ("c1:<seq>" for lists):
 * opaque to clients, versioned for us, and strictly parsed so a damaged
 * cursor is a 400, not a wrong page. */
void cursor_encode_text(const char *plain, char *buf, size_t bufsz)
{
	size_t n = strlen(plain), o = 0;
	for (size_t i = 0; i < n && o + 5 < bufsz; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
		if (left > 2)
			v |= (unsigned char)plain[i + 2];
		buf[o++] = b64url[(v >> 18) & 63];
		buf[o++] = b64url[(v >> 12) & 63];
		if (left > 1)
			buf[o++] = b64url[(v >> 6) & 63];
		if (left > 2)
			buf[o++] = b64url[v & 63];
	}
	buf[o] = '\0';
}

bool cursor_decode_text(const char *s, char *plain, size_t plainsz)
{
	size_t n = strlen(s), o = 0;
	if (n == 0 || n % 4 == 1 || (n / 4) * 3 + 3 >= plainsz)
		return false;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(b64url, s[i]);
		if (!p)
			return false;
		acc = (acc << 6) | (uint32_t)(p - b64url);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			plain[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	plain[o] = '\0';
	if (strlen(plain) != o)
		return false;
	/* One spelling per cursor: no trailing bits, no other padding. */
	char again[256];
	if (o >= sizeof(again) / 2)
		return false;
	cursor_encode_text(plain, again, sizeof(again));
	return strcmp(again, s) == 0;
}

void cursor_encode(int64_t key, char *buf, size_t bufsz)
{
	char plain[32];
	snprintf(plain, sizeof(plain), "c1:%" PRId64, key);
	cursor_encode_text(plain, buf, bufsz);
}

int reply_bad_cursor(struct reply *rep)
{
	return reply_problem(rep, PROBLEM_BAD_REQUEST,
			     "the cursor is not one this server gave");
}

bool cursor_decode(const char *s, int64_t *key)
{
	char plain[64], *end = NULL;
	if (!cursor_decode_text(s, plain, sizeof(plain)) ||
	    strncmp(plain, "c1:", 3) != 0 || plain[3] < '0' || plain[3] > '9')
		return false;
	errno = 0;
	long long v = strtoll(plain + 3, &end, 10);
	if (*end || errno)
		return false;
	*key = v;
	return true;
}

bool list_page_params(const struct request *req, json_t *errors,
		      int64_t *limit)
{
	const char *text = request_query(req, "limit");
	*limit = LIMIT_DEFAULT;
	if (!text)
		return true;
	char *end = NULL;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || v < 1 || v > LIMIT_MAX) {
		errors_add_param(errors, "limit",
				 "must be an integer from 1 to %d", LIMIT_MAX);
		return false;
	}
	*limit = v;
	return true;
}

static void url_encode_append(char *out, size_t outsz, size_t *n,
			      const char *s)
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

void list_link_header(const struct request *req, struct reply *rep,
		      const char *next_cursor)
{
	if (!next_cursor)
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
		      link, next_cursor);
}

void list_reply_next(const struct request *req, struct reply *rep,
		     json_t *page, const char *next_cursor)
{
	json_object_set_new(page, "next_cursor",
			    next_cursor ? json_string(next_cursor) : json_null());
	list_link_header(req, rep, next_cursor);
}

int list_collect(const struct request *req, struct reply *rep,
		 struct store_stmt *s, int64_t limit)
{
	const struct resource *res = req->route_arg;
	struct strbuf page = STRBUF_INIT;
	char cursor[64] = "";
	int64_t count = 0, last_seq = 0;
	bool more = false;
	int rc;
	/* The page is written as text, each item spliced from its stored
	 * body: no tree per row. */
	strbuf_adds(&page, "{\"items\":[");
	while ((rc = store_step(s)) == STORE_ROW) {
		if (count == limit) {
			more = true;
			rc = STORE_DONE;
			break;
		}
		if (count)
			strbuf_addch(&page, ',');
		rc = resource_render(req->store, res, s, &page);
		if (rc != STORE_OK)
			break;
		last_seq = store_column_int64(s, 0);
		count++;
	}
	store_reset(s);
	if (rc != STORE_DONE) {
		strbuf_release(&page);
		return reply_store_error(rep, rc == STORE_OK ? STORE_ERROR : rc);
	}
	if (more)
		cursor_encode(last_seq, cursor, sizeof(cursor));
	strbuf_adds(&page, "],\"next_cursor\":");
	strbuf_add_json_string(&page, more ? cursor : NULL);
	strbuf_addch(&page, '}');
	list_link_header(req, rep, more ? cursor : NULL);
	size_t len;
	char *text = strbuf_detach(&page, &len);
	if (!text)
		return reply_store_error(rep, STORE_ERROR);
	return reply_text(rep, 200, "application/json", text, len);
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
		store_bind_int64_named(s, name,
				       f->bound == FILTER_TO ? d.hi_ms : d.lo_ms);
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

	json_t *errors = json_array();
	int64_t limit, after = 0;
	request_check_query(req, allowed, errors);
	list_page_params(req, errors, &limit);
	for (const struct filter *f = res->filters; f && f->param; f++) {
		const char *v = request_query(req, f->param);
		if (v)
			bind_filter(NULL, res, f, v, errors);
	}
	if (json_array_size(errors))
		return reply_invalid(rep, errors);
	json_decref(errors);
	const char *cursor = request_query(req, "cursor");
	if (cursor && !cursor_decode(cursor, &after))
		return reply_bad_cursor(rep);

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
	store_bind_int64_named(s, ":after", after);
	/* One row more than the page tells whether there is a next page. */
	store_bind_int64_named(s, ":limit", limit + 1);
	for (const struct filter *f = res->filters; f && f->param; f++) {
		const char *v = request_query(req, f->param);
		if (v)
			bind_filter(s, res, f, v, NULL);
	}
	return list_collect(req, rep, s, limit);
}
