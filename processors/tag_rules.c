/*
 * tag_rules.c — the tokenizer shared by rules and matcher, and the JSON rule
 * file loader/compiler. See tag_rules.h; the file format is documented in
 * deploy/rules/README.md.
 */
#include "processors/tag_rules.h"
#include "common/xalloc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
/* inline XXH3: one call per token, worth inlining */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- small helpers ------------------------------------------------------ */

uint64_t nf_tag_hash(const char *s, size_t len)
{
        return XXH3_64bits(s, len);
}

/* ---- tokenizer ---------------------------------------------------------- */

/* ASCII word characters and their folded form (0 = not a word char; bytes
 * of 0x80 and above are 0 too, so one lookup classifies any byte). */
static const unsigned char ascii_fold[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
};

/* ASCII word bytes by class: 1 lower, 2 upper, 4 digit (GNU range
 * designators, as gcc and clang accept). */
static const unsigned char ascii_class[256] = {
    ['a' ... 'z'] = 1,
    ['A' ... 'Z'] = 2,
    ['0' ... '9'] = 4,
};

/* Whether a code point is part of a word: letters, marks, digits. */
static int cp_is_word(utf8proc_int32_t cp)
{
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
                return 1;
        default:
                return 0;
        }
}

/* Decodes one code point at s[i]; returns its length (>= 1). Invalid bytes
 * (never in jansson strings) are taken as U+FFFD of length 1. */
static size_t decode(const char *s, size_t len, size_t i, utf8proc_int32_t *cp)
{
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), cp);
        if (n <= 0) {
                *cp = 0xFFFD;
                return 1;
        }
        return (size_t)n;
}

void nf_tag_tokens_fini(nf_tag_tokens_t *toks)
{
        free(toks->v);
        free(toks->fold);
        memset(toks, 0, sizeof(*toks));
}

/* The token at index n, growing the list when it is full. */
static nf_tag_token_t *new_token(nf_tag_tokens_t *toks, size_t n)
{
        if (n == toks->cap) {
                toks->cap = toks->cap ? toks->cap * 2 : 256;
                toks->v = nf_xrealloc(toks->v, toks->cap * sizeof(*toks->v));
        }
        return &toks->v[n];
}

void nf_tag_tokenize(const char *s, size_t len, nf_tag_tokens_t *toks)
{
        size_t n = 0; /* the count, stored at the end: a local stays in a
                         register across the stores into the tokens */
        toks->fold_len = 0;
        /* lower-casing grows a code point by at most 3/2 (2 -> 3 bytes) */
        size_t need = len + len / 2 + 8;
        if (toks->fold_cap < need) {
                toks->fold = nf_xrealloc(toks->fold, need);
                toks->fold_cap = need;
        }
        char *fold = toks->fold;
        size_t fl = 0;
        size_t i = 0;
        const unsigned char *u = (const unsigned char *)s, *uend = u + len;
        while (i < len) {
                unsigned char c = (unsigned char)s[i];
                utf8proc_int32_t cp;
                size_t clen;
                if (c < 0x80) {
                        unsigned char f = ascii_fold[c];
                        if (!f) {
                                i++;
                                continue;
                        }
                        /* Fast path: a word of ASCII letters and digits
                         * only, the common case, with the flags and folded
                         * form the general loop below gives it (a word
                         * that starts lower-case is LOWER, its digits
                         * unscanned); a word that goes on with a non-ASCII
                         * character is left to the general loop. */
                        const unsigned char *p = u + i;
                        char *fo = fold + fl;
                        unsigned cls = 1;
                        if (c >= 'a' && c <= 'z') {
                                do {
                                        *fo++ = (char)f;
                                } while (++p < uend && (f = ascii_fold[*p]));
                        } else {
                                cls = 0;
                                do {
                                        *fo++ = (char)f;
                                        cls |= ascii_class[*p];
                                } while (++p < uend && (f = ascii_fold[*p]));
                        }
                        if (p == uend || *p < 0x80) {
                                nf_tag_token_t *t = new_token(toks, n++);
                                t->start = (uint32_t)i;
                                t->end = (uint32_t)(p - u);
                                t->fold_off = (uint32_t)fl;
                                t->fold_len = (uint32_t)(fo - fold - fl);
                                t->flags =
                                    (c >= 'A' && c <= 'Z' ? NF_TAG_TOK_CAP
                                                          : 0) |
                                    (cls & 1   ? NF_TAG_TOK_LOWER
                                     : cls & 2 ? NF_TAG_TOK_UPPER
                                               : 0) |
                                    (cls & 4 ? NF_TAG_TOK_DIGIT : 0);
                                t->hash = nf_tag_hash(fold + fl, t->fold_len);
                                /* *p, if any, is an ASCII non-word byte
                                 * (the loop stopped on it): skip it too */
                                i = t->end + (p < uend);
                                fl += t->fold_len;
                                continue;
                        }
                        cp = c;
                        clen = 1;
                } else {
                        if (c == 0xE2 && i + 2 < len &&
                            (unsigned char)s[i + 1] == 0x80) {
                                i += 3; /* U+2000-U+203F: spaces, dashes,
                                           quotes (none is a word char) */
                                continue;
                        }
                        clen = decode(s, len, i, &cp);
                        if (!cp_is_word(cp)) {
                                i += clen;
                                continue;
                        }
                }
                /* a word starts at i */
                nf_tag_token_t *t = new_token(toks, n++);
                t->start = (uint32_t)i;
                t->fold_off = (uint32_t)fl;
                uint32_t flags = 0;
                int first = 1, has_letter = 0, has_lower = 0;
                for (;;) {
                        if (cp < 0x80) {
                                /* fast path: a run of ASCII word bytes */
                                unsigned cls = 0;
                                if (first && cp >= 'A' && cp <= 'Z') {
                                        flags |= NF_TAG_TOK_CAP;
                                }
                                const unsigned char *p =
                                    (const unsigned char *)s + i;
                                const unsigned char *end =
                                    (const unsigned char *)s + len;
                                char *fo = fold + fl;
                                unsigned char f;
                                if (first && cp >= 'a' && cp <= 'z') {
                                        /* the common case: a lower-case
                                         * word; its flags need no scan */
                                        cls = 1;
                                        while (p < end &&
                                               (f = ascii_fold[*p])) {
                                                *fo++ = (char)f;
                                                p++;
                                        }
                                } else {
                                        while (p < end &&
                                               (f = ascii_fold[*p])) {
                                                *fo++ = (char)f;
                                                cls |= ascii_class[*p++];
                                        }
                                }
                                i = (size_t)(p - (const unsigned char *)s);
                                fl = (size_t)(fo - fold);
                                has_letter |= (cls & 3) != 0;
                                has_lower |= (cls & 1) != 0;
                                if (cls & 4) {
                                        flags |= NF_TAG_TOK_DIGIT;
                                }
                                first = 0;
                                if (i >= len) {
                                        break;
                                }
                                c = (unsigned char)s[i];
                                if (c < 0x80) {
                                        break; /* not a word byte */
                                }
                                clen = decode(s, len, i, &cp);
                                if (!cp_is_word(cp)) {
                                        break;
                                }
                                continue;
                        }
                        /* one non-ASCII word character */
                        utf8proc_int32_t lc = utf8proc_tolower(cp);
                        fl += (size_t)utf8proc_encode_char(
                            lc, (utf8proc_uint8_t *)fold + fl);
                        utf8proc_category_t cat = utf8proc_category(cp);
                        if (cat == UTF8PROC_CATEGORY_LU ||
                            cat == UTF8PROC_CATEGORY_LT) {
                                has_letter = 1;
                                if (first) {
                                        flags |= NF_TAG_TOK_CAP;
                                }
                        } else if (cat == UTF8PROC_CATEGORY_LL) {
                                has_letter = has_lower = 1;
                        } else if (cat == UTF8PROC_CATEGORY_ND) {
                                flags |= NF_TAG_TOK_DIGIT;
                        } else if (cat == UTF8PROC_CATEGORY_LO) {
                                has_letter = 1;
                        }
                        first = 0;
                        i += clen;
                        if (i >= len) {
                                break;
                        }
                        c = (unsigned char)s[i];
                        if (c < 0x80) {
                                if (!ascii_fold[c]) {
                                        break;
                                }
                                cp = c;
                                clen = 1;
                        } else {
                                clen = decode(s, len, i, &cp);
                                if (!cp_is_word(cp)) {
                                        break;
                                }
                        }
                }
                if (has_lower) {
                        flags |= NF_TAG_TOK_LOWER;
                } else if (has_letter) {
                        flags |= NF_TAG_TOK_UPPER;
                }
                t->end = (uint32_t)i;
                t->fold_len = (uint32_t)(fl - t->fold_off);
                t->flags = flags;
                t->hash = nf_tag_hash(fold + t->fold_off, t->fold_len);
        }
        toks->fold_len = fl;
        toks->n = n;
}

