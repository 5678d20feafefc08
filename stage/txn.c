/*
 * txn.c — exactly-once transactions for the run loop. See txn.h.
 *
 * Every librdkafka transactional call goes through settle(), which sorts
 * its error into retry / abort / fatal the way rdkafka.h's "Error handling
 * example" does, and every call is logged at debug level ("txn: ...") so
 * that the API sequence can be read from the log.
 */
#include "stage/txn.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

/* Retriable errors: this many attempts, backoff doubling from 100 ms to
 * 2 s (about 15 s in all) before the error counts as fatal. */
#define RETRIES 10
#define INIT_TIMEOUT_MS 30000
#define CALL_TIMEOUT_MS 30000
#define POISON_MAX 64

typedef struct poison_s {
        int32_t partition;
        int64_t offset;
        char reason[64];
} poison_t;

struct nf_txn_s {
        rd_kafka_t *rk; /* the producer, borrowed */
        char *topic;
        int64_t max_records, interval_ms;
        int open;
        int64_t began_ms, records;
        /* Per input partition: the first offset read in the current
         * transaction (for the rewind) and the next offset to commit; -1 =
         * none. Kept after an abort until nf_txn_rewind(). */
        int64_t *first, *next;
        int32_t nparts;
        poison_t poison[POISON_MAX];
        int npoison;
        char poison_reason[64];
        nf_txn_counters_t counters;
};

/* What settle() makes of an error; 0 is "no error". */
enum { SETTLE_RETRY = 1, SETTLE_ABORT, SETTLE_FATAL };

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void nf_txn_id(const nf_conf_t *conf, char *buf, size_t size)
{
        const char *id = nf_conf_get(conf, "transactional.id");
        if (!id) {
                id = nf_conf_get(conf, "producer.transactional.id");
        }
        if (id && *id) {
                snprintf(buf, size, "%s", id);
                return;
        }
        const char *group = nf_conf_get(conf, "group.id");
        const char *instance = nf_conf_get(conf, "group.instance.id");
        if (!instance) {
                instance = nf_conf_get(conf, "consumer.group.instance.id");
        }
        char host[256] = "localhost";
        if (!instance || !*instance) {
                gethostname(host, sizeof(host) - 1);
                host[sizeof(host) - 1] = '\0';
                instance = host;
        }
        snprintf(buf, size, "%s.%s", group ? group : "newsflow", instance);
}

/* Whether err says another producer with our transactional.id took over. */
static int is_fenced(rd_kafka_resp_err_t err)
{
        return err == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
               err == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH ||
               err == RD_KAFKA_RESP_ERR__FENCED;
}

/*
 * Sorts the error of call `what` (destroyed here): SETTLE_RETRY after a
 * backoff while attempts remain, SETTLE_ABORT, or SETTLE_FATAL with errstr.
 * Errors that are neither retriable nor abortable are fatal, as librdkafka
 * recommends.
 */
static int settle(nf_txn_t *t, const char *what, rd_kafka_error_t *error,
                  int attempt, char *errstr, size_t errstr_size)
{
        rd_kafka_resp_err_t code = rd_kafka_error_code(error);
        int fatal = rd_kafka_error_is_fatal(error);
        if (fatal) {
                char msg[256];
                rd_kafka_resp_err_t orig =
                    rd_kafka_fatal_error(t->rk, msg, sizeof(msg));
                if (orig) {
                        code = orig;
                }
        }
        if (!fatal && rd_kafka_error_txn_requires_abort(error)) {
                nf_log(NF_LOG_WARN, "txn: abortable error", "call", what,
                       "error", rd_kafka_error_name(error), "reason",
                       rd_kafka_error_string(error), NULL);
                rd_kafka_error_destroy(error);
                return SETTLE_ABORT;
        }
        if (!fatal && rd_kafka_error_is_retriable(error) &&
            attempt + 1 < RETRIES) {
                int backoff = 100 << (attempt < 5 ? attempt : 5);
                backoff = backoff > 2000 ? 2000 : backoff;
                char a[16];
                snprintf(a, sizeof(a), "%d", attempt + 1);
                nf_log(NF_LOG_WARN, "txn: retriable error, retrying", "call",
                       what, "error", rd_kafka_error_name(error), "reason",
                       rd_kafka_error_string(error), "attempt", a, NULL);
                rd_kafka_error_destroy(error);
                t->counters.retries++;
                rd_kafka_poll(t->rk, backoff); /* serves delivery reports */
                return SETTLE_RETRY;
        }
        snprintf(
            errstr, errstr_size, "exactly-once: %s failed%s: %s: %s%s", what,
            fatal                                ? " (fatal)"
            : rd_kafka_error_is_retriable(error) ? " after retries"
                                                 : "",
            rd_kafka_err2name(code), rd_kafka_error_string(error),
            is_fenced(code) ? " (fenced: another producer with this "
                              "transactional.id has started, so this instance "
                              "must stop; instances need distinct ids)"
                            : "");
        rd_kafka_error_destroy(error);
        return SETTLE_FATAL;
}

