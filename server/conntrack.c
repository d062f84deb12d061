/*
 * Connection tracking: the header deadline, the minimum upload rate and
 * our connection limits, for what MHD's own options cannot do (see
 * conntrack.h).  One lock guards the list of connections, the count per
 * client address and every track's phase; the sweeper takes it four
 * times a second and MHD's threads for a moment per request.
 */
#include "server/conntrack.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "server/reply.h"

#define SWEEP_MS 250
#define ADDR_BUCKETS 1024

enum phase {
	PHASE_HEADERS, /* waiting for a request's line and headers */
	PHASE_BODY,    /* reading a body: the minimum rate applies */
	PHASE_BUSY,    /* handled, answered, or parked: nothing applies */
};

/* Connections open from one client address. */
struct addr_count {
	unsigned char key[17]; /* family tag + up to 16 address bytes */
	unsigned count;
	struct addr_count *next;
};

struct conn_track {
	struct conntrack *ct;
	int fd;
	enum phase phase;
	long long phase_ms;   /* when the phase began (monotonic) */
	long long allowed_ms; /* how long PHASE_HEADERS may last */
	size_t body_bytes;
	bool over_limit;
	bool cut;		 /* the sweeper shut it down */
	struct addr_count *addr; /* NULL when not counted */
	struct conn_track *prev, *next;
};

/* A whole 408 response, built once when the tracker starts. */
struct canned {
	char *bytes; /* malloc'd */
	size_t len;
};

struct conntrack {
	struct conntrack_limits limits;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	pthread_t sweeper;
	struct conn_track *head;
	unsigned open; /* connections tracked */
	struct addr_count *buckets[ADDR_BUCKETS];
	/* What the sweeper writes to the connections it cuts. */
	struct canned late_headers, slow_body;
};

/* Process-wide counts for /metrics (one server per process). */
static atomic_ullong stat_open, stat_over_limit, stat_cut_headers,
	stat_cut_body;

void conntrack_stats(struct conntrack_stats *st)
{
	st->open = atomic_load(&stat_open);
	st->over_limit = atomic_load(&stat_over_limit);
	st->cut_headers = atomic_load(&stat_cut_headers);
	st->cut_body = atomic_load(&stat_cut_body);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned conntrack_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > INT_MAX
		       ? (unsigned)INT_MAX
		       : (unsigned)rl.rlim_cur;
}

unsigned conntrack_fd_budget(unsigned nofile, unsigned threads)
{
	/* Per worker: its store connection (database, WAL, shared memory)
	 * and its event loop and wake-up pipe; then the writer's and the
	 * checkpointer's stores, the listening socket, stdio, and slack for
	 * the odd file (a store backup, the demo data). */
	unsigned reserve = 64 + 8 * (threads ? threads : 1);
	return nofile > reserve + 16 ? nofile - reserve : 16;
}

/* ---- counts per client address ---- */

static void addr_key(const struct sockaddr *sa, unsigned char key[17])
{
	memset(key, 0, 17);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       16);
	}
}

static unsigned addr_hash(const unsigned char key[17])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % ADDR_BUCKETS;
}

/* The count of `key`, made when missing; NULL when out of memory. */
static struct addr_count *addr_get(struct conntrack *ct,
				   const unsigned char key[17])
{
	unsigned b = addr_hash(key);
	for (struct addr_count *a = ct->buckets[b]; a; a = a->next)
		if (memcmp(a->key, key, 17) == 0)
			return a;
	struct addr_count *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	memcpy(a->key, key, 17);
	a->next = ct->buckets[b];
	ct->buckets[b] = a;
	return a;
}

static void addr_put(struct conntrack *ct, struct addr_count *a)
{
	if (--a->count)
		return;
	struct addr_count **p = &ct->buckets[addr_hash(a->key)];
	while (*p != a)
		p = &(*p)->next;
	*p = a->next;
	free(a);
}

/* ---- the sweeper ---- */

/* The 408 with `detail`, built as every problem document is (the problem
 * table's row, through reply_problem), with its status line and headers:
 * the sweeper writes raw bytes and must not allocate while it holds the
 * lock.  False when out of memory. */
static bool canned_408(struct canned *c, const char *detail)
{
	struct reply rep;
	reply_init(&rep);
	reply_problem(&rep, PROBLEM_REQUEST_TIMEOUT, "%s", detail);
	char *body = rep.body ? json_dumps(rep.body, JSON_COMPACT) : NULL;
	int n = -1;
	if (body)
		n = asprintf(&c->bytes,
			     "HTTP/1.1 %d %s\r\n"
			     "Content-Type: %s\r\n"
			     "Connection: close\r\n"
			     "Content-Length: %zu\r\n\r\n%s",
			     rep.status,
			     MHD_get_reason_phrase_for((unsigned)rep.status),
			     rep.content_type, strlen(body), body);
	free(body);
	reply_release(&rep);
	if (n < 0) {
		c->bytes = NULL;
		return false;
	}
	c->len = (size_t)n;
	return true;
}

/* Answers 408 as best it can and ends the connection: MHD reads the end
 * of the stream and closes it.  Only while MHD writes nothing on it
 * (waiting for headers, or reading a body).  Under the lock. */
static void cut(struct conn_track *t, const struct canned *c)
{
	(void)send(t->fd, c->bytes, c->len, MSG_DONTWAIT | MSG_NOSIGNAL);
	shutdown(t->fd, SHUT_RDWR);
	t->cut = true;
}

