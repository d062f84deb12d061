/*
 * claimline: the process.  Picks the command from a small table (serve,
 * healthcheck), reads its configuration from flags and CLAIMLINE_*
 * variables, and runs it.  `serve` opens and migrates the store, loads the
 * demo data when asked, starts the HTTP front end and waits for SIGTERM
 * or SIGINT; then it turns /readyz to 503, stops accepting, lets
 * in-flight requests finish, checkpoints the store and exits 0.
 *
 * Exit status: 0 done, 1 a runtime failure (store, port), 2 a usage or
 * configuration error (one line on stderr).
 */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/demo.h"
#include "server/config.h"
#include "server/conntrack.h"
#include "server/healthcheck.h"
#include "server/http.h"
#include "server/keys.h"
#include "server/lifecycle.h"
#include "server/metrics.h"
#include "store/store.h"

#define EXIT_USAGE 2
#define HEALTHCHECK_TIMEOUT_MS 5000

struct command {
	const char *name;
	const char *synopsis; /* after the name, for the usage text */
	const char *summary;
	unsigned options; /* the config_command mask whose options it takes */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
};

static int fail(int status, const char *line)
{
	fprintf(stderr, "claimline: %s\n", line);
	return status;
}

/* True when argv holds --help or -h: any command then prints the usage. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* Opens the store once at start: migrations and demo data. */
static int prepare_store(const struct config *cfg)
{
	char err[512];
	struct store *st = store_open(cfg->db, err, sizeof(err));
	if (!st)
		return fail(1, err);
	int rc = store_migrate(st, err, sizeof(err));
	if (rc == STORE_OK && cfg->demo) {
		enum demo_result r = demo_load(st, err, sizeof(err));
		fprintf(stderr, "claimline: %s\n", err);
		rc = r == DEMO_FAILED ? STORE_ERROR : STORE_OK;
	} else if (rc != STORE_OK) {
		fail(1, err);
	}
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

/* Serves until SIGTERM or SIGINT; see the top of the file. */
static int run_server(const struct config *cfg)
{
	char err[512];
	/* Key checks and idempotency hashes use libsodium from the worker
	 * threads; it must be set up once before. */
	if (sodium_init() < 0)
		return fail(1, "libsodium failed to start");
	/* As many descriptors as the hard limit allows: the connection
	 * limit is sized from them (server/http.c). */
	conntrack_raise_nofile();
	if (prepare_store(cfg) != 0)
		return 1;
	if (store_thread_init(cfg->db) != STORE_OK)
		return fail(1, "out of memory");
	metrics_init(cfg->db);

	/* Block the signals before the worker threads exist, so that they
	 * inherit the mask and only sigwait() below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_server *srv = http_start(cfg, err, sizeof(err));
	if (!srv) {
		store_thread_init("");
		return fail(1, err);
	}
	const char *host = cfg->bind;
	printf(strchr(host, ':') ? "claimline listening on http://[%s]:%d\n"
				 : "claimline listening on http://%s:%d\n",
	       host, http_port(srv));
	fflush(stdout);

	int sig = 0;
	sigwait(&stop, &sig);
	/* From here /readyz answers 503, before anything else changes. */
	lifecycle_begin_drain();
	fprintf(stderr, "claimline: %s received, shutting down\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop(srv); /* the workers' store connections close with them */
	store_thread_init(""); /* frees the recorded path */
	if (store_checkpoint(cfg->db, err, sizeof(err)) != STORE_OK)
		fprintf(stderr, "claimline: %s\n", err);
	fprintf(stderr, "claimline: stopped\n");
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	config_defaults(&cfg);
	if (config_parse(CONFIG_SERVE, argc, argv, &cfg, err, sizeof(err)) !=
	    0) {
		config_release(&cfg);
		return fail(EXIT_USAGE, err);
	}
	int rc = run_server(&cfg);
	config_release(&cfg);
	return rc;
}

static int cmd_healthcheck(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	config_defaults(&cfg);
	int rc = config_parse(CONFIG_HEALTHCHECK, argc, argv, &cfg, err,
			      sizeof(err));
	if (rc != 0) {
		config_release(&cfg);
		return fail(EXIT_USAGE, err);
	}
	rc = healthcheck_run(cfg.bind, cfg.port, HEALTHCHECK_TIMEOUT_MS, err,
			     sizeof(err));
	config_release(&cfg);
	return rc == 0 ? 0 : fail(1, err);
}

static const struct command commands[] = {
	{"serve", "[options]", "run the HTTP server", CONFIG_SERVE, cmd_serve},
	{"healthcheck", "[--port N] [--bind ADDR]",
	 "exit 0 when the server at ADDR:PORT answers GET /healthz with 200, "
	 "else 1",
	 CONFIG_HEALTHCHECK, cmd_healthcheck},
	{"keys",
	 "add --name NAME --scope read|write|admin | list | revoke NAME "
	 "[--db PATH]",
	 "manage API keys; add prints the new key alone on its last line, "
	 "once",
	 0, keys_command},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("usage: claimline COMMAND [options]\n"
	      "       claimline --help | --version\n"
	      "\n"
	      "An HTTP JSON store of who said what, when, about which event.\n"
	      "\n"
	      "commands:\n",
	      out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  claimline %s %s\n      %s\n", commands[i].name,
			commands[i].synopsis, commands[i].summary);
	fputs("\nEvery option can also be set by its environment variable; a "
	      "flag wins over\nthe variable, and the variable over the "
	      "default.\n",
	      out);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (!commands[i].options)
			continue; /* its synopsis says it all */
		fprintf(out, "\n%s options:\n", commands[i].name);
		config_print_options(out, commands[i].options);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("claimline %s\n", CLAIMLINE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			usage(stdout);
			return 0;
		}
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "claimline: unknown command %s (see --help)\n",
		argv[1]);
	return EXIT_USAGE;
}
