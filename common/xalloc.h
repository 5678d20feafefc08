/*
 * xalloc.h — allocation that cannot fail: out of memory aborts, because
 * nothing a record or a rule file could do would make the stage sensible
 * again. Zero sizes are rounded up to 1 so that a NULL result always means
 * exhaustion. Callers free with free().
 */
#ifndef NF_XALLOC_H
#define NF_XALLOC_H

#include <stdlib.h>
#include <string.h>

static inline void *nf_xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (!p) {
                abort();
        }
        return p;
}

static inline void *nf_xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);
        if (!p) {
                abort();
        }
        return p;
}

/* A copy of s; NULL stays NULL. */
static inline char *nf_xstrdup(const char *s)
{
        return s ? strcpy(nf_xrealloc(NULL, strlen(s) + 1), s) : NULL;
}

/* A NUL-terminated copy of the n bytes at s. */
static inline char *nf_xstrndup(const char *s, size_t n)
{
        char *d = nf_xrealloc(NULL, n + 1);
        memcpy(d, s, n);
        d[n] = '\0';
        return d;
}

#endif
