/*
 * gs_basic_parse on any Authorization value.  Besides memory safety, the answer is checked
 * against a reference: OK means a Basic scheme, fields within their limits, no control
 * characters, valid UTF-8, and credentials whose canonical base64 is exactly the token
 * sent; and every token that is the canonical base64 of acceptable credentials is OK.
 */
#include "security/basic_credentials.h"
#include "core/wide.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELD (GS_BASIC_MAX_FIELD + 1)

static size_t
encode(const unsigned char *in, size_t len, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned) in[i] << 16;

        v |= i + 1 < len ? (unsigned) in[i + 1] << 8 : 0;
        v |= i + 2 < len ? in[i + 2] : 0;
        out[n++] = abc[v >> 18 & 63];
        out[n++] = abc[v >> 12 & 63];
        out[n++] = i + 1 < len ? abc[v >> 6 & 63] : '=';
        out[n++] = i + 2 < len ? abc[v & 63] : '=';
    }
    return n;
}

/* A lenient decoder: alphabet characters only, '=' ends it; the byte count, -1 if not base64. */
static long
decode_loosely(const char *in, size_t len, unsigned char *out)
{
    unsigned bits = 0, nbits = 0;
    long n = 0;

    for (size_t i = 0; i < len && in[i] != '='; i++) {
        const char *p =
            memchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", in[i], 64);

        if (p == NULL || in[i] == '\0') {
            return -1;
        }
        bits = bits << 6
               | (unsigned) (p
                             - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789+/");
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            out[n++] = (unsigned char) (bits >> nbits);
        }
    }
    return n;
}

static bool
is_basic(const char *v, size_t len)
{
    return len >= 6 && strncasecmp(v, "Basic", 5) == 0 && (v[5] == ' ' || v[5] == '\t');
}

static bool
clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return false;
        }
    }
    return gs_utf8_valid(s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *value = malloc(size ? size : 1); /* no NUL: the parser must respect the length */
    char *user = malloc(FIELD), *password = malloc(FIELD);
    unsigned char *plain = malloc(size + 1);
    char *again = malloc(size * 2 + 8);
    const char *token = value + 5;
    size_t token_len = size > 5 ? size - 5 : 0;
    gs_basic_result_t r;
    long n;
    bool canonical = false, acceptable = false;

    memcpy(value, data, size);
    r = gs_basic_parse(value, size, user, password);

    /* The scheme decides OTHER_SCHEME alone. */
    if ((r == GS_BASIC_OTHER_SCHEME)
        != (!is_basic(value, size) && !(size == 5 && strncasecmp(value, "Basic", 5) == 0)))
    {
        abort();
    }
    if (!is_basic(value, size) || size > GS_BASIC_MAX_HEADER) {
        if (r == GS_BASIC_OK) {
            abort();
        }
        goto out;
    }

    /* What the reference makes of the token. */
    while (token_len > 0 && (*token == ' ' || *token == '\t')) {
        token++, token_len--;
    }
    while (token_len > 0 && (token[token_len - 1] == ' ' || token[token_len - 1] == '\t')) {
        token_len--;
    }
    n = decode_loosely(token, token_len, plain);
    if (n >= 0) {
        size_t m = encode(plain, (size_t) n, again);
        const unsigned char *colon = memchr(plain, ':', (size_t) n);

        canonical = m == token_len && memcmp(again, token, m) == 0;
        acceptable = canonical && colon != NULL && (size_t) (colon - plain) <= GS_BASIC_MAX_FIELD
                     && (size_t) n - (size_t) (colon - plain) - 1 <= GS_BASIC_MAX_FIELD
                     && clean((const char *) plain, (size_t) n);
    }
    if ((r == GS_BASIC_OK) != acceptable) {
        abort();
    }
    if (r == GS_BASIC_TOO_LONG && !canonical) {
        abort(); /* too long is said of well-formed credentials only */
    }

    if (r == GS_BASIC_OK) {
        size_t ul = strnlen(user, FIELD), pl = strnlen(password, FIELD);
        unsigned char *joined = malloc(ul + pl + 2);

        if (ul > GS_BASIC_MAX_FIELD || pl > GS_BASIC_MAX_FIELD || !clean(user, ul)
            || !clean(password, pl) || memchr(user, ':', ul) != NULL)
        {
            abort();
        }
        /* "user:password", encoded again, is the token that was sent. */
        memcpy(joined, user, ul);
        joined[ul] = ':';
        memcpy(joined + ul + 1, password, pl);
        if (encode(joined, ul + 1 + pl, again) != token_len || memcmp(again, token, token_len) != 0)
        {
            abort();
        }
        free(joined);
    }
out:
    free(value);
    free(user);
    free(password);
    free(plain);
    free(again);
    return 0;
}
