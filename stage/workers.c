/*
 * workers.c — jobs (decode -> chain -> encode) and the worker pool. See
 * workers.h.
 *
 * Each worker has its own FIFO of submitted jobs; all workers share one
 * FIFO of finished jobs. One mutex guards every queue: a job is a few
 * hundred microseconds of work, so a queue operation under a lock costs
 * nothing measurable, and one lock keeps "pending" exact.
 */
#include "stage/workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "stage/config.h"

nf_job_t *nf_job_new(void *opaque, const char *payload, size_t len,
                     const nf_origin_t *origin)
{
        nf_job_t *job = calloc(1, sizeof(*job));
        if (!job) {
                abort();
        }
        job->opaque = opaque;
        job->payload = payload ? payload : "";
        job->len = len;
        job->origin = *origin;
        nf_outcome_init(&job->out);
        return job;
}

void nf_job_destroy(nf_job_t *job)
{
        if (!job) {
                return;
        }
        nf_outcome_fini(&job->out);
        free(job->key);
        free(job->value);
        free(job);
}

static void now_rfc3339(char *buf, size_t size)
{
        struct timeval tv;
        gettimeofday(&tv, NULL);
        struct tm tm;
        gmtime_r(&tv.tv_sec, &tm);
        size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, size - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

void nf_job_run(nf_job_t *job, nf_chain_t *chain,
                const nf_decode_limits_t *limits)
{
        char why[64];
        nf_article_t *art =
            nf_article_decode(job->payload, job->len, limits, why, sizeof(why),
                              job->message, sizeof(job->message));
        if (!art) {
                snprintf(job->reason, sizeof(job->reason), "decode.%s", why);
                return;
        }
        job->decoded = 1;
        art->origin = job->origin;
        job->verdict = nf_chain_process(chain, art, &job->out);
        if (job->verdict == NF_PASS) {
                /* Keyed by document id: a compacted output topic keeps one
                 * version per document, and replays overwrite it. */
                const char *id = nf_article_ensure_id(art);
                job->key_len = strlen(id);
                job->key = strdup(id);
                char ts[40];
                now_rfc3339(ts, sizeof(ts));
                nf_encode_meta_t meta = {.version = NF_VERSION,
                                         .processed_at = ts};
                job->value = nf_article_encode(art, &meta, &job->value_len);
                if (!job->key || !job->value) {
                        abort(); /* allocation failure only */
                }
        } else {
                snprintf(job->reason, sizeof(job->reason), "%s",
                         job->out.reason);
                snprintf(job->message, sizeof(job->message), "%s",
                         job->out.message);
        }
        nf_article_destroy(art);
}

/* ---- the pool ---- */

typedef struct queue_s {
        nf_job_t *head, **tail;
} queue_t;

typedef struct worker_s {
        struct nf_workers_s *pool;
        pthread_t thread;
        queue_t in;
        pthread_cond_t ready; /* in is not empty, or stopping */
} worker_t;

struct nf_workers_s {
        nf_chain_t *chain;
        nf_decode_limits_t limits;
        nf_workers_wake_cb_t *wake;
        void *opaque;
        pthread_mutex_t lock;
        pthread_cond_t done_cond; /* done is not empty */
        queue_t done;
        size_t pending; /* submitted, not collected */
        int stopping;
        int n, started;
        worker_t *w;
};

static void q_init(queue_t *q)
{
        q->head = NULL;
        q->tail = &q->head;
}

static void q_push(queue_t *q, nf_job_t *job)
{
        job->next = NULL;
        *q->tail = job;
        q->tail = &job->next;
}

static nf_job_t *q_pop(queue_t *q)
{
        nf_job_t *job = q->head;
        if (job) {
                q->head = job->next;
                if (!q->head) {
                        q->tail = &q->head;
                }
                job->next = NULL;
        }
        return job;
}

static void *worker_main(void *arg)
{
        worker_t *wk = arg;
        nf_workers_t *w = wk->pool;
        pthread_mutex_lock(&w->lock);
        for (;;) {
                nf_job_t *job = q_pop(&wk->in);
                if (!job) {
                        if (w->stopping) {
                                break;
                        }
                        pthread_cond_wait(&wk->ready, &w->lock);
                        continue;
                }
                pthread_mutex_unlock(&w->lock);
                nf_job_run(job, w->chain, &w->limits);
                pthread_mutex_lock(&w->lock);
                int was_empty = w->done.head == NULL;
                q_push(&w->done, job);
                if (was_empty) {
                        pthread_cond_signal(&w->done_cond);
                        if (w->wake) {
                                /* Under the lock: cheap (librdkafka's yield
                                 * only flags a queue), and the run loop
                                 * cannot miss it. */
                                w->wake(w->opaque);
                        }
                }
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
}

nf_workers_t *nf_workers_new(int n, nf_chain_t *chain,
                             const nf_decode_limits_t *limits,
                             nf_workers_wake_cb_t *wake, void *opaque,
                             char *errstr, size_t errstr_size)
{
        nf_workers_t *w = calloc(1, sizeof(*w));
        if (!w || n < 1 || !(w->w = calloc((size_t)n, sizeof(worker_t)))) {
                abort();
        }
        w->chain = chain;
        w->limits = *limits;
        w->wake = wake;
        w->opaque = opaque;
        w->n = n;
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->done_cond, NULL);
        q_init(&w->done);
        for (int i = 0; i < n; i++) {
                w->w[i].pool = w;
                q_init(&w->w[i].in);
                pthread_cond_init(&w->w[i].ready, NULL);
        }
        for (; w->started < n; w->started++) {
                int err = pthread_create(&w->w[w->started].thread, NULL,
                                         worker_main, &w->w[w->started]);
                if (err) {
                        snprintf(errstr, errstr_size,
                                 "cannot start worker thread %d of %d: %s",
                                 w->started + 1, n, strerror(err));
                        nf_workers_destroy(w);
                        return NULL;
                }
        }
        return w;
}

void nf_workers_destroy(nf_workers_t *w)
{
        if (!w) {
                return;
        }
        pthread_mutex_lock(&w->lock);
        w->stopping = 1;
        for (int i = 0; i < w->n; i++) {
                pthread_cond_signal(&w->w[i].ready);
        }
        pthread_mutex_unlock(&w->lock);
        for (int i = 0; i < w->started; i++) {
                pthread_join(w->w[i].thread, NULL);
        }
        nf_job_t *job;
        while ((job = q_pop(&w->done))) {
                nf_job_destroy(job);
        }
        for (int i = 0; i < w->n; i++) {
                while ((job = q_pop(&w->w[i].in))) {
                        nf_job_destroy(job); /* only if never started */
                }
                pthread_cond_destroy(&w->w[i].ready);
        }
        pthread_cond_destroy(&w->done_cond);
        pthread_mutex_destroy(&w->lock);
        free(w->w);
        free(w);
}

void nf_workers_submit(nf_workers_t *w, nf_job_t *job)
{
        int32_t p = job->origin.partition;
        worker_t *wk = &w->w[(p < 0 ? 0 : p) % w->n];
        pthread_mutex_lock(&w->lock);
        int was_empty = wk->in.head == NULL;
        q_push(&wk->in, job);
        w->pending++;
        if (was_empty) {
                pthread_cond_signal(&wk->ready);
        }
        pthread_mutex_unlock(&w->lock);
}

nf_job_t *nf_workers_collect(nf_workers_t *w)
{
        pthread_mutex_lock(&w->lock);
        nf_job_t *job = q_pop(&w->done);
        if (job) {
                w->pending--;
        }
        pthread_mutex_unlock(&w->lock);
        return job;
}

void nf_workers_wait(nf_workers_t *w, int timeout_ms)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
        }
        pthread_mutex_lock(&w->lock);
        while (!w->done.head && w->pending > 0) {
                if (pthread_cond_timedwait(&w->done_cond, &w->lock, &ts)) {
                        break; /* timed out */
                }
        }
        pthread_mutex_unlock(&w->lock);
}

size_t nf_workers_pending(const nf_workers_t *w)
{
        nf_workers_t *mw = (nf_workers_t *)w; /* the lock is not const */
        pthread_mutex_lock(&mw->lock);
        size_t n = mw->pending;
        pthread_mutex_unlock(&mw->lock);
        return n;
}
