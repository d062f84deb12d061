/*
 * Health, readiness and metrics: /healthz and /readyz answer, /readyz
 * turns 503 when the store cannot be used; /metrics passes `promtool
 * check metrics`, counts by route pattern (never the raw path) and status,
 * counts exactly under concurrent requests, and reports the histogram,
 * in-flight gauge, store sizes and build; `claimline healthcheck` exits 0
 * only for a healthy server.
 */
#include "tests/ops/opslib.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD_TIMEOUT_MS 15000

static void test_healthz_and_readyz(struct tl_server *srv)
{
	(void)srv;
	struct tl_resp *r = tl_get("/healthz");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "", "{\"status\": \"ok\"}");
	r = tl_get("/readyz");
	CHECK_STATUS(r, 200);
	CHECK_JSON(r->json, "", "{\"status\": \"ready\"}");
	CHECK_STATUS(tl_request("HEAD", "/healthz", NULL, NULL, 0, NULL), 200);
	CHECK_STATUS(tl_request("POST", "/readyz", TL_JSON, "{}", -1, NULL),
		     405);
}

static void test_readyz_503_when_store_unusable(struct tl_server *srv)
{
	struct tl_server s;
	struct tl_server_opts o = {.threads = 1};

	(void)srv;
	tl_server_init(&s);
	REQUIRE(tl_server_start(&s, &o) == 0);
	/* The one worker opens its connection on its first request: move
	 * the store's directory away before that. */
	const char *moved = tl_fmt("%s.moved", s.dir);
	REQUIRE(rename(s.dir, moved) == 0);
	struct tl_resp *r = tl_get("/readyz");
	CHECK_PROBLEM(r, 503, "unavailable");
	CHECK(tl_header(r, "Retry-After") != NULL); /* as on every 503 */
	CHECK(rename(moved, s.dir) == 0);
	CHECK_STATUS(tl_get("/readyz"), 200);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

/* The value of the sample line starting with `series` + " ", or -1. */
static double sample(const char *text, const char *series)
{
	const char *want = tl_fmt("%s ", series);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, want, strlen(want)) == 0)
			return strtod(p + strlen(want), NULL);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* GET /metrics over a raw socket: the test library's curl helpers take
 * only JSON bodies. */
static const char *metrics_text(void)
{
	static const char get[] =
		"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct tl_resp *r = tl_raw(get, strlen(get), 10000);
	if (!CHECK_STATUS(r, 200))
		return "";
	CHECK(tl_header(r, "Content-Type") &&
	      strstr(tl_header(r, "Content-Type"),
		     "text/plain; version=0.0.4"));
	return r->body;
}

/* The in-flight gauge settles at 1 (this request) once earlier requests'
 * completion callbacks, which run just after their replies, are done. */
