/*
 * redrive.c — dead-lettered records back into their topic. See redrive.h.
 */
#include "stage/redrive.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "consumer/reader.h"
#include "producer/producer.h"
#include "stage/config.h"
#include "stage/dlq.h"

#define FLUSH_TIMEOUT_MS 120000

typedef struct redrive_s {
        int64_t read, selected, sent, failed, no_target;
} redrive_t;

static void on_delivery(void *opaque, void *token, rd_kafka_resp_err_t err,
                        const rd_kafka_message_t *rkm)
{
        redrive_t *rd = opaque;
        if (err) {
                rd->failed++;
                nf_log(NF_LOG_ERROR, "redrive: record not written", "topic",
                       rd_kafka_topic_name(rkm->rkt), "error",
                       rd_kafka_err2str(err), NULL);
        } else {
                rd->sent++;
        }
}

/* The value of header name as a NUL-terminated copy in buf, or NULL. */
static const char *header(rd_kafka_headers_t *h, const char *name, char *buf,
                          size_t size)
{
        const void *v;
        size_t n;
        if (!h || rd_kafka_header_get_last(h, name, &v, &n) || !v) {
                return NULL;
        }
        snprintf(buf, size, "%.*s", (int)n, (const char *)v);
        return buf;
}

/* Whether the record passes "KEY=VALUE" (VALUE* = prefix). */
static int selected(rd_kafka_headers_t *h, const char *key, const char *value)
{
        if (!key) {
                return 1;
        }
        char name[128], buf[512];
        snprintf(name, sizeof(name), "%s%s", NF_DLQ_H_PREFIX, key);
        const char *got = header(h, name, buf, sizeof(buf));
        if (!got) {
                return 0;
        }
        size_t n = strlen(value);
        if (n && value[n - 1] == '*') {
                return strncmp(got, value, n - 1) == 0;
        }
        return strcmp(got, value) == 0;
}

/* The original headers: a copy without __connect.errors.*. */
static rd_kafka_headers_t *original_headers(rd_kafka_headers_t *h)
{
        size_t n = h ? rd_kafka_header_cnt(h) : 0;
        rd_kafka_headers_t *out = rd_kafka_headers_new(n ? n : 1);
        const char *name;
        const void *v;
        size_t size;
        for (size_t i = 0;
             h && !rd_kafka_header_get_all(h, i, &name, &v, &size); i++) {
                if (strncmp(name, NF_DLQ_H_PREFIX, strlen(NF_DLQ_H_PREFIX))) {
                        rd_kafka_header_add(out, name, -1, v,
                                            v ? (ssize_t)size : 0);
                }
        }
        return out;
}

