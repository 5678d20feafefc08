/*
 * bench_dedup.c — speed and memory of the dedup processor against the
 * targets of its issue, printed as a table.
 *
 * Usage: bench_dedup [-q] [-o SECTIONS] [TEXT_FILE]...
 *   TEXT_FILE  clean texts to fingerprint, separated by 0x1e (record
 *              separator) bytes; default tests/fixtures/dedup/articles.txt
 *              and tests/fixtures/seed-article.txt.
 *   -q         quick: smaller sizes (1/10), for a smoke run.
 *   -o         only these sections: f(ingerprint) i(ndex) m(emory)
 *              r(estore); default fimr.
 *
 * Rates are per CPU-second of this single-threaded process
 * (CLOCK_PROCESS_CPUTIME_ID), so a busy machine does not lower them; each is
 * the median of REPS runs. Figures:
 *   1. fingerprinting MB/s of clean text (nf_fingerprint);
 *   2. index lookups, with insert of the unique ones, per second with 1M
 *      documents indexed (dedup.max.documents = 1M, so the index is full and
 *      evicts as it goes): 80% new documents, 20% near copies of indexed
 *      ones. Fingerprints are synthetic: random, except that 2% of anchors
 *      come from a pool of 1,000 "boilerplate" values, so some anchor
 *      buckets hold hundreds of documents as with shared site text;
 *   3. memory per indexed document with 10M documents: the bytes the index
 *      allocated and the growth of the resident set, for ids like
 *      nf_article_ensure_id() makes ("u" + 32 hex digits) and for UUIDs;
 *   4. restore: apply_state() of 1M state records made by process() on
 *      short synthetic articles, then the same records again (the echo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "processors/dedup_index.h"
#include "processors/fingerprint.h"
#include "processors/processor.h"

extern const nf_processor_t nf_processor_dedup;

#define REPS 5

static double cpu_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int dbl_cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static double median(double *v, int n)
{
        qsort(v, n, sizeof(double), dbl_cmp);
        return v[n / 2];
}

static uint64_t rng_n;

static uint64_t rnd(void)
{
        uint64_t c = rng_n++;
        return XXH3_64bits_withSeed(&c, sizeof(c), 42);
}

static long rss_bytes(void)
{
        long pages = 0, rss = 0;
        FILE *f = fopen("/proc/self/statm", "r");
        if (f) {
                if (fscanf(f, "%ld %ld", &pages, &rss) != 2) {
                        rss = 0;
                }
                fclose(f);
        }
        return rss * sysconf(_SC_PAGESIZE);
}

static void row(const char *what, double value, const char *unit,
                const char *target, int pass)
{
        printf("%-58s %12.1f %-10s %-12s %s\n", what, value, unit, target,
               pass ? "PASS" : "FAIL");
}

/* ------------------------------------------------------ 1. fingerprinting */
typedef struct texts_s {
        char **s;
        size_t *len;
        int n, nbufs;
        size_t bytes;
        char **bufs; /* one per file, the texts point into them */
} texts_t;

static void texts_load(texts_t *t, const char *path)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                perror(path);
                exit(2);
        }
        char *buf = NULL;
        size_t len = 0, cap = 0, r;
        char tmp[65536];
        while ((r = fread(tmp, 1, sizeof(tmp), f)) > 0) {
                if (len + r > cap) {
                        cap = (len + r) * 2;
                        buf = realloc(buf, cap);
                }
                memcpy(buf + len, tmp, r);
                len += r;
        }
        fclose(f);
        size_t start = 0;
        for (size_t i = 0; i <= len; i++) {
                if (i == len || buf[i] == 0x1e) {
                        if (i > start) {
                                t->s =
                                    realloc(t->s, sizeof(char *) * (t->n + 1));
                                t->len = realloc(t->len,
                                                 sizeof(size_t) * (t->n + 1));
                                t->s[t->n] = buf + start;
                                t->len[t->n++] = i - start;
                                t->bytes += i - start;
                        }
                        start = i + 1;
                }
        }
        t->bufs = realloc(t->bufs, sizeof(char *) * (t->nbufs + 1));
        t->bufs[t->nbufs++] = buf;
}

