/*
 * html_stopwords.h — small stopword lists for the HTML extractor.
 *
 * The main-content scorer (html_extract.c) measures, per text block, the
 * share of words that are function words of the page's language: running
 * prose has many ("der", "und", "the", "of"), menus, teasers and captions
 * few. jusText showed that this one feature separates boilerplate from prose
 * better than length alone. The lists are short (the ~100-150 most frequent
 * function words) because the density only needs to be comparable between
 * blocks of one page, not calibrated against a corpus.
 *
 * Thread-safe: the lookup table is built once on first use (pthread_once)
 * and is read-only afterwards.
 */
#ifndef NF_HTML_STOPWORDS_H
#define NF_HTML_STOPWORDS_H

#include <stddef.h>

typedef enum {
        NF_SW_EN = 0,
        NF_SW_DE,
        NF_SW_FR,
        NF_SW_ES,
        NF_SW_IT,
        NF_SW_NL,
        NF_SW_PT,
        NF_SW_PL,
        NF_SW__COUNT
} nf_sw_lang_t;

/* ISO 639-1 code of lang ("en", ...); never NULL for a valid lang. */
const char *nf_stopwords_code(nf_sw_lang_t lang);

/*
 * Returns the bit mask (1 << nf_sw_lang_t) of the languages in which the
 * len bytes at word are a stopword, 0 when none. word must already be
 * lower-cased (ASCII letters; UTF-8 letters are stored in lower case).
 */
unsigned nf_stopwords_lookup(const char *word, size_t len);

#endif
