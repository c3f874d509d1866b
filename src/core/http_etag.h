/*
 * Entity tags (RFC 9110, section 8.8.3): guise's strong validator for a file
 * and the matching rules of If-None-Match (weak comparison), If-Match and
 * If-Range (strong comparison).  Pure functions.
 */
#ifndef GS_CORE_HTTP_ETAG_H
#define GS_CORE_HTTP_ETAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define GS_ETAG_MAX 40 /* quotes, two 16-digit hex numbers, '-' and NUL fit */

/*
 * Formats the strong ETag of a file from its modification time and size,
 * quotes included: "<mtime in ns, hex>-<size, hex>".  Returns its length.
 */
size_t gs_etag_format(const struct timespec *mtime, uint64_t size, char out[GS_ETAG_MAX]);

/*
 * Does the header value `list` ("*" or a comma-separated list of entity
 * tags) match `etag` (a strong tag with its quotes)?  With `strong`, weak
 * tags in the list never match.  A malformed element ends the scan: what
 * was matched before it counts, nothing after it does.
 */
bool gs_etag_match(const char *list, size_t len, const char *etag, size_t etag_len, bool strong);

#endif
