/*
 * article.c — decode input JSON into an nf_article_t and encode the output
 * record of the contract. See article.h.
 */
#include "common/article.h"
#include "common/article_decode.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <utf8proc.h>
#include <xxhash.h>

const char *const nf_field_names[NF_F__COUNT] = {
    [NF_F_ID] = "id",
    [NF_F_URL] = "url",
    [NF_F_SOURCE] = "source",
    [NF_F_TITLE] = "title",
    [NF_F_SUMMARY] = "summary",
    [NF_F_TEXT] = "text",
    [NF_F_LANG] = "lang",
    [NF_F_PUBLISHED_AT] = "published_at",
    [NF_F_SCRAPED_AT] = "scraped_at",
    [NF_F_HTML] = "html",
};

/* Input names that land in NF_F_TEXT, in order of preference. */
static const char *const text_aliases[] = {"text", "content", "body"};

const char *nf_dedup_status_name(nf_dedup_status_t s)
{
        switch (s) {
        case NF_DEDUP_UNIQUE:
                return "unique";
        case NF_DEDUP_DUPLICATE:
                return "duplicate";
        case NF_DEDUP_NEAR_DUPLICATE:
                return "near_duplicate";
        default:
                return NULL;
        }
}

nf_article_t *nf_article_new(void)
{
        nf_article_t *art = calloc(1, sizeof(*art));
        if (!art) {
                abort(); /* out of memory: nothing sensible to do */
        }
        art->word_count = -1;
        art->origin.partition = -1;
        art->origin.offset = -1;
        art->extra = json_object();
        art->notes = json_object();
        return art;
}

void nf_article_destroy(nf_article_t *art)
{
        if (!art) {
                return;
        }
        for (int i = 0; i < NF_F__COUNT; i++) {
                free(art->f[i]);
        }
        free(art->dedup.duplicate_of);
        json_decref(art->extra);
        json_decref(art->tags);
        json_decref(art->notes);
        free(art);
}

void nf_article_take(nf_article_t *art, nf_field_t f, char *s)
{
        free(art->f[f]);
        art->f[f] = s;
}

void nf_article_set(nf_article_t *art, nf_field_t f, const char *s, size_t len)
{
        char *copy = NULL;
        if (s) {
                copy = malloc(len + 1);
                if (!copy) {
                        abort();
                }
                memcpy(copy, s, len);
                copy[len] = '\0';
        }
        nf_article_take(art, f, copy);
}

const char *nf_article_text(const nf_article_t *art)
{
        return art->f[NF_F_TEXT];
}

void nf_article_note(nf_article_t *art, const char *step, json_t *note)
{
        json_object_set_new(art->notes, step, note);
}

/* Depth of a JSON value: a scalar is 0, {} or [] is 1. Stops counting at
 * limit + 1 so a hostile document cannot make this expensive. */
static int json_depth(json_t *v, int limit)
{
        if (limit < 0) {
                return 1;
        }
        int best = 0;
        if (json_is_object(v)) {
                const char *k;
                json_t *c;
                json_object_foreach(v, k, c)
                {
                        int d = json_depth(c, limit - 1);
                        if (d > best) {
                                best = d;
                        }
                        if (best > limit) {
                                break;
                        }
                }
                return best + 1;
        }
        if (json_is_array(v)) {
                size_t i;
                json_t *c;
                json_array_foreach(v, i, c)
                {
                        int d = json_depth(c, limit - 1);
                        if (d > best) {
                                best = d;
                        }
                        if (best > limit) {
                                break;
                        }
                }
                return best + 1;
        }
        return 0;
}

static int field_index(const char *key)
{
        for (int i = 0; i < NF_F__COUNT; i++) {
                if (strcmp(key, nf_field_names[i]) == 0) {
                        return i;
                }
        }
        return -1;
}

int nf_article_key_field(const char *key, int *rank)
{
        *rank = -1;
        for (size_t i = 0; i < sizeof(text_aliases) / sizeof(*text_aliases);
             i++) {
                if (strcmp(key, text_aliases[i]) == 0) {
                        *rank = (int)i;
                        return NF_F_TEXT;
                }
        }
        return field_index(key);
}

