/*
 * test_html_extract.c — unit tests for processors/html_extract.c.
 *
 * Golden pages under tests/fixtures/html/ (written for these tests) are
 * checked table-driven: what the text must and must not contain, and the
 * recovered metadata. Bad input (binary junk, deep nesting, a 10 MB page,
 * invalid bytes, too many blocks) must give a clean result or a -1 with the
 * documented reason, never a crash or invalid UTF-8. No timing assertions:
 * speed is bench/bench_html.c's business.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "processors/html_extract.h"

#define FIXTURES "tests/fixtures/html/"

static char *read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                return NULL;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        rewind(f);
        char *buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
        }
        fclose(f);
        if (buf) {
                buf[n] = '\0';
                *len = (size_t)n;
        }
        return buf;
}

/* Strict UTF-8 check (no overlongs, surrogates, or C0 controls but \n \t). */
static int valid_utf8(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
                if (*p < 0x80) {
                        if (*p < 0x20 && *p != '\n' && *p != '\t') {
                                return 0;
                        }
                        p++;
                        continue;
                }
                int n = (*p >= 0xF0 && *p <= 0xF4) ? 4 : (*p >= 0xE0) ? 3 : (*p >= 0xC2 && *p <= 0xDF) ? 2 : 0;
                if (!n || (*p >= 0xF5)) {
                        return 0;
                }
                for (int i = 1; i < n; i++) {
                        if ((p[i] & 0xC0) != 0x80) {
                                return 0;
                        }
                }
                if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
                    (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F)) {
                        return 0;
                }
                p += n;
        }
        return 1;
}

/* Runs the extractor on len bytes; asserts the result is well-formed. */
static int extract(const char *html, size_t len, const nf_html_opts_t *opts, nf_html_doc_t *doc,
                   char *reason, size_t reason_size)
{
        char err[256] = "";
        memset(doc, 0, sizeof(*doc));
        reason[0] = '\0';
        int rc = nf_html_extract(html, len, opts, doc, reason, reason_size, err, sizeof(err));
        if (rc == 0) {
                assert_non_null(doc->text);
                assert_true(valid_utf8(doc->text));
                assert_non_null(doc->notes);
                assert_true(json_is_object(doc->notes));
                const char *meta[] = {doc->title, doc->published_at, doc->url, doc->lang,
                                      doc->summary};
                for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
                        if (meta[i]) {
                                assert_true(valid_utf8(meta[i]));
                        }
                }
        } else {
                assert_int_equal(rc, -1);
                assert_true(reason[0] != '\0');
                assert_true(err[0] != '\0');
                assert_null(doc->text);
        }
        return rc;
}

/* ------------------------------------------------------------------ */
/* Golden pages                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
        const char *file;
        const char *must[6];     /* the text contains each */
        const char *must_not[6]; /* and none of these */
        int empty;               /* the text is "" (no article) */
        /* metadata: NULL = not checked, "" = must be absent */
        const char *title, *published_at, *url, *lang, *summary;
} golden_t;

