/*
 * eval_dedup.c — precision and recall of the dedup processor on a labelled
 * stream built from real article text (make eval-dedup).
 *
 * Usage: eval_dedup [-s SEEDS] [-t THRESHOLD]... [-b] [-o FILE] PAGES_DIR
 *                   ARTICLES_FILE
 *   PAGES_DIR      gzipped HTML pages (../shared/data/html-eval/pages)
 *   ARTICLES_FILE  hand-written stories and follow-ups
 *                  (tests/fixtures/dedup/articles.txt)
 *   -s             number of seeded streams (1..SEEDS), scores are pooled;
 *                  default 5
 *   -t             run the processor with this dedup.threshold (repeatable;
 *                  default: the processor's default)
 *   -b             also run the baselines (exact Jaccard, 64-bit SimHash)
 *   -o             write the texts of stream 1 to FILE, separated by 0x1e
 *                  bytes (real text for bench_dedup), and exit
 *
 * The stream (deterministic for a seed):
 *   - originals: the text of the <p> elements of each page (paragraphs that
 *     occur on two pages and pages overlapping an earlier one are removed,
 *     so originals are distinct), and the hand-written stories. Each belongs
 *     to a site; 60% carry their site's boilerplate (header/footer lines),
 *     so different stories of one site share it.
 *   - exact re-posts: the same text under a new id.
 *   - syndicated copies, each with a random mix of: another site's
 *     boilerplate instead of the original's, a rewritten headline (sometimes
 *     also as the first line of the text), a dropped paragraph, straight vs
 *     curly quotes, whitespace changes, 1-4 small word edits.
 *   - hard negatives: follow-up stories (another page's text with one or two
 *     paragraphs of the original, sometimes with the same site's
 *     boilerplate), the hand-written follow-ups, and the same-site
 *     originals above.
 * Copies come minutes to two days after their original. A copy is detected
 * when its status is duplicate or near_duplicate AND duplicate_of names its
 * original. Near-duplicate precision counts every non-exact-copy document
 * flagged; recall counts syndicated copies; exact recall counts re-posts
 * flagged `duplicate` of the right id.
 */
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "processors/dedup_index.h"
#include "processors/fingerprint.h"
#include "processors/processor.h"
#include "common/xalloc.h"

extern const nf_processor_t nf_processor_dedup;

/* ---------------------------------------------------------------- random */
static uint64_t rng_seed = 1, rng_n;

static uint64_t rnd(void)
{
        uint64_t c = rng_n++;
        return XXH3_64bits_withSeed(&c, sizeof(c), rng_seed);
}

static uint32_t rndu(uint32_t n)
{
        return (uint32_t)(rnd() % n);
}

static int chance(double p)
{
        return (double)(rnd() >> 11) * 0x1.0p-53 < p;
}

/* --------------------------------------------------------------- strings */
typedef struct buf_s {
        char *s;
        size_t len, cap;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
        if (b->len + n + 1 > b->cap) {
                b->cap = (b->len + n + 1) * 2;
                b->s = realloc(b->s, b->cap);
        }
        memcpy(b->s + b->len, s, n);
        b->len += n;
        b->s[b->len] = '\0';
}

static void buf_str(buf_t *b, const char *s)
{
        buf_add(b, s, strlen(s));
}

