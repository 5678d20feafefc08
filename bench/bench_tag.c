/*
 * bench_tag.c — speed of the tag engine on one core.
 *
 *   build/bench/bench_tag [-n RUNS] [CORPUS.jsonl]
 *   build/bench/bench_tag -i [CORPUS.jsonl]   (for callgrind: tag the corpus
 *                                               10 times, print the bytes)
 *   build/bench/bench_tag -g N                 (for callgrind: tag the scaling
 *                                               text with N synthetic aliases)
 *
 * 1. Throughput (MB/s of title+text) with the shipped rules, language given
 *    (the engine alone) and with libexttextcat identification on top.
 * 2. Scaling: synthetic gazetteers of 1,000 and 10,000 aliases (1-3
 *    pseudo-words each) tagged over the same text; the slowdown 1k -> 10k.
 * 3. Baselines on the same 1k/10k alias sets: one PCRE2 JIT regex per alias
 *    (\bALIAS\b, each scanned over the text) and one big alternation
 *    \b(?:a|b|...)\b, to set the word-level first pass against them.
 * Each figure is the median of RUNS runs (default 5); the machine is noisy.
 * The corpus defaults to tests/fixtures/tag/eval.jsonl plus the seed.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "processors/langid.h"
#include "processors/tag_engine.h"

typedef struct doc_s {
        char *title, *text;
        size_t bytes;
} doc_t;

static doc_t *docs;
static size_t ndocs, corpus_bytes;
static int runs = 5;

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

/* Best run of the last median() call: on a shared machine the fastest run
 * is the closest to an uncontended core. */
static double last_best;

static double median(double *v, int n)
{
        qsort(v, (size_t)n, sizeof(double), cmp_d);
        last_best = v[n - 1];
        return v[n / 2];
}

static void add_doc(const char *title, const char *text)
{
        docs = realloc(docs, (ndocs + 1) * sizeof(*docs));
        docs[ndocs].title = title ? strdup(title) : NULL;
        docs[ndocs].text = strdup(text ? text : "");
        docs[ndocs].bytes = (title ? strlen(title) : 0) + strlen(docs[ndocs].text);
        corpus_bytes += docs[ndocs].bytes;
        ndocs++;
}

static void load_corpus(const char *path)
{
        FILE *f = fopen(path, "r");
        if (!f) {
                perror(path);
                exit(1);
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) > 0) {
                json_t *d = json_loadb(line, (size_t)n, 0, NULL);
                if (!d) {
                        continue;
                }
                add_doc(json_string_value(json_object_get(d, "title")),
                        json_string_value(json_object_get(d, "text")));
                json_decref(d);
        }
        free(line);
        fclose(f);
}

static nf_tag_engine_t *engine_from(const char *const *paths, size_t n)
{
        char err[1024];
        nf_tag_rules_t *r = nf_tag_rules_load(paths, n, NULL, err, sizeof(err));
        if (!r) {
                fprintf(stderr, "bench_tag: %s\n", err);
                exit(1);
        }
        return nf_tag_engine_new(r, NULL);
}

/* MB/s of one pass over the corpus (repeated to at least min_bytes). */
static double engine_mbs(nf_tag_engine_t *eng, nf_langid_t *li,
                         size_t min_bytes)
{
        double t[32];
        for (int r = 0; r < runs; r++) {
                size_t done = 0;
                double t0 = now();
                while (done < min_bytes) {
                        for (size_t i = 0; i < ndocs; i++) {
                                char code[16];
                                if (li) {
                                        nf_langid_detect(li, docs[i].text,
                                                         strlen(docs[i].text),
                                                         1000, code,
                                                         sizeof(code));
                                }
                                json_t *tags = nf_tag_engine_tag(
                                    eng, docs[i].title, docs[i].text, "en", 0);
                                json_decref(tags);
                                done += docs[i].bytes;
                        }
                }
                t[r] = (double)done / 1e6 / (now() - t0);
        }
        return median(t, runs);
}

