/*
 * tag_engine.c — matching, vetoes, people and salience for one document.
 * See tag_engine.h for the design.
 */
#include "processors/tag_engine.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "processors/people.h"
#include "processors/processor.h"
#include "common/xalloc.h"

/* Bytes of context either side of a mention that its vetoes may look at. */
#define VETO_WINDOW 48

typedef struct mention_s {
        int entry;
        uint32_t start, end;         /* bytes */
        uint32_t tok_first, tok_end; /* tokens */
        double w;
        int dead;
} mention_t;

typedef struct item_s {
        const char *name;
        double score;
        uint32_t first;
} item_t;

/* Per-call working memory; pooled so that concurrent calls never share. */
#define JIT_SLACK 32

typedef struct scratch_s {
        struct scratch_s *next;
        nf_tag_tokens_t toks;
        char *buf;
        size_t buf_cap;
        mention_t *m;
        size_t nm, mcap;
        double *score;     /* per entry */
        uint32_t *first;   /* per entry: first position */
        uint8_t *doc_veto; /* per entry: 0 unknown, 1 vetoed, 2 clear */
        uint32_t *touched; /* entries with a score, for the reset */
        size_t ntouched;
        uint8_t *in_entity;
        size_t in_entity_cap;
        item_t *items;
        size_t items_cap;
        double *pscore; /* per person */
        uint32_t *pfirst;
        uint32_t *pcount;
        size_t pcap;
        nf_people_result_t people;
        pcre2_match_data *md;
        nf_tag_call_t *call; /* this call's deadline and limit report */
} scratch_t;

struct nf_tag_engine_s {
        nf_tag_rules_t *rules;
        nf_tag_settings_t set;
        pthread_mutex_t lock; /* guards pool */
        scratch_t *pool;
        int *pattern_entries; /* entries that have positive patterns */
        uint8_t *kind;        /* per entry: its category's nf_tag_kind_t */
        size_t npattern_entries;
        atomic_uint_fast64_t docs;
        atomic_uint_fast64_t *cat_hits; /* per category */
        int nlayers;                     /* highest category layer + 1 */
};

nf_tag_engine_t *nf_tag_engine_new(nf_tag_rules_t *rules,
                                   const nf_tag_settings_t *settings)
{
        nf_tag_engine_t *eng = nf_xcalloc(1, sizeof(*eng));
        eng->rules = rules;
        if (settings) {
                eng->set = *settings;
        } else {
                eng->set.title_bonus = 2.0;
                eng->set.lead_bonus = 0.5;
                eng->set.lead_bytes = 400;
                eng->set.max_tags = 10;
        }
        pthread_mutex_init(&eng->lock, NULL);
        eng->pattern_entries = nf_xcalloc(rules->nentries, sizeof(int));
        for (size_t i = 0; i < rules->nentries; i++) {
                if (rules->entries[i].npatterns) {
                        eng->pattern_entries[eng->npattern_entries++] = (int)i;
                }
        }
        eng->kind = nf_xcalloc(rules->nentries, 1);
        for (size_t i = 0; i < rules->nentries; i++) {
                eng->kind[i] =
                    (uint8_t)rules->categories[rules->entries[i].category].kind;
        }
        eng->cat_hits = nf_xcalloc(rules->ncategories, sizeof(*eng->cat_hits));
        for (size_t c = 0; c < rules->ncategories; c++) {
                if (rules->categories[c].layer + 1 > eng->nlayers) {
                        eng->nlayers = rules->categories[c].layer + 1;
                }
        }
        return eng;
}

static void scratch_free(scratch_t *sc)
{
        nf_tag_tokens_fini(&sc->toks);
        free(sc->buf);
        free(sc->m);
        free(sc->score);
        free(sc->first);
        free(sc->doc_veto);
        free(sc->touched);
        free(sc->in_entity);
        free(sc->items);
        free(sc->pscore);
        free(sc->pfirst);
        free(sc->pcount);
        nf_people_result_fini(&sc->people);
        pcre2_match_data_free(sc->md);
        free(sc);
}