size_t nf_tag_sep_normalise(const char *s, size_t len, char *out,
                            size_t out_size)
{
        size_t o = 0;
        size_t i = 0;
        if (out_size == 0) {
                return 0;
        }
        if (len == 1 && (unsigned char)s[0] < 0x80 && out_size > 1) {
                /* one ASCII byte, the usual gap between words: what the
                 * loop below makes of it (white space -> ' ', others as
                 * they are, '-' and '\'' included) */
                char c = s[0];
                out[0] = c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
                                 c == '\v'
                             ? ' '
                             : c;
                out[1] = '\0';
                return 1;
        }
        while (i < len && o + 1 < out_size) {
                utf8proc_int32_t cp;
                size_t clen = decode(s, len, i, &cp);
                char r = 0;
                if (cp == 0xAD) { /* soft hyphen: invisible */
                        i += clen;
                        continue;
                }
                if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
                    cp == '\f' || cp == '\v' ||
                    (cp >= 0x80 &&
                     (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS ||
                      utf8proc_category(cp) == UTF8PROC_CATEGORY_ZL ||
                      utf8proc_category(cp) == UTF8PROC_CATEGORY_ZP))) {
                        r = ' ';
                        if (o > 0 && out[o - 1] == ' ') {
                                i += clen;
                                continue;
                        }
                } else if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
                        r = '-';
                } else if (cp == '\'' || cp == 0x2019 || cp == 0x2018 ||
                           cp == 0x02BC) {
                        r = '\'';
                }
                if (r) {
                        out[o++] = r;
                } else {
                        if (o + clen >= out_size) {
                                break;
                        }
                        memcpy(out + o, s + i, clen);
                        o += clen;
                }
                i += clen;
        }
        out[o] = '\0';
        return o;
}

/* ---- alias confirmation ------------------------------------------------ */

/* Compares the case of one word: with PROPER every letter that is upper
 * case in the alias must be upper case in the text. Folded forms are known
 * to be equal. */
static int case_ok(nf_tag_case_t mode, const nf_tag_word_t *w, const char *t,
                   size_t tlen)
{
        if (mode == NF_TAG_CASE_IGNORE) {
                return 1;
        }
        if (mode == NF_TAG_CASE_EXACT) {
                return tlen == w->orig_len && memcmp(t, w->orig, tlen) == 0;
        }
        size_t i = 0, j = 0;
        while (i < w->orig_len && j < tlen) {
                unsigned char a = (unsigned char)w->orig[i];
                unsigned char b = (unsigned char)t[j];
                if (a < 0x80 && b < 0x80) {
                        if (a >= 'A' && a <= 'Z' && !(b >= 'A' && b <= 'Z')) {
                                return 0;
                        }
                        i++;
                        j++;
                        continue;
                }
                utf8proc_int32_t ca, cb;
                i += decode(w->orig, w->orig_len, i, &ca);
                j += decode(t, tlen, j, &cb);
                if (utf8proc_isupper(ca) && !utf8proc_isupper(cb)) {
                        return 0;
                }
        }
        if (i != w->orig_len || j != tlen) {
                /* folding changed the length (rare): demand the exact form */
                return tlen == w->orig_len && memcmp(t, w->orig, tlen) == 0;
        }
        return 1;
}

int nf_tag_alias_match(const nf_tag_alias_t *a, const char *buf, size_t len,
                       const nf_tag_tokens_t *toks, size_t i)
{
        char sep[24];
        size_t n = (size_t)a->nwords;
        if (i + n > toks->n) {
                return 0;
        }
        for (size_t w = 0; w < n; w++) {
                const nf_tag_token_t *t = &toks->v[i + w];
                const nf_tag_word_t *wd = &a->words[w];
                if (t->hash != wd->hash || t->fold_len != wd->fold_len ||
                    memcmp(toks->fold + t->fold_off, wd->fold, wd->fold_len)) {
                        return 0;
                }
        }
        for (size_t w = 0; w < n; w++) {
                const nf_tag_token_t *t = &toks->v[i + w];
                const nf_tag_word_t *wd = &a->words[w];
                if (a->case_mode != NF_TAG_CASE_IGNORE && a->has_upper &&
                    !case_ok(a->case_mode, wd, buf + t->start,
                             t->end - t->start)) {
                        return 0;
                }
                if (w + 1 < n) {
                        size_t sl = toks->v[i + w + 1].start - t->end;
                        unsigned char c = (unsigned char)buf[t->end];
                        if (sl == 1 && c < 0x80 && c != '\'' && c != '\t' &&
                            c != '\n' && c != '\r') {
                                /* one plain ASCII byte: compare directly */
                                if (wd->sep[0] != (char)c || wd->sep[1]) {
                                        return 0;
                                }
                                continue;
                        }
                        nf_tag_sep_normalise(buf + t->end, sl, sep,
                                             sizeof(sep));
                        if (strcmp(sep, wd->sep)) {
                                return 0;
                        }
                }
        }
        const nf_tag_token_t *first = &toks->v[i], *last = &toks->v[i + n - 1];
        size_t prev_end = i > 0 ? toks->v[i - 1].end : 0;
        size_t next_start = i + n < toks->n ? toks->v[i + n].start : len;
        if (a->lead[0] || a->abbrev) {
                size_t sl = nf_tag_sep_normalise(buf + prev_end,
                                                 first->start - prev_end, sep,
                                                 sizeof(sep));
                size_t ll = strlen(a->lead);
                if (sl < ll || strcmp(sep + sl - ll, a->lead)) {
                        return 0;
                }
                if (a->abbrev && i > 0 && strcmp(sep, ".") == 0) {
                        return 0; /* inside a longer abbreviation */
                }
        }
        if (a->trail[0] || a->abbrev) {
                nf_tag_sep_normalise(buf + last->end, next_start - last->end,
                                     sep, sizeof(sep));
                if (strncmp(sep, a->trail, strlen(a->trail))) {
                        return 0;
                }
                if (a->abbrev && i + n < toks->n && strcmp(sep, ".") == 0) {
                        return 0; /* "U.S." inside "U.S.A." */
                }
        }
        return 1;
}

/* ---- hash sets ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

int nf_tag_hashset_has(const uint64_t *set, size_t n, uint64_t h)
{
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (set[mid] < h) {
                        lo = mid + 1;
                } else if (set[mid] > h) {
                        hi = mid;
                } else {
                        return 1;
                }
        }
        return 0;
}

/* ---- loader state ------------------------------------------------------- */

