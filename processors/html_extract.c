/*
 * html_extract.c — main-content extraction from a crawled HTML page.
 *
 * Parser. libxml2's HTML parser, not an HTML5 (gumbo/lexbor) one: measured
 * on 181 real news pages it parses at ~85 MB/s against gumbo's ~25 MB/s, and
 * the whole budget for one ~175 KB page at 250 pages/s is 4 ms, so gumbo
 * alone would spend it. libxml2 is also what lxml, and therefore
 * trafilatura, readability-lxml and jusText, build their trees with: the
 * published scores on our evaluation set were obtained on the same parse.
 * Its error recovery differs from a browser's on some broken markup; for
 * text extraction that matters far less than the 3x.
 *
 * We drive it through SAX callbacks and build no tree: creating and freeing
 * libxml2's DOM was a quarter of the parse (callgrind, 120 eval pages), and
 * everything we need, one pass in document order gives us. libxml2 still
 * repairs the markup first, so the events are well nested.
 *
 * Parse options. We always hand libxml2 UTF-8 (see "Encodings") with
 * HTML_PARSE_IGNORE_ENC so a late <meta charset> cannot switch decoders
 * mid-document. We keep libxml2's implied <html>/<body>/<p> elements (no
 * HTML_PARSE_NOIMPLIED): every page then has one body, and stray text in
 * <body> lands in a paragraph, which is what a reader sees. XML_PARSE_HUGE
 * lifts libxml2's fixed limits (256 levels of nesting in its tree builder,
 * text node sizes) that would silently truncate a page; our start-element
 * callback stops the parse at opts->max_depth and the page is rejected
 * ("html_too_deep") instead of being half-read.
 *
 * Encodings. A UTF-16 BOM is decoded first. The declared charset (UTF-8
 * BOM, <meta charset>, http-equiv, <?xml encoding?>) is sniffed from the
 * first 32 KB. Valid UTF-8 is taken as UTF-8 whatever the declaration
 * (mislabelled pages are common). Otherwise ISO-8859-1/US-ASCII mean
 * windows-1252 as in browsers, other charsets go through iconv, and a page
 * declared UTF-8 (or nothing) with invalid bytes has those bytes read as
 * windows-1252, the usual cause (pasted Latin-1). The text handed out is
 * valid UTF-8 by construction and checked once more at the end.
 *
 * Extraction, in linear passes:
 *  1. SAX walk: drop non-content tags (script, style, media, form
 *     controls...), note class/id/role hints and hidden elements; cut the
 *     text into blocks at block-level tags (jusText's paragraphs), each
 *     with its length, link length, word and stopword counts.
 *  2. classify blocks: good (long prose: many stopwords, few links), near
 *     good, short, bad, links. A block's "mass" is its good text.
 *  3. drop boilerplate subtrees by tag or hint (nav, aside, footer,
 *     comments, share, related, ad, cookie...), unless the subtree holds the
 *     article (a "content-sidebar-wrap" around it).
 *  4. pick the container: from <body>, descend into the child holding most
 *     of the good mass while it holds nearly all of it; a strong article-
 *     body hint (itemprop=articleBody, entry-content...) bounds the descent.
 *     Widen it over neighbouring prose (leads, decks); keep clear prose
 *     elsewhere that survived step 3 (articles split into boxes).
 *  5. inside, drop link lists, boilerplate lines (share, credits, dates),
 *     short loose text in divs, orphaned headings and the runs of short
 *     non-prose blocks at the top and bottom (bylines, "Share"); keep
 *     headings, lists, quotes and table text.
 *
 * Every pass is O(elements) or O(blocks) and none revisits a subtree, so a
 * 10 MB page costs ten times a 1 MB one. Measured on the 990-page
 * development set (bench/eval-html.sh): see the README's HTML section.
 */
#include "processors/html_extract.h"

#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "processors/html_stopwords.h"
#include "processors/processor.h"

#define DEFAULT_MAX_DEPTH 512
#define DEFAULT_MAX_BLOCKS 200000
#define SNIFF_BYTES 32768

/*
 * Block classes (jusText's, scaled to our short stopword lists): more than
 * LINKS_DENSITY of the text in links is a link list; under SHORT_CHARS code
 * points is short; GOOD_CHARS or more with GOOD_STOPWORDS of the words
 * function words is prose; NEAR_STOPWORDS makes a near-good block. Measured
 * on the development set, F1 moves by < 0.002 for +-30% on any of them.
 */
#define LINKS_DENSITY 0.5
#define SHORT_CHARS 30
#define GOOD_CHARS 150
#define GOOD_STOPWORDS 0.2
#define NEAR_STOPWORDS 0.12
/* Descend into the child that holds this share of its parent's prose. */
#define DESCENT_SHARE 0.85

/* ------------------------------------------------------------------ */
/* Tags                                                                */
/* ------------------------------------------------------------------ */

/* What a tag means to the walk. */
enum {
        TF_BLOCK = 1 << 0,   /* starts and ends a text block */
        TF_DROP = 1 << 1,    /* never content: skip the subtree */
        TF_SOFT = 1 << 2,    /* boilerplate by tag, dropped unless it holds
                                the article (nav, aside, footer, form...) */
        TF_HEADING = 1 << 3, /* h1-h6 */
        TF_ITEM = 1 << 4,    /* li, dt, dd */
        TF_CELL = 1 << 5,    /* td, th */
        TF_QUOTE = 1 << 6,   /* blockquote */
        TF_PRE = 1 << 7,     /* pre */
        TF_PARA = 1 << 8,    /* p */
        TF_LINK = 1 << 9,    /* a */
        TF_BR = 1 << 10,     /* br: a line break inside the block */
        TF_TIME = 1 << 11,   /* time */
        TF_FIGURE = 1 << 12, /* figure, figcaption */
        TF_HEADER = 1 << 13, /* header, hgroup */
        TF_SECTION = 1 << 14 /* article, main: a semantic content hint */
};

enum {
        TAG_OTHER = 0,
        TAG_HTML,
        TAG_HEAD,
        TAG_TITLE,
        TAG_SCRIPT,
        TAG_STYLE,
        TAG_META,
        TAG_LINK,
        TAG_H1,
        TAG_BODY,
};

typedef struct {
        const char *name;
        uint16_t flags;
        uint8_t id;
        uint8_t drop_reason; /* for TF_DROP / TF_SOFT, see reasons[] */
} tag_info_t;

/* Why something was removed; the names appear in doc->notes. */
enum {
        R_NONE = 0,
        R_TAG,      /* script, style, media, form controls */
        R_NAV,      /* nav, menus, breadcrumbs, pagination */
        R_ASIDE,    /* aside, sidebar */
        R_FOOTER,   /* footer */
        R_FORM,     /* form */
        R_HIDDEN,   /* hidden attr, aria-hidden, display:none, sr-only */
        R_COMMENTS, /* comment sections */
        R_SHARE,    /* share/social widgets */
        R_RELATED,  /* related/recommended/popular */
        R_AD,       /* ads, sponsors, promos, banners */
        R_SUBSCRIBE, /* newsletter, paywall, login */
        R_COOKIE,   /* cookie/consent */
        R_META,     /* bylines, dates, tags, author boxes */
        R_CAPTION,  /* figures and captions */
        R_POPUP,    /* modals, overlays */
        R_WIDGET,   /* toolbars, ratings, search */
        R__COUNT
};

static const char *const reasons[R__COUNT] = {
    [R_NONE] = "none",        [R_TAG] = "tag",
    [R_NAV] = "nav",          [R_ASIDE] = "aside",
    [R_FOOTER] = "footer",    [R_FORM] = "form",
    [R_HIDDEN] = "hidden",    [R_COMMENTS] = "comments",
    [R_SHARE] = "share",      [R_RELATED] = "related",
    [R_AD] = "ad",            [R_SUBSCRIBE] = "subscribe",
    [R_COOKIE] = "cookie",    [R_META] = "meta",
    [R_CAPTION] = "caption",  [R_POPUP] = "popup",
    [R_WIDGET] = "widget",
};

static const tag_info_t tag_table[] = {
    /*
     * Never content. Only raw-text and empty elements are skipped outright:
     * an element with children (noscript, iframe, select...) is dropped
     * with the boilerplate of step 3 instead, so that an unclosed one that
     * swallowed the rest of the page (libxml2 parses <noscript> content as
     * markup) is kept when it holds the article.
     */
    {"script", TF_DROP, TAG_SCRIPT, R_TAG},
    {"style", TF_DROP, TAG_STYLE, R_TAG},
    {"noscript", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"template", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"head", 0, TAG_HEAD, 0},
    {"title", TF_DROP, TAG_TITLE, R_TAG},
    {"meta", TF_DROP, TAG_META, R_TAG},
    {"link", TF_DROP, TAG_LINK, R_TAG},
    {"iframe", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"frame", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"frameset", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"object", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"embed", TF_DROP, 0, R_TAG},
    {"applet", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"canvas", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"svg", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"math", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"video", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"audio", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"source", TF_DROP, 0, R_TAG},
    {"track", TF_DROP, 0, R_TAG},
    {"picture", TF_DROP, 0, R_TAG},
    {"map", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"area", TF_DROP, 0, R_TAG},
    {"img", TF_DROP, 0, R_TAG},
    {"input", TF_DROP, 0, R_TAG},
    {"button", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"select", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"option", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"optgroup", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"textarea", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"datalist", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"output", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"progress", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"meter", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"dialog", TF_BLOCK | TF_SOFT, 0, R_POPUP},
    {"menu", TF_BLOCK | TF_SOFT, 0, R_NAV},
    {"menuitem", TF_BLOCK | TF_SOFT, 0, R_NAV},
    {"label", TF_BLOCK | TF_SOFT, 0, R_TAG},
    {"fieldset", TF_BLOCK | TF_SOFT, 0, R_FORM},
    {"legend", TF_BLOCK | TF_SOFT, 0, R_FORM},
    {"rt", TF_DROP, 0, R_TAG},
    {"rp", TF_DROP, 0, R_TAG},
    /* boilerplate by tag unless it holds the article */
    {"nav", TF_BLOCK | TF_SOFT, 0, R_NAV},
    {"aside", TF_BLOCK | TF_SOFT, 0, R_ASIDE},
    {"footer", TF_BLOCK | TF_SOFT, 0, R_FOOTER},
    {"form", TF_BLOCK | TF_SOFT, 0, R_FORM},
    {"figure", TF_BLOCK | TF_SOFT | TF_FIGURE, 0, R_CAPTION},
    {"figcaption", TF_BLOCK | TF_SOFT | TF_FIGURE, 0, R_CAPTION},
    /* block structure */
    {"html", TF_BLOCK, TAG_HTML, 0},
    {"body", TF_BLOCK, TAG_BODY, 0},
    {"div", TF_BLOCK, 0, 0},
    {"p", TF_BLOCK | TF_PARA, 0, 0},
    {"section", TF_BLOCK, 0, 0},
    {"article", TF_BLOCK | TF_SECTION, 0, 0},
    {"main", TF_BLOCK | TF_SECTION, 0, 0},
    {"header", TF_BLOCK | TF_HEADER, 0, 0},
    {"hgroup", TF_BLOCK | TF_HEADER, 0, 0},
    {"address", TF_BLOCK, 0, 0},
    {"center", TF_BLOCK, 0, 0},
    {"details", TF_BLOCK, 0, 0},
    {"summary", TF_BLOCK, 0, 0},
    {"h1", TF_BLOCK | TF_HEADING, TAG_H1, 0},
    {"h2", TF_BLOCK | TF_HEADING, 0, 0},
    {"h3", TF_BLOCK | TF_HEADING, 0, 0},
    {"h4", TF_BLOCK | TF_HEADING, 0, 0},
    {"h5", TF_BLOCK | TF_HEADING, 0, 0},
    {"h6", TF_BLOCK | TF_HEADING, 0, 0},
    {"ul", TF_BLOCK, 0, 0},
    {"ol", TF_BLOCK, 0, 0},
    {"dl", TF_BLOCK, 0, 0},
    {"dir", TF_BLOCK, 0, 0},
    {"li", TF_BLOCK | TF_ITEM, 0, 0},
    {"dt", TF_BLOCK | TF_ITEM, 0, 0},
    {"dd", TF_BLOCK | TF_ITEM, 0, 0},
    {"table", TF_BLOCK, 0, 0},
    {"caption", TF_BLOCK, 0, 0},
    {"thead", TF_BLOCK, 0, 0},
    {"tbody", TF_BLOCK, 0, 0},
    {"tfoot", TF_BLOCK, 0, 0},
    {"tr", TF_BLOCK, 0, 0},
    {"td", TF_BLOCK | TF_CELL, 0, 0},
    {"th", TF_BLOCK | TF_CELL, 0, 0},
    {"blockquote", TF_BLOCK | TF_QUOTE, 0, 0},
    {"pre", TF_BLOCK | TF_PRE, 0, 0},
    {"hr", TF_BLOCK, 0, 0},
    {"br", TF_BR, 0, 0},
    /* inline with a meaning */
    {"a", TF_LINK, 0, 0},
    {"time", TF_TIME, 0, 0},
};

#define TAG_SLOTS 256
static const tag_info_t *tag_slots[TAG_SLOTS];
static const tag_info_t tag_inline = {"", 0, TAG_OTHER, 0};

/* ------------------------------------------------------------------ */
/* Class / id hints                                                    */
/* ------------------------------------------------------------------ */

/*
 * Hint flags of an element, from its class, id, role and itemprop. H_POS
 * and H_STRONG are content hints; the others name a kind of boilerplate and
 * map to a removal reason.
 */
enum {
        H_POS = 1u << 0,    /* article, content, entry, post, story... */
        H_STRONG = 1u << 1, /* the article body itself: articleBody... */
        H_COMMENT = 1u << 2,
        H_SHARE = 1u << 3,
        H_RELATED = 1u << 4,
        H_NAV = 1u << 5,
        H_FOOTER = 1u << 6,
        H_SIDEBAR = 1u << 7,
        H_AD = 1u << 8,
        H_SUBSCRIBE = 1u << 9,
        H_COOKIE = 1u << 10,
        H_HIDDEN = 1u << 11,
        H_META = 1u << 12,
        H_CAPTION = 1u << 13,
        H_POPUP = 1u << 14,
        H_WIDGET = 1u << 15,
        H_HEADER = 1u << 16, /* weak: page header, masthead */
        H_TEASER = 1u << 17, /* weak: teaser */
        H_NONE = 1u << 18,   /* matched, means nothing (hidden-xs) */
};