void nf_tag_engine_destroy(nf_tag_engine_t *eng)
{
        if (!eng) {
                return;
        }
        while (eng->pool) {
                scratch_t *sc = eng->pool;
                eng->pool = sc->next;
                scratch_free(sc);
        }
        pthread_mutex_destroy(&eng->lock);
        free(eng->pattern_entries);
        free(eng->kind);
        free((void *)eng->cat_hits);
        nf_tag_rules_destroy(eng->rules);
        free(eng);
}

const nf_tag_rules_t *nf_tag_engine_rules(const nf_tag_engine_t *eng)
{
        return eng->rules;
}

static scratch_t *scratch_get(nf_tag_engine_t *eng)
{
        pthread_mutex_lock(&eng->lock);
        scratch_t *sc = eng->pool;
        if (sc) {
                eng->pool = sc->next;
        }
        pthread_mutex_unlock(&eng->lock);
        if (sc) {
                return sc;
        }
        size_t n = eng->rules->nentries;
        sc = nf_xcalloc(1, sizeof(*sc));
        sc->score = nf_xcalloc(n, sizeof(double));
        sc->first = nf_xcalloc(n, sizeof(uint32_t));
        sc->doc_veto = nf_xcalloc(n, 1);
        sc->touched = nf_xcalloc(n, sizeof(uint32_t));
        sc->md = pcre2_match_data_create(1, NULL);
        if (!sc->md) {
                abort();
        }
        return sc;
}

static void scratch_put(nf_tag_engine_t *eng, scratch_t *sc)
{
        pthread_mutex_lock(&eng->lock);
        sc->next = eng->pool;
        eng->pool = sc;
        pthread_mutex_unlock(&eng->lock);
}

/* ---- regex helpers ------------------------------------------------------ */

