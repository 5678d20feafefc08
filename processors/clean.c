/*
 * clean.c — PLACEHOLDER, being replaced by the real clean processor.
 */
#include "processors/processor.h"

#include <stdlib.h>

static void *clean_create(const nf_conf_t *conf, char *errstr, size_t errstr_size)
{
        static int dummy;
        return &dummy;
}

static void clean_process(void *self, nf_article_t *art, nf_outcome_t *out)
{
        if (!nf_article_text(art)) {
                nf_outcome_reject(out, "no_text", "no text");
        }
}

static void clean_destroy(void *self)
{
}

const nf_processor_t nf_processor_clean = {
    .abi = NF_PROCESSOR_ABI,
    .name = "clean",
    .description = "placeholder",
    .create = clean_create,
    .process = clean_process,
    .destroy = clean_destroy,
};
