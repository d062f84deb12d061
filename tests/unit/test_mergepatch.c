/*
 * Unit test for common/mergepatch.c: every example of RFC 7396 (the 15
 * rows of Appendix A and the documents of Sections 1 and 3) and a few more
 * cases, each checked for the right result with json_equal, for inputs
 * left unchanged, and for a result that shares no node with its inputs (so
 * that changing it later cannot reach the stored resource).  Leaks are the
 * business of the sanitizer build.
 */
#include "common/mergepatch.h"

#include <stdlib.h>

#include "check.h"

struct row {
	const char *name;
	const char *target; /* NULL: C NULL target */
	const char *patch;
	const char *result;
};

static const struct row rows[] = {
	/* RFC 7396 Appendix A, in order. */
	{"A.1", "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
	{"A.2", "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
	{"A.3", "{\"a\":\"b\"}", "{\"a\":null}", "{}"},
	{"A.4", "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
	{"A.5", "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
	{"A.6", "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
	{"A.7", "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
	 "{\"a\":{\"b\":\"d\"}}"},
	{"A.8", "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
	{"A.9", "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"},
	{"A.10", "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"},
	{"A.11", "{\"a\":\"foo\"}", "null", "null"},
	{"A.12", "{\"a\":\"foo\"}", "\"bar\"", "\"bar\""},
	{"A.13", "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
	{"A.14", "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"},
	{"A.15", "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}",
	 "{\"a\":{\"bb\":{}}}"},
	/* RFC 7396 Section 1. */
	{"section 1", "{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"}}",
	 "{\"a\":\"z\",\"c\":{\"f\":null}}",
	 "{\"a\":\"z\",\"c\":{\"d\":\"e\"}}"},
	/* RFC 7396 Section 3. */
	{"section 3",
	 "{\"title\":\"Goodbye!\","
	 "\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
	 "\"tags\":[\"example\",\"sample\"],"
	 "\"content\":\"This will be unchanged\"}",
	 "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\","
	 "\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
	 "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},"
	 "\"tags\":[\"example\"],\"content\":\"This will be unchanged\","
	 "\"phoneNumber\":\"+01-123-456-7890\"}"},
	/* Beyond the RFC's examples. */
	{"no target", NULL, "{\"a\":{\"b\":null,\"c\":1}}",
	 "{\"a\":{\"c\":1}}"},
	{"no target, scalar patch", NULL, "3", "3"},
	{"scalar target", "\"x\"", "{\"a\":1}", "{\"a\":1}"},
	{"null target", "null", "{\"a\":null}", "{}"},
	{"empty patch", "{\"a\":[1,{\"b\":2}]}", "{}", "{\"a\":[1,{\"b\":2}]}"},
	{"null kept inside arrays", "{\"a\":1}", "{\"a\":[null,{\"b\":null}]}",
	 "{\"a\":[null,{\"b\":null}]}"},
	{"delete absent member", "{\"a\":1}", "{\"z\":null}", "{\"a\":1}"},
	{"deep merge", "{\"a\":{\"b\":{\"c\":{\"d\":1,\"e\":2}},\"f\":3}}",
	 "{\"a\":{\"b\":{\"c\":{\"d\":null,\"g\":4}}}}",
	 "{\"a\":{\"b\":{\"c\":{\"e\":2,\"g\":4}},\"f\":3}}"},
	{"object replaces scalar member", "{\"a\":5}",
	 "{\"a\":{\"b\":1,\"c\":null}}", "{\"a\":{\"b\":1}}"},
	{"scalar replaces object member", "{\"a\":{\"b\":1}}", "{\"a\":false}",
	 "{\"a\":false}"},
};

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (!v)
		fprintf(stderr, "bad test JSON %s: %s\n", text, err.text);
	return v;
}

/* Whether `node` is `tree` or somewhere inside it. */
static bool contains_node(json_t *tree, json_t *node)
{
	const char *key;
	json_t *value;
	size_t i;

	if (tree == node)
		return true;
	if (json_is_object(tree)) {
		json_object_foreach(tree, key, value)
		{
			if (contains_node(value, node))
				return true;
		}
	} else if (json_is_array(tree)) {
		json_array_foreach(tree, i, value)
		{
			if (contains_node(value, node))
				return true;
		}
	}
	return false;
}

/*
 * Whether any node of `result` also belongs to `a` or `b`.  true, false
 * and null are shared singletons in jansson and cannot be changed, so
 * they do not count.
 */
static bool shares_node(json_t *result, json_t *a, json_t *b)
{
	const char *key;
	json_t *value;
	size_t i;

	if (!result || json_is_null(result) || json_is_boolean(result))
		return false;
	if (contains_node(a, result) || contains_node(b, result))
		return true;
	if (json_is_object(result)) {
		json_object_foreach(result, key, value)
		{
			if (shares_node(value, a, b))
				return true;
		}
	} else if (json_is_array(result)) {
		json_array_foreach(result, i, value)
		{
			if (shares_node(value, a, b))
				return true;
		}
	}
	return false;
}

static void test_row(const struct row *r)
{
	json_t *target = NULL, *patch = NULL, *want = NULL;
	json_t *target_before = NULL, *patch_before = NULL, *got = NULL;

	check_context = r->name;
	if (r->target)
		target = load(r->target);
	patch = load(r->patch);
	want = load(r->result);
	if (!CHECK((target || !r->target) && patch && want))
		goto out;
	target_before = json_deep_copy(target);
	patch_before = json_deep_copy(patch);

	got = merge_patch(target, patch);
	if (!CHECK(got != NULL))
		goto out;
	if (!CHECK(json_equal(got, want))) {
		char *text = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);

		fprintf(stderr, "    got %s\n    expected %s\n",
			text ? text : "?", r->result);
		free(text);
	}
	if (target)
		CHECK(json_equal(target, target_before));
	CHECK(json_equal(patch, patch_before));
	CHECK(!shares_node(got, target, patch));
out:
	json_decref(got);
	json_decref(target_before);
	json_decref(patch_before);
	json_decref(want);
	json_decref(patch);
	json_decref(target);
	check_context = NULL;
}

/* The target's members keep their places; new ones follow in order. */
static void test_member_order(void)
{
	json_t *target = load("{\"c\":1,\"a\":{\"y\":1,\"x\":2},\"b\":3}");
	json_t *patch = load("{\"e\":5,\"a\":{\"x\":null,\"z\":4,\"w\":6},"
			     "\"b\":7,\"d\":4}");
	json_t *got = NULL;
	char *text = NULL;

	if (!CHECK(target && patch))
		goto out;
	got = merge_patch(target, patch);
	if (!CHECK(got != NULL))
		goto out;
	text = json_dumps(got, JSON_COMPACT);
	CHECK_STR_EQ(text, "{\"c\":1,\"a\":{\"y\":1,\"z\":4,\"w\":6},\"b\":7,"
			   "\"e\":5,\"d\":4}");
out:
	free(text);
	json_decref(got);
	json_decref(patch);
	json_decref(target);
}

/* The result is the caller's: changing it leaves the inputs alone. */
static void test_result_is_independent(void)
{
	json_t *target = load("{\"a\":{\"b\":[1,2]},\"s\":\"x\"}");
	json_t *patch = load("{\"n\":{\"m\":[3]}}");
	json_t *target_before = json_deep_copy(target);
	json_t *patch_before = json_deep_copy(patch);
	json_t *got = merge_patch(target, patch);

	if (!CHECK(got != NULL))
		goto out;
	json_array_append_new(json_object_get(json_object_get(got, "a"), "b"),
			      json_integer(9));
	json_array_clear(json_object_get(json_object_get(got, "n"), "m"));
	json_string_set(json_object_get(got, "s"), "changed");
	CHECK(json_equal(target, target_before));
	CHECK(json_equal(patch, patch_before));
out:
	json_decref(got);
	json_decref(patch_before);
	json_decref(target_before);
	json_decref(patch);
	json_decref(target);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		test_row(&rows[i]);
	test_member_order();
	test_result_is_independent();
	CHECK(merge_patch(NULL, NULL) == NULL);
	return check_finish();
}
