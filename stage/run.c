/*
 * run.c — Kafka mode: consume -> decode -> chain -> encode -> produce, at
 * least once.
 *
 * One thread does everything, in the shape of librdkafka's
 * examples/transactions.c: poll the consumer, process the record, hand what
 * it became (output, DLQ or state records) to the producer, serve the
 * producer's delivery reports. An input offset is stored for commit only
 * when every record made from it is acknowledged (offsets.h keeps that per
 * partition and contiguous). Records the producer could not take yet
 * (QUEUE_FULL) wait in an outbox while input is paused: nothing is dropped,
 * nothing spins.
 *
 * Exactly-once (processing.guarantee=exactly_once, txn.h) changes where
 * offsets go and when output is sent: each input record joins the open
 * transaction (nf_txn_add() in handle()), the tracker stores nothing,
 * output goes to the producer in chunks (EOS_CHUNK_MS), and the loop
 * commits the transaction when it is due (eos_commit()). An abortable
 * error voids everything in flight: the tracker forgets the partitions,
 * the outbox is emptied, the transaction aborted and the input rewound
 * (eos_abort()). The at-least-once path is the same as without it.
 *
 * The dedup state topic (issue 4): state_restore() before subscribing, and
 * the state tail polled in the main loop.
 */
#include "stage/run.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "common/log.h"
#include "consumer/consumer.h"
#include "processors/chain.h"
#include "producer/producer.h"
#include "stage/config.h"
#include "stage/digest.h"
#include "stage/dlq.h"
#include "stage/offsets.h"
#include "stage/state.h"
#include "stage/stats.h"
#include "stage/metrics.h"
#include "stage/txn.h"
#include "stage/workers.h"

/* How long to wait for records in flight before giving partitions up in a
 * rebalance, and before exiting on SIGTERM. What is not acknowledged by
 * then is not committed, and is reprocessed by the next owner. */
#define REVOKE_DRAIN_MS 10000
#define SHUTDOWN_DRAIN_MS 30000

/*
 * Exactly-once: records wait in the outbox and go to the producer in
 * chunks at most this old, not one by one. The first record of a
 * transaction in an output partition makes librdkafka register that
 * partition with the coordinator (AddPartitionsToTxn, one request at a
 * time), and librdkafka 2.0.x's main thread busy-waits ~1 ms on the timer
 * of every such registration (fixed upstream in 2.4.0). Records trickling
 * one by one into 256 output partitions meant ~100 registrations a second
 * and ~2 s of CPU per 20k records on the benchmark; chunks make it one
 * registration per chunk. The commit sends what is still waiting.
 */
#define EOS_CHUNK_MS 10

/* The run flag: the only global. The signal handler only clears it. */
static volatile sig_atomic_t run_flag = 1;

static void on_signal(int sig)
{
        (void)sig;
        run_flag = 0;
}

typedef enum { OUT_OUTPUT = 0, OUT_DLQ, OUT_STATE } out_kind_t;

/* What the stage keeps per input record while it is in flight: the consumed
 * message itself, because if its output is refused for good the original
 * record goes to the DLQ. Owned by its offsets entry. */
typedef struct input_s {
        rd_kafka_message_t *rkm;
        int dlq_sent; /* the original is already on its way to the DLQ */
} input_t;

/* The per-message token: which input a produced record belongs to. Freed
 * when its delivery report has been handled. */
typedef struct token_s {
        nf_inflight_t *e;
        out_kind_t kind;
        unsigned gen; /* exactly-once: run_t.txn_gen when it was queued */
} token_t;

/* A record the producer has not accepted yet. Owns key, value, headers. */
typedef struct outmsg_s {
        struct outmsg_s *next;
        nf_producer_msg_t msg;
} outmsg_t;

typedef struct run_s {
        const nf_conf_t *conf;
        const char *in_topic, *out_topic, *dlq_topic, *state_topic;
        int tolerate_all; /* errors.tolerance=all */
        nf_decode_limits_t limits;
        nf_chain_t *chain;
        nf_consumer_t *consumer;
        nf_producer_t *producer;
        nf_offsets_t *offsets;
        outmsg_t *outbox, **outbox_tail;
        int64_t outbox_since; /* when the outbox last became non-empty */
        nf_stats_t stats;
        nf_metrics_t *metrics; /* NULL unless metrics.listen is set */
        nf_state_t *state;     /* NULL unless dedup.state.topic is read */
        char digest[NF_DIGEST_LEN + 1]; /* header of every output record */
        nf_txn_t *txn;         /* NULL unless exactly_once */
        int txn_broken; /* a record failed: the open transaction can only
                           be aborted */
        unsigned txn_gen; /* bumped at every abort: reports of records of
                             an aborted transaction are stale */
        nf_workers_t *workers; /* NULL unless workers > 1 */
        size_t max_jobs;       /* jobs in the pool before input waits */
        rd_kafka_queue_t *cq;  /* the consumer's queue, to wake its poll */
        int failed;  /* a fatal error happened: stop, exit 1 */
        int closing; /* tearing down: delivery reports change nothing */
} run_t;

static void fail(run_t *r)
{
        r->failed = 1;
        run_flag = 0;
}

static void input_free(void *data)
{
        input_t *in = data;
        rd_kafka_message_destroy(in->rkm);
        free(in);
}

static void *memdup0(const void *p, size_t n)
{
        char *d = malloc(n + 1);
        if (!d) {
                abort();
        }
        if (n) {
                memcpy(d, p, n);
        }
        d[n] = '\0';
        return d;
}

