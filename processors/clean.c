/*
 * clean.c — the clean processor: turns a scraped record (text or html) into
 * the article and nothing else.
 *
 *   html present  -> nf_html_extract() picks the main content and the page's
 *                    metadata; the text is then normalised (textnorm.h) and
 *                    laid out one paragraph per line. A page with no article
 *                    falls back to the record's text when it has one.
 *   text          -> nf_textnorm() (with HTML entities decoded), then the
 *                    line classifier of clean_text.h: boilerplate, repeated
 *                    copies, teasers, title and summary recovery.
 *
 * A record with nothing left, with no article, or over the limits is
 * rejected with a reason (it goes to the DLQ), never passed on empty.
 * meta.clean says what was removed and why.
 *
 * Thread-safe: the state (compiled patterns, limits) is read-only after
 * create(); every call allocates its own scratch, including its PCRE2 match
 * data, which costs one small malloc per record.
 */
#include "processors/processor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processors/clean_text.h"
#include "processors/html_extract.h"
#include "processors/textnorm.h"

static const nf_conf_key_t clean_keys[] = {
    {"clean.patterns.file", NF_CONF_STRING, NULL, NULL, 0, 0,
     "file of extra boilerplate line patterns (PCRE2, one per line, '#' "
     "comments, '@reason NAME'), added to the shipped "
     "deploy/rules/boilerplate.txt"},
    {"clean.max.text.bytes", NF_CONF_INT, "1048576", NULL, 1, 1e9,
     "reject a record whose clean text is longer (reason text_too_long)"},
    {"clean.max.paragraphs", NF_CONF_INT, "20000", NULL, 1, 1e8,
     "reject a record with more lines of text or blocks of html (reason "
     "too_many_paragraphs / html_too_many_blocks)"},
    {"clean.html.max.depth", NF_CONF_INT, "512", NULL, 1, 1e6,
     "reject html nested deeper (reason html_too_deep)"},
    {"clean.match.limit", NF_CONF_INT, "1000000", NULL, 1, 1e9,
     "PCRE2 match limit per boilerplate pattern run; a record on which a "
     "pattern hits it is rejected (reason pattern_limit)"},
    {"clean.depth.limit", NF_CONF_INT, "10000", NULL, 1, 1e9,
     "PCRE2 depth limit per boilerplate pattern run (interpreter; JIT "
     "patterns are bounded by their stack), same reason"},
    {"clean.min.words", NF_CONF_INT, "1", NULL, 0, 1e6,
     "reject a record with fewer words left after cleaning (reason "
     "too_short); 1 rejects only records with nothing left (reason empty)"},
    {NULL, 0, NULL, NULL, 0, 0, NULL},
};

typedef struct clean_s {
        nf_clean_rules_t *rules;
        nf_clean_opts_t opts;
        nf_html_opts_t html_opts;
        size_t max_text_bytes;
        int64_t min_words;
        uint32_t match_limit, depth_limit;
} clean_t;

static void clean_destroy(void *self)
{
        clean_t *cl = self;
        if (!cl) {
                return;
        }
        nf_clean_rules_destroy(cl->rules);
        free(cl);
}

static void *clean_create(const nf_conf_t *conf, char *errstr,
                          size_t errstr_size)
{
        clean_t *cl = calloc(1, sizeof(*cl));
        if (!cl) {
                abort();
        }
        cl->rules = nf_clean_rules_new(nf_conf_get(conf, "clean.patterns.file"),
                                       errstr, errstr_size);
        if (!cl->rules) {
                clean_destroy(cl);
                return NULL;
        }
        cl->match_limit =
            (uint32_t)nf_conf_get_int(conf, "clean.match.limit", 1000000);
        cl->depth_limit =
            (uint32_t)nf_conf_get_int(conf, "clean.depth.limit", 10000);
        nf_clean_rules_set_limits(cl->rules, cl->match_limit, cl->depth_limit);
        int64_t paras = nf_conf_get_int(conf, "clean.max.paragraphs", 20000);
        cl->opts.max_lines = (size_t)paras;
        cl->html_opts.max_paragraphs = (int)paras;
        cl->html_opts.max_depth =
            (int)nf_conf_get_int(conf, "clean.html.max.depth", 512);
        cl->max_text_bytes =
            (size_t)nf_conf_get_int(conf, "clean.max.text.bytes", 1048576);
        cl->min_words = nf_conf_get_int(conf, "clean.min.words", 1);
        return cl;
}

/* A new normalised copy of a one-line field, or NULL when s is NULL or
 * normalises to nothing. */
