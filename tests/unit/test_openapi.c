/*
 * web/openapi.json held to the code's tables.  The document is written by
 * hand; this test reads it (its path is the first argument) and walks:
 *
 * - the route table: every route's path and method is an operation of the
 *   document, and every operation of the document is a route (HEAD: the
 *   router answers it on every GET route, and the document says so once,
 *   in its conventions, instead of listing HEAD operations);
 * - each resource description: its fields are the properties of the
 *   resource's schemas (<Name> as read, <Name>Input as written with
 *   `required` its FIELD_REQUIRED fields, <Name>Patch), nested objects
 *   field by field, FIELD_ENUM choices the schema's `enum`; the output
 *   schema's other properties are the meta fields a rendered row of the
 *   demo data carries besides its fields; the list's query parameters are
 *   its filters plus `limit` and `cursor`, an enum parameter named after
 *   an enum field allowing exactly the field's choices;
 * - the problem table: the `Problem` schema has one `oneOf` branch per
 *   problem type pinning its type, title and status; the document names
 *   no other problem type anywhere; every status of the table is a
 *   response of some operation (but 405, which by definition answers
 *   methods that are not operations), the request timeout one of every
 *   operation that takes a body; a problem response is of a status the
 *   table has.
 *
 * Every mismatch is printed (with what to change), and the test fails if
 * there was any.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/strbuf.h"
#include "handlers/demo.h"
#include "handlers/resource.h"
#include "server/reply.h"
#include "server/router.h"
#include "store/store.h"

static json_t *doc;

/* The number of mismatches, each printed by mismatch(). */
static int mismatches;

static void mismatch(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("openapi mismatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	mismatches++;
}

/* The node at local reference `ref` ("#/components/schemas/Id"). */
static json_t *pointer(const char *ref)
{
	if (strncmp(ref, "#/", 2) != 0)
		return NULL;
	json_t *node = doc;
	char token[256];
	const char *p = ref + 2;
	while (node && *p) {
		size_t n = 0;
		for (; *p && *p != '/' && n + 1 < sizeof(token); p++) {
			if (p[0] == '~' && p[1] == '1') {
				token[n++] = '/';
				p++;
			} else if (p[0] == '~' && p[1] == '0') {
				token[n++] = '~';
				p++;
			} else {
				token[n++] = *p;
			}
		}
		token[n] = '\0';
		if (*p == '/')
			p++;
		node = json_object_get(node, token);
	}
	return node;
}

/* `node` with its $refs followed (NULL stays NULL). */
static json_t *deref(json_t *node)
{
	for (int i = 0; i < 32 && json_is_object(node); i++) {
		const char *ref =
			json_string_value(json_object_get(node, "$ref"));
		if (!ref)
			return node;
		json_t *next = pointer(ref);
		if (!next)
			mismatch("a $ref that leads nowhere: %s", ref);
		node = next;
	}
	return node;
}

static json_t *schema(const char *name)
{
	return deref(json_object_get(
		json_object_get(json_object_get(doc, "components"), "schemas"),
		name));
}

/* ---- routes ---- */

static const char *const doc_methods[] = {
	"get",	  "head",    "post",  "put", "patch",
	"delete", "options", "trace", NULL,
};

static enum http_method method_of(const char *lower)
{
	static const struct {
		const char *name;
		enum http_method m;
	} map[] = {
		{"get", METHOD_GET},	     {"head", METHOD_HEAD},
		{"post", METHOD_POST},	     {"put", METHOD_PUT},
		{"patch", METHOD_PATCH},     {"delete", METHOD_DELETE},
		{"options", METHOD_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, lower) == 0)
			return map[i].m;
	return 0;
}

static void lower(const char *in, char *out, size_t outsz)
{
	size_t i = 0;
	for (; in[i] && i + 1 < outsz; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

/* A path that `pattern` matches: each {name} segment made "x". */
static void concrete(const char *pattern, char *out, size_t outsz)
{
	size_t n = 0;
	for (const char *p = pattern; *p && n + 2 < outsz; p++) {
		if (*p == '{') {
			out[n++] = 'x';
			while (*p && *p != '}')
				p++;
			if (!*p)
				break;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
}

/* The route that answers `method` on the document path `path`, or NULL. */
static const struct route *route_for(const char *path, enum http_method m)
{
	char probe[ROUTER_PATH_MAX], scratch[ROUTER_PATH_MAX];
	struct request req;
	unsigned allowed = 0;
	memset(&req, 0, sizeof(req));
	concrete(path, probe, sizeof(probe));
	const struct route *r = route_match(probe, m, &req, scratch, &allowed);
	return r && strcmp(r->pattern, path) == 0 ? r : NULL;
}

static void check_routes(void)
{
	json_t *paths = json_object_get(doc, "paths");
	bool has_get = false;
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];
		char m[16];
		lower(method_name(r->method), m, sizeof(m));
		has_get |= r->method == METHOD_GET;
		if (!json_object_get(json_object_get(paths, r->pattern), m))
			mismatch("route %s %s is not in the document's paths",
				 method_name(r->method), r->pattern);
		/* HEAD is answered wherever GET is: the router's own match. */
		if (r->method == METHOD_GET &&
		    !route_for(r->pattern, METHOD_HEAD))
			mismatch("HEAD %s: the router does not answer it",
				 r->pattern);
	}
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item)
	{
		for (const char *const *m = doc_methods; *m; m++) {
			if (!json_object_get(item, *m))
				continue;
			enum http_method hm = method_of(*m);
			if (!hm || !route_for(path, hm))
				mismatch(
					"the document's %s %s is not a route of "
					"handlers/routes.c",
					*m, path);
		}
	}
	/* HEAD operations are not listed: the conventions must say it. */
	const char *conventions = json_string_value(
		json_object_get(json_object_get(doc, "info"), "description"));
	if (has_get && !(conventions && strstr(conventions, "HEAD")))
		mismatch("info.description does not say that every GET also "
			 "answers HEAD");
}

/* ---- resources ---- */

/* Adds to `out` every enum value `node` allows, through $ref, anyOf,
 * oneOf and allOf, JSON null left out. */
static void collect_enum(json_t *node, json_t *out, int depth)
{
	node = deref(node);
	if (!json_is_object(node) || depth > 8)
		return;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(node, "enum"), i,
			   v) if (!json_is_null(v)) json_array_append(out, v);
	if (json_object_get(node, "const"))
		json_array_append(out, json_object_get(node, "const"));
	static const char *const combos[] = {"anyOf", "oneOf", "allOf"};
	for (size_t c = 0; c < 3; c++)
		json_array_foreach(json_object_get(node, combos[c]), i, v)
			collect_enum(v, out, depth + 1);
}

static bool array_has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_is_string(v) &&
					strcmp(json_string_value(v), s) ==
						0) return true;
	return false;
}

