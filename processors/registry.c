/*
 * registry.c — every processor newsflow has, by name, in the default chain
 * order (clean -> dedup -> tag). Adding a processor means one file under
 * processors/ exporting its nf_processor_t, and one line here.
 */
#include "processors/chain.h"

extern const nf_processor_t nf_processor_clean;
extern const nf_processor_t nf_processor_dedup;
extern const nf_processor_t nf_processor_tag;

const nf_processor_t *const nf_processors[] = {
    &nf_processor_clean,
    &nf_processor_dedup,
    &nf_processor_tag,
    NULL,
};