static const golden_t goldens[] = {
    {"news_article.html",
     {"The harbour council has approved a plan", "How the barrier will work",
      "We cannot keep pumping water", "national coastal protection grant."},
     {"Sport", "Share on Facebook", "Storm Ciara", "Sign up to our newsletter", "cookies",
      "All rights reserved"},
     0, "Harbour council approves flood barrier plan", "2024-03-18T09:30:00Z",
     "https://coastalgazette.example/news/flood-barrier-plan", "en-GB",
     "Councillors voted 9 to 2 for a tidal barrier at the harbour mouth."},
    {"liveblog.html",
     {"The elite women's field has passed", "two extra water stations", "A breakaway at the halfway point",
      "new course record"},
     {"Most read", "Road closures", "Results"},
     0, "Live: Marathon day in the city", "2024-04-21T07:00:00+02:00", "", "en", ""},
    {"comments.html",
     {"baked its last loaf", "tripled the monthly bill", "parish council will discuss"},
     {"thoughts on", "every Saturday morning", "energy crisis did not come", "coal oven",
      "two apprentices", "Leave a Reply"},
     0, "Why the village bakery closed", "", "", "en", ""},
    {"gallery.html",
     {"The spring flower show opened on Saturday"},
     {"Photo: Ann Lee", "Tulips in the main hall", "Previous", "Galleries"},
     0, "In pictures: the spring flower show", "", "", "en",
     "Twelve photographs from the opening day of the spring flower show."},
    {"paywall.html",
     {"Budget airlines advertise fares"},
     {"Subscribe", "1 euro", "baggage fees", "Markets", "Market Street"},
     0, "The hidden cost of cheap flights", NULL, NULL, "en", NULL},
    {"german.html",
     {"Der Stadtrat hat am Donnerstagabend beschlossen", "2,4 Millionen Euro",
      "Parkplätze in der Altstadt wegfallen dürfen."},
     {"Anzeige", "Teilen", "Mehr zum Thema", "Parkgebühren", "Impressum", "31. Mai 2024"},
     0, "Neue Radwege für die Innenstadt", "", "", "de-DE",
     "Der Stadtrat hat den Ausbau von vier Radwegen beschlossen."},
    {"repeated_body.html",
     {"The central library will stay open", "industrial estate"},
     {NULL},
     0, "Library extends opening hours", NULL, NULL, "en", NULL},
    {"no_article.html", {NULL}, {NULL}, 1, NULL, NULL, NULL, "en", NULL},
    {"metadata_jsonld.html",
     {"Le conseil municipal a adopté jeudi soir le budget", "piste cyclable le long du canal"},
     {NULL},
     0, "Le conseil adopte le budget 2024", "2024-05-02T18:45:00+02:00",
     "https://journal.example/2024/05/02/budget", "fr", "Le conseil municipal a adopté le budget."},
    {"metadata_time.html",
     {"De nieuwe brug over de rivier is zaterdag officieel geopend", "in de spits."},
     {"Gepubliceerd", "1 juni 2024"},
     0, "Nieuwe brug over de rivier geopend", "2024-06-01T10:00:00+02:00", "", "nl", ""},
    {"latin1.html",
     {"Die Münchner Straßenbahn fährt ab nächster Woche wieder über die Ludwigsbrücke",
      "Für die Fahrgäste bedeutet das kürzere Wege"},
     {NULL},
     0, "Grüße aus München", NULL, NULL, "de", NULL},
    {"malformed.html",
     {"This paragraph is never closed", "a stray end tag appears in the middle of a sentence",
      "with an unquoted attribute link text that follows here.",
      "The last paragraph ends the document"},
     {"<", "href"},
     0, "Broken markup test", NULL, NULL, "", NULL},
    {"comment_only.html", {NULL}, {"paragraph"}, 1, "", "", "", "", ""},
};

static void check_meta(const char *name, const char *want, const char *got)
{
        if (!want) {
                return;
        }
        if (!want[0]) {
                if (got) {
                        fail_msg("%s: expected no value, got \"%s\"", name, got);
                }
                return;
        }
        if (!got || strcmp(want, got)) {
                fail_msg("%s: expected \"%s\", got \"%s\"", name, want, got ? got : "(null)");
        }
}

