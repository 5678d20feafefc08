/*
 * clean_text.c — the text path of the clean processor: the line classifier,
 * repeated-copy and teaser removal, title and summary recovery. See
 * clean_text.h; the patterns are clean_rules.c's.
 */
#include "processors/clean_text.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

/* The classifier's own reasons (see clean_rules.h for the full list). */
enum {
        R_KEEP = NF_CLEAN_R_KEEP,
        R_TOP = NF_CLEAN_R_TOP,
        R_BOTTOM = NF_CLEAN_R_BOTTOM,
        R_MENU = NF_CLEAN_R_MENU,
        R_LINK = NF_CLEAN_R_LINK,
        R_REPEATED = NF_CLEAN_R_REPEATED,
        R_TRUNCATED = NF_CLEAN_R_TRUNCATED,
        R_TITLE = NF_CLEAN_R_TITLE,
        R_TEASER = NF_CLEAN_R_TEASER,
        R_RELATED = NF_CLEAN_R_RELATED,
        R_COMMENTS = NF_CLEAN_R_COMMENTS,
};

/* ------------------------------------------------------------------ */
/* Lines and their features                                            */

enum {
        F_SENT = 1 << 0,     /* reads as a sentence of prose */
        F_TERM = 1 << 1,     /* ends with . … : ; (after closing quotes) */
        F_QTERM = 1 << 2,    /* ends with ? or ! */
        F_ELLIPSIS = 1 << 3, /* ends with … or ... */
        F_CAPS = 1 << 4,     /* letters, all upper case */
        F_LINK = 1 << 5,     /* a URL or e-mail address line */
        F_MENUSEP = 1 << 6, /* short items between | • · › » separators */
        F_DIGIT = 1 << 7,   /* holds a digit */
        F_UPSTART = 1 << 8, /* starts with an upper-case letter */
        F_MERGED = 1 << 9,  /* two or more hard-wrapped lines joined */
        F_STOP = 1 << 10,   /* ends with a full stop (not an ellipsis) */
};

/* Truncated copies are found by the hash of their first PREFIX_WORDS words. */
#define PREFIX_WORDS 8
/* Shortest line that hard-wrapped text is assumed to have (bytes). */
#define WRAP_MIN 30
/* Most lines of a text without prose that is still an article (a flash). */
#define FLASH_LINES 2
/* Related-stories headers asked whether the rest of the text is a list. */
#define RELATED_MAX 8

typedef struct line_s {
        uint32_t off, len;
        uint32_t words;  /* space-separated */
        uint32_t cwords; /* of them, holding a letter or digit */
        uint32_t block;  /* number of the blank-line separated block */
        uint64_t key;    /* hash of the folded text; 0: no letter or digit */
        uint64_t pkey;   /* hash of the folded first PREFIX_WORDS words */
        uint32_t slot;   /* index of key in the key table */
        uint16_t flags;
        uint8_t reason;
} line_t;

/* One entry of the key table: the first line with that key and how many
 * lines have it. */
typedef struct slot_s {
        uint64_t key;
        uint32_t first, count;
} slot_t;

typedef struct wordset_s {
        uint32_t *h, *tag;
        size_t mask, count;
        size_t stem;          /* hash only a word's first bytes; 0: all */
        uint32_t cur;         /* tag of the words being added */
        uint32_t seen, found; /* probe counters */
} wordset_t;

/* The state of one nf_clean_text() call. */
typedef struct ctx_s {
        const char *s;
        line_t *L;
        size_t n;
        slot_t *slots;
        size_t slot_mask;
        wordset_t lead; /* the lead's words, when asked for */
} ctx_t;

/* Whether the UTF-8 sequence at p (n bytes available) is a Unicode letter
 * of category cat (UTF8PROC_CATEGORY_LL or _LU). */
static int utf8_is_cat(const unsigned char *p, size_t n, int cat)
{
        utf8proc_int32_t cp;
        if (utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp) < 1) {
                return 0;
        }
        return (int)utf8proc_category(cp) == cat;
}

/* Whether the line has a lower-case letter outside ASCII. */
static int has_nonascii_lower(const unsigned char *p, size_t n)
{
        size_t i = 0;
        while (i < n) {
                if (p[i] < 0x80) {
                        i++;
                        continue;
                }
                utf8proc_int32_t cp;
                utf8proc_ssize_t k =
                    utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
                if (k < 1) {
                        return 0;
                }
                if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
                        return 1;
                }
                i += (size_t)k;
        }
        return 0;
}

/* Flags for how a line ends: walks back over closing quotes and brackets. */
static unsigned line_ending(const unsigned char *p, size_t n)
{
        while (n > 0) {
                unsigned char c = p[n - 1];
                if (c == ')' || c == ']' || c == '"' || c == '\'' || c == '*') {
                        n--;
                } else if (n >= 3 && p[n - 3] == 0xe2 && p[n - 2] == 0x80 &&
                           (c == 0x98 || c == 0x99 || c == 0x9c || c == 0x9d ||
                            c == 0xba)) {
                        n -= 3; /* ‘ ’ “ ” › */
                } else if (n >= 2 && p[n - 2] == 0xc2 &&
                           (c == 0xbb || c == 0xab)) {
                        n -= 2; /* » « */
                } else {
                        break;
                }
        }
        if (n == 0) {
                return 0;
        }
        unsigned char c = p[n - 1];
        if (c == '.') {
                return n >= 3 && p[n - 2] == '.' && p[n - 3] == '.'
                           ? F_TERM | F_ELLIPSIS
                           : F_TERM | F_STOP;
        }
        if (c == ':' || c == ';') {
                return F_TERM;
        }
        if (c == '?' || c == '!') {
                return F_QTERM;
        }
        if (n >= 3 && p[n - 3] == 0xe2 && p[n - 2] == 0x80 && c == 0xa6) {
                return F_TERM | F_ELLIPSIS; /* … */
        }
        return 0;
}