#define H_DROP_MASK                                                        \
        (H_COMMENT | H_SHARE | H_RELATED | H_NAV | H_FOOTER | H_SIDEBAR |  \
         H_AD | H_SUBSCRIBE | H_COOKIE | H_HIDDEN | H_META | H_CAPTION |   \
         H_POPUP | H_WIDGET)

/*
 * Boundaries a keyword needs: at its start or end a non-alnum byte or the
 * edge; KB_CEND: its end must close the class token (space, edge, or a
 * generated hash suffix). Article-body words need it because BEM names
 * the parts of a block after it: "ArticleBody-byline" is a byline. The
 * last is for words that CMSs also use as prefixes of taxonomy classes
 * (KB_CSTART: its start must open the class token, for words that are also
 * modifiers: "ad-slot" is an ad, "section--has-ads" is not):
 * WordPress puts "category-news tag-x status-publish" on the <article>
 * itself, while "entry-meta" and "post-tags" are the boilerplate.
 */
enum { KB_START = 1, KB_END = 2, KB_TOKEN = 3, KB_CEND = 4, KB_CSTART = 8 };

typedef struct {
        const char *kw;
        uint8_t bound;
        uint32_t flags;
} hint_word_t;

/*
 * Lower-case keywords matched inside class and id values, longest match at
 * each position. Short or ambiguous words must be whole tokens ("ad" in
 * "ad-slot" but not in "header"). The lists follow what readability,
 * trafilatura and boilerpipe use, plus the German words of our sites' CMSs.
 */
static const hint_word_t hint_words[] = {
    /* the article body */
    {"articlebody", KB_CEND, H_STRONG | H_POS},
    {"article-body", KB_CEND, H_STRONG | H_POS},
    {"article_body", KB_CEND, H_STRONG | H_POS},
    {"article__body", KB_CEND, H_STRONG | H_POS},
    {"articlecontent", KB_CEND, H_STRONG | H_POS},
    {"article-content", KB_CEND, H_STRONG | H_POS},
    {"article_content", KB_CEND, H_STRONG | H_POS},
    {"article__content", KB_CEND, H_STRONG | H_POS},
    {"articletext", KB_CEND, H_STRONG | H_POS},
    {"article-text", KB_CEND, H_STRONG | H_POS},
    {"article_text", KB_CEND, H_STRONG | H_POS},
    {"article__text", KB_CEND, H_STRONG | H_POS},
    {"entry-content", KB_CEND, H_STRONG | H_POS},
    {"entry_content", KB_CEND, H_STRONG | H_POS},
    {"entrycontent", KB_CEND, H_STRONG | H_POS},
    {"entry-body", KB_CEND, H_STRONG | H_POS},
    {"post-content", KB_CEND, H_STRONG | H_POS},
    {"post_content", KB_CEND, H_STRONG | H_POS},
    {"postcontent", KB_CEND, H_STRONG | H_POS},
    {"post-body", KB_CEND, H_STRONG | H_POS},
    {"post_body", KB_CEND, H_STRONG | H_POS},
    {"postbody", KB_CEND, H_STRONG | H_POS},
    {"post-text", KB_CEND, H_STRONG | H_POS},
    {"post_text", KB_CEND, H_STRONG | H_POS},
    {"posttext", KB_CEND, H_STRONG | H_POS},
    {"post-entry", KB_CEND, H_STRONG | H_POS},
    {"postentry", KB_CEND, H_STRONG | H_POS},
    {"story-body", KB_CEND, H_STRONG | H_POS},
    {"storybody", KB_CEND, H_STRONG | H_POS},
    {"story-content", KB_CEND, H_STRONG | H_POS},
    {"storycontent", KB_CEND, H_STRONG | H_POS},
    {"story-text", KB_CEND, H_STRONG | H_POS},
    {"body-text", KB_CEND, H_STRONG | H_POS},
    {"bodytext", KB_CEND, H_STRONG | H_POS},
    {"body-copy", KB_CEND, H_STRONG | H_POS},
    {"bodycopy", KB_CEND, H_STRONG | H_POS},
    {"content-body", KB_CEND, H_STRONG | H_POS},
    {"contentbody", KB_CEND, H_STRONG | H_POS},
    {"content__body", KB_CEND, H_STRONG | H_POS},
    {"text-body", KB_CEND, H_STRONG | H_POS},
    {"textbody", KB_CEND, H_STRONG | H_POS},
    {"copytext", KB_CEND, H_STRONG | H_POS},
    {"copy-text", KB_CEND, H_STRONG | H_POS},
    {"rich-text", KB_CEND, H_STRONG | H_POS},
    {"richtext", KB_CEND, H_STRONG | H_POS},
    {"artikel-text", KB_CEND, H_STRONG | H_POS},
    {"artikeltext", KB_CEND, H_STRONG | H_POS},
    {"news-text", KB_CEND, H_STRONG | H_POS},
    {"newstext", KB_CEND, H_STRONG | H_POS},
    {"field-name-body", KB_CEND, H_STRONG | H_POS},
    {"field-body", KB_CEND, H_STRONG | H_POS},
    {"single-content", KB_CEND, H_STRONG | H_POS},
    {"blog-content", KB_CEND, H_STRONG | H_POS},
    {"mw-parser-output", KB_CEND, H_STRONG | H_POS},
    /* content, weakly */
    {"article", 0, H_POS},
    {"artikel", 0, H_POS},
    {"beitrag", 0, H_POS},
    {"inhalt", 0, H_POS},
    {"content", 0, H_POS},
    {"entry", 0, H_POS},
    {"hentry", 0, H_POS},
    {"post", KB_START, H_POS},
    {"story", 0, H_POS},
    {"blog", 0, H_POS},
    {"text", KB_TOKEN, H_POS},
    {"body", KB_TOKEN, H_POS},
    {"main", KB_START, H_POS},
    /* comments */
    {"comment", 0, H_COMMENT},
    {"kommentar", 0, H_COMMENT},
    {"disqus", 0, H_COMMENT},
    {"respond", 0, H_COMMENT},
    {"reply", 0, H_COMMENT},
    {"replies", 0, H_COMMENT},
    /* sharing */
    {"share", 0, H_SHARE},
    {"no-share", 0, H_NONE},
    {"sharing", 0, H_SHARE},
    {"social", 0, H_SHARE},
    {"sociable", 0, H_SHARE},
    {"shariff", 0, H_SHARE},
    {"addthis", 0, H_SHARE},
    {"addtoany", 0, H_SHARE},
    {"a2a", KB_TOKEN, H_SHARE},
    {"teilen", 0, H_SHARE},
    {"print", KB_START | KB_CEND, H_SHARE},
    {"whatsapp", 0, H_SHARE},
    {"pinterest", 0, H_SHARE},
    {"linkedin", 0, H_SHARE},
    {"tweet", KB_START, H_SHARE},
    /* related and recommended */
    {"related", 0, H_RELATED},
    {"recommend", 0, H_RELATED},
    {"empfehlung", 0, H_RELATED},
    {"more-stories", 0, H_RELATED},
    {"morestories", 0, H_RELATED},
    {"more-articles", 0, H_RELATED},
    {"more-news", 0, H_RELATED},
    {"read-next", 0, H_RELATED},
    {"readnext", 0, H_RELATED},
    {"also-read", 0, H_RELATED},
    {"most-popular", 0, H_RELATED},
    {"mostpopular", 0, H_RELATED},
    {"most-read", 0, H_RELATED},
    {"mostread", 0, H_RELATED},
    {"meistgelesen", 0, H_RELATED},
    {"popular", 0, H_RELATED},
    {"trending", 0, H_RELATED},
    {"outbrain", 0, H_RELATED},
    {"taboola", 0, H_RELATED},
    {"plista", 0, H_RELATED},
    {"ligatus", 0, H_RELATED},
    {"zergnet", 0, H_RELATED},
    {"see-also", 0, H_RELATED},
    {"nextstory", 0, H_RELATED},
    {"next-story", 0, H_RELATED},
    {"next-post", 0, H_RELATED},
    {"nextpost", 0, H_RELATED},
    {"next-article", 0, H_RELATED},
    {"cta", KB_TOKEN, H_SUBSCRIBE},
    {"ugc", KB_TOKEN, H_COMMENT},
    {"affiliate", 0, H_AD},
    {"toc_container", 0, H_NAV},
    {"toc-container", 0, H_NAV},
    {"table-of-contents", 0, H_NAV},
    {"inhaltsverzeichnis", 0, H_NAV},
    {"teaser", 0, H_TEASER},
    /* navigation */
    {"nav", KB_START, H_NAV},
    {"subnav", 0, H_NAV},
    {"topnav", 0, H_NAV},
    {"mainnav", 0, H_NAV},
    {"menu", 0, H_NAV},
    {"breadcrumb", 0, H_NAV},
    {"bread-crumb", 0, H_NAV},
    {"pagination", 0, H_NAV},
    {"pager", KB_TOKEN, H_NAV},
    {"paging", KB_TOKEN, H_NAV},
    {"toc", KB_START | KB_CEND, H_NAV},
    {"skip-link", 0, H_NAV},
    {"skiplink", 0, H_NAV},
    {"skip-to", 0, H_NAV},
    {"skipto", 0, H_NAV},
    {"skip-nav", 0, H_NAV},
    /* footer */
    {"footer", 0, H_FOOTER},
    {"colophon", 0, H_FOOTER},
    {"copyright", 0, H_FOOTER},
    {"site-info", 0, H_FOOTER},
    /* sidebars and widgets */
    {"sidebar", 0, H_SIDEBAR},
    {"side-bar", 0, H_SIDEBAR},
    {"sidebox", 0, H_SIDEBAR},
    {"rail", KB_TOKEN, H_SIDEBAR},
    {"aside", KB_TOKEN, H_SIDEBAR},
    {"widget", 0, H_WIDGET},
    {"elementor-widget", 0, H_NONE}, /* page builders wrap everything */
    {"toolbar", 0, H_WIDGET},
    {"tools", KB_START | KB_CEND, H_WIDGET},
    {"rating", KB_START, H_WIDGET},
    {"bookmark", 0, H_WIDGET},
    {"rss", KB_TOKEN, H_WIDGET},
    {"search", KB_START, H_WIDGET},
    {"login", 0, H_SUBSCRIBE},
    /* ads */
    {"ad", KB_CSTART | KB_END, H_AD},
    {"ads", KB_CSTART | KB_END, H_AD},
    {"advert", 0, H_AD},
    {"adsbygoogle", 0, H_AD},
    {"adsense", 0, H_AD},
    {"adslot", 0, H_AD},
    {"adunit", 0, H_AD},
    {"anzeige", 0, H_AD},
    {"werbung", 0, H_AD},
    {"sponsor", 0, H_AD},
    {"promo", KB_START | KB_END, H_AD},
    {"banner", KB_START | KB_END, H_AD},
    {"commercial", KB_TOKEN, H_AD},
    {"dfp", KB_TOKEN, H_AD},
    /* newsletter, paywall */
    {"newsletter", 0, H_SUBSCRIBE},
    {"subscri", 0, H_SUBSCRIBE},
    {"signup", 0, H_SUBSCRIBE},
    {"sign-up", 0, H_SUBSCRIBE},
    {"paywall", 0, H_SUBSCRIBE},
    {"register", KB_TOKEN, H_SUBSCRIBE},
    /* cookies */
    {"cookie", 0, H_COOKIE},
    {"consent", 0, H_COOKIE},
    {"gdpr", 0, H_COOKIE},
    {"cmp", KB_TOKEN, H_COOKIE},
    {"privacy", 0, H_COOKIE},
    {"onetrust", 0, H_COOKIE},
    {"didomi", 0, H_COOKIE},
    {"usercentrics", 0, H_COOKIE},
    /* hidden */
    {"hidden", KB_CSTART | KB_CEND, H_HIDDEN},
    {"hidden-xs", KB_TOKEN, H_NONE},
    {"hidden-sm", KB_TOKEN, H_NONE},
    {"hidden-md", KB_TOKEN, H_NONE},
    {"hidden-lg", KB_TOKEN, H_NONE},
    {"hidden-print", KB_TOKEN, H_NONE},
    {"overflow-hidden", 0, H_NONE},
    {"label-hidden", 0, H_NONE},
    {"title-hidden", 0, H_NONE},
    {"overflow-x-hidden", 0, H_NONE},
    {"overflow-y-hidden", 0, H_NONE},
    {"sr-only", 0, H_HIDDEN},
    {"screen-reader", 0, H_HIDDEN},
    {"visually-hidden", 0, H_HIDDEN},
    {"visuallyhidden", 0, H_HIDDEN},
    {"offscreen", 0, H_HIDDEN},
    {"invisible", KB_TOKEN, H_HIDDEN},
    {"element-invisible", 0, H_HIDDEN},
    {"d-none", KB_TOKEN, H_HIDDEN},
    {"print-only", 0, H_HIDDEN},
    {"printonly", 0, H_HIDDEN},
    /* bylines, dates, tags */
    {"byline", 0, H_META},
    {"author", KB_CEND, H_META},
    {"avatar", 0, H_META},
    {"dateline", 0, H_META},
    {"date", KB_START | KB_CEND, H_META},
    {"timestamp", 0, H_META},
    {"time", KB_START | KB_CEND, H_META},
    {"meta", KB_START | KB_CEND, H_META},
    {"tags", KB_START | KB_CEND, H_META},
    {"tag", KB_START | KB_CEND, H_META},
    {"taglist", 0, H_META},
    {"tagcloud", 0, H_META},
    {"tag-cloud", 0, H_META},
    {"keywords", KB_START | KB_CEND, H_META},
    {"categories", KB_START | KB_CEND, H_META},
    {"category", KB_START | KB_CEND, H_META},
    {"cat-links", 0, H_META},
    {"post-info", 0, H_META},
    {"postinfo", 0, H_META},
    {"article-info", 0, H_META},
    {"entry-info", 0, H_META},
    {"infoline", 0, H_META},
    {"autor", KB_CEND, H_META},
    {"author-", KB_START, H_META},
    {"author_", KB_START, H_META},
    {"bio", KB_TOKEN, H_META},
    {"saboxplugin", 0, H_META},
    {"author-box", 0, H_META},
    {"authorbox", 0, H_META},
    {"author-bio", 0, H_META},
    {"author-info", 0, H_META},
    {"about-author", 0, H_META},
    {"published", KB_START | KB_CEND, H_META},
    {"posted-on", 0, H_META},
    {"credit", 0, H_META},
    /* captions */
    {"caption", 0, H_CAPTION},
    {"bildunterschrift", 0, H_CAPTION},
    /* popups */
    {"modal", 0, H_POPUP},
    {"popup", 0, H_POPUP},
    {"pop-up", 0, H_POPUP},
    {"overlay", 0, H_POPUP},
    {"lightbox", 0, H_POPUP},
    {"tooltip", 0, H_POPUP},
    {"flyout", 0, H_POPUP},
    /* page header */
    {"site-header", 0, H_NAV},
    {"masthead", 0, H_NAV},
    {"header", 0, H_HEADER},
    {"topbar", 0, H_HEADER},
    {"branding", 0, H_HEADER},
};

