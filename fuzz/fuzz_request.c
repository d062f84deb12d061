/*
 * A libFuzzer harness for the request path: it turns each input into an
 * HTTP request (method, target, a few headers, a body; the format is in
 * fuzz/README.md), runs it through the server's own request path
 * (server/serve.h, which server/http.c calls too: route_match, the query
 * rules, body intake, the key check, the handler) on an in-memory store
 * that holds the demo data, and then checks the reply against invariants
 * every reply must keep.  A broken invariant is an abort(), which libFuzzer
 * reports as a crash with the input that caused it.
 *
 * What libmicrohttpd does before the access handler is modelled here:
 * the path and the query are percent-decoded leniently (a bad escape stays
 * as it is), '+' is a space in the query only, a decoded NUL ends the
 * string.  A path that is not UTF-8 is a 400 before routing, as in
 * begin_request.  Everything after that (the method allowlist, UTF-8,
 * the query's escapes, media types, intake, keys) is the server's code in
 * server/serve.c and server/intake.c, not a copy of it.
 *
 * The store lives in memory, migrated and loaded with the demo data, and
 * is made again every FUZZ_RECYCLE_INPUTS inputs or FUZZ_RECYCLE_WRITES
 * successful writes so that it stays small.  It is a named shared-cache
 * in-memory database (FUZZ_DB) rather than ":memory:" because GET
 * /v1/export opens a connection of its own on store_thread_path(); with
 * ":memory:" that connection would see an empty database.  With FUZZ_FRESH=1 in the
 * environment every input gets a fresh store: slower, but a reproducer
 * then depends on nothing that ran before it.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/ids.h"
#include "handlers/demo.h"
#include "server/intake.h"
#include "server/keys.h"
#include "server/reply.h"
#include "server/router.h"
#include "server/serve.h"
#include "store/store.h"

/* SQLite takes URI filenames by default on Debian (USE_URI). */
#define FUZZ_DB "file:claimline-fuzz?mode=memory&cache=shared"
#define FUZZ_RECYCLE_INPUTS 2000
#define FUZZ_RECYCLE_WRITES 300
#define FUZZ_MAX_HEADERS 8
/* A streamed body (export) is read up to this much, then abandoned. */
#define FUZZ_STREAM_MAX (8 * 1024 * 1024)

static struct store *fuzz_store;
static unsigned long inputs_on_store, writes_on_store;
static bool fresh_each;
static bool verbose; /* FUZZ_VERBOSE=1: one line per input on stderr */
static const char *current_path; /* the decoded path of this input */
/* Findings already reported (fuzz/crashes/) may be let through by a
 * check that tests `!strict`, so that a campaign goes on past them;
 * FUZZ_STRICT=1 (fuzz/run --replay) never lets them through.  None is
 * open now. */
static bool strict;

/* Reports a broken invariant and aborts, so that libFuzzer keeps the
 * input.  `rep` (may be NULL) is printed to show what was answered. */
