/*
 * Field validation for the generic resource mechanism: one function per
 * field type, driven by the struct field tables of each resource, so that
 * adding a field to a resource is one line in its table.
 */
#include "handlers/fields.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/ids.h"
#include "common/pdate.h"
#include "server/reply.h"
#include "store/store.h"

#define DEFAULT_MAX_LEN 1000
#define MAX_LIST_LEN 1000

/* Assigned ISO 3166-1 alpha-2 codes, two letters each, sorted. */
static const char country_codes[] =
	"ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBT"
	"BVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEH"
	"ERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHT"
	"HUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS"
	"LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNI"
	"NLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESG"
	"SHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUG"
	"UMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";

bool country_code_valid(const char *code)
{
	if (strlen(code) != 2 || !isupper((unsigned char)code[0]) ||
	    !isupper((unsigned char)code[1]))
		return false;
	for (const char *p = country_codes; *p; p += 2)
		if (p[0] == code[0] && p[1] == code[1])
			return true;
	return false;
}

/* Appends `key` to `base` as a JSON Pointer token (RFC 6901 escaping). */
static void pointer_join(char *out, size_t outsz, const char *base,
			 const char *key)
{
	size_t n = (size_t)snprintf(out, outsz, "%s/", base);
	for (const char *k = key; *k && n + 3 < outsz; k++) {
		if (*k == '~') {
			out[n++] = '~';
			out[n++] = '0';
		} else if (*k == '/') {
			out[n++] = '~';
			out[n++] = '1';
		} else {
			out[n++] = *k;
		}
	}
	out[n < outsz ? n : outsz - 1] = '\0';
}

static void pointer_index(char *out, size_t outsz, const char *base, size_t i)
{
	char token[24];
	snprintf(token, sizeof(token), "%zu", i);
	pointer_join(out, outsz, base, token);
}

static bool is_meta(const char *key)
{
	return strcmp(key, "created_at") == 0 ||
	       strcmp(key, "updated_at") == 0 || strcmp(key, "version") == 0;
}

static bool url_valid(const char *s)
{
	const char *rest = NULL;
	if (strncasecmp(s, "https://", 8) == 0)
		rest = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		rest = s + 7;
	if (!rest || !*rest || *rest == '/' || *rest == ':')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return strlen(s) <= 2048;
}

/* BCP 47 in the shape sources use: a 2-3 letter primary language
 * subtag, then subtags of 1-8 letters or digits ("en", "pt-BR"). */
