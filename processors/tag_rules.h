/*
 * tag_rules.h — the tag processor's rule set: categories, entries, literal
 * aliases and PCRE2 patterns loaded from JSON rule files (format in
 * deploy/rules/README.md), compiled once at start-up and then read-only.
 *
 * It also owns the lexical definitions the matcher and the loader share: what
 * a word is (a run of Unicode letters, marks and digits), how a word is
 * case-folded (utf8proc simple lower-case mapping) and hashed (XXH3), and how
 * the characters between two words are normalised (whitespace -> ' ',
 * hyphens -> '-', apostrophes -> '\''). An alias is stored as the words and
 * separators this tokenizer finds in it, so text and aliases are cut the
 * same way.
 *
 * Thread safety: a compiled nf_tag_rules_t is immutable except for its
 * counters, which are atomic; it may be shared by any number of threads.
 */
#ifndef NF_TAG_RULES_H
#define NF_TAG_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* ---- tokenizer ---------------------------------------------------------- */

#define NF_TAG_TOK_CAP 0x01   /* first character is upper/title case */
#define NF_TAG_TOK_UPPER 0x02 /* has letters, none of them lower case */
#define NF_TAG_TOK_LOWER 0x04 /* has a lower-case letter */
#define NF_TAG_TOK_DIGIT 0x08 /* has a digit */

typedef struct nf_tag_token_s {
        uint32_t start, end;       /* byte offsets of the word in the text */
        uint32_t fold_off, fold_len; /* its folded form in tokens->fold */
        uint64_t hash;             /* XXH3 of the folded form */
        uint32_t flags;            /* NF_TAG_TOK_* */
} nf_tag_token_t;

/* A growable token list plus the buffer that holds the folded words. Reused
 * across calls by one thread; init with {0}, free with
 * nf_tag_tokens_fini(). */
typedef struct nf_tag_tokens_s {
        nf_tag_token_t *v;
        size_t n, cap;
        char *fold;
        size_t fold_len, fold_cap;
} nf_tag_tokens_t;

/* Cuts s[0..len) (valid UTF-8) into words, replacing the list's content.
 * Never fails (aborts on out of memory). */
void nf_tag_tokenize(const char *s, size_t len, nf_tag_tokens_t *toks);
void nf_tag_tokens_fini(nf_tag_tokens_t *toks);

/* Writes the normalised form of the separator s[0..len) into out (at most
 * out_size-1 bytes, NUL-terminated) and returns its length. */
size_t nf_tag_sep_normalise(const char *s, size_t len, char *out,
                            size_t out_size);

/* XXH3 hash used for folded words. */
uint64_t nf_tag_hash(const char *s, size_t len);

/* ---- the rule set ------------------------------------------------------- */

typedef enum {
        NF_TAG_KIND_ENTITY = 0, /* named things: countries, organisations */
        NF_TAG_KIND_TOPIC,      /* subjects: keyword evidence, thresholds */
        NF_TAG_KIND_PEOPLE,     /* people: user lists + the context finder */
} nf_tag_kind_t;

typedef enum {
        NF_TAG_CASE_PROPER = 0, /* letters upper case in the alias must be
                                   upper case in the text ("US" != "us",
                                   "Turkey" != "turkey", "TURKEY" ok) */
        NF_TAG_CASE_EXACT,      /* byte-exact */
        NF_TAG_CASE_IGNORE,     /* any case */
} nf_tag_case_t;

typedef struct nf_tag_category_s {
        char *name;
        nf_tag_kind_t kind;
        double threshold; /* a tag needs score >= threshold */
        double min_share; /* ... and >= min_share * the best score */
        int max;          /* at most this many tags; 0 = tag.max */
        int layer;        /* categories of one layer compete for words */
} nf_tag_category_t;

#define NF_TAG_MAX_REQ 4

