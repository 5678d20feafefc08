/*
 * clean_rules.c — boilerplate pattern files: parsing, compiling into
 * first-byte JIT alternations, matching lines. See clean_rules.h.
 */
#include "processors/clean_rules.h"
#include "common/xalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The shipped patterns, built into the binary so that the stage does not
 * depend on its working directory. The assembler reads the file relative to
 * the directory make runs in (the repository root); the Makefile lists it as
 * a prerequisite of this object.
 */
__asm__(".pushsection .rodata\n"
        "nf_boilerplate_txt:\n"
        ".incbin \"deploy/rules/boilerplate.txt\"\n"
        "nf_boilerplate_txt_end:\n"
        ".byte 0\n"
        ".popsection\n");
extern const char nf_boilerplate_txt[] __attribute__((visibility("hidden")));
extern const char nf_boilerplate_txt_end[]
    __attribute__((visibility("hidden")));
#define SHIPPED_NAME "deploy/rules/boilerplate.txt (built in)"

static const char *const fixed_reasons[NF_CLEAN_R__FIXED] = {
    "kept",   "top_run",  "bottom_run",     "menu",
    "link",   "repeated", "truncated_copy", "title",
    "teaser", "related",  "comments",       "pattern"};

/* Patterns joined into one alternation, at most; a bucket with more is
 * split into several. */
#define GROUP_MAX 128
/* Patterns that can start with more bytes (a letter counts its two cases)
 * go in the wide group. */
#define WIDE_BYTES 32
#define TRIGGERS_MAX 64

#define RULE_FLAGS (PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED)

typedef struct pattern_s {
        char *src; /* joinable patterns: the source, until the groups exist */
        size_t len;
        pcre2_code *re; /* patterns matched alone */
        int jit;
        pcre2_code *pre; /* their pre-test (see compile_pretest()), or NULL */
        int pre_jit;
        uint64_t trig; /* "@if" words (bits); 0: none */
        uint8_t reason;
        uint8_t first[32]; /* bytes a match can start with (bits) */
} pattern_t;

/* One compiled alternation "(?:p1\E)(*:1)|(?:p2\E)(*:2)|..."; its mark
 * names the branch that matched. */
typedef struct chunk_s {
        pcre2_code *re;
        int jit;
} chunk_t;

/* The patterns that can start with a given byte, in file order. */
typedef struct group_s {
        chunk_t *chunk;
        size_t nchunk;
        uint32_t *pats; /* while building, to share equal groups */
        size_t npats;
} group_t;

struct nf_clean_rules_s {
        char *reasons[NF_CLEAN_MAX_REASONS];
        int nreasons;
        pattern_t *pat;
        size_t npat, pat_cap;
        uint32_t *alone; /* patterns matched alone, in file order */
        size_t nalone;
        group_t *groups;
        size_t ngroups;
        uint16_t bucket[256]; /* group of a line starting with that byte */
        uint16_t wide;        /* group of the patterns of many first bytes */
        uint32_t wide_first;  /* the first of them (index), or UINT32_MAX */
        pcre2_match_context *mctx; /* read-only while matching */
        /* "@if" words, ASCII lower-cased, chained by their first two bytes
         * for a one-pass scan of a line: first_trig[bigram] is 1 + the
         * first word with that bigram, next_trig[w] 1 + the next one. The
         * bigram is the line's two bytes as they are: the entries of the
         * upper-case forms hold the same chain, so that the scan need not
         * lower the bytes it skips (nearly all). */
        char *trig[TRIGGERS_MAX];
        size_t trig_len[TRIGGERS_MAX];
        int ntrig;
        uint8_t first_trig[65536];
        uint8_t next_trig[TRIGGERS_MAX];
};

struct nf_clean_match_s {
        pcre2_match_data *md;
        uint32_t limit_hits; /* runs stopped by the match/depth limit */
};

static int reason_index(nf_clean_rules_t *r, const char *name, size_t n)
{
        for (int i = 0; i < r->nreasons; i++) {
                if (strlen(r->reasons[i]) == n &&
                    memcmp(r->reasons[i], name, n) == 0) {
                        return i;
                }
        }
        if (r->nreasons == NF_CLEAN_MAX_REASONS) {
                return -1;
        }
        r->reasons[r->nreasons] = nf_xstrndup(name, n);
        return r->nreasons++;
}

