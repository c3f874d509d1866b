#include "request.h"

#include <llhttp.h>

#include <string.h>
#include <strings.h>

const gs_header_t *
gs_request_header(const gs_request_t *req, const char *name, size_t len)
{
    for (uint32_t i = 0; i < req->nheaders; i++) {
        const gs_header_t *h = &req->headers[i];

        if (h->name_len == len && strncasecmp(h->name, name, len) == 0) {
            return h;
        }
    }
    return NULL;
}

void
gs_request_add_header(gs_request_t *req, const char *name, size_t name_len, const char *value,
                      size_t value_len)
{
    gs_header_t *h;

    if (req->nheaders == req->headers_cap) {
        uint32_t cap = req->headers_cap ? req->headers_cap * 2 : 16;
        gs_header_t *grown = gs_pool_alloc(req->pool, cap * sizeof(*grown));

        if (req->nheaders) {
            memcpy(grown, req->headers, req->nheaders * sizeof(*grown));
        }
        req->headers = grown;
        req->headers_cap = cap;
    }
    h = &req->headers[req->nheaders];
    h->name = gs_pool_strndup(req->pool, name, name_len);
    h->name_len = name_len;
    h->value = gs_pool_strndup(req->pool, value, value_len);
    h->value_len = value_len;
    h->id = (int16_t) gs_request_header_id(name, name_len);
    if (h->id >= 0 && req->known[h->id] < 0) {
        req->known[h->id] = (int16_t) req->nheaders;
    }
    req->nheaders++;
}

#define METHOD_ENTRY(num, name, string) {num, #string},

static const struct {
    int id;
    const char *name;
} methods[] = {HTTP_METHOD_MAP(METHOD_ENTRY)};

int
gs_http_method_id(const char *name)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcmp(methods[i].name, name) == 0) {
            return methods[i].id;
        }
    }
    return -1;
}
