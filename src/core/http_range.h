/*
 * The Range request header (RFC 9110, section 14.2) for one byte range.
 * A server may ignore Range: guise honours a single range and answers a
 * list of several with the whole representation.  Pure function.
 */
#ifndef GS_CORE_HTTP_RANGE_H
#define GS_CORE_HTTP_RANGE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    GS_RANGE_IGNORE,        /* absent, malformed, several ranges or another unit: send 200 */
    GS_RANGE_OK,            /* send 206 with *out */
    GS_RANGE_UNSATISFIABLE, /* send 416 */
} gs_range_result_t;

typedef struct {
    uint64_t first, last; /* inclusive, last < size */
} gs_range_t;

gs_range_result_t gs_range_parse(const char *value, size_t len, uint64_t size, gs_range_t *out);

#endif
