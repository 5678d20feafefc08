/*
 * state.h — the dedup state topic, read back into the chain.
 *
 * Every instance reads the whole compacted state topic at start (restore,
 * with progress logged) before it consumes input, and then keeps tailing it,
 * the way a Kafka Streams GlobalKTable works: what any instance learned
 * reaches every other one. Records are handed to nf_chain_apply_state(),
 * which must be idempotent (an instance also reads back its own records).
 * Publishing the records is the run loop's job (they travel with the input
 * offset that produced them).
 */
#ifndef NF_STAGE_STATE_H
#define NF_STAGE_STATE_H

#include <signal.h>

#include "common/conf.h"
#include "processors/chain.h"

typedef struct nf_state_s nf_state_t;

/*
 * Opens a group-less reader of topic with conf's consumer settings and
 * restores: applies every record up to the end the topic had when reading
 * began, logging progress, within dedup.state.restore.timeout.ms. chain is
 * borrowed and must outlive the state. Returns NULL with errstr when the
 * topic cannot be read or the restore times out. *running is polled so that
 * a signal (which clears it) interrupts a long restore (then NULL, errstr
 * "interrupted").
 */
nf_state_t *nf_state_restore(const nf_conf_t *conf, const char *topic,
                             nf_chain_t *chain,
                             const volatile sig_atomic_t *running,
                             char *errstr, size_t errstr_size);

/* Applies what has arrived since (at most max records, without waiting).
 * Returns the number applied. */
int nf_state_tail(nf_state_t *s, int max);

/* Age in ms (wall clock minus the record's timestamp) of the last record
 * applied by nf_state_tail(), or -1 before the first. */
int64_t nf_state_lag_ms(const nf_state_t *s);

/* Records applied in total, and the restore's duration in ms. */
int64_t nf_state_applied(const nf_state_t *s);
int64_t nf_state_restore_ms(const nf_state_t *s);

void nf_state_destroy(nf_state_t *s); /* NULL is a no-op */

#endif
