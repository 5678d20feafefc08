/*
 * clean_rules.h — the boilerplate line patterns of the clean processor: the
 * shipped file deploy/rules/boilerplate.txt (built into the binary) plus an
 * optional user file of the same format, compiled once with PCRE2 (UTF,
 * UCP, JIT) and matched against single lines of text.
 *
 * File format (the shipped file's header says the same, for users):
 *   - one pattern per line; it must match the WHOLE line (anchored at both
 *     ends); '#' comment lines and blank lines are skipped;
 *   - "@reason NAME" names the reason reported for the patterns after it;
 *   - "@if WORD..." before a pattern: tried only on lines holding one of the
 *     words (ASCII case ignored), and then on lines of any length; patterns
 *     without it are tried on lines of at most NF_CLEAN_SHORT_WORDS words.
 *
 * Speed: the patterns without "@if" are joined into JIT alternations, one
 * per possible first byte of a line (only the patterns that can start with
 * that byte), so a line costs one JIT call over a handful of branches. The
 * few patterns that can start with nearly any byte form one more
 * alternation, tried on every line, rather than a copy in each.
 *
 * The rules are read-only once built and may be shared by threads; each
 * thread matches with its own nf_clean_match_t.
 */
#ifndef NF_CLEAN_RULES_H
#define NF_CLEAN_RULES_H

#include <stddef.h>
#include <stdint.h>

/* Most reasons a rules set can name (structural ones plus @reason labels). */
#define NF_CLEAN_MAX_REASONS 64

/* Lines longer than this (bytes) are never tested against the patterns: a
 * body paragraph is not boilerplate because it mentions cookies. */
#define NF_CLEAN_PATTERN_MAX_LINE 400

/* Lines of more words are tested only against patterns with "@if" words. */
#define NF_CLEAN_SHORT_WORDS 24

/*
 * The reasons the line classifier (clean_text.c) reports itself. Every
 * rules set names them first, in this order; a "@reason" label with one of
 * these names shares its index ("related" and "comments" patterns thereby
 * also start the classifier's related-block and comment-cut rules).
 */
enum {
        NF_CLEAN_R_KEEP = 0,
        NF_CLEAN_R_TOP,
        NF_CLEAN_R_BOTTOM,
        NF_CLEAN_R_MENU,
        NF_CLEAN_R_LINK,
        NF_CLEAN_R_REPEATED,
        NF_CLEAN_R_TRUNCATED,
        NF_CLEAN_R_TITLE,
        NF_CLEAN_R_TEASER,
        NF_CLEAN_R_RELATED,
        NF_CLEAN_R_COMMENTS,
        NF_CLEAN_R_PATTERN, /* patterns before any "@reason" line */
        NF_CLEAN_R__FIXED
};

typedef struct nf_clean_rules_s nf_clean_rules_t;
typedef struct nf_clean_match_s nf_clean_match_t;

/*
 * Compiles the shipped patterns, plus the patterns of the file at path when
 * path is not NULL or "". Returns the rules (caller frees with
 * nf_clean_rules_destroy()), or NULL with errstr set, e.g.
 * "extra.txt:12: pattern 'U.S.(': missing closing parenthesis at offset 5".
 */
nf_clean_rules_t *nf_clean_rules_new(const char *path, char *errstr,
                                     size_t errstr_size);
void nf_clean_rules_destroy(nf_clean_rules_t *rules); /* NULL is a no-op */

/* Number of patterns compiled (shipped + user). */
size_t nf_clean_rules_count(const nf_clean_rules_t *rules);
/* Number of reasons, and the name of reason i (0 is "kept"); NULL when out
 * of range. Borrowed, valid until the rules are destroyed. */
int nf_clean_reason_count(const nf_clean_rules_t *rules);
const char *nf_clean_reason_name(const nf_clean_rules_t *rules, int i);

/* Sets the PCRE2 match and depth limits of every pattern run (defaults
 * 1000000 and 10000). Call before the rules are shared. */
void nf_clean_rules_set_limits(nf_clean_rules_t *rules, uint32_t match_limit,
                               uint32_t depth_limit);

/* Per-thread match scratch (PCRE2 match data). Caller frees with
 * nf_clean_match_destroy(); NULL is a no-op. Never NULL: aborts on OOM. */
nf_clean_match_t *nf_clean_match_new(void);
void nf_clean_match_destroy(nf_clean_match_t *m);

/*
 * The reason index of the first pattern (in file order) matching the whole
 * of line (len bytes, valid UTF-8, no line break, not starting with a
 * space), or -1. words is the line's number of space-separated words.
 */
int nf_clean_rules_reason(const nf_clean_rules_t *rules, nf_clean_match_t *m,
                          const char *line, size_t len, size_t words);

/* Pattern runs through m that stopped at the match/depth limit (they
 * count as no match). */
uint32_t nf_clean_match_limit_hits(const nf_clean_match_t *m);

/* The same, by name, for tests and tools: NULL when nothing matches. */
const char *nf_clean_rules_match(const nf_clean_rules_t *rules,
                                 const char *line, size_t len);

#endif
