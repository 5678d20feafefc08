/*
 * langid.c — language identification: a stopword first pass, then the
 * libexttextcat n-gram classifier. See langid.h.
 */
#include "processors/langid.h"

#include <libexttextcat/textcat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DIR "/usr/share/libexttextcat"
#define MIN_BYTES 20

#include "processors/html_stopwords.h"

/* Stopword pass thresholds (measured: see langid.h). A language is the
 * answer when there are SW_MIN_TOKENS words and either
 *   (a) its hits >= words / 4 and >= 3 x the runner-up's hits, or
 *   (b) its hits >= words / 3, >= 2 x the runner-up's hits and >= 3 x the
 *       hits any other language has on words that are NOT its stopwords.
 * (b) exists because related lists share words: "in", "is", "was", "had",
 * "over", "we" are English and Dutch stopwords. A shared word is evidence
 * for both languages, so under (a) alone English news with many of them
 * (Dutch at 35-40% of the English hits) went to libexttextcat (~4M
 * instructions) only to get the same answer. (b) still asks for 2x overall
 * and a third of the words because a language without a list shares words
 * with one that has one: a Catalan sentence ("El govern va anunciar
 * dimarts que les negociacions...") has Spanish stopwords for 36% of its
 * words and hardly any French-only ones, but French close behind overall
 * (16 to 13); Spanish pages, where French is as close, keep going to
 * libexttextcat. */
#define SW_MIN_TOKENS 20 /* words in the sample */
#define SW_MIN_SHARE 4   /* (a) best language's hits >= tokens / 4 */
#define SW_MIN_RATIO 3   /* (a) best >= 3 x runner-up; (b) >= 3 x other-only */
#define SW_OWN_SHARE 3   /* (b) best language's hits >= tokens / 3 */
#define SW_OWN_RATIO 2   /* (b) best >= 2 x runner-up */

/* Early answer: after every SW_EARLY_WORDS words, a language whose
 * stopwords are a third of the words so far, with 3x the runner-up's hits
 * and 6x the hits of any other language on words that are not its own, is
 * the answer without reading the rest of the sample (~75 words of ~150 in
 * 1000 bytes of news). This is a rule of thumb, not a proof: measured on
 * the 1358 eval_langid texts and 5000 generated articles it decides as the
 * whole sample does on every one; at 56 words it would not (a German page
 * that turns English after its first 56 words). */
#define SW_EARLY_WORDS 72
#define SW_EARLY_SHARE 3
#define SW_EARLY_RATIO 3
#define SW_EARLY_OWN_RATIO 6
_Static_assert(NF_SW__COUNT <= 8, "a stopword mask indexes bymask[256]");

/* What the stopword pass counted so far. */
typedef struct counts_s {
        size_t words;
        unsigned hits[NF_SW__COUNT]; /* words that are stopwords of l */
        unsigned bymask[256];        /* words by nf_stopwords_lookup() mask */
        uint8_t masks[256];          /* the masks m > 0 seen, nmasks of them */
        unsigned nmasks;
} counts_t;

static void count_word(counts_t *c, unsigned m)
{
        c->words++;
        if (c->bymask[m]++ == 0 && m) {
                c->masks[c->nmasks++] = (uint8_t)m;
        }
        for (int l = 0; m; l++, m >>= 1) {
                c->hits[l] += m & 1;
        }
}

/* The most hits any language other than best has on words that are not
 * best's stopwords. */
static unsigned other_only_hits(const counts_t *c, int best)
{
        unsigned other[NF_SW__COUNT] = {0}, top = 0;
        for (unsigned k = 0; k < c->nmasks; k++) {
                unsigned m = c->masks[k];
                if ((m >> best) & 1) {
                        continue;
                }
                for (int l = 0; l < NF_SW__COUNT; l++) {
                        other[l] += ((m >> l) & 1) * c->bymask[m];
                }
        }
        for (int l = 0; l < NF_SW__COUNT; l++) {
                top = other[l] > top ? other[l] : top;
        }
        return top;
}

/* The language the counts decide (early: by the early rule, else by (a) or
 * (b)), or -1. */
