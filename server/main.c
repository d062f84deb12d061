/*
 * claimline: the process.  Parses the command line, opens and migrates the
 * store, loads the demo data when asked, starts the HTTP front end and
 * waits for SIGTERM or SIGINT to shut down cleanly.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/demo.h"
#include "server/config.h"
#include "server/http.h"
#include "store/store.h"

static int fail(const char *line)
{
	fprintf(stderr, "claimline: %s\n", line);
	return 1;
}

/* Opens the store once at start: migrations and demo data. */
static int prepare_store(const struct config *cfg)
{
	char err[512];
	struct store *st = store_open(cfg->db, err, sizeof(err));
	if (!st)
		return fail(err);
	int rc = store_migrate(st, err, sizeof(err));
	if (rc == STORE_OK && cfg->demo) {
		enum demo_result r = demo_load(st, err, sizeof(err));
		fprintf(stderr, "claimline: %s\n", err);
		rc = r == DEMO_FAILED ? STORE_ERROR : STORE_OK;
	} else if (rc != STORE_OK) {
		fail(err);
	}
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

static int serve(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	config_defaults(&cfg);
	if (config_parse_serve(argc, argv, &cfg, err, sizeof(err)) != 0)
		return fail(err);
	if (prepare_store(&cfg) != 0)
		return 1;
	if (store_thread_init(cfg.db) != STORE_OK)
		return fail("out of memory");

	/* Block the signals before the worker threads exist, so that they
	 * inherit the mask and only sigwait() below sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct http_server *srv = http_start(&cfg, err, sizeof(err));
	if (!srv)
		return fail(err);
	const char *host = cfg.bind;
	printf(strchr(host, ':') ? "claimline listening on http://[%s]:%d\n"
				 : "claimline listening on http://%s:%d\n",
	       host, http_port(srv));
	fflush(stdout);

	int sig = 0;
	sigwait(&stop, &sig);
	fprintf(stderr, "claimline: %s received, shutting down\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop(srv);
	store_thread_init(""); /* frees the recorded path */
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
			  strcmp(argv[1], "-h") == 0)) {
		fputs(config_usage, stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("claimline %s\n", CLAIMLINE_VERSION);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "serve") == 0)
		return serve(argc - 1, argv + 1);
	if (argc >= 2)
		fprintf(stderr, "claimline: unknown command %s (see --help)\n",
			argv[1]);
	else
		fputs(config_usage, stderr);
	return 2;
}