static bool language_valid(const char *s)
{
	size_t n = 0;
	while (islower((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 3)
		return false;
	s += n;
	while (*s == '-') {
		s++;
		n = 0;
		while (isalnum((unsigned char)s[n]))
			n++;
		if (n < 1 || n > 8)
			return false;
		s += n;
	}
	return *s == '\0';
}

bool field_param_valid(enum field_type type, const char *const *choices,
		       const char *param, const char *value, json_t *errors,
		       struct pdate *date)
{
	struct pdate d;
	const char *why = "";
	switch (type) {
	case FIELD_COUNTRY:
		if (country_code_valid(value))
			return true;
		errors_add_param(errors, param,
				 "not an ISO 3166-1 alpha-2 country code");
		return false;
	case FIELD_LANGUAGE:
		if (language_valid(value))
			return true;
		errors_add_param(errors, param,
				 "not a BCP 47 language tag (e.g. \"en\")");
		return false;
	case FIELD_ID:
	case FIELD_REF:
	case FIELD_REF_LIST:
		if (id_valid(value))
			return true;
		errors_add_param(errors, param, "not a valid id");
		return false;
	case FIELD_ENUM:
		for (size_t i = 0; choices && choices[i]; i++)
			if (strcmp(value, choices[i]) == 0)
				return true;
		errors_add_param(errors, param,
				 "not one of the allowed values");
		return false;
	case FIELD_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
			return true;
		errors_add_param(errors, param, "must be true or false");
		return false;
	case FIELD_DATE:
		if (pdate_parse(value, strlen(value), date ? date : &d, &why) ==
		    0)
			return true;
		errors_add_param(errors, param, "not a date: %s", why);
		return false;
	default:
		if (*value)
			return true;
		errors_add_param(errors, param, "must not be empty");
		return false;
	}
}

static bool string_blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Code points in the `n` bytes of UTF-8 `s` (jansson has checked it):
 * the bytes that do not continue a sequence.  Limits are in characters,
 * as the contract states them, so "200" is 200 for any script. */
static size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

static json_t *canonical_object(const struct field *fields, json_t *input,
				const char *pointer, json_t *errors,
				const char **id_out);

/* Validates a non-null value of field `f`; returns the canonical value as a
 * new reference, or NULL after adding an error.  An object or a list is
 * returned even when members or entries are at fault (errors added, those
 * members null), so that what is inside is checked further. */
static json_t *canonical_value(const struct field *f, json_t *v,
			       const char *ptr, json_t *errors)
{
	size_t max = f->max_len ? f->max_len : DEFAULT_MAX_LEN;
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	char sub[512];

	switch (f->type) {
	case FIELD_STRING:
		if (!s)
			break;
		if (string_blank(s)) {
			errors_add(errors, ptr, "must not be empty");
			return NULL;
		}
		if (utf8_length(s, json_string_length(v)) > max) {
			errors_add(errors, ptr, "longer than %zu characters",
				   max);
			return NULL;
		}
		return json_incref(v);
	case FIELD_ENUM:
		if (!s)
			break;
		for (size_t i = 0; f->choices[i]; i++)
			if (strcmp(s, f->choices[i]) == 0)
				return json_incref(v);
		{
			char list[400] = "";
			for (size_t i = 0; f->choices[i]; i++) {
				strncat(list, i ? ", " : "",
					sizeof(list) - strlen(list) - 1);
				strncat(list, f->choices[i],
					sizeof(list) - strlen(list) - 1);
			}
			errors_add(errors, ptr, "must be one of: %s", list);
		}
		return NULL;
	case FIELD_DATE: {
		if (!s)
			break;
		struct pdate d;
		const char *why = "";
		if (pdate_parse(s, json_string_length(v), &d, &why) != 0) {
			errors_add(errors, ptr, "not a date: %s", why);
			return NULL;
		}
		return json_incref(v);
	}
	case FIELD_ID:
	case FIELD_REF:
		if (!s)
			break;
		if (!id_valid(s)) {
			errors_add(
				errors, ptr,
				"not a valid id (lower-case letters, digits, "
				"'.', '_', '-'; at most 64)");
			return NULL;
		}
		return json_incref(v);
	case FIELD_COUNTRY:
		if (!s)
			break;
		if (!country_code_valid(s)) {
			errors_add(errors, ptr,
				   "not an ISO 3166-1 alpha-2 country code");
			return NULL;
		}
		return json_incref(v);
	case FIELD_URL:
		if (!s)
			break;
		if (!url_valid(s)) {
			errors_add(errors, ptr, "not an http(s) URL");
			return NULL;
		}
		return json_incref(v);
	case FIELD_LANGUAGE:
		if (!s)
			break;
		if (!language_valid(s)) {
			errors_add(errors, ptr,
				   "not a BCP 47 language tag (e.g. \"en\")");
			return NULL;
		}
		return json_incref(v);
	case FIELD_NUMBER:
		if (!json_is_number(v)) {
			errors_add(errors, ptr, "must be a number");
			return NULL;
		}
		return json_incref(v);
	case FIELD_BOOL:
		if (!json_is_boolean(v)) {
			errors_add(errors, ptr, "must be true or false");
			return NULL;
		}
		return json_incref(v);
	case FIELD_OBJECT:
		if (!json_is_object(v)) {
			errors_add(errors, ptr, "must be an object");
			return NULL;
		}
		/* Kept with its faults as null, never dropped whole: the
		 * references inside and the rules across its members (a
		 * quantity's bounds) are checked too, so one answer names
		 * every fault.  A body with errors is never written. */
		return canonical_object(f->sub, v, ptr, errors, NULL);
	case FIELD_REF_LIST:
	case FIELD_STRING_LIST:
	case FIELD_OBJECT_LIST: {
		if (!json_is_array(v)) {
			errors_add(errors, ptr, "must be an array");
			return NULL;
		}
		if (json_array_size(v) > MAX_LIST_LEN) {
			errors_add(errors, ptr, "more than %d entries",
				   MAX_LIST_LEN);
			return NULL;
		}
		struct field item = *f;
		item.type = f->type == FIELD_REF_LIST	   ? FIELD_REF
			    : f->type == FIELD_STRING_LIST ? FIELD_STRING
							   : FIELD_OBJECT;
		/* As for an object: the entries at fault are null. */
		json_t *out = json_array();
		size_t i;
		json_t *elem;
		json_array_foreach(v, i, elem)
		{
			pointer_index(sub, sizeof(sub), ptr, i);
			json_t *c = NULL;
			if (json_is_null(elem))
				errors_add(errors, sub, "must not be null");
			else
				c = canonical_value(&item, elem, sub, errors);
			if (!c) {
				json_array_append_new(out, json_null());
				continue;
			}
			/* Lists of ids and names are sets: a repeat is a
			 * mistake, not information. */
			for (size_t j = 0; j < i && item.type != FIELD_OBJECT;
			     j++)
				if (json_equal(json_array_get(v, j), elem)) {
					errors_add(errors, sub,
						   "repeats entry %zu", j);
					break;
				}
			json_array_append_new(out, c);
		}
		return out;
	}
	case FIELD_COMPUTED:
		break;
	}
	if (!s)
		errors_add(errors, ptr, "must be a string");
	return NULL;
}

static json_t *empty_value(const struct field *f)
{
	if (f->type == FIELD_REF_LIST || f->type == FIELD_STRING_LIST ||
	    f->type == FIELD_OBJECT_LIST)
		return json_array();
	if (f->type == FIELD_ENUM && f->default_value)
		return json_string(f->default_value);
	return json_null();
}

static const struct field *find_field(const struct field *fields,
				      const char *key)
{
	for (const struct field *f = fields; f->name; f++)
		if (strcmp(f->name, key) == 0)
			return f;
	return NULL;
}

static json_t *canonical_object(const struct field *fields, json_t *input,
				const char *pointer, json_t *errors,
				const char **id_out)
{
	char ptr[512];
	const char *key;
	json_t *v;

	/* Every key the client sent must be a writable field. */
	json_object_foreach(input, key, v)
	{
		const struct field *f = find_field(fields, key);
		pointer_join(ptr, sizeof(ptr), pointer, key);
		if (f && f->type == FIELD_COMPUTED)
			errors_add(errors, ptr, "read-only field");
		else if (!f && id_out && is_meta(key))
			errors_add(errors, ptr, "read-only field");
		else if (!f)
			errors_add(errors, ptr, "unknown field");
	}

	json_t *out = json_object();
	for (const struct field *f = fields; f->name; f++) {
		if (f->type == FIELD_COMPUTED)
			continue;
		pointer_join(ptr, sizeof(ptr), pointer, f->name);
		v = json_object_get(input, f->name);
		if (!v || json_is_null(v)) {
			if (f->flags & FIELD_REQUIRED)
				errors_add(errors, ptr, "required");
			if (f->type != FIELD_ID)
				json_object_set_new(out, f->name,
						    empty_value(f));
			continue;
		}
		json_t *c = canonical_value(f, v, ptr, errors);
		if (f->type == FIELD_ID) {
			if (c && id_out)
				*id_out = json_string_value(v);
			json_decref(c);
			continue;
		}
		json_object_set_new(out, f->name, c ? c : json_null());
	}
	return out;
}

json_t *fields_canonical(const struct resource *res, json_t *input,
			 json_t *errors, const char **id_out)
{
	*id_out = NULL;
	return canonical_object(res->fields, input, "", errors, id_out);
}

/* ---- references ---- */

/* Whether `value` (when a string) names a `ref` that exists: through
 * `refs` when given (a bulk writer's knowledge), else the store. */
static int check_ref(struct store *st, const struct resource *ref,
		     json_t *value, const char *ptr, json_t *errors,
		     const struct ref_lookup *refs)
{
	if (!json_is_string(value))
		return STORE_OK;
	const char *id = json_string_value(value);
	int found = refs ? refs->exists(refs->arg, st, ref, id)
			 : resource_exists(st, ref, id);
	if (found == 0)
		errors_add(errors, ptr, "no %s with id \"%s\"", ref->name, id);
	return found < 0 ? found : STORE_OK;
}

static int check_refs_in(struct store *st, const struct field *fields,
			 json_t *obj, const char *pointer, json_t *errors,
			 const struct ref_lookup *refs)
{
	char ptr[512], sub[512];
	int rc = STORE_OK;
	for (const struct field *f = fields; f->name && rc == STORE_OK; f++) {
		json_t *v = json_object_get(obj, f->name);
		size_t i;
		json_t *elem;
		pointer_join(ptr, sizeof(ptr), pointer, f->name);
		switch (f->type) {
		case FIELD_REF:
			rc = check_ref(st, f->ref, v, ptr, errors, refs);
			break;
		case FIELD_REF_LIST:
			json_array_foreach(v, i, elem)
			{
				pointer_index(sub, sizeof(sub), ptr, i);
				rc = check_ref(st, f->ref, elem, sub, errors,
					       refs);
				if (rc != STORE_OK)
					break;
			}
			break;
		case FIELD_OBJECT:
			if (json_is_object(v))
				rc = check_refs_in(st, f->sub, v, ptr, errors,
						   refs);
			break;
		case FIELD_OBJECT_LIST:
			json_array_foreach(v, i, elem)
			{
				pointer_index(sub, sizeof(sub), ptr, i);
				rc = check_refs_in(st, f->sub, elem, sub,
						   errors, refs);
				if (rc != STORE_OK)
					break;
			}
			break;
		default:
			break;
		}
	}
	return rc;
}

int fields_check_refs(struct store *st, const struct resource *res, json_t *doc,
		      json_t *errors)
{
	return check_refs_in(st, res->fields, doc, "", errors, NULL);
}

int fields_check_refs_with(struct store *st, const struct resource *res,
			   json_t *doc, json_t *errors,
			   const struct ref_lookup *refs)
{
	return check_refs_in(st, res->fields, doc, "", errors, refs);
}
