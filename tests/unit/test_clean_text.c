/*
 * test_clean_text.c — unit tests for the line classifier of the clean
 * processor (processors/clean_text.c), one table row per rule family:
 * top/bottom runs, link and menu lines, repeated and truncated copies,
 * title recovery, teasers, related-stories and comment blocks, listings,
 * hard-wrapped text, limits and word counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/clean_text.h"
#include "processors/textnorm.h"

#define MAXS 8

typedef struct ccase_s {
        const char *name;
        const char *text;
        const char *title_hint;
        nf_clean_status_t status;
        const char *title;         /* expected recovered title; NULL: none */
        const char *summary;       /* expected summary; NULL: none */
        int paragraphs;            /* -1: not checked */
        const char *once[MAXS];    /* each in the text exactly once */
        const char *absent[MAXS];  /* none in the text */
        const char *removed[MAXS]; /* "reason=N" */
} ccase_t;

/* Sentences to build bodies from. */
#define S1                                                                     \
        "The council voted on Monday to build six kilometres of cycle lanes "  \
        "through the centre."
#define S2                                                                     \
        "The plan removes parking spaces on three streets and narrows the "    \
        "main road to one lane."
#define S3                                                                     \
        "Councillor Mark Evans said it would make the streets safer for "      \
        "children and older residents."
#define S4                                                                     \
        "Work is expected to begin in September and to finish by the end of "  \
        "next year."

