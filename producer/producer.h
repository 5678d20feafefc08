/*
 * producer.h — the output side: an idempotent librdkafka producer whose
 * delivery reports come back to the caller with a per-message token.
 *
 * The caller attaches an opaque token to every message; when the broker has
 * acknowledged the message (or librdkafka has given up on it) the delivery
 * callback gets the token back with the outcome. That is what lets the stage
 * store an input offset only after every record made from it is safe.
 *
 * It knows nothing of articles. Single-threaded: delivery callbacks run on
 * the caller's thread, from inside nf_producer_poll() / nf_producer_flush().
 */
#ifndef NF_PRODUCER_H
#define NF_PRODUCER_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

typedef struct nf_producer_s nf_producer_t;

/*
 * Delivery outcome of one message. err == RD_KAFKA_RESP_ERR_NO_ERROR: the
 * broker has it (acks=all with idempotence). Otherwise librdkafka has already
 * retried what was retriable and the message is not written. rkm is
 * borrowed for the call (its payload, key and headers can be read).
 */
typedef void(nf_producer_dr_cb_t)(void *opaque, void *token,
                                  rd_kafka_resp_err_t err,
                                  const rd_kafka_message_t *rkm);

/*
 * Creates the producer from rkc, which should carry enable.idempotence=true
 * (the stage sets it unless the user chose otherwise; a warning is logged
 * when it is off). Takes ownership of rkc in every case. Returns NULL with
 * errstr on failure.
 */
nf_producer_t *nf_producer_new(rd_kafka_conf_t *rkc, nf_producer_dr_cb_t *cb,
                               void *opaque, char *errstr, size_t errstr_size);

/* Frees the producer. Messages still queued are purged first and their
 * delivery callbacks run with RD_KAFKA_RESP_ERR__PURGE_QUEUE (flush first
 * to deliver them). NULL is a no-op. */
void nf_producer_destroy(nf_producer_t *p);

/* One message to send. key/value are copied by nf_producer_send() unless
 * value_owned is set (then the value buffer, allocated with malloc, is taken
 * on success). value NULL = tombstone. headers may be NULL. */
typedef struct nf_producer_msg_s {
        const char *topic;
        int32_t partition; /* RD_KAFKA_PARTITION_UA: partitioner on key */
        const void *key;
        size_t key_len;
        void *value;
        size_t value_len;
        int value_owned;
        rd_kafka_headers_t *headers; /* taken on success */
        void *token;                 /* returned to the delivery callback */
} nf_producer_msg_t;

/*
 * Enqueues msg. Returns:
 *   RD_KAFKA_RESP_ERR_NO_ERROR: queued; the delivery callback will report
 *     exactly once; value (when owned) and headers now belong to librdkafka;
 *   RD_KAFKA_RESP_ERR__QUEUE_FULL: nothing taken; poll and try again;
 *   another error: the message was refused locally (e.g. MSG_SIZE_TOO_LARGE
 *     over message.max.bytes); nothing taken, no delivery callback.
 */
rd_kafka_resp_err_t nf_producer_send(nf_producer_t *p,
                                     const nf_producer_msg_t *msg);

/* Serves delivery callbacks, waiting up to timeout_ms for the first. */
void nf_producer_poll(nf_producer_t *p, int timeout_ms);

/* Messages queued or in flight (not yet reported). */
int nf_producer_outq_len(nf_producer_t *p);

/* queue.buffering.max.messages: the queue's capacity in messages. */
int nf_producer_queue_max(const nf_producer_t *p);

/* NULL, or a sentence for the fatal error that makes the producer unusable
 * (idempotence guarantees can no longer be kept). Borrowed. */
const char *nf_producer_fatal(const nf_producer_t *p);

/* The librdkafka handle, borrowed (transactions, later). */
rd_kafka_t *nf_producer_handle(nf_producer_t *p);

#endif
