/*
 * eval_html.c — scores nf_html_extract() on the html-eval development set.
 *
 * Usage: eval_html [-v] [-d DUMPDIR] [-f FILE] DATADIR
 *   DATADIR  holds evaldata.json ({url: {file, with[], without[]}}) and
 *            pages/FILE.gz
 *   -v       print every page that misses a `with` or shows a `without`
 *   -d DIR   write each page's extracted text to DIR/FILE.txt
 *   -f FILE  only the page whose file is FILE
 *
 * Scoring is trafilatura's (tests/eval_common.py, count_item): whitespace
 * runs are collapsed to one space (Python's \s, so no-break and other
 * Unicode spaces too) in both the extracted text and the snippets, then a
 * `with` snippet found as a substring is a true positive and a missing one
 * a false negative; a `without` snippet found is a false positive, absent a
 * true negative. Only the main text is scored, as trafilatura's benchmark
 * scores extract() output without metadata. A page the extractor rejects
 * scores as empty text. The text is NFC-normalised first (utf8proc), as the
 * clean step does to every extracted text before the stage emits it: a
 * page written in decomposed form would otherwise never match a snippet.
 *
 * Timing covers nf_html_extract() calls only (pages are read and
 * decompressed before the clock starts), on one thread.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>
#include <zlib.h>

#include "processors/html_extract.h"

static char *read_gz(const char *path, size_t *len)
{
        gzFile gz = gzopen(path, "rb");
        if (!gz) {
                return NULL;
        }
        size_t cap = 1 << 20, n = 0;
        char *buf = malloc(cap);
        for (;;) {
                if (!buf) {
                        gzclose(gz);
                        return NULL;
                }
                int r = gzread(gz, buf + n, (unsigned)(cap - n));
                if (r < 0) {
                        free(buf);
                        gzclose(gz);
                        return NULL;
                }
                n += (size_t)r;
                if (r == 0) {
                        break;
                }
                if (n == cap) {
                        cap *= 2;
                        char *nb = realloc(buf, cap);
                        if (!nb) {
                                free(buf);
                        }
                        buf = nb;
                }
        }
        gzclose(gz);
        *len = n;
        return buf;
}

/* Length of the Python-\s character at s, 0 if none. */
static size_t py_space(const unsigned char *s)
{
        unsigned c = s[0];
        if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) {
                return 1;
        }
        if (c == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0)) {
                return 2;
        }
        if (c == 0xE1 && s[1] == 0x9A && s[2] == 0x80) {
                return 3; /* U+1680 */
        }
        if (c == 0xE2 && s[1] == 0x80 &&
            ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)) {
                return 3;
        }
        if (c == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) {
                return 3; /* U+205F */
        }
        if (c == 0xE3 && s[1] == 0x80 && s[2] == 0x80) {
                return 3; /* U+3000 */
        }
        return 0;
}

