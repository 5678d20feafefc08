/*
 * html_extract_stub.c — TEMPORARY stand-in for processors/html_extract.c,
 * which is written on the `html` branch. It lets the `clean` branch link
 * until that branch is merged; DELETE THIS FILE when merging (the real file
 * defines the same two symbols, so keeping both fails to link, loudly).
 *
 * It extracts nothing: every page is refused with reason "html_unsupported".
 */
#include "processors/html_extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nf_html_extract(const char *html, size_t len, const nf_html_opts_t *opts,
                    nf_html_doc_t *doc, char *reason, size_t reason_size,
                    char *errstr, size_t errstr_size)
{
        snprintf(reason, reason_size, "html_unsupported");
        snprintf(errstr, errstr_size,
                 "this build has no HTML extractor (stub)");
        return -1;
}

void nf_html_doc_fini(nf_html_doc_t *doc)
{
        free(doc->text);
        free(doc->title);
        free(doc->published_at);
        free(doc->url);
        free(doc->lang);
        free(doc->summary);
        json_decref(doc->notes);
        memset(doc, 0, sizeof(*doc));
}
