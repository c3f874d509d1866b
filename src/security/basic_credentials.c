#include "basic_credentials.h"
#include "core/base64.h"
#include "core/wide.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

gs_basic_result_t
gs_basic_parse(const char *value, size_t len, char *user, char *password)
{
    unsigned char decoded[GS_BASE64_DECODED_MAX(GS_BASIC_MAX_HEADER)];
    const char *token, *colon;
    size_t token_len, user_len, pass_len;
    gs_basic_result_t result;
    ssize_t n;

    if (len < 6 || strncasecmp(value, "Basic", 5) != 0 || (value[5] != ' ' && value[5] != '\t')) {
        return len == 5 && strncasecmp(value, "Basic", 5) == 0 ? GS_BASIC_MALFORMED
                                                               : GS_BASIC_OTHER_SCHEME;
    }
    if (len > GS_BASIC_MAX_HEADER) {
        return GS_BASIC_TOO_LONG;
    }
    token = value + 5;
    token_len = len - 5;
    while (token_len > 0 && (*token == ' ' || *token == '\t')) {
        token++, token_len--;
    }
    while (token_len > 0 && (token[token_len - 1] == ' ' || token[token_len - 1] == '\t')) {
        token_len--;
    }
    n = gs_base64_decode(token, token_len, decoded, sizeof(decoded));
    colon = n < 0 ? NULL : memchr(decoded, ':', (size_t) n);
    if (colon == NULL) {
        result = GS_BASIC_MALFORMED; /* not base64, or no ':' */
        goto out;
    }
    user_len = (size_t) (colon - (const char *) decoded);
    pass_len = (size_t) n - user_len - 1;
    if (user_len > GS_BASIC_MAX_FIELD || pass_len > GS_BASIC_MAX_FIELD) {
        result = GS_BASIC_TOO_LONG;
        goto out;
    }
    /* RFC 7617: no control characters in either; charset="UTF-8" was announced. */
    if (gs_has_control((const char *) decoded, (size_t) n)
        || !gs_utf8_valid((const char *) decoded, (size_t) n))
    {
        result = GS_BASIC_MALFORMED;
        goto out;
    }
    memcpy(user, decoded, user_len);
    user[user_len] = '\0';
    memcpy(password, colon + 1, pass_len);
    password[pass_len] = '\0';
    result = GS_BASIC_OK;
out:
    /* What was decoded may hold a password, whatever became of it (at most token_len bytes). */
    explicit_bzero(decoded, token_len < sizeof(decoded) ? token_len : sizeof(decoded));
    return result;
}