/* Whether pattern p can share an alternation: no backreferences or named
 * groups (numbers and names would clash), no verbs (they act on the whole
 * alternation), no '#' (an extended-mode comment would swallow what
 * follows). */
static int joinable(const pcre2_code *re, const char *p, size_t n)
{
        uint32_t backref = 0, names = 0;
        pcre2_pattern_info(re, PCRE2_INFO_BACKREFMAX, &backref);
        pcre2_pattern_info(re, PCRE2_INFO_NAMECOUNT, &names);
        return backref == 0 && names == 0 && !memchr(p, '#', n) &&
               !memmem(p, n, "(*", 2);
}

/* The bytes a match of re (compiled unanchored, so that PCRE2 works out
 * its start) can begin with: PCRE2's own start-of-match data, which it
 * relies on itself to skip positions, so it holds every possible byte. A
 * first code unit matched caselessly is an ASCII letter (PCRE2 sets none
 * for a caseless multi-byte character): both cases. */
static void first_bytes(const pcre2_code *re, uint8_t first[32])
{
        uint32_t type = 0;
        const uint8_t *bm = NULL;
        pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODETYPE, &type);
        pcre2_pattern_info(re, PCRE2_INFO_FIRSTBITMAP, &bm);
        if (type == 1) {
                uint32_t cu = 0;
                pcre2_pattern_info(re, PCRE2_INFO_FIRSTCODEUNIT, &cu);
                memset(first, 0, 32);
                first[cu >> 3] |= (uint8_t)(1u << (cu & 7));
                uint32_t other = cu ^ 0x20; /* caseless: both */
                if ((cu | 0x20) >= 'a' && (cu | 0x20) <= 'z') {
                        first[other >> 3] |= (uint8_t)(1u << (other & 7));
                }
        } else if (bm) {
                memcpy(first, bm, 32);
        } else {
                memset(first, 0xff, 32);
        }
}

