/*
 * Diagnostic log lines: "guise: <level>: <message>" on stderr.  A line is
 * formatted into a stack buffer and written with one write(2), so lines from
 * several threads never interleave.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

gs_log_level_t gs_log_threshold = GS_LOG_INFO;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

static void vlog(const char *level, const char *fmt, va_list ap) GS_PRINTF(2, 0);

static void
vlog(const char *level, const char *fmt, va_list ap)
{
    char buf[1024];
    int saved = errno;
    int n = snprintf(buf, sizeof(buf), "guise: %s: ", level);

    n += vsnprintf(buf + n, sizeof(buf) - (size_t) n, fmt, ap);
    if (n > (int) sizeof(buf) - 2) {
        n = (int) sizeof(buf) - 2;
    }
    buf[n++] = '\n';
    (void) !write(STDERR_FILENO, buf, (size_t) n);
    errno = saved;
}

void
gs_log(gs_log_level_t level, const char *fmt, ...)
{
    va_list ap;

    if (level > gs_log_threshold) {
        return;
    }
    va_start(ap, fmt);
    vlog(level_names[level], fmt, ap);
    va_end(ap);
}

_Noreturn void
gs_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog("panic", fmt, ap);
    va_end(ap);
    abort();
}

void *
gs_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        gs_panic("out of memory allocating %zu bytes", n);
    }
    return p;
}

void *
gs_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL) {
        gs_panic("out of memory allocating %zu x %zu bytes", n, size);
    }
    return p;
}

void *
gs_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL) {
        gs_panic("out of memory reallocating %zu bytes", n);
    }
    return q;
}

char *
gs_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(gs_xmalloc(n), s, n);
}
