/*
 * test_log.c — the logger, through what it writes on stderr (captured with
 * a pipe): one line per event, valid JSON in json mode (read back with
 * jansson), logfmt quoting, the level filter, and secret-looking keys whose
 * values never appear.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

/* ---- stderr capture ---- */

static int saved_fd = -1, pipe_rd = -1;

static void capture_start(void)
{
        int p[2];
        assert_int_equal(pipe(p), 0);
        /* 1 MiB: everything a test logs fits, so writes never block */
        fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
        saved_fd = dup(STDERR_FILENO);
        assert_true(dup2(p[1], STDERR_FILENO) >= 0);
        close(p[1]);
        pipe_rd = p[0];
}

/* Restores stderr and returns what was written meanwhile (caller frees). */
static char *capture_end(void)
{
        dup2(saved_fd, STDERR_FILENO);
        close(saved_fd);
        size_t len = 0, cap = 1 << 16;
        char *buf = malloc(cap);
        ssize_t r;
        while ((r = read(pipe_rd, buf + len, cap - len - 1)) > 0) {
                len += (size_t)r;
                if (len + 1 == cap) {
                        buf = realloc(buf, cap *= 2);
                }
        }
        close(pipe_rd);
        buf[len] = '\0';
        return buf;
}

static size_t count_lines(const char *s)
{
        size_t n = 0;
        for (; *s; s++) {
                n += *s == '\n';
        }
        return n;
}

/* Awkward values: each must still give exactly one line, and in json mode
 * one valid JSON object whose field reads back as `back`. */
static char long_value[20000];
static const struct {
        const char *msg, *key, *value;
        const char *back; /* the value jansson reads back; NULL = value */
} events[] = {
    {"plain", "k", "v", NULL},
    {"with space", "k", "a b = c", NULL},
    {"multi\nline\r\nmessage", "k", "line1\nline2", NULL},
    {"quotes", "k", "say \"hi\" \\ back", NULL},
    {"control", "k", "a\001b\tc\x7f", NULL},
    {"utf-8", "k", "Łódź – Zürich – 東京", NULL},
    {"invalid utf-8", "k", "bad\xff\xfe byte \xc3", "bad\xef\xbf\xbd\xef\xbf\xbd byte \xef\xbf\xbd"},
    {"empty", "k", "", NULL},
    {"long", "k", long_value, "-"},
};
#define NEVENTS (sizeof(events) / sizeof(*events))

static void log_events(void)
{
        memset(long_value, 'x', sizeof(long_value) - 1);
        for (size_t i = 0; i < NEVENTS; i++) {
                nf_log(NF_LOG_INFO, events[i].msg, events[i].key,
                       events[i].value, "n", "1", NULL);
        }
}

static void test_json_lines(void **state)
{
        nf_log_setup(NF_LOG_DEBUG, NF_LOG_JSON);
        capture_start();
        log_events();
        char *out = capture_end();
        assert_int_equal(count_lines(out), NEVENTS);
        char *save = NULL;
        size_t i = 0;
        for (char *line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save), i++) {
                json_error_t err;
                json_t *o = json_loads(line, 0, &err);
                if (!json_is_object(o)) {
                        fail_msg("event %zu: not JSON (%s): %.200s", i,
                                 err.text, line);
                }
                assert_string_equal(json_string_value(json_object_get(o, "level")),
                                    "info");
                assert_non_null(json_string_value(json_object_get(o, "ts")));
                const char *msg = json_string_value(json_object_get(o, "msg"));
                assert_non_null(msg);
                const char *v = json_string_value(json_object_get(o, "k"));
                const char *want = events[i].back ? events[i].back
                                                  : events[i].value;
                if (strcmp(want, "-") == 0) {
                        /* truncated, still valid, and says so */
                        assert_non_null(v);
                        assert_true(strlen(v) < strlen(events[i].value));
                        assert_true(json_is_true(json_object_get(o, "truncated")));
                } else {
                        assert_string_equal(msg, events[i].msg);
                        assert_non_null(v);
                        assert_string_equal(v, want);
                        assert_string_equal(
                            json_string_value(json_object_get(o, "n")), "1");
                }
                json_decref(o);
        }
        free(out);
}

/* Lines cut anywhere (many fields, long keys) are still one valid object. */
static void test_json_cut_anywhere(void **state)
{
        nf_log_setup(NF_LOG_DEBUG, NF_LOG_JSON);
        char key[200], val[300];
        capture_start();
        for (size_t klen = 1; klen < sizeof(key); klen += 37) {
                memset(key, 'k', klen);
                key[klen] = '\0';
                for (size_t vlen = 0; vlen < sizeof(val); vlen += 53) {
                        memset(val, 'v', vlen);
                        val[vlen] = '\0';
                        nf_log(NF_LOG_INFO, "many", key, val, key, val, key,
                               val, key, val, key, val, key, val, key, val,
                               key, val, key, val, key, val, key, val, key,
                               val, key, val, key, val, key, val, key, val,
                               NULL);
                }
        }
        char *out = capture_end();
        char *save = NULL;
        size_t lines = 0;
        for (char *line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save), lines++) {
                json_error_t err;
                json_t *o = json_loads(line, 0, &err);
                if (!json_is_object(o)) {
                        fail_msg("not JSON (%s): %s", err.text, line);
                }
                assert_true(strlen(line) < 4096);
                json_decref(o);
        }
        assert_int_equal(lines, 6 * 6);
        free(out);
}

