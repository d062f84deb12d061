/*
 * Response compression: which content-codings a request's Accept-Encoding
 * allows (RFC 9110 §12.5.3, with q-values), and gzip through zlib.  The
 * front end (server/http.c) decides which replies to compress; this file
 * only answers those two questions.
 */
#ifndef CLAIMLINE_COMPRESS_H
#define CLAIMLINE_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Bodies at least this long are worth compressing. */
#define COMPRESS_MIN_BYTES 1024

/* What an Accept-Encoding header allows. */
struct accept_encoding {
	bool gzip;	       /* gzip (or x-gzip, or *) with q > 0 */
	bool identity_refused; /* identity;q=0, or *;q=0 without identity */
};

/* Reads an Accept-Encoding header (NULL: none sent, which allows
 * identity only).  Malformed elements are ignored. */
struct accept_encoding compress_accepted(const char *header);

/*
 * Compresses `len` bytes of `data` into a gzip stream at zlib `level`
 * (1-9).  Returns a new malloc()ed buffer (the caller frees it) with its
 * length in *outlen, or NULL when out of memory.
 */
void *compress_gzip(const void *data, size_t len, int level, size_t *outlen);

/*
 * The same for a body that never changes nor moves (the page's assets,
 * compiled into the binary): compressed once, the first time, and kept
 * for the life of the process.  The result is borrowed (it stays valid);
 * NULL when out of memory or past the cache's few entries (then compress
 * with compress_gzip).
 */
const void *compress_gzip_static(const void *data, size_t len, int level,
				 size_t *outlen);

#endif