/* Whether the text at p starts with a lower-case letter. */
static int starts_lower(const unsigned char *p, size_t n)
{
        if (n == 0) {
                return 0;
        }
        if (p[0] < 0x80) {
                return p[0] >= 'a' && p[0] <= 'z';
        }
        return utf8_is_cat(p, n, UTF8PROC_CATEGORY_LL);
}

/* Whether the text at p starts with a word in lower case: lower-case
 * letters up to a space, punctuation or the end ("while", "kilometres,"),
 * not "www.example.com" or "iPhone". */
static int starts_word(const unsigned char *p, size_t n)
{
        if (!starts_lower(p, n)) {
                return 0;
        }
        for (size_t i = 0; i < n && p[i] != ' '; i++) {
                if (p[i] < 0x80 && !(p[i] >= 'a' && p[i] <= 'z')) {
                        return (p[i] == ',' || p[i] == ';' || p[i] == '.') &&
                               (i + 1 == n || p[i + 1] == ' ');
                }
        }
        return 1;
}

/* Copies n bytes of a (possibly merged) line, its '\n' read as spaces:
 * a memcpy(), then the few '\n' (only merged lines have any) replaced. */
static void copy_line(char *dst, const char *src, size_t n)
{
        memcpy(dst, src, n);
        for (char *p = dst, *e = dst + n;
             (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++) {
                *p = ' ';
        }
}

static char *line_dup(const char *src, size_t n)
{
        char *d = nf_xrealloc(NULL, n + 1);
        copy_line(d, src, n);
        d[n] = '\0';
        return d;
}

/* Whether the code point starting at q (a UTF-8 lead byte; the text is
 * valid UTF-8, textnorm repaired it) is a letter or a number: a word of
 * emoji, symbols or punctuation only has no content, so a text of emoji is
 * empty. A sequence utf8proc cannot read counts as content. */
static int cp_is_content(const unsigned char *q, const unsigned char *e)
{
        utf8proc_int32_t cp;
        if (utf8proc_iterate(q, e - q, &cp) <= 0) {
                return 1;
        }
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
                return 1;
        default:
                return 0;
        }
}

/*
 * Computes a line's features and keys in one pass. The key folds ASCII case
 * and drops spaces, ASCII punctuation and the punctuation of U+2000..U+203F
 * and U+0080..U+00BF (curly quotes, dashes, bullets, «»), so that copies that
 * differ only in those still match. kb is scratch of at least l->len bytes.
 */
static void line_features(const char *s, line_t *l, unsigned char *kb)
{
        const unsigned char *p = (const unsigned char *)s + l->off;
        const unsigned char *e = p + l->len;
        uint32_t words = 1, cwords = 0, upper = 0, lower = 0, seps = 0;
        size_t k = 0;
        int has = 0; /* the current word holds a letter or digit */
        unsigned flags = 0;
        int nonascii = 0;
        l->pkey = 0;
        for (const unsigned char *q = p; q < e; q++) {
                unsigned char c = *q;
                if ((unsigned)(c - 'a') < 26u) {
                        /* Most bytes: a run of lower-case letters, keyed
                         * as they are (what the branch below does for
                         * each, in a tighter loop). */
                        const unsigned char *r = q;
                        unsigned char *kp = kb + k;
                        do {
                                *kp++ = *q++;
                        } while (q < e && (unsigned)(*q - 'a') < 26u);
                        lower += (uint32_t)(q - r);
                        k += (size_t)(q - r);
                        has = 1;
                        q--; /* the loop steps over the run's last byte */
                        continue;
                }
                if (c < 0x80) {
                        if (c >= 'A' && c <= 'Z') {
                                upper++;
                                kb[k++] = (unsigned char)(c | 0x20);
                                has = 1;
                        } else if (c >= '0' && c <= '9') {
                                flags |= F_DIGIT;
                                kb[k++] = c;
                                has = 1;
                        } else if (c == ' ' || c == '\n') {
                                cwords += has; /* the word had content */
                                has = 0;
                                if (++words == PREFIX_WORDS + 1) {
                                        l->pkey = XXH3_64bits(kb, k) | 1;
                                }
                                if (q + 2 < e && q[2] == ' ' &&
                                    (q[1] == '|' || q[1] == '/' ||
                                     q[1] == '>')) {
                                        seps++;
                                }
                        }
                        continue;
                }
                if (c == 0xe2 && q + 2 < e && q[1] == 0x80) {
                        /* U+2000..U+203F: • (A2), · variants, › (BA) */
                        if (q[2] == 0xa2 || q[2] == 0xba) {
                                seps++;
                        }
                        q += 2;
                        continue;
                }
                if (c == 0xc2 && q + 1 < e) {
                        if (q[1] == 0xbb || q[1] == 0xb7) { /* » · */
                                seps++;
                        }
                        q += 1;
                        continue;
                }
                nonascii = 1;
                kb[k++] = c;
                if (c >= 0xc0 && !has) {
                        has = cp_is_content(q, e);
                }
        }
        l->words = words;
        l->cwords = cwords + has;
        l->key = k ? (XXH3_64bits(kb, k) | 1) : 0;
        flags |= line_ending(p, l->len);
        /* Prose: four words and an end; two, when the end is a full
         * stop ("He declined."); or long enough on its own. */
        if ((flags & F_TERM && words >= 4) || (flags & F_STOP && words >= 2) ||
            (flags & F_QTERM && words >= 10) || words >= 20) {
                flags |= F_SENT;
        }
        if (p[0] >= 'A' && p[0] <= 'Z') {
                flags |= F_UPSTART;
        } else if (p[0] >= 0x80 &&
                   utf8_is_cat(p, l->len, UTF8PROC_CATEGORY_LU)) {
                flags |= F_UPSTART;
        }
        if (lower == 0 && upper >= 2 && words <= 8 && !(flags & F_SENT) &&
            !(nonascii && has_nonascii_lower(p, l->len))) {
                flags |= F_CAPS;
        }
        if (!(flags & F_SENT) && words <= 12 &&
            ((memmem(p, l->len, "://", 3) != NULL) ||
             (l->len > 4 && memcmp(p, "www.", 4) == 0) ||
             (words == 1 && memchr(p, '@', l->len) &&
              memchr(p, '.', l->len)))) {
                flags |= F_LINK;
        }
        if (seps >= 2 && words <= 4 * (seps + 1) && !(flags & F_SENT)) {
                flags |= F_MENUSEP;
        }
        l->flags = (uint16_t)flags;
}

