/*
 * digest.c — the config digest (XXH3-128, streamed). See digest.h.
 */
#include "stage/digest.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "processors/chain.h"
#include "stage/config.h"

#ifndef NF_TAG_RULES_DIR
#define NF_TAG_RULES_DIR "/usr/share/newsflow/rules" /* as processors/tag.c */
#endif

/* Keys that name rule files: their files' bytes are hashed, not the
 * paths. */
static const char *const path_keys[] = {"clean.patterns.file", "tag.rules",
                                        "tag.rules.extra", "tag.rules.dir",
                                        NULL};

static int is_path_key(const char *key)
{
        for (int i = 0; path_keys[i]; i++) {
                if (strcmp(key, path_keys[i]) == 0) {
                        return 1;
                }
        }
        return 0;
}

/* Stage keys that change what a record becomes (DLQ or not, and how). */
static const char *const stage_keys[] = {"processors", "input.max.bytes",
                                         "json.max.depth", NULL};

static void add_str(XXH3_state_t *st, const char *s)
{
        XXH3_128bits_update(st, s, strlen(s) + 1); /* with the NUL */
}

static void add_kv(XXH3_state_t *st, const nf_conf_t *conf, const char *key)
{
        const char *v = nf_conf_get(conf, key);
        add_str(st, key);
        add_str(st, v ? v : "\x01unset");
}

/* Hashes a regular file's bytes (with its size first). */
static int add_file(XXH3_state_t *st, const char *path, char *errstr,
                    size_t errstr_size)
{
        FILE *fp = fopen(path, "rb");
        if (!fp) {
                snprintf(errstr, errstr_size, "config digest: %s: %s", path,
                         strerror(errno));
                return -1;
        }
        char buf[65536];
        size_t n;
        unsigned long long size = 0;
        XXH3_state_t *fst = XXH3_createState();
        XXH3_128bits_reset(fst);
        while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
                XXH3_128bits_update(fst, buf, n);
                size += n;
        }
        int bad = ferror(fp);
        fclose(fp);
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(fst));
        XXH3_freeState(fst);
        if (bad) {
                snprintf(errstr, errstr_size, "config digest: %s: read error",
                         path);
                return -1;
        }
        XXH3_128bits_update(st, &size, sizeof(size));
        XXH3_128bits_update(st, &c, sizeof(c));
        return 0;
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

/* A file, or every regular file of a directory in name order. */
static int add_path(XXH3_state_t *st, const char *path, char *errstr,
                    size_t errstr_size)
{
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                struct dirent **names;
                int n = scandir(path, &names, NULL, cmp_names);
                if (n < 0) {
                        snprintf(errstr, errstr_size, "config digest: %s: %s",
                                 path, strerror(errno));
                        return -1;
                }
                int rc = 0;
                for (int i = 0; i < n; i++) {
                        char *p = NULL;
                        if (asprintf(&p, "%s/%s", path, names[i]->d_name) < 0) {
                                abort();
                        }
                        if (rc == 0 && stat(p, &sb) == 0 &&
                            S_ISREG(sb.st_mode)) {
                                rc = add_file(st, p, errstr, errstr_size);
                        }
                        free(p);
                        free(names[i]);
                }
                free(names);
                return rc;
        }
        return add_file(st, path, errstr, errstr_size);
}

/* tag.rules.dir, or the tag processor's default (processors/tag.c). */
static void rules_dir(const nf_conf_t *conf, char *out, size_t size)
{
        const char *dir = nf_conf_get(conf, "tag.rules.dir");
        struct stat sb;
        if (dir && *dir) {
                snprintf(out, size, "%s", dir);
                return;
        }
        if (stat("deploy/rules", &sb) == 0 && S_ISDIR(sb.st_mode)) {
                snprintf(out, size, "deploy/rules");
                return;
        }
        char exe[PATH_MAX - 32];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                exe[n] = '\0';
                char *slash = strrchr(exe, '/');
                if (slash) {
                        *slash = '\0';
                        snprintf(out, size, "%s/../deploy/rules", exe);
                        if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode)) {
                                return;
                        }
                }
        }
        snprintf(out, size, "%s", NF_TAG_RULES_DIR);
}

/* The files of a tag rule list: a path, or a file in the current directory,
 * as it is; another bare name in the rules directory. */
static int add_rule_list(XXH3_state_t *st, const nf_conf_t *conf,
                         const char *key, char *errstr, size_t errstr_size)
{
        const char *list = nf_conf_get(conf, key);
        if (!list) {
                return 0;
        }
        char dir[PATH_MAX];
        rules_dir(conf, dir, sizeof(dir));
        char *copy = strdup(list), *save = NULL;
        int rc = 0;
        for (char *f = strtok_r(copy, ", \t", &save); f && rc == 0;
             f = strtok_r(NULL, ", \t", &save)) {
                struct stat sb;
                char *p = NULL;
                if (strchr(f, '/') || stat(f, &sb) == 0) {
                        p = strdup(f);
                } else if (asprintf(&p, "%s/%s", dir, f) < 0) {
                        p = NULL;
                }
                if (!p) {
                        abort();
                }
                rc = add_path(st, p, errstr, errstr_size);
                free(p);
        }
        free(copy);
        return rc;
}

/* Whether name is in the comma list. */
static int listed(const char *list, const char *name)
{
        size_t n = strlen(name);
        for (const char *p = list; p && *p;) {
                size_t len = strcspn(p, ",");
                if (len == n && strncmp(p, name, n) == 0) {
                        return 1;
                }
                p += len + (p[len] == ',');
        }
        return 0;
}

int nf_config_digest(const nf_conf_t *conf, char out[NF_DIGEST_LEN + 1],
                     char *errstr, size_t errstr_size)
{
        XXH3_state_t *st = XXH3_createState();
        if (!st) {
                abort();
        }
        XXH3_128bits_reset(st);
        add_str(st, "newsflow " NF_VERSION);
        for (int i = 0; stage_keys[i]; i++) {
                add_kv(st, conf, stage_keys[i]);
        }
        const char *chain = nf_conf_get(conf, "processors");
        int rc = 0;
        for (size_t i = 0; nf_processors[i] && rc == 0; i++) {
                const nf_processor_t *p = nf_processors[i];
                if (!listed(chain, p->name)) {
                        continue;
                }
                add_str(st, p->name);
                for (const nf_conf_key_t *k = p->conf_keys; k && k->name; k++) {
                        if (!is_path_key(k->name)) {
                                add_kv(st, conf, k->name);
                        }
                }
                const char *patterns = nf_conf_get(conf, "clean.patterns.file");
                if (strcmp(p->name, "clean") == 0 && patterns && *patterns) {
                        rc = add_path(st, patterns, errstr, errstr_size);
                } else if (strcmp(p->name, "tag") == 0) {
                        rc = add_rule_list(st, conf, "tag.rules", errstr,
                                           errstr_size);
                        if (rc == 0) {
                                rc = add_rule_list(st, conf, "tag.rules.extra",
                                                   errstr, errstr_size);
                        }
                }
        }
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
        XXH3_freeState(st);
        if (rc == -1) {
                return -1;
        }
        for (int i = 0; i < 16; i++) {
                snprintf(out + 2 * i, 3, "%02x", c.digest[i]);
        }
        return 0;
}
