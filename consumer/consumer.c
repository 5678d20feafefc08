/*
 * consumer.c — group consumer for at-least-once processing. See consumer.h.
 */
#include "consumer/consumer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"

/* How long the final commit is retried while the group rebalances (the
 * mock broker holds a rebalance for session.timeout.ms - 1 s). */
#define CLOSE_COMMIT_TIMEOUT_S 15

struct nf_consumer_s {
        rd_kafka_t *rk;
        nf_consumer_hooks_t hooks;
        int paused;
        int closed;
        int assigned; /* partitions in the assignment */
        /* Cooperative (incremental) rebalancing, from the configured
         * assignor. Not asked of rd_kafka_rebalance_protocol(): in librdkafka
         * 2.0.2 that call can block forever inside the revoke callback run
         * by rd_kafka_consumer_close(). */
        int coop;
        char fatal[512];
};

/* librdkafka's own log lines, through ours. syslog levels: 0-3 error,
 * 4 warning, 5-6 info, 7 debug. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
        nf_log_level_t l = level <= 3   ? NF_LOG_ERROR
                           : level == 4 ? NF_LOG_WARN
                           : level <= 6 ? NF_LOG_INFO
                                        : NF_LOG_DEBUG;
        nf_log(l, buf, "client", rd_kafka_name(rk), "facility", fac, NULL);
}

static void set_fatal(nf_consumer_t *c, const char *what, const char *reason)
{
        if (!c->fatal[0]) {
                snprintf(c->fatal, sizeof(c->fatal), "%s: %s", what, reason);
        }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
        nf_consumer_t *c = opaque;
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
                char msg[400];
                rd_kafka_fatal_error(rk, msg, sizeof(msg));
                set_fatal(c, "consumer fatal error", msg);
                nf_log(NF_LOG_ERROR, "consumer fatal error", "error", msg,
                       NULL);
                return;
        }
        /* Everything else (brokers down, timeouts) librdkafka retries. */
        nf_log(NF_LOG_WARN, "consumer error", "error",
               rd_kafka_err2name((rd_kafka_resp_err_t)err), "reason", reason,
               NULL);
}

static void parts_text(const rd_kafka_topic_partition_list_t *parts, char *buf,
                       size_t size)
{
        size_t o = 0;
        buf[0] = '\0';
        for (int i = 0; i < parts->cnt && o < size; i++) {
                o += (size_t)snprintf(buf + o, size - o, "%s%d", i ? "," : "",
                                      (int)parts->elems[i].partition);
        }
}

static void log_assignment(nf_consumer_t *c, const char *what,
                           const rd_kafka_topic_partition_list_t *parts)
{
        char changed[1024], now[1024] = "";
        parts_text(parts, changed, sizeof(changed));
        rd_kafka_topic_partition_list_t *all = NULL;
        if (!rd_kafka_assignment(c->rk, &all)) {
                parts_text(all, now, sizeof(now));
                c->assigned = all->cnt;
                rd_kafka_topic_partition_list_destroy(all);
        }
        nf_log(NF_LOG_INFO, what, "partitions", changed, "assignment", now,
               "protocol", c->coop ? "cooperative" : "eager", NULL);
}

/*
 * Incremental (cooperative) or whole (eager) assignment changes, with the
 * caller's hooks around them. On revoke the hook runs first so that the
 * records in flight for those partitions can finish and have their offsets
 * stored while the partitions are still ours (librdkafka refuses to store
 * offsets for unassigned partitions); then the commit, so the next owner
 * starts exactly after what we finished.
 */
static int stats_cb(rd_kafka_t *rk, char *json, size_t json_len, void *opaque)
{
        nf_consumer_t *c = opaque;
        c->hooks.stats(c->hooks.opaque, json);
        return 0; /* librdkafka frees json */
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
        nf_consumer_t *c = opaque;
        int coop = c->coop;
        rd_kafka_error_t *error = NULL;
        rd_kafka_resp_err_t aerr = RD_KAFKA_RESP_ERR_NO_ERROR;

        if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                if (coop) {
                        error = rd_kafka_incremental_assign(rk, parts);
                } else {
                        aerr = rd_kafka_assign(rk, parts);
                }
                if (c->paused && parts->cnt) {
                        /* Backpressure holds for new partitions too. */
                        rd_kafka_pause_partitions(rk, parts);
                }
                log_assignment(c, "partitions assigned", parts);
                if (c->hooks.assign) {
                        c->hooks.assign(c->hooks.opaque, parts);
                }
        } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
                int lost = rd_kafka_assignment_lost(rk);
                if (c->hooks.revoke) {
                        c->hooks.revoke(c->hooks.opaque, parts, lost);
                }
                if (!lost && !c->hooks.external_commit) {
                        char msg[256];
                        if (nf_consumer_commit(c, msg, sizeof(msg)) == -1) {
                                nf_log(NF_LOG_WARN, "commit on revoke failed",
                                       "error", msg, NULL);
                        }
                }
                if (coop) {
                        error = rd_kafka_incremental_unassign(rk, parts);
                } else {
                        aerr = rd_kafka_assign(rk, NULL);
                }
                log_assignment(
                    c, lost ? "partitions lost" : "partitions revoked", parts);
        } else {
                nf_log(NF_LOG_WARN, "rebalance error", "error",
                       rd_kafka_err2str(err), NULL);
                if (c->hooks.revoke) {
                        c->hooks.revoke(c->hooks.opaque, parts, 1);
                }
                aerr = rd_kafka_assign(rk, NULL);
                c->assigned = 0;
        }
        if (error) {
                nf_log(NF_LOG_ERROR, "incremental rebalance failed", "error",
                       rd_kafka_error_string(error), NULL);
                rd_kafka_error_destroy(error);
        } else if (aerr) {
                nf_log(NF_LOG_ERROR, "rebalance assign failed", "error",
                       rd_kafka_err2str(aerr), NULL);
        }
}

