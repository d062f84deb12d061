/*
 * Command-line parsing for `claimline serve`.  Every value is checked
 * here, so that a bad flag stops the process with one clear line before
 * anything is opened.
 */
#include "server/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char config_usage[] =
	"usage: claimline serve [options]\n"
	"       claimline --help | --version\n"
	"\n"
	"An HTTP JSON store of who said what, when, about which event.\n"
	"\n"
	"serve options:\n"
	"  --port N        TCP port to listen on; 0 picks a free one (default 8080)\n"
	"  --bind ADDR     IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
	"  --db PATH       SQLite store, created if missing (default ./claimline.db)\n"
	"  --demo          load the demo data into an empty store\n"
	"  --threads N     worker threads (default: one per CPU core)\n"
	"  --body-limit N  largest request body in bytes (default 1048576)\n";

void config_defaults(struct config *cfg)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	*cfg = (struct config){
		.bind = "127.0.0.1",
		.port = 8080,
		.db = "./claimline.db",
		.threads = cores > 0 ? (unsigned)cores : 1,
		.body_limit = 1024 * 1024,
	};
}

/* Parses a whole decimal number in [lo, hi]. */
static int parse_number(const char *s, long long lo, long long hi,
			long long *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int config_parse_serve(int argc, char **argv, struct config *cfg, char *err,
		       size_t errsz)
{
	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;
		long long n;
		if (strcmp(flag, "--demo") == 0) {
			cfg->demo = true;
			continue;
		}
		if (strcmp(flag, "--port") && strcmp(flag, "--bind") &&
		    strcmp(flag, "--db") && strcmp(flag, "--threads") &&
		    strcmp(flag, "--body-limit")) {
			snprintf(err, errsz, "unknown option %s (see --help)",
				 flag);
			return -1;
		}
		if (!value) {
			snprintf(err, errsz, "%s needs a value", flag);
			return -1;
		}
		i++;
		if (strcmp(flag, "--bind") == 0) {
			cfg->bind = value;
		} else if (strcmp(flag, "--db") == 0) {
			if (!*value) {
				snprintf(err, errsz, "--db needs a path");
				return -1;
			}
			cfg->db = value;
		} else if (strcmp(flag, "--port") == 0) {
			if (parse_number(value, 0, 65535, &n) != 0) {
				snprintf(err, errsz,
					 "--port %s: not a port (0-65535)",
					 value);
				return -1;
			}
			cfg->port = (int)n;
		} else if (strcmp(flag, "--threads") == 0) {
			if (parse_number(value, 1, 256, &n) != 0) {
				snprintf(err, errsz,
					 "--threads %s: not a number from 1 "
					 "to 256",
					 value);
				return -1;
			}
			cfg->threads = (unsigned)n;
		} else {
			if (parse_number(value, 1024, 1LL << 32, &n) != 0) {
				snprintf(err, errsz,
					 "--body-limit %s: not a size from "
					 "1024 bytes to 4 GiB",
					 value);
				return -1;
			}
			cfg->body_limit = (size_t)n;
		}
	}
	return 0;
}
