/*
 * filemode.c — `newsflow process`: JSON lines in, enriched JSON lines out,
 * through the same chain as Kafka mode and without a broker.
 *
 * State records (dedup) are kept in memory by the processors; with
 * dedup.state.file=PATH they are loaded from PATH at start and the new ones
 * appended to it, so successive runs share one index the way instances share
 * the state topic. The file is a sequence of [u32 key length][key][u32 value
 * length or 0xffffffff for a tombstone][value], little-endian.
 */
#include "stage/filemode.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/article.h"
#include "common/log.h"
#include "processors/chain.h"
#include "stage/config.h"

#define TOMBSTONE 0xffffffffu

/* RFC 3339 UTC now, cached per second. */
static const char *now_rfc3339(char buf[32], time_t *cached)
{
        time_t t = time(NULL);
        if (t != *cached) {
                struct tm tm;
                gmtime_r(&t, &tm);
                strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
                *cached = t;
        }
        return buf;
}

static void write_error(FILE *err, long line, const char *id, const char *reason,
                        const char *message)
{
        json_t *o = json_pack("{s:I, s:o, s:s, s:s}", "line", (json_int_t)line,
                              "id", id ? json_string(id) : json_null(), "reason",
                              reason, "message", message);
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fprintf(err, "%s\n", s);
        free(s);
        json_decref(o);
}

static int read_u32(FILE *fp, uint32_t *v)
{
        unsigned char b[4];
        if (fread(b, 1, 4, fp) != 4) {
                return -1;
        }
        *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
             (uint32_t)b[3] << 24;
        return 0;
}

static void write_u32(FILE *fp, uint32_t v)
{
        unsigned char b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
                              v >> 24};
        fwrite(b, 1, 4, fp);
}

/* Feeds every record of the state file to the chain. 0, or -1 with errstr. */
static int load_state(nf_chain_t *chain, const char *path, char *errstr,
                      size_t errstr_size)
{
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                if (errno == ENOENT) {
                        return 0; /* first run: nothing to restore */
                }
                snprintf(errstr, errstr_size, "%s: %s", path, strerror(errno));
                return -1;
        }
        long n = 0;
        int r = 0;
        uint32_t klen, vlen;
        while (read_u32(fp, &klen) == 0) {
                nf_record_t rec = {0};
                rec.key = malloc(klen + 1);
                int ok = rec.key && fread(rec.key, 1, klen, fp) == klen &&
                         read_u32(fp, &vlen) == 0;
                if (ok && vlen != TOMBSTONE) {
                        rec.value = malloc((size_t)vlen + 1);
                        ok = rec.value && fread(rec.value, 1, vlen, fp) == vlen;
                        rec.value_len = vlen;
                }
                rec.key_len = klen;
                char msg[256];
                if (!ok) {
                        snprintf(errstr, errstr_size,
                                 "%s: truncated state record #%ld", path, n + 1);
                        r = -1;
                } else if (nf_chain_apply_state(chain, &rec, msg, sizeof(msg)) == -1) {
                        nf_log(NF_LOG_WARN, "skipping unreadable state record",
                               "file", path, "error", msg, NULL);
                }
                free(rec.key);
                free(rec.value);
                if (r == -1) {
                        break;
                }
                n++;
        }
        fclose(fp);
        if (r == 0) {
                char num[32];
                snprintf(num, sizeof(num), "%ld", n);
                nf_log(NF_LOG_INFO, "dedup state restored", "file", path,
                       "records", num, NULL);
        }
        return r;
}

static void append_state(FILE *fp, const nf_outcome_t *out)
{
        for (size_t i = 0; i < out->nrecords; i++) {
                const nf_record_t *rec = &out->records[i];
                write_u32(fp, (uint32_t)rec->key_len);
                fwrite(rec->key, 1, rec->key_len, fp);
                write_u32(fp, rec->value ? (uint32_t)rec->value_len : TOMBSTONE);
                if (rec->value) {
                        fwrite(rec->value, 1, rec->value_len, fp);
                }
        }
}

