/*
 * html_blocks.c — development tool: shows how html_extract.c cut a page into
 * blocks and what it did with each one (kept, or dropped and why), and which
 * element it chose as the article container.
 *
 * Usage: html_blocks PAGE.html[.gz] [SNIPPET...]
 *   Blocks containing one of the SNIPPETs are marked with '*'.
 *
 * It includes html_extract.c to reach its internal state; it is a tool for
 * tuning the extractor, not part of the stage.
 */
#define NF_HTML_EXTRACT_DEBUG 1
#define nf_html_extract nf_html_extract_dbg
#define nf_html_doc_fini nf_html_doc_fini_dbg
#include "../processors/html_extract.c"

#include <zlib.h>

static char *read_any(const char *path, size_t *len)
{
        gzFile gz = gzopen(path, "rb"); /* reads plain files too */
        if (!gz) {
                return NULL;
        }
        size_t cap = 1 << 20, n = 0;
        char *buf = malloc(cap);
        int r;
        while (buf && (r = gzread(gz, buf + n, (unsigned)(cap - n))) > 0) {
                n += (size_t)r;
                if (n == cap) {
                        cap *= 2;
                        buf = realloc(buf, cap);
                }
        }
        gzclose(gz);
        *len = n;
        return buf;
}

static const char *drop_name(int d)
{
        static const char *const dn[] = {"outside", "links", "phrase", "edge", "lonely", "loose", "repeat"};
        if (d == 0) {
                return "KEEP";
        }
        return d < R__COUNT ? reasons[d] : dn[d - R__COUNT];
}

static void elem_desc(const ex_t *ex, int e, char *buf, size_t size)
{
        if (e < 0) {
                snprintf(buf, size, "-");
                return;
        }
        snprintf(buf, size, "#%d<%s>", e, ex->elems[e].desc);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: html_blocks PAGE [SNIPPET...]\n");
                return 2;
        }
        size_t len;
        char *html = read_any(argv[1], &len);
        if (!html) {
                fprintf(stderr, "cannot read %s\n", argv[1]);
                return 1;
        }
        /* the same steps as nf_html_extract, keeping ex */
        ex_t ex;
        char *owned = NULL;
        const char *buf;
        size_t buf_len;
        pthread_once(&tables_once, tables_build);
        memset(&ex, 0, sizeof(ex));
        ex.max_depth = DEFAULT_MAX_DEPTH;
        ex.max_blocks = DEFAULT_MAX_BLOCKS;
        ex.lang = -1;
        if (to_utf8(&ex, html, len, &buf, &buf_len, &owned)) {
                return 1;
        }
        parse(&ex, buf, buf_len);
        double *pre = malloc((ex.nblocks + 1) * sizeof(double));
        double *best_mass = malloc((ex.nelems + 1) * sizeof(double));
        size_t *best_child = malloc((ex.nelems + 1) * sizeof(size_t));
        size_t c = 0;
        if (ex.nblocks) {
                classify(&ex);
                drop_boilerplate(&ex, pre);
                c = pick_container(&ex, pre, best_child, best_mass);
                select_blocks(&ex, c);
        }
        if (getenv("META")) {
                find_h1(&ex);
                json_t *m = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "og", ex.m_og_title, "ld",
                                      ex.m_ld_headline, "h1", ex.m_h1, "title", ex.m_title, "site",
                                      ex.m_site_name);
                char *js = json_dumps(m, JSON_COMPACT);
                printf("%s\n", js);
                free(js);
                json_decref(m);
                return 0;
        }
        char d[128];
        elem_desc(&ex, (int)c, d, sizeof(d));
        printf("charset %s lang %s container %s blocks %zu elems %zu\n", ex.charset,
               ex.lang >= 0 ? nf_stopwords_code(ex.lang) : "?", d, ex.nblocks, ex.nelems);
        if (getenv("ELEMS")) {
                for (size_t e = 0; e < ex.nelems; e++) {
                        if (ex.elems[e].drop || (ex.elems[e].hints & H_STRONG)) {
                                elem_desc(&ex, (int)e, d, sizeof(d));
                                printf("elem %-9s %s blocks %u-%u mass %.0f%s\n",
                                       drop_name(ex.elems[e].drop), d, ex.elems[e].first_block,
                                       ex.elems[e].end_block, elem_mass(&ex, pre, e),
                                       ex.elems[e].hints & H_STRONG ? " STRONG" : "");
                        }
                }
        }
        for (size_t i = 0; i < ex.nblocks; i++) {
                const block_t *b = &ex.blocks[i];
                const char *t = ex.text + b->off;
                int hit = 0;
                for (int a = 2; a < argc; a++) {
                        if (memmem(t, b->len, argv[a], strlen(argv[a]))) {
                                hit = 1;
                        }
                }
                elem_desc(&ex, b->owner, d, sizeof(d));
                static const char *const cls[] = {"good", "near", "short", "bad", "links"};
                static const char *const kinds[] = {"div", "p", "h1", "h", "li", "td", "pre", "quote"};
                if (hit && getenv("CHAIN")) {
                        printf("   chain:");
                        for (int a = b->owner; a >= 0; a = ex.elems[a].parent) {
                                printf(" <%s>", ex.elems[a].desc);
                        }
                        printf("\n");
                }
                printf("%c%4zu %-9s %-5s %-5s %5u L%3.0f%% S%3.0f%% %-40.40s | %.*s\n",
                       hit ? '*' : ' ', i, drop_name(b->drop), cls[b->cls], kinds[b->kind],
                       b->chars, b->chars ? 100.0 * b->link_chars / b->chars : 0,
                       b->words && ex.lang >= 0 ? 100.0 * b->stops[ex.lang] / b->words : 0, d,
                       (int)(b->len < 90 ? b->len : 90), t);
        }
        return 0;
}