nf_txn_t *nf_txn_new(rd_kafka_t *producer, const char *topic,
                     int64_t max_records, int64_t interval_ms, char *errstr,
                     size_t errstr_size)
{
        nf_txn_t *t = calloc(1, sizeof(*t));
        if (!t) {
                abort();
        }
        t->rk = producer;
        t->topic = strdup(topic);
        t->max_records = max_records;
        t->interval_ms = interval_ms;
        /* Fences earlier producers with our transactional.id and completes
         * (aborts) what they left open; then gets our producer id. */
        nf_log(NF_LOG_DEBUG, "txn: init_transactions", NULL);
        int s;
        for (int attempt = 0;; attempt++) {
                rd_kafka_error_t *error =
                    rd_kafka_init_transactions(producer, INIT_TIMEOUT_MS);
                s = error ? settle(t, "init_transactions", error, attempt,
                                   errstr, errstr_size)
                          : 0;
                if (s != SETTLE_RETRY) {
                        break;
                }
        }
        if (s == SETTLE_ABORT) {
                /* nothing is open yet: as final as a fatal error */
                snprintf(errstr, errstr_size,
                         "exactly-once: init_transactions failed with an "
                         "abortable error");
        }
        if (s) {
                nf_txn_destroy(t);
                return NULL;
        }
        return t;
}

void nf_txn_destroy(nf_txn_t *t)
{
        if (!t) {
                return;
        }
        free(t->first);
        free(t->next);
        free(t->topic);
        free(t);
}

static void clear_offsets(nf_txn_t *t)
{
        for (int32_t p = 0; p < t->nparts; p++) {
                t->first[p] = t->next[p] = -1;
        }
}

nf_txn_status_t nf_txn_add(nf_txn_t *t, int32_t partition, int64_t offset,
                           char *errstr, size_t errstr_size)
{
        if (!t->open) {
                nf_log(NF_LOG_DEBUG, "txn: begin_transaction", NULL);
                rd_kafka_error_t *error = rd_kafka_begin_transaction(t->rk);
                if (error) {
                        /* begin is local: it fails only in a wrong state or
                         * after a fatal error */
                        settle(t, "begin_transaction", error, RETRIES, errstr,
                               errstr_size);
                        return NF_TXN_FATAL;
                }
                t->open = 1;
                t->began_ms = now_ms();
                t->records = 0;
                t->counters.begun++;
        }
        if (partition >= t->nparts) {
                int32_t n = partition + 1;
                t->first = realloc(t->first, (size_t)n * sizeof(int64_t));
                t->next = realloc(t->next, (size_t)n * sizeof(int64_t));
                if (!t->first || !t->next) {
                        abort();
                }
                for (int32_t p = t->nparts; p < n; p++) {
                        t->first[p] = t->next[p] = -1;
                }
                t->nparts = n;
        }
        if (t->first[partition] < 0) {
                t->first[partition] = offset;
        }
        t->next[partition] = offset + 1;
        t->records++;
        return NF_TXN_OK;
}

int nf_txn_open(const nf_txn_t *t)
{
        return t->open;
}

int nf_txn_due(const nf_txn_t *t)
{
        return t->open && (t->records >= t->max_records ||
                           now_ms() - t->began_ms >= t->interval_ms);
}

