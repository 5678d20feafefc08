/*
 * test_clean_rules.c — unit tests for the boilerplate patterns of the clean
 * processor: the shipped file (which lines each family removes, and body
 * sentences it must leave alone), user pattern files (extension, errors,
 * patterns that cannot share an alternation, "@if" words), and a
 * differential test: the first-byte JIT groups answer exactly what trying
 * every pattern alone, in file order, answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <jansson.h>
#include <pcre2.h>

#include "processors/clean_rules.h"

typedef struct mcase_s {
        const char *line;
        const char *reason; /* NULL: must not match */
} mcase_t;

/* Lines of scraped pages and the reason each one is removed for. */
static const mcase_t shipped[] = {
    {"Skip to main content", "nav"},
    {"Zum Inhalt springen", "nav"},
    {"Menu", "nav"},
    {"Home » World » Asia", "nav"},
    {"Next article", "nav"},
    {"Load more stories", "nav"},
    {"Thumbnail", "media"},
    {"Photo 3 of 12", "media"},
    {"Photograph: Owen Humphreys/PA", "media"},
    {"(AP Photo/Evan Vucci)", "media"},
    {"Advertisement", "ad"},
    {"ANZEIGE", "ad"},
    {"Story continues below advertisement", "ad"},
    {"Read more: How the telescope sees the invisible", "read_more"},
    {"Lesen Sie auch: Was Eigentümer jetzt wissen müssen", "read_more"},
    {"Click here to read the full report", "read_more"},
    {"We use cookies to improve your experience on our site. By continuing "
     "to browse, you agree to our use of cookies.",
     "cookie"},
    {"Accept all cookies", "cookie"},
    {"Diese Website verwendet Cookies, um Ihnen ein besseres Erlebnis zu "
     "bieten.",
     "cookie"},
    {"Privacy Policy | Terms of Use | Contact Us", "cookie"},
    {"This article is more than 2 years old", "notice"},
    {"Sign up to our free newsletter and get the news delivered to your "
     "inbox.",
     "newsletter"},
    {"Newsletter", "newsletter"},
    {"Enter your email address", "newsletter"},
    {"Subscribe to continue reading", "subscribe"},
    {"Already a subscriber? Sign in", "subscribe"},
    {"Sign in", "sign_in"},
    {"Log in to comment", "sign_in"},
    {"Copyright © 2024 Example Media Ltd. All rights reserved.", "copyright"},
    {"© dpa", "copyright"},
    {"Example News Group. Alle Rechte vorbehalten.", "copyright"},
    {"Related stories", "related"},
    {"Mehr zum Thema", "related"},
    {"You may also like", "related"},
    {"Most read", "related"},
    {"Tags: Afghanistan, Russia, Pakistan", "tags"},
    {"Share this post", "share"},
    {"Share on Facebook", "share"},
    {"Teilen", "share"},
    {"Facebook Twitter WhatsApp Email", "share"},
    {"Follow us on Twitter", "share"},
    {"Comments (14)", "comments"},
    {"12 comments", "comments"},
    {"Leave a comment", "comments"},
    {"Kommentare", "comments"},
    {"Reply", "comment_ui"},
    {"By Jane Doe", "byline"},
    {"By James O'Connor and Mei Lin", "byline"},
    {"By Jane Doe, Reuters", "byline"},
    {"Von Max Mustermann, Berlin", "byline"},
    {"Reporting by James O'Connor; Editing by Mark Potter", "byline"},
    {"Reuters", "byline"},
    {"Published: 4 June 2024", "dateline"},
    {"March 12, 2024", "dateline"},
    {"Tuesday 5 March 2024 10.32 GMT", "dateline"},
    {"Stand: 12.03.2024, 14:25 Uhr", "dateline"},
    {"2024-03-05T10:32:00Z", "dateline"},
    {"14:05 GMT", "dateline"},
    {"2 hours ago", "dateline"},
    {"vor 3 Stunden", "dateline"},
    {"5 min read", "dateline"},
    {"Updated", "dateline"},
    /* body text the patterns must leave alone */
    {"By Tuesday evening, diplomats were still meeting in small groups.", NULL},
    {"By comparison, the economy grew", NULL},
    {"Share prices fell 3% on Monday.", NULL},
    {"The lawsuit alleges copyright infringement by the company.", NULL},
    {"The group said it would publish a report on the cookie industry.", NULL},
    {"Von Berlin aus reiste er weiter nach Warschau.", NULL},
    {"Follow the money.", NULL},
    {"Chapter 5", NULL},
    {"In other news, the central bank raised rates.", NULL},
    {"Russia Agrees To ‘Help’ Pakistan Fight Terrorism", NULL},
    {"Lavrov said special attention was given to the situation in "
     "Afghanistan and around it.",
     NULL},
    {"Regional president speaks", NULL},
    {"What happens next?", NULL},
};