static void test_golden_pages(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
                const golden_t *g = &goldens[i];
                char path[256], reason[64];
                size_t len = 0;
                snprintf(path, sizeof(path), FIXTURES "%s", g->file);
                char *html = read_file(path, &len);
                if (!html) {
                        fail_msg("cannot read %s", path);
                }
                nf_html_doc_t doc;
                int rc = extract(html, len, NULL, &doc, reason, sizeof(reason));
                if (rc) {
                        fail_msg("%s: rejected (%s)", g->file, reason);
                }
                for (size_t k = 0; k < 6 && g->must[k]; k++) {
                        if (!strstr(doc.text, g->must[k])) {
                                fail_msg("%s: text lacks \"%s\"; text:\n%s", g->file, g->must[k],
                                         doc.text);
                        }
                }
                for (size_t k = 0; k < 6 && g->must_not[k]; k++) {
                        if (strstr(doc.text, g->must_not[k])) {
                                fail_msg("%s: text has \"%s\"; text:\n%s", g->file, g->must_not[k],
                                         doc.text);
                        }
                }
                if (g->empty && doc.text[0]) {
                        fail_msg("%s: expected no article, got:\n%s", g->file, doc.text);
                }
                if (!g->empty && !doc.text[0]) {
                        fail_msg("%s: expected an article, got empty text", g->file);
                }
                check_meta("title", g->title, doc.title);
                check_meta("published_at", g->published_at, doc.published_at);
                check_meta("url", g->url, doc.url);
                check_meta("lang", g->lang, doc.lang);
                check_meta("summary", g->summary, doc.summary);
                nf_html_doc_fini(&doc);
                free(html);
        }
}

/* Paragraphs are separated by exactly one blank line; no block repeats. */
static void test_layout_and_repeats(void **state)
{
        (void)state;
        size_t len;
        char reason[64];
        char *html = read_file(FIXTURES "repeated_body.html", &len);
        assert_non_null(html);
        nf_html_doc_t doc;
        assert_int_equal(extract(html, len, NULL, &doc, reason, sizeof(reason)), 0);
        const char *first = strstr(doc.text, "The central library");
        assert_non_null(first);
        assert_null(strstr(first + 1, "The central library"));
        assert_non_null(strstr(doc.text, "lectures had finished.\n\nThe extra hours"));
        assert_null(strstr(doc.text, "\n\n\n"));
        nf_html_doc_fini(&doc);
        free(html);
}

/* A visible second copy of a paragraph (pull quote, duplicated body) goes. */
static void test_repeated_paragraph(void **state)
{
        (void)state;
        static const char page[] =
            "<html><body><article><p>The river burst its banks on Sunday night and flooded "
            "the lower town, where the water stood a metre high in the main street.</p>"
            "<p>Firefighters evacuated two care homes and a school before midnight, and no "
            "one was injured according to the district authorities.</p>"
            "<p>The river burst its banks on Sunday night and flooded the lower town, where "
            "the water stood a metre high in the main street.</p></article></body></html>";
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(page, sizeof(page) - 1, NULL, &doc, reason, sizeof(reason)), 0);
        const char *first = strstr(doc.text, "The river burst");
        assert_non_null(first);
        assert_null(strstr(first + 1, "The river burst"));
        assert_non_null(strstr(doc.text, "Firefighters evacuated"));
        json_t *b = json_object_get(doc.notes, "blocks_removed");
        assert_int_equal(json_integer_value(json_object_get(b, "repeated")), 1);
        nf_html_doc_fini(&doc);
}

/* doc->notes counts what went and why. */
static void test_notes(void **state)
{
        (void)state;
        size_t len;
        char reason[64];
        char *html = read_file(FIXTURES "news_article.html", &len);
        assert_non_null(html);
        nf_html_doc_t doc;
        assert_int_equal(extract(html, len, NULL, &doc, reason, sizeof(reason)), 0);
        json_t *el = json_object_get(doc.notes, "elements_removed");
        assert_true(json_is_object(el));
        assert_true(json_integer_value(json_object_get(el, "nav")) >= 1);
        assert_true(json_integer_value(json_object_get(el, "share")) >= 1);
        assert_true(json_integer_value(json_object_get(el, "footer")) >= 1);
        assert_true(json_integer_value(json_object_get(el, "tag")) >= 1); /* script, style */
        assert_true(json_integer_value(json_object_get(doc.notes, "blocks_kept")) >= 5);
        assert_true(json_integer_value(json_object_get(doc.notes, "blocks_total")) >
                    json_integer_value(json_object_get(doc.notes, "blocks_kept")));
        assert_string_equal(json_string_value(json_object_get(doc.notes, "stopword_lang")), "en");
        nf_html_doc_fini(&doc);
        free(html);
}

/* ------------------------------------------------------------------ */
/* Bad input                                                           */
/* ------------------------------------------------------------------ */