static void sweep(struct conntrack *ct)
{
	long long now = now_ms();
	long long grace = (long long)ct->limits.upload_grace * 1000;
	for (struct conn_track *t = ct->head; t; t = t->next) {
		if (t->cut || t->fd < 0)
			continue;
		long long elapsed = now - t->phase_ms;
		if (t->phase == PHASE_HEADERS && elapsed > t->allowed_ms) {
			cut(t, &ct->late_headers);
			atomic_fetch_add(&stat_cut_headers, 1);
		} else if (t->phase == PHASE_BODY &&
			   ct->limits.min_upload_rate && elapsed > grace &&
			   (double)t->body_bytes * 1000.0 <
				   (double)ct->limits.min_upload_rate *
					   (double)elapsed) {
			cut(t, &ct->slow_body);
			atomic_fetch_add(&stat_cut_body, 1);
		}
	}
}

static void *sweeper_main(void *arg)
{
	struct conntrack *ct = arg;
	pthread_mutex_lock(&ct->lock);
	while (!ct->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += SWEEP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int rc = 0;
		while (!ct->stopping && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&ct->wake, &ct->lock,
						    &until);
		if (!ct->stopping)
			sweep(ct);
	}
	pthread_mutex_unlock(&ct->lock);
	return NULL;
}

struct conntrack *conntrack_start(const struct conntrack_limits *limits)
{
	struct conntrack *ct = calloc(1, sizeof(*ct));
	if (!ct)
		return NULL;
	ct->limits = *limits;
	if (!canned_408(&ct->late_headers,
			"the request line and headers took too long") ||
	    !canned_408(&ct->slow_body, "the request body came too slowly")) {
		free(ct->late_headers.bytes);
		free(ct);
		return NULL;
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_mutex_init(&ct->lock, NULL);
	pthread_cond_init(&ct->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&ct->sweeper, NULL, sweeper_main, ct) != 0) {
		pthread_cond_destroy(&ct->wake);
		pthread_mutex_destroy(&ct->lock);
		free(ct->late_headers.bytes);
		free(ct->slow_body.bytes);
		free(ct);
		return NULL;
	}
	return ct;
}

void conntrack_stop(struct conntrack *ct)
{
	if (!ct)
		return;
	pthread_mutex_lock(&ct->lock);
	ct->stopping = true;
	pthread_cond_signal(&ct->wake);
	pthread_mutex_unlock(&ct->lock);
	pthread_join(ct->sweeper, NULL);
	/* The daemon is stopped: every track was freed on its close, and
	 * with it every address count. */
	pthread_cond_destroy(&ct->wake);
	pthread_mutex_destroy(&ct->lock);
	free(ct->late_headers.bytes);
	free(ct->slow_body.bytes);
	free(ct);
}

/* ---- MHD's notifications and the front end's marks ---- */

static void track_started(struct conntrack *ct, struct MHD_Connection *conn,
			  void **socket_context)
{
	struct conn_track *t = calloc(1, sizeof(*t));
	*socket_context = t;
	if (!t)
		return;
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *addr = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	unsigned char key[17];
	addr_key(addr ? addr->client_addr : NULL, key);
	t->ct = ct;
	t->fd = fd ? fd->connect_fd : -1;
	t->phase = PHASE_HEADERS;
	t->phase_ms = now_ms();
	t->allowed_ms = (long long)ct->limits.header_timeout * 1000;

	pthread_mutex_lock(&ct->lock);
	t->next = ct->head;
	if (ct->head)
		ct->head->prev = t;
	ct->head = t;
	ct->open++;
	t->addr = addr_get(ct, key);
	if (t->addr)
		t->addr->count++;
	t->over_limit = ct->open > ct->limits.connection_limit ||
			(ct->limits.per_ip_limit && t->addr &&
			 t->addr->count > ct->limits.per_ip_limit);
	pthread_mutex_unlock(&ct->lock);
	atomic_fetch_add(&stat_open, 1);
	if (t->over_limit)
		atomic_fetch_add(&stat_over_limit, 1);
}

static void track_closed(struct conntrack *ct, struct conn_track *t)
{
	pthread_mutex_lock(&ct->lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		ct->head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	ct->open--;
	if (t->addr)
		addr_put(ct, t->addr);
	pthread_mutex_unlock(&ct->lock);
	atomic_fetch_sub(&stat_open, 1);
	free(t);
}

void conntrack_notify(void *cls, struct MHD_Connection *conn,
		      void **socket_context,
		      enum MHD_ConnectionNotificationCode code)
{
	struct conntrack *ct = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		track_started(ct, conn, socket_context);
	else if (*socket_context) {
		/* MHD closes the socket only after this returns. */
		track_closed(ct, *socket_context);
		*socket_context = NULL;
	}
}

struct conn_track *conntrack_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

bool conntrack_over_limit(const struct conn_track *t)
{
	return t && t->over_limit; /* set once, before any request */
}

static void set_phase(struct conn_track *t, enum phase phase,
		      long long allowed_ms)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->ct->lock);
	t->phase = phase;
	t->phase_ms = now_ms();
	t->allowed_ms = allowed_ms;
	t->body_bytes = 0;
	pthread_mutex_unlock(&t->ct->lock);
}

void conntrack_headers_done(struct conn_track *t, bool body_follows)
{
	set_phase(t, body_follows ? PHASE_BODY : PHASE_BUSY, 0);
}

void conntrack_body_bytes(struct conn_track *t, size_t n)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->ct->lock);
	t->body_bytes += n;
	pthread_mutex_unlock(&t->ct->lock);
}

void conntrack_body_done(struct conn_track *t)
{
	set_phase(t, PHASE_BUSY, 0);
}

void conntrack_request_done(struct conn_track *t)
{
	if (!t)
		return;
	/* We cannot see when the next request's first byte comes: it may
	 * idle as long as MHD lets it, and then has the header deadline. */
	const struct conntrack_limits *l = &t->ct->limits;
	set_phase(t, PHASE_HEADERS,
		  ((long long)l->idle_timeout + l->header_timeout) * 1000);
}
