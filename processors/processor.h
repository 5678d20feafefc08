/*
 * processor.h — the processor interface.
 *
 * A processor is one const struct of callbacks, exported as the only symbol
 * of its file (nf_processor_clean, nf_processor_dedup, ...). It is a pure
 * function of (article, its own state) -> (article', verdict, side records):
 * no Kafka, no sockets, no threads. The chain (chain.h) runs processors in
 * order and counts what each one did.
 *
 * Life cycle: create() once at start-up from the validated configuration;
 * process() once per article; destroy() at shutdown. A processor that keeps
 * shared state (dedup) also implements apply_state() so the stage can feed it
 * the state records other instances published.
 */
#ifndef NF_PROCESSOR_H
#define NF_PROCESSOR_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/article.h"
#include "common/conf.h"

#define NF_PROCESSOR_ABI 1

typedef enum {
        NF_PASS = 0, /* continue down the chain */
        NF_DROP,     /* intentionally removed (e.g. duplicate under
                        dedup.action=drop); counted, offset still committed */
        NF_REJECT,   /* bad input: goes to the DLQ with reason + message */
} nf_verdict_t;

/* A side record a processor asks the stage to publish (dedup state). */
typedef struct nf_record_s {
        char *key; /* owned */
        size_t key_len;
        char *value; /* owned; NULL = tombstone */
        size_t value_len;
} nf_record_t;

/* What process() reports. Reset by the chain before each processor. */
typedef struct nf_outcome_s {
        nf_verdict_t verdict;
        char reason[64];   /* machine reason, e.g. "empty_after_clean" */
        char message[512]; /* sentence for the DLQ / error line */
        /* State records to publish, appended with nf_outcome_add_record().
         * Owned by the outcome; the stage takes them with
         * nf_outcome_take_records(). */
        nf_record_t *records;
        size_t nrecords, records_cap;
        /* The record's deadline (CLOCK_MONOTONIC, ns; 0 = none), set by the
         * chain from record.timeout.ms. A processor with a long loop polls
         * nf_outcome_expired() in it and, when it says so, stops and rejects
         * with reason "timeout"; the chain checks it between processors. */
        uint64_t deadline_ns;
} nf_outcome_t;

void nf_outcome_init(nf_outcome_t *out);
void nf_outcome_fini(nf_outcome_t *out); /* frees remaining records */

/* Sets verdict NF_REJECT with reason and a printf-style message. */
void nf_outcome_reject(nf_outcome_t *out, const char *reason, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));
/* CLOCK_MONOTONIC now, in ns. */
uint64_t nf_now_ns(void);
/* Whether out's deadline has passed (never when it has none). */
int nf_outcome_expired(const nf_outcome_t *out);

/* Sets verdict NF_DROP with a reason (no message needed). */
void nf_outcome_drop(nf_outcome_t *out, const char *reason);

/* Copies key/value into a new side record. value NULL = tombstone. */
void nf_outcome_add_record(nf_outcome_t *out, const void *key, size_t key_len,
                           const void *value, size_t value_len);

typedef struct nf_processor_s {
        int abi; /* NF_PROCESSOR_ABI */
        const char *name;
        const char *description;
        const nf_conf_key_t *conf_keys; /* this processor's keys; may be NULL */

        /* Creates the processor's state from conf (defaults already applied,
         * values validated). Returns NULL and fills errstr on failure. The
         * state is freed with destroy(). conf is borrowed for the call. */
        void *(*create)(const nf_conf_t *conf, char *errstr,
                        size_t errstr_size);

        /* Processes one article in place. out is reset (NF_PASS) on entry. */
        void (*process)(void *self, nf_article_t *art, nf_outcome_t *out);

        /* Frees the state. NULL is a no-op. */
        void (*destroy)(void *self);

        /* Optional: applies a state record published by any instance (or
         * loaded from a file). Returns 0, or -1 with errstr for a record it
         * cannot read (the stage logs and skips it). */
        int (*apply_state)(void *self, const nf_record_t *rec, char *errstr,
                           size_t errstr_size);

        /* Optional: processor-specific statistics as a new JSON object. */
        json_t *(*stats)(void *self);
} nf_processor_t;

#endif