static void buf_fmt(buf_t *b, const char *fmt, ...)
{
        char tmp[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        buf_str(b, tmp);
}

/* Collapses runs of whitespace to one space, trims. In place. */
static void squeeze(char *s)
{
        char *o = s;
        int sp = 1;
        for (char *p = s; *p; p++) {
                int w = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
                if (w && !sp) {
                        *o++ = ' ';
                }
                if (!w) {
                        *o++ = *p;
                }
                sp = w;
        }
        if (o > s && o[-1] == ' ') {
                o--;
        }
        *o = '\0';
}

static int count_words(const char *s)
{
        nf_fp_tok_t tok;
        int n = 0;
        nf_fp_tok_init(&tok, s, strlen(s));
        while (nf_fp_tok_next(&tok)) {
                n++;
        }
        return n;
}

/* -------------------------------------------------------------- articles */
typedef struct story_s {
        char *id, *title;
        char **p; /* paragraphs */
        int np, words;
        int followup_of; /* hand-written follow-ups: index of the story */
} story_t;

static void story_add_para(story_t *st, const char *p)
{
        st->p = realloc(st->p, sizeof(char *) * (st->np + 1));
        st->p[st->np++] = nf_xstrdup(p);
        st->words += count_words(p);
}

static story_t *stories;
static int nstories;

static story_t *story_new(const char *id, const char *title)
{
        stories = realloc(stories, sizeof(story_t) * (nstories + 1));
        story_t *st = &stories[nstories++];
        memset(st, 0, sizeof(*st));
        st->id = nf_xstrdup(id);
        st->title = nf_xstrdup(title);
        st->followup_of = -1;
        return st;
}

static uint64_t norm_hash(const char *s)
{
        char tmp[8192];
        size_t n = nf_fp_normalise(s, strlen(s), tmp, sizeof(tmp));
        return XXH3_64bits(tmp, n < sizeof(tmp) ? n : sizeof(tmp) - 1);
}

/* Loads the <p> paragraphs of one page into a new story. */
static void page_load(const char *path, const char *name)
{
        htmlDocPtr doc =
            htmlReadFile(path, NULL,
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                             HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
        if (!doc) {
                return;
        }
        xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
        xmlXPathObjectPtr ps = xmlXPathEvalExpression(BAD_CAST "//p", ctx);
        xmlXPathObjectPtr tt = xmlXPathEvalExpression(BAD_CAST "//title", ctx);
        char *title = NULL;
        if (tt && tt->nodesetval && tt->nodesetval->nodeNr > 0) {
                title = (char *)xmlNodeGetContent(tt->nodesetval->nodeTab[0]);
        }
        story_t *st = story_new(name, title ? title : name);
        squeeze(st->title);
        xmlFree(title);
        for (int i = 0; ps && ps->nodesetval && i < ps->nodesetval->nodeNr;
             i++) {
                char *t = (char *)xmlNodeGetContent(ps->nodesetval->nodeTab[i]);
                if (t) {
                        squeeze(t);
                        if (count_words(t) >= 5) {
                                story_add_para(st, t);
                        }
                }
                xmlFree(t);
        }
        xmlXPathFreeObject(ps);
        xmlXPathFreeObject(tt);
        xmlXPathFreeContext(ctx);
        xmlFreeDoc(doc);
}

static int name_cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pages_load(const char *dir)
{
        DIR *d = opendir(dir);
        if (!d) {
                perror(dir);
                exit(2);
        }
        char **names = NULL;
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (strstr(e->d_name, ".html")) {
                        names = realloc(names, sizeof(char *) * (n + 1));
                        names[n++] = nf_xstrdup(e->d_name);
                }
        }
        closedir(d);
        qsort(names, n, sizeof(char *), name_cmp);
        for (int i = 0; i < n; i++) {
                char path[4096];
                snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
                page_load(path, names[i]);
                free(names[i]);
        }
        free(names);
}

static void fixture_load(const char *path)
{
        FILE *f = fopen(path, "r");
        if (!f) {
                perror(path);
                exit(2);
        }
        char line[8192];
        story_t *st = NULL;
        buf_t para = {0};
        while (1) {
                char *l = fgets(line, sizeof(line), f);
                if (l && line[0] == '#') {
                        continue;
                }
                if (!l || strncmp(line, "=== ", 4) == 0 || line[0] == '\n') {
                        if (st && para.len) {
                                squeeze(para.s);
                                story_add_para(st, para.s);
                        }
                        para.len = 0;
                }
                if (!l) {
                        break;
                }
                if (strncmp(line, "=== ", 4) == 0) {
                        char *bar = strchr(line, '|');
                        *bar = '\0';
                        squeeze(line + 4);
                        squeeze(bar + 1);
                        st = story_new(line + 4, bar + 1);
                        char *fu = strstr(st->id, "-followup");
                        for (int i = 0; fu && i < nstories - 1; i++) {
                                if (strncmp(stories[i].id, st->id,
                                            fu - st->id) == 0 &&
                                    stories[i].id[fu - st->id] == '\0') {
                                        st->followup_of = i;
                                }
                        }
                } else if (line[0] != '\n') {
                        buf_str(&para, line);
                }
        }
        free(para.s);
        fclose(f);
}

/* Shingle sets (sorted, unique) for the exact-Jaccard filters/baselines. */
typedef struct set_s {
        uint64_t *h;
        uint32_t n;
} set_t;

static int u64_cmp(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return (x > y) - (x < y);
}

static set_t shingles(const char *text, int k)
{
        nf_fp_tok_t tok;
        uint64_t ring[16];
        set_t s = {NULL, 0};
        size_t cap = 0, nw = 0, w;
        nf_fp_tok_init(&tok, text, strlen(text));
        while ((w = nf_fp_tok_next(&tok))) {
                ring[nw % k] = XXH3_64bits(tok.word, w);
                nw++;
                if (nw >= (size_t)k) {
                        uint64_t sh[16];
                        for (int i = 0; i < k; i++) {
                                sh[i] = ring[(nw + i) % k];
                        }
                        if (s.n == cap) {
                                cap = cap ? cap * 2 : 256;
                                s.h = realloc(s.h, cap * 8);
                        }
                        s.h[s.n++] = XXH3_64bits(sh, 8 * k);
                }
        }
        if (nw > 0 && nw < (size_t)k) {
                s.h = realloc(s.h, 8);
                s.h[s.n++] = XXH3_64bits(ring, 8 * nw);
        }
        qsort(s.h, s.n, 8, u64_cmp);
        uint32_t o = 0;
        for (uint32_t i = 0; i < s.n; i++) {
                if (o == 0 || s.h[o - 1] != s.h[i]) {
                        s.h[o++] = s.h[i];
                }
        }
        s.n = o;
        return s;
}

static uint32_t intersect(const set_t *a, const set_t *b)
{
        uint32_t i = 0, j = 0, n = 0;
        while (i < a->n && j < b->n) {
                if (a->h[i] < b->h[j]) {
                        i++;
                } else if (a->h[i] > b->h[j]) {
                        j++;
                } else {
                        n++, i++, j++;
                }
        }
        return n;
}

static double jaccard(const set_t *a, const set_t *b)
{
        uint32_t in = intersect(a, b);
        uint32_t un = a->n + b->n - in;
        return un ? (double)in / un : 0;
}

/* Drops paragraphs that occur on two pages (site chrome the <p> picked up)
 * and repeats within a page, then stories too short or overlapping an
 * earlier one, so that originals are distinct stories. */
static int filter_stories(int nreal)
{
        size_t nh = 0, total = 1;
        for (int i = 0; i < nreal; i++) {
                total += stories[i].np;
        }
        uint64_t *hs = malloc(8 * total);
        nh = 0;
        for (int i = 0; i < nreal; i++) {
                for (int j = 0; j < stories[i].np; j++) {
                        uint64_t h = norm_hash(stories[i].p[j]);
                        int seen = 0;
                        for (int k = 0; k < j; k++) {
                                seen |= norm_hash(stories[i].p[k]) == h;
                        }
                        if (!seen) {
                                hs[nh++] = h;
                        }
                }
        }
        qsort(hs, nh, 8, u64_cmp);
        int kept = 0;
        set_t *sets = calloc(nreal > 0 ? (size_t)nreal : 1, sizeof(set_t));
        for (int i = 0; i < nreal; i++) {
                story_t *st = &stories[i];
                int o = 0;
                st->words = 0;
                for (int j = 0; j < st->np; j++) {
                        uint64_t h = norm_hash(st->p[j]);
                        uint64_t *lo = bsearch(&h, hs, nh, 8, u64_cmp);
                        int shared = lo && ((lo > hs && lo[-1] == h) ||
                                            (lo + 1 < hs + nh && lo[1] == h));
                        int repeat = 0;
                        for (int k = 0; k < o; k++) {
                                repeat |= norm_hash(st->p[k]) == h;
                        }
                        if (shared || repeat) {
                                free(st->p[j]);
                        } else {
                                st->p[o++] = st->p[j];
                                st->words += count_words(st->p[j]);
                        }
                }
                st->np = o;
                int ok = st->np >= 2 && st->words >= 60;
                if (ok) {
                        buf_t b = {0};
                        for (int j = 0; j < st->np; j++) {
                                buf_str(&b, st->p[j]);
                                buf_str(&b, "\n");
                        }
                        sets[i] = shingles(b.s, 5);
                        free(b.s);
                        for (int k = 0; k < i && ok; k++) {
                                if (!sets[k].n) {
                                        continue;
                                }
                                uint32_t in = intersect(&sets[i], &sets[k]);
                                uint32_t lo = sets[i].n < sets[k].n ? sets[i].n
                                                                    : sets[k].n;
                                ok = in < 0.2 * lo;
                        }
                        if (!ok) {
                                free(sets[i].h);
                                sets[i].h = NULL;
                                sets[i].n = 0;
                        }
                }
                if (ok) {
                        kept++;
                } else {
                        for (int j = 0; j < st->np; j++) {
                                free(st->p[j]);
                        }
                        st->np = 0; /* unusable */
                }
        }
        for (int i = 0; i < nreal; i++) {
                free(sets[i].h);
        }
        free(sets);
        free(hs);
        return kept;
}

/* ----------------------------------------------------------------- sites */
#define NSITES 20
static const char *site_names[NSITES] = {
    "Daily Ledger",      "Morning Courier", "Valley Herald",
    "Northern Echo",     "Metro Gazette",   "Coastal Times",
    "Evening Post",      "Capital Wire",    "Riverside Chronicle",
    "Lakeside Observer", "Harbour News",    "Highland Tribune",
    "Westside Bulletin", "Union Dispatch",  "Frontier Press",
    "Summit Daily",      "Prairie Journal", "Bay Sentinel",
    "Central Register",  "Island Mirror"};
static const char *headers[] = {
    "%s | Latest news, analysis and opinion",
    "Advertisement",
    "Listen to this article",
    "Sign up for %s breaking news alerts on your phone",
    "Share this story on Facebook, X, WhatsApp or by email",
};
static const char *footers[] = {
    "Subscribe to the %s newsletter to get the day's top stories in your "
    "inbox every morning.",
    "Copyright 2024 %s Media Group. All rights reserved. This material may "
    "not be published, broadcast, rewritten or redistributed.",
    "Follow %s on Facebook, X and Instagram for breaking news, live updates "
    "and exclusive video.",
    "Have a news tip? Contact the %s newsroom or call our 24-hour desk.",
    "This article originally appeared in %s and is republished here with "
    "permission.",
    "Comments on this story are moderated according to the %s community "
    "guidelines and may take up to an hour to appear.",
    "Support independent journalism: become a %s member today from just "
    "one euro a week.",
};
static const char *people[] = {"Anna Weiss",  "Tom Baker",   "Lina Costa",
                               "Omar Haddad", "Ruth Jensen", "Ivo Marek"};

typedef struct site_s {
        unsigned headers, footers; /* bit sets of the templates */
        int related;               /* number of "Related:" lines */
        int byline;
} site_t;
static site_t sites[NSITES];

static void sites_init(void)
{
        for (int s = 0; s < NSITES; s++) {
                sites[s].headers =
                    (unsigned)rndu(1u << 5) & (unsigned)rndu(1u << 5);
                do {
                        sites[s].footers = (unsigned)rndu(1u << 7);
                } while (__builtin_popcount(sites[s].footers) < 2 ||
                         __builtin_popcount(sites[s].footers) > 4);
                sites[s].related = (int)rndu(3);
                sites[s].byline = chance(0.5);
        }
}

/* Some story's first words, as a "Related:" headline. */
static void pseudo_headline(buf_t *b)
{
        for (int tries = 0; tries < 100; tries++) {
                story_t *st = &stories[rndu(nstories)];
                if (st->np == 0) {
                        continue;
                }
                const char *p = st->p[0];
                int words = 0;
                size_t i = 0;
                while (p[i] && words < 9) {
                        words += p[i] == ' ';
                        i++;
                }
                buf_add(b, p, i ? i - 1 : 0);
                return;
        }
}

typedef struct paras_s {
        char **p;
        int n;
} paras_t;

static void paras_add(paras_t *ps, char *owned)
{
        ps->p = realloc(ps->p, sizeof(char *) * (ps->n + 1));
        ps->p[ps->n++] = owned;
}

static void paras_insert(paras_t *ps, int at, char *owned)
{
        paras_add(ps, owned);
        memmove(ps->p + at + 1, ps->p + at, sizeof(char *) * (ps->n - 1 - at));
        ps->p[at] = owned;
}

static void paras_free(paras_t *ps)
{
        for (int i = 0; i < ps->n; i++) {
                free(ps->p[i]);
        }
        free(ps->p);
        ps->p = NULL;
        ps->n = 0;
}

/* Adds site s's header and footer lines; returns the number of header
 * paragraphs put in front. */
static int add_boilerplate(paras_t *ps, int s)
{
        const char *name = site_names[s];
        int at = 0;
        for (int i = 0; i < 5; i++) {
                if (sites[s].headers >> i & 1) {
                        buf_t b = {0};
                        buf_fmt(&b, headers[i], name);
                        paras_insert(ps, at++, b.s);
                }
        }
        if (sites[s].byline) {
                buf_t b = {0};
                buf_fmt(&b, "By %s, %s", people[rndu(6)], name);
                paras_insert(ps, at++, b.s);
        }
        for (int i = 0; i < sites[s].related; i++) {
                buf_t b = {0};
                buf_str(&b, "Related: ");
                pseudo_headline(&b);
                paras_add(ps, b.s);
        }
        for (int i = 0; i < 7; i++) {
                if (sites[s].footers >> i & 1) {
                        buf_t b = {0};
                        buf_fmt(&b, footers[i], name);
                        paras_add(ps, b.s);
                }
        }
        return at;
}

/* ----------------------------------------------------------------- edits */
enum {
        E_BOILER = 1,
        E_HEADLINE = 2,
        E_HEADTEXT = 4,
        E_DROP = 8,
        E_QUOTES = 16,
        E_SPACE = 32,
        E_WORDS = 64,
        E__N = 7
};
static const char *edit_names[E__N] = {"other site boilerplate",
                                       "rewritten headline",
                                       "headline in text",
                                       "dropped paragraph",
                                       "quote style",
                                       "whitespace",
                                       "word edits"};

static char *swap_quotes(const char *s)
{
        buf_t b = {0};
        int straight = strchr(s, '"') || strchr(s, '\'');
        int open = 1;
        for (const char *p = s; *p; p++) {
                if (straight && *p == '"') {
                        buf_str(&b, open ? "\xe2\x80\x9c" : "\xe2\x80\x9d");
                        open = !open;
                } else if (straight && *p == '\'') {
                        buf_str(&b, "\xe2\x80\x99");
                } else if (!straight && (strncmp(p, "\xe2\x80\x9c", 3) == 0 ||
                                         strncmp(p, "\xe2\x80\x9d", 3) == 0 ||
                                         strncmp(p, "\xe2\x80\x9e", 3) == 0)) {
                        buf_str(&b, "\"");
                        p += 2;
                } else if (!straight && (strncmp(p, "\xe2\x80\x98", 3) == 0 ||
                                         strncmp(p, "\xe2\x80\x99", 3) == 0)) {
                        buf_str(&b, "'");
                        p += 2;
                } else {
                        buf_add(&b, p, 1);
                }
        }
        if (!b.s) {
                buf_str(&b, "");
        }
        return b.s;
}

/* One small word edit in a random paragraph: replace, delete or insert. */
static void word_edit(paras_t *ps, int from, int to)
{
        static const char *fill[] = {"also",    "reportedly", "now",
                                     "however", "on Monday",  "officials said",
                                     "2024"};
        int pi = from + (int)rndu((uint32_t)(to - from));
        char *p = ps->p[pi];
        int nsp = 0;
        for (char *c = p; *c; c++) {
                nsp += *c == ' ';
        }
        if (nsp < 3) {
                return;
        }
        int target = 1 + (int)rndu((uint32_t)nsp - 1), k = 0;
        char *at = p;
        for (; *at; at++) {
                if (*at == ' ' && ++k == target) {
                        break;
                }
        }
        char *end = strchr(at + 1, ' ');
        if (!end) {
                end = at + strlen(at);
        }
        buf_t b = {0};
        buf_add(&b, p, at - p);
        switch (rndu(3)) {
        case 0: /* replace the word */
                buf_fmt(&b, " %s", fill[rndu(7)]);
                buf_str(&b, end);
                break;
        case 1: /* delete it */
                buf_str(&b, end);
                break;
        default: /* insert a word before it */
                buf_fmt(&b, " %s", fill[rndu(7)]);
                buf_str(&b, at);
                break;
        }
        free(p);
        ps->p[pi] = b.s;
}

static char *space_edit(const char *s)
{
        buf_t b = {0};
        for (const char *p = s; *p; p++) {
                if (*p == ' ' && chance(0.05)) {
                        buf_str(&b, chance(0.5) ? "  " : "\xc2\xa0");
                } else {
                        buf_add(&b, p, 1);
                }
        }
        if (chance(0.3)) {
                buf_str(&b, " ");
        }
        if (!b.s) {
                buf_str(&b, "");
        }
        return b.s;
}

static char *join(const paras_t *ps, const char *sep)
{
        buf_t b = {0};
        for (int i = 0; i < ps->n; i++) {
                if (i) {
                        buf_str(&b, sep);
                }
                buf_str(&b, ps->p[i]);
        }
        if (!b.s) {
                buf_str(&b, "");
        }
        return b.s;
}

/* ---------------------------------------------------------------- stream */
enum { K_ORIG, K_EXACT, K_NEAR, K_FOLLOW, K__N };
static const char *kind_names[K__N] = {"original", "exact re-post",
                                       "syndicated copy", "follow-up"};

typedef struct sdoc_s {
        char id[32];
        char *text, *title;
        int kind, of; /* of: the original (copies), the story (follow-ups) */
        int story, site, has_boiler;
        paras_t full; /* originals: paragraphs, body is [b0, b1) */
        int b0, b1;
        unsigned edits;
        double t;
} sdoc_t;

static sdoc_t *docs;
static int ndocs;
static int *pos_of_num; /* stream position of "eval-N" (N = creation order) */

static sdoc_t *doc_new(int kind, int of, double t)
{
        docs = realloc(docs, sizeof(sdoc_t) * (ndocs + 1));
        sdoc_t *d = &docs[ndocs];
        memset(d, 0, sizeof(*d));
        snprintf(d->id, sizeof(d->id), "eval-%05d", ndocs);
        d->kind = kind;
        d->of = of;
        d->t = t;
        ndocs++;
        return d;
}

static void body_of(paras_t *ps, const story_t *st)
{
        for (int i = 0; i < st->np; i++) {
                paras_add(ps, nf_xstrdup(st->p[i]));
        }
}

static void make_copy(int oi, double t)
{
        sdoc_t *o = &docs[oi];
        const story_t *st = &stories[o->story];
        unsigned e = 0;
        e |= chance(0.7) ? E_BOILER : 0;
        e |= chance(0.5) ? E_HEADLINE : 0;
        e |= (e & E_HEADLINE) && chance(0.4) ? E_HEADTEXT : 0;
        e |= st->np >= 4 && chance(0.4) ? E_DROP : 0;
        e |= chance(0.5) ? E_QUOTES : 0;
        e |= chance(0.5) ? E_SPACE : 0;
        e |= chance(0.5) ? E_WORDS : 0;
        if (!e) {
                e = E_SPACE;
        }
        /* Start from the original's body alone when another site's
         * boilerplate replaces the original's, else from its whole text. */
        paras_t ps = {0};
        int b0 = 0, b1;
        if (e & E_BOILER) {
                for (int i = o->b0; i < o->b1; i++) {
                        paras_add(&ps, nf_xstrdup(o->full.p[i]));
                }
        } else {
                for (int i = 0; i < o->full.n; i++) {
                        paras_add(&ps, nf_xstrdup(o->full.p[i]));
                }
                b0 = o->b0;
        }
        b1 = b0 + (o->b1 - o->b0);
        if (e & E_DROP) {
                int at = b0 + 1 + (int)rndu((uint32_t)(b1 - b0) - 1);
                free(ps.p[at]);
                memmove(ps.p + at, ps.p + at + 1,
                        sizeof(char *) * (ps.n - at - 1));
                ps.n--;
                b1--;
        }
        if (e & E_WORDS) {
                int n = 1 + (int)rndu(4);
                for (int i = 0; i < n; i++) {
                        word_edit(&ps, b0, b1);
                }
        }
        int site = o->site;
        if (e & E_BOILER) {
                do {
                        site = (int)rndu(NSITES);
                } while (site == o->site);
                add_boilerplate(&ps, site);
        }
        buf_t title = {0};
        buf_str(&title, st->title);
        if (e & E_HEADLINE) {
                title.len = 0;
                buf_fmt(&title, "%s: %s | %s", chance(0.5) ? "UPDATE" : "WATCH",
                        st->title, site_names[site]);
        }
        if (e & E_HEADTEXT) {
                paras_insert(&ps, 0, nf_xstrdup(title.s));
        }
        for (int i = 0; (e & (E_QUOTES | E_SPACE)) && i < ps.n; i++) {
                char *p = ps.p[i];
                if (e & E_QUOTES) {
                        char *q = swap_quotes(p);
                        free(p);
                        p = q;
                }
                if (e & E_SPACE) {
                        char *q = space_edit(p);
                        free(p);
                        p = q;
                }
                ps.p[i] = p;
        }
        sdoc_t *d = doc_new(K_NEAR, oi, t);
        d->story = docs[oi].story;
        d->site = site;
        d->edits = e;
        d->title = title.s;
        d->text = join(&ps, (e & E_SPACE) && chance(0.5) ? "\n" : "\n\n");
        paras_free(&ps);
}

/* A later, different story on the same event: another page's text with one
 * or two paragraphs of the original, which stay under a third of its words.
 * Returns 0 when the fresh text is too short for that. */
static int make_followup(int oi, int fresh, double t)
{
        /* docs may move in doc_new(): copy what is needed from the original */
        const story_t *st = &stories[docs[oi].story];
        int site = docs[oi].site;
        if (stories[fresh].words < 150) {
                return 0;
        }
        paras_t ps = {0};
        body_of(&ps, &stories[fresh]);
        int words = stories[fresh].words, shared = 0;
        for (int tries = 0; tries < 8 && shared < 2; tries++) {
                const char *p = st->p[rndu((uint32_t)st->np)];
                int w = count_words(p);
                if (3 * (w + (words - stories[fresh].words)) > words + w) {
                        continue;
                }
                int at = 1 + (int)rndu((uint32_t)ps.n);
                paras_insert(&ps, at > ps.n ? ps.n : at, nf_xstrdup(p));
                words += w;
                shared++;
        }
        if (!shared) {
                paras_free(&ps);
                return 0;
        }
        sdoc_t *d = doc_new(K_FOLLOW, oi, t);
        d->story = fresh;
        d->site = site;
        if (chance(0.5)) {
                add_boilerplate(&ps, site);
                d->has_boiler = 1;
        }
        d->title = nf_xstrdup(stories[fresh].title);
        d->text = join(&ps, "\n\n");
        paras_free(&ps);
        return 1;
}

static int by_time(const void *a, const void *b)
{
        const sdoc_t *x = a, *y = b;
        if (x->t != y->t) {
                return x->t < y->t ? -1 : 1;
        }
        return strcmp(x->id, y->id);
}

static void build_stream(int nreal)
{
        /* Usable real stories, shuffled: 75% originals, 25% fresh text for
         * follow-ups (each used once, so follow-ups stay distinct). */
        int *idx = NULL, n = 0;
        for (int i = 0; i < nreal; i++) {
                if (stories[i].np) {
                        idx = realloc(idx, sizeof(int) * (n + 1));
                        idx[n++] = i;
                }
        }
        for (int i = n - 1; i > 0; i--) {
                int j = (int)rndu((uint32_t)i + 1), tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
        }
        int nfresh = n / 4, next_fresh = 0;
        const double day = 86400;
        for (int i = nfresh; i < n + (nstories - nreal); i++) {
                int s = i < n ? idx[i] : nreal + (i - n);
                if (stories[s].followup_of >= 0) {
                        continue;
                }
                double t = rndu(3 * 86400);
                sdoc_t *d = doc_new(K_ORIG, -1, t);
                int oi = ndocs - 1;
                d->story = s;
                d->site = (int)rndu(NSITES);
                body_of(&d->full, &stories[s]);
                if (chance(0.6)) {
                        d->b0 = add_boilerplate(&d->full, d->site);
                        d->has_boiler = 1;
                }
                d->b1 = d->b0 + stories[s].np;
                d->text = join(&d->full, "\n\n");
                d->title = nf_xstrdup(stories[s].title);
                if (chance(0.25)) {
                        sdoc_t *x =
                            doc_new(K_EXACT, oi, t + 60 + rndu(2 * day));
                        x->story = s;
                        x->text = nf_xstrdup(docs[oi].text);
                        x->title = nf_xstrdup(docs[oi].title);
                }
                int ncopies = (int)rndu(4);
                for (int c = 0; c < ncopies; c++) {
                        make_copy(oi, t + 60 + rndu(2 * day));
                }
                if (s < nreal && next_fresh < nfresh && chance(0.45) &&
                    stories[s].np >= 3) {
                        make_followup(oi, idx[next_fresh++],
                                      t + 3600 + rndu(2 * day));
                }
                for (int f = nreal; f < nstories; f++) {
                        if (stories[f].followup_of == s) {
                                sdoc_t *fd =
                                    doc_new(K_FOLLOW, oi, t + 3600 + rndu(day));
                                paras_t fp = {0};
                                body_of(&fp, &stories[f]);
                                fd->story = f;
                                fd->text = join(&fp, "\n\n");
                                fd->title = nf_xstrdup(stories[f].title);
                                paras_free(&fp);
                        }
                }
        }
        free(idx);
        /* `of` indexes docs before sorting: remap through ids. */
        char(*ofid)[32] = calloc(ndocs, 32);
        for (int i = 0; i < ndocs; i++) {
                if (docs[i].of >= 0) {
                        memcpy(ofid[i], docs[docs[i].of].id, 32);
                }
        }
        for (int i = 0; i < ndocs; i++) {
                docs[i].of = -1 - i; /* remember the pre-sort position */
        }
        qsort(docs, ndocs, sizeof(sdoc_t), by_time);
        for (int i = 0; i < ndocs; i++) {
                int pre = -1 - docs[i].of;
                docs[i].of = -1;
                if (ofid[pre][0]) {
                        for (int j = 0; j < ndocs; j++) {
                                if (strcmp(docs[j].id, ofid[pre]) == 0) {
                                        docs[i].of = j;
                                }
                        }
                }
        }
        free(ofid);
        pos_of_num = realloc(pos_of_num, sizeof(int) * (size_t)ndocs);
        for (int i = 0; i < ndocs; i++) {
                pos_of_num[atoi(docs[i].id + 5)] = i;
        }
}

/* --------------------------------------------------------------- scoring */
typedef struct pred_s {
        int status; /* 0 unique, 1 duplicate, 2 near_duplicate */
        int of;     /* doc index of duplicate_of, -1 */
        double sim;
} pred_t;

typedef struct score_s {
        int tp, flagged, pos; /* near-duplicates */
        int etp, epos;        /* exact re-posts */
        int fp_kind[K__N];    /* wrong flags by kind */
        int edit_pos[E__N], edit_tp[E__N];
} score_t;

static score_t score(const pred_t *pr)
{
        score_t s;
        memset(&s, 0, sizeof(s));
        for (int i = 0; i < ndocs; i++) {
                const sdoc_t *d = &docs[i];
                int flagged = pr[i].status != 0;
                int right = flagged &&
                            (d->kind == K_EXACT || d->kind == K_NEAR) &&
                            pr[i].of == d->of;
                if (d->kind == K_EXACT) {
                        s.epos++;
                        s.etp += right && pr[i].status == 1;
                        continue;
                }
                s.flagged += flagged;
                s.tp += right;
                if (flagged && !right) {
                        s.fp_kind[d->kind]++;
                }
                if (d->kind == K_NEAR) {
                        s.pos++;
                        for (int e = 0; e < E__N; e++) {
                                if (d->edits >> e & 1) {
                                        s.edit_pos[e]++;
                                        s.edit_tp[e] += right;
                                }
                        }
                }
        }
        return s;
}

static int all_pass = 1;

static void print_score(const char *name, const score_t *s, double docs_s,
                        int target)
{
        double p = s->flagged ? (double)s->tp / s->flagged : 1;
        double r = s->pos ? (double)s->tp / s->pos : 1;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        double er = s->epos ? (double)s->etp / s->epos : 1;
        printf("%-44s %6.3f %6.3f %6.3f %7.3f %5d %5d %8.0f%s\n", name, p, r, f,
               er, s->flagged - s->tp, s->pos - s->tp, docs_s,
               target
                   ? (p >= 0.99 && r >= 0.95 && er == 1.0 ? "  PASS" : "  FAIL")
                   : "");
        if (target && !(p >= 0.99 && r >= 0.95 && er == 1.0)) {
                all_pass = 0;
        }
}

/* CPU seconds: the machines are shared, wall time is noisy. */
static double now_mono(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------- processor */
static int64_t stream_now;

static int64_t stream_clock(void)
{
        return stream_now;
}

static int doc_by_id(const char *id)
{
        int n;
        if (!id || sscanf(id, "eval-%d", &n) != 1 || n < 0 || n >= ndocs) {
                return -1;
        }
        return pos_of_num[n];
}

static double run_processor(const char *threshold, pred_t *pr)
{
        nf_conf_t *conf = nf_conf_new();
        nf_conf_set(conf, "dedup.action", "mark");
        if (threshold) {
                nf_conf_set(conf, "dedup.threshold", threshold);
        }
        nf_conf_apply_defaults(conf, nf_processor_dedup.conf_keys);
        char err[512];
        void *self = nf_processor_dedup.create(conf, err, sizeof(err));
        if (!self) {
                fprintf(stderr, "eval_dedup: %s\n", err);
                exit(2);
        }
        nf_dedup_clock = stream_clock;
        double t0 = now_mono();
        for (int i = 0; i < ndocs; i++) {
                nf_article_t *art = nf_article_new();
                nf_article_set(art, NF_F_ID, docs[i].id, strlen(docs[i].id));
                nf_article_set(art, NF_F_TITLE, docs[i].title,
                               strlen(docs[i].title));
                nf_article_set(art, NF_F_TEXT, docs[i].text,
                               strlen(docs[i].text));
                stream_now = 1700000000 + (int64_t)docs[i].t;
                nf_outcome_t out;
                nf_outcome_init(&out);
                nf_processor_dedup.process(self, art, &out);
                pr[i].status = art->dedup.status == NF_DEDUP_DUPLICATE ? 1
                               : art->dedup.status == NF_DEDUP_NEAR_DUPLICATE
                                   ? 2
                                   : 0;
                pr[i].of = doc_by_id(art->dedup.duplicate_of);
                pr[i].sim = art->dedup.similarity;
                nf_outcome_fini(&out);
                nf_article_destroy(art);
        }
        double dt = now_mono() - t0;
        nf_processor_dedup.destroy(self);
        nf_conf_destroy(conf);
        return ndocs / dt;
}

/* ------------------------------------------------------------- baselines */
typedef int (*match_fn)(int i, int u, double *sim, const void *arg);

static set_t *sets3, *sets5;
static uint64_t *simh, *exact;

/* Sequential oracle: each document against every earlier unique one; the
 * earliest match wins, like the processor. */
static double run_oracle(match_fn fn, const void *arg, pred_t *pr)
{
        int *uniq = malloc(sizeof(int) * ndocs), nu = 0;
        double t0 = now_mono();
        for (int i = 0; i < ndocs; i++) {
                pr[i].status = 0;
                pr[i].of = -1;
                for (int k = 0; k < nu; k++) {
                        double sim;
                        if (fn(i, uniq[k], &sim, arg)) {
                                pr[i].status =
                                    exact[i] == exact[uniq[k]] ? 1 : 2;
                                pr[i].of = uniq[k];
                                pr[i].sim = sim;
                                break;
                        }
                }
                if (!pr[i].status) {
                        uniq[nu++] = i;
                }
        }
        free(uniq);
        return ndocs / (now_mono() - t0);
}

typedef struct jarg_s {
        int k;
        double j, c; /* Jaccard threshold; containment threshold (>1 off) */
} jarg_t;

static int match_jaccard(int i, int u, double *sim, const void *arg)
{
        const jarg_t *a = arg;
        set_t *s = a->k == 3 ? sets3 : sets5;
        if (exact[i] == exact[u]) {
                *sim = 1;
                return 1;
        }
        uint32_t in = intersect(&s[i], &s[u]);
        uint32_t un = s[i].n + s[u].n - in;
        uint32_t lo = s[i].n < s[u].n ? s[i].n : s[u].n;
        *sim = un ? (double)in / un : 0;
        return *sim >= a->j || (lo && (double)in / lo >= a->c);
}

static int match_simhash(int i, int u, double *sim, const void *arg)
{
        int h = __builtin_popcountll(simh[i] ^ simh[u]);
        *sim = 1 - h / 64.0;
        return h <= *(const int *)arg;
}

static uint64_t simhash(const set_t *s)
{
        int v[64] = {0};
        for (uint32_t i = 0; i < s->n; i++) {
                for (int b = 0; b < 64; b++) {
                        v[b] += (s->h[i] >> b & 1) ? 1 : -1;
                }
        }
        uint64_t h = 0;
        for (int b = 0; b < 64; b++) {
                h |= (uint64_t)(v[b] > 0) << b;
        }
        return h;
}

static int dbl_cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

/* How similar the labelled pairs are, over all seeds: exact 5-shingle
 * Jaccard of each copy to its original, and of each negative to the most
 * similar earlier document. */
static double *prof_pos, *prof_neg;
static int nprof_pos, nprof_neg;

static void profile_stream(void)
{
        for (int i = 0; i < ndocs; i++) {
                double m = 0;
                if (docs[i].kind == K_NEAR) {
                        m = jaccard(&sets5[i], &sets5[docs[i].of]);
                        prof_pos = realloc(prof_pos, 8 * (nprof_pos + 1));
                        prof_pos[nprof_pos++] = m;
                } else if (docs[i].kind == K_ORIG || docs[i].kind == K_FOLLOW) {
                        for (int k = 0; k < i; k++) {
                                double j = jaccard(&sets5[i], &sets5[k]);
                                m = j > m ? j : m;
                        }
                        prof_neg = realloc(prof_neg, 8 * (nprof_neg + 1));
                        prof_neg[nprof_neg++] = m;
                }
        }
}

static void print_profile(void)
{
        double *pj = prof_pos, *nj = prof_neg;
        int np = nprof_pos, nn = nprof_neg;
        qsort(pj, np, sizeof(double), dbl_cmp);
        qsort(nj, nn, sizeof(double), dbl_cmp);
        printf("5-shingle Jaccard, copy vs its original:     p1 %.2f  p5 %.2f  "
               "p10 %.2f  median %.2f\n",
               pj[np / 100], pj[np / 20], pj[np / 10], pj[np / 2]);
        printf("5-shingle Jaccard, negative vs most similar: median %.2f  p99 "
               "%.2f  max %.2f\n",
               nj[nn / 2], nj[nn * 99 / 100], nj[nn - 1]);
}

/* Why the processor missed copies and flagged negatives (EVAL_DEDUP_DEBUG). */
static void print_debug(const pred_t *pr)
{
        for (int i = 0; i < ndocs; i++) {
                const sdoc_t *d = &docs[i];
                int right = (d->kind == K_EXACT || d->kind == K_NEAR) &&
                            pr[i].of == d->of;
                if (pr[i].status && !right) {
                        int o = pr[i].of;
                        printf(
                            "false %s (%s, %s, site %d%s) as %s (%s, %s, site "
                            "%d%s): J5 %.2f est %.2f shingles %u/%u\n",
                            d->id, kind_names[d->kind], stories[d->story].id,
                            d->site, d->has_boiler ? "+bp" : "", docs[o].id,
                            kind_names[docs[o].kind], stories[docs[o].story].id,
                            docs[o].site, docs[o].has_boiler ? "+bp" : "",
                            jaccard(&sets5[i], &sets5[o]), pr[i].sim,
                            sets5[i].n, sets5[o].n);
                }
                if (d->kind != K_NEAR || right) {
                        continue;
                }
                nf_fingerprint_t a, b;
                nf_fingerprint(d->text, strlen(d->text), &a);
                nf_fingerprint(docs[d->of].text, strlen(docs[d->of].text), &b);
                int shared = 0;
                for (int k = 0; k < NF_FP_ANCHORS; k++) {
                        for (int q = 0; q < NF_FP_ANCHORS; q++) {
                                shared += a.anchor[k] == b.anchor[q];
                        }
                }
                printf("miss %s of %s: J5 %.2f est %.2f shared anchors %d "
                       "shingles %u/%u edits %#x got %d of %d\n",
                       d->id, docs[d->of].id, jaccard(&sets5[i], &sets5[d->of]),
                       nf_fp_jaccard(a.sig, b.sig), shared, a.nshingles,
                       b.nshingles, d->edits, pr[i].status, pr[i].of);
        }
}

static void score_add(score_t *sum, const score_t *s)
{
        sum->tp += s->tp;
        sum->flagged += s->flagged;
        sum->pos += s->pos;
        sum->etp += s->etp;
        sum->epos += s->epos;
        for (int k = 0; k < K__N; k++) {
                sum->fp_kind[k] += s->fp_kind[k];
        }
        for (int e = 0; e < E__N; e++) {
                sum->edit_pos[e] += s->edit_pos[e];
                sum->edit_tp[e] += s->edit_tp[e];
        }
}

static void stream_free(void)
{
        for (int i = 0; i < ndocs; i++) {
                free(docs[i].text);
                free(docs[i].title);
                paras_free(&docs[i].full);
                free(sets3[i].h);
                free(sets5[i].h);
        }
        free(docs);
        docs = NULL;
        ndocs = 0;
        free(sets3);
        free(sets5);
        free(simh);
        free(exact);
}

#define MAX_METHODS 24

static const char *usage = "usage: eval_dedup [-s SEEDS] [-t THRESHOLD]... "
                           "[-b] [-o FILE] PAGES_DIR ARTICLES_FILE\n";

static int dump_texts(const char *path)
{
        FILE *f = fopen(path, "wb");
        if (!f) {
                perror(path);
                return 2;
        }
        for (int i = 0; i < ndocs; i++) {
                fprintf(f, "%s%s", i ? "\x1e" : "", docs[i].text);
        }
        return fclose(f) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
        const char *thresholds[16];
        int nthr = 0, baselines = 0, nseeds = 5, opt;
        const char *dump = NULL;
        while ((opt = getopt(argc, argv, "s:t:bo:")) != -1) {
                switch (opt) {
                case 's':
                        nseeds = atoi(optarg);
                        break;
                case 't':
                        if (nthr < 16) {
                                thresholds[nthr++] = optarg;
                        }
                        break;
                case 'b':
                        baselines = 1;
                        break;
                case 'o':
                        dump = optarg;
                        break;
                default:
                        fputs(usage, stderr);
                        return 2;
                }
        }
        if (argc - optind != 2 || nseeds < 1) {
                fputs(usage, stderr);
                return 2;
        }
        if (nthr == 0) {
                thresholds[nthr++] = NULL;
        }
        pages_load(argv[optind]);
        int nreal = nstories;
        fixture_load(argv[optind + 1]);
        int kept = filter_stories(nreal);

        char names[MAX_METHODS][96];
        score_t sums[MAX_METHODS];
        double secs[MAX_METHODS];
        int nm = 0, total_docs = 0, nk[K__N] = {0};
        memset(sums, 0, sizeof(sums));
        memset(secs, 0, sizeof(secs));
        static const jarg_t js[] = {
            {5, 0.8, 2}, {3, 0.8, 2}, {5, 0.5, 2}, {5, 0.5, 0.8}};
        int simhash_h = 3;

        for (int seed = 1; seed <= nseeds; seed++) {
                rng_seed = (uint64_t)seed;
                rng_n = 0;
                sites_init();
                build_stream(nreal);
                if (dump) {
                        return dump_texts(dump);
                }
                total_docs += ndocs;
                for (int i = 0; i < ndocs; i++) {
                        nk[docs[i].kind]++;
                }
                sets3 = malloc(sizeof(set_t) * (size_t)ndocs);
                sets5 = malloc(sizeof(set_t) * (size_t)ndocs);
                simh = malloc(8 * (size_t)ndocs);
                exact = malloc(8 * (size_t)ndocs);
                for (int i = 0; i < ndocs; i++) {
                        nf_fingerprint_t fp;
                        nf_fingerprint(docs[i].text, strlen(docs[i].text), &fp);
                        exact[i] = fp.exact;
                        sets3[i] = shingles(docs[i].text, 3);
                        sets5[i] = shingles(docs[i].text, 5);
                        simh[i] = simhash(&sets3[i]);
                }
                profile_stream();

                pred_t *pr =
                    calloc(ndocs > 0 ? (size_t)ndocs : 1, sizeof(pred_t));
                nm = 0;
                for (int t = 0; t < nthr; t++, nm++) {
                        double rate = run_processor(thresholds[t], pr);
                        secs[nm] += ndocs / rate;
                        score_t s = score(pr);
                        score_add(&sums[nm], &s);
                        snprintf(names[nm], sizeof(names[nm]),
                                 "newsflow MinHash k=%d anchors=%d t=%s",
                                 NF_FP_SHINGLE, NF_FP_ANCHORS,
                                 thresholds[t] ? thresholds[t] : "default");
                        if (t == 0 && getenv("EVAL_DEDUP_DEBUG")) {
                                print_debug(pr);
                        }
                }
                for (size_t i = 0; baselines && i < sizeof(js) / sizeof(js[0]);
                     i++, nm++) {
                        secs[nm] +=
                            ndocs / run_oracle(match_jaccard, &js[i], pr);
                        score_t s = score(pr);
                        score_add(&sums[nm], &s);
                        snprintf(names[nm], sizeof(names[nm]),
                                 "exact Jaccard %d-shingles >= %.1f%s", js[i].k,
                                 js[i].j,
                                 js[i].c <= 1 ? " or containment >= 0.8" : "");
                }
                if (baselines) {
                        secs[nm] +=
                            ndocs / run_oracle(match_simhash, &simhash_h, pr);
                        score_t s = score(pr);
                        score_add(&sums[nm], &s);
                        snprintf(names[nm], sizeof(names[nm]),
                                 "SimHash-64 3-shingles, Hamming <= 3");
                        nm++;
                }
                free(pr);
                stream_free();
        }

        printf("%d pages -> %d distinct real stories + %d written; %d seeded "
               "streams, %d documents:",
               nreal, kept, nstories - nreal, nseeds, total_docs);
        for (int k = 0; k < K__N; k++) {
                printf(" %s %d%s", kind_names[k], nk[k],
                       k + 1 < K__N ? "," : "\n");
        }
        print_profile();
        printf("\n%-48s %6s %6s %6s %7s %5s %5s %8s\n", "method", "nearP",
               "nearR", "nearF1", "exactR", "FP", "FN", "docs/s");
        for (int m = 0; m < nm; m++) {
                print_score(names[m], &sums[m], total_docs / secs[m], m < nthr);
        }
        printf("\n%s: wrong flags by kind:", names[0]);
        for (int k = 0; k < K__N; k++) {
                if (k != K_EXACT) {
                        printf(" %s %d", kind_names[k], sums[0].fp_kind[k]);
                }
        }
        printf("\nrecall of syndicated copies by edit (a copy has several):\n");
        for (int e = 0; e < E__N; e++) {
                printf("  %-24s %5d/%-5d %.3f\n", edit_names[e],
                       sums[0].edit_tp[e], sums[0].edit_pos[e],
                       sums[0].edit_pos[e]
                           ? (double)sums[0].edit_tp[e] / sums[0].edit_pos[e]
                           : 1.0);
        }
        printf("\ntarget (near-duplicate precision >= 0.99 and recall >= 0.95, "
               "exact recall 1.0) for every newsflow row: %s\n",
               all_pass ? "PASS" : "FAIL");

        for (int i = 0; i < nstories; i++) {
                for (int j = 0; j < stories[i].np; j++) {
                        free(stories[i].p[j]);
                }
                free(stories[i].p);
                free(stories[i].id);
                free(stories[i].title);
        }
        free(stories);
        free(prof_pos);
        free(prof_neg);
        free(pos_of_num);
        xmlCleanupParser();
        return all_pass ? 0 : 1;
}