static int is_kept(const line_t *l)
{
        return l->reason == R_KEEP;
}

static int is_sent(const line_t *l)
{
        return (l->flags & F_SENT) != 0;
}

static uint32_t key_count(const ctx_t *c, const line_t *l)
{
        return l->key ? c->slots[l->slot].count : 1;
}

static uint32_t key_first(const ctx_t *c, const line_t *l, uint32_t self)
{
        return l->key ? c->slots[l->slot].first : self;
}

static size_t pow2_above(size_t n)
{
        size_t cap = 16;
        while (cap < n * 2) {
                cap *= 2;
        }
        return cap;
}

/* Fills the key table: the first line and count of each key. */
static void index_keys(ctx_t *c)
{
        size_t cap = pow2_above(c->n);
        c->slots = calloc(cap, sizeof(slot_t));
        if (!c->slots) {
                abort();
        }
        c->slot_mask = cap - 1;
        for (uint32_t i = 0; i < c->n; i++) {
                line_t *l = &c->L[i];
                if (!l->key) {
                        continue;
                }
                size_t h = (size_t)l->key & c->slot_mask;
                while (c->slots[h].key && c->slots[h].key != l->key) {
                        h = (h + 1) & c->slot_mask;
                }
                if (!c->slots[h].key) {
                        c->slots[h] = (slot_t){.key = l->key, .first = i};
                }
                c->slots[h].count++;
                l->slot = (uint32_t)h;
        }
}

/*
 * Truncated copies: a line ending in an ellipsis whose text (less the
 * ellipsis and the cut last word) begins another line. Candidates are found
 * through the hash of their first PREFIX_WORDS words; probing is capped, so
 * the step stays linear on hostile input.
 */
static void mark_truncated(ctx_t *c)
{
        size_t cap = pow2_above(c->n), mask = cap - 1;
        uint32_t *tab = malloc(cap * sizeof(uint32_t));
        if (!tab) {
                abort();
        }
        memset(tab, 0xff, cap * sizeof(uint32_t));
        int any = 0;
        for (uint32_t i = 0; i < c->n; i++) {
                line_t *l = &c->L[i];
                if (l->pkey && !(l->flags & F_ELLIPSIS) &&
                    key_first(c, l, i) == i) {
                        size_t h = (size_t)l->pkey & mask;
                        while (tab[h] != UINT32_MAX) {
                                h = (h + 1) & mask;
                        }
                        tab[h] = i;
                        any = 1;
                }
        }
        for (uint32_t i = 0; any && i < c->n; i++) {
                line_t *t = &c->L[i];
                if (!is_kept(t) || !(t->flags & F_ELLIPSIS) || !t->pkey) {
                        continue;
                }
                const char *ts = c->s + t->off;
                size_t plen = t->len;
                while (plen > 0 && ts[plen - 1] != ' ') {
                        plen--; /* the ellipsis and the word it cuts */
                }
                while (plen > 0 && ts[plen - 1] == ' ') {
                        plen--;
                }
                size_t h = (size_t)t->pkey & mask;
                for (int probes = 0; tab[h] != UINT32_MAX && probes < 64;
                     probes++, h = (h + 1) & mask) {
                        const line_t *f = &c->L[tab[h]];
                        if (tab[h] != i && f->pkey == t->pkey &&
                            f->len > plen &&
                            memcmp(c->s + f->off, ts, plen) == 0) {
                                t->reason = R_TRUNCATED;
                                break;
                        }
                }
        }
        free(tab);
}

/*
 * Word sets, for the teaser and listing tests: words of at least 4 bytes,
 * ASCII lower-cased, split at the punctuation the keys ignore, hashed. Each
 * word remembers the line it came from, or SHARED once a second line has
 * it. The table is sized for the words that go in and never more than half
 * full.
 */
#define SHARED UINT32_MAX

