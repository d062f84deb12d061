/*
 * Hardening options take effect: past the per-IP and overall connection
 * limits a connection's request is answered 503 with Retry-After and the
 * connection closed (not reset: the client learns why), the idle
 * timeout closes a silent connection, strict mode refuses an HTTP/1.1
 * request without Host (and --strict 0 takes it), the per-connection
 * memory limit refuses headers that do not fit, and the connection limit
 * never exceeds what the open-file limit allows.
 */
#include "tests/ops/opslib.h"

#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char get_healthz[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/* Opens a connection and completes one keep-alive request on it, so the
 * server has surely counted it.  Returns the socket or -1. */
static int held_connection(int port)
{
	int fd = ops_connect(port);
	if (fd < 0)
		return -1;
	if (ops_send(fd, get_healthz, strlen(get_healthz)) != 0 ||
	    ops_read_response(fd, 5000, NULL) != 200) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A new connection's request is answered 503 with Retry-After and
 * Connection: close, and the server then closes the connection.  Returns
 * what is wrong, or NULL. */
static const char *refused_with_503(int port)
{
	int fd = ops_connect(port);
	if (fd < 0)
		return "the connection was refused";
	const char *raw = NULL;
	int st = ops_send(fd, get_healthz, strlen(get_healthz)) == 0
			 ? ops_read_response(fd, 3000, &raw)
			 : 0;
	const char *wrong = NULL;
	if (st != 503)
		wrong = tl_fmt("status %d, not 503", st);
	else if (!strcasestr(raw, "\r\nRetry-After: "))
		wrong = "no Retry-After";
	else if (!strcasestr(raw, "\r\nConnection: close\r\n"))
		wrong = "no Connection: close";
	else if (ops_read_response(fd, 3000, NULL) != 0)
		wrong = "the connection stayed open";
	close(fd);
	return wrong;
}

static void check_limit(const char *file, int line, struct tl_server *s,
			int limit)
{
	int fds[8];
	int n = 0;
	for (; n < limit; n++) {
		fds[n] = held_connection(s->port);
		if (fds[n] < 0) {
			tl_fail(file, line, "connection %d of %d failed", n + 1,
				limit);
			break;
		}
	}
	const char *wrong = n == limit ? refused_with_503(s->port) : NULL;
	if (wrong)
		tl_fail(file, line, "connection %d: %s", limit + 1, wrong);
	/* One closes: a new one is served again. */
	if (n > 0) {
		close(fds[--n]);
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
		int again = held_connection(s->port);
		if (again < 0)
			tl_fail(file, line, "no connection after one closed");
		else
			close(again);
	}
	while (n > 0)
		close(fds[--n]);
}

static void test_per_ip_connection_limit(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL,
			  ((const char *[]){
				  "CLAIMLINE_PER_IP_CONNECTION_LIMIT=3", NULL}),
			  NULL) == 0);
	check_limit(__FILE__, __LINE__, &s, 3);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_connection_limit(struct tl_server *srv)
{
	struct tl_server s;
	struct tl_server_opts o = {.threads = 1};

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, &o, NULL,
			  ((const char *[]){"--connection-limit", "2",
					    "--per-ip-connection-limit", "0",
					    NULL})) == 0);
	check_limit(__FILE__, __LINE__, &s, 2);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_idle_timeout(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL,
			  ((const char *[]){"CLAIMLINE_CONNECTION_TIMEOUT=1",
					    NULL}),
			  NULL) == 0);
	int fd = ops_connect(s.port);
	REQUIRE(fd >= 0);
	long long t0 = tl_now_ms();
	/* Silent: the server closes it after about a second. */
	CHECK_INT(ops_read_response(fd, 6000, NULL), 0);
	CHECK(tl_now_ms() - t0 < 5000);
	close(fd);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static const char no_host[] = "GET /healthz HTTP/1.1\r\n\r\n";