/* Sets key=value; 0, or -1 with errstr. */
static int force(rd_kafka_conf_t *rkc, const char *key, const char *value,
                 char *errstr, size_t errstr_size)
{
        return rd_kafka_conf_set(rkc, key, value, errstr, errstr_size) ==
                       RD_KAFKA_CONF_OK
                   ? 0
                   : -1;
}

nf_consumer_t *nf_consumer_new(rd_kafka_conf_t *rkc, const char *group_id,
                               const char *topic,
                               const nf_consumer_hooks_t *hooks, char *errstr,
                               size_t errstr_size)
{
        nf_consumer_t *c = calloc(1, sizeof(*c));
        if (!c) {
                abort();
        }
        if (hooks) {
                c->hooks = *hooks;
        }

        /* Cooperative-sticky unless the user picked a strategy: a rebalance
         * then moves only the partitions that change owner, and the others
         * keep flowing. librdkafka's default is "range,roundrobin". */
        char strat[128];
        size_t n = sizeof(strat);
        if (rd_kafka_conf_get(rkc, "partition.assignment.strategy", strat,
                              &n) == RD_KAFKA_CONF_OK &&
            strcmp(strat, "range,roundrobin") == 0 &&
            rd_kafka_conf_set(rkc, "partition.assignment.strategy",
                              "cooperative-sticky", errstr,
                              errstr_size) != RD_KAFKA_CONF_OK) {
                goto fail_conf;
        }
        n = sizeof(strat);
        rd_kafka_conf_get(rkc, "partition.assignment.strategy", strat, &n);
        c->coop = strstr(strat, "cooperative") != NULL;
        /* At-least-once: an offset is stored only by nf_consumer_store(),
         * after the records made from it are acknowledged; the auto-commit
         * timer then commits only such offsets. With external commits
         * (transactions) nothing is stored or committed here at all. Not
         * user-overridable. */
        if (rd_kafka_conf_set(rkc, "group.id", group_id, errstr, errstr_size) !=
                RD_KAFKA_CONF_OK ||
            force(rkc, "enable.auto.offset.store", "false", errstr,
                  errstr_size) == -1 ||
            force(rkc, "enable.auto.commit",
                  c->hooks.external_commit ? "false" : "true", errstr,
                  errstr_size) == -1) {
                goto fail_conf;
        }
        rd_kafka_conf_set_opaque(rkc, c);
        rd_kafka_conf_set_log_cb(rkc, log_cb);
        rd_kafka_conf_set_error_cb(rkc, error_cb);
        rd_kafka_conf_set_rebalance_cb(rkc, rebalance_cb);
        if (c->hooks.stats) {
                rd_kafka_conf_set_stats_cb(rkc, stats_cb);
        }

        c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, rkc, errstr, errstr_size);
        if (!c->rk) {
                goto fail_conf;
        }
        rkc = NULL; /* now owned by c->rk */
        /* Everything (rebalances, errors, logs) is served by consumer_poll. */
        rd_kafka_poll_set_consumer(c->rk);

        rd_kafka_topic_partition_list_t *topics =
            rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t err = rd_kafka_subscribe(c->rk, topics);
        rd_kafka_topic_partition_list_destroy(topics);
        if (err) {
                snprintf(errstr, errstr_size, "subscribe to %s: %s", topic,
                         rd_kafka_err2str(err));
                rd_kafka_destroy(c->rk);
                free(c);
                return NULL;
        }
        nf_log(NF_LOG_INFO, "consumer subscribed", "topic", topic, "group",
               group_id, NULL);
        return c;

fail_conf:
        rd_kafka_conf_destroy(rkc);
        free(c);
        return NULL;
}

/* Commit errors that pass: the group is rebalancing (ILLEGAL_GENERATION:
 * it rebalanced and we are rejoining) or its coordinator is moving.
 * Retried at close, while the consumer is served so the rebalance can
 * complete. */
static int commit_retriable(rd_kafka_resp_err_t err)
{
        return err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
               err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
               err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
               err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
               err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
               err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
               err == RD_KAFKA_RESP_ERR__WAIT_COORD ||
               err == RD_KAFKA_RESP_ERR__TRANSPORT ||
               err == RD_KAFKA_RESP_ERR__TIMED_OUT;
}