static void ws_init(wordset_t *ws, size_t words)
{
        size_t cap = pow2_above(words + 8);
        ws->h = calloc(cap, sizeof(uint32_t));
        ws->tag = calloc(cap, sizeof(uint32_t));
        if (!ws->h || !ws->tag) {
                abort();
        }
        ws->mask = cap - 1;
        ws->count = ws->seen = ws->found = ws->cur = 0;
        ws->stem = 0;
}

static void ws_fini(wordset_t *ws)
{
        free(ws->h);
        free(ws->tag);
}

static size_t ws_slot(const wordset_t *ws, uint32_t h)
{
        size_t i = h & ws->mask;
        while (ws->h[i] && ws->h[i] != h) {
                i = (i + 1) & ws->mask;
        }
        return i;
}

static void ws_add(wordset_t *ws, uint32_t h)
{
        size_t i = ws_slot(ws, h);
        if (!ws->h[i] && ws->count < ws->mask / 2) {
                ws->h[i] = h;
                ws->tag[i] = ws->cur;
                ws->count++;
        } else if (ws->h[i] && ws->tag[i] != ws->cur) {
                ws->tag[i] = SHARED;
        }
}

static void ws_probe(wordset_t *ws, uint32_t h)
{
        ws->seen++;
        ws->found += ws->h[ws_slot(ws, h)] == h;
}

static void ws_probe_shared(wordset_t *ws, uint32_t h)
{
        size_t i = ws_slot(ws, h);
        ws->seen++;
        ws->found += ws->h[i] == h && ws->tag[i] == SHARED;
}

/* Calls fn(ws, hash) for each word of s (FNV-1a, inline: this runs over
 * whole bodies). A word is a run of ASCII letters (lowered) and digits and
 * of non-ASCII bytes, but for the separators U+2000..U+203F (E2 80 xx) and
 * U+0080..U+00BF (C2 xx); words of fewer than 4 bytes are skipped; with
 * ws->stem, only a word's first stem bytes are hashed. */
static void words_each(const char *s, size_t len, wordset_t *ws,
                       void (*fn)(wordset_t *, uint32_t))
{
        const unsigned char *q = (const unsigned char *)s, *e = q + len;
        size_t stem = ws->stem ? ws->stem : SIZE_MAX;
        for (;;) {
                uint32_t h = 2166136261u;
                size_t k = 0;
                for (; q < e; q++, k++) {
                        unsigned ch = *q, low = ch | 0x20; /* A-Z lowered */
                        if ((unsigned)(low - 'a') >= 26u &&
                            (unsigned)(ch - '0') >= 10u) {
                                if (ch < 0x80 ||
                                    (ch == 0xe2 && q + 2 < e && q[1] == 0x80) ||
                                    (ch == 0xc2 && q + 1 < e)) {
                                        break; /* a separator */
                                }
                                low = ch; /* other non-ASCII: as it is */
                        }
                        if (k < stem) {
                                h = (h ^ low) * 16777619u;
                        }
                }
                if (k >= 4) {
                        fn(ws, h | 1);
                }
                if (q >= e) {
                        return;
                }
                /* past the separator: 3 bytes, 2, or 1 */
                q += *q == 0xe2 && q + 2 < e && q[1] == 0x80 ? 3
                     : *q == 0xc2 && q + 1 < e               ? 2
                                                             : 1;
        }
}

/* Teasers looked at, at most: each costs a pass over the text. */
#define TEASER_MAX_CANDIDATES 8
/* The lead a teaser repeats: the body's first paragraphs. */
#define LEAD_LINES 5

/*
 * Teasers: after a headline occurrence t, up to three sentence lines that
 * end at a removed copy of the body, at another headline or at the end of
 * the text, while the body itself lies elsewhere, and whose words (>= 60%)
 * are the headline's and the lead's (the body's first LEAD_LINES
 * paragraphs). The first teaser becomes *summary.
 */
static void mark_teasers(ctx_t *c, const char *title, char **summary)
{
        int candidates = 0;
        for (uint32_t t = 0; t < c->n && candidates < TEASER_MAX_CANDIDATES;
             t++) {
                if (c->L[t].reason != R_TITLE) {
                        continue;
                }
                uint32_t block[3], nb = 0, j = t + 1;
                int stop = 0, ok = 1;
                for (; j < c->n; j++) {
                        line_t *l = &c->L[j];
                        if (l->reason == R_TITLE || l->reason == R_REPEATED ||
                            l->reason == R_TRUNCATED) {
                                stop = 1;
                                break;
                        }
                        if (!is_kept(l)) {
                                continue;
                        }
                        if (is_sent(l) && l->words <= 80 && nb < 3) {
                                block[nb++] = j;
                                continue;
                        }
                        if (!is_sent(l) && l->words <= 3) {
                                continue; /* "Thumbnail", "Video" */
                        }
                        ok = 0;
                        break;
                }
                if (!ok || nb == 0 || !(stop || j == c->n)) {
                        continue;
                }
                /* The body lies elsewhere: kept sentences outside [t, j).
                 * Its lead is its first LEAD_LINES of them. */
                uint32_t lead[LEAD_LINES], nl = 0;
                size_t lead_words = 0;
                for (uint32_t i = 0; i < c->n && nl < LEAD_LINES; i++) {
                        const line_t *l = &c->L[i];
                        if ((i < t || i >= j) && is_kept(l) && is_sent(l)) {
                                lead[nl++] = i;
                                lead_words += l->words;
                        }
                }
                if (nl == 0) {
                        continue;
                }
                candidates++;
                wordset_t ws;
                ws_init(&ws, lead_words + strlen(title));
                words_each(title, strlen(title), &ws, ws_add);
                for (uint32_t i = 0; i < nl; i++) {
                        const line_t *l = &c->L[lead[i]];
                        words_each(c->s + l->off, l->len, &ws, ws_add);
                }
                for (uint32_t b = 0; b < nb; b++) {
                        const line_t *l = &c->L[block[b]];
                        words_each(c->s + l->off, l->len, &ws, ws_probe);
                }
                int teaser = ws.seen > 0 && ws.found * 10 >= ws.seen * 6;
                ws_fini(&ws);
                for (uint32_t b = 0; teaser && b < nb; b++) {
                        line_t *l = &c->L[block[b]];
                        l->reason = R_TEASER;
                        if (!*summary) {
                                *summary = line_dup(c->s + l->off, l->len);
                        }
                }
        }
}