typedef struct loader_s {
        nf_tag_rules_t *rules;
        const char *file;  /* current file, for messages */
        const char *entry; /* current entry name, for messages */
        char *errstr;
        size_t errstr_size;
        size_t aliases_cap, entries_cap;
} loader_t;

static int fail(loader_t *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes "FILE:ENTRY: message" (or "FILE: message" outside an entry). */
static int fail(loader_t *ld, const char *fmt, ...)
{
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (ld->entry) {
                snprintf(ld->errstr, ld->errstr_size, "%s:%s: %s", ld->file,
                         ld->entry, msg);
        } else {
                snprintf(ld->errstr, ld->errstr_size, "%s: %s", ld->file, msg);
        }
        return -1;
}

/* Keys allowed in an object; anything else is a mistake worth reporting. */
static int check_keys(loader_t *ld, json_t *obj, const char *what,
                      const char *const *allowed)
{
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val) {
                int ok = 0;
                for (size_t i = 0; allowed[i]; i++) {
                        if (strcmp(allowed[i], key) == 0) {
                                ok = 1;
                                break;
                        }
                }
                if (!ok) {
                        return fail(ld, "unknown key \"%s\" in %s", key, what);
                }
        }
        return 0;
}

static int get_string(loader_t *ld, json_t *obj, const char *key,
                      const char **out)
{
        json_t *v = json_object_get(obj, key);
        if (!v) {
                return 0;
        }
        if (!json_is_string(v)) {
                return fail(ld, "\"%s\" must be a string", key);
        }
        *out = json_string_value(v);
        return 0;
}

static int get_number(loader_t *ld, json_t *obj, const char *key, double *out)
{
        json_t *v = json_object_get(obj, key);
        if (!v) {
                return 0;
        }
        if (!json_is_number(v)) {
                return fail(ld, "\"%s\" must be a number", key);
        }
        *out = json_number_value(v);
        return 0;
}

static int parse_case(loader_t *ld, json_t *obj, nf_tag_case_t *out)
{
        const char *s = NULL;
        if (get_string(ld, obj, "case", &s)) {
                return -1;
        }
        if (!s) {
                return 0;
        }
        if (strcmp(s, "proper") == 0) {
                *out = NF_TAG_CASE_PROPER;
        } else if (strcmp(s, "exact") == 0) {
                *out = NF_TAG_CASE_EXACT;
        } else if (strcmp(s, "ignore") == 0) {
                *out = NF_TAG_CASE_IGNORE;
        } else {
                return fail(ld, "\"case\" must be proper, exact or ignore, "
                                "not \"%s\"",
                            s);
        }
        return 0;
}

/* ---- categories --------------------------------------------------------- */

static int add_category(nf_tag_rules_t *rules, const char *name,
                        nf_tag_kind_t kind)
{
        rules->categories =
            nf_xrealloc(rules->categories,
                     (rules->ncategories + 1) * sizeof(*rules->categories));
        nf_tag_category_t *c = &rules->categories[rules->ncategories];
        memset(c, 0, sizeof(*c));
        c->name = nf_xstrdup(name);
        c->kind = kind;
        c->threshold = kind == NF_TAG_KIND_TOPIC ? 3.0 : 1.0;
        c->min_share = kind == NF_TAG_KIND_TOPIC ? 0.25 : 0.0;
        c->layer = kind == NF_TAG_KIND_TOPIC ? 1 : 0;
        return (int)rules->ncategories++;
}

int nf_tag_rules_category(const nf_tag_rules_t *rules, const char *name)
{
        for (size_t i = 0; i < rules->ncategories; i++) {
                if (strcmp(rules->categories[i].name, name) == 0) {
                        return (int)i;
                }
        }
        return -1;
}

static int parse_categories(loader_t *ld, json_t *arr)
{
        static const char *const keys[] = {"name",      "kind", "threshold",
                                           "min_share", "max",  "layer",
                                           "description", NULL};
        if (!json_is_array(arr)) {
                return fail(ld, "\"categories\" must be an array");
        }
        size_t i;
        json_t *c;
        json_array_foreach(arr, i, c) {
                const char *name = NULL, *kind_s = NULL;
                if (!json_is_object(c)) {
                        return fail(ld, "categories[%zu] must be an object",
                                    i);
                }
                if (check_keys(ld, c, "a category", keys) ||
                    get_string(ld, c, "name", &name) ||
                    get_string(ld, c, "kind", &kind_s)) {
                        return -1;
                }
                if (!name) {
                        return fail(ld, "categories[%zu] has no \"name\"", i);
                }
                nf_tag_kind_t kind = NF_TAG_KIND_ENTITY;
                if (kind_s) {
                        if (strcmp(kind_s, "entity") == 0) {
                                kind = NF_TAG_KIND_ENTITY;
                        } else if (strcmp(kind_s, "topic") == 0) {
                                kind = NF_TAG_KIND_TOPIC;
                        } else if (strcmp(kind_s, "people") == 0) {
                                kind = NF_TAG_KIND_PEOPLE;
                        } else {
                                return fail(ld,
                                            "category \"%s\": kind must be "
                                            "entity, topic or people",
                                            name);
                        }
                }
                int ci = nf_tag_rules_category(ld->rules, name);
                if (ci < 0) {
                        ci = add_category(ld->rules, name, kind);
                } else if (kind_s && ld->rules->categories[ci].kind != kind) {
                        return fail(ld,
                                    "category \"%s\" redeclared with another "
                                    "kind",
                                    name);
                }
                nf_tag_category_t *cat = &ld->rules->categories[ci];
                double max = cat->max, layer = cat->layer;
                if (get_number(ld, c, "threshold", &cat->threshold) ||
                    get_number(ld, c, "min_share", &cat->min_share) ||
                    get_number(ld, c, "max", &max) ||
                    get_number(ld, c, "layer", &layer)) {
                        return -1;
                }
                cat->max = (int)max;
                cat->layer = (int)layer;
                if (cat->layer < 0 || cat->layer > 7) {
                        return fail(ld, "category \"%s\": layer must be 0..7",
                                    name);
                }
        }
        return 0;
}

/* ---- aliases ------------------------------------------------------------ */

/* Expands the first {a,b,c} group of s, recursively, into out (a JSON array
 * of strings). Returns 0, or -1 when a brace is unbalanced or the expansion
 * grows past 256 forms. */
static int brace_expand(const char *s, json_t *out)
{
        const char *open = strchr(s, '{');
        if (!open) {
                if (json_array_size(out) >= 256) {
                        return -1;
                }
                json_array_append_new(out, json_string(s));
                return 0;
        }
        const char *close = strchr(open, '}');
        if (!close) {
                return -1;
        }
        size_t plen = (size_t)(open - s);
        const char *opt = open + 1;
        for (;;) {
                const char *end = opt;
                while (end < close && *end != ',') {
                        end++;
                }
                size_t olen = (size_t)(end - opt);
                size_t slen = strlen(close + 1);
                char *buf = nf_xrealloc(NULL, plen + olen + slen + 1);
                memcpy(buf, s, plen);
                memcpy(buf + plen, opt, olen);
                memcpy(buf + plen + olen, close + 1, slen + 1);
                int rc = brace_expand(buf, out);
                free(buf);
                if (rc) {
                        return rc;
                }
                if (end >= close) {
                        break;
                }
                opt = end + 1;
        }
        return 0;
}

static void alias_free(nf_tag_alias_t *a)
{
        for (int w = 0; w < a->nwords; w++) {
                free(a->words[w].fold);
                free(a->words[w].orig);
                free(a->words[w].sep);
        }
        free(a->words);
        free(a->lead);
        free(a->trail);
        free(a->lang);
        free(a->text);
}

