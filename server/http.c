/*
 * The front end.  libmicrohttpd calls access_handler several times per
 * request: first with the headers (we route, and refuse at once what we
 * can: unknown path, wrong method, wrong media type, a Content-Length over
 * the limit), then with pieces of the body (buffered up to the limit and
 * no further), then once more to answer.  Handlers never see MHD: they get
 * a struct request and fill a struct reply, which send_reply() turns into
 * the HTTP response.
 */
#include "server/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/router.h"
#include "store/store.h"

#define JSON_MAX_DEPTH 32
/* A chunked body past the limit is read and dropped so that the client
 * gets its 413; past this many times the limit we stop listening. */
#define DISCARD_FACTOR 16

struct http_server {
	struct MHD_Daemon *daemon;
	int port;
	size_t body_limit;
};

/* Per-request state, from the URI callback to the completed callback. */
struct conn_state {
	bool started;   /* the access handler has seen this request */
	char *raw_uri;  /* as received, before MHD decoded it; owned */
	const struct route *route;
	struct request req;
	char scratch[ROUTER_PATH_MAX];
	char *body;
	size_t len, cap;
	size_t received;
	bool too_large;
	unsigned allowed; /* methods the path has, when not routed */
	const char *method; /* as sent; MHD keeps it for the request */
	struct timespec started_at;
};

static enum http_method parse_method(const char *m)
{
	static const struct {
		const char *name;
		enum http_method method;
	} methods[] = {
		{"GET", METHOD_GET},       {"HEAD", METHOD_HEAD},
		{"POST", METHOD_POST},     {"PUT", METHOD_PUT},
		{"PATCH", METHOD_PATCH},   {"DELETE", METHOD_DELETE},
		{"OPTIONS", METHOD_OPTIONS},
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(m, methods[i].name) == 0)
			return methods[i].method;
	return 0;
}

static bool method_takes_body(enum http_method m)
{
	return m == METHOD_POST || m == METHOD_PUT || m == METHOD_PATCH;
}

/* ---- JSON bodies ---- */

/* Deepest nesting of arrays and objects, counted outside strings; stops
 * counting once past `limit`. */
static int json_depth(const char *s, size_t len, int limit)
{
	int depth = 0, max = 0;
	bool in_string = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				max = depth;
			if (max > limit)
				return max;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return max;
}

json_t *http_parse_json(const char *data, size_t len, char *why, size_t whysz)
{
	if (len == 0) {
		snprintf(why, whysz, "the request body is empty");
		return NULL;
	}
	if (json_depth(data, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH) {
		snprintf(why, whysz, "nested deeper than %d levels",
			 JSON_MAX_DEPTH);
		return NULL;
	}
	json_error_t jerr;
	json_t *v = json_loadb(data, len,
			       JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!v)
		snprintf(why, whysz, "%s (line %d, column %d)", jerr.text,
			 jerr.line, jerr.column);
	return v;
}

/* ---- replies ---- */

static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct reply *rep)
{
	char *text = rep->body ? json_dumps(rep->body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : rep->raw_len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, text ? text : rep->raw ? (char *)rep->raw : (char *)"",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (text || rep->raw)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					rep->content_type ? rep->content_type
							  : "application/json");
	for (size_t i = 0; i < rep->nheaders; i++)
		MHD_add_response_header(resp, rep->headers[i].name,
					rep->headers[i].value);
	enum MHD_Result ret =
		MHD_queue_response(conn, (unsigned)rep->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void log_request(const struct conn_state *cs, int status)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - cs->started_at.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - cs->started_at.tv_nsec) / 1e6;
	json_t *line = json_pack("{s:s, s:s, s:i, s:f}", "method",
				 cs->method ? cs->method : "", "path",
				 cs->req.path ? cs->req.path : "", "status",
				 status, "duration_ms", ms);
	char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(4));
	if (text)
		fprintf(stderr, "%s\n", text);
	free(text);
	json_decref(line);
}

/* Answers a problem at once and logs nothing more about the body. */
static enum MHD_Result send_problem(struct MHD_Connection *conn,
				    struct conn_state *cs, enum problem kind,
				    const char *detail)
{
	struct reply rep;
	reply_init(&rep);
	reply_problem(&rep, kind, "%s", detail);
	if (kind == PROBLEM_METHOD_NOT_ALLOWED) {
		char allow[128];
		unsigned allowed = 0;
		route_match(cs->req.path, cs->req.method, &(struct request){0},
			    cs->scratch, &allowed);
		route_allow_header(allowed, allow, sizeof(allow));
		reply_header(&rep, "Allow", allow);
	}
	log_request(cs, rep.status);
	enum MHD_Result ret = send_reply(conn, &rep);
	reply_release(&rep);
	return ret;
}

/* ---- the access handler ---- */

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	(void)kind;
	struct request *req = cls;
	if (req->nquery == REQUEST_MAX_QUERY)
		return MHD_NO;
	req->query[req->nquery].key = key;
	req->query[req->nquery].value = value ? value : "";
	req->nquery++;
	return MHD_YES;
}

