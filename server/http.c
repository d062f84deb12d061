/*
 * The front end.  libmicrohttpd calls access_handler several times per
 * request: first with the headers (we route, and refuse at once what we
 * can: unknown path, wrong method, wrong media type, a Content-Length over
 * the limit), then with pieces of the body (buffered up to the limit and
 * no further), then once more to answer: the checks between routing and
 * the handler are server/serve.c's, shared with the fuzz harness; what is
 * MHD's own (connection state, suspend / resume for writes and long
 * polls, the response object) stays here.  Handlers never see MHD: they get
 * a struct request and fill a struct reply, which send_reply() turns into
 * the HTTP response (gzipped when the client allows it, see should_gzip;
 * every 503 with Retry-After).  Deadlines for slow clients and our
 * connection limits live in server/conntrack.c; the access handler tells
 * it where each request is (headers in, body done, answered).
 */
#include "server/http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/access_log.h"
#include "server/compress.h"
#include "server/conntrack.h"
#include "server/intake.h"
#include "server/cors.h"
#include "server/lifecycle.h"
#include "server/metrics.h"
#include "common/ids.h"
#include "server/keys.h"
#include "server/router.h"
#include "server/serve.h"
#include "server/waiters.h"
#include "server/writer.h"
#include "store/store.h"

/* A chunked body past the limit is read and dropped so that the client
 * gets its 413; past this many times the limit we stop listening. */
#define DISCARD_FACTOR 16
/* The longest a request body may take to arrive, however slowly. */
#define UPLOAD_DEADLINE_SECONDS 120

struct http_server {
	struct MHD_Daemon *daemon;
	int port;
	size_t body_limit;
	const struct config *cfg; /* borrowed: CORS, log format, drain */
	struct conntrack *ct;	  /* owned: deadlines and our limits */
};

/* Per-request state, from the URI callback to the completed callback. */
struct conn_state {
	bool started;	/* the access handler has seen this request */
	bool answered;	/* a response is queued */
	bool body_open; /* the body is being read (the upload rate applies) */
	struct conn_track *track;      /* borrowed from the connection */
	bool waiting;		       /* parked as a long poll at least once */
	char key_name[ID_MAX_LEN + 1]; /* the caller's key, once checked */
	char *raw_uri; /* as received, before MHD decoded it; owned */
	const struct route *route;
	struct request req;
	char scratch[ROUTER_PATH_MAX];
	char *body;
	size_t len, cap;
	size_t received;
	bool too_large;
	unsigned allowed;   /* methods the path has, when not routed */
	const char *method; /* as sent; MHD keeps it for the request */
	struct timespec started_at;
	const struct http_server *srv;
	char request_id[ACCESS_LOG_ID_MAX + 1]; /* echoed as X-Request-Id */
	/* A write handed to the writer thread: the job, the connection to
	 * resume, the reply its handler made, and the parsed body it ran on
	 * (owned here until the reply is sent). */
	struct writer_job job;
	struct MHD_Connection *conn;
	struct reply write_reply;
	json_t *write_body;
	bool write_queued, write_done;
};

/* ---- replies ---- */

/* Logs one answered request and counts it in the metrics. */
static void log_request(const struct conn_state *cs, int status, size_t bytes)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double ms = (double)(now.tv_sec - cs->started_at.tv_sec) * 1e3 +
		    (double)(now.tv_nsec - cs->started_at.tv_nsec) / 1e6;
	const char *route = cs->route ? cs->route->pattern : NULL;
	struct access_log_entry e = {
		.request_id = cs->request_id,
		.method = cs->method ? cs->method : "",
		.route = route,
		.path = cs->req.path ? cs->req.path : "",
		.key = cs->req.key_name,
		.status = status,
		.bytes = bytes,
		.duration_ms = ms,
	};
	access_log_write(stderr, cs->srv->cfg->log_format, &e);
	metrics_observe(route ? route : METRICS_UNMATCHED,
			cs->req.method ? method_name(cs->req.method) : "other",
			status, ms / 1e3);
}

