/*
 * JSON Merge Patch (RFC 7396), used by PATCH on every resource.
 */
#ifndef CLAIMLINE_MERGEPATCH_H
#define CLAIMLINE_MERGEPATCH_H

#include <jansson.h>

/*
 * Applies `patch` to `target` as RFC 7396 says and returns the result as a
 * new reference that shares no modifiable node with either input; `target`
 * (may be NULL, treated like any non-object) and `patch` are borrowed and
 * left unchanged.  Members keep the target's order; added ones follow.
 * Returns NULL only when out of memory (or when `patch` is NULL).
 */
json_t *merge_patch(json_t *target, json_t *patch);

#endif
