/*
 * replay.c — `newsflow replay`: a range of the input, through the same
 * chain, to the output (or --output). See replay.h.
 *
 * One thread, linear: read a record (consumer/reader.h), run it as a job
 * (workers.h, inline), hand what it became to the idempotent producer,
 * repeat until every partition is read to its end of the range; then wait
 * for the delivery reports. Nothing here commits an offset.
 */
#include "stage/replay.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "consumer/reader.h"
#include "processors/chain.h"
#include "producer/producer.h"
#include "stage/config.h"
#include "stage/digest.h"
#include "stage/dlq.h"
#include "stage/state.h"
#include "stage/workers.h"

#define PROGRESS_LOG_MS 10000
#define PROGRESS_TTY_MS 200
#define FLUSH_TIMEOUT_MS 120000
#define MAX_PARTS 4096

/* The run flag: the only global. The signal handler only clears it. */
static volatile sig_atomic_t run_flag = 1;

static void on_signal(int sig)
{
        (void)sig;
        run_flag = 0;
}

/* A position on the command line. */
typedef enum { POS_BEGINNING, POS_END, POS_TIME, POS_OFFSET } pos_kind_t;
typedef struct pos_s {
        pos_kind_t kind;
        int64_t ms;   /* POS_TIME */
        int64_t all;  /* POS_OFFSET: every partition, or -1 */
        int64_t *per; /* POS_OFFSET with a list: per partition, -1 =
                         not listed; MAX_PARTS entries */
} pos_t;

typedef struct replay_s {
        const char *in_topic, *out_topic, *dlq_topic;
        int tolerate_all;
        nf_decode_limits_t limits;
        char digest[NF_DIGEST_LEN + 1];
        nf_chain_t *chain;
        nf_reader_t *reader;
        nf_producer_t *producer;
        int64_t from_ms, to_ms; /* timestamp filter [from, to); -1 = none */
        int64_t in, out, dlq, dropped, failed, skipped;
        int64_t t0, last_progress;
        int tty;
} replay_t;

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "2026-11-27T17:00:00Z", "...T17:00:00.250+01:00": epoch ms, or -1. */
static int64_t parse_time(const char *s)
{
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!p) {
                return -1;
        }
        int64_t ms = 0;
        if (*p == '.') {
                int digits = 0;
                for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
                        if (digits < 3) {
                                ms = ms * 10 + (*p - '0');
                        }
                }
                for (; digits < 3; digits++) {
                        ms *= 10;
                }
        }
        int64_t off = 0;
        if (*p == 'Z' || *p == 'z') {
                p++;
        } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
                off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600 +
                      ((p[4] - '0') * 10 + (p[5] - '0')) * 60;
                off = *p == '-' ? -off : off;
                p += 6;
        } else {
                return -1;
        }
        if (*p) {
                return -1;
        }
        return ((int64_t)timegm(&tm) - off) * 1000 + ms;
}

static int parse_int(const char *s, int64_t *v)
{
        char *end;
        long long x = strtoll(s, &end, 10);
        if (!*s || *end || x < 0) {
                return -1;
        }
        *v = x;
        return 0;
}

/* Parses a position; 0, or -1 with errstr. p->per is malloc'd for lists. */
static int parse_pos(const char *s, pos_t *p, char *errstr, size_t errstr_size)
{
        memset(p, 0, sizeof(*p));
        p->all = -1;
        if (!strcmp(s, "beginning") || !strcmp(s, "earliest")) {
                p->kind = POS_BEGINNING;
                return 0;
        }
        if (!strcmp(s, "end") || !strcmp(s, "latest")) {
                p->kind = POS_END;
                return 0;
        }
        if (s[0] == '@' && parse_int(s + 1, &p->ms) == 0) {
                p->kind = POS_TIME;
                return 0;
        }
        if ((p->ms = parse_time(s)) >= 0) {
                p->kind = POS_TIME;
                return 0;
        }
        p->kind = POS_OFFSET;
        if (parse_int(s, &p->all) == 0) {
                return 0;
        }
        p->per = malloc(MAX_PARTS * sizeof(int64_t));
        if (!p->per) {
                abort();
        }
        for (int i = 0; i < MAX_PARTS; i++) {
                p->per[i] = -1;
        }
        char *copy = strdup(s), *save = NULL;
        int rc = 0;
        for (char *t = strtok_r(copy, ",", &save); t && rc == 0;
             t = strtok_r(NULL, ",", &save)) {
                char *colon = strchr(t, ':');
                int64_t part, off;
                if (colon) {
                        *colon = '\0';
                }
                if (!colon || parse_int(t, &part) == -1 ||
                    parse_int(colon + 1, &off) == -1 || part >= MAX_PARTS) {
                        rc = -1;
                } else {
                        p->per[part] = off;
                }
        }
        free(copy);
        if (rc == -1) {
                snprintf(errstr, errstr_size,
                         "bad position \"%s\": expected a time "
                         "(2026-11-27T17:00:00Z or @EPOCH_MS), an offset, "
                         "PARTITION:OFFSET[,...], beginning or end",
                         s);
        }
        return rc;
}

