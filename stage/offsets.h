/*
 * offsets.h — which input offsets are safe to commit: a per-partition
 * tracker of input records still in flight.
 *
 * Every consumed input record becomes an entry holding a count of what is
 * still pending for it: the stage's own processing, plus one per record
 * produced from it (output, DLQ, state). An entry is complete when that
 * count drops to zero. Offsets are handed to the store callback only
 * contiguously per partition: when the oldest entries of a partition are
 * complete, the offset after the last of them is stored ("offset + 1", where
 * consumption resumes), and never while an earlier record of that partition
 * is still pending. A record the chain drops completes as soon as its
 * processing hold is released.
 *
 * Knows nothing of Kafka clients or articles: entries carry an opaque data
 * pointer the stage uses for the input message. Single-threaded.
 */
#ifndef NF_STAGE_OFFSETS_H
#define NF_STAGE_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

typedef struct nf_offsets_s nf_offsets_t;
typedef struct nf_inflight_s nf_inflight_t;

/* Called with the next offset to consume when partition's completed prefix
 * grows. */
typedef void(nf_offsets_store_cb_t)(void *opaque, int32_t partition,
                                    int64_t next_offset);
/* Frees an entry's data when the entry is freed; may be NULL. */
typedef void(nf_offsets_free_cb_t)(void *data);

/* A new, empty tracker. Never NULL. Caller frees with nf_offsets_destroy(). */
nf_offsets_t *nf_offsets_new(nf_offsets_store_cb_t *store,
                             nf_offsets_free_cb_t *free_data, void *opaque);

/* Frees every entry (and its data), complete or not, storing nothing. NULL
 * is a no-op. */
void nf_offsets_destroy(nf_offsets_t *t);

/*
 * Starts tracking the input record at partition/offset, with one pending
 * hold (the caller's processing; release it with nf_offsets_release()).
 * Offsets of a partition must be begun in consumption order. data is owned
 * by the entry from now on. Returns the entry, valid until its last hold is
 * released.
 */
nf_inflight_t *nf_offsets_begin(nf_offsets_t *t, int32_t partition,
                                int64_t offset, void *data);

/* Adds a hold: one more produced record must be acknowledged. */
void nf_offsets_hold(nf_inflight_t *e);

/* Drops a hold. When the entry completes and all older entries of its
 * partition are complete, stores the offset after the newest complete one
 * and frees the completed entries: e may be freed by this call. */
void nf_offsets_release(nf_offsets_t *t, nf_inflight_t *e);

/* Forgets a partition (revoked or lost): stores nothing more for it.
 * Entries still pending stay valid until their last hold is released, then
 * are freed without storing. */
void nf_offsets_forget(nf_offsets_t *t, int32_t partition);

/* Number of entries not yet freed (in flight or waiting for an older one). */
size_t nf_offsets_count(const nf_offsets_t *t);

void *nf_offsets_data(const nf_inflight_t *e);
int32_t nf_offsets_partition(const nf_inflight_t *e);
int64_t nf_offsets_offset(const nf_inflight_t *e);

#endif