int nf_redrive_run(const nf_conf_t *conf, const nf_redrive_opts_t *opts)
{
        char errstr[512];
        char key[32] = "";
        const char *value = NULL;
        if (opts->filter) {
                const char *eq = strchr(opts->filter, '=');
                size_t kl = eq ? (size_t)(eq - opts->filter) : 0;
                if (eq && kl < sizeof(key)) {
                        memcpy(key, opts->filter, kl);
                        key[kl] = '\0';
                }
                if (!eq || (strcmp(key, "reason") && strcmp(key, "stage") &&
                            strcmp(key, "topic"))) {
                        fprintf(stderr,
                                "newsflow redrive: --filter %s: expected "
                                "reason=VALUE, stage=VALUE or topic=VALUE\n",
                                opts->filter);
                        return 2;
                }
                value = eq + 1;
        }
        redrive_t rs = {0}, *rd = &rs;
        nf_reader_t *reader = NULL;
        nf_producer_t *producer = NULL;
        int ok = 0;
        rd_kafka_conf_t *rkc =
            nf_config_rdkafka(conf, NF_CLIENT_CONSUMER, errstr, sizeof(errstr));
        if (!rkc) {
                goto fail;
        }
        /* No group: assign() from the beginning, nothing committed; the end
         * is the DLQ's end now. */
        reader = nf_reader_new(rkc, opts->dlq, NF_READER_BEGINNING, 30000,
                               errstr, sizeof(errstr));
        if (!reader) {
                goto fail;
        }
        rkc =
            nf_config_rdkafka(conf, NF_CLIENT_PRODUCER, errstr, sizeof(errstr));
        if (!rkc) {
                goto fail;
        }
        rd_kafka_conf_set(rkc, "enable.idempotence", "true", NULL, 0);
        producer =
            nf_producer_new(rkc, on_delivery, rd, errstr, sizeof(errstr));
        if (!producer) {
                goto fail;
        }
        char total[24];
        snprintf(total, sizeof(total), "%" PRId64, nf_reader_total(reader));
        nf_log(NF_LOG_INFO, "redrive: reading the DLQ", "topic", opts->dlq,
               "records", total, "filter", opts->filter ? opts->filter : "",
               "to", opts->to ? opts->to : "(original topics)", NULL);

        while (nf_reader_done(reader) < nf_reader_total(reader) &&
               !nf_reader_at_end(reader) && !nf_producer_fatal(producer)) {
                rd_kafka_message_t *rkm = nf_reader_next(reader, 200);
                nf_producer_poll(producer, 0);
                if (!rkm) {
                        continue;
                }
                if (nf_reader_past_end(reader, rkm)) {
                        rd_kafka_message_destroy(rkm);
                        continue;
                }
                rd->read++;
                rd_kafka_headers_t *h = NULL;
                rd_kafka_message_headers(rkm, &h); /* borrowed */
                if (selected(h, value ? key : NULL, value)) {
                        rd->selected++;
                        char topic[256], part[32];
                        const char *to = opts->to;
                        int32_t partition = RD_KAFKA_PARTITION_UA;
                        if (!to) {
                                to = header(h, NF_DLQ_H_TOPIC, topic,
                                            sizeof(topic));
                                if (header(h, NF_DLQ_H_PARTITION, part,
                                           sizeof(part))) {
                                        partition = (int32_t)atoi(part);
                                }
                        }
                        if (!to || !*to) {
                                rd->no_target++;
                        } else {
                                nf_producer_msg_t msg = {
                                    .topic = to,
                                    .partition = partition,
                                    .key = rkm->key,
                                    .key_len = rkm->key_len,
                                    .value = rkm->payload,
                                    .value_len = rkm->len,
                                    .headers = original_headers(h)};
                                rd_kafka_resp_err_t err;
                                while (
                                    (err = nf_producer_send(producer, &msg)) ==
                                    RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                                        nf_producer_poll(producer, 100);
                                }
                                if (err) {
                                        rd_kafka_headers_destroy(msg.headers);
                                        rd->failed++;
                                        nf_log(NF_LOG_ERROR,
                                               "redrive: record refused",
                                               "topic", to, "error",
                                               rd_kafka_err2str(err), NULL);
                                }
                        }
                }
                rd_kafka_message_destroy(rkm);
        }
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (;;) {
                clock_gettime(CLOCK_MONOTONIC, &t);
                if (nf_producer_outq_len(producer) == 0 ||
                    (t.tv_sec - t0.tv_sec) * 1000 >= FLUSH_TIMEOUT_MS) {
                        break;
                }
                nf_producer_poll(producer, 100);
        }
        const char *fatal = nf_producer_fatal(producer);
        ok = !fatal && rd->failed == 0 && rd->no_target == 0 &&
             nf_producer_outq_len(producer) == 0;
        char v[5][24];
        const int64_t n[5] = {rd->read, rd->selected, rd->sent, rd->failed,
                              rd->no_target};
        for (int i = 0; i < 5; i++) {
                snprintf(v[i], sizeof(v[i]), "%" PRId64, n[i]);
        }
        nf_log(ok ? NF_LOG_INFO : NF_LOG_ERROR,
               ok ? "redrive done" : "redrive incomplete", "read", v[0],
               "selected", v[1], "redriven", v[2], "failed", v[3], "no_target",
               v[4], "error", fatal ? fatal : "", NULL);
        printf("redrive: %s: read %s, selected %s, redriven %s, failed %s, "
               "without a target topic %s\n",
               opts->dlq, v[0], v[1], v[2], v[3], v[4]);
        goto out;

fail:
        nf_log(NF_LOG_ERROR, "redrive: cannot start", "error", errstr, NULL);
out:
        nf_producer_destroy(producer);
        nf_reader_destroy(reader);
        return ok ? 0 : 1;
}
