/*
 * test_article_decode.c — the stream decoder (yajl) against the tree decoder
 * (jansson, the reference): whatever the stream decoder accepts, the tree
 * decoder accepts and decodes to the same article; what jansson refuses, the
 * stream decoder declines. Checked on a table of edge cases, on every
 * hostile record of tests/bad-input/ and on the demo records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/article.h"
#include "common/article_decode.h"

#define DEPTH 8

static char *encoded(nf_article_t *art)
{
        nf_encode_meta_t meta = {.version = "test"};
        size_t len;
        char *out = nf_article_encode(art, &meta, &len);
        nf_article_destroy(art);
        return out;
}

/* Decodes buf both ways. Returns 1 if the stream decoder accepted it (and
 * then both agreed), 0 if it declined; fails the test on a disagreement. */
static int compare(const char *what, const char *buf, size_t len)
{
        char reason[64] = "", errstr[512];
        nf_article_t *fast = nf_article_decode_stream(buf, len, DEPTH);
        nf_article_t *ref = nf_article_decode_tree(
            buf, len, DEPTH, reason, sizeof(reason), errstr, sizeof(errstr));
        if (!fast) {
                nf_article_destroy(ref);
                return 0;
        }
        if (!ref) {
                fail_msg(
                    "%s: stream decoder accepted what jansson refuses (%s: %s)",
                    what, reason, errstr);
        }
        char *a = encoded(fast), *b = encoded(ref);
        if (strcmp(a, b) != 0) {
                fail_msg("%s: decoders disagree\n stream: %s\n tree:   %s",
                         what, a, b);
        }
        free(a);
        free(b);
        return 1;
}

static int compare_str(const char *s)
{
        return compare(s, s, strlen(s));
}

/* Records the stream decoder must handle itself (the common case), and
 * records it must leave to jansson. */