/* abort_transaction() with retries; the transaction is closed after. */
static nf_txn_status_t do_abort(nf_txn_t *t, char *errstr, size_t errstr_size)
{
        char n[24];
        snprintf(n, sizeof(n), "%" PRId64, t->records);
        nf_log(NF_LOG_INFO, "txn: abort_transaction", "records", n, NULL);
        t->open = 0;
        t->counters.aborted++;
        for (int attempt = 0;; attempt++) {
                rd_kafka_error_t *error =
                    rd_kafka_abort_transaction(t->rk, CALL_TIMEOUT_MS);
                if (!error) {
                        return NF_TXN_ABORTED;
                }
                int s = settle(t, "abort_transaction", error, attempt, errstr,
                               errstr_size);
                if (s == SETTLE_ABORT) {
                        /* cannot happen per librdkafka's docs; do not loop */
                        snprintf(errstr, errstr_size,
                                 "exactly-once: abort_transaction asked for "
                                 "an abort");
                        return NF_TXN_FATAL;
                }
                if (s == SETTLE_FATAL) {
                        return NF_TXN_FATAL;
                }
        }
}

/* send_offsets_to_transaction(): the next offset to read per partition,
 * with the consumer's current group metadata (generation and member id:
 * the broker refuses them if the group moved on, KIP-447). Returns 0 or
 * SETTLE_ABORT / SETTLE_FATAL. */
static int send_offsets(nf_txn_t *t, rd_kafka_t *consumer, char *errstr,
                        size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *offsets =
            rd_kafka_topic_partition_list_new(t->nparts);
        for (int32_t p = 0; p < t->nparts; p++) {
                if (t->next[p] >= 0) {
                        rd_kafka_topic_partition_list_add(offsets, t->topic, p)
                            ->offset = t->next[p];
                }
        }
        rd_kafka_consumer_group_metadata_t *cgmd =
            rd_kafka_consumer_group_metadata(consumer);
        nf_log(NF_LOG_DEBUG, "txn: send_offsets_to_transaction", NULL);
        int s;
        for (int attempt = 0;; attempt++) {
                /* retried with the same offsets and metadata, as
                 * librdkafka asks */
                rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(
                    t->rk, offsets, cgmd, CALL_TIMEOUT_MS);
                s = error ? settle(t, "send_offsets_to_transaction", error,
                                   attempt, errstr, errstr_size)
                          : 0;
                if (s != SETTLE_RETRY) {
                        break;
                }
        }
        rd_kafka_consumer_group_metadata_destroy(cgmd);
        rd_kafka_topic_partition_list_destroy(offsets);
        return s;
}

nf_txn_status_t nf_txn_commit(nf_txn_t *t, rd_kafka_t *consumer, char *errstr,
                              size_t errstr_size)
{
        if (!t->open) {
                return NF_TXN_OK;
        }
        int s = send_offsets(t, consumer, errstr, errstr_size);
        if (s == 0) {
                char n[24];
                snprintf(n, sizeof(n), "%" PRId64, t->records);
                nf_log(NF_LOG_DEBUG, "txn: commit_transaction", "records", n,
                       NULL);
                for (int attempt = 0;; attempt++) {
                        /* -1: the transaction's remaining time, as
                         * librdkafka recommends */
                        rd_kafka_error_t *error =
                            rd_kafka_commit_transaction(t->rk, -1);
                        s = error ? settle(t, "commit_transaction", error,
                                           attempt, errstr, errstr_size)
                                  : 0;
                        if (s != SETTLE_RETRY) {
                                break;
                        }
                }
        }
        if (s == SETTLE_FATAL) {
                t->open = 0;
                return NF_TXN_FATAL;
        }
        if (s == SETTLE_ABORT) {
                return do_abort(t, errstr, errstr_size);
        }
        t->open = 0;
        t->counters.committed++;
        t->counters.records += (uint64_t)t->records;
        clear_offsets(t);
        return NF_TXN_OK;
}

nf_txn_status_t nf_txn_abort(nf_txn_t *t, char *errstr, size_t errstr_size)
{
        return t->open ? do_abort(t, errstr, errstr_size) : NF_TXN_OK;
}

