/*
 * test_metrics.c — the metrics listener and the statistics behind it: starts
 * it on 127.0.0.1 with a free port, scrapes /metrics with a plain socket
 * GET, checks every line against the exposition format and the values
 * against what the test put in nf_stats_t; the /readyz and /healthz
 * transitions; and the librdkafka statistics parser on a statistics JSON
 * captured from librdkafka 2.0.2 (tests/fixtures/metrics/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "processors/chain.h"
#include "stage/config.h"
#include "stage/metrics.h"
#include "stage/stats.h"

#define FIXTURE "tests/fixtures/metrics/rdkafka-consumer-stats.json"

/* ---- processors standing in for dedup and tag: only their stats() ---- */

static void *p_create(const nf_conf_t *conf, char *errstr, size_t n)
{
        static int self;
        return &self;
}
static void p_destroy(void *self)
{
}
static void p_pass(void *self, nf_article_t *art, nf_outcome_t *out)
{
        if (strstr(nf_article_text(art), "dup")) {
                nf_outcome_drop(out, "duplicate");
        }
}
static json_t *dedup_stats(void *self)
{
        return json_pack("{s:I}", "index_documents", (json_int_t)42);
}
static json_t *tag_stats(void *self)
{
        /* "bogus" is not an integer: not exported */
        return json_pack("{s:{s:i,s:i,s:s}}", "hits", "countries", 3,
                         "topics", 2, "bogus", "x");
}
static const nf_processor_t dedup = {.abi = NF_PROCESSOR_ABI, .name = "dedup",
                                     .create = p_create, .process = p_pass,
                                     .destroy = p_destroy,
                                     .stats = dedup_stats};
static const nf_processor_t tag = {.abi = NF_PROCESSOR_ABI, .name = "tag",
                                   .create = p_create, .process = p_pass,
                                   .destroy = p_destroy, .stats = tag_stats};
static const nf_processor_t plain = {.abi = NF_PROCESSOR_ABI, .name = "dedup",
                                     .create = p_create, .process = p_pass,
                                     .destroy = p_destroy};

/* ---- a tiny HTTP/1.0 client ---- */

/* GETs path from 127.0.0.1:port; returns the status code and the body in
 * *body (caller frees), or -1. method is "GET" unless given. */
static int http(int port, const char *method, const char *path, char **body)
{
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
                return -1;
        }
        char req[256];
        int n = snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: test\r\n\r\n",
                         method, path);
        assert_int_equal(write(fd, req, (size_t)n), n);
        size_t len = 0, cap = 1 << 16;
        char *buf = malloc(cap);
        ssize_t r;
        while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
                len += (size_t)r;
                if (len + 1 == cap) {
                        buf = realloc(buf, cap *= 2);
                }
        }
        close(fd);
        buf[len] = '\0';
        int code = -1;
        sscanf(buf, "HTTP/1.%*d %d", &code);
        char *b = strstr(buf, "\r\n\r\n");
        *body = strdup(b ? b + 4 : "");
        free(buf);
        return code;
}

/* ---- the exposition format ---- */

/*
 * Checks every line of a /metrics body: comments are "# HELP name text" or
 * "# TYPE name type"; samples are `name{labels} value` of a family whose
 * TYPE came first; counters end in _total; histograms have _bucket with le,
 * _sum and _count. Fails the test on the first bad line.
 */
