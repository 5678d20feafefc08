/*
 * textnorm.c — Unicode repair, NFC and whitespace normalisation. See
 * textnorm.h for what the pass does.
 */
#include "processors/textnorm.h"

#include <libxml/HTMLparser.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * Tables built once (pthread_once), read-only after.
 *
 * NFC-stable code points. A string whose code points all have canonical
 * combining class 0, are their own NFC, and can never combine with a
 * preceding character (never the second element of a canonical
 * decomposition) is already in NFC (UAX #15, quick check). The table holds
 * one bit per code point below SAFE_LIMIT; code points at and above it
 * (planes 3-16: unassigned, tags, variation selectors, private use) have no
 * decomposition and class 0, so they are stable too.
 */
#define SAFE_LIMIT 0x30000
static uint8_t nfc_safe[SAFE_LIMIT / 8];
static pthread_once_t nfc_once = PTHREAD_ONCE_INIT;

/* Bytes copied as they are, in runs: visible ASCII but '&'. */
static uint8_t plain[256];

/* Hangul syllables U+AC00..U+D7A3: decomposed and composed by algorithm
 * (Unicode 3.12), not through the data tables. The first HANGUL_N of them
 * (leading jamo U+1100) hold every vowel and trailing jamo there is. */
#define HANGUL_S0 0xAC00
#define HANGUL_S1 0xD7A4
#define HANGUL_N 588

/* Whether utf8proc_decompose_char(cp, UTF8PROC_DECOMPOSE) gives more than
 * cp itself: a Hangul syllable, or a canonical decomposition (decomp_type
 * 0) in the data. Every other code point decomposes to itself, so the
 * table build below skips the call for it (it was ~90% of the build). */
static int has_canonical_decomposition(utf8proc_int32_t cp,
                                       const utf8proc_property_t *p)
{
        return (cp >= HANGUL_S0 && cp < HANGUL_S1) ||
               (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0);
}

static int is_nfc_safe(int32_t cp)
{
        return cp >= SAFE_LIMIT || (nfc_safe[cp >> 3] & (1u << (cp & 7)));
}

static void nfc_table_build(void)
{
        /* One pass over the properties: class-0 code points are marked safe
         * for now; those with a canonical decomposition are listed, for
         * the two checks below (the pass is most of the build's cost). */
        utf8proc_int32_t *dec = NULL;
        size_t ndec = 0, cap = 0;
        for (utf8proc_int32_t cp = 0x80; cp < SAFE_LIMIT; cp++) {
                const utf8proc_property_t *p = utf8proc_get_property(cp);
                if (p->combining_class == 0) {
                        nfc_safe[cp >> 3] |= (uint8_t)(1u << (cp & 7));
                }
                /* Hangul syllables past the first HANGUL_N add no second
                 * element (their vowel and trailing jamo are those of the
                 * first ones) and compose back to themselves (the
                 * algorithm is its own inverse): they stay safe unlisted. */
                if (!has_canonical_decomposition(cp, p) ||
                    (cp >= HANGUL_S0 + HANGUL_N && cp < HANGUL_S1)) {
                        continue;
                }
                if (ndec == cap) {
                        cap = cap ? cap * 2 : 4096;
                        dec = realloc(dec, cap * sizeof(*dec));
                        if (!dec) {
                                abort();
                        }
                }
                dec[ndec++] = cp;
        }
        /* Never the second element of a decomposition: only the listed
         * code points have one (the others decompose to themselves). */
        uint8_t *second = calloc(SAFE_LIMIT / 8, 1);
        if (!second) {
                abort();
        }
        utf8proc_int32_t d[32];
        int bc = 0;
        for (size_t k = 0; k < ndec; k++) {
                utf8proc_ssize_t n = utf8proc_decompose_char(
                    dec[k], d, 32, UTF8PROC_DECOMPOSE, &bc);
                for (utf8proc_ssize_t i = 1; i < n && n <= 32; i++) {
                        if (d[i] >= 0 && d[i] < SAFE_LIMIT) {
                                second[d[i] >> 3] |=
                                    (uint8_t)(1u << (d[i] & 7));
                        }
                }
        }
        for (size_t i = 0; i < SAFE_LIMIT / 8; i++) {
                nfc_safe[i] &= (uint8_t)~second[i];
        }
        /* Its own NFC: a listed code point still safe must compose back to
         * itself. */
        for (size_t k = 0; k < ndec; k++) {
                utf8proc_int32_t cp = dec[k];
                if (!is_nfc_safe(cp)) {
                        continue;
                }
                utf8proc_ssize_t n =
                    utf8proc_decompose_char(cp, d, 32, UTF8PROC_DECOMPOSE, &bc);
                if (n >= 1 && n <= 32) {
                        n = utf8proc_normalize_utf32(
                            d, n, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
                }
                if (!(n == 1 && d[0] == cp)) {
                        nfc_safe[cp >> 3] &= (uint8_t) ~(1u << (cp & 7));
                }
        }
        free(second);
        free(dec);
        for (int c = 0x21; c < 0x7f; c++) {
                plain[c] = c != '&';
        }
}

/* HTML5's mapping of &#128;..&#159; (Windows-1252); 0 = leave as is. */
static const uint16_t cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* The pass's state: the output buffer and where we are in the line. */
typedef struct norm_s {
        char *p;
        size_t len, cap;
        size_t line_start; /* offset of the current line in p */
        int line_has;      /* the current line has content */
        int pending_space; /* a space is owed before the next character */
        int pending_nl;    /* line breaks owed before the next character */
        int need_nfc;      /* the current line holds an NFC-unsafe char */
        int last_fffd;     /* the last character written was U+FFFD */
        unsigned flags;
        nf_textnorm_stats_t *st;
} norm_t;

static void reserve(norm_t *n, size_t more)
{
        if (n->len + more + 1 <= n->cap) {
                return;
        }
        while (n->len + more + 1 > n->cap) {
                n->cap *= 2;
        }
        n->p = realloc(n->p, n->cap);
        if (!n->p) {
                abort();
        }
}

/* Puts the finished line into NFC when it holds a character that needs it. */
static void finish_line(norm_t *n)
{
        if (!n->need_nfc) {
                return;
        }
        n->need_nfc = 0;
        utf8proc_uint8_t *dst = NULL;
        utf8proc_ssize_t m =
            utf8proc_map((const utf8proc_uint8_t *)n->p + n->line_start,
                         (utf8proc_ssize_t)(n->len - n->line_start), &dst,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (m < 0) {
                /* Only on out of memory: the input is valid UTF-8 by now. */
                abort();
        }
        n->len = n->line_start;
        reserve(n, (size_t)m);
        memcpy(n->p + n->len, dst, (size_t)m);
        n->len += (size_t)m;
        free(dst);
        n->st->nfc_lines++;
}

static void put_newline(norm_t *n)
{
        if (n->flags & NF_TEXTNORM_ONELINE) {
                n->pending_space = n->line_has;
                return;
        }
        if (n->line_has) {
                finish_line(n);
                n->line_has = 0;
        }
        n->pending_space = 0;
        n->last_fffd = 0;
        if (n->pending_nl < 2) {
                n->pending_nl++;
        }
}

static void put_space(norm_t *n)
{
        n->pending_space = n->line_has;
        n->last_fffd = 0;
}

/* Writes what is owed before a visible character, then makes room for it. */
static void before_char(norm_t *n)
{
        reserve(n, 8);
        if (!n->line_has) {
                if (n->len > 0) {
                        n->p[n->len++] = '\n';
                        if (n->pending_nl >= 2) {
                                n->p[n->len++] = '\n';
                        }
                }
                n->line_start = n->len;
                n->line_has = 1;
                n->pending_nl = 0;
                n->pending_space = 0;
        } else if (n->pending_space) {
                n->p[n->len++] = ' ';
                n->pending_space = 0;
        }
}

static void put_ascii(norm_t *n, unsigned char c)
{
        switch (c) {
        case '\n':
        case '\v':
        case '\f':
                put_newline(n);
                return;
        case ' ':
        case '\t':
                put_space(n);
                return;
        default:
                break;
        }
        if (c < 0x20 || c == 0x7f) {
                n->st->controls++;
                return;
        }
        before_char(n);
        n->p[n->len++] = (char)c;
        n->last_fffd = 0;
}

/* Writes a run of visible ASCII characters (no space, control or '&'). */
static void put_run(norm_t *n, const char *s, size_t k)
{
        reserve(n, k + 8);
        before_char(n);
        memcpy(n->p + n->len, s, k);
        n->len += k;
        n->last_fffd = 0;
}

static void put_cp(norm_t *n, int32_t cp)
{
        if (cp < 0x80) {
                put_ascii(n, (unsigned char)cp);
                return;
        }
        if (cp == 0x85 || cp == 0x2028) {
                put_newline(n);
                return;
        }
        if (cp == 0x2029) {
                put_newline(n);
                put_newline(n);
                return;
        }
        if (cp <= 0x9f) {
                n->st->controls++;
                return;
        }
        if (cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
            cp == 0x202f || cp == 0x205f || cp == 0x3000) {
                put_space(n);
                return;
        }
        if (cp == 0xad || (cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 ||
            cp == 0xfeff) {
                n->st->zero_width++;
                return;
        }
        if (cp == 0xfffd) {
                if (n->last_fffd) {
                        return;
                }
                n->last_fffd = 1;
        } else {
                n->last_fffd = 0;
        }
        before_char(n);
        n->len +=
            (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)n->p + n->len);
        if (!is_nfc_safe(cp)) {
                n->need_nfc = 1;
        }
}

static int hexval(unsigned char c)
{
        if (c >= '0' && c <= '9') {
                return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
        }
        return -1;
}

/*
 * Decodes the character reference at s[0] == '&'. Returns the bytes it
 * spans (with the ';', which is required) and sets *cp, or 0 when s does not
 * start a reference we know (the '&' is then kept as text).
 */
static size_t entity_decode(const unsigned char *s, size_t len, int32_t *cp)
{
        size_t i = 1;
        if (i < len && s[i] == '#') {
                int hex = i + 1 < len && (s[i + 1] == 'x' || s[i + 1] == 'X');
                i += hex ? 2 : 1;
                size_t start = i;
                uint32_t v = 0;
                while (i < len && i - start < 8) {
                        int d = hex ? hexval(s[i])
                                    : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
                                                                  : -1);
                        if (d < 0) {
                                break;
                        }
                        v = v * (hex ? 16 : 10) + (uint32_t)d;
                        i++;
                }
                if (i == start || i >= len || s[i] != ';') {
                        return 0;
                }
                if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
                        v = 0xfffd;
                } else if (v >= 0x80 && v <= 0x9f && cp1252[v - 0x80]) {
                        v = cp1252[v - 0x80];
                }
                *cp = (int32_t)v;
                return i + 1;
        }
        char name[33];
        size_t k = 0;
        while (i < len && k < sizeof(name) - 1 &&
               ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                (k > 0 && s[i] >= '0' && s[i] <= '9'))) {
                name[k++] = (char)s[i++];
        }
        if (k == 0 || i >= len || s[i] != ';') {
                return 0;
        }
        name[k] = '\0';
        const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
        if (!e) {
                return 0;
        }
        *cp = (int32_t)e->value;
        return i + 1;
}

