#include "response.h"
#include "http_header.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *
gs_status_reason(unsigned status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 411:
        return "Length Required";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 417:
        return "Expectation Failed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

void
gs_response_set_status(gs_response_t *rsp, unsigned status, unsigned substatus, const char *reason)
{
    rsp->status = (uint16_t) status;
    rsp->substatus = (uint16_t) substatus;
    rsp->reason = reason;
}

const gs_header_t *
gs_response_header(const gs_response_t *rsp, const char *name, size_t len)
{
    for (uint32_t i = 0; i < rsp->nheaders; i++) {
        const gs_header_t *h = &rsp->headers[i];

        if (h->name_len == len && strncasecmp(h->name, name, len) == 0) {
            return h;
        }
    }
    return NULL;
}

void
gs_response_delete_header(gs_response_t *rsp, const char *name, size_t len)
{
    uint32_t w = 0;

    for (uint32_t r = 0; r < rsp->nheaders; r++) {
        const gs_header_t *h = &rsp->headers[r];

        if (!(h->name_len == len && strncasecmp(h->name, name, len) == 0)) {
            rsp->headers[w++] = *h;
        }
    }
    rsp->nheaders = w;
}

void
gs_response_set_header(gs_response_t *rsp, gs_pool_t *pool, const char *name, size_t name_len,
                       const char *value, size_t value_len, bool replace)
{
    gs_header_t *h;

    if (replace) {
        gs_response_delete_header(rsp, name, name_len);
    }
    if (rsp->nheaders == rsp->headers_cap) {
        uint32_t cap = rsp->headers_cap ? rsp->headers_cap * 2 : 8;
        gs_header_t *grown = gs_pool_alloc(pool, cap * sizeof(*grown));

        if (rsp->nheaders) {
            memcpy(grown, rsp->headers, rsp->nheaders * sizeof(*grown));
        }
        rsp->headers = grown;
        rsp->headers_cap = cap;
    }
    h = &rsp->headers[rsp->nheaders++];
    h->name = gs_pool_strndup(pool, name, name_len);
    h->name_len = name_len;
    h->value = gs_pool_strndup(pool, value, value_len);
    h->value_len = value_len;
    /* Last line of defence against header injection: CR, LF and NUL never reach the wire. */
    for (size_t i = 0; i < value_len; i++) {
        if (h->value[i] == '\r' || h->value[i] == '\n' || h->value[i] == '\0') {
            ((char *) h->value)[i] = ' ';
        }
    }
    for (size_t i = 0; i < name_len; i++) {
        if (h->name[i] == '\r' || h->name[i] == '\n' || h->name[i] == '\0' || h->name[i] == ':') {
            ((char *) h->name)[i] = '-';
        }
    }
    h->id = gs_response_header_id(name, name_len);
}

static gs_chunk_t *
new_chunk(gs_response_t *rsp, gs_pool_t *pool)
{
    if (rsp->nchunks == rsp->chunks_cap) {
        uint32_t cap = rsp->chunks_cap ? rsp->chunks_cap * 2 : 4;
        gs_chunk_t *grown = gs_pool_alloc(pool, cap * sizeof(*grown));

        if (rsp->nchunks) {
            memcpy(grown, rsp->chunks, rsp->nchunks * sizeof(*grown));
        }
        rsp->chunks = grown;
        rsp->chunks_cap = cap;
    }
    return &rsp->chunks[rsp->nchunks++];
}

void
gs_response_add_memory(gs_response_t *rsp, gs_pool_t *pool, const void *data, uint64_t len)
{
    gs_chunk_t *c = new_chunk(rsp, pool);

    c->type = GS_CHUNK_MEMORY;
    c->data = data;
    c->len = len;
    c->fd = -1;
    c->offset = 0;
}

void
gs_response_add_file(gs_response_t *rsp, gs_pool_t *pool, int fd, uint64_t offset, uint64_t len)
{
    gs_chunk_t *c = new_chunk(rsp, pool);

    c->type = GS_CHUNK_FILE;
    c->data = NULL;
    c->len = len;
    c->fd = fd;
    c->offset = offset;
}

void
gs_response_clear(gs_response_t *rsp)
{
    rsp->status = 200;
    rsp->substatus = 0;
    rsp->win32_status = 0;
    rsp->reason = NULL;
    rsp->nheaders = 0;
    rsp->nchunks = 0;
    rsp->content_length = -1;
}

uint64_t
gs_response_body_length(const gs_response_t *rsp)
{
    uint64_t n = 0;

    if (rsp->content_length >= 0) {
        return (uint64_t) rsp->content_length;
    }
    for (uint32_t i = 0; i < rsp->nchunks; i++) {
        n += rsp->chunks[i].len;
    }
    return n;
}

void
gs_response_error(gs_response_t *rsp, gs_pool_t *pool, unsigned status, unsigned substatus,
                  uint32_t win32_status)
{
    const char *reason = gs_status_reason(status);
    char *body = gs_pool_alloc(pool, 256);
    int n;

    gs_response_clear(rsp);
    gs_response_set_status(rsp, status, substatus, NULL);
    rsp->win32_status = win32_status;
    n = snprintf(body, 256,
                 "<!DOCTYPE html>\n<html><head><title>%u %s</title></head>\n"
                 "<body><h1>%u %s</h1></body></html>\n",
                 status, reason, status, reason);
    gs_response_set_header(rsp, pool, "Content-Type", 12, "text/html; charset=utf-8", 24, true);
    gs_response_add_memory(rsp, pool, body, (uint64_t) n);
}