static char *norm_field(const char *s, unsigned flags)
{
        if (!s) {
                return NULL;
        }
        size_t n;
        char *v =
            nf_textnorm(s, strlen(s), flags | NF_TEXTNORM_ONELINE, &n, NULL);
        if (n == 0) {
                free(v);
                return NULL;
        }
        return v;
}

/* "en-GB" -> "en": the primary language subtag, lower-cased, when it is 2
 * or 3 letters; NULL otherwise. */
static char *lang_primary(const char *tag)
{
        if (!tag) {
                return NULL;
        }
        while (*tag == ' ') {
                tag++;
        }
        char out[4];
        size_t n = 0;
        for (; tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != ' '; n++) {
                char ch = (char)(tag[n] | 0x20);
                if (n == 3 || ch < 'a' || ch > 'z') {
                        return NULL;
                }
                out[n] = ch;
        }
        if (n < 2) {
                return NULL;
        }
        out[n] = '\0';
        return strdup(out);
}

/* Sets field f to v (taking it) only when the article has none. */
static void fill(nf_article_t *art, nf_field_t f, char *v)
{
        if (v && !(art->f[f] && *art->f[f])) {
                nf_article_take(art, f, v);
        } else {
                free(v);
        }
}

static void note_count(json_t *o, const char *k, size_t v)
{
        if (v) {
                json_object_set_new(o, k, json_integer((json_int_t)v));
        }
}

/* "nav 3, share 1" for a rejection message. */
static void removed_summary(const clean_t *cl, const nf_clean_result_t *res,
                            char *buf, size_t size)
{
        size_t o = 0;
        buf[0] = '\0';
        for (int i = 1; i < nf_clean_reason_count(cl->rules) && o < size; i++) {
                if (res->removed[i]) {
                        int k = snprintf(buf + o, size - o, "%s%s %u",
                                         o ? ", " : "",
                                         nf_clean_reason_name(cl->rules, i),
                                         res->removed[i]);
                        o += k > 0 ? (size_t)k : 0;
                }
        }
}