/* ---- outbox: records waiting for the producer ---- */

/* Queues a record made from input e. Takes ownership of key, value and
 * headers; adds a hold on e that its delivery report releases. */
static void outbox_push(run_t *r, nf_inflight_t *e, out_kind_t kind,
                        const char *topic, char *key, size_t key_len,
                        char *value, size_t value_len,
                        rd_kafka_headers_t *headers)
{
        outmsg_t *m = calloc(1, sizeof(*m));
        token_t *tok = malloc(sizeof(*tok));
        if (!m || !tok) {
                abort();
        }
        tok->e = e;
        tok->kind = kind;
        tok->gen = r->txn_gen;
        nf_offsets_hold(e);
        m->msg = (nf_producer_msg_t){.topic = topic,
                                     .partition = RD_KAFKA_PARTITION_UA,
                                     .key = key,
                                     .key_len = key_len,
                                     .value = value,
                                     .value_len = value_len,
                                     .value_owned = 1,
                                     .headers = headers,
                                     .token = tok};
        if (!r->outbox) {
                r->outbox_since = nf_stats_now_ms();
        }
        *r->outbox_tail = m;
        r->outbox_tail = &m->next;
}

static void outbox_pop(run_t *r)
{
        outmsg_t *m = r->outbox;
        r->outbox = m->next;
        if (!r->outbox) {
                r->outbox_tail = &r->outbox;
        }
        free((void *)m->msg.key);
        free(m);
}

static void delivery_failed(run_t *r, token_t *tok, rd_kafka_resp_err_t err,
                            const char *topic, int reported);

/* Hands queued records to the producer, in order, until it is full. */
static void outbox_send(run_t *r)
{
        while (r->outbox) {
                outmsg_t *m = r->outbox;
                rd_kafka_resp_err_t err =
                    nf_producer_send(r->producer, &m->msg);
                if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                        return;
                }
                if (r->txn && (err == RD_KAFKA_RESP_ERR__STATE ||
                               err == RD_KAFKA_RESP_ERR__FATAL)) {
                        /* The transaction failed (abortable or fatal):
                         * nothing more goes into it; the loop aborts it. */
                        nf_log(NF_LOG_WARN, "txn: abortable error", "call",
                               "produce", "error", rd_kafka_err2name(err),
                               "reason", rd_kafka_err2str(err), NULL);
                        r->txn_broken = 1;
                        return;
                }
                if (err) {
                        /* Refused locally (e.g. over message.max.bytes):
                         * nothing was taken; same path as a failed delivery. */
                        free(m->msg.value);
                        if (m->msg.headers) {
                                rd_kafka_headers_destroy(m->msg.headers);
                        }
                        token_t *tok = m->msg.token;
                        const char *topic = m->msg.topic;
                        outbox_pop(r);
                        delivery_failed(r, tok, err, topic, 0);
                        continue;
                }
                outbox_pop(r); /* value and headers now belong to librdkafka */
        }
}

/* Exactly-once: whether the outbox still waits to be sent as one chunk
 * (EOS_CHUNK_MS). */
static int outbox_held(const run_t *r)
{
        return r->txn && r->outbox &&
               nf_stats_now_ms() - r->outbox_since < EOS_CHUNK_MS;
}

/* Drops what the producer has not taken. At teardown the holds stay (the
 * tracker is freed whole); after a transaction abort they are released,
 * which frees the entries of the forgotten partitions. */
static void outbox_clear(run_t *r)
{
        while (r->outbox) {
                outmsg_t *m = r->outbox;
                token_t *tok = m->msg.token;
                free(m->msg.value);
                if (m->msg.headers) {
                        rd_kafka_headers_destroy(m->msg.headers);
                }
                if (!r->closing) {
                        nf_offsets_release(r->offsets, tok->e);
                }
                free(tok);
                outbox_pop(r);
        }
}

/* ---- the DLQ ---- */

/* Sends input e's original record to the DLQ with the error headers. */
static void to_dlq(run_t *r, nf_inflight_t *e, const char *stage,
                   const char *reason, const char *message)
{
        input_t *in = nf_offsets_data(e);
        const rd_kafka_message_t *rkm = in->rkm;
        rd_kafka_headers_t *orig = NULL;
        rd_kafka_message_headers(rkm, &orig); /* borrowed; NULL if none */
        nf_dlq_error_t derr = {.topic = r->in_topic,
                               .partition = rkm->partition,
                               .offset = rkm->offset,
                               .stage = stage,
                               .reason = reason,
                               .message = message};
        in->dlq_sent = 1;
        nf_stats_dlq_reason(&r->stats, reason);
        outbox_push(r, e, OUT_DLQ, r->dlq_topic,
                    rkm->key ? memdup0(rkm->key, rkm->key_len) : NULL,
                    rkm->key_len,
                    rkm->payload ? memdup0(rkm->payload, rkm->len) : NULL,
                    rkm->len, nf_dlq_headers(orig, &derr));
}

static void log_record(nf_log_level_t level, const char *msg, run_t *r,
                       nf_inflight_t *e, const char *reason,
                       const char *message)
{
        char p[16], o[24];
        snprintf(p, sizeof(p), "%" PRId32, nf_offsets_partition(e));
        snprintf(o, sizeof(o), "%" PRId64, nf_offsets_offset(e));
        nf_log(level, msg, "topic", r->in_topic, "partition", p, "offset", o,
               "reason", reason, "error", message, NULL);
}

