/*
 * stats.h — what the stage has done, for its shutdown summary and for a
 * metrics endpoint: records in, out, to the DLQ (in total and per reason),
 * dropped by a processor, state records published, backpressure pauses.
 *
 * Written by the run loop's thread; counters are atomic and the reason table
 * is locked, so another thread may read at any time.
 */
#ifndef NF_STAGE_STATS_H
#define NF_STAGE_STATS_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define NF_STATS_REASONS 32

typedef struct nf_stats_s {
        atomic_uint_fast64_t in;      /* input records consumed */
        atomic_uint_fast64_t out;     /* output records acknowledged */
        atomic_uint_fast64_t dlq;     /* DLQ records acknowledged */
        atomic_uint_fast64_t dropped; /* dropped by a processor */
        atomic_uint_fast64_t state;   /* state records acknowledged */
        atomic_uint_fast64_t pauses;  /* input paused for backpressure */
        pthread_mutex_t lock;         /* guards reasons */
        struct {
                char name[64];
                uint64_t n;
        } reasons[NF_STATS_REASONS]; /* records sent to the DLQ, by reason */
        int nreasons;
        uint64_t other; /* reasons beyond the table, reported as "other" */
} nf_stats_t;

void nf_stats_init(nf_stats_t *s);
void nf_stats_fini(nf_stats_t *s);

/* Counts one record sent to the DLQ for reason. */
void nf_stats_dlq_reason(nf_stats_t *s, const char *reason);

/* A snapshot as a new JSON object: {"in":..,"out":..,...,"dlq_reasons":
 * {"decode.json_invalid":2,...}}. Caller owns the reference. */
json_t *nf_stats_json(nf_stats_t *s);

#endif
