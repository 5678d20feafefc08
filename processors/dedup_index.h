/*
 * dedup_index.h — the in-memory index of unique documents behind the dedup
 * processor: "is there a document first seen within the window whose text is
 * the same as, or similar to, this one, and which one came first?", answered
 * without scanning.
 *
 * Layout. Documents live in NF_DEDUP_GENERATIONS generations, each holding
 * up to max_docs / GENERATIONS documents: a slot record each (first-seen
 * time, 32 bits of the exact hash, the signature, the offset of its id in
 * a compact arena: hash-like ids and UUIDs are packed to half size). Each
 * generation has one open-addressing table for the MinHash anchors
 * (NF_FP_ANCHORS keys per document) and one for ids; a 32-bit cell holds
 * the document's slot plus tag bits of the key, so the tables cost 4 bytes
 * / 0.8 load per key and store no key. About 93 bytes per document in all.
 * New documents go to the newest generation.
 *
 * Eviction. Because the tables store no keys, entries are never deleted one
 * by one: a whole generation is dropped at once, the oldest first, when
 *   - a new one is needed and all GENERATIONS exist (the index is full: it
 *     keeps between 3/4 and all of max_docs; counted as `evicted`), or
 *   - its newest document is older than the window (counted as `expired`).
 * A generation also stops taking documents after window / GENERATIONS
 * seconds, so documents are reclaimed at most that long after they expire.
 * Matching is exact about time: an entry first seen `window` seconds or more
 * before `now` never matches, whether or not it has been reclaimed yet.
 *
 * Lookups probe ANCHORS x GENERATIONS places; each candidate is verified
 * with the signatures (Jaccard estimate, nf_fp_jaccard()) before it counts.
 * At most 64 candidates per anchor and generation are verified (the oldest
 * first), so an anchor shared by thousands of documents — boilerplate left
 * in by clean — costs a bounded time; such lookups are counted as `capped`.
 *
 * Not thread-safe: the dedup processor serialises calls with its mutex.
 * Times are unix seconds; 0 is stored as 1 (0 marks a removed entry).
 */
#ifndef NF_DEDUP_INDEX_H
#define NF_DEDUP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "processors/fingerprint.h"

#define NF_DEDUP_GENERATIONS 4
#define NF_DEDUP_MAX_DOCS (1u << 28) /* cells need a few tag bits */

typedef struct nf_dedup_index_s nf_dedup_index_t;

/* When a candidate counts as a near-duplicate. */
typedef struct nf_dedup_policy_s {
        double threshold; /* Jaccard estimate >= threshold */
        /* Queries with fewer shingles than this match only exactly: a sketch
         * of a handful of shingles says little. */
        uint32_t min_shingles;
} nf_dedup_policy_t;

typedef struct nf_dedup_match_s {
        int exact;         /* 1: same normalised text */
        double similarity; /* 1.0 when exact, else the Jaccard estimate */
        uint32_t first_seen;
        char *id; /* the matched document's id; caller frees */
} nf_dedup_match_t;

typedef struct nf_dedup_index_stats_s {
        uint64_t documents; /* live entries (not removed, maybe expired) */
        uint64_t bytes;     /* bytes allocated by the index */
        uint64_t evicted;   /* entries dropped because the index was full */
        uint64_t expired;   /* entries dropped because they left the window */
        uint64_t capped;    /* lookups that hit the per-anchor limit */
} nf_dedup_index_stats_t;

/*
 * A new empty index for up to max_docs documents (1 .. NF_DEDUP_MAX_DOCS)
 * within window seconds (>= 1). Memory is allocated a generation at a time.
 * Returns NULL with errstr set on bad arguments. Caller frees with
 * nf_dedup_index_destroy().
 */
nf_dedup_index_t *nf_dedup_index_new(uint64_t max_docs, uint32_t window,
                                     char *errstr, size_t errstr_size);
void nf_dedup_index_destroy(nf_dedup_index_t *idx); /* NULL is a no-op */

typedef enum {
        NF_DEDUP_ADDED = 0, /* new: indexed with first_seen = now */
        NF_DEDUP_KNOWN,     /* a live entry has this id: itself again */
        NF_DEDUP_MATCHED,   /* an earlier document matches: *m is filled */
        NF_DEDUP_EMPTY,     /* no shingle (empty text): neither */
} nf_dedup_result_t;

/*
 * What the processor does with each article, in one pass: if a live entry
 * has this id, NF_DEDUP_KNOWN. Else find the earliest-seen entry (ties: the
 * smallest id) within the window ending at now that is an exact copy of fp
 * or passes policy: NF_DEDUP_MATCHED, with m->id malloc'd (caller frees).
 * Else add the document, first seen now: NF_DEDUP_ADDED (first dropping what
 * has expired and, when full, the oldest generation).
 */
nf_dedup_result_t nf_dedup_index_check(nf_dedup_index_t *idx, const char *id,
                                       size_t id_len,
                                       const nf_fingerprint_t *fp, uint32_t now,
                                       const nf_dedup_policy_t *policy,
                                       nf_dedup_match_t *m);

/*
 * Adds a document first seen at first_seen, unless a live entry with the same
 * id exists (idempotent: returns 1) or first_seen is already out of the
 * window ending at now (returns 2). Returns 0 when added. First drops what
 * has expired and, when full, the oldest generation.
 */
int nf_dedup_index_insert(nf_dedup_index_t *idx, const char *id, size_t id_len,
                          const nf_fingerprint_t *fp, uint32_t first_seen,
                          uint32_t now);

/* Removes the entry with this id (a tombstone). Returns 1 if one was live. */
int nf_dedup_index_remove(nf_dedup_index_t *idx, const char *id, size_t id_len);

/* Drops generations whose documents have all left the window. */
void nf_dedup_index_expire(nf_dedup_index_t *idx, uint32_t now);

void nf_dedup_index_stats(const nf_dedup_index_t *idx,
                          nf_dedup_index_stats_t *st);

/* The clock the dedup processor reads, in unix seconds: time(NULL) unless a
 * test replaces it. Set it before processing starts, never during. */
extern int64_t (*nf_dedup_clock)(void);

#endif
