/*
 * reader.c — group-less reading of a topic from a start to an end position.
 * See reader.h.
 */
#include "consumer/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

typedef struct part_s {
        int64_t lo, hi;     /* watermarks at creation */
        int64_t start, end; /* [start, end) */
        int64_t next;       /* offset of the next message to return */
} part_t;

struct nf_reader_s {
        rd_kafka_t *rk;
        char *topic;
        part_t *parts;
        int nparts;
        int64_t done;
};

void nf_reader_destroy(nf_reader_t *r)
{
        if (!r) {
                return;
        }
        if (r->rk) {
                rd_kafka_assign(r->rk, NULL);
                rd_kafka_consumer_close(r->rk);
                rd_kafka_destroy(r->rk);
        }
        free(r->parts);
        free(r->topic);
        free(r);
}

/* Replaces each partition's offset in list with the first offset at or after
 * ts (or the high watermark when there is none). */
static int offsets_for_time(nf_reader_t *r, int64_t ts, int timeout_ms,
                            int64_t *out, char *errstr, size_t errstr_size)
{
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(r->nparts);
        for (int p = 0; p < r->nparts; p++) {
                rd_kafka_topic_partition_list_add(l, r->topic, p)->offset = ts;
        }
        rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(r->rk, l, timeout_ms);
        if (err) {
                snprintf(errstr, errstr_size, "offsets_for_times(%s): %s",
                         r->topic, rd_kafka_err2str(err));
                rd_kafka_topic_partition_list_destroy(l);
                return -1;
        }
        for (int i = 0; i < l->cnt; i++) {
                int64_t o = l->elems[i].offset;
                int p = l->elems[i].partition;
                out[p] = o < 0 ? r->parts[p].end : o; /* -1: none after ts */
        }
        rd_kafka_topic_partition_list_destroy(l);
        return 0;
}