static int is_limit_error(int rc)
{
        return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
               rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

static void count_limit(nf_tag_engine_t *eng, nf_tag_regex_t *rx)
{
        atomic_fetch_add_explicit(&rx->limit_hits, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&eng->rules->limit_hits, 1,
                                  memory_order_relaxed);
}

/* Whether this call's deadline has passed (remembered once it has). */
static int deadline_passed(scratch_t *sc)
{
        nf_tag_call_t *call = sc->call;
        if (!call || !call->deadline_ns) {
                return 0;
        }
        if (!call->timed_out && nf_now_ns() > call->deadline_ns) {
                call->timed_out = 1;
        }
        return call->timed_out;
}

/* Next match of rx in buf[0..len) at or after *off. Returns 1 with
 * [*ms, *me), 0 when there is none, -1 when the match limit stopped it. */
static int rx_next(nf_tag_engine_t *eng, scratch_t *sc, nf_tag_regex_t *rx,
                   const char *buf, size_t len, size_t *off, size_t *ms,
                   size_t *me)
{
        if (*off > len || deadline_passed(sc)) {
                return 0;
        }
        int rc = pcre2_match(rx->code, (PCRE2_SPTR)buf, len, *off,
                             PCRE2_NO_UTF_CHECK, sc->md, eng->rules->mctx);
        if (rc == PCRE2_ERROR_NOMATCH) {
                return 0;
        }
        if (rc < 0) {
                if (is_limit_error(rc)) {
                        count_limit(eng, rx);
                        nf_tag_call_t *call = sc->call;
                        if (call && call->limit_hits++ == 0) {
                                call->limit_entry =
                                    eng->rules->entries[rx->entry].name;
                                call->limit_pattern = rx->src;
                        }
                        return -1;
                }
                return 0; /* other runtime errors: treat as no match */
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
        *ms = ov[0];
        *me = ov[1];
        if (*me > *ms) {
                *off = *me;
        } else {
                /* empty match: step over one code point */
                size_t o = *me + 1;
                while (o < len && ((unsigned char)buf[o] & 0xC0) == 0x80) {
                        o++;
                }
                *off = o;
        }
        return 1;
}

/* Whether lit[0..n) occurs in s[0..len): memchr finds the first byte
 * (usually rare: most literals start with a capital), memcmp confirms. */
static int contains(const char *s, size_t len, const char *lit, size_t n)
{
        const char *end = s + len;
        while ((size_t)(end - s) >= n &&
               (s = memchr(s, lit[0], (size_t)(end - s) - n + 1))) {
                if (memcmp(s, lit, n) == 0) {
                        return 1;
                }
                s++;
        }
        return 0;
}

/* Whether rx can match in s[0..len) as far as its requirements tell (see
 * nf_tag_regex_t.req): 0 only when it surely cannot. */
static int may_match(const nf_tag_regex_t *rx, const char *s, size_t len)
{
        for (int r = 0; r < rx->nreq; r++) {
                const char *a = rx->req[r].s, *end = a + rx->req[r].len;
                if (!rx->req[r].alts) {
                        if (!contains(s, len, a, rx->req[r].len)) {
                                return 0;
                        }
                        continue;
                }
                int found = 0;
                while (!found && a < end) { /* "fire|fired|firing" */
                        const char *bar = memchr(a, '|', (size_t)(end - a));
                        bar = bar ? bar : end;
                        found = contains(s, len, a, (size_t)(bar - a));
                        a = bar + 1;
                }
                if (!found) {
                        return 0;
                }
        }
        return 1;
}

/* Whether a veto pattern of entry matches over [start, end), looking at up
 * to VETO_WINDOW bytes of context either side. */
static int vetoed(nf_tag_engine_t *eng, scratch_t *sc, nf_tag_entry_t *en,
                  const char *buf, size_t len, size_t start, size_t end)
{
        if (!en->nveto) {
                return 0;
        }
        size_t ws = start > VETO_WINDOW ? start - VETO_WINDOW : 0;
        while (ws > 0 && ((unsigned char)buf[ws] & 0xC0) == 0x80) {
                ws--;
        }
        size_t we = end + VETO_WINDOW < len ? end + VETO_WINDOW : len;
        while (we < len && ((unsigned char)buf[we] & 0xC0) == 0x80) {
                we++;
        }
        /* The regex sees the subject buf[0..we) from offset ws, so what a
         * match consumes lies in [ws, we); when every veto lacks one of its
         * requirements there, no veto (nor their alternation) can match.
         * This skips most runs: a veto names words around the mention
         * ("Columbia" in "British Columbia", "fire|fired|firing" for a
         * "flooding" mention) that are seldom there. */
        size_t k = 0;
        while (k < en->nveto && !may_match(&en->veto[k], buf + ws, we - ws)) {
                k++;
        }
        if (k == en->nveto) {
                return 0;
        }
        nf_tag_regex_t *set = en->nveto > 1 ? &en->veto_all : en->veto;
        size_t off = ws, ms, me;
        while (rx_next(eng, sc, set, buf, we, &off, &ms, &me) == 1) {
                if (ms >= end) {
                        break;
                }
                if (me > start || (ms == me && ms >= start)) {
                        atomic_fetch_add_explicit(&set->hits, 1,
                                                  memory_order_relaxed);
                        return 1;
                }
        }
        return 0;
}

/* ---- matching ----------------------------------------------------------- */

static int lang_ok(const char *rule_lang, const char *doc_lang)
{
        if (!rule_lang || !doc_lang) {
                return 1;
        }
        /* strcmp() == 0 on codes of two or three letters, inline */
        while (*rule_lang && *rule_lang == *doc_lang) {
                rule_lang++;
                doc_lang++;
        }
        return *rule_lang == *doc_lang;
}

static void add_mention(scratch_t *sc, int entry, size_t start, size_t end,
                        size_t tf, size_t te, double w)
{
        if (sc->nm == sc->mcap) {
                sc->mcap = sc->mcap ? sc->mcap * 2 : 64;
                sc->m = nf_xrealloc(sc->m, sc->mcap * sizeof(*sc->m));
        }
        mention_t *m = &sc->m[sc->nm++];
        m->entry = entry;
        m->start = (uint32_t)start;
        m->end = (uint32_t)end;
        m->tok_first = (uint32_t)tf;
        m->tok_end = (uint32_t)te;
        m->w = w;
        m->dead = 0;
}

#define MAX_LAYERS 8

static void match_aliases(nf_tag_engine_t *eng, scratch_t *sc,
                          const char *buf, size_t len, const char *lang)
{
        const nf_tag_rules_t *r = eng->rules;
        const nf_tag_tokens_t *tk = &sc->toks;
        size_t consumed[MAX_LAYERS] = {0};
        int best[MAX_LAYERS] = {0}; /* zero again after each use */
        /* in locals: the stores below (mentions) would make the compiler
         * load them again for every word */
        const nf_tag_index_slot_t *slots = r->slots;
        size_t mask = r->nslots - 1, ntok = tk->n;
        const nf_tag_token_t *v = tk->v;
        for (size_t i = 0; i < ntok; i++) {
                if ((i & 4095) == 4095 && deadline_passed(sc)) {
                        return;
                }
                /* nf_tag_rules_lookup(), inline: one probe per word */
                uint64_t h = v[i].hash;
                size_t s = (size_t)h & mask;
                while (slots[s].count && slots[s].hash != h) {
                        s = (s + 1) & mask;
                }
                const nf_tag_index_slot_t *sl = &slots[s];
                if (!sl->count) {
                        continue;
                }
                /* Most words with candidates ("the" -> "the Hague", "the
                 * Gambia"...) start none here: no one-word alias and the
                 * next word is no alias's second word (next_bloom); else
                 * the second word's hash, kept next to the index, rejects
                 * most candidates without a look at the alias (which
                 * checks it again below, so a hash of 0 is safe). */
                uint64_t nh = i + 1 < ntok ? v[i + 1].hash : 0;
                if (!(sl->next_bloom & NF_TAG_ONE_WORD) &&
                    (i + 1 >= ntok ||
                     !(sl->next_bloom & NF_TAG_NEXT_BIT(nh)))) {
                        continue;
                }
                const uint32_t *cand = r->index_aliases + sl->first;
                const uint64_t *next = r->index_next + sl->first;
                size_t nc = sl->count;
                int any = 0;
                size_t first_m = sc->nm;
                for (size_t c = 0; c < nc; c++) {
                        if (next[c] && (i + 1 >= ntok || next[c] != nh)) {
                                continue;
                        }
                        const nf_tag_alias_t *a = &r->aliases[cand[c]];
                        int layer = a->layer;
                        if (consumed[layer] > i ||
                            (best[layer] && a->nwords < best[layer])) {
                                continue;
                        }
                        if (a->simple) {
                                /* one plain word: the folded forms decide */
                                const nf_tag_token_t *t = &v[i];
                                if (t->fold_len != a->words[0].fold_len ||
                                    memcmp(tk->fold + t->fold_off,
                                           a->words[0].fold, t->fold_len)) {
                                        continue;
                                }
                        } else if ((a->nwords > 1 &&
                                    (i + 1 >= ntok ||
                                     v[i + 1].hash != a->words[1].hash)) ||
                                   !nf_tag_alias_match(a, buf, len, tk, i)) {
                                /* the second word is the cheap reject */
                                continue;
                        }
                        nf_tag_entry_t *en = &r->entries[a->entry];
                        if (!lang_ok(a->lang ? a->lang : en->lang, lang)) {
                                continue;
                        }
                        size_t te = i + (size_t)a->nwords;
                        best[layer] = a->nwords;
                        any = 1;
                        int dup = 0;
                        for (size_t k = first_m; k < sc->nm; k++) {
                                if (sc->m[k].entry == a->entry) {
                                        dup = 1;
                                }
                        }
                        if (dup) {
                                continue;
                        }
                        size_t start = v[i].start, end = v[te - 1].end;
                        if (en->nveto &&
                            vetoed(eng, sc, en, buf, len, start, end)) {
                                continue; /* vetoed, but the words are used */
                        }
                        add_mention(sc, a->entry, start, end, i, te,
                                    a->weight);
                }
                for (int l = 0; any && l < eng->nlayers; l++) {
                        if (best[l]) {
                                consumed[l] = i + (size_t)best[l];
                                best[l] = 0;
                        }
                }
        }
}

/* Index of the first token that ends after byte offset off. */
static size_t token_at(const nf_tag_tokens_t *tk, size_t off)
{
        size_t lo = 0, hi = tk->n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (tk->v[mid].end <= off) {
                        lo = mid + 1;
                } else {
                        hi = mid;
                }
        }
        return lo;
}

static void match_patterns(nf_tag_engine_t *eng, scratch_t *sc,
                           const char *buf, size_t len, const char *lang)
{
        nf_tag_rules_t *r = eng->rules;
        for (size_t p = 0; p < eng->npattern_entries; p++) {
                int e = eng->pattern_entries[p];
                nf_tag_entry_t *en = &r->entries[e];
                if (!lang_ok(en->lang, lang)) {
                        continue;
                }
                for (size_t x = 0; x < en->npatterns; x++) {
                        nf_tag_regex_t *rx = &en->patterns[x];
                        size_t before = sc->nm, off = 0, ms, me;
                        int rc = 0;
                        if (!may_match(rx, buf, len)) {
                                continue; /* cannot match this document */
                        }
                        while ((rc = rx_next(eng, sc, rx, buf, len, &off, &ms,
                                             &me)) == 1) {
                                if (me == ms ||
                                    vetoed(eng, sc, en, buf, len, ms, me)) {
                                        continue;
                                }
                                add_mention(sc, e, ms, me,
                                            token_at(&sc->toks, ms),
                                            token_at(&sc->toks, me - 1) + 1,
                                            rx->weight);
                        }
                        if (rc < 0) {
                                /* the rule hit its match limit: skip it for
                                 * this document, keep everything else */
                                sc->nm = before;
                        } else if (sc->nm > before) {
                                atomic_fetch_add_explicit(
                                    &rx->hits, 1, memory_order_relaxed);
                        }
                }
        }
}

/* ---- scoring ------------------------------------------------------------ */

typedef struct regions_s {
        size_t title_end; /* bytes [0, title_end) are the title */
        size_t lead_start, lead_end;
        double title_mult, lead_mult;
} regions_t;

static double region_mult(const regions_t *rg, size_t pos)
{
        if (pos < rg->title_end) {
                return rg->title_mult;
        }
        if (pos >= rg->lead_start && pos < rg->lead_end) {
                return rg->lead_mult;
        }
        return 1.0;
}

/* Adds s to entry e's score. doc_veto[e] == 0 means "not touched in this
 * call" (the arrays are reset through `touched` at the end of each call),
 * so the first credit records e in `touched`. */
static void credit(scratch_t *sc, int e, double s, uint32_t pos)
{
        if (sc->doc_veto[e] == 0) {
                sc->touched[sc->ntouched++] = (uint32_t)e;
                sc->first[e] = UINT32_MAX;
                sc->doc_veto[e] = 3; /* touched, veto not yet checked */
        }
        sc->score[e] += s;
        if (pos < sc->first[e]) {
                sc->first[e] = pos;
        }
}

static int cmp_item(const void *a, const void *b)
{
        const item_t *x = a, *y = b;
        if (x->score != y->score) {
                return x->score > y->score ? -1 : 1;
        }
        return x->first < y->first ? -1 : x->first > y->first;
}

/* Sorts items by cmp_item(), keeping equal ones in their order: an
 * insertion sort for the few items a category usually has (no call per
 * comparison), qsort() beyond. glibc's qsort() (2.36) is a merge sort,
 * stable too, so the order is the one qsort() gave for every n. */
static void sort_items(item_t *items, size_t n)
{
        if (n > 32) {
                qsort(items, n, sizeof(item_t), cmp_item);
                return;
        }
        for (size_t i = 1; i < n; i++) {
                item_t it = items[i];
                size_t j = i;
                while (j > 0 && cmp_item(&items[j - 1], &it) > 0) {
                        items[j] = items[j - 1];
                        j--;
                }
                items[j] = it;
        }
}

static void push_item(scratch_t *sc, size_t *n, const char *name, double s,
                      uint32_t first)
{
        if (*n == sc->items_cap) {
                sc->items_cap = sc->items_cap ? sc->items_cap * 2 : 64;
                sc->items = nf_xrealloc(sc->items,
                                     sc->items_cap * sizeof(*sc->items));
        }
        sc->items[*n].name = name;
        sc->items[*n].score = s;
        sc->items[*n].first = first;
        (*n)++;
}

/* Whether the document vetoes entry e as a whole (cached per call). */
static int doc_vetoed(nf_tag_engine_t *eng, scratch_t *sc, int e,
                      const char *buf, size_t len)
{
        nf_tag_entry_t *en = &eng->rules->entries[e];
        if (!en->nveto_doc) {
                return 0;
        }
        if (sc->doc_veto[e] == 1 || sc->doc_veto[e] == 2) {
                return sc->doc_veto[e] == 1;
        }
        int v = 0;
        for (size_t k = 0; k < en->nveto_doc && !v; k++) {
                size_t off = 0, ms, me;
                if (may_match(&en->veto_doc[k], buf, len) &&
                    rx_next(eng, sc, &en->veto_doc[k], buf, len, &off, &ms,
                            &me) == 1) {
                        atomic_fetch_add_explicit(&en->veto_doc[k].hits, 1,
                                                  memory_order_relaxed);
                        v = 1;
                }
        }
        sc->doc_veto[e] = v ? 1 : 2;
        return v;
}

static void ensure_people(scratch_t *sc, size_t n)
{
        if (sc->pcap < n) {
                sc->pcap = n;
                sc->pscore = nf_xrealloc(sc->pscore, n * sizeof(double));
                sc->pfirst = nf_xrealloc(sc->pfirst, n * sizeof(uint32_t));
                sc->pcount = nf_xrealloc(sc->pcount, n * sizeof(uint32_t));
        }
}

json_t *nf_tag_engine_tag(nf_tag_engine_t *eng, const char *title,
                          const char *text, const char *lang, int with_scores)
{
        return nf_tag_engine_tag_call(eng, title, text, lang, with_scores,
                                      NULL);
}

json_t *nf_tag_engine_tag_call(nf_tag_engine_t *eng, const char *title,
                               const char *text, const char *lang,
                               int with_scores, nf_tag_call_t *call)
{
        nf_tag_rules_t *r = eng->rules;
        scratch_t *sc = scratch_get(eng);
        sc->call = call;
        size_t tl = title ? strlen(title) : 0, xl = text ? strlen(text) : 0;
        size_t len = tl + 2 + xl;
        /* JIT_SLACK zero bytes after the text: PCRE2's JIT reads the
         * subject 16 bytes at a time and may look past its end (harmless,
         * but valgrind reports it as an invalid read of uninitialised
         * memory; found by `make memcheck` on test_fuzz_replay). */
        if (sc->buf_cap < len + 1 + JIT_SLACK) {
                sc->buf_cap = len + 1 + JIT_SLACK;
                sc->buf = nf_xrealloc(sc->buf, sc->buf_cap);
        }
        memset(sc->buf + len, 0, 1 + JIT_SLACK);
        /* one buffer: title, a paragraph break, the body */
        char *buf = sc->buf;
        if (tl) {
                memcpy(buf, title, tl);
        }
        buf[tl] = '\n';
        buf[tl + 1] = '\n';
        if (xl) {
                memcpy(buf + tl + 2, text, xl);
        }
        buf[len] = '\0';
        regions_t rg = {.title_end = tl,
                        .lead_start = tl + 2,
                        .lead_end = tl + 2 + eng->set.lead_bytes,
                        .title_mult = 1.0 + eng->set.title_bonus,
                        .lead_mult = 1.0 + eng->set.lead_bonus};

        nf_tag_tokenize(buf, len, &sc->toks);
        sc->nm = 0;
        match_aliases(eng, sc, buf, len, lang);
        if (eng->npattern_entries) {
                match_patterns(eng, sc, buf, len, lang);
        }

        /* people: tokens inside entity mentions are not names */
        const nf_tag_tokens_t *tk = &sc->toks;
        if (sc->in_entity_cap < tk->n + 1) {
                sc->in_entity_cap = tk->n + 1;
                sc->in_entity = nf_xrealloc(sc->in_entity, sc->in_entity_cap);
        }
        memset(sc->in_entity, 0, tk->n + 1);
        for (size_t k = 0; k < sc->nm; k++) {
                const mention_t *m = &sc->m[k];
                if (eng->kind[m->entry] == NF_TAG_KIND_ENTITY) {
                        for (size_t t = m->tok_first; t < m->tok_end; t++) {
                                sc->in_entity[t] = 1;
                        }
                }
        }
        /* a topic word inside an entity's name is the entity's evidence,
         * not the topic's: "Islamic" in "Islamic State", "Olympic" in
         * "International Olympic Committee" (the entity's `implies` carries
         * what it says about topics) */
        for (size_t k = 0; k < sc->nm; k++) {
                mention_t *m = &sc->m[k];
                if (sc->in_entity[m->tok_first] &&
                    sc->in_entity[m->tok_end - 1] &&
                    eng->kind[m->entry] == NF_TAG_KIND_TOPIC) {
                        m->dead = 1;
                }
        }
        nf_people_find(&r->people, buf, len, tk, sc->in_entity, &sc->people);
        /* an entity or topic word inside a person's name is neither:
         * "Michael Jordan" (in_entity is reused to mark person tokens) */
        nf_people_result_t *pr = &sc->people;
        if (pr->nmentions) {
                memset(sc->in_entity, 0, tk->n + 1);
                for (size_t p = 0; p < pr->nmentions; p++) {
                        const nf_people_mention_t *pm = &pr->mentions[p];
                        for (size_t t = pm->tok_first; t < pm->tok_end; t++) {
                                sc->in_entity[t] = 1;
                        }
                }
                for (size_t k = 0; k < sc->nm; k++) {
                        mention_t *m = &sc->m[k];
                        if (sc->in_entity[m->tok_first] &&
                            sc->in_entity[m->tok_end - 1] &&
                            eng->kind[m->entry] != NF_TAG_KIND_PEOPLE) {
                                m->dead = 1;
                        }
                }
        }

        /* salience */
        sc->ntouched = 0;
        for (size_t k = 0; k < sc->nm; k++) {
                const mention_t *m = &sc->m[k];
                if (m->dead) {
                        continue;
                }
                const nf_tag_entry_t *en = &r->entries[m->entry];
                double s = m->w * en->weight * region_mult(&rg, m->start);
                credit(sc, m->entry, s, m->start);
                for (size_t x = 0; x < en->nimplies; x++) {
                        credit(sc, en->implies[x].entry,
                               s * en->implies[x].weight, m->start);
                }
        }
        ensure_people(sc, pr->npersons + 1);
        for (size_t p = 0; p < pr->npersons; p++) {
                sc->pscore[p] = 0;
                sc->pfirst[p] = UINT32_MAX;
                sc->pcount[p] = 0;
        }
        for (size_t k = 0; k < pr->nmentions; k++) {
                const nf_people_mention_t *pm = &pr->mentions[k];
                sc->pscore[pm->person] += region_mult(&rg, pm->start);
                sc->pcount[pm->person]++;
                if (pm->start < sc->pfirst[pm->person]) {
                        sc->pfirst[pm->person] = pm->start;
                }
        }

        /* output, category by category */
        json_t *out = json_object();
        atomic_fetch_add_explicit(&eng->docs, 1, memory_order_relaxed);
        for (size_t c = 0; c < r->ncategories; c++) {
                const nf_tag_category_t *cat = &r->categories[c];
                size_t n = 0;
                for (size_t t = 0; t < sc->ntouched; t++) {
                        int e = (int)sc->touched[t];
                        if (r->entries[e].category != (int)c ||
                            sc->score[e] <= 0 ||
                            doc_vetoed(eng, sc, e, buf, len)) {
                                continue;
                        }
                        push_item(sc, &n, r->entries[e].name, sc->score[e],
                                  sc->first[e]);
                }
                if (cat->kind == NF_TAG_KIND_PEOPLE &&
                    r->people.category == (int)c) {
                        for (size_t p = 0; p < pr->npersons; p++) {
                                const nf_people_person_t *pp =
                                    &pr->persons[p];
                                if (pp->merged_into >= 0 ||
                                    (pp->nwords < 2 && sc->pcount[p] < 2)) {
                                        continue;
                                }
                                push_item(sc, &n, pp->name, sc->pscore[p],
                                          sc->pfirst[p]);
                        }
                }
                sort_items(sc->items, n);
                double top = n ? sc->items[0].score : 0;
                int max = cat->max ? cat->max : eng->set.max_tags;
                json_t *arr = json_array();
                int taken = 0;
                if (with_scores >= 2) {
                        max = INT32_MAX;
                }
                for (size_t i = 0; i < n && taken < max; i++) {
                        const item_t *it = &sc->items[i];
                        if (with_scores < 2 &&
                            (it->score < cat->threshold ||
                             it->score < cat->min_share * top)) {
                                continue;
                        }
                        /* the same name twice (a list entry and a found
                         * person): keep the first */
                        int dup = 0;
                        for (size_t j = 0; j < i; j++) {
                                if (strcmp(sc->items[j].name, it->name) == 0) {
                                        dup = 1;
                                }
                        }
                        if (dup) {
                                continue;
                        }
                        if (with_scores) {
                                json_array_append_new(
                                    arr, json_pack("[s,f]", it->name,
                                                   it->score));
                        } else {
                                /* names come from rule files (jansson
                                 * checked them) or are whole words of the
                                 * text: valid UTF-8 */
                                json_array_append_new(
                                    arr, json_string_nocheck(it->name));
                        }
                        taken++;
                }
                if (taken) {
                        atomic_fetch_add_explicit(&eng->cat_hits[c], 1,
                                                  memory_order_relaxed);
                }
                json_object_set_new_nocheck(out, cat->name, arr);
        }
        /* count documents per entry, then reset what this call touched */
        for (size_t t = 0; t < sc->ntouched; t++) {
                int e = (int)sc->touched[t];
                if (sc->score[e] > 0 && sc->doc_veto[e] != 1) {
                        atomic_fetch_add_explicit(&r->entries[e].hits, 1,
                                                  memory_order_relaxed);
                }
                sc->score[e] = 0;
                sc->first[e] = 0;
                sc->doc_veto[e] = 0;
        }
        sc->ntouched = 0;
        sc->call = NULL;
        scratch_put(eng, sc);
        return out;
}

/* ---- stats -------------------------------------------------------------- */

uint64_t nf_tag_engine_limit_hits(const nf_tag_engine_t *eng)
{
        return atomic_load(&eng->rules->limit_hits);
}

typedef struct rank_s {
        const char *name, *category;
        uint64_t hits;
} rank_t;

static int cmp_rank(const void *a, const void *b)
{
        const rank_t *x = a, *y = b;
        return x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : 0;
}

json_t *nf_tag_engine_stats(nf_tag_engine_t *eng, int top_n)
{
        nf_tag_rules_t *r = eng->rules;
        json_t *st = json_object();
        json_object_set_new(st, "documents",
                            json_integer((json_int_t)atomic_load(&eng->docs)));
        json_t *cats = json_object();
        for (size_t c = 0; c < r->ncategories; c++) {
                json_object_set_new(
                    cats, r->categories[c].name,
                    json_integer((json_int_t)atomic_load(&eng->cat_hits[c])));
        }
        json_object_set_new(st, "documents_per_category", cats);
        json_object_set_new(
            st, "limit_hits",
            json_integer((json_int_t)atomic_load(&r->limit_hits)));
        json_t *lim = json_array();
        rank_t *rk = nf_xcalloc(r->nentries, sizeof(*rk));
        for (size_t i = 0; i < r->nentries; i++) {
                nf_tag_entry_t *en = &r->entries[i];
                rk[i].name = en->name;
                rk[i].category = r->categories[en->category].name;
                rk[i].hits = atomic_load(&en->hits);
                /* vetoes run as one alternation when there are several */
                nf_tag_regex_t *sets[4] = {en->patterns, en->veto,
                                           en->veto_doc, &en->veto_all};
                size_t ns[4] = {en->npatterns, en->nveto > 1 ? 0 : en->nveto,
                                en->nveto_doc, en->nveto > 1 ? 1 : 0};
                for (int s = 0; s < 4; s++) {
                        for (size_t x = 0; x < ns[s]; x++) {
                                uint64_t l = atomic_load(&sets[s][x].limit_hits);
                                if (l) {
                                        json_array_append_new(
                                            lim,
                                            json_pack("{s:s,s:s,s:s,s:I}",
                                                      "file", en->file,
                                                      "entry", en->name,
                                                      "pattern", sets[s][x].src,
                                                      "limit_hits",
                                                      (json_int_t)l));
                                }
                        }
                }
        }
        json_object_set_new(st, "limit_rules", lim);
        qsort(rk, r->nentries, sizeof(*rk), cmp_rank);
        json_t *top = json_array();
        for (size_t i = 0; i < r->nentries && (int)i < top_n; i++) {
                if (!rk[i].hits) {
                        break;
                }
                json_array_append_new(
                    top, json_pack("{s:s,s:s,s:I}", "category", rk[i].category,
                                   "name", rk[i].name, "documents",
                                   (json_int_t)rk[i].hits));
        }
        free(rk);
        json_object_set_new(st, "top_rules", top);
        return st;
}
