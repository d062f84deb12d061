/*
 * The metrics registry.  Series are few (routes x methods x statuses seen)
 * and a request touches them once, so one mutex over small fixed tables is
 * simpler than lock-free counters and costs nothing measurable; the
 * in-flight gauge is an atomic because it changes twice per request.
 * Label values are static strings: route patterns from the route table,
 * never raw paths, so a client cannot grow the tables.
 */
#include "server/metrics.h"

#include "server/conntrack.h"
#include "server/writer.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SERIES 1024
#define MAX_ROUTES 128

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01,
				 0.025,	 0.05,	0.1,	0.25,  0.5,
				 1,	 2.5,	5,	10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct series {
	const char *route;
	const char *method;
	int status;
	unsigned long long count;
};

struct histogram {
	const char *route;
	unsigned long long bucket[NBUCKETS]; /* not cumulative */
	unsigned long long count;
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static size_t nseries;
static unsigned long long dropped; /* observations past MAX_SERIES */
static struct histogram histograms[MAX_ROUTES];
static size_t nhistograms;
static atomic_long in_flight;
static const char *store_path;

void metrics_init(const char *db_path)
{
	store_path = db_path;
}

void metrics_request_started(void)
{
	atomic_fetch_add(&in_flight, 1);
}

void metrics_request_finished(void)
{
	atomic_fetch_sub(&in_flight, 1);
}

long metrics_in_flight(void)
{
	return atomic_load(&in_flight);
}

/* Both under the lock. */
static struct series *find_series(const char *route, const char *method,
				  int status)
{
	for (size_t i = 0; i < nseries; i++)
		if (series[i].status == status &&
		    strcmp(series[i].route, route) == 0 &&
		    strcmp(series[i].method, method) == 0)
			return &series[i];
	if (nseries == MAX_SERIES)
		return NULL;
	series[nseries] = (struct series){route, method, status, 0};
	return &series[nseries++];
}

static struct histogram *find_histogram(const char *route)
{
	for (size_t i = 0; i < nhistograms; i++)
		if (strcmp(histograms[i].route, route) == 0)
			return &histograms[i];
	if (nhistograms == MAX_ROUTES)
		return NULL;
	memset(&histograms[nhistograms], 0, sizeof(histograms[0]));
	histograms[nhistograms].route = route;
	return &histograms[nhistograms++];
}

void metrics_observe(const char *route, const char *method, int status,
		     double seconds)
{
	if (seconds < 0)
		seconds = 0;
	pthread_mutex_lock(&lock);
	struct series *s = find_series(route, method, status);
	struct histogram *h = find_histogram(route);
	if (s)
		s->count++;
	else
		dropped++;
	if (h) {
		size_t b = 0;
		while (b < NBUCKETS && seconds > buckets[b])
			b++;
		if (b < NBUCKETS)
			h->bucket[b]++;
		h->count++;
		h->sum += seconds;
	}
	pthread_mutex_unlock(&lock);
}

/* ---- rendering ---- */

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
	if (t->failed)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2 + (size_t)n;
		char *grown = realloc(t->buf, cap);
		if (!grown) {
			t->failed = true;
			return;
		}
		t->buf = grown;
		t->cap = cap;
	}
}

/* Writes a label value with the escapes the text format asks for. */
static void put_label(struct text *t, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			put(t, "\\\\");
		else if (*p == '"')
			put(t, "\\\"");
		else if (*p == '\n')
			put(t, "\\n");
		else
			put(t, "%c", *p);
	}
}

static void put_header(struct text *t, const char *name, const char *type,
		       const char *help)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The size of `path` in bytes; 0 when it does not exist. */
static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

static void render_requests(struct text *t)
{
	put_header(t, "claimline_http_requests_total", "counter",
		   "HTTP requests answered, by route pattern, method and "
		   "status.");
	for (size_t i = 0; i < nseries; i++) {
		put(t, "claimline_http_requests_total{route=\"");
		put_label(t, series[i].route);
		put(t, "\",method=\"");
		put_label(t, series[i].method);
		put(t, "\",status=\"%d\"} %llu\n", series[i].status,
		    series[i].count);
	}
	put_header(t, "claimline_metrics_series_dropped_total", "counter",
		   "Requests not counted by route because the series table "
		   "was full.");
	put(t, "claimline_metrics_series_dropped_total %llu\n", dropped);
}

