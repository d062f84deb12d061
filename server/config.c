/*
 * Configuration parsing.  One table lists every option once: its flag,
 * its CLAIMLINE_* variable, the default shown by --help, the commands that
 * read it and the setter that checks and stores a value.  config_parse()
 * walks the environment first and the flags second, so a flag wins; the
 * help text is printed from the same table, so it cannot forget one.
 */
#include "server/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* A setter checks `value` and stores it; on a bad value it writes what is
 * wrong (without the option's name) into `why` and returns -1. */
typedef int (*setter_fn)(struct config *cfg, const char *value, char *why,
			 size_t whysz);

struct option_spec {
	const char *flag;
	const char *env;
	const char *arg; /* "N", "PATH"...; NULL for a switch */
	const char *def; /* the default as --help shows it */
	const char *help;
	unsigned commands;
	bool repeatable; /* values from several flags add up */
	setter_fn set;	 /* its own setter; NULL for the plain kinds below */
	/* Plain numbers and switches: the field and the allowed range. */
	enum { VALUE_UNSIGNED, VALUE_SIZE, VALUE_INT, VALUE_BOOL } kind;
	size_t offset;
	long long lo, hi;
};

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

/* Like parse_number, with the reason written into `why`. */
static int number_in(const char *value, long long lo, long long hi,
		     long long *out, char *why, size_t whysz)
{
	if (parse_number(value, lo, hi, out) == 0)
		return 0;
	snprintf(why, whysz, "not a number from %lld to %lld", lo, hi);
	return -1;
}

static int set_port(struct config *cfg, const char *value, char *why,
		    size_t whysz)
{
	long long n;
	if (parse_number(value, 0, 65535, &n) != 0) {
		snprintf(why, whysz, "not a port (0-65535)");
		return -1;
	}
	cfg->port = (int)n;
	return 0;
}

static int set_bind(struct config *cfg, const char *value, char *why,
		    size_t whysz)
{
	unsigned char addr[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, value, addr) != 1 &&
	    inet_pton(AF_INET6, value, addr) != 1) {
		snprintf(why, whysz, "not an IPv4 or IPv6 address");
		return -1;
	}
	cfg->bind = value;
	return 0;
}

static int set_db(struct config *cfg, const char *value, char *why,
		  size_t whysz)
{
	if (!*value) {
		snprintf(why, whysz, "needs a path");
		return -1;
	}
	cfg->db = value;
	return 0;
}

/* Reads a boolean written as 1/0, true/false, yes/no or on/off. */
static int parse_bool(const char *value, bool *out, char *why, size_t whysz)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off", ""};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	snprintf(why, whysz, "not a boolean (1/0, true/false, yes/no, on/off)");
	return -1;
}

static int set_log_format(struct config *cfg, const char *value, char *why,
			  size_t whysz)
{
	if (strcmp(value, "json") == 0) {
		cfg->log_format = LOG_FORMAT_JSON;
	} else if (strcmp(value, "text") == 0) {
		cfg->log_format = LOG_FORMAT_TEXT;
	} else {
		snprintf(why, whysz, "not json or text");
		return -1;
	}
	return 0;
}

/* An origin is scheme://host[:port], with nothing after the authority. */
static bool origin_is_valid(const char *s, size_t n)
{
	const char *sep = memmem(s, n, "://", 3);
	if (!sep || sep == s || (size_t)(sep - s) + 3 >= n)
		return false;
	for (const char *p = s; p < s + n; p++) {
		if (*p <= ' ' || *p > '~' || *p == ',')
			return false;
		if (p >= sep + 3 && (*p == '/' || *p == '?' || *p == '#'))
			return false;
	}
	return true;
}

/* Appends each comma-separated origin of `value`; blanks around commas
 * are dropped. */
static int set_cors_origin(struct config *cfg, const char *value, char *why,
			   size_t whysz)
{
	const char *p = value;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && *end != ',')
			end++;
		size_t n = (size_t)(end - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (!origin_is_valid(p, n)) {
			snprintf(why, whysz,
				 "\"%.*s\" is not an origin such as "
				 "https://example.org",
				 (int)(n > 200 ? 200 : n), p);
			return -1;
		}
		char *copy = strndup(p, n);
		char **grown = realloc(cfg->cors_origins, (cfg->ncors_origins +
							   1) * sizeof(*grown));
		if (!copy || !grown) {
			free(copy);
			if (grown)
				cfg->cors_origins = grown;
			snprintf(why, whysz, "out of memory");
			return -1;
		}
		cfg->cors_origins = grown;
		cfg->cors_origins[cfg->ncors_origins++] = copy;
		p = end;
	}
	return 0;
}

/* Checks and stores a value: the option's own setter, or the plain kind
 * it declares. */