/* Builds an alias from text (NFC-normalised first). Returns 0, or -1 with
 * the error set when the text has no word in it. */
static int alias_build(loader_t *ld, const char *text, nf_tag_alias_t *a)
{
        memset(a, 0, sizeof(*a));
        char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)text);
        if (!nfc) {
                return fail(ld, "alias \"%s\" is not valid UTF-8", text);
        }
        size_t len = strlen(nfc);
        nf_tag_tokens_t toks = {0};
        nf_tag_tokenize(nfc, len, &toks);
        if (toks.n == 0 || toks.n > 16) {
                nf_tag_tokens_fini(&toks);
                free(nfc);
                return fail(ld, "alias \"%s\" must have 1 to 16 words", text);
        }
        a->text = nf_xstrdup(text);
        a->nwords = (int)toks.n;
        for (size_t w = 0; w < toks.n; w++) {
                /* EXACT also needs the check for lower-case aliases */
                if (toks.v[w].flags & (NF_TAG_TOK_CAP | NF_TAG_TOK_UPPER)) {
                        a->has_upper = 1;
                }
        }
        a->words = nf_xcalloc(toks.n, sizeof(*a->words));
        char sep[64];
        for (size_t w = 0; w < toks.n; w++) {
                nf_tag_token_t *t = &toks.v[w];
                nf_tag_word_t *wd = &a->words[w];
                wd->hash = t->hash;
                wd->fold = nf_xstrndup(toks.fold + t->fold_off, t->fold_len);
                wd->fold_len = t->fold_len;
                wd->orig = nf_xstrndup(nfc + t->start, t->end - t->start);
                wd->orig_len = t->end - t->start;
                if (w + 1 < toks.n) {
                        nf_tag_sep_normalise(nfc + t->end,
                                             toks.v[w + 1].start - t->end, sep,
                                             sizeof(sep));
                        wd->sep = nf_xstrdup(sep);
                        if (strchr(sep, '.')) {
                                a->abbrev = 1;
                        }
                } else {
                        wd->sep = nf_xstrdup("");
                }
        }
        nf_tag_sep_normalise(nfc, toks.v[0].start, sep, sizeof(sep));
        a->lead = nf_xstrdup(sep[0] == ' ' ? sep + 1 : sep);
        size_t end = toks.v[toks.n - 1].end;
        nf_tag_sep_normalise(nfc + end, len - end, sep, sizeof(sep));
        size_t sl = strlen(sep);
        if (sl && sep[sl - 1] == ' ') {
                sep[sl - 1] = '\0';
        }
        a->trail = nf_xstrdup(sep);
        nf_tag_tokens_fini(&toks);
        free(nfc);
        return 0;
}

static nf_tag_alias_t *push_alias(loader_t *ld)
{
        nf_tag_rules_t *r = ld->rules;
        if (r->naliases == ld->aliases_cap) {
                ld->aliases_cap = ld->aliases_cap ? ld->aliases_cap * 2 : 1024;
                r->aliases =
                    nf_xrealloc(r->aliases, ld->aliases_cap * sizeof(*r->aliases));
        }
        return &r->aliases[r->naliases];
}

/* Adds every brace-expanded form of text as an alias of entry. */
static int add_alias(loader_t *ld, int entry, const char *text,
                     nf_tag_case_t cmode, double weight, const char *lang)
{
        json_t *forms = json_array();
        if (brace_expand(text, forms)) {
                json_decref(forms);
                return fail(ld,
                            "alias \"%s\": unbalanced {} or more than 256 "
                            "forms",
                            text);
        }
        size_t i;
        json_t *f;
        json_array_foreach(forms, i, f) {
                nf_tag_alias_t *a = push_alias(ld);
                if (alias_build(ld, json_string_value(f), a)) {
                        json_decref(forms);
                        return -1;
                }
                a->entry = entry;
                a->case_mode = cmode;
                if (cmode == NF_TAG_CASE_EXACT) {
                        a->has_upper = 1; /* always compare */
                }
                a->weight = weight;
                a->lang = nf_xstrdup(lang);
                ld->rules->naliases++;
                if (a->nwords > ld->rules->max_words) {
                        ld->rules->max_words = a->nwords;
                }
        }
        json_decref(forms);
        return 0;
}

/* aliases: ["text", {"text": .., "case": .., "weight": .., "lang": ..}] */
static int parse_aliases(loader_t *ld, int entry, json_t *arr,
                         nf_tag_case_t cmode, double weight, const char *lang)
{
        static const char *const keys[] = {"text", "case", "weight", "lang",
                                           NULL};
        if (!json_is_array(arr)) {
                return fail(ld, "\"aliases\" must be an array");
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
                if (json_is_string(v)) {
                        if (add_alias(ld, entry, json_string_value(v), cmode,
                                      weight, lang)) {
                                return -1;
                        }
                        continue;
                }
                if (!json_is_object(v)) {
                        return fail(ld,
                                    "aliases[%zu] must be a string or an "
                                    "object",
                                    i);
                }
                const char *text = NULL, *alang = lang;
                nf_tag_case_t c = cmode;
                double w = weight;
                if (check_keys(ld, v, "an alias", keys) ||
                    get_string(ld, v, "text", &text) ||
                    get_string(ld, v, "lang", &alang) ||
                    parse_case(ld, v, &c) || get_number(ld, v, "weight", &w)) {
                        return -1;
                }
                if (!text) {
                        return fail(ld, "aliases[%zu] has no \"text\"", i);
                }
                if (add_alias(ld, entry, text, c, w, alang)) {
                        return -1;
                }
        }
        return 0;
}

/* ---- patterns ----------------------------------------------------------- */

static int is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
}

/* Requirements found so far, before the best NF_TAG_MAX_REQ are kept. */
typedef struct reqs_s {
        const char *s[16];
        size_t len[16];
        int n;
} reqs_t;

static void add_req(reqs_t *rq, const char *s, size_t len)
{
        if (len && rq->n < 16) {
                rq->s[rq->n] = s;
                rq->len[rq->n] = len;
                rq->n++;
        }
}

/* How likely a requirement is to be absent from a window, higher first: a
 * single run before alternatives (one memchr instead of one per
 * alternative), a longer run before a shorter one ("Columbia" before
 * "of"), fewer alternatives first. The engine stops at the first absent
 * one, so the order only changes the cost. */
static long req_rank(const char *s, size_t len)
{
        const char *bar = memchr(s, '|', len);
        long alts = 1;
        for (; bar; bar = memchr(bar + 1, '|', len - (size_t)(bar + 1 - s))) {
                alts++;
        }
        return alts == 1 ? (long)len : -alts;
}

/* The length of "abc|de|f" at p when a group's content is only that
 * (non-empty runs of letters/digits between '|'), up to its ')'; else 0. */
static size_t pure_alternation(const char *p)
{
        size_t i = 0;
        for (;;) {
                size_t r = i;
                while (is_alnum(p[i])) {
                        i++;
                }
                if (i == r) {
                        return 0; /* an empty alternative: optional */
                }
                if (p[i] == ')') {
                        return i;
                }
                if (p[i] != '|') {
                        return 0;
                }
                i++;
        }
}

/*
 * Fills rx->req with what every match of the pattern src consumes: the
 * runs of ASCII letters and digits outside any group, and groups whose
 * content is only alternatives of such runs ("(?:fire|fired|firing)"), in
 * order, at most NF_TAG_MAX_REQ. Other groups may be optional or
 * lookarounds that consume nothing, so they give nothing; a quantifier
 * takes the last character off its run ("Indians?" gives "Indian") or the
 * group out; the best NF_TAG_MAX_REQ are kept (req_rank()). Whatever
 * this reading does not follow clears the list, so it
 * errs only towards "no requirement": a top-level '|', an option setting or
 * other "(?" construct than (?: (?= (?! (?<= (?<!, a verb "(*...)", an
 * escape that is not a one-letter class or assertion (\b \s \w \d ...)
 * or quoted punctuation.
 */
