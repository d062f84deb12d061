/*
 * The server's configuration and the command line that sets it.
 */
#ifndef CLAIMLINE_CONFIG_H
#define CLAIMLINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	const char *bind;  /* borrowed from argv or a default */
	int port;          /* 0: any free port */
	const char *db;
	bool demo;
	unsigned threads;  /* worker threads; default: one per core */
	size_t body_limit; /* bytes */
};

/* Fills `cfg` with the defaults. */
void config_defaults(struct config *cfg);

/*
 * Parses the options of `claimline serve` (argv[0] is "serve").  Returns 0,
 * or -1 with one line in `err` naming the bad flag or value.
 */
int config_parse_serve(int argc, char **argv, struct config *cfg, char *err,
		       size_t errsz);

/* The usage text for --help. */
extern const char config_usage[];

#endif
