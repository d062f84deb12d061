/*
 * Field validation: turns a client's JSON object into the canonical body
 * of a resource (every field present, in declaration order, defaults
 * applied), collecting every field at fault with its JSON Pointer.
 */
#ifndef CLAIMLINE_FIELDS_H
#define CLAIMLINE_FIELDS_H

#include <jansson.h>
#include <stdbool.h>

#include "common/pdate.h"

#include "handlers/describe.h"

/*
 * Validates `input` (borrowed) against the fields of `res`.  Errors are
 * appended to `errors` (borrowed), every one with its full JSON Pointer
 * ("/participants/2/actor").  Returns the canonical body as a new
 * reference — fields at fault are null in it; an object or list with
 * members or entries at fault keeps the others, so that references and
 * rules across members can still be checked — and sets *id_out to the
 * input's id (borrowed from `input`) or NULL when it gave none.
 */
json_t *fields_canonical(const struct resource *res, json_t *input,
			 json_t *errors, const char **id_out);

/*
 * Checks that every reference in the canonical `doc` names an existing
 * resource; appends an error per missing one.  Returns STORE_OK or a store
 * error.
 */
int fields_check_refs(struct store *st, const struct resource *res, json_t *doc,
		      json_t *errors);

/* True when `code` is an assigned ISO 3166-1 alpha-2 code. */
bool country_code_valid(const char *code);

/*
 * Checks the query parameter `param` = `value` as a value of a field of
 * `type` (the list filters and read parameters on that field), with the
 * field's own validator: FIELD_ENUM one of `choices`, FIELD_COUNTRY an
 * assigned code, FIELD_LANGUAGE a language tag, FIELD_ID/REF/REF_LIST an
 * id, FIELD_DATE a partial date (into *date when not NULL), FIELD_BOOL
 * true or false, text types non-empty.  Adds an error naming `param` to
 * `errors` and returns false when it is not one.
 */
bool field_param_valid(enum field_type type, const char *const *choices,
		       const char *param, const char *value, json_t *errors,
		       struct pdate *date);

/* ---- bulk writes ---- */

/*
 * fields_check_refs(), asking `refs` whether each referenced resource
 * exists instead of the store: the same errors for the same missing ids.
 * Returns STORE_OK or a store error.
 */
int fields_check_refs_with(struct store *st, const struct resource *res,
			   json_t *doc, json_t *errors,
			   const struct ref_lookup *refs);

#endif
