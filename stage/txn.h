/*
 * txn.h — exactly-once (processing.guarantee=exactly_once): the
 * transactional side of the run loop, after librdkafka's
 * examples/transactions.c (KIP-447).
 *
 * The shape: one transactional producer per instance; a transaction is
 * begun with the first input record of a batch and committed when the batch
 * holds transaction.max.records input records or is transaction.interval.ms
 * old. Everything produced for the batch (output, DLQ and dedup-state
 * records) and the input offsets (last record + 1 per partition, handed to
 * send_offsets_to_transaction() with the consumer's group metadata) commit
 * atomically. The consumer commits nothing itself (enable.auto.commit=false,
 * no commit on revoke or close): no input offset is ever committed outside a
 * transaction.
 *
 * Errors, as librdkafka classifies them:
 *   - retriable (timeouts, coordinator moving): the same call again, a few
 *     times with a short backoff;
 *   - abortable (txn_requires_abort: a record failed, a partition could not
 *     be added, EndTxn refused...): abort, then the caller rewinds the input
 *     to the last committed offsets (nf_txn_rewind()) and processes the
 *     batch again;
 *   - fatal (fenced by a newer producer with the same transactional.id,
 *     authorization, ...): NF_TXN_FATAL, the stage exits non-zero.
 *
 * transactional.id and fencing: the id is the `transactional.id` key if
 * set, else "<group.id>.<group.instance.id>" when static membership is
 * configured, else "<group.id>.<hostname>". A restarted instance that comes
 * back with the same id fences its previous incarnation (a zombie can no
 * longer commit) and makes the broker abort its open transaction at once;
 * with a new id that transaction stays open, and read_committed readers of
 * the output wait, until transaction.timeout.ms. Since KIP-447 the input
 * side is fenced by the group generation carried in the group metadata, so
 * ids need not follow partitions. Two live instances must never share an
 * id: the second would fence the first (which exits with a fatal error).
 * Several instances on one host therefore need group.instance.id or
 * transactional.id set per instance.
 *
 * Single-threaded: every call on the run loop's thread.
 */
#ifndef NF_STAGE_TXN_H
#define NF_STAGE_TXN_H

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

typedef struct nf_txn_s nf_txn_t;

typedef enum {
        NF_TXN_OK = 0,
        NF_TXN_ABORTED, /* an abortable error: the transaction is aborted;
                           rewind the input (nf_txn_rewind()) */
        NF_TXN_FATAL,   /* cannot go on: errstr says why; exit non-zero */
} nf_txn_status_t;

/* What the transactions did, for the log summary and the tests. */
typedef struct nf_txn_counters_s {
        uint64_t begun, committed, aborted, rewinds, retries;
        uint64_t records; /* input records in committed transactions */
} nf_txn_counters_t;

/* Writes the transactional.id for conf into buf (see above). */
void nf_txn_id(const nf_conf_t *conf, char *buf, size_t size);

/*
 * Initialises transactions on producer (borrowed: a producer created with
 * transactional.id; it must outlive the result), retrying retriable errors.
 * topic is the input topic (copied). Batches hold at most max_records input
 * records and last at most interval_ms. Returns NULL with errstr on a fatal
 * or persistent error. Caller frees with nf_txn_destroy().
 */
nf_txn_t *nf_txn_new(rd_kafka_t *producer, const char *topic,
                     int64_t max_records, int64_t interval_ms, char *errstr,
                     size_t errstr_size);

/* Frees t; an open transaction is left to the broker, which aborts it
 * (at once when the same transactional.id comes back). NULL is a no-op. */
void nf_txn_destroy(nf_txn_t *t);

/*
 * Adds the input record at partition/offset to the current transaction,
 * beginning one if none is open. Offsets of a partition come in
 * consumption order. Returns NF_TXN_OK or NF_TXN_FATAL with errstr.
 */
nf_txn_status_t nf_txn_add(nf_txn_t *t, int32_t partition, int64_t offset,
                           char *errstr, size_t errstr_size);

/* Whether a transaction is open. */
int nf_txn_open(const nf_txn_t *t);

/* Whether the open transaction has reached its size or age bound. */
int nf_txn_due(const nf_txn_t *t);

/*
 * Commits the open transaction: sends the input offsets with consumer's
 * group metadata (consumer borrowed), then commit_transaction(), which
 * flushes what is still queued (delivery reports run from inside). Every
 * record of the batch must have been handed to the producer already.
 * Returns NF_TXN_OK (also when none is open), NF_TXN_ABORTED (the
 * transaction was aborted: call nf_txn_rewind()), or NF_TXN_FATAL.
 */
nf_txn_status_t nf_txn_commit(nf_txn_t *t, rd_kafka_t *consumer, char *errstr,
                              size_t errstr_size);

/*
 * Aborts the open transaction (records still queued are purged: their
 * delivery reports come with RD_KAFKA_RESP_ERR__PURGE_*). Returns
 * NF_TXN_ABORTED, NF_TXN_OK when none was open, or NF_TXN_FATAL.
 */
nf_txn_status_t nf_txn_abort(nf_txn_t *t, char *errstr, size_t errstr_size);

/*
 * After an abort: seeks every assigned partition of consumer (borrowed) to
 * its committed offset; a partition without one (a group that never
 * committed, or the mock broker, which stores no transactional offsets) goes
 * back to the first offset the aborted transaction read from it. Messages
 * already fetched are discarded by the seek. Returns 0, or -1 with errstr
 * (the caller stops: the position is unknown).
 */
int nf_txn_rewind(nf_txn_t *t, rd_kafka_t *consumer, char *errstr,
                  size_t errstr_size);

/*
 * Records that cannot be written (the broker refused one made from the
 * input at partition/offset for good, e.g. too large) make every attempt of
 * their transaction fail. nf_txn_poison() remembers such an input with the
 * reason ("produce.msg_size_too_large"); after the rewind,
 * nf_txn_poisoned() returns the reason (borrowed, valid until the next
 * call) the first time that input is seen again, so the caller sends it to
 * the DLQ instead, or NULL.
 */
void nf_txn_poison(nf_txn_t *t, int32_t partition, int64_t offset,
                   const char *reason);
const char *nf_txn_poisoned(nf_txn_t *t, int32_t partition, int64_t offset);

const nf_txn_counters_t *nf_txn_counters(const nf_txn_t *t);

#endif
