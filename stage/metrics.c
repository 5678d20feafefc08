/*
 * metrics.c — /metrics, /healthz and /readyz over libmicrohttpd. See
 * metrics.h.
 *
 * Exposition format: https://prometheus.io/docs/instrumenting/exposition_formats/
 * Each family is "# HELP", "# TYPE", then samples `name{labels} value`.
 * Label values escape \ " and newline; HELP texts are constants here.
 */
#include "stage/metrics.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "stage/config.h"

struct nf_metrics_s {
        struct MHD_Daemon *daemon;
        nf_stats_t *stats; /* borrowed */
        int64_t ready_max_poll_age_ms;
        int64_t live_max_poll_age_ms;
        int port;
};

/* Splits "host:port", "[v6]:port" or ":port" into host (maybe "") and
 * port. Returns 0, or -1 with errstr. */
static int split_listen(const char *listen, char *host, size_t host_size,
                        char *port, size_t port_size, char *errstr,
                        size_t errstr_size)
{
        const char *colon = strrchr(listen, ':');
        const char *h = listen;
        size_t hlen = colon ? (size_t)(colon - listen) : 0;
        if (colon && *h == '[') {
                if (hlen < 2 || h[hlen - 1] != ']') {
                        colon = NULL;
                } else {
                        h++;
                        hlen -= 2;
                }
        } else if (colon && memchr(h, ':', hlen)) {
                colon = NULL; /* a bare IPv6 address needs brackets */
        }
        char *end = NULL;
        long p = colon && colon[1] ? strtol(colon + 1, &end, 10) : -1;
        if (!colon || !end || *end || p < 0 || p > 65535 ||
            hlen >= host_size) {
                snprintf(errstr, errstr_size,
                         "metrics.listen: \"%s\" is not host:port (e.g. "
                         "0.0.0.0:9090, 127.0.0.1:9090, [::]:9090, :9090)",
                         listen);
                return -1;
        }
        memcpy(host, h, hlen);
        host[hlen] = '\0';
        snprintf(port, port_size, "%ld", p);
        return 0;
}

int nf_metrics_listen_check(const char *listen, char *errstr,
                            size_t errstr_size)
{
        char host[256], port[8];
        return split_listen(listen, host, sizeof(host), port, sizeof(port),
                            errstr, errstr_size);
}

/* ---- rendering ---- */

