/*
 * chain.h — the processor chain: the processors named by `processors=`, run
 * in order on each article, with counters per processor.
 *
 * The chain is safe to call from several threads at once only if every
 * processor in it is; counters are atomic.
 */
#ifndef NF_CHAIN_H
#define NF_CHAIN_H

#include <stdatomic.h>
#include <stdint.h>

#include "processors/processor.h"

#define NF_CHAIN_BUCKETS 12
/* Upper bounds (seconds) of the processing-time histogram buckets. */
extern const double nf_chain_bucket_le[NF_CHAIN_BUCKETS];

typedef struct nf_chain_counters_s {
        atomic_uint_fast64_t in, out, dropped, rejected;
        atomic_uint_fast64_t ns;                       /* total time */
        atomic_uint_fast64_t bucket[NF_CHAIN_BUCKETS]; /* non-cumulative */
} nf_chain_counters_t;

typedef struct nf_chain_s nf_chain_t;

/* Every processor newsflow has, NULL-terminated (the registry). */
extern const nf_processor_t *const nf_processors[];
const nf_processor_t *nf_processor_find(const char *name);

/* record.timeout.ms when the configuration does not say (the stage's key
 * table has the same default). */
#define NF_CHAIN_DEFAULT_TIMEOUT_MS 10000

/*
 * Builds the chain named by conf's "processors" (comma list). conf must be
 * validated with defaults applied; it is borrowed for the call. Returns NULL
 * with errstr set when a processor is unknown or its create() fails.
 * Caller frees with nf_chain_destroy().
 */
nf_chain_t *nf_chain_new(const nf_conf_t *conf, char *errstr,
                         size_t errstr_size);
void nf_chain_destroy(nf_chain_t *chain); /* NULL is a no-op */

/* The same from an explicit list of n processors (tests, benchmarks). */
nf_chain_t *nf_chain_new_with(const nf_processor_t *const *procs, size_t n,
                              const nf_conf_t *conf, char *errstr,
                              size_t errstr_size);

/*
 * Runs the article through every processor until one does not pass.
 * Watchdog: when record.timeout.ms (from the conf the chain was built with;
 * 0 = off) runs out, the record is rejected with reason
 * "<processor>.timeout", the processor being the one that was running.
 * out must be initialised by the caller; state records of all processors
 * accumulate in it. On NF_REJECT/NF_DROP, out->reason is
 * "<processor>.<reason>" and out->message the processor's sentence.
 */
nf_verdict_t nf_chain_process(nf_chain_t *chain, nf_article_t *art,
                              nf_outcome_t *out);

/* Feeds a state record to every processor with apply_state(). Returns 0, or
 * -1 with errstr when a processor could not read it. */
int nf_chain_apply_state(nf_chain_t *chain, const nf_record_t *rec,
                         char *errstr, size_t errstr_size);

/* Whether some processor in the chain publishes/reads state. */
int nf_chain_has_state(const nf_chain_t *chain);

size_t nf_chain_size(const nf_chain_t *chain);
const char *nf_chain_name(const nf_chain_t *chain, size_t i);
const nf_chain_counters_t *nf_chain_counters(const nf_chain_t *chain,
                                             size_t i);
/* Processor i's stats() as a new reference, or NULL. */
json_t *nf_chain_processor_stats(const nf_chain_t *chain, size_t i);

#endif