static const ccase_t cases[] = {
    {"top and bottom runs of short lines",
     "World\nBusiness news today\nCouncil backs new cycle lanes\n" S1 "\n" S2
     "\nAbout the author\nJane writes about cities\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {"World", "Business news today", "About the author", "Jane writes"},
     {"top_run=2", "bottom_run=2", "title=1"}},
    {"link lines in the body",
     "Council backs new cycle lanes\n" S1
     "\nhttps://example.com/council/report.pdf\n"
     "www.example.com\n" S2 "\npress@example.com\n" S3 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {"https://", "www.example.com", "press@"},
     {"link=3"}},
    {"menu separators and ALL-CAPS labels",
     "Council backs new cycle lanes\n" S1
     "\nWorld | Business | Sport | Culture\n" S2
     "\nELECTION 2024\nOUR PICKS\n" S3 "\nTHE DEAL\n" S4 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     5,
     {S1, S2, S3, "THE DEAL", S4},
     {"World |", "ELECTION 2024", "OUR PICKS"},
     {"menu=3"}},
    {"run of short capitalised words mid-body",
     "Council backs new cycle lanes\n" S1
     "\nWorld\nBusiness\nSport\nCulture\n" S2 "\nBackground\n" S3 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     4,
     {S1, S2, "Background", S3},
     {"Sport", "Culture"},
     {"menu=4"}},
    {"repeated body, first copy kept",
     "Council backs new cycle lanes\n\n" S1 "\n\n" S2 "\n\n" S3
     "\n\nShare\n\n" S1 "\n\n" S2 "\n\n" S3 "\n\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {NULL},
     {"repeated=4"}},
    {"short labels seen twice go entirely",
     "Council backs new cycle lanes\n" S1 "\nKey points\n" S2
     "\nKey points\n" S3 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {"Key points"},
     {"repeated=2"}},
    {"truncated copy, after and before the full paragraph",
     "Council backs new cycle lanes\n" S1 "\n" S2
     "\nThe plan removes parking spaces on three streets and narro…\n"
     "Councillor Mark Evans said it would make the streets safer for...\n" S3
     "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {"narro…", "safer for..."},
     {"truncated_copy=2"}},
    {"title: first line of four words above the body, ALL-CAPS skipped",
     "Home\nCity news\nFOR IMMEDIATE RELEASE TODAY\nCouncil backs new "
     "cycle lanes\nBy Jane Doe\nA photo taken by a reader last week\n" S1
     "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {"City news", "Council backs", "A photo"},
     {NULL}},
    {"a standfirst under the headline becomes the summary",
     "Council backs new cycle lanes\nSix kilometres of protected lanes will "
     "cross the centre and the main road\nBy Jane Doe\n" S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     "Six kilometres of protected lanes will cross the centre and the main "
     "road",
     2,
     {S1, S2},
     {"Six kilometres of"},
     {"top_run=1"}},
    {"title: a line of three words when none has four",
     "Home\nCity news\nCouncil backs lanes\n" S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs lanes",
     NULL,
     2,
     {S1, S2},
     {NULL},
     {NULL}},
    {"title: a repeated line wins over the nearest",
     "Council backs new cycle lanes\nA picture taken by a reader last "
     "week\n" S1 "\n" S2 "\nCouncil backs new cycle lanes\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {"Council backs", "A picture"},
     {"title=2"}},
    {"title: caller's title wins; its copies go, whatever the quotes and case",
     "COUNCIL BACKS ‘NEW’ CYCLE LANES\nSomething else entirely here\n" S1
     "\n" S2 "\ncouncil backs 'new' cycle lanes.\n",
     "Council backs \"new\" cycle lanes",
     NF_CLEAN_OK,
     NULL,
     NULL,
     2,
     {S1, S2},
     {"COUNCIL", "council backs"},
     {"title=2"}},
    {"title: none when nothing looks like one",
     S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     NULL,
     NULL,
     2,
     {S1, S2},
     {NULL},
     {NULL}},
    {"teaser after a repeated headline becomes the summary",
     "Council backs new cycle lanes\n" S1 "\n" S2 "\n" S3
     "\nCouncil backs new cycle lanes\nThe council backs six kilometres of "
     "cycle lanes on the main road.\nVideo\n" S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     "The council backs six kilometres of cycle lanes on the main road.",
     3,
     {S1, S2, S3},
     {"The council backs six", "Council backs new"},
     {"teaser=1", "title=2", "repeated=2"}},
    {"a block between headlines is a teaser even before the body",
     "Council backs new cycle lanes\nThe council backs six kilometres of cycle "
     "lanes on the main road.\n"
     "Council backs new cycle lanes\n" S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     "The council backs six kilometres of cycle lanes on the main road.",
     2,
     {S1, S2},
     {"The council backs six"},
     {"teaser=1"}},
    {"unrelated sentences after a headline copy are not a teaser",
     "Council backs new cycle lanes\n" S1 "\n" S2
     "\nCouncil backs new cycle lanes\nMeanwhile astronomers found water "
     "vapour on a planet orbiting a red dwarf star.\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, "Meanwhile astronomers"},
     {NULL},
     {"teaser=0"}},
    {"the body right after the headline is never a teaser",
     "Council backs new cycle lanes\n" S1 "\n" S2 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {NULL},
     {"teaser=0"}},
    {"related header in the body drops only the headline list after it",
     "Council backs new cycle lanes\n" S1
     "\nRelated\nBus fares to rise in spring\nNew bridge opens to walkers\n" S2
     "\n" S3 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {"Related", "Bus fares", "New bridge"},
     {"related=3"}},
    {"related header with a headline-and-teaser list drops all of it",
     "Council backs new cycle lanes\n" S1 "\n" S2
     "\nMore on this story\nBus fares to rise in spring\n"
     "The operator says fuel costs have doubled since last year.\nNew bridge "
     "opens to walkers\n"
     "The bridge links the old town with the station.\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {"Bus fares", "fuel costs", "The bridge links"},
     {"related=5"}},
    {"comments header after the body drops the rest",
     "Council backs new cycle lanes\n" S1 "\n" S2
     "\n23 comments\nFinally, I have waited years for this and it is about "
     "time the council acted.\nReply\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {S1, S2},
     {"Finally", "Reply"},
     {"comments=3"}},
    {"comments link above the body cuts nothing",
     "Council backs new cycle lanes\nComments (4)\n" S1 "\n" S2 "\n" S3 "\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     3,
     {S1, S2, S3},
     {NULL},
     {"comments=1"}},
    {"a list of headlines and teasers is no article",
     "Oil prices jump after supply cut\nBrent crude rose 4 percent in early "
     "trading on Monday.\n"
     "Airline profits soar this summer\nCarriers reported record bookings for "
     "the holidays.\n"
     "Chipmaker shares slide on outlook\nThe company said demand would slow "
     "this year.\n"
     "Pound steady ahead of data\nTraders expect prices to rise more slowly.\n",
     NULL,
     NF_CLEAN_NO_ARTICLE,
     NULL,
     NULL,
     0,
     {NULL},
     {NULL},
     {NULL}},
    {"an article with subheadings is not a listing",
     "Council backs new cycle lanes\n" S1 "\nWhat changes\n" S2 "\n" S3
     "\nWho pays\n" S4 "\nWhat comes next\n" S1 " Again, in other words.\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     8,
     {"What changes", "Who pays", "What comes next"},
     {NULL},
     {NULL}},
    {"a short text of full sentences is kept whole",
     "First paragraph of story 1.\n\nSecond paragraph.\n",
     NULL,
     NF_CLEAN_OK,
     NULL,
     NULL,
     2,
     {"First paragraph of story 1.", "Second paragraph."},
     {NULL},
     {NULL}},
    {"a one-line flash without a full stop is kept, and is the title",
     "Earthquake of magnitude 7 hits northern Japan\nShare this post\n",
     NULL,
     NF_CLEAN_OK,
     "Earthquake of magnitude 7 hits northern Japan",
     NULL,
     1,
     {"Earthquake of magnitude 7 hits northern Japan"},
     {"Share"},
     {"share=1"}},
    {"all boilerplate is empty",
     "Skip to main content\nMenu\nSign in\nAdvertisement\nShare this post\n",
     NULL,
     NF_CLEAN_EMPTY,
     NULL,
     NULL,
     0,
     {NULL},
     {NULL},
     {"nav=2", "share=1"}},
    {"no text is empty",
     "",
     NULL,
     NF_CLEAN_EMPTY,
     NULL,
     NULL,
     0,
     {NULL},
     {NULL},
     {NULL}},
    {"short lines only is empty",
     "Council\nCycle lanes\nMonday\n",
     NULL,
     NF_CLEAN_EMPTY,
     NULL,
     NULL,
     0,
     {NULL},
     {NULL},
     {"top_run=3"}},
    {"hard-wrapped paragraphs are joined",
     "Council backs new cycle lanes\n\nThe council voted on Monday to build "
     "six\nkilometres of cycle "
     "lanes through the\ncentre of the city.\n\nWork begins in September.\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {"The council voted on Monday to build six kilometres of cycle lanes "
      "through the centre of the city.",
      "Work begins in September."},
     {"\n\nkilometres"},
     {NULL}},
    {"long lines are never pattern-tested",
     "Council backs new cycle lanes\nRead more: " S1 " " S2 " " S3 " " S4 " " S1
     "\nOfficials said more details would follow next week.\n",
     NULL,
     NF_CLEAN_OK,
     "Council backs new cycle lanes",
     NULL,
     2,
     {"Read more: ", "Officials said"},
     {NULL},
     {NULL}},
};