static nf_clean_rules_t *rules;

static int setup(void **state)
{
        char err[512];
        rules = nf_clean_rules_new(NULL, err, sizeof(err));
        if (!rules) {
                print_error("%s\n", err);
                return -1;
        }
        return 0;
}

static int teardown(void **state)
{
        nf_clean_rules_destroy(rules);
        return 0;
}

static void test_shipped_patterns(void **state)
{
        int bad = 0;
        for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++) {
                const mcase_t *m = &shipped[i];
                const char *got =
                    nf_clean_rules_match(rules, m->line, strlen(m->line));
                if ((m->reason == NULL) != (got == NULL) ||
                    (got && strcmp(got, m->reason) != 0)) {
                        print_error("'%s': got %s want %s\n", m->line,
                                    got ? got : "(no match)",
                                    m->reason ? m->reason : "(no match)");
                        bad++;
                }
        }
        assert_int_equal(bad, 0);
}

static void test_reason_names(void **state)
{
        assert_string_equal(nf_clean_reason_name(rules, 0), "kept");
        assert_null(nf_clean_reason_name(rules, -1));
        assert_null(nf_clean_reason_name(rules, nf_clean_reason_count(rules)));
        assert_true(nf_clean_rules_count(rules) > 50);
}

/* Writes text to a new temporary file; returns its malloc'd path. */
static char *tmp_file(const char *text)
{
        char *path = strdup("/tmp/nf_rules_XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        size_t n = strlen(text);
        assert_int_equal(write(fd, text, n), (ssize_t)n);
        close(fd);
        return path;
}

typedef struct ecase_s {
        const char *text;
        const char *want; /* errstr after "PATH:" */
} ecase_t;

static const ecase_t errors[] = {
    {"# comment\n(?i)fine\n(?i)foo(\n",
     "3: pattern '(?i)foo(': missing closing "
     "parenthesis at offset 8"},
    {"\n\n[a-\n", "3: pattern '[a-': missing terminating ] for character class "
                  "at offset 3"},
    {"@reason Bad-Name\nx\n", "1: bad reason name 'Bad-Name' (use a-z, 0-9, _; "
                              "at most 32)"},
    {"a{2,1}\n",
     "1: pattern 'a{2,1}': numbers out of order in {} quantifier at "
     "offset 5"},
    {"@if x\nfoo\n", "1: @if word 'x' must be 2 to 63 bytes"},
    {"@if    \nfoo\n", "1: @if without words"},
    {"@reason\nfoo\n", "1: bad reason name '' (use a-z, 0-9, _; at most 32)"},
};

static void test_pattern_file_errors(void **state)
{
        for (size_t i = 0; i < sizeof(errors) / sizeof(*errors); i++) {
                char *path = tmp_file(errors[i].text);
                char err[512] = "", want[600];
                nf_clean_rules_t *r =
                    nf_clean_rules_new(path, err, sizeof(err));
                assert_null(r);
                snprintf(want, sizeof(want), "%s:%s", path, errors[i].want);
                assert_string_equal(err, want);
                unlink(path);
                free(path);
        }
        char err[512] = "";
        assert_null(
            nf_clean_rules_new("/nonexistent/rules.txt", err, sizeof(err)));
        assert_string_equal(
            err, "/nonexistent/rules.txt: No such file or directory");
}

/* User patterns extend the shipped ones; patterns that cannot be joined
 * into an alternation (backreferences, named groups, '#', verbs, an open
 * \Q) still match, and do not disturb their neighbours. */
static void test_user_patterns(void **state)
{
        char *path = tmp_file("# my site\n"
                              "@reason promo\n"
                              "(?i)brought to you by .{1,40}\n"
                              "@reason dup\n"
                              "(\\w+) \\1\n"
                              "(?<w>foo)bar\n"
                              "issue #\\d+\n"
                              "(*LIMIT_MATCH=1000)limited\n"
                              "\\Qa+b\n"
                              "(?i)xyz\n");
        char err[512];
        nf_clean_rules_t *r = nf_clean_rules_new(path, err, sizeof(err));
        assert_non_null(r);
        assert_int_equal(nf_clean_rules_count(r),
                         nf_clean_rules_count(rules) + 7);
        static const mcase_t want[] = {
            {"Brought to you by ACME Insurance", "promo"},
            {"very very", "dup"},
            {"very much", NULL},
            {"foobar", "dup"},
            {"issue #12", "dup"},
            {"limited", "dup"},
            {"a+b", "dup"},
            {"aab", NULL},
            {"XYZ", "dup"},
            {"Advertisement", "ad"},
        };
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
                const char *got =
                    nf_clean_rules_match(r, want[i].line, strlen(want[i].line));
                if (want[i].reason) {
                        assert_non_null(got);
                        assert_string_equal(got, want[i].reason);
                } else {
                        assert_null(got);
                }
        }
        nf_clean_rules_destroy(r);
        unlink(path);
        free(path);
}