nf_article_t *nf_article_decode(const char *buf, size_t len,
                                const nf_decode_limits_t *limits, char *reason,
                                size_t reason_size, char *errstr,
                                size_t errstr_size)
{
        if (limits && limits->max_bytes && len > limits->max_bytes) {
                snprintf(reason, reason_size, "too_large");
                snprintf(errstr, errstr_size,
                         "record is %zu bytes, over the limit of %zu "
                         "(input.max.bytes)",
                         len, limits->max_bytes);
                return NULL;
        }
        int max_depth = limits ? limits->max_depth : 0;
        nf_article_t *art = nf_article_decode_stream(buf, len, max_depth);
        if (!art) {
                art = nf_article_decode_tree(buf, len, max_depth, reason,
                                             reason_size, errstr, errstr_size);
        }
        if (!art) {
                return NULL;
        }

        const char *t = art->f[NF_F_TEXT], *h = art->f[NF_F_HTML];
        if ((!t || !*t) && (!h || !*h)) {
                snprintf(reason, reason_size, "no_body");
                snprintf(errstr, errstr_size,
                         "record has neither \"text\" (or \"content\", "
                         "\"body\") nor \"html\"");
                nf_article_destroy(art);
                return NULL;
        }
        if (art->f[NF_F_ID] && !*art->f[NF_F_ID]) {
                nf_article_take(art, NF_F_ID, NULL); /* "" is no id */
        }
        return art;
}

nf_article_t *nf_article_decode_tree(const char *buf, size_t len,
                                     int max_depth, char *reason,
                                     size_t reason_size, char *errstr,
                                     size_t errstr_size)
{
        json_error_t jerr;
        /* Duplicate keys are rejected: which copy a crawler meant is a guess. */
        json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
        if (!root) {
                int depth_err = json_error_code(&jerr) == json_error_stack_overflow;
                snprintf(reason, reason_size, depth_err ? "too_deep" : "json_invalid");
                snprintf(errstr, errstr_size,
                         "invalid JSON at line %d column %d (byte %d): %s",
                         jerr.line, jerr.column, jerr.position, jerr.text);
                return NULL;
        }
        if (!json_is_object(root)) {
                snprintf(reason, reason_size, "not_object");
                snprintf(errstr, errstr_size,
                         "record is a JSON %s, not an object",
                         json_is_array(root)    ? "array"
                         : json_is_string(root) ? "string"
                                                : "scalar");
                json_decref(root);
                return NULL;
        }
        if (max_depth > 0 && json_depth(root, max_depth) > max_depth) {
                snprintf(reason, reason_size, "too_deep");
                snprintf(errstr, errstr_size,
                         "JSON nesting deeper than %d (json.max.depth)",
                         max_depth);
                json_decref(root);
                return NULL;
        }

        nf_article_t *art = nf_article_new();
        int text_from = 99; /* preference index of the alias that set text */
        const char *key;
        json_t *val;
        json_object_foreach(root, key, val)
        {
                int alias;
                int fi = nf_article_key_field(key, &alias);
                if (fi < 0) {
                        json_object_set(art->extra, key, val);
                        continue;
                }
                if (json_is_null(val)) {
                        continue;
                }
                if (fi == NF_F_ID && json_is_integer(val)) {
                        char num[32];
                        int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                                         json_integer_value(val));
                        nf_article_set(art, NF_F_ID, num, (size_t)n);
                        continue;
                }
                if (!json_is_string(val)) {
                        snprintf(reason, reason_size, "field_type");
                        snprintf(errstr, errstr_size,
                                 "field \"%s\" must be a string, not a JSON %s",
                                 key,
                                 json_is_object(val)  ? "object"
                                 : json_is_array(val) ? "array"
                                                      : "non-string scalar");
                        nf_article_destroy(art);
                        json_decref(root);
                        return NULL;
                }
                if (fi == NF_F_TEXT) {
                        if (alias > text_from) {
                                continue; /* a preferred alias already won */
                        }
                        text_from = alias;
                }
                nf_article_set(art, (nf_field_t)fi, json_string_value(val),
                               json_string_length(val));
        }
        json_decref(root);
        return art;
}

