/*
 * textnorm.h — Unicode and whitespace normalisation of article text, shared
 * by the text and HTML paths of the clean processor.
 *
 * One pass over the input that:
 *   - repairs invalid UTF-8: each invalid byte becomes U+FFFD, and a run of
 *     replacement characters is collapsed to one;
 *   - optionally decodes HTML character references (&amp; &rsquo; &#8217;
 *     &#x2019;), names looked up in libxml2's entity table;
 *   - removes control characters (C0 except TAB/LF/CR, DEL, C1), zero-width
 *     characters (U+200B..U+200D, U+2060, U+FEFF) and the soft hyphen;
 *   - maps every Unicode space (U+00A0, U+2000..U+200A, ...) and TAB to one
 *     space, collapses runs of spaces and trims every line;
 *   - maps CR, CRLF, VT, FF, NEL and U+2028 to LF, U+2029 to a blank line,
 *     collapses runs of blank lines to one and drops leading/trailing ones;
 *   - puts every line into Unicode NFC with utf8proc. Lines made only of
 *     characters that NFC cannot change (a table built once from utf8proc's
 *     data) skip utf8proc entirely: that is almost all news text, and it is
 *     what keeps this pass fast.
 *
 * Thread-safe: the only shared state is that table, built under
 * pthread_once.
 */
#ifndef NF_TEXTNORM_H
#define NF_TEXTNORM_H

#include <stddef.h>

/* Flags for nf_textnorm(). */
#define NF_TEXTNORM_ENTITIES 0x1 /* decode HTML character references */
#define NF_TEXTNORM_ONELINE 0x2  /* line breaks become spaces (titles) */

/* What the pass changed, for meta.clean. */
typedef struct nf_textnorm_stats_s {
        size_t invalid_bytes; /* replaced by U+FFFD */
        size_t controls;      /* control characters removed */
        size_t zero_width;    /* zero-width characters / soft hyphens removed */
        size_t entities;      /* character references decoded */
        size_t nfc_lines;     /* lines that went through utf8proc NFC */
} nf_textnorm_stats_t;

/*
 * Normalises len bytes of s (any bytes, NULs included) as described above.
 * Returns a new NUL-terminated valid UTF-8 string the caller frees with
 * free(), its length in *out_len (may be NULL). stats, when not NULL, is
 * added to (not reset). Never returns NULL: aborts on out of memory.
 */
char *nf_textnorm(const char *s, size_t len, unsigned flags, size_t *out_len,
                  nf_textnorm_stats_t *stats);

#endif