static void fuzz_fail(const struct reply *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void fuzz_fail(const struct reply *rep, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz: invariant broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (current_path)
		fprintf(stderr, "fuzz: request path: %s\n", current_path);
	if (rep && rep->body) {
		char *text =
			json_dumps(rep->body, JSON_COMPACT | JSON_ENCODE_ANY);
		fprintf(stderr, "fuzz: reply %d body: %s\n", rep->status,
			text ? text : "(not serializable)");
		free(text);
	}
	abort();
}

/* ---- the store ---- */

static void fuzz_store_renew(void)
{
	char err[256];
	if (fuzz_store)
		store_close(fuzz_store);
	/* The last connection closing frees the old database. */
	fuzz_store = store_open(FUZZ_DB, err, sizeof(err));
	if (!fuzz_store)
		fuzz_fail(NULL, "store_open: %s", err);
	if (store_migrate(fuzz_store, err, sizeof(err)) != STORE_OK)
		fuzz_fail(NULL, "store_migrate: %s", err);
	if (demo_load(fuzz_store, err, sizeof(err)) != DEMO_LOADED)
		fuzz_fail(NULL, "demo_load: %s", err);
	inputs_on_store = writes_on_store = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *fresh = getenv("FUZZ_FRESH");
	fresh_each = fresh && *fresh && strcmp(fresh, "0") != 0;
	const char *v = getenv("FUZZ_VERBOSE");
	verbose = v && *v && strcmp(v, "0") != 0;
	v = getenv("FUZZ_STRICT");
	strict = v && *v && strcmp(v, "0") != 0;
	if (store_thread_init(FUZZ_DB) != 0)
		fuzz_fail(NULL, "store_thread_init failed");
	/* The server never calls sodium_init() when it serves (only
	 * `claimline keys` does); neither do we, to run what it runs. */
	fuzz_store_renew();
	return 0;
}

/* ---- what the front end (and libmicrohttpd before it) does ---- */

/* The checks themselves are the server's (server/serve.h); only what
 * libmicrohttpd does before them is modelled here. */

static int hex_value(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* libmicrohttpd's lenient percent-decoding, in place: "%HH" becomes the
 * byte, anything else stays; a decoded NUL ends the C string, as it does
 * for the strings MHD hands over.  With `plus`, '+' is a space first
 * (MHD_unescape_plus, query arguments only). */
static void mhd_unescape(char *s, bool plus)
{
	char *w = s;
	for (const char *r = s; *r;) {
		int hi = r[0] == '%' ? hex_value(r[1]) : -1;
		int lo = hi >= 0 ? hex_value(r[2]) : -1;
		if (lo >= 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else {
			*w++ = plus && *r == '+' ? ' ' : *r;
			r++;
		}
	}
	*w = '\0';
}

/* MHD_parse_arguments_: splits `args` (modified) on '&' and '=' and
 * decodes each key and value.  A key without '=' has no value (the front
 * end's collect_query makes that "").  Like collect_query, stops taking
 * parameters at REQUEST_MAX_QUERY; returns false then. */
static bool mhd_parse_query(char *args, struct request *req)
{
	while (args && *args) {
		char *amp = strchr(args, '&');
		char *eq = strchr(args, '=');
		char *next = NULL;
		if (amp) {
			*amp = '\0';
			next = amp + 1;
		}
		const char *value = "";
		if (eq && (!amp || eq < amp)) {
			*eq = '\0';
			mhd_unescape(eq + 1, true);
			value = eq + 1;
		}
		mhd_unescape(args, true);
		if (req->nquery == REQUEST_MAX_QUERY)
			return false;
		req->query[req->nquery].key = args;
		req->query[req->nquery].value = value;
		req->nquery++;
		args = next;
	}
	return true;
}

/* ---- the fuzz input ---- */

struct fuzz_header {
	char *name;
	char *value;
};

struct fuzz_input {
	char *head;	 /* owned: the head, NUL-terminated, cut into pieces */
	char *method;	 /* into head */
	char *target;	 /* owned: the raw target after '@' expansion */
	char *path;	 /* owned: the decoded path */
	char *raw_query; /* into target, or NULL */
	char *query;	 /* owned: a copy of raw_query that parsing cuts up */
	struct fuzz_header headers[FUZZ_MAX_HEADERS];
	size_t nheaders;
	char *body; /* owned, exactly body_len bytes, no terminator */
	size_t body_len;
};

/* Ids the '@' shorthand puts into {..} segments: the demo's, and some
 * that are not valid ids.  Raw targets: they are percent-decoded next. */
static const char *const fuzz_ids[] = {
	"ru",
	"kp",
	"ua",
	"un",
	"kr",
	"unsc",
	"kp-cmc",
	"kr-mofa",
	"ru-gerasimov",
	"ru-putin",
	"ua-af",
	"src-nk-troops",
	"intl-sources",
	"evt-kursk-op",
	"evt-kp-troops-russia",
	"evt-kp-confirmation",
	"evt-kursk-op-completion",
	"evt-kp-ru-partnership",
	"clm-gerasimov-kursk",
	"clm-cmc-troops-sent",
	"clm-kr-mofa-condemns",
	"clm-intl-troop-estimate",
	"clm-uaaf-kursk-continuing",
	"clm-cmc-kursk-success",
	"rel-cmc-confirms-estimate",
	"rel-kursk-completion-dispute",
	"rel-kr-condemns-admission",
	"missing",
	"x",
	"Bad%20Id",
	"%2e%2e",
	"a%2Fb",
	"%C3%BC",
	"%FF",
	"a%00b",
	"-a",
	"a.b_c-d",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"app.js",
	"style.css",
	"index.html",
	"favicon.svg",
};
#define FUZZ_NIDS (sizeof(fuzz_ids) / sizeof(fuzz_ids[0]))

/* "@RAB<rest>": the pattern of route_table[R % route_count] with its
 * first {..} replaced by fuzz_ids[A % n] and the others by fuzz_ids[B % n],
 * followed by <rest>.  New string (malloc). */
static char *expand_target(const char *t)
{
	if (t[0] != '@' || !t[1] || !t[2] || !t[3])
		return strdup(t);
	const char *pattern =
		route_table[(unsigned char)t[1] % route_count].pattern;
	const char *id[2] = {fuzz_ids[(unsigned char)t[2] % FUZZ_NIDS],
			     fuzz_ids[(unsigned char)t[3] % FUZZ_NIDS]};
	size_t cap = strlen(pattern) + 2 * 80 + strlen(t) + 1, n = 0, used = 0;
	char *out = malloc(cap);
	if (!out)
		abort();
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *v = id[used ? 1 : 0];
			used++;
			n += (size_t)snprintf(out + n, cap - n, "%s", v);
			p = strchr(p, '}');
			p = p ? p + 1 : p + strlen(p);
		} else {
			out[n++] = *p++;
		}
	}
	snprintf(out + n, cap - n, "%s", t + 4);
	return out;
}

static void trim(char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
	size_t n = strlen(*s);
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' ||
		     (*s)[n - 1] == '\r'))
		(*s)[--n] = '\0';
}