char *nf_url_canonical(const char *url)
{
        size_t n = strlen(url);
        char *out = malloc(n + 1);
        if (!out) {
                abort();
        }
        /* Skip leading/trailing blanks. */
        while (*url && isspace((unsigned char)*url)) {
                url++;
        }
        size_t o = 0;
        const char *sep = strstr(url, "://");
        const char *host_end = NULL;
        if (sep) {
                host_end = strchr(sep + 3, '/');
                if (!host_end) {
                        host_end = url + strlen(url);
                }
        }
        for (const char *p = url; *p && *p != '#'; p++) {
                char c = *p;
                if (host_end && p < host_end) {
                        c = (char)tolower((unsigned char)c);
                }
                out[o++] = c;
        }
        while (o > 0 && isspace((unsigned char)out[o - 1])) {
                o--;
        }
        out[o] = '\0';
        return out;
}

static void hash_id(char prefix, const char *s, size_t len, char out[34])
{
        XXH128_hash_t h = XXH3_128bits(s, len);
        snprintf(out, 34, "%c%016llx%016llx", prefix,
                 (unsigned long long)h.high64, (unsigned long long)h.low64);
}

const char *nf_article_ensure_id(nf_article_t *art)
{
        if (art->f[NF_F_ID]) {
                return art->f[NF_F_ID];
        }
        char id[34];
        if (art->f[NF_F_URL] && *art->f[NF_F_URL]) {
                char *canon = nf_url_canonical(art->f[NF_F_URL]);
                hash_id('u', canon, strlen(canon), id);
                free(canon);
        } else {
                const char *t = art->f[NF_F_TEXT] ? art->f[NF_F_TEXT] : "";
                hash_id('t', t, strlen(t), id);
        }
        nf_article_set(art, NF_F_ID, id, strlen(id));
        return art->f[NF_F_ID];
}

static int64_t count_words(const char *s)
{
        int64_t n = 0;
        int in = 0;
        for (; s && *s; s++) {
                int sp = isspace((unsigned char)*s);
                if (!sp && !in) {
                        n++;
                }
                in = !sp;
        }
        return n;
}

/* ---- encode ----
 *
 * The output record is written straight into one buffer: the big string
 * fields (text above all) are escaped in one pass, eight bytes at a time
 * where nothing needs escaping, instead of being copied into jansson
 * strings and serialised again (that cost more than the decode). The small
 * JSON values (dedup, tags, meta, unknown input fields) are walked by
 * buf_json(). The output is byte for byte what json_dumps(...,
 * JSON_COMPACT | JSON_PRESERVE_ORDER) gives for the same object.
 */

