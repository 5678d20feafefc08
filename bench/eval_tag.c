/*
 * eval_tag.c — topic accuracy of the tag rules on a labelled JSONL file.
 *
 *   build/bench/eval_tag [-r RULES] [-v] [-s] FILE.jsonl
 *
 * Each line is {"title": ..., "text": ..., "label": ...}. label is an IPTC
 * Media Topic name or one of the BBC-news categories business,
 * entertainment, politics, sport, tech (mapped to economy, business and
 * finance / arts, culture, entertainment and media / politics / sport /
 * science and technology). An article counts as correct when the label's
 * topic is its FIRST topic. Prints accuracy per label and overall; -v
 * prints every miss with its scored topics, -s every document's tags.
 * -r takes a comma list of rule files (default: the four shipped files);
 * -f turns off the title and lead bonuses.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "processors/tag_engine.h"

#define MAX_LABELS 32

static const char *map_label(const char *l)
{
        static const char *const map[][2] = {
            {"business", "economy, business and finance"},
            {"entertainment", "arts, culture, entertainment and media"},
            {"politics", "politics"},
            {"sport", "sport"},
            {"tech", "science and technology"},
            {"technology", "science and technology"},
        };
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
                if (strcmp(map[i][0], l) == 0) {
                        return map[i][1];
                }
        }
        return l;
}

int main(int argc, char **argv)
{
        const char *rules_list = "deploy/rules/countries.json,deploy/rules/"
                                 "organizations.json,deploy/rules/people.json,"
                                 "deploy/rules/topics.json";
        int verbose = 0, show = 0, flat = 0;
        const char *file = NULL;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
                        rules_list = argv[++i];
                } else if (strcmp(argv[i], "-v") == 0) {
                        verbose = 1;
                } else if (strcmp(argv[i], "-s") == 0) {
                        show = 1;
                } else if (strcmp(argv[i], "-f") == 0) {
                        flat = 1;
                } else {
                        file = argv[i];
                }
        }
        if (!file) {
                fprintf(stderr, "usage: eval_tag [-r RULES] [-v] [-s] [-f] FILE.jsonl\n");
                return 2;
        }
        char *copy = strdup(rules_list), *save = NULL;
        const char *paths[64];
        size_t np = 0;
        for (char *p = strtok_r(copy, ",", &save); p && np < 64;
             p = strtok_r(NULL, ",", &save)) {
                paths[np++] = p;
        }
        char errstr[1024];
        nf_tag_rules_t *rules = nf_tag_rules_load(paths, np, NULL, errstr,
                                                  sizeof(errstr));
        if (!rules) {
                fprintf(stderr, "eval_tag: %s\n", errstr);
                return 1;
        }
        /* -f: no title/lead bonus (for a plain keyword-count baseline) */
        nf_tag_settings_t set = {.title_bonus = flat ? 0 : 2.0,
                                 .lead_bonus = flat ? 0 : 0.5,
                                 .lead_bytes = 400,
                                 .max_tags = 10};
        nf_tag_engine_t *eng = nf_tag_engine_new(rules, &set);
        FILE *f = fopen(file, "r");
        if (!f) {
                perror(file);
                return 1;
        }
        const char *labels[MAX_LABELS];
        int total[MAX_LABELS] = {0}, right[MAX_LABELS] = {0}, nl = 0;
        int all = 0, ok = 0;
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int lineno = 0;
        while ((n = getline(&line, &cap, f)) > 0) {
                lineno++;
                json_error_t jerr;
                json_t *doc = json_loadb(line, (size_t)n, 0, &jerr);
                if (!doc) {
                        if (n > 1) {
                                fprintf(stderr, "%s:%d: %s\n", file, lineno,
                                        jerr.text);
                        }
                        continue;
                }
                const char *title = json_string_value(json_object_get(doc, "title"));
                const char *text = json_string_value(json_object_get(doc, "text"));
                const char *label = json_string_value(json_object_get(doc, "label"));
                json_t *tags = nf_tag_engine_tag(eng, title, text, "en", show ? 2 : 1);
                json_t *topics = json_object_get(tags, "topics");
                const char *first = json_string_value(
                    json_array_get(json_array_get(topics, 0), 0));
                if (show) {
                        char *s = json_dumps(tags, JSON_COMPACT);
                        printf("%d %s\n  %s\n", lineno, title ? title : "", s);
                        free(s);
                }
                if (label) {
                        const char *want = map_label(label);
                        int li = 0;
                        while (li < nl && strcmp(labels[li], want)) {
                                li++;
                        }
                        if (li == nl && nl < MAX_LABELS) {
                                labels[nl++] = strdup(want);
                        }
                        int good = first && strcmp(first, want) == 0;
                        total[li]++;
                        right[li] += good;
                        all++;
                        ok += good;
                        if (!good && verbose) {
                                char *s = json_dumps(topics, JSON_COMPACT);
                                printf("MISS line %d [%s] %s\n  %s\n", lineno,
                                       label, title ? title : "", s);
                                free(s);
                        }
                }
                json_decref(tags);
                json_decref(doc);
        }
        free(line);
        fclose(f);
        if (all) {
                printf("%-42s %6s %6s %7s\n", "label (IPTC topic)", "right",
                       "total", "acc");
                for (int i = 0; i < nl; i++) {
                        printf("%-42s %6d %6d %6.1f%%\n", labels[i], right[i],
                               total[i], 100.0 * right[i] / total[i]);
                }
                printf("%-42s %6d %6d %6.1f%%\n", "overall (first topic)", ok,
                       all, 100.0 * ok / all);
        }
        nf_tag_engine_destroy(eng);
        free(copy);
        return 0;
}
