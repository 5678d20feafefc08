/*
 * test_tag_engine.c — matching with the shipped rules: case and word
 * boundaries (US vs us, U.S., Unicode names, hyphens), vetoes (Georgia,
 * Jordan, Turkey, Chad), the people finder, a catastrophic user pattern
 * under the match limit, and language identification.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/langid.h"
#include "processors/tag_engine.h"

static const char *const shipped[] = {
    "deploy/rules/countries.json", "deploy/rules/organizations.json",
    "deploy/rules/people.json", "deploy/rules/topics.json"};

static int setup(void **state)
{
        char err[512];
        nf_tag_rules_t *r = nf_tag_rules_load(shipped, 4, NULL, err,
                                              sizeof(err));
        if (!r) {
                fprintf(stderr, "%s\n", err);
                return -1;
        }
        *state = nf_tag_engine_new(r, NULL);
        return 0;
}

static int teardown(void **state)
{
        nf_tag_engine_destroy(*state);
        return 0;
}

static int has(json_t *tags, const char *cat, const char *name)
{
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(tags, cat), i, v) {
                if (strcmp(json_string_value(v), name) == 0) {
                        return 1;
                }
        }
        return 0;
}

typedef struct case_s {
        const char *text;
        const char *category;
        const char *name;
        int expect; /* 1 = tagged, 0 = not tagged */
} case_t;