char *nf_textnorm(const char *s, size_t len, unsigned flags, size_t *out_len,
                  nf_textnorm_stats_t *stats)
{
        pthread_once(&nfc_once, nfc_table_build);
        nf_textnorm_stats_t dummy = {0};
        norm_t n = {
            .cap = len + 64, .flags = flags, .st = stats ? stats : &dummy};
        n.p = malloc(n.cap);
        if (!n.p) {
                abort();
        }
        const unsigned char *u = (const unsigned char *)s;
        size_t i = 0;
        while (i < len) {
                unsigned char c = u[i];
                if (plain[c]) {
                        /* The common case: words of plain ASCII with one
                         * space between them, copied as they are. A space
                         * followed by a visible character is exactly what
                         * put_space() and before_char() would write for
                         * it, so one put_run() serves the whole stretch. */
                        size_t j = i + 1;
                        while (j < len &&
                               (plain[u[j]] || (u[j] == ' ' && j + 1 < len &&
                                                plain[u[j + 1]]))) {
                                j++;
                        }
                        put_run(&n, s + i, j - i);
                        i = j;
                        continue;
                }
                if (c < 0x80) {
                        if (c == '&' && (flags & NF_TEXTNORM_ENTITIES)) {
                                int32_t cp;
                                size_t k = entity_decode(u + i, len - i, &cp);
                                if (k) {
                                        n.st->entities++;
                                        put_cp(&n, cp);
                                        i += k;
                                        continue;
                                }
                        }
                        if (c == '\r') {
                                put_newline(&n);
                                i += (i + 1 < len && u[i + 1] == '\n') ? 2 : 1;
                                continue;
                        }
                        put_ascii(&n, c);
                        i++;
                        continue;
                }
                utf8proc_int32_t cp;
                utf8proc_ssize_t k =
                    utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &cp);
                if (k < 1) {
                        n.st->invalid_bytes++;
                        cp = 0xfffd;
                        k = 1;
                }
                put_cp(&n, cp);
                i += (size_t)k;
        }
        if (n.line_has) {
                finish_line(&n);
        }
        n.p[n.len] = '\0';
        if (out_len) {
                *out_len = n.len;
        }
        return n.p;
}