/*
 * Bad input: to the DLQ, or, with errors.tolerance=none, a stop. Returns 0,
 * or -1 when the stage stops: then the caller must not release its hold on
 * e, so the offset of this record (and everything after it in its
 * partition) is never committed.
 */
static int bad_input(run_t *r, nf_inflight_t *e, const char *stage,
                     const char *reason, const char *message)
{
        if (!r->tolerate_all || !r->dlq_topic) {
                log_record(NF_LOG_ERROR,
                           "bad input with errors.tolerance=none: stopping "
                           "without committing past it",
                           r, e, reason, message);
                fail(r);
                return -1;
        }
        log_record(NF_LOG_WARN, "bad input sent to the DLQ", r, e, reason,
                   message);
        to_dlq(r, e, stage, reason, message);
        return 0;
}

/* ---- delivery reports ---- */

/* Errors that say "this record cannot be written, ever" rather than "the
 * cluster is unwell": the record goes to the DLQ. Everything else that
 * reaches a delivery report has outlived librdkafka's retries
 * (message.timeout.ms) and stops the stage. */
static int is_record_error(rd_kafka_resp_err_t err)
{
        switch (err) {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_MSG:
        case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
        case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
        case RD_KAFKA_RESP_ERR_INVALID_RECORD:
                return 1;
        default:
                return 0;
        }
}

/* "produce.msg_size_too_large" from librdkafka's error name. */
static void produce_reason(rd_kafka_resp_err_t err, char *buf, size_t size)
{
        const char *name = rd_kafka_err2name(err);
        while (*name == '_') {
                name++;
        }
        size_t o = (size_t)snprintf(buf, size, "produce.");
        for (; *name && o + 1 < size; name++) {
                buf[o++] =
                    (char)(*name >= 'A' && *name <= 'Z' ? *name + 32 : *name);
        }
        buf[o] = '\0';
}

/* A record made from input tok->e was not written: refused by
 * nf_producer_send() (reported=0) or failed in its delivery report
 * (reported=1). Consumes tok. */
static void delivery_failed(run_t *r, token_t *tok, rd_kafka_resp_err_t err,
                            const char *topic, int reported)
{
        nf_inflight_t *e = tok->e;
        input_t *in = nf_offsets_data(e);
        char reason[64], message[512];
        produce_reason(err, reason, sizeof(reason));
        snprintf(message, sizeof(message), "could not write to topic %s: %s",
                 topic, rd_kafka_err2str(err));

        if (r->txn && reported) {
                /* The transaction cannot commit now (librdkafka makes it
                 * abortable); the loop aborts it and reads the batch again.
                 * A record refused for good would fail every attempt: its
                 * input goes to the DLQ next time instead. Releasing the
                 * hold stores nothing (offsets travel in the transaction). */
                if (tok->kind != OUT_DLQ && is_record_error(err)) {
                        nf_txn_poison(r->txn, nf_offsets_partition(e),
                                      nf_offsets_offset(e), reason);
                }
                log_record(NF_LOG_WARN,
                           "could not deliver a record: the transaction "
                           "will be aborted and the batch retried",
                           r, e, reason, message);
                r->txn_broken = 1;
                nf_offsets_release(r->offsets, e);
        } else if (tok->kind != OUT_DLQ && is_record_error(err)) {
                /* The record is refused, the input is not lost: the
                 * original goes to the DLQ (once, however many of its
                 * records failed), and that delivery completes it. */
                if (in->dlq_sent ||
                    bad_input(r, e, "produce", reason, message) == 0) {
                        nf_offsets_release(r->offsets, e);
                }
        } else {
                /* Cannot deliver, not even to the DLQ: stop, and keep the
                 * hold so nothing from here on in this partition is
                 * committed. */
                log_record(NF_LOG_ERROR,
                           tok->kind == OUT_DLQ
                               ? "could not write to the DLQ: stopping "
                                 "without committing past this record"
                               : "could not deliver a record: stopping "
                                 "without committing past it",
                           r, e, reason, message);
                fail(r);
        }
        free(tok);
}

static void on_delivery(void *opaque, void *token, rd_kafka_resp_err_t err,
                        const rd_kafka_message_t *rkm)
{
        run_t *r = opaque;
        token_t *tok = token;
        if (r->closing || err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
            err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT ||
            (r->txn && tok->gen != r->txn_gen)) {
                /* Tearing down past the deadline: not written (or too
                 * late to commit); the entry is freed with the tracker.
                 * Or purged by a transaction abort, or late from an aborted
                 * transaction: the release only frees the entry (its
                 * partition is forgotten, and nothing is stored in this
                 * mode). */
                if (r->txn && !r->closing) {
                        nf_offsets_release(r->offsets, tok->e);
                }
                free(tok);
                return;
        }
        if (err) {
                delivery_failed(r, tok, err, rd_kafka_topic_name(rkm->rkt), 1);
                return;
        }
        atomic_fetch_add(tok->kind == OUT_OUTPUT ? &r->stats.out
                         : tok->kind == OUT_DLQ  ? &r->stats.dlq
                                                 : &r->stats.state,
                         1);
        nf_offsets_release(r->offsets, tok->e);
        free(tok);
}

/* The offsets tracker says partition is complete up to next_offset. */
static void on_store(void *opaque, int32_t partition, int64_t next_offset)
{
        run_t *r = opaque;
        if (r->txn) {
                return; /* exactly-once: offsets go with the transaction */
        }
        if (r->consumer) {
                /* refused (and logged) once the consumer is closed */
                nf_consumer_store(r->consumer, r->in_topic, partition,
                                  next_offset);
        }
}

/* ---- one input record ---- */

