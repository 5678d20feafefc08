/*
 * test_article.c — decoding and encoding of the record contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/article.h"

static nf_article_t *decode(const char *s, char *reason)
{
        char errstr[512];
        nf_decode_limits_t lim = {.max_bytes = 1000, .max_depth = 8};
        return nf_article_decode(s, strlen(s), &lim, reason, 64, errstr,
                                 sizeof(errstr));
}

/* Table of inputs that must be rejected, with the reason. */
static void test_decode_rejects(void **state)
{
        static const struct {
                const char *in, *reason;
        } cases[] = {
            {"not json", "json_invalid"},
            {"{\"text\":\"a\"} trailing", "json_invalid"},
            {"[1,2,3]", "not_object"},
            {"\"a string\"", "not_object"},
            {"{\"title\":\"t\"}", "no_body"},
            {"{\"text\":\"\"}", "no_body"},
            {"{\"text\":\"a\",\"text\":\"b\"}", "json_invalid"},
            {"{\"text\":\"a\\u0000b\"}", "json_invalid"},
            {"{\"text\":\"\xff\xfe\"}", "json_invalid"},
            {"{\"text\":\"\xc0\xaf\"}", "json_invalid"}, /* overlong '/' */
            {"{\"text\":\"\\ud800\"}", "json_invalid"},  /* lone surrogate */
            {"{\"text\":5}", "field_type"},
            {"{\"text\":\"a\",\"url\":[1]}", "field_type"},
            {"{\"text\":\"a\",\"x\":[[[[[[[[[1]]]]]]]]]}", "too_deep"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char reason[64] = "";
                nf_article_t *art = decode(cases[i].in, reason);
                if (art) {
                        fail_msg("case %zu accepted: %s", i, cases[i].in);
                }
                assert_string_equal(reason, cases[i].reason);
        }
        char big[1200];
        memset(big, 'a', sizeof(big));
        memcpy(big, "{\"text\":\"", 9);
        memcpy(big + sizeof(big) - 3, "\"}", 3);
        char reason[64];
        assert_null(decode(big, reason));
        assert_string_equal(reason, "too_large");
}

static void test_decode_fields_and_aliases(void **state)
{
        char reason[64];
        nf_article_t *art = decode(
            "{\"id\":42,\"body\":\"from body\",\"content\":\"from content\","
            "\"url\":\"https://X.example/a#frag\",\"custom\":{\"k\":1}}",
            reason);
        assert_non_null(art);
        assert_string_equal(art->f[NF_F_ID], "42");
        /* content is preferred to body, whatever the order in the input */
        assert_string_equal(nf_article_text(art), "from content");
        assert_non_null(json_object_get(art->extra, "custom"));
        assert_null(json_object_get(art->extra, "body"));
        nf_article_destroy(art);

        art = decode("{\"text\":\"t\",\"content\":\"c\"}", reason);
        assert_string_equal(nf_article_text(art), "t");
        nf_article_destroy(art);

        art = decode("{\"html\":\"<p>x</p>\",\"lang\":null}", reason);
        assert_non_null(art);
        assert_null(art->f[NF_F_LANG]);
        nf_article_destroy(art);
}

static void test_id_is_stable_and_derived(void **state)
{
        char reason[64];
        nf_article_t *a = decode("{\"text\":\"t\",\"url\":\"HTTPS://Example.COM/Path#x\"}", reason);
        nf_article_t *b = decode("{\"text\":\"other\",\"url\":\"https://example.com/Path\"}", reason);
        /* Same canonical URL -> same id; path case is kept. */
        assert_string_equal(nf_article_ensure_id(a), nf_article_ensure_id(b));
        assert_int_equal(nf_article_ensure_id(a)[0], 'u');
        nf_article_t *c = decode("{\"text\":\"only text\"}", reason);
        nf_article_t *d = decode("{\"text\":\"only text!\"}", reason);
        assert_int_equal(nf_article_ensure_id(c)[0], 't');
        assert_string_not_equal(nf_article_ensure_id(c), nf_article_ensure_id(d));
        nf_article_t *e = decode("{\"id\":\"given\",\"text\":\"x\",\"url\":\"http://a\"}", reason);
        assert_string_equal(nf_article_ensure_id(e), "given");
        nf_article_destroy(a);
        nf_article_destroy(b);
        nf_article_destroy(c);
        nf_article_destroy(d);
        nf_article_destroy(e);
}

static void test_encode_contract(void **state)
{
        char reason[64];
        nf_article_t *art = decode(
            "{\"id\":\"x1\",\"text\":\"one two three\",\"html\":\"<p>raw</p>\","
            "\"source\":\"s\",\"extra_field\":[1,2],\"meta\":\"mine\"}",
            reason);
        art->origin.topic = "in";
        art->origin.partition = 3;
        art->origin.offset = 77;
        art->dedup.status = NF_DEDUP_NEAR_DUPLICATE;
        art->dedup.duplicate_of = strdup("x0");
        art->dedup.similarity = 0.9;
        nf_article_note(art, "clean", json_pack("{s:i}", "lines_removed", 2));
        nf_encode_meta_t meta = {.version = "v", .processed_at = "2026-01-01T00:00:00Z"};
        size_t len;
        char *s = nf_article_encode(art, &meta, &len);
        assert_int_equal(strlen(s), len);
        json_error_t jerr;
        json_t *o = json_loads(s, 0, &jerr);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "id")), "x1");
        assert_null(json_object_get(o, "html"));
        assert_int_equal(json_integer_value(json_object_get(o, "word_count")), 3);
        assert_true(json_is_null(json_object_get(o, "tags")));
        assert_true(json_is_null(json_object_get(o, "summary")));
        json_t *d = json_object_get(o, "dedup");
        assert_string_equal(json_string_value(json_object_get(d, "status")), "near_duplicate");
        assert_string_equal(json_string_value(json_object_get(d, "duplicate_of")), "x0");
        json_t *m = json_object_get(o, "meta");
        assert_string_equal(json_string_value(json_object_get(m, "topic")), "in");
        assert_int_equal(json_integer_value(json_object_get(m, "partition")), 3);
        assert_int_equal(json_integer_value(json_object_get(m, "offset")), 77);
        assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "clean"), "lines_removed")), 2);
        /* unknown fields carried through; one that collides with an output
         * field does not overwrite it */
        assert_int_equal(json_array_size(json_object_get(o, "extra_field")), 2);
        assert_true(json_is_object(m));
        json_decref(o);
        free(s);
        nf_article_destroy(art);
}

