/*
 * Shutdown: on SIGTERM /readyz answers 503 at once on a connection already
 * open, new connections are refused, a request in flight (a body still
 * arriving) completes, the store is checkpointed (no WAL left) and the
 * process exits 0 as soon as nothing is in flight; a request that never
 * completes holds the exit no longer than --drain-timeout.
 */
#include "tests/ops/opslib.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static const char body[] = "{\"id\": \"late\", \"name\": \"Arrived late\"}";

/* Opens a connection and sends a POST's headers and the first 10 bytes of
 * its body (with the test key): the request is in flight until the rest
 * comes.  Returns the
 * socket or -1. */
static int start_slow_post(const struct tl_server *s)
{
	int port = s->port;
	int fd = ops_connect(port);
	if (fd < 0)
		return -1;
	const char *head = tl_fmt("POST /v1/actors HTTP/1.1\r\n"
				  "Host: 127.0.0.1\r\n"
				  "Content-Type: application/json\r\n"
				  "Authorization: Bearer %s\r\n"
				  "Content-Length: %zu\r\n\r\n",
				  s->key, strlen(body));
	if (ops_send(fd, head, strlen(head)) != 0 ||
	    ops_send(fd, body, 10) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_sigterm_finishes_in_flight_request(struct tl_server *srv)
{
	struct tl_conn *keep = tl_conn_new();

	/* A keep-alive connection, open before the signal. */
	CHECK_STATUS(
		tl_conn_request(keep, "GET", "/readyz", NULL, NULL, 0, NULL),
		200);
	/* Writes land in the WAL. */
	CHECK(tl_create("/v1/actors", "{\"id\": \"a\", \"name\": \"A\"}"));
	int fd = start_slow_post(srv);
	REQUIRE(fd >= 0);
	sleep_ms(
		300); /* the server has the headers: the request is in flight */

	long long t0 = tl_now_ms();
	REQUIRE(kill(srv->pid, SIGTERM) == 0);
	sleep_ms(300);
	/* Still running: the request holds it. */
	CHECK(waitpid(srv->pid, &(int){0}, WNOHANG) == 0);
	/* Not ready any more, at once, on the open connection. */
	struct tl_resp *r =
		tl_conn_request(keep, "GET", "/readyz", NULL, NULL, 0, NULL);
	CHECK_PROBLEM(r, 503, "unavailable");
	CHECK(tl_header(r, "Retry-After") != NULL); /* as on every 503 */
	/* No new connections. */
	int late = ops_connect(srv->port);
	if (late >= 0) {
		/* connect() may succeed into a dead backlog: then no answer. */
		const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
		int st = ops_send(late, req, strlen(req)) == 0
				 ? ops_read_response(late, 2000, NULL)
				 : 0;
		CHECK(st <= 0);
		close(late);
	}
	/* The in-flight request completes normally. */
	CHECK(ops_send(fd, body + 10, strlen(body) - 10) == 0);
	const char *raw = NULL;
	CHECK_INT(ops_read_response(fd, 5000, &raw), 201);
	close(fd);
	tl_conn_free(keep);

	/* Exit 0 once nothing is in flight, well before the 8 s limit. */
	int st = ops_wait_exit(srv, 15000);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(tl_now_ms() - t0 < 6000);
	const char *log = ops_read_file(srv->err_path);
	CHECK(log && strstr(log, "SIGTERM received") != NULL);
	CHECK(log && strstr(log, "\"status\":201") != NULL);
	/* Checkpointed: the WAL is gone or empty. */
	struct stat sb;
	const char *wal = tl_fmt("%s-wal", srv->db);
	CHECK(stat(wal, &sb) != 0 || sb.st_size == 0);
	/* And the late write is in the store. */
	REQUIRE(tl_server_start(srv, NULL) == 0);
	CHECK_STATUS(tl_get("/v1/actors/late"), 200);
	CHECK_STATUS(tl_get("/v1/actors/a"), 200);
}

static void test_drain_timeout_bounds_the_wait(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--drain-timeout", "1", NULL})) ==
		0);
	int fd = start_slow_post(&s);
	REQUIRE(fd >= 0);
	sleep_ms(300);
	long long t0 = tl_now_ms();
	REQUIRE(kill(s.pid, SIGTERM) == 0);
	/* The body never comes: the server stops anyway after ~1 s. */
	int st = ops_wait_exit(&s, 15000);
	long long took = tl_now_ms() - t0;
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(took >= 900);
	CHECK(took < 5000);
	/* The stuck client was disconnected. */
	CHECK(ops_read_response(fd, 2000, NULL) == 0);
	close(fd);
	const char *log = ops_read_file(s.err_path);
	CHECK(log && strstr(log, "still in flight") != NULL);
	tl_server_destroy(&s);
}

static void test_sigint_idle_exits_at_once(struct tl_server *srv)
{
	long long t0 = tl_now_ms();
	REQUIRE(kill(srv->pid, SIGINT) == 0);
	int st = ops_wait_exit(srv, 15000);
	CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(tl_now_ms() - t0 < 2000);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_sigterm_finishes_in_flight_request, TL_SERVER),
		TL_TEST(test_drain_timeout_bounds_the_wait, TL_NO_SERVER),
		TL_TEST(test_sigint_idle_exits_at_once, TL_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