#define N_HINT_WORDS (sizeof(hint_words) / sizeof(hint_words[0]))

/*
 * A trie over [a-z0-9_-] of the keywords. A hand-written matcher because it
 * is the hot path (every class and id of every element) and a 100-way
 * PCRE2 alternation retried at every offset costs ~10x more.
 */
#define TRIE_ALPHA 38
#define TRIE_MAX 2048
static int16_t trie_next[TRIE_MAX][TRIE_ALPHA];
static int16_t trie_word[TRIE_MAX]; /* index into hint_words, -1 = none */
static int trie_nodes;
static int8_t trie_char[256]; /* byte -> trie symbol, -1 = not a symbol */

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_build(void)
{
        /* tag lookup */
        for (size_t i = 0; i < sizeof(tag_table) / sizeof(tag_table[0]); i++) {
                const char *n = tag_table[i].name;
                size_t slot = XXH3_64bits(n, strlen(n)) & (TAG_SLOTS - 1);
                while (tag_slots[slot]) {
                        slot = (slot + 1) & (TAG_SLOTS - 1);
                }
                tag_slots[slot] = &tag_table[i];
        }
        /* trie alphabet: letters case-folded */
        memset(trie_char, -1, sizeof(trie_char));
        for (int c = 'a'; c <= 'z'; c++) {
                trie_char[c] = (int8_t)(c - 'a');
                trie_char[c - 'a' + 'A'] = (int8_t)(c - 'a');
        }
        for (int c = '0'; c <= '9'; c++) {
                trie_char[c] = (int8_t)(26 + c - '0');
        }
        trie_char['-'] = 36;
        trie_char['_'] = 37;
        memset(trie_next, -1, sizeof(trie_next));
        memset(trie_word, -1, sizeof(trie_word));
        trie_nodes = 1;
        for (size_t w = 0; w < N_HINT_WORDS; w++) {
                int node = 0;
                for (const char *p = hint_words[w].kw; *p; p++) {
                        int sym = trie_char[(unsigned char)*p];
                        if (trie_next[node][sym] < 0) {
                                trie_next[node][sym] = (int16_t)trie_nodes++;
                        }
                        node = trie_next[node][sym];
                }
                trie_word[node] = (int16_t)w;
        }
        xmlInitParser();
}

static const tag_info_t *tag_lookup(const xmlChar *name)
{
        size_t len = strlen((const char *)name);
        size_t slot = XXH3_64bits(name, len) & (TAG_SLOTS - 1);
        while (tag_slots[slot]) {
                if (!strcmp(tag_slots[slot]->name, (const char *)name)) {
                        return tag_slots[slot];
                }
                slot = (slot + 1) & (TAG_SLOTS - 1);
        }
        return &tag_inline;
}

static int is_alnum(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
}

/*
 * Does s start at the end of a class token? Also true when only a
 * generated suffix follows: CSS modules append "-1xN5M" or "__3oCVw"
 * (1-2 separators, 3-8 alnum, a digit or capital among them).
 */
static int token_end(const char *s)
{
        if (!*s || *s == ' ' || *s == '\t') {
                return 1;
        }
        size_t i = 0, n = 0;
        int mark = 0;
        while (i < 2 && (s[i] == '-' || s[i] == '_')) {
                i++;
        }
        if (!i) {
                return 0;
        }
        for (; is_alnum((unsigned char)s[i + n]); n++) {
                mark |= (s[i + n] >= '0' && s[i + n] <= '9') || (s[i + n] >= 'A' && s[i + n] <= 'Z');
        }
        return n >= 3 && n <= 8 && mark && (!s[i + n] || s[i + n] == ' ' || s[i + n] == '\t');
}

/*
 * "with-sidebar", "has-ads", "no-comments", "below-banner": a layout
 * modifier describing the page around the element, not the element.
 */
static int layout_modifier(const char *s, size_t i)
{
        static const char *const mods[] = {"with-", "has-", "no-", "without-", "below-",
                                           "above-", "after-", "before-", "under-", "with_",
                                           "has_", "no_"};
        for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++) {
                size_t n = strlen(mods[m]);
                if (i >= n && !strncasecmp(s + i - n, mods[m], n) &&
                    (i == n || !is_alnum((unsigned char)s[i - n - 1]))) {
                        return 1;
                }
        }
        return 0;
}

/* Hint flags of one attribute value (class or id). */
static uint32_t hint_match(const char *s)
{
        uint32_t flags = 0;
        for (size_t i = 0; s[i]; i++) {
                int node = 0, best = -1;
                size_t best_end = 0;
                for (size_t j = i; s[j]; j++) {
                        int sym = trie_char[(unsigned char)s[j]];
                        if (sym < 0 || (node = trie_next[node][sym]) < 0) {
                                break;
                        }
                        int w = trie_word[node];
                        if (w >= 0) {
                                uint8_t b = hint_words[w].bound;
                                if ((b & KB_START) && i > 0 &&
                                    is_alnum((unsigned char)s[i - 1])) {
                                        continue;
                                }
                                if ((b & KB_END) &&
                                    is_alnum((unsigned char)s[j + 1])) {
                                        continue;
                                }
                                if ((b & KB_CSTART) && i > 0 && s[i - 1] != ' ' &&
                                    s[i - 1] != '\t') {
                                        continue;
                                }
                                if ((b & KB_CEND) && !token_end(s + j + 1)) {
                                        continue;
                                }
                                best = w;
                                best_end = j;
                        }
                }
                if (best >= 0) {
                        /* leftmost-longest, no overlaps: "overflow-hidden"
                           must not also match "hidden" */
                        if (!layout_modifier(s, i)) {
                                flags |= hint_words[best].flags;
                        }
                        i = best_end;
                }
        }
        return flags;
}

/* ------------------------------------------------------------------ */
/* Extraction state                                                    */
/* ------------------------------------------------------------------ */

/* Frame flags: context inherited by everything inside an element. */
enum {
        FF_LINK = 1 << 0,    /* inside <a>: counts as link text */
        FF_HEADER = 1 << 1,  /* inside <header> or a header hint */
        FF_HEADING = 1 << 2, /* inside h1-h6 */
        FF_SECTION = 1 << 3, /* inside article/main */
};

/* What a dropped element's text is captured for. */
enum { CAP_NONE = 0, CAP_TITLE, CAP_LDJSON };

/* Block kinds, from the element that owns the block. */
enum { K_DIV = 0, K_P, K_H1, K_H, K_LI, K_TD, K_PRE, K_QUOTE };

/* Block classes (jusText's, with "bad" split by cause). */
enum { C_GOOD = 0, C_NEAR, C_SHORT, C_BAD, C_LINKS };

typedef struct {
#ifdef NF_HTML_EXTRACT_DEBUG
        char desc[96];       /* tag#id.class, for bench/html_blocks.c */
#endif
        int parent;          /* elem index, -1 for the root */
        uint32_t first_block; /* blocks of the subtree: [first, end) */
        uint32_t end_block;
        uint32_t end_elem;   /* elems of the subtree: [self, end) */
        uint32_t hints;
        uint16_t tflags;     /* TF_* of the tag */
        uint8_t drop;        /* R_* when removed */
        uint8_t tag;         /* TAG_* */
} elem_t;

typedef struct {
        uint32_t off, len;  /* bytes in ex->text */
        uint32_t chars;     /* code points */
        uint32_t link_chars;
        uint16_t words;
        uint16_t stops[NF_SW__COUNT];
        uint16_t fflags;    /* FF_* at the block */
        int owner;          /* innermost recorded block elem */
        uint8_t kind;
        uint8_t cls;
        uint8_t drop;       /* R_* or one of the D_* below */
        uint8_t end_punct;  /* last char is . ! ? : " or similar */
        float mass;
} block_t;

/* Block-level removal reasons inside the container (notes). */
enum {
        D_OUTSIDE = R__COUNT, /* outside the chosen container */
        D_LINKS,              /* link list */
        D_PHRASE,             /* boilerplate line ("Share", "Anzeige") */
        D_EDGE,               /* short non-prose run at top or bottom */
        D_LONELY,             /* heading of a removed section */
        D_LOOSE,              /* short loose text in a div on a <p> page */
        D_REPEAT,             /* a second copy of a kept block */
        D__COUNT
};

/* One open element in <body>: every start event pushes one, its end pops it. */
typedef struct {
        int elem;   /* recorded elem of this node, -1 if not recorded */
        int rec;    /* nearest recorded elem, this one or an ancestor */
        int owner;  /* innermost recorded block elem */
        uint16_t fflags;
        uint16_t tflags;
} frame_t;

typedef struct ex_s {
        int max_depth;
        size_t max_blocks;

        elem_t *elems;
        size_t nelems, elems_cap;
        block_t *blocks;
        size_t nblocks, blocks_cap;
        char *text;
        size_t text_len, text_cap;
        frame_t *stack;
        size_t depth, stack_cap;

        /* the block being built */
        size_t cur_off;
        uint32_t cur_chars, cur_links;
        int pending; /* 0 none, 1 space, 2 newline */

        int too_deep, too_many, oom, timed_out;
        uint64_t deadline_ns; /* 0 = none */
        unsigned starts;      /* start events, to poll the clock */

        /* SAX state */
        xmlParserCtxtPtr ctxt;
        int in_body; /* between <body> and its end */
        int skip;    /* > 0: inside a dropped element, its nesting depth */
        char *cap;   /* text captured from a dropped element */
        size_t cap_len, cap_cap;
        int cap_kind; /* CAP_* */

        /* metadata candidates (malloc'd) */
        char *m_title, *m_og_title, *m_h1, *m_ld_headline;
        char *m_pub, *m_ld_pub, *m_time, *m_time_any, *m_itemprop_pub;
        char *m_canonical, *m_og_url;
        char *m_lang, *m_meta_lang;
        char *m_desc, *m_og_desc;
        char *m_site_name;
        char charset[32];

        unsigned removed[D__COUNT]; /* elements or blocks, by reason */
        unsigned protected_subtrees;
        int lang;            /* nf_sw_lang_t of the page, -1 unknown */
} ex_t;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static void set_err(char *reason, size_t reason_size, char *errstr,
                    size_t errstr_size, const char *r, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void set_err(char *reason, size_t reason_size, char *errstr,
                    size_t errstr_size, const char *r, const char *fmt, ...)
{
        va_list ap;
        if (reason && reason_size) {
                snprintf(reason, reason_size, "%s", r);
        }
        if (errstr && errstr_size) {
                va_start(ap, fmt);
                vsnprintf(errstr, errstr_size, fmt, ap);
                va_end(ap);
        }
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
        if (need <= *cap) {
                return 0;
        }
        size_t ncap = *cap ? *cap * 2 : 64;
        while (ncap < need) {
                ncap *= 2;
        }
        void *np = realloc(*p, ncap * size);
        if (!np) {
                return -1;
        }
        *p = np;
        *cap = ncap;
        return 0;
}

/* Borrowed value of attribute name in a SAX attribute list, or NULL; ""
 * for an attribute without a value ("hidden"). */
static const char *att_get(const xmlChar **atts, const char *name)
{
        for (size_t i = 0; atts && atts[i]; i += 2) {
                if (!strcmp((const char *)atts[i], name)) {
                        return atts[i + 1] ? (const char *)atts[i + 1] : "";
                }
        }
        return NULL;
}

/* Copy of s with whitespace collapsed and trimmed; NULL when empty. */
static char *dup_clean(const char *s)
{
        if (!s) {
                return NULL;
        }
        size_t n = strlen(s);
        char *out = malloc(n + 1);
        if (!out) {
                return NULL;
        }
        size_t o = 0;
        int space = 0;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                    c == '\f' || c == '\v') {
                        space = 1;
                        continue;
                }
                if (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0) {
                        space = 1;
                        i++;
                        continue;
                }
                if (space && o) {
                        out[o++] = ' ';
                }
                space = 0;
                out[o++] = (char)c;
        }
        out[o] = '\0';
        if (!o) {
                free(out);
                return NULL;
        }
        return out;
}

static void set_once(char **slot, const char *value)
{
        if (!*slot && value) {
                *slot = dup_clean(value);
        }
}

static int ascii_ieq(const char *a, const char *b)
{
        return a && !strcasecmp(a, b);
}

static int ascii_iprefix(const char *s, const char *prefix)
{
        return s && !strncasecmp(s, prefix, strlen(prefix));
}

/* ------------------------------------------------------------------ */
/* Input checks and encodings                                          */
/* ------------------------------------------------------------------ */

/*
 * Binary junk: gzip/zip/PDF/image magic, a NUL byte in the first 1 KB (no
 * page starts that way; UTF-16 without a BOM does, and is not supported),
 * or more than 1% of C0 control bytes other than tab, newline, carriage
 * return and form feed. A few stray NULs deep inside a real page happen
 * (ad snippets pasted from binary); *nuls counts them for the caller.
 */
