/*
 * stats.h — what the stage has done, for its shutdown summary and for a
 * metrics endpoint: records in, out, to the DLQ (in total and per reason),
 * dropped by a processor, state records published, backpressure pauses.
 *
 * Written by the run loop's thread; counters are atomic and the tables
 * (DLQ reasons, consumer lag, tag hits) are guarded by `lock`, so another
 * thread (the metrics listener, metrics.h) may read at any time. Relaxed
 * atomics: a scrape may see one counter a record ahead of another, never a
 * torn value.
 *
 * For metrics and probes the run loop also keeps the readiness flags
 * (group_joined, state_restored, last_poll_ms), feeds librdkafka's
 * statistics JSON to nf_stats_update_from_rdkafka_json() (consumer lag) and
 * calls nf_stats_update_from_chain() now and then (dedup index size, tag
 * hits). Nothing here talks to Kafka: it only reads the statistics text.
 */
#ifndef NF_STAGE_STATS_H
#define NF_STAGE_STATS_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "processors/chain.h"

#define NF_STATS_REASONS 32
#define NF_STATS_LAG_MAX 4096  /* partitions kept from one statistics JSON */
#define NF_STATS_CATEGORIES 64 /* tag categories kept */

typedef struct nf_stats_lag_s {
        char *topic; /* owned by the table */
        int32_t partition;
        int64_t lag;
} nf_stats_lag_t;

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

        /* Readiness and liveness (metrics.h's /readyz and /healthz). */
        atomic_int group_joined;   /* 1 while a member of the group (with an
                                      assignment, possibly empty) */
        atomic_int state_restored; /* 1 once the dedup state topic is read to
                                      its end; set at once when the chain has
                                      no state */
        atomic_int_fast64_t last_poll_ms; /* nf_stats_now_ms() of the last
                                             loop iteration, 0 = never */

        /* The chain whose per-processor counters /metrics shows. Borrowed:
         * set before the listener starts, valid until it stops; NULL = no
         * per-processor metrics. */
        const nf_chain_t *chain;

        /* Consumer lag of the partitions this member fetches, replaced by
         * each nf_stats_update_from_rdkafka_json(); guarded by lock. */
        nf_stats_lag_t *lag;
        size_t nlag;

        /* From the processors' stats(), by nf_stats_update_from_chain(). */
        atomic_int_fast64_t dedup_index_documents; /* -1: not exported */
        /* The dedup state topic (-1 until restored): how long the restore
         * took, and how old the last state record was when this instance
         * applied it (producer timestamp to apply: the cross-instance
         * delay). */
        atomic_int_fast64_t state_restore_ms;
        atomic_int_fast64_t state_lag_ms;
        struct {
                char name[64];
                uint64_t n;
        } tag_hits[NF_STATS_CATEGORIES]; /* guarded by lock */
        int ntag_hits;
} nf_stats_t;

void nf_stats_init(nf_stats_t *s);
void nf_stats_fini(nf_stats_t *s);

/* Counts one record sent to the DLQ for reason. */
void nf_stats_dlq_reason(nf_stats_t *s, const char *reason);

/* Milliseconds on the monotonic clock: the time base of last_poll_ms. */
int64_t nf_stats_now_ms(void);

/* Records that the run loop is alive and polling (sets last_poll_ms). Call
 * it on every loop iteration, including while restoring state. */
void nf_stats_polled(nf_stats_t *s);

/* The DLQ count for reason (0 when never seen; "other" for the overflow). */
uint64_t nf_stats_dlq_get(nf_stats_t *s, const char *reason);

/*
 * Reads librdkafka's statistics JSON (the text its stats_cb receives;
 * borrowed for the call) and replaces the lag table with the consumer_lag
 * of every partition this consumer actively fetches. Statistics of other
 * clients (type != "consumer") are ignored and leave the table alone.
 * Returns 0, or -1 when json is not a JSON object (table unchanged).
 */
int nf_stats_update_from_rdkafka_json(nf_stats_t *s, const char *json);

/* The lag stored for topic/partition, or -1 when none. */
int64_t nf_stats_lag_get(nf_stats_t *s, const char *topic, int32_t partition);

/*
 * Copies figures out of the processors' stats(): "index_documents"
 * (integer) of the processor named "dedup" and "hits" ({category: n}) of the
 * one named "tag". An absent processor or field, or one of another type, is
 * not exported. Call it from the thread that runs the chain, since stats()
 * need not be safe against a concurrent process(). chain is borrowed.
 */
void nf_stats_update_from_chain(nf_stats_t *s, const nf_chain_t *chain);

/*
 * Readiness: the group is joined, the dedup state is restored and the last
 * poll is at most max_poll_age_ms old. Returns 1, or 0 with a one-line
 * reason in why.
 */
int nf_stats_ready(nf_stats_t *s, int64_t max_poll_age_ms, char *why,
                   size_t why_size);

/*
 * Liveness: the loop has not polled yet (start-up) or polled at most
 * max_poll_age_ms ago; max_poll_age_ms <= 0 means always alive. Returns 1,
 * or 0 with a one-line reason in why.
 */
int nf_stats_alive(nf_stats_t *s, int64_t max_poll_age_ms, char *why,
                   size_t why_size);

/* A snapshot as a new JSON object: {"in":..,"out":..,...,"dlq_reasons":
 * {"decode.json_invalid":2,...}}. Caller owns the reference. */
json_t *nf_stats_json(nf_stats_t *s);

#endif
