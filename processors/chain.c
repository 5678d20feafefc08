/*
 * chain.c — runs the configured processors in order and counts. See chain.h.
 *
 * The record watchdog (record.timeout.ms) lives here, not in the run loop:
 * the chain sets the record's deadline in the outcome, checks it after every
 * processor, and the processors poll it in their long loops (html parsing,
 * the tag engine's token and pattern loops). A single step that does not
 * poll is bounded otherwise: every PCRE2 run by its match and depth limits,
 * everything else by linear-time algorithms over an input capped by
 * input.max.bytes. So a record is rejected ("<processor>.timeout") at most
 * one such step after its deadline, and never hangs the stage.
 */
#include "processors/chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const double nf_chain_bucket_le[NF_CHAIN_BUCKETS] = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
    0.005,   0.01,   0.025,   0.05,   0.1,   1.0};

typedef struct link_s {
        const nf_processor_t *proc;
        void *self;
        nf_chain_counters_t c;
} link_t;

struct nf_chain_s {
        link_t *links;
        size_t n;
        uint64_t timeout_ns; /* record.timeout.ms; 0 = no watchdog */
};

const nf_processor_t *nf_processor_find(const char *name)
{
        for (size_t i = 0; nf_processors[i]; i++) {
                if (strcmp(nf_processors[i]->name, name) == 0) {
                        return nf_processors[i];
                }
        }
        return NULL;
}

nf_chain_t *nf_chain_new_with(const nf_processor_t *const *procs, size_t n,
                              const nf_conf_t *conf, char *errstr,
                              size_t errstr_size)
{
        nf_chain_t *chain = calloc(1, sizeof(*chain));
        chain->links = calloc(n ? n : 1, sizeof(link_t));
        if (!chain || !chain->links) {
                abort();
        }
        chain->timeout_ns =
            (uint64_t)nf_conf_get_int(conf, "record.timeout.ms",
                                      NF_CHAIN_DEFAULT_TIMEOUT_MS) *
            1000000u;
        for (size_t i = 0; i < n; i++) {
                const nf_processor_t *proc = procs[i];
                if (proc->abi != NF_PROCESSOR_ABI) {
                        snprintf(errstr, errstr_size,
                                 "processor %s: ABI %d, expected %d",
                                 proc->name, proc->abi, NF_PROCESSOR_ABI);
                        goto fail;
                }
                link_t *l = &chain->links[chain->n];
                l->proc = proc;
                char msg[1024] = "";
                l->self = proc->create(conf, msg, sizeof(msg));
                if (!l->self) {
                        snprintf(errstr, errstr_size, "processor %s: %s",
                                 proc->name, msg);
                        goto fail;
                }
                chain->n++;
        }
        return chain;
fail:
        nf_chain_destroy(chain);
        return NULL;
}

nf_chain_t *nf_chain_new(const nf_conf_t *conf, char *errstr,
                         size_t errstr_size)
{
        const char *list = nf_conf_get(conf, "processors");
        const nf_processor_t *procs[16];
        size_t n = 0;
        char *copy = strdup(list ? list : "");
        char *save = NULL;
        for (char *name = strtok_r(copy, ",", &save); name;
             name = strtok_r(NULL, ",", &save)) {
                const nf_processor_t *proc = nf_processor_find(name);
                if (!proc || n == sizeof(procs) / sizeof(*procs)) {
                        snprintf(errstr, errstr_size,
                                 proc ? "processors: too many processors"
                                      : "processors: unknown processor \"%s\"",
                                 name);
                        free(copy);
                        return NULL;
                }
                procs[n++] = proc;
        }
        free(copy);
        return nf_chain_new_with(procs, n, conf, errstr, errstr_size);
}

void nf_chain_destroy(nf_chain_t *chain)
{
        if (!chain) {
                return;
        }
        for (size_t i = 0; i < chain->n; i++) {
                chain->links[i].proc->destroy(chain->links[i].self);
        }
        free(chain->links);
        free(chain);
}

static void observe(nf_chain_counters_t *c, uint64_t ns)
{
        atomic_fetch_add_explicit(&c->ns, ns, memory_order_relaxed);
        double s = (double)ns / 1e9;
        for (int b = 0; b < NF_CHAIN_BUCKETS; b++) {
                if (s <= nf_chain_bucket_le[b]) {
                        atomic_fetch_add_explicit(&c->bucket[b], 1,
                                                  memory_order_relaxed);
                        return;
                }
        }
        /* slower than the last bucket: only counted in +Inf (== in) */
}

nf_verdict_t nf_chain_process(nf_chain_t *chain, nf_article_t *art,
                              nf_outcome_t *out)
{
        uint64_t start = nf_now_ns();
        out->deadline_ns = chain->timeout_ns ? start + chain->timeout_ns : 0;
        for (size_t i = 0; i < chain->n; i++) {
                link_t *l = &chain->links[i];
                out->verdict = NF_PASS;
                out->reason[0] = out->message[0] = '\0';
                atomic_fetch_add_explicit(&l->c.in, 1, memory_order_relaxed);
                uint64_t t0 = nf_now_ns();
                l->proc->process(l->self, art, out);
                uint64_t t1 = nf_now_ns();
                observe(&l->c, t1 - t0);
                if (out->deadline_ns && t1 > out->deadline_ns &&
                    (out->verdict == NF_PASS ||
                     strcmp(out->reason, "timeout") == 0)) {
                        /* over the deadline: whatever it decided, the
                         * record is rejected here */
                        nf_outcome_reject(
                            out, "timeout",
                            "processing took %llu ms, over "
                            "record.timeout.ms=%llu (stopped in %s)",
                            (unsigned long long)((t1 - start) / 1000000u),
                            (unsigned long long)(chain->timeout_ns / 1000000u),
                            l->proc->name);
                }
                if (out->verdict == NF_PASS) {
                        atomic_fetch_add_explicit(&l->c.out, 1,
                                                  memory_order_relaxed);
                        continue;
                }
                atomic_fetch_add_explicit(out->verdict == NF_DROP
                                              ? &l->c.dropped
                                              : &l->c.rejected,
                                          1, memory_order_relaxed);
                char reason[sizeof(out->reason)];
                snprintf(reason, sizeof(reason), "%.15s.%.47s", l->proc->name,
                         out->reason[0] ? out->reason : "unspecified");
                memcpy(out->reason, reason, sizeof(reason));
                return out->verdict;
        }
        return NF_PASS;
}

int nf_chain_apply_state(nf_chain_t *chain, const nf_record_t *rec,
                         char *errstr, size_t errstr_size)
{
        for (size_t i = 0; i < chain->n; i++) {
                link_t *l = &chain->links[i];
                if (l->proc->apply_state &&
                    l->proc->apply_state(l->self, rec, errstr, errstr_size) ==
                        -1) {
                        return -1;
                }
        }
        return 0;
}

int nf_chain_has_state(const nf_chain_t *chain)
{
        for (size_t i = 0; i < chain->n; i++) {
                if (chain->links[i].proc->apply_state) {
                        return 1;
                }
        }
        return 0;
}

size_t nf_chain_size(const nf_chain_t *chain)
{
        return chain->n;
}

const char *nf_chain_name(const nf_chain_t *chain, size_t i)
{
        return chain->links[i].proc->name;
}

const nf_chain_counters_t *nf_chain_counters(const nf_chain_t *chain, size_t i)
{
        return &chain->links[i].c;
}

json_t *nf_chain_processor_stats(const nf_chain_t *chain, size_t i)
{
        const link_t *l = &chain->links[i];
        return l->proc->stats ? l->proc->stats(l->self) : NULL;
}