/* Applies the --from / --to offsets to the reader. */
static int apply_offsets(replay_t *rp, const pos_t *p, int is_end, char *errstr,
                         size_t errstr_size)
{
        if (p->kind != POS_OFFSET) {
                return 0;
        }
        if (!p->per) {
                return nf_reader_set_offsets(
                    rp->reader, -1, is_end ? NF_READER_KEEP : p->all,
                    is_end ? p->all : NF_READER_KEEP, errstr, errstr_size);
        }
        int n = nf_reader_partitions(rp->reader);
        for (int i = 0; i < n && i < MAX_PARTS; i++) {
                int64_t o = p->per[i];
                int rc;
                if (o < 0 && is_end) {
                        continue; /* not listed: up to the end */
                }
                if (o < 0) {
                        /* not listed in --from: not replayed */
                        rc = nf_reader_set_offsets(rp->reader, i, INT64_MAX,
                                                   NF_READER_KEEP, errstr,
                                                   errstr_size);
                } else {
                        rc = nf_reader_set_offsets(
                            rp->reader, i, is_end ? NF_READER_KEEP : o,
                            is_end ? o : NF_READER_KEEP, errstr, errstr_size);
                }
                if (rc == -1) {
                        return -1;
                }
        }
        return 0;
}

static void on_delivery(void *opaque, void *token, rd_kafka_resp_err_t err,
                        const rd_kafka_message_t *rkm)
{
        replay_t *rp = opaque;
        int dlq = token != NULL; /* DLQ records carry a non-NULL token */
        if (err) {
                rp->failed++;
                nf_log(NF_LOG_ERROR, "replay: record not written", "topic",
                       rd_kafka_topic_name(rkm->rkt), "error",
                       rd_kafka_err2str(err), NULL);
        } else if (dlq) {
                rp->dlq++;
        } else {
                rp->out++;
        }
}

