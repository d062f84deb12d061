/*
 * The server's configuration: one table of options, each settable by a
 * command-line flag and by a CLAIMLINE_* environment variable.  A flag
 * wins over the environment, which wins over the default.  Every value is
 * checked while parsing, so that a bad one stops the process with one
 * clear line before anything is opened.
 *
 * Adding an option: a field here, a default in config_defaults(), one row
 * in the option table of config.c (flag, variable, default text, help,
 * the commands that read it, and its setter).
 */
#ifndef CLAIMLINE_CONFIG_H
#define CLAIMLINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum log_format {
	LOG_FORMAT_JSON, /* one JSON object per line, for machines */
	LOG_FORMAT_TEXT, /* one plain line per request, for people */
};

/* The commands an option belongs to (a mask). */
enum config_command {
	CONFIG_SERVE = 1 << 0,
	CONFIG_HEALTHCHECK = 1 << 1,
};

struct config {
	const char *bind; /* borrowed from argv, environ or a literal */
	int port;	  /* 0: any free port */
	const char *db;	  /* borrowed, as bind */
	bool demo;
	unsigned threads;    /* worker threads; default: one per core */
	size_t body_limit;   /* bytes */
	size_t import_limit; /* bytes, for POST /v1/import */
	bool read_auth;	     /* reads need a key too */
	enum log_format log_format;
	/* CORS allow-list of exact origins ("https://desk.example.org");
	 * the strings and the array are owned (config_release). */
	char **cors_origins;
	size_t ncors_origins;
	/* Hardening: handed to libmicrohttpd, or enforced by
	 * server/conntrack.c where MHD cannot. */
	unsigned connection_limit;   /* connections at once, overall; 0: as
				      * many as the fd limit allows */
	unsigned per_ip_limit;	     /* connections at once per client IP;
				      * 0: no limit */
	unsigned connection_timeout; /* idle seconds; 0: never */
	unsigned header_timeout;     /* seconds for a request's line and
				      * headers */
	unsigned min_upload_rate;    /* body bytes per second; 0: none */
	unsigned upload_grace;	     /* seconds before the rate applies */
	size_t memory_limit;	     /* bytes of buffers per connection */
	int strict;		     /* MHD_OPTION_STRICT_FOR_CLIENT */
	unsigned drain_timeout;	     /* seconds to finish in-flight requests
				      * after SIGTERM */
	int gzip_level;		     /* zlib level for compressed replies;
				      * 0: never compress */
};

/* Fills `cfg` with the defaults.  Release it with config_release(). */
void config_defaults(struct config *cfg);

/* Frees what the configuration owns (the CORS list) and zeroes it. */
void config_release(struct config *cfg);

/*
 * Applies, over what `cfg` holds, first the CLAIMLINE_* variables of the
 * environment and then the flags in argv[1..argc-1] (argv[0] is the
 * command name), taking only the options of `command`.  Returns 0, or -1
 * with one line in `err` naming the flag or variable and its bad value.
 * Strings from argv and the environment are borrowed: neither may change
 * while `cfg` is in use.
 */
int config_parse(enum config_command command, int argc, char **argv,
		 struct config *cfg, char *err, size_t errsz);

/*
 * Prints the options of `command` (a mask) with their flag, variable,
 * default and meaning, one option per two lines.
 */
void config_print_options(FILE *out, unsigned command);

#endif
