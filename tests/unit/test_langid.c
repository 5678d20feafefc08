/*
 * test_langid.c — language identification: one row per language, the
 * stopword first pass against libexttextcat alone (a table of clear,
 * short, mixed and non-Latin texts), and the same answers from four threads
 * at once (nf_langid_detect() takes no lock;
 * run this binary under valgrind --tool=helgrind to check for races).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "processors/langid.h"

static const struct {
        const char *text, *want;
} rows[] = {
    {"The government said on Tuesday that the talks with the union would "
     "continue next month, after a week of strikes that closed schools and "
     "hospitals across the country.",
     "en"},
    {"Die Regierung teilte am Dienstag mit, dass die Gespräche mit der "
     "Gewerkschaft im nächsten Monat fortgesetzt werden, nachdem eine Woche "
     "lang Schulen und Krankenhäuser geschlossen waren.",
     "de"},
    {"Le gouvernement a annoncé mardi que les négociations avec le syndicat "
     "reprendraient le mois prochain, après une semaine de grèves qui ont "
     "fermé les écoles et les hôpitaux.",
     "fr"},
    {"El gobierno anunció el martes que las negociaciones con el sindicato "
     "continuarán el próximo mes, después de una semana de huelgas que "
     "cerraron escuelas y hospitales en todo el país.",
     "es"},
};
#define NROWS (sizeof(rows) / sizeof(*rows))

/* want: the answer of nf_langid_detect(); NULL: whatever libexttextcat
 * alone answers (the stopword pass must not decide these). Every row must
 * also get the same answer from nf_langid_detect_ngram(). */
static const struct {
        const char *name, *text, *want;
} pass_rows[] = {
    {"clear en",
     "The minister said on Monday that the new rules would come into force "
     "next year, and that the government had no plans to change them after "
     "the vote in parliament.",
     "en"},
    {"clear de",
     "Der Minister sagte am Montag, dass die neuen Regeln im nächsten Jahr "
     "in Kraft treten würden und die Regierung nicht vorhabe, sie nach der "
     "Abstimmung im Parlament zu ändern.",
     "de"},
    {"clear fr",
     "Le ministre a déclaré lundi que les nouvelles règles entreraient en "
     "vigueur l'année prochaine et que le gouvernement ne prévoyait pas de "
     "les modifier après le vote au parlement.",
     "fr"},
    {"clear es",
     "El ministro dijo el lunes que las nuevas normas entrarán en vigor el "
     "año que viene y que el gobierno no tiene previsto cambiarlas después "
     "de la votación en el parlamento.",
     "es"},
    {"clear it",
     "Il ministro ha detto lunedì che le nuove regole entreranno in vigore "
     "il prossimo anno e che il governo non ha intenzione di cambiarle dopo "
     "il voto in parlamento.",
     "it"},
    {"clear nl",
     "De minister zei maandag dat de nieuwe regels volgend jaar van kracht "
     "worden en dat de regering niet van plan is ze na de stemming in het "
     "parlement te wijzigen.",
     "nl"},
    /* under a quarter English stopwords, Dutch at 10 of the 24 (in, was,
     * had) but with no word of its own: decided by the second rule */
    {"en, words shared with nl",
     "Lawmakers in Washington argued that the ceasefire was holding. Figure "
     "128391 was cited. The central bank agreed that the security situation "
     "in the region had worsened in an address. Investors in Brussels said "
     "the deficit was larger than forecast in May. Allies agreed that "
     "flooding had displaced families in the north.",
     "en"},
    /* no Catalan list: Spanish stopwords are 36% of the words, with French
     * close behind (16, 13); the pass must leave it to libexttextcat */
    {"ca (fallback)",
     "El govern va anunciar dimarts que les negociacions amb el sindicat "
     "continuaran el mes que ve, després d'una setmana de vagues que van "
     "tancar escoles i hospitals a tot el país. La consellera va dir que la "
     "proposta és la millor per a tots.",
     "ca"},
    {"short (fallback)", "Markets rally on rate cut hopes", NULL},
    {"mixed en/de (fallback)",
     "The minister said on Monday that the rules would change. Der Minister "
     "sagte am Montag, dass die Regeln sich ändern würden. The vote is next "
     "week. Die Abstimmung ist nächste Woche.",
     NULL},
    {"ru (fallback)",
     "Министр заявил в понедельник, что новые правила вступят в силу в "
     "следующем году и что правительство не планирует менять их после "
     "голосования в парламенте.",
     "ru"},
    {"ar (fallback)",
     "قال الوزير يوم الاثنين إن القواعد الجديدة ستدخل حيز التنفيذ العام "
     "المقبل وإن الحكومة لا تخطط لتغييرها بعد التصويت في البرلمان.",
     "ar"},
};
#define NPASS (sizeof(pass_rows) / sizeof(*pass_rows))

