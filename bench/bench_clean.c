/*
 * bench_clean.c — throughput of the clean processor on scraped text, one
 * core. Not a test: it measures, it does not judge.
 *
 *   build/bench/bench_clean [-n ARTICLES] [-r RUNS] [-s STAGE] [RECORD.json
 * ...]
 *
 * With no files it cleans ARTICLES (default 2000) seed-shaped articles
 * generated from tests/fixtures/seed-article.txt: the seed's lines with the
 * body paragraphs rotated and the headline numbered, so that every article
 * differs but keeps the seed's shape (navigation, body twice, headline
 * twice, teaser, share line). With files, it cleans those records (one JSON
 * object per file), repeated until about 20 MB of text.
 *
 * Prints MB/s of input text and records/s for the whole process() call, and
 * for its two stages alone (nf_textnorm, nf_clean_text): the median of RUNS
 * (default 5) runs. Articles are copied before each run; only process() is
 * timed. -s 0|1|2 runs one stage only (process, textnorm, classifier), for
 * `valgrind --tool=callgrind`, whose instruction counts do not depend on
 * the machine's noise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "processors/clean_text.h"
#include "processors/processor.h"
#include "processors/textnorm.h"

extern const nf_processor_t nf_processor_clean;

typedef struct input_s {
        char **text;
        size_t n, cap, bytes;
} input_t;

static void add(input_t *in, char *text)
{
        if (in->n == in->cap) {
                in->cap = in->cap ? in->cap * 2 : 256;
                in->text = realloc(in->text, in->cap * sizeof(char *));
        }
        in->text[in->n++] = text;
        in->bytes += strlen(text);
}

static char *read_all(const char *path)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                perror(path);
                exit(2);
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)n + 1);
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
                perror(path);
                exit(2);
        }
        buf[n] = '\0';
        fclose(f);
        return buf;
}

/* Seed-shaped article number k: see the header comment. */
static char *generate(const char *seed, int k)
{
        const char *lines[128];
        size_t lens[128], n = 0;
        for (const char *p = seed; *p && n < 128;) {
                const char *nl = strchr(p, '\n');
                lens[n] = nl ? (size_t)(nl - p) : strlen(p);
                lines[n++] = p;
                p = nl ? nl + 1 : p + lens[n - 1];
        }
        /* The body: lines of 8+ words that occur exactly twice (once in
         * each copy); each copy is rotated by k. */
        size_t body[128], nb = 0;
        for (size_t i = 0; i < n; i++) {
                size_t words = 1, same = 0;
                for (size_t j = 0; j < lens[i]; j++) {
                        words += lines[i][j] == ' ';
                }
                for (size_t j = 0; j < n; j++) {
                        same += lens[j] == lens[i] &&
                                memcmp(lines[j], lines[i], lens[i]) == 0;
                }
                if (words >= 8 && same == 2) {
                        body[nb++] = i;
                }
        }
        if (nb == 0 || nb % 2) {
                fprintf(stderr, "the seed does not hold its body twice\n");
                exit(2);
        }
        size_t half = nb / 2;
        char *out = malloc(strlen(seed) + 64);
        size_t o = 0, bi = 0;
        for (size_t i = 0; i < n; i++) {
                size_t src = i;
                if (bi < nb && body[bi] == i) {
                        size_t copy = bi / half, idx = bi % half;
                        src = body[copy * half + (idx + (size_t)k) % half];
                        bi++;
                }
                memcpy(out + o, lines[src], lens[src]);
                o += lens[src];
                if (strncmp(lines[src], "Russia Agrees To", 16) == 0) {
                        o += (size_t)sprintf(out + o, " (%d)", k);
                }
                out[o++] = '\n';
        }
        out[o] = '\0';
        return out;
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

typedef enum { WHOLE, TEXTNORM, CLASSIFIER } stage_t;

/* One timed run of one stage over all inputs; returns seconds. */
static double run_once(stage_t stage, const input_t *in, void *self,
                       const nf_clean_rules_t *rules, size_t *rejected)
{
        nf_article_t **arts = NULL;
        char **norms = NULL;
        size_t *nlens = NULL;
        if (stage == WHOLE) {
                arts = malloc(in->n * sizeof(*arts));
                for (size_t i = 0; i < in->n; i++) {
                        arts[i] = nf_article_new();
                        nf_article_set(arts[i], NF_F_TEXT, in->text[i],
                                       strlen(in->text[i]));
                }
        } else if (stage == CLASSIFIER) {
                norms = malloc(in->n * sizeof(*norms));
                nlens = malloc(in->n * sizeof(*nlens));
                for (size_t i = 0; i < in->n; i++) {
                        norms[i] =
                            nf_textnorm(in->text[i], strlen(in->text[i]),
                                        NF_TEXTNORM_ENTITIES, &nlens[i], NULL);
                }
        }
        *rejected = 0;
        double t0 = now();
        for (size_t i = 0; i < in->n; i++) {
                if (stage == WHOLE) {
                        nf_outcome_t out;
                        nf_outcome_init(&out);
                        nf_processor_clean.process(self, arts[i], &out);
                        *rejected += out.verdict != NF_PASS;
                        nf_outcome_fini(&out);
                } else if (stage == TEXTNORM) {
                        free(nf_textnorm(in->text[i], strlen(in->text[i]),
                                         NF_TEXTNORM_ENTITIES, NULL, NULL));
                } else {
                        nf_clean_result_t res;
                        nf_clean_text(rules, NULL, norms[i], nlens[i], NULL,
                                      &res);
                        *rejected += res.status != NF_CLEAN_OK;
                        nf_clean_result_fini(&res);
                }
        }
        double dt = now() - t0;
        for (size_t i = 0; arts && i < in->n; i++) {
                nf_article_destroy(arts[i]);
        }
        for (size_t i = 0; norms && i < in->n; i++) {
                free(norms[i]);
        }
        free(arts);
        free(norms);
        free(nlens);
        return dt;
}

int main(int argc, char **argv)
{
        int articles = 2000, runs = 5, only = -1, opt;
        while ((opt = getopt(argc, argv, "n:r:s:")) != -1) {
                if (opt == 'n') {
                        articles = atoi(optarg);
                } else if (opt == 'r') {
                        runs = atoi(optarg);
                } else if (opt == 's') {
                        only = atoi(optarg);
                } else {
                        fprintf(stderr,
                                "usage: %s [-n ARTICLES] [-r RUNS] [-s STAGE] "
                                "[RECORD.json ...]\n",
                                argv[0]);
                        return 2;
                }
        }
        if (runs < 1 || runs > 99 || articles < 1) {
                fprintf(stderr, "bad -n or -r\n");
                return 2;
        }
        input_t in = {0};
        if (optind == argc) {
                char *seed = read_all("tests/fixtures/seed-article.txt");
                for (int k = 0; k < articles; k++) {
                        add(&in, generate(seed, k));
                }
                free(seed);
        } else {
                /* Each record's text, repeated to about 20 MB. */
                input_t files = {0};
                for (int i = optind; i < argc; i++) {
                        char *buf = read_all(argv[i]);
                        json_error_t jerr;
                        json_t *o = json_loads(buf, 0, &jerr);
                        free(buf);
                        const char *t =
                            json_string_value(json_object_get(o, "text"));
                        if (t) {
                                add(&files, strdup(t));
                        }
                        json_decref(o);
                }
                if (files.n == 0) {
                        fprintf(stderr, "no record with a text field\n");
                        return 2;
                }
                while (in.bytes < 20u << 20) {
                        for (size_t i = 0; i < files.n; i++) {
                                add(&in, strdup(files.text[i]));
                        }
                }
                for (size_t i = 0; i < files.n; i++) {
                        free(files.text[i]);
                }
                free(files.text);
        }

        nf_conf_t *conf = nf_conf_new();
        nf_conf_apply_defaults(conf, nf_processor_clean.conf_keys);
        char err[512];
        void *self = nf_processor_clean.create(conf, err, sizeof(err));
        nf_clean_rules_t *rules = nf_clean_rules_new(NULL, err, sizeof(err));
        if (!self || !rules) {
                fprintf(stderr, "create: %s\n", err);
                return 1;
        }
        printf("clean: %zu articles, %.1f MB of text (%.1f KB each), median of "
               "%d runs\n",
               in.n, (double)in.bytes / 1e6,
               (double)in.bytes / 1e3 / (double)in.n, runs);
        static const char *const names[] = {
            "clean process()", "  textnorm alone", "  classifier alone"};
        for (int stage = WHOLE; stage <= CLASSIFIER; stage++) {
                if (only >= 0 && stage != only) {
                        continue;
                }
                double t[99];
                size_t rejected = 0;
                for (int r = 0; r < runs; r++) {
                        t[r] = run_once((stage_t)stage, &in, self, rules,
                                        &rejected);
                }
                qsort(t, (size_t)runs, sizeof(double), cmp_double);
                double med = t[runs / 2];
                printf("%-20s %8.1f MB/s %10.0f records/s  (min %.3f s, median "
                       "%.3f s, "
                       "max %.3f s; %zu rejected)\n",
                       names[stage], (double)in.bytes / 1e6 / med,
                       (double)in.n / med, t[0], med, t[runs - 1], rejected);
        }
        nf_clean_rules_destroy(rules);
        nf_processor_clean.destroy(self);
        nf_conf_destroy(conf);
        for (size_t i = 0; i < in.n; i++) {
                free(in.text[i]);
        }
        free(in.text);
        return 0;
}
