/*
 * Turning the path of a request target into a path below a site's root.
 * This is the first of two walls between a URL and the rest of the file
 * system (the second is openat2(RESOLVE_BENEATH) at open time): after it, a
 * path has no "." or ".." segment, no empty segment, no byte below 0x20, no
 * DEL, no backslash and only valid shortest-form UTF-8.  Pure function.
 */
#ifndef GS_CORE_URL_PATH_H
#define GS_CORE_URL_PATH_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Percent-decodes in[0..len) (which must start with '/') into out, treats
 * '\' as '/' (as IIS does, so "..\" is a dot segment here too), and removes
 * dot segments.  out needs len + 1 bytes; it gets a NUL-terminated path that
 * starts with '/' and keeps a trailing '/' when the input had one (or ended
 * in a dot segment).  Returns the length of out, or:
 *   -EINVAL  malformed escape, NUL or other control character, invalid or
 *            overlong UTF-8, no leading '/'
 *   -EPERM   a ".." segment would climb above the root
 */
ssize_t gs_url_path_normalize(const char *in, size_t len, char *out);

#endif
