/*
 * kafka_mock.c — build/kafka-mock: a standalone Kafka broker for tests and
 * the demo, built on librdkafka's mock cluster (rdkafka_mock.h).
 *
 *   kafka-mock [-b BROKERS] [-t TOPIC:PARTITIONS]...
 *
 * Prints the bootstrap servers as its first stdout line, then serves over
 * TCP on 127.0.0.1 until SIGTERM/SIGINT. Clients run as separate processes,
 * exactly as against a real cluster. See KAFKA-MOCK.md for what the mock
 * does and does not do (no compaction, no admin API, ~5 MiB retention per
 * partition).
 *
 * Faults are injected by commands on stdin, one per line, each answered by
 * one stdout line "ok" or "error: <why>":
 *   topic NAME PARTITIONS            create a topic
 *   down BROKER | up BROKER          broker down/up (-1: all); no leader move
 *   rtt BROKER MS                    delay every response of a broker
 *   errors API ERR [ERR...]          the next requests of API fail, in order
 *   broker-errors BROKER API ERR [ERR...]   the same, on one broker only
 *   pending BROKER API               "ok N": errors still queued on BROKER
 *   clear API                        drop API's queued errors
 *   leader TOPIC FIRST[-LAST] BROKER move partition leadership
 *   topic-error TOPIC ERR            Metadata/AddPartitionsToTxn error
 *   coordinator group|transaction KEY BROKER
 * API is a name (Produce, Fetch, OffsetCommit, InitProducerId, EndTxn, ...)
 * or a number; ERR a librdkafka error name (NOT_LEADER_FOR_PARTITION,
 * REQUEST_TIMED_OUT, _TRANSPORT to drop the connection, ...) or a number.
 * At EOF on stdin the broker keeps serving.
 */
#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static volatile sig_atomic_t run_flag = 1;

static void on_signal(int sig)
{
        (void)sig;
        run_flag = 0;
}

static const struct {
        const char *name;
        int16_t key;
} apis[] = {{"Produce", 0},
            {"Fetch", 1},
            {"ListOffsets", 2},
            {"Metadata", 3},
            {"OffsetCommit", 8},
            {"OffsetFetch", 9},
            {"FindCoordinator", 10},
            {"JoinGroup", 11},
            {"Heartbeat", 12},
            {"LeaveGroup", 13},
            {"SyncGroup", 14},
            {"InitProducerId", 22},
            {"AddPartitionsToTxn", 24},
            {"AddOffsetsToTxn", 25},
            {"EndTxn", 26},
            {"TxnOffsetCommit", 28},
            {NULL, 0}};

static int parse_api(const char *s, int16_t *key)
{
        for (int i = 0; apis[i].name; i++) {
                if (strcasecmp(s, apis[i].name) == 0) {
                        *key = apis[i].key;
                        return 0;
                }
        }
        char *end;
        long v = strtol(s, &end, 10);
        if (*s && !*end && v >= 0 && v < 100) {
                *key = (int16_t)v;
                return 0;
        }
        return -1;
}

static int parse_err(const char *s, rd_kafka_resp_err_t *err)
{
        const struct rd_kafka_err_desc *descs;
        size_t n;
        rd_kafka_get_err_descs(&descs, &n);
        for (size_t i = 0; i < n; i++) {
                if (descs[i].name && strcasecmp(s, descs[i].name) == 0) {
                        *err = descs[i].code;
                        return 0;
                }
        }
        char *end;
        long v = strtol(s, &end, 10);
        if (*s && !*end) {
                *err = (rd_kafka_resp_err_t)v;
                return 0;
        }
        return -1;
}

