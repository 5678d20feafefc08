/*
 * dedup_index.c — generations of slot records and keyless anchor/id tables.
 * See dedup_index.h for the layout and the eviction rules.
 *
 * Speed: a lookup costs one cache miss per probed table (anchors x
 * generations, all prefetched before any is read) plus one per candidate
 * (its slot record holds everything verify() reads).
 */
#include "processors/dedup_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

/* Candidates verified per anchor at most: an anchor shared by a site's
 * boilerplate can match thousands of documents; the oldest ones are seen
 * first, and the other anchors still get their turn. */
#define MAX_PER_ANCHOR 64

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

/* Everything verify() needs about a document, in one or two cache lines. */
typedef struct slot_s {
        uint32_t time;  /* first_seen; 0 = removed */
        uint32_t exact; /* low 32 bits of the exact hash */
        uint32_t idoff; /* encoded id's offset in the generation's ids */
        uint8_t sig[NF_FP_SIG_BYTES];
} slot_t;

typedef struct gen_s {
        uint32_t cap, n, live;
        uint32_t opened;   /* `now` when the generation was opened */
        uint32_t max_time; /* newest first_seen in it */
        uint32_t slot_bits;
        tab_t anchors; /* NF_FP_ANCHORS cells per document */
        tab_t ids_tab; /* one cell per document */
        slot_t *slots;
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

/* Ids are stored encoded: a varint header h, then by h & 3
 *   0: the raw bytes (length h >> 2);
 *   1: lowercase hex digits packed two per byte (h >> 2 bytes);
 *   3: the same after a one-byte prefix, as nf_article_ensure_id() makes;
 *   2: a lowercase canonical UUID (8-4-4-4-12 hex digits) in 16 bytes.
 * The encoding is canonical, so encoded ids compare with memcmp. */
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

static int is_uuid(const unsigned char *s, size_t len)
{
        if (len != 36) {
                return 0;
        }
        for (size_t i = 0; i < 36; i++) {
                int dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? s[i] != '-' : hexval(s[i]) < 0) {
                        return 0;
                }
        }
        return 1;
}

/* Packs the hex digits of s (skipping dashes) two per byte. */
static size_t pack_hex(const unsigned char *s, size_t len, unsigned char *out)
{
        size_t n = 0;
        int hi = -1;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '-') {
                        continue;
                }
                if (hi < 0) {
                        hi = hexval(s[i]);
                } else {
                        out[n++] = (unsigned char)(hi << 4 | hexval(s[i]));
                        hi = -1;
                }
        }
        return n;
}

/* out needs id_len + 10 bytes. Returns the encoded length. */
static size_t id_encode(const char *id, size_t id_len, unsigned char *out)
{
        const unsigned char *s = (const unsigned char *)id;
        if (is_uuid(s, id_len)) {
                out[0] = 2;
                return 1 + pack_hex(s, id_len, out + 1);
        }
        size_t pre = (id_len > 0 && hexval(s[0]) < 0) ? 1 : 0;
        size_t nhex = id_len - pre, i;
        for (i = pre; i < id_len && hexval(s[i]) >= 0; i++) {
        }
        if (i < id_len || nhex < 2 || nhex % 2) {
                size_t n = put_varint(out, (uint64_t)id_len << 2);
                memcpy(out + n, id, id_len);
                return n + id_len;
        }
        size_t n = put_varint(out, (uint64_t)(nhex / 2) << 2 | pre << 1 | 1);
        if (pre) {
                out[n++] = s[0];
        }
        return n + pack_hex(s + pre, nhex, out + n);
}

/* Length of the encoded id at in. */
static size_t id_enc_len(const unsigned char *in)
{
        uint64_t h;
        size_t n = get_varint(in, &h);
        switch (h & 3) {
        case 0:
                return n + (h >> 2);
        case 2:
                return n + 16;
        default:
                return n + ((h >> 1) & 1) + (h >> 2);
        }
}

static void unpack_hex(const unsigned char *in, size_t nbytes, char *out)
{
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < nbytes; i++) {
                out[2 * i] = hex[in[i] >> 4];
                out[2 * i + 1] = hex[in[i] & 15];
        }
}