static nf_clean_rules_t *rules;

static int setup(void **state)
{
        char err[512];
        rules = nf_clean_rules_new(NULL, err, sizeof(err));
        return rules ? 0 : -1;
}

static int teardown(void **state)
{
        nf_clean_rules_destroy(rules);
        return 0;
}

static int count_of(const char *hay, const char *needle)
{
        int n = 0;
        size_t k = strlen(needle);
        for (const char *p = hay; (p = strstr(p, needle)); p += k) {
                n++;
        }
        return n;
}

static int reason_index(const char *name)
{
        for (int i = 0; i < nf_clean_reason_count(rules); i++) {
                if (strcmp(nf_clean_reason_name(rules, i), name) == 0) {
                        return i;
                }
        }
        return -1;
}

/* Checks one case; returns the number of failed checks (printed). */
static int check_case(const ccase_t *t)
{
        int bad = 0;
        size_t n;
        char *norm = nf_textnorm(t->text, strlen(t->text), NF_TEXTNORM_ENTITIES,
                                 &n, NULL);
        nf_clean_result_t res;
        nf_clean_opts_t opts = {0};
        nf_clean_text(rules, &opts, norm, n, t->title_hint, &res);
#define BAD(...)                                                               \
        do {                                                                   \
                print_error("case '%s': ", t->name);                           \
                print_error(__VA_ARGS__);                                      \
                print_error("\n");                                             \
                bad++;                                                         \
        } while (0)
        if (res.status != t->status) {
                BAD("status %d, want %d", res.status, t->status);
        }
        if ((t->title == NULL) != (res.title == NULL) ||
            (t->title && strcmp(t->title, res.title) != 0)) {
                BAD("title '%s', want '%s'", res.title ? res.title : "(null)",
                    t->title ? t->title : "(null)");
        }
        if ((t->summary == NULL) != (res.summary == NULL) ||
            (t->summary && strcmp(t->summary, res.summary) != 0)) {
                BAD("summary '%s', want '%s'",
                    res.summary ? res.summary : "(null)",
                    t->summary ? t->summary : "(null)");
        }
        if (t->paragraphs >= 0 && (int)res.paragraphs != t->paragraphs) {
                BAD("%u paragraphs, want %d:\n%s", res.paragraphs,
                    t->paragraphs, res.text);
        }
        if (res.status != NF_CLEAN_OK && res.text[0] != '\0') {
                BAD("text not empty on status %d", res.status);
        }
        for (int i = 0; i < MAXS && t->once[i]; i++) {
                int c = count_of(res.text, t->once[i]);
                if (c != 1) {
                        BAD("'%s' found %d times in:\n%s", t->once[i], c,
                            res.text);
                }
        }
        for (int i = 0; i < MAXS && t->absent[i]; i++) {
                if (strstr(res.text, t->absent[i])) {
                        BAD("'%s' present in:\n%s", t->absent[i], res.text);
                }
        }
        for (int i = 0; i < MAXS && t->removed[i]; i++) {
                char name[64];
                unsigned want;
                if (sscanf(t->removed[i], "%63[^=]=%u", name, &want) != 2) {
                        BAD("bad expectation '%s'", t->removed[i]);
                        continue;
                }
                int r = reason_index(name);
                unsigned got = r < 0 ? 0 : res.removed[r];
                if (got != want) {
                        BAD("removed %s=%u, want %u", name, got, want);
                }
        }
        if (res.status == NF_CLEAN_OK) {
                if (strstr(res.text, "\n\n\n") || res.text[0] == '\n') {
                        BAD("bad paragraph layout");
                }
                if (res.word_count !=
                    nf_clean_word_count(res.text, res.text_len)) {
                        BAD("word_count %lld", (long long)res.word_count);
                }
        }
        nf_clean_result_fini(&res);
        free(norm);
        return bad;
}

