/*
 * workers.h — the CPU part of one input record (decode -> chain -> encode)
 * as a job, and a pool of threads that runs jobs for `workers=N`.
 *
 * The run loop's thread keeps everything that talks to Kafka: the consumer,
 * the producer, the offsets tracker and the delivery reports. It submits a
 * job per consumed record and collects finished jobs to produce what they
 * became. Jobs of one input partition always go to the same worker
 * (partition % N), each worker runs its jobs in order, and finished jobs come
 * back through one FIFO, so the records of a partition are collected in
 * consumption order. Processors see several threads at once: every
 * processor in the chain must be thread-safe (clean, dedup and tag are).
 *
 * With workers=1 the stage runs jobs inline with nf_job_run() and starts no
 * pool.
 */
#ifndef NF_STAGE_WORKERS_H
#define NF_STAGE_WORKERS_H

#include <stddef.h>

#include "common/article.h"
#include "processors/chain.h"

/* One input record and what it became. */
typedef struct nf_job_s {
        struct nf_job_s *next; /* queue link; the pool's */

        /* Set by the submitter. payload is borrowed and must stay valid
         * until the job is collected. */
        void *opaque; /* the submitter's, e.g. its offsets entry */
        const char *payload;
        size_t len;
        nf_origin_t origin; /* borrowed topic; written into meta */

        /* Set by nf_job_run(). */
        int decoded;          /* 0: not decodable: reason/message say why */
        nf_verdict_t verdict; /* when decoded: the chain's verdict */
        char reason[80];      /* "decode.json_invalid", "clean.empty", ... */
        char message[512];
        nf_outcome_t out; /* side records (dedup state), owned */
        /* NF_PASS: the output record, keyed by document id; owned
         * (malloc'd; take them by setting the pointers to NULL). */
        char *key, *value;
        size_t key_len, value_len;
} nf_job_t;

/* A new job for payload/len (borrowed). Never NULL. Caller frees with
 * nf_job_destroy(). */
nf_job_t *nf_job_new(void *opaque, const char *payload, size_t len,
                     const nf_origin_t *origin);
/* Frees the job and whatever results it still owns. NULL is a no-op. */
void nf_job_destroy(nf_job_t *job);

/* Decodes the payload, runs the chain, encodes the output record. chain
 * and limits are borrowed. Safe to call from several threads on different
 * jobs when the chain is thread-safe. */
void nf_job_run(nf_job_t *job, nf_chain_t *chain,
                const nf_decode_limits_t *limits);

typedef struct nf_workers_s nf_workers_t;

/* Called by a worker after it queued a finished job onto an empty
 * completion queue, so that a run loop blocked elsewhere (in a Kafka poll)
 * can come back and collect. Must be thread-safe and cheap. */
typedef void(nf_workers_wake_cb_t)(void *opaque);

/*
 * Starts n threads running jobs through chain (borrowed; must outlive the
 * pool). limits is copied. wake may be NULL. Returns NULL with errstr when
 * a thread cannot be started. Caller frees with nf_workers_destroy().
 */
nf_workers_t *nf_workers_new(int n, nf_chain_t *chain,
                             const nf_decode_limits_t *limits,
                             nf_workers_wake_cb_t *wake, void *opaque,
                             char *errstr, size_t errstr_size);

/* Finishes the jobs already submitted, stops the threads, and frees the
 * pool with every job not yet collected (nf_job_destroy()). NULL is a
 * no-op. */
void nf_workers_destroy(nf_workers_t *w);

/* Queues job (ownership passes to the pool until collected) on worker
 * job->origin.partition % n. Never blocks: bound the number of jobs in
 * flight with nf_workers_pending(). */
void nf_workers_submit(nf_workers_t *w, nf_job_t *job);

/* The next finished job (caller owns it again), or NULL when none is ready.
 * Never blocks. */
nf_job_t *nf_workers_collect(nf_workers_t *w);

/* Waits up to timeout_ms until a finished job is ready to collect. */
void nf_workers_wait(nf_workers_t *w, int timeout_ms);

/* Jobs submitted and not yet collected. */
size_t nf_workers_pending(const nf_workers_t *w);

#endif