nf_reader_t *nf_reader_new(rd_kafka_conf_t *rkc, const char *topic,
                           int64_t start, int timeout_ms, char *errstr,
                           size_t errstr_size)
{
        nf_reader_t *r = calloc(1, sizeof(*r));
        if (!r) {
                abort();
        }
        r->topic = strdup(topic);
        char msg[512];
        /* No group membership: assign(), never subscribe(), and with
         * auto-commit off (and no offset stored) nothing is ever committed.
         * librdkafka 2.0.2 still refuses assign() without a group.id
         * (_UNKNOWN_GROUP), so a consumer without one gets a throwaway id
         * that never joins. */
        char gid[64];
        size_t gn = sizeof(gid);
        if (rd_kafka_conf_get(rkc, "group.id", gid, &gn) != RD_KAFKA_CONF_OK ||
            !*gid) {
                snprintf(gid, sizeof(gid), "newsflow-reader-%ld-%p",
                         (long)getpid(), (void *)r);
                rd_kafka_conf_set(rkc, "group.id", gid, NULL, 0);
        }
        rd_kafka_conf_set(rkc, "enable.auto.commit", "false", NULL, 0);
        rd_kafka_conf_set(rkc, "enable.auto.offset.store", "false", NULL, 0);
        rd_kafka_conf_set(rkc, "enable.partition.eof", "false", NULL, 0);
        r->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rkc, msg, sizeof(msg));
        if (!r->rk) {
                rd_kafka_conf_destroy(rkc);
                snprintf(errstr, errstr_size, "reader for %s: %s", topic, msg);
                nf_reader_destroy(r);
                return NULL;
        }
        /* rkc is now owned by r->rk */

        rd_kafka_topic_t *rkt = rd_kafka_topic_new(r->rk, topic, NULL);
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(r->rk, 0, rkt, &md, timeout_ms);
        rd_kafka_topic_destroy(rkt);
        if (err || md->topic_cnt != 1 || md->topics[0].err ||
            md->topics[0].partition_cnt == 0) {
                snprintf(errstr, errstr_size, "cannot describe topic %s: %s",
                         topic,
                         rd_kafka_err2str(err ? err
                                          : md->topic_cnt ? md->topics[0].err
                                                          : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
                if (md) {
                        rd_kafka_metadata_destroy(md);
                }
                nf_reader_destroy(r);
                return NULL;
        }
        r->nparts = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
        r->parts = calloc((size_t)r->nparts, sizeof(part_t));

        for (int p = 0; p < r->nparts; p++) {
                int64_t lo, hi;
                err = rd_kafka_query_watermark_offsets(r->rk, topic, p, &lo,
                                                       &hi, timeout_ms);
                if (err) {
                        snprintf(errstr, errstr_size,
                                 "watermarks of %s [%d]: %s", topic, p,
                                 rd_kafka_err2str(err));
                        nf_reader_destroy(r);
                        return NULL;
                }
                r->parts[p].lo = r->parts[p].start = lo;
                r->parts[p].hi = r->parts[p].end = hi;
        }
        if (start != NF_READER_BEGINNING) {
                int64_t *at = calloc((size_t)r->nparts, sizeof(int64_t));
                if (offsets_for_time(r, start, timeout_ms, at, errstr,
                                     errstr_size) == -1) {
                        free(at);
                        nf_reader_destroy(r);
                        return NULL;
                }
                for (int p = 0; p < r->nparts; p++) {
                        r->parts[p].start = at[p];
                }
                free(at);
        }

        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(r->nparts);
        for (int p = 0; p < r->nparts; p++) {
                r->parts[p].next = r->parts[p].start;
                rd_kafka_topic_partition_list_add(l, topic, p)->offset =
                    r->parts[p].start;
        }
        err = rd_kafka_assign(r->rk, l);
        rd_kafka_topic_partition_list_destroy(l);
        if (err) {
                snprintf(errstr, errstr_size, "assign %s: %s", topic,
                         rd_kafka_err2str(err));
                nf_reader_destroy(r);
                return NULL;
        }
        return r;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
        return v < lo ? lo : v > hi ? hi : v;
}

int nf_reader_set_offsets(nf_reader_t *r, int32_t partition, int64_t start,
                          int64_t end, char *errstr, size_t errstr_size)
{
        if (partition < -1 || partition >= r->nparts) {
                snprintf(errstr, errstr_size, "%s has no partition %d",
                         r->topic, (int)partition);
                return -1;
        }
        for (int p = 0; p < r->nparts; p++) {
                part_t *pt = &r->parts[p];
                if (partition != -1 && p != partition) {
                        continue;
                }
                if (start != NF_READER_KEEP) {
                        pt->start = pt->next = clamp(start, pt->lo, pt->hi);
                }
                if (end != NF_READER_KEEP) {
                        pt->end = clamp(end, pt->lo, pt->hi);
                }
        }
        if (start == NF_READER_KEEP) {
                return 0;
        }
        /* Move the fetch position: a seek on the assigned partitions (a
         * second assign() right after the first trips an assertion in
         * librdkafka 2.0.2's assignment code). */
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(r->nparts);
        for (int p = 0; p < r->nparts; p++) {
                if (partition == -1 || p == partition) {
                        rd_kafka_topic_partition_list_add(l, r->topic, p)
                            ->offset = r->parts[p].start;
                }
        }
        rd_kafka_error_t *error = rd_kafka_seek_partitions(r->rk, l, 30000);
        for (int i = 0; !error && i < l->cnt; i++) {
                if (l->elems[i].err) {
                        snprintf(errstr, errstr_size, "seek %s [%d]: %s",
                                 r->topic, (int)l->elems[i].partition,
                                 rd_kafka_err2str(l->elems[i].err));
                        rd_kafka_topic_partition_list_destroy(l);
                        return -1;
                }
        }
        rd_kafka_topic_partition_list_destroy(l);
        if (error) {
                snprintf(errstr, errstr_size, "seek %s: %s", r->topic,
                         rd_kafka_error_string(error));
                rd_kafka_error_destroy(error);
                return -1;
        }
        return 0;
}

int nf_reader_partitions(const nf_reader_t *r)
{
        return r->nparts;
}

int nf_reader_set_end_time(nf_reader_t *r, int64_t ts_ms, int timeout_ms,
                           char *errstr, size_t errstr_size)
{
        int64_t *at = calloc((size_t)r->nparts, sizeof(int64_t));
        int rc = offsets_for_time(r, ts_ms, timeout_ms, at, errstr, errstr_size);
        for (int p = 0; rc == 0 && p < r->nparts; p++) {
                if (at[p] < r->parts[p].end) {
                        r->parts[p].end = at[p];
                }
        }
        free(at);
        return rc;
}

rd_kafka_message_t *nf_reader_next(nf_reader_t *r, int timeout_ms)
{
        rd_kafka_message_t *rkm = rd_kafka_consumer_poll(r->rk, timeout_ms);
        if (!rkm) {
                return NULL;
        }
        if (rkm->err) {
                nf_log(NF_LOG_WARN, "reader: consumer error", "topic", r->topic,
                       "error", rd_kafka_message_errstr(rkm), NULL);
                rd_kafka_message_destroy(rkm);
                return NULL;
        }
        if (rkm->partition >= 0 && rkm->partition < r->nparts) {
                part_t *p = &r->parts[rkm->partition];
                if (rkm->offset < p->end) {
                        r->done++;
                }
                p->next = rkm->offset + 1;
        }
        return rkm;
}

int nf_reader_past_end(const nf_reader_t *r, const rd_kafka_message_t *rkm)
{
        if (rkm->partition < 0 || rkm->partition >= r->nparts) {
                return 1;
        }
        return rkm->offset >= r->parts[rkm->partition].end;
}

int nf_reader_at_end(const nf_reader_t *r)
{
        rd_kafka_topic_partition_list_t *l = NULL;
        for (int p = 0; p < r->nparts; p++) {
                if (r->parts[p].next < r->parts[p].end && !l) {
                        /* The last offsets may be transaction markers or
                         * compacted away, which are never returned as
                         * messages: ask for the fetch position instead. */
                        l = rd_kafka_topic_partition_list_new(r->nparts);
                        for (int q = 0; q < r->nparts; q++) {
                                rd_kafka_topic_partition_list_add(l, r->topic, q);
                        }
                        rd_kafka_position(r->rk, l);
                }
                if (l && r->parts[p].next < r->parts[p].end &&
                    l->elems[p].offset < r->parts[p].end) {
                        rd_kafka_topic_partition_list_destroy(l);
                        return 0;
                }
        }
        if (l) {
                rd_kafka_topic_partition_list_destroy(l);
        }
        return 1;
}

int64_t nf_reader_total(const nf_reader_t *r)
{
        int64_t t = 0;
        for (int p = 0; p < r->nparts; p++) {
                if (r->parts[p].end > r->parts[p].start) {
                        t += r->parts[p].end - r->parts[p].start;
                }
        }
        return t;
}

int64_t nf_reader_done(const nf_reader_t *r)
{
        return r->done;
}
