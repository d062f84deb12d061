/*
 * Resource ids.  The pattern ^[a-z0-9][a-z0-9._-]{0,63}$ is checked by
 * hand rather than with <regex.h>, whose character ranges follow the
 * locale.  Generated ids take their 12 random characters from getrandom(2);
 * bytes that would make some characters likelier than others are thrown
 * away rather than reduced modulo 36.
 */
#include "common/ids.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#define ID_RANDOM_LEN 12

static const char id_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
#define ID_ALPHABET_LEN (sizeof(id_alphabet) - 1)

/* 252 = 7 * 36: bytes from 252 up would favour the first four letters. */
#define ID_BYTE_LIMIT (256 - 256 % ID_ALPHABET_LEN)

static bool is_id_first(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_id_rest(char c)
{
	return is_id_first(c) || c == '.' || c == '_' || c == '-';
}

bool id_valid(const char *s)
{
	size_t i;

	if (!s || !is_id_first(s[0]))
		return false;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= ID_MAX_LEN || !is_id_rest(s[i]))
			return false;
	}
	return true;
}

/* Fills `buf` from getrandom(2), riding out signals and short reads. */
static int fill_random(unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = getrandom(buf + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int id_generate(const char *prefix, char *out, size_t outsz)
{
	unsigned char pool[32];
	size_t plen, used, filled = 0;

	plen = strlen(prefix);
	if (outsz < plen + 2 + ID_RANDOM_LEN)
		goto fail;
	/*
	 * A valid prefix, "-" and [a-z0-9] characters make a valid id as
	 * long as the whole fits in ID_MAX_LEN.
	 */
	if (!id_valid(prefix) || plen + 1 + ID_RANDOM_LEN > ID_MAX_LEN)
		goto fail;
	memcpy(out, prefix, plen);
	out[plen] = '-';
	out[plen + 1 + ID_RANDOM_LEN] = '\0';

	/*
	 * Each pool of 32 bytes almost always yields 12 accepted ones
	 * (each byte is kept with probability 252/256), so this loops once.
	 */
	used = sizeof(pool);
	while (filled < ID_RANDOM_LEN) {
		if (used == sizeof(pool)) {
			if (fill_random(pool, sizeof(pool)) < 0)
				goto fail;
			used = 0;
		}
		if (pool[used] < ID_BYTE_LIMIT) {
			out[plen + 1 + filled] =
				id_alphabet[pool[used] % ID_ALPHABET_LEN];
			filled++;
		}
		used++;
	}
	return 0;
fail:
	/* Never leave a half-written id that a careless caller might use. */
	if (outsz > 0)
		out[0] = '\0';
	return -1;
}