/* Side records (dedup state) belong to the same input as its output: they
 * are produced under the same entry. Without a state topic they stay
 * local. Takes the records out of the outcome. */
static void publish_state(run_t *r, nf_inflight_t *e, nf_outcome_t *out)
{
        for (size_t i = 0; r->state_topic && i < out->nrecords; i++) {
                nf_record_t *rec = &out->records[i];
                outbox_push(r, e, OUT_STATE, r->state_topic, rec->key,
                            rec->key_len, rec->value, rec->value_len, NULL);
                rec->key = rec->value = NULL; /* now owned by the outbox */
        }
}

/* Queues what input e became (a finished job, workers.h): its side records
 * and its output, or the DLQ. Returns 0, or -1 when the stage stops on this
 * record (see bad_input()). */
static int emit(run_t *r, nf_inflight_t *e, nf_job_t *job)
{
        if (!job->decoded) {
                return bad_input(r, e, "decode", job->reason, job->message);
        }
        publish_state(r, e, &job->out);
        if (job->verdict == NF_PASS) {
                /* The rules/config version that made it (digest.h). */
                rd_kafka_headers_t *h = rd_kafka_headers_new(1);
                rd_kafka_header_add(h, NF_DIGEST_HEADER, -1, r->digest,
                                    NF_DIGEST_LEN);
                outbox_push(r, e, OUT_OUTPUT, r->out_topic, job->key,
                            job->key_len, job->value, job->value_len, h);
                job->key = job->value = NULL; /* now owned by the outbox */
                return 0;
        }
        if (job->verdict == NF_DROP) {
                atomic_fetch_add(&r->stats.dropped, 1);
                return 0;
        }
        /* "clean.empty": the stage is the processor's name. */
        char stage[64];
        snprintf(stage, sizeof(stage), "%.*s",
                 (int)strcspn(job->reason, "."), job->reason);
        return bad_input(r, e, stage, job->reason, job->message);
}

/* Produces what a job became and releases the processing hold. */
static void finish(run_t *r, nf_job_t *job)
{
        nf_inflight_t *e = job->opaque;
        if (emit(r, e, job) == 0) {
                nf_offsets_release(r->offsets, e); /* processing is done */
        }
        nf_job_destroy(job);
}

/* Finishes the jobs the workers have done, in their order (per partition:
 * consumption order). */
static void collect(run_t *r)
{
        nf_job_t *job;
        while (r->workers && !r->failed &&
               (job = nf_workers_collect(r->workers))) {
                finish(r, job);
        }
}

static void handle(run_t *r, rd_kafka_message_t *rkm)
{
        atomic_fetch_add(&r->stats.in, 1);
        char errstr[512];
        if (r->txn && nf_txn_add(r->txn, rkm->partition, rkm->offset, errstr,
                                 sizeof(errstr)) != NF_TXN_OK) {
                nf_log(NF_LOG_ERROR, "stopping", "error", errstr, NULL);
                rd_kafka_message_destroy(rkm);
                fail(r);
                return;
        }
        input_t *in = calloc(1, sizeof(*in));
        if (!in) {
                abort();
        }
        in->rkm = rkm; /* owned by the entry from here on */
        nf_inflight_t *e =
            nf_offsets_begin(r->offsets, rkm->partition, rkm->offset, in);

        if (r->txn) {
                /* Exactly-once: a record refused for good in an aborted
                 * transaction goes straight to the DLQ this time. */
                const char *refused =
                    nf_txn_poisoned(r->txn, rkm->partition, rkm->offset);
                if (refused) {
                        if (bad_input(r, e, "produce", refused,
                                      "a record made from it was refused by "
                                      "the broker for good in an aborted "
                                      "transaction") == 0) {
                                nf_offsets_release(r->offsets, e);
                        }
                        return;
                }
        }
        /* The job borrows the payload: the entry keeps rkm until the job is
         * finished and its records are acknowledged. */
        nf_origin_t origin = {.topic = r->in_topic,
                              .partition = rkm->partition,
                              .offset = rkm->offset};
        nf_job_t *job = nf_job_new(e, rkm->payload, rkm->len, &origin);
        if (r->workers) {
                nf_workers_submit(r->workers, job);
                return;
        }
        nf_job_run(job, r->chain, &r->limits);
        finish(r, job);
}

/* A worker finished a job: make a run loop blocked in the consumer poll
 * come back and collect it. */
static void wake(void *opaque)
{
        run_t *r = opaque;
        rd_kafka_queue_yield(r->cq);
}

/* ---- draining ---- */

/* Sends the outbox and waits for delivery reports until nothing is in
 * flight or timeout_ms passed. Returns the number of records left. */
static int drain(run_t *r, int timeout_ms)
{
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
                collect(r);
                outbox_send(r);
                size_t jobs = r->workers ? nf_workers_pending(r->workers) : 0;
                int left = nf_producer_outq_len(r->producer) + (int)jobs;
                for (outmsg_t *m = r->outbox; m; m = m->next) {
                        left++;
                }
                clock_gettime(CLOCK_MONOTONIC, &t);
                long ms = (t.tv_sec - t0.tv_sec) * 1000 +
                          (t.tv_nsec - t0.tv_nsec) / 1000000;
                if (left == 0 || ms >= timeout_ms) {
                        return left;
                }
                if (jobs) {
                        nf_workers_wait(r->workers, 10);
                        nf_producer_poll(r->producer, 0);
                } else {
                        nf_producer_poll(r->producer, 50);
                }
        }
}

/* ---- exactly-once ---- */

