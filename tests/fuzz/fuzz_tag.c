/*
 * fuzz_tag.c — libFuzzer harness: the tag processor with the shipped rules
 * (deploy/rules: run from the repository root), through the chain. The
 * input's first line is the title, the rest the text; a leading "@xx\n"
 * sets lang (so language-specific rules and the people finder run without
 * language identification deciding).
 */
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static nf_chain_t *chain;
        if (!chain) {
                chain = fuzz_chain("tag");
        }
        if (!fuzz_is_article_string(data, size)) {
                return -1;
        }
        nf_article_t *art = nf_article_new();
        if (size >= 4 && data[0] == '@' && data[3] == '\n') {
                nf_article_set(art, NF_F_LANG, (const char *)data + 1, 2);
                data += 4;
                size -= 4;
        }
        const uint8_t *nl = memchr(data, '\n', size);
        if (nl) {
                nf_article_set(art, NF_F_TITLE, (const char *)data,
                               (size_t)(nl - data));
                size -= (size_t)(nl - data) + 1;
                data = nl + 1;
        }
        nf_article_take(art, NF_F_TEXT, fuzz_strndup(data, size));
        fuzz_run(chain, art);
        return 0;
}