/*
 * Whether the kept lines in [from, to) read as a list of headlines with
 * one-paragraph teasers rather than as an article: at least min_heads
 * headline-like lines, no two sentence paragraphs in a row, none longer
 * than 40 words, and items about different things (under 30% of their
 * words shared with another item). An explainer whose every paragraph sits
 * under a subheading shares its vocabulary and is kept.
 */
static int listing_shape(const ctx_t *c, size_t from, size_t to,
                         uint32_t min_heads)
{
        uint32_t heads = 0, maxw = 0, run = 0, maxrun = 0;
        size_t words = 0;
        for (size_t i = from; i < to; i++) {
                const line_t *l = &c->L[i];
                if (!is_kept(l)) {
                        continue;
                }
                words += l->words;
                if (is_sent(l)) {
                        maxw = l->words > maxw ? l->words : maxw;
                        maxrun = ++run > maxrun ? run : maxrun;
                        continue;
                }
                run = 0;
                heads += l->words >= 3;
        }
        if (heads < min_heads || maxrun > 1 || maxw > 40) {
                return 0;
        }
        wordset_t ws;
        ws_init(&ws, words);
        for (size_t i = from; i < to; i++) {
                const line_t *l = &c->L[i];
                if (is_kept(l)) {
                        ws.cur = (uint32_t)i;
                        words_each(c->s + l->off, l->len, &ws, ws_add);
                }
        }
        for (size_t i = from; i < to; i++) {
                const line_t *l = &c->L[i];
                if (is_kept(l)) {
                        words_each(c->s + l->off, l->len, &ws, ws_probe_shared);
                }
        }
        int listing = ws.found * 10 < ws.seen * 3;
        ws_fini(&ws);
        return listing;
}

/* Index of the first (dir > 0) or last kept sentence line, or -1. */
static long find_sent(const ctx_t *c, int dir)
{
        for (size_t k = 0; k < c->n; k++) {
                size_t i = dir > 0 ? k : c->n - 1 - k;
                if (is_kept(&c->L[i]) && is_sent(&c->L[i])) {
                        return (long)i;
                }
        }
        return -1;
}

/* Shares of a headline's and of a standfirst's words the lead must hold
 * (a standfirst paraphrases more), the bytes words are compared by (see
 * step 5 of nf_clean_text()), and the shortest standfirst (words). */
#define HEADLINE_SHARE 0.4
#define STANDFIRST_SHARE 0.3
#define STEM 5
#define STANDFIRST_WORDS 8

static int headline_candidate(const line_t *l)
{
        return is_kept(l) && !is_sent(l) && l->words >= 3 && l->words <= 30 &&
               !(l->flags & (F_LINK | F_MENUSEP | F_CAPS));
}

/* Whether share of l's words (and two at least) are words of the lead:
 * the first LEAD_LINES sentences from line first. The lead's word set is
 * built at the first question and kept in c. */
static int shares_lead(ctx_t *c, long first, const line_t *l, double share)
{
        wordset_t *lead = &c->lead;
        if (first < 0) {
                return 0;
        }
        if (!lead->h) {
                size_t words = 0;
                for (size_t j = (size_t)first, k = 0;
                     j < c->n && k < LEAD_LINES; j++) {
                        if (is_kept(&c->L[j]) && is_sent(&c->L[j])) {
                                words += c->L[j].words;
                                k++;
                        }
                }
                ws_init(lead, words);
                lead->stem = STEM;
                for (size_t j = (size_t)first, k = 0;
                     j < c->n && k < LEAD_LINES; j++) {
                        const line_t *m = &c->L[j];
                        if (is_kept(m) && is_sent(m)) {
                                words_each(c->s + m->off, m->len, lead, ws_add);
                                k++;
                        }
                }
        }
        lead->seen = lead->found = 0;
        words_each(c->s + l->off, l->len, lead, ws_probe);
        return lead->found >= 2 &&
               (double)lead->found >= share * (double)lead->seen;
}

/* The headline's line (see step 5 of nf_clean_text()), or -1. first is the
 * first kept sentence line, or -1. */