/* Sends msg, waiting while the producer's queue is full. */
static rd_kafka_resp_err_t send_msg(replay_t *rp, nf_producer_msg_t *msg)
{
        rd_kafka_resp_err_t err;
        while ((err = nf_producer_send(rp->producer, msg)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                nf_producer_poll(rp->producer, 100);
        }
        return err;
}

/* The original record to the DLQ. Returns 0, or -1 when the replay must
 * stop (errors.tolerance=none, or the DLQ refuses it). */
static int to_dlq(replay_t *rp, const rd_kafka_message_t *rkm,
                  const char *reason, const char *message)
{
        char p[16], o[24];
        snprintf(p, sizeof(p), "%" PRId32, rkm->partition);
        snprintf(o, sizeof(o), "%" PRId64, rkm->offset);
        if (!rp->tolerate_all || !rp->dlq_topic) {
                nf_log(NF_LOG_ERROR,
                       "replay: bad input with errors.tolerance=none: "
                       "stopping",
                       "partition", p, "offset", o, "reason", reason, "error",
                       message, NULL);
                return -1;
        }
        rd_kafka_headers_t *orig = NULL;
        rd_kafka_message_headers(rkm, &orig);
        char stage[64];
        snprintf(stage, sizeof(stage), "%.*s", (int)strcspn(reason, "."),
                 reason);
        nf_dlq_error_t derr = {.topic = rp->in_topic,
                               .partition = rkm->partition,
                               .offset = rkm->offset,
                               .stage = stage,
                               .reason = reason,
                               .message = message};
        nf_producer_msg_t msg = {.topic = rp->dlq_topic,
                                 .partition = RD_KAFKA_PARTITION_UA,
                                 .key = rkm->key,
                                 .key_len = rkm->key_len,
                                 .value = rkm->payload,
                                 .value_len = rkm->len,
                                 .headers = nf_dlq_headers(orig, &derr),
                                 .token = rp};
        rd_kafka_resp_err_t err = send_msg(rp, &msg);
        if (err) {
                rd_kafka_headers_destroy(msg.headers);
                nf_log(NF_LOG_ERROR, "replay: cannot write to the DLQ",
                       "partition", p, "offset", o, "error",
                       rd_kafka_err2str(err), NULL);
                return -1;
        }
        return 0;
}

/* One input record: run it through the chain and send what it became.
 * Returns 0, or -1 when the replay stops. */
static int replay_one(replay_t *rp, const rd_kafka_message_t *rkm)
{
        rp->in++;
        nf_origin_t origin = {.topic = rp->in_topic,
                              .partition = rkm->partition,
                              .offset = rkm->offset};
        nf_job_t *job = nf_job_new(NULL, rkm->payload, rkm->len, &origin);
        nf_job_run(job, rp->chain, &rp->limits);
        int rc = 0;
        if (!job->decoded || job->verdict == NF_REJECT) {
                rc = to_dlq(rp, rkm, job->reason, job->message);
        } else if (job->verdict == NF_DROP) {
                rp->dropped++;
        } else {
                rd_kafka_headers_t *h = rd_kafka_headers_new(1);
                rd_kafka_header_add(h, NF_DIGEST_HEADER, -1, rp->digest,
                                    NF_DIGEST_LEN);
                nf_producer_msg_t msg = {.topic = rp->out_topic,
                                         .partition = RD_KAFKA_PARTITION_UA,
                                         .key = job->key,
                                         .key_len = job->key_len,
                                         .value = job->value,
                                         .value_len = job->value_len,
                                         .value_owned = 1,
                                         .headers = h};
                rd_kafka_resp_err_t err = send_msg(rp, &msg);
                if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                        job->value = NULL; /* now librdkafka's */
                } else {
                        rd_kafka_headers_destroy(h);
                        char reason[80];
                        snprintf(reason, sizeof(reason), "produce.%s",
                                 rd_kafka_err2name(err));
                        rc = to_dlq(rp, rkm, reason, rd_kafka_err2str(err));
                }
        }
        /* state records (job->out.records) are not published: see replay.h */
        nf_job_destroy(job);
        return rc;
}

static void fmt_eta(char *buf, size_t size, double s)
{
        if (s < 0 || s > 1e7) {
                snprintf(buf, size, "-");
        } else {
                snprintf(buf, size, "%dm%02ds", (int)s / 60, (int)s % 60);
        }
}

static void progress(replay_t *rp, int final)
{
        int64_t now = now_ms();
        if (!final && now - rp->last_progress <
                          (rp->tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS)) {
                return;
        }
        rp->last_progress = now;
        int64_t done = nf_reader_done(rp->reader);
        int64_t total = nf_reader_total(rp->reader);
        double secs = (double)(now - rp->t0) / 1000.0;
        double rate = secs > 0 ? (double)done / secs : 0;
        char eta[32];
        fmt_eta(eta, sizeof(eta),
                rate > 0 ? (double)(total - done) / rate : -1);
        if (rp->tty) {
                fprintf(stderr,
                        "\rreplay: %" PRId64 "/%" PRId64
                        " records (%3.0f%%), %.0f/s, ETA %s   %s",
                        done, total,
                        total ? 100.0 * (double)done / (double)total : 100.0,
                        rate, eta, final ? "\n" : "");
                fflush(stderr);
                return;
        }
        if (!final) {
                char d[24], t[24], r[24];
                snprintf(d, sizeof(d), "%" PRId64, done);
                snprintf(t, sizeof(t), "%" PRId64, total);
                snprintf(r, sizeof(r), "%.0f", rate);
                nf_log(NF_LOG_INFO, "replay progress", "done", d, "total", t,
                       "rate", r, "eta", eta, NULL);
        }
}

