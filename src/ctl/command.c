/*
 * Parsing and running control requests.  A request is a command word and
 * its arguments, separated by single spaces or tabs, in printable ASCII or
 * valid UTF-8: nothing else reaches the caches.  Running a request only
 * reads counters or removes TOKEN entries; it never blocks on a client.
 */
#include "command.h"
#include "cache/cache.h"
#include "cache/token_cache.h"
#include "core/util.h"
#include "core/wide.h"
#include "security/logon.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define COMMANDS "commands: stats, flush-tokens [USER]"

/* The keys of `stats`' logons line, by gs_logon_result_t. */
static const char *const logon_keys[GS_LOGON_RESULTS] = {
    [GS_LOGON_OK] = "ok",           [GS_LOGON_BAD_CREDENTIALS] = "bad_credentials",
    [GS_LOGON_REFUSED] = "refused", [GS_LOGON_THROTTLED] = "throttled",
    [GS_LOGON_TIMEOUT] = "timeout", [GS_LOGON_ERROR] = "error",
};

_Static_assert(GS_LOGON_RESULTS == 6, "every logon result needs a key in logon_keys");

static int fail(char *err, size_t errlen, const char *fmt, ...) GS_PRINTF(3, 4);

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

int
gs_ctl_parse(char *line, size_t len, gs_ctl_request_t *req, char *err, size_t errlen)
{
    char *words[3], *p;
    unsigned n = 0;

    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (len > GS_CTL_MAX_LINE) {
        return fail(err, errlen, "request longer than %d bytes", GS_CTL_MAX_LINE);
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) line[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fail(err, errlen, "malformed request: control character 0x%02x at byte %zu", c,
                        i + 1);
        }
    }
    if (!gs_utf8_valid(line, len)) {
        return fail(err, errlen, "malformed request: not UTF-8");
    }
    line[len] = '\0';
    for (p = line; *p != '\0';) {
        p += strspn(p, " \t");
        if (*p == '\0') {
            break;
        }
        if (n == sizeof(words) / sizeof(words[0])) {
            return fail(err, errlen, "too many words in the request (%s)", COMMANDS);
        }
        words[n++] = p;
        p += strcspn(p, " \t");
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
    if (n == 0) {
        return fail(err, errlen, "empty request (%s)", COMMANDS);
    }
    if (strcmp(words[0], "stats") == 0) {
        if (n > 1) {
            return fail(err, errlen, "stats takes no argument");
        }
        req->verb = GS_CTL_STATS;
        req->user = NULL;
        return 0;
    }
    if (strcmp(words[0], "flush-tokens") == 0) {
        if (n > 2) {
            return fail(err, errlen, "flush-tokens takes at most one user name");
        }
        if (n == 2 && strlen(words[1]) > GS_LOGON_MAX_FIELD) {
            return fail(err, errlen, "user name longer than %d bytes", GS_LOGON_MAX_FIELD);
        }
        req->verb = GS_CTL_FLUSH_TOKENS;
        req->user = n == 2 ? words[1] : NULL;
        return 0;
    }
    if (strlen(words[0]) > 64) {
        return fail(err, errlen, "unknown command (%s)", COMMANDS);
    }
    return fail(err, errlen, "unknown command '%s' (%s)", words[0], COMMANDS);
}

/* Appends to out; a full buffer keeps what fitted (stats fits several times over). */
static void put(char *out, size_t cap, size_t *used, const char *fmt, ...) GS_PRINTF(4, 5);

static void
put(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*used >= cap) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(out + *used, cap - *used, fmt, ap);
    va_end(ap);
    if (n > 0) {
        *used = (size_t) n < cap - *used ? *used + (size_t) n : cap;
    }
}

/* A cache's name as one word: a module's own may hold anything, so other characters are '?'. */
static void
cache_name(const gs_cache_t *cache, char *out, size_t cap)
{
    PCWSTR name = gs_cache_name(cache);
    size_t n = 0;

    for (; *name != L'\0' && n + 1 < cap; name++) {
        wchar_t c = *name;

        out[n++] = (c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') || (c >= L'0' && c <= L'9')
                           || c == L'_' || c == L'-' || c == L'.'
                       ? (char) c
                       : '?';
    }
    out[n] = '\0';
}

static void
stats(char *out, size_t cap)
{
    uint64_t logons[GS_LOGON_RESULTS];
    size_t used = 0;
    gs_cache_t *cache;

    /* Every cache: guise's own (TOKEN; FILE and URI once used) and those of modules. */
    for (unsigned i = 0; (cache = gs_cache_at(i)) != NULL; i++) {
        gs_cache_stats_t s;
        char name[64];

        cache_name(cache, name, sizeof(name));
        gs_cache_stats(cache, &s);
        put(out, cap, &used,
            "cache %s entries=%" PRIu64 " hits=%" PRIu64 " misses=%" PRIu64 " additions=%" PRIu64
            " evictions=%" PRIu64 " expirations=%" PRIu64 " deletions=%" PRIu64 "\n",
            name, s.entries, s.hits, s.misses, s.additions, s.evictions, s.expirations,
            s.deletions);
    }
    gs_logon_counts(logons);
    put(out, cap, &used, "logons");
    for (unsigned r = 0; r < GS_LOGON_RESULTS; r++) {
        put(out, cap, &used, " %s=%" PRIu64, logon_keys[r], logons[r]);
    }
    put(out, cap, &used, "\nok\n");
}

void
gs_ctl_run(const gs_ctl_request_t *req, char *out, size_t cap)
{
    switch (req->verb) {
    case GS_CTL_STATS:
        stats(out, cap);
        break;
    case GS_CTL_FLUSH_TOKENS:
        snprintf(out, cap, "ok removed=%u\n", gs_token_cache_flush(req->user));
        break;
    }
}