static int looks_binary(const unsigned char *s, size_t len, size_t *nuls)
{
        *nuls = 0;
        if (len >= 2 && s[0] == 0x1f && s[1] == 0x8b) {
                return 1;
        }
        if (len >= 4 && (!memcmp(s, "PK\x03\x04", 4) || !memcmp(s, "%PDF", 4) ||
                         !memcmp(s, "\x89PNG", 4) || !memcmp(s, "\xff\xd8\xff", 3) ||
                         !memcmp(s, "GIF8", 4) || !memcmp(s, "\x28\xb5\x2f\xfd", 4))) {
                return 1;
        }
        size_t ctrl = 0;
        for (size_t i = 0; i < len; i++) {
                /* 8 bytes at a time while none is below 0x20 */
                while (i + 8 <= len) {
                        uint64_t v;
                        memcpy(&v, s + i, 8);
                        if ((v - 0x2020202020202020ull) & ~v & 0x8080808080808080ull) {
                                break;
                        }
                        i += 8;
                }
                if (i >= len) {
                        break;
                }
                unsigned char c = s[i];
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
                    c != '\f') {
                        if (c == 0) {
                                if (i < 1024) {
                                        return 1;
                                }
                                (*nuls)++;
                        }
                        ctrl++;
                }
        }
        return ctrl * 100 > len;
}

/* Length of the valid UTF-8 sequence at s (1-4), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
        unsigned char c = s[0];
        if (c < 0x80) {
                return 1;
        }
        if (c >= 0xC2 && c <= 0xDF) {
                return avail >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
        }
        if (c >= 0xE0 && c <= 0xEF) {
                if (avail < 3 || (s[1] & 0xC0) != 0x80 ||
                    (s[2] & 0xC0) != 0x80) {
                        return 0;
                }
                if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F)) {
                        return 0; /* overlong or surrogate */
                }
                return 3;
        }
        if (c >= 0xF0 && c <= 0xF4) {
                if (avail < 4 || (s[1] & 0xC0) != 0x80 ||
                    (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) {
                        return 0;
                }
                if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F)) {
                        return 0;
                }
                return 4;
        }
        return 0;
}

/* 1 valid, 0 invalid; *multibyte set when any non-ASCII sequence seen. */
static int utf8_valid(const unsigned char *s, size_t len, int *multibyte)
{
        size_t i = 0;
        *multibyte = 0;
        while (i < len) {
                /* ASCII fast path, 8 bytes at a time */
                while (i + 8 <= len) {
                        uint64_t v;
                        memcpy(&v, s + i, 8);
                        if (v & 0x8080808080808080ull) {
                                break;
                        }
                        i += 8;
                }
                if (i >= len) {
                        break;
                }
                if (s[i] < 0x80) {
                        i++;
                        continue;
                }
                size_t n = utf8_seq(s + i, len - i);
                if (!n) {
                        return 0;
                }
                *multibyte = 1;
                i += n;
        }
        return 1;
}

/* windows-1252 0x80-0x9F; 0 = undefined (becomes U+FFFD). */
static const uint16_t cp1252_hi[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0,
};

static size_t put_cp(char *o, uint32_t cp)
{
        if (cp < 0x80) {
                o[0] = (char)cp;
                return 1;
        }
        if (cp < 0x800) {
                o[0] = (char)(0xC0 | (cp >> 6));
                o[1] = (char)(0x80 | (cp & 0x3F));
                return 2;
        }
        if (cp < 0x10000) {
                o[0] = (char)(0xE0 | (cp >> 12));
                o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                o[2] = (char)(0x80 | (cp & 0x3F));
                return 3;
        }
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
}

static uint32_t cp1252_cp(unsigned char c)
{
        if (c < 0x80 || c >= 0xA0) {
                return c;
        }
        return cp1252_hi[c - 0x80] ? cp1252_hi[c - 0x80] : 0xFFFD;
}

/*
 * UTF-8 with repair: valid sequences are copied, every other byte is read
 * as windows-1252. With utf8 == 0 every byte is windows-1252. Returns a
 * malloc'd buffer (3 bytes out per byte in at most) or NULL.
 */
static char *decode_1252(const unsigned char *s, size_t len, int utf8,
                         size_t *out_len)
{
        char *out = malloc(len * 3 + 1);
        if (!out) {
                return NULL;
        }
        size_t o = 0;
        for (size_t i = 0; i < len;) {
                size_t n = s[i] < 0x80 ? 1 : (utf8 ? utf8_seq(s + i, len - i) : 0);
                if (n) {
                        memcpy(out + o, s + i, n);
                        o += n;
                        i += n;
                } else {
                        o += put_cp(out + o, cp1252_cp(s[i]));
                        i++;
                }
        }
        out[o] = '\0';
        *out_len = o;
        return out;
}

/* Any charset iconv knows to UTF-8; undecodable bytes become U+FFFD. */
static char *decode_iconv(iconv_t cd, const char *s, size_t len,
                          size_t *out_len)
{
        size_t cap = len * 2 + 16, o = 0;
        char *out = malloc(cap);
        if (!out) {
                return NULL;
        }
        char *in = (char *)s;
        size_t in_left = len;
        while (in_left > 0) {
                char *op = out + o;
                size_t op_left = cap - o - 4;
                size_t r = iconv(cd, &in, &in_left, &op, &op_left);
                o = (size_t)(op - out);
                if (r != (size_t)-1) {
                        break;
                }
                if (errno == E2BIG) {
                        cap *= 2;
                        char *n = realloc(out, cap);
                        if (!n) {
                                free(out);
                                return NULL;
                        }
                        out = n;
                } else if (errno == EILSEQ || errno == EINVAL) {
                        if (cap - o < 8) {
                                cap *= 2;
                                char *n = realloc(out, cap);
                                if (!n) {
                                        free(out);
                                        return NULL;
                                }
                                out = n;
                        }
                        o += put_cp(out + o, 0xFFFD);
                        in++;
                        in_left--;
                } else {
                        break;
                }
        }
        out[o] = '\0';
        *out_len = o;
        return out;
}

/*
 * The declared charset in the first SNIFF_BYTES: the value after the first
 * "charset=" (meta charset or http-equiv content) or an XML declaration's
 * encoding. Lower-cased into buf; "" when none.
 */
static void sniff_charset(const char *s, size_t len, char *buf, size_t size)
{
        buf[0] = '\0';
        if (len > SNIFF_BYTES) {
                len = SNIFF_BYTES;
        }
        const char *p = NULL;
        if (len > 5 && !memcmp(s, "<?xml", 5)) {
                const char *e = memmem(s, len < 200 ? len : 200, "encoding=", 9);
                if (e) {
                        p = e + 9;
                }
        }
        for (size_t i = 0; !p && i + 8 <= len; i++) {
                if ((s[i] | 0x20) == 'c' && !strncasecmp(s + i, "charset", 7)) {
                        size_t j = i + 7;
                        while (j < len && (s[j] == ' ' || s[j] == '\t')) {
                                j++;
                        }
                        if (j < len && s[j] == '=') {
                                p = s + j + 1;
                        }
                }
        }
        if (!p) {
                return;
        }
        const char *end = s + len;
        while (p < end && (*p == ' ' || *p == '"' || *p == '\'')) {
                p++;
        }
        size_t n = 0;
        while (p < end && n + 1 < size &&
               (is_alnum((unsigned char)*p) || *p == '-' || *p == '_' ||
                *p == ':' || *p == '.')) {
                buf[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
                p++;
        }
        buf[n] = '\0';
}

/*
 * Makes the page UTF-8. *out is either html itself (nothing to do) or a
 * buffer stored in *owned that the caller frees. Never fails except on
 * allocation (-1).
 */
static int to_utf8(ex_t *ex, const char *html, size_t len, const char **out,
                   size_t *out_len, char **owned)
{
        const unsigned char *s = (const unsigned char *)html;
        char cs[32];
        int multibyte;

        *owned = NULL;
        if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
                html += 3;
                len -= 3;
                s += 3;
                snprintf(cs, sizeof(cs), "utf-8");
        } else {
                sniff_charset(html, len, cs, sizeof(cs));
        }
        snprintf(ex->charset, sizeof(ex->charset), "%s", cs[0] ? cs : "none");

        int legacy_1252 = !strcmp(cs, "iso-8859-1") || !strcmp(cs, "latin1") ||
                          !strcmp(cs, "latin-1") || !strcmp(cs, "us-ascii") ||
                          !strcmp(cs, "ascii") || !strcmp(cs, "iso8859-1") ||
                          !strcmp(cs, "windows-1252") || !strcmp(cs, "cp1252") ||
                          !strcmp(cs, "x-cp1252") || !strcmp(cs, "iso_8859-1");
        /* a UTF-16 declaration read from ASCII-compatible bytes is wrong
           (real UTF-16 has a BOM, handled before): browsers take UTF-8 too */
        int is_utf8 = !cs[0] || !strcmp(cs, "utf-8") || !strcmp(cs, "utf8") ||
                      !strncmp(cs, "utf-16", 6);

        /* valid UTF-8 is UTF-8 whatever the page declares: pure ASCII reads
           the same in every ASCII-compatible charset, and legacy text
           almost never forms valid multibyte sequences by chance, while
           UTF-8 pages declared as Latin-1 are common */
        if (utf8_valid(s, len, &multibyte)) {
                *out = html;
                *out_len = len;
                return 0;
        }
        if (!is_utf8 && !legacy_1252) {
                iconv_t cd = iconv_open("UTF-8", cs);
                if (cd != (iconv_t)-1) {
                        *owned = decode_iconv(cd, html, len, out_len);
                        iconv_close(cd);
                        if (!*owned) {
                                return -1;
                        }
                        *out = *owned;
                        return 0;
                }
        }
        /* utf-8 with bad bytes, windows-1252, or a charset iconv lacks */
        *owned = decode_1252(s, len, !legacy_1252, out_len);
        if (!*owned) {
                return -1;
        }
        *out = *owned;
        return 0;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                            */
/* ------------------------------------------------------------------ */

static void meta_tag(ex_t *ex, const xmlChar **atts)
{
        const char *content = att_get(atts, "content");
        if (!content) {
                return;
        }
        const char *prop = att_get(atts, "property");
        const char *name = att_get(atts, "name");
        const char *ip = att_get(atts, "itemprop");
        const char *he = att_get(atts, "http-equiv");
        const char *k = prop ? prop : name;
        if (k) {
                if (ascii_ieq(k, "og:title") || ascii_ieq(k, "twitter:title")) {
                        set_once(&ex->m_og_title, content);
                } else if (ascii_ieq(k, "og:url")) {
                        set_once(&ex->m_og_url, content);
                } else if (ascii_ieq(k, "og:description") ||
                           ascii_ieq(k, "twitter:description")) {
                        set_once(&ex->m_og_desc, content);
                } else if (ascii_ieq(k, "description")) {
                        set_once(&ex->m_desc, content);
                } else if (ascii_ieq(k, "og:site_name")) {
                        set_once(&ex->m_site_name, content);
                } else if (ascii_ieq(k, "article:published_time") ||
                           ascii_ieq(k, "og:published_time") ||
                           ascii_ieq(k, "datePublished")) {
                        set_once(&ex->m_pub, content);
                } else if (ascii_ieq(k, "date") || ascii_ieq(k, "pubdate") ||
                           ascii_ieq(k, "publishdate") ||
                           ascii_ieq(k, "publish-date") ||
                           ascii_ieq(k, "dc.date") ||
                           ascii_ieq(k, "dc.date.issued") ||
                           ascii_ieq(k, "dcterms.date") ||
                           ascii_ieq(k, "sailthru.date") ||
                           ascii_ieq(k, "parsely-pub-date")) {
                        set_once(&ex->m_itemprop_pub, content);
                } else if (ascii_ieq(k, "og:locale")) {
                        set_once(&ex->m_meta_lang, content);
                }
        }
        if (ip && ascii_ieq(ip, "datePublished")) {
                set_once(&ex->m_itemprop_pub, content);
        }
        if (he && ascii_ieq(he, "content-language")) {
                set_once(&ex->m_meta_lang, content);
        }
}

static void link_tag(ex_t *ex, const xmlChar **atts)
{
        const char *rel = att_get(atts, "rel");
        const char *href = att_get(atts, "href");
        if (rel && href && ascii_ieq(rel, "canonical") &&
            (ascii_iprefix(href, "http://") || ascii_iprefix(href, "https://"))) {
                set_once(&ex->m_canonical, href);
        }
}

static int ld_type_is_article(json_t *type)
{
        static const char *const kinds[] = {
            "Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
            "AnalysisNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle",
            "TechArticle", "ScholarlyArticle", "LiveBlogPosting", "WebPage",
            "Posting", "SocialMediaPosting", "Review", "BackgroundNewsArticle",
        };
        if (json_is_array(type)) {
                size_t i;
                json_t *t;
                json_array_foreach(type, i, t)
                {
                        if (ld_type_is_article(t)) {
                                return 1;
                        }
                }
                return 0;
        }
        const char *s = json_string_value(type);
        if (!s) {
                return 0;
        }
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                if (!strcmp(s, kinds[i])) {
                        return 1;
                }
        }
        return 0;
}

/* Looks through one JSON-LD value (object, array, @graph) for an article. */
static void ld_visit(ex_t *ex, json_t *v, int level)
{
        if (level > 4) {
                return;
        }
        if (json_is_array(v)) {
                size_t i;
                json_t *e;
                json_array_foreach(v, i, e)
                {
                        ld_visit(ex, e, level + 1);
                }
                return;
        }
        if (!json_is_object(v)) {
                return;
        }
        json_t *graph = json_object_get(v, "@graph");
        if (graph) {
                ld_visit(ex, graph, level + 1);
        }
        if (!ld_type_is_article(json_object_get(v, "@type"))) {
                return;
        }
        set_once(&ex->m_ld_pub, json_string_value(json_object_get(v, "datePublished")));
        set_once(&ex->m_ld_headline, json_string_value(json_object_get(v, "headline")));
}

static void ld_json(ex_t *ex, const char *text)
{
        if (ex->m_ld_pub && ex->m_ld_headline) {
                return;
        }
        json_t *root = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (root) {
                ld_visit(ex, root, 0);
                json_decref(root);
        }
}

/* Text of a skipped element that we still read: <title>, JSON-LD. */
static void capture_start(ex_t *ex, int kind)
{
        ex->cap_kind = kind;
        ex->cap_len = 0;
}

static void capture_add(ex_t *ex, const xmlChar *s, int len)
{
        if (grow((void **)&ex->cap, &ex->cap_cap, ex->cap_len + (size_t)len + 1, 1)) {
                ex->oom = 1;
                return;
        }
        memcpy(ex->cap + ex->cap_len, s, (size_t)len);
        ex->cap_len += (size_t)len;
}

