/*
 * Response compression: Accept-Encoding with q-values, and gzip with
 * zlib (see compress.h).
 */
#include "server/compress.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/*
 * One deflate stream per thread, reset between bodies: making one costs
 * about 260 KB of fresh memory, which took several times longer than
 * compressing a page.  Freed when its thread ends.
 */
static pthread_key_t stream_key;
static pthread_once_t stream_once = PTHREAD_ONCE_INIT;

static void stream_free(void *p)
{
	z_stream *z = p;
	deflateEnd(z);
	free(z);
}

static void stream_key_make(void)
{
	pthread_key_create(&stream_key, stream_free);
}

/* The calling thread's stream at `level`, reset; NULL when out of
 * memory. */
static z_stream *thread_stream(int level)
{
	pthread_once(&stream_once, stream_key_make);
	z_stream *z = pthread_getspecific(stream_key);
	if (z) {
		/* The level is the server's, set once: this changes nothing
		 * but in a process that runs servers one after another. */
		if (deflateReset(z) != Z_OK ||
		    deflateParams(z, level, Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		return z;
	}
	z = calloc(1, sizeof(*z));
	/* 15 window bits, +16 for the gzip wrapper; 8: zlib's memory level. */
	if (!z || deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8,
			       Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	if (pthread_setspecific(stream_key, z) != 0) {
		stream_free(z);
		return NULL;
	}
	return z;
}

/* Reads a qvalue ("1", "0.5", "1.000"): 0 to 1000, or -1 when malformed. */
static int parse_qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (q == 1000 && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q;
}

/* One element "coding *( OWS ; OWS param )": its coding in [*name,
 * *namelen) and its q (1000 when absent), or -1 when malformed. */
static int parse_element(const char *s, size_t n, const char **name,
			 size_t *namelen)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t start = i;
	while (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t')
		i++;
	*name = s + start;
	*namelen = i - start;
	int q = 1000;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ';'))
			i++;
		size_t p = i;
		while (i < n && s[i] != ';')
			i++;
		size_t end = i;
		while (end > p && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end - p >= 2 && (s[p] == 'q' || s[p] == 'Q') &&
		    s[p + 1] == '=') {
			q = parse_qvalue(s + p + 2, end - p - 2);
			if (q < 0)
				return -1;
		}
	}
	return *namelen ? q : -1;
}

static bool name_is(const char *name, size_t n, const char *what)
{
	return strlen(what) == n && strncasecmp(name, what, n) == 0;
}

struct accept_encoding compress_accepted(const char *header)
{
	struct accept_encoding a = {false, false};
	int gzip = -1, star = -1, identity = -1; /* -1: not listed */
	for (const char *p = header; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *name;
		size_t namelen;
		int q = parse_element(p, n, &name, &namelen);
		if (q >= 0) {
			/* The highest q of a coding listed twice wins. */
			int *slot =
				name_is(name, namelen, "gzip") ||
						name_is(name, namelen, "x-gzip")
					? &gzip
				: name_is(name, namelen, "*")	     ? &star
				: name_is(name, namelen, "identity") ? &identity
								     : NULL;
			if (slot && q > *slot)
				*slot = q;
		}
		p = comma ? comma + 1 : p + n;
	}
	a.gzip = gzip > 0 || (gzip < 0 && star > 0);
	a.identity_refused = identity == 0 || (identity < 0 && star == 0);
	return a;
}

void *compress_gzip(const void *data, size_t len, int level, size_t *outlen)
{
	if (len > UINT_MAX)
		return NULL;
	z_stream *z = thread_stream(level);
	if (!z)
		return NULL;
	uLong bound = deflateBound(z, (uLong)len);
	unsigned char *out = malloc(bound);
	if (!out)
		return NULL;
	z->next_in = (Bytef *)data;
	z->avail_in = (uInt)len;
	z->next_out = out;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	*outlen = z->total_out;
	return out;
}

/* Static bodies compressed once: the assets number about ten. */
#define STATIC_CACHE 32

static struct {
	const void *data;
	size_t len;
	void *gz;
	size_t gzlen;
} static_cache[STATIC_CACHE];
static size_t nstatic;
static pthread_mutex_t static_lock = PTHREAD_MUTEX_INITIALIZER;

const void *compress_gzip_static(const void *data, size_t len, int level,
				 size_t *outlen)
{
	const void *found = NULL;
	pthread_mutex_lock(&static_lock);
	for (size_t i = 0; i < nstatic && !found; i++)
		if (static_cache[i].data == data &&
		    static_cache[i].len == len) {
			found = static_cache[i].gz;
			*outlen = static_cache[i].gzlen;
		}
	if (!found && nstatic < STATIC_CACHE) {
		size_t gzlen = 0;
		void *gz = compress_gzip(data, len, level, &gzlen);
		if (gz) {
			static_cache[nstatic].data = data;
			static_cache[nstatic].len = len;
			static_cache[nstatic].gz = gz;
			static_cache[nstatic].gzlen = gzlen;
			nstatic++;
			found = gz;
			*outlen = gzlen;
		}
	}
	pthread_mutex_unlock(&static_lock);
	return found;
}
