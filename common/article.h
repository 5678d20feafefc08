/*
 * article.h — the article record every processor works on.
 *
 * An nf_article_t is decoded from one input JSON object (one Kafka message,
 * or one line in file mode), passed through the processor chain, and encoded
 * to the output JSON object of the record contract (README, "Record
 * contract"). It knows nothing of Kafka: the stage fills `origin` with where
 * the record came from so that it can be written into `meta`.
 *
 * Strings are NUL-terminated, valid UTF-8 and owned by the article (decode
 * rejects invalid UTF-8 and \u0000, so a string field can never hide a
 * NUL). Replace a field only with nf_article_set(), which frees the old
 * value. How decoding is done: article_decode.h.
 */
#ifndef NF_ARTICLE_H
#define NF_ARTICLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The string fields of the contract, in output order. */
typedef enum {
        NF_F_ID = 0,
        NF_F_URL,
        NF_F_SOURCE,
        NF_F_TITLE,
        NF_F_SUMMARY,
        NF_F_TEXT,
        NF_F_LANG,
        NF_F_PUBLISHED_AT,
        NF_F_SCRAPED_AT,
        NF_F_HTML, /* input only: never written to the output record */
        NF_F__COUNT
} nf_field_t;

typedef enum {
        NF_DEDUP_NONE = 0, /* dedup did not run: `dedup` is null */
        NF_DEDUP_UNIQUE,
        NF_DEDUP_DUPLICATE,
        NF_DEDUP_NEAR_DUPLICATE,
} nf_dedup_status_t;

/* Where the record came from; borrowed strings, set by the stage. */
typedef struct nf_origin_s {
        const char *topic; /* NULL in file mode */
        int32_t partition; /* -1 in file mode */
        int64_t offset;    /* Kafka offset, or line number in file mode */
} nf_origin_t;

typedef struct nf_article_s {
        char *f[NF_F__COUNT]; /* owned; NULL when absent */
        json_t *extra;        /* unknown input fields, carried through; owned */
        int64_t word_count;   /* -1 until a processor counts words */

        struct {
                nf_dedup_status_t status;
                char *duplicate_of; /* owned; NULL when unique */
                double similarity;  /* 1.0 for exact, estimate for near */
        } dedup;

        json_t *tags;  /* {"countries":[..],...}; owned; NULL if tag did not run */
        json_t *notes; /* per-step notes written to meta; owned object */
        nf_origin_t origin;
} nf_article_t;

/* Limits applied by nf_article_decode(). */
typedef struct nf_decode_limits_s {
        size_t max_bytes; /* reject larger inputs; 0 = no limit */
        int max_depth;    /* max JSON nesting depth; 0 = no limit */
} nf_decode_limits_t;

/*
 * Decode one input record (article_decode.h: a yajl stream decoder for the
 * common record, jansson for everything else). On success returns a new article (caller frees
 * with nf_article_destroy()). On failure returns NULL, writes a short
 * machine-readable reason ("json_invalid", "not_object", "no_body",
 * "too_large", "field_type", "too_deep") into reason and a sentence naming the
 * problem (with jansson's own message and position where there is one) into
 * errstr.
 */
nf_article_t *nf_article_decode(const char *buf, size_t len,
                                const nf_decode_limits_t *limits, char *reason,
                                size_t reason_size, char *errstr,
                                size_t errstr_size);

/* A new empty article (for tests and benchmarks). Never NULL. */
nf_article_t *nf_article_new(void);

/* Frees the article and everything it owns. NULL is a no-op. */
void nf_article_destroy(nf_article_t *art);

/* Copies len bytes of s (NUL added) into field f, freeing the old value.
 * s == NULL clears the field. */
void nf_article_set(nf_article_t *art, nf_field_t f, const char *s,
                    size_t len);
/* Takes ownership of the malloc'd string s (may be NULL). */
void nf_article_take(nf_article_t *art, nf_field_t f, char *s);

static inline const char *nf_article_get(const nf_article_t *art,
                                         nf_field_t f)
{
        return art->f[f];
}

/* The body to work on: text if present, else NULL. */
const char *nf_article_text(const nf_article_t *art);

/* Adds (or replaces) meta notes[step] = note. Takes ownership of note. */
void nf_article_note(nf_article_t *art, const char *step, json_t *note);

/*
 * Makes sure the article has an id: the input's id, else "u" + 128-bit hash
 * of the canonical URL, else "t" + 128-bit hash of the current text. Called
 * after clean (dedup needs it) and at encode; stable across replays because
 * it depends only on the input and the clean text.
 */
const char *nf_article_ensure_id(nf_article_t *art);

/* Canonical form of a URL for identity: scheme and host lower-cased,
 * fragment dropped. Caller frees. */
char *nf_url_canonical(const char *url);

/* Output record metadata the stage supplies at encode time. */
typedef struct nf_encode_meta_s {
        const char *version;      /* newsflow version */
        const char *processed_at; /* RFC 3339 UTC */
} nf_encode_meta_t;

/*
 * Encodes the output record (compact JSON, one line, no trailing newline).
 * Returns a malloc'd buffer the caller frees with free(); *len is set.
 * Returns NULL only on allocation failure.
 */
char *nf_article_encode(nf_article_t *art, const nf_encode_meta_t *meta,
                        size_t *len);

/* Names of the fields, as they appear in JSON. */
extern const char *const nf_field_names[NF_F__COUNT];
const char *nf_dedup_status_name(nf_dedup_status_t s);

#endif