/* Voids everything since the open transaction began: the tracker forgets
 * the partitions (entries are freed as their records report), the outbox
 * is emptied, the transaction aborted, and, unless the partitions are lost,
 * the input rewound to the last committed offsets so the batch is read
 * again. A fatal error stops the stage. */
static void eos_abort(run_t *r, int rewind)
{
        char errstr[512];
        rd_kafka_t *rk = nf_consumer_handle(r->consumer);
        rd_kafka_topic_partition_list_t *parts = NULL;
        if (!rd_kafka_assignment(rk, &parts)) {
                for (int i = 0; i < parts->cnt; i++) {
                        nf_offsets_forget(r->offsets,
                                          parts->elems[i].partition);
                }
                rd_kafka_topic_partition_list_destroy(parts);
        }
        /* Jobs still with the workers belong to the aborted batch too. */
        while (r->workers && nf_workers_pending(r->workers)) {
                nf_job_t *job = nf_workers_collect(r->workers);
                if (!job) {
                        nf_workers_wait(r->workers, 10);
                        continue;
                }
                nf_inflight_t *e = job->opaque;
                nf_job_destroy(job);               /* borrows e's payload */
                nf_offsets_release(r->offsets, e); /* forgotten: freed */
        }
        r->txn_gen++;
        r->txn_broken = 0;
        outbox_clear(r);
        if (nf_txn_abort(r->txn, errstr, sizeof(errstr)) == NF_TXN_FATAL ||
            (rewind && nf_txn_rewind(r->txn, rk, errstr, sizeof(errstr)) ==
                           -1)) {
                nf_log(NF_LOG_ERROR, "stopping", "error", errstr, NULL);
                fail(r);
        }
}

/* Commits the open transaction once every record of it is in the
 * producer (the workers' jobs collected, the outbox handed over); an
 * abortable error aborts and rewinds (eos_abort()), a fatal
 * one stops the stage. Returns 0 when committed (or nothing was open). */
static int eos_commit(run_t *r)
{
        char errstr[512];
        while (r->workers && nf_workers_pending(r->workers) && !r->failed) {
                nf_workers_wait(r->workers, 10);
                collect(r);
                nf_producer_poll(r->producer, 0);
        }
        if (r->failed) {
                return -1; /* stopping on an error: nothing is committed */
        }
        while (r->outbox && !r->txn_broken) {
                outbox_send(r);
                if (r->outbox && !r->txn_broken) {
                        nf_producer_poll(r->producer, 50);
                }
        }
        nf_txn_status_t st =
            r->txn_broken ? NF_TXN_ABORTED
                          : nf_txn_commit(r->txn,
                                          nf_consumer_handle(r->consumer),
                                          errstr, sizeof(errstr));
        if (st == NF_TXN_FATAL) {
                nf_log(NF_LOG_ERROR, "stopping", "error", errstr, NULL);
                fail(r);
        } else if (st == NF_TXN_ABORTED) {
                eos_abort(r, 1);
        }
        return st == NF_TXN_OK ? 0 : -1;
}

static void log_txn_summary(run_t *r)
{
        const nf_txn_counters_t *c = nf_txn_counters(r->txn);
        char v[6][24];
        const uint64_t n[6] = {c->begun,   c->committed, c->aborted,
                               c->rewinds, c->retries,   c->records};
        for (int i = 0; i < 6; i++) {
                snprintf(v[i], sizeof(v[i]), "%" PRIu64, n[i]);
        }
        nf_log(NF_LOG_INFO, "transactions", "begun", v[0], "committed", v[1],
               "aborted", v[2], "rewinds", v[3], "retries", v[4], "records",
               v[5], NULL);
}

/* ---- rebalance hooks ---- */

static void on_assign(void *opaque,
                      const rd_kafka_topic_partition_list_t *parts)
{
        run_t *r = opaque;
        atomic_store(&r->stats.group_joined, 1);
}

static void on_stats(void *opaque, const char *json)
{
        run_t *r = opaque;
        nf_stats_update_from_rdkafka_json(&r->stats, json);
}

static void on_revoke(void *opaque,
                      const rd_kafka_topic_partition_list_t *parts, int lost)
{
        run_t *r = opaque;
        if (lost) {
                atomic_store(&r->stats.group_joined, 0);
        }
        if (r->txn && r->failed) {
                /* stopping on an error: the transaction is not committed */
                return;
        }
        /* Exactly-once: the open transaction holds records of the revoked
         * partitions; commit it (their offsets with it) before they go, or
         * abort it when they are lost (the broker would refuse the offsets
         * of an old generation). */
        if (r->txn) {
                if (lost) {
                        eos_abort(r, 0);
                } else {
                        eos_commit(r);
                }
        }
        /* Finish what is in flight so its offsets are stored and committed
         * before the next owner starts; lost partitions already have a new
         * owner, so their offsets could not be committed anyway. */
        if (!lost && !r->txn) {
                int left = drain(r, REVOKE_DRAIN_MS);
                if (left) {
                        char n[16];
                        snprintf(n, sizeof(n), "%d", left);
                        nf_log(NF_LOG_WARN,
                               "records still in flight at revoke; the next "
                               "owner will process them again",
                               "records", n, NULL);
                }
        }
        for (int i = 0; i < parts->cnt; i++) {
                if (strcmp(parts->elems[i].topic, r->in_topic) == 0) {
                        nf_offsets_forget(r->offsets,
                                          parts->elems[i].partition);
                }
        }
}

/* ---- set-up ---- */