/* The enum of `node` is exactly `choices`; `where` names it. */
static void check_enum(json_t *node, const char *const *choices,
		       const char *where)
{
	json_t *allowed = json_array();
	collect_enum(node, allowed, 0);
	if (json_array_size(allowed) == 0)
		mismatch("%s has no enum; the code's choices start with \"%s\"",
			 where, choices[0]);
	size_t n = 0;
	for (const char *const *c = choices; *c; c++, n++)
		if (json_array_size(allowed) && !array_has_string(allowed, *c))
			mismatch("%s: enum lacks \"%s\"", where, *c);
	size_t i;
	json_t *v;
	json_array_foreach(allowed, i, v)
	{
		bool known = false;
		for (const char *const *c = choices; *c; c++)
			known |= json_is_string(v) &&
				 strcmp(json_string_value(v), *c) == 0;
		if (!known) {
			char *text = json_dumps(v, JSON_ENCODE_ANY);
			mismatch("%s: enum has %s, which the code does not "
				 "take",
				 where, text ? text : "?");
			free(text);
		}
	}
	json_decref(allowed);
}

/* The object schema `node` stands for (through $ref, anyOf, oneOf, and
 * `items` when `list`), or NULL. */
static json_t *object_schema(json_t *node, bool list, int depth)
{
	node = deref(node);
	if (!json_is_object(node) || depth > 8)
		return NULL;
	if (list)
		return object_schema(json_object_get(node, "items"), false,
				     depth + 1);
	if (json_object_get(node, "properties"))
		return node;
	static const char *const combos[] = {"anyOf", "oneOf", "allOf"};
	for (size_t c = 0; c < 3; c++) {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(node, combos[c]), i, v)
		{
			json_t *o = object_schema(v, false, depth + 1);
			if (o)
				return o;
		}
	}
	return NULL;
}