/* "@if": the pattern runs only on lines with one of its words, and on
 * long lines too; patterns without it skip lines of more than
 * NF_CLEAN_SHORT_WORDS words. */
static void test_if_words(void **state)
{
        char *path = tmp_file("@reason promo\n"
                              "@if sponsor partner\n"
                              "(?i).*\\b(sponsored|partner content)\\b.*\n"
                              "@reason plain\n"
                              "(?i).*\\bzebra\\b.*\n");
        char err[512];
        nf_clean_rules_t *r = nf_clean_rules_new(path, err, sizeof(err));
        assert_non_null(r);
        static const char longl[] =
            "This is a long line of prose with many words in it that goes on "
            "and on "
            "and on past the limit, sponsored by someone, with a zebra in it.";
        static const mcase_t want[] = {
            {"A SPONSORED message", "promo"},
            {"Partner content from ACME", "promo"},
            {"This was sponsored", "promo"},
            {"Sponsorship deals", NULL},
            {"A zebra crossing", "plain"},
            {longl, "promo"},
        };
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
                const char *got =
                    nf_clean_rules_match(r, want[i].line, strlen(want[i].line));
                if (want[i].reason) {
                        assert_non_null(got);
                        assert_string_equal(got, want[i].reason);
                } else {
                        assert_null(got);
                }
        }
        /* the long line without "sponsored" matches no short-line pattern */
        static const char long_zebra[] =
            "This is a long line of prose with many words in it that goes on "
            "and on "
            "and on past the limit of words, with a zebra in it somewhere.";
        assert_null(nf_clean_rules_match(r, long_zebra, strlen(long_zebra)));
        nf_clean_rules_destroy(r);
        unlink(path);
        free(path);
}

/* ---- differential test ---- */

typedef struct plain_s {
        pcre2_code *re[512];
        const char *reason[512];
        char *words[512]; /* "@if" words, space-separated, lower-cased */
        int n;
} plain_t;

