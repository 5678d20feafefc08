/*
 * dedup_index.c — generations of flat arrays and keyless LSH tables. See
 * dedup_index.h for the layout and the eviction rules.
 */
#include "processors/dedup_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define MAX_VERIFY 256 /* candidates verified per lookup at most */

static int64_t wall_clock(void)
{
        return (int64_t)time(NULL);
}

int64_t (*nf_dedup_clock)(void) = wall_clock;

/* An open-addressing table with linear probing; 0 = an empty cell. */
typedef struct tab_s {
        uint32_t *c;
        uint32_t size;
} tab_t;

typedef struct gen_s {
        uint32_t cap, n, live;
        uint32_t opened;   /* `now` when the generation was opened */
        uint32_t max_time; /* newest first_seen in it */
        uint32_t slot_bits;
        tab_t anchors;     /* NF_FP_ANCHORS cells per document */
        tab_t ids_tab;     /* one cell per document */
        uint32_t *time;    /* first_seen per slot; 0 = removed */
        uint32_t *exact;   /* low 32 bits of the exact hash */
        uint8_t *sig;      /* NF_FP_SIG_BYTES per slot */
        uint32_t *idoff;   /* encoded id's offset in ids */
        unsigned char *ids;
        size_t ids_len, ids_cap;
} gen_t;

struct nf_dedup_index_s {
        uint64_t max_docs;
        uint32_t window, gen_cap;
        int cur; /* newest generation, -1 before the first */
        gen_t *gens[NF_DEDUP_GENERATIONS];
        uint64_t evicted, expired, capped;
};

/* Ids are stored encoded: a varint header, then either the raw bytes
 * (header = len << 1) or, for ids that are an optional one-byte prefix plus
 * an even number of lowercase hex digits (URL/text hashes, numbers), the
 * prefix and the digits packed two per byte (header = bytes << 2 | prefix
 * << 1 | 1). The encoding is canonical, so encoded ids compare with memcmp. */