static void required_literals(const char *src, nf_tag_regex_t *rx)
{
        const char *run = NULL;
        int depth = 0;
        reqs_t rq = {.n = 0};
        rx->nreq = 0;
        for (const char *p = src;; p++) {
                char c = *p;
                if (depth == 0 && is_alnum(c)) {
                        if (!run) {
                                run = p;
                        }
                        continue;
                }
                int quantifier = c == '?' || c == '*' || c == '+' || c == '{';
                if (run) { /* the run ends here */
                        add_req(&rq, run, (size_t)(p - run) - quantifier);
                        run = NULL;
                }
                switch (c) {
                case '\\':
                        p++;
                        if (!*p || (is_alnum(*p) &&
                                    !strchr("bBdDsSwWhHvVRAzZGK", *p))) {
                                goto none; /* \p{..}, \x.., \Q, \1 ... */
                        }
                        break;
                case '[': /* a class: skip to its closing ']' */
                        p++;
                        p += *p == '^';
                        p += *p == ']';
                        while (*p && *p != ']') {
                                if (*p == '\\' && p[1]) {
                                        p++;
                                } else if (*p == '[' && p[1] == ':') {
                                        p = strstr(p, ":]");
                                        if (!p) {
                                                goto none;
                                        }
                                        p++;
                                }
                                p++;
                        }
                        if (!*p) {
                                goto none;
                        }
                        break;
                case '(':
                        if (p[1] == '*' ||
                            (p[1] == '?' && p[2] != ':' && p[2] != '=' &&
                             p[2] != '!' &&
                             !(p[2] == '<' && (p[3] == '=' || p[3] == '!')))) {
                                goto none;
                        }
                        if (depth == 0 && (p[1] != '?' || p[2] == ':')) {
                                const char *in = p[1] == '?' ? p + 3 : p + 1;
                                size_t n = pure_alternation(in);
                                char after = n ? in[n + 1] : 0;
                                if (n && after != '?' && after != '*' &&
                                    after != '+' && after != '{') {
                                        add_req(&rq, in, n);
                                        p = in + n; /* its ')' */
                                        break;
                                }
                        }
                        depth++;
                        break;
                case ')':
                        depth--;
                        break;
                case '|':
                        if (depth == 0) {
                                goto none;
                        }
                        break;
                case '{': /* a quantifier's bounds are no literal */
                        p = strchr(p, '}');
                        if (!p) {
                                goto none;
                        }
                        break;
                case '\0':
                        goto done;
                default:
                        break; /* . ^ $ ? * + spaces, punctuation, UTF-8 */
                }
        }
done:
        /* keep the NF_TAG_MAX_REQ best by req_rank(), best first */
        while (rx->nreq < NF_TAG_MAX_REQ && rq.n > 0) {
                int b = 0;
                for (int i = 1; i < rq.n; i++) {
                        if (req_rank(rq.s[i], rq.len[i]) >
                            req_rank(rq.s[b], rq.len[b])) {
                                b = i;
                        }
                }
                rx->req[rx->nreq].s = rq.s[b];
                rx->req[rx->nreq].len = rq.len[b];
                rx->req[rx->nreq].alts = memchr(rq.s[b], '|', rq.len[b]) != 0;
                rx->nreq++;
                rq.n--;
                memmove(&rq.s[b], &rq.s[b + 1],
                        (size_t)(rq.n - b) * sizeof(*rq.s));
                memmove(&rq.len[b], &rq.len[b + 1],
                        (size_t)(rq.n - b) * sizeof(*rq.len));
        }
        return;
none:
        rx->nreq = 0;
}

static int compile_regex(loader_t *ld, const char *src, nf_tag_regex_t *rx)
{
        int err = 0;
        PCRE2_SIZE off = 0;
        memset(rx, 0, sizeof(*rx));
        /* case-sensitive, not extended: required_literals() relies on it */
        pcre2_code *code =
            pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                          PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
        if (!code) {
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(err, msg, sizeof(msg));
                snprintf(ld->errstr, ld->errstr_size,
                         "%s:%s:%s: %s at offset %zu", ld->file,
                         ld->entry ? ld->entry : "", src, (const char *)msg,
                         (size_t)off);
                return -1;
        }
        /* JIT is an optimisation: the interpreter is the fallback when the
         * platform has no JIT or the pattern is too large for it. */
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
        rx->code = code;
        rx->src = nf_xstrdup(src);
        required_literals(rx->src, rx);
        rx->weight = 1.0;
        return 0;
}

/* Appends compiled regexes from a JSON array (strings, or objects
 * {"pattern", "weight"} when with_weight) to *arr / *n. */
static int parse_regexes(loader_t *ld, int entry, json_t *jarr,
                         const char *what, int with_weight,
                         nf_tag_regex_t **arr, size_t *n)
{
        static const char *const keys[] = {"pattern", "weight", NULL};
        if (!json_is_array(jarr)) {
                return fail(ld, "\"%s\" must be an array", what);
        }
        size_t i;
        json_t *v;
        json_array_foreach(jarr, i, v) {
                const char *src = NULL;
                double w = 1.0;
                if (json_is_string(v)) {
                        src = json_string_value(v);
                } else if (with_weight && json_is_object(v)) {
                        if (check_keys(ld, v, "a pattern", keys) ||
                            get_string(ld, v, "pattern", &src) ||
                            get_number(ld, v, "weight", &w)) {
                                return -1;
                        }
                }
                if (!src) {
                        return fail(ld, "%s[%zu] must be a pattern string",
                                    what, i);
                }
                *arr = nf_xrealloc(*arr, (*n + 1) * sizeof(**arr));
                nf_tag_regex_t *rx = &(*arr)[*n];
                if (compile_regex(ld, src, rx)) {
                        return -1;
                }
                rx->weight = w;
                rx->entry = entry;
                (*n)++;
        }
        return 0;
}

/* Compiles an entry's vetoes into one alternation, so a mention costs one
 * regex run instead of one per veto. Each veto was compiled on its own
 * first, so errors still name the pattern that is wrong. */
static int combine_vetoes(loader_t *ld, nf_tag_entry_t *en)
{
        size_t len = 1;
        for (size_t i = 0; i < en->nveto; i++) {
                len += strlen(en->veto[i].src) + 6;
        }
        char *src = nf_xrealloc(NULL, len), *o = src;
        for (size_t i = 0; i < en->nveto; i++) {
                o += sprintf(o, "%s(?:%s)", i ? "|" : "", en->veto[i].src);
        }
        pcre2_code_free(en->veto_all.code);
        free(en->veto_all.src);
        int rc = compile_regex(ld, src, &en->veto_all);
        en->veto_all.entry = en->veto[0].entry; /* for limit messages */
        free(src);
        return rc;
}

/* ---- entries ------------------------------------------------------------ */

static int find_entry(const nf_tag_rules_t *rules, int category,
                      const char *name)
{
        for (size_t i = 0; i < rules->nentries; i++) {
                if (rules->entries[i].category == category &&
                    strcmp(rules->entries[i].name, name) == 0) {
                        return (int)i;
                }
        }
        return -1;
}