static void test_rule_families(void **state)
{
        int bad = 0;
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                bad += check_case(&cases[i]);
        }
        assert_int_equal(bad, 0);
}

static void test_max_lines(void **state)
{
        const char *text = "a\nb\nc\nd\ne\nf\n";
        nf_clean_opts_t opts = {.max_lines = 5};
        nf_clean_result_t res;
        nf_clean_text(rules, &opts, text, strlen(text), NULL, &res);
        assert_int_equal(res.status, NF_CLEAN_TOO_MANY_LINES);
        assert_string_equal(res.text, "");
        nf_clean_result_fini(&res);
        opts.max_lines = 6;
        nf_clean_text(rules, &opts, text, strlen(text), NULL, &res);
        assert_int_not_equal(res.status, NF_CLEAN_TOO_MANY_LINES);
        nf_clean_result_fini(&res);
}

static void test_word_count(void **state)
{
        static const struct {
                const char *s;
                int64_t n;
        } wc[] = {
            {"", 0},
            {"one", 1},
            {"Hello — world’s 3 “x” …", 4},
            {"a\n\nb c", 3},
            {"über straße – 2024", 3},
            {" - * • ", 0},
            /* bad-input corpus: emoji and symbols are not words */
            {"😀🚀💥 😀 ™ © ∑ ★", 0},
            {"日本のニュース 😀 Привет ١٢٣", 3},
            {"e\xcc\x81 😀x", 2},
        };
        for (size_t i = 0; i < sizeof(wc) / sizeof(*wc); i++) {
                assert_int_equal(nf_clean_word_count(wc[i].s, strlen(wc[i].s)),
                                 wc[i].n);
        }
}

