/*
 * test_clean.c — tests of the clean processor as the chain runs it: the
 * seed article (checked by counting its 23 paragraphs), the golden scraped
 * pages under tests/fixtures/clean/ (NAME.json is the record,
 * NAME.expect.json what must hold), rejects, configuration, Unicode
 * robustness and concurrent use.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "processors/processor.h"

extern const nf_processor_t nf_processor_clean;
static const nf_processor_t *const P = &nf_processor_clean;

static char *read_all(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                fail_msg("cannot open %s (tests run from the repository root)",
                         path);
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
        buf[n] = '\0';
        fclose(f);
        if (len) {
                *len = (size_t)n;
        }
        return buf;
}

/* A clean processor built from defaults plus "key=value" overrides. */
static void *make_clean(const char *const *kv, char *err, size_t err_size)
{
        nf_conf_t *conf = nf_conf_new();
        for (size_t i = 0; kv && kv[i]; i++) {
                assert_int_equal(nf_conf_set_kv(conf, kv[i], err, err_size), 0);
        }
        nf_conf_apply_defaults(conf, P->conf_keys);
        void *self = P->create(conf, err, err_size);
        nf_conf_destroy(conf);
        return self;
}

static nf_article_t *decode_file(const char *path)
{
        size_t n;
        char *buf = read_all(path, &n);
        char reason[64], err[512];
        nf_article_t *art = nf_article_decode(buf, n, NULL, reason,
                                              sizeof(reason), err, sizeof(err));
        free(buf);
        if (!art) {
                fail_msg("%s: %s: %s", path, reason, err);
        }
        return art;
}

static nf_verdict_t run(void *self, nf_article_t *art, nf_outcome_t *out)
{
        nf_outcome_init(out);
        P->process(self, art, out);
        return out->verdict;
}

static int count_of(const char *hay, const char *needle)
{
        int n = 0;
        size_t k = strlen(needle);
        for (const char *p = hay; k && (p = strstr(p, needle)); p += k) {
                n++;
        }
        return n;
}

/* Paragraphs of a clean text; checks the layout: "\n\n" between
 * paragraphs, no other line break, no empty paragraph. */
static int paragraphs_of(const char *text)
{
        if (!*text) {
                return 0;
        }
        assert_null(strstr(text, "\n\n\n"));
        assert_true(text[0] != '\n' && text[strlen(text) - 1] != '\n');
        int n = 1;
        for (const char *p = text; (p = strchr(p, '\n')); p += 2) {
                assert_int_equal(p[1], '\n'); /* never a lone line break */
                n++;
        }
        return n;
}

/* Trims and collapses runs of spaces (and no-break spaces, which the seed
 * has at line ends): how the seed's lines read once cleaned. Caller
 * frees. */
static char *squeeze(const char *s, size_t n)
{
        char *out = malloc(n + 1);
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (c == '\xc2' && i + 1 < n && s[i + 1] == '\xa0') {
                        c = ' ';
                        i++;
                }
                if (c == ' ' && (o == 0 || out[o - 1] == ' ')) {
                        continue;
                }
                out[o++] = c;
        }
        while (o && out[o - 1] == ' ') {
                o--;
        }
        out[o] = '\0';
        return out;
}

/* The seed: 23 body paragraphs exactly once each, none of the navigation
 * lines, the headline as title and not in the body, the teaser once as
 * summary and not in the body. */