static unsigned char lower(unsigned char c)
{
        return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/* Adds the words of an "@if" line; sets *mask to their bits. Returns 0, or
 * -1 with errstr. */
static int add_triggers(nf_clean_rules_t *r, const char *p, size_t n,
                        uint64_t *mask, const char *name, int lineno,
                        char *errstr, size_t errstr_size)
{
        *mask = 0;
        size_t i = 0;
        while (i < n) {
                while (i < n && p[i] == ' ') {
                        i++;
                }
                size_t w = i;
                while (i < n && p[i] != ' ') {
                        i++;
                }
                size_t k = i - w;
                if (k == 0) {
                        continue;
                }
                char word[64];
                if (k < 2 || k >= sizeof(word)) {
                        snprintf(errstr, errstr_size,
                                 "%s:%d: @if word '%.*s' must be 2 to 63 bytes",
                                 name, lineno, (int)k, p + w);
                        return -1;
                }
                for (size_t j = 0; j < k; j++) {
                        char ch = p[w + j];
                        word[j] =
                            (ch >= 'A' && ch <= 'Z') ? (char)(ch | 0x20) : ch;
                }
                int t = 0;
                while (t < r->ntrig && !(r->trig_len[t] == k &&
                                         memcmp(r->trig[t], word, k) == 0)) {
                        t++;
                }
                if (t == r->ntrig) {
                        if (r->ntrig == TRIGGERS_MAX) {
                                snprintf(
                                    errstr, errstr_size,
                                    "%s:%d: too many @if words (at most %d)",
                                    name, lineno, TRIGGERS_MAX);
                                return -1;
                        }
                        r->trig[t] = nf_xstrndup(word, k);
                        r->trig_len[t] = k;
                        unsigned b = (unsigned)(unsigned char)word[0] << 8 |
                                     (unsigned char)word[1];
                        r->next_trig[t] = r->first_trig[b];
                        /* the new head of the chain, under every byte pair
                         * that lowers to the bigram: "co", "Co", "cO", "CO"
                         * (0x20 flips an ASCII letter's case; the test
                         * drops the flips of other bytes) */
                        for (unsigned v = 0; v < 4; v++) {
                                unsigned raw = b ^ (v & 1 ? 0x2000u : 0) ^
                                               (v & 2 ? 0x20u : 0);
                                if (((unsigned)lower((unsigned char)(raw >> 8))
                                         << 8 |
                                     lower((unsigned char)raw)) == b) {
                                        r->first_trig[raw] = (uint8_t)(t + 1);
                                }
                        }
                        r->ntrig++;
                }
                *mask |= 1ull << t;
        }
        if (!*mask) {
                snprintf(errstr, errstr_size, "%s:%d: @if without words", name,
                         lineno);
                return -1;
        }
        return 0;
}

/*
 * The pre-test of a pattern matched alone. A pattern "(?i).{0,200}REST"
 * (option settings, then a dot with any quantifier: "REST somewhere in the
 * line") makes PCRE2 try REST after each of the up to 200 characters the
 * dot gives back, ~18k instructions on a line of prose that merely holds
 * its "@if" word. The pattern can only match a line on which REST matches
 * from some position to the end: so REST searched unanchored, which PCRE2
 * does with a fast scan for the characters REST can start with, is an
 * exact pre-test. Finding nothing, the pattern cannot match; finding
 * something, the pattern itself decides. REST is wrapped as "(?:REST\E)",
 * so a top-level '|' in it stays a necessary condition (an alternative
 * that matches from the line's start is found there) and an open "\Q" is
 * closed. Returns NULL (no pre-test: the pattern runs as before) for any
 * other shape, or when REST holds what acts on the whole pattern: verbs
 * ("(*"), whole-pattern recursion ("(?R", "(?0", "\g"), recursion tests
 * ("(?(R"); or when the pre-test does not compile.
 */
static pcre2_code *compile_pretest(const char *p, size_t n, int *jit)
{
        size_t i = 0;
        while (i + 2 < n && p[i] == '(' && p[i + 1] == '?') {
                size_t j = i + 2; /* an option setting: "(?i)", "(?s-m)" */
                while (j < n && ((p[j] >= 'a' && p[j] <= 'z') ||
                                 (p[j] >= 'A' && p[j] <= 'Z') || p[j] == '-' ||
                                 p[j] == '^')) {
                        j++;
                }
                if (j >= n || p[j] != ')') {
                        return NULL; /* a group, "(?i:...)" */
                }
                i = j + 1;
        }
        size_t opts = i;
        if (i >= n || p[i++] != '.') {
                return NULL;
        }
        if (i < n && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
                i++;
        } else if (i < n && p[i] == '{') {
                i++;
                while (i < n && ((p[i] >= '0' && p[i] <= '9') || p[i] == ',')) {
                        i++;
                }
                if (i >= n || p[i] != '}') {
                        return NULL;
                }
                i++;
        }
        if (i < n && (p[i] == '?' || p[i] == '+')) {
                i++; /* lazy or possessive */
        }
        static const char *const whole[] = {"(*", "(?R", "(?0", "\\g", "(?(R"};
        for (size_t k = 0; k < sizeof(whole) / sizeof(whole[0]); k++) {
                if (memmem(p + i, n - i, whole[k], strlen(whole[k]))) {
                        return NULL;
                }
        }
        char *src = nf_xrealloc(NULL, n + 16);
        int len =
            sprintf(src, "%.*s(?:%.*s\\E)", (int)opts, p, (int)(n - i), p + i);
        int err;
        PCRE2_SIZE off;
        pcre2_code *re = pcre2_compile(
            (PCRE2_SPTR)src, (size_t)len,
            PCRE2_UTF | PCRE2_UCP | PCRE2_ENDANCHORED, &err, &off, NULL);
        free(src);
        *jit = re && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
        return re;
}

/*
 * Adds the patterns of one file's text. Every pattern is compiled here on
 * its own, so that an error names its file and line; joinable patterns are
 * compiled again, joined, by build_groups(). Returns 0 or -1 with errstr.
 */
static int rules_parse(nf_clean_rules_t *r, const char *name, const char *txt,
                       size_t len, char *errstr, size_t errstr_size)
{
        int reason = NF_CLEAN_R_PATTERN;
        uint64_t trig = 0; /* "@if" words for the next pattern */
        int lineno = 0;
        const char *p = txt, *end = txt + len;
        for (; p < end; lineno++) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl : end;
                const char *line = p;
                p = nl ? nl + 1 : end;
                while (line < e && (*line == ' ' || *line == '\t')) {
                        line++;
                }
                while (e > line &&
                       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) {
                        e--;
                }
                size_t n = (size_t)(e - line);
                if (n == 0 || *line == '#') {
                        continue;
                }
                if (n >= 7 && memcmp(line, "@reason", 7) == 0 &&
                    (n == 7 || line[7] == ' ')) {
                        const char *nm = line + (n > 7 ? 8 : 7);
                        size_t k = n > 7 ? n - 8 : 0;
                        int ok = k > 0 && k <= 32;
                        for (size_t i = 0; ok && i < k; i++) {
                                ok = (nm[i] >= 'a' && nm[i] <= 'z') ||
                                     (nm[i] >= '0' && nm[i] <= '9') ||
                                     nm[i] == '_';
                        }
                        if (!ok) {
                                snprintf(errstr, errstr_size,
                                         "%s:%d: bad reason name '%.*s' (use "
                                         "a-z, 0-9, _; at most 32)",
                                         name, lineno + 1, (int)k, nm);
                                return -1;
                        }
                        reason = reason_index(r, nm, k);
                        if (reason < 0) {
                                snprintf(errstr, errstr_size,
                                         "%s:%d: too many reasons (at most %d)",
                                         name, lineno + 1,
                                         NF_CLEAN_MAX_REASONS);
                                return -1;
                        }
                        continue;
                }
                if (n >= 3 && memcmp(line, "@if", 3) == 0 &&
                    (n == 3 || line[3] == ' ')) {
                        if (add_triggers(r, line + 3, n - 3, &trig, name,
                                         lineno + 1, errstr,
                                         errstr_size) != 0) {
                                return -1;
                        }
                        continue;
                }
                int err;
                PCRE2_SIZE off;
                pcre2_code *re =
                    pcre2_compile((PCRE2_SPTR)line, n, PCRE2_UTF | PCRE2_UCP,
                                  &err, &off, NULL);
                if (!re) {
                        PCRE2_UCHAR msg[256];
                        pcre2_get_error_message(err, msg, sizeof(msg));
                        snprintf(errstr, errstr_size,
                                 "%s:%d: pattern '%.*s': %s at offset %zu",
                                 name, lineno + 1, (int)n, line,
                                 (const char *)msg, (size_t)off);
                        return -1;
                }
                if (r->npat == r->pat_cap) {
                        r->pat_cap = r->pat_cap ? r->pat_cap * 2 : 128;
                        r->pat =
                            nf_xrealloc(r->pat, r->pat_cap * sizeof(pattern_t));
                        r->alone =
                            nf_xrealloc(r->alone, r->pat_cap * sizeof(uint32_t));
                }
                pattern_t *pt = &r->pat[r->npat];
                memset(pt, 0, sizeof(*pt));
                pt->reason = (uint8_t)reason;
                pt->trig = trig;
                trig = 0;
                if (!pt->trig && joinable(re, line, n)) {
                        pt->src = nf_xstrndup(line, n);
                        pt->len = n;
                        first_bytes(re, pt->first);
                        pcre2_code_free(re);
                } else {
                        pcre2_code_free(re);
                        /* compiled above without the anchors: cannot fail */
                        pt->re = pcre2_compile((PCRE2_SPTR)line, n, RULE_FLAGS,
                                               &err, &off, NULL);
                        pt->jit =
                            pcre2_jit_compile(pt->re, PCRE2_JIT_COMPLETE) == 0;
                        pt->pre = compile_pretest(line, n, &pt->pre_jit);
                        r->alone[r->nalone++] = (uint32_t)r->npat;
                }
                r->npat++;
        }
        return 0;
}

