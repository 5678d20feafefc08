/*
 * fingerprint.h — the fingerprints the dedup processor compares: an exact
 * hash and a MinHash sketch of a text, both computed on a normalised form
 * of the text that exists only for hashing.
 *
 * Normalisation: the text is cut into words. Letters and digits (Unicode
 * categories L and N) make words; everything else (spaces, punctuation,
 * straight and curly quotes, dashes, symbols) separates them. Each character
 * is case-folded and compatibility-decomposed with utf8proc, accents and
 * other marks are stripped and default-ignorable characters (soft hyphens,
 * zero-width joiners) vanish. Ideographs, kana and Thai letters are one
 * word each (those scripts do not separate words by spaces). Words longer
 * than NF_FP_WORD_MAX bytes are cut. The normalised text is the words
 * joined by single spaces, so "It’s  “Done”." and "it's "done"" are equal.
 *
 * Exact fingerprint: XXH3-64 of the normalised text.
 *
 * Near-duplicate sketch: one-permutation MinHash (Li, Owen, Zhang 2012)
 * with optimal densification (Shrivastava 2017) over word NF_FP_SHINGLE-
 * shingles. Each shingle is hashed once (XXH3-64 of its word hashes); its
 * top bits choose one of NF_FP_BINS bins, its low 32 bits compete for the
 * bin's minimum; the 256 bin minima give
 *   - sig[]: one bit per bin (b-bit MinHash with b = 1, Li & König 2010).
 *     Two sketches agree on a bit with probability (1 + J) / 2, which gives
 *     the Jaccard estimate used to verify candidates: 256 bits estimate
 *     J = 0.5 with a standard error of about 0.054.
 * Candidate keys (bottom-k MinHash, Broder 1997): anchor[] holds the low
 * 32 bits of the NF_FP_ANCHORS distinct shingle hashes that are smallest in
 * the full 64-bit order. Two texts with shingle Jaccard J share at least one
 * anchor with probability about 1 - (1 - J)^ANCHORS (0.95 at J = 0.45) —
 * LSH with one row per band — so the index finds copies that added or lost
 * a lot of material, and a short text still has ANCHORS independent keys.
 * Texts with fewer distinct shingles repeat their last anchor.
 * A text shorter than NF_FP_SHINGLE words is one shingle; an empty text has
 * no shingle (nshingles == 0) and no sketch.
 *
 * The constants fix the meaning of the state records (dedup.c): change one
 * and bump the record version.
 */
#ifndef NF_FINGERPRINT_H
#define NF_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* Overridable only to build the variants bench/eval-dedup.sh compares. */
#ifndef NF_FP_SHINGLE
#define NF_FP_SHINGLE 5 /* words per shingle */
#endif
#ifndef NF_FP_BINS_LOG2
#define NF_FP_BINS_LOG2 8
#endif
/* one-permutation MinHash bins = signature bits */
#define NF_FP_BINS (1 << NF_FP_BINS_LOG2)
#ifndef NF_FP_ANCHORS
#define NF_FP_ANCHORS 5 /* bottom-k candidate keys kept per document */
#endif
#define NF_FP_SIG_BYTES (NF_FP_BINS / 8)
#define NF_FP_WORD_MAX 64 /* longer words are cut into pieces */

typedef struct nf_fingerprint_s {
        uint64_t exact;     /* XXH3-64 of the normalised text */
        uint32_t nwords;    /* words in the normalised text */
        uint32_t nshingles; /* shingle positions; 0 = empty text */
        uint32_t anchor[NF_FP_ANCHORS];
        uint8_t sig[NF_FP_SIG_BYTES];
} nf_fingerprint_t;

/*
 * Word iterator over a UTF-8 text (invalid bytes separate words). Usage:
 *   nf_fp_tok_t tok; nf_fp_tok_init(&tok, text, len);
 *   while (nf_fp_tok_next(&tok)) { use tok.word, tok.len }
 * text is borrowed for the iteration; tok.word is valid until the next call.
 */
typedef struct nf_fp_tok_s {
        const unsigned char *p, *end;
        size_t len;                      /* bytes in word, no NUL */
        char word[NF_FP_WORD_MAX + 128]; /* slack for one decomposed char */
} nf_fp_tok_t;

void nf_fp_tok_init(nf_fp_tok_t *tok, const char *text, size_t len);
/* Advances to the next normalised word; returns its length, 0 at the end. */
size_t nf_fp_tok_next(nf_fp_tok_t *tok);

/*
 * Writes the normalised text (NUL-terminated, truncated to out_size - 1
 * bytes) and returns its full length, like snprintf. For tests and tools;
 * nf_fingerprint() streams the same bytes into the hash without a copy.
 */
size_t nf_fp_normalise(const char *text, size_t len, char *out,
                       size_t out_size);

/*
 * Fingerprints len bytes of text (need not be NUL-terminated; NULL with
 * len 0 is the empty text). Never fails and never allocates: memory use
 * does not depend on the size of the text.
 */
void nf_fingerprint(const char *text, size_t len, nf_fingerprint_t *fp);

/* Jaccard estimate from two signatures: max(0, 2 * agreeing bits / BINS -
 * 1), in [0, 1]. */
double nf_fp_jaccard(const uint8_t *a, const uint8_t *b);

#endif
