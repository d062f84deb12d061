/*
 * Slow clients cannot hold the server.  Over a thousand connections from
 * 22 addresses of 127.0.0.0/8 (each under the per-address limit) trickle
 * a header line every second, and reconnect when cut, for several
 * seconds: a fresh client from another address is served in under a
 * second at every probe throughout, and every slow connection is closed
 * once the header deadline passed, not before.  A body trickled below the
 * minimum upload rate is cut with 408 after the grace period, while one
 * sent steadily above it is taken.
 */
#include "tests/ops/opslib.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOW_ADDRS 22
#define PER_ADDR 48 /* under the default per-address limit of 64 */
#define NSLOW (SLOW_ADDRS * PER_ADDR)
#define HEADER_TIMEOUT_S 2
#define ATTACK_MS 6000 /* slow clients reconnect for this long */
#define PROBE_EVERY_MS 250
#define PROBE_LIMIT_MS 1000
#define CLOSE_SLACK_MS 1500 /* the sweep's tick and a loaded machine */

static const char fresh_addr[] = "127.0.0.200";
static const char get_healthz[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
static const char slow_start[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
static const char slow_line[] = "X-Slow: 1\r\n";

struct slow {
	int fd;
	long long opened_ms, trickled_ms;
};

static const char *slow_addr(int i)
{
	return tl_fmt("127.0.0.%d", 10 + i / PER_ADDR);
}

/* Raises our own descriptor limit (the server inherits it too); false
 * when the hard limit is too low for this test. */
static bool enough_fds(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur >= 2 * NSLOW + 256;
}

static bool open_slow(struct slow *c, int port, int i)
{
	c->fd = ops_connect_from(port, slow_addr(i));
	c->opened_ms = c->trickled_ms = tl_now_ms();
	if (c->fd >= 0 &&
	    ops_send(c->fd, slow_start, strlen(slow_start)) != 0) {
		close(c->fd);
		c->fd = -1;
	}
	return c->fd >= 0;
}

/* A fresh client from an address no slow one uses: its time to a 200,
 * or -1 when it got none within the limit. */
static long long probe(int port)
{
	long long t0 = tl_now_ms();
	int fd = ops_connect_from(port, fresh_addr);
	if (fd < 0)
		return -1;
	int st = ops_send(fd, get_healthz, strlen(get_healthz)) == 0
			 ? ops_read_response(fd, PROBE_LIMIT_MS, NULL)
			 : 0;
	close(fd);
	return st == 200 ? tl_now_ms() - t0 : -1;
}

static void test_slow_headers_cannot_hold_the_server(struct tl_server *srv)
{
	(void)srv;
	if (!enough_fds()) {
		fprintf(stderr,
			"  the hard RLIMIT_NOFILE is under %d: skipped\n",
			2 * NSLOW + 256);
		return;
	}
	static struct slow slow[NSLOW];
	static struct pollfd pfd[NSLOW];
	struct tl_server s;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--header-timeout", "2", NULL})) ==
		0);

	int opened = 0;
	for (int i = 0; i < NSLOW; i++)
		opened += open_slow(&slow[i], s.port, i);
	CHECK_INT(opened, NSLOW);

	long long start = tl_now_ms(), next_probe = start;
	long long deadline_ms = HEADER_TIMEOUT_S * 1000;
	long long slowest_probe = 0, youngest_cut = 1 << 30, oldest_cut = 0;
	int probes = 0, failed_probes = 0, cuts = 0, answered_408 = 0;
	int held_at_once = 0;
	for (;;) {
		long long now = tl_now_ms();
		bool attacking = now - start < ATTACK_MS;
		int open = 0;
		for (int i = 0; i < NSLOW; i++) {
			pfd[i] = (struct pollfd){slow[i].fd, POLLIN, 0};
			open += slow[i].fd >= 0;
		}
		if (open > held_at_once)
			held_at_once = open;
		if (!attacking && open == 0)
			break;
		if (now - start >
		    ATTACK_MS + deadline_ms + CLOSE_SLACK_MS + 2000)
			break; /* the rest are reported below */
		if (now >= next_probe && attacking) {
			long long ms = probe(s.port);
			probes++;
			if (ms < 0 || ms >= PROBE_LIMIT_MS)
				failed_probes++;
			else if (ms > slowest_probe)
				slowest_probe = ms;
			next_probe = now + PROBE_EVERY_MS;
		}
		poll(pfd, NSLOW, 20);
		now = tl_now_ms();
		for (int i = 0; i < NSLOW; i++) {
			struct slow *c = &slow[i];
			if (c->fd < 0)
				continue;
			bool gone = false;
			if (pfd[i].revents) {
				char buf[512];
				ssize_t n =
					recv(c->fd, buf, sizeof(buf) - 1, 0);
				if (n > 0) {
					buf[n] = '\0';
					answered_408 +=
						strncmp(buf, "HTTP/1.1 408",
							12) == 0;
				}
				gone = true;
			} else if (now - c->trickled_ms >= 1000) {
				c->trickled_ms = now;
				gone = ops_send(c->fd, slow_line,
						strlen(slow_line)) != 0;
			}
			if (!gone)
				continue;
			long long age = now - c->opened_ms;
			cuts++;
			if (age < youngest_cut)
				youngest_cut = age;
			if (age > oldest_cut)
				oldest_cut = age;
			close(c->fd);
			c->fd = -1;
			if (attacking)
				open_slow(c, s.port, i);
		}
	}
	int never_cut = 0;
	for (int i = 0; i < NSLOW; i++)
		if (slow[i].fd >= 0) {
			never_cut++;
			close(slow[i].fd);
		}
	fprintf(stderr,
		"  %d slow connections held at once, %d cut (%d with a 408) "
		"after %lld-%lld ms; %d probes, slowest %lld ms, %d failed\n",
		held_at_once, cuts, answered_408, youngest_cut, oldest_cut,
		probes, slowest_probe, failed_probes);
	CHECK(held_at_once >= 1000);
	CHECK(probes >= ATTACK_MS / PROBE_EVERY_MS / 2);
	CHECK_INT(failed_probes, 0);
	CHECK_INT(never_cut, 0);
	CHECK(cuts >= NSLOW);
	/* Not before the deadline (less the sweep's tick), and not long
	 * after it. */
	CHECK(youngest_cut >= deadline_ms - 300);
	CHECK(oldest_cut <= deadline_ms + CLOSE_SLACK_MS);
	CHECK(answered_408 > 0);
	CHECK(ops_metric(
		      "claimline_connections_cut_total{reason=\"headers\"}") >=
	      cuts - 10);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

static const char slow_post[] =
	"POST /v1/actors HTTP/1.1\r\nHost: x\r\n"
	"Content-Type: application/json\r\nContent-Length: 12000\r\n\r\n";

/* Sends the POST's body in `pieces` equal pieces, `gap_ms` apart, while
 * the server keeps the connection; returns the status it answered (0:
 * closed without one) and how long after the headers in *ms. */
static int trickle_post(int port, int pieces, int gap_ms, long long *ms)
{
	int fd = ops_connect(port);
	if (fd < 0)
		return -1;
	long long t0 = tl_now_ms();
	/* An empty object padded with blanks: valid JSON of 12000 bytes. */
	const char *body = tl_fmt("{%s}", tl_repeat(' ', 11998));
	size_t size = 12000 / (size_t)pieces;
	int st = -1;
	if (ops_send(fd, slow_post, strlen(slow_post)) == 0) {
		for (int i = 0; i < pieces; i++) {
			struct pollfd p = {fd, POLLIN, 0};
			if (poll(&p, 1, i ? gap_ms : 0) > 0)
				break; /* answered (or closed) early */
			if (ops_send(fd, body + (size_t)i * size, size) != 0)
				break;
		}
		st = ops_read_response(fd, 5000, NULL);
	}
	*ms = tl_now_ms() - t0;
	close(fd);
	return st;
}

static void test_slow_body_is_cut(struct tl_server *srv)
{
	(void)srv;
	struct tl_server s;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL, NULL,
			  ((const char *[]){"--min-upload-rate", "1024",
					    "--upload-grace", "2", NULL})) ==
		0);
	long long ms;
	/* 12000 bytes at 100 bytes every 200 ms (500 B/s): cut after the
	 * 2 s grace (give or take the sweep), long before it would end. */
	int st = trickle_post(s.port, 120, 200, &ms);
	/* 408, unless the client's next piece crossed it on the wire and
	 * the close turned into a reset. */
	CHECK(st == 408 || st == 0);
	CHECK(ms >= 1900 && ms < 4000);
	fprintf(stderr, "  below the rate: %d after %lld ms\n", st, ms);
	CHECK(ops_metric("claimline_connections_cut_total{reason=\"body\"}") ==
	      1);
	/* 12000 bytes in 4 pieces 700 ms apart (about 5 KiB/s, past the
	 * grace): taken and answered (the key is missing: 401). */
	st = trickle_post(s.port, 4, 700, &ms);
	CHECK_INT(st, 401);
	fprintf(stderr, "  above the rate: %d after %lld ms\n", st, ms);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_slow_headers_cannot_hold_the_server, TL_NO_SERVER),
		TL_TEST(test_slow_body_is_cut, TL_NO_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