/* The direct string writer against jansson's own dumper, one case per
 * escaping rule, at every alignment of the 8-byte fast path. */
static void test_encode_strings_like_jansson(void **state)
{
        static const char *const cases[] = {
            "plain ascii text that is longer than eight bytes",
            "quote \" and backslash \\ and slash /",
            "\b\f\n\r\t controls \x01\x1f and DEL \x7f",
            "UTF-8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8",
            "",
        };
        for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
                for (size_t pad = 0; pad < 9; pad++) {
                        char text[256];
                        snprintf(text, sizeof(text), "%.*s%s", (int)pad,
                                 "xxxxxxxx", cases[c]);
                        nf_article_t *art = nf_article_new();
                        nf_article_set(art, NF_F_ID, "i", 1);
                        nf_article_set(art, NF_F_TEXT, text, strlen(text));
                        char *s = nf_article_encode(art, NULL, NULL);
                        json_t *str = json_string(text);
                        char *want = json_dumps(str, JSON_ENCODE_ANY);
                        char *at = strstr(s, ",\"text\":");
                        assert_non_null(at);
                        assert_memory_equal(at + 8, want, strlen(want));
                        free(want);
                        json_decref(str);
                        free(s);
                        nf_article_destroy(art);
                }
        }
        /* A processor bug must not drop the field: invalid UTF-8 becomes
         * U+FFFD. */
        nf_article_t *art = nf_article_new();
        nf_article_set(art, NF_F_ID, "i", 1);
        nf_article_set(art, NF_F_TEXT, "a\xff\xc3" "b", 4);
        char *s = nf_article_encode(art, NULL, NULL);
        assert_non_null(strstr(s, "\"text\":\"a\xef\xbf\xbd\xef\xbf\xbd" "b\""));
        free(s);
        nf_article_destroy(art);
}

/* The JSON value writer (tags, meta, unknown fields) against jansson's
 * dumper: every type, nesting, and the real number formats. */
static void test_encode_values_like_jansson(void **state)
{
        static const char *const values[] = {
            "{\"a\":[1,-2,true,false,null,\"s\\n\\u00e9\\u0001\"],\"b\":{},\"c\":[]}",
            "[0.1,1.5,-0.0,100.0,1e300,1e-7,1.7976931348623157e308,5e-324,"
            "123456789012345680000.0,0.30000000000000004,-2.5e-5,1e22]",
            "{\"nested\":{\"deeper\":{\"k\":[[],[{}],9223372036854775807]}}}",
            "\"just a string\"",
            "-9223372036854775808",
        };
        for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
                json_error_t err;
                json_t *v = json_loads(values[i], JSON_DECODE_ANY, &err);
                assert_non_null(v);
                char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                nf_article_t *art = nf_article_new();
                nf_article_set(art, NF_F_ID, "i", 1);
                json_object_set_new(art->extra, "x", v);
                char *s = nf_article_encode(art, NULL, NULL);
                char *at = strstr(s, ",\"x\":");
                assert_non_null(at);
                if (strncmp(at + 5, want, strlen(want)) != 0 || at[5 + strlen(want)] != '}') {
                        fail_msg("case %zu:\n ours:    %s\n jansson: %s", i, at + 5, want);
                }
                free(want);
                free(s);
                nf_article_destroy(art);
        }
}

static void test_destroy_null(void **state)
{
        nf_article_destroy(NULL);
        char *c = nf_url_canonical("  HTTP://A.B/C?q=1#f ");
        assert_string_equal(c, "http://a.b/C?q=1");
        free(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_decode_rejects),
            cmocka_unit_test(test_decode_fields_and_aliases),
            cmocka_unit_test(test_id_is_stable_and_derived),
            cmocka_unit_test(test_encode_contract),
            cmocka_unit_test(test_encode_strings_like_jansson),
            cmocka_unit_test(test_encode_values_like_jansson),
            cmocka_unit_test(test_destroy_null),
        };
        return cmocka_run_group_tests_name("article", tests, NULL, NULL);
}
