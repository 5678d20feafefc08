/*
 * test_fuzz_replay.c — replays every fuzzing seed (tests/fuzz/corpus/NAME/)
 * and every input a harness once crashed on (tests/fuzz/regress/NAME/,
 * named by what they are) through the harness code itself, so the findings
 * stay fixed in every build: plain, SANITIZE=address,undefined (where a
 * memory error aborts the test) and `make memcheck` (valgrind).
 * Each harness is compiled in here under its own name.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LLVMFuzzerTestOneInput fuzz_decode_one
#include "tests/fuzz/fuzz_decode.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "tests/fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_clean_text_one
#include "tests/fuzz/fuzz_clean_text.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_clean_html_one
#include "tests/fuzz/fuzz_clean_html.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_tag_one
#include "tests/fuzz/fuzz_tag.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_rules_one
#include "tests/fuzz/fuzz_rules.c"
#undef LLVMFuzzerTestOneInput

typedef int (*one_fn)(const uint8_t *, size_t);

/* Runs fn on every file of dir; returns how many (0 if dir is missing). */
static int replay_dir(const char *dir, one_fn fn)
{
        DIR *d = opendir(dir);
        if (!d) {
                return 0;
        }
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.') {
                        continue;
                }
                char path[1024];
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                FILE *f = fopen(path, "rb");
                assert_non_null(f);
                fseek(f, 0, SEEK_END);
                long len = ftell(f);
                fseek(f, 0, SEEK_SET);
                uint8_t *buf = malloc((size_t)len + 1);
                assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
                fclose(f);
                fn(buf, (size_t)len); /* must return: no crash, no abort */
                free(buf);
                n++;
        }
        closedir(d);
        return n;
}

static void replay(const char *name, one_fn fn)
{
        char dir[256];
        snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s", name);
        int seeds = replay_dir(dir, fn);
        snprintf(dir, sizeof(dir), "tests/fuzz/regress/%s", name);
        int found = replay_dir(dir, fn);
        print_message("%s: %d seeds, %d regressions\n", name, seeds, found);
        assert_true(seeds > 0); /* the seed corpus is in the repository */
}

static void test_decode(void **state)
{
        replay("decode", fuzz_decode_one);
}

static void test_config(void **state)
{
        replay("config", fuzz_config_one);
}

static void test_clean_text(void **state)
{
        replay("clean_text", fuzz_clean_text_one);
}

static void test_clean_html(void **state)
{
        replay("clean_html", fuzz_clean_html_one);
}

static void test_tag(void **state)
{
        replay("tag", fuzz_tag_one);
}

static void test_rules(void **state)
{
        replay("rules", fuzz_rules_one);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_decode),     cmocka_unit_test(test_config),
            cmocka_unit_test(test_clean_text), cmocka_unit_test(test_clean_html),
            cmocka_unit_test(test_tag),        cmocka_unit_test(test_rules),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
