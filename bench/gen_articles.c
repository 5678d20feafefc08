/*
 * gen_articles.c — deterministic generator of raw scraped articles shaped
 * like tests/fixtures/seed-article.txt (navigation lines, a headline, a body
 * of 2-10 KB, the body repeated, a teaser, share buttons), for benchmarks,
 * the soak and load tests.
 *
 *   gen_articles [-n COUNT] [-s SEED] [-d DUP%] [-b BAD%] [-H HTML%]
 *                [-i ID-PREFIX] [-t]
 *
 * -d: share of records that re-post an earlier article (half exact, half
 *     with other site boilerplate and a dropped paragraph);
 * -b: share of bad records (not JSON, no body, wrong types, ...);
 * -H: share of records carrying `html` instead of `text`;
 * -t: print the Kafka key (the id) and a TAB before each line.
 * One JSON object per line on stdout.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng_state;

static uint64_t rnd(void)
{
        /* splitmix64: small, deterministic, good enough for test data */
        uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
}

static int pick(int n)
{
        return (int)(rnd() % (uint64_t)n);
}

#define N(a) ((int)(sizeof(a) / sizeof(*(a))))

static const char *const subjects[] = {
    "The foreign minister", "Officials in Moscow", "The central bank",
    "Lawmakers in Washington", "The United Nations", "NATO allies",
    "Pakistan's government", "Analysts in Beijing", "The European Union",
    "India's prime minister", "Aid agencies", "The World Health Organization",
    "Investors", "The opposition leader", "Police in Kabul", "The coach",
    "Scientists at the university", "The company", "Voters in Britain",
    "Residents of the capital"};
static const char *const verbs[] = {
    "said on Tuesday that", "warned that", "agreed that", "announced that",
    "denied reports that", "argued that", "confirmed that", "suggested that",
    "told reporters that", "acknowledged that"};
static const char *const objects[] = {
    "the talks would continue next month",
    "inflation had slowed for a third consecutive quarter",
    "the ceasefire was holding despite sporadic clashes",
    "the new rules would take effect in January",
    "the security situation in the region had worsened",
    "more funding was needed for schools and hospitals",
    "the election result would be challenged in court",
    "exports to China had risen sharply this year",
    "the team would play the final without its captain",
    "the vaccine trial had produced encouraging results",
    "the border crossing would reopen after repairs",
    "the merger still required approval from regulators",
    "flooding had displaced thousands of families",
    "the budget deficit was larger than forecast",
    "the agreement covered trade, energy and defence cooperation"};
static const char *const tails[] = {
    "", " according to a statement", " in a televised address",
    " during a press conference in Islamabad", " after a meeting in Brussels",
    " as markets opened", " citing officials familiar with the matter",
    " in an interview with local media"};
static const char *const nav[] = {
    "Skip to main content", "Latest news", "Home", "World", "Business",
    "Sport", "Menu", "Search", "Subscribe", "Sign in", "Thumbnail",
    "Advertisement", "Most read"};
static const char *const heads[] = {
    "Talks Resume Amid Regional Tensions", "Markets Rally After Rate Decision",
    "Ministers Agree To Deepen Cooperation", "Floods Force Thousands From Homes",
    "Court Hears Challenge To Election Result", "Team Reaches Final Despite Injuries",
    "New Rules For Online Platforms Unveiled", "Vaccine Trial Shows Promise"};
static const char *const shares[] = {"Share this post", "Share on Facebook",
                                     "Tweet", "Read more", "Related stories",
                                     "© 2026 Example Media. All rights reserved."};

/* One sentence appended to buf. */
static void sentence(char *buf, size_t cap)
{
        char s[512];
        snprintf(s, sizeof(s), "%s %s %s%s. ", subjects[pick(N(subjects))],
                 verbs[pick(N(verbs))], objects[pick(N(objects))],
                 tails[pick(N(tails))]);
        strncat(buf, s, cap - strlen(buf) - 1);
}

typedef struct {
        char title[128];
        char *paras[40];
        int npara;
} story_t;

static void story_new(story_t *st)
{
        snprintf(st->title, sizeof(st->title), "%s", heads[pick(N(heads))]);
        /* 1-5 KB of body: 3-12 paragraphs of 2-4 sentences (~400 B each);
         * half the pages carry it twice, so records are 2-10 KB */
        st->npara = 3 + pick(10);
        for (int i = 0; i < st->npara; i++) {
                st->paras[i] = calloc(1, 2048);
                int ns = 2 + pick(3);
                for (int k = 0; k < ns; k++) {
                        sentence(st->paras[i], 2048);
                }
                /* a unique number keeps different stories apart for dedup */
                char tag[64];
                snprintf(tag, sizeof(tag), "Figure %llu was cited.",
                         (unsigned long long)(rnd() % 1000000));
                strncat(st->paras[i], tag, 2048 - strlen(st->paras[i]) - 1);
        }
}