static int parse_entry(loader_t *ld, json_t *e, size_t idx,
                       const char *def_category, const char *def_lang,
                       nf_tag_case_t def_case)
{
        static const char *const keys[] = {
            "name",  "id",     "category", "weight",   "lang",
            "case",  "aliases", "groups",  "patterns", "veto",
            "veto_doc", "implies", "name_alias", "comment", NULL};
        static const char *const group_keys[] = {"weight", "case", "aliases",
                                                 "lang", NULL};
        nf_tag_rules_t *r = ld->rules;
        char where[64];
        const char *name = NULL, *id = NULL, *cat_s = def_category,
                   *lang = def_lang;
        snprintf(where, sizeof(where), "#%zu", idx);
        ld->entry = where;
        if (!json_is_object(e)) {
                return fail(ld, "an entry must be an object");
        }
        if (get_string(ld, e, "name", &name)) {
                return -1;
        }
        if (!name || !*name) {
                return fail(ld, "entry has no \"name\"");
        }
        ld->entry = name;
        nf_tag_case_t cmode = def_case;
        double weight = 1.0;
        if (check_keys(ld, e, "an entry", keys) ||
            get_string(ld, e, "id", &id) ||
            get_string(ld, e, "category", &cat_s) ||
            get_string(ld, e, "lang", &lang) || parse_case(ld, e, &cmode) ||
            get_number(ld, e, "weight", &weight)) {
                return -1;
        }
        if (!cat_s) {
                return fail(ld, "entry has no \"category\" and the file "
                                "declares no default");
        }
        int cat = nf_tag_rules_category(r, cat_s);
        if (cat < 0) {
                return fail(ld, "unknown category \"%s\" (declare it in "
                                "\"categories\")",
                            cat_s);
        }
        /* An entry named like an earlier one of the same category extends
         * it: a user file can add aliases to a shipped country. */
        int ei = find_entry(r, cat, name);
        int is_new = ei < 0;
        if (ei < 0) {
                if (r->nentries == ld->entries_cap) {
                        ld->entries_cap =
                            ld->entries_cap ? ld->entries_cap * 2 : 256;
                        r->entries = nf_xrealloc(
                            r->entries, ld->entries_cap * sizeof(*r->entries));
                }
                ei = (int)r->nentries++;
                nf_tag_entry_t *ne = &r->entries[ei];
                memset(ne, 0, sizeof(*ne));
                ne->name = nf_xstrdup(name);
                ne->category = cat;
                ne->weight = 1.0;
                ne->file = nf_xstrdup(ld->file);
        }
        nf_tag_entry_t *en = &r->entries[ei];
        if (json_object_get(e, "weight")) {
                en->weight = weight;
        }
        if (id) {
                free(en->id);
                en->id = nf_xstrdup(id);
        }
        if (lang) {
                free(en->lang);
                en->lang = nf_xstrdup(lang);
        }
        json_t *na = json_object_get(e, "name_alias");
        int name_alias = r->categories[cat].kind != NF_TAG_KIND_TOPIC;
        if (na) {
                if (!json_is_boolean(na)) {
                        return fail(ld, "\"name_alias\" must be true or false");
                }
                name_alias = json_is_true(na);
        }
        if (is_new && name_alias &&
            add_alias(ld, ei, name, cmode, 1.0, NULL)) {
                return -1;
        }
        json_t *v;
        if ((v = json_object_get(e, "aliases")) &&
            parse_aliases(ld, ei, v, cmode, 1.0, NULL)) {
                return -1;
        }
        if ((v = json_object_get(e, "groups"))) {
                if (!json_is_array(v)) {
                        return fail(ld, "\"groups\" must be an array");
                }
                size_t gi;
                json_t *g;
                json_array_foreach(v, gi, g) {
                        double gw = 1.0;
                        nf_tag_case_t gc = cmode;
                        const char *glang = NULL;
                        json_t *ga;
                        if (!json_is_object(g)) {
                                return fail(ld,
                                            "groups[%zu] must be an object",
                                            gi);
                        }
                        if (check_keys(ld, g, "a group", group_keys) ||
                            get_number(ld, g, "weight", &gw) ||
                            parse_case(ld, g, &gc) ||
                            get_string(ld, g, "lang", &glang)) {
                                return -1;
                        }
                        if (!(ga = json_object_get(g, "aliases"))) {
                                return fail(ld, "groups[%zu] has no "
                                                "\"aliases\"",
                                            gi);
                        }
                        if (parse_aliases(ld, ei, ga, gc, gw, glang)) {
                                return -1;
                        }
                }
        }
        if ((v = json_object_get(e, "patterns"))) {
                if (parse_regexes(ld, ei, v, "patterns", 1, &en->patterns,
                                  &en->npatterns)) {
                        return -1;
                }
                if (en->npatterns) {
                        r->has_patterns = 1;
                }
        }
        if ((v = json_object_get(e, "veto")) &&
            parse_regexes(ld, ei, v, "veto", 0, &en->veto, &en->nveto)) {
                return -1;
        }
        if (en->nveto > 1 && combine_vetoes(ld, en)) {
                return -1;
        }
        if ((v = json_object_get(e, "veto_doc")) &&
            parse_regexes(ld, ei, v, "veto_doc", 0, &en->veto_doc,
                          &en->nveto_doc)) {
                return -1;
        }
        if ((v = json_object_get(e, "implies"))) {
                const char *k;
                json_t *w;
                if (!json_is_object(v)) {
                        return fail(ld, "\"implies\" must be an object "
                                        "{\"entry name\": weight}");
                }
                json_object_foreach(v, k, w) {
                        if (!json_is_number(w)) {
                                return fail(ld, "implies \"%s\": weight must "
                                                "be a number",
                                            k);
                        }
                        en->implies = nf_xrealloc(
                            en->implies,
                            (en->nimplies + 1) * sizeof(*en->implies));
                        nf_tag_implies_t *im = &en->implies[en->nimplies++];
                        im->name = nf_xstrdup(k);
                        im->entry = -1;
                        im->weight = json_number_value(w);
                }
        }
        ld->entry = NULL;
        return 0;
}

/* ---- people finder settings --------------------------------------------- */

static int parse_word_list(loader_t *ld, json_t *obj, const char *key,
                           nf_tag_case_t cmode, nf_tag_cue_t kind)
{
        nf_tag_people_conf_t *pc = &ld->rules->people;
        json_t *arr = json_object_get(obj, key);
        if (!arr) {
                return 0;
        }
        if (!json_is_array(arr)) {
                return fail(ld, "people.%s must be an array of strings", key);
        }
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
                if (!json_is_string(v)) {
                        return fail(ld, "people.%s[%zu] must be a string",
                                    key, i);
                }
                json_t *forms = json_array();
                if (brace_expand(json_string_value(v), forms)) {
                        json_decref(forms);
                        return fail(ld, "people.%s: bad {} in \"%s\"", key,
                                    json_string_value(v));
                }
                size_t fi;
                json_t *f;
                json_array_foreach(forms, fi, f) {
                        pc->cues = nf_xrealloc(pc->cues, (pc->ncues + 1) *
                                                          sizeof(*pc->cues));
                        nf_tag_alias_t *a = &pc->cues[pc->ncues];
                        if (alias_build(ld, json_string_value(f), a)) {
                                json_decref(forms);
                                return -1;
                        }
                        a->case_mode = cmode;
                        if (cmode == NF_TAG_CASE_EXACT) {
                                a->has_upper = 1; /* always compare */
                        }
                        a->entry = (int)kind;
                        a->weight = 1.0;
                        pc->ncues++;
                        pc->cue_first =
                            nf_xrealloc(pc->cue_first,
                                     pc->ncues * sizeof(*pc->cue_first));
                        pc->cue_first[pc->ncue_first++] = a->words[0].hash;
                }
                json_decref(forms);
        }
        return 0;
}

