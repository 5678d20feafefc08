/*
 * test_chain.c — the chain: order, verdicts, counters, side records, and
 * create() failures, with small processors defined here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "processors/chain.h"

/* "upper": appends "+u" to the title; rejects texts that say "bad",
 * drops texts that say "drop", and emits one state record per article. */
static void *p_create(const nf_conf_t *conf, char *errstr, size_t errstr_size)
{
        const char *fail = nf_conf_get(conf, "test.fail");
        if (fail) {
                snprintf(errstr, errstr_size, "asked to fail: %s", fail);
                return NULL;
        }
        static int self;
        return &self;
}
static void p_destroy(void *self)
{
}
static void p_first(void *self, nf_article_t *art, nf_outcome_t *out)
{
        const char *t = nf_article_text(art);
        if (strstr(t, "bad")) {
                nf_outcome_reject(out, "bad_word", "text says %s", "bad");
                return;
        }
        if (strstr(t, "drop")) {
                nf_outcome_drop(out, "dropped");
                return;
        }
        nf_article_set(art, NF_F_TITLE, "1", 1);
        nf_outcome_add_record(out, "k", 1, "v", 1);
}
static void p_second(void *self, nf_article_t *art, nf_outcome_t *out)
{
        /* must run after p_first */
        assert_non_null(art->f[NF_F_TITLE]);
        nf_article_set(art, NF_F_TITLE, "12", 2);
        nf_outcome_add_record(out, "k2", 2, NULL, 0);
}
static int applied;
static int p_apply(void *self, const nf_record_t *rec, char *errstr, size_t n)
{
        applied++;
        return 0;
}

static const nf_processor_t first = {.abi = NF_PROCESSOR_ABI, .name = "first",
                                     .create = p_create, .process = p_first,
                                     .destroy = p_destroy};
static const nf_processor_t second = {.abi = NF_PROCESSOR_ABI, .name = "second",
                                      .create = p_create, .process = p_second,
                                      .destroy = p_destroy, .apply_state = p_apply};

static nf_article_t *art_with(const char *text)
{
        nf_article_t *art = nf_article_new();
        nf_article_set(art, NF_F_TEXT, text, strlen(text));
        return art;
}

static void test_order_verdicts_counters(void **state)
{
        nf_conf_t *conf = nf_conf_new();
        const nf_processor_t *procs[] = {&first, &second};
        char errstr[256];
        nf_chain_t *chain = nf_chain_new_with(procs, 2, conf, errstr, sizeof(errstr));
        assert_non_null(chain);
        assert_true(nf_chain_has_state(chain));

        const char *texts[] = {"good", "bad one", "drop me", "fine"};
        nf_verdict_t want[] = {NF_PASS, NF_REJECT, NF_DROP, NF_PASS};
        for (int i = 0; i < 4; i++) {
                nf_article_t *art = art_with(texts[i]);
                nf_outcome_t out;
                nf_outcome_init(&out);
                assert_int_equal(nf_chain_process(chain, art, &out), want[i]);
                if (want[i] == NF_PASS) {
                        assert_string_equal(art->f[NF_F_TITLE], "12");
                        assert_int_equal(out.nrecords, 2);
                        assert_null(out.records[1].value);
                } else if (want[i] == NF_REJECT) {
                        assert_string_equal(out.reason, "first.bad_word");
                        assert_string_equal(out.message, "text says bad");
                } else {
                        assert_string_equal(out.reason, "first.dropped");
                }
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }
        const nf_chain_counters_t *c = nf_chain_counters(chain, 0);
        assert_int_equal(c->in, 4);
        assert_int_equal(c->out, 2);
        assert_int_equal(c->rejected, 1);
        assert_int_equal(c->dropped, 1);
        c = nf_chain_counters(chain, 1);
        assert_int_equal(c->in, 2);
        assert_int_equal(c->out, 2);
        uint64_t inbuckets = 0;
        for (int b = 0; b < NF_CHAIN_BUCKETS; b++) {
                inbuckets += c->bucket[b];
        }
        assert_true(inbuckets <= 2);

        nf_record_t rec = {.key = "k", .key_len = 1};
        applied = 0;
        assert_int_equal(nf_chain_apply_state(chain, &rec, errstr, sizeof(errstr)), 0);
        assert_int_equal(applied, 1);
        nf_chain_destroy(chain);
        nf_conf_destroy(conf);
}

static void test_create_failure_names_processor(void **state)
{
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "test.fail", "because");
        const nf_processor_t *procs[] = {&first};
        char errstr[256];
        assert_null(nf_chain_new_with(procs, 1, conf, errstr, sizeof(errstr)));
        assert_string_equal(errstr, "processor first: asked to fail: because");
        nf_conf_set(conf, "processors", "clean,nosuch");
        assert_null(nf_chain_new(conf, errstr, sizeof(errstr)));
        assert_non_null(strstr(errstr, "\"nosuch\""));
        nf_conf_destroy(conf);
        nf_chain_destroy(NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_order_verdicts_counters),
            cmocka_unit_test(test_create_failure_names_processor),
        };
        return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
