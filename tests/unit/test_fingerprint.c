/*
 * test_fingerprint.c — normalisation for hashing, the exact hash and the
 * MinHash sketch (processors/fingerprint.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "processors/fingerprint.h"

/* Source is UTF-8. Covers: case, curly and straight quotes, punctuation and
 * whitespace, NFC and NFD accents, soft hyphen, sharp s, fullwidth forms,
 * ligature, CJK and kana (one letter per word), invalid UTF-8, Greek. */
static const struct {
        const char *in, *want;
} norm_cases[] = {
    {"Hello  WORLD", "hello world"},
    {"It’s “done”.", "it s done"},
    {"It's \"done\".", "it s done"},
    {"a,b;c\n\n\td -- e", "a b c d e"},
    {"Café naïve", "cafe naive"},
    {"Cafe\xcc\x81", "cafe"},
    {"Zei\xc2\xadtung", "zeitung"},
    {"Straße", "strasse"},
    {"ｆｕｌｌ", "full"},
    {"ﬁne", "fine"},
    {"東京タワー", "東 京 タ ワ ー"},
    {"ab\xff\xfe!cd", "ab cd"},
    {"Καλημέρα", "καλημερα"},
    {"", ""},
    {" \t\n!?", ""},
};

static void test_normalise_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]);
             i++) {
                char out[256];
                const char *in = norm_cases[i].in;
                size_t n = nf_fp_normalise(in, strlen(in), out, sizeof(out));
                if (strcmp(out, norm_cases[i].want) != 0) {
                        fail_msg("case %zu: \"%s\" -> \"%s\", want \"%s\"", i,
                                 in, out, norm_cases[i].want);
                }
                assert_int_equal(n, strlen(norm_cases[i].want));
        }
}

static void test_normalise_truncates_like_snprintf(void **state)
{
        (void)state;
        char out[6];
        size_t n = nf_fp_normalise("Alpha Beta", 10, out, sizeof(out));
        assert_int_equal(n, 10);
        assert_string_equal(out, "alpha");
}

static void test_long_words_are_cut(void **state)
{
        (void)state;
        char word[200];
        memset(word, 'x', sizeof(word) - 1);
        word[sizeof(word) - 1] = '\0';
        nf_fp_tok_t tok;
        nf_fp_tok_init(&tok, word, strlen(word));
        size_t total = 0, w, pieces = 0;
        while ((w = nf_fp_tok_next(&tok))) {
                assert_true(w <= NF_FP_WORD_MAX);
                total += w;
                pieces++;
        }
        assert_int_equal(total, 199);
        assert_int_equal(pieces, (199 + NF_FP_WORD_MAX - 1) / NF_FP_WORD_MAX);
}

static nf_fingerprint_t fp_of(const char *s)
{
        nf_fingerprint_t fp;
        nf_fingerprint(s, strlen(s), &fp);
        return fp;
}

static void test_exact_hash_folds_style_only(void **state)
{
        (void)state;
        nf_fingerprint_t a = fp_of("The minister said: \"We will act.\"");
        nf_fingerprint_t b =
            fp_of("the  Minister said \xe2\x80\x9cwe will act\xe2\x80\x9d");
        nf_fingerprint_t c = fp_of("The minister said: \"We will not act.\"");
        assert_true(a.exact == b.exact);
        assert_memory_equal(a.sig, b.sig, NF_FP_SIG_BYTES);
        assert_memory_equal(a.anchor, b.anchor, sizeof(a.anchor));
        assert_true(a.exact != c.exact);
}

static void test_shingle_counts(void **state)
{
        (void)state;
        static const struct {
                const char *text;
                uint32_t words, shingles;
        } cases[] = {
            {"", 0, 0},
            {"...", 0, 0},
            {"one", 1, 1},
            {"one two three four five", 5, 1},
            {"one two three four five six seven", 7, 3},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                nf_fingerprint_t fp = fp_of(cases[i].text);
                assert_int_equal(fp.nwords, cases[i].words);
                assert_int_equal(fp.nshingles, cases[i].shingles);
        }
}

static void test_empty_text_has_no_sketch(void **state)
{
        (void)state;
        nf_fingerprint_t fp;
        static const uint8_t zero[NF_FP_SIG_BYTES];
        nf_fingerprint(NULL, 0, &fp);
        assert_int_equal(fp.nshingles, 0);
        assert_memory_equal(fp.sig, zero, NF_FP_SIG_BYTES);
}

/* A deterministic article of n words from a small vocabulary. */
static char *article(unsigned seed, int n)
{
        static const char *w[] = {"council", "river",  "harbour", "minister",
                                  "vote",    "budget", "school",  "storm",
                                  "price",   "union",  "court",   "plant",
                                  "rail",    "farm",   "police",  "fire"};
        char *s = malloc((size_t)n * 16 + 1);
        size_t len = 0;
        for (int i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                len += (size_t)sprintf(s + len, "%s%u ", w[(seed >> 16) % 16],
                                       (seed >> 8) % 97);
        }
        s[len] = '\0';
        return s;
}