/* Compiles every pattern of a pattern file alone, the obvious way, after
 * those pl holds already. */
static void plain_load(plain_t *pl, const char *path)
{
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char line[4096], reason[64] = "pattern", *words = NULL;
        while (fgets(line, sizeof(line), f)) {
                size_t n = strlen(line);
                while (n && (line[n - 1] == '\n' || line[n - 1] == ' ')) {
                        line[--n] = '\0';
                }
                if (!n || line[0] == '#') {
                        continue;
                }
                if (strncmp(line, "@reason ", 8) == 0) {
                        snprintf(reason, sizeof(reason), "%.63s", line + 8);
                        continue;
                }
                if (strncmp(line, "@if ", 4) == 0) {
                        words = strdup(line + 4);
                        for (char *p = words; *p; p++) {
                                *p = (*p >= 'A' && *p <= 'Z')
                                         ? (char)(*p | 0x20)
                                         : *p;
                        }
                        continue;
                }
                int err;
                PCRE2_SIZE off;
                pl->re[pl->n] = pcre2_compile(
                    (PCRE2_SPTR)line, n,
                    PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                    &err, &off, NULL);
                assert_non_null(pl->re[pl->n]);
                pl->reason[pl->n] = strdup(reason);
                pl->words[pl->n] = words;
                words = NULL;
                pl->n++;
        }
        fclose(f);
}

static void plain_free(plain_t *pl)
{
        for (int i = 0; i < pl->n; i++) {
                pcre2_code_free(pl->re[i]);
                free((char *)pl->reason[i]);
                free(pl->words[i]);
        }
}

static int has_word(const char *line, const char *words)
{
        char *low = strdup(line), *copy = strdup(words), *save = NULL;
        for (char *p = low; *p; p++) {
                *p = (*p >= 'A' && *p <= 'Z') ? (char)(*p | 0x20) : *p;
        }
        int found = 0;
        for (char *w = strtok_r(copy, " ", &save); w && !found;
             w = strtok_r(NULL, " ", &save)) {
                found = strstr(low, w) != NULL;
        }
        free(low);
        free(copy);
        return found;
}

static const char *plain_match(const plain_t *pl, pcre2_match_data *md,
                               const char *line)
{
        size_t len = strlen(line), words = 1;
        for (size_t i = 0; i < len; i++) {
                words += line[i] == ' ';
        }
        for (int i = 0; i < pl->n; i++) {
                if (pl->words[i] ? !has_word(line, pl->words[i])
                                 : words > NF_CLEAN_SHORT_WORDS) {
                        continue;
                }
                if (pcre2_match(pl->re[i], (PCRE2_SPTR)line, len, 0, 0, md,
                                NULL) >= 0) {
                        return pl->reason[i];
                }
        }
        return NULL;
}

static int check_line(const plain_t *pl, pcre2_match_data *md, const char *line)
{
        if (!*line || *line == ' ' ||
            strlen(line) > NF_CLEAN_PATTERN_MAX_LINE) {
                return 0;
        }
        const char *want = plain_match(pl, md, line);
        const char *got = nf_clean_rules_match(rules, line, strlen(line));
        if ((want == NULL) != (got == NULL) ||
            (want && strcmp(want, got) != 0)) {
                print_error("'%s': groups say %s, patterns alone say %s\n",
                            line, got ? got : "(none)", want ? want : "(none)");
                return 1;
        }
        return 0;
}

/* Every line of every fixture, and its upper-, lower- and odd-first-byte
 * variants (the groups are chosen by a line's first byte). */
