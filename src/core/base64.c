/*
 * Hand-written on purpose: OpenSSL's EVP_DecodeBlock skips whitespace,
 * ignores padding errors and returns lengths that count padding; refusing
 * every non-canonical form takes the few lines below.
 */
#include "base64.h"

#include <stdint.h>

static int
value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

ssize_t
gs_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
    size_t n = 0;

    if (len % 4 != 0) {
        return -1;
    }
    for (size_t i = 0; i < len; i += 4) {
        const unsigned char *g = (const unsigned char *) in + i;
        int pad = (g[3] == '=') + (g[3] == '=' && g[2] == '=');
        int a = value(g[0]), b = value(g[1]);
        int c = pad >= 2 ? 0 : value(g[2]), d = pad >= 1 ? 0 : value(g[3]);
        uint32_t bits;

        if (a < 0 || b < 0 || c < 0 || d < 0 || (pad > 0 && i + 4 != len)) {
            return -1; /* a bad character, or padding before the end */
        }
        bits = (uint32_t) a << 18 | (uint32_t) b << 12 | (uint32_t) c << 6 | (uint32_t) d;
        if ((pad == 1 && (bits & 0xff)) || (pad == 2 && (bits & 0xffff))) {
            return -1; /* unused bits set: not the canonical encoding */
        }
        if (n + 3 - (size_t) pad > cap) {
            return -1;
        }
        out[n++] = (unsigned char) (bits >> 16);
        if (pad < 2) {
            out[n++] = (unsigned char) (bits >> 8);
        }
        if (pad < 1) {
            out[n++] = (unsigned char) bits;
        }
    }
    return (ssize_t) n;
}
