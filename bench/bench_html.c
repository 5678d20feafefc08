/*
 * bench_html.c — HTML extraction throughput on one core.
 *
 * Usage: bench_html [-r ROUNDS] DATADIR
 *   DATADIR holds pages/NAME.gz (the html-eval set). Every page is read and
 *   decompressed into memory first; then nf_html_extract() runs over all of
 *   them ROUNDS times (default 5) on this thread. Prints pages/s and MB/s
 *   per round, by this thread's CPU time (other processes on a busy machine
 *   inflate wall time, not CPU time) and by wall time, and the median round.
 *   For a stable figure use valgrind --tool=callgrind instruction counts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "processors/html_extract.h"

typedef struct {
        char *html;
        size_t len;
} page_t;

static char *read_gz(const char *path, size_t *len)
{
        gzFile gz = gzopen(path, "rb");
        if (!gz) {
                return NULL;
        }
        size_t cap = 1 << 20, n = 0;
        char *buf = malloc(cap);
        int r;
        while (buf && (r = gzread(gz, buf + n, (unsigned)(cap - n))) > 0) {
                n += (size_t)r;
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

static double clock_s(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
        int rounds = 5, opt;
        while ((opt = getopt(argc, argv, "r:")) != -1) {
                if (opt == 'r') {
                        rounds = atoi(optarg);
                } else {
                        fprintf(stderr, "usage: bench_html [-r ROUNDS] DATADIR\n");
                        return 2;
                }
        }
        if (optind != argc - 1 || rounds < 1) {
                fprintf(stderr, "usage: bench_html [-r ROUNDS] DATADIR\n");
                return 2;
        }
        char dir[4096];
        snprintf(dir, sizeof(dir), "%s/pages", argv[optind]);
        DIR *d = opendir(dir);
        if (!d) {
                fprintf(stderr, "bench_html: cannot open %s\n", dir);
                return 1;
        }
        page_t *pages = NULL;
        size_t n = 0, cap = 0, bytes = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                if (l < 4 || strcmp(de->d_name + l - 3, ".gz")) {
                        continue;
                }
                char path[8192];
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                if (n == cap) {
                        cap = cap ? cap * 2 : 1024;
                        pages = realloc(pages, cap * sizeof(*pages));
                        if (!pages) {
                                return 1;
                        }
                }
                pages[n].html = read_gz(path, &pages[n].len);
                if (!pages[n].html) {
                        fprintf(stderr, "bench_html: cannot read %s\n", path);
                        return 1;
                }
                bytes += pages[n].len;
                n++;
        }
        closedir(d);
        if (!n) {
                fprintf(stderr, "bench_html: no pages under %s\n", dir);
                return 1;
        }
        printf("# %zu pages, %.1f MB, %.0f KB/page average\n", n, bytes / 1e6,
               bytes / 1e3 / n);
        double *secs = calloc((size_t)rounds, sizeof(double));
        double *walls = calloc((size_t)rounds, sizeof(double));
        size_t out_bytes = 0;
        for (int r = 0; r < rounds; r++) {
                double t0 = clock_s(CLOCK_THREAD_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
                for (size_t i = 0; i < n; i++) {
                        nf_html_doc_t doc = {0};
                        char reason[64], err[256];
                        if (nf_html_extract(pages[i].html, pages[i].len, NULL, &doc, reason,
                                            sizeof(reason), err, sizeof(err)) == 0 &&
                            r == 0) {
                                out_bytes += strlen(doc.text);
                        }
                        nf_html_doc_fini(&doc);
                }
                secs[r] = clock_s(CLOCK_THREAD_CPUTIME_ID) - t0;
                walls[r] = clock_s(CLOCK_MONOTONIC) - w0;
                printf("round %d: cpu %.2f s  %.0f pages/s  %.1f MB/s   (wall %.2f s  %.0f pages/s)\n",
                       r + 1, secs[r], n / secs[r], bytes / 1e6 / secs[r], walls[r], n / walls[r]);
        }
        qsort(secs, (size_t)rounds, sizeof(double), cmp_double);
        qsort(walls, (size_t)rounds, sizeof(double), cmp_double);
        double med = secs[rounds / 2], wmed = walls[rounds / 2];
        printf("median cpu: %.0f pages/s  %.1f MB/s  (%.2f ms/page; %.1f MB of text out)\n",
               n / med, bytes / 1e6 / med, med * 1e3 / n, out_bytes / 1e6);
        printf("median wall: %.0f pages/s  %.1f MB/s\n", n / wmed, bytes / 1e6 / wmed);
        for (size_t i = 0; i < n; i++) {
                free(pages[i].html);
        }
        free(pages);
        free(secs);
        free(walls);
        return 0;
}
