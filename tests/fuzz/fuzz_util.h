/*
 * fuzz_util.h — shared by the libFuzzer harnesses: what decode guarantees
 * every processor (valid UTF-8, no NUL), and a chain built from defaults.
 */
#ifndef NF_FUZZ_UTIL_H
#define NF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/conf.h"
#include "processors/chain.h"
#include "stage/config.h"

/* Whether data is what a decoded article string can be: valid UTF-8 (no
 * surrogates, nothing over U+10FFFF, no overlong forms) without NUL. */
static inline int fuzz_is_article_string(const uint8_t *data, size_t size)
{
        size_t i = 0;
        while (i < size) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t n = utf8proc_iterate(data + i,
                                                      (utf8proc_ssize_t)(size - i), &cp);
                if (n <= 0 || cp == 0) {
                        return 0;
                }
                i += (size_t)n;
        }
        return 1;
}

/* A NUL-terminated copy of data; caller frees. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);
        if (!s) {
                abort();
        }
        memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

/* The chain `processors=list` with every default applied, as `newsflow`
 * builds it (rules found in ./deploy/rules: run from the repository root). */
static inline nf_chain_t *fuzz_chain(const char *list)
{
        char errstr[1024];
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "processors", list);
        if (nf_config_finish(conf, errstr, sizeof(errstr)) != 0) {
                abort();
        }
        nf_chain_t *chain = nf_chain_new(conf, errstr, sizeof(errstr));
        nf_conf_destroy(conf);
        if (!chain) {
                abort();
        }
        return chain;
}

/* Runs art through chain and frees everything. */
static inline void fuzz_run(nf_chain_t *chain, nf_article_t *art)
{
        nf_outcome_t out;
        nf_outcome_init(&out);
        if (nf_chain_process(chain, art, &out) == NF_PASS) {
                nf_encode_meta_t meta = {.version = "fuzz"};
                size_t len;
                free(nf_article_encode(art, &meta, &len));
        }
        nf_outcome_fini(&out);
        nf_article_destroy(art);
}

#endif
