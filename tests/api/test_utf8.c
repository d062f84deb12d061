/*
 * Text beyond ASCII (contract section 1: bodies are UTF-8 JSON): Korean,
 * Cyrillic and astral characters round-trip byte for byte, escapes and
 * raw bytes store the same text, the q filters match them (Cyrillic
 * case-insensitively), and quote spans count code points.
 */
#include "tests/lib/testlib.h"

#include <string.h>

#define KO_CMC "조선민주주의인민공화국 중앙군사위원회"
#define RU_GERASIMOV "Валерий Васильевич Герасимов"
#define EMOJI                                                                  \
	"Troops \xf0\x9f\xaa\x96 and flags \xf0\x9f\x87\xb0\xf0\x9f\x87\xb5"

static void test_names_round_trip_byte_exact(struct tl_server *srv)
{
	static const char *const names[] = {KO_CMC, RU_GERASIMOV, EMOJI,
					    "Ünïcödé – “quoted” ‘text’ …",
					    "Tab\there, new\nline, \\ and \""};
	struct tl_resp *r, *g;

	(void)srv;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *body = json_pack("{s:s, s:[s]}", "name", names[i],
					 "aliases", names[i]);
		char *text = json_dumps(body, JSON_ENSURE_ASCII * (i % 2));

		r = tl_post("/v1/actors", text);
		free(text);
		json_decref(body);
		if (!CHECK_STATUS(r, 201))
			continue;
		CHECK_STR(tl_str(r->json, "/name"), names[i]);
		CHECK_STR(tl_str(r->json, "/aliases/0"), names[i]);
		g = tl_get(tl_fmt("/v1/actors/%s", tl_str(r->json, "/id")));
		CHECK_STR(tl_str(g->json, "/name"), names[i]);
		/* The raw response carries the same bytes, escaped or not. */
		CHECK_SAME(g->json, r->json);
	}
}

static void test_escaped_and_raw_are_the_same_text(struct tl_server *srv)
{
	struct tl_resp *a, *b;

	(void)srv;
	a = tl_post("/v1/actors",
		    "{\"id\": \"raw\", \"name\": \"Герасимов 😀\"}");
	b = tl_post("/v1/actors",
		    "{\"id\": \"esc\", \"name\": \"\\u0413\\u0435\\u0440\\u0430"
		    "\\u0441\\u0438\\u043c\\u043e\\u0432 \\ud83d\\ude00\"}");
	REQUIRE_STATUS(a, 201);
	REQUIRE_STATUS(b, 201);
	CHECK_STR(tl_str(b->json, "/name"), "Герасимов 😀");
	CHECK_STR(tl_str(tl_get("/v1/actors/esc")->json, "/name"),
		  tl_str(tl_get("/v1/actors/raw")->json, "/name"));
	/* Responses are UTF-8 JSON. */
	CHECK(tl_header(a, "Content-Type") &&
	      strstr(tl_header(a, "Content-Type"), "json") != NULL);
}

static void test_q_filter_matches_korean_and_cyrillic(struct tl_server *srv)
{
	const char *ids;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp-cmc\", \"name\": \"" KO_CMC
			  "\", \"aliases\": [\"CMC\"]}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"ru-gerasimov\", \"name\": \"" RU_GERASIMOV
			  "\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kr\", \"name\": \"대한민국\", "
			  "\"aliases\": [\"Южная Корея\"]}"));
	/* 중앙군사 (central military), URL-encoded. */
	ids = tl_ids(tl_at(tl_get("/v1/actors?q=%EC%A4%91%EC%95%99%EA%B5%B0%EC"
				  "%82%AC")
				   ->json,
			   "/items"));
	CHECK_STR(ids, "kp-cmc");
	/* Герасимов, as written. */
	ids = tl_ids(tl_at(tl_get("/v1/actors?q=%D0%93%D0%B5%D1%80%D0%B0%D1%81"
				  "%D0%B8%D0%BC%D0%BE%D0%B2")
				   ->json,
			   "/items"));
	CHECK_STR(ids, "ru-gerasimov");
	/* Корея, in an alias. */
	ids = tl_ids(tl_at(
		tl_get("/v1/actors?q=%D0%9A%D0%BE%D1%80%D0%B5%D1%8F")->json,
		"/items"));
	CHECK_STR(ids, "kr");
	/* 민국 matches only 대한민국 (not 조선민주주의인민공화국). */
	ids = tl_ids(tl_at(tl_get("/v1/actors?q=%EB%AF%BC%EA%B5%AD")->json,
			   "/items"));
	CHECK_STR(ids, "kr");
}

