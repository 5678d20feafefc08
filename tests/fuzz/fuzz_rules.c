/*
 * fuzz_rules.c — libFuzzer harness: the tag rule-file loader (JSON rule
 * file -> compiled rule set, PCRE2 compile and JIT, alias indexing), then
 * the engine over a fixed sentence with the rules it built.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "processors/tag_engine.h"
#include "tests/fuzz/fuzz_util.h"

static const char sample_title[] = "France and the UN: Mr Jean Dupont said";
static const char sample_text[] =
    "PARIS (Reuters) - The foreign minister Anna Kowalska said on Monday that "
    "the European Union, NATO and U.S. officials met in São Paulo. "
    "Inflation rose; the central bank held rates.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        int fd = memfd_create("fuzz-rules", 0);
        if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
                if (fd >= 0) {
                        close(fd);
                }
                return 0;
        }
        char path[64], errstr[1024];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        const char *paths[] = {path};
        nf_tag_limits_t lim = {.match_limit = 10000, .depth_limit = 1000};
        nf_tag_rules_t *rules = nf_tag_rules_load(paths, 1, &lim, errstr,
                                                  sizeof(errstr));
        close(fd);
        if (rules) {
                nf_tag_engine_t *eng = nf_tag_engine_new(rules, NULL);
                json_decref(nf_tag_engine_tag(eng, sample_title, sample_text,
                                              "en", 2));
                json_decref(nf_tag_engine_stats(eng, 5));
                nf_tag_engine_destroy(eng);
        }
        return 0;
}
