/*
 * fuzz_clean_html.c — libFuzzer harness: the clean processor, through the
 * chain, on an article whose html is the input (libxml2 parse, main-content
 * pick, metadata, then the paragraph layout). Inputs that decode could never
 * produce (invalid UTF-8, NUL) are skipped.
 */
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static nf_chain_t *chain;
        if (!chain) {
                chain = fuzz_chain("clean");
        }
        if (!fuzz_is_article_string(data, size)) {
                return -1;
        }
        nf_article_t *art = nf_article_new();
        nf_article_take(art, NF_F_HTML, fuzz_strndup(data, size));
        fuzz_run(chain, art);
        return 0;
}
