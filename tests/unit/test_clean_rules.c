/*
 * test_clean_rules.c — unit tests for the boilerplate patterns of the clean
 * processor: the shipped file (which lines each family removes, and body
 * sentences it must leave alone) and user pattern files (extension, errors,
 * patterns that cannot share an alternation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "processors/clean_text.h"

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
                const char *got = nf_clean_rules_match(rules, m->line, strlen(m->line));
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
    {"# comment\n(?i)fine\n(?i)foo(\n", "3: pattern '(?i)foo(': missing closing "
                                       "parenthesis at offset 8"},
    {"\n\n[a-\n", "3: pattern '[a-': missing terminating ] for character class "
                  "at offset 3"},
    {"@reason Bad-Name\nx\n", "1: bad reason name 'Bad-Name' (use a-z, 0-9, _; "
                             "at most 32)"},
    {"a{2,1}\n", "1: pattern 'a{2,1}': numbers out of order in {} quantifier at "
                 "offset 5"},
};

static void test_pattern_file_errors(void **state)
{
        for (size_t i = 0; i < sizeof(errors) / sizeof(*errors); i++) {
                char *path = tmp_file(errors[i].text);
                char err[512] = "", want[600];
                nf_clean_rules_t *r = nf_clean_rules_new(path, err, sizeof(err));
                assert_null(r);
                snprintf(want, sizeof(want), "%s:%s", path, errors[i].want);
                assert_string_equal(err, want);
                unlink(path);
                free(path);
        }
        char err[512] = "";
        assert_null(nf_clean_rules_new("/nonexistent/rules.txt", err, sizeof(err)));
        assert_string_equal(err, "/nonexistent/rules.txt: No such file or directory");
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
        assert_int_equal(nf_clean_rules_count(r), nf_clean_rules_count(rules) + 7);
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
                const char *got = nf_clean_rules_match(r, want[i].line,
                                                       strlen(want[i].line));
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

/* More patterns than one alternation holds: every one still matches with
 * its own reason; and a pathological pattern gives up instead of hanging. */
static void test_many_patterns(void **state)
{
        size_t cap = 200 * 32;
        char *text = malloc(cap), *p = text;
        for (int i = 0; i < 200; i++) {
                p += sprintf(p, "%sword%d\n", i == 100 ? "@reason second\n" : "", i);
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
            cmocka_unit_test(test_many_patterns),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