/* Splits the input; false for inputs no HTTP parser would pass on (a NUL
 * in the head). */
static bool fuzz_input_parse(const uint8_t *data, size_t size,
			     struct fuzz_input *in)
{
	memset(in, 0, sizeof(*in));
	size_t head_len = size, body_at = size;
	for (size_t i = 0; i + 1 < size; i++) {
		if (data[i] == '\n' && data[i + 1] == '\n') {
			head_len = i;
			body_at = i + 2;
			break;
		}
		if (i + 3 < size && memcmp(data + i, "\n\r\n", 3) == 0) {
			head_len = i;
			body_at = i + 3;
			break;
		}
	}
	if (memchr(data, '\0', head_len))
		return false;
	in->head = malloc(head_len + 1);
	if (!in->head)
		abort();
	memcpy(in->head, data, head_len);
	in->head[head_len] = '\0';
	if (body_at < size) {
		in->body_len = size - body_at;
		in->body = malloc(in->body_len);
		if (!in->body)
			abort();
		memcpy(in->body, data + body_at, in->body_len);
	}

	/* The request line: METHOD SP TARGET. */
	char *line = in->head, *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char *rest = nl ? nl + 1 : NULL;
	size_t ll = strlen(line);
	if (ll && line[ll - 1] == '\r')
		line[ll - 1] = '\0';
	char *sp = strchr(line, ' ');
	in->method = line;
	const char *target = "/";
	if (sp) {
		*sp = '\0';
		target = sp + 1;
	}
	in->target = expand_target(target);
	char *q = strchr(in->target, '?');
	size_t path_len = q ? (size_t)(q - in->target) : strlen(in->target);
	in->path = strndup(in->target, path_len);
	if (!in->path)
		abort();
	mhd_unescape(in->path, false);
	if (q) {
		in->raw_query = q + 1;
		in->query = strdup(q + 1);
		if (!in->query)
			abort();
	}

	/* Headers: "Name: value" lines; others are ignored. */
	while (rest && *rest) {
		line = rest;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		rest = nl ? nl + 1 : NULL;
		char *colon = strchr(line, ':');
		if (!colon || in->nheaders == FUZZ_MAX_HEADERS)
			continue;
		*colon = '\0';
		char *name = line, *value = colon + 1;
		trim(&name);
		trim(&value);
		in->headers[in->nheaders].name = name;
		in->headers[in->nheaders].value = value;
		in->nheaders++;
	}
	return true;
}

static void fuzz_input_free(struct fuzz_input *in)
{
	free(in->head);
	free(in->target);
	free(in->path);
	free(in->query);
	free(in->body);
}