static bool is_field(const struct field *fields, const char *name)
{
	for (const struct field *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return true;
	return false;
}

enum schema_role {
	ROLE_OUTPUT, /* as read: every field, computed and meta included */
	ROLE_INPUT,  /* as written: `required` is FIELD_REQUIRED */
	ROLE_PATCH,  /* a merge patch: nothing required */
	ROLE_NESTED, /* a nested object: as written, in every role */
};

static void check_fields(const struct field *fields, json_t *obj,
			 enum schema_role role, json_t *meta,
			 const char *where);

/* One field against the property `prop` of `where`. */
static void check_field(const struct field *f, json_t *prop, const char *where)
{
	char at[256];
	snprintf(at, sizeof(at), "%s.%s", where, f->name);
	if (f->type == FIELD_ENUM)
		check_enum(prop, f->choices, at);
	if (f->type == FIELD_OBJECT || f->type == FIELD_OBJECT_LIST) {
		json_t *sub =
			object_schema(prop, f->type == FIELD_OBJECT_LIST, 0);
		if (!sub)
			mismatch("%s is no object schema with properties "
				 "(the code has sub-fields)",
				 at);
		else
			check_fields(f->sub, sub, ROLE_NESTED, NULL, at);
	}
}

/*
 * The properties of `obj` are `fields` (the computed ones only as read)
 * and, as read, the names in `meta`; its `required` is what the role
 * requires.
 */
static void check_fields(const struct field *fields, json_t *obj,
			 enum schema_role role, json_t *meta, const char *where)
{
	json_t *props = json_object_get(obj, "properties");
	json_t *required = json_object_get(obj, "required");
	for (const struct field *f = fields; f->name; f++) {
		bool computed = f->type == FIELD_COMPUTED;
		json_t *prop = json_object_get(props, f->name);
		if (computed && role != ROLE_OUTPUT) {
			if (prop)
				mismatch("%s has property \"%s\", which the "
					 "server computes: only the output "
					 "schema has it",
					 where, f->name);
			continue;
		}
		if (!prop) {
			mismatch("%s lacks property \"%s\" (a field of the "
				 "code)",
				 where, f->name);
			continue;
		}
		check_field(f, prop, where);
		bool req = array_has_string(required, f->name);
		if (role == ROLE_OUTPUT && !req)
			mismatch("%s: \"%s\" is not in required (every field "
				 "is read back, null when unset)",
				 where, f->name);
		if ((role == ROLE_INPUT || role == ROLE_NESTED) &&
		    req != ((f->flags & FIELD_REQUIRED) != 0))
			mismatch("%s: \"%s\" is %s required, the code %s it",
				 where, f->name, req ? "" : "not",
				 req ? "does not require" : "requires");
		if (role == ROLE_PATCH && req)
			mismatch("%s: a merge patch requires nothing, yet "
				 "\"%s\" is required",
				 where, f->name);
	}
	const char *name;
	json_t *prop;
	json_object_foreach(props, name, prop)
	{
		if (is_field(fields, name))
			continue;
		if (role == ROLE_OUTPUT && meta &&
		    json_object_get(meta, name)) {
			if (!array_has_string(required, name))
				mismatch("%s: meta field \"%s\" is not in "
					 "required",
					 where, name);
			continue;
		}
		mismatch("%s has property \"%s\", which the code lacks", where,
			 name);
	}
	size_t i;
	json_t *v;
	json_array_foreach(required, i,
			   v) if (!json_object_get(props, json_string_value(v)))
		mismatch("%s requires \"%s\", not one of its "
			 "properties",
			 where, json_string_value(v));
	/* What a row renders beyond its fields must be described too. */
	json_object_foreach(meta, name, prop) if (!is_field(fields, name) &&
						  !json_object_get(props, name))
		mismatch("%s lacks property \"%s\", which the server "
			 "writes into every %s",
			 where, name, where);
}

/* The keys of the first demo row of `res` as the server renders it, or
 * NULL (printed) when it cannot be rendered. */
static json_t *rendered_row(struct store *st, const struct resource *res)
{
	struct store_stmt *s = store_prepare(st, res->sql.list_head);
	if (!s) {
		mismatch("%s: cannot prepare its list SQL", res->name);
		return NULL;
	}
	store_bind_int64_named(s, ":after", 0);
	json_t *row = NULL;
	struct strbuf out = STRBUF_INIT;
	if (store_step(s) == STORE_ROW &&
	    resource_render(st, res, s, &out) == STORE_OK && out.len)
		row = json_loadb(out.buf, out.len, 0, NULL);
	store_reset(s);
	strbuf_release(&out);
	CHECK(row != NULL);
	return row;
}

/* The query parameters of `op` and its path item, dereferenced. */
static void query_params(json_t *item, json_t *op, json_t *out)
{
	json_t *lists[2] = {json_object_get(item, "parameters"),
			    json_object_get(op, "parameters")};
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *p;
		json_array_foreach(lists[l], i, p)
		{
			p = deref(p);
			const char *in =
				json_string_value(json_object_get(p, "in"));
			const char *name =
				json_string_value(json_object_get(p, "name"));
			if (in && name && strcmp(in, "query") == 0)
				json_object_set(out, name, p);
		}
	}
}

