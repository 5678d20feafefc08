/*
 * fingerprint.c — normalisation for hashing, the exact hash and the
 * one-permutation MinHash sketch. See fingerprint.h for what they mean.
 *
 * Speed (about 32 instructions per byte of English text, half the old
 * cost: bench/bench_dedup.c, callgrind on generated articles): ASCII letters
 * and digits are classified and lower-cased 16 bytes at a time; only other
 * characters pay for utf8proc's decomposition. Words are scanned straight
 * into the exact hash's buffer. Every hash is xxhash (XXH3); integers are
 * fed to it as little-endian bytes so that sketches agree across hosts.
 * XXH3 is inlined (XXH_INLINE_ALL): most inputs are 4 to 40 bytes, for which
 * a call into libxxhash costs more than the hash. The values are XXH3's,
 * the same as the library's: fingerprints are persisted in state records,
 * and tests/unit/test_fingerprint.c pins them to the values of the build
 * that called libxxhash.
 */
#include "processors/fingerprint.h"

#include <string.h>
#include <utf8proc.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#define XXH_INLINE_ALL
#include <xxhash.h>

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

/* One character at p that is not ASCII (or an invalid byte): appends its
 * folded letters and digits to out at *n and returns where the next
 * character starts; *stop = 1 when the word ends here. Kept out of line so
 * that the ASCII loop in scan_word() stays small. */
static __attribute__((noinline)) const unsigned char *
scan_other(const unsigned char *p, const unsigned char *end, char *out,
           size_t *n, int *stop)
{
        utf8proc_int32_t cp;
        utf8proc_ssize_t used = utf8proc_iterate(p, end - p, &cp);
        if (used < 1) { /* invalid UTF-8: one byte, a separator */
                *stop = *n > 0;
                return p + 1;
        }
        int single = is_single_char_word(cp);
        if (single && *n) {
                *stop = 1; /* ends the word before; next call takes it */
                return p;
        }
        utf8proc_int32_t d[32];
        int last_bound = 0;
        utf8proc_ssize_t nd = utf8proc_decompose_char(
            cp, d, 32,
            UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
                UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
            &last_bound);
        if (nd == 0) {
                return p + used; /* a mark or an ignorable: inside words */
        }
        size_t before = *n;
        for (utf8proc_ssize_t i = 0; i < nd && i < 32; i++) {
                if (is_word_cp(d[i])) {
                        *n += utf8proc_encode_char(
                            d[i], (utf8proc_uint8_t *)out + *n);
                }
        }
        /* a separator after a word, or a one-letter word */
        *stop = (*n == before && *n) || (single && *n);
        return p + used;
}

/* The ASCII letters and digits that start the FOLD_N bytes at p,
 * lower-cased, into out (all FOLD_N bytes are written); returns how many.
 * With SSE2 (every x86-64) the 16 bytes are classified at once: signed
 * compares, so bytes >= 0x80 are negative and never letters or digits;
 * b | 0x20 maps 'A'..'Z' onto 'a'..'z' and no other byte into it. The
 * portable loop is the definition (build with -DNF_FP_PORTABLE to use it). */
#if defined(__SSE2__) && !defined(NF_FP_PORTABLE)
#include <emmintrin.h>
#define FOLD_N 16
static inline size_t fold_ascii(const unsigned char *p, char *out)
{
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter =
            _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                          _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
        __m128i digit =
            _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                          _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        _mm_storeu_si128(
            (__m128i *)out,
            _mm_or_si128(v, _mm_and_si128(letter, _mm_set1_epi8(0x20))));
        unsigned word =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
        return (size_t)__builtin_ctz(~word); /* bit 16 of ~word is set */
}
#else
#define FOLD_N 8
static inline size_t fold_ascii(const unsigned char *p, char *out)
{
        size_t k = 0;
        for (; k < FOLD_N; k++) {
                unsigned char c = p[k], l = c | 0x20;
                if (c >= '0' && c <= '9') {
                        out[k] = (char)c;
                } else if (c < 0x80 && l >= 'a' && l <= 'z') {
                        out[k] = (char)l;
                } else {
                        break;
                }
        }
        return k;
}
#endif

/* The next word of tok into out (room for sizeof(tok->word) bytes, no NUL);
 * returns its length, 0 at the end. The cursor is a local: a store through
 * char *out may alias tok->p, which would reload it at every byte. */
static inline __attribute__((always_inline)) size_t scan_word(nf_fp_tok_t *tok,
                                                              char *out)
{
        const unsigned char *p = tok->p, *end = tok->end;
        size_t n = 0;
        while (p < end && n < NF_FP_WORD_MAX) {
                /* ASCII letters and digits, FOLD_N bytes at a time; the
                 * last few bytes go through a copy padded with NULs, which
                 * are separators. fold_ascii() writes FOLD_N bytes at
                 * out + n: n < 64, so they fit in sizeof(tok->word). */
                size_t k, room = NF_FP_WORD_MAX - n;
                if (end - p >= FOLD_N) {
                        k = fold_ascii(p, out + n);
                } else {
                        unsigned char tail[FOLD_N] = {0};
                        memcpy(tail, p, (size_t)(end - p));
                        k = fold_ascii(tail, out + n);
                }
                if (k >= room) { /* full: the rest is the next word */
                        n += room;
                        p += room;
                        break;
                }
                n += k;
                p += k;
                if (k == FOLD_N || p == end) {
                        continue; /* maybe more letters; or the end */
                }
                /* *p is not an ASCII letter or digit */
                if (*p < 0x80) { /* an ASCII separator */
                        p++;
                        if (n) {
                                break;
                        }
                        continue;
                }
                int stop = 0;
                p = scan_other(p, end, out, &n, &stop);
                if (stop) {
                        break;
                }
        }
        tok->p = p;
        return n;
}