/* The first header of that name, case-insensitive, like MHD. */
static const char *fuzz_header_lookup(void *cookie, const char *name)
{
	const struct fuzz_input *in = cookie;
	for (size_t i = 0; i < in->nheaders; i++)
		if (strcasecmp(in->headers[i].name, name) == 0)
			return in->headers[i].value;
	return NULL;
}

/* ---- invariants ---- */

static bool status_known(int s)
{
	static const int known[] = {200, 201, 204, 304, 400, 401, 403,
				    404, 405, 409, 412, 413, 415, 422};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (s == known[i])
			return true;
	return false;
}

/* The body serializes, parses back and is the same value. */
static void check_json_value(const struct reply *rep, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		fuzz_fail(rep, "status %d: the body does not serialize",
			  rep->status);
	json_error_t jerr;
	json_t *back = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (!back)
		fuzz_fail(rep, "status %d: the body is not valid JSON: %s",
			  rep->status, jerr.text);
	if (!json_equal(v, back))
		fuzz_fail(rep, "status %d: the body changes when parsed back",
			  rep->status);
	json_decref(back);
	free(text);
}

static void check_json_text(const struct reply *rep, const char *text,
			    size_t len, const char *what)
{
	json_error_t jerr;
	json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
	if (!v)
		fuzz_fail(rep, "status %d: %s is not valid JSON: %s (%.*s)",
			  rep->status, what, jerr.text,
			  (int)(len < 200 ? len : 200), text);
	json_decref(v);
}

static void check_problem(const struct reply *rep)
{
	json_t *b = rep->body;
	if (!json_is_object(b))
		fuzz_fail(rep, "status %d without a problem document",
			  rep->status);
	if (!json_is_string(json_object_get(b, "type")) ||
	    !json_is_string(json_object_get(b, "title")) ||
	    !json_is_string(json_object_get(b, "detail")) ||
	    json_integer_value(json_object_get(b, "status")) != rep->status)
		fuzz_fail(rep,
			  "status %d: problem without type/title/status/"
			  "detail, or another status",
			  rep->status);
	if (!rep->content_type ||
	    strcmp(rep->content_type, "application/problem+json") != 0)
		fuzz_fail(rep, "status %d: problem sent as %s", rep->status,
			  rep->content_type ? rep->content_type : "(none)");
}

/* Reads a streamed body to its end (or FUZZ_STREAM_MAX); NDJSON lines
 * must each parse. */
static void check_stream(struct reply *rep)
{
	size_t cap = 64 * 1024, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		if (len + 16 * 1024 > cap) {
			if (cap >= FUZZ_STREAM_MAX)
				break;
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		long n = rep->stream->read(rep->stream->cookie, buf + len,
					   cap - len);
		if (n < 0)
			fuzz_fail(rep, "status %d: the stream failed",
				  rep->status);
		if (n == 0)
			break;
		if ((size_t)n > cap - len)
			fuzz_fail(rep, "the stream wrote past its buffer");
		len += (size_t)n;
	}
	bool ndjson = rep->content_type &&
		      strstr(rep->content_type, "ndjson") != NULL;
	for (size_t at = 0; ndjson && at < len;) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;
		if (!nl && cap >= FUZZ_STREAM_MAX)
			break; /* cut short by us */
		if (n)
			check_json_text(rep, buf + at, n, "an NDJSON line");
		at += n + 1;
	}
	free(buf);
}

static void check_reply(struct reply *rep)
{
	int s = rep->status;
	if (s == 500 || s == 503)
		fuzz_fail(rep, "status %d on an in-memory store", s);
	if (!status_known(s))
		fuzz_fail(rep, "status %d is not one the API answers", s);
	for (size_t i = 0; i < rep->nheaders; i++) {
		const char *n = rep->headers[i].name,
			   *v = rep->headers[i].value;
		if (!n || !*n || !v)
			fuzz_fail(rep, "header %zu without a name or value", i);
		for (const unsigned char *p = (const unsigned char *)v; *p; p++)
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				fuzz_fail(rep,
					  "header %s has control byte 0x%02x",
					  n, *p);
	}
	int bodies = !!rep->body + !!rep->raw + !!rep->stream;
	if (bodies > 1)
		fuzz_fail(rep, "status %d with more than one body", s);
	if ((s == 204 || s == 304) && bodies)
		fuzz_fail(rep, "status %d with a body", s);
	if (rep->body)
		check_json_value(rep, rep->body);
	if (s >= 400)
		check_problem(rep);
	if (rep->raw && rep->content_type &&
	    strncmp(rep->content_type, "application/json", 16) == 0)
		check_json_text(rep, rep->raw, rep->raw_len, "the raw body");
	if (rep->stream)
		check_stream(rep);
}

