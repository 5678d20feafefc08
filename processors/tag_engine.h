/*
 * tag_engine.h — runs a compiled rule set over one document: word-level
 * alias lookup, PCRE2 patterns and vetoes under match limits, the people
 * finder, and salience scoring. Produces the `tags` object of the record.
 *
 * How aliases are found (and why): the document is tokenized once; each
 * token's folded-word hash is looked up in a table of alias first words, and
 * only the aliases found there are confirmed word by word (folded bytes,
 * separators, case rule, language) and then against their vetoes. The cost
 * per token is one hash probe whatever the number of aliases, where one big
 * PCRE2 alternation grows linearly with the alias count and stops compiling
 * near 6,800 aliases (DESIGN.md). bench/bench_tag.c measures both.
 *
 * A slot of that table also keeps a 63-bit filter of the second words of
 * its aliases, so a frequent first word ("the", "world") followed by none
 * of them costs one probe. Regex runs (vetoes, patterns) are skipped when
 * the text they would see lacks a literal every match consumes (read from
 * the pattern at load, see nf_tag_regex_t.req): on news most veto windows
 * lack them, and a run costs ~2.5k instructions of JIT with UCP \b and \s.
 *
 * Within one category layer (entities, topics) matches are leftmost-longest
 * and do not overlap: "Papua New Guinea" hides "Guinea", "New Jersey" in a
 * stop list hides "Jersey".
 *
 * Thread safety: nf_tag_engine_tag() may be called from many threads at
 * once; each call takes its own scratch space from a mutex-protected pool,
 * and counters are atomic.
 */
#ifndef NF_TAG_ENGINE_H
#define NF_TAG_ENGINE_H

#include <jansson.h>
#include <stddef.h>

#include "processors/tag_rules.h"

typedef struct nf_tag_settings_s {
        double title_bonus; /* a title mention counts 1 + title_bonus */
        double lead_bonus;  /* a lead mention counts 1 + lead_bonus */
        size_t lead_bytes;  /* the lead: this many bytes of the body */
        int max_tags;       /* per category, unless the category says */
} nf_tag_settings_t;

typedef struct nf_tag_engine_s nf_tag_engine_t;

/*
 * A new engine over rules (takes ownership: rules are freed by
 * nf_tag_engine_destroy()). settings is copied; NULL = defaults
 * (title 2.0, lead 0.5 over 400 bytes, 10 tags). Never NULL.
 */
nf_tag_engine_t *nf_tag_engine_new(nf_tag_rules_t *rules,
                                   const nf_tag_settings_t *settings);
void nf_tag_engine_destroy(nf_tag_engine_t *eng); /* NULL is a no-op */

const nf_tag_rules_t *nf_tag_engine_rules(const nf_tag_engine_t *eng);

/*
 * Tags one document. title and text may be NULL; both are valid UTF-8
 * (borrowed for the call). lang (ISO 639-1, may be NULL = unknown) selects
 * language-specific rules. Returns a new JSON object with one array per
 * category ({"countries": [...], "organizations": [...], "people": [...],
 * "topics": [...]}, canonical names, most salient first); with with_scores,
 * each element is [name, score] instead, and with_scores == 2 also lists
 * what thresholds and limits would drop (for evaluation). Caller owns the
 * reference.
 */
json_t *nf_tag_engine_tag(nf_tag_engine_t *eng, const char *title,
                          const char *text, const char *lang, int with_scores);

/* Per-call limits and what hit them (nf_tag_engine_tag_call()). */
typedef struct nf_tag_call_s {
        uint64_t deadline_ns; /* in: CLOCK_MONOTONIC ns (nf_now_ns()) after
                                 which matching stops; 0 = none */
        int timed_out;        /* out: the deadline stopped the matching */
        uint32_t limit_hits;  /* out: regex runs stopped at the match or
                                 depth limit (each skips its rule) */
        const char *limit_entry;   /* out: the first such rule's entry name
                                      and pattern; borrowed from the rules */
        const char *limit_pattern;
} nf_tag_call_t;

/* nf_tag_engine_tag() that also reports to call (may be NULL): on a
 * timeout the tags are partial and the caller should discard them. */
json_t *nf_tag_engine_tag_call(nf_tag_engine_t *eng, const char *title,
                               const char *text, const char *lang,
                               int with_scores, nf_tag_call_t *call);

/* Counters as a new JSON object: documents, hits per category, regexes that
 * hit their match limit, and the top_n entries by documents tagged. */
json_t *nf_tag_engine_stats(nf_tag_engine_t *eng, int top_n);

/* Total regex runs that stopped at the match/depth limit. */
uint64_t nf_tag_engine_limit_hits(const nf_tag_engine_t *eng);

#endif