static bool media_type_is(const char *header, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(header, type, n) != 0)
		return false;
	const char *rest = header + n;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return *rest == '\0' || *rest == ';';
}

/* Answers a request the router found no route for: 404, 405 with Allow,
 * or the Allow list for OPTIONS. */
static enum MHD_Result send_unrouted(struct MHD_Connection *conn,
				     struct conn_state *cs)
{
	if (!cs->allowed)
		return send_problem(conn, cs, PROBLEM_NOT_FOUND,
				    "no such path");
	if (cs->req.method != METHOD_OPTIONS)
		return send_problem(conn, cs, PROBLEM_METHOD_NOT_ALLOWED,
				    "this path does not take that method");
	struct reply rep;
	char allow[128];
	reply_init(&rep);
	reply_json(&rep, 204, NULL);
	route_allow_header(cs->allowed | METHOD_OPTIONS, allow, sizeof(allow));
	reply_header(&rep, "Allow", allow);
	log_request(cs, rep.status);
	enum MHD_Result ret = send_reply(conn, &rep);
	reply_release(&rep);
	return ret;
}

/* The first call: route, and refuse at once what a body cannot change, so
 * that a client does not send a body for nothing.  Requests without a body
 * are answered on the last call, which keeps the connection alive. */
static enum MHD_Result begin_request(struct http_server *srv,
				     struct MHD_Connection *conn,
				     struct conn_state *cs, const char *url,
				     const char *method)
{
	cs->req.path = url;
	cs->method = method;
	cs->req.method = parse_method(method);
	cs->route = route_match(url, cs->req.method, &cs->req, cs->scratch,
				&cs->allowed);
	if (!method_takes_body(cs->req.method))
		return MHD_YES;
	if (!cs->route)
		return send_unrouted(conn, cs);
	const char *length = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length) {
		char *end = NULL;
		errno = 0;
		unsigned long long n = strtoull(length, &end, 10);
		if (errno || *end || n > srv->body_limit) {
			char detail[96];
			snprintf(detail, sizeof(detail),
				 "the body is larger than %zu bytes",
				 srv->body_limit);
			return send_problem(conn, cs,
					    PROBLEM_PAYLOAD_TOO_LARGE, detail);
		}
	}
	const char *type = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool json = type && media_type_is(type, "application/json");
	bool patch = type && media_type_is(type, "application/merge-patch+json");
	if (cs->req.method == METHOD_PATCH ? !(json || patch) : !json)
		return send_problem(
			conn, cs, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
			cs->req.method == METHOD_PATCH
				? "send application/merge-patch+json or "
				  "application/json"
				: "send application/json");
	return MHD_YES;
}

/* A piece of the body: keep it while under the limit, drop it after. */
static enum MHD_Result take_upload(struct http_server *srv,
				   struct conn_state *cs, const char *data,
				   size_t size)
{
	cs->received += size;
	if (cs->too_large || cs->len + size > srv->body_limit) {
		cs->too_large = true;
		free(cs->body);
		cs->body = NULL;
		cs->len = cs->cap = 0;
		return cs->received > srv->body_limit * DISCARD_FACTOR ? MHD_NO
								       : MHD_YES;
	}
	if (cs->len + size > cs->cap) {
		size_t cap = cs->cap ? cs->cap : 4096;
		while (cap < cs->len + size)
			cap *= 2;
		char *grown = realloc(cs->body, cap);
		if (!grown)
			return MHD_NO;
		cs->body = grown;
		cs->cap = cap;
	}
	memcpy(cs->body + cs->len, data, size);
	cs->len += size;
	return MHD_YES;
}

/* MHD's URI callback runs first for every request and is the only place
 * that sees the URI before percent-decoding; its return value becomes the
 * request's state. */
static void *uri_received(void *cls, const char *uri,
			  struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct conn_state *cs = calloc(1, sizeof(*cs));
	if (cs) {
		clock_gettime(CLOCK_MONOTONIC, &cs->started_at);
		cs->raw_uri = strdup(uri ? uri : "");
	}
	return cs;
}

static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		int extra = *s < 0x80 ? 0 : (*s & 0xe0) == 0xc0 ? 1
					 : (*s & 0xf0) == 0xe0	 ? 2
					 : (*s & 0xf8) == 0xf0	 ? 3
								 : -1;
		if (extra < 0 || (*s == 0xc0 || *s == 0xc1) || *s > 0xf4)
			return false;
		uint32_t c = *s & (0x3f >> extra);
		for (int i = 1; i <= extra; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if ((extra == 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
		    (extra == 3 && (c < 0x10000 || c > 0x10ffff)))
			return false;
		s += extra + 1;
	}
	return true;
}

/* True when the query of the raw URI has only well-formed percent escapes
 * and its parameters decode to valid UTF-8. */