/* A librdkafka default of newsflow's, applied unless the user set the key
 * (or its alias, or the client-prefixed form). */
typedef struct rk_default_s {
        const char *key, *alias, *value;
} rk_default_t;

static const rk_default_t producer_defaults[] = {
    /* No duplicates or reordering from librdkafka's own retries. */
    {"enable.idempotence", NULL, "true"},
    /* Batching: a few ms of latency for full batches. Measured on
     * kafka-mock (bench/run.sh, 2 shared cores): linger.ms 5/20/50 and
     * compression.type=lz4 changed neither throughput nor CPU beyond the
     * run-to-run noise (+-40%), because the stage's own CPU (JSON decode,
     * language id) dominates; so the defaults stay small and uncompressed.
     * Against a real cluster over a network, compression.type=lz4 (news
     * text compresses ~3x) is worth setting. */
    {"linger.ms", "queue.buffering.max.ms", "5"},
    {"batch.size", NULL, "1000000"},
    {NULL, NULL, NULL}};

static const rk_default_t consumer_defaults[] = {
    /* A new group reads the whole input topic, as a Connect sink does. */
    {"auto.offset.reset", NULL, "earliest"},
    /* Prefetch stays at librdkafka's 64 MB (queued.max.messages.kbytes).
     * A 16 MB cap starved the loop once the chain got fast: librdkafka
     * 2.0 stops fetching for fetch.error.backoff.ms when a fetch response
     * overflows the queue, and one response over 256 partitions can
     * carry more than 16 MB. Measured on the benchmark (200k records):
     * 8.3k records/s without processing at 16 MB, 13.7k at 64 MB (kcat's
     * rate); full chain 4.7k -> 7.0k. */
    {NULL, NULL, NULL}};

static int user_set(const nf_conf_t *conf, const char *prefix, const char *key)
{
        char pk[128];
        snprintf(pk, sizeof(pk), "%s%s", prefix, key);
        return nf_conf_get(conf, key) || nf_conf_get(conf, pk);
}

static rd_kafka_conf_t *client_conf(const nf_conf_t *conf, nf_client_t client,
                                    char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *rkc =
            nf_config_rdkafka(conf, client, errstr, errstr_size);
        if (!rkc) {
                return NULL;
        }
        const char *prefix =
            client == NF_CLIENT_PRODUCER ? "producer." : "consumer.";
        const rk_default_t *d = client == NF_CLIENT_PRODUCER
                                    ? producer_defaults
                                    : consumer_defaults;
        for (; d->key; d++) {
                if (user_set(conf, prefix, d->key) ||
                    (d->alias && user_set(conf, prefix, d->alias))) {
                        continue;
                }
                if (rd_kafka_conf_set(rkc, d->key, d->value, errstr,
                                      errstr_size) != RD_KAFKA_CONF_OK) {
                        rd_kafka_conf_destroy(rkc);
                        return NULL;
                }
        }
        if (client == NF_CLIENT_CONSUMER) {
                static const char *const ours[] = {"enable.auto.offset.store",
                                                   "enable.auto.commit", NULL};
                for (int i = 0; ours[i]; i++) {
                        if (user_set(conf, prefix, ours[i])) {
                                nf_log(NF_LOG_WARN,
                                       "ignored: newsflow manages offsets "
                                       "itself (at-least-once)",
                                       "key", ours[i], NULL);
                        }
                }
        }
        return rkc;
}

/*
 * Restoring the dedup index from the state topic (issue 4) goes here: read
 * dedup.state.topic from the beginning to its end offsets, feed every record
 * to nf_chain_apply_state(), log progress, and only then subscribe to the
 * input; afterwards keep tailing it from the main loop.
 */
static int state_restore(run_t *r, char *errstr, size_t errstr_size)
{
        if (!r->state_topic) {
                if (nf_chain_has_state(r->chain)) {
                        nf_log(NF_LOG_WARN,
                               "dedup.state.topic is not set: this instance "
                               "dedups only what it sees itself",
                               NULL);
                }
                return 0;
        }
        if (!nf_chain_has_state(r->chain)) {
                return 0; /* no processor keeps state: nothing to read */
        }
        /* Read the whole state topic before consuming any input, so that a
         * restarted or new instance knows every document the group saw. */
        r->state = nf_state_restore(r->conf, r->state_topic, r->chain,
                                    &run_flag, errstr,
                                    errstr_size);
        if (r->state) {
                atomic_store(&r->stats.state_restore_ms,
                             nf_state_restore_ms(r->state));
        }
        return r->state ? 0 : -1;
}

static void log_summary(run_t *r)
{
        json_t *s = nf_stats_json(&r->stats);
        char *reasons = json_dumps(json_object_get(s, "dlq_reasons"),
                                   JSON_COMPACT | JSON_SORT_KEYS);
        char v[6][24];
        const char *names[] = {"in",      "out",   "dlq",
                               "dropped", "state", "pauses"};
        for (int i = 0; i < 6; i++) {
                snprintf(v[i], sizeof(v[i]), "%" JSON_INTEGER_FORMAT,
                         json_integer_value(json_object_get(s, names[i])));
        }
        nf_log(r->failed ? NF_LOG_ERROR : NF_LOG_INFO,
               r->failed ? "stage stopped on an error" : "stage stopped", "in",
               v[0], "out", v[1], "dlq", v[2], "dropped", v[3], "state", v[4],
               "pauses", v[5], "dlq_reasons", reasons ? reasons : "{}", NULL);
        free(reasons);
        json_decref(s);
}

/* ---- the loop ---- */

