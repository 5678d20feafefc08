/*
 * reader.h — reading a whole topic (or a range of it) without a consumer
 * group: assign every partition from a start position, know where "the end"
 * was when reading began, and keep reading past it if the caller wants to
 * tail.
 *
 * Used for the dedup state topic (restore at start, then tail), and for
 * replay and redrive, which must not touch the live group's offsets: nothing
 * is ever committed (enable.auto.commit=false, no subscribe()).
 *
 * Knows nothing of articles. Single-threaded.
 */
#ifndef NF_READER_H
#define NF_READER_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nf_reader_s nf_reader_t;

/* Where reading starts. */
#define NF_READER_BEGINNING INT64_MIN /* every partition's low watermark */

/*
 * Creates a reader of topic. Takes ownership of rkc in every case. start is
 * NF_READER_BEGINNING or a timestamp in ms (the first message at or after
 * it, per partition, via offsets_for_times). The end of each partition is
 * its high watermark now (nf_reader_at_end() compares against it). Returns
 * NULL with errstr when the topic cannot be described (unknown topic,
 * timeout after timeout_ms).
 */
nf_reader_t *nf_reader_new(rd_kafka_conf_t *rkc, const char *topic,
                           int64_t start, int timeout_ms, char *errstr,
                           size_t errstr_size);

/* Sets the end of each partition to the first offset at or after ts_ms
 * (exclusive end), instead of the high watermark at start. Returns 0 or -1
 * with errstr. */
int nf_reader_set_end_time(nf_reader_t *r, int64_t ts_ms, int timeout_ms,
                           char *errstr, size_t errstr_size);

/*
 * Limits partition (every partition when partition is -1) to the offsets
 * [start, end): NF_READER_KEEP leaves that side as it is; values are clamped
 * to what the partition holds (its low and high watermarks at creation).
 * Call before the first nf_reader_next() (a new start is a seek). Returns 0,
 * or -1 with errstr (no such partition, or the seek failed).
 */
#define NF_READER_KEEP INT64_MIN
int nf_reader_set_offsets(nf_reader_t *r, int32_t partition, int64_t start,
                          int64_t end, char *errstr, size_t errstr_size);

/* Number of partitions of the topic. */
int nf_reader_partitions(const nf_reader_t *r);

/*
 * Next message, waiting up to timeout_ms; NULL on timeout or on a transient
 * consumer error (logged). Caller frees with rd_kafka_message_destroy()
 * before nf_reader_destroy(). Messages past a partition's end are still
 * returned (tailing); check nf_reader_past_end() to stop at the end.
 */
rd_kafka_message_t *nf_reader_next(nf_reader_t *r, int timeout_ms);

/* Whether rkm lies at or beyond its partition's end. */
int nf_reader_past_end(const nf_reader_t *r, const rd_kafka_message_t *rkm);

/* Whether every partition has been read up to its end. */
int nf_reader_at_end(const nf_reader_t *r);

/* Messages between start and end over all partitions (for progress), and
 * how many of them have been returned so far. */
int64_t nf_reader_total(const nf_reader_t *r);
int64_t nf_reader_done(const nf_reader_t *r);

/* Frees the reader. NULL is a no-op. */
void nf_reader_destroy(nf_reader_t *r);

#endif