static void family(FILE *fp, const char *name, const char *type,
                   const char *help)
{
        fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Writes a label value with the exposition format's escapes. */
static void label_value(FILE *fp, const char *v)
{
        fputc('"', fp);
        for (; *v; v++) {
                if (*v == '\\' || *v == '"') {
                        fputc('\\', fp);
                        fputc(*v, fp);
                } else if (*v == '\n') {
                        fputs("\\n", fp);
                } else {
                        fputc(*v, fp);
                }
        }
        fputc('"', fp);
}

/* name{label="value"} n, for a family with one label. */
static void sample1(FILE *fp, const char *name, const char *label,
                    const char *value, unsigned long long n)
{
        fprintf(fp, "%s{%s=", name, label);
        label_value(fp, value);
        fprintf(fp, "} %llu\n", n);
}

static unsigned long long load(const atomic_uint_fast64_t *a)
{
        return (unsigned long long)atomic_load_explicit(a,
                                                        memory_order_relaxed);
}

static void render_processors(FILE *fp, const nf_chain_t *chain)
{
        static const char *const outcomes[] = {"in", "out", "dropped",
                                               "rejected"};
        size_t n = chain ? nf_chain_size(chain) : 0;
        if (n == 0) {
                return;
        }
        family(fp, "newsflow_processor_records_total", "counter",
               "Records each processor received (in), passed on (out), "
               "dropped and rejected to the DLQ");
        for (size_t i = 0; i < n; i++) {
                const nf_chain_counters_t *c = nf_chain_counters(chain, i);
                const atomic_uint_fast64_t *v[] = {&c->in, &c->out,
                                                   &c->dropped, &c->rejected};
                for (size_t o = 0; o < 4; o++) {
                        fputs("newsflow_processor_records_total{processor=", fp);
                        label_value(fp, nf_chain_name(chain, i));
                        fprintf(fp, ",outcome=\"%s\"} %llu\n", outcomes[o],
                                load(v[o]));
                }
        }
        family(fp, "newsflow_processor_seconds", "histogram",
               "Time each processor spent on one record");
        for (size_t i = 0; i < n; i++) {
                const nf_chain_counters_t *c = nf_chain_counters(chain, i);
                const char *name = nf_chain_name(chain, i);
                /* Buckets first, then the count: the chain counts `in`
                 * before it times a record, so reading `in` last keeps
                 * every bucket <= +Inf. Records slower than the last bound
                 * are only in +Inf. */
                unsigned long long cum = 0;
                for (int b = 0; b < NF_CHAIN_BUCKETS; b++) {
                        cum += load(&c->bucket[b]);
                        fputs("newsflow_processor_seconds_bucket{processor=",
                              fp);
                        label_value(fp, name);
                        fprintf(fp, ",le=\"%g\"} %llu\n", nf_chain_bucket_le[b],
                                cum);
                }
                unsigned long long count = load(&c->in);
                double sum = (double)load(&c->ns) / 1e9;
                fputs("newsflow_processor_seconds_bucket{processor=", fp);
                label_value(fp, name);
                fprintf(fp, ",le=\"+Inf\"} %llu\n", count < cum ? cum : count);
                fputs("newsflow_processor_seconds_sum{processor=", fp);
                label_value(fp, name);
                fprintf(fp, "} %.9f\n", sum);
                fputs("newsflow_processor_seconds_count{processor=", fp);
                label_value(fp, name);
                fprintf(fp, "} %llu\n", count < cum ? cum : count);
        }
}

char *nf_metrics_render(nf_stats_t *s)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        if (!fp) {
                abort();
        }
        family(fp, "newsflow_up", "gauge", "1 while the stage runs");
        fprintf(fp, "newsflow_up 1\n");
        family(fp, "newsflow_build_info", "gauge", "The running version");
        sample1(fp, "newsflow_build_info", "version", NF_VERSION, 1);
        family(fp, "newsflow_records_in_total", "counter",
               "Records consumed from the input topic");
        fprintf(fp, "newsflow_records_in_total %llu\n", load(&s->in));
        family(fp, "newsflow_records_out_total", "counter",
               "Records published to the output topic and acknowledged");
        fprintf(fp, "newsflow_records_out_total %llu\n", load(&s->out));
        family(fp, "newsflow_records_dropped_total", "counter",
               "Records a processor dropped on purpose (e.g. duplicates "
               "under dedup.action=drop)");
        fprintf(fp, "newsflow_records_dropped_total %llu\n",
                load(&s->dropped));
        family(fp, "newsflow_state_records_total", "counter",
               "Dedup state records published and acknowledged");
        fprintf(fp, "newsflow_state_records_total %llu\n", load(&s->state));
        family(fp, "newsflow_backpressure_pauses_total", "counter",
               "Times fetching paused because the producer queue was full");
        fprintf(fp, "newsflow_backpressure_pauses_total %llu\n",
                load(&s->pauses));

        pthread_mutex_lock(&s->lock);
        family(fp, "newsflow_dlq_records_total", "counter",
               "Records sent to the dead-letter topic, by reason");
        for (int i = 0; i < s->nreasons; i++) {
                sample1(fp, "newsflow_dlq_records_total", "reason",
                        s->reasons[i].name,
                        (unsigned long long)s->reasons[i].n);
        }
        if (s->other) {
                sample1(fp, "newsflow_dlq_records_total", "reason", "other",
                        (unsigned long long)s->other);
        }
        family(fp, "newsflow_consumer_lag", "gauge",
               "Records behind the end of each input partition this "
               "instance fetches (librdkafka consumer_lag)");
        for (size_t i = 0; i < s->nlag; i++) {
                fputs("newsflow_consumer_lag{topic=", fp);
                label_value(fp, s->lag[i].topic);
                fprintf(fp, ",partition=\"%d\"} %lld\n",
                        (int)s->lag[i].partition, (long long)s->lag[i].lag);
        }
        if (s->ntag_hits > 0) {
                family(fp, "newsflow_tag_hits_total", "counter",
                       "Tags the tag processor assigned, by category");
                for (int i = 0; i < s->ntag_hits; i++) {
                        sample1(fp, "newsflow_tag_hits_total", "category",
                                s->tag_hits[i].name,
                                (unsigned long long)s->tag_hits[i].n);
                }
        }
        pthread_mutex_unlock(&s->lock);

        int64_t docs = atomic_load(&s->dedup_index_documents);
        if (docs >= 0) {
                family(fp, "newsflow_dedup_index_documents", "gauge",
                       "Documents in this instance's dedup index");
                fprintf(fp, "newsflow_dedup_index_documents %lld\n",
                        (long long)docs);
        }
        int64_t restore = atomic_load(&s->state_restore_ms);
        if (restore >= 0) {
                family(fp, "newsflow_dedup_state_restore_seconds", "gauge",
                       "Time the dedup state topic took to restore at start");
                fprintf(fp, "newsflow_dedup_state_restore_seconds %.3f\n",
                        (double)restore / 1000.0);
                int64_t lag = atomic_load(&s->state_lag_ms);
                family(fp, "newsflow_dedup_state_lag_seconds", "gauge",
                       "Age of the last dedup state record when applied "
                       "(delay between instances)");
                fprintf(fp, "newsflow_dedup_state_lag_seconds %.3f\n",
                        lag < 0 ? 0.0 : (double)lag / 1000.0);
        }
        render_processors(fp, s->chain);

        if (fclose(fp) != 0 || !buf) {
                abort();
        }
        return buf;
}

