/*
 * digest.h — the config digest: one hash of everything that decides what
 * the output record of a given input is, so that consumers of the output
 * (and a replay) can tell which version of the rules made a record.
 *
 * Covered: newsflow's version; the stage keys that change records
 * (processors, input.max.bytes, json.max.depth); every key of every
 * processor in the chain, with its effective value; and the bytes of the
 * rule files those keys name (clean.patterns.file; tag.rules and
 * tag.rules.extra, resolved the way the tag processor resolves them; a
 * directory counts as its regular files in name order). Not covered: Kafka
 * settings, topics, group, logging, metrics, and the files' paths (the same
 * rules installed elsewhere give the same digest).
 *
 * The stage writes it into every output record as the header
 * NF_DIGEST_HEADER (run and replay).
 */
#ifndef NF_STAGE_DIGEST_H
#define NF_STAGE_DIGEST_H

#include <stddef.h>

#include "common/conf.h"

#define NF_DIGEST_HEADER "newsflow.config.digest"
#define NF_DIGEST_LEN 32 /* hex characters of the 128-bit XXH3 hash */

/*
 * Computes the digest of conf (validated, defaults applied; borrowed) into
 * out as NF_DIGEST_LEN lower-case hex characters and a NUL. Returns 0, or -1
 * with errstr naming a rule file that cannot be read.
 */
int nf_config_digest(const nf_conf_t *conf, char out[NF_DIGEST_LEN + 1],
                     char *errstr, size_t errstr_size);

#endif