typedef struct {
        const char *name;
        const char *bytes;
        size_t len;
        const char *reason; /* NULL = must succeed */
} bad_case_t;

static void test_binary_junk(void **state)
{
        (void)state;
        /* a gzip member, a PNG header, NUL at the start */
        static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03<html>";
        static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        static const char nul[] = "<html>\0<body><p>text</p></body></html>";
        const bad_case_t cases[] = {
            {"gzip", gz, sizeof(gz) - 1, "html_binary"},
            {"png", png, sizeof(png) - 1, "html_binary"},
            {"nul at start", nul, sizeof(nul) - 1, "html_binary"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                nf_html_doc_t doc;
                char reason[64];
                int rc = extract(cases[i].bytes, cases[i].len, NULL, &doc, reason, sizeof(reason));
                assert_int_equal(rc, -1);
                assert_string_equal(reason, cases[i].reason);
        }
        /* 64 KB of pseudo-random bytes */
        size_t n = 65536;
        unsigned char *rnd = malloc(n);
        assert_non_null(rnd);
        uint32_t x = 12345;
        for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                rnd[i] = (unsigned char)(x >> 16);
        }
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract((const char *)rnd, n, NULL, &doc, reason, sizeof(reason)), -1);
        assert_string_equal(reason, "html_binary");
        free(rnd);
}

/* A few stray NULs deep in a real page are blanked, not a reject. */
static void test_stray_nul(void **state)
{
        (void)state;
        size_t len;
        char reason[64];
        char *html = read_file(FIXTURES "news_article.html", &len);
        assert_non_null(html);
        char *p = strstr(html, "Construction is expected");
        assert_non_null(p);
        assert_true(p - html > 1024);
        p[12] = '\0'; /* the space after "Construction" */
        nf_html_doc_t doc;
        assert_int_equal(extract(html, len, NULL, &doc, reason, sizeof(reason)), 0);
        assert_non_null(strstr(doc.text, "Construction is expected"));
        nf_html_doc_fini(&doc);
        free(html);
}

static char *nested(int depth, const char *tag)
{
        size_t tl = strlen(tag);
        char *s = malloc((size_t)depth * (tl + 2) + 128);
        size_t o = (size_t)sprintf(s, "<html><body>");
        for (int i = 0; i < depth; i++) {
                o += (size_t)sprintf(s + o, "<%s>", tag);
        }
        o += (size_t)sprintf(s + o, "<p>Deep down here is a sentence of text that is long enough.</p>");
        strcpy(s + o, "</body></html>");
        return s;
}

static void test_deep_nesting(void **state)
{
        (void)state;
        nf_html_doc_t doc;
        char reason[64];
        char *s = nested(100000, "div");
        assert_int_equal(extract(s, strlen(s), NULL, &doc, reason, sizeof(reason)), -1);
        assert_string_equal(reason, "html_too_deep");
        free(s);

        nf_html_opts_t opts = {.max_depth = 50};
        s = nested(60, "div");
        assert_int_equal(extract(s, strlen(s), &opts, &doc, reason, sizeof(reason)), -1);
        assert_string_equal(reason, "html_too_deep");
        free(s);

        s = nested(40, "section");
        assert_int_equal(extract(s, strlen(s), &opts, &doc, reason, sizeof(reason)), 0);
        assert_non_null(strstr(doc.text, "Deep down here"));
        nf_html_doc_fini(&doc);
        free(s);

        /* 300 levels: deeper than libxml2's own default limit, within ours */
        s = nested(300, "div");
        assert_int_equal(extract(s, strlen(s), NULL, &doc, reason, sizeof(reason)), 0);
        assert_non_null(strstr(doc.text, "Deep down here"));
        nf_html_doc_fini(&doc);
        free(s);
}

