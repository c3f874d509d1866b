#include "wide.h"
#include "util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* Decodes one code point at s[*i] (advancing *i); U+FFFD for anything invalid. */
static uint32_t
decode(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[(*i)++];
    size_t n;
    uint32_t cp, min;

    if (c < 0x80) {
        return c;
    } else if ((c & 0xe0) == 0xc0) {
        n = 1, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        n = 2, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        n = 3, cp = c & 0x07, min = 0x10000;
    } else {
        return 0xfffd;
    }
    if (len - *i < n) {
        *i = len;
        return 0xfffd;
    }
    for (size_t k = 0; k < n; k++) {
        if ((s[*i + k] & 0xc0) != 0x80) {
            *i += k;
            return 0xfffd;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3f);
    }
    *i += n;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0xfffd;
    }
    return cp;
}

static size_t
encode(uint32_t cp, char *out)
{
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        cp = 0xfffd;
    }
    if (cp < 0x80) {
        out[0] = (char) cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char) (0xc0 | (cp >> 6));
        out[1] = (char) (0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char) (0xe0 | (cp >> 12));
        out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char) (0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char) (0xf0 | (cp >> 18));
    out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char) (0x80 | (cp & 0x3f));
    return 4;
}

static size_t
to_wide(const char *s, size_t len, wchar_t *out)
{
    size_t i = 0, n = 0;

    while (i < len) {
        out[n++] = (wchar_t) decode((const unsigned char *) s, len, &i);
    }
    out[n] = L'\0';
    return n;
}

static size_t
to_utf8(const wchar_t *ws, size_t count, char *out)
{
    size_t n = 0;

    for (size_t i = 0; i < count; i++) {
        n += encode((uint32_t) ws[i], out + n);
    }
    out[n] = '\0';
    return n;
}

size_t
gs_wide_from_utf8_into(const char *s, size_t len, wchar_t *out)
{
    return to_wide(s, len, out);
}

wchar_t *
gs_wide_from_utf8(gs_pool_t *pool, const char *s, size_t len, size_t *out_len)
{
    wchar_t *ws = gs_pool_alloc(pool, (len + 1) * sizeof(wchar_t));
    size_t n = to_wide(s, len, ws);

    if (out_len != NULL) {
        *out_len = n;
    }
    return ws;
}

char *
gs_utf8_from_wide(gs_pool_t *pool, const wchar_t *ws, size_t max, size_t *out_len)
{
    size_t count = wcsnlen(ws, max);
    char *s = gs_pool_alloc(pool, count * 4 + 1);
    size_t n = to_utf8(ws, count, s);

    if (out_len != NULL) {
        *out_len = n;
    }
    return s;
}

wchar_t *
gs_wide_dup(const char *s)
{
    size_t len = strlen(s);
    wchar_t *ws = gs_xmalloc((len + 1) * sizeof(wchar_t));

    to_wide(s, len, ws);
    return ws;
}

char *
gs_utf8_dup(const wchar_t *ws)
{
    size_t count = wcslen(ws);
    char *s = gs_xmalloc(count * 4 + 1);

    to_utf8(ws, count, s);
    return s;
}

int
gs_wide_ascii_casecmp(const wchar_t *ws, const char *ascii)
{
    for (;; ws++, ascii++) {
        int a = (*ws >= 0 && *ws < 128) ? tolower((int) *ws) : 256 + (int) (*ws & 0xffff);
        int b = tolower((unsigned char) *ascii);

        if (a != b) {
            return a - b;
        }
        if (b == 0) {
            return 0;
        }
    }
}

/* Shortest-form UTF-8 without surrogates, as RFC 3629 defines it. */
bool
gs_utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *) text;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp, min;

        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i <= n) {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

bool
gs_wide_path_prefix(const wchar_t *prefix, size_t len, const wchar_t *path)
{
    if (wcsncmp(prefix, path, len) != 0) {
        return false;
    }
    return len == 0 || prefix[len - 1] == L'/' || path[len] == L'\0' || path[len] == L'/';
}

bool
gs_has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return true;
        }
    }
    return false;
}
