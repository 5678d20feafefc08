/*
 * fuzz_clean_text.c — libFuzzer harness: the clean processor, through the
 * chain, on an article whose text is the input (the text path: textnorm,
 * the line classifier, boilerplate patterns, title/summary recovery).
 * Inputs that decode could never produce (invalid UTF-8, NUL) are skipped.
 */
#include "tests/fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static nf_chain_t *chain;
        if (!chain) {
                chain = fuzz_chain("clean");
        }
        if (!fuzz_is_article_string(data, size)) {
                return -1; /* not added to the corpus */
        }
        nf_article_t *art = nf_article_new();
        nf_article_take(art, NF_F_TEXT, fuzz_strndup(data, size));
        fuzz_run(chain, art);
        return 0;
}