static chunk_t compile_chunk(const char *src, size_t len, int *ok)
{
        int err;
        PCRE2_SIZE off;
        chunk_t c = {NULL, 0};
        /* Joined patterns have no backreferences: their groups need not
         * capture, which spares the JIT saving positions for each. */
        c.re =
            pcre2_compile((PCRE2_SPTR)src, len,
                          RULE_FLAGS | PCRE2_NO_AUTO_CAPTURE, &err, &off, NULL);
        *ok = c.re != NULL;
        /* No JIT (unsupported CPU): the interpreter, slower, same results. */
        c.jit = c.re && pcre2_jit_compile(c.re, PCRE2_JIT_COMPLETE) == 0;
        return c;
}

/* "(?:SRC\E)(*:IDX)": "\E" closes a "\Q" the pattern left open (elsewhere
 * it is ignored); the mark names the pattern. */
static size_t branch(char *out, const pattern_t *pt, uint32_t idx)
{
        size_t o = 0;
        memcpy(out, "(?:", 3);
        o += 3;
        memcpy(out + o, pt->src, pt->len);
        o += pt->len;
        o += (size_t)sprintf(out + o, "\\E)(*:%u)", idx);
        return o;
}

/* Compiles group g from its pattern list: alternations of GROUP_MAX
 * patterns; a too large one falls back to one chunk per pattern. */