/* ---- HTTP ---- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
                             char *body, const char *content_type)
{
        /* body is malloc'd; MHD frees it with the response. */
        struct MHD_Response *resp = MHD_create_response_from_buffer(
            strlen(body), body, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
                free(body);
                return MHD_NO;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                content_type);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                "no-store");
        enum MHD_Result r = MHD_queue_response(conn, code, resp);
        MHD_destroy_response(resp);
        return r;
}

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *text(const char *fmt, ...)
{
        char *s = NULL;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0) {
                abort();
        }
        return s;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
        nf_metrics_t *m = cls;
        static const char plain[] = "text/plain; charset=utf-8";
        char why[256];
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
            strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
                return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                             text("method not allowed\n"), plain);
        }
        if (strcmp(url, "/metrics") == 0) {
                return reply(conn, MHD_HTTP_OK, nf_metrics_render(m->stats),
                             "text/plain; version=0.0.4; charset=utf-8");
        }
        if (strcmp(url, "/healthz") == 0) {
                if (nf_stats_alive(m->stats, m->live_max_poll_age_ms, why,
                                   sizeof(why))) {
                        return reply(conn, MHD_HTTP_OK, text("ok\n"), plain);
                }
                return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
                             text("not alive: %s\n", why), plain);
        }
        if (strcmp(url, "/readyz") == 0) {
                if (nf_stats_ready(m->stats, m->ready_max_poll_age_ms, why,
                                   sizeof(why))) {
                        return reply(conn, MHD_HTTP_OK, text("ready\n"),
                                     plain);
                }
                return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
                             text("not ready: %s\n", why), plain);
        }
        return reply(conn, MHD_HTTP_NOT_FOUND,
                     text("not found; try /metrics, /healthz, /readyz\n"),
                     plain);
}

/* libmicrohttpd's own messages (bind errors, ...) go through our logger. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
        char msg[512];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        msg[strcspn(msg, "\n")] = '\0';
        nf_log(NF_LOG_WARN, "metrics listener", "error", msg, NULL);
}

nf_metrics_t *nf_metrics_new(const nf_conf_t *conf, nf_stats_t *stats,
                             char *errstr, size_t errstr_size)
{
        const char *listen = nf_conf_get(conf, "metrics.listen");
        char host[256], port[8];
        if (!listen || split_listen(listen, host, sizeof(host), port,
                                    sizeof(port), errstr, errstr_size) == -1) {
                if (!listen) {
                        snprintf(errstr, errstr_size,
                                 "metrics.listen is not set");
                }
                return NULL;
        }
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
        hints.ai_family = *host ? AF_UNSPEC : AF_INET;
        struct addrinfo *ai = NULL;
        int gai = getaddrinfo(*host ? host : NULL, port, &hints, &ai);
        if (gai != 0) {
                snprintf(errstr, errstr_size, "metrics.listen: %s: %s",
                         listen, gai_strerror(gai));
                return NULL;
        }
        nf_metrics_t *m = calloc(1, sizeof(*m));
        if (!m) {
                abort();
        }
        m->stats = stats;
        m->ready_max_poll_age_ms =
            nf_conf_get_int(conf, "metrics.ready.max.poll.age.ms", 10000);
        m->live_max_poll_age_ms =
            nf_conf_get_int(conf, "metrics.live.max.poll.age.ms", 60000);
        unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
                             MHD_USE_ERROR_LOG |
                             (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
        /* The logger goes first so that MHD reports nothing on its own. */
        m->daemon = MHD_start_daemon(
            flags, (uint16_t)atoi(port), NULL, NULL, handle, m,
            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
            ai->ai_addr,
            /* A scrape endpoint: a few clients at a time, none lingering. */
            MHD_OPTION_CONNECTION_LIMIT, 32u, MHD_OPTION_CONNECTION_TIMEOUT,
            10u, MHD_OPTION_END);
        freeaddrinfo(ai);
        if (!m->daemon) {
                snprintf(errstr, errstr_size,
                         "metrics.listen: cannot listen on %s (address in "
                         "use or not local?)",
                         listen);
                free(m);
                return NULL;
        }
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
        m->port = info ? info->port : atoi(port);
        return m;
}

void nf_metrics_destroy(nf_metrics_t *m)
{
        if (!m) {
                return;
        }
        MHD_stop_daemon(m->daemon);
        free(m);
}

int nf_metrics_port(const nf_metrics_t *m)
{
        return m->port;
}
