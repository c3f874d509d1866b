#include "url_path.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Shortest-form UTF-8 without surrogates, as RFC 3629 defines it. */
static bool
valid_utf8(const unsigned char *s, size_t len)
{
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

ssize_t
gs_url_path_normalize(const char *in, size_t len, char *out)
{
    size_t n = 0, r, w;
    bool trailing;

    if (len == 0 || in[0] != '/') {
        return -EINVAL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) in[i];

        if (c == '%') {
            int hi, lo;

            if (len - i < 3 || (hi = hex_value(in[i + 1])) < 0 || (lo = hex_value(in[i + 2])) < 0) {
                return -EINVAL;
            }
            c = (unsigned char) (hi << 4 | lo);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f) {
            return -EINVAL;
        }
        out[n++] = c == '\\' ? '/' : (char) c;
    }
    if (!valid_utf8((const unsigned char *) out, n)) {
        return -EINVAL;
    }

    /*
     * Remove dot and empty segments in place: w never passes r.  `w` always
     * ends just after a '/', so popping a segment means walking back to the
     * '/' before it.
     */
    w = 1;
    r = 1;
    trailing = false;
    while (r < n) {
        size_t start = r, seg;

        while (r < n && out[r] != '/') {
            r++;
        }
        seg = r - start;
        trailing = r < n; /* the segment was followed by '/' */
        if (r < n) {
            r++;
        }
        if (seg == 0 || (seg == 1 && out[start] == '.')) {
            trailing = true;
            continue;
        }
        if (seg == 2 && out[start] == '.' && out[start + 1] == '.') {
            if (w == 1) {
                return -EPERM;
            }
            w--; /* the '/' ending the previous segment */
            while (out[w - 1] != '/') {
                w--;
            }
            trailing = true;
            continue;
        }
        for (size_t k = 0; k < seg; k++) {
            out[w++] = out[start + k];
        }
        out[w++] = '/';
    }
    if (w > 1 && !trailing) {
        w--; /* the last segment was not followed by '/' */
    }
    out[w] = '\0';
    return (ssize_t) w;
}
