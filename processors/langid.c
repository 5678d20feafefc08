/*
 * langid.c — libexttextcat wrapper. See langid.h.
 */
#include "processors/langid.h"

#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DIR "/usr/share/libexttextcat"
#define MIN_BYTES 20

struct nf_langid_s {
        void *tc; /* textcat handle; read-only once loaded */
};

nf_langid_t *nf_langid_new(const char *conf, const char *datadir,
                           char *errstr, size_t errstr_size)
{
        char confpath[4096], prefix[4096];
        if (!datadir || !*datadir) {
                datadir = DEFAULT_DIR;
        }
        snprintf(prefix, sizeof(prefix), "%s/", datadir);
        if (conf && *conf) {
                snprintf(confpath, sizeof(confpath), "%s", conf);
        } else {
                snprintf(confpath, sizeof(confpath), "%s/fpdb.conf", datadir);
        }
        void *tc = special_textcat_Init(confpath, prefix);
        if (!tc) {
                snprintf(errstr, errstr_size,
                         "libexttextcat could not load %s (or a model it "
                         "lists under %s): is libexttextcat-data installed?",
                         confpath, prefix);
                return NULL;
        }
        nf_langid_t *li = calloc(1, sizeof(*li));
        if (!li) {
                abort();
        }
        li->tc = tc;
        return li;
}

void nf_langid_destroy(nf_langid_t *li)
{
        if (!li) {
                return;
        }
        textcat_Done(li->tc);
        free(li);
}

int nf_langid_detect(nf_langid_t *li, const char *text, size_t len,
                     size_t max_bytes, char *out, size_t out_size)
{
        if (len > max_bytes) {
                len = max_bytes;
                while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) {
                        len--;
                }
        }
        char name[64] = "";
        if (len < MIN_BYTES) {
                return -1; /* n-gram statistics mean nothing this short */
        }
        /* The candidates come back best first; more than a handful of close
         * ones (TEXTCAT_RESULT_UNKNOWN) or too little text: no answer. */
        candidate_t *cand = textcat_GetClassifyFullOutput(li->tc);
        if (!cand) {
                abort(); /* out of memory */
        }
        int n = textcat_ClassifyFull(li->tc, text, len, cand);
        if (n > 0 && cand[0].name) {
                snprintf(name, sizeof(name), "%s", cand[0].name);
        }
        textcat_ReleaseClassifyFullOutput(li->tc, cand);
        size_t cl = strcspn(name, "-");
        if (cl < 2 || cl > 3 || cl + 1 > out_size) {
                return -1;
        }
        memcpy(out, name, cl);
        out[cl] = '\0';
        return 0;
}