static void test_seed(void **state)
{
        static const char headline[] =
            "Russia Agrees To ‘Help’ Pakistan Fight Terrorism";
        static const char teaser[] =
            "Following bilateral talks between Russia and Pakistan’s foreign "
            "minister, Sergey Lavrov said special attention was paid to the "
            "Afghanistan situation.";
        /* The body: the lines between the headline and its second copy. */
        char *raw = read_all("tests/fixtures/seed-article.txt", NULL);
        char *paras[64];
        int np = 0, seen_headline = 0;
        for (char *line = raw; line && *line;) {
                char *nl = strchr(line, '\n');
                size_t n = nl ? (size_t)(nl - line) : strlen(line);
                char *sq = squeeze(line, n);
                if (strcmp(sq, headline) == 0) {
                        seen_headline++;
                        free(sq);
                } else if (seen_headline == 1 && *sq && np < 64) {
                        paras[np++] = sq;
                } else {
                        free(sq);
                }
                line = nl ? nl + 1 : NULL;
        }
        free(raw);
        assert_int_equal(seen_headline, 2);
        assert_int_equal(np, 23);

        char err[512];
        void *self = make_clean(NULL, err, sizeof(err));
        assert_non_null(self);
        nf_article_t *art = decode_file("tests/fixtures/seed-article.json");
        nf_outcome_t out;
        assert_int_equal(run(self, art, &out), NF_PASS);
        const char *text = nf_article_get(art, NF_F_TEXT);
        for (int i = 0; i < np; i++) {
                if (count_of(text, paras[i]) != 1) {
                        fail_msg("paragraph %d found %d times: %s", i + 1,
                                 count_of(text, paras[i]), paras[i]);
                }
                free(paras[i]);
        }
        assert_int_equal(paragraphs_of(text), 23);
        static const char *const nav[] = {"Skip to main content",
                                          "Latest news",
                                          "Thumbnail",
                                          "Share this post",
                                          "Following bilateral talks",
                                          headline};
        for (size_t i = 0; i < sizeof(nav) / sizeof(*nav); i++) {
                assert_int_equal(count_of(text, nav[i]), 0);
        }
        assert_string_equal(nf_article_get(art, NF_F_TITLE), headline);
        assert_string_equal(nf_article_get(art, NF_F_SUMMARY), teaser);
        assert_true(art->word_count > 700 && art->word_count < 900);

        json_t *note = json_object_get(art->notes, "clean");
        assert_non_null(note);
        assert_string_equal(json_string_value(json_object_get(note, "source")),
                            "text");
        assert_string_equal(json_string_value(json_object_get(note, "title")),
                            "recovered");
        assert_string_equal(json_string_value(json_object_get(note, "summary")),
                            "teaser");
        json_t *removed = json_object_get(note, "removed");
        assert_int_equal(
            json_integer_value(json_object_get(removed, "repeated")), 23);
        assert_int_equal(json_integer_value(json_object_get(removed, "teaser")),
                         1);
        assert_int_equal(json_integer_value(json_object_get(removed, "title")),
                         2);
        assert_int_equal(
            json_integer_value(json_object_get(note, "repeated_blocks")), 1);
        assert_int_equal(
            json_integer_value(json_object_get(note, "paragraphs")), 23);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        P->destroy(self);
}

static const char *const goldens[] = {
    "liveblog",        "comments",    "gallery",         "paywall",
    "german",          "repeated",    "no_article",      "cookie_newsletter",
    "byline_dateline", "related",     "all_boilerplate", "unicode",
    "hard_wrapped",    "input_title", "standfirst",
};

/* Checks NAME.json against NAME.expect.json; returns failed checks. */
static int check_golden(void *self, const char *name)
{
        char path[256];
        snprintf(path, sizeof(path), "tests/fixtures/clean/%s.expect.json",
                 name);
        json_error_t jerr;
        json_t *exp = json_load_file(path, 0, &jerr);
        if (!exp) {
                fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
        }
        snprintf(path, sizeof(path), "tests/fixtures/clean/%s.json", name);
        nf_article_t *art = decode_file(path);
        nf_outcome_t out;
        nf_verdict_t v = run(self, art, &out);
        const char *text = nf_article_get(art, NF_F_TEXT);
        int bad = 0;
#define BAD(...)                                                               \
        do {                                                                   \
                print_error("golden %s: ", name);                              \
                print_error(__VA_ARGS__);                                      \
                print_error("\n");                                             \
                bad++;                                                         \
        } while (0)
        const char *want_v = json_string_value(json_object_get(exp, "verdict"));
        if (strcmp(want_v, v == NF_PASS ? "pass" : "reject") != 0) {
                BAD("verdict %d (%s: %s), want %s", v, out.reason, out.message,
                    want_v);
        }
        const char *reason = json_string_value(json_object_get(exp, "reason"));
        if (reason && strcmp(reason, out.reason) != 0) {
                BAD("reason '%s', want '%s'", out.reason, reason);
        }
        if (v == NF_REJECT && !out.message[0]) {
                BAD("reject without a message");
        }
        const char *title = json_string_value(json_object_get(exp, "title"));
        const char *got_title = nf_article_get(art, NF_F_TITLE);
        if (title && (!got_title || strcmp(title, got_title) != 0)) {
                BAD("title '%s', want '%s'", got_title ? got_title : "(null)",
                    title);
        }
        const char *summary =
            json_string_value(json_object_get(exp, "summary"));
        const char *got_summary = nf_article_get(art, NF_F_SUMMARY);
        if (summary && (!got_summary || strcmp(summary, got_summary) != 0)) {
                BAD("summary '%s', want '%s'",
                    got_summary ? got_summary : "(null)", summary);
        }
        json_t *np = json_object_get(exp, "paragraphs");
        if (np && v == NF_PASS &&
            paragraphs_of(text) != json_integer_value(np)) {
                BAD("%d paragraphs, want %lld:\n%s", paragraphs_of(text),
                    (long long)json_integer_value(np), text);
        }
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(exp, "contains_once"), i, s)
        {
                if (count_of(text, json_string_value(s)) != 1) {
                        BAD("'%s' found %d times in:\n%s", json_string_value(s),
                            count_of(text, json_string_value(s)), text);
                }
        }
        json_array_foreach(json_object_get(exp, "absent"), i, s)
        {
                if (v == NF_PASS && strstr(text, json_string_value(s))) {
                        BAD("'%s' present in:\n%s", json_string_value(s), text);
                }
        }
        const char *at = text;
        json_array_foreach(json_object_get(exp, "order"), i, s)
        {
                const char *p = strstr(at, json_string_value(s));
                if (!p) {
                        BAD("'%s' missing or out of order",
                            json_string_value(s));
                        break;
                }
                at = p;
        }
        const char *k;
        json_t *min;
        json_t *note = json_object_get(art->notes, "clean");
        json_object_foreach(json_object_get(exp, "meta_min"), k, min)
        {
                json_int_t got = json_integer_value(json_object_get(note, k));
                if (got < json_integer_value(min)) {
                        BAD("meta.clean.%s = %lld, want >= %lld", k,
                            (long long)got, (long long)json_integer_value(min));
                }
        }
        if (v == NF_PASS && art->word_count <= 0) {
                BAD("word_count %lld", (long long)art->word_count);
        }
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        json_decref(exp);
        return bad;
}