/* Runs one command line; writes the reply into reply. */
static void command(rd_kafka_mock_cluster_t *mc, char *line, char *reply,
                    size_t size)
{
        char *argv[64];
        int argc = 0;
        for (char *save, *t = strtok_r(line, " \t\r\n", &save); t && argc < 64;
             t = strtok_r(NULL, " \t\r\n", &save)) {
                argv[argc++] = t;
        }
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        int16_t api;
        snprintf(reply, size, "ok");
        if (argc == 0) {
                snprintf(reply, size, "error: empty command");
        } else if (!strcmp(argv[0], "topic") && argc == 3) {
                err = rd_kafka_mock_topic_create(mc, argv[1], atoi(argv[2]), 1);
        } else if (!strcmp(argv[0], "down") && argc == 2) {
                err = rd_kafka_mock_broker_set_down(mc, atoi(argv[1]));
        } else if (!strcmp(argv[0], "up") && argc == 2) {
                err = rd_kafka_mock_broker_set_up(mc, atoi(argv[1]));
        } else if (!strcmp(argv[0], "rtt") && argc == 3) {
                err = rd_kafka_mock_broker_set_rtt(mc, atoi(argv[1]),
                                                   atoi(argv[2]));
        } else if (!strcmp(argv[0], "errors") && argc >= 3) {
                rd_kafka_resp_err_t errs[62];
                if (parse_api(argv[1], &api) == -1) {
                        snprintf(reply, size, "error: unknown API %s", argv[1]);
                        return;
                }
                for (int i = 2; i < argc; i++) {
                        if (parse_err(argv[i], &errs[i - 2]) == -1) {
                                snprintf(reply, size, "error: unknown error %s",
                                         argv[i]);
                                return;
                        }
                }
                rd_kafka_mock_push_request_errors_array(mc, api,
                                                        (size_t)argc - 2, errs);
        } else if (!strcmp(argv[0], "broker-errors") && argc >= 4) {
                if (parse_api(argv[2], &api) == -1) {
                        snprintf(reply, size, "error: unknown API %s", argv[2]);
                        return;
                }
                for (int i = 3; i < argc && !err; i++) {
                        rd_kafka_resp_err_t e;
                        if (parse_err(argv[i], &e) == -1) {
                                snprintf(reply, size, "error: unknown error %s",
                                         argv[i]);
                                return;
                        }
                        /* one at a time: the call is variadic */
                        err = rd_kafka_mock_broker_push_request_error_rtts(
                            mc, atoi(argv[1]), api, 1, e, 0);
                }
        } else if (!strcmp(argv[0], "pending") && argc == 3) {
                size_t cnt = 0;
                if (parse_api(argv[2], &api) == -1) {
                        snprintf(reply, size, "error: unknown API %s", argv[2]);
                        return;
                }
                err = rd_kafka_mock_broker_error_stack_cnt(mc, atoi(argv[1]),
                                                           api, &cnt);
                snprintf(reply, size, "ok %zu", cnt);
        } else if (!strcmp(argv[0], "leader") && argc == 4) {
                char *dash = strchr(argv[2], '-');
                int first = atoi(argv[2]), last = dash ? atoi(dash + 1) : first;
                for (int p = first; p <= last && !err; p++) {
                        err = rd_kafka_mock_partition_set_leader(
                            mc, argv[1], p, atoi(argv[3]));
                }
        } else if (!strcmp(argv[0], "clear") && argc == 2) {
                if (parse_api(argv[1], &api) == -1) {
                        snprintf(reply, size, "error: unknown API %s", argv[1]);
                        return;
                }
                rd_kafka_mock_clear_request_errors(mc, api);
        } else if (!strcmp(argv[0], "topic-error") && argc == 3) {
                if (parse_err(argv[2], &err) == -1) {
                        snprintf(reply, size, "error: unknown error %s",
                                 argv[2]);
                        return;
                }
                rd_kafka_mock_topic_set_error(mc, argv[1], err);
                err = RD_KAFKA_RESP_ERR_NO_ERROR;
        } else if (!strcmp(argv[0], "coordinator") && argc == 4) {
                err = rd_kafka_mock_coordinator_set(mc, argv[1], argv[2],
                                                    atoi(argv[3]));
        } else {
                snprintf(reply, size, "error: unknown command or arguments: %s",
                         argv[0]);
                return;
        }
        if (err) {
                snprintf(reply, size, "error: %s", rd_kafka_err2str(err));
        }
}

static void usage(void)
{
        fprintf(stderr,
                "usage: kafka-mock [-b BROKERS] [-t TOPIC:PARTITIONS]...\n"
                "Prints the bootstrap servers, then serves until SIGTERM; "
                "reads fault commands on stdin (see the source header).\n");
        exit(2);
}

int main(int argc, char **argv)
{
        int brokers = 1;
        char *topics[256];
        int ntopics = 0, opt;
        while ((opt = getopt(argc, argv, "b:t:h")) != -1) {
                if (opt == 'b') {
                        brokers = atoi(optarg);
                } else if (opt == 't' && ntopics < 256) {
                        topics[ntopics++] = optarg;
                } else {
                        usage();
                }
        }
        if (brokers < 1 || optind != argc) {
                usage();
        }

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal; /* no SA_RESTART: poll() wakes up */
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        /* The mock cluster needs a client handle for its bookkeeping; this
         * producer never connects anywhere. */
        char errstr[512];
        rd_kafka_conf_t *rkc = rd_kafka_conf_new();
        rd_kafka_conf_set(rkc, "log_level", "3", NULL, 0);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, rkc, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "kafka-mock: cannot create the mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        for (int i = 0; i < ntopics; i++) {
                char *colon = strrchr(topics[i], ':');
                int parts = colon ? atoi(colon + 1) : 0;
                if (!colon || parts < 1) {
                        fprintf(stderr,
                                "kafka-mock: -t %s: expected "
                                "TOPIC:PARTITIONS\n",
                                topics[i]);
                        return 2;
                }
                *colon = '\0';
                rd_kafka_resp_err_t err =
                    rd_kafka_mock_topic_create(mc, topics[i], parts, 1);
                if (err) {
                        fprintf(stderr, "kafka-mock: topic %s: %s\n", topics[i],
                                rd_kafka_err2str(err));
                        return 1;
                }
        }
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        /* Serve: the cluster runs on its own threads; this one reads
         * commands until a signal. */
        int stdin_open = 1;
        char line[4096], reply[512];
        size_t len = 0;
        while (run_flag) {
                struct pollfd pfd = {.fd = 0, .events = POLLIN};
                int n = poll(&pfd, stdin_open ? 1 : 0, 500);
                if (n <= 0 || !(pfd.revents & (POLLIN | POLLHUP))) {
                        continue;
                }
                ssize_t got = read(0, line + len, sizeof(line) - 1 - len);
                if (got <= 0) {
                        stdin_open = 0;
                        continue;
                }
                len += (size_t)got;
                char *nl;
                while ((nl = memchr(line, '\n', len))) {
                        *nl = '\0';
                        size_t used = (size_t)(nl - line) + 1;
                        command(mc, line, reply, sizeof(reply));
                        printf("%s\n", reply);
                        fflush(stdout);
                        memmove(line, nl + 1, len - used);
                        len -= used;
                }
                if (len == sizeof(line) - 1) {
                        len = 0; /* an overlong line: dropped */
                }
        }
        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
