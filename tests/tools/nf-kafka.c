/*
 * nf-kafka.c — the test and demo driver: a small Kafka client for shell
 * scripts (a kcat for exactly what newsflow's tests need, with JSON output
 * they can parse).
 *
 *   nf-kafka produce -b BROKERS -t TOPIC [-f FILE] [-k] [-p PART] [-H k=v]...
 *       One message per line of FILE (default stdin); empty lines are
 *       skipped. -k: the line is KEY<TAB>VALUE. Exits 0 when every message
 *       was acknowledged.
 *   nf-kafka produce -b BROKERS -t TOPIC -r FILE...
 *       Raw: each FILE is one message, its bytes untouched (NUL, line
 *       breaks, nothing at all), keyed by the file's base name.
 *   nf-kafka consume -b BROKERS -t TOPIC [-n N] [-e] [-V] [-T MS]
 *       Reads every partition from the beginning (no group) and prints one
 *       JSON line per message: {"partition","offset","key","value",
 *       "headers":{...}} ("value_hex"/"key_hex" when not UTF-8), or with
 *       -V the raw value alone. Stops
 *       after N messages (-n), or at the end of every partition (-e), or at
 *       the deadline (-T, default 30000 ms): exit 1 if that came first.
 *   nf-kafka offsets -b BROKERS -t TOPIC -g GROUP
 *       Prints "partition P committed C end E" per partition and a total
 *       line "committed C end E"; exits 0 iff every partition's committed
 *       offset equals its end offset (an empty partition counts as equal).
 *   nf-kafka pretty
 *       Pretty-prints the first JSON value on stdin (2-space indent).
 *   -X key=value passes a librdkafka property to any client subcommand.
 */
#include <errno.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PARTS 1024

static const char *brokers, *topic, *group, *file;
static int raw = 0, keyed = 0, npairs = 0, nx = 0, until_eof = 0, values_only = 0;
static int32_t partition = RD_KAFKA_PARTITION_UA;
static long count = -1, timeout_ms = 30000;
static char *hdrs[64], *xprops[64];

static void die(const char *fmt, const char *arg)
{
        fprintf(stderr, "nf-kafka: ");
        fprintf(stderr, fmt, arg);
        fputc('\n', stderr);
        exit(2);
}

static long now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static rd_kafka_conf_t *base_conf(void)
{
        char err[512];
        rd_kafka_conf_t *rkc = rd_kafka_conf_new();
        if (rd_kafka_conf_set(rkc, "bootstrap.servers", brokers, err,
                              sizeof(err)) != RD_KAFKA_CONF_OK) {
                die("%s", err);
        }
        for (int i = 0; i < nx; i++) {
                char *eq = strchr(xprops[i], '=');
                if (!eq) {
                        die("-X %s: expected key=value", xprops[i]);
                }
                *eq = '\0';
                if (rd_kafka_conf_set(rkc, xprops[i], eq + 1, err,
                                      sizeof(err)) != RD_KAFKA_CONF_OK) {
                        die("%s", err);
                }
                *eq = '=';
        }
        return rkc;
}

static rd_kafka_t *client(rd_kafka_type_t type, rd_kafka_conf_t *rkc)
{
        char err[512];
        rd_kafka_t *rk = rd_kafka_new(type, rkc, err, sizeof(err));
        if (!rk) {
                die("%s", err);
        }
        return rk;
}

/* Partition count of topic, from metadata. */
static int partitions_of(rd_kafka_t *rk)
{
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        const rd_kafka_metadata_t *md = NULL;
        int n = -1;
        long deadline = now_ms() + timeout_ms;
        while (n <= 0 && now_ms() < deadline) {
                if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) ==
                    RD_KAFKA_RESP_ERR_NO_ERROR) {
                        if (md->topic_cnt == 1 && !md->topics[0].err) {
                                n = md->topics[0].partition_cnt;
                        }
                        rd_kafka_metadata_destroy(md);
                }
        }
        rd_kafka_topic_destroy(rkt);
        if (n <= 0) {
                die("no metadata for topic %s", topic);
        }
        return n;
}

/* ---- produce ---- */

static int delivered, failed;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
        if (rkm->err) {
                failed++;
                fprintf(stderr, "nf-kafka: delivery failed: %s\n",
                        rd_kafka_err2str(rkm->err));
        } else {
                delivered++;
        }
}

/* Produces one message (copied), waiting while the queue is full. */
static void produce_one(rd_kafka_t *rk, const char *key, size_t klen,
                        const char *value, size_t vlen)
{
        rd_kafka_headers_t *h = NULL;
        if (npairs) {
                h = rd_kafka_headers_new((size_t)npairs);
                for (int i = 0; i < npairs; i++) {
                        char *eq = strchr(hdrs[i], '=');
                        rd_kafka_header_add(h, hdrs[i], eq ? eq - hdrs[i] : -1,
                                            eq ? eq + 1 : NULL, eq ? -1 : 0);
                }
        }
        rd_kafka_resp_err_t err;
        for (;;) {
                err = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                    RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE((void *)value, vlen),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_END);
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                        break;
                }
                rd_kafka_poll(rk, 100);
        }
        if (err) {
                die("produce: %s", rd_kafka_err2str(err));
        }
        rd_kafka_poll(rk, 0);
}

