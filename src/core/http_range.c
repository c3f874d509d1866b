#include "http_range.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool
is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Reads 1..19 digits (so the value fits in 63 bits); false otherwise. */
static bool
number(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;

    while (*p < end && **p >= '0' && **p <= '9') {
        if (*p - s == 19) {
            return false;
        }
        v = v * 10 + (uint64_t) (**p - '0');
        (*p)++;
    }
    *out = v;
    return *p > s;
}

gs_range_result_t
gs_range_parse(const char *value, size_t len, uint64_t size, gs_range_t *out)
{
    const char *p = value, *end = value + len;
    uint64_t first = 0, last = 0;
    bool has_first, has_last;

    if (len < 6 || strncasecmp(p, "bytes=", 6) != 0) {
        return GS_RANGE_IGNORE;
    }
    p += 6;
    while (p < end && is_ows(*p)) {
        p++;
    }
    has_first = number(&p, end, &first);
    if (p == end || *p != '-') {
        return GS_RANGE_IGNORE;
    }
    p++;
    has_last = number(&p, end, &last);
    while (p < end && is_ows(*p)) {
        p++;
    }
    if (p != end) { /* a list, or trailing garbage */
        return GS_RANGE_IGNORE;
    }
    if (!has_first && !has_last) {
        return GS_RANGE_IGNORE;
    }
    if (has_first && has_last && last < first) {
        return GS_RANGE_IGNORE; /* invalid range-spec: the header is ignored */
    }
    if (!has_first) { /* suffix: the last N bytes */
        if (last == 0 || size == 0) {
            return GS_RANGE_UNSATISFIABLE;
        }
        out->first = last >= size ? 0 : size - last;
        out->last = size - 1;
        return GS_RANGE_OK;
    }
    if (first >= size) {
        return GS_RANGE_UNSATISFIABLE;
    }
    out->first = first;
    out->last = (!has_last || last >= size) ? size - 1 : last;
    return GS_RANGE_OK;
}
