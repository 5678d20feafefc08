/*
 * test_digest.c — the config digest: stable, changed by what changes
 * records (a processor key, the bytes of a rule file), unchanged by what
 * does not (Kafka settings, a rule file's path, keys of processors not in
 * the chain), and an unreadable rule file is an error naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stage/config.h"
#include "stage/digest.h"

#define DIR "build/tests/digest"

static void write_file(const char *path, const char *text)
{
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(text, fp);
        fclose(fp);
}

/* The digest of the base settings plus kv (NULL-terminated), or "" when it
 * fails (errstr then holds the reason). */
static void digest(const char *const *kv, char out[NF_DIGEST_LEN + 1],
                   char *errstr, size_t errstr_size)
{
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "processors", "clean,tag");
        nf_conf_set(conf, "clean.patterns.file", DIR "/a.pat");
        for (; *kv; kv++) {
                assert_int_equal(nf_conf_set_kv(conf, *kv, errstr, errstr_size),
                                 0);
        }
        assert_int_equal(nf_config_finish(conf, errstr, errstr_size), 0);
        if (nf_config_digest(conf, out, errstr, errstr_size) == -1) {
                out[0] = '\0';
        }
        nf_conf_destroy(conf);
}

static void test_digest(void **state)
{
        assert_int_equal(system("mkdir -p " DIR), 0);
        write_file(DIR "/a.pat", "^Share this$\n");
        write_file(DIR "/b.pat", "^Share this$\n");
        write_file(DIR "/c.pat", "^Share that$\n");
        static const struct {
                const char *kv[3];
                int same; /* as the base digest */
        } cases[] = {
            {{NULL}, 1},
            {{"bootstrap.servers=elsewhere:9092", "group.id=other", NULL}, 1},
            {{"log.level=debug", "linger.ms=50", NULL}, 1},
            {{"clean.patterns.file=" DIR "/b.pat", NULL}, 1}, /* same bytes */
            {{"clean.patterns.file=" DIR "/c.pat", NULL}, 0},
            {{"tag.max=3", NULL}, 0},
            {{"clean.min.words=7", NULL}, 0},
            {{"processors=clean", NULL}, 0},
            {{"processors=clean", "tag.max=3", NULL}, -1}, /* vs previous */
            {{"input.max.bytes=100", NULL}, 0},
        };
        char base[NF_DIGEST_LEN + 1], d[NF_DIGEST_LEN + 1],
            prev[NF_DIGEST_LEN + 1] = "", errstr[512];
        digest(cases[0].kv, base, errstr, sizeof(errstr));
        assert_int_equal(strlen(base), NF_DIGEST_LEN);
        assert_int_equal(strspn(base, "0123456789abcdef"), NF_DIGEST_LEN);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                digest(cases[i].kv, d, errstr, sizeof(errstr));
                assert_int_equal(strlen(d), NF_DIGEST_LEN);
                if (cases[i].same == 1) {
                        assert_string_equal(d, base);
                } else if (cases[i].same == 0) {
                        assert_string_not_equal(d, base);
                } else {
                        assert_string_equal(d, prev);
                }
                memcpy(prev, d, sizeof(prev));
        }
        /* An unreadable rule file is an error that names it. */
        static const char *const missing[] = {
            "clean.patterns.file=" DIR "/missing.pat", NULL};
        digest(missing, d, errstr, sizeof(errstr));
        assert_string_equal(d, "");
        assert_non_null(strstr(errstr, DIR "/missing.pat"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_digest),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
