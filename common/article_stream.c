/*
 * article_stream.c — the stream decoder: one pass of yajl events over the
 * input record, filling the article's fields as they go by. See
 * article_decode.h for how it shares the work with the tree decoder.
 *
 * Why: jansson's parser costs ~135 instructions per input byte (it reads a
 * character at a time through a stream layer and copies every string twice),
 * which was a third of the whole chain. yajl's lexer scans a string in a
 * tight loop and hands it over in place, and we only keep strings, so the
 * common record costs ~20 instructions per byte (bench/README.md).
 *
 * The stream decoder accepts only what the tree decoder accepts and yields
 * the same article. yajl alone is more lenient than jansson in four ways,
 * each closed here by declining the record:
 *   - it checks only the shape of UTF-8 sequences: every string and key is
 *     checked again with utf8proc (overlong forms, surrogates, > U+10FFFF);
 *   - it decodes \u0000: strings and keys with a NUL byte are declined;
 *   - it turns a lone \uD800-\uDBFF escape into '?' and does not check that
 *     a low surrogate follows a high one: a record with any \uD800-\uDFFF
 *     escape is declined before parsing (a scan of the raw bytes);
 *   - it accepts duplicate keys: they are detected here;
 *   - it takes \v and \f for whitespace: a record with either raw byte is
 *     declined before parsing (JSON allows them nowhere);
 *   - it lets an unfinished token follow the root object (`{..}"`): only
 *     JSON whitespace may follow the closing brace here.
 * Anything rarer (a non-string known field, deep nesting, a top level that
 * is not an object) is declined too rather than handled twice.
 */
#include "common/article_decode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yajl/yajl_parse.h>

/* Deepest nesting the decoder follows; deeper records are declined. */
#define STREAM_MAX_DEPTH 64
/* Longest key the decoder copies; longer keys are declined. */
#define STREAM_MAX_KEY 256

typedef struct stream_s {
        nf_article_t *art;
        yajl_handle h;
        size_t end;    /* offset just past the root object's closing brace */
        int max_depth; /* min(json.max.depth, STREAM_MAX_DEPTH) */
        int depth;     /* open objects and arrays, the root object is 1 */
        int done;      /* the root object has closed */
        /* The pending top-level key (depth 1): its field, or -1 with the
         * key in `key` for an unknown one kept in art->extra. */
        int field;
        int rank;      /* text alias preference of `field`, -1 if none */
        int text_rank; /* preference of the alias that set text; 99: none */
        unsigned seen; /* bit per field/alias already met (duplicates) */
        /* The unknown field's value being built: containers from the
         * value itself (stack[2]) down to the innermost open one. Object
         * members wait for their key in `key`. */
        json_t *stack[STREAM_MAX_DEPTH + 1];
        char key[STREAM_MAX_KEY + 1];
} stream_t;

/* 1 if s[0..n) is valid UTF-8 without a NUL byte, as jansson requires. */
static int utf8_clean(const unsigned char *s, size_t n)
{
        size_t i = 0;
        while (i < n) {
                /* Eight ASCII bytes at a time: no high bit and no zero
                 * byte among them. */
                if (i + 8 <= n) {
                        uint64_t v;
                        memcpy(&v, s + i, 8);
                        uint64_t high = v & 0x8080808080808080ULL;
                        uint64_t zero = (v - 0x0101010101010101ULL) & ~v &
                                        0x8080808080808080ULL;
                        if (!(high | zero)) {
                                i += 8;
                                continue;
                        }
                }
                if (s[i] == 0) {
                        return 0;
                }
                if (s[i] < 0x80) {
                        i++;
                        continue;
                }
                utf8proc_int32_t c;
                utf8proc_ssize_t k =
                    utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
                if (k < 0) {
                        return 0;
                }
                i += (size_t)k;
        }
        return 1;
}

/* 1 if the raw record has what yajl reads differently from jansson: a
 * \uD800-\uDFFF escape (or something that reads like one, such as the
 * text \\uD800: declining costs only speed), or a \v or \f byte. */
static int needs_reference(const char *buf, size_t len)
{
        if (memchr(buf, '\v', len) || memchr(buf, '\f', len)) {
                return 1;
        }
        const char *p = buf, *end = buf + len;
        while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
                if (end - p >= 4 && p[1] == 'u' &&
                    (p[2] == 'd' || p[2] == 'D') && p[3] != '\0' &&
                    strchr("89abcdefABCDEF", p[3])) {
                        return 1;
                }
                p += 2; /* the escaped character cannot start an escape */
                if (p >= end) {
                        break;
                }
        }
        return 0;
}

/* Attaches a finished value v (owned) of an unknown field where it
 * belongs: as the field itself (depth 1), into the innermost array, or as
 * the member named `key` of the innermost object. 0 (declined) on a
 * duplicate member. */