static int parse_word_set(loader_t *ld, json_t *obj, const char *key,
                          uint64_t **set, size_t *n)
{
        json_t *arr = json_object_get(obj, key);
        if (!arr) {
                return 0;
        }
        if (!json_is_array(arr)) {
                return fail(ld, "people.%s must be an array of words", key);
        }
        nf_tag_tokens_t toks = {0};
        size_t i;
        json_t *v;
        json_array_foreach(arr, i, v) {
                if (!json_is_string(v)) {
                        nf_tag_tokens_fini(&toks);
                        return fail(ld, "people.%s[%zu] must be a string",
                                    key, i);
                }
                const char *s = json_string_value(v);
                nf_tag_tokenize(s, strlen(s), &toks);
                if (toks.n != 1) {
                        nf_tag_tokens_fini(&toks);
                        return fail(ld, "people.%s: \"%s\" is not one word",
                                    key, s);
                }
                *set = nf_xrealloc(*set, (*n + 1) * sizeof(**set));
                (*set)[(*n)++] = toks.v[0].hash;
        }
        nf_tag_tokens_fini(&toks);
        if (*n) { /* an empty list leaves *set NULL */
                qsort(*set, *n, sizeof(**set), cmp_u64);
        }
        return 0;
}

static int cmp_cue(const void *a, const void *b)
{
        const nf_tag_alias_t *x = a, *y = b;
        if (x->words[0].hash != y->words[0].hash) {
                return x->words[0].hash < y->words[0].hash ? -1 : 1;
        }
        return y->nwords - x->nwords;
}

/* Whether nf_tag_alias_match() of a comes down to comparing one folded
 * word: no separators, no punctuation around it, no case rule. */
static int alias_simple(const nf_tag_alias_t *a)
{
        return a->nwords == 1 && !a->lead[0] && !a->trail[0] && !a->abbrev &&
               (!a->has_upper || a->case_mode == NF_TAG_CASE_IGNORE);
}

static int parse_people(loader_t *ld, json_t *p, const char *def_category)
{
        static const char *const keys[] = {
            "category",  "roles",     "honorifics", "speech_verbs",
            "before",    "particles", "not_names",  "org_words",
            "comment",   NULL};
        nf_tag_people_conf_t *pc = &ld->rules->people;
        const char *cat_s = def_category ? def_category : "people";
        if (!json_is_object(p)) {
                return fail(ld, "\"people\" must be an object");
        }
        if (check_keys(ld, p, "people", keys) ||
            get_string(ld, p, "category", &cat_s)) {
                return -1;
        }
        int cat = nf_tag_rules_category(ld->rules, cat_s);
        if (cat < 0 ||
            ld->rules->categories[cat].kind != NF_TAG_KIND_PEOPLE) {
                return fail(ld, "people.category \"%s\" is not a category of "
                                "kind people",
                            cat_s);
        }
        pc->enabled = 1;
        pc->category = cat;
        if (parse_word_list(ld, p, "roles", NF_TAG_CASE_IGNORE,
                            NF_TAG_CUE_ROLE) ||
            parse_word_list(ld, p, "honorifics", NF_TAG_CASE_EXACT,
                            NF_TAG_CUE_HONORIFIC) ||
            parse_word_list(ld, p, "speech_verbs", NF_TAG_CASE_IGNORE,
                            NF_TAG_CUE_VERB) ||
            parse_word_list(ld, p, "before", NF_TAG_CASE_IGNORE,
                            NF_TAG_CUE_BEFORE) ||
            parse_word_set(ld, p, "particles", &pc->particles,
                           &pc->nparticles) ||
            parse_word_set(ld, p, "not_names", &pc->not_names,
                           &pc->nnot_names) ||
            parse_word_set(ld, p, "org_words", &pc->org_words,
                           &pc->norg_words)) {
                return -1;
        }
        /* cues sorted by first-word hash (longest first within a hash), so
         * cue_first[i] is the first-word hash of cues[i] */
        if (pc->ncues) { /* qsort(NULL, 0) is undefined (fuzz_rules) */
                qsort(pc->cues, pc->ncues, sizeof(*pc->cues), cmp_cue);
        }
        const uint64_t *sets[] = {pc->particles, pc->not_names, pc->org_words};
        size_t nsets[] = {pc->nparticles, pc->nnot_names, pc->norg_words};
        size_t nslots = 16;
        while (nslots <= 2 * (nsets[0] + nsets[1] + nsets[2])) {
                nslots *= 2;
        }
        free(pc->word_keys);
        free(pc->word_kinds);
        pc->word_keys = nf_xcalloc(nslots, sizeof(uint64_t));
        pc->word_kinds = nf_xcalloc(nslots, 1);
        pc->word_mask = nslots - 1;
        for (int k = 0; k < 3; k++) {
                for (size_t i = 0; i < nsets[k]; i++) {
                        uint64_t h = sets[k][i];
                        size_t sl = (size_t)h & pc->word_mask;
                        while (pc->word_kinds[sl] && pc->word_keys[sl] != h) {
                                sl = (sl + 1) & pc->word_mask;
                        }
                        pc->word_keys[sl] = h;
                        pc->word_kinds[sl] |= (uint8_t)(1 << k);
                }
        }
        memset(pc->cue_bloom, 0, sizeof(pc->cue_bloom));
        pc->ncue_slots = 16;
        while (pc->ncue_slots <= 2 * pc->ncues) {
                pc->ncue_slots *= 2;
        }
        free(pc->cue_slots);
        pc->cue_slots = nf_xcalloc(pc->ncue_slots, sizeof(uint32_t));
        for (size_t i = 0; i < pc->ncues; i++) {
                nf_tag_alias_t *a = &pc->cues[i];
                uint64_t h = a->words[0].hash;
                pc->cue_first[i] = h;
                pc->cue_bloom[(h >> 6) & 63] |= 1ull << (h & 63);
                a->simple = alias_simple(a);
                if (i > 0 && pc->cue_first[i - 1] == h) {
                        continue; /* the slot names the first of the run */
                }
                size_t s = (size_t)h & (pc->ncue_slots - 1);
                while (pc->cue_slots[s]) {
                        s = (s + 1) & (pc->ncue_slots - 1);
                }
                pc->cue_slots[s] = (uint32_t)i + 1;
        }
        return 0;
}

/* ---- one file ----------------------------------------------------------- */

static int load_file(loader_t *ld, const char *path)
{
        static const char *const keys[] = {
            "format",  "description", "lang",   "category", "case",
            "categories", "entries",  "people", "comment",  "license",
            "source",  NULL};
        json_error_t jerr;
        ld->file = path;
        ld->entry = NULL;
        json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!root) {
                if (jerr.line < 0) {
                        return fail(ld, "%s", jerr.text);
                }
                return fail(ld, "line %d column %d: %s", jerr.line,
                            jerr.column, jerr.text);
        }
        int rc = -1;
        const char *format = NULL, *lang = NULL, *category = NULL;
        nf_tag_case_t cmode = NF_TAG_CASE_PROPER;
        json_t *v;
        if (!json_is_object(root)) {
                fail(ld, "a rule file must hold a JSON object");
                goto out;
        }
        if (check_keys(ld, root, "the rule file", keys) ||
            get_string(ld, root, "format", &format) ||
            get_string(ld, root, "lang", &lang) ||
            get_string(ld, root, "category", &category) ||
            parse_case(ld, root, &cmode)) {
                goto out;
        }
        if (format && strcmp(format, "newsflow-rules/1") != 0) {
                fail(ld, "unsupported format \"%s\" (expected "
                         "newsflow-rules/1)",
                     format);
                goto out;
        }
        if ((v = json_object_get(root, "categories")) &&
            parse_categories(ld, v)) {
                goto out;
        }
        if ((v = json_object_get(root, "people")) &&
            parse_people(ld, v, category)) {
                goto out;
        }
        if ((v = json_object_get(root, "entries"))) {
                size_t i;
                json_t *e;
                if (!json_is_array(v)) {
                        fail(ld, "\"entries\" must be an array");
                        goto out;
                }
                json_array_foreach(v, i, e) {
                        if (parse_entry(ld, e, i, category, lang, cmode)) {
                                goto out;
                        }
                }
        }
        rc = 0;
