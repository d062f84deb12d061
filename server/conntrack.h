/*
 * Connection tracking: what libmicrohttpd 0.9.75 does not do for us.
 *
 * - Slow clients.  MHD's connection timeout is an idle timeout: a client
 *   that sends a byte now and then keeps its connection for ever.  Every
 *   connection is tracked from MHD's connection notification; a sweeper
 *   thread ends those whose request line and headers are not complete
 *   within the header deadline, and those whose body arrives slower than
 *   the minimum upload rate past its grace period.  It writes a 408 and
 *   shuts the socket down; MHD then sees the end of the stream and closes
 *   the connection itself.  The sweeper and the close notification hold
 *   the same lock, so a socket is never touched after MHD let it go.
 *
 * - Connection limits with an answer.  MHD refuses connections past its
 *   own limits with a TCP reset.  Our limits (overall and per client
 *   address) are counted here, below MHD's, which stay as an absolute
 *   bound sized from the file descriptors the process may open; a
 *   connection past ours is marked, and the front end answers its first
 *   request 503 with Retry-After and closes it.
 *
 * The tracker is owned by the HTTP server (server/http.c); a struct
 * conn_track belongs to its MHD connection, from the "started" to the
 * "closed" notification.
 */
#ifndef CLAIMLINE_CONNTRACK_H
#define CLAIMLINE_CONNTRACK_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct conntrack;
struct conn_track;

struct conntrack_limits {
	unsigned connection_limit; /* ours, overall */
	unsigned per_ip_limit;	   /* ours, per client address; 0: none */
	unsigned header_timeout;   /* seconds for a request's line and
				    * headers */
	unsigned idle_timeout;	   /* MHD's idle timeout, seconds; 0: none */
	unsigned min_upload_rate;  /* bytes per second; 0: no minimum */
	unsigned upload_grace;	   /* seconds before the rate applies */
};

/*
 * Raises the soft RLIMIT_NOFILE to the hard limit, and returns how many
 * descriptors the process may then hold (the soft limit, at most INT_MAX).
 */
unsigned conntrack_raise_nofile(void);

/*
 * How many connections `nofile` descriptors can hold once the process's
 * own (the store's, one per worker and the writer; the listening socket,
 * the event loops, logs) are set aside for `threads` workers.
 */
unsigned conntrack_fd_budget(unsigned nofile, unsigned threads);

/* Starts the tracker and its sweeper thread.  NULL when out of memory or
 * when the thread cannot start. */
struct conntrack *conntrack_start(const struct conntrack_limits *limits);

/* Stops the sweeper and frees the tracker.  MHD's daemon must be stopped
 * first (every connection closed). */
void conntrack_stop(struct conntrack *ct);

/* MHD_OPTION_NOTIFY_CONNECTION: `cls` is the tracker. */
void conntrack_notify(void *cls, struct MHD_Connection *conn,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code);

/* The connection's track (borrowed), or NULL when it has none (the
 * tracker ran out of memory when it started). */
struct conn_track *conntrack_of(struct MHD_Connection *conn);

/* True when the connection came in past our limits: answer 503, close. */
bool conntrack_over_limit(const struct conn_track *t);

/*
 * A request's headers are complete: the header deadline no longer
 * applies.  With `body_follows`, the minimum upload rate does until
 * conntrack_body_done().
 */
void conntrack_headers_done(struct conn_track *t, bool body_follows);

/* `n` more bytes of the body arrived. */
void conntrack_body_bytes(struct conn_track *t, size_t n);

/* The whole body arrived (or no more is read). */
void conntrack_body_done(struct conn_track *t);

/* The request was answered: the connection now waits for the next one,
 * which may idle first (the idle timeout) and then has the header
 * deadline. */
void conntrack_request_done(struct conn_track *t);

/* What the tracker saw since the process started, for /metrics. */
struct conntrack_stats {
	unsigned long long open;	/* connections open now */
	unsigned long long over_limit;	/* answered 503 past our limits */
	unsigned long long cut_headers; /* cut: headers past the deadline */
	unsigned long long cut_body;	/* cut: body below the rate */
};

/* Fills `st`; safe from any thread, with or without a tracker. */
void conntrack_stats(struct conntrack_stats *st);

#endif