static void test_goldens(void **state)
{
        char err[512];
        void *self = make_clean(NULL, err, sizeof(err));
        assert_non_null(self);
        int bad = 0;
        for (size_t i = 0; i < sizeof(goldens) / sizeof(*goldens); i++) {
                bad += check_golden(self, goldens[i]);
        }
        P->destroy(self);
        assert_int_equal(bad, 0);
}

typedef struct rcase_s {
        const char *name;
        const char *text;    /* NULL: the seed's text */
        const char *conf[3]; /* overrides */
        const char *reason;  /* expected reject reason */
} rcase_t;

static const rcase_t rejects[] = {
    {"no body at all", "", {NULL}, "empty"},
    {"blank", "   \n\t \n\u200b", {NULL}, "empty"},
    {"no letters", "— … •\n***", {NULL}, "empty"},
    {"all boilerplate",
     "Skip to main content\nSign in\nShare this post",
     {NULL},
     "empty"},
    {"too short for clean.min.words=10",
     "Council backs lanes\nThe council voted for lanes today.",
     {"clean.min.words=10"},
     "too_short"},
    {"too short for a custom minimum",
     NULL,
     {"clean.min.words=5000"},
     "too_short"},
    {"text too long", NULL, {"clean.max.text.bytes=1000"}, "text_too_long"},
    {"too many lines",
     NULL,
     {"clean.max.paragraphs=10"},
     "too_many_paragraphs"},
};

static void test_rejects(void **state)
{
        char *seed = read_all("tests/fixtures/seed-article.txt", NULL);
        for (size_t i = 0; i < sizeof(rejects) / sizeof(*rejects); i++) {
                const rcase_t *t = &rejects[i];
                char err[512];
                void *self = make_clean(t->conf, err, sizeof(err));
                assert_non_null(self);
                nf_article_t *art = nf_article_new();
                const char *text = t->text ? t->text : seed;
                if (*text) {
                        nf_article_set(art, NF_F_TEXT, text, strlen(text));
                }
                nf_outcome_t out;
                if (run(self, art, &out) != NF_REJECT ||
                    strcmp(out.reason, t->reason) != 0 || !out.message[0]) {
                        fail_msg(
                            "case '%s': verdict %d reason '%s' (%s), want %s",
                            t->name, out.verdict, out.reason, out.message,
                            t->reason);
                }
                /* meta.clean is written even for a reject */
                assert_non_null(json_object_get(art->notes, "clean"));
                nf_outcome_fini(&out);
                nf_article_destroy(art);
                P->destroy(self);
        }
        free(seed);
}

