/*
 * replay.h — `newsflow replay`: reprocesses a bounded range of the input
 * topic through the same chain, while the live group keeps running.
 *
 *   newsflow replay --from POS [--to POS] [--topic T] [--output T]
 *                   [-c FILE] [-X key=value]...
 *
 * POS is a time (RFC 3339, "2026-11-27T17:00:00Z" or with ".123" and an
 * offset; or "@MS", epoch milliseconds), an offset for every partition
 * ("1200"), offsets per partition ("0:1200,3:80": only those partitions are
 * read), or "beginning" / "end". --from is inclusive, --to exclusive
 * (default: the end each partition has when the replay starts). A time is
 * turned into offsets with offsets_for_times() (replay.time.lookup=broker),
 * or, with replay.time.lookup=scan, each partition is read from its
 * beginning (the mock broker has no time index: its ListOffsets answers -1
 * for any timestamp); either way records whose timestamp lies outside
 * [--from, --to) are skipped.
 *
 * The input is read by a throwaway consumer: assign(), no group, no commit,
 * so the live group's offsets are not touched and it need not be stopped.
 * Output goes to output.topic or --output, keyed by document id (replayed
 * records overwrite their earlier versions in a compacted topic), each with
 * the newsflow.config.digest header (digest.h); bad input goes to the DLQ as
 * in `run`. The dedup index is restored from dedup.state.topic first, so a
 * document keeps the status it had (a replay never publishes state: the
 * range's documents are in it already). Progress (done/total, rate, ETA) is
 * redrawn on a terminal, logged every 10 s otherwise.
 */
#ifndef NF_STAGE_REPLAY_H
#define NF_STAGE_REPLAY_H

#include "common/conf.h"

typedef struct nf_replay_opts_s {
        const char *from; /* required */
        const char *to;   /* NULL: the end at start */
} nf_replay_opts_t;

/* Runs the replay; conf has been through nf_config_finish() and
 * nf_config_check_run() (with --topic/--output applied to input.topic /
 * output.topic). Returns the exit status: 0 when every record of the range
 * was processed and written, 1 otherwise (logged), 2 for a bad position. */
int nf_replay_run(const nf_conf_t *conf, const nf_replay_opts_t *opts);

#endif