static void test_q_filter_cyrillic_case_insensitive(struct tl_server *srv)
{
	const char *ids;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"ru-gerasimov\", \"name\": \"" RU_GERASIMOV
			  "\"}"));
	/* герасимов, lower case: the contract says case-insensitive. */
	ids = tl_ids(tl_at(tl_get("/v1/actors?q=%D0%B3%D0%B5%D1%80%D0%B0%D1%81"
				  "%D0%B8%D0%BC%D0%BE%D0%B2")
				   ->json,
			   "/items"));
	CHECK_STR(ids, "ru-gerasimov");
	/* ГЕРАСИМОВ, upper case. */
	ids = tl_ids(tl_at(tl_get("/v1/actors?q=%D0%93%D0%95%D0%A0%D0%90%D0%A1"
				  "%D0%98%D0%9C%D0%9E%D0%92")
				   ->json,
			   "/items"));
	CHECK_STR(ids, "ru-gerasimov");
}

static void test_claims_and_quotes_in_korean(struct tl_server *srv)
{
	struct tl_resp *r;

	(void)srv;
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"kp\", \"name\": \"조선\"}"));
	/* 14 code points before the quote, 4 bytes for 😀 and 3 per hangul. */
	REQUIRE(tl_create(
		"/v1/sources",
		"{\"id\": \"s\", \"title\": \"조선중앙통신\", \"text\": "
		"\"😀 조선중앙통신 보도:  \\u201c우리 군대는\\n 승리했다\\u201d "
		"끝\"}"));
	r = tl_post(
		"/v1/claims",
		"{\"claimant\": \"kp\", \"text\": \"승리 주장\", \"source\": "
		"\"s\", \"quote\": \"\\\"우리 군대는 승리했다\\\"\"}");
	REQUIRE_STATUS(r, 201);
	CHECK_JSON(r->json, "/quote_span", "{\"start\": 14, \"end\": 28}");
	CHECK_STR(tl_str(r->json, "/text"), "승리 주장");
	r = tl_get("/v1/claims?q=%EC%8A%B9%EB%A6%AC");
	CHECK_INT(json_array_size(tl_at(r->json, "/items")), 1);
}

static void test_link_keeps_non_ascii_query(struct tl_server *srv)
{
	const char *q = "%D0%9A%D0%BE%D1%80%D0%B5%D1%8F"; /* Корея */
	struct tl_resp *r;
	const char *link, *lt, *gt;

	(void)srv;
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"k1\", \"name\": "
					"\"Северная Корея\"}"));
	REQUIRE(tl_create("/v1/actors",
			  "{\"id\": \"x\", \"name\": \"Россия\"}"));
	REQUIRE(tl_create("/v1/actors", "{\"id\": \"k2\", \"name\": "
					"\"Южная Корея\"}"));
	r = tl_get(tl_fmt("/v1/actors?q=%s&limit=1", q));
	REQUIRE_STATUS(r, 200);
	CHECK_STR(tl_ids(tl_at(r->json, "/items")), "k1");
	link = tl_header(r, "Link");
	REQUIRE(link != NULL);
	lt = strchr(link, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	REQUIRE(gt != NULL);
	/* The target is a URL: percent-encoded, no raw bytes over 0x7f. */
	for (const char *p = lt + 1; p < gt; p++)
		if (!CHECK((unsigned char)*p < 0x80 && *p != ' '))
			break;
	r = tl_get(tl_fmt("%.*s", (int)(gt - lt - 1), lt + 1));
	CHECK_STATUS(r, 200);
	CHECK_STR(tl_ids(tl_at(r->json, "/items")), "k2");
	CHECK_JSON(r->json, "/next_cursor", "null");
}

int main(int argc, char **argv)
{
	static const struct tl_test tests[] = {
		TL_TEST(test_names_round_trip_byte_exact, TL_SERVER),
		TL_TEST(test_escaped_and_raw_are_the_same_text, TL_SERVER),
		TL_TEST(test_q_filter_matches_korean_and_cyrillic, TL_SERVER),
		TL_TEST(test_q_filter_cyrillic_case_insensitive, TL_SERVER),
		TL_TEST(test_claims_and_quotes_in_korean, TL_SERVER),
		TL_TEST(test_link_keeps_non_ascii_query, TL_SERVER),
		{NULL, NULL, 0},
	};

	return tl_main(argc, argv, tests);
}