static int set_value(const struct option_spec *o, struct config *cfg,
		     const char *value, char *why, size_t whysz)
{
	if (o->set)
		return o->set(cfg, value, why, whysz);
	char *field = (char *)cfg + o->offset;
	if (o->kind == VALUE_BOOL)
		return parse_bool(value, (bool *)field, why, whysz);
	long long n;
	if (number_in(value, o->lo, o->hi, &n, why, whysz) != 0)
		return -1;
	if (o->kind == VALUE_UNSIGNED)
		*(unsigned *)field = (unsigned)n;
	else if (o->kind == VALUE_SIZE)
		*(size_t *)field = (size_t)n;
	else
		*(int *)field = (int)n;
	return 0;
}

#define SERVE CONFIG_SERVE
#define BOTH (CONFIG_SERVE | CONFIG_HEALTHCHECK)

static const struct option_spec options[] = {
	{"--port", "CLAIMLINE_PORT", "N", "8080",
	 "TCP port; 0 picks a free one", BOTH, false, .set = set_port},
	{"--bind", "CLAIMLINE_BIND", "ADDR", "127.0.0.1",
	 "IPv4 or IPv6 address to listen on", BOTH, false, .set = set_bind},
	{"--db", "CLAIMLINE_DB", "PATH", "./claimline.db",
	 "SQLite store, created and migrated on start", SERVE, false,
	 .set = set_db},
	{"--demo", "CLAIMLINE_DEMO", NULL, "off",
	 "load the demo data into an empty store (variable: 1 or 0)", SERVE,
	 false, .kind = VALUE_BOOL, .offset = offsetof(struct config, demo)},
	{"--threads", "CLAIMLINE_THREADS", "N", "one per CPU core",
	 "worker threads, each with its own store connection", SERVE, false,
	 .kind = VALUE_UNSIGNED, .offset = offsetof(struct config, threads),
	 .lo = 1, .hi = 256},
	{"--body-limit", "CLAIMLINE_BODY_LIMIT", "BYTES", "1048576",
	 "largest request body; a larger one is answered 413", SERVE, false,
	 .kind = VALUE_SIZE, .offset = offsetof(struct config, body_limit),
	 .lo = 1024, .hi = 1LL << 32},
	{"--import-limit", "CLAIMLINE_IMPORT_LIMIT", "BYTES", "67108864",
	 "largest NDJSON body POST /v1/import takes", SERVE, false,
	 .kind = VALUE_SIZE, .offset = offsetof(struct config, import_limit),
	 .lo = 1024, .hi = 1LL << 34},
	{"--read-auth", "CLAIMLINE_READ_AUTH", NULL, "off",
	 "reads need a key too (writes always do; variable: 1 or 0)", SERVE,
	 false, .kind = VALUE_BOOL,
	 .offset = offsetof(struct config, read_auth)},
	{"--cors-origin", "CLAIMLINE_CORS_ORIGIN", "ORIGIN[,ORIGIN...]", "none",
	 "origins allowed to call the API from a browser (exact, repeatable)",
	 SERVE, true, .set = set_cors_origin},
	{"--log-format", "CLAIMLINE_LOG_FORMAT", "json|text", "json",
	 "request log on stderr: JSON lines, or text for people", SERVE, false,
	 .set = set_log_format},
	{"--connection-limit", "CLAIMLINE_CONNECTION_LIMIT", "N",
	 "from the fd limit",
	 "connections at once, overall; more are answered 503 (never more "
	 "than open files allow)",
	 SERVE, false, .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, connection_limit), .lo = 1,
	 .hi = 1000000},
	{"--per-ip-connection-limit", "CLAIMLINE_PER_IP_CONNECTION_LIMIT", "N",
	 "64",
	 "connections at once from one client address, more are answered "
	 "503; 0: no limit",
	 SERVE, false, .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, per_ip_limit), .lo = 0,
	 .hi = 1000000},
	{"--connection-timeout", "CLAIMLINE_CONNECTION_TIMEOUT", "SECONDS",
	 "30", "close a connection idle this long; 0: never", SERVE, false,
	 .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, connection_timeout), .lo = 0,
	 .hi = 86400},
	{"--header-timeout", "CLAIMLINE_HEADER_TIMEOUT", "SECONDS", "10",
	 "a request's line and headers must arrive within this; else 408 "
	 "and close",
	 SERVE, false, .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, header_timeout), .lo = 1,
	 .hi = 3600},
	{"--min-upload-rate", "CLAIMLINE_MIN_UPLOAD_RATE", "BYTES", "1024",
	 "a body slower than this many bytes a second is cut with 408; 0: "
	 "no minimum",
	 SERVE, false, .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, min_upload_rate), .lo = 0,
	 .hi = 1 << 30},
	{"--upload-grace", "CLAIMLINE_UPLOAD_GRACE", "SECONDS", "10",
	 "how long a body may take before --min-upload-rate applies", SERVE,
	 false, .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, upload_grace), .lo = 0, .hi = 3600},
	{"--connection-memory-limit", "CLAIMLINE_CONNECTION_MEMORY_LIMIT",
	 "BYTES", "32768",
	 "buffer memory per connection (request line and headers must fit)",
	 SERVE, false, .kind = VALUE_SIZE,
	 .offset = offsetof(struct config, memory_limit), .lo = 16384,
	 .hi = 16 * 1024 * 1024},
	{"--strict", "CLAIMLINE_STRICT", "-1|0|1", "1",
	 "HTTP parsing: 1 strict (Host required, no spaces in URLs), "
	 "0 normal, -1 lenient",
	 SERVE, false, .kind = VALUE_INT,
	 .offset = offsetof(struct config, strict), .lo = -1, .hi = 1},
	{"--gzip-level", "CLAIMLINE_GZIP_LEVEL", "0-9", "1",
	 "gzip replies of 1 KB or more to clients that accept it, at this "
	 "zlib level; 0: never",
	 SERVE, false, .kind = VALUE_INT,
	 .offset = offsetof(struct config, gzip_level), .lo = 0, .hi = 9},
	{"--drain-timeout", "CLAIMLINE_DRAIN_TIMEOUT", "SECONDS", "8",
	 "on SIGTERM, wait this long for in-flight requests", SERVE, false,
	 .kind = VALUE_UNSIGNED,
	 .offset = offsetof(struct config, drain_timeout), .lo = 0, .hi = 3600},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void config_defaults(struct config *cfg)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	*cfg = (struct config){
		.bind = "127.0.0.1",
		.port = 8080,
		.db = "./claimline.db",
		.threads = cores > 0 ? (unsigned)cores : 1,
		.body_limit = 1024 * 1024,
		.import_limit = 64 * 1024 * 1024,
		.log_format = LOG_FORMAT_JSON,
		.connection_limit = 0, /* sized from RLIMIT_NOFILE */
		.per_ip_limit = 64,
		.connection_timeout = 30,
		.header_timeout = 10,
		.min_upload_rate = 1024,
		.upload_grace = 10,
		.memory_limit = 32 * 1024, /* MHD zeroes it per request */
		.strict = 1,
		.drain_timeout = 8,
		.gzip_level = 1,
	};
}