/* ---- one request ---- */

/* What the access handler does, through the server's own request path
 * (server/serve.h); fills `rep`.  Writes run here rather than on a writer
 * thread. */
static void run_request(struct fuzz_input *in, struct reply *rep)
{
	struct request req = {0};
	char scratch[ROUTER_PATH_MAX];
	unsigned allowed = 0;
	json_t *body = NULL;

	req.path = in->path;
	req.method = http_method_parse(in->method);
	/* begin_request: a path that is not UTF-8 is refused first. */
	if (!intake_utf8_valid((const unsigned char *)in->path)) {
		reply_problem(rep, PROBLEM_BAD_REQUEST,
			      "the path is not UTF-8");
		return;
	}
	const struct route *route =
		route_match(in->path, req.method, &req, scratch, &allowed);
	if (!route) {
		serve_unrouted(&req, allowed, rep);
		return;
	}
	/* begin_request: the media type (absent counts as the right one,
	 * so that inputs need not spell it out). */
	const char *type = fuzz_header_lookup(in, "Content-Type");
	if (http_method_takes_body(req.method) && type &&
	    !serve_media_type_ok(route, req.method, type, rep))
		return;

	/* finish_request: the query as libmicrohttpd hands it over, then
	 * the server's checks.  A request without a key may write, as if
	 * it held a write key. */
	struct serve_input si = {
		.route = route,
		.raw_query = in->raw_query,
		.query_overflow = !mhd_parse_query(in->query, &req),
		.body = in->body,
		.len = in->body_len,
		.store = fuzz_store,
		.anonymous = SCOPE_WRITE,
	};
	req.header_lookup = fuzz_header_lookup;
	req.header_cookie = in;
	if (serve_prepare(&si, &req, rep, &body) == SERVE_REPLY) {
		json_decref(body);
		return;
	}

	/* The handler; a long poll is woken at once as if the server were
	 * stopping, so it must answer on the next call. */
	for (int round = 0;; round++) {
		int status = route->handler(&req, rep);
		if (status != rep->status)
			fuzz_fail(rep, "%s returned %d but replied %d",
				  route->pattern, status, rep->status);
		if (rep->status != 0 || !rep->wait_until_ms)
			break;
		if (round == 1)
			fuzz_fail(rep, "%s still waits when stopping",
				  route->pattern);
		req.wait_deadline_ms = rep->wait_until_ms;
		req.stopping = true;
		reply_release(rep);
		reply_init(rep);
	}
	if (rep->status == 0)
		fuzz_fail(rep, "%s gave no reply (the front end sends 500)",
			  route->pattern);
	if (req.method != METHOD_GET && req.method != METHOD_HEAD &&
	    rep->status / 100 == 2)
		writes_on_store++;
	json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	if (!fuzz_input_parse(data, size, &in)) {
		fuzz_input_free(&in);
		return 0;
	}
	if (fresh_each || inputs_on_store >= FUZZ_RECYCLE_INPUTS ||
	    writes_on_store >= FUZZ_RECYCLE_WRITES)
		fuzz_store_renew();
	inputs_on_store++;

	struct reply rep;
	reply_init(&rep);
	current_path = in.path;
	run_request(&in, &rep);
	if (verbose)
		fprintf(stderr, "fuzz: %s %s%s%s -> %d\n", in.method, in.path,
			in.raw_query ? "?" : "",
			in.raw_query ? in.raw_query : "", rep.status);
	if (verbose && rep.body && rep.status >= 400) {
		char *text = json_dumps(rep.body, JSON_COMPACT);
		fprintf(stderr, "fuzz:   %s\n", text ? text : "");
		free(text);
	}
	check_reply(&rep);
	reply_release(&rep);
	fuzz_input_free(&in);
	return 0;
}