static bool in_flight_settles_at_one(void)
{
	for (int i = 0; i < 100; i++) {
		if (sample(metrics_text(),
			   "claimline_http_requests_in_flight") == 1)
			return true;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

static void test_metrics_pass_promtool(struct tl_server *srv)
{
	(void)srv;
	CHECK_STATUS(tl_get("/v1/actors/nobody"), 404);
	CHECK_STATUS(tl_get("/v1/actors/someone-else"), 404);
	CHECK_STATUS(tl_get("/no/such/path"), 404);
	CHECK(tl_create("/v1/actors", "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	const char *text = metrics_text();

	const char *dir = tl_tempdir();
	REQUIRE(dir != NULL);
	const char *file = tl_fmt("%s/metrics.txt", dir);
	FILE *f = fopen(file, "w");
	REQUIRE(f != NULL);
	fputs(text, f);
	fclose(f);
	const char *out = NULL;
	int rc = ops_run((const char *[]){"promtool", "check", "metrics", NULL},
			 file, 60000, &out);
	if (!CHECK_INT(rc, 0) || !CHECK_STR(out, ""))
		fprintf(stderr, "  promtool said: %s\n  metrics:\n%s\n", out,
			text);

	/* By pattern and status; raw paths never appear. */
	CHECK(sample(text, "claimline_http_requests_total{route=\"/v1/actors/"
			   "{id}\",method=\"GET\",status=\"404\"}") == 2);
	CHECK(sample(text, "claimline_http_requests_total{route=\"/v1/actors\","
			   "method=\"POST\",status=\"201\"}") == 1);
	CHECK(sample(text, "claimline_http_requests_total{route=\"unmatched\","
			   "method=\"GET\",status=\"404\"}") == 1);
	CHECK(strstr(text, "nobody") == NULL);
	CHECK(strstr(text, "/no/such/path") == NULL);
	/* The histogram: cumulative buckets ending in +Inf = count. */
	CHECK(sample(text, "claimline_http_request_duration_seconds_bucket{"
			   "route=\"/v1/actors/{id}\",le=\"+Inf\"}") == 2);
	CHECK(sample(text, "claimline_http_request_duration_seconds_count{"
			   "route=\"/v1/actors/{id}\"}") == 2);
	CHECK(sample(text, "claimline_http_request_duration_seconds_bucket{"
			   "route=\"/v1/actors/{id}\",le=\"10\"}") == 2);
	/* This very request is in flight. */
	CHECK(sample(text, "claimline_http_requests_in_flight") >= 1);
	CHECK(in_flight_settles_at_one());
	/* Group commit: the one write ran in a batch of its own. */
	CHECK(sample(text, "claimline_write_batches_total") >= 1);
	CHECK(sample(text, "claimline_write_batch_writes_total") >=
	      sample(text, "claimline_write_batches_total"));
	CHECK(sample(text, "claimline_write_queue_depth") == 0);
	/* The store: the database file has pages; the WAL is reported. */
	CHECK(sample(text, "claimline_store_size_bytes{file=\"db\"}") > 0);
	CHECK(sample(text, "claimline_store_size_bytes{file=\"wal\"}") >= 0);
	const char *version = getenv("CLAIMLINE_VERSION");
	CHECK(sample(text, tl_fmt("claimline_build_info{version=\"%s\"}",
				  version ? version : "")) == 1);
}

#define THREADS 8
#define PER_THREAD 25

static void *hammer(void *arg)
{
	(void)arg;
	struct tl_conn *c = tl_conn_new();
	for (int i = 0; i < PER_THREAD; i++)
		tl_resp_free(tl_conn_request(c, "GET", "/healthz", NULL, NULL,
					     0, NULL));
	tl_conn_free(c);
	return NULL;
}

static void test_metrics_count_exactly_under_load(struct tl_server *srv)
{
	struct tl_server s;
	struct tl_server_opts o = {.threads = 4};
	pthread_t t[THREADS];

	(void)srv;
	tl_server_init(&s);
	REQUIRE(tl_server_start(&s, &o) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, hammer, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	const char *text = metrics_text();
	CHECK(sample(text,
		     "claimline_http_requests_total{route=\"/healthz\","
		     "method=\"GET\",status=\"200\"}") == THREADS * PER_THREAD);
	CHECK(sample(text, "claimline_http_request_duration_seconds_count{"
			   "route=\"/healthz\"}") == THREADS * PER_THREAD);
	CHECK(in_flight_settles_at_one());
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_healthcheck_command(struct tl_server *srv)
{
	const char *port = tl_fmt("%d", srv->port);
	struct tl_cmd *c = tl_run_cmd(
		(const char *[]){"healthcheck", "--port", port, NULL},
		CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 0);
	/* A wildcard bind address means this host. */
	c = tl_run_cmd((const char *[]){"healthcheck", "--bind", "0.0.0.0",
					"--port", port, NULL},
		       CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 0);
	/* The port from the environment, as in the Docker image. */
	putenv((char *)tl_fmt("CLAIMLINE_PORT=%s", port));
	c = tl_run_cmd((const char *[]){"healthcheck", NULL}, CMD_TIMEOUT_MS);
	unsetenv("CLAIMLINE_PORT");
	CHECK_INT(c->code, 0);
	/* Nothing listening: 1 with a line saying why. */
	int fd = ops_connect(srv->port);
	close(fd);
	tl_server_stop(srv);
	c = tl_run_cmd((const char *[]){"healthcheck", "--port", port, NULL},
		       CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 1);
	CHECK(strstr(c->err, "cannot connect") != NULL);
	c = tl_run_cmd((const char *[]){"healthcheck", "--port", "x", NULL},
		       CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 2);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_healthz_and_readyz, TL_SERVER),
		TL_TEST(test_readyz_503_when_store_unusable, TL_NO_SERVER),
		TL_TEST(test_metrics_pass_promtool, TL_SERVER),
		TL_TEST(test_metrics_count_exactly_under_load, TL_NO_SERVER),
		TL_TEST(test_healthcheck_command, TL_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