static int decided(const counts_t *c, int early)
{
        const unsigned *hits = c->hits;
        size_t n = c->words;
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
        unsigned h = hits[best];
        if (early) {
                return h * SW_EARLY_SHARE >= n &&
                               h >= SW_EARLY_RATIO * second &&
                               h >=
                                   SW_EARLY_OWN_RATIO * other_only_hits(c, best)
                           ? best
                           : -1;
        }
        if (n >= SW_MIN_TOKENS &&
            ((h * SW_MIN_SHARE >= n && h >= SW_MIN_RATIO * second) ||
             (h * SW_OWN_SHARE >= n && h >= SW_OWN_RATIO * second &&
              h >= SW_MIN_RATIO * other_only_hits(c, best)))) {
                return best;
        }
        return -1;
}

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

/* ASCII letters: 1 lower case, 2 upper case; 0 for every other byte
 * (ASCII non-letters, and bytes >= 0x80, which count_stopwords() handles
 * apart). */
static const unsigned char ascii_letter[256] = {
    ['a' ... 'z'] = 1,
    ['A' ... 'Z'] = 2,
};

/* Looks up the word t[0..wl) (wl <= 16) with its ASCII capitals
 * lower-cased; caps: whether it has any (else no copy is needed). */
static unsigned lookup(const char *t, size_t wl, int caps)
{
        char w[16];
        if (caps) {
                for (size_t k = 0; k < wl; k++) {
                        char d = t[k];
                        w[k] = (char)(d >= 'A' && d <= 'Z' ? d + 32 : d);
                }
                t = w;
        }
        return nf_stopwords_lookup(t, wl);
}

/* Counts the words of text[0..len) into c, and returns the language the
 * early rule decides, or -1 when it decides none (c then holds the whole
 * sample). Words are runs of letters (ASCII letters and
 * non-ASCII characters other than Latin-1 and general punctuation), ASCII
 * lower-cased, split at apostrophes, as the HTML extractor splits them. A
 * word is the bytes t[ws, ws + wl): letters are whole characters, so it is
 * looked up where it stands, copied only to lower-case capitals. */
static int count_stopwords(const char *t, size_t len, counts_t *c)
{
        const unsigned char *u = (const unsigned char *)t;
        size_t ws = 0, wl = 0;
        unsigned caps = 0; /* ascii_letter bits seen in the word */
        for (size_t i = 0; i <= len;) {
                unsigned char b = i < len ? u[i] : ' ';
                size_t adv = 1;
                int letter;
                if (b < 0x80) {
                        unsigned k = ascii_letter[b];
                        if (k) { /* a run of ASCII letters in one go */
                                ws = wl ? ws : i;
                                size_t j = i;
                                do {
                                        caps |= k;
                                } while (++j < len && (k = ascii_letter[u[j]]));
                                wl += j - i;
                                i = j;
                                continue;
                        }
                        letter = 0;
                } else if (b == 0xC2 || (b == 0xE2 && i + 1 < len &&
                                         (unsigned char)t[i + 1] <= 0x81)) {
                        letter = 0; /* Latin-1 / general punctuation */
                        adv = b == 0xC2 ? 2 : 3;
                } else {
                        letter = b >= 0xC3;
                        adv = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                }
                if (letter) {
                        ws = wl ? ws : i;
                        wl += adv < len - i ? adv : len - i;
                } else if (wl > 0) {
                        count_word(c,
                                   wl <= 16 ? lookup(t + ws, wl, caps & 2) : 0);
                        wl = 0;
                        caps = 0;
                        int l;
                        if (c->words % SW_EARLY_WORDS == 0 &&
                            (l = decided(c, 1)) >= 0) {
                                return l;
                        }
                }
                i += adv;
        }
        return -1;
}

int nf_langid_detect(nf_langid_t *li, const char *text, size_t len,
                     size_t max_bytes, char *out, size_t out_size)
{
        len = cut_len(text, len, max_bytes);
        counts_t c = {.words = 0};
        int best = count_stopwords(text, len, &c);
        if (best < 0) {
                best = decided(&c, 0);
        }
        if (best >= 0) {
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