static long pick_headline(ctx_t *c, long first)
{
        long repeated = -1, shared = -1, four = -1, three = -1;
        size_t lim = first < 0 ? c->n : (size_t)first;
        for (size_t i = 0; i < lim; i++) {
                const line_t *l = &c->L[i];
                if (!headline_candidate(l)) {
                        continue;
                }
                if (key_count(c, l) >= 2) {
                        repeated = (long)i;
                        break;
                }
                if (l->words >= 4 && four < 0) {
                        four = (long)i;
                } else if (l->words == 3 && three < 0) {
                        three = (long)i;
                }
                if (shared < 0 && shares_lead(c, first, l, HEADLINE_SHARE)) {
                        shared = (long)i;
                }
        }
        long best = repeated >= 0 ? repeated
                    : shared >= 0 ? shared
                    : four >= 0   ? four
                                  : three;
        for (size_t i = 0; best < 0 && i < c->n; i++) {
                if (headline_candidate(&c->L[i]) &&
                    key_count(c, &c->L[i]) >= 2) {
                        best = (long)i;
                }
        }
        return best;
}

/* The standfirst: the next kept line after the headline at h, above the
 * body, of STANDFIRST_WORDS words or more, no sentence (a standfirst
 * ending in a full stop reads as the body's first paragraph and stays
 * there), about what the lead is about. Its index, or -1. */
static long pick_standfirst(ctx_t *c, long h, long first)
{
        for (long i = h + 1; h >= 0 && i < first; i++) {
                const line_t *l = &c->L[i];
                if (!is_kept(l) || l->reason == R_TITLE) {
                        continue;
                }
                return !is_sent(l) && l->words >= STANDFIRST_WORDS &&
                               shares_lead(c, first, l, STANDFIRST_SHARE)
                           ? i
                           : -1;
        }
        return -1;
}

/* Splits s into non-empty lines; returns the array (n lines), or NULL when
 * there are more than max lines (*n is then the count so far). */
static line_t *split_lines(const char *s, size_t len, size_t max, size_t *n,
                           size_t *longest)
{
        size_t cap = 1;
        for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + len - p)));
             p++) {
                cap++;
        }
        line_t *L = calloc(cap, sizeof(line_t));
        if (!L) {
                abort();
        }
        size_t k = 0;
        uint32_t block = 0;
        const char *p = s, *end = s + len;
        *longest = 0;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl : end;
                if (e == p) {
                        block++;
                } else {
                        if (max && k == max) {
                                free(L);
                                *n = k + 1;
                                return NULL;
                        }
                        L[k++] = (line_t){.off = (uint32_t)(p - s),
                                          .len = (uint32_t)(e - p),
                                          .block = block};
                        if ((size_t)(e - p) > *longest) {
                                *longest = (size_t)(e - p);
                        }
                }
                p = nl ? nl + 1 : end;
        }
        *n = k;
        return L;
}

/* Whether a word holds a letter or a digit (see cp_is_content()). */
static int word_has_content(const unsigned char *p, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                unsigned char c = p[i];
                if (c < 0x80) {
                        if ((c >= '0' && c <= '9') ||
                            ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
                                return 1;
                        }
                } else if (c >= 0xc0 && cp_is_content(p + i, p + n)) {
                        return 1;
                }
        }
        return 0;
}

int64_t nf_clean_word_count(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s, *e = p + len;
        int64_t n = 0;
        while (p < e) {
                while (p < e && (*p == ' ' || *p == '\n')) {
                        p++;
                }
                const unsigned char *w = p;
                while (p < e && *p != ' ' && *p != '\n') {
                        p++;
                }
                if (p > w && word_has_content(w, (size_t)(p - w))) {
                        n++;
                }
        }
        return n;
}

/* Joins the kept lines with "\n\n". */
static void join_kept(ctx_t *c, nf_clean_result_t *res, size_t total)
{
        char *out = nf_xrealloc(NULL, total + 2 * c->n + 1);
        size_t o = 0;
        long prev = -1;
        for (size_t i = 0; i < c->n; i++) {
                const line_t *l = &c->L[i];
                if (!is_kept(l)) {
                        continue;
                }
                if (prev >= 0) {
                        out[o++] = '\n';
                        out[o++] = '\n';
                }
                res->paragraphs++;
                copy_line(out + o, c->s + l->off, l->len);
                o += l->len;
                prev = (long)i;
        }
        out[o] = '\0';
        res->text = out;
        res->text_len = o;
        res->word_count = 0;
        for (size_t i = 0; i < c->n; i++) {
                res->word_count += is_kept(&c->L[i]) ? c->L[i].cwords : 0;
        }
}

/* Counts removed lines by reason and the runs of consecutive repeated
 * lines (repeated blocks). */
static void count_removed(const ctx_t *c, nf_clean_result_t *res)
{
        int in_run = 0;
        for (size_t i = 0; i < c->n; i++) {
                const line_t *l = &c->L[i];
                res->removed[l->reason]++;
                if (l->reason == R_REPEATED || l->reason == R_TRUNCATED) {
                        res->repeated_blocks += !in_run;
                        in_run = 1;
                } else {
                        in_run = 0;
                }
        }
        res->removed[R_KEEP] = 0;
}

