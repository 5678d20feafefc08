/*
 * main.c — newsflow's command line.
 *
 *   newsflow run     [-c FILE] [-X key=value]...   Kafka mode
 *   newsflow process [-c FILE] [-X key=value]...   file mode: stdin -> stdout
 *   newsflow check   [-c FILE] [-X key=value]...   validate config and rules
 *   newsflow config  --list | [-c FILE] [-X ...]   list keys / show effective
 *   newsflow replay  --from POS [--to POS] [--topic T] [--output T] [...]
 *   newsflow redrive --from-dlq TOPIC [--filter K=V] [--to TOPIC] [...]
 *   newsflow version
 *
 * The config file uses the same key=value syntax as -X; -X wins. Only this
 * file prints usage errors and chooses the exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/log.h"
#include "processors/chain.h"
#include "stage/config.h"
#include "stage/filemode.h"
#include "stage/redrive.h"
#include "stage/replay.h"
#include "stage/run.h"

static void usage(FILE *fp)
{
        fprintf(fp,
                "usage: newsflow run     [-c FILE] [-X key=value]...\n"
                "       newsflow process [-c FILE] [-X key=value]... < in.jsonl > out.jsonl\n"
                "       newsflow check   [-c FILE] [-X key=value]...\n"
                "       newsflow config  --list | [-c FILE] [-X key=value]...\n"
                "       newsflow replay  --from POS [--to POS] [--topic T] [--output T]\n"
                "                        [-c FILE] [-X key=value]...\n"
                "       newsflow redrive --from-dlq TOPIC [--filter reason=VALUE] [--to TOPIC]\n"
                "                        [-c FILE] [-X key=value]...\n"
                "       newsflow version\n"
                "\n"
                "POS: a time (2026-11-27T17:00:00Z, or @EPOCH_MS), an offset for every\n"
                "partition, PARTITION:OFFSET[,...], beginning or end; --from inclusive,\n"
                "--to exclusive (default: the end at start).\n"
                "\n"
                "Keys: `newsflow config --list`; any other key is passed to "
                "librdkafka\n(prefix consumer. or producer. for one client).\n");
}

/* A subcommand's own "--name VALUE" options; NULL-terminated tables. */
typedef struct opt_s {
        const char *name;
        const char *value; /* NULL unless given */
} opt_t;

static opt_t replay_opts[] = {{"--from", NULL},
                              {"--to", NULL},
                              {"--topic", NULL},
                              {"--output", NULL},
                              {NULL, NULL}};
static opt_t redrive_opts[] = {
    {"--from-dlq", NULL}, {"--filter", NULL}, {"--to", NULL}, {NULL, NULL}};

static opt_t *opt_find(opt_t *opts, const char *name)
{
        for (; opts && opts->name; opts++) {
                if (strcmp(opts->name, name) == 0) {
                        return opts;
                }
        }
        return NULL;
}

static const char *opt(opt_t *opts, const char *name)
{
        return opt_find(opts, name)->value;
}

/* Builds the configuration from argv (after the subcommand). Returns NULL
 * after printing a message. *list is set when --list was given; options of
 * opts (may be NULL) get their values. */
static nf_conf_t *parse_args(int argc, char **argv, int *list, opt_t *opts)
{
        nf_conf_t *conf = nf_conf_new();
        nf_conf_t *cli = nf_conf_new();
        const char *file = NULL;
        char errstr[512];
        for (int i = 0; i < argc; i++) {
                const char *a = argv[i];
                opt_t *o = opt_find(opts, a);
                if (strcmp(a, "--list") == 0 && list) {
                        *list = 1;
                } else if (o && i + 1 < argc) {
                        o->value = argv[++i];
                } else if ((strcmp(a, "-c") == 0 || strcmp(a, "-X") == 0) &&
                           i + 1 < argc) {
                        if (a[1] == 'c') {
                                file = argv[++i];
                        } else if (nf_conf_set_kv(cli, argv[++i], errstr,
                                                  sizeof(errstr)) == -1) {
                                fprintf(stderr, "newsflow: -X %s: %s\n",
                                        argv[i], errstr);
                                goto fail;
                        }
                } else {
                        fprintf(stderr, "newsflow: unexpected argument \"%s\"\n\n", a);
                        usage(stderr);
                        goto fail;
                }
        }
        if (file && nf_conf_load_file(conf, file, 0, errstr, sizeof(errstr)) == -1) {
                fprintf(stderr, "newsflow: %s\n", errstr);
                goto fail;
        }
        for (size_t i = 0; i < nf_conf_count(cli); i++) {
                nf_conf_set(conf, nf_conf_key_at(cli, i), nf_conf_value_at(cli, i));
        }
        nf_conf_destroy(cli);
        return conf;
fail:
        nf_conf_destroy(cli);
        nf_conf_destroy(conf);
        return NULL;
}