int nf_txn_rewind(nf_txn_t *t, rd_kafka_t *consumer, char *errstr,
                  size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *parts = NULL;
        rd_kafka_resp_err_t err = rd_kafka_assignment(consumer, &parts);
        if (err) {
                snprintf(errstr, errstr_size,
                         "exactly-once: rewind: no assignment: %s",
                         rd_kafka_err2str(err));
                return -1;
        }
        if (parts->cnt > 0) {
                err = rd_kafka_committed(consumer, parts, CALL_TIMEOUT_MS);
        }
        if (err) {
                snprintf(errstr, errstr_size,
                         "exactly-once: rewind: committed offsets: %s",
                         rd_kafka_err2str(err));
                rd_kafka_topic_partition_list_destroy(parts);
                return -1;
        }
        rd_kafka_topic_partition_list_t *seek =
            rd_kafka_topic_partition_list_new(parts->cnt);
        char text[1024] = "";
        size_t o = 0;
        for (int i = 0; i < parts->cnt; i++) {
                rd_kafka_topic_partition_t *p = &parts->elems[i];
                int64_t to = p->offset;
                if (to < 0 && strcmp(p->topic, t->topic) == 0 &&
                    p->partition < t->nparts) {
                        to = t->first[p->partition]; /* -1 if none */
                }
                if (to < 0) {
                        continue; /* nothing read: nothing to rewind */
                }
                rd_kafka_topic_partition_list_add(seek, p->topic, p->partition)
                    ->offset = to;
                if (o < sizeof(text)) {
                        o += (size_t)snprintf(text + o, sizeof(text) - o,
                                              "%s%d:%" PRId64, o ? "," : "",
                                              (int)p->partition, to);
                }
        }
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_error_t *error = NULL;
        if (seek->cnt > 0) {
                error =
                    rd_kafka_seek_partitions(consumer, seek, CALL_TIMEOUT_MS);
        }
        for (int i = 0; !error && i < seek->cnt; i++) {
                if (seek->elems[i].err) {
                        snprintf(errstr, errstr_size,
                                 "exactly-once: rewind: seek %s [%d]: %s",
                                 seek->elems[i].topic,
                                 (int)seek->elems[i].partition,
                                 rd_kafka_err2str(seek->elems[i].err));
                        rd_kafka_topic_partition_list_destroy(seek);
                        return -1;
                }
        }
        rd_kafka_topic_partition_list_destroy(seek);
        if (error) {
                snprintf(errstr, errstr_size, "exactly-once: rewind: seek: %s",
                         rd_kafka_error_string(error));
                rd_kafka_error_destroy(error);
                return -1;
        }
        nf_log(NF_LOG_INFO, "txn: input rewound to the last committed offsets",
               "offsets", text, NULL);
        t->counters.rewinds++;
        clear_offsets(t);
        return 0;
}

void nf_txn_poison(nf_txn_t *t, int32_t partition, int64_t offset,
                   const char *reason)
{
        if (t->npoison == POISON_MAX) {
                /* forget the oldest: it fails once more, and is noted again */
                memmove(t->poison, t->poison + 1,
                        (POISON_MAX - 1) * sizeof(poison_t));
                t->npoison--;
        }
        poison_t *p = &t->poison[t->npoison++];
        p->partition = partition;
        p->offset = offset;
        snprintf(p->reason, sizeof(p->reason), "%s", reason);
}

const char *nf_txn_poisoned(nf_txn_t *t, int32_t partition, int64_t offset)
{
        for (int i = 0; i < t->npoison; i++) {
                poison_t *p = &t->poison[i];
                if (p->partition == partition && p->offset == offset) {
                        snprintf(t->poison_reason, sizeof(t->poison_reason),
                                 "%s", p->reason);
                        t->npoison--;
                        memmove(p, p + 1,
                                (size_t)(t->npoison - i) * sizeof(poison_t));
                        return t->poison_reason;
                }
        }
        return NULL;
}

const nf_txn_counters_t *nf_txn_counters(const nf_txn_t *t)
{
        return &t->counters;
}