static double bench_fingerprint(const texts_t *t)
{
        double mbs[REPS];
        uint32_t sink = 0;
        for (int r = 0; r < REPS; r++) {
                double t0 = cpu_now(), dt;
                size_t bytes = 0;
                do {
                        for (int i = 0; i < t->n; i++) {
                                nf_fingerprint_t fp;
                                nf_fingerprint(t->s[i], t->len[i], &fp);
                                sink += fp.anchor[0];
                        }
                        bytes += t->bytes;
                        dt = cpu_now() - t0;
                } while (dt < 0.5);
                mbs[r] = bytes / dt / 1e6;
        }
        if (sink == 1) {
                printf(" ");
        }
        return median(mbs, REPS);
}

/* ----------------------------------------------- 2./3. synthetic documents */
static uint32_t common_anchor[1000];

static void synth_fp(nf_fingerprint_t *fp)
{
        memset(fp, 0, sizeof(*fp));
        fp->exact = rnd();
        fp->nwords = 400;
        fp->nshingles = 396;
        for (int a = 0; a < NF_FP_ANCHORS; a++) {
                uint64_t x = rnd();
                fp->anchor[a] = (x % 50 == 0) ? common_anchor[(x >> 32) % 1000]
                                              : (uint32_t)(x >> 32);
        }
        for (int i = 0; i < NF_FP_SIG_BYTES; i += 8) {
                uint64_t x = rnd();
                memcpy(fp->sig + i, &x, 8);
        }
}

/* A near copy: about 8% of the signature bits and 2 anchors differ. */
static void near_copy(nf_fingerprint_t *fp, const nf_fingerprint_t *of)
{
        *fp = *of;
        fp->exact = rnd();
        for (int i = 0; i < NF_FP_BINS; i++) {
                if (rnd() % 100 < 8) {
                        fp->sig[i / 8] ^= (uint8_t)(1u << (i % 8));
                }
        }
        fp->anchor[rnd() % NF_FP_ANCHORS] = (uint32_t)rnd();
        fp->anchor[rnd() % NF_FP_ANCHORS] = (uint32_t)rnd();
}

