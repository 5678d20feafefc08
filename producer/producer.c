/*
 * producer.c — idempotent producer with token-routed delivery reports. See
 * producer.h.
 */
#include "producer/producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

struct nf_producer_s {
        rd_kafka_t *rk;
        nf_producer_dr_cb_t *cb;
        void *opaque;
        int queue_max;
        char fatal[512];
};

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
        nf_log_level_t l = level <= 3   ? NF_LOG_ERROR
                           : level == 4 ? NF_LOG_WARN
                           : level <= 6 ? NF_LOG_INFO
                                        : NF_LOG_DEBUG;
        nf_log(l, buf, "client", rd_kafka_name(rk), "facility", fac, NULL);
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
        nf_producer_t *p = opaque;
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
                char msg[400];
                rd_kafka_fatal_error(rk, msg, sizeof(msg));
                if (!p->fatal[0]) {
                        snprintf(p->fatal, sizeof(p->fatal),
                                 "producer fatal error: %s", msg);
                }
                nf_log(NF_LOG_ERROR, "producer fatal error", "error", msg,
                       NULL);
                return;
        }
        nf_log(NF_LOG_WARN, "producer error", "error",
               rd_kafka_err2name((rd_kafka_resp_err_t)err), "reason", reason,
               NULL);
}

/* The per-message opaque (rkm->_private) is the caller's token. */
static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm,
                      void *opaque)
{
        nf_producer_t *p = opaque;
        p->cb(p->opaque, rkm->_private, rkm->err, rkm);
}

nf_producer_t *nf_producer_new(rd_kafka_conf_t *rkc, nf_producer_dr_cb_t *cb,
                               void *opaque, char *errstr, size_t errstr_size)
{
        nf_producer_t *p = calloc(1, sizeof(*p));
        if (!p) {
                abort();
        }
        p->cb = cb;
        p->opaque = opaque;

        char v[32];
        size_t n = sizeof(v);
        if (rd_kafka_conf_get(rkc, "enable.idempotence", v, &n) ==
                RD_KAFKA_CONF_OK &&
            strcmp(v, "false") == 0) {
                nf_log(NF_LOG_WARN,
                       "enable.idempotence=false: retries may duplicate or "
                       "reorder output records",
                       NULL);
        }
        n = sizeof(v);
        p->queue_max = 100000;
        if (rd_kafka_conf_get(rkc, "queue.buffering.max.messages", v, &n) ==
            RD_KAFKA_CONF_OK) {
                p->queue_max = atoi(v);
        }

        rd_kafka_conf_set_opaque(rkc, p);
        rd_kafka_conf_set_log_cb(rkc, log_cb);
        rd_kafka_conf_set_error_cb(rkc, error_cb);
        rd_kafka_conf_set_dr_msg_cb(rkc, dr_msg_cb);
        p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, rkc, errstr, errstr_size);
        if (!p->rk) {
                rd_kafka_conf_destroy(rkc);
                free(p);
                return NULL;
        }
        /* rkc is now owned by p->rk. */
        return p;
}

void nf_producer_destroy(nf_producer_t *p)
{
        if (!p) {
                return;
        }
        /* Report what is left as purged, so the caller can release its
         * tokens; rd_kafka_destroy() would drop them silently. */
        rd_kafka_purge(p->rk,
                       RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(p->rk, 0);
        for (int i = 0; i < 50 && rd_kafka_outq_len(p->rk) > 0; i++) {
                rd_kafka_poll(p->rk, 100);
        }
        rd_kafka_destroy(p->rk);
        free(p);
}

rd_kafka_resp_err_t nf_producer_send(nf_producer_t *p,
                                     const nf_producer_msg_t *msg)
{
        return rd_kafka_producev(p->rk, RD_KAFKA_V_TOPIC(msg->topic),
                                 RD_KAFKA_V_PARTITION(msg->partition),
                                 RD_KAFKA_V_KEY(msg->key, msg->key_len),
                                 RD_KAFKA_V_VALUE(msg->value, msg->value_len),
                                 RD_KAFKA_V_MSGFLAGS(msg->value_owned
                                                         ? RD_KAFKA_MSG_F_FREE
                                                         : RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_HEADERS(msg->headers),
                                 RD_KAFKA_V_OPAQUE(msg->token), RD_KAFKA_V_END);
}

void nf_producer_poll(nf_producer_t *p, int timeout_ms)
{
        rd_kafka_poll(p->rk, timeout_ms);
}

int nf_producer_outq_len(nf_producer_t *p)
{
        return rd_kafka_outq_len(p->rk);
}

int nf_producer_queue_max(const nf_producer_t *p)
{
        return p->queue_max;
}

const char *nf_producer_fatal(const nf_producer_t *p)
{
        return p->fatal[0] ? p->fatal : NULL;
}

rd_kafka_t *nf_producer_handle(nf_producer_t *p)
{
        return p->rk;
}