static void loop(run_t *r)
{
        int resume_at = nf_producer_queue_max(r->producer) / 2;
        int64_t chain_stats_at = 0;
        while (run_flag && !r->failed) {
                nf_stats_polled(&r->stats);
                if (nf_stats_now_ms() >= chain_stats_at) {
                        nf_stats_update_from_chain(&r->stats, r->chain);
                        chain_stats_at = nf_stats_now_ms() + 1000;
                }
                if (r->state) {
                        /* What other instances learned since the last turn;
                         * bounded so that input keeps flowing. */
                        if (nf_state_tail(r->state, 1000) > 0) {
                                atomic_store(&r->stats.state_lag_ms,
                                             nf_state_lag_ms(r->state));
                        }
                }
                if (r->txn && (r->txn_broken || nf_txn_due(r->txn))) {
                        eos_commit(r);
                        continue;
                }
                collect(r);
                int held = outbox_held(r);
                if (!held) {
                        outbox_send(r);
                }
                if (r->outbox && !held) {
                        /* QUEUE_FULL: stop fetching and wait for delivery
                         * reports to make room, instead of dropping or
                         * spinning. The consumer is still polled (below) so
                         * the group sees us alive and rebalances are
                         * served; paused partitions deliver nothing new. */
                        if (!nf_consumer_paused(r->consumer)) {
                                nf_consumer_pause(r->consumer);
                                atomic_fetch_add(&r->stats.pauses, 1);
                                nf_log(NF_LOG_DEBUG,
                                       "producer queue full: input paused",
                                       NULL);
                        }
                        nf_producer_poll(r->producer, 50);
                } else if (nf_consumer_paused(r->consumer)) {
                        /* Resume at half a queue, not at the first free
                         * slot: each pause/resume restarts fetching. */
                        if (nf_producer_outq_len(r->producer) <= resume_at) {
                                nf_consumer_resume(r->consumer);
                                nf_log(NF_LOG_DEBUG, "input resumed", NULL);
                        } else {
                                nf_producer_poll(r->producer, 50);
                        }
                }
                const char *fatal = nf_consumer_fatal(r->consumer);
                if (!fatal) {
                        fatal = nf_producer_fatal(r->producer);
                }
                if (fatal) {
                        nf_log(NF_LOG_ERROR, "stopping", "error", fatal, NULL);
                        fail(r);
                        break;
                }
                if (r->workers &&
                    nf_workers_pending(r->workers) >= r->max_jobs) {
                        /* The workers have enough to do: wait for results
                         * instead of reading more input (it waits in
                         * librdkafka's bounded fetch queue). */
                        nf_workers_wait(r->workers, 10);
                        nf_producer_poll(r->producer, 0);
                        continue;
                }
                /* Records in flight or waiting for their chunk: come back
                 * soon even without input. */
                int busy = nf_producer_outq_len(r->producer) > 0 || r->outbox;
                int timeout = nf_consumer_paused(r->consumer) ? 0
                              : busy                          ? 10
                                                              : 100;
                rd_kafka_message_t *rkm =
                    nf_consumer_poll(r->consumer, timeout);
                nf_producer_poll(r->producer, 0);
                if (rkm) {
                        handle(r, rkm);
                }
        }
}