static void check_filters(const struct resource *res)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/%s", res->collection);
	json_t *item = json_object_get(json_object_get(doc, "paths"), path);
	json_t *op = json_object_get(item, "get");
	if (!op)
		return; /* reported with the routes */
	json_t *params = json_object();
	query_params(item, op, params);
	for (const struct filter *f = res->filters; f && f->param; f++)
		if (!json_object_get(params, f->param))
			mismatch(
				"GET %s lacks query parameter \"%s\" (a filter "
				"of the code)",
				path, f->param);
	const char *name;
	json_t *p;
	json_object_foreach(params, name, p)
	{
		bool known = strcmp(name, "limit") == 0 ||
			     strcmp(name, "cursor") == 0;
		for (const struct filter *f = res->filters; f && f->param; f++)
			known |= strcmp(f->param, name) == 0;
		if (!known) {
			mismatch("GET %s has query parameter \"%s\", which is "
				 "no filter of the code",
				 path, name);
			continue;
		}
		/* A filter on an enum field takes the field's choices. */
		for (const struct field *fl = res->fields; fl->name; fl++)
			if (fl->type == FIELD_ENUM &&
			    strcmp(fl->name, name) == 0) {
				char at[160];
				snprintf(at, sizeof(at), "GET %s ?%s", path,
					 name);
				check_enum(json_object_get(p, "schema"),
					   fl->choices, at);
			}
	}
	json_decref(params);
}

static void check_resource(struct store *st, const struct resource *res)
{
	char name[64], input[80], patch[80];
	snprintf(name, sizeof(name), "%s", res->name);
	name[0] = (char)toupper((unsigned char)name[0]);
	snprintf(input, sizeof(input), "%sInput", name);
	snprintf(patch, sizeof(patch), "%sPatch", name);

	/* The meta fields: what a rendered row has beyond its fields. */
	json_t *row = rendered_row(st, res);
	json_t *meta = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(row, key, v) if (!is_field(res->fields, key))
		json_object_set_new(meta, key, json_true());

	const char *names[3] = {name, input, patch};
	enum schema_role roles[3] = {ROLE_OUTPUT, ROLE_INPUT, ROLE_PATCH};
	for (int i = 0; i < 3; i++) {
		json_t *s = schema(names[i]);
		if (!json_is_object(s))
			mismatch("components/schemas/%s is missing (the %s "
				 "resource)",
				 names[i], res->name);
		else
			check_fields(res->fields, s, roles[i],
				     roles[i] == ROLE_OUTPUT ? meta : NULL,
				     names[i]);
	}
	check_filters(res);
	json_decref(meta);
	json_decref(row);
}

/* ---- problems ---- */

static json_t *pinned(json_t *branch, const char *prop)
{
	return json_object_get(
		deref(json_object_get(json_object_get(branch, "properties"),
				      prop)),
		"const");
}

/* Every "/problems/<slug>" in any string of `node` is in the table. */
static void check_problem_mentions(json_t *node, const char *where)
{
	if (json_is_string(node)) {
		const char *s = json_string_value(node);
		for (const char *p = strstr(s, "/problems/"); p;
		     p = strstr(p + 1, "/problems/")) {
			size_t n = strlen("/problems/");
			while (p[n] == '-' || islower((unsigned char)p[n]))
				n++;
			bool known = n == strlen("/problems/"); /* a <slug> */
			for (size_t i = 0; i < problem_type_count(); i++) {
				const char *t = problem_info(i)->type;
				known |=
					strlen(t) == n && strncmp(t, p, n) == 0;
			}
			if (!known)
				mismatch("%s names problem type %.*s, which "
					 "server/reply.c lacks",
					 where, (int)n, p);
		}
	} else if (json_is_object(node)) {
		const char *k;
		json_t *v;
		json_object_foreach(node, k, v)
		{
			char at[512];
			snprintf(at, sizeof(at), "%s/%s", where, k);
			check_problem_mentions(v, at);
		}
	} else if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v)
		{
			char at[512];
			snprintf(at, sizeof(at), "%s/%zu", where, i);
			check_problem_mentions(v, at);
		}
	}
}

static bool is_problem_response(json_t *response)
{
	return json_object_get(json_object_get(deref(response), "content"),
			       "application/problem+json") != NULL;
}

