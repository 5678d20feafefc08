/*
 * fingerprint.c — normalisation for hashing, the exact hash and the
 * one-permutation MinHash sketch. See fingerprint.h for what they mean.
 *
 * Speed: ASCII goes through a 128-entry table; only other characters pay for
 * utf8proc's decomposition. Every hash is xxhash (XXH3); integers are fed to
 * it as little-endian bytes so that sketches agree across hosts.
 */
#include "processors/fingerprint.h"

#include <string.h>
#include <utf8proc.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

/* ASCII: lower-cased letter or digit, 0 for a separator. */
static const unsigned char ascii_fold[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
};

/* Scripts written without spaces between words: each letter is a word. */
static int is_single_char_word(utf8proc_int32_t cp)
{
        return (cp >= 0x0E00 && cp <= 0x0E7F) || /* Thai */
               (cp >= 0x2E80 && cp <= 0xA4CF) || /* CJK, kana, Yi */
               (cp >= 0xF900 && cp <= 0xFAFF) || /* CJK compatibility */
               (cp >= 0x20000 && cp <= 0x3FFFF); /* CJK extensions */
}

static int is_word_cp(utf8proc_int32_t cp)
{
        utf8proc_category_t c = utf8proc_category(cp);
        return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
               (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

void nf_fp_tok_init(nf_fp_tok_t *tok, const char *text, size_t len)
{
        tok->p = (const unsigned char *)(text ? text : "");
        tok->end = tok->p + (text ? len : 0);
        tok->len = 0;
        tok->word[0] = '\0';
}

size_t nf_fp_tok_next(nf_fp_tok_t *tok)
{
        size_t n = 0;
        while (tok->p < tok->end && n < NF_FP_WORD_MAX) {
                unsigned char b = *tok->p;
                if (b < 0x80) {
                        unsigned char f = ascii_fold[b];
                        tok->p++;
                        if (f) {
                                tok->word[n++] = (char)f;
                        } else if (n) {
                                break;
                        }
                        continue;
                }
                utf8proc_int32_t cp;
                utf8proc_ssize_t used =
                    utf8proc_iterate(tok->p, tok->end - tok->p, &cp);
                if (used < 1) { /* invalid UTF-8: one byte, a separator */
                        tok->p++;
                        if (n) {
                                break;
                        }
                        continue;
                }
                int single = is_single_char_word(cp);
                if (single && n) {
                        break; /* ends the word before; next call takes it */
                }
                utf8proc_int32_t d[32];
                int last_bound = 0;
                utf8proc_ssize_t nd = utf8proc_decompose_char(
                    cp, d, 32,
                    UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                        UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
                    &last_bound);
                tok->p += used;
                if (nd == 0) {
                        continue; /* a mark or an ignorable: inside words */
                }
                size_t before = n;
                for (utf8proc_ssize_t i = 0; i < nd && i < 32; i++) {
                        if (is_word_cp(d[i])) {
                                n += utf8proc_encode_char(
                                    d[i], (utf8proc_uint8_t *)tok->word + n);
                        }
                }
                if (n == before && n) {
                        break; /* a separator after a word */
                }
                if (single && n) {
                        break;
                }
        }
        tok->len = n;
        tok->word[n] = '\0';
        return n;
}

size_t nf_fp_normalise(const char *text, size_t len, char *out, size_t out_size)
{
        nf_fp_tok_t tok;
        size_t total = 0, w;
        nf_fp_tok_init(&tok, text, len);
        while ((w = nf_fp_tok_next(&tok))) {
                for (size_t i = (total ? 0 : 1); i <= w; i++) {
                        char c = i ? tok.word[i - 1] : ' ';
                        if (total + 1 < out_size) {
                                out[total] = c;
                        }
                        total++;
                }
        }
        if (out_size) {
                out[total < out_size ? total : out_size - 1] = '\0';
        }
        return total;
}

static void put_le32(unsigned char *b, uint32_t v)
{
        for (int i = 0; i < 4; i++) {
                b[i] = (unsigned char)(v >> (8 * i));
        }
}

static void put_le64(unsigned char *b, uint64_t v)
{
        for (int i = 0; i < 8; i++) {
                b[i] = (unsigned char)(v >> (8 * i));
        }
}

/* XXH3 of a 32-bit value under a seed: signature bits, donors. */
static uint64_t hash32(uint32_t v, uint64_t seed)
{
        unsigned char b[4];
        put_le32(b, v);
        return XXH3_64bits_withSeed(b, sizeof(b), seed);
}

#define EMPTY_BIN UINT64_MAX

/* The sketch state while shingles stream in. */
typedef struct sketch_s {
        uint64_t bins[NF_FP_BINS];
        uint64_t low[NF_FP_ANCHORS]; /* smallest distinct hashes, ascending */
        int nlow;
} sketch_t;

/* Feeds one shingle: the hash of n <= NF_FP_SHINGLE word hashes, given as
 * little-endian bytes. */
static void add_shingle(sketch_t *sk, const unsigned char *words, size_t n)
{
        uint64_t h = XXH3_64bits(words, 8 * n);
        uint64_t bin = h >> (64 - NF_FP_BINS_LOG2);
        uint64_t v = (uint32_t)h;
        if (v < sk->bins[bin]) {
                sk->bins[bin] = v;
        }
        if (sk->nlow == NF_FP_ANCHORS && h >= sk->low[NF_FP_ANCHORS - 1]) {
                return; /* the common case: not among the smallest */
        }
        for (int i = 0; i < sk->nlow; i++) {
                if (sk->low[i] == h) {
                        return; /* a repeated shingle */
                }
        }
        int i = sk->nlow < NF_FP_ANCHORS ? sk->nlow++ : NF_FP_ANCHORS - 1;
        for (; i > 0 && sk->low[i - 1] > h; i--) {
                sk->low[i] = sk->low[i - 1];
        }
        sk->low[i] = h;
}

void nf_fingerprint(const char *text, size_t len, nf_fingerprint_t *fp)
{
        XXH3_state_t st;
        unsigned char buf[4096];
        size_t nbuf = 0;
        /* The last NF_FP_SHINGLE word hashes, written twice so that every
         * window is contiguous: word i goes to slots i % K and i % K + K. */
        unsigned char ring[2 * 8 * NF_FP_SHINGLE];
        sketch_t sk;
        nf_fp_tok_t tok;
        size_t w;

        memset(fp, 0, sizeof(*fp));
        for (size_t i = 0; i < NF_FP_BINS; i++) {
                sk.bins[i] = EMPTY_BIN;
        }
        sk.nlow = 0;
        XXH3_64bits_reset(&st);
        nf_fp_tok_init(&tok, text, len);
        while ((w = nf_fp_tok_next(&tok))) {
                /* Exact hash: "word word word", streamed in 4 KiB chunks. */
                if (nbuf + w + 1 > sizeof(buf)) {
                        XXH3_64bits_update(&st, buf, nbuf);
                        nbuf = 0;
                }
                if (fp->nwords) {
                        buf[nbuf++] = ' ';
                }
                memcpy(buf + nbuf, tok.word, w);
                nbuf += w;

                size_t at = fp->nwords % NF_FP_SHINGLE;
                put_le64(ring + 8 * at, XXH3_64bits(tok.word, w));
                memcpy(ring + 8 * (at + NF_FP_SHINGLE), ring + 8 * at, 8);
                fp->nwords++;
                if (fp->nwords >= NF_FP_SHINGLE) {
                        /* window: the K words ending at `at` */
                        add_shingle(&sk, ring + 8 * (at + 1), NF_FP_SHINGLE);
                        fp->nshingles++;
                }
        }
        XXH3_64bits_update(&st, buf, nbuf);
        fp->exact = XXH3_64bits_digest(&st);
        if (fp->nwords == 0) {
                return;
        }
        if (fp->nwords < NF_FP_SHINGLE) { /* short text: one shingle */
                add_shingle(&sk, ring, fp->nwords);
                fp->nshingles = 1;
        }
        for (int i = 0; i < NF_FP_ANCHORS; i++) {
                fp->anchor[i] = (uint32_t)sk.low[i < sk.nlow ? i : sk.nlow - 1];
        }

        /* Optimal densification: an empty bin copies the value of the first
         * non-empty bin on a probe sequence that depends only on the bin, so
         * two texts fill their empty bins consistently. Bit i hashes bin i's
         * value with i as seed, so that bins filled from the same donor
         * still give independent bits. */
        for (uint32_t i = 0; i < NF_FP_BINS; i++) {
                uint64_t v = sk.bins[i];
                for (uint64_t a = 1; v == EMPTY_BIN; a++) {
                        v = sk.bins[hash32(i, a) % NF_FP_BINS];
                }
                if (hash32((uint32_t)v, i) >> 63) {
                        fp->sig[i / 8] |= (uint8_t)(1u << (i % 8));
                }
        }
}

double nf_fp_jaccard(const uint8_t *a, const uint8_t *b)
{
        int same = NF_FP_BINS;
        for (size_t i = 0; i < NF_FP_SIG_BYTES; i += 8) {
                uint64_t x, y;
                memcpy(&x, a + i, 8);
                memcpy(&y, b + i, 8);
                /* popcount without -mpopcnt (SWAR, Hacker's Delight 5-1) */
                x ^= y;
                x -= (x >> 1) & 0x5555555555555555ULL;
                x = (x & 0x3333333333333333ULL) +
                    ((x >> 2) & 0x3333333333333333ULL);
                x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
                same -= (int)((x * 0x0101010101010101ULL) >> 56);
        }
        double j = 2.0 * same / NF_FP_BINS - 1.0;
        return j > 0 ? j : 0;
}