/* Decodes the id at in into a new string. Never NULL (aborts on OOM). */
static char *id_decode(const unsigned char *in)
{
        uint64_t h;
        size_t n = get_varint(in, &h), len;
        int pre = (h & 3) == 3;
        switch (h & 3) {
        case 0:
                len = h >> 2;
                break;
        case 2:
                len = 36;
                break;
        default:
                len = pre + 2 * (h >> 2);
                break;
        }
        char *id = malloc(len + 1);
        if (!id) {
                abort();
        }
        if ((h & 3) == 0) {
                memcpy(id, in + n, len);
        } else if ((h & 3) == 2) {
                char hex[32];
                unpack_hex(in + n, 16, hex);
                snprintf(id, len + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
                         hex + 12, hex + 16, hex + 20);
        } else {
                if (pre) {
                        id[0] = (char)in[n++];
                }
                unpack_hex(in + n, h >> 2, id + pre);
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

static uint32_t slot_mask(const gen_t *g)
{
        return g->slot_bits >= 32 ? UINT32_MAX : (1u << g->slot_bits) - 1;
}

static uint32_t cell_tag(const gen_t *g, uint32_t key)
{
        return g->slot_bits >= 32 ? 0 : key << g->slot_bits;
}

/* Puts slot under key at the end of key's probe run, unless max (>= 0)
 * cells with key's tag already stand in that run: cell_each(..., max, ...)
 * stops before reaching a cell put after them, so it would be dead weight,
 * and walking an ever longer run made every insert of an anchor common to
 * many documents cost as much as all of them (quadratic). Returns 1 if
 * put. */
static int cell_put(gen_t *g, tab_t *t, uint32_t key, uint32_t slot, int max)
{
        uint32_t mask = slot_mask(g), tag = cell_tag(g, key);
        uint32_t p = cell_pos(t, key);
        int seen = 0;
        while (t->c[p]) {
                if ((t->c[p] & ~mask) == tag && max >= 0 && ++seen >= max) {
                        return 0;
                }
                p = p + 1 == t->size ? 0 : p + 1;
        }
        t->c[p] = tag | (slot + 1);
        return 1;
}

/* Calls fn for every slot whose cell carries key's tag, at most max times
 * (max < 0: no limit); returns 1 if it stopped at max, else 0. fn returns
 * non-zero to stop. Slots are handed over in batches whose records are
 * prefetched first, so their cache misses overlap. */
typedef int (*slot_fn)(gen_t *g, uint32_t slot, void *ud);

static int cell_each(gen_t *g, const tab_t *t, uint32_t key, int max,
                     slot_fn fn, void *ud)
{
        uint32_t mask = slot_mask(g), tag = cell_tag(g, key), batch[16];
        int n = 0, capped = 0;
        for (uint32_t p = cell_pos(t, key);; p = p + 1 == t->size ? 0 : p + 1) {
                uint32_t c = t->c[p];
                if (c && (c & ~mask) == tag) {
                        if (max-- == 0) {
                                capped = 1;
                                c = 0; /* hand over the batch, then stop */
                        } else {
                                batch[n] = (c & mask) - 1;
                                __builtin_prefetch(&g->slots[batch[n++]]);
                        }
                }
                if (!c || n == 16) {
                        for (int i = 0; i < n; i++) {
                                if (fn(g, batch[i], ud)) {
                                        return 0;
                                }
                        }
                        n = 0;
                        if (!c) {
                                return capped;
                        }
                }
        }
}

static size_t gen_bytes(const gen_t *g)
{
        return sizeof(*g) + (size_t)g->cap * sizeof(slot_t) +
               ((size_t)g->anchors.size + g->ids_tab.size) * 4 + g->ids_cap;
}

static void gen_free(gen_t *g)
{
        if (!g) {
                return;
        }
        free(g->anchors.c);
        free(g->ids_tab.c);
        free(g->slots);
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
        g->slots = malloc((size_t)cap * sizeof(slot_t));
        if (!g->anchors.c || !g->ids_tab.c || !g->slots) {
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
        const unsigned char *s = g->ids + g->slots[slot].idoff;
        if (g->slots[slot].time && id_enc_len(s) == f->e->len &&
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
                if (g) {
                        __builtin_prefetch(
                            &g->ids_tab.c[cell_pos(&g->ids_tab, e->key)]);
                }
        }
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                gen_t *g = idx->gens[i];
                id_find_t f = {e, -1};
                if (g) {
                        cell_each(g, &g->ids_tab, e->key, -1, id_match, &f);
                }
                if (f.slot >= 0) {
                        *slot = (uint32_t)f.slot;
                        return g;
                }
        }
        return NULL;
}

/* The generation and slot of a live entry with this id, or NULL. */
static gen_t *find_live(const nf_dedup_index_t *idx, const enc_id_t *e,
                        uint32_t now, uint32_t *slot)
{
        gen_t *g = find_id(idx, e, slot);
        return g && in_window(idx, g->slots[*slot].time, now) ? g : NULL;
}

/* Lookup state shared by the candidate callbacks. */
typedef struct lookup_s {
        const nf_dedup_index_t *idx;
        const nf_fingerprint_t *fp;
        const nf_dedup_policy_t *policy;
        const enc_id_t *self;
        uint32_t now;
        const gen_t *bg; /* best so far: generation and slot */
        uint32_t bs;
        int bexact;
        double bsim;
} lookup_t;

/* Compares the ids of two slots as strings (ties of first-seen time only,
 * so decoding them is fine). */
static int id_cmp(const gen_t *a, uint32_t sa, const gen_t *b, uint32_t sb)
{
        char *x = id_decode(a->ids + a->slots[sa].idoff);
        char *y = id_decode(b->ids + b->slots[sb].idoff);
        int c = strcmp(x, y);
        free(x);
        free(y);
        return c;
}

/* A candidate that shares an anchor: keep it if it is the same text or
 * similar enough, and earlier than the best so far. A document found
 * through several anchors is verified several times: that is cheaper than
 * remembering it. */
static int verify(gen_t *g, uint32_t slot, void *ud)
{
        lookup_t *l = ud;
        const slot_t *s = &g->slots[slot];
        const nf_fingerprint_t *fp = l->fp;
        uint32_t bt = l->bg ? l->bg->slots[l->bs].time : UINT32_MAX;
        if (!in_window(l->idx, s->time, l->now) || s->time > bt) {
                return 0;
        }
        int exact = s->exact == (uint32_t)fp->exact &&
                    memcmp(s->sig, fp->sig, NF_FP_SIG_BYTES) == 0;
        double sim = 1.0;
        if (!exact) {
                if (fp->nshingles < l->policy->min_shingles) {
                        return 0;
                }
                sim = nf_fp_jaccard(fp->sig, s->sig);
                if (sim < l->policy->threshold) {
                        return 0;
                }
        }
        const unsigned char *e = g->ids + s->idoff;
        if (id_enc_len(e) == l->self->len &&
            memcmp(e, l->self->p, l->self->len) == 0) {
                return 0; /* never a duplicate of itself */
        }
        if (l->bg && s->time == bt && id_cmp(g, slot, l->bg, l->bs) >= 0) {
                return 0; /* same second: the smaller id wins everywhere */
        }
        l->bg = g;
        l->bs = slot;
        l->bexact = exact;
        l->bsim = sim;
        return 0;
}

/* The earliest matching entry other than self; 1 and *m filled, or 0. */
static int lookup(nf_dedup_index_t *idx, const nf_fingerprint_t *fp,
                  const enc_id_t *self, uint32_t now,
                  const nf_dedup_policy_t *policy, nf_dedup_match_t *m)
{
        lookup_t l = {idx, fp, policy, self, now, NULL, 0, 0, 0};
        for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                gen_t *g = idx->gens[i];
                for (int a = 0; g && a < NF_FP_ANCHORS; a++) {
                        __builtin_prefetch(
                            &g->anchors
                                 .c[cell_pos(&g->anchors, fp->anchor[a])]);
                }
        }
        int capped = 0;
        for (int a = 0; a < NF_FP_ANCHORS; a++) {
                if (a > 0 && fp->anchor[a] == fp->anchor[a - 1]) {
                        continue; /* a short text repeats its last anchor */
                }
                for (int i = 0; i < NF_DEDUP_GENERATIONS; i++) {
                        gen_t *g = idx->gens[i];
                        if (g) {
                                capped |=
                                    cell_each(g, &g->anchors, fp->anchor[a],
                                              MAX_PER_ANCHOR, verify, &l);
                        }
                }
        }
        idx->capped += capped;
        if (l.bg) {
                m->exact = l.bexact;
                m->similarity = l.bsim;
                m->first_seen = l.bg->slots[l.bs].time;
                m->id = id_decode(l.bg->ids + l.bg->slots[l.bs].idoff);
        }
        return l.bg != NULL;
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

/* Adds a document whose id has no live entry; old is its expired entry. */
static void add(nf_dedup_index_t *idx, const enc_id_t *e,
                const nf_fingerprint_t *fp, uint32_t first_seen, uint32_t now)
{
        uint32_t slot;
        gen_t *old = find_id(idx, e, &slot);
        if (old) { /* the same id, expired: it starts again */
                old->slots[slot].time = 0;
                old->live--;
        }
        nf_dedup_index_expire(idx, now);
        gen_t *g = open_gen(idx, e->len, now);
        if (g->ids_len + e->len > g->ids_cap) {
                /* grow by a quarter: ids are most of a document's bytes */
                size_t cap = g->ids_cap ? g->ids_cap : 4096;
                while (cap < g->ids_len + e->len) {
                        cap += cap / 4;
                }
                g->ids = realloc(g->ids, cap);
                if (!g->ids) {
                        abort();
                }
                g->ids_cap = cap;
        }
        slot = g->n++;
        g->live++;
        g->max_time = first_seen > g->max_time ? first_seen : g->max_time;
        g->slots[slot].time = first_seen;
        g->slots[slot].exact = (uint32_t)fp->exact;
        g->slots[slot].idoff = (uint32_t)g->ids_len;
        memcpy(g->slots[slot].sig, fp->sig, NF_FP_SIG_BYTES);
        memcpy(g->ids + g->ids_len, e->p, e->len);
        g->ids_len += e->len;
        for (int a = 0; a < NF_FP_ANCHORS; a++) {
                if (a == 0 || fp->anchor[a] != fp->anchor[a - 1]) {
                        cell_put(g, &g->anchors, fp->anchor[a], slot,
                                 MAX_PER_ANCHOR);
                }
        }
        cell_put(g, &g->ids_tab, e->key, slot, -1);
}

nf_dedup_result_t nf_dedup_index_check(nf_dedup_index_t *idx, const char *id,
                                       size_t id_len,
                                       const nf_fingerprint_t *fp, uint32_t now,
                                       const nf_dedup_policy_t *policy,
                                       nf_dedup_match_t *m)
{
        if (fp->nshingles == 0) {
                return NF_DEDUP_EMPTY;
        }
        now = now ? now : 1;
        enc_id_t e;
        uint32_t slot;
        nf_dedup_result_t r = NF_DEDUP_ADDED;
        enc_id_init(&e, id, id_len);
        if (find_live(idx, &e, now, &slot)) {
                r = NF_DEDUP_KNOWN;
        } else if (lookup(idx, fp, &e, now, policy, m)) {
                r = NF_DEDUP_MATCHED;
        } else {
                add(idx, &e, fp, now, now);
        }
        enc_id_fini(&e);
        return r;
}

int nf_dedup_index_insert(nf_dedup_index_t *idx, const char *id, size_t id_len,
                          const nf_fingerprint_t *fp, uint32_t first_seen,
                          uint32_t now)
{
        first_seen = first_seen ? first_seen : 1;
        now = now ? now : 1;
        if (!in_window(idx, first_seen, now)) {
                return 2;
        }
        enc_id_t e;
        uint32_t slot;
        int r = 1;
        enc_id_init(&e, id, id_len);
        if (!find_live(idx, &e, now, &slot)) {
                add(idx, &e, fp, first_seen, now);
                r = 0;
        }
        enc_id_fini(&e);
        return r;
}

int nf_dedup_index_remove(nf_dedup_index_t *idx, const char *id, size_t id_len)
{
        enc_id_t e;
        uint32_t slot;
        enc_id_init(&e, id, id_len);
        gen_t *g = find_id(idx, &e, &slot);
        enc_id_fini(&e);
        if (!g) {
                return 0;
        }
        g->slots[slot].time = 0; /* cells stay; lookups skip it */
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
