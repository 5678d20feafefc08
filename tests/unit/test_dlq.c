/*
 * test_dlq.c — DLQ headers: the original headers kept (binary and NULL
 * values too), old __connect.errors.* replaced, the error headers added.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stage/dlq.h"

static const nf_dlq_error_t err = {.topic = "articles",
                                   .partition = 7,
                                   .offset = 123456789012LL,
                                   .stage = "decode",
                                   .reason = "decode.json_invalid",
                                   .message = "invalid JSON at line 1"};

/* The last value of header name, as a string, or NULL. */
static const char *get(const rd_kafka_headers_t *h, const char *name, char *buf,
                       size_t size)
{
        const void *v;
        size_t n;
        if (rd_kafka_header_get_last(h, name, &v, &n)) {
                return NULL;
        }
        snprintf(buf, size, "%.*s", (int)n, v ? (const char *)v : "");
        return buf;
}

static void test_error_headers(void **state)
{
        static const struct {
                const char *name, *want;
        } cases[] = {
            {NF_DLQ_H_TOPIC, "articles"},
            {NF_DLQ_H_PARTITION, "7"},
            {NF_DLQ_H_OFFSET, "123456789012"},
            {NF_DLQ_H_STAGE, "decode"},
            {NF_DLQ_H_REASON, "decode.json_invalid"},
            {NF_DLQ_H_MESSAGE, "invalid JSON at line 1"},
        };
        rd_kafka_headers_t *h = nf_dlq_headers(NULL, &err);
        char buf[64];
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_non_null(get(h, cases[i].name, buf, sizeof(buf)));
                assert_string_equal(buf, cases[i].want);
        }
        assert_int_equal(rd_kafka_header_cnt(h), 6);
        rd_kafka_headers_destroy(h);
}

static void test_original_headers_kept(void **state)
{
        rd_kafka_headers_t *orig = rd_kafka_headers_new(4);
        rd_kafka_header_add(orig, "trace", -1, "abc", -1);
        rd_kafka_header_add(orig, "bin", -1, "\x00\x01\x02", 3);
        rd_kafka_header_add(orig, "nil", -1, NULL, 0);
        rd_kafka_headers_t *h = nf_dlq_headers(orig, &err);
        const void *v;
        size_t n;
        assert_int_equal(rd_kafka_header_get_last(h, "trace", &v, &n), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(v, "abc", 3);
        assert_int_equal(rd_kafka_header_get_last(h, "bin", &v, &n), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(v, "\x00\x01\x02", 3);
        assert_int_equal(rd_kafka_header_get_last(h, "nil", &v, &n), 0);
        assert_null(v);
        assert_int_equal(rd_kafka_header_cnt(h), 9);
        assert_int_equal(rd_kafka_header_cnt(orig), 3); /* not modified */
        rd_kafka_headers_destroy(h);
        rd_kafka_headers_destroy(orig);
}

/* A record that fails again after a redrive carries only its latest
 * error, not two reasons. */
static void test_old_error_headers_replaced(void **state)
{
        rd_kafka_headers_t *orig = rd_kafka_headers_new(2);
        rd_kafka_header_add(orig, NF_DLQ_H_REASON, -1, "clean.empty", -1);
        rd_kafka_header_add(orig, NF_DLQ_H_OFFSET, -1, "1", -1);
        rd_kafka_headers_t *h = nf_dlq_headers(orig, &err);
        const void *v;
        size_t n;
        int reasons = 0;
        const char *name;
        for (size_t i = 0; !rd_kafka_header_get_all(h, i, &name, &v, &n); i++) {
                reasons += strcmp(name, NF_DLQ_H_REASON) == 0;
        }
        assert_int_equal(reasons, 1);
        char buf[64];
        assert_string_equal(get(h, NF_DLQ_H_REASON, buf, sizeof(buf)),
                            "decode.json_invalid");
        assert_int_equal(rd_kafka_header_cnt(h), 6);
        rd_kafka_headers_destroy(h);
        rd_kafka_headers_destroy(orig);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_error_headers),
            cmocka_unit_test(test_original_headers_kept),
            cmocka_unit_test(test_old_error_headers_replaced),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