static bool query_well_formed(const struct conn_state *cs)
{
	const char *q = cs->raw_uri ? strchr(cs->raw_uri, '?') : NULL;
	for (; q && *q; q++)
		if (*q == '%' && !(isxdigit((unsigned char)q[1]) &&
				   isxdigit((unsigned char)q[2])))
			return false;
	for (size_t i = 0; i < cs->req.nquery; i++)
		if (!utf8_valid((const unsigned char *)cs->req.query[i].key) ||
		    !utf8_valid((const unsigned char *)cs->req.query[i].value))
			return false;
	return true;
}

static const char *header_lookup(void *cookie, const char *name)
{
	return MHD_lookup_connection_value(cookie, MHD_HEADER_KIND, name);
}

/* The last call: parse the body, run the handler, send its reply. */
static enum MHD_Result finish_request(struct http_server *srv,
				      struct MHD_Connection *conn,
				      struct conn_state *cs)
{
	char why[256];
	json_t *body = NULL;
	struct reply rep;
	reply_init(&rep);

	if (!cs->route) {
		reply_release(&rep);
		return send_unrouted(conn, cs);
	}
	if (cs->too_large) {
		snprintf(why, sizeof(why), "the body is larger than %zu bytes",
			 srv->body_limit);
		reply_problem(&rep, PROBLEM_PAYLOAD_TOO_LARGE, "%s", why);
		goto send;
	}
	if (MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
				      collect_query, &cs->req) < 0 ||
	    cs->req.nquery >= REQUEST_MAX_QUERY) {
		reply_problem(&rep, PROBLEM_BAD_REQUEST,
			      "more than %d query parameters",
			      REQUEST_MAX_QUERY - 1);
		goto send;
	}
	if (!query_well_formed(cs)) {
		reply_problem(&rep, PROBLEM_BAD_REQUEST,
			      "the query string has a bad percent escape or "
			      "is not UTF-8");
		goto send;
	}
	if (method_takes_body(cs->req.method)) {
		body = http_parse_json(cs->body ? cs->body : "", cs->len, why,
				       sizeof(why));
		if (!body) {
			reply_problem(&rep, PROBLEM_INVALID_JSON, "%s", why);
			goto send;
		}
	}
	cs->req.body = body;
	cs->req.route_arg = cs->route->arg;
	cs->req.header_lookup = header_lookup;
	cs->req.header_cookie = conn;
	cs->req.store = store_thread();
	if (!cs->req.store) {
		reply_problem(&rep, PROBLEM_UNAVAILABLE,
			      "the store cannot be opened");
		goto send;
	}
	cs->route->handler(&cs->req, &rep);
	if (rep.status == 0)
		reply_problem(&rep, PROBLEM_INTERNAL, "no reply");
send:
	log_request(cs, rep.status);
	enum MHD_Result ret = send_reply(conn, &rep);
	reply_release(&rep);
	json_decref(body);
	return ret;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn,
				      const char *url, const char *method,
				      const char *version,
				      const char *upload_data,
				      size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return MHD_NO; /* uri_received ran out of memory */
	if (!cs->started) {
		cs->started = true;
		return begin_request(srv, conn, cs, url, method);
	}
	if (*upload_data_size) {
		size_t size = *upload_data_size;
		*upload_data_size = 0;
		return take_upload(srv, cs, upload_data, size);
	}
	return finish_request(srv, conn, cs);
}

static void request_completed(void *cls, struct MHD_Connection *conn,
			      void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	free(cs->body);
	free(cs->raw_uri);
	free(cs);
	*con_cls = NULL;
}

/* ---- the daemon ---- */

static int listen_socket(const struct config *cfg, char *err, size_t errsz)
{
	struct sockaddr_storage addr = {0};
	socklen_t addrlen;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
	if (inet_pton(AF_INET, cfg->bind, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)cfg->port);
		addrlen = sizeof(*v4);
	} else if (inet_pton(AF_INET6, cfg->bind, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)cfg->port);
		addrlen = sizeof(*v6);
	} else {
		snprintf(err, errsz, "--bind %s: not an IPv4 or IPv6 address",
			 cfg->bind);
		return -1;
	}
	int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&addr, addrlen) != 0 ||
	    listen(fd, 1024) != 0) {
		snprintf(err, errsz, "cannot listen on %s port %d: %s",
			 cfg->bind, cfg->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int socket_port(int fd)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);
	if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0)
		return -1;
	if (addr.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
	return ntohs(((struct sockaddr_in *)&addr)->sin_port);
}

struct http_server *http_start(const struct config *cfg, char *err,
			       size_t errsz)
{
	struct http_server *srv = calloc(1, sizeof(*srv));
	if (!srv) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	srv->body_limit = cfg->body_limit;
	int fd = listen_socket(cfg, err, errsz);
	if (fd < 0) {
		free(srv);
		return NULL;
	}
	srv->port = socket_port(fd);
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, access_handler, srv,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, uri_received, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errsz, "cannot start the HTTP server on %s port %d",
			 cfg->bind, srv->port);
		close(fd);
		free(srv);
		return NULL;
	}
	return srv;
}

int http_port(const struct http_server *srv)
{
	return srv->port;
}

void http_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/* Stops accepting, waits for the workers, closes the socket. */
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
