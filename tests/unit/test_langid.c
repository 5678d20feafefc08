/*
 * test_langid.c — language identification: one row per language, and the
 * same answers from four threads at once (nf_langid_detect() takes no lock;
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
        assert_int_equal(nf_langid_detect(li, "too short", 9, 1000, code,
                                          sizeof(code)),
                         -1);
}

static void *detect_all(void *arg)
{
        int *wrong = arg;
        for (int round = 0; round < 5; round++) {
                for (size_t i = 0; i < NROWS; i++) {
                        char code[8] = "";
                        nf_langid_detect(li, rows[i].text,
                                         strlen(rows[i].text), 1000, code,
                                         sizeof(code));
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
                assert_int_equal(pthread_create(&t[i], NULL, detect_all,
                                                &wrong[i]),
                                 0);
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
            cmocka_unit_test(test_threads),
        };
        return cmocka_run_group_tests_name("langid", tests, setup, teardown);
}
