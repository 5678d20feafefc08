/*
 * test_limits.c — every configurable limit on hostile input, through the
 * same path as the stage (decode with the stage's limits, then the chain
 * built from a finished configuration), each exceeded case a rejection
 * with its precise reason: input.max.bytes, json.max.depth,
 * clean.html.max.depth, clean.max.paragraphs (text and html),
 * clean.max.text.bytes, clean.match.limit, tag.match.limit (reject and
 * skip), and the record.timeout.ms watchdog (chain and processors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "common/conf.h"
#include "processors/chain.h"
#include "processors/html_extract.h"
#include "processors/tag_engine.h"
#include "stage/config.h"

/* A finished configuration (defaults, stage keys) from key=value pairs. */
static nf_conf_t *conf_of(const char *const *kv)
{
        char err[512];
        nf_conf_t *conf = nf_conf_new();
        for (size_t i = 0; kv && kv[i]; i++) {
                assert_int_equal(nf_conf_set_kv(conf, kv[i], err, sizeof(err)), 0);
        }
        if (nf_config_finish(conf, err, sizeof(err)) != 0) {
                fail_msg("%s", err);
        }
        return conf;
}

/* Decodes buf and runs the chain of conf; returns "ok" or the full reason
 * ("decode.too_deep", "clean.text_too_long") in a static buffer. */
static const char *verdict(const nf_conf_t *conf, const char *buf, size_t len)
{
        static char reason[96];
        char why[64], err[512];
        nf_decode_limits_t lim = {
            .max_bytes = (size_t)nf_conf_get_int(conf, "input.max.bytes", 0),
            .max_depth = (int)nf_conf_get_int(conf, "json.max.depth", 0)};
        nf_article_t *art =
            nf_article_decode(buf, len, &lim, why, sizeof(why), err, sizeof(err));
        if (!art) {
                snprintf(reason, sizeof(reason), "decode.%s", why);
                return reason;
        }
        nf_chain_t *chain = nf_chain_new(conf, err, sizeof(err));
        if (!chain) {
                fail_msg("%s", err);
        }
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_verdict_t v = nf_chain_process(chain, art, &out);
        snprintf(reason, sizeof(reason), "%s", v == NF_PASS ? "ok" : out.reason);
        if (v != NF_PASS) {
                print_message("  %s: %s\n", out.reason, out.message);
        }
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        nf_chain_destroy(chain);
        return reason;
}

/* A growing string. */
typedef struct {
        char *s;
        size_t n, cap;
} sb_t;

static void sb_add(sb_t *b, const char *s, size_t n)
{
        if (b->n + n + 1 > b->cap) {
                b->cap = (b->n + n + 1) * 2;
                b->s = realloc(b->s, b->cap);
                assert_non_null(b->s);
        }
        memcpy(b->s + b->n, s, n);
        b->n += n;
        b->s[b->n] = '\0';
}

static void sb_str(sb_t *b, const char *s)
{
        sb_add(b, s, strlen(s));
}

static void sb_rep(sb_t *b, const char *s, size_t times)
{
        for (size_t i = 0; i < times; i++) {
                sb_str(b, s);
        }
}

static const char *para =
    "The council voted on Tuesday to approve the budget for the next year. ";

static void test_message_size(void **state)
{
        const char *kv[] = {"input.max.bytes=1000", NULL};
        nf_conf_t *conf = conf_of(kv);
        sb_t b = {0};
        sb_str(&b, "{\"text\":\"");
        sb_rep(&b, para, 20);
        sb_str(&b, "\"}");
        assert_string_equal(verdict(conf, b.s, b.n), "decode.too_large");
        nf_conf_destroy(conf);
        conf = conf_of(NULL); /* default 16 MiB: the same record passes */
        assert_string_equal(verdict(conf, b.s, b.n), "ok");
        nf_conf_destroy(conf);
        free(b.s);
}

static void test_json_depth(void **state)
{
        const char *kv[] = {"json.max.depth=8", NULL};
        nf_conf_t *conf = conf_of(kv);
        sb_t b = {0};
        sb_str(&b, "{\"text\":\"a sentence here.\",\"x\":");
        sb_rep(&b, "[", 10);
        sb_rep(&b, "]", 10);
        sb_str(&b, "}");
        assert_string_equal(verdict(conf, b.s, b.n), "decode.too_deep");
        nf_conf_destroy(conf);
        /* 10k deep is over jansson's own parser limit: the same reason */
        conf = conf_of(NULL);
        free(b.s);
        memset(&b, 0, sizeof(b));
        sb_str(&b, "{\"text\":\"a sentence here.\",\"x\":");
        sb_rep(&b, "[", 10000);
        sb_rep(&b, "]", 10000);
        sb_str(&b, "}");
        assert_string_equal(verdict(conf, b.s, b.n), "decode.too_deep");
        nf_conf_destroy(conf);
        free(b.s);
}