static const case_t cases[] = {
    /* case rules: acronyms never fire on ordinary words */
    {"US officials met their counterparts on Monday.", "countries",
     "United States", 1},
    {"Let us go and see them, he told us.", "countries", "United States", 0},
    {"The U.S. economy grew in the third quarter.", "countries",
     "United States", 1},
    {"The US-led coalition withdrew.", "countries", "United States", 1},
    {"The UN said aid would arrive.", "organizations", "United Nations", 1},
    {"Il a mangé un croissant avec un ami.", "organizations",
     "United Nations", 0},
    {"The EU agreed new rules.", "organizations", "European Union", 1},
    {"Eu acho que sim, disse ele.", "organizations", "European Union", 0},
    {"WHO warned of a new outbreak of the disease.", "organizations",
     "World Health Organization", 1},
    {"Those who voted were few.", "organizations",
     "World Health Organization", 0},
    /* word boundaries, Unicode */
    {"Nigeria's president spoke in Abuja.", "countries", "Niger", 0},
    {"Nigeria's president spoke in Abuja.", "countries", "Nigeria", 1},
    {"El gobierno iranés respondió.", "countries", "Iran", 0},
    {"Talks with Iran—and with Iraq—resumed.", "countries", "Iran", 1},
    {"Abidjan is the largest city of Côte d'Ivoire.", "countries",
     "Côte d'Ivoire", 1},
    {"Abidjan is the largest city of Côte d’Ivoire.", "countries",
     "Côte d'Ivoire", 1},
    {"Cocoa from Cote d'Ivoire fell in price.", "countries", "Côte d'Ivoire",
     1},
    {"São Tomé and Príncipe held elections.", "countries",
     "São Tomé and Príncipe", 1},
    {"Sao Tome and Principe held elections.", "countries",
     "São Tomé and Príncipe", 1},
    /* hyphenated names and longest match */
    {"Guinea-Bissau's president was sworn in.", "countries", "Guinea-Bissau",
     1},
    {"Guinea-Bissau's president was sworn in.", "countries", "Guinea", 0},
    {"Papua New Guinea voted.", "countries", "Papua New Guinea", 1},
    {"Papua New Guinea voted.", "countries", "Guinea", 0},
    {"The al-Qaeda network and al Qaida affiliates.", "organizations",
     "al-Qaeda", 1},
    {"Timor-Leste joined ASEAN.", "countries", "Timor-Leste", 1},
    {"Daesh fighters advanced.", "organizations", "ISIS", 1},
    {"Russia's foreign ministry said so.", "countries", "Russia", 1},
    /* vetoes */
    {"Voters in Atlanta, Georgia went to the polls.", "countries", "Georgia",
     0},
    {"Georgia State beat Georgia Tech.", "countries", "Georgia", 0},
    {"Tbilisi said Georgia would apply to join the EU.", "countries",
     "Georgia", 1},
    {"Michael Jordan scored 30 points for the Bulls.", "countries", "Jordan",
     0},
    {"King Abdullah of Jordan met the president.", "countries", "Jordan", 1},
    {"Families ate turkey and Christmas Turkey sandwiches.", "countries",
     "Turkey", 0},
    {"Turkey and Greece signed a deal.", "countries", "Turkey", 1},
    {"Chad Smith played the drums all night.", "countries", "Chad", 0},
    {"Chad and Sudan closed their border.", "countries", "Chad", 1},
    {"New Jersey voters backed the plan.", "countries", "Jersey", 0},
    {"Latin America and South America grew.", "countries", "United States",
     0},
    /* vetoes whose literal ("Columbia", "virus") is in the window run; the
     * same entries elsewhere skip the regex (tag_engine.c, vetoed()) */
    {"Vancouver is the largest city of British Columbia.", "countries",
     "United Kingdom", 0},
    {"British and French troops left Basra.", "countries", "United Kingdom", 1},
    {"A computer virus and a mobile phone virus spread.", "topics", "health",
     0},
    {"The virus spread in hospitals; the virus killed patients.", "topics",
     "health", 1},
    /* requirements that are alternatives: "(?:took|take|...)...storm" */
    {"The show took Broadway by storm, then takes London by storm.", "topics",
     "weather", 0},
    {"Cold weather and snow; more cold nights and storms.", "topics", "weather",
     1},
    {"Crowds in Seattle, Washington and Tacoma, Washington cheered.",
     "countries", "United States", 0},
    {"Washington and Washington officials, US officials, agreed.", "countries",
     "United States", 1},
    /* capitals are weaker evidence: one mention is not enough */
    {"Talks were held in Vienna.", "countries", "Austria", 0},
    {"Vienna and Salzburg, in Austria, were busy.", "countries", "Austria", 1},
    /* topics: stop phrases and words inside entity names */
    {"Net profit rose and net income fell; the safety net held.", "topics",
     "science and technology", 0},
    {"Islamic State fighters seized the Islamic State stronghold.", "topics",
     "religion", 0},
    {"The election campaign and the vote in parliament dominated.", "topics",
     "politics", 1},
    /* people */
    {"Foreign Minister Sergey Lavrov met the envoy. Lavrov said little.",
     "people", "Sergey Lavrov", 1},
    {"Prime Minister Tony Blair spoke. Mr Blair said the plan would work.",
     "people", "Tony Blair", 1},
    {"The White House said it would respond.", "people", "White House", 0},
    {"Pakistan said the talks went well.", "people", "Pakistan", 0},
    {"Michael Jordan said he was tired.", "people", "Michael Jordan", 1},
    {"The Institute for Fiscal Studies said taxes must rise.", "people",
     "Fiscal Studies", 0},
    {"Rival Nintendo says its console sold well.", "people",
     "Rival Nintendo", 0},
    {"US businessman Malcolm Glazer owns 30%. Mr Glazer said no. Mr Glazer "
     "left.",
     "people", "Malcolm Glazer", 1},
    {"His Pakistani counterpart Khawaja Muhammad Asif, who is visiting, "
     "agreed.",
     "people", "Khawaja Muhammad Asif", 1},
};

static void test_cases(void **state)
{
        nf_tag_engine_t *eng = *state;
        int bad = 0;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const case_t *c = &cases[i];
                json_t *tags = nf_tag_engine_tag(eng, NULL, c->text, "en", 0);
                if (has(tags, c->category, c->name) != c->expect) {
                        char *s = json_dumps(tags, JSON_COMPACT);
                        print_error("case %zu \"%s\": %s %s expected %s; "
                                    "got %s\n",
                                    i, c->text, c->category, c->name,
                                    c->expect ? "present" : "absent", s);
                        free(s);
                        bad++;
                }
                json_decref(tags);
        }
        assert_int_equal(bad, 0);
}