static void capture_end(ex_t *ex)
{
        if (ex->cap && !ex->oom) {
                ex->cap[ex->cap_len] = '\0';
                if (ex->cap_kind == CAP_TITLE) {
                        set_once(&ex->m_title, ex->cap);
                } else if (ex->cap_kind == CAP_LDJSON) {
                        ld_json(ex, ex->cap);
                }
        }
        ex->cap_kind = CAP_NONE;
}

/*
 * A dropped element that still says something about the page: <meta>,
 * <link rel=canonical>, <script type=application/ld+json> (its text is
 * captured until the element ends), <title> in the head.
 */
static void meta_from_dropped(ex_t *ex, const tag_info_t *t, const xmlChar **atts)
{
        if (t->id == TAG_META) {
                meta_tag(ex, atts);
        } else if (t->id == TAG_LINK) {
                link_tag(ex, atts);
        } else if (t->id == TAG_SCRIPT) {
                const char *type = att_get(atts, "type");
                if (type && ascii_ieq(type, "application/ld+json") &&
                    !(ex->m_ld_pub && ex->m_ld_headline)) {
                        capture_start(ex, CAP_LDJSON);
                }
        } else if (t->id == TAG_TITLE && !ex->in_body && !ex->m_title) {
                capture_start(ex, CAP_TITLE);
        }
}

/* ------------------------------------------------------------------ */
/* The walk: elements and blocks                                       */
/* ------------------------------------------------------------------ */

static int text_reserve(ex_t *ex, size_t more)
{
        if (grow((void **)&ex->text, &ex->text_cap, ex->text_len + more + 1, 1)) {
                ex->oom = 1;
                return -1;
        }
        return 0;
}

/* Length of the collapsible space at s (avail bytes), 0 if none. */
static size_t space_len(const unsigned char *s, size_t avail)
{
        unsigned char c = s[0];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
            c == '\v') {
                return 1;
        }
        if (c == 0xC2 && avail >= 2 && s[1] == 0xA0) {
                return 2; /* no-break space */
        }
        if (c == 0xE2 && avail >= 3 && s[1] == 0x80 &&
            ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 ||
             s[2] == 0xAF)) {
                return 3; /* en/em/thin... spaces, line/para separators */
        }
        if (c == 0xE3 && avail >= 3 && s[1] == 0x80 && s[2] == 0x80) {
                return 3; /* ideographic space */
        }
        return 0;
}

/* Appends n bytes of text to the block being built, collapsing spaces. */
static void add_text(ex_t *ex, const unsigned char *s, size_t n, int in_link)
{
        if (!n || text_reserve(ex, n + 1)) {
                return;
        }
        char *o = ex->text + ex->text_len;
        uint32_t chars = 0;
        int has_text = ex->text_len > ex->cur_off;
        for (size_t i = 0; i < n;) {
                size_t sp = space_len(s + i, n - i);
                if (sp) {
                        if (has_text && !ex->pending) {
                                ex->pending = 1;
                        }
                        i += sp;
                        continue;
                }
                if (ex->pending) {
                        *o++ = ex->pending == 2 ? '\n' : ' ';
                        chars++;
                        ex->pending = 0;
                }
                has_text = 1;
                /* copy a run of non-space bytes */
                do {
                        unsigned char c = s[i];
                        *o++ = (char)c;
                        chars += (c & 0xC0) != 0x80;
                        i++;
                } while (i < n && s[i] > ' ' && s[i] != 0xC2 && s[i] != 0xE2 &&
                         s[i] != 0xE3);
        }
        /* a pending space is written before the next text: n + 1 reserved */
        ex->text_len = (size_t)(o - ex->text);
        ex->cur_chars += chars;
        if (in_link) {
                ex->cur_links += chars;
        }
}

static void add_break(ex_t *ex)
{
        if (ex->text_len > ex->cur_off) {
                ex->pending = 2;
        }
}

/* Word, stopword and sentence counts of a finished block. */
static void block_stats(block_t *b, const char *t)
{
        char w[20];
        size_t wl = 0;
        int in_word = 0;
        memset(b->stops, 0, sizeof(b->stops));
        b->words = 0;
        for (uint32_t i = 0; i <= b->len; i++) {
                unsigned char c = i < b->len ? (unsigned char)t[i] : ' ';
                int letter;
                size_t adv = 1;
                if (c < 0x80) {
                        letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                 c == '\'';
                        if (c == '\'') {
                                letter = 0; /* l'homme: "l" + "homme" */
                        }
                } else if (c == 0xC2 || (c == 0xE2 && i + 1 < b->len &&
                                         (unsigned char)t[i + 1] <= 0x81)) {
                        letter = 0; /* Latin-1 punctuation, general punctuation */
                        adv = c == 0xC2 ? 2 : 3;
                } else {
                        letter = c >= 0xC3;
                        adv = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                }
                if (letter) {
                        for (size_t k = 0; k < adv && i + k < b->len; k++) {
                                unsigned char d = (unsigned char)t[i + k];
                                if (wl < sizeof(w)) {
                                        w[wl] = (char)(d >= 'A' && d <= 'Z' ? d + 32 : d);
                                }
                                wl++;
                        }
                        in_word = 1;
                } else {
                        if (in_word) {
                                if (b->words < UINT16_MAX) {
                                        b->words++;
                                }
                                if (wl <= 16) {
                                        unsigned m = nf_stopwords_lookup(w, wl);
                                        for (int l = 0; m; l++, m >>= 1) {
                                                if ((m & 1) && b->stops[l] < UINT16_MAX) {
                                                        b->stops[l]++;
                                                }
                                        }
                                }
                        }
                        in_word = 0;
                        wl = 0;
                }
                i += adv - 1;
        }
        /* end punctuation: last byte, ignoring closing quotes */
        b->end_punct = 0;
        for (uint32_t i = b->len; i > 0; i--) {
                unsigned char c = (unsigned char)t[i - 1];
                if (c == '"' || c == ')' || c == '\'' || c == 0x9C || c == 0x9D ||
                    c == 0x80 || c == 0xE2 || c == 0xBB || c == 0xC2) {
                        continue; /* closing quotes (” “ » ) */
                }
                b->end_punct = c == '.' || c == '!' || c == '?' || c == ':' ||
                               c == 0xA6; /* … */
                break;
        }
}

static void flush_block(ex_t *ex)
{
        ex->pending = 0;
        if (ex->text_len == ex->cur_off) {
                return;
        }
        if (ex->nblocks >= ex->max_blocks) {
                ex->too_many = 1;
                ex->text_len = ex->cur_off;
                return;
        }
        if (grow((void **)&ex->blocks, &ex->blocks_cap, ex->nblocks + 1, sizeof(block_t))) {
                ex->oom = 1;
                return;
        }
        frame_t *top = &ex->stack[ex->depth - 1];
        block_t *b = &ex->blocks[ex->nblocks];
        memset(b, 0, sizeof(*b));
        b->off = (uint32_t)ex->cur_off;
        b->len = (uint32_t)(ex->text_len - ex->cur_off);
        b->chars = ex->cur_chars;
        b->link_chars = ex->cur_links;
        b->fflags = top->fflags;
        b->owner = top->owner;
        int tf = top->owner >= 0 ? ex->elems[top->owner].tflags : 0;
        int tag = top->owner >= 0 ? ex->elems[top->owner].tag : 0;
        b->kind = (tf & TF_HEADING) ? (tag == TAG_H1 ? K_H1 : K_H)
                  : (tf & TF_PARA)  ? K_P
                  : (tf & TF_ITEM)  ? K_LI
                  : (tf & TF_CELL)  ? K_TD
                  : (tf & TF_PRE)   ? K_PRE
                  : (tf & TF_QUOTE) ? K_QUOTE
                                    : K_DIV;
        if (top->fflags & FF_HEADING) {
                b->kind = b->kind == K_H1 ? K_H1 : K_H;
        }
        block_stats(b, ex->text + b->off);
        /* NUL-terminate in the buffer: one spare byte, next block overwrites */
        ex->nblocks++;
        ex->cur_off = ex->text_len;
        ex->cur_chars = 0;
        ex->cur_links = 0;
}

static int push_elem(ex_t *ex, const tag_info_t *t, const xmlChar **atts,
                     uint32_t hints, int parent)
{
        if (grow((void **)&ex->elems, &ex->elems_cap, ex->nelems + 1, sizeof(elem_t))) {
                ex->oom = 1;
                return -1;
        }
        elem_t *e = &ex->elems[ex->nelems];
#ifdef NF_HTML_EXTRACT_DEBUG
        const char *id = att_get(atts, "id"), *cl = att_get(atts, "class");
        snprintf(e->desc, sizeof(e->desc), "%s%s%.30s%s%.40s", t->name[0] ? t->name : "?",
                 id ? "#" : "", id ? id : "", cl ? "." : "", cl ? cl : "");
#else
        (void)atts;
#endif
        e->parent = parent;
        e->first_block = (uint32_t)ex->nblocks;
        e->end_block = (uint32_t)ex->nblocks;
        e->end_elem = (uint32_t)ex->nelems + 1;
        e->hints = hints;
        e->tflags = t->flags;
        e->drop = (t->flags & TF_SOFT) ? t->drop_reason : R_NONE;
        e->tag = t->id;
        return (int)ex->nelems++;
}

/* style="display:none" / "visibility:hidden", spaces allowed around ':' */
static int style_hidden(const char *style)
{
        for (const char *p = style; (p = strchr(p, ':')); p++) {
                const char *k = p;
                while (k > style && k[-1] == ' ') {
                        k--;
                }
                const char *v = p + 1;
                while (*v == ' ') {
                        v++;
                }
                if (k - style >= 7 && !strncasecmp(k - 7, "display", 7) &&
                    !strncasecmp(v, "none", 4)) {
                        return 1;
                }
                if (k - style >= 10 && !strncasecmp(k - 10, "visibility", 10) &&
                    !strncasecmp(v, "hidden", 6)) {
                        return 1;
                }
        }
        return 0;
}

static uint32_t role_hints(const char *role)
{
        if (!role) {
                return 0;
        }
        static const struct {
                const char *role;
                uint32_t flags;
        } roles[] = {
            {"navigation", H_NAV}, {"banner", H_HEADER},   {"contentinfo", H_FOOTER},
            {"complementary", H_SIDEBAR}, {"search", H_WIDGET}, {"menu", H_NAV},
            {"menubar", H_NAV},    {"dialog", H_POPUP},     {"alertdialog", H_POPUP},
            {"toolbar", H_WIDGET}, {"main", H_POS},         {"article", H_POS},
        };
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
                if (ascii_ieq(role, roles[i].role)) {
                        return roles[i].flags;
                }
        }
        return 0;
}

static uint8_t hint_reason(uint32_t h)
{
        if (h & H_HIDDEN) return R_HIDDEN;
        if (h & H_COMMENT) return R_COMMENTS;
        if (h & H_SHARE) return R_SHARE;
        if (h & H_RELATED) return R_RELATED;
        if (h & H_NAV) return R_NAV;
        if (h & H_FOOTER) return R_FOOTER;
        if (h & H_SIDEBAR) return R_ASIDE;
        if (h & H_COOKIE) return R_COOKIE;
        if (h & H_AD) return R_AD;
        if (h & H_SUBSCRIBE) return R_SUBSCRIBE;
        if (h & H_META) return R_META;
        if (h & H_CAPTION) return R_CAPTION;
        if (h & H_POPUP) return R_POPUP;
        if (h & H_WIDGET) return R_WIDGET;
        return R_NONE;
}

/*
 * Enters an element of <body>. Returns 1 when a frame was pushed (its end
 * event pops it), 0 when the element is skipped with everything inside.
 */
static int open_element(ex_t *ex, const tag_info_t *t, const xmlChar **atts)
{
        frame_t *top = &ex->stack[ex->depth - 1];

        if (t->flags & TF_DROP) {
                ex->removed[t->drop_reason]++;
                meta_from_dropped(ex, t, atts);
                return 0;
        }
        if (t->flags & TF_BR) {
                add_break(ex);
                return 0;
        }

        /* attributes: hints, hidden state, metadata */
        uint32_t hints = 0;
        int hidden = 0;
        const char *datetime = NULL;
        for (size_t ai = 0; atts && atts[ai]; ai += 2) {
                const char *an = (const char *)atts[ai];
                const char *v = atts[ai + 1] ? (const char *)atts[ai + 1] : "";
                switch (an[0]) {
                case 'c':
                        if (!strcmp(an, "class")) {
                                hints |= hint_match(v);
                        }
                        break;
                case 'i':
                        if (!strcmp(an, "id")) {
                                hints |= hint_match(v);
                        } else if (!strcmp(an, "itemprop")) {
                                if (ascii_ieq(v, "articleBody") ||
                                    ascii_ieq(v, "reviewBody")) {
                                        hints |= H_STRONG | H_POS;
                                } else if (ascii_ieq(v, "datePublished") && !ex->m_itemprop_pub) {
                                        const char *c = att_get(atts, "content");
                                        if (!c) {
                                                c = att_get(atts, "datetime");
                                        }
                                        set_once(&ex->m_itemprop_pub, c);
                                }
                        } else if (!strcmp(an, "itemtype")) {
                                if (strstr(v, "Comment")) {
                                        hints |= H_COMMENT;
                                } else if (strstr(v, "WPSideBar")) {
                                        hints |= H_SIDEBAR;
                                } else if (strstr(v, "WPFooter")) {
                                        hints |= H_FOOTER;
                                } else if (strstr(v, "SiteNavigationElement")) {
                                        hints |= H_NAV;
                                }
                        }
                        break;
                case 'h':
                        if (!strcmp(an, "hidden")) {
                                hidden = 1;
                        }
                        break;
                case 'a':
                        if (!strcmp(an, "aria-hidden") && ascii_ieq(v, "true")) {
                                hidden = 1;
                        }
                        break;
                case 's':
                        if (!strcmp(an, "style") && style_hidden(v)) {
                                hidden = 1;
                        }
                        break;
                case 'r':
                        if (!strcmp(an, "role")) {
                                hints |= role_hints(v);
                        }
                        break;
                case 'd':
                        if (!strcmp(an, "datetime")) {
                                datetime = v;
                        }
                        break;
                default:
                        break;
                }
        }
        if (hidden) {
                /* decided with the other hints: scripts reveal some */
                hints |= H_HIDDEN;
        }
        if (t->flags & TF_TIME) {
                /* the article's own date: a <time pubdate>, or the first
                   one inside <article>/<main>; any other is a last resort
                   (sidebars date their teasers too) */
                if (att_get(atts, "pubdate") || (top->fflags & FF_SECTION)) {
                        set_once(&ex->m_time, datetime);
                } else {
                        set_once(&ex->m_time_any, datetime);
                }
                /* a date line, not a word inside a sentence */
                if (ex->text_len == ex->cur_off) {
                        ex->removed[R_META]++;
                        return 0;
                }
        }
        if (hints & H_NONE) {
                hints &= ~H_NONE;
        }
        if (ex->depth >= ex->stack_cap) {
                if (grow((void **)&ex->stack, &ex->stack_cap, ex->depth + 1, sizeof(frame_t))) {
                        ex->oom = 1;
                        return 0;
                }
                top = &ex->stack[ex->depth - 1];
        }

        int boundary = (t->flags & TF_BLOCK) || (hints & (H_DROP_MASK | H_STRONG));
        int record = boundary || (t->flags & TF_SOFT);
        if (boundary) {
                flush_block(ex);
        }
        frame_t *f = &ex->stack[ex->depth];
        f->tflags = t->flags;
        f->fflags = top->fflags;
        f->owner = top->owner;
        f->elem = -1;
        f->rec = top->rec;
        if (record) {
                f->elem = push_elem(ex, t, atts, hints, top->rec);
                if (f->elem < 0) {
                        return 0;
                }
                f->rec = f->elem;
                if (t->flags & TF_BLOCK) {
                        f->owner = f->elem;
                }
        }
        if (t->flags & TF_LINK) f->fflags |= FF_LINK;
        if ((t->flags & TF_HEADER) || (hints & H_HEADER)) f->fflags |= FF_HEADER;
        if (t->flags & TF_HEADING) f->fflags |= FF_HEADING;
        if (t->flags & TF_SECTION) f->fflags |= FF_SECTION;
        ex->depth++;
        return 1;
}

