/*
 * Configuration: --help lists every option with its variable and default;
 * each CLAIMLINE_* variable takes effect; a flag wins over its variable,
 * which wins over the default; a bad value in either stops the process
 * with one line naming it and exit status 2.
 */
#include "tests/ops/opslib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CMD_TIMEOUT_MS 15000

static const struct {
	const char *flag;
	const char *env;
	const char *def;
} every_option[] = {
	{"--port", "CLAIMLINE_PORT", "8080"},
	{"--bind", "CLAIMLINE_BIND", "127.0.0.1"},
	{"--db", "CLAIMLINE_DB", "./claimline.db"},
	{"--demo", "CLAIMLINE_DEMO", "off"},
	{"--threads", "CLAIMLINE_THREADS", "one per CPU core"},
	{"--body-limit", "CLAIMLINE_BODY_LIMIT", "1048576"},
	{"--import-limit", "CLAIMLINE_IMPORT_LIMIT", "67108864"},
	{"--read-auth", "CLAIMLINE_READ_AUTH", "off"},
	{"--cors-origin", "CLAIMLINE_CORS_ORIGIN", "none"},
	{"--log-format", "CLAIMLINE_LOG_FORMAT", "json"},
	{"--connection-limit", "CLAIMLINE_CONNECTION_LIMIT",
	 "from the fd limit"},
	{"--per-ip-connection-limit", "CLAIMLINE_PER_IP_CONNECTION_LIMIT",
	 "64"},
	{"--connection-timeout", "CLAIMLINE_CONNECTION_TIMEOUT", "30"},
	{"--header-timeout", "CLAIMLINE_HEADER_TIMEOUT", "10"},
	{"--min-upload-rate", "CLAIMLINE_MIN_UPLOAD_RATE", "1024"},
	{"--upload-grace", "CLAIMLINE_UPLOAD_GRACE", "10"},
	{"--connection-memory-limit", "CLAIMLINE_CONNECTION_MEMORY_LIMIT",
	 "32768"},
	{"--strict", "CLAIMLINE_STRICT", "1"},
	{"--drain-timeout", "CLAIMLINE_DRAIN_TIMEOUT", "8"},
	{"--gzip-level", "CLAIMLINE_GZIP_LEVEL", "1"},
};

/* The line of `text` that holds `needle`, or NULL. */
static const char *line_with(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	if (!p)
		return NULL;
	const char *start = p;
	while (start > text && start[-1] != '\n')
		start--;
	const char *end = strchr(p, '\n');
	return tl_fmt("%.*s", end ? (int)(end - start) : (int)strlen(start),
		      start);
}

static void test_help_lists_every_option(struct tl_server *srv)
{
	(void)srv;
	struct tl_cmd *c =
		tl_run_cmd((const char *[]){"--help", NULL}, CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 0);
	for (size_t i = 0; i < sizeof(every_option) / sizeof(every_option[0]);
	     i++) {
		const char *l = line_with(
			c->out, tl_fmt("  %s ", every_option[i].flag));
		if (!CHECK(l != NULL)) {
			fprintf(stderr, "  --help lacks %s\n",
				every_option[i].flag);
			continue;
		}
		/* The flag, its variable and its default on one line. */
		CHECK(strstr(l, every_option[i].env) != NULL);
		CHECK(strstr(l, tl_fmt("default: %s)", every_option[i].def)) !=
		      NULL);
	}
	/* Any option line at all names its variable and default. */
	for (const char *p = strstr(c->out, "\n  --"); p;
	     p = strstr(p + 1, "\n  --")) {
		const char *l = line_with(p + 1, "--");
		if (!CHECK(strstr(l, " CLAIMLINE_") && strstr(l, "(default: ")))
			fprintf(stderr, "  incomplete: %s\n", l);
	}
	/* Both commands are there, and each command takes --help too. */
	CHECK(strstr(c->out, "claimline serve") != NULL);
	CHECK(strstr(c->out, "claimline healthcheck") != NULL);
	c = tl_run_cmd((const char *[]){"serve", "--help", NULL},
		       CMD_TIMEOUT_MS);
	CHECK_INT(c->code, 0);
	CHECK(strstr(c->out, "CLAIMLINE_DRAIN_TIMEOUT") != NULL);
}

