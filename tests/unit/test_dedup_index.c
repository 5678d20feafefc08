/*
 * test_dedup_index.c — the dedup index (processors/dedup_index.h): matching,
 * identity, first-seen order, the window, eviction, removal, id encodings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/dedup_index.h"

#define T0 1700000000u
#define WEEK 604800u

static const nf_dedup_policy_t policy = {0.45, NF_FP_SHINGLE};

/* Text number n: 200 words, unrelated to any other n. */
static nf_fingerprint_t text_fp(unsigned n, int variant)
{
        char buf[4096];
        size_t len = 0;
        unsigned seed = n * 7919u + 1;
        for (int i = 0; i < 200; i++) {
                seed = seed * 1103515245u + 12345u;
                if (variant && i % 40 == 7) { /* a few word edits */
                        len += (size_t)sprintf(buf + len, "edited%d ", variant);
                        continue;
                }
                len += (size_t)sprintf(buf + len, "w%u ", (seed >> 8) % 100000);
        }
        nf_fingerprint_t fp;
        nf_fingerprint(buf, len, &fp);
        return fp;
}

static nf_dedup_index_t *new_index(uint64_t max_docs, uint32_t window)
{
        char err[256];
        nf_dedup_index_t *idx =
            nf_dedup_index_new(max_docs, window, err, sizeof(err));
        assert_non_null(idx);
        return idx;
}

static nf_dedup_result_t check(nf_dedup_index_t *idx, const char *id,
                               const nf_fingerprint_t *fp, uint32_t now,
                               char **of, double *sim)
{
        nf_dedup_match_t m = {0};
        nf_dedup_result_t r =
            nf_dedup_index_check(idx, id, strlen(id), fp, now, &policy, &m);
        if (of) {
                *of = r == NF_DEDUP_MATCHED ? m.id : NULL;
        } else if (r == NF_DEDUP_MATCHED) {
                free(m.id);
        }
        if (sim) {
                *sim = m.similarity;
        }
        return r;
}

/* A hand-made fingerprint: anchor 0 is `shared`, the other anchors and the
 * signature belong to document n alone (random signatures estimate a
 * Jaccard near 0 against each other). */
static nf_fingerprint_t crowd_fp(unsigned n, uint32_t shared, unsigned sig_of)
{
        nf_fingerprint_t fp;
        memset(&fp, 0, sizeof(fp));
        fp.exact = 0x9e3779b97f4a7c15ull * (n + 1);
        fp.nwords = fp.nshingles = 200;
        fp.anchor[0] = shared;
        for (int a = 1; a < NF_FP_ANCHORS; a++) {
                fp.anchor[a] = shared + 1 + n * NF_FP_ANCHORS + (uint32_t)a;
        }
        uint64_t x = 0x2545f4914f6cdd1dull * (sig_of + 7);
        for (size_t i = 0; i < NF_FP_SIG_BYTES; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                fp.sig[i] = (uint8_t)x;
        }
        return fp;
}

/* An anchor shared by many documents: the 64 oldest stay reachable through
 * it (the 64th is the boundary), the newer ones only through their other
 * anchors; inserting more of them changes nothing of that. */
static void test_crowded_anchor(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(100000, WEEK);
        const uint32_t shared = 1000;
        char id[32];
        for (unsigned n = 1; n <= 300; n++) {
                nf_fingerprint_t fp = crowd_fp(n, shared, n);
                snprintf(id, sizeof(id), "d%u", n);
                assert_int_equal(check(idx, id, &fp, T0 + n, NULL, NULL),
                                 NF_DEDUP_ADDED);
                if (n != 64 && n != 300) {
                        continue;
                }
                /* A query sharing only the crowded anchor with document
                 * 64 (and its signature): found through that anchor. */
                nf_fingerprint_t q = crowd_fp(100000 + n, shared, 64);
                char *of = NULL;
                assert_int_equal(check(idx, "q", &q, T0 + 400, &of, NULL),
                                 NF_DEDUP_MATCHED);
                assert_string_equal(of, "d64");
                free(of);
        }
        /* Document 65 is past the limit on that anchor. */
        nf_fingerprint_t q = crowd_fp(200000, shared, 65);
        assert_int_equal(check(idx, "q65", &q, T0 + 400, NULL, NULL), NF_DEDUP_ADDED);
        nf_dedup_index_destroy(idx);
}

static void test_new_rejects_bad_arguments(void **state)
{
        (void)state;
        char err[256] = "";
        assert_null(nf_dedup_index_new(0, WEEK, err, sizeof(err)));
        assert_non_null(strstr(err, "max documents"));
        assert_null(nf_dedup_index_new((uint64_t)NF_DEDUP_MAX_DOCS + 1, WEEK,
                                       err, sizeof(err)));
        assert_null(nf_dedup_index_new(100, 0, err, sizeof(err)));
        assert_non_null(strstr(err, "window"));
        nf_dedup_index_destroy(NULL);
}