static void test_title_salience(void **state)
{
        nf_tag_engine_t *eng = *state;
        /* France is mentioned twice in the body, Spain once but in the
         * title: the title bonus puts Spain first */
        json_t *tags = nf_tag_engine_tag(
            eng, "Spain wins the vote",
            "France objected. Later France agreed with the others.", "en", 0);
        json_t *c = json_object_get(tags, "countries");
        assert_int_equal(json_array_size(c), 2);
        assert_string_equal(json_string_value(json_array_get(c, 0)), "Spain");
        json_decref(tags);
        /* equal scores: first position wins */
        tags = nf_tag_engine_tag(eng, NULL, "Peru and Chile signed.", "en", 0);
        c = json_object_get(tags, "countries");
        assert_string_equal(json_string_value(json_array_get(c, 0)), "Peru");
        assert_string_equal(json_string_value(json_array_get(c, 1)), "Chile");
        json_decref(tags);
}

/* Surname-only mentions before the introduction count too. */
static void test_surname_links(void **state)
{
        nf_tag_engine_t *eng = *state;
        json_t *tags = nf_tag_engine_tag(
            eng, NULL,
            "Lavrov spoke first. Then Lavrov left. Foreign Minister Sergey "
            "Lavrov said he was tired.",
            "en", 1);
        json_t *p = json_array_get(json_object_get(tags, "people"), 0);
        assert_string_equal(json_string_value(json_array_get(p, 0)),
                            "Sergey Lavrov");
        /* three mentions, all in the lead (x1.5) */
        assert_true(json_real_value(json_array_get(p, 1)) == 4.5);
        json_decref(tags);
}

static void test_language_specific(void **state)
{
        nf_tag_engine_t *eng = *state;
        /* topics.json is "lang": "en": no topics for a French document */
        const char *t = "The election campaign and the vote in parliament "
                        "dominated politics this week.";
        json_t *tags = nf_tag_engine_tag(eng, NULL, t, "fr", 0);
        assert_int_equal(json_array_size(json_object_get(tags, "topics")), 0);
        json_decref(tags);
        tags = nf_tag_engine_tag(eng, NULL, t, "en", 0);
        assert_true(has(tags, "topics", "politics"));
        json_decref(tags);
}

static void test_catastrophic_pattern(void **state)
{
        const char *paths[] = {"tests/fixtures/tag/catastrophic.json"};
        nf_tag_limits_t lim = {.match_limit = 10000, .depth_limit = 1000};
        char err[512];
        nf_tag_rules_t *r = nf_tag_rules_load(paths, 1, &lim, err, sizeof(err));
        assert_non_null(r);
        nf_tag_engine_t *eng = nf_tag_engine_new(r, NULL);
        char text[4096];
        strcpy(text, "Sane Org announced results. ");
        size_t n = strlen(text);
        memset(text + n, 'a', 3000);
        strcpy(text + n + 3000, "b");
        json_t *tags = nf_tag_engine_tag(eng, NULL, text, NULL, 0);
        assert_true(nf_tag_engine_limit_hits(eng) >= 1);
        assert_true(has(tags, "organizations", "Sane Org"));
        assert_false(has(tags, "organizations", "Backtracker"));
        json_decref(tags);
        json_t *st = nf_tag_engine_stats(eng, 5);
        assert_true(json_integer_value(json_object_get(st, "limit_hits")) >= 1);
        json_t *lr = json_array_get(json_object_get(st, "limit_rules"), 0);
        assert_string_equal(json_string_value(json_object_get(lr, "entry")),
                            "Backtracker");
        json_decref(st);
        /* without the runaway input the pattern works normally */
        tags = nf_tag_engine_tag(eng, NULL, "Sane Org: aaaa", NULL, 0);
        assert_true(has(tags, "organizations", "Backtracker"));
        json_decref(tags);
        nf_tag_engine_destroy(eng);
}

