/* run_stub.c — TEMPORARY until stage/run.c lands from the kafka branch. */
#include "stage/run.h"

#include <stdio.h>

int nf_run(const nf_conf_t *conf)
{
        fprintf(stderr, "newsflow run: Kafka mode is not built yet\n");
        return 1;
}