static void test_exact_near_known_added(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t a = text_fp(1, 0), near = text_fp(1, 1),
                         other = text_fp(2, 0);
        char *of;
        double sim;
        assert_int_equal(check(idx, "a", &a, T0, NULL, NULL), NF_DEDUP_ADDED);
        /* the same id again: itself, whatever the text */
        assert_int_equal(check(idx, "a", &a, T0 + 5, NULL, NULL),
                         NF_DEDUP_KNOWN);
        assert_int_equal(check(idx, "a", &other, T0 + 5, NULL, NULL),
                         NF_DEDUP_KNOWN);
        /* another id, same text: exact */
        assert_int_equal(check(idx, "b", &a, T0 + 10, &of, &sim),
                         NF_DEDUP_MATCHED);
        assert_string_equal(of, "a");
        assert_true(sim == 1.0);
        free(of);
        /* edited copy: near, similarity below 1 */
        assert_int_equal(check(idx, "c", &near, T0 + 10, &of, &sim),
                         NF_DEDUP_MATCHED);
        assert_string_equal(of, "a");
        assert_true(sim >= 0.45 && sim < 1.0);
        free(of);
        /* unrelated: added */
        assert_int_equal(check(idx, "d", &other, T0 + 10, NULL, NULL),
                         NF_DEDUP_ADDED);
        /* copies were not indexed */
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.documents, 2);
        assert_true(st.bytes > 0);
        nf_dedup_index_destroy(idx);
}

static void test_empty_fingerprint_is_neither(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t e;
        nf_fingerprint("", 0, &e);
        assert_int_equal(check(idx, "e1", &e, T0, NULL, NULL), NF_DEDUP_EMPTY);
        assert_int_equal(check(idx, "e2", &e, T0, NULL, NULL), NF_DEDUP_EMPTY);
        nf_dedup_index_destroy(idx);
}

static void test_short_texts_match_only_exactly(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t a, b;
        nf_fingerprint("storm warning", 13, &a);
        nf_fingerprint("storm warnings", 14, &b);
        assert_int_equal(check(idx, "s1", &a, T0, NULL, NULL), NF_DEDUP_ADDED);
        assert_int_equal(check(idx, "s2", &b, T0, NULL, NULL), NF_DEDUP_ADDED);
        assert_int_equal(check(idx, "s3", &a, T0, NULL, NULL),
                         NF_DEDUP_MATCHED);
        nf_dedup_index_destroy(idx);
}

static void test_earliest_first_seen_wins(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t a = text_fp(3, 0), b = text_fp(3, 1),
                         c = text_fp(3, 2);
        char *of;
        /* "late" indexed first but first seen later than "early" (applied
         * from another instance's state record) */
        assert_int_equal(
            nf_dedup_index_insert(idx, "late", 4, &a, T0 + 100, T0 + 100), 0);
        assert_int_equal(
            nf_dedup_index_insert(idx, "early", 5, &b, T0 + 50, T0 + 100), 0);
        assert_int_equal(check(idx, "q", &c, T0 + 200, &of, NULL),
                         NF_DEDUP_MATCHED);
        assert_string_equal(of, "early");
        free(of);
        /* same second: the smaller id, whatever the insertion order */
        nf_dedup_index_t *idx2 = new_index(1000, WEEK);
        assert_int_equal(nf_dedup_index_insert(idx2, "zeta", 4, &a, T0, T0), 0);
        assert_int_equal(nf_dedup_index_insert(idx2, "alpha", 5, &a, T0, T0),
                         0);
        assert_int_equal(check(idx2, "q", &a, T0, &of, NULL), NF_DEDUP_MATCHED);
        assert_string_equal(of, "alpha");
        free(of);
        nf_dedup_index_destroy(idx);
        nf_dedup_index_destroy(idx2);
}

static void test_insert_is_idempotent(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t a = text_fp(4, 0);
        assert_int_equal(nf_dedup_index_insert(idx, "x", 1, &a, T0, T0), 0);
        assert_int_equal(nf_dedup_index_insert(idx, "x", 1, &a, T0, T0), 1);
        assert_int_equal(check(idx, "x", &a, T0, NULL, NULL), NF_DEDUP_KNOWN);
        /* older than the window: ignored */
        assert_int_equal(
            nf_dedup_index_insert(idx, "old", 3, &a, T0 - WEEK, T0), 2);
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.documents, 1);
        nf_dedup_index_destroy(idx);
}

static void test_window_and_expiry(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, 100);
        nf_fingerprint_t a = text_fp(5, 0), b = text_fp(6, 0);
        assert_int_equal(check(idx, "a", &a, T0, NULL, NULL), NF_DEDUP_ADDED);
        /* 99 s later still matches; 100 s later it has left the window */
        assert_int_equal(check(idx, "c1", &a, T0 + 99, NULL, NULL),
                         NF_DEDUP_MATCHED);
        assert_int_equal(check(idx, "c2", &a, T0 + 100, NULL, NULL),
                         NF_DEDUP_ADDED);
        /* much later, the generation holding "a" is reclaimed */
        nf_dedup_index_expire(idx, T0 + 1000);
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.expired, 1);
        assert_int_equal(st.documents, 1); /* c2: the open generation */
        /* the id "a" is no longer known: it starts again */
        assert_int_equal(check(idx, "a", &b, T0 + 1000, NULL, NULL),
                         NF_DEDUP_ADDED);
        nf_dedup_index_destroy(idx);
}