/* `claimline serve ...` with `env` set must exit 2 with one stderr line
 * naming `named`. */
static void check_bad(const char *file, int line, const char *env,
		      const char *const *args, const char *named)
{
	const char *dir = tl_tempdir();
	if (!dir)
		return;
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = tl_fmt("%s/x.db", dir);
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (env)
		putenv((char *)env);
	struct tl_cmd *c = tl_run_cmd(argv, CMD_TIMEOUT_MS);
	if (env) {
		char name[64];
		snprintf(name, sizeof(name), "%.*s",
			 (int)(strchr(env, '=') - env), env);
		unsetenv(name);
	}
	if (c->code != 2)
		tl_fail(file, line, "%s: exit code %d, want 2", named, c->code);
	const char *nl = strchr(c->err, '\n');
	if (!nl || nl[1] != '\0')
		tl_fail(file, line, "%s: want one line on stderr, got \"%s\"",
			named, c->err);
	if (!strstr(c->err, named))
		tl_fail(file, line, "stderr does not name %s: \"%s\"", named,
			c->err);
	if (access(tl_fmt("%s/x.db", dir), F_OK) == 0)
		tl_fail(file, line, "%s: a store was made before the check",
			named);
}

#define CHECK_BAD(env, named, ...)                                             \
	check_bad(__FILE__, __LINE__, (env),                                   \
		  (const char *[]){__VA_ARGS__, NULL}, (named))

static void test_bad_values_exit_2(struct tl_server *srv)
{
	(void)srv;
	CHECK_BAD("CLAIMLINE_PORT=abc", "CLAIMLINE_PORT", NULL);
	CHECK_BAD("CLAIMLINE_PORT=70000", "CLAIMLINE_PORT", NULL);
	CHECK_BAD("CLAIMLINE_THREADS=0", "CLAIMLINE_THREADS", NULL);
	CHECK_BAD("CLAIMLINE_BIND=localhost", "CLAIMLINE_BIND", NULL);
	CHECK_BAD("CLAIMLINE_DEMO=maybe", "CLAIMLINE_DEMO", NULL);
	CHECK_BAD("CLAIMLINE_LOG_FORMAT=xml", "CLAIMLINE_LOG_FORMAT", NULL);
	CHECK_BAD("CLAIMLINE_CORS_ORIGIN=*", "CLAIMLINE_CORS_ORIGIN", NULL);
	CHECK_BAD("CLAIMLINE_CONNECTION_LIMIT=0", "CLAIMLINE_CONNECTION_LIMIT",
		  NULL);
	CHECK_BAD("CLAIMLINE_STRICT=2", "CLAIMLINE_STRICT", NULL);
	CHECK_BAD(NULL, "--log-format", "--log-format", "xml");
	CHECK_BAD(NULL, "--cors-origin", "--cors-origin",
		  "https://ok.example,https://bad.example/path");
	CHECK_BAD(NULL, "--per-ip-connection-limit",
		  "--per-ip-connection-limit", "-3");
	CHECK_BAD(NULL, "--connection-memory-limit",
		  "--connection-memory-limit", "100");
	CHECK_BAD(NULL, "--drain-timeout", "--drain-timeout", "soon");
	CHECK_BAD(NULL, "--bind", "--bind", "not-an-address");
	/* Still 2 for an unknown option and a missing value. */
	CHECK_BAD(NULL, "--bogus", "--bogus");
	CHECK_BAD(NULL, "--port", "--port");
}

/* A TCP port that is taken while `fd` stays open. */
static int taken_port(int *fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(*fd, 1) != 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &len) != 0)
		return -1;
	return ntohs(sa.sin_port);
}