static void test_groups_agree_with_plain_matching(void **state)
{
        plain_t pl = {.n = 0};
        plain_load(&pl, "deploy/rules/boilerplate.txt");
        assert_int_equal((size_t)pl.n, nf_clean_rules_count(rules));
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        int bad = 0, lines = 0;
        json_t *texts = json_array();
        DIR *d = opendir("tests/fixtures/clean");
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
                if (!strstr(de->d_name, ".json") ||
                    strstr(de->d_name, ".expect.")) {
                        continue;
                }
                char path[512];
                snprintf(path, sizeof(path), "tests/fixtures/clean/%s",
                         de->d_name);
                json_t *o = json_load_file(path, 0, NULL);
                json_array_append(texts, json_object_get(o, "text"));
                json_decref(o);
        }
        closedir(d);
        for (size_t i = 0; i < sizeof(shipped) / sizeof(*shipped); i++) {
                json_array_append_new(texts, json_string(shipped[i].line));
        }
        size_t ti;
        json_t *t;
        json_array_foreach(texts, ti, t)
        {
                char *copy = strdup(json_string_value(t)), *save = NULL;
                for (char *line = strtok_r(copy, "\n", &save); line;
                     line = strtok_r(NULL, "\n", &save)) {
                        char v[1024];
                        bad += check_line(&pl, md, line);
                        snprintf(v, sizeof(v), "%s", line);
                        for (char *p = v; *p; p++) {
                                *p = (*p >= 'a' && *p <= 'z')
                                         ? (char)(*p & ~0x20)
                                         : *p;
                        }
                        bad += check_line(&pl, md, v);
                        for (char *p = v; *p; p++) {
                                *p = (*p >= 'A' && *p <= 'Z')
                                         ? (char)(*p | 0x20)
                                         : *p;
                        }
                        bad += check_line(&pl, md, v);
                        snprintf(v, sizeof(v), "\u00c9%s", line);
                        bad += check_line(&pl, md, v);
                        snprintf(v, sizeof(v), "(%s", line);
                        bad += check_line(&pl, md, v);
                        snprintf(v, sizeof(v), "\u201c%s", line);
                        bad += check_line(&pl, md, v);
                        /* first letters whose other cases are not ASCII:
                         * "\u017fhare" is "share" to a caseless pattern */
                        if ((line[0] | 0x20) == 's' ||
                            (line[0] | 0x20) == 'k') {
                                snprintf(v, sizeof(v), "%s%s",
                                         (line[0] | 0x20) == 's' ? "\u017f"
                                                                 : "\u212a",
                                         line + 1);
                                bad += check_line(&pl, md, v);
                        }
                        lines += 6;
                }
                free(copy);
        }
        json_decref(texts);
        pcre2_match_data_free(md);
        plain_free(&pl);
        assert_true(lines > 1000);
        assert_int_equal(bad, 0);
}

/* Patterns "OPTIONS.{m,n}REST" run alone get a pre-test (REST searched
 * unanchored); they answer what the patterns alone answer, for every
 * quantifier of the dot, a top-level '|' in REST, and shapes that get no
 * pre-test (verbs, recursion). */
