/*
 * test_stats.c — the stage counters' JSON snapshot and the DLQ reason
 * table, including its overflow into "other".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "stage/stats.h"

static void test_snapshot(void **state)
{
        nf_stats_t s;
        nf_stats_init(&s);
        atomic_fetch_add(&s.in, 5);
        atomic_fetch_add(&s.out, 3);
        nf_stats_dlq_reason(&s, "decode.json_invalid");
        nf_stats_dlq_reason(&s, "decode.json_invalid");
        nf_stats_dlq_reason(&s, "clean.empty");
        json_t *j = nf_stats_json(&s);
        assert_int_equal(json_integer_value(json_object_get(j, "in")), 5);
        assert_int_equal(json_integer_value(json_object_get(j, "out")), 3);
        json_t *r = json_object_get(j, "dlq_reasons");
        assert_int_equal(json_object_size(r), 2);
        assert_int_equal(
            json_integer_value(json_object_get(r, "decode.json_invalid")), 2);
        assert_int_equal(json_integer_value(json_object_get(r, "clean.empty")),
                         1);
        json_decref(j);
        nf_stats_fini(&s);
}

static void test_reason_overflow(void **state)
{
        nf_stats_t s;
        nf_stats_init(&s);
        char name[32];
        for (int i = 0; i < NF_STATS_REASONS + 3; i++) {
                snprintf(name, sizeof(name), "r%d", i);
                nf_stats_dlq_reason(&s, name);
        }
        nf_stats_dlq_reason(&s, "r0");
        json_t *j = nf_stats_json(&s);
        json_t *r = json_object_get(j, "dlq_reasons");
        assert_int_equal(json_object_size(r), NF_STATS_REASONS + 1);
        assert_int_equal(json_integer_value(json_object_get(r, "other")), 3);
        assert_int_equal(json_integer_value(json_object_get(r, "r0")), 2);
        json_decref(j);
        nf_stats_fini(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_snapshot),
            cmocka_unit_test(test_reason_overflow),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