/* A PCRE2 pattern with where it came from (for errors and stats). */
typedef struct nf_tag_regex_s {
        pcre2_code *code;
        char *src;
        /* What every match consumes, by a simple reading of src (see
         * required_literals() in tag_rules.c): up to NF_TAG_MAX_REQ
         * requirements, each a run of letters/digits ("Columbia") or
         * alternatives of such runs one of which is required
         * ("fire|fired|firing"); spans of src. A subject lacking one
         * cannot match, so the engine skips the run (nreq == 0: always
         * run). */
        struct {
                const char *s;
                size_t len;
                int alts; /* has '|' */
        } req[NF_TAG_MAX_REQ];
        int nreq;
        double weight; /* positive patterns only */
        int entry;
        atomic_uint_fast64_t hits, limit_hits;
} nf_tag_regex_t;

/* One word of an alias. */
typedef struct nf_tag_word_s {
        uint64_t hash;
        char *fold; /* folded word (NUL-terminated) */
        char *orig; /* the word as written in the alias */
        uint32_t fold_len, orig_len;
        char *sep; /* normalised separator to the next word; "" for last */
} nf_tag_word_t;

typedef struct nf_tag_alias_s {
        int entry;
        nf_tag_case_t case_mode;
        double weight;
        int nwords;
        nf_tag_word_t *words;
        char *lead, *trail; /* punctuation the alias starts/ends with */
        int abbrev;         /* has '.' between words (U.S.) */
        int has_upper;      /* the case rule needs checking (see case_ok) */
        int simple;         /* one word, nothing but the word to compare
                               (set for aliases and people cues) */
        int layer;          /* its category's layer (set when indexed) */
        char *lang;         /* NULL = entry's language */
        char *text;         /* as written, for messages */
} nf_tag_alias_t;

/* A topic (or entity) that a mention of this entry adds evidence to. */
typedef struct nf_tag_implies_s {
        char *name; /* entry name, resolved to `entry` after loading */
        int entry;
        double weight;
} nf_tag_implies_t;

typedef struct nf_tag_entry_s {
        char *name; /* canonical name: what ends up in the tags */
        char *id;   /* ISO code, Wikidata id, IPTC qcode; may be NULL */
        int category;
        double weight;
        char *lang; /* ISO 639-1, NULL = any language */
        char *file; /* rule file, for messages */
        nf_tag_regex_t *patterns;
        size_t npatterns;
        nf_tag_regex_t *veto; /* vetoes a mention that a match overlaps */
        size_t nveto;
        nf_tag_regex_t veto_all; /* all vetoes as one alternation (nveto>1) */
        nf_tag_regex_t *veto_doc; /* vetoes the entry for the whole doc */
        size_t nveto_doc;
        nf_tag_implies_t *implies;
        size_t nimplies;
        atomic_uint_fast64_t hits; /* documents tagged with this entry */
} nf_tag_entry_t;

/* What a people-finder cue is (stored in nf_tag_alias_t.entry). */
typedef enum {
        NF_TAG_CUE_ROLE = 0,  /* "foreign minister" NAME */
        NF_TAG_CUE_HONORIFIC, /* "Mr" NAME (case exact, may be 1 word) */
        NF_TAG_CUE_VERB,      /* NAME "said" / "said" NAME */
        NF_TAG_CUE_BEFORE,    /* "according to" NAME */
} nf_tag_cue_t;

#define NF_TAG_PARTICLE 1
#define NF_TAG_NOT_NAME 2
#define NF_TAG_ORG_WORD 4

/* Settings of the people finder (the "people" section of a rule file). */
typedef struct nf_tag_people_conf_s {
        int enabled;
        int category;         /* index of the people category */
        nf_tag_alias_t *cues; /* .entry is an nf_tag_cue_t */
        size_t ncues;
        uint64_t *cue_first; /* cue_first[i]: first-word hash of cues[i];
                                cues are sorted by it */
        size_t ncue_first;
        uint64_t cue_bloom[64]; /* 4096-bit filter over cue_first */
        uint32_t *cue_slots;    /* open addressing on the first-word hash:
                                   1 + the first cue with it, 0 = empty */
        size_t ncue_slots;      /* a power of two > 2 x ncues */
        /* single-word sets, sorted folded-word hashes */
        uint64_t *particles, *not_names, *org_words;
        size_t nparticles, nnot_names, norg_words;
        /* the three sets as one open-addressing table on the hash: kinds
         * NF_TAG_PARTICLE | NF_TAG_NOT_NAME | NF_TAG_ORG_WORD, 0 = empty
         * slot; word_mask + 1 slots */
        uint64_t *word_keys;
        uint8_t *word_kinds;
        size_t word_mask;
} nf_tag_people_conf_t;