static void check_problems(void)
{
	json_t *problem = schema("Problem");
	json_t *branches = json_object_get(problem, "oneOf");
	if (!json_is_array(branches))
		mismatch("components/schemas/Problem has no oneOf: one branch "
			 "per problem type, pinning type, title and status");

	/* The table, row by row, in the Problem schema. */
	for (size_t i = 0; i < problem_type_count(); i++) {
		const struct problem_info *p = problem_info(i);
		json_t *found = NULL;
		size_t j;
		json_t *b;
		json_array_foreach(branches, j, b)
		{
			json_t *t = pinned(deref(b), "type");
			if (json_is_string(t) &&
			    strcmp(json_string_value(t), p->type) == 0)
				found = deref(b);
		}
		if (!found) {
			mismatch("Problem has no branch for type %s (%d %s)",
				 p->type, p->status, p->title);
			continue;
		}
		json_t *status = pinned(found, "status");
		json_t *title = pinned(found, "title");
		if (!json_is_integer(status) ||
		    json_integer_value(status) != p->status)
			mismatch(
				"Problem branch %s: status is not pinned to %d",
				p->type, p->status);
		if (!json_is_string(title) ||
		    strcmp(json_string_value(title), p->title) != 0)
			mismatch("Problem branch %s: title is not pinned to "
				 "\"%s\"",
				 p->type, p->title);
	}
	size_t j;
	json_t *b;
	json_array_foreach(branches, j, b)
	{
		json_t *t = pinned(deref(b), "type");
		if (!json_is_string(t))
			mismatch("Problem branch %zu pins no type", j);
	}
	/* Anywhere else: examples, descriptions. */
	check_problem_mentions(doc, "#");

	/* Statuses: where operations answer them. */
	int body_status = problem_info(PROBLEM_REQUEST_TIMEOUT)->status;
	json_t *answered = json_object(); /* status -> true */
	const char *path;
	json_t *item;
	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		for (const char *const *m = doc_methods; *m; m++) {
			json_t *op = json_object_get(item, *m);
			if (!op)
				continue;
			json_t *responses = json_object_get(op, "responses");
			const char *code;
			json_t *r;
			json_object_foreach(responses, code, r)
			{
				json_object_set_new(answered, code,
						    json_true());
				if (!is_problem_response(r))
					continue;
				bool known = false;
				for (size_t i = 0; i < problem_type_count();
				     i++)
					known |= atoi(code) ==
						 problem_info(i)->status;
				if (!known)
					mismatch("%s %s answers a problem "
						 "document with status %s, "
						 "which no problem type has",
						 *m, path, code);
			}
			char want[8];
			snprintf(want, sizeof(want), "%d", body_status);
			if (json_object_get(op, "requestBody") &&
			    !is_problem_response(
				    json_object_get(responses, want)))
				mismatch("%s %s takes a body but does not list "
					 "%s (%s: the body may come too "
					 "slowly)",
					 *m, path, want,
					 problem_info(PROBLEM_REQUEST_TIMEOUT)
						 ->type);
		}
	}
	for (size_t i = 0; i < problem_type_count(); i++) {
		/* 405 answers methods that are not operations of a path:
		 * no operation can list it; the Problem schema has it. */
		if (i == PROBLEM_METHOD_NOT_ALLOWED)
			continue;
		char code[8];
		snprintf(code, sizeof(code), "%d", problem_info(i)->status);
		if (!json_object_get(answered, code))
			mismatch("no operation lists status %s (%s)", code,
				 problem_info(i)->type);
	}
	json_decref(answered);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s web/openapi.json\n", argv[0]);
		return 2;
	}
	json_error_t jerr;
	doc = json_load_file(argv[1], JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		fprintf(stderr, "%s:%d: %s\n", argv[1], jerr.line, jerr.text);
		return 1;
	}

	char err[256];
	struct store *st = store_open(":memory:", err, sizeof(err));
	CHECK(st != NULL);
	if (!st) {
		fprintf(stderr, "store_open: %s\n", err);
		return 1;
	}
	CHECK_INT_EQ(store_migrate(st, err, sizeof(err)), STORE_OK);
	char msg[512];
	CHECK_INT_EQ(demo_load(st, msg, sizeof(msg)), DEMO_LOADED);

	check_routes();
	const struct resource *const resources[] = {
		&actor_resource,
		&source_resource,
		&event_resource,
		&claim_resource,
	};
	for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++)
		check_resource(st, resources[i]);
	check_problems();

	store_close(st);
	json_decref(doc);
	if (mismatches)
		fprintf(stderr, "%d mismatches between %s and the code\n",
			mismatches, argv[1]);
	CHECK_INT_EQ(mismatches, 0);
	return check_finish();
}