/* Whether the record's timestamp is in [--from, --to) when those are times:
 * exact even where CreateTime goes backwards, and the whole selection in
 * scan mode. */
static int in_time(replay_t *rp, const rd_kafka_message_t *rkm)
{
        if (rp->from_ms < 0 && rp->to_ms < 0) {
                return 1;
        }
        int64_t ts = rd_kafka_message_timestamp(rkm, NULL);
        if ((rp->from_ms >= 0 && ts < rp->from_ms) ||
            (rp->to_ms >= 0 && ts >= rp->to_ms)) {
                rp->skipped++;
                return 0;
        }
        return 1;
}

/* Whether the range is read: done counts up to total, or (with markers or
 * compacted offsets, which are never returned) the positions say so. */
static int range_done(replay_t *rp)
{
        return nf_reader_done(rp->reader) >= nf_reader_total(rp->reader) ||
               nf_reader_at_end(rp->reader);
}

static void log_summary(replay_t *rp, int ok)
{
        char v[7][24];
        const int64_t n[7] = {rp->in,           rp->out,    rp->dlq,
                              rp->dropped,      rp->failed, rp->skipped,
                              now_ms() - rp->t0};
        for (int i = 0; i < 7; i++) {
                snprintf(v[i], sizeof(v[i]), "%" PRId64, n[i]);
        }
        nf_log(ok ? NF_LOG_INFO : NF_LOG_ERROR,
               ok ? "replay done" : "replay stopped on an error", "in", v[0],
               "out", v[1], "dlq", v[2], "dropped", v[3], "failed", v[4],
               "out_of_time_range", v[5], "ms", v[6], "config_digest",
               rp->digest, NULL);
}