static nf_langid_t *li;

static int setup(void **state)
{
        char errstr[512];
        li = nf_langid_new(NULL, NULL, errstr, sizeof(errstr));
        return li ? 0 : -1;
}

static int teardown(void **state)
{
        nf_langid_destroy(li);
        return 0;
}

static void test_languages(void **state)
{
        for (size_t i = 0; i < NROWS; i++) {
                char code[8];
                assert_int_equal(nf_langid_detect(li, rows[i].text,
                                                  strlen(rows[i].text), 1000,
                                                  code, sizeof(code)),
                                 0);
                assert_string_equal(code, rows[i].want);
        }
        char code[8];
        assert_int_equal(
            nf_langid_detect(li, "too short", 9, 1000, code, sizeof(code)), -1);
}

static void test_stopword_pass(void **state)
{
        for (size_t i = 0; i < NPASS; i++) {
                const char *t = pass_rows[i].text;
                char code[8] = "", ngram[8] = "";
                int rc = nf_langid_detect(li, t, strlen(t), 1000, code,
                                          sizeof(code));
                int rn = nf_langid_detect_ngram(li, t, strlen(t), 1000, ngram,
                                                sizeof(ngram));
                if (pass_rows[i].want) {
                        assert_int_equal(rc, 0);
                        assert_string_equal(code, pass_rows[i].want);
                }
                assert_int_equal(rc, rn);
                assert_string_equal(code, ngram);
        }
}

/* The early answer (langid.c, SW_EARLY_WORDS): 72 clearly English words
 * decide, whatever follows; the whole text, half German, would not. */
static void test_early_answer(void **state)
{
        char text[4096] = "", code[8] = "";
        for (int i = 0; i < 4; i++) { /* 4 x 18 English words */
                strcat(text, "The minister said that the talks with the union "
                             "would go on and that it was not over yet. ");
        }
        for (int i = 0; i < 6; i++) {
                strcat(text, "Der Minister sagte, dass die Gespräche mit der "
                             "Gewerkschaft weitergehen und noch nicht vorbei "
                             "sind. ");
        }
        assert_int_equal(
            nf_langid_detect(li, text, strlen(text), 4096, code, sizeof(code)),
            0);
        assert_string_equal(code, "en");
}

static void *detect_all(void *arg)
{
        int *wrong = arg;
        for (int round = 0; round < 5; round++) {
                for (size_t i = 0; i < NROWS; i++) {
                        char code[8] = "";
                        nf_langid_detect(li, rows[i].text, strlen(rows[i].text),
                                         1000, code, sizeof(code));
                        *wrong += strcmp(code, rows[i].want) != 0;
                }
        }
        return NULL;
}

static void test_threads(void **state)
{
        pthread_t t[4];
        int wrong[4] = {0};
        for (int i = 0; i < 4; i++) {
                assert_int_equal(
                    pthread_create(&t[i], NULL, detect_all, &wrong[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
                pthread_join(t[i], NULL);
                assert_int_equal(wrong[i], 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_languages),
            cmocka_unit_test(test_stopword_pass),
            cmocka_unit_test(test_early_answer),
            cmocka_unit_test(test_threads),
        };
        return cmocka_run_group_tests_name("langid", tests, setup, teardown);
}
