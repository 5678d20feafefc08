/*
 * test_clean_html.c — the clean processor's HTML path, wired to a fake
 * nf_html_extract() defined here (the linker takes these definitions before
 * libnewsflow.a's), so that the wiring is tested apart from the extractor:
 * what clean takes from the extractor's result, what it normalises, when it
 * falls back to the text, and how it rejects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/html_extract.h"
#include "processors/processor.h"

extern const nf_processor_t nf_processor_clean;
static const nf_processor_t *const P = &nf_processor_clean;

/* What the fake extractor returns next. */
static struct {
        int rc;
        const char *reason, *errstr;
        const char *text, *title, *published_at, *url, *lang, *summary;
        nf_html_opts_t seen_opts; /* the options clean passed */
        size_t seen_len;
} fake;

static char *dup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

int nf_html_extract(const char *html, size_t len, const nf_html_opts_t *opts,
                    nf_html_doc_t *doc, char *reason, size_t reason_size,
                    char *errstr, size_t errstr_size)
{
        fake.seen_opts = *opts;
        fake.seen_len = len;
        if (fake.rc != 0) {
                snprintf(reason, reason_size, "%s", fake.reason);
                snprintf(errstr, errstr_size, "%s", fake.errstr);
                return fake.rc;
        }
        doc->text = dup_or_null(fake.text);
        doc->title = dup_or_null(fake.title);
        doc->published_at = dup_or_null(fake.published_at);
        doc->url = dup_or_null(fake.url);
        doc->lang = dup_or_null(fake.lang);
        doc->summary = dup_or_null(fake.summary);
        doc->notes = json_pack("{s:i}", "blocks_dropped", 7);
        return 0;
}

void nf_html_doc_fini(nf_html_doc_t *doc)
{
        free(doc->text);
        free(doc->title);
        free(doc->published_at);
        free(doc->url);
        free(doc->lang);
        free(doc->summary);
        json_decref(doc->notes);
        memset(doc, 0, sizeof(*doc));
}

#define BODY1                                                                  \
        "The council voted on Monday to build six kilometres of cycle lanes."
#define BODY2 "Work is expected to begin in September and finish next year."

static void *self;

static int setup(void **state)
{
        nf_conf_t *conf = nf_conf_new();
        char err[512];
        assert_int_equal(
            nf_conf_set_kv(conf, "clean.html.max.depth=77", err, sizeof(err)),
            0);
        assert_int_equal(
            nf_conf_set_kv(conf, "clean.max.paragraphs=99", err, sizeof(err)),
            0);
        nf_conf_apply_defaults(conf, P->conf_keys);
        self = P->create(conf, err, sizeof(err));
        nf_conf_destroy(conf);
        return self ? 0 : -1;
}

static int teardown(void **state)
{
        P->destroy(self);
        return 0;
}

static void reset_fake(void)
{
        memset(&fake, 0, sizeof(fake));
        fake.text =
            "  " BODY1 "  \n\n\n cafe\u0301   society\u200b \n\n" BODY2 "\n";
        fake.title = "Council backs   lanes";
        fake.published_at = "2024-03-05T10:00:00Z";
        fake.url = "https://news.example.com/lanes";
        fake.lang = "en-GB";
        fake.summary = "The council backs lanes.";
}

static nf_article_t *record(const char *text, const char *title,
                            const char *url, const char *lang)
{
        nf_article_t *art = nf_article_new();
        const char *html = "<html><body><p>page</p></body></html>";
        nf_article_set(art, NF_F_HTML, html, strlen(html));
        if (text) {
                nf_article_set(art, NF_F_TEXT, text, strlen(text));
        }
        if (title) {
                nf_article_set(art, NF_F_TITLE, title, strlen(title));
        }
        if (url) {
                nf_article_set(art, NF_F_URL, url, strlen(url));
        }
        if (lang) {
                nf_article_set(art, NF_F_LANG, lang, strlen(lang));
        }
        return art;
}

static nf_verdict_t run(nf_article_t *art, nf_outcome_t *out)
{
        nf_outcome_init(out);
        P->process(self, art, out);
        return out->verdict;
}

/* The extractor's text is normalised and laid out; its metadata fills what
 * the record lacks; the limits reach the extractor. */