static void render_latency(struct text *t)
{
	const char *name = "claimline_http_request_duration_seconds";
	put_header(t, name, "histogram",
		   "Time from a request's headers to its queued reply, by "
		   "route pattern.");
	for (size_t i = 0; i < nhistograms; i++) {
		const struct histogram *h = &histograms[i];
		unsigned long long cumulative = 0;
		for (size_t b = 0; b < NBUCKETS; b++) {
			cumulative += h->bucket[b];
			put(t, "%s_bucket{route=\"", name);
			put_label(t, h->route);
			put(t, "\",le=\"%g\"} %llu\n", buckets[b], cumulative);
		}
		put(t, "%s_bucket{route=\"", name);
		put_label(t, h->route);
		put(t, "\",le=\"+Inf\"} %llu\n", h->count);
		put(t, "%s_sum{route=\"", name);
		put_label(t, h->route);
		put(t, "\"} %.9g\n", h->sum);
		put(t, "%s_count{route=\"", name);
		put_label(t, h->route);
		put(t, "\"} %llu\n", h->count);
	}
}

static void render_process(struct text *t)
{
	put_header(t, "claimline_http_requests_in_flight", "gauge",
		   "Requests received and not yet completed.");
	put(t, "claimline_http_requests_in_flight %ld\n", metrics_in_flight());

	struct writer_stats ws;
	writer_stats(&ws);
	put_header(t, "claimline_write_batches_total", "counter",
		   "Transactions the writer thread committed, each holding "
		   "the writes queued meanwhile (group commit).");
	put(t, "claimline_write_batches_total %llu\n", ws.batches);
	put_header(t, "claimline_write_batch_writes_total", "counter",
		   "Write requests run in those transactions; divided by "
		   "the batches, the mean batch size.");
	put(t, "claimline_write_batch_writes_total %llu\n", ws.writes);
	put_header(t, "claimline_write_queue_depth", "gauge",
		   "Write requests waiting for the writer thread.");
	put(t, "claimline_write_queue_depth %llu\n", ws.queued);

	struct conntrack_stats cs;
	conntrack_stats(&cs);
	put_header(t, "claimline_connections_open", "gauge",
		   "Client connections open now.");
	put(t, "claimline_connections_open %llu\n", cs.open);
	put_header(t, "claimline_connections_over_limit_total", "counter",
		   "Connections past --connection-limit or "
		   "--per-ip-connection-limit, answered 503.");
	put(t, "claimline_connections_over_limit_total %llu\n", cs.over_limit);
	put_header(t, "claimline_connections_cut_total", "counter",
		   "Connections cut with 408: headers past --header-timeout, "
		   "or a body below --min-upload-rate.");
	put(t, "claimline_connections_cut_total{reason=\"headers\"} %llu\n",
	    cs.cut_headers);
	put(t, "claimline_connections_cut_total{reason=\"body\"} %llu\n",
	    cs.cut_body);

	put_header(t, "claimline_store_size_bytes", "gauge",
		   "Size of the store's files on disk: the database and its "
		   "write-ahead log.");
	char wal[4096];
	const char *db = store_path ? store_path : "";
	snprintf(wal, sizeof(wal), "%s-wal", db);
	put(t, "claimline_store_size_bytes{file=\"db\"} %lld\n",
	    *db ? file_size(db) : 0);
	put(t, "claimline_store_size_bytes{file=\"wal\"} %lld\n",
	    *db ? file_size(wal) : 0);

	put_header(t, "claimline_build_info", "gauge",
		   "The running build; the value is always 1.");
	put(t, "claimline_build_info{version=\"");
	put_label(t, CLAIMLINE_VERSION);
	put(t, "\"} 1\n");
}

char *metrics_render(size_t *len)
{
	struct text t = {.buf = malloc(8192), .cap = 8192};
	if (!t.buf)
		return NULL;
	t.buf[0] = '\0';
	pthread_mutex_lock(&lock);
	render_requests(&t);
	render_latency(&t);
	pthread_mutex_unlock(&lock);
	render_process(&t);
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}

int handle_metrics(const struct request *req, struct reply *rep)
{
	(void)req;
	size_t len = 0;
	char *text = metrics_render(&len);
	if (!text)
		return reply_problem(rep, PROBLEM_INTERNAL, "out of memory");
	return reply_text(rep, 200, "text/plain; version=0.0.4; charset=utf-8",
			  text, len);
}
