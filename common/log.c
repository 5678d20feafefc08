/*
 * log.c — logfmt / JSON event lines on stderr. See log.h.
 */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "common/conf.h"

static nf_log_level_t min_level = NF_LOG_INFO;
static nf_log_format_t log_format = NF_LOG_LOGFMT;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void nf_log_setup(nf_log_level_t level, nf_log_format_t format)
{
        min_level = level;
        log_format = format;
}

int nf_log_level_parse(const char *s)
{
        for (int i = 0; i < 4; i++) {
                if (strcmp(s, level_names[i]) == 0) {
                        return i;
                }
        }
        if (strcmp(s, "warning") == 0) {
                return NF_LOG_WARN;
        }
        return -1;
}

/*
 * One log line under construction. Every piece is appended whole or not at
 * all, and room is kept for the closing `"`, the truncation mark, `}` and
 * the newline, so a line that is too long is still one line and, in json
 * mode, still one valid JSON object, ending with truncated=true.
 */
#define LINE_MAX_BYTES 4096
#define LINE_RESERVE 32

typedef struct line_s {
        char buf[LINE_MAX_BYTES];
        size_t len;
        int truncated;
} line_t;

static int put(line_t *l, const char *s, size_t n)
{
        if (l->truncated || l->len + n > LINE_MAX_BYTES - LINE_RESERVE) {
                l->truncated = 1;
                return -1;
        }
        memcpy(l->buf + l->len, s, n);
        l->len += n;
        return 0;
}

static int puts_(line_t *l, const char *s)
{
        return put(l, s, strlen(s));
}

/*
 * Appends s quoted (or bare when quote is 0 and s needs no quotes), escaping
 * ", \ and control characters the way both JSON and logfmt read them.
 * Bytes that are not UTF-8 become U+FFFD, so a json line always parses.
 */
static void put_string(line_t *l, const char *s, int quote)
{
        if (quote && puts_(l, "\"") == -1) {
                return;
        }
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
        while (*p) {
                utf8proc_int32_t cp;
                utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
                char esc[8];
                const char *piece = (const char *)p;
                size_t len = (size_t)n;
                if (n < 0) {
                        piece = "\xef\xbf\xbd"; /* U+FFFD */
                        len = 3;
                        n = 1;
                } else if (cp == '"' || cp == '\\') {
                        esc[0] = '\\';
                        esc[1] = (char)cp;
                        piece = esc;
                        len = 2;
                } else if (cp < 0x20) {
                        len = (size_t)(cp == '\n'   ? snprintf(esc, sizeof(esc), "\\n")
                                       : cp == '\r' ? snprintf(esc, sizeof(esc), "\\r")
                                       : cp == '\t' ? snprintf(esc, sizeof(esc), "\\t")
                                                    : snprintf(esc, sizeof(esc),
                                                               "\\u%04x", cp));
                        piece = esc;
                }
                /* the room for the closing quote is in LINE_RESERVE */
                if (put(l, piece, len) == -1) {
                        break;
                }
                p += n;
        }
        if (quote) {
                l->buf[l->len++] = '"';
        }
}

/* logfmt: a value needs quotes when empty or holding space, =, " or a
 * control character. */
static int needs_quotes(const char *s)
{
        if (!*s) {
                return 1;
        }
        for (; *s; s++) {
                if (*s == ' ' || *s == '"' || *s == '=' || *s == '\\' ||
                    (unsigned char)*s < 0x20) {
                        return 1;
                }
        }
        return 0;
}

static void put_field(line_t *l, const char *k, const char *v)
{
        if (nf_conf_is_secret(k)) {
                v = "[redacted]";
        }
        /* A key is never cut: with its separators and an empty value it
         * fits whole (escaped, at most 6 bytes a byte), or the line ends. */
        if (l->len + 6 * strlen(k) + 8 > LINE_MAX_BYTES - LINE_RESERVE) {
                l->truncated = 1;
        }
        if (l->truncated) {
                return;
        }
        if (log_format == NF_LOG_JSON) {
                if (puts_(l, ",") == 0) {
                        put_string(l, k, 1);
                }
                if (puts_(l, ":") == 0) {
                        put_string(l, v, 1);
                }
                return;
        }
        if (puts_(l, " ") == 0) {
                put_string(l, k, 0);
        }
        if (puts_(l, "=") == 0) {
                put_string(l, v, needs_quotes(v));
        }
}

static void emit(nf_log_level_t level, const char *msg, va_list ap)
{
        line_t l;
        l.len = 0;
        l.truncated = 0;
        struct timeval tv;
        gettimeofday(&tv, NULL);
        struct tm tm;
        gmtime_r(&tv.tv_sec, &tm);
        char ts[40];
        size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(ts + n, sizeof(ts) - n, ".%03dZ", (int)(tv.tv_usec / 1000));

        char head[96];
        if (log_format == NF_LOG_JSON) {
                snprintf(head, sizeof(head), "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":",
                         ts, level_names[level]);
        } else {
                snprintf(head, sizeof(head), "ts=%s level=%s msg=", ts,
                         level_names[level]);
        }
        puts_(&l, head);
        put_string(&l, msg, 1);
        const char *k;
        while ((k = va_arg(ap, const char *)) != NULL) {
                const char *v = va_arg(ap, const char *);
                put_field(&l, k, v ? v : "");
        }
        /* LINE_RESERVE keeps room for what follows. */
        const char *tail = log_format == NF_LOG_JSON
                               ? (l.truncated ? ",\"truncated\":true}\n" : "}\n")
                               : (l.truncated ? " truncated=true\n" : "\n");
        memcpy(l.buf + l.len, tail, strlen(tail));
        l.len += strlen(tail);
        ssize_t w = write(STDERR_FILENO, l.buf, l.len);
        (void)w;
}

void nf_log(nf_log_level_t level, const char *msg, ...)
{
        if (level < min_level) {
                return;
        }
        va_list ap;
        va_start(ap, msg);
        emit(level, msg, ap);
        va_end(ap);
}

void nf_logf(nf_log_level_t level, const char *fmt, ...)
{
        if (level < min_level) {
                return;
        }
        char msg[2048];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        nf_log(level, msg, NULL);
}