static void compile_group(nf_clean_rules_t *r, group_t *g)
{
        for (size_t at = 0; at < g->npats; at += GROUP_MAX) {
                size_t end =
                    at + GROUP_MAX < g->npats ? at + GROUP_MAX : g->npats;
                size_t cap = 0;
                for (size_t i = at; i < end; i++) {
                        cap += r->pat[g->pats[i]].len + 32;
                }
                char *src = nf_xrealloc(NULL, cap);
                size_t o = 0;
                for (size_t i = at; i < end; i++) {
                        if (i > at) {
                                src[o++] = '|';
                        }
                        o += branch(src + o, &r->pat[g->pats[i]], g->pats[i]);
                }
                int ok;
                chunk_t c = compile_chunk(src, o, &ok);
                g->chunk = nf_xrealloc(g->chunk,
                                    (g->nchunk + end - at) * sizeof(chunk_t));
                if (ok) {
                        g->chunk[g->nchunk++] = c;
                } else {
                        for (size_t i = at; i < end; i++) {
                                o = branch(src, &r->pat[g->pats[i]],
                                           g->pats[i]);
                                c = compile_chunk(src, o, &ok);
                                if (ok) {
                                        g->chunk[g->nchunk++] = c;
                                }
                        }
                }
                free(src);
        }
}

/* Whether pt can start with so many bytes that it goes in the wide group
 * (see build_groups()). */
static int is_wide(const pattern_t *pt)
{
        int n = 0;
        for (int i = 0; i < 32; i++) {
                n += __builtin_popcount(pt->first[i]);
        }
        return n > WIDE_BYTES;
}

/* The group of the joinable patterns whose first bytes include b, not
 * wide (b < 0: the wide ones), shared with an earlier group of the same
 * patterns. */
static uint16_t group_for(nf_clean_rules_t *r, int b)
{
        uint32_t *pats = nf_xrealloc(NULL, (r->npat + 1) * sizeof(uint32_t));
        size_t n = 0;
        for (uint32_t i = 0; i < r->npat; i++) {
                const pattern_t *pt = &r->pat[i];
                if (pt->src && (b < 0 ? is_wide(pt)
                                      : !is_wide(pt) && (pt->first[b >> 3] &
                                                         (1u << (b & 7))))) {
                        pats[n++] = i;
                }
        }
        for (size_t g = 0; g < r->ngroups; g++) {
                if (r->groups[g].npats == n &&
                    memcmp(r->groups[g].pats, pats, n * sizeof(uint32_t)) ==
                        0) {
                        free(pats);
                        return (uint16_t)g;
                }
        }
        r->groups = nf_xrealloc(r->groups, (r->ngroups + 1) * sizeof(group_t));
        group_t *g = &r->groups[r->ngroups];
        memset(g, 0, sizeof(*g));
        g->pats = pats;
        g->npats = n;
        compile_group(r, g);
        return (uint16_t)r->ngroups++;
}

/*
 * A line is tried against the group of its first byte, and against the
 * wide group. A pattern that can start with many bytes (a word list, a
 * class, an optional group first) would be compiled into the group of
 * each: it goes once into the wide group instead, which keeps the JIT
 * compile at startup small, for a second JIT call per line.
 */
static void build_groups(nf_clean_rules_t *r)
{
        r->wide = group_for(r, -1);
        r->wide_first =
            r->groups[r->wide].npats ? r->groups[r->wide].pats[0] : UINT32_MAX;
        for (int b = 0; b < 256; b++) {
                r->bucket[b] = group_for(r, b);
        }
        for (size_t g = 0; g < r->ngroups; g++) {
                free(r->groups[g].pats);
                r->groups[g].pats = NULL;
        }
        for (size_t i = 0; i < r->npat; i++) {
                free(r->pat[i].src);
                r->pat[i].src = NULL;
        }
}

static char *read_file(const char *path, size_t *len, char *errstr,
                       size_t errstr_size)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                snprintf(errstr, errstr_size, "%s: %s", path, strerror(errno));
                return NULL;
        }
        size_t cap = 4096, n = 0, got;
        char *buf = nf_xrealloc(NULL, cap);
        while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
                n += got;
                if (n == cap) {
                        cap *= 2;
                        buf = nf_xrealloc(buf, cap);
                }
        }
        int bad = ferror(f);
        fclose(f);
        if (bad) {
                snprintf(errstr, errstr_size, "%s: read error", path);
                free(buf);
                return NULL;
        }
        *len = n;
        return buf;
}