typedef struct buf_s {
        char *p;
        size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t n)
{
        if (b->len + n + 1 <= b->cap) {
                return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
                cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (!p) {
                abort(); /* out of memory */
        }
        b->p = p;
        b->cap = cap;
}

static void buf_add(buf_t *b, const char *s, size_t n)
{
        buf_reserve(b, n);
        memcpy(b->p + b->len, s, n);
        b->len += n;
}

static void buf_str(buf_t *b, const char *s)
{
        buf_add(b, s, strlen(s));
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Non-zero when one of the 8 bytes of v may need escaping: below 0x20,
 * '"', '\\', or non-ASCII (false positives only cost the careful path). */
static inline uint64_t needs_care(uint64_t v)
{
        uint64_t q = v ^ (ONES * '"'), bs = v ^ (ONES * '\\');
        return ((v - ONES * 0x20) | (q - ONES) | (bs - ONES) | v) & HIGHS;
}

/* s as a JSON string, escaped as jansson does (\" \\ \b \f \n \r \t,
 * \u00XX for other control bytes, UTF-8 as is). Article strings are valid
 * UTF-8 (article.h); a byte that is not is written as U+FFFD rather than
 * dropping the field. */
static void buf_jstrn(buf_t *b, const char *s, size_t n)
{
        buf_reserve(b, n + 2);
        b->p[b->len++] = '"';
        const unsigned char *p = (const unsigned char *)s, *end = p + n;
        while (p < end) {
                if (end - p >= 8) {
                        uint64_t v;
                        memcpy(&v, p, 8);
                        if (!needs_care(v)) {
                                buf_add(b, (const char *)p, 8);
                                p += 8;
                                continue;
                        }
                }
                unsigned char c = *p;
                if (c >= 0x80) {
                        utf8proc_int32_t cp;
                        utf8proc_ssize_t k = utf8proc_iterate(p, end - p, &cp);
                        if (k < 1) {
                                buf_add(b, "\xef\xbf\xbd", 3);
                                p++;
                        } else {
                                buf_add(b, (const char *)p, (size_t)k);
                                p += k;
                        }
                        continue;
                }
                p++;
                const char *esc = NULL;
                switch (c) {
                case '"':
                        esc = "\\\"";
                        break;
                case '\\':
                        esc = "\\\\";
                        break;
                case '\b':
                        esc = "\\b";
                        break;
                case '\f':
                        esc = "\\f";
                        break;
                case '\n':
                        esc = "\\n";
                        break;
                case '\r':
                        esc = "\\r";
                        break;
                case '\t':
                        esc = "\\t";
                        break;
                default:
                        break;
                }
                if (esc) {
                        buf_add(b, esc, 2);
                } else if (c < 0x20) {
                        char u[8];
                        snprintf(u, sizeof(u), "\\u%04X", c);
                        buf_add(b, u, 6);
                } else {
                        buf_add(b, (const char *)&c, 1);
                }
        }
        buf_add(b, "\"", 1);
}

static void buf_jstr(buf_t *b, const char *s)
{
        buf_jstrn(b, s, strlen(s));
}

/* ,"key": */
static void buf_key(buf_t *b, const char *key, int first)
{
        if (!first) {
                buf_add(b, ",", 1);
        }
        buf_jstr(b, key);
        buf_add(b, ":", 1);
}

/* A real as jansson writes it (dump.c, jsonp_dtostr): %.17g, with ".0"
 * added when that reads as an integer, and the exponent without '+' and
 * leading zeros. */
static void buf_real(buf_t *b, double d)
{
        char num[40];
        int n = snprintf(num, sizeof(num) - 2, "%.17g", d);
        if (!strchr(num, '.') && !strchr(num, 'e')) {
                memcpy(num + n, ".0", 3);
                n += 2;
        }
        char *e = strchr(num, 'e');
        if (e) {
                char *start = e + 1 + (e[1] == '-'), *digits = e + 1;
                if (*digits == '+' || *digits == '-') {
                        digits++;
                }
                while (*digits == '0' && digits[1]) {
                        digits++;
                }
                memmove(start, digits, strlen(digits) + 1);
                n = (int)strlen(num);
        }
        buf_add(b, num, (size_t)n);
}

/* Writes v as compact JSON, byte for byte what json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) gives (test_article checks it). jansson's dumper calls
 * back once per token and cost ~20k instructions per small object. */
static void buf_json(buf_t *b, json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT: {
                const char *k;
                json_t *c;
                int first = 1;
                buf_add(b, "{", 1);
                json_object_foreach(v, k, c)
                {
                        buf_key(b, k, first);
                        buf_json(b, c);
                        first = 0;
                }
                buf_add(b, "}", 1);
                return;
        }
        case JSON_ARRAY: {
                size_t i;
                json_t *c;
                buf_add(b, "[", 1);
                json_array_foreach(v, i, c)
                {
                        if (i) {
                                buf_add(b, ",", 1);
                        }
                        buf_json(b, c);
                }
                buf_add(b, "]", 1);
                return;
        }
        case JSON_STRING:
                buf_jstrn(b, json_string_value(v), json_string_length(v));
                return;
        case JSON_INTEGER: {
                char num[32];
                int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                                 json_integer_value(v));
                buf_add(b, num, (size_t)n);
                return;
        }
        case JSON_REAL:
                buf_real(b, json_real_value(v));
                return;
        case JSON_TRUE:
                buf_str(b, "true");
                return;
        case JSON_FALSE:
                buf_str(b, "false");
                return;
        case JSON_NULL:
                buf_str(b, "null");
                return;
        }
}

