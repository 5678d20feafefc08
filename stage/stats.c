/*
 * stats.c — the stage's counters. See stats.h.
 */
#include "stage/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nf_stats_init(nf_stats_t *s)
{
        memset(s, 0, sizeof(*s));
        pthread_mutex_init(&s->lock, NULL);
        atomic_store(&s->dedup_index_documents, -1);
        atomic_store(&s->state_restore_ms, -1);
        atomic_store(&s->state_lag_ms, -1);
}

static void lag_free(nf_stats_lag_t *lag, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(lag[i].topic);
        }
        free(lag);
}

void nf_stats_fini(nf_stats_t *s)
{
        lag_free(s->lag, s->nlag);
        s->lag = NULL;
        s->nlag = 0;
        pthread_mutex_destroy(&s->lock);
}

int64_t nf_stats_now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        /* +1 so that a clock that starts at 0 never reads as "never". */
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

void nf_stats_polled(nf_stats_t *s)
{
        atomic_store_explicit(&s->last_poll_ms, nf_stats_now_ms(),
                              memory_order_relaxed);
}

void nf_stats_dlq_reason(nf_stats_t *s, const char *reason)
{
        pthread_mutex_lock(&s->lock);
        int i;
        for (i = 0; i < s->nreasons; i++) {
                if (strcmp(s->reasons[i].name, reason) == 0) {
                        break;
                }
        }
        if (i == NF_STATS_REASONS) {
                s->other++;
        } else {
                if (i == s->nreasons) {
                        snprintf(s->reasons[i].name,
                                 sizeof(s->reasons[i].name), "%s", reason);
                        s->nreasons++;
                }
                s->reasons[i].n++;
        }
        pthread_mutex_unlock(&s->lock);
}

uint64_t nf_stats_dlq_get(nf_stats_t *s, const char *reason)
{
        uint64_t n = 0;
        pthread_mutex_lock(&s->lock);
        for (int i = 0; i < s->nreasons; i++) {
                if (strcmp(s->reasons[i].name, reason) == 0) {
                        n = s->reasons[i].n;
                }
        }
        if (strcmp(reason, "other") == 0) {
                n += s->other;
        }
        pthread_mutex_unlock(&s->lock);
        return n;
}

/*
 * Whether a partition's consumer_lag in librdkafka's statistics means
 * something. librdkafka keeps reporting the last lag of a partition after it
 * is revoked, and reports -1 when the committed offset is unknown; its
 * maintainer's advice is to use the lag only when fetch_state is "active"
 * (librdkafka issues #1528 and confluent-kafka-python #416). Partition -1 is
 * librdkafka's internal "unassigned" placeholder.
 */
static int lag_usable(json_int_t partition, json_t *p)
{
        json_t *lag = json_object_get(p, "consumer_lag");
        json_t *state = json_object_get(p, "fetch_state");
        json_t *desired = json_object_get(p, "desired");
        return partition >= 0 && json_is_integer(lag) &&
               json_integer_value(lag) >= 0 &&
               (!state || (json_is_string(state) &&
                           strcmp(json_string_value(state), "active") == 0)) &&
               !json_is_false(desired);
}

int nf_stats_update_from_rdkafka_json(nf_stats_t *s, const char *json)
{
        json_t *root = json_loads(json, 0, NULL);
        if (!json_is_object(root)) {
                json_decref(root);
                return -1;
        }
        json_t *type = json_object_get(root, "type");
        if (json_is_string(type) &&
            strcmp(json_string_value(type), "consumer") != 0) {
                json_decref(root); /* a producer's statistics: no lag */
                return 0;
        }
        nf_stats_lag_t *lag = calloc(NF_STATS_LAG_MAX, sizeof(*lag));
        if (!lag) {
                abort();
        }
        size_t n = 0;
        const char *topic;
        json_t *t;
        json_object_foreach(json_object_get(root, "topics"), topic, t)
        {
                const char *pid;
                json_t *p;
                json_object_foreach(json_object_get(t, "partitions"), pid, p)
                {
                        char *end;
                        long long partition = strtoll(pid, &end, 10);
                        if (end == pid || *end || n == NF_STATS_LAG_MAX ||
                            !lag_usable(partition, p)) {
                                continue;
                        }
                        lag[n].topic = strdup(topic);
                        lag[n].partition = (int32_t)partition;
                        lag[n].lag = json_integer_value(
                            json_object_get(p, "consumer_lag"));
                        n++;
                }
        }
        json_decref(root);

        pthread_mutex_lock(&s->lock);
        nf_stats_lag_t *old = s->lag;
        size_t nold = s->nlag;
        s->lag = lag;
        s->nlag = n;
        pthread_mutex_unlock(&s->lock);
        lag_free(old, nold);
        return 0;
}

