#include "url_path.h"
#include "wide.h"

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
    if (!gs_utf8_valid(out, n)) {
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
