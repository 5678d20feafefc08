/*
 * outcome.c — helpers for nf_outcome_t, the result of one process() call.
 */
#include "processors/processor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nf_outcome_init(nf_outcome_t *out)
{
        memset(out, 0, sizeof(*out));
}

void nf_outcome_fini(nf_outcome_t *out)
{
        for (size_t i = 0; i < out->nrecords; i++) {
                free(out->records[i].key);
                free(out->records[i].value);
        }
        free(out->records);
        memset(out, 0, sizeof(*out));
}

void nf_outcome_reject(nf_outcome_t *out, const char *reason, const char *fmt,
                       ...)
{
        out->verdict = NF_REJECT;
        snprintf(out->reason, sizeof(out->reason), "%s", reason);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->message, sizeof(out->message), fmt, ap);
        va_end(ap);
}

uint64_t nf_now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int nf_outcome_expired(const nf_outcome_t *out)
{
        return out->deadline_ns && nf_now_ns() > out->deadline_ns;
}

void nf_outcome_drop(nf_outcome_t *out, const char *reason)
{
        out->verdict = NF_DROP;
        snprintf(out->reason, sizeof(out->reason), "%s", reason);
}

static void *memdup(const void *p, size_t n)
{
        char *d = malloc(n + 1);
        if (!d) {
                abort();
        }
        memcpy(d, p, n);
        d[n] = '\0';
        return d;
}

void nf_outcome_add_record(nf_outcome_t *out, const void *key, size_t key_len,
                           const void *value, size_t value_len)
{
        if (out->nrecords == out->records_cap) {
                out->records_cap = out->records_cap ? out->records_cap * 2 : 4;
                out->records =
                    realloc(out->records, out->records_cap * sizeof(nf_record_t));
                if (!out->records) {
                        abort();
                }
        }
        nf_record_t *r = &out->records[out->nrecords++];
        r->key = memdup(key, key_len);
        r->key_len = key_len;
        r->value = value ? memdup(value, value_len) : NULL;
        r->value_len = value ? value_len : 0;
}
