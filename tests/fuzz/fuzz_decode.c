/*
 * fuzz_decode.c — libFuzzer harness: input record decoding (JSON -> article)
 * and encoding back, as the stage does for every message.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/article.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char reason[64], errstr[512];
        nf_decode_limits_t lim = {.max_bytes = 1 << 20, .max_depth = 64};
        nf_article_t *art = nf_article_decode((const char *)data, size, &lim,
                                              reason, sizeof(reason), errstr,
                                              sizeof(errstr));
        if (art) {
                nf_encode_meta_t meta = {.version = "fuzz"};
                size_t len;
                free(nf_article_encode(art, &meta, &len));
                nf_article_destroy(art);
        }
        return 0;
}