static void test_html_depth(void **state)
{
        const char *kv[] = {"processors=clean", "clean.html.max.depth=50", NULL};
        nf_conf_t *conf = conf_of(kv);
        sb_t b = {0};
        sb_str(&b, "{\"html\":\"<html><body>");
        sb_rep(&b, "<div>", 60);
        sb_str(&b, "<p>");
        sb_str(&b, para);
        sb_str(&b, "</p></body></html>\"}");
        assert_string_equal(verdict(conf, b.s, b.n), "clean.html_too_deep");
        nf_conf_destroy(conf);
        free(b.s);
}

static void test_paragraphs(void **state)
{
        const char *kv[] = {"processors=clean", "clean.max.paragraphs=100", NULL};
        nf_conf_t *conf = conf_of(kv);
        sb_t b = {0};
        sb_str(&b, "{\"text\":\"");
        for (int i = 0; i < 150; i++) {
                char line[64];
                snprintf(line, sizeof(line), "Line %d of a long text.\\n", i);
                sb_str(&b, line);
        }
        sb_str(&b, "\"}");
        assert_string_equal(verdict(conf, b.s, b.n), "clean.too_many_paragraphs");
        free(b.s);
        memset(&b, 0, sizeof(b));
        sb_str(&b, "{\"html\":\"<html><body><article>");
        for (int i = 0; i < 150; i++) {
                sb_str(&b, "<p>");
                sb_str(&b, para);
                sb_str(&b, "</p>");
        }
        sb_str(&b, "</article></body></html>\"}");
        assert_string_equal(verdict(conf, b.s, b.n), "clean.html_too_many_blocks");
        nf_conf_destroy(conf);
        free(b.s);
}

static void test_text_length(void **state)
{
        const char *kv[] = {"processors=clean", "clean.max.text.bytes=2000", NULL};
        nf_conf_t *conf = conf_of(kv);
        sb_t b = {0};
        sb_str(&b, "{\"text\":\"");
        sb_rep(&b, para, 40); /* one 2.8 kB paragraph */
        sb_str(&b, "\"}");
        assert_string_equal(verdict(conf, b.s, b.n), "clean.text_too_long");
        nf_conf_destroy(conf);
        free(b.s);
}

static void test_clean_pattern_limit(void **state)
{
        const char *kv[] = {
            "processors=clean",
            "clean.patterns.file=tests/fixtures/limits/catastrophic-boilerplate.txt",
            "clean.match.limit=10000", NULL};
        nf_conf_t *conf = conf_of(kv);
        const char *rec = "{\"text\":\"The council voted on the budget.\\n"
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";
        assert_string_equal(verdict(conf, rec, strlen(rec)), "clean.pattern_limit");
        nf_conf_destroy(conf);
        /* within the default limit the same text is fine */
        const char *ok = "{\"text\":\"The council voted on the budget.\\naaaab\"}";
        conf = conf_of(kv);
        assert_string_equal(verdict(conf, ok, strlen(ok)), "ok");
        nf_conf_destroy(conf);
}

static void test_tag_regex_limit(void **state)
{
        const char *kv[] = {"processors=tag", "tag.lang.detect=false",
                            "tag.rules=tests/fixtures/tag/catastrophic.json",
                            "tag.match.limit=10000", NULL};
        const char *rec = "{\"text\":\"Sane Org said aaaaaaaaaaaaaaaaaaaaaaaaa"
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"}";
        nf_conf_t *conf = conf_of(kv);
        assert_string_equal(verdict(conf, rec, strlen(rec)), "tag.regex_limit");
        nf_conf_destroy(conf);
        const char *skip[] = {"processors=tag", "tag.lang.detect=false",
                              "tag.rules=tests/fixtures/tag/catastrophic.json",
                              "tag.match.limit=10000", "tag.limit.action=skip",
                              NULL};
        conf = conf_of(skip);
        assert_string_equal(verdict(conf, rec, strlen(rec)), "ok");
        nf_conf_destroy(conf);
}

/* ---- the watchdog ---- */

static void *w_create(const nf_conf_t *conf, char *errstr, size_t errstr_size)
{
        static int self;
        return &self;
}
static void w_destroy(void *self)
{
}
/* "sleepy": one 30 ms step that never polls the deadline */
static void w_sleep(void *self, nf_article_t *art, nf_outcome_t *out)
{
        struct timespec ts = {0, 30 * 1000000};
        nanosleep(&ts, NULL);
}
/* "spin": a runaway loop that polls the deadline and gives up */
static void w_spin(void *self, nf_article_t *art, nf_outcome_t *out)
{
        while (!nf_outcome_expired(out)) {
                if (!out->deadline_ns) {
                        return; /* no watchdog: would loop forever */
                }
        }
        nf_outcome_reject(out, "timeout", "gave up at the deadline");
}
static int after_runs;
static void w_after(void *self, nf_article_t *art, nf_outcome_t *out)
{
        after_runs++;
}
static const nf_processor_t sleepy = {.abi = NF_PROCESSOR_ABI, .name = "sleepy",
                                      .create = w_create, .process = w_sleep,
                                      .destroy = w_destroy};