static void story_free(story_t *st)
{
        for (int i = 0; i < st->npara; i++) {
                free(st->paras[i]);
        }
}

/* The scraped page as text (or HTML), with boilerplate of site `site`. */
static char *render(const story_t *st, int site, int drop_para, int html)
{
        size_t cap = 64 * 1024;
        char *b = calloc(1, cap);
        int nnav = 2 + (site % 3);
        for (int i = 0; i < nnav; i++) {
                strcat(b, html ? "<li><a href=\"/x\">" : "");
                strcat(b, nav[(site + i) % N(nav)]);
                strcat(b, html ? "</a></li>\n" : "\n");
        }
        strcat(b, html ? "<article><h1>" : "\n");
        strcat(b, st->title);
        strcat(b, html ? "</h1>\n" : "\n\n");
        int copies = html ? 1 : 1 + (site % 2); /* text pages repeat the body */
        for (int c = 0; c < copies; c++) {
                for (int i = 0; i < st->npara; i++) {
                        if (i == drop_para) {
                                continue;
                        }
                        strcat(b, html ? "<p>" : "");
                        strcat(b, st->paras[i]);
                        strcat(b, html ? "</p>\n" : "\n\n");
                }
                if (c + 1 < copies) {
                        strcat(b, st->title);
                        strcat(b, "\n\n");
                }
        }
        strcat(b, html ? "</article><footer>" : "");
        strcat(b, shares[site % N(shares)]);
        strcat(b, html ? "</footer>" : "");
        return b;
}

static const char *const bad_records[] = {
    "this is not json",
    "{\"id\":\"bad-nobody\",\"title\":\"no text or html\"}",
    "[\"an\",\"array\"]",
    "{\"id\":\"bad-type\",\"text\":42}",
    "{\"id\":\"bad-trailing\",\"text\":\"x\"} garbage",
    "{\"id\":\"bad-dup\",\"text\":\"a\",\"text\":\"b\"}",
};

int main(int argc, char **argv)
{
        long n = 1000;
        int dup = 5, bad = 0, htmlpct = 0, keyed = 0;
        const char *prefix = "gen";
        uint64_t seed = 1;
        int opt;
        while ((opt = getopt(argc, argv, "n:s:d:b:H:i:t")) != -1) {
                switch (opt) {
                case 'n': n = atol(optarg); break;
                case 's': seed = strtoull(optarg, NULL, 10); break;
                case 'd': dup = atoi(optarg); break;
                case 'b': bad = atoi(optarg); break;
                case 'H': htmlpct = atoi(optarg); break;
                case 'i': prefix = optarg; break;
                case 't': keyed = 1; break;
                default:
                        fprintf(stderr, "usage: gen_articles [-n N] [-s SEED] [-d DUP%%] [-b BAD%%] [-H HTML%%] [-i PREFIX] [-t]\n");
                        return 2;
                }
        }
        rng_state = seed;
        /* Keep the last few stories to re-post as duplicates. */
        story_t recent[16];
        int nrecent = 0;
        for (long i = 0; i < n; i++) {
                char id[64];
                snprintf(id, sizeof(id), "%s-%ld", prefix, i);
                if (pick(100) < bad) {
                        const char *r = bad_records[pick(N(bad_records))];
                        printf(keyed ? "%s\t%s\n" : "%.0s%s\n", id, r);
                        continue;
                }
                story_t st, *use = &st;
                int drop = -1, site = pick(7);
                int is_dup = nrecent > 0 && pick(100) < dup;
                if (is_dup) {
                        use = &recent[pick(nrecent)];
                        if (pick(2)) {
                                drop = pick(use->npara); /* near copy */
                        } else {
                                site = 0; /* exact re-post (same site) */
                        }
                } else {
                        story_new(&st);
                }
                int html = pick(100) < htmlpct;
                char *page = render(use, site, drop, html);
                json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id,
                                      "url", "", "source", "gen.example",
                                      "scraped_at", "2026-11-27T00:00:00Z",
                                      html ? "html" : "text", page);
                char url[128];
                snprintf(url, sizeof(url), "https://site%d.example/news/%s", site, id);
                json_object_set_new(o, "url", json_string(url));
                char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
                if (keyed) {
                        printf("%s\t", id);
                }
                printf("%s\n", s);
                free(s);
                json_decref(o);
                free(page);
                if (!is_dup) {
                        if (nrecent < N(recent)) {
                                recent[nrecent++] = st;
                        } else {
                                int k = pick(N(recent));
                                story_free(&recent[k]);
                                recent[k] = st;
                        }
                }
        }
        for (int i = 0; i < nrecent; i++) {
                story_free(&recent[i]);
        }
        return 0;
}
