/*
 * config.h — the stage's configuration: its key table, validation of every
 * key (newsflow's own, each processor's, and librdkafka's pass-through keys),
 * and the librdkafka configuration built from it.
 *
 * Routing, as kcat's -X: a key in newsflow's or a processor's table is ours;
 * `consumer.X` / `producer.X` goes to that client only; any other key goes to
 * both librdkafka clients. A key that none of these accepts is a start-up
 * error naming it.
 */
#ifndef NF_STAGE_CONFIG_H
#define NF_STAGE_CONFIG_H

#include <librdkafka/rdkafka.h>
#include <stdio.h>

#include "common/conf.h"

#define NF_VERSION "0.1.0"

/* newsflow's own keys (not the processors'), NULL-terminated. */
extern const nf_conf_key_t nf_stage_keys[];

/*
 * Validates every key of conf and applies defaults (stage and processors).
 * Returns 0, or -1 with errstr naming the first bad key or value.
 */
int nf_config_finish(nf_conf_t *conf, char *errstr, size_t errstr_size);

/* Checks what `run` needs on top of nf_config_finish() (topics, a DLQ or
 * errors.tolerance=none, ...). Returns 0 or -1 with errstr. */
int nf_config_check_run(const nf_conf_t *conf, char *errstr,
                        size_t errstr_size);

typedef enum { NF_CLIENT_CONSUMER, NF_CLIENT_PRODUCER } nf_client_t;

/*
 * A new librdkafka configuration for one client: the pass-through keys that
 * apply to it (unprefixed ones, then its `consumer.`/`producer.` prefixed
 * ones, which win). Returns NULL with errstr on a value librdkafka refuses.
 * Caller owns the result (rd_kafka_conf_destroy(), or hand it to
 * rd_kafka_new()).
 */
rd_kafka_conf_t *nf_config_rdkafka(const nf_conf_t *conf, nf_client_t client,
                                   char *errstr, size_t errstr_size);

/* Prints every newsflow key with type, default and description. */
void nf_config_list(FILE *fp);

/* Prints the effective configuration (secrets redacted). */
void nf_config_dump(const nf_conf_t *conf, FILE *fp);

/* Whether key is routed to newsflow (stage or a processor) rather than
 * librdkafka. */
int nf_config_is_ours(const char *key);

#endif
