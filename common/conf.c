/*
 * conf.c — ordered key=value store and key-table validation. See conf.h.
 */
#include "common/conf.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nf_conf_s {
        char **keys;
        char **values;
        size_t n, cap;
};

nf_conf_t *nf_conf_new(void)
{
        nf_conf_t *conf = calloc(1, sizeof(*conf));
        if (!conf) {
                abort();
        }
        return conf;
}

void nf_conf_destroy(nf_conf_t *conf)
{
        if (!conf) {
                return;
        }
        for (size_t i = 0; i < conf->n; i++) {
                free(conf->keys[i]);
                free(conf->values[i]);
        }
        free(conf->keys);
        free(conf->values);
        free(conf);
}

static ssize_t find(const nf_conf_t *conf, const char *key)
{
        for (size_t i = 0; i < conf->n; i++) {
                if (strcmp(conf->keys[i], key) == 0) {
                        return (ssize_t)i;
                }
        }
        return -1;
}

void nf_conf_set(nf_conf_t *conf, const char *key, const char *value)
{
        ssize_t i = find(conf, key);
        if (i >= 0) {
                free(conf->values[i]);
                conf->values[i] = nf_xstrdup(value);
                return;
        }
        if (conf->n == conf->cap) {
                conf->cap = conf->cap ? conf->cap * 2 : 32;
                conf->keys = realloc(conf->keys, conf->cap * sizeof(char *));
                conf->values = realloc(conf->values, conf->cap * sizeof(char *));
                if (!conf->keys || !conf->values) {
                        abort();
                }
        }
        conf->keys[conf->n] = nf_xstrdup(key);
        conf->values[conf->n] = nf_xstrdup(value);
        conf->n++;
}

/* Trims blanks at both ends in place; returns the new start. */
static char *trim(char *s)
{
        while (isspace((unsigned char)*s)) {
                s++;
        }
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1])) {
                s[--n] = '\0';
        }
        return s;
}

static int set_line(nf_conf_t *conf, char *line, int keep_existing,
                    char *errstr, size_t errstr_size)
{
        char *eq = strchr(line, '=');
        if (!eq) {
                snprintf(errstr, errstr_size,
                         "expected key=value, got \"%s\"", line);
                return -1;
        }
        *eq = '\0';
        char *key = trim(line);
        char *value = trim(eq + 1);
        if (!*key) {
                snprintf(errstr, errstr_size, "empty key before '='");
                return -1;
        }
        if (keep_existing && find(conf, key) >= 0) {
                return 0;
        }
        nf_conf_set(conf, key, value);
        return 0;
}

int nf_conf_set_kv(nf_conf_t *conf, const char *kv, char *errstr,
                   size_t errstr_size)
{
        char *copy = nf_xstrdup(kv);
        int r = set_line(conf, copy, 0, errstr, errstr_size);
        free(copy);
        return r;
}

int nf_conf_load_file(nf_conf_t *conf, const char *path, int keep_existing,
                      char *errstr, size_t errstr_size)
{
        FILE *fp = fopen(path, "r");
        if (!fp) {
                snprintf(errstr, errstr_size, "%s: %s", path, strerror(errno));
                return -1;
        }
        char *line = NULL;
        size_t cap = 0;
        int lineno = 0, r = 0;
        while (getline(&line, &cap, fp) != -1) {
                lineno++;
                char *s = trim(line);
                if (!*s || *s == '#') {
                        continue;
                }
                char msg[256];
                if (set_line(conf, s, keep_existing, msg, sizeof(msg)) == -1) {
                        snprintf(errstr, errstr_size, "%s:%d: %s", path, lineno,
                                 msg);
                        r = -1;
                        break;
                }
        }
        free(line);
        fclose(fp);
        return r;
}

const char *nf_conf_get(const nf_conf_t *conf, const char *key)
{
        ssize_t i = find(conf, key);
        return i >= 0 ? conf->values[i] : NULL;
}

int64_t nf_conf_get_int(const nf_conf_t *conf, const char *key, int64_t def)
{
        const char *v = nf_conf_get(conf, key);
        return v && *v ? strtoll(v, NULL, 10) : def;
}