out:
        json_decref(root);
        ld->entry = NULL;
        return rc;
}

/* ---- index -------------------------------------------------------------- */

static int cmp_alias_idx(const void *a, const void *b, void *ctx)
{
        const nf_tag_rules_t *r = ctx;
        const nf_tag_alias_t *x = &r->aliases[*(const uint32_t *)a];
        const nf_tag_alias_t *y = &r->aliases[*(const uint32_t *)b];
        if (x->words[0].hash != y->words[0].hash) {
                return x->words[0].hash < y->words[0].hash ? -1 : 1;
        }
        if (x->nwords != y->nwords) {
                return y->nwords - x->nwords; /* longest first */
        }
        return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static void build_index(nf_tag_rules_t *r)
{
        size_t n = r->naliases;
        r->index_aliases = nf_xcalloc(n, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++) {
                r->index_aliases[i] = (uint32_t)i;
        }
        qsort_r(r->index_aliases, n, sizeof(uint32_t), cmp_alias_idx, r);
        r->index_next = nf_xcalloc(n, sizeof(uint64_t));
        for (size_t i = 0; i < n; i++) {
                const nf_tag_alias_t *a = &r->aliases[r->index_aliases[i]];
                r->index_next[i] = a->nwords > 1 ? a->words[1].hash : 0;
        }
        for (size_t i = 0; i < n; i++) {
                nf_tag_alias_t *a = &r->aliases[i];
                a->layer = r->categories[r->entries[a->entry].category].layer;
                a->simple = alias_simple(a);
        }
        size_t nslots = 16;
        while (nslots < 2 * n) {
                nslots *= 2;
        }
        r->nslots = nslots;
        r->slots = nf_xcalloc(nslots, sizeof(*r->slots));
        for (size_t i = 0; i < n;) {
                uint64_t h = r->aliases[r->index_aliases[i]].words[0].hash;
                size_t j = i;
                while (j < n &&
                       r->aliases[r->index_aliases[j]].words[0].hash == h) {
                        j++;
                }
                size_t s = (size_t)h & (nslots - 1);
                while (r->slots[s].count) {
                        s = (s + 1) & (nslots - 1);
                }
                r->slots[s].hash = h;
                r->slots[s].first = (uint32_t)i;
                r->slots[s].count = (uint32_t)(j - i);
                for (size_t k = i; k < j; k++) {
                        const nf_tag_alias_t *a =
                            &r->aliases[r->index_aliases[k]];
                        r->slots[s].next_bloom |=
                            a->nwords > 1 ? NF_TAG_NEXT_BIT(a->words[1].hash)
                                          : NF_TAG_ONE_WORD;
                }
                i = j;
        }
}

const uint32_t *nf_tag_rules_lookup(const nf_tag_rules_t *rules, uint64_t h,
                                    size_t *n)
{
        size_t mask = rules->nslots - 1;
        size_t s = (size_t)h & mask;
        for (;;) {
                const nf_tag_index_slot_t *sl = &rules->slots[s];
                if (!sl->count) {
                        *n = 0;
                        return NULL;
                }
                if (sl->hash == h) {
                        *n = sl->count;
                        return rules->index_aliases + sl->first;
                }
                s = (s + 1) & mask;
        }
}

/* ---- public ------------------------------------------------------------- */

nf_tag_rules_t *nf_tag_rules_load(const char *const *paths, size_t npaths,
                                  const nf_tag_limits_t *limits, char *errstr,
                                  size_t errstr_size)
{
        nf_tag_rules_t *r = nf_xcalloc(1, sizeof(*r));
        loader_t ld = {.rules = r,
                       .errstr = errstr,
                       .errstr_size = errstr_size};
        /* The four categories of the record contract exist even when no
         * file declares them, so user files can use them directly. */
        add_category(r, "countries", NF_TAG_KIND_ENTITY);
        add_category(r, "organizations", NF_TAG_KIND_ENTITY);
        add_category(r, "people", NF_TAG_KIND_PEOPLE);
        add_category(r, "topics", NF_TAG_KIND_TOPIC);
        for (size_t i = 0; i < npaths; i++) {
                if (load_file(&ld, paths[i])) {
                        goto fail;
                }
        }
        /* resolve implies by name, preferring topic entries */
        for (size_t i = 0; i < r->nentries; i++) {
                nf_tag_entry_t *en = &r->entries[i];
                for (size_t k = 0; k < en->nimplies; k++) {
                        nf_tag_implies_t *im = &en->implies[k];
                        for (size_t j = 0; j < r->nentries; j++) {
                                if (strcmp(r->entries[j].name, im->name)) {
                                        continue;
                                }
                                if (im->entry < 0 ||
                                    r->categories[r->entries[j].category]
                                            .kind == NF_TAG_KIND_TOPIC) {
                                        im->entry = (int)j;
                                }
                        }
                }
                /* an implied entry that no loaded file defines is dropped
                 * (organizations.json works without topics.json): the
                 * engine only ever sees resolved ones */
                size_t kept = 0;
                for (size_t k = 0; k < en->nimplies; k++) {
                        if (en->implies[k].entry < 0) {
                                free(en->implies[k].name);
                        } else {
                                en->implies[kept++] = en->implies[k];
                        }
                }
                en->nimplies = kept;
        }
        build_index(r);
        r->mctx = pcre2_match_context_create(NULL);
        if (!r->mctx) {
                abort();
        }
        pcre2_set_match_limit(r->mctx, limits ? limits->match_limit : 100000);
        pcre2_set_depth_limit(r->mctx, limits ? limits->depth_limit : 10000);
        return r;
fail:
        nf_tag_rules_destroy(r);
        return NULL;
}

static void regexes_free(nf_tag_regex_t *rx, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                pcre2_code_free(rx[i].code);
                free(rx[i].src);
        }
        free(rx);
}

static void alias_list_free(nf_tag_alias_t *a, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                alias_free(&a[i]);
        }
        free(a);
}

void nf_tag_rules_destroy(nf_tag_rules_t *r)
{
        if (!r) {
                return;
        }
        for (size_t i = 0; i < r->ncategories; i++) {
                free(r->categories[i].name);
        }
        free(r->categories);
        for (size_t i = 0; i < r->nentries; i++) {
                nf_tag_entry_t *en = &r->entries[i];
                free(en->name);
                free(en->id);
                free(en->lang);
                free(en->file);
                regexes_free(en->patterns, en->npatterns);
                regexes_free(en->veto, en->nveto);
                regexes_free(en->veto_doc, en->nveto_doc);
                pcre2_code_free(en->veto_all.code);
                free(en->veto_all.src);
                for (size_t k = 0; k < en->nimplies; k++) {
                        free(en->implies[k].name);
                }
                free(en->implies);
        }
        free(r->entries);
        alias_list_free(r->aliases, r->naliases);
        free(r->slots);
        free(r->index_aliases);
        free(r->index_next);
        nf_tag_people_conf_t *pc = &r->people;
        alias_list_free(pc->cues, pc->ncues);
        free(pc->cue_first);
        free(pc->word_keys);
        free(pc->word_kinds);
        free(pc->cue_slots);
        free(pc->particles);
        free(pc->not_names);
        free(pc->org_words);
        pcre2_match_context_free(r->mctx);
        free(r);
}
