/*
 * redrive.h — `newsflow redrive`: puts dead-lettered records back into the
 * input after a rule or code fix.
 *
 *   newsflow redrive --from-dlq TOPIC [--filter KEY=VALUE] [--to TOPIC]
 *                    [-c FILE] [-X key=value]...
 *
 * Reads the DLQ topic from its beginning up to the end it has when the
 * redrive starts (no group: nothing is committed, and a redriven record
 * that fails again lands after that end, so it is not read twice), and
 * produces each record, with its original key, value and headers (the
 * __connect.errors.* headers stripped), to --to or else to the topic named
 * in its __connect.errors.topic header, on its original partition there.
 * --filter keeps only the records whose __connect.errors.KEY header equals
 * VALUE (KEY: reason, stage or topic; VALUE ending in '*' matches a prefix):
 * --filter reason=decode.too_large, --filter reason=clean.*.
 * Reports the counts on stdout.
 */
#ifndef NF_STAGE_REDRIVE_H
#define NF_STAGE_REDRIVE_H

#include "common/conf.h"

typedef struct nf_redrive_opts_s {
        const char *dlq;    /* required */
        const char *filter; /* NULL: every record */
        const char *to;     /* NULL: each record's original topic */
} nf_redrive_opts_t;

/* Runs the redrive with conf's librdkafka settings (validated; borrowed).
 * Returns the exit status: 0 when every selected record was written, 1
 * otherwise (logged), 2 for a bad filter. */
int nf_redrive_run(const nf_conf_t *conf, const nf_redrive_opts_t *opts);

#endif