static void close_element(ex_t *ex)
{
        frame_t *f = &ex->stack[ex->depth - 1];
        int boundary = (f->tflags & TF_BLOCK) ||
                       (f->elem >= 0 && (ex->elems[f->elem].hints & (H_DROP_MASK | H_STRONG)));
        if (boundary) {
                flush_block(ex);
        }
        if (f->elem >= 0) {
                ex->elems[f->elem].end_block = (uint32_t)ex->nblocks;
                ex->elems[f->elem].end_elem = (uint32_t)ex->nelems;
        }
        ex->depth--;
}

/* <body> starts: the root frame and elem 0. */
static void body_open(ex_t *ex, const xmlChar **atts)
{
        static const tag_info_t body_tag = {"body", TF_BLOCK, TAG_BODY, 0};
        if (grow((void **)&ex->stack, &ex->stack_cap, 64, sizeof(frame_t))) {
                ex->oom = 1;
                return;
        }
        int e = push_elem(ex, &body_tag, atts, 0, -1);
        if (e < 0) {
                return;
        }
        ex->stack[0] = (frame_t){.elem = e, .rec = e, .owner = e, .tflags = TF_BLOCK};
        ex->depth = 1;
        ex->in_body = 1;
}

/*
 * SAX callbacks. libxml2 reports a well-nested stream (it closes what the
 * markup leaves open and implies <html>, <body> and <p>), so every start in
 * <body> is matched by one end. Inside a dropped element (script, nav...)
 * events only count nesting until its end. ctx is the parser context.
 */
static void sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
        xmlParserCtxtPtr ctxt = ctx;
        ex_t *ex = ctxt->_private;
        if (ex->deadline_ns && (++ex->starts & 1023) == 0 &&
            nf_now_ns() > ex->deadline_ns) {
                ex->timed_out = 1;
        }
        if (ctxt->nameNr > ex->max_depth || ex->oom || ex->too_many ||
            ex->timed_out) {
                ex->too_deep = ctxt->nameNr > ex->max_depth;
                xmlStopParser(ctxt);
                return;
        }
        if (ex->skip) {
                ex->skip++;
                return;
        }
        const tag_info_t *t = tag_lookup(name);
        if (!ex->in_body) {
                if (t->id == TAG_BODY && !ex->stack_cap) {
                        body_open(ex, atts);
                } else if (t->id == TAG_HTML) {
                        set_once(&ex->m_lang, att_get(atts, "lang"));
                        set_once(&ex->m_lang, att_get(atts, "xml:lang"));
                } else if (t->id != TAG_HEAD) {
                        /* title, meta, link, script, style... of the head */
                        if (t->id == TAG_SCRIPT || t->id == TAG_STYLE) {
                                ex->removed[R_TAG]++;
                        }
                        meta_from_dropped(ex, t, atts);
                        ex->skip = 1;
                }
                return;
        }
        if (ex->depth >= ex->stack_cap &&
            grow((void **)&ex->stack, &ex->stack_cap, ex->depth + 1, sizeof(frame_t))) {
                ex->oom = 1;
                return;
        }
        if (!open_element(ex, t, atts)) {
                ex->skip = 1;
        }
}

static void sax_end(void *ctx, const xmlChar *name)
{
        xmlParserCtxtPtr ctxt = ctx;
        ex_t *ex = ctxt->_private;
        (void)name;
        if (ex->skip) {
                if (--ex->skip == 0 && ex->cap_kind) {
                        capture_end(ex);
                }
                return;
        }
        if (!ex->in_body || ex->depth == 0) {
                return;
        }
        close_element(ex);
        if (ex->depth == 0) {
                ex->in_body = 0;
        }
}

static void sax_text(void *ctx, const xmlChar *s, int len)
{
        xmlParserCtxtPtr ctxt = ctx;
        ex_t *ex = ctxt->_private;
        if (len <= 0) {
                return;
        }
        if (ex->skip) {
                if (ex->cap_kind) {
                        capture_add(ex, s, len);
                }
                return;
        }
        if (ex->in_body && ex->depth > 0) {
                add_text(ex, s, (size_t)len, ex->stack[ex->depth - 1].fflags & FF_LINK);
        }
}

/*
 * Runs libxml2's HTML parser over len bytes of UTF-8 with our SAX handler:
 * no tree is built (building and freeing it cost a quarter of the parse).
 */
static void parse(ex_t *ex, const char *buf, size_t len)
{
        htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
        if (!ctxt) {
                ex->oom = 1;
                return;
        }
        htmlSAXHandler sax;
        memset(&sax, 0, sizeof(sax));
        sax.startElement = sax_start;
        sax.endElement = sax_end;
        sax.characters = sax_text;
        sax.ignorableWhitespace = sax_text;
        sax.cdataBlock = sax_text;
        sax.initialized = 1;
        memcpy(ctxt->sax, &sax, sizeof(sax));
        ctxt->userData = ctxt;
        ctxt->_private = ex;
        ex->ctxt = ctxt;
        int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                   HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                   HTML_PARSE_COMPACT | HTML_PARSE_NODEFDTD |
                   HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
        if (len > INT32_MAX) {
                len = INT32_MAX;
        }
        xmlDoc *doc = htmlCtxtReadMemory(ctxt, buf, (int)len, NULL, "UTF-8", opts);
        if (doc) {
                xmlFreeDoc(doc); /* none is built; defensive */
        }
        htmlFreeParserCtxt(ctxt);
        ex->ctxt = NULL;
        /* a parse stopped early leaves elements open */
        while (ex->depth > 0) {
                close_element(ex);
        }
        if (ex->cap_kind) {
                capture_end(ex);
        }
}

/* ------------------------------------------------------------------ */
/* Scoring and selection                                               */
/* ------------------------------------------------------------------ */

/* The page language: the stopword list with the most hits overall. */
static int page_language(const ex_t *ex, double *ratio)
{
        uint64_t hits[NF_SW__COUNT] = {0}, words = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                const block_t *b = &ex->blocks[i];
                words += b->words;
                for (int l = 0; l < NF_SW__COUNT; l++) {
                        hits[l] += b->stops[l];
                }
        }
        int best = 0;
        for (int l = 1; l < NF_SW__COUNT; l++) {
                if (hits[l] > hits[best]) {
                        best = l;
                }
        }
        *ratio = words ? (double)hits[best] / (double)words : 0.0;
        return best;
}

/*
 * jusText's classes with its thresholds scaled to our shorter lists:
 * links make a block bad, very short is "short", long with many stopwords
 * is good, some stopwords "near good".
 */
static void classify(ex_t *ex)
{
        double ratio;
        int lang = page_language(ex, &ratio);
        /* no list fits (Polish would, Chinese does not): stopwords neutral */
        int use_sw = ratio >= 0.08;
        ex->lang = use_sw ? lang : -1;
        for (size_t i = 0; i < ex->nblocks; i++) {
                block_t *b = &ex->blocks[i];
                double ld = b->chars ? (double)b->link_chars / b->chars : 0;
                /* the best list per block: templates in one language
                   often wrap articles in another */
                unsigned st = 0;
                for (int l = 0; l < NF_SW__COUNT; l++) {
                        st = b->stops[l] > st ? b->stops[l] : st;
                }
                double sd = !use_sw ? 0.3 : b->words ? (double)st / b->words : 0;
                if (ld > LINKS_DENSITY) {
                        b->cls = C_LINKS;
                } else if (b->chars < SHORT_CHARS) {
                        b->cls = C_SHORT;
                } else if (b->chars >= GOOD_CHARS && sd >= GOOD_STOPWORDS && ld < 0.3) {
                        b->cls = C_GOOD;
                } else if (sd >= NEAR_STOPWORDS) {
                        b->cls = C_NEAR;
                } else {
                        b->cls = C_BAD;
                }
                double m = b->cls == C_GOOD ? 1.0 : b->cls == C_NEAR ? 0.5 : 0.0;
                b->mass = (float)(m * b->chars * (1.0 - ld));
        }
}

static double *prefix_mass(const ex_t *ex, double *pre)
{
        pre[0] = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                const block_t *b = &ex->blocks[i];
                pre[i + 1] = pre[i] + (b->drop ? 0.0 : b->mass);
        }
        return pre;
}

static double elem_mass(const ex_t *ex, const double *pre, size_t e)
{
        return pre[ex->elems[e].end_block] - pre[ex->elems[e].first_block];
}

static int elem_contains(const ex_t *ex, size_t outer, size_t inner)
{
        return inner >= outer && inner < ex->elems[outer].end_elem;
}

/* Marks the blocks of elem e dropped with reason r (first reason wins). */
static void drop_elem_blocks(ex_t *ex, size_t e, uint8_t r)
{
        for (uint32_t i = ex->elems[e].first_block; i < ex->elems[e].end_block; i++) {
                if (!ex->blocks[i].drop) {
                        ex->blocks[i].drop = r;
                }
        }
}

/*
 * Step 3: boilerplate subtrees by tag or hint, protecting the article: a
 * hint is a guess from a class name, and themes put "share", "widget" or
 * "sidebar" on wrappers of the article itself. A subtree is kept when it
 * holds the strongest article-body hint, 80% of the page's prose, or 40%
 * when it is itself marked as content (article, main, "post"...).
 * A figure that holds a table is a table, not a caption.
 */
static int drop_boilerplate(ex_t *ex, double *pre)
{
        prefix_mass(ex, pre);
        double total = elem_mass(ex, pre, 0);
        uint32_t *tds = malloc((ex->nblocks + 1) * sizeof(uint32_t));
        if (!tds) {
                return -1;
        }
        tds[0] = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                tds[i + 1] = tds[i] + (ex->blocks[i].kind == K_TD);
        }
        /* the strongest article-body hint, before anything is dropped */
        long strong = -1;
        double strong_mass = 0;
        for (size_t e = 0; e < ex->nelems; e++) {
                if (ex->elems[e].hints & H_STRONG) {
                        double m = elem_mass(ex, pre, e);
                        if (m > strong_mass) {
                                strong = (long)e;
                                strong_mass = m;
                        }
                }
        }
        /* comment-marked subtrees holding nearly all the prose are the
           page: a forum thread, a live ticker's "comments". A blog post
           whose readers wrote more than its author still loses them. */
        double comments = 0;
        for (size_t e = 1; e < ex->nelems;) {
                if (ex->elems[e].hints & H_COMMENT) {
                        comments += elem_mass(ex, pre, e);
                        e = ex->elems[e].end_elem;
                } else {
                        e++;
                }
        }
        int comments_are_content = total > 0 && comments >= 0.8 * total;
        for (size_t e = 1; e < ex->nelems;) {
                elem_t *el = &ex->elems[e];
                uint8_t r = el->drop;
                if (!r && !(el->hints & H_STRONG)) {
                        r = hint_reason(el->hints);
                }
                if (r == R_COMMENTS && comments_are_content) {
                        r = R_NONE;
                }
                el->drop = R_NONE;
                if (r == R_CAPTION && tds[el->end_block] > tds[el->first_block]) {
                        r = R_NONE;
                }
                if (!r) {
                        e++;
                        continue;
                }
                double m = elem_mass(ex, pre, e);
                int content = (el->tflags & TF_SECTION) || (el->hints & H_POS);
                int holds_article = (strong >= 0 && elem_contains(ex, e, (size_t)strong)) ||
                                    (total > 0 && m >= 0.8 * total) ||
                                    (content && r != R_COMMENTS && total > 0 && m >= 0.4 * total) ||
                                    (r == R_FORM && total > 0 && m >= 0.3 * total);
                if (holds_article) {
                        ex->protected_subtrees++;
                        e++;
                        continue;
                }
                el->drop = r;
                ex->removed[r]++;
                drop_elem_blocks(ex, e, r);
                e = el->end_elem; /* skip the subtree */
        }
        free(tds);
        prefix_mass(ex, pre);
        return 0;
}

/* Step 4: the container. */
static size_t pick_container(ex_t *ex, const double *pre, size_t *best_child,
                             double *best_mass)
{
        for (size_t e = 0; e < ex->nelems; e++) {
                best_child[e] = 0;
                best_mass[e] = -1;
        }
        for (size_t e = 1; e < ex->nelems; e++) {
                int p = ex->elems[e].parent;
                /* a heading or paragraph holds text, not an article */
                if (p < 0 || ex->elems[e].drop ||
                    (ex->elems[e].tflags & (TF_HEADING | TF_PARA))) {
                        continue;
                }
                double m = elem_mass(ex, pre, e);
                if (m > best_mass[p]) {
                        best_mass[p] = m;
                        best_child[p] = e;
                }
        }
        size_t c = 0;
        for (;;) {
                double m = elem_mass(ex, pre, c);
                if (best_mass[c] <= 0 || best_mass[c] < DESCENT_SHARE * m) {
                        break;
                }
                c = best_child[c];
        }
        /* a strong article-body hint inside which we descended: stop there */
        for (long a = (long)c; a > 0; a = ex->elems[a].parent) {
                if (ex->elems[a].hints & H_STRONG) {
                        c = (size_t)a;
                }
        }
        return c;
}

