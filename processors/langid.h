/*
 * langid.h — language identification with libexttextcat (n-gram
 * fingerprints, Cavnar & Trenkle), returning ISO 639-1 codes.
 *
 * The language models and their list (fpdb.conf) come from Debian's
 * libexttextcat-data in /usr/share/libexttextcat. Their names look like
 * "en--utf8", "zh-CN-utf8" or "haw-utf8"; the code is the part before the
 * first '-', which is ISO 639-1 where the language has a two-letter code and
 * ISO 639-3 otherwise (as BCP 47 prescribes).
 *
 * Thread safety: nf_langid_detect() may be called from several threads at
 * once. It uses textcat_ClassifyFull() with a candidate array of its own
 * per call, which only reads the shared models (textcat_Classify() would
 * write its answer into a buffer in the handle).
 */
#ifndef NF_LANGID_H
#define NF_LANGID_H

#include <stddef.h>

typedef struct nf_langid_s nf_langid_t;

/*
 * Loads the models listed in conf (an fpdb.conf; model paths in it are
 * relative to datadir). NULL conf/datadir = /usr/share/libexttextcat.
 * Returns NULL with errstr set when the list or a model cannot be read.
 * Caller frees with nf_langid_destroy().
 */
nf_langid_t *nf_langid_new(const char *conf, const char *datadir, char *errstr,
                           size_t errstr_size);
void nf_langid_destroy(nf_langid_t *li); /* NULL is a no-op */

/*
 * Identifies the language of text[0..len) (valid UTF-8; only the first
 * max_bytes are used, cut at a character boundary). Writes the code into
 * out (NUL-terminated) and returns 0, or returns -1 when the text is too
 * short (under 20 bytes) or matches no model well enough.
 *
 * First pass: the words of the sample are looked up in the stopword lists
 * of html_stopwords.h (en de fr es it nl pt pl). When there are at least 20
 * words and one language's stopwords make at least a quarter of them with
 * 3x the hits of the runner-up, or at least a third of them with 2x the
 * hits of the runner-up and 3x the hits any other language has on words
 * that are not its own stopwords (lists share words: see langid.c), that
 * language is the answer. Every 72 words a clearer margin (a third, 3x,
 * 6x) answers without reading further. ~17k instructions for 1000 bytes of
 * English news instead of ~4M for all models. Otherwise, the answer is
 * nf_langid_detect_ngram()'s. Measured with bench/eval_langid.c on the
 * html-eval pages, the tag eval sets and 200 generated articles: the pass
 * answers 1265 of 1358 texts and agrees with libexttextcat alone on all
 * but two BBC English articles that libexttextcat calls Scots ("sco"); the
 * first rule alone answered 1223 (the same answers) and let 2.6% of
 * generated English articles through to libexttextcat; looser thresholds
 * (1/5 share, 2x) answer more but disagree on one more.
 */
int nf_langid_detect(nf_langid_t *li, const char *text, size_t len,
                     size_t max_bytes, char *out, size_t out_size);

/* The same as nf_langid_detect() with libexttextcat alone (no stopword
 * pass): the identifier of record, and the reference for evaluations. */
int nf_langid_detect_ngram(nf_langid_t *li, const char *text, size_t len,
                           size_t max_bytes, char *out, size_t out_size);

#endif