static void test_paragraph_layout(void **state)
{
        nf_clean_result_t res;
        const char *norm = "First para.\nSecond line.\n\nThird.";
        nf_clean_paragraphs(norm, strlen(norm), &res);
        assert_int_equal(res.status, NF_CLEAN_OK);
        assert_string_equal(res.text, "First para.\n\nSecond line.\n\nThird.");
        assert_int_equal(res.paragraphs, 3);
        assert_int_equal(res.word_count, 5);
        nf_clean_result_fini(&res);
        nf_clean_paragraphs("— …", strlen("— …"), &res);
        assert_int_equal(res.status, NF_CLEAN_EMPTY);
        nf_clean_result_fini(&res);
}

/* Hostile shapes stay linear and never crash: one huge line, many short
 * ones, many truncated copies of one paragraph. */
static void test_hostile_shapes(void **state)
{
        size_t n = 2u << 20;
        char *big = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
                big[i] = (i % 7 == 6) ? ' ' : 'a';
        }
        big[n] = '\0';
        nf_clean_result_t res;
        nf_clean_text(rules, NULL, big, n, NULL, &res);
        assert_int_equal(res.status, NF_CLEAN_OK);
        assert_int_equal(res.text_len, n);
        nf_clean_result_fini(&res);
        for (size_t i = 0; i < n; i++) {
                big[i] = (i % 2) ? '\n' : 'x';
        }
        nf_clean_text(rules, NULL, big, n, NULL, &res);
        assert_int_equal(res.status, NF_CLEAN_EMPTY);
        nf_clean_result_fini(&res);
        /* tests/bad-input/text-emoji-only.json: was kept as 1 word */
        const char *emoji = "😀🚀💥😀🚀💥😀🚀💥 😀🚀💥";
        nf_clean_text(rules, NULL, emoji, strlen(emoji), NULL, &res);
        assert_int_equal(res.status, NF_CLEAN_EMPTY);
        nf_clean_result_fini(&res);
        const char *line =
            "One two three four five six seven eight nine ten eleven…\n";
        size_t ll = strlen(line), k = 0;
        while (k + ll < n) {
                memcpy(big + k, line, ll);
                k += ll;
        }
        big[k] = '\0';
        nf_clean_text(rules, NULL, big, k, NULL, &res);
        assert_int_equal(res.status, NF_CLEAN_OK);
        assert_int_equal(res.paragraphs, 1);
        nf_clean_result_fini(&res);
        /* a body sentence, then related headers, headline copies and
         * short lines by the hundred thousand */
        static const char *const shapes[] = {
            "Related\nSome headline of a story\n",
            "Council backs new cycle lanes\nA teaser that says the same.\n",
            "Comments\nReply\n",
        };
        for (size_t sh = 0; sh < sizeof(shapes) / sizeof(*shapes); sh++) {
                const char *body =
                    "Council backs new cycle lanes\n" S1 "\n" S2 "\n";
                k = strlen(body);
                memcpy(big, body, k);
                ll = strlen(shapes[sh]);
                while (k + ll < n) {
                        memcpy(big + k, shapes[sh], ll);
                        k += ll;
                }
                big[k] = '\0';
                nf_clean_text(rules, NULL, big, k, NULL, &res);
                assert_int_equal(res.status, NF_CLEAN_OK);
                assert_non_null(strstr(res.text, S2));
                nf_clean_result_fini(&res);
        }
        free(big);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rule_families),
            cmocka_unit_test(test_max_lines),
            cmocka_unit_test(test_word_count),
            cmocka_unit_test(test_paragraph_layout),
            cmocka_unit_test(test_hostile_shapes),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