static void test_strict_mode(struct tl_server *srv)
{
	/* The default is strict: HTTP/1.1 needs Host. */
	struct tl_resp *r = tl_raw(no_host, strlen(no_host), 5000);
	CHECK_INT(r->status, 400);
	CHECK_STATUS(tl_raw(get_healthz, strlen(get_healthz), 5000), 200);
	tl_server_stop(srv);

	struct tl_server s;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--strict", "0", NULL})) == 0);
	r = tl_raw(no_host, strlen(no_host), 5000);
	CHECK_INT(r->status, 200);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static void test_connection_memory_limit(struct tl_server *srv)
{
	const char *big = tl_fmt("GET /healthz HTTP/1.1\r\nHost: x\r\n"
				 "X-Padding: %s\r\n\r\n",
				 tl_repeat('p', 20000));
	/* The default (32 KiB) takes a 20 KB header... */
	CHECK_INT(tl_raw(big, strlen(big), 5000)->status, 200);
	tl_server_stop(srv);

	/* ...16 KiB does not. */
	struct tl_server s;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL,
			  ((const char *[]){
				  "CLAIMLINE_CONNECTION_MEMORY_LIMIT=16384",
				  NULL}),
			  NULL) == 0);
	struct tl_resp *r = tl_raw(big, strlen(big), 5000);
	CHECK(r->status != 200);
	CHECK_STATUS(tl_raw(get_healthz, strlen(get_healthz), 5000), 200);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

/*
 * The connection limit fits the descriptors the process may open: with a
 * hard RLIMIT_NOFILE of 256, an asked-for limit of 100000 is lowered (with
 * a warning), and a crowd of connections is answered, the ones past the
 * limit with 503, none left hanging for want of a descriptor; once they
 * close the server serves again.  Lowers this process's own hard limit
 * for good, so it runs last.
 */
#define LOW_NOFILE 256
#define CROWD 200

static void test_limit_fits_descriptors(struct tl_server *srv)
{
	(void)srv;
	struct rlimit rl = {LOW_NOFILE, LOW_NOFILE};
	REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	struct tl_server s;
	struct tl_server_opts o = {.threads = 1};
	tl_server_init(&s);
	REQUIRE(ops_start(&s, &o, NULL,
			  ((const char *[]){"--connection-limit", "100000",
					    "--per-ip-connection-limit", "0",
					    NULL})) == 0);
	const char *log = ops_read_file(s.err_path);
	CHECK(log && strstr(log, "--connection-limit 100000 is more than"));
	int fds[CROWD];
	int served = 0, refused = 0, other = 0;
	for (int i = 0; i < CROWD; i++) {
		fds[i] = ops_connect(s.port);
		int st = fds[i] >= 0 && ops_send(fds[i], get_healthz,
						 strlen(get_healthz)) == 0
				 ? ops_read_response(fds[i], 3000, NULL)
				 : -2;
		served += st == 200;
		refused += st == 503;
		other += st != 200 && st != 503;
		if (st != 200 && fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	fprintf(stderr, "  %d served, %d answered 503, %d other\n", served,
		refused, other);
	CHECK(served >= 32);
	CHECK(served < CROWD);
	CHECK_INT(other, 0);
	for (int i = 0; i < CROWD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	struct timespec ts = {0, 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	int again = held_connection(s.port);
	CHECK(again >= 0);
	if (again >= 0)
		close(again);
	double over = ops_metric("claimline_connections_over_limit_total");
	if (!CHECK(over == refused))
		fprintf(stderr, "  claimline_connections_over_limit_total %g\n",
			over);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_per_ip_connection_limit, TL_NO_SERVER),
		TL_TEST(test_connection_limit, TL_NO_SERVER),
		TL_TEST(test_idle_timeout, TL_NO_SERVER),
		TL_TEST(test_strict_mode, TL_SERVER),
		TL_TEST(test_connection_memory_limit, TL_SERVER),
		TL_TEST(test_limit_fits_descriptors, TL_NO_SERVER), /* last */
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