/* 10 MB: one article of many paragraphs, and one single text node. */
static void test_ten_megabytes(void **state)
{
        (void)state;
        const size_t target = 10u << 20;
        char *s = malloc(target + 256);
        assert_non_null(s);
        size_t o = (size_t)sprintf(s, "<html><body><article>");
        for (unsigned n = 0; o + 300 < target; n++) {
                o += (size_t)sprintf(s + o,
                                     "<p>The committee met again on day %u and discussed the "
                                     "budget for the coming year, which has to be approved by "
                                     "the end of the month.</p>\n",
                                     n);
        }
        o += (size_t)sprintf(s + o, "</article></body></html>");
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(s, o, NULL, &doc, reason, sizeof(reason)), 0);
        assert_true(strlen(doc.text) > (5u << 20));
        nf_html_doc_fini(&doc);

        /* one 10 MB text node without any markup */
        for (size_t i = 0; i < target; i++) {
                s[i] = "lorem ipsum "[i % 12];
        }
        assert_int_equal(extract(s, target, NULL, &doc, reason, sizeof(reason)), 0);
        nf_html_doc_fini(&doc);
        free(s);
}

static void test_too_many_blocks(void **state)
{
        (void)state;
        char *s = malloc(1 << 16);
        size_t o = (size_t)sprintf(s, "<html><body>");
        for (int i = 0; i < 50; i++) {
                o += (size_t)sprintf(s + o, "<p>Paragraph number %d of the page.</p>", i);
        }
        strcpy(s + o, "</body></html>");
        nf_html_opts_t opts = {.max_paragraphs = 10};
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(s, strlen(s), &opts, &doc, reason, sizeof(reason)), -1);
        assert_string_equal(reason, "html_too_many_blocks");
        free(s);
}

/* Empty and whitespace-only pages: no article, no reject. */
static void test_empty_pages(void **state)
{
        (void)state;
        const char *pages[] = {"", "   \n\t  ", "<html></html>", "<html><body></body></html>",
                               "<p></p><div>  </div>"};
        for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
                nf_html_doc_t doc;
                char reason[64];
                assert_int_equal(extract(pages[i], strlen(pages[i]), NULL, &doc, reason,
                                         sizeof(reason)),
                                 0);
                assert_string_equal(doc.text, "");
                nf_html_doc_fini(&doc);
        }
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(NULL, 0, NULL, &doc, reason, sizeof(reason)), 0);
        assert_string_equal(doc.text, "");
        nf_html_doc_fini(&doc);
}

/* Bytes that are not UTF-8, control characters, entities, odd spaces. */
static void test_text_repair(void **state)
{
        (void)state;
        static const char page[] =
            "<html><head><meta charset=\"utf-8\"></head><body><article>"
            "<p>Caf\xe9 prices rose by 5\xa0percent this year, and the owner blamed the "
            "suppliers \x01" "for the increase in the cost of milk and coffee beans.</p>"
            "<p>Fish &amp; chips&nbsp;cost   more \xe2\x80\x83 too, said the owner of the "
            "stand by the harbour, who has sold them for thirty years.</p>"
            "</article></body></html>";
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(page, sizeof(page) - 1, NULL, &doc, reason, sizeof(reason)), 0);
        assert_non_null(strstr(doc.text, "Caf\xc3\xa9 prices")); /* windows-1252 0xE9 */
        assert_non_null(strstr(doc.text, "5 percent"));
        assert_non_null(strstr(doc.text, "suppliers for the"));
        assert_non_null(strstr(doc.text, "Fish & chips cost more too"));
        nf_html_doc_fini(&doc);
}