static int put(stream_t *st, json_t *v)
{
        if (!v) {
                return 0;
        }
        if (st->depth == 1) {
                if (json_object_get(st->art->extra, st->key)) {
                        json_decref(v);
                        return 0;
                }
                return json_object_set_new(st->art->extra, st->key, v) == 0;
        }
        json_t *in = st->stack[st->depth];
        if (json_is_array(in)) {
                return json_array_append_new(in, v) == 0;
        }
        if (json_object_get(in, st->key)) {
                json_decref(v);
                return 0;
        }
        return json_object_set_new(in, st->key, v) == 0;
}

/* A scalar value at depth 1 for a known field: only strings (and an
 * integer id) are the common case. */
static int known_scalar(stream_t *st)
{
        return st->depth == 1 && st->field >= 0;
}

static int on_null(void *ctx)
{
        stream_t *st = ctx;
        if (known_scalar(st)) {
                return 1; /* null is an absent field */
        }
        return st->depth >= 1 && put(st, json_null());
}

static int on_boolean(void *ctx, int b)
{
        stream_t *st = ctx;
        return st->depth >= 1 && !known_scalar(st) && put(st, json_boolean(b));
}

static int on_integer(void *ctx, long long v)
{
        stream_t *st = ctx;
        if (known_scalar(st)) {
                if (st->field != NF_F_ID) {
                        return 0;
                }
                char num[32];
                int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                                 (json_int_t)v);
                nf_article_set(st->art, NF_F_ID, num, (size_t)n);
                return 1;
        }
        return st->depth >= 1 && put(st, json_integer((json_int_t)v));
}

static int on_double(void *ctx, double v)
{
        stream_t *st = ctx;
        return st->depth >= 1 && !known_scalar(st) && put(st, json_real(v));
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
        stream_t *st = ctx;
        if (st->depth < 1 || !utf8_clean(s, n)) {
                return 0;
        }
        if (!known_scalar(st)) {
                return put(st, json_stringn_nocheck((const char *)s, n));
        }
        if (st->field == NF_F_TEXT) {
                if (st->rank > st->text_rank) {
                        return 1; /* a preferred alias already won */
                }
                st->text_rank = st->rank;
        }
        nf_article_set(st->art, (nf_field_t)st->field, (const char *)s, n);
        return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
        stream_t *st = ctx;
        if (n > STREAM_MAX_KEY || !utf8_clean(s, n)) {
                return 0;
        }
        memcpy(st->key, s, n);
        st->key[n] = '\0';
        if (st->depth != 1) {
                return 1;
        }
        st->field = nf_article_key_field(st->key, &st->rank);
        if (st->field < 0) {
                return 1;
        }
        /* Bits 0..NF_F__COUNT-1 are fields, the next ones text aliases. */
        unsigned bit =
            1u << (st->rank >= 0 ? NF_F__COUNT + st->rank : st->field);
        if (st->seen & bit) {
                return 0;
        }
        st->seen |= bit;
        return 1;
}

static int open_container(stream_t *st, int is_object)
{
        if (st->depth == 0) {
                /* The root: an object, once. */
                if (st->done || !is_object) {
                        return 0;
                }
                st->depth = 1;
                return 1;
        }
        if (known_scalar(st) || st->depth + 1 > st->max_depth) {
                return 0;
        }
        json_t *c = is_object ? json_object() : json_array();
        /* put() takes the reference; keep a borrowed pointer to fill. */
        if (!put(st, c)) {
                return 0;
        }
        st->stack[++st->depth] = c;
        return 1;
}

static int on_start_map(void *ctx)
{
        return open_container(ctx, 1);
}

static int on_start_array(void *ctx)
{
        return open_container(ctx, 0);
}

static int on_end(void *ctx)
{
        stream_t *st = ctx;
        if (--st->depth == 0) {
                st->done = 1;
                st->end = yajl_get_bytes_consumed(st->h);
        }
        return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_boolean,
    .yajl_integer = on_integer,
    .yajl_double = on_double,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_key,
    .yajl_end_map = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array = on_end,
};

nf_article_t *nf_article_decode_stream(const char *buf, size_t len,
                                       int max_depth)
{
        if (needs_reference(buf, len)) {
                return NULL;
        }
        stream_t st = {
            .max_depth = max_depth > 0 && max_depth < STREAM_MAX_DEPTH
                             ? max_depth
                             : STREAM_MAX_DEPTH,
            .field = -1,
            .rank = -1,
            .text_rank = 99,
        };
        yajl_handle h = yajl_alloc(&callbacks, NULL, &st);
        if (!h) {
                return NULL;
        }
        st.h = h;
        /* utf8_clean() checks every string fully; yajl's own, weaker check
         * would only repeat part of the work. */
        yajl_config(h, yajl_dont_validate_strings, 1);
        st.art = nf_article_new();
        int ok =
            yajl_parse(h, (const unsigned char *)buf, len) == yajl_status_ok &&
            yajl_complete_parse(h) == yajl_status_ok && st.done;
        yajl_free(h);
        for (size_t i = st.end; ok && i < len; i++) {
                ok = buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
                     buf[i] == '\r';
        }
        if (!ok) {
                nf_article_destroy(st.art);
                return NULL;
        }
        return st.art;
}
