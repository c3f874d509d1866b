/*
 * UTF-8 <-> wide strings (wchar_t, UTF-32 on Linux), for the module API's
 * PCWSTR parameters.  Conversions happen once, at the API boundary, and do
 * not depend on the locale.  Invalid input never crashes: a bad UTF-8
 * sequence or code point becomes U+FFFD.
 */
#ifndef GS_CORE_WIDE_H
#define GS_CORE_WIDE_H

#include "pool.h"

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Converts s[0..len) into pool memory; *out_len (if not NULL) gets the length in wchar_t. */
wchar_t *gs_wide_from_utf8(gs_pool_t *pool, const char *s, size_t len, size_t *out_len);
/* Converts a NUL-terminated wide string (at most max characters) into pool memory. */
char *gs_utf8_from_wide(gs_pool_t *pool, const wchar_t *ws, size_t max, size_t *out_len);

/* Converts s[0..len) into out, which holds at least len + 1 wide characters; the length. */
size_t gs_wide_from_utf8_into(const char *s, size_t len, wchar_t *out);

/* The same into malloc() memory, for objects that outlive a request (module names). */
wchar_t *gs_wide_dup(const char *s);
char *gs_utf8_dup(const wchar_t *ws);

/*
 * Is prefix[0..len) a leading part of path that ends at a '/' boundary
 * ("/a" of "/a" and "/a/x", not of "/ab"; "" and "/" of everything)?
 */
bool gs_wide_path_prefix(const wchar_t *prefix, size_t len, const wchar_t *path);

/* Shortest-form UTF-8 without surrogates (RFC 3629)? */
bool gs_utf8_valid(const char *s, size_t len);

/* Does s[0..len) hold a C0 control character or DEL? */
bool gs_has_control(const char *s, size_t len);

/* Compares a wide string with an ASCII literal, without case. */
int gs_wide_ascii_casecmp(const wchar_t *ws, const char *ascii);

#endif