static void test_similar_texts_have_similar_sketches(void **state)
{
        (void)state;
        char *a = article(1, 400);
        char *b = malloc(strlen(a) + 200);
        /* b: a with boilerplate added and its last tenth dropped */
        sprintf(b, "Subscribe to our newsletter. %.*s Follow us.",
                (int)(strlen(a) * 9 / 10), a);
        char *c = article(2, 400);
        nf_fingerprint_t fa = fp_of(a), fb = fp_of(b), fc = fp_of(c);
        double jab = nf_fp_jaccard(fa.sig, fb.sig);
        double jac = nf_fp_jaccard(fa.sig, fc.sig);
        assert_true(jab > 0.7);
        assert_true(jac < 0.25);
        assert_true(nf_fp_jaccard(fa.sig, fa.sig) == 1.0);
        int shared = 0;
        for (int i = 0; i < NF_FP_ANCHORS; i++) {
                for (int k = 0; k < NF_FP_ANCHORS; k++) {
                        shared += fa.anchor[i] == fb.anchor[k];
                }
        }
        assert_true(shared >= 1);
        free(a);
        free(b);
        free(c);
}

static void test_short_text_anchors_repeat(void **state)
{
        (void)state;
        nf_fingerprint_t fp = fp_of("only two words here now and one more");
        assert_int_equal(fp.nshingles, 4);
        assert_true(fp.anchor[NF_FP_ANCHORS - 1] == fp.anchor[3]);
        assert_true(fp.anchor[0] != fp.anchor[1]);
        /* two different one-word texts: sketches unrelated, not equal */
        nf_fingerprint_t x = fp_of("alpha"), y = fp_of("beta");
        assert_true(nf_fp_jaccard(x.sig, y.sig) < 0.4);
        assert_true(x.exact != y.exact);
}

static void test_huge_text(void **state)
{
        (void)state;
        size_t n = 8u << 20;
        char *s = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
                s[i] = (i % 8 == 7) ? ' ' : (char)('a' + (i / 8) % 26);
        }
        s[n] = '\0';
        nf_fingerprint_t fp;
        nf_fingerprint(s, n, &fp);
        assert_int_equal(fp.nwords, n / 8);
        assert_int_equal(fp.nshingles, n / 8 - NF_FP_SHINGLE + 1);
        nf_fingerprint_t again;
        nf_fingerprint(s, n, &again);
        assert_memory_equal(&fp, &again, sizeof(fp));
        free(s);
}

/* Fingerprints are persisted (the 66-byte dedup state records that other
 * instances and restarts read), so they must never change for a given text:
 * the exact hash and a digest of every field, pinned from the build before
 * the speed work (XXH3 through libxxhash, byte-at-a-time tokenizer). Texts:
 * scripts, marks, ignorables, fullwidth forms, ligatures, invalid UTF-8,
 * over-long words, every ASCII class boundary, and whole fixture files. */
static const char *pinned_texts[] = {
    "",
    "one",
    "Hello  WORLD",
    "It\xe2\x80\x99s \xe2\x80\x9c"
    "done\xe2\x80\x9d.",
    "Caf\xc3\xa9 na\xc3\xafve Stra\xc3\x9f"
    "e \xef\xac\x81ne \xef\xbd\x86\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c "
    "Zei\xc2\xadtung Cafe\xcc\x81",
    "\xe6\x9d\xb1\xe4\xba\xac\xe3\x82\xbf\xe3\x83\xaf\xe3\x83\xbc\xe3\x81\xab"
    "\xe8\xa1\x8c\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f",
    "\xce\x9a\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1 "
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80 "
    "\xe0\xb8\xaa\xe0\xb8\xa7\xe0\xb8\xb1\xe0\xb8\xaa\xe0\xb8\x94\xe0\xb8\xb5 "
    "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xf0\x9f\x98\x80 "
    "\xec\x95\x88\xeb\x85\x95",
    "ab\xff\xfe!cd \xc3 e\xe2\x82 f \xed\xa0\x80 g",
    "Minister said: 1,200 jobs (12%) cut in Q3; CEO\xe2\x80\x94who'd "
    "warned\xe2\x80\x94quit.",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx end",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\xc3\xa9"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ abc",
    "@[`{/:09AZaz \x7f\x01",
};
static const char *pinned_files[] = {
    "tests/fixtures/dedup/articles.txt", "tests/fixtures/seed-article.txt",
    "tests/fixtures/clean/unicode.json", "tests/fixtures/html/german.html",
    "tests/fixtures/html/latin1.html",
};
static const struct {
        uint64_t exact, digest;
} pinned[] = {
    {0x2d06800538d394c2ULL, 0x1e8401341c4fb9afULL}, /* pinned_texts[0] */
    {0x911faba7321fe1a0ULL, 0xadca29b7328ba1c9ULL}, /* pinned_texts[1] */
    {0xd447b1ea40e6988bULL, 0x766a1f68c02b4335ULL}, /* pinned_texts[2] */
    {0x69afe3347ea3069aULL, 0xb112890c5ec4377fULL}, /* pinned_texts[3] */
    {0xc6f72d7754aab52aULL, 0xd8aab47aa035c4ddULL}, /* pinned_texts[4] */
    {0xf9b6bd34ee69d4c1ULL, 0xf0b27d2502fae9f1ULL}, /* pinned_texts[5] */
    {0x8d0f671d6960cf75ULL, 0xd73fbcaacb4922f9ULL}, /* pinned_texts[6] */
    {0x3c43fca0716108efULL, 0x340651eb1f9a56bdULL}, /* pinned_texts[7] */
    {0x1f890689f2a4d03cULL, 0x2f56c9fedbba0e10ULL}, /* pinned_texts[8] */
    {0xa3ec9866e4fba02cULL, 0x0d281e4b8147669cULL}, /* pinned_texts[9] */
    {0x62e6336d760a8fe2ULL, 0xce90169530627a08ULL}, /* pinned_texts[10] */
    {0xd01c74c8d0b75280ULL, 0x8de0bb4b0cdf1ea5ULL}, /* pinned_texts[11] */
    {0x15c6d2462c726440ULL, 0x4b3bc33b37411fd1ULL}, /* pinned_files[0] */
    {0x71ffd0fdf41b60bfULL, 0xa89e644251273d4cULL}, /* pinned_files[1] */
    {0x8784e5eef9c8be4eULL, 0xe50f6e0367ca9bfdULL}, /* pinned_files[2] */
    {0x3671ff92dfdd53b1ULL, 0xb8678b7d85aac276ULL}, /* pinned_files[3] */
    {0x86b46a2976da2ac8ULL, 0xe454f86bc3fe88cdULL}, /* pinned_files[4] */
};