double nf_conf_get_double(const nf_conf_t *conf, const char *key, double def)
{
        const char *v = nf_conf_get(conf, key);
        return v && *v ? strtod(v, NULL) : def;
}

int nf_conf_get_bool(const nf_conf_t *conf, const char *key, int def)
{
        const char *v = nf_conf_get(conf, key);
        if (!v || !*v) {
                return def;
        }
        return strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

size_t nf_conf_count(const nf_conf_t *conf)
{
        return conf->n;
}

const char *nf_conf_key_at(const nf_conf_t *conf, size_t i)
{
        return conf->keys[i];
}

const char *nf_conf_value_at(const nf_conf_t *conf, size_t i)
{
        return conf->values[i];
}

const nf_conf_key_t *nf_conf_key_find(const nf_conf_key_t *table,
                                      const char *name)
{
        for (; table && table->name; table++) {
                if (strcmp(table->name, name) == 0) {
                        return table;
                }
        }
        return NULL;
}

/* Whether item (len bytes) is one of the comma-separated choices. */
static int in_choices(const char *choices, const char *item, size_t len)
{
        const char *p = choices;
        while (*p) {
                const char *e = strchr(p, ',');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n == len && strncmp(p, item, len) == 0) {
                        return 1;
                }
                if (!e) {
                        break;
                }
                p = e + 1;
        }
        return 0;
}

int nf_conf_check_value(const nf_conf_key_t *key, const char *value,
                        char *errstr, size_t errstr_size)
{
        char *end;
        switch (key->type) {
        case NF_CONF_STRING:
                return 0;
        case NF_CONF_INT:
        case NF_CONF_DOUBLE: {
                errno = 0;
                double d = key->type == NF_CONF_INT
                               ? (double)strtoll(value, &end, 10)
                               : strtod(value, &end);
                if (!*value || *end || errno) {
                        snprintf(errstr, errstr_size,
                                 "%s: \"%s\" is not %s", key->name, value,
                                 key->type == NF_CONF_INT ? "an integer"
                                                          : "a number");
                        return -1;
                }
                if ((key->min != 0 || key->max != 0) &&
                    (d < key->min || d > key->max)) {
                        snprintf(errstr, errstr_size,
                                 "%s: %s is out of range [%g, %g]", key->name,
                                 value, key->min, key->max);
                        return -1;
                }
                return 0;
        }
        case NF_CONF_BOOL:
                if (strcmp(value, "true") && strcmp(value, "false")) {
                        snprintf(errstr, errstr_size,
                                 "%s: \"%s\" is not true or false", key->name,
                                 value);
                        return -1;
                }
                return 0;
        case NF_CONF_ENUM:
                if (!in_choices(key->choices, value, strlen(value))) {
                        snprintf(errstr, errstr_size,
                                 "%s: \"%s\" is not one of %s", key->name,
                                 value, key->choices);
                        return -1;
                }
                return 0;
        case NF_CONF_LIST: {
                if (!key->choices) {
                        return 0;
                }
                const char *p = value;
                while (*p) {
                        const char *e = strchr(p, ',');
                        size_t n = e ? (size_t)(e - p) : strlen(p);
                        if (n == 0 || !in_choices(key->choices, p, n)) {
                                snprintf(errstr, errstr_size,
                                         "%s: \"%.*s\" is not one of %s",
                                         key->name, (int)n, p, key->choices);
                                return -1;
                        }
                        if (!e) {
                                break;
                        }
                        p = e + 1;
                }
                return 0;
        }
        }
        return 0;
}

void nf_conf_apply_defaults(nf_conf_t *conf, const nf_conf_key_t *table)
{
        for (; table && table->name; table++) {
                if (table->def && find(conf, table->name) < 0) {
                        nf_conf_set(conf, table->name, table->def);
                }
        }
}

int nf_conf_is_secret(const char *key)
{
        static const char *const words[] = {"password", "secret",
                                            "sasl.oauthbearer.config",
                                            "ssl.key.pem", "ssl_key"};
        for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
                if (strcasestr(key, words[i])) {
                        return 1;
                }
        }
        return 0;
}

const char *nf_conf_type_name(nf_conf_type_t t)
{
        static const char *const names[] = {"string", "int",  "double",
                                            "bool",   "enum", "list"};
        return names[t];
}
