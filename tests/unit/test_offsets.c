/*
 * test_offsets.c — the in-flight offset tracker: offsets are stored only
 * when complete, contiguously per partition, as offset + 1; forgotten
 * partitions store nothing; every entry's data is freed exactly once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stage/offsets.h"

#define MAXSTORES 32

typedef struct rec_s {
        int n;
        int32_t partition[MAXSTORES];
        int64_t next[MAXSTORES];
        int freed;
} rec_t;

static rec_t rec;

static void store(void *opaque, int32_t partition, int64_t next_offset)
{
        rec_t *r = opaque;
        assert_true(r->n < MAXSTORES);
        r->partition[r->n] = partition;
        r->next[r->n++] = next_offset;
}

static void free_data(void *data)
{
        rec.freed++;
        free(data);
}

static nf_offsets_t *tracker(void)
{
        rec = (rec_t){0};
        return nf_offsets_new(store, free_data, &rec);
}

static nf_inflight_t *begin(nf_offsets_t *t, int32_t p, int64_t o)
{
        return nf_offsets_begin(t, p, o, malloc(1));
}

/* A record with nothing produced (dropped) completes at release. */
static void test_drop_completes_immediately(void **state)
{
        nf_offsets_t *t = tracker();
        nf_offsets_release(t, begin(t, 0, 41));
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.partition[0], 0);
        assert_int_equal(rec.next[0], 42); /* offset + 1 */
        assert_int_equal(rec.freed, 1);
        assert_int_equal(nf_offsets_count(t), 0);
        nf_offsets_destroy(t);
}

/* A later record completing first stores nothing until the earlier one
 * completes; then the whole prefix is stored at once. */
static void test_contiguous_per_partition(void **state)
{
        nf_offsets_t *t = tracker();
        nf_inflight_t *e0 = begin(t, 3, 10), *e1 = begin(t, 3, 11),
                      *e2 = begin(t, 3, 12);
        nf_offsets_release(t, e2);
        nf_offsets_release(t, e1);
        assert_int_equal(rec.n, 0);
        assert_int_equal(nf_offsets_count(t), 3);
        nf_offsets_release(t, e0);
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.partition[0], 3);
        assert_int_equal(rec.next[0], 13);
        assert_int_equal(nf_offsets_count(t), 0);
        nf_offsets_destroy(t);
}

/* Each produced record is a hold; the offset is stored after the last
 * delivery report, not before. */
static void test_holds(void **state)
{
        nf_offsets_t *t = tracker();
        nf_inflight_t *e = begin(t, 0, 5);
        nf_offsets_hold(e);       /* output */
        nf_offsets_hold(e);       /* state record */
        nf_offsets_release(t, e); /* processing done */
        nf_offsets_release(t, e); /* output acknowledged */
        assert_int_equal(rec.n, 0);
        nf_offsets_release(t, e); /* state record acknowledged */
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.next[0], 6);
        nf_offsets_destroy(t);
}

/* A pending record in one partition does not hold back another. */
static void test_partitions_independent(void **state)
{
        nf_offsets_t *t = tracker();
        nf_inflight_t *a = begin(t, 0, 100);
        nf_offsets_release(t, begin(t, 7, 3));
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.partition[0], 7);
        assert_int_equal(rec.next[0], 4);
        nf_offsets_release(t, a);
        assert_int_equal(rec.n, 2);
        assert_int_equal(rec.partition[1], 0);
        assert_int_equal(rec.next[1], 101);
        nf_offsets_destroy(t);
}

/* Gaps in offsets (compaction, transaction markers) are fine: the store
 * is the last completed offset + 1. */
static void test_offset_gaps(void **state)
{
        nf_offsets_t *t = tracker();
        nf_inflight_t *a = begin(t, 1, 10), *b = begin(t, 1, 20);
        nf_offsets_release(t, a);
        nf_offsets_release(t, b);
        assert_int_equal(rec.n, 2);
        assert_int_equal(rec.next[0], 11);
        assert_int_equal(rec.next[1], 21);
        nf_offsets_destroy(t);
}

/* After forget (revoke), late releases store nothing and free the entry;
 * completed-but-blocked entries are freed at once. */
static void test_forget(void **state)
{
        nf_offsets_t *t = tracker();
        nf_inflight_t *a = begin(t, 2, 0), *b = begin(t, 2, 1);
        nf_offsets_hold(a);
        nf_offsets_release(t, a); /* a still has one hold */
        nf_offsets_release(t, b); /* b complete, blocked behind a */
        assert_int_equal(rec.n, 0);
        nf_offsets_forget(t, 2);
        assert_int_equal(rec.freed, 1); /* b */
        assert_int_equal(nf_offsets_count(t), 1);
        nf_offsets_release(t, a); /* late delivery report */
        assert_int_equal(rec.n, 0);
        assert_int_equal(rec.freed, 2);
        assert_int_equal(nf_offsets_count(t), 0);
        /* The partition can be assigned again and tracked afresh. */
        nf_offsets_release(t, begin(t, 2, 1));
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.next[0], 2);
        nf_offsets_forget(t, 99); /* never seen: no-op */
        nf_offsets_destroy(t);
}

/* A record that never completes (the stage stopped on it) blocks its
 * partition; destroy frees it without storing. */
static void test_stuck_record_blocks_and_destroy_frees(void **state)
{
        nf_offsets_t *t = tracker();
        nf_offsets_release(t, begin(t, 0, 0));
        begin(t, 0, 1); /* never released */
        nf_offsets_release(t, begin(t, 0, 2));
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.next[0], 1);
        nf_offsets_destroy(t);
        assert_int_equal(rec.n, 1);
        assert_int_equal(rec.freed, 3);
        nf_offsets_destroy(NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_drop_completes_immediately),
            cmocka_unit_test(test_contiguous_per_partition),
            cmocka_unit_test(test_holds),
            cmocka_unit_test(test_partitions_independent),
            cmocka_unit_test(test_offset_gaps),
            cmocka_unit_test(test_forget),
            cmocka_unit_test(test_stuck_record_blocks_and_destroy_frees),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