static void hex_id(char *id, uint64_t n, int uuid)
{
        uint64_t a = XXH3_64bits_withSeed(&n, 8, 1);
        uint64_t b = XXH3_64bits_withSeed(&n, 8, 2);
        if (uuid) {
                snprintf(id, 40, "%08x-%04x-%04x-%04x-%012llx",
                         (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
                         (unsigned)a & 0xffff, (unsigned)(b >> 48),
                         (unsigned long long)(b & 0xffffffffffffULL));
        } else {
                snprintf(id, 40, "u%016llx%016llx", (unsigned long long)a,
                         (unsigned long long)b);
        }
}

static const nf_dedup_policy_t policy = {0.45, NF_FP_SHINGLE};

/* Index with n documents, then ops lookups (+ inserts); ops/s. */
static double bench_index(uint64_t n, uint64_t ops, double *insert_rate,
                          double *hit_rate)
{
        char errstr[256], id[48];
        nf_dedup_index_t *idx =
            nf_dedup_index_new(n, 604800, errstr, sizeof(errstr));
        nf_fingerprint_t *keep = malloc(sizeof(*keep) * 4096);
        uint32_t now = 1700000000;
        double t0 = cpu_now();
        for (uint64_t i = 0; i < n; i++) {
                nf_fingerprint_t fp;
                synth_fp(&fp);
                hex_id(id, i, 0);
                nf_dedup_index_insert(idx, id, strlen(id), &fp, now, now);
                keep[i % 4096] = fp; /* recent, so not evicted yet */
        }
        *insert_rate = n / (cpu_now() - t0);
        uint64_t hits = 0, copies = 0;
        t0 = cpu_now();
        for (uint64_t i = 0; i < ops; i++) {
                nf_fingerprint_t fp;
                int copy = rnd() % 5 == 0;
                if (copy) {
                        near_copy(&fp, &keep[rnd() % 4096]);
                        copies++;
                } else {
                        synth_fp(&fp);
                }
                hex_id(id, n + i, 0);
                nf_dedup_match_t m;
                switch (nf_dedup_index_check(idx, id, strlen(id), &fp, now,
                                             &policy, &m)) {
                case NF_DEDUP_MATCHED:
                        hits += copy;
                        free(m.id);
                        break;
                case NF_DEDUP_ADDED:
                        keep[(n + i) % 4096] = fp;
                        break;
                default:
                        break;
                }
        }
        double rate = ops / (cpu_now() - t0);
        *hit_rate = copies ? (double)hits / copies : 0;
        nf_dedup_index_destroy(idx);
        free(keep);
        return rate;
}

static void bench_memory(uint64_t n, int uuid, double *alloc_b, double *rss_b)
{
        char errstr[256], id[48];
        long rss0 = rss_bytes();
        nf_dedup_index_t *idx =
            nf_dedup_index_new(n, 604800, errstr, sizeof(errstr));
        for (uint64_t i = 0; i < n; i++) {
                nf_fingerprint_t fp;
                synth_fp(&fp);
                hex_id(id, i, uuid);
                nf_dedup_index_insert(idx, id, strlen(id), &fp, 1700000000,
                                      1700000000);
        }
        nf_dedup_index_stats_t st;
        nf_dedup_index_stats(idx, &st);
        *alloc_b = (double)st.bytes / st.documents;
        *rss_b = (double)(rss_bytes() - rss0) / st.documents;
        nf_dedup_index_destroy(idx);
}

/* ------------------------------------------------------------ 4. restore */
static int64_t fixed_clock(void)
{
        return 1700000000;
}

static void bench_restore(int n, double *process_rate, double *restore_s,
                          double *echo_s, double *per_doc_ok)
{
        static const char *words[] = {
            "government", "said",     "on",     "the",     "minister",
            "report",     "city",     "police", "new",     "year",
            "market",     "prices",   "people", "water",   "fire",
            "court",      "union",    "rail",   "plant",   "storm",
            "company",    "election", "vote",   "council", "school"};
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "dedup.action", "mark");
        nf_conf_set(conf, "dedup.max.documents", "2000000");
        nf_conf_apply_defaults(conf, nf_processor_dedup.conf_keys);
        char errstr[256];
        nf_dedup_clock = fixed_clock;
        void *a = nf_processor_dedup.create(conf, errstr, sizeof(errstr));
        nf_record_t *recs = malloc(sizeof(nf_record_t) * n);
        int nrec = 0;
        char text[1024], id[48];
        double t0 = cpu_now();
        for (int i = 0; i < n; i++) {
                size_t len = 0;
                for (int w = 0; w < 40; w++) {
                        uint64_t x = rnd();
                        len += snprintf(text + len, sizeof(text) - len,
                                        "%s%llu ", words[x % 25],
                                        (unsigned long long)(x >> 40) % 5000);
                }
                nf_article_t *art = nf_article_new();
                hex_id(id, (uint64_t)i, 0);
                nf_article_set(art, NF_F_ID, id, strlen(id));
                nf_article_set(art, NF_F_TEXT, text, len);
                nf_outcome_t out;
                nf_outcome_init(&out);
                nf_processor_dedup.process(a, art, &out);
                if (out.nrecords == 1) {
                        recs[nrec++] = out.records[0];
                        out.nrecords = 0; /* the records are ours now */
                }
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }
        *process_rate = n / (cpu_now() - t0);
        nf_processor_dedup.destroy(a);

        void *b = nf_processor_dedup.create(conf, errstr, sizeof(errstr));
        t0 = cpu_now();
        int ok = 0;
        for (int i = 0; i < nrec; i++) {
                ok += nf_processor_dedup.apply_state(b, &recs[i], errstr,
                                                     sizeof(errstr)) == 0;
        }
        *restore_s = cpu_now() - t0;
        t0 = cpu_now();
        for (int i = 0; i < nrec; i++) {
                nf_processor_dedup.apply_state(b, &recs[i], errstr,
                                               sizeof(errstr));
        }
        *echo_s = cpu_now() - t0;
        json_t *st = nf_processor_dedup.stats(b);
        *per_doc_ok =
            (double)json_integer_value(json_object_get(st, "state_applied")) /
            n;
        json_decref(st);
        nf_processor_dedup.destroy(b);
        for (int i = 0; i < nrec; i++) {
                free(recs[i].key);
                free(recs[i].value);
        }
        free(recs);
        nf_conf_destroy(conf);
        (void)ok;
}

