/*
 * article_decode.h — the two decoders behind nf_article_decode().
 *
 * nf_article_decode() (article.h) first tries the stream decoder, a yajl
 * event parser that fills the article's fields directly and builds jansson
 * values only for unknown fields. It handles the common record: a valid JSON
 * object whose known fields are strings. For anything else it declines, and
 * the tree decoder (jansson: the whole document as a tree, then the fields)
 * decides, so every error reason and message comes from one place. The tree
 * decoder is the reference: for every input the stream decoder accepts, both
 * must produce the same article (tests/unit/test_article_decode.c and the
 * decode fuzz harness check this).
 *
 * Exposed for those tests; the stage calls nf_article_decode() only.
 */
#ifndef NF_ARTICLE_DECODE_H
#define NF_ARTICLE_DECODE_H

#include "common/article.h"

/*
 * Stream decoder. Returns a new article (caller owns it), or NULL when it
 * declines: the input is not the common case (invalid JSON or UTF-8, \u0000,
 * a \uD800-\uDFFF escape, a duplicate key, a non-string known field, nesting
 * deeper than max_depth or 64, a top level that is not an object) or memory
 * ran out. Declining is never an error: the tree decoder then decides.
 * Does not apply the no_body rule or the size limit.
 */
nf_article_t *nf_article_decode_stream(const char *buf, size_t len,
                                       int max_depth);

/*
 * Tree decoder (jansson). Same contract as nf_article_decode() without the
 * size limit and the no_body rule.
 */
nf_article_t *nf_article_decode_tree(const char *buf, size_t len, int max_depth,
                                     char *reason, size_t reason_size,
                                     char *errstr, size_t errstr_size);

/*
 * The article field an input key fills, or -1 for an unknown key (carried
 * in `extra`). For the text aliases ("text", "content", "body") *rank is the
 * alias's preference (0 best; a better alias wins whatever the key order),
 * else -1.
 */
int nf_article_key_field(const char *key, int *rank);

#endif