void nf_clean_text(const nf_clean_rules_t *rules, const nf_clean_opts_t *opts,
                   const char *s, size_t len, const char *title_hint,
                   nf_clean_result_t *res)
{
        memset(res, 0, sizeof(*res));
        ctx_t c = {.s = s};
        size_t longest;
        c.L = split_lines(s, len, opts ? opts->max_lines : 0, &c.n, &longest);
        res->lines_in = (uint32_t)c.n;
        if (!c.L) {
                res->status = NF_CLEAN_TOO_MANY_LINES;
                res->text = nf_xstrndup("", 0);
                return;
        }
        /* Features and keys of the raw lines. */
        unsigned char *kb = nf_xrealloc(NULL, longest + 1);
        for (size_t i = 0; i < c.n; i++) {
                line_features(s, &c.L[i], kb);
        }
        index_keys(&c);

        /* 1. Patterns, on lines short enough to be boilerplate. A copy of
         * an earlier line gets that line's answer without matching. */
        nf_clean_match_t *mt = nf_clean_match_new();
        for (uint32_t i = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (l->len > NF_CLEAN_PATTERN_MAX_LINE) {
                        continue;
                }
                const line_t *f = &c.L[key_first(&c, l, i)];
                if (f != l && f->len == l->len &&
                    memcmp(s + f->off, s + l->off, l->len) == 0) {
                        l->reason = f->reason;
                        continue;
                }
                int r = nf_clean_rules_reason(rules, mt, s + l->off, l->len,
                                              l->words);
                if (r > 0) {
                        l->reason = (uint8_t)r;
                }
        }
        res->pattern_limit_hits = nf_clean_match_limit_hits(mt);
        nf_clean_match_destroy(mt);

        /* 2. Hard-wrapped text: a kept line of WRAP_MIN bytes or more that
         * does not end a sentence continues into the next kept line of its
         * block when that one starts with a lower-case word. A merged line
         * spans the '\n' between the two, which the features and the output
         * read as a space. */
        size_t k = 0, merged = 0;
        for (size_t i = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                line_t *p = k ? &c.L[k - 1] : NULL;
                if (p && p->reason == R_KEEP && l->reason == R_KEEP &&
                    p->block == l->block && p->len >= WRAP_MIN &&
                    !(p->flags & (F_TERM | F_QTERM)) &&
                    starts_word((const unsigned char *)s + l->off, l->len)) {
                        p->len = l->off + l->len - p->off;
                        p->flags =
                            (uint16_t)((p->flags & ~(F_TERM | F_QTERM |
                                                     F_ELLIPSIS | F_STOP)) |
                                       (l->flags & (F_TERM | F_QTERM |
                                                    F_ELLIPSIS | F_STOP)) |
                                       F_MERGED);
                        merged++;
                } else {
                        c.L[k++] = *l;
                }
        }
        c.n = k;
        if (merged) {
                for (size_t i = 0; i < c.n; i++) {
                        line_t *l = &c.L[i];
                        if (l->flags & F_MERGED) {
                                longest = l->len > longest ? l->len : longest;
                                kb = nf_xrealloc(kb, longest + 1);
                                line_features(s, l, kb);
                        }
                }
                free(c.slots);
                index_keys(&c);
        }

        /* 3. A comments header once the body has started: the rest is
         * comments. */
        for (size_t i = 0, sents = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (is_kept(l) && is_sent(l)) {
                        sents++;
                } else if (l->reason == R_COMMENTS && sents >= 2) {
                        for (size_t j = i + 1; j < c.n; j++) {
                                c.L[j].reason = R_COMMENTS;
                        }
                        break;
                }
        }

        /* 4. Link and menu lines; repeated lines. Short labels seen more
         * than once go entirely; of anything else the first copy stays. */
        for (uint32_t i = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (!is_kept(l)) {
                        continue;
                }
                if (l->flags & F_LINK) {
                        l->reason = R_LINK;
                } else if (l->flags & F_MENUSEP) {
                        l->reason = R_MENU;
                } else if (key_count(&c, l) >= 2 &&
                           ((!is_sent(l) && l->words <= 3) ||
                            key_first(&c, l, i) != i)) {
                        l->reason = R_REPEATED;
                }
        }
        mark_truncated(&c);

        /* 5. Title: the caller's, else the headline. Pages put it first
         * among the short non-sentence lines above the body, after the
         * navigation and before the standfirst, byline and caption; and it
         * speaks of what the lead speaks of. So: a line above the body that
         * is repeated later; else the first one sharing HEADLINE_SHARE of
         * its words with the lead (words compared by their first STEM bytes:
         * "agrees" is "agreed"); else the first of four words or more; else
         * of three; else a repeated line anywhere. ALL-CAPS lines are
         * labels, not headlines. */
        long first = find_sent(&c, 1);
        uint64_t tkey = 0;
        char *title = NULL;
        if (title_hint && *title_hint) {
                line_t h = {.len = (uint32_t)strlen(title_hint)};
                unsigned char *hk = nf_xrealloc(NULL, h.len + 1);
                line_features(title_hint, &h, hk);
                free(hk);
                tkey = h.key;
        } else {
                long best = pick_headline(&c, first);
                if (best >= 0) {
                        tkey = c.L[best].key;
                        title = line_dup(s + c.L[best].off, c.L[best].len);
                }
        }
        if (tkey) {
                for (size_t i = 0; i < c.n; i++) {
                        line_t *l = &c.L[i];
                        if (l->key == tkey &&
                            (is_kept(l) || l->reason == R_REPEATED)) {
                                l->reason = R_TITLE;
                        }
                }
        }

        /* 6. Teasers, now that headlines and copies are known; or else the
         * standfirst under the headline, as the summary. */
        mark_teasers(&c, title ? title : (title_hint ? title_hint : ""),
                     &res->summary);
        long head = -1;
        for (long i = 0; tkey && i < first && head < 0; i++) {
                head = c.L[i].reason == R_TITLE ? i : -1;
        }
        long sf = pick_standfirst(&c, head, first);
        if (sf >= 0 && !res->summary) {
                res->summary = line_dup(s + c.L[sf].off, c.L[sf].len);
        }

        /* 7. Related-stories blocks: the headline list after the header,
         * or, when the rest of the text is a list, all of it (asked of the
         * first RELATED_MAX headers only: each question reads the rest of
         * the text). */
        for (size_t i = 0, sents = 0, asked = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (is_kept(l) && is_sent(l)) {
                        sents++;
                        continue;
                }
                if (l->reason != R_RELATED || sents == 0) {
                        continue;
                }
                int all =
                    asked++ < RELATED_MAX && listing_shape(&c, i + 1, c.n, 2);
                size_t j = i + 1;
                for (; j < c.n; j++) {
                        line_t *m = &c.L[j];
                        if (!all && is_kept(m) && is_sent(m)) {
                                break;
                        }
                        if (is_kept(m)) {
                                m->reason = R_RELATED;
                        }
                }
                i = j - 1; /* the list is done: go on after it */
        }

        /* 8. Menus in the middle: ALL-CAPS labels not framed by prose, and
         * runs of four or more short capitalised words. */
        for (size_t i = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (!is_kept(l) || !(l->flags & F_CAPS)) {
                        continue;
                }
                int framed = i > 0 && i + 1 < c.n && is_sent(&c.L[i - 1]) &&
                             is_sent(&c.L[i + 1]);
                if (!framed) {
                        l->reason = R_MENU;
                }
        }
        for (size_t i = 0; i < c.n;) {
                size_t j = i;
                while (j < c.n && is_kept(&c.L[j]) && !is_sent(&c.L[j]) &&
                       c.L[j].words <= 3 && (c.L[j].flags & F_UPSTART) &&
                       !(c.L[j].flags & F_DIGIT)) {
                        j++;
                }
                for (size_t m = i; j - i >= 4 && m < j; m++) {
                        c.L[m].reason = R_MENU;
                }
                i = j > i ? j : i + 1;
        }

        /* 9. Short non-sentence lines before the first and after the last
         * sentence. Before that, a text that is a list of headlines with
         * short teasers is no article. */
        first = find_sent(&c, 1);
        long last = find_sent(&c, -1);
        if (first < 0) {
                /* No prose at all: one or two lines that no rule took for
                 * boilerplate are a flash ("Earthquake hits Japan"), kept
                 * whole, headline included; more are a page of labels. */
                size_t nflash = 0;
                for (size_t i = 0; i < c.n; i++) {
                        const line_t *l = &c.L[i];
                        nflash += (is_kept(l) || l->reason == R_TITLE) &&
                                  l->cwords > 0;
                }
                for (size_t i = 0; nflash <= FLASH_LINES && i < c.n; i++) {
                        line_t *l = &c.L[i];
                        if ((is_kept(l) || l->reason == R_TITLE) &&
                            l->cwords > 0) {
                                l->reason = R_KEEP;
                                first = first < 0 ? (long)i : first;
                                last = (long)i;
                        }
                }
        }
        if (first >= 0 &&
            listing_shape(&c, (size_t)first, (size_t)last + 1, 3)) {
                res->status = NF_CLEAN_NO_ARTICLE;
        }
        for (size_t i = 0; i < c.n; i++) {
                line_t *l = &c.L[i];
                if (is_kept(l) && (first < 0 || (long)i < first)) {
                        l->reason = R_TOP;
                } else if (is_kept(l) && (long)i > last) {
                        l->reason = R_BOTTOM;
                }
        }

        count_removed(&c, res);
        size_t total = 0;
        for (size_t i = 0; i < c.n; i++) {
                total += is_kept(&c.L[i]) ? c.L[i].len : 0;
        }
        if (first < 0) {
                res->status = NF_CLEAN_EMPTY;
        }
        if (res->status == NF_CLEAN_OK) {
                join_kept(&c, res, total);
                if (res->word_count == 0) { /* punctuation only */
                        res->status = NF_CLEAN_EMPTY;
                        res->text[0] = '\0';
                        res->text_len = 0;
                        res->paragraphs = 0;
                }
        } else {
                res->text = nf_xstrndup("", 0);
        }
        if (res->status == NF_CLEAN_OK) {
                res->title = title;
                title = NULL;
        }
        free(title);
        free(kb);
        free(c.slots);
        free(c.L);
        if (c.lead.h) {
                ws_fini(&c.lead);
        }
}

void nf_clean_paragraphs(const char *s, size_t len, nf_clean_result_t *res)
{
        memset(res, 0, sizeof(*res));
        char *out = nf_xrealloc(NULL, 2 * len + 1);
        size_t o = 0;
        const char *p = s, *end = s + len;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl : end;
                if (e > p) {
                        res->lines_in++;
                        if (o) {
                                out[o++] = '\n';
                                out[o++] = '\n';
                        }
                        memcpy(out + o, p, (size_t)(e - p));
                        o += (size_t)(e - p);
                        res->paragraphs++;
                }
                p = nl ? nl + 1 : end;
        }
        out[o] = '\0';
        res->text = out;
        res->text_len = o;
        res->word_count = nf_clean_word_count(out, o);
        if (res->word_count == 0) {
                res->status = NF_CLEAN_EMPTY;
        }
}

void nf_clean_result_fini(nf_clean_result_t *res)
{
        free(res->text);
        free(res->title);
        free(res->summary);
        memset(res, 0, sizeof(*res));
}
