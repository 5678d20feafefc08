/*
 * metrics.h — the operator's HTTP endpoint, served by libmicrohttpd from its
 * own thread when `metrics.listen=host:port` is set:
 *
 *   /metrics  Prometheus text exposition format 0.0.4 (names in
 *             deploy/OPERATING.md): counters from nf_stats_t, the chain's
 *             per-processor counters and latency histogram, consumer lag
 *   /healthz  liveness: 200 "ok" unless the run loop stopped polling for
 *             metrics.live.max.poll.age.ms; else 503 and why
 *   /readyz   readiness: 200 "ready" when the group is joined, the dedup
 *             state restored and the last poll recent
 *             (metrics.ready.max.poll.age.ms); else 503 and a one-line reason
 *
 * It reads only nf_stats_t (stats.h), never configuration values other
 * than its own keys, so no secret can reach a response.
 */
#ifndef NF_STAGE_METRICS_H
#define NF_STAGE_METRICS_H

#include <stddef.h>

#include "common/conf.h"
#include "stage/stats.h"

typedef struct nf_metrics_s nf_metrics_t;

/*
 * Starts the listener on conf's metrics.listen ("host:port", "[v6addr]:port"
 * or ":port" for every IPv4 interface; port 0 picks a free port, see
 * nf_metrics_port()). conf is borrowed for the call and must have its
 * defaults applied; stats is borrowed and must outlive the listener (and
 * so must stats->chain). Returns NULL with errstr set when the address does
 * not resolve or cannot be bound. Caller stops it with nf_metrics_destroy().
 */
nf_metrics_t *nf_metrics_new(const nf_conf_t *conf, nf_stats_t *stats,
                             char *errstr, size_t errstr_size);

/* Stops the listener (waits for its thread). NULL is a no-op. */
void nf_metrics_destroy(nf_metrics_t *m);

/* The TCP port the listener is bound to. */
int nf_metrics_port(const nf_metrics_t *m);

/* Checks the syntax of a metrics.listen value without resolving it.
 * Returns 0, or -1 with errstr. */
int nf_metrics_listen_check(const char *listen, char *errstr,
                            size_t errstr_size);

/* The /metrics text for stats, as a new NUL-terminated string. Caller frees
 * with free(). Never NULL (aborts when out of memory). */
char *nf_metrics_render(nf_stats_t *stats);

#endif