/* Short lines that are boilerplate wherever they stand. */
static const char *const phrases[] = {
    "share", "share this", "share this article", "share this post", "share on facebook",
    "share on twitter", "tweet", "email", "print", "advertisement", "advertising",
    "sponsored", "read more", "continue reading", "related", "related articles",
    "related posts", "related stories", "you may also like", "more stories",
    "comments", "leave a comment", "leave a reply", "post navigation", "tags",
    "filed under", "subscribe", "sign up", "newsletter", "follow us",
    "all rights reserved", "skip to content", "back to top", "previous",
    "next", "previous post", "next post", "click here", "loading", "menu",
    "search", "top", "home", "teilen", "artikel teilen", "beitrag teilen",
    "anzeige", "werbung", "weiterlesen", "mehr lesen", "mehr zum thema",
    "auch interessant", "das könnte sie auch interessieren", "kommentare",
    "kommentar schreiben", "schreibe einen kommentar", "hinterlasse einen kommentar",
    "drucken", "e-mail", "zurück", "nach oben", "alle rechte vorbehalten",
    "impressum", "datenschutz", "abonnieren", "mehr", "weitere artikel",
    "ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "beliebte artikel",
    "meistgelesen", "schlagworte", "schlagwörter", "themen", "bewerten",
    "partager", "publicité", "lire aussi", "compartir", "publicidad", "leer más",
    "condividi", "pubblicità", "leggi anche", "delen", "advertentie",
    "compartilhar", "publicidade",
};

static int is_phrase(const char *t, uint32_t len)
{
        if (len == 0 || len > 40) {
                return 0;
        }
        char buf[48];
        uint32_t n = 0;
        for (uint32_t i = 0; i < len; i++) {
                char c = t[i];
                buf[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        while (n > 0 && (buf[n - 1] == ':' || buf[n - 1] == ' ' || buf[n - 1] == '.' ||
                         buf[n - 1] == '!' || buf[n - 1] == '>' || buf[n - 1] == '|')) {
                n--;
        }
        buf[n] = '\0';
        for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
                if (!strcmp(buf, phrases[i])) {
                        return 1;
                }
        }
        return 0;
}

/* A copyright line. */
static int is_copyright(const char *t, uint32_t len)
{
        if (len > 200) {
                return 0;
        }
        return memmem(t, len, "\xC2\xA9", 2) || memmem(t, len, "Copyright", 9) ||
               memmem(t, len, "(c) ", 4);
}

/*
 * "Foto: dpa", "Quelle: ...", "Crédits photos : ...", "Themen: ...": a
 * label line (credits, sources, tags, update stamps) of at most 150 chars.
 */
static int is_credit(const char *t, uint32_t len)
{
        static const char *const labels[] = {
            "foto", "fotos", "bild", "bilder", "bildquelle", "bildquellen", "bildnachweis",
            "fotonachweis", "titelbild", "titelfoto", "quelle", "quellen", "quellenangaben",
            "text", "photo", "photos", "image", "images", "credit", "credits", "photo credit",
            "photo credits", "image credit", "source", "sources", "fuente", "fuentes",
            "crédit", "crédits", "crédit photo", "crédits photos", "fonte", "illustration",
            "grafik", "video", "tags", "tag", "themen", "thema", "schlagworte",
            "schlagwörter", "stichworte", "stichwörter", "kategorie", "kategorien",
            "category", "categories", "filed under", "posted in", "last modified",
            "last updated", "zuletzt aktualisiert", "aktualisiert", "updated",
        };
        if (len > 150) {
                return 0;
        }
        const char *colon = memchr(t, ':', len < 28 ? len : 28);
        if (!colon) {
                return 0;
        }
        size_t wl = (size_t)(colon - t);
        while (wl > 0 && t[wl - 1] == ' ') {
                wl--;
        }
        for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
                if (strlen(labels[i]) == wl && !strncasecmp(t, labels[i], wl)) {
                        return 1;
                }
        }
        return 0;
}

/*
 * A line that is only a date or time ("23.10.2018", "31. Mai 2012, 14:30
 * Uhr", "Updated May 5, 2020"): digits, punctuation and date words only.
 */
static int is_dateline(const char *t, uint32_t len)
{
        static const char *const words[] = {
            "jan", "januar", "january", "janvier", "enero", "gennaio", "janeiro",
            "feb", "februar", "february", "février", "febrero", "febbraio", "fevereiro",
            "mär", "mar", "märz", "march", "mars", "marzo", "março", "apr", "april",
            "avril", "abril", "aprile", "mai", "may", "mayo", "maggio", "maio", "jun",
            "juni", "june", "juin", "junio", "giugno", "junho", "jul", "juli", "july",
            "juillet", "julio", "luglio", "julho", "aug", "august", "août", "agosto",
            "sep", "sept", "september", "septembre", "septiembre", "settembre",
            "setembro", "okt", "oct", "oktober", "october", "octobre", "octubre",
            "ottobre", "outubro", "nov", "november", "novembre", "noviembre",
            "novembro", "dez", "dec", "dezember", "december", "décembre",
            "diciembre", "dicembre", "dezembro", "uhr", "am", "um", "pm", "h",
            "stand", "aktualisiert", "veröffentlicht", "erstellt", "updated",
            "published", "posted", "on", "at", "le", "de", "del", "el", "il", "op",
            "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag",
            "sonntag", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "mo", "di", "mi", "do", "fr", "sa", "so", "mon",
            "tue", "wed", "thu", "fri", "sat", "sun", "gmt", "utc", "cet", "mez",
            "mesz", "est", "edt", "pst", "et", "uhrzeit", "datum", "date", "zuletzt",
            "last", "modified",
        };
        if (len > 60) {
                return 0;
        }
        int digits = 0;
        for (uint32_t i = 0; i < len;) {
                unsigned char c = (unsigned char)t[i];
                if (c >= '0' && c <= '9') {
                        digits++;
                        i++;
                        continue;
                }
                if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                        i++;
                        continue;
                }
                uint32_t j = i;
                while (j < len && ((unsigned char)t[j] >= 0x80 ||
                                   ((t[j] | 0x20) >= 'a' && (t[j] | 0x20) <= 'z'))) {
                        j++;
                }
                int known = 0;
                for (size_t w = 0; w < sizeof(words) / sizeof(words[0]) && !known; w++) {
                        known = strlen(words[w]) == j - i && !strncasecmp(t + i, words[w], j - i);
                }
                if (!known) {
                        return 0;
                }
                i = j;
        }
        return digits >= 2;
}

/* Content-like: prose, or structure that belongs to prose. */
static int is_content(const block_t *b)
{
        return b->cls == C_GOOD || b->cls == C_NEAR;
}

/* Prose: what a lead paragraph or an article continuation looks like. */
static int is_prose(const block_t *b)
{
        return (b->cls == C_GOOD || (b->cls == C_NEAR && b->chars >= 60)) &&
               b->link_chars * 10 < b->chars * 3;
}

/*
 * Widens the block range from its edge over neighbouring prose: leads,
 * intros and decks often sit in their own element before the body's, and
 * an inline box can split a body in two. Walks away from the edge (dir -1
 * or +1) across removed blocks and at most a little non-prose (bylines,
 * dates, captions), never across the headline (h1). Returns the new edge.
 */
static uint32_t extend(ex_t *ex, uint32_t edge, int dir, uint32_t budget)
{
        uint32_t best = edge, junk = 0;
        int junk_blocks = 0;
        long i = dir < 0 ? (long)edge - 1 : (long)edge;
        for (; i >= 0 && i < (long)ex->nblocks; i += dir) {
                const block_t *b = &ex->blocks[i];
                if (b->drop) {
                        continue;
                }
                if (b->kind == K_H1) {
                        break;
                }
                if (is_prose(b)) {
                        best = dir < 0 ? (uint32_t)i : (uint32_t)i + 1;
                        junk = 0;
                        junk_blocks = 0;
                        continue;
                }
                junk += b->chars * (b->cls == C_LINKS ? 2 : 1);
                if (junk > budget || ++junk_blocks > 3) {
                        break;
                }
        }
        return best;
}

/* Step 5: blocks inside the container. */
static void select_blocks(ex_t *ex, size_t c)
{
        const elem_t *ce = &ex->elems[c];
        uint32_t s0 = ce->first_block, e0 = ce->end_block;
        uint32_t s = extend(ex, s0, -1, 150), e = extend(ex, e0, +1, 100);
        for (size_t i = 0; i < ex->nblocks; i++) {
                block_t *b = &ex->blocks[i];
                if (!b->drop && (i < s || i >= e)) {
                        /* clear prose that survived the boilerplate pass
                           stays wherever it is (articles split in boxes) */
                        if (!(b->cls == C_GOOD && b->link_chars * 20 < b->chars)) {
                                b->drop = D_OUTSIDE;
                        }
                }
                /* the non-prose we stepped over to reach a lead */
                if (!b->drop && ((i >= s && i < s0) || (i >= e0 && i < e)) &&
                    !is_prose(b) && b->kind != K_H) {
                        b->drop = D_EDGE;
                }
                /* the headline is the title, returned apart */
                if (!b->drop && b->kind == K_H1) {
                        b->drop = D_EDGE;
                }
        }
        long first = -1, last = -1;
        /* how much of the candidate text is in <p>: a page built of <p>
           keeps its prose there, and loose short text in a <div> is UI */
        uint64_t p_chars = 0, all_chars = 0;
        for (uint32_t i = s; i < e; i++) {
                const block_t *b = &ex->blocks[i];
                if (!b->drop) {
                        all_chars += b->chars;
                        p_chars += b->kind == K_P ? b->chars : 0;
                }
        }
        double p_share = all_chars ? (double)p_chars / (double)all_chars : 0;
        for (uint32_t i = s; i < e; i++) {
                block_t *b = &ex->blocks[i];
                if (b->drop) {
                        continue;
                }
                const char *t = ex->text + b->off;
                if (b->cls == C_LINKS) {
                        b->drop = D_LINKS;
                } else if (b->kind == K_DIV && p_share >= 0.3 &&
                           (b->cls == C_SHORT || (b->cls == C_NEAR && b->chars < 100))) {
                        b->drop = D_LOOSE;
                } else if (is_phrase(t, b->len) || is_copyright(t, b->len) ||
                           (b->kind != K_LI && b->kind != K_TD && is_credit(t, b->len)) ||
                           is_dateline(t, b->len)) {
                        b->drop = D_PHRASE;
                } else if (is_content(b)) {
                        if (first < 0) {
                                first = i;
                        }
                        last = i;
                }
        }
        if (first < 0) {
                /* no prose at all: a page without an article */
                for (uint32_t i = s; i < e; i++) {
                        if (!ex->blocks[i].drop) {
                                ex->blocks[i].drop = D_EDGE;
                        }
                }
                return;
        }
        /* leading run: keep headings and prose-like lines just above */
        for (long i = first - 1; i >= (long)s; i--) {
                block_t *b = &ex->blocks[i];
                if (b->drop) {
                        continue;
                }
                if (b->kind == K_H ||
                    (b->end_punct && b->chars >= 40 && !(b->fflags & FF_HEADER))) {
                        continue;
                }
                b->drop = D_EDGE;
        }
        /* trailing run: short non-sentences after the last prose, except
           what hangs on to it directly (a signature, the rest of a list or
           table) until the first removed or linked block */
        int attached = 1;
        for (long i = last + 1; i < (long)e; i++) {
                block_t *b = &ex->blocks[i];
                if (b->drop) {
                        attached = 0;
                        continue;
                }
                if (b->end_punct && b->link_chars == 0 && b->chars >= 20) {
                        continue;
                }
                if (attached && b->link_chars == 0) {
                        continue;
                }
                attached = 0;
                b->drop = D_EDGE;
        }
        /* a short heading whose section went ("Related articles" over a
           dropped list) goes with it; figures and ads in between do not
           count, and sentence-like headings (decks, pull quotes) stay */
        for (long i = s; i < (long)e; i++) {
                block_t *b = &ex->blocks[i];
                if (b->drop || b->kind != K_H || b->cls == C_GOOD || b->chars >= 60 ||
                    (b->end_punct && b->chars >= 40)) {
                        continue;
                }
                long j = i + 1;
                while (j < (long)e && ex->blocks[j].drop &&
                       (ex->blocks[j].drop == R_CAPTION || ex->blocks[j].drop == R_AD ||
                        ex->blocks[j].drop == R_HIDDEN || ex->blocks[j].drop == R_TAG)) {
                        j++;
                }
                if (j >= (long)e || (ex->blocks[j].drop && ex->blocks[j].drop != D_LONELY)) {
                        b->drop = D_LONELY;
                }
        }
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Copies valid UTF-8 and drops C0 controls other than \n and \t. */
static size_t sanitize_utf8(char *dst, const char *src, size_t len)
{
        size_t o = 0;
        const unsigned char *s = (const unsigned char *)src;
        for (size_t i = 0; i < len;) {
                if (s[i] < 0x80) {
                        if (s[i] >= 0x20 || s[i] == '\n' || s[i] == '\t') {
                                dst[o++] = (char)s[i];
                        }
                        i++;
                        continue;
                }
                size_t n = utf8_seq(s + i, len - i);
                if (n) {
                        memcpy(dst + o, s + i, n);
                        o += n;
                        i += n;
                } else {
                        o += put_cp(dst + o, 0xFFFD);
                        i++;
                }
        }
        dst[o] = '\0';
        return o;
}

/*
 * Drops every later copy of a kept block (a pull quote repeating a
 * paragraph, a print or mobile copy of the body that was not marked
 * hidden). Open addressing on XXH3 of the text, sized to the kept blocks.
 */
static int drop_repeats(ex_t *ex)
{
        size_t kept = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                kept += !ex->blocks[i].drop;
        }
        size_t slots = 16;
        while (slots < kept * 2) {
                slots *= 2;
        }
        uint64_t *set = calloc(slots, sizeof(uint64_t));
        if (!set) {
                return -1;
        }
        for (size_t i = 0; i < ex->nblocks; i++) {
                block_t *b = &ex->blocks[i];
                if (b->drop || b->chars < 10) {
                        continue;
                }
                uint64_t h = XXH3_64bits(ex->text + b->off, b->len) | 1; /* 0 = empty */
                size_t k = (size_t)h & (slots - 1);
                while (set[k] && set[k] != h) {
                        k = (k + 1) & (slots - 1);
                }
                if (set[k] == h) {
                        b->drop = D_REPEAT;
                } else {
                        set[k] = h;
                }
        }
        free(set);
        return 0;
}

