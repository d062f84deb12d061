/*
 * The command line: --version, --help, bad flags and values, a port that
 * is taken, a store that cannot be opened, the listening line, a clean
 * exit on SIGTERM, and data surviving a restart.
 */
#include "tests/lib/testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD_TIMEOUT_MS 15000

/* Number of lines in `s` (a last line without newline counts). */
static int lines(const char *s)
{
	int n = 0;

	for (const char *p = s; *p; p++)
		if (*p == '\n' || p[1] == '\0')
			n++;
	return n;
}

static void test_version(struct tl_server *srv)
{
	const char *want = getenv("CLAIMLINE_VERSION");
	struct tl_cmd *c =
		tl_run_cmd((const char *[]){"--version", NULL}, CMD_TIMEOUT_MS);

	(void)srv;
	CHECK(c->exited);
	CHECK_INT(c->code, 0);
	CHECK(*c->out != '\0');
	if (want)
		CHECK(strstr(c->out, want) != NULL);
	CHECK_INT(lines(c->out), 1);
}

static void test_help(struct tl_server *srv)
{
	struct tl_cmd *c =
		tl_run_cmd((const char *[]){"--help", NULL}, CMD_TIMEOUT_MS);

	(void)srv;
	CHECK(c->exited);
	CHECK_INT(c->code, 0);
	CHECK(strstr(c->out, "serve") != NULL);
	CHECK(strstr(c->out, "--port") != NULL);
	CHECK(strstr(c->out, "--db") != NULL);
	CHECK(strstr(c->out, "--demo") != NULL);
}

static void check_bad(const char *file, int line, const char *const *args,
		      const char *named)
{
	struct tl_cmd *c = tl_run_cmd(args, CMD_TIMEOUT_MS);

	if (!c->exited) {
		tl_fail(file, line, "%s %s...: still running after %d ms",
			args[0], args[1] ? args[1] : "", CMD_TIMEOUT_MS);
		return;
	}
	if (c->code == 0)
		tl_fail(file, line, "%s %s...: exit status 0", args[0],
			args[1] ? args[1] : "");
	if (lines(c->err) != 1)
		tl_fail(file, line, "%s: want one line on stderr, got: \"%s\"",
			named, c->err);
	if (!strstr(c->err, named))
		tl_fail(file, line, "stderr does not name %s: \"%s\"", named,
			c->err);
}

#define CHECK_BAD(named, ...)                                                  \
	check_bad(__FILE__, __LINE__, (const char *[]){__VA_ARGS__, NULL},     \
		  named)

static void test_bad_flags(struct tl_server *srv)
{
	const char *dir = tl_tempdir();
	const char *db;

	(void)srv;
	REQUIRE(dir != NULL);
	db = tl_fmt("%s/x.db", dir);
	CHECK_BAD("--bogus", "--bogus");
	CHECK_BAD("--bogus", "serve", "--bogus", "--db", db);
	CHECK_BAD("--frobnicate", "serve", "--port", "0", "--db", db,
		  "--frobnicate");
	CHECK_BAD("--port", "serve", "--port", "abc", "--db", db);
	CHECK_BAD("--port", "serve", "--port", "70000", "--db", db);
	CHECK_BAD("--port", "serve", "--port", "-1", "--db", db);
	CHECK_BAD("--threads", "serve", "--port", "0", "--db", db, "--threads",
		  "zero");
	/* A flag that needs a value, given none. */
	CHECK_BAD("--db", "serve", "--port", "0", "--db");
	/* None of these made a store. */
	CHECK(access(db, F_OK) != 0);
}

static void test_port_in_use(struct tl_server *srv)
{
	const char *dir = tl_tempdir();
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct tl_cmd *c;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)srv;
	REQUIRE(dir != NULL && fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		   listen(fd, 1) == 0 &&
		   getsockname(fd, (struct sockaddr *)&sa, &len) == 0)) {
		close(fd);
		return;
	}
	c = tl_run_cmd((const char *[]){"serve", "--bind", "127.0.0.1",
					"--port",
					tl_fmt("%d", ntohs(sa.sin_port)),
					"--db", tl_fmt("%s/x.db", dir), NULL},
		       CMD_TIMEOUT_MS);
	close(fd);
	CHECK(c->exited);
	CHECK(c->code != 0);
	CHECK(*c->err != '\0');
	CHECK(strstr(c->out, "listening") == NULL);
}

static void test_unopenable_db(struct tl_server *srv)
{
	const char *dir = tl_tempdir();
	struct tl_cmd *c;

	(void)srv;
	c = tl_run_cmd((const char *[]){"serve", "--bind", "127.0.0.1",
					"--port", "0", "--db",
					"/nonexistent-dir/x.db", NULL},
		       CMD_TIMEOUT_MS);
	CHECK(c->exited);
	CHECK(c->code != 0);
	CHECK(*c->err != '\0');
	CHECK(strstr(c->out, "listening") == NULL);
	/* A directory is no database file either. */
	REQUIRE(dir != NULL);
	c = tl_run_cmd((const char *[]){"serve", "--bind", "127.0.0.1",
					"--port", "0", "--db", dir, NULL},
		       CMD_TIMEOUT_MS);
	CHECK(c->exited);
	CHECK(c->code != 0);
}

static void test_listening_line_and_clean_exit(struct tl_server *srv)
{
	struct tl_server s;
	int st;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(tl_server_start(&s, NULL) == 0);
	CHECK_STR(s.out_line,
		  tl_fmt("claimline listening on http://127.0.0.1:%d", s.port));
	CHECK_STATUS(tl_get("/v1/actors"), 200);
	/* A keep-alive connection left open must not hold up the exit. */
	{
		struct tl_conn *c = tl_conn_new();

		CHECK_STATUS(tl_conn_request(c, "GET", "/v1/actors", NULL, NULL,
					     0, NULL),
			     200);
		st = tl_server_stop(&s);
		tl_conn_free(c);
	}
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	tl_server_destroy(&s);
}

static void test_data_survives_restart(struct tl_server *srv)
{
	json_t *before;

	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"DPRK\"}"));
	REQUIRE(tl_create("/v1/claims", "{\"id\": \"c\", \"claimant\": \"kp\", "
					"\"text\": \"t\"}"));
	REQUIRE_STATUS(tl_patch("/v1/actors/kp", "{\"country\": \"KP\"}"), 200);
	before = tl_get("/v1/actors/kp")->json;
	CHECK_INT(tl_server_stop(srv), 0);
	REQUIRE(tl_server_start(srv, NULL) == 0);
	CHECK_SAME(tl_get("/v1/actors/kp")->json, before);
	CHECK_STATUS(tl_get("/v1/claims/c"), 200);
	/* Nothing was duplicated by the restart. */
	CHECK_INT(json_array_size(tl_list_all("/v1/claims", 10)), 1);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_version, TL_NO_SERVER),
		TL_TEST(test_help, TL_NO_SERVER),
		TL_TEST(test_bad_flags, TL_NO_SERVER),
		TL_TEST(test_port_in_use, TL_NO_SERVER),
		TL_TEST(test_unopenable_db, TL_NO_SERVER),
		TL_TEST(test_listening_line_and_clean_exit, TL_NO_SERVER),
		TL_TEST(test_data_survives_restart, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
