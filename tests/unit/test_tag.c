/*
 * test_tag.c — the tag processor through its public struct: configuration
 * keys, rule errors surfacing in create() (what `newsflow check` prints),
 * language filling, and the seed golden test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/processor.h"

extern const nf_processor_t nf_processor_tag;

static nf_conf_t *conf_with(const char *kv1, const char *kv2)
{
        nf_conf_t *conf = nf_conf_new();
        char err[256];
        if (kv1) {
                assert_int_equal(nf_conf_set_kv(conf, kv1, err, sizeof(err)), 0);
        }
        if (kv2) {
                assert_int_equal(nf_conf_set_kv(conf, kv2, err, sizeof(err)), 0);
        }
        nf_conf_apply_defaults(conf, nf_processor_tag.conf_keys);
        return conf;
}

static nf_article_t *load_article(const char *path)
{
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof(buf), f);
        fclose(f);
        char reason[64], err[256];
        nf_article_t *art =
            nf_article_decode(buf, n, NULL, reason, sizeof(reason), err,
                              sizeof(err));
        assert_non_null(art);
        return art;
}

static void test_conf_keys(void **state)
{
        const nf_conf_key_t *keys = nf_processor_tag.conf_keys;
        const char *want[] = {"tag.rules", "tag.lang.detect",
                              "tag.match.limit", "tag.depth.limit"};
        for (size_t i = 0; i < 4; i++) {
                assert_non_null(nf_conf_key_find(keys, want[i]));
        }
        char err[256];
        assert_int_equal(nf_conf_check_value(nf_conf_key_find(keys,
                                                              "tag.match.limit"),
                                             "0", err, sizeof(err)),
                         -1);
}

static void test_pattern_error_in_create(void **state)
{
        nf_conf_t *conf =
            conf_with("tag.rules.extra=tests/fixtures/tag/bad-pattern.json",
                      NULL);
        char err[512] = "";
        void *self = nf_processor_tag.create(conf, err, sizeof(err));
        assert_null(self);
        assert_string_equal(err, "tests/fixtures/tag/bad-pattern.json:Broken:"
                                 "U.S.(: missing closing parenthesis at "
                                 "offset 5");
        nf_conf_destroy(conf);
}

static void test_missing_rules_dir(void **state)
{
        nf_conf_t *conf = conf_with("tag.rules.dir=/nonexistent", NULL);
        char err[512] = "";
        assert_null(nf_processor_tag.create(conf, err, sizeof(err)));
        assert_non_null(strstr(err, "/nonexistent/countries.json"));
        nf_conf_destroy(conf);
}

/* tag.rules replaces the shipped set; paths are taken as they are */
static void test_own_rules_only(void **state)
{
        nf_conf_t *conf =
            conf_with("tag.rules=tests/fixtures/tag/good.json",
                      "tag.lang.detect=false");
        char err[512] = "";
        void *self = nf_processor_tag.create(conf, err, sizeof(err));
        if (!self) {
                fail_msg("%s", err);
        }
        nf_article_t *art = nf_article_new();
        const char *text = "Acme Corp. and Globex Inc. met in Kabul; rain "
                           "and storms, then goals.";
        nf_article_set(art, NF_F_TEXT, text, strlen(text));
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_processor_tag.process(self, art, &out);
        json_t *tags = art->tags;
        json_t *companies = json_object_get(tags, "companies");
        assert_int_equal(json_array_size(companies), 2);
        assert_int_equal(json_array_size(json_object_get(tags, "countries")),
                         0); /* no shipped countries loaded */
        assert_null(nf_article_get(art, NF_F_LANG)); /* detection off */
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        nf_processor_tag.destroy(self);
        nf_conf_destroy(conf);
}

static int arr_has(json_t *arr, const char *name)
{
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
                if (strcmp(json_string_value(v), name) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* The seed must give exactly these tags (nothing absurd besides). */
static void test_seed_golden(void **state)
{
        nf_conf_t *conf = conf_with(NULL, NULL);
        char err[512] = "";
        void *self = nf_processor_tag.create(conf, err, sizeof(err));
        if (!self) {
                fail_msg("%s", err);
        }
        nf_article_t *art = load_article("tests/fixtures/seed-article.json");
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_processor_tag.process(self, art, &out);
        assert_int_equal(out.verdict, NF_PASS);
        assert_string_equal(nf_article_get(art, NF_F_LANG), "en");
        json_t *tags = art->tags;
        assert_non_null(tags);
        static const char *const countries[] = {
            "Russia", "Pakistan", "Afghanistan", "United States", "China",
            "India"};
        static const char *const orgs[] = {"NATO",
                                           "Shanghai Cooperation Organisation",
                                           "ISIS", "United Nations"};
        static const char *const people[] = {"Sergey Lavrov",
                                             "Khawaja Muhammad Asif"};
        json_t *c = json_object_get(tags, "countries");
        json_t *o = json_object_get(tags, "organizations");
        json_t *p = json_object_get(tags, "people");
        json_t *t = json_object_get(tags, "topics");
        char *dump = json_dumps(tags, JSON_COMPACT);
        print_message("seed tags: %s\n", dump);
        assert_int_equal(json_array_size(c), 6);
        for (size_t i = 0; i < 6; i++) {
                assert_true(arr_has(c, countries[i]));
        }
        assert_int_equal(json_array_size(o), 4);
        for (size_t i = 0; i < 4; i++) {
                assert_true(arr_has(o, orgs[i]));
        }
        assert_int_equal(json_array_size(p), 2);
        for (size_t i = 0; i < 2; i++) {
                assert_true(arr_has(p, people[i]));
        }
        assert_string_equal(json_string_value(json_array_get(t, 0)),
                            "conflict, war and peace");
        assert_string_equal(json_string_value(json_array_get(t, 1)),
                            "politics");
        /* salience: Afghanistan dominates the text, Lavrov is the speaker */
        assert_string_equal(json_string_value(json_array_get(c, 0)),
                            "Afghanistan");
        assert_string_equal(json_string_value(json_array_get(p, 0)),
                            "Sergey Lavrov");
        free(dump);
        /* stats count the document and the rules that fired */
        json_t *st = nf_processor_tag.stats(self);
        assert_int_equal(json_integer_value(json_object_get(st, "documents")),
                         1);
        assert_int_equal(
            json_integer_value(json_object_get(st, "lang_detected")), 1);
        assert_true(json_array_size(json_object_get(st, "top_rules")) > 5);
        json_decref(st);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        nf_processor_tag.destroy(self);
        nf_conf_destroy(conf);
}

static void test_lang_kept_and_no_text(void **state)
{
        nf_conf_t *conf = conf_with(NULL, NULL);
        char err[512] = "";
        void *self = nf_processor_tag.create(conf, err, sizeof(err));
        assert_non_null(self);
        nf_article_t *art = nf_article_new();
        nf_article_set(art, NF_F_LANG, "en-GB", 5);
        nf_article_set(art, NF_F_TITLE, "Talks in Kabul", 14);
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_processor_tag.process(self, art, &out);
        assert_string_equal(nf_article_get(art, NF_F_LANG), "en-GB");
        assert_non_null(json_object_get(art->tags, "topics"));
        assert_int_equal(out.verdict, NF_PASS);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        nf_processor_tag.destroy(self);
        nf_conf_destroy(conf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_conf_keys),
            cmocka_unit_test(test_pattern_error_in_create),
            cmocka_unit_test(test_missing_rules_dir),
            cmocka_unit_test(test_own_rules_only),
            cmocka_unit_test(test_seed_golden),
            cmocka_unit_test(test_lang_kept_and_no_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