static void test_config(void **state)
{
        static const char *const keys[] = {
            "clean.patterns.file", "clean.max.text.bytes",
            "clean.max.paragraphs", "clean.html.max.depth", "clean.min.words"};
        for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
                const nf_conf_key_t *k =
                    nf_conf_key_find(P->conf_keys, keys[i]);
                assert_non_null(k);
                assert_non_null(k->desc);
                char err[256];
                if (k->def) {
                        assert_int_equal(
                            nf_conf_check_value(k, k->def, err, sizeof(err)),
                            0);
                }
        }
        /* A bad pattern file fails create() with FILE:LINE and PCRE2's words.
         */
        char path[] = "/tmp/nf_clean_patterns_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char bad[] = "# extra\n(?i)sponsored by (acme\n";
        assert_int_equal(write(fd, bad, sizeof(bad) - 1),
                         (ssize_t)sizeof(bad) - 1);
        close(fd);
        char kvbuf[128], want[512], err[512] = "";
        snprintf(kvbuf, sizeof(kvbuf), "clean.patterns.file=%s", path);
        const char *kv[] = {kvbuf, NULL};
        assert_null(make_clean(kv, err, sizeof(err)));
        snprintf(want, sizeof(want),
                 "%s:2: pattern '(?i)sponsored by (acme': "
                 "missing closing parenthesis at offset 22",
                 path);
        assert_string_equal(err, want);
        unlink(path);
        const char *missing[] = {"clean.patterns.file=/nonexistent/extra.txt",
                                 NULL};
        assert_null(make_clean(missing, err, sizeof(err)));
        assert_string_equal(
            err, "/nonexistent/extra.txt: No such file or directory");

        void *self = make_clean(NULL, err, sizeof(err));
        json_t *st = P->stats(self);
        assert_true(json_integer_value(json_object_get(st, "patterns")) > 50);
        json_decref(st);
        P->destroy(self);
        P->destroy(NULL);
}

/* The record's own title wins (normalised); hostile bytes never come out. */
static void test_title_and_unicode(void **state)
{
        char err[512];
        void *self = make_clean(NULL, err, sizeof(err));
        nf_article_t *art = nf_article_new();
        const char *title = "  Council &amp; city\u200b  agree\n lanes ";
        nf_article_set(art, NF_F_TITLE, title, strlen(title));
        const char text[] =
            "Council & city agree lanes\n"
            "The council voted \xff\xfe on Monday to build six kilometres of "
            "cycle lanes through the centre.\x01\n"
            "Work is expected to begin in September and finish next year.";
        nf_article_set(art, NF_F_TEXT, text, sizeof(text) - 1);
        nf_outcome_t out;
        assert_int_equal(run(self, art, &out), NF_PASS);
        assert_string_equal(nf_article_get(art, NF_F_TITLE),
                            "Council & city agree lanes");
        const char *t = nf_article_get(art, NF_F_TEXT);
        assert_int_equal(count_of(t, "Council & city"),
                         0); /* title line removed */
        assert_int_equal(count_of(t, "\ufffd"), 1);
        assert_null(strchr(t, '\x01'));
        utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)t);
        assert_string_equal((const char *)nfc, t); /* valid UTF-8 and NFC */
        free(nfc);
        assert_int_equal(paragraphs_of(t), 2);
        json_t *uni =
            json_object_get(json_object_get(art->notes, "clean"), "unicode");
        assert_int_equal(
            json_integer_value(json_object_get(uni, "invalid_bytes")), 2);
        assert_int_equal(json_integer_value(json_object_get(uni, "controls")),
                         1);
        nf_outcome_fini(&out);
        nf_article_destroy(art);
        P->destroy(self);
}

/* One processor shared by threads gives every thread the same result. */
typedef struct job_s {
        void *self;
        const char *json;
        size_t len;
        char *first; /* text of the first run */
        int mismatches;
} job_t;

static void *worker(void *arg)
{
        job_t *job = arg;
        for (int i = 0; i < 25; i++) {
                char reason[64], err[512];
                nf_article_t *art =
                    nf_article_decode(job->json, job->len, NULL, reason,
                                      sizeof(reason), err, sizeof(err));
                nf_outcome_t out;
                nf_outcome_init(&out);
                P->process(job->self, art, &out);
                const char *t = nf_article_get(art, NF_F_TEXT);
                if (!job->first) {
                        job->first = strdup(t);
                } else if (strcmp(job->first, t) != 0) {
                        job->mismatches++;
                }
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }
        return NULL;
}

static void test_threads(void **state)
{
        char err[512];
        void *self = make_clean(NULL, err, sizeof(err));
        size_t len;
        char *json = read_all("tests/fixtures/seed-article.json", &len);
        job_t jobs[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
                jobs[i] = (job_t){.self = self, .json = json, .len = len};
                assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]),
                                 0);
        }
        for (int i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
        }
        for (int i = 0; i < 4; i++) {
                assert_int_equal(jobs[i].mismatches, 0);
                assert_string_equal(jobs[i].first, jobs[0].first);
        }
        for (int i = 0; i < 4; i++) {
                free(jobs[i].first);
        }
        free(json);
        P->destroy(self);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_seed),
            cmocka_unit_test(test_goldens),
            cmocka_unit_test(test_rejects),
            cmocka_unit_test(test_config),
            cmocka_unit_test(test_title_and_unicode),
            cmocka_unit_test(test_threads),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