/* ---- synthetic gazetteers ----------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        return (uint32_t)rng;
}

static void pseudo_word(char *out)
{
        static const char *const syl[] = {"ka", "lo", "ri", "ban", "tor", "me",
                                          "vis", "zan", "qu", "el", "dor",
                                          "fin", "gra", "hul", "jex", "mok",
                                          "nup", "ops", "pra", "sil"};
        int n = 2 + (int)(rnd() % 3);
        out[0] = '\0';
        for (int i = 0; i < n; i++) {
                strcat(out, syl[rnd() % 20]);
        }
        out[0] = (char)(out[0] - 'a' + 'A');
}

/* Writes a rule file of n aliases (n/4 entries, 4 aliases each) and fills
 * names[] with the aliases. */
static void write_gazetteer(const char *path, size_t n, char (*names)[64])
{
        json_t *entries = json_array();
        json_t *e = NULL, *al = NULL;
        for (size_t i = 0; i < n; i++) {
                char w[3][24];
                int nw = 1 + (int)(rnd() % 3);
                names[i][0] = '\0';
                for (int k = 0; k < nw; k++) {
                        pseudo_word(w[k]);
                        if (k) {
                                strcat(names[i], " ");
                        }
                        strcat(names[i], w[k]);
                }
                if (i % 4 == 0) {
                        e = json_object();
                        al = json_array();
                        json_object_set_new(e, "name", json_string(names[i]));
                        json_object_set_new(e, "name_alias", json_false());
                        json_object_set_new(e, "aliases", al);
                        json_array_append_new(entries, e);
                }
                json_array_append_new(al, json_string(names[i]));
        }
        json_t *root = json_pack("{s:s,s:s,s:o}", "format", "newsflow-rules/1",
                                 "category", "organizations", "entries",
                                 entries);
        json_dump_file(root, path, JSON_COMPACT);
        json_decref(root);
}

/* The text for the scaling runs: the corpus with one alias of the set
 * inserted every ~500 bytes, so matches happen at a realistic rate. */
static char *scaling_text(char (*names)[64], size_t n, size_t *len)
{
        size_t cap = corpus_bytes * 2 + 1, o = 0;
        char *buf = malloc(cap);
        for (size_t i = 0; i < ndocs; i++) {
                const char *s = docs[i].text;
                size_t l = strlen(s);
                for (size_t p = 0; p < l; p += 500) {
                        size_t chunk = l - p < 500 ? l - p : 500;
                        memcpy(buf + o, s + p, chunk);
                        o += chunk;
                        const char *a = names[rnd() % n];
                        o += (size_t)snprintf(buf + o, cap - o, " %s ", a);
                }
                buf[o++] = '\n';
        }
        buf[o] = '\0';
        *len = o;
        return buf;
}

static double engine_text_mbs(nf_tag_engine_t *eng, const char *text,
                              size_t len)
{
        double t[32];
        for (int r = 0; r < runs; r++) {
                double t0 = now();
                json_t *tags = nf_tag_engine_tag(eng, NULL, text, "en", 0);
                json_decref(tags);
                t[r] = (double)len / 1e6 / (now() - t0);
        }
        return median(t, runs);
}

/* Escapes regex metacharacters of s into out. */
static void rx_escape(const char *s, char *out)
{
        while (*s) {
                if (strchr("\\^$.|?*+()[]{}", *s)) {
                        *out++ = '\\';
                }
                *out++ = *s++;
        }
        *out = '\0';
}

static double per_alias_mbs(char (*names)[64], size_t n, const char *text,
                            size_t len)
{
        pcre2_code **codes = calloc(n, sizeof(*codes));
        char pat[256], esc[160];
        int err;
        PCRE2_SIZE off;
        for (size_t i = 0; i < n; i++) {
                rx_escape(names[i], esc);
                snprintf(pat, sizeof(pat), "\\b%s\\b", esc);
                codes[i] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                         PCRE2_UTF | PCRE2_UCP, &err, &off,
                                         NULL);
                pcre2_jit_compile(codes[i], PCRE2_JIT_COMPLETE);
        }
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        double t[32];
        size_t hits = 0;
        int r3 = runs < 3 ? runs : 3; /* slow: fewer runs */
        for (int r = 0; r < r3; r++) {
                double t0 = now();
                for (size_t i = 0; i < n; i++) {
                        PCRE2_SIZE start = 0;
                        while (pcre2_match(codes[i], (PCRE2_SPTR)text, len,
                                           start, PCRE2_NO_UTF_CHECK, md,
                                           NULL) > 0) {
                                start = pcre2_get_ovector_pointer(md)[1];
                                hits++;
                        }
                }
                t[r] = (double)len / 1e6 / (now() - t0);
        }
        for (size_t i = 0; i < n; i++) {
                pcre2_code_free(codes[i]);
        }
        free(codes);
        pcre2_match_data_free(md);
        return hits ? median(t, r3) : 0;
}