/* The headers the front end adds to every reply: the request id, the
 * CORS grant (or Vary alone) for the request's Origin, and with
 * `vary_coding` Accept-Encoding in Vary (one Vary header for both). */
static void add_front_headers(struct MHD_Connection *conn,
			      const struct conn_state *cs,
			      struct MHD_Response *resp, bool vary_coding)
{
	MHD_add_response_header(resp, "X-Request-Id", cs->request_id);
	const char *origin =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *preflight =
		cs->req.method == METHOD_OPTIONS
			? MHD_lookup_connection_value(
				  conn, MHD_HEADER_KIND,
				  "Access-Control-Request-Method")
			: NULL;
	struct cors_headers cors;
	cors_headers_for(cs->srv->cfg, origin, preflight, cs->allowed, &cors);
	for (size_t i = 0; i < cors.n; i++) {
		if (vary_coding && strcasecmp(cors.name[i], "Vary") == 0) {
			char vary[128];
			snprintf(vary, sizeof(vary), "%s, %s", cors.value[i],
				 MHD_HTTP_HEADER_ACCEPT_ENCODING);
			MHD_add_response_header(resp, cors.name[i], vary);
			vary_coding = false;
		} else {
			MHD_add_response_header(resp, cors.name[i],
						cors.value[i]);
		}
	}
	if (vary_coding)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY,
					MHD_HTTP_HEADER_ACCEPT_ENCODING);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct reply_stream *stream = cls;
	long n = stream->read(stream->cookie, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_release(void *cls)
{
	struct reply_stream *stream = cls;
	stream->release(stream->cookie);
	free(stream);
}

/* Seconds a 503 asks the client to wait before trying again. */
#define RETRY_AFTER_SECONDS "1"

static bool reply_has_header(const struct reply *rep, const char *name)
{
	for (size_t i = 0; i < rep->nheaders; i++)
		if (strcasecmp(rep->headers[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Whether to send this body gzipped (at --gzip-level, by default 1: on our
 * JSON, a 29 KB list page of 50 claims, it gives 70% fewer bytes for
 * 85-250 us of CPU, level 6 another 3% for four to five times the CPU):
 * the client allows gzip, and the body
 * is long enough to gain (or the client refuses identity).  Never for
 * HEAD (no body goes out), 204/304, streams (the NDJSON export: sent as it
 * is read), or a long poll woken by a commit (a few changes, where
 * latency matters more than bytes).
 *
 * The ETag stays the same for both codings, and strong.  Strictly a
 * gzipped body is another representation, but: we serve no ranges (where
 * mixing codings would corrupt a body), caches keep the two apart by
 * `Vary: Accept-Encoding`, and our ETags name a resource's version, which
 * clients send back in If-Match and If-None-Match whatever coding they
 * read it in; a suffix or a weak tag would break If-Match (a strong
 * comparison) for every client that accepts gzip.
 */
static bool should_gzip(struct MHD_Connection *conn,
			const struct conn_state *cs, const struct reply *rep,
			size_t len)
{
	if (cs->req.method == METHOD_HEAD || rep->status == 204 ||
	    rep->status == 304 || len == 0 || cs->waiting)
		return false;
	struct accept_encoding a = compress_accepted(
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					    MHD_HTTP_HEADER_ACCEPT_ENCODING));
	return a.gzip && (len >= COMPRESS_MIN_BYTES || a.identity_refused);
}

/* Turns `rep` into the HTTP response, and logs and counts it.  The one
 * place that builds responses, so the one that sees that every 503 says
 * when to retry and that bodies are compressed alike. */
static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct conn_state *cs, struct reply *rep)
{
	char *text = rep->body ? json_dumps(rep->body, JSON_COMPACT) : NULL;
	size_t len = text ? strlen(text) : rep->raw_len;
	const char *data = text ? text : rep->raw ? rep->raw : "";
	/* A body that could go out gzipped, for some client. */
	bool codable = cs->srv->cfg->gzip_level > 0 && !rep->stream &&
		       (text || rep->raw);
	if (rep->status == 503 && !reply_has_header(rep, "Retry-After"))
		reply_header(rep, "Retry-After", RETRY_AFTER_SECONDS);
	size_t gzlen = 0;
	void *gz = NULL;	    /* compressed for this reply: owned */
	const void *gz_kept = NULL; /* compressed once for good: borrowed */
	if (codable && should_gzip(conn, cs, rep, len)) {
		int level = cs->srv->cfg->gzip_level;
		/* A raw body the reply does not own is one of the assets
		 * compiled in (reply_static): compress it once. */
		if (rep->raw && !rep->raw_owned)
			gz_kept =
				compress_gzip_static(data, len, level, &gzlen);
		if (!gz_kept)
			gz = compress_gzip(data, len, level, &gzlen);
	}
	struct MHD_Response *resp;
	if (rep->stream) {
		/* MHD owns the stream from here and frees it when done. */
		resp = MHD_create_response_from_callback(
			MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, rep->stream,
			stream_release);
		if (resp)
			rep->stream = NULL;
	} else if (gz || gz_kept) {
		resp = MHD_create_response_from_buffer(
			gzlen, gz ? gz : (void *)gz_kept,
			gz ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(gz);
		else
			MHD_add_response_header(
				resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		len = gzlen;
	} else {
		/* An owned raw body moves to MHD, which frees it. */
		resp = MHD_create_response_from_buffer(
			len, (char *)data,
			text || rep->raw_owned ? MHD_RESPMEM_MUST_FREE
					       : MHD_RESPMEM_PERSISTENT);
		if (resp && text) {
			text = NULL;
		} else if (resp && rep->raw_owned) {
			rep->raw_owned = NULL;
			rep->raw = NULL;
		}
	}
	free(text); /* unless it went to MHD */
	if (!resp)
		return MHD_NO;
	if (rep->body || rep->raw || rep->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					rep->content_type ? rep->content_type
							  : "application/json");
	for (size_t i = 0; i < rep->nheaders; i++)
		MHD_add_response_header(resp, rep->headers[i].name,
					rep->headers[i].value);
	add_front_headers(conn, cs, resp, codable || rep->status == 304);
	log_request(cs, rep->status, cs->req.method == METHOD_HEAD ? 0 : len);
	enum MHD_Result ret =
		MHD_queue_response(conn, (unsigned)rep->status, resp);
	MHD_destroy_response(resp);
	cs->answered = ret == MHD_YES;
	return ret;
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
	enum MHD_Result ret = send_reply(conn, cs, &rep);
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

/* Answers a request the router found no route for: 404, 405 with Allow,
 * or the Allow list for OPTIONS. */
static enum MHD_Result send_unrouted(struct MHD_Connection *conn,
				     struct conn_state *cs)
{
	struct reply rep;
	reply_init(&rep);
	serve_unrouted(&cs->req, cs->allowed, &rep);
	enum MHD_Result ret = send_reply(conn, cs, &rep);
	reply_release(&rep);
	return ret;
}

/* The largest body the request's route takes. */
static size_t body_limit_of(const struct http_server *srv,
			    const struct conn_state *cs)
{
	return cs->route && (cs->route->flags & ROUTE_NDJSON)
		       ? srv->cfg->import_limit
		       : srv->body_limit;
}

/*
 * True when body bytes are already waiting on the connection's socket: the
 * client sends its body without waiting for an answer.  Answering such a
 * client at once and closing on its unread bytes makes the kernel reset
 * the connection, and the client may never read the answer; so a body over
 * the limit is then read and dropped, and answered after.  A client that
 * waits (headers only, or Expect: 100-continue) is answered at once.
 */
static bool body_on_the_way(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	int pending = 0;

	if (MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					MHD_HTTP_HEADER_EXPECT))
		return false;
	return info && ioctl(info->connect_fd, FIONREAD, &pending) == 0 &&
	       pending > 0;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
				    const char *key, const char *value)
{
	(void)kind;
	(void)value;
	unsigned *counts = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		counts[0]++;
	else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		counts[1]++;
	return MHD_YES;
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
	cs->req.method = http_method_parse(method);
	/* Ids and every path segment are UTF-8: a path that decodes to
	 * anything else names nothing we could answer about. */
	if (!intake_utf8_valid((const unsigned char *)url))
		return send_problem(conn, cs, PROBLEM_BAD_REQUEST,
				    "the path is not UTF-8");
	cs->route = route_match(url, cs->req.method, &cs->req, cs->scratch,
				&cs->allowed);
	/* Framing MHD leaves to us: one Content-Length, never together with
	 * Transfer-Encoding (a request smuggling vector behind proxies). */
	unsigned framing[2] = {0, 0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, framing);
	if (framing[0] > 1 || (framing[0] && framing[1]))
		return send_problem(conn, cs, PROBLEM_BAD_REQUEST,
				    framing[0] > 1
					    ? "more than one Content-Length"
					    : "both Content-Length and "
					      "Transfer-Encoding");
	/* Methods outside the allowlist are refused before any body. */
	if (!cs->req.method)
		return send_unrouted(conn, cs);
	if (!http_method_takes_body(cs->req.method))
		return MHD_YES;
	if (!cs->route)
		return send_unrouted(conn, cs);
	const char *length = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (length) {
		char *end = NULL;
		errno = 0;
		unsigned long long n = strtoull(length, &end, 10);
		size_t limit = body_limit_of(srv, cs);
		if (!errno && !*end && n > limit &&
		    n <= (unsigned long long)limit * DISCARD_FACTOR &&
		    body_on_the_way(conn)) {
			cs->too_large = true; /* take_upload drops it */
			return MHD_YES;
		}
		if (errno || *end || n > limit) {
			char detail[96];
			snprintf(detail, sizeof(detail),
				 "the body is larger than %zu bytes",
				 body_limit_of(srv, cs));
			return send_problem(conn, cs, PROBLEM_PAYLOAD_TOO_LARGE,
					    detail);
		}
	}
	const char *type = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	struct reply rep;
	reply_init(&rep);
	if (!serve_media_type_ok(cs->route, cs->req.method, type ? type : "",
				 &rep)) {
		enum MHD_Result ret = send_reply(conn, cs, &rep);
		reply_release(&rep);
		return ret;
	}
	reply_release(&rep);
	return MHD_YES;
}

/* A piece of the body: keep it while under the limit, drop it after. */
static enum MHD_Result take_upload(struct http_server *srv,
				   struct conn_state *cs, const char *data,
				   size_t size)
{
	cs->received += size;
	conntrack_body_bytes(cs->track, size);
	/* A deadline for the whole upload: a client sending a byte now and
	 * then holds a connection no longer than this. */
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - cs->started_at.tv_sec > UPLOAD_DEADLINE_SECONDS)
		return MHD_NO;
	size_t limit = body_limit_of(srv, cs);
	if (cs->too_large || cs->len + size > limit) {
		cs->too_large = true;
		free(cs->body);
		cs->body = NULL;
		cs->len = cs->cap = 0;
		return cs->received > limit * DISCARD_FACTOR ? MHD_NO : MHD_YES;
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

static const char *header_lookup(void *cookie, const char *name)
{
	return MHD_lookup_connection_value(cookie, MHD_HEADER_KIND, name);
}

/* ---- writes: run on the writer thread, answered after their commit ---- */

static void write_job_run(struct writer_job *job, struct store *st)
{
	struct conn_state *cs =
		(struct conn_state *)((char *)job -
				      offsetof(struct conn_state, job));
	cs->req.store = st;
	cs->route->handler(&cs->req, &cs->write_reply);
	if (cs->write_reply.status == 0)
		reply_problem(&cs->write_reply, PROBLEM_INTERNAL, "no reply");
}

static void write_job_done(struct writer_job *job, int store_rc)
{
	struct conn_state *cs =
		(struct conn_state *)((char *)job -
				      offsetof(struct conn_state, job));
	if (store_rc != STORE_OK) {
		/* The batch did not commit: whatever the handler said, none
		 * of its writes were kept. */
		reply_release(&cs->write_reply);
		reply_init(&cs->write_reply);
		reply_problem(&cs->write_reply, PROBLEM_UNAVAILABLE,
			      "the store could not commit; nothing of this "
			      "request was kept, it may be retried");
	}
	cs->write_done = true;
	MHD_resume_connection(cs->conn);
}

/* Parks the connection and queues the write; its reply is sent when
 * MHD calls back after write_job_done resumed it.  Takes `body`. */
static enum MHD_Result hand_to_writer(struct MHD_Connection *conn,
				      struct conn_state *cs, json_t *body)
{
	cs->conn = conn;
	cs->write_body = body;
	cs->write_queued = true;
	reply_init(&cs->write_reply);
	cs->job = (struct writer_job){
		.run = write_job_run,
		.done = write_job_done,
		.alone = (cs->route->flags & ROUTE_NDJSON) != 0,
	};
	/* Suspended before it is queued, so the resume cannot come first. */
	MHD_suspend_connection(conn);
	if (!writer_submit(&cs->job)) {
		reply_problem(&cs->write_reply, PROBLEM_UNAVAILABLE,
			      "the server is stopping");
		cs->write_done = true;
		MHD_resume_connection(conn);
	}
	return MHD_YES;
}

static enum MHD_Result send_write_reply(struct MHD_Connection *conn,
					struct conn_state *cs)
{
	enum MHD_Result ret = send_reply(conn, cs, &cs->write_reply);
	reply_release(&cs->write_reply);
	json_decref(cs->write_body);
	cs->write_body = NULL;
	cs->write_queued = false;
	return ret;
}

static enum MHD_Result finish_request(struct http_server *srv,
				      struct MHD_Connection *conn,
				      struct conn_state *cs)
{
	json_t *body = NULL;
	struct reply rep;

	if (cs->write_done)
		return send_write_reply(conn, cs);
	if (cs->body_open) {
		cs->body_open = false;
		conntrack_body_done(cs->track);
	}
	reply_init(&rep);
	if (!cs->route) {
		reply_release(&rep);
		return send_unrouted(conn, cs);
	}
	if (cs->waiting) /* a long poll woken up: everything is parsed */
		goto run;
	struct serve_input in = {
		.route = cs->route,
		.raw_query = cs->raw_uri ? strchr(cs->raw_uri, '?') : NULL,
		.body = cs->body,
		.len = cs->len,
		.too_large = cs->too_large,
		.body_limit = body_limit_of(srv, cs),
		.anonymous = srv->cfg->read_auth ? SCOPE_NONE : SCOPE_READ,
	};
	if (!cs->too_large)
		in.query_overflow =
			MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND,
						  collect_query, &cs->req) < 0;
	cs->req.header_lookup = header_lookup;
	cs->req.header_cookie = conn;
	in.store = store_thread();
	enum serve_next next = serve_prepare(&in, &cs->req, &rep, &body);
	if (in.key_name[0])
		memcpy(cs->key_name, in.key_name, sizeof(cs->key_name));
	if (cs->req.key_name)
		cs->req.key_name = cs->key_name;
	if (next == SERVE_REPLY)
		goto send;
	if (next == SERVE_WRITE) {
		reply_release(&rep);
		return hand_to_writer(conn, cs, body);
	}
run:
	for (;;) {
		uint64_t generation = waiters_generation();
		cs->req.stopping = waiters_stopping();
		cs->route->handler(&cs->req, &rep);
		if (rep.status != 0 || !rep.wait_until_ms)
			break;
		/* The handler waits for a commit: park the request without a
		 * thread.  If one committed meanwhile, run it again now. */
		cs->req.wait_deadline_ms = rep.wait_until_ms;
		if (waiters_suspend(conn, rep.wait_until_ms, generation)) {
			cs->waiting = true;
			reply_release(&rep);
			json_decref(body);
			return MHD_YES;
		}
		reply_release(&rep);
		reply_init(&rep);
	}
	if (rep.status == 0)
		reply_problem(&rep, PROBLEM_INTERNAL, "no reply");
send : {
	enum MHD_Result ret = send_reply(conn, cs, &rep);
	reply_release(&rep);
	json_decref(body);
	return ret;
}
}

/* A connection past our limits (overall or per address): its first
 * request is answered 503 with Retry-After, and the connection closed. */
static enum MHD_Result send_overloaded(struct MHD_Connection *conn,
				       struct conn_state *cs, const char *url,
				       const char *method)
{
	cs->req.path = url;
	cs->method = method;
	cs->req.method = http_method_parse(method);
	struct reply rep;
	reply_init(&rep);
	reply_problem(&rep, PROBLEM_UNAVAILABLE,
		      "too many connections; try again shortly");
	reply_header(&rep, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = send_reply(conn, cs, &rep);
	reply_release(&rep);
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
		cs->srv = srv;
		access_log_request_id(
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    "X-Request-Id"),
			cs->request_id);
		metrics_request_started();
		cs->track = conntrack_of(conn);
		if (conntrack_over_limit(cs->track)) {
			conntrack_headers_done(cs->track, false);
			return send_overloaded(conn, cs, url, method);
		}
		enum MHD_Result ret = begin_request(srv, conn, cs, url, method);
		/* The headers are in: the header deadline is met, and a body
		 * still to come must keep up the minimum rate. */
		cs->body_open = ret == MHD_YES && !cs->answered &&
				http_method_takes_body(cs->req.method);
		conntrack_headers_done(cs->track, cs->body_open);
		return ret;
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
	(void)toe;
	conntrack_request_done(conntrack_of(conn));
	struct conn_state *cs = *con_cls;
	if (!cs)
		return;
	if (cs->started)
		metrics_request_finished();
	if (cs->write_queued) { /* closed before its reply went out */
		reply_release(&cs->write_reply);
		json_decref(cs->write_body);
	}
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

/* The connection limits: ours (answered 503 past them) and MHD's (a TCP
 * reset past them), which stay higher so that ours can answer, and within
 * the file descriptors the process may hold. */
struct conn_limits {
	unsigned ours, mhd, mhd_per_ip;
};

/* The default for our limit when the fd limit is huge (a container's
 * 1048576): past this many, memory goes before descriptors do. */
#define DEFAULT_CONNECTION_LIMIT_MAX 32768u

static struct conn_limits connection_limits(const struct config *cfg)
{
	struct rlimit rl;
	unsigned nofile =
		getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < UINT_MAX
			? (unsigned)rl.rlim_cur
			: UINT_MAX;
	unsigned budget = conntrack_fd_budget(nofile, cfg->threads);
	/* Room above ours for connections that only get their 503. */
	unsigned room = budget / 8 > 64 ? budget / 8 : budget / 2;
	unsigned most = budget - room;
	struct conn_limits l;
	l.ours = cfg->connection_limit;
	if (!l.ours) {
		l.ours = most < DEFAULT_CONNECTION_LIMIT_MAX
				 ? most
				 : DEFAULT_CONNECTION_LIMIT_MAX;
	} else if (l.ours > most) {
		fprintf(stderr,
			"claimline: --connection-limit %u is more than %u open "
			"files allow; using %u\n",
			l.ours, nofile, most);
		l.ours = most;
	}
	unsigned extra = l.ours / 8 > 64 ? l.ours / 8 : 64;
	l.mhd = l.ours + extra < budget ? l.ours + extra : budget;
	/* One address may hold more than ours (to be answered) but not
	 * every descriptor. */
	unsigned per_ip = cfg->per_ip_limit * 2 + 16;
	l.mhd_per_ip = cfg->per_ip_limit && per_ip < l.mhd ? per_ip : 0;
	return l;
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
	srv->cfg = cfg;
	int fd = listen_socket(cfg, err, errsz);
	if (fd < 0) {
		free(srv);
		return NULL;
	}
	srv->port = socket_port(fd);
	struct conn_limits lim = connection_limits(cfg);
	struct conntrack_limits track = {
		.connection_limit = lim.ours,
		.per_ip_limit = cfg->per_ip_limit,
		.header_timeout = cfg->header_timeout,
		.idle_timeout = cfg->connection_timeout,
		.min_upload_rate = cfg->min_upload_rate,
		.upload_grace = cfg->upload_grace,
	};
	srv->ct = conntrack_start(&track);
	if (!srv->ct) {
		snprintf(err, errsz, "cannot start the connection tracker");
		close(fd);
		free(srv);
		return NULL;
	}
	/* MHD_USE_ITC: MHD_quiesce_daemon needs it to stop accepting on a
	 * shutdown while connections go on.  The limits are the hardening
	 * options of config.h. */
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ITC,
		0, NULL, NULL, access_handler, srv, MHD_OPTION_LISTEN_SOCKET,
		fd,
		/* 1 is no pool: passing it only earns a warning. */
		MHD_OPTION_THREAD_POOL_SIZE,
		cfg->threads > 1 ? cfg->threads : 0u,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, uri_received, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->connection_timeout,
		MHD_OPTION_NOTIFY_CONNECTION, conntrack_notify, srv->ct,
		MHD_OPTION_CONNECTION_LIMIT, lim.mhd,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim.mhd_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->memory_limit,
		MHD_OPTION_STRICT_FOR_CLIENT, cfg->strict, MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errsz,
			 "cannot start the HTTP server on %s port %d",
			 cfg->bind, srv->port);
		close(fd);
		conntrack_stop(srv->ct);
		free(srv);
		return NULL;
	}
	if (waiters_start() != 0) {
		snprintf(err, errsz, "cannot start the long-poll waker thread");
		MHD_stop_daemon(srv->daemon);
		conntrack_stop(srv->ct);
		free(srv);
		return NULL;
	}
	if (store_checkpointer_start(cfg->db, err, errsz) != STORE_OK) {
		waiters_stop();
		MHD_stop_daemon(srv->daemon);
		conntrack_stop(srv->ct);
		free(srv);
		return NULL;
	}
	if (writer_start() != 0) {
		snprintf(err, errsz, "cannot start the writer thread");
		store_checkpointer_stop();
		waiters_stop();
		MHD_stop_daemon(srv->daemon);
		conntrack_stop(srv->ct);
		free(srv);
		return NULL;
	}
	return srv;
}

int http_port(const struct http_server *srv)
{
	return srv->port;
}

/* Waits until no request is in flight or `timeout_ms` passed. */
static void wait_for_in_flight(unsigned timeout_ms)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	for (unsigned waited = 0;
	     metrics_in_flight() > 0 && waited < timeout_ms; waited += 10)
		nanosleep(&tick, NULL);
}

void http_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/* Long polls answer at once with what they have. */
	lifecycle_begin_drain();
	waiters_stop();
	/* Stop accepting.  Shutting the listening socket down makes new
	 * connections fail at once instead of waiting in its backlog; MHD
	 * wants it closed only after MHD_stop_daemon. */
	MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	/* Requests under way finish (at most drain_timeout); idle
	 * keep-alive connections are then closed with the daemon. */
	wait_for_in_flight(srv->cfg->drain_timeout * 1000u);
	/* Queued writes run and are answered; later ones get 503.  Before
	 * the daemon stops: the writer resumes connections of it. */
	writer_stop();
	store_checkpointer_stop();
	if (metrics_in_flight() > 0)
		fprintf(stderr,
			"claimline: %ld requests still in flight after %u s; "
			"stopping anyway\n",
			metrics_in_flight(), srv->cfg->drain_timeout);
	MHD_stop_daemon(srv->daemon);
	conntrack_stop(srv->ct); /* every connection closed with the daemon */
	if (fd != MHD_INVALID_SOCKET) /* else MHD closed it */
		close(fd);
	free(srv);
}
