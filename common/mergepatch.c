/*
 * JSON Merge Patch (RFC 7396).  The RFC describes the algorithm as
 * changing the target in place; here the result is built as a new value
 * so that the stored resource and the request body the caller passes stay
 * untouched, and a failure half way leaves nothing to undo.
 *
 * Members of the result keep the target's order, with members the patch
 * adds after them in the patch's order, so that a PATCH does not reshuffle
 * a resource's fields.  Only the parts of the target that survive are
 * copied, each once.
 */
#include "common/mergepatch.h"

json_t *merge_patch(json_t *target, json_t *patch)
{
	json_t *result = NULL;
	json_t *value, *change, *merged;
	const char *key;

	if (!patch)
		return NULL;
	/* Anything but an object replaces the target whole. */
	if (!json_is_object(patch))
		return json_deep_copy(patch);

	result = json_object();
	if (!result)
		goto fail;

	/* A target that is not an object is patched as if it were {}. */
	if (json_is_object(target)) {
		json_object_foreach(target, key, value)
		{
			change = json_object_get(patch, key);
			if (!change)
				merged = json_deep_copy(value);
			else if (json_is_null(change))
				continue;
			else
				merged = merge_patch(value, change);
			if (json_object_set_new(result, key, merged) < 0)
				goto fail;
		}
	}

	json_object_foreach(patch, key, change)
	{
		if (json_is_null(change))
			continue;
		if (json_is_object(target) && json_object_get(target, key))
			continue;
		merged = merge_patch(NULL, change);
		if (json_object_set_new(result, key, merged) < 0)
			goto fail;
	}
	return result;

fail:
	json_decref(result);
	return NULL;
}