void nf_consumer_close(nf_consumer_t *c)
{
        if (c->closed) {
                return;
        }
        c->closed = 1;
        /* Final commit. When another member has just left, the group is
         * rebalancing and the coordinator refuses commits (the mock broker
         * does; Kafka does between JoinGroup and SyncGroup): keep the
         * consumer served, fetching paused so no new record arrives, until
         * the rebalance completes and the commit goes through. */
        nf_consumer_pause(c);
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__NO_OFFSET;
        struct timespec t0, t;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        while (!c->hooks.external_commit) {
                err = rd_kafka_commit(c->rk, NULL, 0);
                clock_gettime(CLOCK_MONOTONIC, &t);
                if (!commit_retriable(err) ||
                    t.tv_sec - t0.tv_sec >= CLOSE_COMMIT_TIMEOUT_S) {
                        break;
                }
                for (int j = 0; j < 2; j++) {
                        rd_kafka_message_t *rkm =
                            rd_kafka_consumer_poll(c->rk, 50);
                        if (rkm) {
                                /* paused: only errors; nothing was stored
                                 * for it, so dropping it loses nothing */
                                rd_kafka_message_destroy(rkm);
                        }
                }
        }
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
                nf_log(NF_LOG_WARN, "final commit failed", "error",
                       rd_kafka_err2str(err), NULL);
        }
        /* Leaves the group: the revoke callback runs (hook, commit,
         * unassign) from inside close. */
        err = rd_kafka_consumer_close(c->rk);
        if (err) {
                nf_log(NF_LOG_WARN, "consumer close failed", "error",
                       rd_kafka_err2str(err), NULL);
        }
}

void nf_consumer_destroy(nf_consumer_t *c)
{
        if (!c) {
                return;
        }
        nf_consumer_close(c);
        rd_kafka_destroy(c->rk);
        free(c);
}

rd_kafka_message_t *nf_consumer_poll(nf_consumer_t *c, int timeout_ms)
{
        rd_kafka_message_t *rkm = rd_kafka_consumer_poll(c->rk, timeout_ms);
        if (!rkm || !rkm->err) {
                return rkm;
        }
        if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                const char *topic =
                    rkm->rkt ? rd_kafka_topic_name(rkm->rkt) : "";
                char part[16];
                snprintf(part, sizeof(part), "%d", (int)rkm->partition);
                nf_log(NF_LOG_WARN, "consume error", "topic", topic,
                       "partition", part, "error", rd_kafka_message_errstr(rkm),
                       NULL);
                /* With auto.offset.reset=error librdkafka reports instead of
                 * jumping: records may be gone, so stop rather than guess. */
                if (rkm->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
                        set_fatal(c, "offset reset",
                                  rd_kafka_message_errstr(rkm));
                }
        }
        rd_kafka_message_destroy(rkm);
        return NULL;
}

int nf_consumer_store(nf_consumer_t *c, const char *topic, int32_t partition,
                      int64_t next_offset)
{
        if (c->closed || c->hooks.external_commit) {
                return -1;
        }
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, topic, partition)->offset =
            next_offset;
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(c->rk, l);
        if (!err) {
                err = l->elems[0].err;
        }
        rd_kafka_topic_partition_list_destroy(l);
        if (err) {
                char p[16], o[24];
                snprintf(p, sizeof(p), "%d", (int)partition);
                snprintf(o, sizeof(o), "%lld", (long long)next_offset);
                nf_log(NF_LOG_DEBUG, "offset not stored", "topic", topic,
                       "partition", p, "offset", o, "error",
                       rd_kafka_err2str(err), NULL);
                return -1;
        }
        return 0;
}

int nf_consumer_commit(nf_consumer_t *c, char *errstr, size_t errstr_size)
{
        if (c->hooks.external_commit) {
                snprintf(errstr, errstr_size,
                         "offsets are committed externally (transactions)");
                return -1;
        }
        rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, NULL, 0);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
                snprintf(errstr, errstr_size, "%s", rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

static void pause_resume(nf_consumer_t *c, int pause)
{
        rd_kafka_topic_partition_list_t *all = NULL;
        if (rd_kafka_assignment(c->rk, &all)) {
                return;
        }
        if (all->cnt) {
                if (pause) {
                        rd_kafka_pause_partitions(c->rk, all);
                } else {
                        rd_kafka_resume_partitions(c->rk, all);
                }
        }
        rd_kafka_topic_partition_list_destroy(all);
        c->paused = pause;
}

void nf_consumer_pause(nf_consumer_t *c)
{
        if (!c->paused) {
                pause_resume(c, 1);
        }
}

void nf_consumer_resume(nf_consumer_t *c)
{
        if (c->paused) {
                pause_resume(c, 0);
        }
}

int nf_consumer_paused(const nf_consumer_t *c)
{
        return c->paused;
}

int nf_consumer_assigned(const nf_consumer_t *c)
{
        return c->assigned;
}

const char *nf_consumer_fatal(const nf_consumer_t *c)
{
        return c->fatal[0] ? c->fatal : NULL;
}

rd_kafka_t *nf_consumer_handle(nf_consumer_t *c)
{
        return c->rk;
}
