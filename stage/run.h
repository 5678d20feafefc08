/*
 * run.h — Kafka mode: consume -> decode -> chain -> encode -> produce, with
 * at-least-once offset handling, the DLQ, and graceful shutdown.
 */
#ifndef NF_STAGE_RUN_H
#define NF_STAGE_RUN_H

#include "common/conf.h"

/* Runs the stage until SIGTERM/SIGINT (or a fatal error). conf has been
 * through nf_config_finish() and nf_config_check_run(); borrowed. Returns
 * the process exit status: 0 after a clean shutdown, 1 on a fatal error
 * (logged). */
int nf_run(const nf_conf_t *conf);

#endif
