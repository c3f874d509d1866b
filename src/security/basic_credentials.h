/*
 * The Authorization header of RFC 7617's Basic scheme: "Basic" (any case),
 * spaces, the base64 of "user-id:password" in UTF-8.  Pure function, fuzzed.
 */
#ifndef GS_SECURITY_BASIC_CREDENTIALS_H
#define GS_SECURITY_BASIC_CREDENTIALS_H

#include <stddef.h>

#define GS_BASIC_MAX_HEADER 4096 /* a longer Authorization value is refused */
#define GS_BASIC_MAX_FIELD  1024 /* user-id and password, bytes each */

typedef enum {
    GS_BASIC_OK,
    GS_BASIC_OTHER_SCHEME, /* not Basic: another module's business */
    GS_BASIC_MALFORMED,    /* bad base64, no ':', control characters, not UTF-8: 400 */
    GS_BASIC_TOO_LONG,     /* over the limits: 400 */
} gs_basic_result_t;

/*
 * Parses an Authorization value.  On GS_BASIC_OK, user and password (each
 * GS_BASIC_MAX_FIELD + 1 bytes) hold the NUL-terminated fields; the caller
 * wipes password after use.
 */
gs_basic_result_t gs_basic_parse(const char *value, size_t len, char *user, char *password);

#endif