static void put_le(unsigned char *b, uint64_t v, int n)
{
        for (int i = 0; i < n; i++) {
                b[i] = (unsigned char)(v >> (8 * i));
        }
}

/* XXH3-64 of exact, nwords, nshingles, anchors (little-endian), sig. */
static uint64_t fp_digest(const nf_fingerprint_t *fp)
{
        unsigned char b[16 + 4 * NF_FP_ANCHORS + NF_FP_SIG_BYTES];
        put_le(b, fp->exact, 8);
        put_le(b + 8, fp->nwords, 4);
        put_le(b + 12, fp->nshingles, 4);
        for (int i = 0; i < NF_FP_ANCHORS; i++) {
                put_le(b + 16 + 4 * i, fp->anchor[i], 4);
        }
        memcpy(b + 16 + 4 * NF_FP_ANCHORS, fp->sig, NF_FP_SIG_BYTES);
        return XXH3_64bits(b, sizeof(b));
}

static void check_pinned(size_t i, const char *what, const char *s, size_t len)
{
        nf_fingerprint_t fp;
        nf_fingerprint(s, len, &fp);
        if (fp.exact != pinned[i].exact || fp_digest(&fp) != pinned[i].digest) {
                fail_msg("%s: fingerprint changed (exact %016llx, digest "
                         "%016llx; pinned %016llx, %016llx)",
                         what, (unsigned long long)fp.exact,
                         (unsigned long long)fp_digest(&fp),
                         (unsigned long long)pinned[i].exact,
                         (unsigned long long)pinned[i].digest);
        }
}

static void test_fingerprints_are_pinned(void **state)
{
        (void)state;
        size_t ntexts = sizeof(pinned_texts) / sizeof(pinned_texts[0]);
        size_t nfiles = sizeof(pinned_files) / sizeof(pinned_files[0]);
        assert_int_equal(ntexts + nfiles, sizeof(pinned) / sizeof(pinned[0]));
        for (size_t i = 0; i < ntexts; i++) {
                char what[32];
                snprintf(what, sizeof(what), "pinned_texts[%zu]", i);
                check_pinned(i, what, pinned_texts[i], strlen(pinned_texts[i]));
        }
        for (size_t i = 0; i < nfiles; i++) {
                static char s[1 << 20];
                FILE *f = fopen(pinned_files[i], "rb");
                if (!f) {
                        fail_msg("%s: cannot open", pinned_files[i]);
                }
                size_t n = fread(s, 1, sizeof(s), f);
                fclose(f);
                check_pinned(ntexts + i, pinned_files[i], s, n);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_normalise_table),
            cmocka_unit_test(test_normalise_truncates_like_snprintf),
            cmocka_unit_test(test_long_words_are_cut),
            cmocka_unit_test(test_exact_hash_folds_style_only),
            cmocka_unit_test(test_shingle_counts),
            cmocka_unit_test(test_empty_text_has_no_sketch),
            cmocka_unit_test(test_similar_texts_have_similar_sketches),
            cmocka_unit_test(test_short_text_anchors_repeat),
            cmocka_unit_test(test_huge_text),
            cmocka_unit_test(test_fingerprints_are_pinned),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
