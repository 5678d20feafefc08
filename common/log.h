/*
 * log.h — one line per event on stderr, logfmt (default) or JSON.
 *
 *   ts=2026-11-27T16:00:00.123Z level=info msg="joined group" group=newsflow
 *
 * nf_log() takes the message and then key/value string pairs ended by NULL,
 * so every field is machine-readable. Thread-safe (one write(2) per line).
 * A line is at most 4 KiB: a longer event is cut at a character boundary
 * and ends with truncated=true, still one line (and one valid JSON object).
 * Bytes that are not UTF-8 are written as U+FFFD.
 */
#ifndef NF_LOG_H
#define NF_LOG_H

typedef enum {
        NF_LOG_DEBUG = 0,
        NF_LOG_INFO,
        NF_LOG_WARN,
        NF_LOG_ERROR,
} nf_log_level_t;

typedef enum { NF_LOG_LOGFMT = 0, NF_LOG_JSON } nf_log_format_t;

/* Configures the logger (defaults: info, logfmt). Call before threads start. */
void nf_log_setup(nf_log_level_t min_level, nf_log_format_t format);

/* Parses "debug|info|warn|error"; returns -1 when unknown. */
int nf_log_level_parse(const char *s);

/* Logs msg with key/value pairs: nf_log(NF_LOG_INFO, "msg", "k", "v", NULL).
 * A value for a secret-looking key is printed as "[redacted]". */
void nf_log(nf_log_level_t level, const char *msg, ...)
    __attribute__((sentinel));

/* printf-style message, no extra fields. */
void nf_logf(nf_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