int nf_filemode_run(const nf_conf_t *conf, FILE *in, FILE *out)
{
        char errstr[1024];
        int rc = 1;
        FILE *err = stderr, *state = NULL;
        nf_chain_t *chain = nf_chain_new(conf, errstr, sizeof(errstr));
        if (!chain) {
                fprintf(stderr, "newsflow process: %s\n", errstr);
                return 1;
        }
        const char *errfile = nf_conf_get(conf, "errors.file");
        if (errfile && !(err = fopen(errfile, "w"))) {
                fprintf(stderr, "newsflow process: %s: %s\n", errfile, strerror(errno));
                err = NULL;
                goto done;
        }
        const char *statefile = nf_conf_get(conf, "dedup.state.file");
        if (statefile) {
                if (load_state(chain, statefile, errstr, sizeof(errstr)) == -1) {
                        fprintf(stderr, "newsflow process: %s\n", errstr);
                        goto done;
                }
                if (!(state = fopen(statefile, "ab"))) {
                        fprintf(stderr, "newsflow process: %s: %s\n", statefile,
                                strerror(errno));
                        goto done;
                }
        }

        nf_decode_limits_t limits = {
            .max_bytes = (size_t)nf_conf_get_int(conf, "input.max.bytes", 0),
            .max_depth = (int)nf_conf_get_int(conf, "json.max.depth", 0),
        };
        char tbuf[32];
        time_t tcached = 0;
        nf_encode_meta_t meta = {.version = NF_VERSION};
        long lineno = 0, n_in = 0, n_out = 0, n_bad = 0, n_drop = 0;
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while ((len = getline(&line, &cap, in)) != -1) {
                lineno++;
                while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
                        len--;
                }
                if (len == 0) {
                        continue; /* blank lines separate nothing: skip */
                }
                n_in++;
                char reason[64], why[512];
                nf_article_t *art = nf_article_decode(line, (size_t)len, &limits,
                                                      reason, sizeof(reason),
                                                      why, sizeof(why));
                if (!art) {
                        char full[80];
                        snprintf(full, sizeof(full), "decode.%s", reason);
                        write_error(err, lineno, NULL, full, why);
                        n_bad++;
                        continue;
                }
                art->origin.offset = lineno;
                nf_outcome_t oc;
                nf_outcome_init(&oc);
                nf_verdict_t v = nf_chain_process(chain, art, &oc);
                if (state) {
                        append_state(state, &oc);
                }
                if (v == NF_PASS) {
                        size_t n;
                        meta.processed_at = now_rfc3339(tbuf, &tcached);
                        char *s = nf_article_encode(art, &meta, &n);
                        fwrite(s, 1, n, out);
                        fputc('\n', out);
                        free(s);
                        n_out++;
                } else if (v == NF_REJECT) {
                        write_error(err, lineno, art->f[NF_F_ID], oc.reason, oc.message);
                        n_bad++;
                } else {
                        n_drop++;
                }
                nf_outcome_fini(&oc);
                nf_article_destroy(art);
        }
        free(line);
        if (ferror(in)) {
                fprintf(stderr, "newsflow process: read error: %s\n", strerror(errno));
                goto done;
        }
        if (fflush(out) != 0) {
                fprintf(stderr, "newsflow process: write error: %s\n", strerror(errno));
                goto done;
        }
        char s_in[24], s_out[24], s_bad[24], s_drop[24];
        snprintf(s_in, sizeof(s_in), "%ld", n_in);
        snprintf(s_out, sizeof(s_out), "%ld", n_out);
        snprintf(s_bad, sizeof(s_bad), "%ld", n_bad);
        snprintf(s_drop, sizeof(s_drop), "%ld", n_drop);
        nf_log(NF_LOG_INFO, "file mode done", "in", s_in, "out", s_out, "errors",
               s_bad, "dropped", s_drop, NULL);
        rc = 0;
done:
        if (state) {
                fclose(state);
        }
        if (err && err != stderr) {
                fclose(err);
        }
        nf_chain_destroy(chain);
        return rc;
}
