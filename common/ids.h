/*
 * Resource ids: client-chosen or generated.  Both must match
 * ^[a-z0-9][a-z0-9._-]{0,63}$ so they are safe in paths and URLs.
 */
#ifndef CLAIMLINE_IDS_H
#define CLAIMLINE_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define ID_MAX_LEN 64

/* True when the NUL-terminated `s` is a valid id; false for NULL. */
bool id_valid(const char *s);

/*
 * Writes "<prefix>-<12 random [a-z0-9]>" and a NUL into `out`, which must
 * hold at least strlen(prefix) + 14 bytes.  Randomness from getrandom(2),
 * each character uniform over the 36.  The result is always a valid id,
 * so `prefix` must itself be a valid id of at most ID_MAX_LEN - 13 (51)
 * characters.  Returns 0, or -1 when `outsz` is too small, the prefix does
 * not qualify or no randomness is available; on failure `out` holds ""
 * (when `outsz` > 0).
 */
int id_generate(const char *prefix, char *out, size_t outsz);

#endif
