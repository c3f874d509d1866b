/*
 * One HTTP request as the pipeline and modules see it: parsed once when its
 * headers are complete, strings copied into the request pool (so the
 * connection's read buffer can move on), headers indexed by well-known id.
 * Owned by the connection that received it; lives until the request pool is
 * destroyed.
 */
#ifndef GS_CORE_REQUEST_H
#define GS_CORE_REQUEST_H

#include "http_header.h"
#include "pool.h"
#include "response.h"

#include "sockaddr.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct gs_request {
    gs_pool_t *pool;
    struct gs_conn *conn;
    void *pipeline; /* the pipeline's context for this request */
    gs_response_t rsp;

    int method;              /* llhttp_method_t */
    const char *method_name; /* "GET" */
    const char *target;      /* raw request-target, as received */
    const char *path;        /* raw (still encoded) path of the target, starts with '/' */
    size_t path_len;
    const char *query; /* after '?', without it; NULL when there is none */
    size_t query_len;
    const char *url; /* the path decoded and normalised (url_path.h); "*" for OPTIONS * */
    size_t url_len;
    const char *host; /* RFC 9112 3.2.2: the absolute form's authority, else Host; NULL if none */
    size_t host_len;  /* checked: uri-host [":" port] */
    unsigned http_major, http_minor;

    gs_header_t *headers; /* in arrival order */
    uint32_t nheaders, headers_cap;
    int16_t known[GS_HREQ_COUNT]; /* index of the first header with that id, or -1 */

    uint64_t content_length; /* valid when has_length */
    bool has_length;
    bool chunked;
    bool keep_alive; /* what the client asked for */

    const gs_sockaddr_t *local, *remote;
    uint64_t start_ms; /* monotonic, when the first byte arrived */
    time_t start_time; /* wall clock */
    uint64_t end_ms;   /* monotonic, when the response was sent (or abandoned) */
    time_t end_time;   /* wall clock, for the log */
} gs_request_t;

/* The value of the first header with this well-known id, or NULL. */
static inline const gs_header_t *
gs_request_known(const gs_request_t *req, int id)
{
    int i = req->known[id];

    return i < 0 ? NULL : &req->headers[i];
}

/* The value of the first header with this name (any case), or NULL. */
const gs_header_t *gs_request_header(const gs_request_t *req, const char *name, size_t len);

/* The parser's number for a method name ("HEAD" -> HTTP_HEAD), or -1. */
int gs_http_method_id(const char *name);

/* Appends a header (strings are copied into the pool) and indexes it. */
void gs_request_add_header(gs_request_t *req, const char *name, size_t name_len, const char *value,
                           size_t value_len);

#endif