static void setup_log(const nf_conf_t *conf)
{
        nf_log_setup((nf_log_level_t)nf_log_level_parse(nf_conf_get(conf, "log.level")),
                     strcmp(nf_conf_get(conf, "log.format"), "json") == 0
                         ? NF_LOG_JSON
                         : NF_LOG_LOGFMT);
}

/* `check`: everything `run` would build, without connecting. */
static int check(nf_conf_t *conf)
{
        char errstr[1024];
        int bad = 0;
        nf_chain_t *chain = nf_chain_new(conf, errstr, sizeof(errstr));
        if (!chain) {
                fprintf(stderr, "newsflow check: %s\n", errstr);
                bad = 1;
        }
        for (int c = 0; c < 2; c++) {
                rd_kafka_conf_t *rkc = nf_config_rdkafka(conf, (nf_client_t)c,
                                                         errstr, sizeof(errstr));
                if (!rkc) {
                        fprintf(stderr, "newsflow check: %s\n", errstr);
                        bad = 1;
                }
                rd_kafka_conf_destroy(rkc);
        }
        if (nf_conf_get(conf, "input.topic") &&
            nf_config_check_run(conf, errstr, sizeof(errstr)) == -1) {
                fprintf(stderr, "newsflow check: %s\n", errstr);
                bad = 1;
        }
        if (!bad) {
                printf("ok: processors=%s\n", nf_conf_get(conf, "processors"));
        }
        nf_chain_destroy(chain);
        return bad;
}

int main(int argc, char **argv)
{
        if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
                usage(argc < 2 ? stderr : stdout);
                return argc < 2 ? 2 : 0;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
                printf("newsflow %s (librdkafka %s)\n", NF_VERSION, rd_kafka_version_str());
                return 0;
        }
        if (strcmp(cmd, "run") && strcmp(cmd, "process") && strcmp(cmd, "check") &&
            strcmp(cmd, "config") && strcmp(cmd, "replay") && strcmp(cmd, "redrive")) {
                fprintf(stderr, "newsflow: unknown command \"%s\"\n\n", cmd);
                usage(stderr);
                return 2;
        }

        int list = 0;
        opt_t *opts = strcmp(cmd, "replay") == 0    ? replay_opts
                      : strcmp(cmd, "redrive") == 0 ? redrive_opts
                                                    : NULL;
        nf_conf_t *conf = parse_args(argc - 2, argv + 2,
                                     strcmp(cmd, "config") == 0 ? &list : NULL, opts);
        if (!conf) {
                return 2;
        }
        const char *required = opts == replay_opts    ? "--from"
                               : opts == redrive_opts ? "--from-dlq"
                                                      : NULL;
        if (required && !opt(opts, required)) {
                fprintf(stderr, "newsflow %s: %s is required\n\n", cmd, required);
                usage(stderr);
                nf_conf_destroy(conf);
                return 2;
        }
        if (opts == replay_opts) {
                /* --topic / --output stand for input.topic / output.topic */
                if (opt(opts, "--topic")) {
                        nf_conf_set(conf, "input.topic", opt(opts, "--topic"));
                }
                if (opt(opts, "--output")) {
                        nf_conf_set(conf, "output.topic", opt(opts, "--output"));
                }
        }
        if (list) {
                nf_config_list(stdout);
                nf_conf_destroy(conf);
                return 0;
        }
        char errstr[1024];
        if (nf_config_finish(conf, errstr, sizeof(errstr)) == -1) {
                fprintf(stderr, "newsflow: configuration error: %s\n", errstr);
                nf_conf_destroy(conf);
                return 1;
        }
        setup_log(conf);

        int rc;
        if (strcmp(cmd, "config") == 0) {
                nf_config_dump(conf, stdout);
                rc = 0;
        } else if (strcmp(cmd, "check") == 0) {
                rc = check(conf);
        } else if (strcmp(cmd, "process") == 0) {
                rc = nf_filemode_run(conf, stdin, stdout);
        } else if (opts == redrive_opts) {
                nf_redrive_opts_t ro = {.dlq = opt(opts, "--from-dlq"),
                                        .filter = opt(opts, "--filter"),
                                        .to = opt(opts, "--to")};
                rc = nf_redrive_run(conf, &ro);
        } else if (nf_config_check_run(conf, errstr, sizeof(errstr)) == -1) {
                fprintf(stderr, "newsflow: configuration error: %s\n", errstr);
                rc = 1;
        } else if (opts == replay_opts) {
                nf_replay_opts_t ro = {.from = opt(opts, "--from"),
                                       .to = opt(opts, "--to")};
                rc = nf_replay_run(conf, &ro);
        } else {
                rc = nf_run(conf);
        }
        nf_conf_destroy(conf);
        return rc;
}
