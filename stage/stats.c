/*
 * stats.c — the stage's counters. See stats.h.
 */
#include "stage/stats.h"

#include <stdio.h>
#include <string.h>

void nf_stats_init(nf_stats_t *s)
{
        memset(s, 0, sizeof(*s));
        pthread_mutex_init(&s->lock, NULL);
}

void nf_stats_fini(nf_stats_t *s)
{
        pthread_mutex_destroy(&s->lock);
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
                        snprintf(s->reasons[i].name, sizeof(s->reasons[i].name),
                                 "%s", reason);
                        s->nreasons++;
                }
                s->reasons[i].n++;
        }
        pthread_mutex_unlock(&s->lock);
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