size_t nf_fp_tok_next(nf_fp_tok_t *tok)
{
        size_t n = scan_word(tok, tok->word);
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

/* On a little-endian host the bytes are the value's own: one store. */
static void put_le32(unsigned char *b, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(b, &v, 4);
#else
        for (int i = 0; i < 4; i++) {
                b[i] = (unsigned char)(v >> (8 * i));
        }
#endif
}

static void put_le64(unsigned char *b, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        memcpy(b, &v, 8);
#else
        for (int i = 0; i < 8; i++) {
                b[i] = (unsigned char)(v >> (8 * i));
        }
#endif
}

/* XXH3 of a 32-bit value under a seed: signature bits, donors. */
static uint64_t hash32(uint32_t v, uint64_t seed)
{
        unsigned char b[4];
        put_le32(b, v);
        return XXH3_64bits_withSeed(b, sizeof(b), seed);
}

/* XXH3-64 of a word. Flattened: XXH3_64bits() is large enough that gcc
 * calls it, and the call costs as much as hashing a short word. */
static __attribute__((flatten)) uint64_t word_hash(const void *w, size_t n)
{
        return XXH3_64bits(w, n);
}

#define EMPTY_BIN UINT64_MAX

/* The sketch state while shingles stream in. */
typedef struct sketch_s {
        uint64_t bins[NF_FP_BINS];
        uint64_t low[NF_FP_ANCHORS]; /* smallest distinct hashes, ascending */
        int nlow;
} sketch_t;

/* Feeds one shingle: h = XXH3-64 of its n <= NF_FP_SHINGLE word hashes,
 * given as little-endian bytes (hashed by the caller, where n is known). */
static inline void add_shingle(sketch_t *sk, uint64_t h)
{
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
        /* The exact hash's input, "word word word", streamed in 4 KiB
         * chunks (XXH3's streaming result does not depend on where the
         * chunks end). Each word is scanned straight into buf after a
         * space; the space before the first word is skipped. */
        unsigned char buf[4096];
        size_t nbuf = 0, skip = 1;
        /* The last NF_FP_SHINGLE word hashes, written twice so that every
         * window is contiguous: word i goes to slots i % K and i % K + K. */
        unsigned char ring[2 * 8 * NF_FP_SHINGLE];
        sketch_t sk;
        nf_fp_tok_t tok;
        size_t w, at = 0;
        /* a local: stores through buf (bytes) may alias *fp */
        uint32_t nwords = 0;

        memset(fp, 0, sizeof(*fp));
        for (size_t i = 0; i < NF_FP_BINS; i++) {
                sk.bins[i] = EMPTY_BIN;
        }
        sk.nlow = 0;
        XXH3_64bits_reset(&st);
        nf_fp_tok_init(&tok, text, len);
        for (;;) {
                if (nbuf + 1 + sizeof(tok.word) > sizeof(buf)) {
                        XXH3_64bits_update(&st, buf + skip, nbuf - skip);
                        nbuf = skip = 0;
                }
                unsigned char *word = buf + nbuf + 1;
                if (!(w = scan_word(&tok, (char *)word))) {
                        break;
                }
                buf[nbuf] = ' ';
                nbuf += 1 + w;

                uint64_t hw = word_hash(word, w);
                put_le64(ring + 8 * at, hw);
                put_le64(ring + 8 * (at + NF_FP_SHINGLE), hw);
                nwords++;
                if (nwords >= NF_FP_SHINGLE) {
                        /* window: the K words ending at `at` */
                        add_shingle(&sk, XXH3_64bits(ring + 8 * (at + 1),
                                                     8 * NF_FP_SHINGLE));
                }
                at = at + 1 == NF_FP_SHINGLE ? 0 : at + 1; /* nwords % K */
        }
        if (nbuf > skip) {
                XXH3_64bits_update(&st, buf + skip, nbuf - skip);
        }
        fp->exact = XXH3_64bits_digest(&st);
        fp->nwords = nwords;
        /* one shingle per window of K words */
        fp->nshingles =
            nwords >= NF_FP_SHINGLE ? nwords - NF_FP_SHINGLE + 1 : 0;
        if (nwords == 0) {
                return;
        }
        if (nwords < NF_FP_SHINGLE) { /* short text: one shingle */
                add_shingle(&sk, XXH3_64bits(ring, 8 * (size_t)nwords));
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

/* popcount(a ^ b) without -mpopcnt (SWAR, Hacker's Delight 5-1). The
 * per-byte counts (<= 8 per word) are summed over all words first (<= 255
 * while there are at most 31 words) and added up across the bytes once, in
 * 16-bit lanes because the total reaches NF_FP_BINS. */
_Static_assert(NF_FP_SIG_BYTES / 8 <= 31, "per-byte popcount sums overflow");
double nf_fp_jaccard(const uint8_t *a, const uint8_t *b)
{
        uint64_t sum = 0;
        for (size_t i = 0; i < NF_FP_SIG_BYTES; i += 8) {
                uint64_t x, y;
                memcpy(&x, a + i, 8);
                memcpy(&y, b + i, 8);
                x ^= y;
                x -= (x >> 1) & 0x5555555555555555ULL;
                x = (x & 0x3333333333333333ULL) +
                    ((x >> 2) & 0x3333333333333333ULL);
                sum += (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
        }
        sum = (sum & 0x00ff00ff00ff00ffULL) +
              ((sum >> 8) & 0x00ff00ff00ff00ffULL);
        int same = NF_FP_BINS - (int)((sum * 0x0001000100010001ULL) >> 48);
        double j = 2.0 * same / NF_FP_BINS - 1.0;
        return j > 0 ? j : 0;
}