static void clean_process(void *self, nf_article_t *art, nf_outcome_t *out)
{
        clean_t *cl = self;
        json_t *note = json_object();
        nf_html_doc_t doc;
        memset(&doc, 0, sizeof(doc));
        nf_clean_result_t res;
        memset(&res, 0, sizeof(res));
        char *norm = NULL;
        const char *src = nf_article_text(art);
        const char *html = nf_article_get(art, NF_F_HTML);
        int from_html = 0;

        if (html && *html) {
                char reason[64] = "", err[256] = "";
                nf_html_opts_t ho = cl->html_opts;
                ho.deadline_ns = out->deadline_ns; /* record.timeout.ms */
                if (nf_html_extract(html, strlen(html), &ho, &doc,
                                    reason, sizeof(reason), err,
                                    sizeof(err)) != 0) {
                        nf_outcome_reject(
                            out, reason[0] ? reason : "html_error", "%s",
                            err[0] ? err : "unreadable html");
                        goto done;
                }
                if (doc.notes) {
                        json_object_set(note, "html", doc.notes);
                }
                if (doc.text &&
                    nf_clean_word_count(doc.text, strlen(doc.text)) > 0) {
                        src = doc.text;
                        from_html = 1;
                } else if (src) {
                        json_object_set_new(note, "html_fallback",
                                            json_string("no article in html; "
                                                        "cleaned the text"));
                } else {
                        nf_outcome_reject(out, "empty",
                                          "the html holds no article and the "
                                          "record has no text");
                        goto done;
                }
        }
        if (!src) {
                nf_outcome_reject(out, "empty",
                                  "the record has no text or html");
                goto done;
        }
        json_object_set_new(note, "source",
                            json_string(from_html ? "html" : "text"));

        nf_textnorm_stats_t st = {0};
        size_t nlen;
        norm = nf_textnorm(src, strlen(src),
                           from_html ? 0 : NF_TEXTNORM_ENTITIES, &nlen, &st);
        char *title =
            norm_field(nf_article_get(art, NF_F_TITLE), NF_TEXTNORM_ENTITIES);
        const char *title_from = title ? "input" : "none";
        if (from_html) {
                nf_clean_paragraphs(norm, nlen, &res);
                if (!title) {
                        title = norm_field(doc.title, 0);
                        title_from = title ? "html" : "none";
                }
        } else {
                nf_clean_text(cl->rules, &cl->opts, norm, nlen, title, &res);
        }
        if (!title && res.title) {
                title = res.title;
                res.title = NULL;
                title_from = "recovered";
        }
        if (title) {
                nf_article_take(art, NF_F_TITLE, title); /* art owns title */
        }
        json_object_set_new(note, "title", json_string(title_from));

        /* What was removed, for meta.clean. */
        json_object_set_new(note, "lines_in", json_integer(res.lines_in));
        json_object_set_new(note, "paragraphs", json_integer(res.paragraphs));
        json_t *removed = json_object();
        for (int i = 1; i < nf_clean_reason_count(cl->rules); i++) {
                note_count(removed, nf_clean_reason_name(cl->rules, i),
                           res.removed[i]);
        }
        json_object_set_new(note, "removed", removed);
        json_object_set_new(note, "repeated_blocks",
                            json_integer(res.repeated_blocks));
        json_t *un = json_object();
        note_count(un, "invalid_bytes", st.invalid_bytes);
        note_count(un, "controls", st.controls);
        note_count(un, "zero_width", st.zero_width);
        note_count(un, "entities", st.entities);
        note_count(un, "nfc_lines", st.nfc_lines);
        json_object_set_new(note, "unicode", un);

        if (res.pattern_limit_hits) {
                nf_outcome_reject(out, "pattern_limit",
                                  "%u boilerplate pattern runs stopped at the "
                                  "PCRE2 limits (clean.match.limit=%u, "
                                  "clean.depth.limit=%u): a pattern "
                                  "backtracks catastrophically on this text",
                                  res.pattern_limit_hits, cl->match_limit,
                                  cl->depth_limit);
                goto done;
        }
        switch (res.status) {
        case NF_CLEAN_OK:
                break;
        case NF_CLEAN_TOO_MANY_LINES:
                nf_outcome_reject(out, "too_many_paragraphs",
                                  "the text has more than %zu lines "
                                  "(clean.max.paragraphs)",
                                  cl->opts.max_lines);
                goto done;
        case NF_CLEAN_NO_ARTICLE:
                nf_outcome_reject(out, "no_article",
                                  "the text is a list of headlines and "
                                  "teasers, not an article");
                goto done;
        case NF_CLEAN_EMPTY: {
                char why[256];
                removed_summary(cl, &res, why, sizeof(why));
                if (why[0]) {
                        nf_outcome_reject(out, "empty",
                                          "nothing is left after cleaning: "
                                          "all %u lines are boilerplate (%s)",
                                          res.lines_in, why);
                } else {
                        nf_outcome_reject(out, "empty",
                                          "the text has no letter or digit");
                }
                goto done;
        }
        }
        if (res.word_count < cl->min_words) {
                nf_outcome_reject(out, "too_short",
                                  "only %lld words are left after cleaning "
                                  "(clean.min.words=%lld)",
                                  (long long)res.word_count,
                                  (long long)cl->min_words);
                goto done;
        }
        if (res.text_len > cl->max_text_bytes) {
                nf_outcome_reject(out, "text_too_long",
                                  "the clean text is %zu bytes, over "
                                  "clean.max.text.bytes=%zu",
                                  res.text_len, cl->max_text_bytes);
                goto done;
        }

        nf_article_take(art, NF_F_TEXT, res.text); /* art owns the text */
        res.text = NULL;
        art->word_count = res.word_count;
        char *summary =
            norm_field(nf_article_get(art, NF_F_SUMMARY), NF_TEXTNORM_ENTITIES);
        const char *summary_from = summary ? "input" : "none";
        if (!summary && res.summary) {
                summary = res.summary;
                res.summary = NULL;
                summary_from = "teaser";
        }
        if (!summary && from_html) {
                summary = norm_field(doc.summary, 0);
                summary_from = summary ? "html" : "none";
        }
        nf_article_take(art, NF_F_SUMMARY, summary);
        json_object_set_new(note, "summary", json_string(summary_from));
        if (from_html) {
                fill(art, NF_F_URL, norm_field(doc.url, 0));
                fill(art, NF_F_PUBLISHED_AT, norm_field(doc.published_at, 0));
                fill(art, NF_F_LANG, lang_primary(doc.lang));
        }
done:
        nf_article_note(art, "clean", note); /* art owns note */
        nf_clean_result_fini(&res);
        nf_html_doc_fini(&doc);
        free(norm);
}

static json_t *clean_stats(void *self)
{
        clean_t *cl = self;
        return json_pack("{s:I}", "patterns",
                         (json_int_t)nf_clean_rules_count(cl->rules));
}

const nf_processor_t nf_processor_clean = {
    .abi = NF_PROCESSOR_ABI,
    .name = "clean",
    .description = "HTML main-content extraction or text boilerplate "
                   "removal, Unicode normalisation, title and summary "
                   "recovery",
    .conf_keys = clean_keys,
    .create = clean_create,
    .process = clean_process,
    .destroy = clean_destroy,
    .stats = clean_stats,
};
