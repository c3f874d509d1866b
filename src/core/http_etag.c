#include "http_etag.h"

#include <string.h>

static char *
put_hex(char *p, uint64_t v)
{
    char tmp[16];
    size_t n = 0;

    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}

size_t
gs_etag_format(const struct timespec *mtime, uint64_t size, char out[GS_ETAG_MAX])
{
    uint64_t ns = (uint64_t) mtime->tv_sec * 1000000000u + (uint64_t) mtime->tv_nsec;
    char *p = out;

    *p++ = '"';
    p = put_hex(p, ns);
    *p++ = '-';
    p = put_hex(p, size);
    *p++ = '"';
    *p = '\0';
    return (size_t) (p - out);
}

bool
gs_etag_match(const char *list, size_t len, const char *etag, size_t etag_len, bool strong)
{
    const char *p = list, *end = list + len;

    for (;;) {
        const char *tag;
        bool weak = false;

        while (p < end && (*p == ' ' || *p == '\t' || *p == ',')) {
            p++;
        }
        if (p == end) {
            return false;
        }
        if (*p == '*') {
            return true;
        }
        if (end - p >= 2 && p[0] == 'W' && p[1] == '/') {
            weak = true;
            p += 2;
        }
        if (p == end || *p != '"') {
            return false;
        }
        tag = p++;
        while (p < end && *p != '"') {
            /* etagc = %x21 / %x23-7E / obs-text */
            if ((unsigned char) *p < 0x21 || *p == 0x7f) {
                return false;
            }
            p++;
        }
        if (p == end) {
            return false;
        }
        p++; /* closing quote */
        if (!(strong && weak) && (size_t) (p - tag) == etag_len && memcmp(tag, etag, etag_len) == 0)
        {
            return true;
        }
    }
}