nf_clean_rules_t *nf_clean_rules_new(const char *path, char *errstr,
                                     size_t errstr_size)
{
        nf_clean_rules_t *r = calloc(1, sizeof(*r));
        if (!r) {
                abort();
        }
        for (int i = 0; i < NF_CLEAN_R__FIXED; i++) {
                reason_index(r, fixed_reasons[i], strlen(fixed_reasons[i]));
        }
        /* Bounds the work of a pathological user pattern on one line. */
        r->mctx = pcre2_match_context_create(NULL);
        pcre2_set_match_limit(r->mctx, 1000000);
        pcre2_set_depth_limit(r->mctx, 10000);
        if (rules_parse(r, SHIPPED_NAME, nf_boilerplate_txt,
                        (size_t)(nf_boilerplate_txt_end - nf_boilerplate_txt),
                        errstr, errstr_size) != 0) {
                goto fail;
        }
        if (path && *path) {
                size_t len;
                char *txt = read_file(path, &len, errstr, errstr_size);
                if (!txt) {
                        goto fail;
                }
                int rc = rules_parse(r, path, txt, len, errstr, errstr_size);
                free(txt);
                if (rc != 0) {
                        goto fail;
                }
        }
        build_groups(r);
        return r;
fail:
        nf_clean_rules_destroy(r);
        return NULL;
}

void nf_clean_rules_destroy(nf_clean_rules_t *r)
{
        if (!r) {
                return;
        }
        for (size_t i = 0; i < r->npat; i++) {
                free(r->pat[i].src);
                pcre2_code_free(r->pat[i].re);
                pcre2_code_free(r->pat[i].pre);
        }
        for (size_t g = 0; g < r->ngroups; g++) {
                for (size_t c = 0; c < r->groups[g].nchunk; c++) {
                        pcre2_code_free(r->groups[g].chunk[c].re);
                }
                free(r->groups[g].chunk);
                free(r->groups[g].pats);
        }
        for (int i = 0; i < r->nreasons; i++) {
                free(r->reasons[i]);
        }
        for (int i = 0; i < r->ntrig; i++) {
                free(r->trig[i]);
        }
        pcre2_match_context_free(r->mctx);
        free(r->groups);
        free(r->pat);
        free(r->alone);
        free(r);
}

size_t nf_clean_rules_count(const nf_clean_rules_t *r)
{
        return r->npat;
}

int nf_clean_reason_count(const nf_clean_rules_t *r)
{
        return r->nreasons;
}

const char *nf_clean_reason_name(const nf_clean_rules_t *r, int i)
{
        return i >= 0 && i < r->nreasons ? r->reasons[i] : NULL;
}

nf_clean_match_t *nf_clean_match_new(void)
{
        nf_clean_match_t *m = calloc(1, sizeof(*m));
        if (!m) {
                abort();
        }
        /* One ovector pair: only whether a line matches, and its mark. */
        m->md = pcre2_match_data_create(1, NULL);
        if (!m->md) {
                abort();
        }
        return m;
}

void nf_clean_match_destroy(nf_clean_match_t *m)
{
        if (!m) {
                return;
        }
        pcre2_match_data_free(m->md);
        free(m);
}

/* The "@if" words present in s (bits), in one pass: each position's
 * lower-cased bigram leads to the few words that start with it. */
static uint64_t triggers_in(const nf_clean_rules_t *r, const char *s, size_t n)
{
        const unsigned char *u = (const unsigned char *)s, *e = u + n;
        const uint8_t *first = r->first_trig;
        uint64_t m = 0;
        for (const unsigned char *p = u; p + 1 < e; p++) {
                unsigned t = first[(unsigned)p[0] << 8 | p[1]];
                if (!t) {
                        continue; /* nearly every position */
                }
                for (; t; t = r->next_trig[t - 1]) {
                        const char *w = r->trig[t - 1];
                        size_t k = r->trig_len[t - 1], j = 2;
                        while (j < k && p + j < e &&
                               lower(p[j]) == (unsigned char)w[j]) {
                                j++;
                        }
                        if (j == k) {
                                m |= 1ull << (t - 1);
                        }
                }
        }
        return m;
}