static void check_exposition(const char *text)
{
        regex_t sample, type;
        assert_int_equal(
            regcomp(&sample,
                    "^([a-zA-Z_:][a-zA-Z0-9_:]*)"
                    "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\""
                    "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})?"
                    " ([-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$",
                    REG_EXTENDED),
            0);
        assert_int_equal(regcomp(&type,
                                 "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
                                 "(counter|gauge|histogram)$",
                                 REG_EXTENDED),
                         0);
        char *copy = strdup(text), *save = NULL;
        char fam[128] = "", famtype[16] = "";
        int samples = 0;
        assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
        for (char *line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                regmatch_t m[3];
                if (strncmp(line, "# HELP ", 7) == 0) {
                        continue;
                }
                if (line[0] == '#') {
                        if (regexec(&type, line, 3, m, 0) != 0) {
                                fail_msg("bad comment line: %s", line);
                        }
                        snprintf(fam, sizeof(fam), "%.*s",
                                 (int)(m[1].rm_eo - m[1].rm_so),
                                 line + m[1].rm_so);
                        snprintf(famtype, sizeof(famtype), "%.*s",
                                 (int)(m[2].rm_eo - m[2].rm_so),
                                 line + m[2].rm_so);
                        if (strcmp(famtype, "counter") == 0 &&
                            strcmp(fam + strlen(fam) - 6, "_total") != 0) {
                                fail_msg("counter without _total: %s", fam);
                        }
                        continue;
                }
                if (regexec(&sample, line, 2, m, 0) != 0) {
                        fail_msg("bad sample line: %s", line);
                }
                char name[128];
                snprintf(name, sizeof(name), "%.*s",
                         (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
                size_t fl = strlen(fam);
                int ok = strcmp(name, fam) == 0;
                if (strcmp(famtype, "histogram") == 0) {
                        ok = strncmp(name, fam, fl) == 0 &&
                             (strcmp(name + fl, "_sum") == 0 ||
                              strcmp(name + fl, "_count") == 0 ||
                              (strcmp(name + fl, "_bucket") == 0 &&
                               strstr(line, "le=\"")));
                }
                if (!ok) {
                        fail_msg("sample %s outside its family %s", line, fam);
                }
                samples++;
        }
        assert_true(samples > 0);
        free(copy);
        regfree(&sample);
        regfree(&type);
}

/* The value of the sample whose `name{labels}` is series, or -1. */
static double value_of(const char *text, const char *series)
{
        size_t n = strlen(series);
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
                if (strncmp(p, series, n) == 0 && p[n] == ' ') {
                        return strtod(p + n + 1, NULL);
                }
        }
        return -1;
}

/* ---- tests ---- */

static nf_conf_t *conf_with(const char *listen)
{
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "metrics.listen", listen);
        /* secrets present in the configuration must never reach a scrape */
        nf_conf_set(conf, "sasl.password", "hunter2-sasl");
        nf_conf_set(conf, "ssl.key.password", "hunter2-key");
        char errstr[256];
        assert_int_equal(nf_config_finish(conf, errstr, sizeof(errstr)), 0);
        return conf;
}

static char *read_file(const char *path)
{
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        char *buf = calloc(1, 1 << 20);
        size_t n = fread(buf, 1, (1 << 20) - 1, fp);
        fclose(fp);
        assert_true(n > 0);
        return buf;
}

static void test_scrape(void **state)
{
        char errstr[256];
        nf_conf_t *conf = conf_with("127.0.0.1:0");
        const nf_processor_t *procs[] = {&dedup, &tag};
        nf_chain_t *chain = nf_chain_new_with(procs, 2, conf, errstr,
                                              sizeof(errstr));
        assert_non_null(chain);
        static const char *const texts[] = {"one", "two", "a dup", "three"};
        for (size_t i = 0; i < 4; i++) {
                nf_article_t *art = nf_article_new();
                nf_article_set(art, NF_F_TEXT, texts[i], strlen(texts[i]));
                nf_outcome_t out;
                nf_outcome_init(&out);
                nf_chain_process(chain, art, &out);
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }

        nf_stats_t stats;
        nf_stats_init(&stats);
        stats.chain = chain;
        atomic_store(&stats.in, 7);
        atomic_store(&stats.out, 5);
        atomic_store(&stats.dropped, 1);
        nf_stats_dlq_reason(&stats, "decode.not_json");
        nf_stats_dlq_reason(&stats, "decode.not_json");
        nf_stats_dlq_reason(&stats, "we\"ird\\reason\nhere");
        nf_stats_update_from_chain(&stats, chain);
        char *json = read_file(FIXTURE);
        assert_int_equal(nf_stats_update_from_rdkafka_json(&stats, json), 0);
        free(json);

        nf_metrics_t *m = nf_metrics_new(conf, &stats, errstr, sizeof(errstr));
        assert_non_null(m);
        assert_true(nf_metrics_port(m) > 0);
        char *body;
        assert_int_equal(http(nf_metrics_port(m), "GET", "/metrics", &body),
                         200);
        check_exposition(body);

        static const struct {
                const char *series;
                double value;
        } want[] = {
            {"newsflow_up", 1},
            {"newsflow_build_info{version=\"" NF_VERSION "\"}", 1},
            {"newsflow_records_in_total", 7},
            {"newsflow_records_out_total", 5},
            {"newsflow_records_dropped_total", 1},
            {"newsflow_dlq_records_total{reason=\"decode.not_json\"}", 2},
            {"newsflow_dlq_records_total{reason=\"we\\\"ird\\\\reason\\nhere\"}", 1},
            {"newsflow_consumer_lag{topic=\"articles.raw\",partition=\"0\"}", 15},
            {"newsflow_consumer_lag{topic=\"articles.raw\",partition=\"2\"}", 0},
            {"newsflow_dedup_index_documents", 42},
            {"newsflow_tag_hits_total{category=\"countries\"}", 3},
            {"newsflow_tag_hits_total{category=\"topics\"}", 2},
            {"newsflow_processor_records_total{processor=\"dedup\",outcome=\"in\"}", 4},
            {"newsflow_processor_records_total{processor=\"dedup\",outcome=\"out\"}", 3},
            {"newsflow_processor_records_total{processor=\"dedup\",outcome=\"dropped\"}", 1},
            {"newsflow_processor_records_total{processor=\"dedup\",outcome=\"rejected\"}", 0},
            {"newsflow_processor_records_total{processor=\"tag\",outcome=\"in\"}", 3},
            {"newsflow_processor_seconds_bucket{processor=\"tag\",le=\"+Inf\"}", 3},
            {"newsflow_processor_seconds_count{processor=\"tag\"}", 3},
            {"newsflow_processor_seconds_count{processor=\"dedup\"}", 4},
        };
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
                double v = value_of(body, want[i].series);
                if (v != want[i].value) {
                        fail_msg("%s: got %g, want %g\n%s", want[i].series, v,
                                 want[i].value, body);
                }
        }
        /* absent from the statistics = absent from the scrape */
        assert_null(strstr(body, "partition=\"1\""));
        assert_null(strstr(body, "partition=\"-1\""));
        assert_null(strstr(body, "bogus"));
        assert_null(strstr(body, "hunter2"));
        assert_null(strstr(body, "password"));
        free(body);

        assert_int_equal(http(nf_metrics_port(m), "GET", "/nope", &body), 404);
        free(body);
        assert_int_equal(http(nf_metrics_port(m), "POST", "/metrics", &body),
                         405);
        free(body);

        nf_metrics_destroy(m);
        nf_stats_fini(&stats);
        nf_chain_destroy(chain);
        nf_conf_destroy(conf);
}

