/*
 * html_extract.h — main-content extraction from a crawled HTML page.
 *
 * Parses the page with libxml2's HTML parser, drops non-content, scores
 * blocks and keeps the article: headings, paragraphs, lists and block quotes
 * that belong to it. Also recovers the page's metadata. Used by the clean
 * processor for records that carry `html`; Unicode normalisation and the
 * paragraph layout rules common to both paths are applied by clean afterwards.
 */
#ifndef NF_HTML_EXTRACT_H
#define NF_HTML_EXTRACT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nf_html_opts_s {
        int max_depth;      /* reject pages nested deeper; 0 = default (512) */
        int max_paragraphs; /* reject pages with more blocks; 0 = default */
        uint64_t deadline_ns; /* stop ("timeout") after this CLOCK_MONOTONIC
                                 time (nf_now_ns()); 0 = none */
} nf_html_opts_t;

/* The result; every string is malloc'd UTF-8 or NULL when not found. */
typedef struct nf_html_doc_s {
        char *text; /* main content, blocks separated by "\n\n"; NULL or ""
                       when the page holds no article */
        char *title;
        char *published_at;
        char *url; /* canonical / og:url */
        char *lang; /* <html lang>, as given (e.g. "en-GB") */
        char *summary; /* meta description / og:description */
        json_t *notes; /* what was removed and why (counts); owned object */
} nf_html_doc_t;

/*
 * Extracts the article from len bytes of html into doc (which the caller
 * zero-initialises and later frees with nf_html_doc_fini()). Returns 0 on
 * success, even when no article was found (doc->text NULL or empty), or -1
 * when the input cannot be handled: then reason is a short machine reason
 * ("html_binary", "html_too_deep", "html_too_many_blocks", "html_parse",
 * "timeout") and
 * errstr a sentence. Linear in the input size.
 */
int nf_html_extract(const char *html, size_t len, const nf_html_opts_t *opts,
                    nf_html_doc_t *doc, char *reason, size_t reason_size,
                    char *errstr, size_t errstr_size);

/* Frees everything doc owns and zeroes it. */
void nf_html_doc_fini(nf_html_doc_t *doc);

#endif