static int run(const nf_clean_rules_t *r, pcre2_code *re, int jit,
               nf_clean_match_t *m, const char *s, size_t len)
{
        /* pcre2_jit_match() checks no UTF: the caller passes valid text. */
        int rc =
            jit ? pcre2_jit_match(re, (PCRE2_SPTR)s, len, 0, 0, m->md, r->mctx)
                : pcre2_match(re, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK,
                              m->md, r->mctx);
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
                m->limit_hits++; /* no match, counted: the caller decides */
        }
        return rc;
}

/* Runs pt's pre-test (unanchored). Its limit hits are not counted: on
 * anything but "no match" the pattern itself runs, and counts its own. */
static int pretest(const nf_clean_rules_t *r, const pattern_t *pt,
                   nf_clean_match_t *m, const char *s, size_t len)
{
        return pt->pre_jit ? pcre2_jit_match(pt->pre, (PCRE2_SPTR)s, len, 0, 0,
                                             m->md, r->mctx)
                           : pcre2_match(pt->pre, (PCRE2_SPTR)s, len, 0,
                                         PCRE2_NO_UTF_CHECK, m->md, r->mctx);
}

void nf_clean_rules_set_limits(nf_clean_rules_t *r, uint32_t match_limit,
                               uint32_t depth_limit)
{
        pcre2_set_match_limit(r->mctx, match_limit);
        pcre2_set_depth_limit(r->mctx, depth_limit);
}

uint32_t nf_clean_match_limit_hits(const nf_clean_match_t *m)
{
        return m->limit_hits;
}

/* The index of the first pattern of g (in file order) matching the line,
 * UINT32_MAX when none does (UINT32_MAX - 1: one did, but a user pattern's
 * own mark hid ours; the default reason then). */
static uint32_t group_first(const nf_clean_rules_t *r, const group_t *g,
                            nf_clean_match_t *m, const char *s, size_t len)
{
        for (size_t c = 0; c < g->nchunk; c++) {
                if (run(r, g->chunk[c].re, g->chunk[c].jit, m, s, len) >= 0) {
                        PCRE2_SPTR mark = pcre2_get_mark(m->md);
                        return mark ? (uint32_t)strtoul((const char *)mark,
                                                        NULL, 10)
                                    : UINT32_MAX - 1;
                }
        }
        return UINT32_MAX;
}

int nf_clean_rules_reason(const nf_clean_rules_t *r, nf_clean_match_t *m,
                          const char *s, size_t len, size_t words)
{
        if (len == 0) {
                return -1;
        }
        uint32_t best = UINT32_MAX;
        int is_long = words > NF_CLEAN_SHORT_WORDS;
        if (!is_long) {
                best = group_first(
                    r, &r->groups[r->bucket[(unsigned char)s[0]]], m, s, len);
                if (r->wide_first < best) {
                        uint32_t w =
                            group_first(r, &r->groups[r->wide], m, s, len);
                        best = w < best ? w : best;
                }
        }
        int have_trig = 0;
        uint64_t present = 0;
        for (size_t i = 0; i < r->nalone && r->alone[i] < best; i++) {
                const pattern_t *pt = &r->pat[r->alone[i]];
                if (!pt->trig && is_long) {
                        continue;
                }
                if (pt->trig) {
                        if (!have_trig) {
                                present = triggers_in(r, s, len);
                                have_trig = 1;
                        }
                        if (!(pt->trig & present)) {
                                continue;
                        }
                }
                if (pt->pre &&
                    pretest(r, pt, m, s, len) == PCRE2_ERROR_NOMATCH) {
                        continue; /* then the pattern cannot match either */
                }
                if (run(r, pt->re, pt->jit, m, s, len) >= 0) {
                        return pt->reason;
                }
        }
        if (best == UINT32_MAX) {
                return -1;
        }
        return best < r->npat ? r->pat[best].reason : NF_CLEAN_R_PATTERN;
}

const char *nf_clean_rules_match(const nf_clean_rules_t *r, const char *line,
                                 size_t len)
{
        size_t words = 1;
        for (size_t i = 0; i < len; i++) {
                words += line[i] == ' ';
        }
        nf_clean_match_t *m = nf_clean_match_new();
        int reason = nf_clean_rules_reason(r, m, line, len, words);
        nf_clean_match_destroy(m);
        return reason < 0 ? NULL : r->reasons[reason];
}