static int hexval(unsigned char c)
{
        if (c >= '0' && c <= '9') {
                return c - '0';
        }
        return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static size_t put_varint(unsigned char *out, uint64_t v)
{
        size_t n = 0;
        do {
                out[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
                v >>= 7;
        } while (v);
        return n;
}

static size_t get_varint(const unsigned char *in, uint64_t *v)
{
        size_t n = 0;
        *v = 0;
        do {
                *v |= (uint64_t)(in[n] & 0x7f) << (7 * n);
        } while (in[n++] & 0x80);
        return n;
}

/* out needs id_len + 10 bytes. Returns the encoded length. */
static size_t id_encode(const char *id, size_t id_len, unsigned char *out)
{
        const unsigned char *s = (const unsigned char *)id;
        size_t pre = (id_len > 0 && hexval(s[0]) < 0) ? 1 : 0;
        size_t nhex = id_len - pre, i;
        for (i = pre; i < id_len && hexval(s[i]) >= 0; i++) {
        }
        if (i < id_len || nhex < 2 || nhex % 2) {
                size_t n = put_varint(out, (uint64_t)id_len << 1);
                memcpy(out + n, id, id_len);
                return n + id_len;
        }
        size_t n = put_varint(out, (uint64_t)(nhex / 2) << 2 | pre << 1 | 1);
        if (pre) {
                out[n++] = s[0];
        }
        for (i = pre; i < id_len; i += 2) {
                out[n++] = (unsigned char)(hexval(s[i]) << 4 | hexval(s[i + 1]));
        }
        return n;
}

/* Length of the encoded id at in. */
static size_t id_enc_len(const unsigned char *in)
{
        uint64_t h;
        size_t n = get_varint(in, &h);
        if (!(h & 1)) {
                return n + (h >> 1);
        }
        return n + ((h >> 1) & 1) + (h >> 2);
}

/* Decodes the id at in into a new string. Never NULL (aborts on OOM). */
static char *id_decode(const unsigned char *in)
{
        static const char hex[] = "0123456789abcdef";
        uint64_t h;
        size_t n = get_varint(in, &h);
        size_t len = (h & 1) ? ((h >> 1) & 1) + 2 * (h >> 2) : h >> 1;
        char *id = malloc(len + 1);
        if (!id) {
                abort();
        }
        if (!(h & 1)) {
                memcpy(id, in + n, len);
        } else {
                size_t o = 0;
                if ((h >> 1) & 1) {
                        id[o++] = (char)in[n++];
                }
                for (uint64_t i = 0; i < (h >> 2); i++) {
                        id[o++] = hex[in[n + i] >> 4];
                        id[o++] = hex[in[n + i] & 15];
                }
        }
        id[len] = '\0';
        return id;
}

/* An id encoded into a stack buffer, or the heap when it is long. */
typedef struct enc_id_s {
        unsigned char buf[256], *p;
        size_t len;
        uint32_t key;
} enc_id_t;

static void enc_id_init(enc_id_t *e, const char *id, size_t id_len)
{
        e->p = id_len + 10 <= sizeof(e->buf) ? e->buf : malloc(id_len + 10);
        if (!e->p) {
                abort();
        }
        e->len = id_encode(id, id_len, e->p);
        e->key = (uint32_t)XXH3_64bits(e->p, e->len);
}

static void enc_id_fini(enc_id_t *e)
{
        if (e->p != e->buf) {
                free(e->p);
        }
}

/* Cells: slot + 1 in the low slot_bits, the key's low bits above them as a
 * tag; the position comes from the key's high bits. */
static uint32_t cell_pos(const tab_t *t, uint32_t key)
{
        return (uint32_t)(((uint64_t)key * t->size) >> 32);
}

static uint32_t cell_tag(const gen_t *g, uint32_t key)
{
        return g->slot_bits >= 32 ? 0 : key << g->slot_bits;
}

static void cell_put(gen_t *g, tab_t *t, uint32_t key, uint32_t slot)
{
        uint32_t p = cell_pos(t, key);
        while (t->c[p]) {
                p = p + 1 == t->size ? 0 : p + 1;
        }
        t->c[p] = cell_tag(g, key) | (slot + 1);
}

/* Calls back for every slot whose cell carries key's tag; stops early when
 * fn returns non-zero. */
typedef int (*slot_fn)(gen_t *g, uint32_t slot, void *ud);

static int cell_each(gen_t *g, const tab_t *t, uint32_t key, slot_fn fn,
                     void *ud)
{
        uint32_t mask = (g->slot_bits >= 32) ? UINT32_MAX
                                             : ((1u << g->slot_bits) - 1);
        uint32_t tag = cell_tag(g, key);
        for (uint32_t p = cell_pos(t, key); t->c[p];
             p = p + 1 == t->size ? 0 : p + 1) {
                if ((t->c[p] & ~mask) == tag) {
                        int r = fn(g, (t->c[p] & mask) - 1, ud);
                        if (r) {
                                return r;
                        }
                }
        }
        return 0;
}

static size_t gen_bytes(const gen_t *g)
{
        size_t per_slot = 4 + 4 + NF_FP_SIG_BYTES + 4;
        return sizeof(*g) + (size_t)g->cap * per_slot +
               ((size_t)g->anchors.size + g->ids_tab.size) * 4 + g->ids_cap;
}

static void gen_free(gen_t *g)
{
        if (!g) {
                return;
        }
        free(g->anchors.c);
        free(g->ids_tab.c);
        free(g->time);
        free(g->exact);
        free(g->sig);
        free(g->idoff);
        free(g->ids);
        free(g);
}

static gen_t *gen_new(uint32_t cap, uint32_t now)
{
        gen_t *g = calloc(1, sizeof(*g));
        if (!g) {
                abort();
        }
        g->cap = cap;
        g->opened = now;
        g->slot_bits = 1;
        while (g->slot_bits < 32 && ((uint64_t)1 << g->slot_bits) <= cap) {
                g->slot_bits++;
        }
        /* load <= 0.8 */
        g->anchors.size = (uint32_t)((uint64_t)cap * NF_FP_ANCHORS * 5 / 4 + 1);
        g->ids_tab.size = (uint32_t)((uint64_t)cap * 5 / 4 + 1);
        g->anchors.c = calloc(g->anchors.size, sizeof(uint32_t));
        g->ids_tab.c = calloc(g->ids_tab.size, sizeof(uint32_t));
        g->time = malloc((size_t)cap * sizeof(uint32_t));
        g->exact = malloc((size_t)cap * sizeof(uint32_t));
        g->sig = malloc((size_t)cap * NF_FP_SIG_BYTES);
        g->idoff = malloc((size_t)cap * sizeof(uint32_t));
        if (!g->anchors.c || !g->ids_tab.c || !g->time || !g->exact || !g->sig ||
            !g->idoff) {
                abort();
        }
        return g;
}

nf_dedup_index_t *nf_dedup_index_new(uint64_t max_docs, uint32_t window,
                                     char *errstr, size_t errstr_size)
{
        if (max_docs < 1 || max_docs > NF_DEDUP_MAX_DOCS) {
                snprintf(errstr, errstr_size,
                         "dedup index: max documents %llu is out of range "
                         "1..%u",
                         (unsigned long long)max_docs, NF_DEDUP_MAX_DOCS);
                return NULL;
        }
        if (window < 1) {
                snprintf(errstr, errstr_size,
                         "dedup index: window must be at least 1 second");
                return NULL;
        }
        nf_dedup_index_t *idx = calloc(1, sizeof(*idx));
        if (!idx) {
                abort();
        }
        idx->max_docs = max_docs;
        idx->window = window;
        idx->gen_cap = (uint32_t)((max_docs + NF_DEDUP_GENERATIONS - 1) /
                                  NF_DEDUP_GENERATIONS);
        idx->cur = -1;
        return idx;
}

void nf_dedup_index_destroy(nf_dedup_index_t *idx)
{
        if (!idx) {
                return;
        }
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                gen_free(idx->gens[i]);
        }
        free(idx);
}

static int in_window(const nf_dedup_index_t *idx, uint32_t t, uint32_t now)
{
        return t != 0 && (uint64_t)t + idx->window > now;
}

/* The slot holding a live entry with this encoded id, or -1. */
typedef struct id_find_s {
        const enc_id_t *e;
        int64_t slot;
} id_find_t;

static int id_match(gen_t *g, uint32_t slot, void *ud)
{
        id_find_t *f = ud;
        const unsigned char *s = g->ids + g->idoff[slot];
        if (g->time[slot] && id_enc_len(s) == f->e->len &&
            memcmp(s, f->e->p, f->e->len) == 0) {
                f->slot = slot;
                return 1;
        }
        return 0;
}

static gen_t *find_id(const nf_dedup_index_t *idx, const enc_id_t *e,
                      uint32_t *slot)
{
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                gen_t *g = idx->gens[i];
                id_find_t f = {e, -1};
                if (g && cell_each(g, &g->ids_tab, e->key, id_match, &f)) {
                        *slot = (uint32_t)f.slot;
                        return g;
                }
        }
        return NULL;
}

