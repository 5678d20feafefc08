/*
 * config.c — newsflow's key table, validation and routing of librdkafka
 * keys. See config.h.
 */
#include "stage/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processors/chain.h"
#include "stage/metrics.h"

/* The stage's own keys. Processors declare theirs in their own tables. */
const nf_conf_key_t nf_stage_keys[] = {
    {"input.topic", NF_CONF_STRING, NULL, NULL, 0, 0,
     "Topic to consume raw articles from (required by run)"},
    {"output.topic", NF_CONF_STRING, NULL, NULL, 0, 0,
     "Topic to publish enriched records to (required by run)"},
    {"group.id", NF_CONF_STRING, "newsflow", NULL, 0, 0,
     "Consumer group; instances with the same group.id share the input "
     "partitions"},
    {"errors.deadletterqueue.topic.name", NF_CONF_STRING, NULL, NULL, 0, 0,
     "Dead-letter topic for bad input (original key/value/headers plus "
     "__connect.errors.* headers). Required unless errors.tolerance=none"},
    {"errors.tolerance", NF_CONF_ENUM, "all", "all,none", 0, 0,
     "all: bad input goes to the DLQ and the stage goes on; none: bad input "
     "stops the stage without committing past it"},
    {"errors.file", NF_CONF_STRING, NULL, NULL, 0, 0,
     "process (file mode): write error lines to this file instead of "
     "stderr"},
    {"processors", NF_CONF_LIST, NULL, NULL, 0, 0,
     "Processor chain, in order (default: every processor, clean,dedup,tag)"},
    {"processing.guarantee", NF_CONF_ENUM, "at_least_once",
     "at_least_once,exactly_once", 0, 0,
     "at_least_once: input offsets are committed after the output is "
     "acknowledged (a crash may repeat records); exactly_once: output and "
     "input offsets commit in one Kafka transaction (read_committed readers "
     "see each input once)"},
    {"transaction.max.records", NF_CONF_INT, "5000", NULL, 1, 1e9,
     "exactly_once: commit the transaction after this many input records"},
    {"transaction.interval.ms", NF_CONF_INT, "1000", NULL, 1, 3.6e6,
     "exactly_once: commit the transaction at the latest this long after it "
     "began: the output latency for read_committed readers, and the work "
     "redone after an abort or crash (each commit blocks the loop for a "
     "round trip or two, so shorter costs throughput)"},
    {"replay.time.lookup", NF_CONF_ENUM, "broker", "broker,scan", 0, 0,
     "replay: how --from/--to times become offsets. broker: "
     "offsets_for_times() (the broker's time index); scan: read each "
     "partition from its beginning and keep the records whose timestamp is "
     "in range (for brokers without a time index, such as librdkafka's mock "
     "cluster)"},
    {"workers", NF_CONF_INT, "1", NULL, 1, 64,
     "run: processing threads (decode, chain, encode) in one instance; a "
     "partition always goes to the same thread, so per-partition order is "
     "kept; Kafka clients and offsets stay on the run loop's thread"},
    {"dedup.state.topic", NF_CONF_STRING, NULL, NULL, 0, 0,
     "Compacted topic sharing the dedup index between instances; unset = "
     "each instance dedups only what it sees"},
    {"dedup.state.restore.timeout.ms", NF_CONF_INT, "300000", NULL, 1000,
     86400000,
     "run: give up (exit 1) when the state topic is not read to its end "
     "within this time at start"},
    {"dedup.state.file", NF_CONF_STRING, NULL, NULL, 0, 0,
     "process (file mode): load dedup state from this file at start and "
     "append new state records to it"},
    {"input.max.bytes", NF_CONF_INT, "16777216", NULL, 1, 1e9,
     "Larger input records go to the DLQ (reason decode.too_large)"},
    {"json.max.depth", NF_CONF_INT, "64", NULL, 1, 10000,
     "Input JSON nested deeper goes to the DLQ (reason decode.too_deep)"},
    {"record.timeout.ms", NF_CONF_INT, "10000", NULL, 0, 3.6e6,
     "Watchdog: a record whose processing takes longer goes to the DLQ "
     "(reason <processor>.timeout); 0 = no limit"},
    {"log.level", NF_CONF_ENUM, "info", "debug,info,warn,error", 0, 0,
     "Lowest level logged"},
    {"log.format", NF_CONF_ENUM, "logfmt", "logfmt,json", 0, 0,
     "Log line format on stderr"},
    {"metrics.listen", NF_CONF_STRING, NULL, NULL, 0, 0,
     "host:port of the HTTP listener for /metrics, /healthz and /readyz "
     "(e.g. 0.0.0.0:9090); unset = no listener"},
    {"metrics.ready.max.poll.age.ms", NF_CONF_INT, "10000", NULL, 1, 3.6e6,
     "/readyz answers 503 when the run loop last polled longer ago"},
    {"metrics.live.max.poll.age.ms", NF_CONF_INT, "60000", NULL, 0, 3.6e6,
     "/healthz answers 503 when the run loop last polled longer ago (0 = "
     "never)"},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

/* Unprefixed librdkafka keys that only make sense for one client; routing
 * them to that client alone keeps the other from warning about them. */
static const char *const consumer_only[] = {
    "auto.offset.reset", "session.timeout.ms", "heartbeat.interval.ms",
    "max.poll.interval.ms", "partition.assignment.strategy",
    "enable.auto.commit", "auto.commit.interval.ms", "enable.auto.offset.store",
    "fetch.", "queued.", "isolation.level", "group.instance.id",
    "enable.partition.eof", "check.crcs", "coordinator.query.interval.ms",
    "group.protocol.type", "consume.callback.max.messages", NULL};
static const char *const producer_only[] = {
    "acks", "request.required.acks", "linger.ms", "queue.buffering.",
    "batch.", "compression.", "message.timeout.ms", "delivery.timeout.ms",
    "enable.idempotence", "transactional.id", "transaction.timeout.ms",
    "retries", "message.send.max.retries", "enable.gapless.guarantee",
    "sticky.partitioning.linger.ms", "partitioner", "request.timeout.ms",
    NULL};

static int matches_any(const char *key, const char *const *list)
{
        for (; *list; list++) {
                size_t n = strlen(*list);
                if ((*list)[n - 1] == '.' ? strncmp(key, *list, n) == 0
                                          : strcmp(key, *list) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* The key table entry for key, stage or processor, or NULL. */
static const nf_conf_key_t *key_find(const char *key)
{
        const nf_conf_key_t *k = nf_conf_key_find(nf_stage_keys, key);
        for (size_t i = 0; !k && nf_processors[i]; i++) {
                k = nf_conf_key_find(nf_processors[i]->conf_keys, key);
        }
        return k;
}

int nf_config_is_ours(const char *key)
{
        return key_find(key) != NULL;
}

/* Strips a consumer./producer. prefix; returns the client or -1. */
static int client_prefix(const char *key, const char **rest)
{
        if (strncmp(key, "consumer.", 9) == 0) {
                *rest = key + 9;
                return NF_CLIENT_CONSUMER;
        }
        if (strncmp(key, "producer.", 9) == 0) {
                *rest = key + 9;
                return NF_CLIENT_PRODUCER;
        }
        *rest = key;
        return -1;
}

/* Whether librdkafka knows key=value; 0 or -1 with errstr. */
static int check_rdkafka(const char *key, const char *value, char *errstr,
                         size_t errstr_size)
{
        rd_kafka_conf_t *rkc = rd_kafka_conf_new();
        char msg[512];
        rd_kafka_conf_res_t r = rd_kafka_conf_set(rkc, key, value, msg,
                                                  sizeof(msg));
        rd_kafka_conf_destroy(rkc);
        if (r == RD_KAFKA_CONF_UNKNOWN) {
                snprintf(errstr, errstr_size,
                         "unknown configuration key \"%s\" (not a newsflow "
                         "key, nor a librdkafka property; see `newsflow "
                         "config --list`)",
                         key);
                return -1;
        }
        if (r != RD_KAFKA_CONF_OK) {
                snprintf(errstr, errstr_size, "%s: %s", key, msg);
                return -1;
        }
        return 0;
}

/* The default processor list: every registered processor, in order. */
static void default_processors(char *buf, size_t size)
{
        buf[0] = '\0';
        for (size_t i = 0; nf_processors[i]; i++) {
                if (i) {
                        strncat(buf, ",", size - strlen(buf) - 1);
                }
                strncat(buf, nf_processors[i]->name, size - strlen(buf) - 1);
        }
}

int nf_config_finish(nf_conf_t *conf, char *errstr, size_t errstr_size)
{
        for (size_t i = 0; i < nf_conf_count(conf); i++) {
                const char *key = nf_conf_key_at(conf, i);
                const char *value = nf_conf_value_at(conf, i);
                const nf_conf_key_t *k = key_find(key);
                if (k) {
                        if (nf_conf_check_value(k, value, errstr,
                                                errstr_size) == -1) {
                                return -1;
                        }
                        continue;
                }
                const char *rest;
                client_prefix(key, &rest);
                if (check_rdkafka(rest, value, errstr, errstr_size) == -1) {
                        return -1;
                }
        }

        const char *listen = nf_conf_get(conf, "metrics.listen");
        if (listen && nf_metrics_listen_check(listen, errstr, errstr_size) ==
                          -1) {
                return -1;
        }

        /* processors: each name must be a registered processor, no repeats. */
        char def[256];
        default_processors(def, sizeof(def));
        if (!nf_conf_get(conf, "processors")) {
                nf_conf_set(conf, "processors", def);
        }
        const char *list = nf_conf_get(conf, "processors");
        char *copy = strdup(list);
        char *save = NULL;
        int r = 0;
        for (char *p = strtok_r(copy, ",", &save); p;
             p = strtok_r(NULL, ",", &save)) {
                if (!nf_processor_find(p)) {
                        snprintf(errstr, errstr_size,
                                 "processors: \"%s\" is not a processor "
                                 "(have: %s)",
                                 p, def);
                        r = -1;
                        break;
                }
        }
        free(copy);
        if (r == -1) {
                return -1;
        }

        nf_conf_apply_defaults(conf, nf_stage_keys);
        for (size_t i = 0; nf_processors[i]; i++) {
                nf_conf_apply_defaults(conf, nf_processors[i]->conf_keys);
        }
        /* Any record decode accepts may go to the DLQ as it came, so the
         * producer must take input.max.bytes plus headers; librdkafka's
         * default (1000000) would make a 2 MB bad record stop the stage
         * ("could not write to the DLQ"). The DLQ topic must accept it too
         * (max.message.bytes): set it as the input topic's. */
        if (!nf_conf_get(conf, "message.max.bytes") &&
            !nf_conf_get(conf, "producer.message.max.bytes")) {
                int64_t in = nf_conf_get_int(conf, "input.max.bytes", 0);
                char v[24];
                int64_t max = in + 65536;
                max = max < 1000000 ? 1000000 : max > 1000000000 ? 1000000000 : max;
                snprintf(v, sizeof(v), "%lld", (long long)max);
                nf_conf_set(conf, "producer.message.max.bytes", v);
        }
        return 0;
}

int nf_config_check_run(const nf_conf_t *conf, char *errstr,
                        size_t errstr_size)
{
        static const char *const required[] = {"bootstrap.servers",
                                               "input.topic", "output.topic"};
        for (size_t i = 0; i < 3; i++) {
                const char *v = nf_conf_get(conf, required[i]);
                if (!v || !*v) {
                        snprintf(errstr, errstr_size,
                                 "%s is required (-X %s=...)", required[i],
                                 required[i]);
                        return -1;
                }
        }
        const char *dlq = nf_conf_get(conf, "errors.deadletterqueue.topic.name");
        if ((!dlq || !*dlq) &&
            strcmp(nf_conf_get(conf, "errors.tolerance"), "none") != 0) {
                snprintf(errstr, errstr_size,
                         "no dead-letter topic: set "
                         "errors.deadletterqueue.topic.name, or "
                         "errors.tolerance=none to stop on the first bad "
                         "record");
                return -1;
        }
        if (dlq && strcmp(dlq, nf_conf_get(conf, "input.topic")) == 0) {
                snprintf(errstr, errstr_size,
                         "errors.deadletterqueue.topic.name must differ from "
                         "input.topic");
                return -1;
        }
        return 0;
}

rd_kafka_conf_t *nf_config_rdkafka(const nf_conf_t *conf, nf_client_t client,
                                   char *errstr, size_t errstr_size)
{
        rd_kafka_conf_t *rkc = rd_kafka_conf_new();
        /* Two passes: unprefixed keys first, then the client's prefixed keys,
         * so that `consumer.x` wins over `x`. */
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < nf_conf_count(conf); i++) {
                        const char *key = nf_conf_key_at(conf, i);
                        if (key_find(key)) {
                                continue;
                        }
                        const char *rest;
                        int c = client_prefix(key, &rest);
                        if (pass == 0) {
                                if (c != -1 ||
                                    (client == NF_CLIENT_PRODUCER &&
                                     matches_any(key, consumer_only)) ||
                                    (client == NF_CLIENT_CONSUMER &&
                                     matches_any(key, producer_only))) {
                                        continue;
                                }
                        } else if (c != (int)client) {
                                continue;
                        }
                        char msg[512];
                        if (rd_kafka_conf_set(rkc, rest,
                                              nf_conf_value_at(conf, i), msg,
                                              sizeof(msg)) !=
                            RD_KAFKA_CONF_OK) {
                                snprintf(errstr, errstr_size, "%s: %s", key,
                                         msg);
                                rd_kafka_conf_destroy(rkc);
                                return NULL;
                        }
                }
        }
        return rkc;
}

static void list_table(FILE *fp, const char *owner, const nf_conf_key_t *k)
{
        for (; k && k->name; k++) {
                char def[256];
                const char *d = k->def ? k->def : "";
                if (strcmp(k->name, "processors") == 0) {
                        default_processors(def, sizeof(def));
                        d = def;
                }
                fprintf(fp, "%-36s %-7s %-8s %-16s %s", k->name,
                        nf_conf_type_name(k->type), owner, *d ? d : "-",
                        k->desc);
                if (k->choices) {
                        fprintf(fp, " [%s]", k->choices);
                }
                fputc('\n', fp);
        }
}

void nf_config_list(FILE *fp)
{
        fprintf(fp, "%-36s %-7s %-8s %-16s %s\n", "KEY", "TYPE", "OWNER",
                "DEFAULT", "DESCRIPTION");
        list_table(fp, "stage", nf_stage_keys);
        for (size_t i = 0; nf_processors[i]; i++) {
                list_table(fp, nf_processors[i]->name,
                           nf_processors[i]->conf_keys);
        }
        fprintf(fp, "\nAny other key is a librdkafka property, passed to both "
                    "clients (prefix consumer. or producer. for one).\n");
}

void nf_config_dump(const nf_conf_t *conf, FILE *fp)
{
        for (size_t i = 0; i < nf_conf_count(conf); i++) {
                const char *k = nf_conf_key_at(conf, i);
                fprintf(fp, "%s=%s\n", k,
                        nf_conf_is_secret(k) ? "[redacted]"
                                             : nf_conf_value_at(conf, i));
        }
}