static void test_eviction_when_full(void **state)
{
        (void)state;
        /* 8 documents = 4 generations of 2 */
        nf_dedup_index_t *idx = new_index(8, WEEK);
        char id[16];
        for (unsigned i = 0; i < 8; i++) {
                nf_fingerprint_t fp = text_fp(100 + i, 0);
                snprintf(id, sizeof(id), "doc%u", i);
                assert_int_equal(check(idx, id, &fp, T0 + i, NULL, NULL),
                                 NF_DEDUP_ADDED);
        }
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.documents, 8);
        assert_int_equal(st.evicted, 0);
        nf_fingerprint_t fp = text_fp(200, 0);
        assert_int_equal(check(idx, "doc8", &fp, T0 + 8, NULL, NULL),
                         NF_DEDUP_ADDED);
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.evicted, 2); /* the oldest generation */
        assert_int_equal(st.documents, 7);
        /* doc0 is gone (a copy is new), doc7 is still there */
        nf_fingerprint_t f0 = text_fp(100, 0), f7 = text_fp(107, 0);
        assert_int_equal(check(idx, "copy0", &f0, T0 + 9, NULL, NULL),
                         NF_DEDUP_ADDED);
        assert_int_equal(check(idx, "copy7", &f7, T0 + 9, NULL, NULL),
                         NF_DEDUP_MATCHED);
        nf_dedup_index_destroy(idx);
}

static void test_remove(void **state)
{
        (void)state;
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        nf_fingerprint_t a = text_fp(7, 0);
        assert_int_equal(check(idx, "a", &a, T0, NULL, NULL), NF_DEDUP_ADDED);
        assert_int_equal(nf_dedup_index_remove(idx, "a", 1), 1);
        assert_int_equal(nf_dedup_index_remove(idx, "a", 1), 0);
        assert_int_equal(check(idx, "b", &a, T0, NULL, NULL), NF_DEDUP_ADDED);
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        assert_int_equal(st.documents, 1);
        nf_dedup_index_destroy(idx);
}

static void test_ids_round_trip(void **state)
{
        (void)state;
        char longid[600];
        memset(longid, 'L', sizeof(longid) - 1);
        longid[sizeof(longid) - 1] = '\0';
        const char *ids[] = {
            "u0123456789abcdef0123456789abcdef", /* ensure_id: packed */
            "t00ff",
            "0123456789",                           /* digits: packed */
            "12345",                                /* odd: raw */
            "ABCDEF12",                             /* upper case: raw */
            "123e4567-e89b-12d3-a456-426614174000", /* UUID */
            "123E4567-E89B-12D3-A456-426614174000", /* upper UUID: raw */
            "https://example.org/news/1?x=\xc3\xa9",
            "x",
            longid, /* longer than the stack buffer */
        };
        nf_dedup_index_t *idx = new_index(1000, WEEK);
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
                nf_fingerprint_t fp = text_fp(300 + (unsigned)i, 0);
                char *of;
                assert_int_equal(check(idx, ids[i], &fp, T0, NULL, NULL),
                                 NF_DEDUP_ADDED);
                assert_int_equal(check(idx, ids[i], &fp, T0, NULL, NULL),
                                 NF_DEDUP_KNOWN);
                assert_int_equal(check(idx, "other", &fp, T0, &of, NULL),
                                 NF_DEDUP_MATCHED);
                assert_string_equal(of, ids[i]);
                free(of);
        }
        /* an id that packs and one that does not never collide */
        nf_fingerprint_t fp = text_fp(400, 0);
        assert_int_equal(check(idx, "ab", &fp, T0, NULL, NULL), NF_DEDUP_ADDED);
        assert_int_equal(check(idx, "AB", &fp, T0, NULL, NULL),
                         NF_DEDUP_MATCHED);
        nf_dedup_index_destroy(idx);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_crowded_anchor),
            cmocka_unit_test(test_new_rejects_bad_arguments),
            cmocka_unit_test(test_exact_near_known_added),
            cmocka_unit_test(test_empty_fingerprint_is_neither),
            cmocka_unit_test(test_short_texts_match_only_exactly),
            cmocka_unit_test(test_earliest_first_seen_wins),
            cmocka_unit_test(test_insert_is_idempotent),
            cmocka_unit_test(test_window_and_expiry),
            cmocka_unit_test(test_eviction_when_full),
            cmocka_unit_test(test_remove),
            cmocka_unit_test(test_ids_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