int nf_dedup_index_has_id(const nf_dedup_index_t *idx, const char *id,
                          size_t id_len, uint32_t now)
{
        enc_id_t e;
        uint32_t slot;
        enc_id_init(&e, id, id_len);
        gen_t *g = find_id(idx, &e, &slot);
        enc_id_fini(&e);
        return g && in_window(idx, g->time[slot], now ? now : 1);
}

/* Lookup state shared by the candidate callbacks. */
typedef struct lookup_s {
        const nf_dedup_index_t *idx;
        const nf_fingerprint_t *fp;
        const nf_dedup_policy_t *policy;
        const enc_id_t *self;
        uint32_t now;
        int nverified;
        const gen_t *seen_g[MAX_VERIFY];
        uint32_t seen_s[MAX_VERIFY];
        /* best so far */
        const gen_t *bg;
        uint32_t bs;
        int bexact;
        double bsim;
} lookup_t;

static int enc_cmp(const gen_t *a, uint32_t sa, const gen_t *b, uint32_t sb)
{
        const unsigned char *x = a->ids + a->idoff[sa];
        const unsigned char *y = b->ids + b->idoff[sb];
        size_t lx = id_enc_len(x), ly = id_enc_len(y);
        int c = memcmp(x, y, lx < ly ? lx : ly);
        return c ? c : (lx > ly) - (lx < ly);
}