static void clear_origins(struct config *cfg)
{
	for (size_t i = 0; i < cfg->ncors_origins; i++)
		free(cfg->cors_origins[i]);
	free(cfg->cors_origins);
	cfg->cors_origins = NULL;
	cfg->ncors_origins = 0;
}

void config_release(struct config *cfg)
{
	clear_origins(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

static const struct option_spec *find_flag(const char *flag,
					   enum config_command command)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if ((options[i].commands & command) &&
		    strcmp(options[i].flag, flag) == 0)
			return &options[i];
	return NULL;
}

/* Runs the setter of `o`, and names the option in `err` when it fails. */
static int apply(const struct option_spec *o, bool from_env, struct config *cfg,
		 const char *value, char *err, size_t errsz)
{
	char why[384];
	if (set_value(o, cfg, value, why, sizeof(why)) == 0)
		return 0;
	if (from_env)
		snprintf(err, errsz, "%s=%.200s: %s", o->env, value, why);
	else
		snprintf(err, errsz, "%s %.200s: %s", o->flag, value, why);
	return -1;
}

int config_parse(enum config_command command, int argc, char **argv,
		 struct config *cfg, char *err, size_t errsz)
{
	bool seen[NOPTIONS] = {false};

	for (size_t i = 0; i < NOPTIONS; i++) {
		const char *value = getenv(options[i].env);
		if (!(options[i].commands & command) || !value)
			continue;
		if (apply(&options[i], true, cfg, value, err, errsz) != 0)
			return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *flag = argv[i];
		const struct option_spec *o = find_flag(flag, command);
		if (!o) {
			snprintf(err, errsz,
				 "unknown option %.200s (see --help)", flag);
			return -1;
		}
		size_t index = (size_t)(o - options);
		/* The first flag of a repeatable option replaces what the
		 * environment gave; later ones add to it. */
		if (o->repeatable && !seen[index])
			clear_origins(cfg);
		seen[index] = true;
		if (!o->arg) {
			if (apply(o, false, cfg, "1", err, errsz) != 0)
				return -1;
			continue;
		}
		if (i + 1 >= argc) {
			snprintf(err, errsz, "%s needs a value", flag);
			return -1;
		}
		i++;
		if (apply(o, false, cfg, argv[i], err, errsz) != 0)
			return -1;
	}
	return 0;
}

void config_print_options(FILE *out, unsigned command)
{
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_spec *o = &options[i];
		char head[96];
		if (!(o->commands & command))
			continue;
		snprintf(head, sizeof(head), "%s%s%s", o->flag,
			 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-36s %s (default: %s)\n", head, o->env,
			o->def);
		fprintf(out, "      %s\n", o->help);
	}
}