/* The output keys; unknown input fields with these names are not carried. */
static int is_output_key(const char *k)
{
        static const char *const more[] = {"word_count", "dedup", "tags",
                                           "meta"};
        int f = field_index(k);
        if (f >= 0 && f != NF_F_HTML) {
                return 1;
        }
        for (size_t i = 0; i < sizeof(more) / sizeof(*more); i++) {
                if (strcmp(k, more[i]) == 0) {
                        return 1;
                }
        }
        return 0;
}

char *nf_article_encode(nf_article_t *art, const nf_encode_meta_t *meta,
                        size_t *len)
{
        nf_article_ensure_id(art);
        buf_t b = {0};
        size_t est = 512;
        for (int i = 0; i < NF_F__COUNT; i++) {
                est += i != NF_F_HTML && art->f[i] ? strlen(art->f[i]) : 0;
        }
        buf_reserve(&b, est + est / 16);
        buf_add(&b, "{", 1);
        for (int i = 0; i < NF_F__COUNT; i++) {
                if (i == NF_F_HTML) {
                        continue; /* the raw page is input, not output */
                }
                buf_key(&b, nf_field_names[i], i == 0);
                if (art->f[i]) {
                        buf_jstr(&b, art->f[i]);
                } else {
                        buf_str(&b, "null");
                }
                if (i == NF_F_LANG) {
                        if (art->word_count < 0) {
                                art->word_count = count_words(art->f[NF_F_TEXT]);
                        }
                        char num[32];
                        snprintf(num, sizeof(num), "%" PRId64, art->word_count);
                        buf_key(&b, "word_count", 0);
                        buf_str(&b, num);
                }
        }
        buf_key(&b, "dedup", 0);
        if (art->dedup.status == NF_DEDUP_NONE) {
                buf_str(&b, "null");
        } else {
                json_t *d = json_pack(
                    "{s:s, s:o, s:o}", "status",
                    nf_dedup_status_name(art->dedup.status), "duplicate_of",
                    art->dedup.duplicate_of ? json_string(art->dedup.duplicate_of)
                                            : json_null(),
                    "similarity",
                    art->dedup.status == NF_DEDUP_UNIQUE
                        ? json_null()
                        : json_real(art->dedup.similarity));
                buf_json(&b, d);
                json_decref(d);
        }
        buf_key(&b, "tags", 0);
        if (art->tags) {
                buf_json(&b, art->tags);
        } else {
                buf_str(&b, "null");
        }

        json_t *m = json_object();
        if (art->origin.topic) {
                json_object_set_new(m, "topic", json_string(art->origin.topic));
                json_object_set_new(m, "partition",
                                    json_integer(art->origin.partition));
                json_object_set_new(m, "offset", json_integer(art->origin.offset));
        } else if (art->origin.offset >= 0) {
                json_object_set_new(m, "line", json_integer(art->origin.offset));
        }
        if (meta && meta->processed_at) {
                json_object_set_new(m, "processed_at",
                                    json_string(meta->processed_at));
        }
        if (meta && meta->version) {
                json_object_set_new(m, "version", json_string(meta->version));
        }
        json_object_update(m, art->notes);
        buf_key(&b, "meta", 0);
        buf_json(&b, m);
        json_decref(m);

        /* Unknown input fields are carried through, after the contract's. */
        const char *k;
        json_t *v;
        json_object_foreach(art->extra, k, v)
        {
                if (!is_output_key(k)) {
                        buf_key(&b, k, 0);
                        buf_json(&b, v);
                }
        }
        buf_add(&b, "}", 1);
        b.p[b.len] = '\0';
        if (len) {
                *len = b.len;
        }
        return b.p;
}
