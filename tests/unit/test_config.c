/*
 * test_config.c — the config store, key tables, and the stage's validation
 * and routing of keys (newsflow's own vs librdkafka's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "stage/config.h"

static int finish(const char *const *kv, char *errstr, size_t n)
{
        nf_conf_t *conf = nf_conf_new();
        for (; *kv; kv++) {
                assert_int_equal(nf_conf_set_kv(conf, *kv, errstr, n), 0);
        }
        int r = nf_config_finish(conf, errstr, n);
        nf_conf_destroy(conf);
        return r;
}

static void test_validation_table(void **state)
{
        static const struct {
                const char *kv[4];
                int ok;
                const char *needle; /* in errstr when !ok */
        } cases[] = {
            {{"input.topic=a", "linger.ms=5", NULL}, 1, NULL},
            {{"consumer.session.timeout.ms=6000", NULL}, 1, NULL},
            {{"lnger.ms=5", NULL}, 0, "\"lnger.ms\""},
            {{"producer.nosuch=1", NULL}, 0, "\"nosuch\""},
            {{"dedup.action=maybe", NULL}, 0, "drop,mark"},
            {{"errors.tolerance=some", NULL}, 0, "errors.tolerance"},
            {{"json.max.depth=0", NULL}, 0, "out of range"},
            {{"json.max.depth=abc", NULL}, 0, "not an integer"},
            {{"processors=clean,bogus", NULL}, 0, "\"bogus\""},
            {{"linger.ms=-7", NULL}, 0, "linger.ms"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char errstr[512] = "";
                int r = finish(cases[i].kv, errstr, sizeof(errstr));
                if ((r == 0) != cases[i].ok) {
                        fail_msg("case %zu: r=%d errstr=%s", i, r, errstr);
                }
                if (!cases[i].ok && !strstr(errstr, cases[i].needle)) {
                        fail_msg("case %zu: \"%s\" lacks \"%s\"", i, errstr,
                                 cases[i].needle);
                }
        }
}

static void test_defaults_and_run_check(void **state)
{
        char errstr[512];
        nf_conf_t *conf = nf_conf_new();
        assert_int_equal(nf_config_finish(conf, errstr, sizeof(errstr)), 0);
        assert_string_equal(nf_conf_get(conf, "group.id"), "newsflow");
        assert_non_null(strstr(nf_conf_get(conf, "processors"), "clean"));
        assert_int_equal(nf_config_check_run(conf, errstr, sizeof(errstr)), -1);
        assert_non_null(strstr(errstr, "bootstrap.servers"));
        nf_conf_set(conf, "bootstrap.servers", "127.0.0.1:1");
        nf_conf_set(conf, "input.topic", "in");
        nf_conf_set(conf, "output.topic", "out");
        /* no DLQ and errors.tolerance=all: refuse to start */
        assert_int_equal(nf_config_check_run(conf, errstr, sizeof(errstr)), -1);
        assert_non_null(strstr(errstr, "errors.deadletterqueue.topic.name"));
        nf_conf_set(conf, "errors.tolerance", "none");
        assert_int_equal(nf_config_check_run(conf, errstr, sizeof(errstr)), 0);
        nf_conf_destroy(conf);
}

/* A record decode accepts must fit the producer for the DLQ: the
 * producer's message.max.bytes follows input.max.bytes unless set. */
static void test_producer_max_bytes(void **state)
{
        char errstr[512];
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "input.max.bytes", "5000000");
        assert_int_equal(nf_config_finish(conf, errstr, sizeof(errstr)), 0);
        assert_string_equal(nf_conf_get(conf, "producer.message.max.bytes"),
                            "5065536");
        rd_kafka_conf_t *rkc = nf_config_rdkafka(conf, NF_CLIENT_PRODUCER,
                                                 errstr, sizeof(errstr));
        assert_non_null(rkc); /* librdkafka takes it */
        rd_kafka_conf_destroy(rkc);
        nf_conf_destroy(conf);
        conf = nf_conf_new();
        nf_conf_set(conf, "message.max.bytes", "2000000");
        assert_int_equal(nf_config_finish(conf, errstr, sizeof(errstr)), 0);
        assert_null(nf_conf_get(conf, "producer.message.max.bytes"));
        nf_conf_destroy(conf);
}

static void test_routing(void **state)
{
        char errstr[512], val[64];
        size_t n = sizeof(val);
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "linger.ms", "7");
        nf_conf_set(conf, "producer.linger.ms", "9");
        nf_conf_set(conf, "session.timeout.ms", "6000");
        nf_conf_set(conf, "client.id", "x");
        nf_conf_set(conf, "dedup.action", "mark");
        rd_kafka_conf_t *p = nf_config_rdkafka(conf, NF_CLIENT_PRODUCER, errstr, sizeof(errstr));
        rd_kafka_conf_t *c = nf_config_rdkafka(conf, NF_CLIENT_CONSUMER, errstr, sizeof(errstr));
        assert_non_null(p);
        assert_non_null(c);
        assert_int_equal(rd_kafka_conf_get(p, "linger.ms", val, &n), RD_KAFKA_CONF_OK);
        assert_string_equal(val, "9"); /* prefixed wins */
        n = sizeof(val);
        assert_int_equal(rd_kafka_conf_get(p, "client.id", val, &n), RD_KAFKA_CONF_OK);
        assert_string_equal(val, "x");
        n = sizeof(val);
        assert_int_equal(rd_kafka_conf_get(c, "session.timeout.ms", val, &n), RD_KAFKA_CONF_OK);
        assert_string_equal(val, "6000");
        n = sizeof(val);
        /* consumer-only key not given to the producer: still the default */
        assert_int_equal(rd_kafka_conf_get(p, "session.timeout.ms", val, &n), RD_KAFKA_CONF_OK);
        assert_string_not_equal(val, "6000");
        /* our keys never reach librdkafka */
        n = sizeof(val);
        assert_int_equal(rd_kafka_conf_get(c, "dedup.action", val, &n), RD_KAFKA_CONF_UNKNOWN);
        rd_kafka_conf_destroy(p);
        rd_kafka_conf_destroy(c);
        nf_conf_destroy(conf);
}

static void test_file_and_secrets(void **state)
{
        char path[] = "/tmp/nf-test-conf-XXXXXX";
        int fd = mkstemp(path);
        const char *text = "# comment\n\n input.topic = in \nsasl.password=hunter2\nbroken line\n";
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        nf_conf_t *conf = nf_conf_new();
        char errstr[512];
        assert_int_equal(nf_conf_load_file(conf, path, 0, errstr, sizeof(errstr)), -1);
        assert_non_null(strstr(errstr, ":5: expected key=value"));
        assert_string_equal(nf_conf_get(conf, "input.topic"), "in");
        assert_true(nf_conf_is_secret("sasl.password"));
        assert_true(nf_conf_is_secret("ssl.key.password"));
        assert_true(nf_conf_is_secret("producer.sasl.oauthbearer.client.secret"));
        assert_false(nf_conf_is_secret("input.topic"));
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        nf_config_dump(conf, mem);
        fclose(mem);
        assert_null(strstr(buf, "hunter2"));
        assert_non_null(strstr(buf, "sasl.password=[redacted]"));
        free(buf);
        nf_conf_destroy(conf);
        unlink(path);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_validation_table),
            cmocka_unit_test(test_defaults_and_run_check),
            cmocka_unit_test(test_routing),
            cmocka_unit_test(test_producer_max_bytes),
            cmocka_unit_test(test_file_and_secrets),
        };
        return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
