/*
 * fuzz_decode.c — libFuzzer harness: input record decoding (JSON -> article)
 * and encoding back, as the stage does for every message.
 *
 * Differential as well: whatever the stream decoder (yajl) accepts, the tree
 * decoder (jansson, the reference) must accept too and decode to the same
 * article, compared by their encoded output (article_decode.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/article.h"
#include "common/article_decode.h"

static char *encoded(nf_article_t *art, size_t *len)
{
        nf_encode_meta_t meta = {.version = "fuzz"};
        char *out = nf_article_encode(art, &meta, len);
        nf_article_destroy(art);
        return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char reason[64], errstr[512];
        nf_decode_limits_t lim = {.max_bytes = 1 << 20, .max_depth = 64};
        nf_article_t *art = nf_article_decode((const char *)data, size, &lim,
                                              reason, sizeof(reason), errstr,
                                              sizeof(errstr));
        if (art) {
                size_t len;
                free(encoded(art, &len));
        }

        nf_article_t *fast = nf_article_decode_stream((const char *)data, size, 64);
        if (fast) {
                nf_article_t *ref = nf_article_decode_tree((const char *)data, size, 64,
                                                           reason, sizeof(reason),
                                                           errstr, sizeof(errstr));
                if (!ref) {
                        abort(); /* the stream decoder accepted what jansson refuses */
                }
                size_t a, b;
                char *ea = encoded(fast, &a), *eb = encoded(ref, &b);
                if (a != b || memcmp(ea, eb, a) != 0) {
                        abort(); /* the two decoders disagree */
                }
                free(ea);
                free(eb);
        }
        return 0;
}