/* First-word hash table: hash -> run of alias indices (longest first). */
typedef struct nf_tag_index_slot_s {
        uint64_t hash;
        uint32_t first, count; /* into nf_tag_rules_t.index_aliases */
        /* bit (second-word hash % 63) of every alias of two words or more,
         * and bit 63 when one has one word: a token whose next word's bit
         * is not here, and no one-word alias, matches none of the run */
        uint64_t next_bloom;
} nf_tag_index_slot_t;

#define NF_TAG_NEXT_BIT(h) (1ull << ((h) % 63))
#define NF_TAG_ONE_WORD (1ull << 63)

typedef struct nf_tag_rules_s {
        nf_tag_category_t *categories;
        size_t ncategories;
        nf_tag_entry_t *entries;
        size_t nentries;
        nf_tag_alias_t *aliases;
        size_t naliases;
        nf_tag_index_slot_t *slots; /* open addressing, size nslots (2^k) */
        size_t nslots;
        uint32_t *index_aliases;
        uint64_t *index_next; /* per index_aliases[i]: the hash of the
                                 alias's second word, 0 for one word */
        int max_words; /* longest alias, in words */
        nf_tag_people_conf_t people;
        pcre2_match_context *mctx; /* match/depth limits; read-only */
        int has_patterns;          /* some entry has positive patterns */
        atomic_uint_fast64_t limit_hits; /* total, all regexes */
} nf_tag_rules_t;

typedef struct nf_tag_limits_s {
        uint32_t match_limit; /* pcre2_set_match_limit */
        uint32_t depth_limit; /* pcre2_set_depth_limit */
} nf_tag_limits_t;

/*
 * Loads and compiles the rule files (paths borrowed for the call). Every
 * pattern is compiled with UTF|UCP and JIT-compiled; aliases are tokenized
 * and indexed. Returns a new rule set (caller frees with
 * nf_tag_rules_destroy()), or NULL with errstr set, naming the place:
 *   "FILE: line L: jansson message" for JSON errors,
 *   "FILE:ENTRY:PATTERN: PCRE2 message at offset N" for patterns,
 *   "FILE:ENTRY: message" for other mistakes.
 */
nf_tag_rules_t *nf_tag_rules_load(const char *const *paths, size_t npaths,
                                  const nf_tag_limits_t *limits, char *errstr,
                                  size_t errstr_size);

/* Frees the rule set. NULL is a no-op. */
void nf_tag_rules_destroy(nf_tag_rules_t *rules);

/* Index of the category named name, or -1. */
int nf_tag_rules_category(const nf_tag_rules_t *rules, const char *name);

/* The aliases whose first word has hash h: *n is set, NULL when none. */
const uint32_t *nf_tag_rules_lookup(const nf_tag_rules_t *rules, uint64_t h,
                                    size_t *n);

/*
 * Whether alias a matches the tokens starting at toks->v[i] of buf (the
 * text the tokens were cut from, len bytes): same folded words, same
 * normalised separators, the case rule, the alias's leading/trailing
 * punctuation, and for abbreviations ("U.S.") no continuation ("U.S.A.").
 */
int nf_tag_alias_match(const nf_tag_alias_t *a, const char *buf, size_t len,
                       const nf_tag_tokens_t *toks, size_t i);

/* Whether h is in a sorted hash set. */
int nf_tag_hashset_has(const uint64_t *set, size_t n, uint64_t h);

#endif
