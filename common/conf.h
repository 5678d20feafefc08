/*
 * conf.h — newsflow's configuration: an ordered key=value store plus the
 * declarative key tables (name, type, default, description) that validate it.
 *
 * Each processor declares its own keys in a table (nf_conf_key_t[], ended by
 * an entry with name == NULL); the stage declares its keys the same way. The
 * stage validates user input against all tables and fills in defaults, so a
 * processor's create() can read any of its keys with nf_conf_get() and always
 * get a validated value. `newsflow config --list` prints the same tables.
 */
#ifndef NF_CONF_H
#define NF_CONF_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
        NF_CONF_STRING = 0,
        NF_CONF_INT,    /* decimal integer, optional min/max */
        NF_CONF_DOUBLE, /* decimal number, optional min/max */
        NF_CONF_BOOL,   /* true|false */
        NF_CONF_ENUM,   /* one of `choices` (comma-separated) */
        NF_CONF_LIST,   /* comma-separated list; each item in `choices` if set */
} nf_conf_type_t;

typedef struct nf_conf_key_s {
        const char *name;
        nf_conf_type_t type;
        const char *def;     /* default, as text; NULL = unset */
        const char *choices; /* ENUM/LIST: "a,b,c"; NULL otherwise */
        double min, max;     /* INT/DOUBLE range; min == max == 0: none */
        const char *desc;
} nf_conf_key_t;

typedef struct nf_conf_s nf_conf_t;

/* A new empty store. Never NULL. Caller frees with nf_conf_destroy(). */
nf_conf_t *nf_conf_new(void);
void nf_conf_destroy(nf_conf_t *conf); /* NULL is a no-op */

/* Sets key to value (copied), replacing an earlier value. */
void nf_conf_set(nf_conf_t *conf, const char *key, const char *value);

/* Parses "key=value" (as given to -X). Returns 0, or -1 with errstr set. */
int nf_conf_set_kv(nf_conf_t *conf, const char *kv, char *errstr,
                   size_t errstr_size);

/*
 * Reads a config file: one key=value per line, '#' comments and blank lines
 * ignored, the same syntax as -X. Values already set are NOT overwritten when
 * keep_existing is non-zero (so -X given before -c still wins). Returns 0, or
 * -1 with errstr "FILE:LINE: message".
 */
int nf_conf_load_file(nf_conf_t *conf, const char *path, int keep_existing,
                      char *errstr, size_t errstr_size);

/* The value of key, or NULL when unset. Borrowed, valid until the key is set
 * again or the store destroyed. */
const char *nf_conf_get(const nf_conf_t *conf, const char *key);

/* Typed reads; return def when the key is unset. Values have been validated
 * by nf_conf_validate() so parsing does not fail. */
int64_t nf_conf_get_int(const nf_conf_t *conf, const char *key, int64_t def);
double nf_conf_get_double(const nf_conf_t *conf, const char *key, double def);
int nf_conf_get_bool(const nf_conf_t *conf, const char *key, int def);

/* Iterates keys in insertion order: returns the number of entries and lets
 * the caller index them. */
size_t nf_conf_count(const nf_conf_t *conf);
const char *nf_conf_key_at(const nf_conf_t *conf, size_t i);
const char *nf_conf_value_at(const nf_conf_t *conf, size_t i);

/* Finds a key in a NULL-terminated table, or NULL. */
const nf_conf_key_t *nf_conf_key_find(const nf_conf_key_t *table,
                                      const char *name);

/* Checks value against key's type; 0 or -1 with errstr naming key and
 * value. */
int nf_conf_check_value(const nf_conf_key_t *key, const char *value,
                        char *errstr, size_t errstr_size);

/* Sets every key of table that is unset in conf to its default. */
void nf_conf_apply_defaults(nf_conf_t *conf, const nf_conf_key_t *table);

/* Whether a key names a secret (…password…, …secret…, sasl.oauthbearer…):
 * such values are never logged or printed. */
int nf_conf_is_secret(const char *key);

/* Type name for `config --list`. */
const char *nf_conf_type_name(nf_conf_type_t t);

#endif
