/*
 * dlq.h — dead-letter records: what a bad input record becomes.
 *
 * A DLQ record is the original record (key, value, headers, untouched) plus
 * headers naming the error, shaped like Kafka Connect's so existing tooling
 * reads them:
 *   __connect.errors.topic / .partition / .offset   where it came from
 *   __connect.errors.stage     "decode", a processor's name, or "produce"
 *   __connect.errors.reason    machine reason, "decode.json_invalid",
 *                              "clean.empty", "produce.msg_size_too_large"
 *   __connect.errors.exception.message   the sentence for a human
 * (Connect has no reason header; it is ours, for filtering and redrive.)
 */
#ifndef NF_STAGE_DLQ_H
#define NF_STAGE_DLQ_H

#include <librdkafka/rdkafka.h>
#include <stdint.h>

#define NF_DLQ_H_TOPIC "__connect.errors.topic"
#define NF_DLQ_H_PARTITION "__connect.errors.partition"
#define NF_DLQ_H_OFFSET "__connect.errors.offset"
#define NF_DLQ_H_STAGE "__connect.errors.stage"
#define NF_DLQ_H_REASON "__connect.errors.reason"
#define NF_DLQ_H_MESSAGE "__connect.errors.exception.message"
#define NF_DLQ_H_PREFIX "__connect.errors."

/* What went wrong, and where. Strings borrowed for the call. */
typedef struct nf_dlq_error_s {
        const char *topic;
        int32_t partition;
        int64_t offset;
        const char *stage;
        const char *reason;
        const char *message;
} nf_dlq_error_t;

/*
 * The headers of the DLQ record: a copy of orig (may be NULL) without any
 * __connect.errors.* headers it already had (a record that fails again after
 * a redrive carries only its latest error), then the error headers above.
 * Returns a new list; the caller frees it with rd_kafka_headers_destroy() or
 * hands it to the producer. Never NULL.
 */
rd_kafka_headers_t *nf_dlq_headers(const rd_kafka_headers_t *orig,
                                   const nf_dlq_error_t *err);

#endif
