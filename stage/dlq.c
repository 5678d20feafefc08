/*
 * dlq.c — headers of dead-letter records. See dlq.h.
 */
#include "stage/dlq.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void add(rd_kafka_headers_t *h, const char *name, const char *value)
{
        rd_kafka_header_add(h, name, -1, value ? value : "", -1);
}

rd_kafka_headers_t *nf_dlq_headers(const rd_kafka_headers_t *orig,
                                   const nf_dlq_error_t *err)
{
        size_t n = orig ? rd_kafka_header_cnt(orig) : 0;
        rd_kafka_headers_t *h = rd_kafka_headers_new(n + 6);
        const char *name;
        const void *value;
        size_t size;
        for (size_t i = 0;
             orig && rd_kafka_header_get_all(orig, i, &name, &value, &size) ==
                         RD_KAFKA_RESP_ERR_NO_ERROR;
             i++) {
                if (strncmp(name, NF_DLQ_H_PREFIX, strlen(NF_DLQ_H_PREFIX)) ==
                    0) {
                        continue;
                }
                /* A NULL value stays NULL (size -1 would mean strlen). */
                rd_kafka_header_add(h, name, -1, value,
                                    value ? (ssize_t)size : 0);
        }
        char partition[16], offset[24];
        snprintf(partition, sizeof(partition), "%" PRId32, err->partition);
        snprintf(offset, sizeof(offset), "%" PRId64, err->offset);
        add(h, NF_DLQ_H_TOPIC, err->topic);
        add(h, NF_DLQ_H_PARTITION, partition);
        add(h, NF_DLQ_H_OFFSET, offset);
        add(h, NF_DLQ_H_STAGE, err->stage);
        add(h, NF_DLQ_H_REASON, err->reason);
        add(h, NF_DLQ_H_MESSAGE, err->message);
        return h;
}