static void test_html_article(void **state)
{
        reset_fake();
        nf_article_t *art =
            record("ignored text of the record", NULL, NULL, NULL);
        nf_outcome_t out;
        assert_int_equal(run(art, &out), NF_PASS);
        assert_string_equal(nf_article_get(art, NF_F_TEXT),
                            BODY1 "\n\ncaf\u00e9 society\n\n" BODY2);
        assert_string_equal(nf_article_get(art, NF_F_TITLE),
                            "Council backs lanes");
        assert_string_equal(nf_article_get(art, NF_F_SUMMARY),
                            "The council backs lanes.");
        assert_string_equal(nf_article_get(art, NF_F_URL),
                            "https://news.example.com/lanes");
        assert_string_equal(nf_article_get(art, NF_F_PUBLISHED_AT),
                            "2024-03-05T10:00:00Z");
        assert_string_equal(nf_article_get(art, NF_F_LANG), "en");
        assert_int_equal(art->word_count, 25);
        assert_int_equal(fake.seen_opts.max_depth, 77);
        assert_int_equal(fake.seen_opts.max_paragraphs, 99);
        assert_int_equal(fake.seen_len, strlen(nf_article_get(art, NF_F_HTML)));
        json_t *note = json_object_get(art->notes, "clean");
        assert_string_equal(json_string_value(json_object_get(note, "source")),
                            "html");
        assert_string_equal(json_string_value(json_object_get(note, "title")),
                            "html");
        assert_int_equal(json_integer_value(json_object_get(
                             json_object_get(note, "html"), "blocks_dropped")),
                         7);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
}

/* The record's own title, url and lang win over the page's. */
static void test_record_fields_win(void **state)
{
        reset_fake();
        nf_article_t *art =
            record(NULL, "Record title", "https://record.example/x", "fr");
        nf_outcome_t out;
        assert_int_equal(run(art, &out), NF_PASS);
        assert_string_equal(nf_article_get(art, NF_F_TITLE), "Record title");
        assert_string_equal(nf_article_get(art, NF_F_URL),
                            "https://record.example/x");
        assert_string_equal(nf_article_get(art, NF_F_LANG), "fr");
        nf_outcome_fini(&out);
        nf_article_destroy(art);
}

static void test_lang_normalised(void **state)
{
        static const struct {
                const char *in, *want;
        } cases[] = {{"en-GB", "en"},   {"EN", "en"},   {"zh-Hans-CN", "zh"},
                     {"de_DE", "de"},   {"haw", "haw"}, {"x", NULL},
                     {"english", NULL}, {"", NULL},     {"1a", NULL}};
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                reset_fake();
                fake.lang = cases[i].in;
                nf_article_t *art = record(NULL, NULL, NULL, NULL);
                nf_outcome_t out;
                assert_int_equal(run(art, &out), NF_PASS);
                const char *got = nf_article_get(art, NF_F_LANG);
                if (cases[i].want) {
                        assert_non_null(got);
                        assert_string_equal(got, cases[i].want);
                } else {
                        assert_null(got);
                }
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }
}

/* No article in the page: the record's text is cleaned instead; without
 * text the record is rejected. */
static void test_no_article(void **state)
{
        reset_fake();
        fake.text = "";
        nf_article_t *art = record("Council backs new lanes\n" BODY1 "\n" BODY2
                                   "\nShare this post",
                                   NULL, NULL, NULL);
        nf_outcome_t out;
        assert_int_equal(run(art, &out), NF_PASS);
        assert_string_equal(nf_article_get(art, NF_F_TEXT), BODY1 "\n\n" BODY2);
        assert_string_equal(nf_article_get(art, NF_F_TITLE),
                            "Council backs new lanes");
        assert_null(nf_article_get(art, NF_F_URL)); /* page metadata unused */
        json_t *note = json_object_get(art->notes, "clean");
        assert_string_equal(json_string_value(json_object_get(note, "source")),
                            "text");
        assert_non_null(json_object_get(note, "html_fallback"));
        nf_outcome_fini(&out);
        nf_article_destroy(art);

        fake.text = NULL;
        art = record(NULL, NULL, NULL, NULL);
        assert_int_equal(run(art, &out), NF_REJECT);
        assert_string_equal(out.reason, "empty");
        nf_outcome_fini(&out);
        nf_article_destroy(art);
}

/* The extractor's failure is the record's reject, with its reason. */
static void test_extractor_fails(void **state)
{
        reset_fake();
        fake.rc = -1;
        fake.reason = "html_too_deep";
        fake.errstr = "tags nested deeper than 77";
        nf_article_t *art = record(BODY1, NULL, NULL, NULL);
        nf_outcome_t out;
        assert_int_equal(run(art, &out), NF_REJECT);
        assert_string_equal(out.reason, "html_too_deep");
        assert_string_equal(out.message, "tags nested deeper than 77");
        nf_outcome_fini(&out);
        nf_article_destroy(art);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_html_article),
            cmocka_unit_test(test_record_fields_win),
            cmocka_unit_test(test_lang_normalised),
            cmocka_unit_test(test_no_article),
            cmocka_unit_test(test_extractor_fails),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