/* One big alternation; returns MB/s, or -1 with msg when it does not
 * compile. */
static double alternation_mbs(char (*names)[64], size_t n, const char *text,
                              size_t len, char *msg, size_t msg_size)
{
        size_t cap = n * 140 + 32, o = 0;
        char *pat = malloc(cap), esc[160];
        o += (size_t)snprintf(pat, cap, "\\b(?:");
        for (size_t i = 0; i < n; i++) {
                rx_escape(names[i], esc);
                o += (size_t)snprintf(pat + o, cap - o, "%s%s", i ? "|" : "",
                                      esc);
        }
        snprintf(pat + o, cap - o, ")\\b");
        int err;
        PCRE2_SIZE off;
        pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                         PCRE2_UTF | PCRE2_UCP, &err, &off,
                                         NULL);
        free(pat);
        if (!code) {
                PCRE2_UCHAR m[256];
                pcre2_get_error_message(err, m, sizeof(m));
                snprintf(msg, msg_size, "%s", (const char *)m);
                return -1;
        }
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
        pcre2_match_data *md = pcre2_match_data_create(1, NULL);
        double t[32];
        int r3 = runs < 3 ? runs : 3;
        for (int r = 0; r < r3; r++) {
                double t0 = now();
                PCRE2_SIZE start = 0;
                while (pcre2_match(code, (PCRE2_SPTR)text, len, start,
                                   PCRE2_NO_UTF_CHECK, md, NULL) > 0) {
                        start = pcre2_get_ovector_pointer(md)[1];
                }
                t[r] = (double)len / 1e6 / (now() - t0);
        }
        pcre2_match_data_free(md);
        pcre2_code_free(code);
        return median(t, r3);
}