static int verify(gen_t *g, uint32_t slot, void *ud)
{
        lookup_t *l = ud;
        for (int i = 0; i < l->nverified; i++) {
                if (l->seen_g[i] == g && l->seen_s[i] == slot) {
                        return 0; /* found through another anchor */
                }
        }
        if (l->nverified == MAX_VERIFY) {
                return 1;
        }
        l->seen_g[l->nverified] = g;
        l->seen_s[l->nverified++] = slot;

        uint32_t t = g->time[slot];
        if (!in_window(l->idx, t, l->now)) {
                return 0;
        }
        if (l->bg && (t > l->bg->time[l->bs])) {
                return 0; /* cannot beat the earlier match */
        }
        const uint8_t *sig = g->sig + (size_t)slot * NF_FP_SIG_BYTES;
        const nf_fingerprint_t *fp = l->fp;
        int exact = g->exact[slot] == (uint32_t)fp->exact &&
                    memcmp(sig, fp->sig, NF_FP_SIG_BYTES) == 0;
        double sim = 1.0;
        if (!exact) {
                if (fp->nshingles < l->policy->min_shingles) {
                        return 0;
                }
                sim = nf_fp_jaccard(fp->sig, sig);
                if (sim < l->policy->threshold) {
                        return 0;
                }
        }
        const unsigned char *s = g->ids + g->idoff[slot];
        if (id_enc_len(s) == l->self->len &&
            memcmp(s, l->self->p, l->self->len) == 0) {
                return 0; /* never a duplicate of itself */
        }
        if (l->bg && t == l->bg->time[l->bs] &&
            enc_cmp(g, slot, l->bg, l->bs) > 0) {
                return 0; /* same second: the smaller id wins everywhere */
        }
        l->bg = g;
        l->bs = slot;
        l->bexact = exact;
        l->bsim = sim;
        return 0;
}

int nf_dedup_index_lookup(nf_dedup_index_t *idx, const nf_fingerprint_t *fp,
                          const char *id, size_t id_len, uint32_t now,
                          const nf_dedup_policy_t *policy,
                          nf_dedup_match_t *m)
{
        if (fp->nshingles == 0) {
                return 0;
        }
        enc_id_t self;
        enc_id_init(&self, id, id_len);
        lookup_t lk, *l = &lk;
        l->idx = idx;
        l->fp = fp;
        l->policy = policy;
        l->self = &self;
        l->now = now ? now : 1;
        l->nverified = 0;
        l->bg = NULL;
        l->bs = 0;
        l->bexact = 0;
        l->bsim = 0;
        int capped = 0;
        for (int a = 0; a < NF_FP_ANCHORS && !capped; a++) {
                if (a > 0 && fp->anchor[a] == fp->anchor[a - 1]) {
                        continue; /* a short text repeats its last anchor */
                }
                for (int i = 0; i < NF_DEDUP_GENERATIONS && !capped; i++) {
                        gen_t *g = idx->gens[i];
                        if (g) {
                                capped = cell_each(g, &g->anchors,
                                                   fp->anchor[a], verify, l);
                        }
                }
        }
        idx->capped += capped;
        int found = l->bg != NULL;
        if (found) {
                m->exact = l->bexact;
                m->similarity = l->bsim;
                m->first_seen = l->bg->time[l->bs];
                m->id = id_decode(l->bg->ids + l->bg->idoff[l->bs]);
        }
        enc_id_fini(&self);
        return found;
}

static void drop_gen(nf_dedup_index_t *idx, int i, uint64_t *counter)
{
        *counter += idx->gens[i]->live;
        gen_free(idx->gens[i]);
        idx->gens[i] = NULL;
}

void nf_dedup_index_expire(nf_dedup_index_t *idx, uint32_t now)
{
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                gen_t *g = idx->gens[i];
                if (g && i != idx->cur &&
                    (uint64_t)g->max_time + idx->window <= now) {
                        drop_gen(idx, i, &idx->expired);
                }
        }
}