static void test_flag_wins_over_environment(struct tl_server *srv)
{
	int fd;
	int port = taken_port(&fd);
	struct tl_server s;

	(void)srv;
	REQUIRE(port > 0);
	/* The runner passes --port 0 and --db: were the variables to win,
	 * the port would be taken and the store elsewhere. */
	tl_server_init(&s);
	const char *elsewhere = tl_fmt("%s/elsewhere.db", tl_tempdir());
	if (ops_start(&s, NULL,
		      ((const char *[]){tl_fmt("CLAIMLINE_PORT=%d", port),
					tl_fmt("CLAIMLINE_DB=%s", elsewhere),
					"CLAIMLINE_LOG_FORMAT=text", NULL}),
		      ((const char *[]){"--log-format", "json", NULL})) == 0) {
		CHECK(s.port != port);
		CHECK_STATUS(tl_get("/healthz"), 200);
		CHECK(access(s.db, F_OK) == 0);
		CHECK(access(elsewhere, F_OK) != 0);
		tl_server_stop(&s);
		/* --log-format json won over the variable's text. */
		const char *log = ops_read_file(s.err_path);
		CHECK(log && strstr(log, "{\"time\":\"") != NULL);
	}
	tl_server_destroy(&s);
	close(fd);
}

static void test_environment_wins_over_default(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(&s, NULL,
			  ((const char *[]){"CLAIMLINE_BODY_LIMIT=2048",
					    "CLAIMLINE_DEMO=1",
					    "CLAIMLINE_LOG_FORMAT=text", NULL}),
			  NULL) == 0);
	/* The default limit is 1 MiB: 4 KiB passes it, not 2048. */
	const char *big = tl_fmt("{\"id\": \"x\", \"name\": \"%s\"}",
				 tl_repeat('a', 4096));
	CHECK_PROBLEM(tl_post("/v1/actors", big), 413, "payload-too-large");
	/* CLAIMLINE_DEMO=1 loaded the demo data. */
	struct tl_resp *r = tl_get("/v1/actors");
	CHECK_STATUS(r, 200);
	CHECK(json_array_size(tl_at(r->json, "/items")) > 0);
	tl_server_stop(&s);
	/* CLAIMLINE_LOG_FORMAT=text: no JSON request lines. */
	const char *log = ops_read_file(s.err_path);
	CHECK(log && strstr(log, "GET /v1/actors 200") != NULL);
	CHECK(log && strstr(log, "{\"time\"") == NULL);
	tl_server_destroy(&s);
}

static void test_cors_flags_replace_environment(struct tl_server *srv)
{
	struct tl_server s;

	(void)srv;
	tl_server_init(&s);
	REQUIRE(ops_start(
			&s, NULL,
			((const char *[]){
				"CLAIMLINE_CORS_ORIGIN=https://env.example",
				NULL}),
			((const char *[]){"--cors-origin",
					  "https://a.example,https://b.example",
					  "--cors-origin", "https://c.example",
					  NULL})) == 0);
	static const char *const granted[] = {
		"https://a.example", "https://b.example", "https://c.example"};
	for (size_t i = 0; i < 3; i++) {
		struct tl_resp *r = tl_request(
			"GET", "/healthz", NULL, NULL, 0,
			(const char *[]){tl_fmt("Origin: %s", granted[i]),
					 NULL});
		CHECK_STR(tl_header(r, "Access-Control-Allow-Origin"),
			  granted[i]);
	}
	struct tl_resp *r = tl_request(
		"GET", "/healthz", NULL, NULL, 0,
		(const char *[]){"Origin: https://env.example", NULL});
	CHECK(tl_header(r, "Access-Control-Allow-Origin") == NULL);
	tl_server_stop(&s);
	tl_server_destroy(&s);
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_help_lists_every_option, TL_NO_SERVER),
		TL_TEST(test_bad_values_exit_2, TL_NO_SERVER),
		TL_TEST(test_flag_wins_over_environment, TL_NO_SERVER),
		TL_TEST(test_environment_wins_over_default, TL_NO_SERVER),
		TL_TEST(test_cors_flags_replace_environment, TL_NO_SERVER),
		{NULL, NULL, 0},
	};
	return tl_main(argc, argv, tests);
}