static const nf_processor_t spin = {.abi = NF_PROCESSOR_ABI, .name = "spin",
                                    .create = w_create, .process = w_spin,
                                    .destroy = w_destroy};
static const nf_processor_t after = {.abi = NF_PROCESSOR_ABI, .name = "after",
                                     .create = w_create, .process = w_after,
                                     .destroy = w_destroy};

static const char *run_with(const nf_processor_t *p, const char *timeout_kv,
                            char *msg, size_t msg_size)
{
        static char reason[96];
        const char *kv[] = {timeout_kv, NULL};
        nf_conf_t *conf = conf_of(kv);
        const nf_processor_t *procs[] = {p, &after};
        char err[256];
        nf_chain_t *chain = nf_chain_new_with(procs, 2, conf, err, sizeof(err));
        assert_non_null(chain);
        nf_article_t *art = nf_article_new();
        nf_article_set(art, NF_F_TEXT, "x", 1);
        nf_outcome_t out;
        nf_outcome_init(&out);
        nf_verdict_t v = nf_chain_process(chain, art, &out);
        snprintf(reason, sizeof(reason), "%s", v == NF_PASS ? "ok" : out.reason);
        snprintf(msg, msg_size, "%s", out.message);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        nf_chain_destroy(chain);
        nf_conf_destroy(conf);
        return reason;
}

static void test_watchdog_chain(void **state)
{
        char msg[512];
        after_runs = 0;
        /* a step that overran is caught after it, the next never runs */
        assert_string_equal(run_with(&sleepy, "record.timeout.ms=5", msg, sizeof(msg)),
                            "sleepy.timeout");
        assert_non_null(strstr(msg, "record.timeout.ms=5"));
        assert_int_equal(after_runs, 0);
        /* a polling loop stops itself */
        assert_string_equal(run_with(&spin, "record.timeout.ms=5", msg, sizeof(msg)),
                            "spin.timeout");
        assert_int_equal(after_runs, 0);
        /* 0 switches the watchdog off */
        assert_string_equal(run_with(&sleepy, "record.timeout.ms=0", msg, sizeof(msg)),
                            "ok");
        assert_string_equal(run_with(&spin, "record.timeout.ms=0", msg, sizeof(msg)),
                            "ok");
        assert_int_equal(after_runs, 2);
}

/* The real processors poll: with a deadline already past they stop in
 * their loops and say "timeout" (a deadline of 1 ns after boot). */
static void test_watchdog_processors(void **state)
{
        sb_t b = {0};
        sb_str(&b, "<html><body><article>");
        for (int i = 0; i < 3000; i++) {
                sb_str(&b, "<p>");
                sb_str(&b, para);
                sb_str(&b, "</p>");
        }
        sb_str(&b, "</article></body></html>");
        nf_html_opts_t ho = {.max_paragraphs = 100000, .deadline_ns = 1};
        nf_html_doc_t doc;
        char reason[64], err[256];
        assert_int_equal(nf_html_extract(b.s, b.n, &ho, &doc, reason, sizeof(reason),
                                         err, sizeof(err)),
                         -1);
        assert_string_equal(reason, "timeout");
        ho.deadline_ns = 0;
        assert_int_equal(nf_html_extract(b.s, b.n, &ho, &doc, reason, sizeof(reason),
                                         err, sizeof(err)),
                         0);
        nf_html_doc_fini(&doc);

        const char *paths[] = {"deploy/rules/countries.json"};
        nf_tag_rules_t *rules = nf_tag_rules_load(paths, 1, NULL, err, sizeof(err));
        assert_non_null(rules);
        nf_tag_engine_t *eng = nf_tag_engine_new(rules, NULL);
        nf_tag_call_t call = {.deadline_ns = 1};
        sb_t t = {0};
        sb_rep(&t, "France and Germany signed the treaty in Paris. ", 2000);
        json_decref(nf_tag_engine_tag_call(eng, NULL, t.s, "en", 0, &call));
        assert_true(call.timed_out);
        call = (nf_tag_call_t){0};
        json_t *tags = nf_tag_engine_tag_call(eng, NULL, t.s, "en", 0, &call);
        assert_false(call.timed_out);
        assert_string_equal(json_string_value(json_array_get(
                                json_object_get(tags, "countries"), 0)),
                            "France");
        json_decref(tags);
        nf_tag_engine_destroy(eng);
        free(t.s);
        free(b.s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_message_size),
            cmocka_unit_test(test_json_depth),
            cmocka_unit_test(test_html_depth),
            cmocka_unit_test(test_paragraphs),
            cmocka_unit_test(test_text_length),
            cmocka_unit_test(test_clean_pattern_limit),
            cmocka_unit_test(test_tag_regex_limit),
            cmocka_unit_test(test_watchdog_chain),
            cmocka_unit_test(test_watchdog_processors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