/* -r: each file is one message keyed by its base name. */
static int produce_files(rd_kafka_t *rk, char **files, int nfiles)
{
        int sent = 0;
        for (int i = 0; i < nfiles; i++) {
                FILE *f = fopen(files[i], "rb");
                if (!f) {
                        die("cannot open %s", files[i]);
                }
                fseek(f, 0, SEEK_END);
                long n = ftell(f);
                fseek(f, 0, SEEK_SET);
                char *buf = malloc((size_t)n + 1);
                if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
                        die("cannot read %s", files[i]);
                }
                fclose(f);
                const char *base = strrchr(files[i], '/');
                base = base ? base + 1 : files[i];
                produce_one(rk, base, strlen(base), buf, (size_t)n);
                free(buf);
                sent++;
        }
        return sent;
}

static int cmd_produce(char **files, int nfiles)
{
        rd_kafka_conf_t *rkc = base_conf();
        rd_kafka_conf_set(rkc, "enable.idempotence", "true", NULL, 0);
        rd_kafka_conf_set_dr_msg_cb(rkc, dr_cb);
        rd_kafka_t *rk = client(RD_KAFKA_PRODUCER, rkc);
        int sent = 0;
        if (raw) {
                sent = produce_files(rk, files, nfiles);
                goto flush;
        }
        FILE *in = file ? fopen(file, "rb") : stdin;
        if (!in) {
                die("cannot open %s", file);
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, in)) != -1) {
                if (len > 0 && line[len - 1] == '\n') {
                        line[--len] = '\0';
                }
                if (len == 0) {
                        continue;
                }
                char *key = NULL, *value = line;
                size_t klen = 0;
                if (keyed) {
                        char *tab = memchr(line, '\t', (size_t)len);
                        if (tab) {
                                key = line;
                                klen = (size_t)(tab - line);
                                value = tab + 1;
                        }
                }
                produce_one(rk, key, klen, value,
                            (size_t)len - (size_t)(value - line));
                sent++;
        }
        free(line);
        if (in != stdin) {
                fclose(in);
        }
flush:
        rd_kafka_flush(rk, (int)timeout_ms);
        rd_kafka_destroy(rk);
        fprintf(stderr, "nf-kafka: produced %d of %d to %s\n", delivered, sent,
                topic);
        return delivered == sent && !failed ? 0 : 1;
}

/* ---- consume ---- */

static json_t *bytes(const void *p, size_t n, const char *name, json_t *o,
                     const char *hexname)
{
        if (!p) {
                json_object_set_new(o, name, json_null());
                return o;
        }
        json_t *s = json_stringn(p, n);
        if (s) {
                json_object_set_new(o, name, s);
                return o;
        }
        char *hex = malloc(n * 2 + 1);
        for (size_t i = 0; i < n; i++) {
                sprintf(hex + 2 * i, "%02x", ((const unsigned char *)p)[i]);
        }
        hex[2 * n] = '\0';
        json_object_set_new(o, hexname, json_string(hex));
        free(hex);
        return o;
}

static void print_message(const rd_kafka_message_t *rkm)
{
        if (values_only) {
                fwrite(rkm->payload, 1, rkm->len, stdout);
                putchar('\n');
                return;
        }
        json_t *o = json_object();
        json_object_set_new(o, "partition", json_integer(rkm->partition));
        json_object_set_new(o, "offset", json_integer(rkm->offset));
        bytes(rkm->key, rkm->key_len, "key", o, "key_hex");
        bytes(rkm->payload, rkm->len, "value", o, "value_hex");
        json_t *h = json_object();
        rd_kafka_headers_t *hs = NULL;
        if (!rd_kafka_message_headers(rkm, &hs)) {
                const char *name;
                const void *val;
                size_t size;
                for (size_t i = 0;
                     !rd_kafka_header_get_all(hs, i, &name, &val, &size); i++) {
                        json_t *s = val ? json_stringn(val, size) : json_null();
                        json_object_set_new(h, name, s ? s : json_null());
                }
        }
        json_object_set_new(o, "headers", h);
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(line);
        free(line);
        json_decref(o);
}