static void test_langid(void **state)
{
        char err[256], code[16];
        nf_langid_t *li = nf_langid_new(NULL, NULL, err, sizeof(err));
        assert_non_null(li);
        static const char *const texts[][2] = {
            {"en", "The government said on Tuesday that it would publish the "
                   "report next week, after months of delay."},
            {"fr", "Le gouvernement a annoncé mardi qu'il publierait le "
                   "rapport la semaine prochaine, après des mois de retard."},
            {"de", "Die Regierung kündigte am Dienstag an, den Bericht "
                   "nächste Woche nach monatelanger Verzögerung zu "
                   "veröffentlichen."},
            {"es", "El gobierno anunció el martes que publicará el informe "
                   "la próxima semana, tras meses de retraso. Los partidos de "
                   "la oposición criticaron la decisión y pidieron que el "
                   "ministro explique en el Congreso por qué se ha tardado "
                   "tanto en presentar los resultados."},
        };
        for (size_t i = 0; i < 4; i++) {
                assert_int_equal(nf_langid_detect(li, texts[i][1],
                                                  strlen(texts[i][1]), 1000,
                                                  code, sizeof(code)),
                                 0);
                assert_string_equal(code, texts[i][0]);
        }
        assert_int_equal(nf_langid_detect(li, "ok", 2, 1000, code,
                                          sizeof(code)),
                         -1);
        nf_langid_destroy(li);
        /* the shorter shipped list (43 languages) */
        li = nf_langid_new("deploy/rules/langid-news.conf", NULL, err,
                           sizeof(err));
        assert_non_null(li);
        for (size_t i = 0; i < 4; i++) {
                assert_int_equal(nf_langid_detect(li, texts[i][1],
                                                  strlen(texts[i][1]), 1000,
                                                  code, sizeof(code)),
                                 0);
                assert_string_equal(code, texts[i][0]);
        }
        nf_langid_destroy(li);
        assert_null(nf_langid_new("/nonexistent/fpdb.conf", NULL, err,
                                  sizeof(err)));
        assert_non_null(strstr(err, "/nonexistent/fpdb.conf"));
}

/* Several threads tag at once; each must get what one thread gets. */
typedef struct mt_arg_s {
        nf_tag_engine_t *eng;
        const char *text;
        char *want;
        int bad;
} mt_arg_t;

static void *mt_worker(void *p)
{
        mt_arg_t *a = p;
        for (int i = 0; i < 200; i++) {
                json_t *tags = nf_tag_engine_tag(a->eng, "Talks in Moscow",
                                                 a->text, "en", 0);
                char *s = json_dumps(tags, JSON_COMPACT | JSON_SORT_KEYS);
                if (strcmp(s, a->want)) {
                        a->bad++;
                }
                free(s);
                json_decref(tags);
        }
        return NULL;
}

static void test_threads(void **state)
{
        nf_tag_engine_t *eng = *state;
        const char *text =
            "Foreign Minister Sergey Lavrov met his Pakistani counterpart in "
            "Moscow. The UN and NATO were discussed, and Lavrov said the "
            "election in Afghanistan mattered. Daesh was mentioned.";
        json_t *tags = nf_tag_engine_tag(eng, "Talks in Moscow", text, "en", 0);
        char *want = json_dumps(tags, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(tags);
        pthread_t th[4];
        mt_arg_t args[4];
        for (int i = 0; i < 4; i++) {
                args[i] = (mt_arg_t){eng, text, want, 0};
                pthread_create(&th[i], NULL, mt_worker, &args[i]);
        }
        for (int i = 0; i < 4; i++) {
                pthread_join(th[i], NULL);
                assert_int_equal(args[i].bad, 0);
        }
        assert_non_null(strstr(want, "Sergey Lavrov"));
        free(want);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_cases),
            cmocka_unit_test(test_title_salience),
            cmocka_unit_test(test_surname_links),
            cmocka_unit_test(test_language_specific),
            cmocka_unit_test(test_catastrophic_pattern),
            cmocka_unit_test(test_langid),
            cmocka_unit_test(test_threads),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