/* UTF-16 with a BOM and a page declaring a legacy charset. */
static void test_encodings(void **state)
{
        (void)state;
        static const char ascii[] =
            "<html><body><p>The new tram line opened on Monday and carried more than ten "
            "thousand passengers on its first day of service.</p></body></html>";
        size_t n = sizeof(ascii) - 1;
        char *u16 = malloc(2 + 2 * n);
        u16[0] = (char)0xFF;
        u16[1] = (char)0xFE;
        for (size_t i = 0; i < n; i++) {
                u16[2 + 2 * i] = ascii[i];
                u16[3 + 2 * i] = 0;
        }
        nf_html_doc_t doc;
        char reason[64];
        assert_int_equal(extract(u16, 2 + 2 * n, NULL, &doc, reason, sizeof(reason)), 0);
        assert_non_null(strstr(doc.text, "The new tram line opened on Monday"));
        nf_html_doc_fini(&doc);
        free(u16);

        static const char koi8[] =
            "<html><head><meta charset=\"koi8-r\"></head><body><p>\xf0\xd2\xc9\xd7\xc5\xd4, "
            "\xcd\xc9\xd2! \xfc\xd4\xcf \xd4\xc5\xd3\xd4 \xcb\xcf\xc4\xc9\xd2\xcf\xd7\xcb\xc9 "
            "\xd3\xd4\xd2\xc1\xce\xc9\xc3\xd9 \xc4\xcc\xd1 \xd0\xd2\xcf\xd7\xc5\xd2\xcb\xc9 "
            "\xd4\xc5\xcb\xd3\xd4\xc1 \xc9 \xc5\xc7\xcf \xc4\xcc\xc9\xce\xd9.</p></body></html>";
        assert_int_equal(extract(koi8, sizeof(koi8) - 1, NULL, &doc, reason, sizeof(reason)), 0);
        assert_true(valid_utf8(doc.text));
        assert_null(strstr(doc.text, "\xef\xbf\xbd")); /* no U+FFFD: decoded, not repaired */
        nf_html_doc_fini(&doc);
}

/* Concurrent calls share nothing but read-only tables. */
typedef struct {
        const char *html;
        size_t len;
        const char *want;
        int mismatches;
} thread_arg_t;

static void *extract_loop(void *p)
{
        thread_arg_t *a = p;
        for (int i = 0; i < 25; i++) {
                nf_html_doc_t doc = {0};
                char reason[64], err[128];
                if (nf_html_extract(a->html, a->len, NULL, &doc, reason, sizeof(reason), err,
                                    sizeof(err)) != 0 ||
                    strcmp(doc.text, a->want)) {
                        a->mismatches++;
                }
                nf_html_doc_fini(&doc);
        }
        return NULL;
}

static void test_threads(void **state)
{
        (void)state;
        size_t len;
        char reason[64];
        char *html = read_file(FIXTURES "news_article.html", &len);
        assert_non_null(html);
        nf_html_doc_t doc;
        assert_int_equal(extract(html, len, NULL, &doc, reason, sizeof(reason)), 0);
        thread_arg_t args[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
                args[i] = (thread_arg_t){html, len, doc.text, 0};
                assert_int_equal(pthread_create(&th[i], NULL, extract_loop, &args[i]), 0);
        }
        for (int i = 0; i < 4; i++) {
                assert_int_equal(pthread_join(th[i], NULL), 0);
                assert_int_equal(args[i].mismatches, 0);
        }
        nf_html_doc_fini(&doc);
        free(html);
}

static void test_doc_fini(void **state)
{
        (void)state;
        nf_html_doc_fini(NULL);
        nf_html_doc_t doc;
        char reason[64];
        static const char page[] = "<p>Short page with one sentence of reasonable length in it.</p>";
        assert_int_equal(extract(page, sizeof(page) - 1, NULL, &doc, reason, sizeof(reason)), 0);
        nf_html_doc_fini(&doc);
        assert_null(doc.text);
        assert_null(doc.notes);
        nf_html_doc_fini(&doc); /* twice is harmless */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_golden_pages),   cmocka_unit_test(test_layout_and_repeats),
            cmocka_unit_test(test_repeated_paragraph),
            cmocka_unit_test(test_notes),          cmocka_unit_test(test_binary_junk),
            cmocka_unit_test(test_stray_nul),      cmocka_unit_test(test_deep_nesting),
            cmocka_unit_test(test_ten_megabytes),  cmocka_unit_test(test_too_many_blocks),
            cmocka_unit_test(test_empty_pages),    cmocka_unit_test(test_text_repair),
            cmocka_unit_test(test_encodings),      cmocka_unit_test(test_threads),
            cmocka_unit_test(test_doc_fini),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
