/*
 * filemode.h — `newsflow process`: the same chain on JSON lines, no broker.
 */
#ifndef NF_STAGE_FILEMODE_H
#define NF_STAGE_FILEMODE_H

#include <stdio.h>

#include "common/conf.h"

/*
 * Reads one JSON record per line from in, writes one output line per
 * accepted record to out, in input order; records a processor drops are not
 * written. Bad lines become JSON error lines ({"line":N,"reason":...,
 * "message":...}) on stderr or in errors.file. Returns the exit status: 0
 * when every line was read (bad lines included), 1 on an I/O or set-up
 * error (printed to stderr). conf is borrowed.
 */
int nf_filemode_run(const nf_conf_t *conf, FILE *in, FILE *out);

#endif
