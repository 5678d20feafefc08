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
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
