/*
 * consumer.h — the input side: a librdkafka high-level (group) consumer set
 * up for at-least-once processing.
 *
 * What it does for the caller:
 *   - joins the group with partition.assignment.strategy=cooperative-sticky
 *     unless the user chose another, and assigns/unassigns incrementally in
 *     the rebalance callback;
 *   - enable.auto.commit=true with enable.auto.offset.store=false: nothing is
 *     committed until the caller stores an offset (nf_consumer_store()), and
 *     the background auto-commit then commits whatever was stored;
 *   - before partitions are given up it calls the caller's revoke hook (so
 *     the caller can finish the records in flight and store their offsets)
 *     and then commits synchronously; it commits again on close;
 *   - pause/resume of the whole assignment for backpressure; partitions
 *     assigned while paused are paused too.
 *
 * It knows nothing of articles: it hands out raw rd_kafka_message_t.
 * Single-threaded: every function, and the hooks, run on the caller's thread
 * (hooks only from inside nf_consumer_poll() / nf_consumer_close()).
 */
#ifndef NF_CONSUMER_H
#define NF_CONSUMER_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nf_consumer_s nf_consumer_t;

/* Rebalance hooks (all optional; parts is borrowed for the call), and how
 * offsets are committed. */
typedef struct nf_consumer_hooks_s {
        /* Partitions were added to the assignment. */
        void (*assign)(void *opaque,
                       const rd_kafka_topic_partition_list_t *parts);
        /* Partitions are about to be given up. lost=0: a normal revoke; the
         * consumer commits the stored offsets right after this returns, so
         * this is the last chance to store offsets for parts. lost=1: the
         * partitions already belong to another member (session timeout);
         * nothing will be committed for them. */
        void (*revoke)(void *opaque,
                       const rd_kafka_topic_partition_list_t *parts, int lost);
        /* librdkafka's statistics JSON (statistics.interval.ms > 0); json is
         * borrowed for the call. */
        void (*stats)(void *opaque, const char *json);
        void *opaque;
        /* 1: offsets are committed by someone else (a transactional
         * producer's send_offsets_to_transaction()). The consumer then
         * commits nothing itself: enable.auto.commit=false, no commit on
         * revoke or close, and nf_consumer_store() / nf_consumer_commit()
         * refuse. 0 (default): the at-least-once behaviour above. */
        int external_commit;
} nf_consumer_hooks_t;

/*
 * Creates a consumer in group group_id subscribed to topic. Takes ownership
 * of rkc in every case (it is destroyed on failure). hooks is copied and may
 * be NULL. Returns NULL with errstr set when librdkafka refuses the
 * configuration or the subscription.
 */
nf_consumer_t *nf_consumer_new(rd_kafka_conf_t *rkc, const char *group_id,
                               const char *topic,
                               const nf_consumer_hooks_t *hooks, char *errstr,
                               size_t errstr_size);

/*
 * Leaves the group: commits the stored offsets (synchronously, retried while
 * the group rebalances, logged on failure), runs the revoke hook for the
 * last assignment, closes. Nothing is stored after this. Calling it again
 * does nothing.
 */
void nf_consumer_close(nf_consumer_t *c);

/*
 * Closes (if not yet done) and frees the consumer. Every message returned by
 * nf_consumer_poll() must have been destroyed before: librdkafka waits for
 * them forever. NULL is a no-op.
 */
void nf_consumer_destroy(nf_consumer_t *c);

/*
 * Waits up to timeout_ms for the next message and returns it (caller frees
 * with rd_kafka_message_destroy(), before nf_consumer_destroy()). Returns
 * NULL on timeout and on consumer errors, which are logged here; a fatal one
 * (see nf_consumer_fatal()) means the caller should stop. Rebalance hooks
 * run from inside this call.
 */
rd_kafka_message_t *nf_consumer_poll(nf_consumer_t *c, int timeout_ms);

/*
 * Stores next_offset (the offset of the next message to read, i.e. the last
 * processed one + 1) for topic/partition; the next commit (automatic, on
 * revoke or on close) sends it. Returns 0, or -1 when librdkafka refuses
 * (e.g. the partition is no longer assigned), logged at debug level, or in
 * external_commit mode.
 */
int nf_consumer_store(nf_consumer_t *c, const char *topic, int32_t partition,
                      int64_t next_offset);

/* Commits the stored offsets now and waits for the result. Returns 0 (also
 * when there was nothing to commit), or -1 with errstr (always in
 * external_commit mode). */
int nf_consumer_commit(nf_consumer_t *c, char *errstr, size_t errstr_size);

/* Stops / restarts fetching on every assigned partition. Messages already
 * fetched for a paused partition are discarded by librdkafka and fetched
 * again from the consumed position on resume, so nothing is lost. */
void nf_consumer_pause(nf_consumer_t *c);
void nf_consumer_resume(nf_consumer_t *c);
int nf_consumer_paused(const nf_consumer_t *c);

/* Number of partitions currently assigned. */
int nf_consumer_assigned(const nf_consumer_t *c);

/* NULL, or a sentence describing the error that made the consumer unusable
 * (a librdkafka fatal error, or an offset reset with auto.offset.reset=error,
 * which means records could be skipped). Borrowed. */
const char *nf_consumer_fatal(const nf_consumer_t *c);

/* The librdkafka handle, borrowed, for what this wrapper does not cover yet
 * (group metadata for transactions, seeks). */
rd_kafka_t *nf_consumer_handle(nf_consumer_t *c);

#endif