static void test_pretest_agrees_with_plain_matching(void **state)
{
        char *path = tmp_file("@reason p_top\n@if zz\n"
                              "(?i).{0,10}\\bzz top\\b.*\n"
                              "@reason p_mid\n@if zz\n"
                              ".{2,5}zz mid\n"
                              "@reason p_alt\n@if zz\n"
                              "(?i).{0,3}?zz lazy|zz alt.*\n"
                              "@reason p_poss\n@if zz\n"
                              ".*+zz possessive\n"
                              "@reason p_star\n@if zz\n"
                              "(?i)(?s).*zz (star|end)\n"
                              "@reason p_verb\n@if zz\n"
                              ".{0,4}zz (*COMMIT)x|.*zz commit\n"
                              "@reason p_rec\n@if zz\n"
                              ".?zz (rec|(?R))\n"
                              "@reason p_brace\n@if zz\n"
                              ".{,3}zz brace\n");
        char err[512];
        nf_clean_rules_t *r = nf_clean_rules_new(path, err, sizeof(err));
        assert_non_null(r);
        static const mcase_t want[] = {
            {"zz top", "p_top"},
            {"ab ZZ Top of it", "p_top"},
            {"abcdefghij zz top", NULL},   /* 11 characters before */
            {"éèàabcdef zz top", "p_top"}, /* 10 characters, 13 bytes */
            {"zz mid", NULL},
            {"a zz mid", "p_mid"},
            {"ab zz mid", "p_mid"},
            {"abcde zz mid", NULL},
            {"ab zz lazy", "p_alt"},
            {"abc zz lazy", NULL},
            {"zz alt and more", "p_alt"},
            {"x zz alt", NULL}, /* REST finds "zz alt", the pattern not */
            {"zz possessive", NULL},
            {"any zz star", "p_star"},
            {"ZZ END", "p_star"},
            {"zz x", "p_verb"},
            {"abcde zz commit", "p_verb"},
            {"abc zz commit", NULL}, /* committed to the first branch */
            {"zz rec", "p_rec"},
            {"xzz rec", "p_rec"},
            {"zz zz rec", "p_rec"},
            {"ab zz rec", NULL},
            {"a{,3}zz brace", "p_brace"}, /* "{,3}" is no quantifier */
            {"abzz brace", NULL},
            {"zz none", NULL},
        };
        plain_t pl = {.n = 0};
        plain_load(&pl, "deploy/rules/boilerplate.txt");
        plain_load(&pl, path);
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
                const char *line = want[i].line;
                const char *got = nf_clean_rules_match(r, line, strlen(line));
                const char *alone = plain_match(&pl, md, line);
                if ((want[i].reason == NULL) != (got == NULL) ||
                    (got && strcmp(got, want[i].reason) != 0) ||
                    (alone == NULL) != (got == NULL) ||
                    (got && strcmp(got, alone) != 0)) {
                        fail_msg("'%s': got %s, want %s, alone %s", line,
                                 got ? got : "(none)",
                                 want[i].reason ? want[i].reason : "(none)",
                                 alone ? alone : "(none)");
                }
        }
        pcre2_match_data_free(md);
        plain_free(&pl);
        nf_clean_rules_destroy(r);
        unlink(path);
        free(path);
}

/* More patterns than one alternation holds: every one still matches with
 * its own reason; and a pathological pattern gives up instead of hanging. */
static void test_many_patterns(void **state)
{
        size_t cap = 200 * 32;
        char *text = malloc(cap), *p = text;
        for (int i = 0; i < 200; i++) {
                p += sprintf(p, "%sword%d\n",
                             i == 100 ? "@reason second\n" : "", i);
        }
        p += sprintf(p, "(a+)+$\n");
        char *path = tmp_file(text);
        free(text);
        char err[512];
        nf_clean_rules_t *r = nf_clean_rules_new(path, err, sizeof(err));
        assert_non_null(r);
        assert_string_equal(nf_clean_rules_match(r, "word0", 5), "pattern");
        assert_string_equal(nf_clean_rules_match(r, "word63", 6), "pattern");
        assert_string_equal(nf_clean_rules_match(r, "word64", 6), "pattern");
        assert_string_equal(nf_clean_rules_match(r, "word100", 7), "second");
        assert_string_equal(nf_clean_rules_match(r, "word199", 7), "second");
        assert_null(nf_clean_rules_match(r, "word200", 7));
        const char *evil = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
        assert_null(nf_clean_rules_match(r, evil, strlen(evil)));
        nf_clean_rules_destroy(r);
        unlink(path);
        free(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_shipped_patterns),
            cmocka_unit_test(test_reason_names),
            cmocka_unit_test(test_pattern_file_errors),
            cmocka_unit_test(test_user_patterns),
            cmocka_unit_test(test_if_words),
            cmocka_unit_test(test_groups_agree_with_plain_matching),
            cmocka_unit_test(test_pretest_agrees_with_plain_matching),
            cmocka_unit_test(test_many_patterns),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