static int cmd_consume(void)
{
        rd_kafka_conf_t *rkc = base_conf();
        rd_kafka_conf_set(rkc, "group.id", "nf-kafka-reader", NULL, 0);
        rd_kafka_conf_set(rkc, "enable.auto.commit", "false", NULL, 0);
        rd_kafka_conf_set(rkc, "enable.partition.eof", "true", NULL, 0);
        rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, rkc);
        rd_kafka_poll_set_consumer(rk);
        int n = partitions_of(rk);
        if (n > MAX_PARTS) {
                die("%s: too many partitions", topic);
        }
        rd_kafka_topic_partition_list_t *parts =
            rd_kafka_topic_partition_list_new(n);
        for (int i = 0; i < n; i++) {
                rd_kafka_topic_partition_list_add(parts, topic, i)->offset =
                    RD_KAFKA_OFFSET_BEGINNING;
        }
        rd_kafka_assign(rk, parts);
        rd_kafka_topic_partition_list_destroy(parts);

        static char at_eof[MAX_PARTS];
        int eofs = 0;
        long got = 0, deadline = now_ms() + timeout_ms;
        int done = 0;
        while (!done && now_ms() < deadline) {
                rd_kafka_message_t *rkm = rd_kafka_consumer_poll(rk, 100);
                if (!rkm) {
                        continue;
                }
                if (rkm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                        if (!at_eof[rkm->partition]) {
                                at_eof[rkm->partition] = 1;
                                eofs++;
                        }
                        done = until_eof && eofs == n;
                } else if (rkm->err) {
                        fprintf(stderr, "nf-kafka: %s\n",
                                rd_kafka_message_errstr(rkm));
                } else {
                        if (at_eof[rkm->partition]) {
                                at_eof[rkm->partition] = 0;
                                eofs--;
                        }
                        print_message(rkm);
                        got++;
                        done = count >= 0 && got >= count;
                }
                rd_kafka_message_destroy(rkm);
        }
        fflush(stdout);
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
        if (!done && (count >= 0 || until_eof)) {
                fprintf(stderr, "nf-kafka: deadline: %ld messages from %s\n",
                        got, topic);
                return 1;
        }
        return 0;
}

/* ---- offsets ---- */

static int cmd_offsets(void)
{
        if (!group) {
                die("%s", "offsets needs -g GROUP");
        }
        rd_kafka_conf_t *rkc = base_conf();
        rd_kafka_conf_set(rkc, "group.id", group, NULL, 0);
        rd_kafka_conf_set(rkc, "enable.auto.commit", "false", NULL, 0);
        rd_kafka_t *rk = client(RD_KAFKA_CONSUMER, rkc);
        int n = partitions_of(rk);
        rd_kafka_topic_partition_list_t *parts =
            rd_kafka_topic_partition_list_new(n);
        for (int i = 0; i < n; i++) {
                rd_kafka_topic_partition_list_add(parts, topic, i);
        }
        rd_kafka_resp_err_t err = rd_kafka_committed(rk, parts, 10000);
        if (err) {
                die("committed: %s", rd_kafka_err2str(err));
        }
        int equal = 1;
        long long tc = 0, te = 0;
        for (int i = 0; i < n; i++) {
                int64_t lo, hi;
                err = rd_kafka_query_watermark_offsets(rk, topic, i, &lo, &hi,
                                                       10000);
                if (err) {
                        die("watermarks: %s", rd_kafka_err2str(err));
                }
                int64_t c = parts->elems[i].offset;
                printf("partition %d committed %lld end %lld\n", i,
                       (long long)c, (long long)hi);
                tc += c < 0 ? 0 : c;
                te += hi;
                if (!(c == hi || (c < 0 && hi == lo))) {
                        equal = 0;
                }
        }
        printf("committed %lld end %lld\n", tc, te);
        rd_kafka_topic_partition_list_destroy(parts);
        rd_kafka_destroy(rk);
        return equal ? 0 : 1;
}

static int cmd_pretty(void)
{
        json_error_t jerr;
        json_t *v = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &jerr);
        if (!v) {
                die("pretty: %s", jerr.text);
        }
        json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(v);
        return 0;
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                die("%s", "usage: nf-kafka produce|consume|offsets|pretty "
                          "[options] (see tests/tools/nf-kafka.c)");
        }
        const char *cmd = argv[1];
        int opt;
        optind = 2;
        while ((opt = getopt(argc, argv, "b:t:g:f:kp:H:n:eVT:X:r")) != -1) {
                if (opt == 'b') {
                        brokers = optarg;
                } else if (opt == 't') {
                        topic = optarg;
                } else if (opt == 'g') {
                        group = optarg;
                } else if (opt == 'f') {
                        file = optarg;
                } else if (opt == 'r') {
                        raw = 1;
                } else if (opt == 'k') {
                        keyed = 1;
                } else if (opt == 'p') {
                        partition = atoi(optarg);
                } else if (opt == 'H' && npairs < 64) {
                        hdrs[npairs++] = optarg;
                } else if (opt == 'n') {
                        count = atol(optarg);
                } else if (opt == 'V') {
                        values_only = 1;
                } else if (opt == 'e') {
                        until_eof = 1;
                } else if (opt == 'T') {
                        timeout_ms = atol(optarg);
                } else if (opt == 'X' && nx < 64) {
                        xprops[nx++] = optarg;
                } else {
                        exit(2);
                }
        }
        if (strcmp(cmd, "pretty") == 0) {
                return cmd_pretty();
        }
        if (!brokers || !topic) {
                die("%s", "-b BROKERS and -t TOPIC are required");
        }
        if (strcmp(cmd, "produce") == 0) {
                return cmd_produce(argv + optind, argc - optind);
        }
        if (strcmp(cmd, "consume") == 0) {
                return cmd_consume();
        }
        if (strcmp(cmd, "offsets") == 0) {
                return cmd_offsets();
        }
        die("unknown subcommand %s", cmd);
        return 2;
}