int nf_run(const nf_conf_t *conf)
{
        char errstr[512];
        run_t rs = {0}, *r = &rs;
        r->conf = conf;
        r->in_topic = nf_conf_get(conf, "input.topic");
        r->out_topic = nf_conf_get(conf, "output.topic");
        r->dlq_topic = nf_conf_get(conf, "errors.deadletterqueue.topic.name");
        r->state_topic = nf_conf_get(conf, "dedup.state.topic");
        if (r->dlq_topic && !*r->dlq_topic) {
                r->dlq_topic = NULL;
        }
        if (r->state_topic && !*r->state_topic) {
                r->state_topic = NULL;
        }
        r->tolerate_all =
            strcmp(nf_conf_get(conf, "errors.tolerance"), "all") == 0;
        r->limits.max_bytes =
            (size_t)nf_conf_get_int(conf, "input.max.bytes", 16777216);
        r->limits.max_depth = (int)nf_conf_get_int(conf, "json.max.depth", 64);
        r->outbox_tail = &r->outbox;
        nf_stats_init(&r->stats);
        run_flag = 1;

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);

        int rc = 1;
        r->chain = nf_chain_new(conf, errstr, sizeof(errstr));
        if (!r->chain) {
                nf_log(NF_LOG_ERROR, "cannot start", "error", errstr, NULL);
                goto out;
        }
        if (nf_config_digest(conf, r->digest, errstr, sizeof(errstr)) == -1) {
                nf_log(NF_LOG_ERROR, "cannot start", "error", errstr, NULL);
                goto out;
        }
        r->offsets = nf_offsets_new(on_store, input_free, r);
        r->stats.chain = r->chain;
        if (nf_conf_get(conf, "metrics.listen")) {
                r->metrics = nf_metrics_new(conf, &r->stats, errstr,
                                            sizeof(errstr));
                if (!r->metrics) {
                        nf_log(NF_LOG_ERROR, "cannot start", "error", errstr,
                               NULL);
                        goto out;
                }
        }

        int eos = strcmp(nf_conf_get(conf, "processing.guarantee"),
                         "exactly_once") == 0;
        char txn_id[512] = "";
        rd_kafka_conf_t *rkc =
            client_conf(conf, NF_CLIENT_PRODUCER, errstr, sizeof(errstr));
        if (rkc && eos) {
                nf_txn_id(conf, txn_id, sizeof(txn_id));
                if (rd_kafka_conf_set(rkc, "transactional.id", txn_id, errstr,
                                      sizeof(errstr)) != RD_KAFKA_CONF_OK) {
                        rd_kafka_conf_destroy(rkc);
                        rkc = NULL;
                }
        }
        if (rkc) {
                /* rkc is owned by the producer from here, even on failure */
                r->producer = nf_producer_new(rkc, on_delivery, r, errstr,
                                              sizeof(errstr));
        }
        if (!r->producer) {
                nf_log(NF_LOG_ERROR, "cannot create the producer", "error",
                       errstr, NULL);
                goto out;
        }
        if (eos) {
                r->txn = nf_txn_new(
                    nf_producer_handle(r->producer), r->in_topic,
                    nf_conf_get_int(conf, "transaction.max.records", 5000),
                    nf_conf_get_int(conf, "transaction.interval.ms", 1000),
                    errstr, sizeof(errstr));
                if (!r->txn) {
                        nf_log(NF_LOG_ERROR, "cannot start exactly-once",
                               "transactional.id", txn_id, "error", errstr,
                               NULL);
                        goto out;
                }
                nf_log(NF_LOG_INFO, "exactly-once: transactions initialised",
                       "transactional.id", txn_id, NULL);
        }
        if (state_restore(r, errstr, sizeof(errstr)) == -1) {
                nf_log(NF_LOG_ERROR, "cannot restore dedup state", "error",
                       errstr, NULL);
                goto out;
        }

        atomic_store(&r->stats.state_restored, 1);

        nf_consumer_hooks_t hooks = {.assign = on_assign,
                                     .revoke = on_revoke,
                                     .stats = on_stats,
                                     .opaque = r,
                                     .external_commit = r->txn != NULL};
        rkc = client_conf(conf, NF_CLIENT_CONSUMER, errstr, sizeof(errstr));
        if (rkc) {
                r->consumer = nf_consumer_new(
                    rkc, nf_conf_get(conf, "group.id"), r->in_topic, &hooks,
                    errstr, sizeof(errstr));
        }
        if (!r->consumer) {
                nf_log(NF_LOG_ERROR, "cannot create the consumer", "error",
                       errstr, NULL);
                goto out;
        }
        int nworkers = (int)nf_conf_get_int(conf, "workers", 1);
        if (nworkers > 1) {
                r->cq = rd_kafka_queue_get_consumer(
                    nf_consumer_handle(r->consumer));
                r->max_jobs = 256 * (size_t)nworkers;
                r->workers = nf_workers_new(nworkers, r->chain, &r->limits,
                                            wake, r, errstr, sizeof(errstr));
                if (!r->workers) {
                        nf_log(NF_LOG_ERROR, "cannot start", "error", errstr,
                               NULL);
                        goto out;
                }
        }
        nf_log(NF_LOG_INFO, "stage running", "input", r->in_topic, "output",
               r->out_topic, "dlq", r->dlq_topic ? r->dlq_topic : "",
               "processors", nf_conf_get(conf, "processors"), "workers",
               nf_conf_get(conf, "workers"), "config_digest", r->digest,
               NULL);

        loop(r);

        /* Shutdown: no more fetching; finish what is in flight; commit what
         * is complete; leave the group. */
        nf_log(NF_LOG_INFO, "stopping: finishing records in flight", NULL);
        int left = 0;
        if (r->txn) {
                /* Exactly-once: what is finished is what the open
                 * transaction commits; after an error nothing is. */
                if (!r->failed && eos_commit(r) == -1 && !r->failed) {
                        nf_log(NF_LOG_ERROR,
                               "the last transaction was aborted at "
                               "shutdown: its records will be processed "
                               "again",
                               NULL);
                        r->failed = 1;
                } else if (r->failed && !nf_producer_fatal(r->producer)) {
                        nf_txn_abort(r->txn, errstr, sizeof(errstr));
                }
        } else {
                left = drain(r, SHUTDOWN_DRAIN_MS);
        }
        if (left) {
                char n[16];
                snprintf(n, sizeof(n), "%d", left);
                nf_log(NF_LOG_ERROR,
                       "records still in flight at the shutdown deadline: "
                       "not committed, they will be processed again",
                       "records", n, NULL);
                r->failed = 1;
        }
        rc = r->failed ? 1 : 0;

out:
        atomic_store(&r->stats.group_joined, 0); /* /readyz: 503 while draining */
        /* Order matters: the consumer commits and leaves while the producer
         * and the tracker are still there for its revoke hook; the input
         * messages the tracker still holds (records that were never
         * completed) must be freed before the consumer handle is. */
        if (r->consumer) {
                nf_consumer_close(r->consumer);
        }
        r->closing = 1;
        /* Jobs not collected by now are never produced: their entries stay
         * pending, so nothing from them on is committed. */
        nf_workers_destroy(r->workers);
        if (r->cq) {
                rd_kafka_queue_destroy(r->cq);
        }
        outbox_clear(r);
        nf_producer_destroy(r->producer); /* purges what is left */
        nf_offsets_destroy(r->offsets);
        nf_consumer_destroy(r->consumer);
        if (r->chain) {
                log_summary(r);
        }
        if (r->txn) {
                log_txn_summary(r);
        }
        nf_txn_destroy(r->txn);
        nf_metrics_destroy(r->metrics); /* before the chain and stats it reads */
        nf_state_destroy(r->state);
        nf_chain_destroy(r->chain);
        nf_stats_fini(&r->stats);
        return rc;
}
