/*
 * From a parsed request head to a gs_request_t: where llhttp put the pieces
 * (offsets into the connection's read buffer, which may grow while a head
 * arrives), the copy into the request pool, and the checks that turn a
 * head into an error status before any module sees it (HTTP's http.sys
 * layer): version, Host, framing, body size, target form, URL path.
 */
#ifndef GS_CORE_REQUEST_HEAD_H
#define GS_CORE_REQUEST_HEAD_H

#include "request.h"

#include <llhttp.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct gs_span {
    uint32_t off, len;
} gs_span_t;

typedef struct gs_head_spans {
    gs_span_t url;
    gs_span_t *fields; /* pairs: name, value */
    uint32_t nfields, cap;
    bool in_value;
    bool url_done;
} gs_head_spans_t;

/*
 * Builds the request from the spans into `pool` and checks it.  *status is 0
 * for a request the pipeline may see, else the status to answer with (the
 * connection then closes).  The returned request is valid either way, for
 * the log.
 */
gs_request_t *gs_request_from_head(gs_pool_t *pool, const char *buf, const gs_head_spans_t *spans,
                                   const llhttp_t *p, uint64_t max_body, unsigned *status);

/* A minimal request for an answer given before the head was complete (408, 414, 400...). */
gs_request_t *gs_request_partial(gs_pool_t *pool, const char *buf, const gs_head_spans_t *spans,
                                 const llhttp_t *p);

/*
 * A head over the limit: 414 when the request line alone is (its URL ends
 * past the limit, or has not ended yet), else 431.  Offsets count from the
 * start of the head.
 */
unsigned gs_head_too_large_status(const gs_head_spans_t *spans, unsigned max_header_bytes);

/*
 * The status for an llhttp error on the head in buf[0..len): 501 for a
 * method token llhttp does not know, 505 for a version, 400 otherwise.
 */
unsigned gs_head_error_status(llhttp_errno_t err, const char *buf, size_t len);

#endif