/* re.sub(r"\s+", " ", s).strip(), malloc'd. */
static char *norm(const char *s)
{
        size_t n = strlen(s);
        char *out = malloc(n + 1);
        size_t o = 0;
        int space = 0;
        if (!out) {
                return NULL;
        }
        for (size_t i = 0; i < n;) {
                size_t sp = py_space((const unsigned char *)s + i);
                if (sp) {
                        space = 1;
                        i += sp;
                        continue;
                }
                if (space && o) {
                        out[o++] = ' ';
                }
                space = 0;
                out[o++] = s[i++];
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

static void usage(void)
{
        fprintf(stderr, "usage: eval_html [-v] [-d DUMPDIR] [-f FILE] DATADIR\n");
        exit(2);
}

int main(int argc, char **argv)
{
        int verbose = 0, opt;
        const char *dump = NULL, *only = NULL;
        while ((opt = getopt(argc, argv, "vd:f:")) != -1) {
                switch (opt) {
                case 'v':
                        verbose = 1;
                        break;
                case 'd':
                        dump = optarg;
                        break;
                case 'f':
                        only = optarg;
                        break;
                default:
                        usage();
                }
        }
        if (optind != argc - 1) {
                usage();
        }
        const char *dir = argv[optind];
        char path[4096];
        snprintf(path, sizeof(path), "%s/evaldata.json", dir);
        json_error_t jerr;
        json_t *data = json_load_file(path, 0, &jerr);
        if (!data) {
                fprintf(stderr, "eval_html: %s:%d: %s\n", path, jerr.line, jerr.text);
                return 1;
        }

        long tp = 0, fp = 0, fn = 0, tn = 0, pages = 0, rejected = 0, empty = 0;
        long titles = 0, titles_ok = 0, dates = 0, dates_ok = 0, dates_found = 0;
        double secs = 0;
        size_t bytes = 0;
        const char *url;
        json_t *item;
        json_object_foreach(data, url, item)
        {
                const char *file = json_string_value(json_object_get(item, "file"));
                if (!file || (only && strcmp(only, file))) {
                        continue;
                }
                snprintf(path, sizeof(path), "%s/pages/%s.gz", dir, file);
                size_t len;
                char *html = read_gz(path, &len);
                if (!html) {
                        fprintf(stderr, "eval_html: cannot read %s\n", path);
                        return 1;
                }
                nf_html_doc_t doc = {0};
                char reason[64] = "", err[256] = "";
                double t0 = now();
                int rc = nf_html_extract(html, len, NULL, &doc, reason, sizeof(reason), err,
                                         sizeof(err));
                secs += now() - t0;
                bytes += len;
                pages++;
                free(html);
                if (rc) {
                        rejected++;
                        if (verbose) {
                                printf("REJECT %s: %s (%s)\n", file, reason, err);
                        }
                }
                char *nfc = rc == 0 && doc.text
                                ? (char *)utf8proc_NFC((const utf8proc_uint8_t *)doc.text)
                                : NULL;
                char *text = norm(nfc ? nfc : "");
                free(nfc);
                if (!text[0]) {
                        empty++;
                }
                if (dump) {
                        char out[4096];
                        snprintf(out, sizeof(out), "%s/%s.txt", dump, file);
                        FILE *f = fopen(out, "w");
                        if (f) {
                                fputs(rc == 0 && doc.text ? doc.text : "", f);
                                fclose(f);
                        }
                }
                size_t i;
                json_t *s;
                int bad = 0;
                json_array_foreach(json_object_get(item, "with"), i, s)
                {
                        char *n = norm(json_string_value(s));
                        if (strstr(text, n)) {
                                tp++;
                        } else {
                                fn++;
                                bad = 1;
                                if (verbose) {
                                        printf("FN %s: %s\n", file, n);
                                }
                        }
                        free(n);
                }
                json_array_foreach(json_object_get(item, "without"), i, s)
                {
                        char *n = norm(json_string_value(s));
                        if (strstr(text, n)) {
                                fp++;
                                bad = 1;
                                if (verbose) {
                                        printf("FP %s: %s\n", file, n);
                                }
                        } else {
                                tn++;
                        }
                        free(n);
                }
                (void)bad;
                /* metadata, where the set annotates it: title (whitespace-
                   normalised, exact) and date (YYYY-MM-DD prefix) */
                const char *want_title = json_string_value(json_object_get(item, "title"));
                const char *want_date = json_string_value(json_object_get(item, "date"));
                if (want_title && want_title[0]) {
                        char *a = norm(want_title), *b = norm(rc == 0 && doc.title ? doc.title : "");
                        titles++;
                        titles_ok += !strcmp(a, b);
                        if (verbose && strcmp(a, b)) {
                                printf("TITLE %s: want \"%s\" got \"%s\"\n", file, a, b);
                        }
                        free(a);
                        free(b);
                }
                if (want_date && strlen(want_date) >= 10) {
                        dates++;
                        dates_found += rc == 0 && doc.published_at;
                        int ok = rc == 0 && doc.published_at && !strncmp(doc.published_at, want_date, 10);
                        dates_ok += ok;
                        if (verbose && !ok) {
                                printf("DATE %s: want %s got %s\n", file, want_date,
                                       rc == 0 && doc.published_at ? doc.published_at : "(none)");
                        }
                }
                free(text);
                nf_html_doc_fini(&doc);
        }
        json_decref(data);
        if (!pages) {
                fprintf(stderr, "eval_html: no pages\n");
                return 1;
        }
        double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
        double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
        double f1 = 2.0 * tp + fp + fn ? 2.0 * tp / (2.0 * tp + fp + fn) : 0;
        double acc = (double)(tp + tn) / (double)(tp + tn + fp + fn);
        printf("pages %ld  rejected %ld  empty %ld\n", pages, rejected, empty);
        printf("tp %ld  fp %ld  fn %ld  tn %ld\n", tp, fp, fn, tn);
        printf("precision %.3f  recall %.3f  accuracy %.3f  F1 %.3f\n", p, r, acc, f1);
        printf("metadata: title %ld/%ld exact, date %ld/%ld same day (%ld with a date)\n",
               titles_ok, titles, dates_ok, dates, dates_found);
        printf("extraction %.2f s  %.0f pages/s  %.1f MB/s (%.0f KB/page)\n", secs,
               pages / secs, bytes / 1e6 / secs, bytes / 1e3 / pages);
        return 0;
}
