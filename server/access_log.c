/*
 * Request log lines and request ids (see access_log.h).  Lines are built
 * in a fixed buffer by hand rather than with jansson: a path may hold
 * bytes that are not UTF-8, which json_pack would refuse (losing the
 * line), and a request should not allocate just to be logged.
 */
#include "server/access_log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Longest path written to a line; the rest is cut with "...". */
#define PATH_MAX_LOGGED 512

/* splitmix64's finalizer: a bijection, so distinct inputs stay distinct. */
static uint64_t mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* Two random keys, drawn once per process (a getrandom per request was a
 * measurable share of a small GET). */
static uint64_t id_keys[2];
static pthread_once_t id_keys_once = PTHREAD_ONCE_INIT;

static void id_keys_init(void)
{
	if (getrandom(id_keys, sizeof(id_keys), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(id_keys)) {
		/* No entropy yet (early boot): still unique in-process. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		id_keys[0] = (uint64_t)ts.tv_sec * 1000000000u +
			     (uint64_t)ts.tv_nsec;
		id_keys[1] = (uint64_t)getpid();
	}
}

void access_log_request_id(const char *given, char out[ACCESS_LOG_ID_MAX + 1])
{
	static atomic_uint_fast64_t counter;
	size_t n = 0;
	for (const char *p = given; p && *p && n < ACCESS_LOG_ID_MAX; p++)
		if (*p > ' ' && *p <= '~')
			out[n++] = *p;
	out[n] = '\0';
	if (n)
		return;
	pthread_once(&id_keys_once, id_keys_init);
	/* A counter through a keyed bijection: unique within the process,
	 * unrelated across processes, and not a visible sequence. */
	uint64_t count = atomic_fetch_add(&counter, 1);
	uint64_t halves[2] = {
		mix64(count ^ id_keys[0]),
		mix64(mix64(count) ^ id_keys[1]),
	};
	static const char hex[] = "0123456789abcdef";
	for (size_t h = 0; h < 2; h++)
		for (size_t i = 0; i < 16; i++)
			out[16 * h + i] = hex[(halves[h] >> (60 - 4 * i)) & 15];
	out[32] = '\0';
}

struct line {
	char *buf;
	size_t len, cap; /* cap excludes room for "\n\0" */
};

static void put_bytes(struct line *l, const char *s, size_t n)
{
	if (n > l->cap - l->len)
		n = l->cap - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void put(struct line *l, const char *s)
{
	put_bytes(l, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at `s` (0 when invalid). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t c;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return n;
}

/* Writes `s` (at most `max` bytes of it) as a JSON string, or, for text
 * lines, bare with the same escapes so that one request stays one line.
 * Invalid UTF-8 becomes U+FFFD. */
static void put_string(struct line *l, const char *s, size_t max, bool quote)
{
	if (!s) {
		put(l, quote ? "null" : "-");
		return;
	}
	if (quote)
		put(l, "\"");
	const unsigned char *p = (const unsigned char *)s;
	size_t done = 0;
	while (*p && done < max) {
		size_t n = utf8_len(p);
		char esc[8];
		if (n == 0) {
			put(l, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put_bytes(l, esc, 2);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			put(l, esc);
			p++;
		} else if (!quote && *p == ' ') {
			put(l, "%20");
			p++;
		} else {
			put_bytes(l, (const char *)p, n);
			p += n;
		}
		done += n ? n : 1;
	}
	if (*p)
		put(l, "...");
	if (quote)
		put(l, "\"");
}

static void put_time(struct line *l)
{
	/* The formatted second, per thread: most lines share it.  Initial
	 * exec: the code is position-independent, and the default TLS model
	 * would make the binary need the dynamic loader itself. */
#define THREAD_CACHED _Thread_local __attribute__((tls_model("initial-exec")))
	static THREAD_CACHED time_t cached_sec = -1;
	static THREAD_CACHED char cached[32];
	static THREAD_CACHED size_t cached_len;
#undef THREAD_CACHED
	struct timespec ts;
	char ms[8];
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != cached_sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		cached_len = strftime(cached, sizeof(cached),
				      "%Y-%m-%dT%H:%M:%S", &tm);
		cached_sec = ts.tv_sec;
	}
	put_bytes(l, cached, cached_len);
	long milli = ts.tv_nsec / 1000000;
	ms[0] = '.';
	ms[1] = (char)('0' + milli / 100);
	ms[2] = (char)('0' + milli / 10 % 10);
	ms[3] = (char)('0' + milli % 10);
	ms[4] = 'Z';
	put_bytes(l, ms, 5);
}

size_t access_log_format(enum log_format format,
			 const struct access_log_entry *e, char *buf,
			 size_t bufsz)
{
	struct line l = {buf, 0, bufsz > 2 ? bufsz - 2 : 0};
	char num[96];
	if (bufsz < 2)
		return 0;
	if (format == LOG_FORMAT_TEXT) {
		put_time(&l);
		put(&l, " ");
		put_string(&l, e->request_id, ACCESS_LOG_ID_MAX, false);
		put(&l, " ");
		put_string(&l, e->method, 32, false);
		put(&l, " ");
		put_string(&l, e->path, PATH_MAX_LOGGED, false);
		snprintf(num, sizeof(num), " %d %zuB %.3fms route=", e->status,
			 e->bytes, e->duration_ms);
		put(&l, num);
		put_string(&l, e->route, PATH_MAX_LOGGED, false);
		put(&l, " key=");
		put_string(&l, e->key, 128, false);
	} else {
		put(&l, "{\"time\":\"");
		put_time(&l);
		put(&l, "\",\"request_id\":");
		put_string(&l, e->request_id, ACCESS_LOG_ID_MAX, true);
		put(&l, ",\"method\":");
		put_string(&l, e->method, 32, true);
		put(&l, ",\"route\":");
		put_string(&l, e->route, PATH_MAX_LOGGED, true);
		put(&l, ",\"path\":");
		put_string(&l, e->path, PATH_MAX_LOGGED, true);
		snprintf(num, sizeof(num),
			 ",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f",
			 e->status, e->bytes, e->duration_ms);
		put(&l, num);
		put(&l, ",\"key\":");
		put_string(&l, e->key, 128, true);
		put(&l, "}");
	}
	buf[l.len++] = '\n';
	buf[l.len] = '\0';
	return l.len;
}

void access_log_write(FILE *out, enum log_format format,
		      const struct access_log_entry *e)
{
	char buf[10240]; /* room for every field at its longest, escaped */
	size_t n = access_log_format(format, e, buf, sizeof(buf));
	fwrite(buf, 1, n, out);
}