/* Processors without stats(): no dedup or tag families at all. */
static void test_absent_processor_stats(void **state)
{
        char errstr[256];
        nf_conf_t *conf = nf_conf_new();
        const nf_processor_t *procs[] = {&plain};
        nf_chain_t *chain = nf_chain_new_with(procs, 1, conf, errstr,
                                              sizeof(errstr));
        nf_stats_t stats;
        nf_stats_init(&stats);
        nf_stats_update_from_chain(&stats, chain);
        char *text = nf_metrics_render(&stats);
        check_exposition(text);
        assert_null(strstr(text, "newsflow_dedup_index_documents"));
        assert_null(strstr(text, "newsflow_tag_hits_total"));
        assert_null(strstr(text, "newsflow_processor_")); /* chain unset */
        free(text);
        nf_stats_fini(&stats);
        nf_chain_destroy(chain);
        nf_conf_destroy(conf);
}

static void expect(int port, const char *path, int code, const char *needle)
{
        char *body;
        int got = http(port, "GET", path, &body);
        if (got != code || !strstr(body, needle)) {
                fail_msg("%s: %d \"%s\", want %d with \"%s\"", path, got, body,
                         code, needle);
        }
        free(body);
}

static void test_probes(void **state)
{
        char errstr[256];
        nf_conf_t *conf = conf_with("127.0.0.1:0");
        nf_stats_t stats;
        nf_stats_init(&stats);
        nf_metrics_t *m = nf_metrics_new(conf, &stats, errstr, sizeof(errstr));
        assert_non_null(m);
        int port = nf_metrics_port(m);

        expect(port, "/healthz", 200, "ok"); /* not polled yet: starting */
        expect(port, "/readyz", 503, "group not joined");
        atomic_store(&stats.group_joined, 1);
        expect(port, "/readyz", 503, "state not restored");
        atomic_store(&stats.state_restored, 1);
        expect(port, "/readyz", 503, "not polled yet");
        nf_stats_polled(&stats);
        expect(port, "/readyz", 200, "ready");
        expect(port, "/healthz", 200, "ok");
        /* defaults: ready within 10 s of a poll, alive within 60 s */
        atomic_store(&stats.last_poll_ms, nf_stats_now_ms() - 20000);
        expect(port, "/readyz", 503, "last poll");
        expect(port, "/healthz", 200, "ok");
        atomic_store(&stats.last_poll_ms, nf_stats_now_ms() - 120000);
        expect(port, "/healthz", 503, "stalled");
        nf_stats_polled(&stats);
        atomic_store(&stats.group_joined, 0); /* rebalance: lost the group */
        expect(port, "/readyz", 503, "group not joined");

        nf_metrics_destroy(m);
        nf_stats_fini(&stats);
        nf_conf_destroy(conf);
}

