/*
 * state.c — restore and tail of the dedup state topic. See state.h.
 */
#include "stage/state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "consumer/reader.h"
#include "stage/config.h"

struct nf_state_s {
        nf_reader_t *reader;
        nf_chain_t *chain;
        int64_t applied, bad, restore_ms, lag_ms;
};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void apply(nf_state_t *s, rd_kafka_message_t *rkm)
{
        nf_record_t rec = {
            .key = rkm->key,
            .key_len = rkm->key_len,
            .value = rkm->payload,
            .value_len = rkm->payload ? rkm->len : 0,
        };
        char errstr[256];
        if (!rec.key) {
                s->bad++;
        } else if (nf_chain_apply_state(s->chain, &rec, errstr,
                                        sizeof(errstr)) == -1) {
                /* One unreadable record must not stop the stage: the index
                 * only misses that document. */
                s->bad++;
                char off[32];
                snprintf(off, sizeof(off), "%" PRId64, rkm->offset);
                nf_log(NF_LOG_WARN, "skipping unreadable state record",
                       "offset", off, "error", errstr, NULL);
        } else {
                s->applied++;
        }
        rd_kafka_message_destroy(rkm);
}

nf_state_t *nf_state_restore(const nf_conf_t *conf, const char *topic,
                             nf_chain_t *chain,
                             const volatile sig_atomic_t *running,
                             char *errstr, size_t errstr_size)
{
        int64_t timeout =
            nf_conf_get_int(conf, "dedup.state.restore.timeout.ms", 300000);
        rd_kafka_conf_t *rkc =
            nf_config_rdkafka(conf, NF_CLIENT_CONSUMER, errstr, errstr_size);
        if (!rkc) {
                return NULL;
        }
        /* The state reader's fetch wait bounds how late another instance's
         * fingerprint arrives here (the cross-instance delay): keep it short;
         * an idle fetch every 100 ms costs the broker little. */
        rd_kafka_conf_set(rkc, "fetch.wait.max.ms", "100", NULL, 0);
        nf_state_t *s = calloc(1, sizeof(*s));
        if (!s) {
                abort();
        }
        s->chain = chain;
        s->lag_ms = -1;
        int64_t t0 = now_ms();
        /* rkc is owned by the reader from here, even on failure */
        s->reader = nf_reader_new(rkc, topic, NF_READER_BEGINNING, 30000,
                                  errstr, errstr_size);
        if (!s->reader) {
                nf_state_destroy(s);
                return NULL;
        }
        char total[32];
        snprintf(total, sizeof(total), "%" PRId64, nf_reader_total(s->reader));
        nf_log(NF_LOG_INFO, "restoring dedup state", "topic", topic, "records",
               total, NULL);
        int64_t next_log = t0 + 5000;
        while (!nf_reader_at_end(s->reader)) {
                if (!*running) {
                        snprintf(errstr, errstr_size, "interrupted");
                        nf_state_destroy(s);
                        return NULL;
                }
                int64_t now = now_ms();
                if (now - t0 > timeout) {
                        snprintf(errstr, errstr_size,
                                 "restore of %s not done after %" PRId64
                                 " ms (%" PRId64 " of %s records; "
                                 "dedup.state.restore.timeout.ms)",
                                 topic, timeout, nf_reader_done(s->reader),
                                 total);
                        nf_state_destroy(s);
                        return NULL;
                }
                if (now >= next_log) {
                        char done[32];
                        snprintf(done, sizeof(done), "%" PRId64,
                                 nf_reader_done(s->reader));
                        nf_log(NF_LOG_INFO, "restoring dedup state", "done",
                               done, "total", total, NULL);
                        next_log = now + 5000;
                }
                rd_kafka_message_t *rkm = nf_reader_next(s->reader, 100);
                if (rkm) {
                        apply(s, rkm);
                }
        }
        s->restore_ms = now_ms() - t0;
        char applied[32], ms[32], bad[32];
        snprintf(applied, sizeof(applied), "%" PRId64, s->applied);
        snprintf(bad, sizeof(bad), "%" PRId64, s->bad);
        snprintf(ms, sizeof(ms), "%" PRId64, s->restore_ms);
        nf_log(NF_LOG_INFO, "dedup state restored", "topic", topic, "records",
               applied, "skipped", bad, "ms", ms, NULL);
        return s;
}

int nf_state_tail(nf_state_t *s, int max)
{
        int n = 0;
        rd_kafka_message_t *rkm;
        while (n < max && (rkm = nf_reader_next(s->reader, 0)) != NULL) {
                int64_t ts = rd_kafka_message_timestamp(rkm, NULL);
                if (ts > 0) {
                        struct timespec now;
                        clock_gettime(CLOCK_REALTIME, &now);
                        s->lag_ms = (int64_t)now.tv_sec * 1000 +
                                    now.tv_nsec / 1000000 - ts;
                }
                apply(s, rkm);
                n++;
        }
        return n;
}

int64_t nf_state_lag_ms(const nf_state_t *s)
{
        return s->lag_ms;
}

int64_t nf_state_applied(const nf_state_t *s)
{
        return s->applied;
}

int64_t nf_state_restore_ms(const nf_state_t *s)
{
        return s->restore_ms;
}

void nf_state_destroy(nf_state_t *s)
{
        if (!s) {
                return;
        }
        nf_reader_destroy(s->reader);
        free(s);
}