int nf_replay_run(const nf_conf_t *conf, const nf_replay_opts_t *opts)
{
        char errstr[512];
        replay_t rs = {0}, *rp = &rs;
        pos_t from, to = {.kind = POS_END};
        if (parse_pos(opts->from, &from, errstr, sizeof(errstr)) == -1 ||
            (opts->to &&
             parse_pos(opts->to, &to, errstr, sizeof(errstr)) == -1)) {
                fprintf(stderr, "newsflow replay: %s\n", errstr);
                free(from.per);
                return 2;
        }
        rp->in_topic = nf_conf_get(conf, "input.topic");
        rp->out_topic = nf_conf_get(conf, "output.topic");
        rp->dlq_topic = nf_conf_get(conf, "errors.deadletterqueue.topic.name");
        if (rp->dlq_topic && !*rp->dlq_topic) {
                rp->dlq_topic = NULL;
        }
        rp->tolerate_all =
            strcmp(nf_conf_get(conf, "errors.tolerance"), "all") == 0;
        rp->limits.max_bytes =
            (size_t)nf_conf_get_int(conf, "input.max.bytes", 16777216);
        rp->limits.max_depth = (int)nf_conf_get_int(conf, "json.max.depth", 64);
        rp->tty = isatty(STDERR_FILENO);
        rp->from_ms = from.kind == POS_TIME ? from.ms : -1;
        rp->to_ms = to.kind == POS_TIME ? to.ms : -1;
        int scan = strcmp(nf_conf_get(conf, "replay.time.lookup"), "scan") == 0;
        run_flag = 1;
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);

        int ok = 0;
        nf_state_t *state = NULL;
        rd_kafka_conf_t *rkc = NULL;
        if (nf_config_digest(conf, rp->digest, errstr, sizeof(errstr)) == -1 ||
            !(rp->chain = nf_chain_new(conf, errstr, sizeof(errstr)))) {
                goto fail;
        }
        const char *state_topic = nf_conf_get(conf, "dedup.state.topic");
        if (state_topic && *state_topic && nf_chain_has_state(rp->chain) &&
            !(state = nf_state_restore(conf, state_topic, rp->chain, &run_flag,
                                       errstr, sizeof(errstr)))) {
                goto fail;
        }
        /* A throwaway reader: no group.id, assign(), auto-commit off. */
        if (!(rkc = nf_config_rdkafka(conf, NF_CLIENT_CONSUMER, errstr,
                                      sizeof(errstr)))) {
                goto fail;
        }
        rp->reader = nf_reader_new(
            rkc, rp->in_topic,
            from.kind == POS_TIME && !scan ? from.ms : NF_READER_BEGINNING,
            30000, errstr, sizeof(errstr));
        rkc = NULL; /* owned by the reader, even on failure */
        if (!rp->reader ||
            (from.kind == POS_END &&
             nf_reader_set_offsets(rp->reader, -1, INT64_MAX, NF_READER_KEEP,
                                   errstr, sizeof(errstr)) == -1) ||
            apply_offsets(rp, &from, 0, errstr, sizeof(errstr)) == -1 ||
            apply_offsets(rp, &to, 1, errstr, sizeof(errstr)) == -1 ||
            (to.kind == POS_TIME && !scan &&
             nf_reader_set_end_time(rp->reader, to.ms, 30000, errstr,
                                    sizeof(errstr)) == -1) ||
            (to.kind == POS_BEGINNING &&
             nf_reader_set_offsets(rp->reader, -1, NF_READER_KEEP, 0, errstr,
                                   sizeof(errstr)) == -1)) {
                goto fail;
        }
        if (!(rkc = nf_config_rdkafka(conf, NF_CLIENT_PRODUCER, errstr,
                                      sizeof(errstr)))) {
                goto fail;
        }
        char v[16];
        size_t vn = sizeof(v);
        if (rd_kafka_conf_get(rkc, "enable.idempotence", v, &vn) ==
                RD_KAFKA_CONF_OK &&
            strcmp(v, "false") == 0 &&
            !nf_conf_get(conf, "enable.idempotence") &&
            !nf_conf_get(conf, "producer.enable.idempotence")) {
                /* no duplicates from librdkafka's retries, as in `run` */
                rd_kafka_conf_set(rkc, "enable.idempotence", "true", NULL, 0);
        }
        rp->producer =
            nf_producer_new(rkc, on_delivery, rp, errstr, sizeof(errstr));
        rkc = NULL; /* owned by the producer, even on failure */
        if (!rp->producer) {
                goto fail;
        }

        char total[24];
        snprintf(total, sizeof(total), "%" PRId64, nf_reader_total(rp->reader));
        nf_log(NF_LOG_INFO, "replay: reading the range", "topic", rp->in_topic,
               "from", opts->from, "to", opts->to ? opts->to : "end", "records",
               total, "output", rp->out_topic, "config_digest", rp->digest,
               NULL);
        rp->t0 = rp->last_progress = now_ms();
        int stop = 0;
        while (run_flag && !stop && !nf_producer_fatal(rp->producer) &&
               !range_done(rp)) {
                rd_kafka_message_t *rkm = nf_reader_next(rp->reader, 100);
                nf_producer_poll(rp->producer, 0);
                if (rkm) {
                        if (!nf_reader_past_end(rp->reader, rkm) &&
                            in_time(rp, rkm)) {
                                stop = replay_one(rp, rkm) == -1;
                        }
                        rd_kafka_message_destroy(rkm);
                }
                progress(rp, 0);
        }
        /* Wait for the delivery reports of what was sent. */
        int64_t deadline = now_ms() + FLUSH_TIMEOUT_MS;
        while (nf_producer_outq_len(rp->producer) > 0 && now_ms() < deadline) {
                nf_producer_poll(rp->producer, 100);
        }
        progress(rp, 1);
        const char *fatal = nf_producer_fatal(rp->producer);
        if (fatal) {
                nf_log(NF_LOG_ERROR, "replay: producer failed", "error", fatal,
                       NULL);
        } else if (!run_flag) {
                nf_log(NF_LOG_WARN, "replay: interrupted", NULL);
        }
        ok = run_flag && !stop && !fatal && rp->failed == 0 &&
             nf_producer_outq_len(rp->producer) == 0;
        log_summary(rp, ok);
        goto out;

fail:
        nf_log(NF_LOG_ERROR, "replay: cannot start", "error", errstr, NULL);
out:
        if (rkc) {
                rd_kafka_conf_destroy(rkc);
        }
        nf_producer_destroy(rp->producer);
        nf_reader_destroy(rp->reader);
        nf_state_destroy(state);
        nf_chain_destroy(rp->chain);
        free(from.per);
        free(to.per);
        return ok ? 0 : 1;
}
