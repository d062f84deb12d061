/*
 * Helpers of the operations tests, on top of tests/lib/testlib.h: start a
 * server with extra environment variables and flags, talk to it over raw
 * sockets that stay open (to hold connections and requests in flight),
 * stop it ourselves, and run outside programs such as promtool.
 *
 * Everything returned is owned by the test arena, like testlib's.
 */
#ifndef CLAIMLINE_OPSLIB_H
#define CLAIMLINE_OPSLIB_H

#include "tests/lib/testlib.h"

/*
 * Starts the server as tl_server_start does, with the "NAME=value"
 * entries of `env` (NULL-terminated, may be NULL) in its environment and
 * `flags` (NULL-terminated, may be NULL) appended to its command line
 * (through a wrapper script that execs the binary, so the pid is the
 * server's).  Returns 0, or -1 after recording a failure.
 */
#define ops_start(s, o, env, flags)                                            \
	ops_start_at(__FILE__, __LINE__, (s), (o), (env), (flags))
int ops_start_at(const char *file, int line, struct tl_server *s,
		 const struct tl_server_opts *o, const char *const *env,
		 const char *const *flags);

/* A blocking TCP connection to 127.0.0.1:port, or -1 (no failure is
 * recorded: refusing may be what the test wants). */
int ops_connect(int port);

/* The same from the local address `from` (an IPv4 address of
 * 127.0.0.0/8, so that a test can look like many clients); NULL: any. */
int ops_connect_from(int port, const char *from);

/* Sends all of `data`; returns 0, or -1 when the peer closed. */
int ops_send(int fd, const char *data, size_t len);

/*
 * Reads one HTTP response from `fd` (headers and a Content-Length body)
 * within `timeout_ms`.  Returns its status, 0 when the peer closed or
 * reset without a status line, or -1 on a timeout.  The raw response is
 * stored in *raw (arena-owned) when `raw` is not NULL.
 */
int ops_read_response(int fd, int timeout_ms, const char **raw);

/*
 * Waits at most `timeout_ms` for the server `s` to exit by itself (after
 * the test signalled it), marks it stopped, and returns its raw wait
 * status; -1 (and kills it) when it did not exit in time.
 */
int ops_wait_exit(struct tl_server *s, int timeout_ms);

/* The whole file at `path` (arena-owned), or NULL. */
const char *ops_read_file(const char *path);

/*
 * Runs `argv` (argv[0] looked up in PATH) with stdin from `input` (a
 * path, or NULL for /dev/null), collects stdout and stderr together into
 * *out (arena-owned) and returns the exit status, or -1 when it could not
 * run or ran past `timeout_ms`.
 */
int ops_run(const char *const *argv, const char *input, int timeout_ms,
	    const char **out);

/* The value of the metric sample `sample` (its name and labels, as
 * written) at GET /metrics of the current server, or -1 when absent. */
double ops_metric(const char *sample);

#endif