/* The generation new documents go to, opening a new one when the current
 * is full or has been open for window / GENERATIONS seconds. */
static gen_t *open_gen(nf_dedup_index_t *idx, size_t need_ids, uint32_t now)
{
        gen_t *g = idx->cur >= 0 ? idx->gens[idx->cur] : NULL;
        uint32_t span = idx->window / NF_DEDUP_GENERATIONS;
        if (g && g->n < g->cap && g->ids_len + need_ids <= UINT32_MAX &&
            (g->n == 0 || (uint64_t)g->opened + (span ? span : 1) > now)) {
                return g;
        }
        idx->cur = (idx->cur + 1) % NF_DEDUP_GENERATIONS;
        if (idx->gens[idx->cur]) {
                drop_gen(idx, idx->cur, &idx->evicted);
        }
        idx->gens[idx->cur] = gen_new(idx->gen_cap, now);
        return idx->gens[idx->cur];
}

int nf_dedup_index_insert(nf_dedup_index_t *idx, const char *id,
                          size_t id_len, const nf_fingerprint_t *fp,
                          uint32_t first_seen, uint32_t now)
{
        first_seen = first_seen ? first_seen : 1;
        now = now ? now : 1;
        if (!in_window(idx, first_seen, now)) {
                return 2;
        }
        enc_id_t e;
        uint32_t slot;
        enc_id_init(&e, id, id_len);
        gen_t *old = find_id(idx, &e, &slot);
        if (old && in_window(idx, old->time[slot], now)) {
                enc_id_fini(&e);
                return 1;
        }
        if (old) { /* the same id, expired: it starts again */
                old->time[slot] = 0;
                old->live--;
        }
        nf_dedup_index_expire(idx, now);
        gen_t *g = open_gen(idx, e.len, now);
        if (g->ids_len + e.len > g->ids_cap) {
                size_t cap = g->ids_cap ? g->ids_cap : 4096;
                while (cap < g->ids_len + e.len) {
                        cap *= 2;
                }
                g->ids = realloc(g->ids, cap);
                if (!g->ids) {
                        abort();
                }
                g->ids_cap = cap;
        }
        slot = g->n++;
        g->live++;
        g->time[slot] = first_seen;
        g->max_time = first_seen > g->max_time ? first_seen : g->max_time;
        g->exact[slot] = (uint32_t)fp->exact;
        memcpy(g->sig + (size_t)slot * NF_FP_SIG_BYTES, fp->sig,
               NF_FP_SIG_BYTES);
        g->idoff[slot] = (uint32_t)g->ids_len;
        memcpy(g->ids + g->ids_len, e.p, e.len);
        g->ids_len += e.len;
        for (int a = 0; a < NF_FP_ANCHORS; a++) {
                if (a == 0 || fp->anchor[a] != fp->anchor[a - 1]) {
                        cell_put(g, &g->anchors, fp->anchor[a], slot);
                }
        }
        cell_put(g, &g->ids_tab, e.key, slot);
        enc_id_fini(&e);
        return 0;
}

int nf_dedup_index_remove(nf_dedup_index_t *idx, const char *id,
                          size_t id_len)
{
        enc_id_t e;
        uint32_t slot;
        enc_id_init(&e, id, id_len);
        gen_t *g = find_id(idx, &e, &slot);
        enc_id_fini(&e);
        if (!g) {
                return 0;
        }
        g->time[slot] = 0; /* cells stay; lookups skip removed slots */
        g->live--;
        return 1;
}

void nf_dedup_index_stats(const nf_dedup_index_t *idx,
                          nf_dedup_index_stats_t *st)
{
        memset(st, 0, sizeof(*st));
        st->bytes = sizeof(*idx);
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                if (idx->gens[i]) {
                        st->documents += idx->gens[i]->live;
                        st->bytes += gen_bytes(idx->gens[i]);
                }
        }
        st->evicted = idx->evicted;
        st->expired = idx->expired;
        st->capped = idx->capped;
}
