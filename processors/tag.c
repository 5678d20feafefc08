/*
 * tag.c — the `tag` processor: fills `tags` (countries, organizations,
 * people, topics: canonical names, most salient first) and, when the input
 * has none, `lang`. Rules come from JSON rule files (tag.rules); the
 * matching is in tag_engine.c, the people finder in people.c, language
 * identification in langid.c.
 *
 * Where the shipped rules are found: tag.rules names files; a path (or a
 * file in the current directory) is used as it is, another bare file name is
 * looked up in tag.rules.dir, which by default is the first
 * existing of ./deploy/rules (running from the repository), the binary's
 * ../deploy/rules (build/newsflow run from elsewhere) and NF_TAG_RULES_DIR
 * (compile-time, /usr/share/newsflow/rules: where the Docker image and
 * packages install them).
 *
 * Thread safety: process() may run on several threads at once (the engine
 * pools its scratch space; langid serialises its own calls).
 */
#include "processors/processor.h"

#include <ctype.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "processors/langid.h"
#include "processors/tag_engine.h"

#ifndef NF_TAG_RULES_DIR
#define NF_TAG_RULES_DIR "/usr/share/newsflow/rules"
#endif

#define DEFAULT_RULES "countries.json,organizations.json,people.json,topics.json"

static const nf_conf_key_t tag_conf_keys[] = {
    {"tag.rules", NF_CONF_LIST, DEFAULT_RULES, NULL, 0, 0,
     "Rule files, in order (a bare name is looked up in tag.rules.dir). "
     "Later files may extend entries of earlier ones."},
    {"tag.rules.extra", NF_CONF_LIST, NULL, NULL, 0, 0,
     "More rule files loaded after tag.rules (your own lists)."},
    {"tag.rules.dir", NF_CONF_STRING, NULL, NULL, 0, 0,
     "Directory of the shipped rules; default: ./deploy/rules, the "
     "binary's ../deploy/rules, then " NF_TAG_RULES_DIR "."},
    {"tag.lang.detect", NF_CONF_BOOL, "true", NULL, 0, 0,
     "Identify the language (libexttextcat) when the input has no lang."},
    {"tag.lang.bytes", NF_CONF_INT, "1000", NULL, 50, 1000000,
     "Bytes of text the language identifier reads."},
    {"tag.lang.conf", NF_CONF_STRING, NULL, NULL, 0, 0,
     "libexttextcat model list (fpdb.conf format; fewer languages is "
     "faster); default /usr/share/libexttextcat/fpdb.conf."},
    {"tag.match.limit", NF_CONF_INT, "100000", NULL, 1, 1000000000,
     "PCRE2 match limit per pattern run; a rule that hits it is skipped "
     "for that document and counted."},
    {"tag.depth.limit", NF_CONF_INT, "10000", NULL, 1, 1000000000,
     "PCRE2 depth limit per pattern run (interpreter; JIT uses its own "
     "stack limit, counted the same way)."},
    {"tag.limit.action", NF_CONF_ENUM, "reject", "reject,skip", 0, 0,
     "When a rule's pattern hits tag.match.limit / tag.depth.limit: reject "
     "the record (to the DLQ, reason regex_limit, naming the rule), or skip "
     "the rule for that record and tag it with the others (counted in "
     "stats)."},
    {"tag.title.bonus", NF_CONF_DOUBLE, "2.0", NULL, 0, 100,
     "Extra weight of a mention in the title (counts 1 + bonus)."},
    {"tag.lead.bonus", NF_CONF_DOUBLE, "0.5", NULL, 0, 100,
     "Extra weight of a mention in the lead (counts 1 + bonus)."},
    {"tag.lead.bytes", NF_CONF_INT, "400", NULL, 0, 100000,
     "Size of the lead: the first bytes of the body."},
    {"tag.max", NF_CONF_INT, "10", NULL, 1, 1000,
     "Most tags per category (unless the category sets max)."},
    {"tag.stats.top", NF_CONF_INT, "20", NULL, 0, 10000,
     "How many of the most frequent rules stats report."},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

typedef struct tag_s {
        nf_tag_engine_t *eng;
        nf_langid_t *li; /* NULL when tag.lang.detect=false */
        size_t lang_bytes;
        int stats_top;
        int limit_reject; /* tag.limit.action=reject */
        uint32_t match_limit, depth_limit;
        atomic_uint_fast64_t lang_detected, lang_unknown;
} tag_t;

static int is_dir(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The default rules directory (see the file comment). */
static void default_rules_dir(char *out, size_t out_size)
{
        if (is_dir("deploy/rules")) {
                snprintf(out, out_size, "deploy/rules");
                return;
        }
        char exe[PATH_MAX - 32];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                exe[n] = '\0';
                char *slash = strrchr(exe, '/');
                if (slash) {
                        *slash = '\0';
                        snprintf(out, out_size, "%s/../deploy/rules", exe);
                        if (is_dir(out)) {
                                return;
                        }
                }
        }
        snprintf(out, out_size, "%s", NF_TAG_RULES_DIR);
}

/* Appends the files of a comma list to paths: a name with a '/' or naming
 * a file in the current directory is taken as it is, a bare name of the
 * shipped set is looked up in dir. */
static void add_paths(const char *list, const char *dir, char ***paths,
                      size_t *n)
{
        if (!list) {
                return;
        }
        char *copy = strdup(list);
        char *save = NULL;
        if (!copy) {
                abort();
        }
        for (char *f = strtok_r(copy, ",", &save); f;
             f = strtok_r(NULL, ",", &save)) {
                while (isspace((unsigned char)*f)) {
                        f++;
                }
                if (!*f) {
                        continue;
                }
                char *p;
                struct stat st;
                if (strchr(f, '/') ||
                    (stat(f, &st) == 0 && S_ISREG(st.st_mode))) {
                        p = strdup(f); /* a path, or a file here */
                } else if (asprintf(&p, "%s/%s", dir, f) < 0) {
                        p = NULL;
                }
                if (!p) {
                        abort();
                }
                *paths = realloc(*paths, (*n + 1) * sizeof(char *));
                if (!*paths) {
                        abort();
                }
                (*paths)[(*n)++] = p;
        }
        free(copy);
}

static void tag_destroy(void *self)
{
        tag_t *t = self;
        if (!t) {
                return;
        }
        nf_tag_engine_destroy(t->eng);
        nf_langid_destroy(t->li);
        free(t);
}

static void *tag_create(const nf_conf_t *conf, char *errstr,
                        size_t errstr_size)
{
        char dir[PATH_MAX];
        const char *d = nf_conf_get(conf, "tag.rules.dir");
        if (d && *d) {
                snprintf(dir, sizeof(dir), "%s", d);
        } else {
                default_rules_dir(dir, sizeof(dir));
        }
        const char *rules_list = nf_conf_get(conf, "tag.rules");
        char **paths = NULL;
        size_t npaths = 0;
        add_paths(rules_list ? rules_list : DEFAULT_RULES, dir, &paths,
                  &npaths);
        add_paths(nf_conf_get(conf, "tag.rules.extra"), dir, &paths, &npaths);
        nf_tag_limits_t lim = {
            .match_limit =
                (uint32_t)nf_conf_get_int(conf, "tag.match.limit", 100000),
            .depth_limit =
                (uint32_t)nf_conf_get_int(conf, "tag.depth.limit", 10000),
        };
        nf_tag_rules_t *rules = nf_tag_rules_load(
            (const char *const *)paths, npaths, &lim, errstr, errstr_size);
        for (size_t i = 0; i < npaths; i++) {
                free(paths[i]);
        }
        free(paths);
        if (!rules) {
                return NULL;
        }
        nf_tag_settings_t set = {
            .title_bonus = nf_conf_get_double(conf, "tag.title.bonus", 2.0),
            .lead_bonus = nf_conf_get_double(conf, "tag.lead.bonus", 0.5),
            .lead_bytes = (size_t)nf_conf_get_int(conf, "tag.lead.bytes", 400),
            .max_tags = (int)nf_conf_get_int(conf, "tag.max", 10),
        };
        tag_t *t = calloc(1, sizeof(*t));
        if (!t) {
                abort();
        }
        t->eng = nf_tag_engine_new(rules, &set); /* rules now owned by eng */
        const char *action = nf_conf_get(conf, "tag.limit.action");
        t->limit_reject = !action || strcmp(action, "skip") != 0;
        t->match_limit = lim.match_limit;
        t->depth_limit = lim.depth_limit;
        t->lang_bytes = (size_t)nf_conf_get_int(conf, "tag.lang.bytes", 1000);
        t->stats_top = (int)nf_conf_get_int(conf, "tag.stats.top", 20);
        if (nf_conf_get_bool(conf, "tag.lang.detect", 1)) {
                t->li = nf_langid_new(nf_conf_get(conf, "tag.lang.conf"), NULL,
                                      errstr, errstr_size);
                if (!t->li) {
                        tag_destroy(t);
                        return NULL;
                }
        }
        return t;
}

/* "en-GB" / "EN" -> "en" for choosing language-specific rules. */
static void primary_lang(const char *lang, char *out, size_t out_size)
{
        size_t i = 0;
        while (lang[i] && lang[i] != '-' && lang[i] != '_' &&
               i + 1 < out_size) {
                out[i] = (char)tolower((unsigned char)lang[i]);
                i++;
        }
        out[i] = '\0';
}

static void tag_process(void *self, nf_article_t *art, nf_outcome_t *out)
{
        tag_t *t = self;
        const char *title = nf_article_get(art, NF_F_TITLE);
        const char *text = nf_article_text(art);
        const char *lang = nf_article_get(art, NF_F_LANG);
        char code[16] = "";
        if ((!lang || !*lang) && t->li) {
                const char *sample = text && *text ? text : title;
                if (sample && nf_langid_detect(t->li, sample, strlen(sample),
                                               t->lang_bytes, code,
                                               sizeof(code)) == 0) {
                        nf_article_set(art, NF_F_LANG, code, strlen(code));
                        atomic_fetch_add_explicit(&t->lang_detected, 1,
                                                  memory_order_relaxed);
                } else {
                        atomic_fetch_add_explicit(&t->lang_unknown, 1,
                                                  memory_order_relaxed);
                }
                lang = nf_article_get(art, NF_F_LANG);
        }
        if (lang && *lang) {
                primary_lang(lang, code, sizeof(code));
        }
        nf_tag_call_t call = {.deadline_ns = out->deadline_ns};
        json_t *tags = nf_tag_engine_tag_call(t->eng, title, text,
                                              code[0] ? code : NULL, 0, &call);
        if (call.timed_out) {
                json_decref(tags);
                nf_outcome_reject(out, "timeout",
                                  "tagging ran past the record's deadline "
                                  "(record.timeout.ms)");
                return;
        }
        if (call.limit_hits && t->limit_reject) {
                json_decref(tags);
                nf_outcome_reject(
                    out, "regex_limit",
                    "rule \"%.100s\": pattern '%.120s' stopped at the PCRE2 "
                    "limits (tag.match.limit=%u, tag.depth.limit=%u; %u "
                    "runs); tag.limit.action=skip tags without it",
                    call.limit_entry, call.limit_pattern, t->match_limit,
                    t->depth_limit, call.limit_hits);
                return;
        }
        json_decref(art->tags);
        art->tags = tags; /* the article owns the new reference */
}

static json_t *tag_stats(void *self)
{
        tag_t *t = self;
        json_t *st = nf_tag_engine_stats(t->eng, t->stats_top);
        json_object_set_new(
            st, "lang_detected",
            json_integer((json_int_t)atomic_load(&t->lang_detected)));
        json_object_set_new(
            st, "lang_unknown",
            json_integer((json_int_t)atomic_load(&t->lang_unknown)));
        return st;
}

const nf_processor_t nf_processor_tag = {
    .abi = NF_PROCESSOR_ABI,
    .name = "tag",
    .description = "tags countries, organisations, people and IPTC topics "
                   "with PCRE2/word rules; identifies the language",
    .conf_keys = tag_conf_keys,
    .create = tag_create,
    .process = tag_process,
    .destroy = tag_destroy,
    .stats = tag_stats,
};