int main(int argc, char **argv)
{
        const char *corpus = "tests/fixtures/tag/eval.jsonl";
        int instr_mode = 0, gaz = 0;
        setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows in logs */
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "-i") == 0) {
                        instr_mode = 1;
                } else if (strcmp(argv[i], "-g") == 0 && i + 1 < argc) {
                        gaz = atoi(argv[++i]);
                } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
                        runs = atoi(argv[++i]);
                        if (runs < 1 || runs > 31) {
                                runs = 5;
                        }
                } else {
                        corpus = argv[i];
                }
        }
        load_corpus(corpus);
        load_corpus("tests/fixtures/seed-article.json");
        printf("corpus: %zu documents, %.2f MB; median of %d runs\n", ndocs,
               (double)corpus_bytes / 1e6, runs);

        if (gaz > 0 && gaz <= 10000) {
                /* a fixed amount of work for an instruction count */
                static char names[10000][64];
                write_gazetteer("/tmp/nf-bench-g.json", (size_t)gaz, names);
                size_t len;
                char *text = scaling_text(names, (size_t)gaz, &len);
                const char *pg[] = {"/tmp/nf-bench-g.json"};
                nf_tag_engine_t *eg = engine_from(pg, 1);
                for (int k = 0; k < 3; k++) {
                        json_decref(nf_tag_engine_tag(eg, NULL, text, "en", 0));
                }
                printf("bytes %zu\n", len * 3);
                nf_tag_engine_destroy(eg);
                free(text);
                remove("/tmp/nf-bench-g.json");
                return 0;
        }
        /* 1. shipped rules */
        const char *shipped[] = {"deploy/rules/countries.json",
                                 "deploy/rules/organizations.json",
                                 "deploy/rules/people.json",
                                 "deploy/rules/topics.json"};
        nf_tag_engine_t *eng = engine_from(shipped, 4);
        if (instr_mode) {
                /* a fixed amount of work for an instruction count */
                for (int k = 0; k < 10; k++) {
                        for (size_t i = 0; i < ndocs; i++) {
                                json_decref(nf_tag_engine_tag(
                                    eng, docs[i].title, docs[i].text, "en", 0));
                        }
                }
                printf("bytes %zu\n", corpus_bytes * 10);
                nf_tag_engine_destroy(eng);
                return 0;
        }
        const nf_tag_rules_t *r = nf_tag_engine_rules(eng);
        printf("shipped rules: %zu entries, %zu aliases\n", r->nentries,
               r->naliases);
        double mbs = engine_mbs(eng, NULL, 20000000);
        printf("engine, shipped rules, lang given:     %8.1f MB/s  (best "
               "run %.1f)\n",
               mbs, last_best);
        char err[256];
        nf_langid_t *li = nf_langid_new(NULL, NULL, err, sizeof(err));
        if (li) {
                double mbs_l = engine_mbs(eng, li, 5000000);
                printf("engine + libexttextcat identification: %8.1f MB/s  "
                       "(best run %.1f; %.2f ms per document)\n",
                       mbs_l, last_best,
                       (double)corpus_bytes / (double)ndocs / 1e3 / mbs_l);
                nf_langid_destroy(li);
        }
        nf_tag_engine_destroy(eng);

        /* 2./3. scaling and baselines */
        static char names1k[1000][64], names10k[10000][64];
        write_gazetteer("/tmp/nf-bench-1k.json", 1000, names1k);
        write_gazetteer("/tmp/nf-bench-10k.json", 10000, names10k);
        size_t len1, len10;
        char *text1 = scaling_text(names1k, 1000, &len1);
        char *text10 = scaling_text(names10k, 10000, &len10);
        const char *p1[] = {"/tmp/nf-bench-1k.json"};
        const char *p10[] = {"/tmp/nf-bench-10k.json"};
        nf_tag_engine_t *e1 = engine_from(p1, 1);
        nf_tag_engine_t *e10 = engine_from(p10, 1);
        double m1 = engine_text_mbs(e1, text1, len1);
        double b1k = last_best;
        double m10 = engine_text_mbs(e10, text10, len10);
        double b10k = last_best;
        printf("engine, 1k aliases:                    %8.1f MB/s  (best "
               "run %.1f)\n",
               m1, b1k);
        printf("engine, 10k aliases:                   %8.1f MB/s  (best "
               "run %.1f)\n",
               m10, b10k);
        printf("slowdown 1k -> 10k:                    %8.2fx (best runs "
               "%.2fx)\n",
               m1 / m10, b1k / b10k);
        /* baselines on a 1/8 slice: they are slow */
        size_t slice1 = len1 / 8, slice10 = len10 / 8;
        while (slice1 < len1 && ((unsigned char)text1[slice1] & 0xC0) == 0x80) {
                slice1++;
        }
        while (slice10 < len10 &&
               ((unsigned char)text10[slice10] & 0xC0) == 0x80) {
                slice10++;
        }
        double b1 = per_alias_mbs(names1k, 1000, text1, slice1);
        double b10 = per_alias_mbs(names10k, 10000, text10, slice10);
        printf("one regex per alias, 1k:               %8.2f MB/s  "
               "(engine is %.0fx faster)\n",
               b1, m1 / b1);
        printf("one regex per alias, 10k:              %8.2f MB/s  "
               "(engine is %.0fx faster)\n",
               b10, m10 / b10);
        char msg[256];
        double a1 = alternation_mbs(names1k, 1000, text1, slice1, msg,
                                    sizeof(msg));
        printf("one alternation, 1k:                   %8.2f MB/s\n", a1);
        double a10 = alternation_mbs(names10k, 10000, text10, slice10, msg,
                                     sizeof(msg));
        if (a10 < 0) {
                printf("one alternation, 10k:                  does not "
                       "compile (\"%s\")\n",
                       msg);
        } else {
                printf("one alternation, 10k:                  %8.2f MB/s\n",
                       a10);
        }
        nf_tag_engine_destroy(e1);
        nf_tag_engine_destroy(e10);
        free(text1);
        free(text10);
        for (size_t i = 0; i < ndocs; i++) {
                free(docs[i].title);
                free(docs[i].text);
        }
        free(docs);
        remove("/tmp/nf-bench-1k.json");
        remove("/tmp/nf-bench-10k.json");
        return 0;
}
