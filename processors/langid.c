/*
 * langid.c — language identification: a stopword first pass, then the
 * libexttextcat n-gram classifier. See langid.h.
 */
#include "processors/langid.h"

#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DIR "/usr/share/libexttextcat"
#define MIN_BYTES 20

#include "processors/html_stopwords.h"

/* Stopword pass thresholds (measured: see langid.h). */
#define SW_MIN_TOKENS 20 /* words in the sample */
#define SW_MIN_SHARE 4   /* best language's hits >= tokens / SW_MIN_SHARE */
#define SW_MIN_RATIO 3   /* best >= SW_MIN_RATIO * runner-up */

struct nf_langid_s {
        void *tc; /* textcat handle; read-only once loaded */
};

nf_langid_t *nf_langid_new(const char *conf, const char *datadir, char *errstr,
                           size_t errstr_size)
{
        char confpath[4096], prefix[4096];
        if (!datadir || !*datadir) {
                datadir = DEFAULT_DIR;
        }
        snprintf(prefix, sizeof(prefix), "%s/", datadir);
        if (conf && *conf) {
                snprintf(confpath, sizeof(confpath), "%s", conf);
        } else {
                snprintf(confpath, sizeof(confpath), "%s/fpdb.conf", datadir);
        }
        void *tc = special_textcat_Init(confpath, prefix);
        if (!tc) {
                snprintf(errstr, errstr_size,
                         "libexttextcat could not load %s (or a model it "
                         "lists under %s): is libexttextcat-data installed?",
                         confpath, prefix);
                return NULL;
        }
        nf_langid_t *li = calloc(1, sizeof(*li));
        if (!li) {
                abort();
        }
        li->tc = tc;
        return li;
}

void nf_langid_destroy(nf_langid_t *li)
{
        if (!li) {
                return;
        }
        textcat_Done(li->tc);
        free(li);
}

/* Cuts len to at most max_bytes, at a UTF-8 character boundary. */
static size_t cut_len(const char *text, size_t len, size_t max_bytes)
{
        if (len > max_bytes) {
                len = max_bytes;
                while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) {
                        len--;
                }
        }
        return len;
}

/* Counts, for each stopword language, the words of text[0..len) that are
 * its stopwords, and returns the number of words. Words are runs of
 * letters (ASCII letters and non-ASCII characters other than Latin-1 and
 * general punctuation), ASCII lower-cased, split at apostrophes, as the
 * HTML extractor splits them. */
static size_t count_stopwords(const char *t, size_t len,
                              unsigned hits[NF_SW__COUNT])
{
        char w[17];
        size_t wl = 0, tokens = 0;
        for (size_t i = 0; i <= len;) {
                unsigned char c = i < len ? (unsigned char)t[i] : ' ';
                size_t adv = 1;
                int letter;
                if (c < 0x80) {
                        letter =
                            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                } else if (c == 0xC2 || (c == 0xE2 && i + 1 < len &&
                                         (unsigned char)t[i + 1] <= 0x81)) {
                        letter = 0; /* Latin-1 / general punctuation */
                        adv = c == 0xC2 ? 2 : 3;
                } else {
                        letter = c >= 0xC3;
                        adv = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                }
                if (letter) {
                        for (size_t k = 0; k < adv && i + k < len; k++) {
                                unsigned char d = (unsigned char)t[i + k];
                                if (wl < sizeof(w)) {
                                        w[wl] =
                                            (char)(d >= 'A' && d <= 'Z' ? d + 32
                                                                        : d);
                                }
                                wl++;
                        }
                } else if (wl > 0) {
                        tokens++;
                        unsigned m = wl <= 16 ? nf_stopwords_lookup(w, wl) : 0;
                        for (int l = 0; m; l++, m >>= 1) {
                                hits[l] += m & 1;
                        }
                        wl = 0;
                }
                i += adv;
        }
        return tokens;
}

int nf_langid_detect(nf_langid_t *li, const char *text, size_t len,
                     size_t max_bytes, char *out, size_t out_size)
{
        len = cut_len(text, len, max_bytes);
        unsigned hits[NF_SW__COUNT] = {0};
        size_t tokens = count_stopwords(text, len, hits);
        int best = 0;
        unsigned second = 0;
        for (int l = 1; l < NF_SW__COUNT; l++) {
                if (hits[l] > hits[best]) {
                        second = hits[best];
                        best = l;
                } else if (hits[l] > second) {
                        second = hits[l];
                }
        }
        if (tokens >= SW_MIN_TOKENS && hits[best] * SW_MIN_SHARE >= tokens &&
            hits[best] >= SW_MIN_RATIO * second) {
                const char *code = nf_stopwords_code((nf_sw_lang_t)best);
                if (strlen(code) + 1 > out_size) {
                        return -1;
                }
                strcpy(out, code);
                return 0;
        }
        return nf_langid_detect_ngram(li, text, len, max_bytes, out, out_size);
}

int nf_langid_detect_ngram(nf_langid_t *li, const char *text, size_t len,
                           size_t max_bytes, char *out, size_t out_size)
{
        len = cut_len(text, len, max_bytes);
        char name[64] = "";
        if (len < MIN_BYTES) {
                return -1; /* n-gram statistics mean nothing this short */
        }
        /* The candidates come back best first; more than a handful of close
         * ones (TEXTCAT_RESULT_UNKNOWN) or too little text: no answer. */
        candidate_t *cand = textcat_GetClassifyFullOutput(li->tc);
        if (!cand) {
                abort(); /* out of memory */
        }
        int n = textcat_ClassifyFull(li->tc, text, len, cand);
        if (n > 0 && cand[0].name) {
                snprintf(name, sizeof(name), "%s", cand[0].name);
        }
        textcat_ReleaseClassifyFullOutput(li->tc, cand);
        size_t cl = strcspn(name, "-");
        if (cl < 2 || cl > 3 || cl + 1 > out_size) {
                return -1;
        }
        memcpy(out, name, cl);
        out[cl] = '\0';
        return 0;
}
