/*
 * clean_text.h — turns normalised scraped text into the article: the line
 * classifier, removal of repeated copies of the body and of teasers, and
 * title/summary recovery. The clean processor (clean.c) runs it on the
 * output of nf_textnorm().
 *
 * The classifier works on lines (a line is one paragraph of scraped text)
 * and removes, each with a reason that meta.clean reports:
 *   - lines matching the boilerplate patterns (clean_rules.h). Two reasons
 *     act on more than their line: "comments" removes everything after it
 *     (once the body has started) and "related" removes the headline list
 *     that follows it;
 *   - link-like lines and menu lines (items between | • · › » separators,
 *     ALL-CAPS labels, runs of short capitalised words);
 *   - runs of short non-sentence lines before the first and after the last
 *     sentence of the body ("top_run", "bottom_run");
 *   - every later copy of a line (hashed with xxhash; the first copy is
 *     kept), truncated copies ("First words of a paragraph…"), and short
 *     labels that occur more than once;
 *   - the headline (recovered when the caller has no title) and teaser
 *     blocks: sentences that follow a repeated headline, sit outside the
 *     body, and only repeat the headline and the body's words. The first
 *     teaser becomes the summary.
 *
 * Lines are slices of the caller's text: no per-line allocation.
 * nf_clean_text() allocates its scratch (line table, hash tables, one PCRE2
 * match data block) per call, so one rules set serves any number of
 * threads.
 */
#ifndef NF_CLEAN_TEXT_H
#define NF_CLEAN_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "processors/clean_rules.h"

typedef enum {
        NF_CLEAN_OK = 0,
        NF_CLEAN_EMPTY,          /* nothing left: all boilerplate, or no text */
        NF_CLEAN_NO_ARTICLE,     /* a list of headlines/teasers, no article */
        NF_CLEAN_TOO_MANY_LINES, /* over opts.max_lines; nothing done */
} nf_clean_status_t;

typedef struct nf_clean_opts_s {
        size_t max_lines; /* reject inputs with more lines; 0 = no limit */
} nf_clean_opts_t;

typedef struct nf_clean_result_s {
        nf_clean_status_t status;
        char *text; /* kept paragraphs joined by "\n\n"; "" unless OK */
        size_t text_len;
        char *title;   /* recovered headline; NULL when none or hint given */
        char *summary; /* the teaser; NULL when none */
        int64_t word_count;
        uint32_t lines_in, paragraphs;
        uint32_t removed[NF_CLEAN_MAX_REASONS]; /* lines, by reason index */
        uint32_t repeated_blocks; /* runs of repeated lines removed */
        uint32_t pattern_limit_hits; /* pattern runs stopped by the PCRE2
                                        match/depth limit (as no match) */
} nf_clean_result_t;

/*
 * Cleans len bytes of norm, the output of nf_textnorm() (valid UTF-8,
 * lines trimmed). title_hint is the record's own title (normalised) or
 * NULL: when given, it is the title, and lines repeating it are removed.
 * Fills res (caller frees with nf_clean_result_fini()); res->status says
 * whether an article was found. Linear in len.
 */
void nf_clean_text(const nf_clean_rules_t *rules, const nf_clean_opts_t *opts,
                   const char *norm, size_t len, const char *title_hint,
                   nf_clean_result_t *res);

/*
 * The paragraph layout alone (the HTML path): every non-empty line of norm
 * becomes a paragraph, joined by "\n\n". Fills res->text, text_len,
 * paragraphs, word_count, lines_in; status is NF_CLEAN_EMPTY when no line
 * has a letter or digit.
 */
void nf_clean_paragraphs(const char *norm, size_t len, nf_clean_result_t *res);

/* Frees what res owns and zeroes it. */
void nf_clean_result_fini(nf_clean_result_t *res);

/* Words in s: space-separated tokens holding a letter or digit. */
int64_t nf_clean_word_count(const char *s, size_t len);

#endif