static void test_edge_cases(void **state)
{
        static const char *const accepted[] = {
            "{\"text\":\"plain\"}",
            "{\"id\":42,\"text\":\"integer id\"}",
            "{\"id\":-7,\"text\":\"x\",\"title\":null,\"lang\":\"en\"}",
            "{\"body\":\"b\",\"content\":\"c\",\"text\":\"t\"}",
            "{\"text\":\"t\",\"body\":\"b\"}",
            "{\"content\":\"c\",\"body\":\"b\"}",
            "{\"html\":\"<p>x</p>\",\"url\":\"https://a.example/\"}",
            "{\"text\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20ac "
            "end\"}",
            "{\"text\":\"raw UTF-8: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
            "{\"text\":\"x\",\"extra\":{\"a\":[1,2.5,true,false,null,\"s\",{}],"
            "\"b\":{}}}",
            "{\"text\":\"x\",\"n\":1e5,\"m\":-0,\"r\":0.1,\"tiny\":1e-400}",
            "{\"text\":\"x\",\"max\":9223372036854775807,\"min\":-"
            "9223372036854775807}",
            "{\"text\":\"x\",\"same\":{\"k\":1},\"other\":{\"k\":2}}",
            "{\"text\":\"x\",\"a\":[[[[[[1]]]]]]}", /* depth 7 of 8 */
            " \n{\"text\" : \"spaces\" } \n",
            "{\"text\":\"x\",\"\":\"empty key\"}",
        };
        for (size_t i = 0; i < sizeof(accepted) / sizeof(*accepted); i++) {
                if (!compare_str(accepted[i])) {
                        fail_msg("stream decoder declined case %zu: %s", i,
                                 accepted[i]);
                }
        }
        static const char *const declined[] = {
            "",
            "   ",
            "not json",
            "[1,2]",
            "\"s\"",
            "null",
            "{\"text\":\"a\"} trailing",
            "{\"text\":\"a\"}{\"text\":\"b\"}",
            "{\"text\":\"a\"",
            "{\"text\":\"a\",\"text\":\"b\"}",
            "{\"text\":\"a\",\"x\":1,\"x\":2}",
            "{\"text\":\"a\",\"x\":{\"k\":1,\"k\":2}}",
            "{\"text\":\"a\\u0000b\"}",
            "{\"text\":\"a\",\"k\\u0000\":1}",
            "{\"text\":\"a\x01\"}",
            "{\"text\":\"\xff\xfe\"}",
            "{\"text\":\"\xc0\xaf\"}",         /* overlong '/' */
            "{\"text\":\"\xed\xa0\x80\"}",     /* raw surrogate */
            "{\"text\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
            "{\"text\":\"\\ud800\"}",
            "{\"text\":\"\\udc00\"}",
            "{\"text\":\"\\ud83d\\ude00\"}", /* a valid pair: left to jansson */
            "{\"text\":\"\\ud800\\u0041\"}",
            "{\"text\":5}",
            "{\"text\":true}",
            "{\"text\":\"a\",\"url\":[1]}",
            "{\"text\":\"a\",\"title\":{}}",
            "{\"text\":\"a\",\"id\":1.5}",
            "{\"text\":\"a\",\"x\":[[[[[[[[1]]]]]]]]}", /* depth 9 > 8 */
            "{\"text\":\"a\",\"n\":99999999999999999999}",
            "{\"text\":\"a\",\"n\":9223372036854775808}",
            "{\"text\":\"a\",\"n\":9223372036854775815}", /* past yajl's bound
                                                             check */
            "{\"text\":\"a\",\"n\":1e400}",
            "{\"text\":\"a\",/*c*/\"n\":1}",
            "{'text':'a'}",
            "{\f\"text\":\"a\"}", /* yajl's whitespace, not JSON's */
            "{\"text\":\"a\"\v}",
            "{\"text\":\"a\"}\"", /* an unfinished token after the root */
            "{\"text\":\"a\"} tru",
        };
        for (size_t i = 0; i < sizeof(declined) / sizeof(*declined); i++) {
                if (compare_str(declined[i])) {
                        fail_msg("stream decoder accepted case %zu: %s", i,
                                 declined[i]);
                }
        }
}

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
        fclose(f);
        buf[n] = '\0';
        *len = (size_t)n;
        return buf;
}

/* Every hostile record: the decoders agree, and what jansson refuses the
 * stream decoder declines (compare() fails the test otherwise). */
static void test_bad_input_corpus(void **state)
{
        glob_t g;
        assert_int_equal(glob("tests/bad-input/*.json", 0, NULL, &g), 0);
        assert_true(g.gl_pathc >= 50);
        int accepted = 0;
        for (size_t i = 0; i < g.gl_pathc; i++) {
                size_t len;
                char *buf = slurp(g.gl_pathv[i], &len);
                accepted += compare(g.gl_pathv[i], buf, len);
                free(buf);
        }
        globfree(&g);
        /* The legitimately odd records (tiny-real, text-zalgo, ...) go the
         * fast way too. */
        assert_true(accepted >= 10);
}

/* The demo records and the seed: the valid ones all take the fast way. */
static void test_real_records(void **state)
{
        size_t len;
        char *all = slurp("stage/demo/articles.jsonl", &len);
        int lines = 0, accepted = 0;
        for (char *line = all, *nl; *line; line = nl + 1) {
                nl = strchr(line, '\n');
                if (!nl) {
                        break;
                }
                lines++;
                accepted += compare("demo line", line, (size_t)(nl - line));
        }
        free(all);
        assert_true(lines >= 30);
        assert_true(accepted >= lines - 4); /* 4 demo records are bad input */

        char *seed = slurp("tests/fixtures/seed-article.json", &len);
        assert_true(compare("seed", seed, len));
        free(seed);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_edge_cases),
            cmocka_unit_test(test_bad_input_corpus),
            cmocka_unit_test(test_real_records),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