int64_t nf_stats_lag_get(nf_stats_t *s, const char *topic, int32_t partition)
{
        int64_t lag = -1;
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < s->nlag; i++) {
                if (s->lag[i].partition == partition &&
                    strcmp(s->lag[i].topic, topic) == 0) {
                        lag = s->lag[i].lag;
                }
        }
        pthread_mutex_unlock(&s->lock);
        return lag;
}

void nf_stats_update_from_chain(nf_stats_t *s, const nf_chain_t *chain)
{
        int64_t docs = -1;
        json_t *hits = NULL;
        for (size_t i = 0; i < nf_chain_size(chain); i++) {
                const char *name = nf_chain_name(chain, i);
                if (strcmp(name, "dedup") && strcmp(name, "tag")) {
                        continue;
                }
                json_t *st = nf_chain_processor_stats(chain, i);
                json_t *v = json_object_get(st, "index_documents");
                if (strcmp(name, "dedup") == 0 && json_is_integer(v)) {
                        docs = json_integer_value(v);
                }
                v = json_object_get(st, "hits");
                if (strcmp(name, "tag") == 0 && json_is_object(v)) {
                        json_decref(hits);
                        hits = json_incref(v);
                }
                json_decref(st);
        }
        atomic_store(&s->dedup_index_documents, docs);

        pthread_mutex_lock(&s->lock);
        s->ntag_hits = 0;
        const char *category;
        json_t *n;
        json_object_foreach(hits, category, n)
        {
                if (!json_is_integer(n) || json_integer_value(n) < 0 ||
                    s->ntag_hits == NF_STATS_CATEGORIES) {
                        continue;
                }
                snprintf(s->tag_hits[s->ntag_hits].name,
                         sizeof(s->tag_hits[0].name), "%s", category);
                s->tag_hits[s->ntag_hits].n = (uint64_t)json_integer_value(n);
                s->ntag_hits++;
        }
        pthread_mutex_unlock(&s->lock);
        json_decref(hits);
}

int nf_stats_ready(nf_stats_t *s, int64_t max_poll_age_ms, char *why,
                   size_t why_size)
{
        int64_t last = atomic_load(&s->last_poll_ms);
        int64_t age = nf_stats_now_ms() - last;
        if (!atomic_load(&s->group_joined)) {
                snprintf(why, why_size, "consumer group not joined");
        } else if (!atomic_load(&s->state_restored)) {
                snprintf(why, why_size, "dedup state not restored yet");
        } else if (last == 0) {
                snprintf(why, why_size, "the run loop has not polled yet");
        } else if (age > max_poll_age_ms) {
                snprintf(why, why_size,
                         "last poll %lld ms ago (metrics.ready.max.poll.age.ms"
                         "=%lld)",
                         (long long)age, (long long)max_poll_age_ms);
        } else {
                return 1;
        }
        return 0;
}

int nf_stats_alive(nf_stats_t *s, int64_t max_poll_age_ms, char *why,
                   size_t why_size)
{
        int64_t last = atomic_load(&s->last_poll_ms);
        int64_t age = nf_stats_now_ms() - last;
        if (max_poll_age_ms > 0 && last != 0 && age > max_poll_age_ms) {
                snprintf(why, why_size,
                         "run loop stalled: last poll %lld ms ago "
                         "(metrics.live.max.poll.age.ms=%lld)",
                         (long long)age, (long long)max_poll_age_ms);
                return 0;
        }
        return 1;
}

json_t *nf_stats_json(nf_stats_t *s)
{
        json_t *reasons = json_object();
        pthread_mutex_lock(&s->lock);
        for (int i = 0; i < s->nreasons; i++) {
                json_object_set_new(reasons, s->reasons[i].name,
                                    json_integer((json_int_t)s->reasons[i].n));
        }
        if (s->other) {
                json_object_set_new(reasons, "other",
                                    json_integer((json_int_t)s->other));
        }
        pthread_mutex_unlock(&s->lock);
        return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "in",
                         (json_int_t)atomic_load(&s->in), "out",
                         (json_int_t)atomic_load(&s->out), "dlq",
                         (json_int_t)atomic_load(&s->dlq), "dropped",
                         (json_int_t)atomic_load(&s->dropped), "state",
                         (json_int_t)atomic_load(&s->state), "pauses",
                         (json_int_t)atomic_load(&s->pauses), "dlq_reasons",
                         reasons);
}