static char *assemble_text(ex_t *ex)
{
        size_t total = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                if (!ex->blocks[i].drop) {
                        total += ex->blocks[i].len + 2;
                }
        }
        /* sanitize may widen a bad byte to 3 */
        char *raw = malloc(total + 1);
        if (!raw) {
                return NULL;
        }
        size_t o = 0;
        int prev = -1;
        for (size_t i = 0; i < ex->nblocks; i++) {
                const block_t *b = &ex->blocks[i];
                if (b->drop) {
                        continue;
                }
                if (o) {
                        /* items of one list, cells of one row: one line each */
                        int same = prev >= 0 && (b->kind == K_LI || b->kind == K_TD) &&
                                   ex->blocks[prev].kind == b->kind &&
                                   b->owner >= 0 && ex->blocks[prev].owner >= 0 &&
                                   ex->elems[b->owner].parent == ex->elems[ex->blocks[prev].owner].parent;
                        if (same) {
                                raw[o++] = '\n';
                        } else {
                                raw[o++] = '\n';
                                raw[o++] = '\n';
                        }
                }
                memcpy(raw + o, ex->text + b->off, b->len);
                o += b->len;
                prev = (int)i;
        }
        raw[o] = '\0';
        char *out = malloc(o * 3 + 1);
        if (!out) {
                free(raw);
                return NULL;
        }
        sanitize_utf8(out, raw, o);
        free(raw);
        return out;
}

/* Strips " | Site" / " - Site" from a <title>. */
static char *title_strip(const char *title, const char *site)
{
        static const char *const seps[] = {" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "};
        char *t = strdup(title);
        if (!t) {
                return NULL;
        }
        for (size_t s = 0; s < sizeof(seps) / sizeof(seps[0]); s++) {
                char *last = NULL;
                for (char *p = strstr(t, seps[s]); p; p = strstr(p + 1, seps[s])) {
                        last = p;
                }
                char *first = strstr(t, seps[s]);
                if (!last) {
                        continue;
                }
                const char *tail = last + strlen(seps[s]);
                size_t head_len = (size_t)(first - t);
                if (site && !strcasecmp(t, site)) {
                        break;
                }
                if (site && !strncasecmp(t, site, strlen(site)) && first == t + strlen(site)) {
                        /* "Site | Title" */
                        memmove(t, first + strlen(seps[s]), strlen(first + strlen(seps[s])) + 1);
                        break;
                }
                if (strlen(tail) <= head_len || (site && !strcasecmp(tail, site))) {
                        *last = '\0';
                        break;
                }
        }
        return t;
}

static void finish_meta(ex_t *ex, nf_html_doc_t *doc)
{
        /* the page's h1 when the head agrees with it (it is part of the
           og:title, <title> or JSON-LD headline, and not the site name):
           on the eval set's 845 annotated titles this gets 635 exact
           against 564 for og:title first */
        const char *h1 = ex->m_h1;
        int h1_agreed = h1 && strlen(h1) >= 4 &&
                        !(ex->m_site_name && !strcasecmp(h1, ex->m_site_name)) &&
                        ((ex->m_og_title && strcasestr(ex->m_og_title, h1)) ||
                         (ex->m_title && strcasestr(ex->m_title, h1)) ||
                         (ex->m_ld_headline && strcasestr(ex->m_ld_headline, h1)));
        if (h1_agreed) {
                doc->title = strdup(h1);
        } else if (ex->m_og_title) {
                doc->title = title_strip(ex->m_og_title, ex->m_site_name);
        } else if (ex->m_ld_headline) {
                doc->title = strdup(ex->m_ld_headline);
        } else if (ex->m_h1) {
                doc->title = strdup(ex->m_h1);
        } else if (ex->m_title) {
                doc->title = title_strip(ex->m_title, ex->m_site_name);
        }
        const char *pub = ex->m_pub ? ex->m_pub
                          : ex->m_ld_pub ? ex->m_ld_pub
                          : ex->m_itemprop_pub ? ex->m_itemprop_pub
                          : ex->m_time ? ex->m_time
                                       : ex->m_time_any;
        doc->published_at = pub ? strdup(pub) : NULL;
        const char *url = ex->m_canonical ? ex->m_canonical
                          : (ex->m_og_url && (ascii_iprefix(ex->m_og_url, "http://") ||
                                              ascii_iprefix(ex->m_og_url, "https://")))
                              ? ex->m_og_url
                              : NULL;
        doc->url = url ? strdup(url) : NULL;
        if (ex->m_lang) {
                doc->lang = strdup(ex->m_lang);
        } else if (ex->m_meta_lang) {
                doc->lang = strdup(ex->m_meta_lang);
                for (char *p = doc->lang; p && *p; p++) {
                        if (*p == '_') {
                                *p = '-';
                        }
                }
        }
        const char *sum = ex->m_desc ? ex->m_desc : ex->m_og_desc;
        doc->summary = sum ? strdup(sum) : NULL;
        /* every metadata string must be valid UTF-8 too */
        char **fields[] = {&doc->title, &doc->published_at, &doc->url, &doc->lang, &doc->summary};
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
                char *s = *fields[i];
                if (s) {
                        size_t l = strlen(s);
                        char *c = malloc(l * 3 + 1);
                        if (c) {
                                sanitize_utf8(c, s, l);
                        }
                        free(s);
                        *fields[i] = c;
                }
        }
}

static json_t *make_notes(const ex_t *ex)
{
        json_t *notes = json_object();
        json_t *elems = json_object();
        json_t *blocks = json_object();
        static const char *const block_reasons[D__COUNT - R__COUNT] = {
            "outside_main", "link_density", "boilerplate_line", "edge_short",
            "orphan_heading", "loose_div_text", "repeated"};
        unsigned bdrop[D__COUNT] = {0}, kept = 0;
        for (size_t i = 0; i < ex->nblocks; i++) {
                if (ex->blocks[i].drop) {
                        bdrop[ex->blocks[i].drop]++;
                } else {
                        kept++;
                }
        }
        for (int r = 1; r < R__COUNT; r++) {
                if (ex->removed[r]) {
                        json_object_set_new(elems, reasons[r], json_integer(ex->removed[r]));
                }
        }
        for (int r = R__COUNT; r < D__COUNT; r++) {
                if (bdrop[r]) {
                        json_object_set_new(blocks, block_reasons[r - R__COUNT],
                                            json_integer(bdrop[r]));
                }
        }
        unsigned in_dropped = 0;
        for (int r = 1; r < R__COUNT; r++) {
                in_dropped += bdrop[r];
        }
        if (in_dropped) {
                json_object_set_new(blocks, "in_removed_elements", json_integer(in_dropped));
        }
        json_object_set_new(notes, "elements_removed", elems);
        json_object_set_new(notes, "blocks_removed", blocks);
        json_object_set_new(notes, "blocks_total", json_integer((json_int_t)ex->nblocks));
        json_object_set_new(notes, "blocks_kept", json_integer(kept));
        json_object_set_new(notes, "charset", json_string(ex->charset));
        if (ex->lang >= 0) {
                json_object_set_new(notes, "stopword_lang",
                                    json_string(nf_stopwords_code((nf_sw_lang_t)ex->lang)));
        }
        if (ex->protected_subtrees) {
                json_object_set_new(notes, "boilerplate_hints_overruled",
                                    json_integer(ex->protected_subtrees));
        }
        return notes;
}

/* ------------------------------------------------------------------ */
/* API                                                                 */
/* ------------------------------------------------------------------ */

static void ex_free(ex_t *ex)
{
        free(ex->elems);
        free(ex->blocks);
        free(ex->text);
        free(ex->stack);
        free(ex->cap);
        char *m[] = {ex->m_title, ex->m_og_title, ex->m_h1, ex->m_ld_headline,
                     ex->m_pub, ex->m_ld_pub, ex->m_time, ex->m_time_any, ex->m_itemprop_pub,
                     ex->m_canonical, ex->m_og_url, ex->m_lang, ex->m_meta_lang,
                     ex->m_desc, ex->m_og_desc, ex->m_site_name};
        for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
                free(m[i]);
        }
}

/* First h1 text among the blocks, for the title fallback. */
static void find_h1(ex_t *ex)
{
        for (size_t i = 0; i < ex->nblocks; i++) {
                const block_t *b = &ex->blocks[i];
                if (b->kind == K_H1 && b->chars > 3) {
                        char *h = strndup(ex->text + b->off, b->len);
                        ex->m_h1 = dup_clean(h);
                        free(h);
                        return;
                }
        }
}

int nf_html_extract(const char *html, size_t len, const nf_html_opts_t *opts,
                    nf_html_doc_t *doc, char *reason, size_t reason_size,
                    char *errstr, size_t errstr_size)
{
        ex_t ex;
        char *owned = NULL, *denul = NULL, *utf16 = NULL;
        const char *buf;
        size_t buf_len;
        double *pre = NULL, *best_mass = NULL;
        size_t *best_child = NULL;
        int rc = -1;

        pthread_once(&tables_once, tables_build);
        memset(&ex, 0, sizeof(ex));
        memset(doc, 0, sizeof(*doc));
        ex.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : DEFAULT_MAX_DEPTH;
        ex.max_blocks = opts && opts->max_paragraphs > 0 ? (size_t)opts->max_paragraphs
                                                         : DEFAULT_MAX_BLOCKS;
        ex.lang = -1;
        ex.deadline_ns = opts ? opts->deadline_ns : 0;

        if (!html) {
                len = 0;
                html = "";
        }
        /* UTF-16 is full of NUL bytes: decode it before the binary check */
        if (len >= 2 && (((unsigned char)html[0] == 0xFF && (unsigned char)html[1] == 0xFE) ||
                         ((unsigned char)html[0] == 0xFE && (unsigned char)html[1] == 0xFF))) {
                iconv_t cd = iconv_open("UTF-8", (unsigned char)html[0] == 0xFF ? "UTF-16LE"
                                                                                : "UTF-16BE");
                if (cd == (iconv_t)-1) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "iconv cannot decode UTF-16: %s", strerror(errno));
                        goto out;
                }
                size_t n;
                utf16 = decode_iconv(cd, html + 2, len - 2, &n);
                iconv_close(cd);
                if (!utf16) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory while decoding %zu bytes of UTF-16", len);
                        goto out;
                }
                html = utf16;
                len = n;
        }
        size_t nuls;
        if (looks_binary((const unsigned char *)html, len, &nuls)) {
                set_err(reason, reason_size, errstr, errstr_size, "html_binary",
                        "html is binary data (NUL or control bytes, or compressed), not a page");
                goto out;
        }
        if (nuls) {
                /* libxml2 stops at a NUL: blank the stray ones */
                denul = malloc(len);
                if (!denul) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory while copying %zu bytes of html", len);
                        goto out;
                }
                for (size_t i = 0; i < len; i++) {
                        denul[i] = html[i] ? html[i] : ' ';
                }
                html = denul;
        }
        if (to_utf8(&ex, html, len, &buf, &buf_len, &owned)) {
                set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                        "out of memory while decoding %zu bytes of html", len);
                goto out;
        }
        if (buf_len == 0) {
                /* libxml2 refuses empty input; an empty page has no article */
                doc->text = strdup("");
                doc->notes = json_object();
                rc = doc->text && doc->notes ? 0 : -1;
                if (rc) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory");
                }
                goto out;
        }
        parse(&ex, buf, buf_len);
        if (ex.timed_out) {
                set_err(reason, reason_size, errstr, errstr_size, "timeout",
                        "parsing the html ran past the record's deadline "
                        "(record.timeout.ms)");
                goto out;
        }
        if (ex.too_deep) {
                set_err(reason, reason_size, errstr, errstr_size, "html_too_deep",
                        "html nests elements deeper than %d levels", ex.max_depth);
                goto out;
        }
        if (ex.oom) {
                set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                        "out of memory while parsing the html");
                goto out;
        }
        if (ex.too_many) {
                set_err(reason, reason_size, errstr, errstr_size, "html_too_many_blocks",
                        "html has more than %zu text blocks", ex.max_blocks);
                goto out;
        }
        find_h1(&ex);

        size_t c = 0;
        if (ex.nblocks > 0) {
                pre = malloc((ex.nblocks + 1) * sizeof(double));
                best_mass = malloc(ex.nelems * sizeof(double));
                best_child = malloc(ex.nelems * sizeof(size_t));
                if (!pre || !best_mass || !best_child) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory while scoring blocks");
                        goto out;
                }
                classify(&ex);
                if (drop_boilerplate(&ex, pre)) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory while scoring blocks");
                        goto out;
                }
                c = pick_container(&ex, pre, best_child, best_mass);
                select_blocks(&ex, c);
                if (drop_repeats(&ex)) {
                        set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                                "out of memory while scoring blocks");
                        goto out;
                }
        }

        doc->text = assemble_text(&ex);
        finish_meta(&ex, doc);
        doc->notes = make_notes(&ex);
        if (!doc->text || !doc->notes) {
                set_err(reason, reason_size, errstr, errstr_size, "html_parse",
                        "out of memory while assembling the text");
                nf_html_doc_fini(doc);
                goto out;
        }
        rc = 0;
out:
        if (rc) {
                nf_html_doc_fini(doc);
        }
        free(pre);
        free(best_mass);
        free(best_child);
        free(owned);
        free(denul);
        free(utf16);
        ex_free(&ex);
        return rc;
}

void nf_html_doc_fini(nf_html_doc_t *doc)
{
        if (!doc) {
                return;
        }
        free(doc->text);
        free(doc->title);
        free(doc->published_at);
        free(doc->url);
        free(doc->lang);
        free(doc->summary);
        json_decref(doc->notes);
        memset(doc, 0, sizeof(*doc));
}
