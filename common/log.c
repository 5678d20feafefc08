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

/* Appends s to buf as a quoted logfmt/JSON string (both use \" and \\). */
static size_t put_quoted(char *buf, size_t o, size_t cap, const char *s)
{
        if (o < cap) {
                buf[o++] = '"';
        }
        for (; *s && o + 8 < cap; s++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\') {
                        buf[o++] = '\\';
                        buf[o++] = (char)c;
                } else if (c == '\n') {
                        buf[o++] = '\\';
                        buf[o++] = 'n';
                } else if (c < 0x20) {
                        o += (size_t)snprintf(buf + o, cap - o, "\\u%04x", c);
                } else {
                        buf[o++] = (char)c;
                }
        }
        if (o < cap) {
                buf[o++] = '"';
        }
        return o;
}

static int needs_quotes(const char *s)
{
        if (!*s) {
                return 1;
        }
        for (; *s; s++) {
                if (*s == ' ' || *s == '"' || *s == '=' || (unsigned char)*s < 0x20) {
                        return 1;
                }
        }
        return 0;
}

static size_t put_field(char *buf, size_t o, size_t cap, const char *k,
                        const char *v)
{
        if (nf_conf_is_secret(k)) {
                v = "[redacted]";
        }
        if (log_format == NF_LOG_JSON) {
                o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ",");
                o = put_quoted(buf, o, cap, k);
                o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, ":");
                return put_quoted(buf, o, cap, v);
        }
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, " %s=", k);
        if (needs_quotes(v)) {
                return put_quoted(buf, o, cap, v);
        }
        return o + (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s", v);
}

static void emit(nf_log_level_t level, const char *msg, va_list ap)
{
        char buf[4096];
        size_t cap = sizeof(buf) - 2, o = 0;
        struct timeval tv;
        gettimeofday(&tv, NULL);
        struct tm tm;
        gmtime_r(&tv.tv_sec, &tm);
        char ts[40];
        size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(ts + n, sizeof(ts) - n, ".%03dZ", (int)(tv.tv_usec / 1000));

        if (log_format == NF_LOG_JSON) {
                o += (size_t)snprintf(buf, cap, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":",
                                      ts, level_names[level]);
                o = put_quoted(buf, o, cap, msg);
        } else {
                o += (size_t)snprintf(buf, cap, "ts=%s level=%s msg=", ts,
                                      level_names[level]);
                o = put_quoted(buf, o, cap, msg);
        }
        const char *k;
        while ((k = va_arg(ap, const char *)) != NULL) {
                const char *v = va_arg(ap, const char *);
                o = put_field(buf, o, cap, k, v ? v : "");
        }
        if (o > cap) {
                o = cap;
        }
        if (log_format == NF_LOG_JSON) {
                buf[o++] = '}';
        }
        buf[o++] = '\n';
        ssize_t w = write(STDERR_FILENO, buf, o);
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