static void test_logfmt_lines(void **state)
{
        nf_log_setup(NF_LOG_DEBUG, NF_LOG_LOGFMT);
        capture_start();
        log_events();
        nf_log(NF_LOG_WARN, "fields", "topic", "articles.raw", "reason",
               "decode.not_json", "msg2", "two words", NULL);
        char *out = capture_end();
        assert_int_equal(count_lines(out), NEVENTS + 1);
        assert_non_null(strstr(out, "level=info msg=\"plain\" k=v n=1\n"));
        assert_non_null(strstr(out, " k=\"a b = c\" "));
        assert_non_null(strstr(out, "msg=\"multi\\nline\\r\\nmessage\""));
        assert_non_null(strstr(out, " k=\"say \\\"hi\\\" \\\\ back\" "));
        assert_non_null(strstr(out, " k=\"\" "));
        assert_non_null(strstr(out, " truncated=true\n")); /* the long one */
        assert_non_null(strstr(out, "level=warn msg=\"fields\" topic=articles.raw "
                                    "reason=decode.not_json msg2=\"two words\"\n"));
        /* every line starts with ts= and has a level */
        char *save = NULL;
        for (char *line = strtok_r(out, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
                assert_int_equal(strncmp(line, "ts=", 3), 0);
                assert_non_null(strstr(line, " level="));
        }
        free(out);
}

static void test_levels(void **state)
{
        static const struct {
                nf_log_level_t min;
                const char *seen, *unseen;
        } cases[] = {
            {NF_LOG_DEBUG, "e-debug e-info e-warn e-error", ""},
            {NF_LOG_INFO, "e-info e-warn e-error", "e-debug"},
            {NF_LOG_WARN, "e-warn e-error", "e-debug e-info"},
            {NF_LOG_ERROR, "e-error", "e-debug e-info e-warn"},
        };
        static const char *const names[] = {"e-debug", "e-info", "e-warn",
                                            "e-error"};
        for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++) {
                for (int fmt = 0; fmt < 2; fmt++) {
                        nf_log_setup(cases[c].min, (nf_log_format_t)fmt);
                        capture_start();
                        for (int l = 0; l < 4; l++) {
                                nf_log((nf_log_level_t)l, names[l], NULL);
                                nf_logf((nf_log_level_t)l, "%s-f", names[l]);
                        }
                        char *out = capture_end();
                        for (int l = 0; l < 4; l++) {
                                int want = strstr(cases[c].seen, names[l]) != NULL;
                                char f[32];
                                snprintf(f, sizeof(f), "%s-f", names[l]);
                                if ((strstr(out, names[l]) != NULL) != want ||
                                    (strstr(out, f) != NULL) != want) {
                                        fail_msg("min %d fmt %d: %s %s:\n%s",
                                                 cases[c].min, fmt, names[l],
                                                 want ? "missing" : "logged",
                                                 out);
                                }
                        }
                        assert_int_equal(count_lines(out),
                                         2 * (size_t)(4 - cases[c].min));
                        free(out);
                }
        }
        assert_int_equal(nf_log_level_parse("warn"), NF_LOG_WARN);
        assert_int_equal(nf_log_level_parse("warning"), NF_LOG_WARN);
        assert_int_equal(nf_log_level_parse("loud"), -1);
}

static void test_secrets_redacted(void **state)
{
        static const char *const secret_keys[] = {
            "sasl.password",
            "ssl.key.password",
            "producer.sasl.password",
            "consumer.ssl.keystore.password",
            "sasl.oauthbearer.client.secret",
            "Password",
            "my_secret_token",
            "ssl.key.pem",
        };
        for (int fmt = 0; fmt < 2; fmt++) {
                nf_log_setup(NF_LOG_DEBUG, (nf_log_format_t)fmt);
                capture_start();
                for (size_t i = 0; i < sizeof(secret_keys) / sizeof(*secret_keys);
                     i++) {
                        char value[64];
                        snprintf(value, sizeof(value), "S3CR3T-%zu-value", i);
                        nf_log(NF_LOG_ERROR, "connecting", "bootstrap.servers",
                               "broker:9093", secret_keys[i], value,
                               "sasl.username", "alice", NULL);
                }
                char *out = capture_end();
                if (strstr(out, "S3CR3T")) {
                        fail_msg("a secret reached the log:\n%s", out);
                }
                assert_non_null(strstr(out, "[redacted]"));
                assert_non_null(strstr(out, "alice")); /* not a secret */
                assert_non_null(strstr(out, "broker:9093"));
                free(out);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_json_lines),
            cmocka_unit_test(test_json_cut_anywhere),
            cmocka_unit_test(test_logfmt_lines),
            cmocka_unit_test(test_levels),
            cmocka_unit_test(test_secrets_redacted),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