static void test_rdkafka_stats(void **state)
{
        nf_stats_t stats;
        nf_stats_init(&stats);
        char *json = read_file(FIXTURE);
        assert_int_equal(nf_stats_update_from_rdkafka_json(&stats, json), 0);
        free(json);
        /* In the fixture: p0 lag 15, p1 lag -1 (nothing committed yet),
         * p2 lag 0, p-1 librdkafka's internal placeholder. */
        assert_int_equal(stats.nlag, 2);
        assert_int_equal(nf_stats_lag_get(&stats, "articles.raw", 0), 15);
        assert_int_equal(nf_stats_lag_get(&stats, "articles.raw", 1), -1);
        assert_int_equal(nf_stats_lag_get(&stats, "articles.raw", 2), 0);
        assert_int_equal(nf_stats_lag_get(&stats, "articles.raw", -1), -1);

        static const struct {
                const char *json;
                int rc;
                size_t nlag; /* table size afterwards */
        } cases[] = {
            {"not json", -1, 2},
            {"[1,2]", -1, 2},
            /* a producer's statistics leave the consumer's lag alone */
            {"{\"type\":\"producer\",\"topics\":{}}", 0, 2},
            /* revoked (fetch_state stopped) or not desired: not exported */
            {"{\"type\":\"consumer\",\"topics\":{\"t\":{\"partitions\":{"
             "\"0\":{\"consumer_lag\":9,\"fetch_state\":\"stopped\"},"
             "\"1\":{\"consumer_lag\":9,\"fetch_state\":\"active\","
             "\"desired\":false},"
             "\"2\":{\"consumer_lag\":7,\"fetch_state\":\"active\"},"
             "\"x\":{\"consumer_lag\":7},"
             "\"3\":{\"consumer_lag\":\"7\"}}}}}",
             0, 1},
            /* no topics: an empty table */
            {"{\"type\":\"consumer\"}", 0, 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                int rc = nf_stats_update_from_rdkafka_json(&stats,
                                                           cases[i].json);
                if (rc != cases[i].rc || stats.nlag != cases[i].nlag) {
                        fail_msg("case %zu: rc %d nlag %zu", i, rc,
                                 stats.nlag);
                }
        }
        nf_stats_fini(&stats);
}

static void test_listen_values(void **state)
{
        static const struct {
                const char *listen;
                int ok;
        } cases[] = {
            {"0.0.0.0:9090", 1}, {"127.0.0.1:0", 1}, {"[::]:9090", 1},
            {":9090", 1},        {"localhost:9090", 1}, {"9090", 0},
            {"host:", 0},        {"host:http", 0},   {"::1:9090", 0},
            {"[::1:9090", 0},    {"h:70000", 0},     {"h:-1", 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
                char errstr[256] = "";
                int r = nf_metrics_listen_check(cases[i].listen, errstr,
                                                sizeof(errstr));
                if ((r == 0) != cases[i].ok) {
                        fail_msg("%s: r=%d %s", cases[i].listen, r, errstr);
                }
        }
        /* and through the configuration, so `newsflow check` catches it */
        char errstr[256];
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "metrics.listen", "9090");
        assert_int_equal(nf_config_finish(conf, errstr, sizeof(errstr)), -1);
        assert_non_null(strstr(errstr, "metrics.listen"));
        nf_conf_destroy(conf);
        /* a port in use is a start-up error naming the key */
        conf = conf_with("127.0.0.1:0");
        nf_stats_t stats;
        nf_stats_init(&stats);
        nf_metrics_t *m = nf_metrics_new(conf, &stats, errstr, sizeof(errstr));
        assert_non_null(m);
        char busy[64];
        snprintf(busy, sizeof(busy), "127.0.0.1:%d", nf_metrics_port(m));
        nf_conf_t *conf2 = conf_with(busy);
        assert_null(nf_metrics_new(conf2, &stats, errstr, sizeof(errstr)));
        assert_non_null(strstr(errstr, "metrics.listen"));
        nf_conf_destroy(conf2);
        nf_metrics_destroy(m);
        nf_stats_fini(&stats);
        nf_conf_destroy(conf);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_scrape),
            cmocka_unit_test(test_absent_processor_stats),
            cmocka_unit_test(test_probes),
            cmocka_unit_test(test_rdkafka_stats),
            cmocka_unit_test(test_listen_values),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