int main(int argc, char **argv)
{
        int quick = 0, opt;
        const char *only = "fimr";
        while ((opt = getopt(argc, argv, "qo:")) != -1) {
                if (opt == 'q') {
                        quick = 1;
                } else if (opt == 'o') {
                        only = optarg;
                } else {
                        fprintf(stderr, "usage: bench_dedup [-q] [-o SECTIONS] "
                                        "[TEXT_FILE]...\n");
                        return 2;
                }
        }
        texts_t t = {0};
        if (optind == argc) {
                texts_load(&t, "tests/fixtures/dedup/articles.txt");
                texts_load(&t, "tests/fixtures/seed-article.txt");
        }
        for (int i = optind; i < argc; i++) {
                texts_load(&t, argv[i]);
        }
        for (int i = 0; i < 1000; i++) {
                common_anchor[i] = (uint32_t)rnd();
        }
        uint64_t scale = quick ? 10 : 1;
        int all = 1, pass;

        printf("%-58s %12s %-10s %-12s %s\n", "measure", "value", "unit",
               "target", "");
        char what[128];
        if (strchr(only, 'f')) {
                double mbs = bench_fingerprint(&t);
                snprintf(what, sizeof(what),
                         "fingerprinting, %d texts, %.1f MB", t.n,
                         t.bytes / 1e6);
                row(what, mbs, "MB/s", ">= 50", pass = mbs >= 50);
                all &= pass;
        }

        if (strchr(only, 'i')) {
                double rates[REPS], ins[REPS], hit = 0;
                int reps = quick ? 1 : 3;
                for (int r = 0; r < reps; r++) {
                        rates[r] = bench_index(1000000 / scale, 1000000 / scale,
                                               &ins[r], &hit);
                }
                double lk = median(rates, reps);
                snprintf(what, sizeof(what),
                         "index lookup+insert, %llu indexed",
                         (unsigned long long)(1000000 / scale));
                row(what, lk, "ops/s", ">= 200000", pass = lk >= 200000);
                all &= pass;
                row("  (index build: inserts)", median(ins, reps), "ops/s", "",
                    1);
                row("  (near copies found, %)", hit * 100, "%", "", hit > 0.95);
        }
        if (strchr(only, 'm')) {
                double alloc_b, rss_b;
                uint64_t nmem = 10000000 / scale;
                bench_memory(nmem, 0, &alloc_b, &rss_b);
                snprintf(what, sizeof(what),
                         "memory/doc, %llu docs, u+32hex ids, allocated",
                         (unsigned long long)nmem);
                row(what, alloc_b, "B/doc", "<= 100", pass = alloc_b <= 100);
                all &= pass;
                row("  same, resident set growth", rss_b, "B/doc", "<= 100",
                    pass = rss_b <= 100);
                all &= pass;
                bench_memory(nmem, 1, &alloc_b, &rss_b);
                row("  same with 36-char UUID ids, allocated", alloc_b, "B/doc",
                    "", 1);
                row("  same with 36-char UUID ids, resident set growth", rss_b,
                    "B/doc", "", 1);
        }

        if (strchr(only, 'r')) {
                double prate, rs, es, applied;
                int nrestore = (int)(1000000 / scale);
                bench_restore(nrestore, &prate, &rs, &es, &applied);
                snprintf(what, sizeof(what),
                         "restore: apply_state of %d records", nrestore);
                row(what, rs, "s", "<= 10", pass = rs * scale <= 10);
                all &= pass;
                row("  records applied, %", applied * 100, "%", "",
                    applied > 0.999);
                row("  same records again (echo, ignored)", es, "s", "", 1);
                row("  process(), 40-word articles, 1 thread", prate, "docs/s",
                    "", 1);
        }

        printf("all targets: %s\n", all ? "PASS" : "FAIL");
        for (int i = 0; i < t.nbufs; i++) {
                free(t.bufs[i]);
        }
        free(t.bufs);
        free(t.s);
        free(t.len);
        return all ? 0 : 1;
}
