/*
 * eval_langid.c — agreement of nf_langid_detect() (stopword pass, then
 * libexttextcat) with nf_langid_detect_ngram() (libexttextcat alone, all
 * models of /usr/share/libexttextcat/fpdb.conf) on a set of texts.
 *
 * Usage: eval_langid [-c FALLBACK_CONF] [-b BYTES] [-v] FILE...
 *   FILE ending in .jsonl: one text per line, the "text" field (else
 *   "title"); any other FILE: its whole content is one text.
 *   -c  model list for the new path's fallback (default: all models)
 *   -v  print every text where the answers differ
 * Prints the number of texts, how many get the same answer, and on how
 * many the fallback list alone (-c) differs from all models.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "processors/langid.h"

static nf_langid_t *ref, *cand;
static size_t n, agree, differ, bytes = 1000;
static int verbose;

static void one(const char *where, const char *text)
{
        char a[16] = "-", b[16] = "-", c[16] = "-";
        size_t len = strlen(text);
        nf_langid_detect_ngram(ref, text, len, bytes, a, sizeof(a));
        nf_langid_detect(cand, text, len, bytes, b, sizeof(b));
        nf_langid_detect_ngram(cand, text, len, bytes, c, sizeof(c));
        n++;
        if (!strcmp(a, b)) {
                agree++;
        } else if (verbose) {
                char snip[121];
                snprintf(snip, sizeof(snip), "%s", text);
                for (char *p = snip; *p; p++) {
                        if (*p == '\n' || *p == '\t') {
                                *p = ' ';
                        }
                }
                printf("DIFF %s ngram=%s new=%s fallback-alone=%s | %s\n",
                       where, a, b, c, snip);
        }
        differ += strcmp(a, c) != 0;
}

static char *slurp(const char *path)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                return NULL;
        }
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *s = malloc((size_t)sz + 1);
        size_t got = fread(s, 1, (size_t)sz, f);
        s[got] = '\0';
        fclose(f);
        return s;
}

int main(int argc, char **argv)
{
        const char *conf = NULL;
        int opt;
        char errstr[512];
        while ((opt = getopt(argc, argv, "c:b:v")) != -1) {
                if (opt == 'c') {
                        conf = optarg;
                } else if (opt == 'b') {
                        bytes = (size_t)atol(optarg);
                } else if (opt == 'v') {
                        verbose = 1;
                } else {
                        fprintf(stderr, "usage: eval_langid [-c CONF] [-b "
                                        "BYTES] [-v] FILE...\n");
                        return 2;
                }
        }
        ref = nf_langid_new(NULL, NULL, errstr, sizeof(errstr));
        cand = nf_langid_new(conf, NULL, errstr, sizeof(errstr));
        if (!ref || !cand) {
                fprintf(stderr, "eval_langid: %s\n", errstr);
                return 1;
        }
        for (int i = optind; i < argc; i++) {
                const char *p = argv[i];
                size_t pl = strlen(p);
                if (pl > 6 && !strcmp(p + pl - 6, ".jsonl")) {
                        FILE *f = fopen(p, "r");
                        char *line = NULL;
                        size_t cap = 0;
                        int ln = 0;
                        while (f && getline(&line, &cap, f) > 0) {
                                ln++;
                                json_t *j = json_loads(line, 0, NULL);
                                const char *t = json_string_value(
                                    json_object_get(j, "text"));
                                if (!t) {
                                        t = json_string_value(
                                            json_object_get(j, "title"));
                                }
                                char where[512];
                                snprintf(where, sizeof(where), "%s:%d", p, ln);
                                if (t) {
                                        one(where, t);
                                }
                                json_decref(j);
                        }
                        free(line);
                        if (f) {
                                fclose(f);
                        }
                } else {
                        char *t = slurp(p);
                        if (t) {
                                one(p, t);
                                free(t);
                        }
                }
        }
        printf("texts %zu  new agrees with ngram(all models) %zu (%.2f%%)  "
               "fallback list alone differs on %zu\n",
               n, agree, n ? 100.0 * agree / n : 0.0, differ);
        nf_langid_destroy(ref);
        nf_langid_destroy(cand);
        return 0;
}
