/*
 * Server variables (IHttpContext::GetServerVariable): the CGI set of RFC
 * 3875, IIS's own (URL, APPL_PHYSICAL_PATH, INSTANCE_ID, ALL_RAW...),
 * HTTP_<NAME> and HEADER_<Name> for request headers, and what modules set.
 * Values are computed on demand into the request pool; a name is compared
 * without case, as IIS does.
 */
#include "context.h"
#include "core/sockaddr.h"
#include "core/wide.h"
#include "guise_version.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct gs_server_var {
    gs_server_var_t *next;
    char *name;
    char *value;
    size_t len;
};

static const char *
copy(gs_context_t *ctx, const char *s, size_t n, size_t *len)
{
    *len = n;
    return gs_pool_strndup(ctx->req->pool, s, n);
}

static const char *
number(gs_context_t *ctx, unsigned long long v, size_t *len)
{
    char text[24];
    int n = snprintf(text, sizeof(text), "%llu", v);

    return copy(ctx, text, (size_t) n, len);
}

static const char *
host_of(gs_context_t *ctx, const gs_sockaddr_t *a, size_t *len)
{
    char text[GS_ADDR_TEXT_MAX];

    return copy(ctx, text, gs_sockaddr_host(a, text), len);
}

static const char *
user_name(gs_context_t *ctx, size_t *len)
{
    PCWSTR name = ctx->user ? IHttpUser_GetUserName(ctx->user) : NULL;

    if (name == NULL) {
        return copy(ctx, "", 0, len);
    }
    return gs_utf8_from_wide(ctx->req->pool, name, 4096, len);
}

/* "HTTP_ACCEPT_ENCODING" -> the Accept-Encoding header, as CGI names them. */
static const gs_header_t *
cgi_header(const gs_request_t *req, const char *name)
{
    size_t n = strlen(name);

    for (uint32_t i = 0; i < req->nheaders; i++) {
        const gs_header_t *h = &req->headers[i];
        size_t k;

        if (h->name_len != n) {
            continue;
        }
        for (k = 0; k < n; k++) {
            char c = h->name[k] == '-' ? '_' : h->name[k];

            if (tolower((unsigned char) c) != tolower((unsigned char) name[k])) {
                break;
            }
        }
        if (k == n) {
            return h;
        }
    }
    return NULL;
}

/* ALL_HTTP ("HTTP_NAME:value\n" per header) or ALL_RAW ("Name: value\r\n"). */
static const char *
all_headers(gs_context_t *ctx, bool raw, size_t *len)
{
    const gs_request_t *req = ctx->req;
    size_t size = 1;
    char *out, *p;

    for (uint32_t i = 0; i < req->nheaders; i++) {
        size += req->headers[i].name_len + req->headers[i].value_len + 8;
    }
    out = p = gs_pool_alloc(req->pool, size);
    for (uint32_t i = 0; i < req->nheaders; i++) {
        const gs_header_t *h = &req->headers[i];

        if (raw) {
            memcpy(p, h->name, h->name_len);
            p += h->name_len;
            *p++ = ':';
            *p++ = ' ';
        } else {
            memcpy(p, "HTTP_", 5);
            p += 5;
            for (size_t k = 0; k < h->name_len; k++) {
                char c = h->name[k];

                *p++ = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? (char) (c - 32) : c;
            }
            *p++ = ':';
        }
        memcpy(p, h->value, h->value_len);
        p += h->value_len;
        if (raw) {
            *p++ = '\r';
        }
        *p++ = '\n';
    }
    *p = '\0';
    *len = (size_t) (p - out);
    return out;
}

/*
 * The raw request URL, path and query as the client sent them (UNENCODED_URL,
 * HTTP_URL): the path points into the request target, which runs on to the
 * query, and SetUrl does not change it.
 */
static const char *
raw_url(gs_context_t *ctx, size_t *len)
{
    const char *raw = ctx->req->path;

    return copy(ctx, raw, strlen(raw), len);
}

static const char *
server_name(gs_context_t *ctx, size_t *len)
{
    const gs_header_t *host = gs_request_known(ctx->req, GS_HREQ_HOST);

    if (host != NULL && host->value_len > 0) {
        const char *end = host->value + host->value_len;
        const char *colon = host->value[0] == '[' ? memchr(host->value, ']', host->value_len)
                                                  : memchr(host->value, ':', host->value_len);

        if (colon != NULL && host->value[0] == '[') {
            colon = colon + 1 < end ? colon + 1 : NULL;
        }
        return copy(ctx, host->value, colon ? (size_t) (colon - host->value) : host->value_len,
                    len);
    }
    return host_of(ctx, ctx->req->local, len);
}

const char *
gs_server_var(gs_context_t *ctx, const char *name, size_t *len)
{
    const gs_request_t *req = ctx->req;
    size_t dummy;

    if (len == NULL) {
        len = &dummy;
    }
    for (const gs_server_var_t *v = ctx->server_vars; v != NULL; v = v->next) {
        if (strcasecmp(v->name, name) == 0) {
            *len = v->len;
            return v->value;
        }
    }
    if (strncasecmp(name, "HTTP_", 5) == 0 && strcasecmp(name, "HTTP_URL") != 0
        && strcasecmp(name, "HTTP_VERSION") != 0)
    {
        const gs_header_t *h = cgi_header(req, name + 5);

        return h ? copy(ctx, h->value, h->value_len, len) : NULL;
    }
    if (strncasecmp(name, "HEADER_", 7) == 0) {
        const gs_header_t *h = gs_request_header(req, name + 7, strlen(name + 7));

        return h ? copy(ctx, h->value, h->value_len, len) : NULL;
    }
    if (strcasecmp(name, "REQUEST_METHOD") == 0) {
        return copy(ctx, req->method_name, strlen(req->method_name), len);
    }
    if (strcasecmp(name, "QUERY_STRING") == 0) {
        return copy(ctx, req->query ? req->query : "", req->query ? req->query_len : 0, len);
    }
    if (strcasecmp(name, "URL") == 0 || strcasecmp(name, "SCRIPT_NAME") == 0
        || strcasecmp(name, "PATH_INFO") == 0)
    {
        return copy(ctx, req->url ? req->url : "", req->url ? req->url_len : 0, len);
    }
    if (strcasecmp(name, "UNENCODED_URL") == 0 || strcasecmp(name, "HTTP_URL") == 0
        || strcasecmp(name, "REQUEST_URI") == 0)
    {
        return raw_url(ctx, len);
    }
    if (strcasecmp(name, "PATH_TRANSLATED") == 0 || strcasecmp(name, "SCRIPT_FILENAME") == 0) {
        if (FAILED(gs_context_map(ctx))) {
            return copy(ctx, "", 0, len);
        }
        return copy(ctx, ctx->physical, ctx->physical_len, len);
    }
    if (strcasecmp(name, "APPL_PHYSICAL_PATH") == 0) {
        const char *p =
            ctx->cfg_vdir && ctx->cfg_vdir->app->physical ? ctx->cfg_vdir->app->physical : "";

        return copy(ctx, p, strlen(p), len);
    }
    if (strcasecmp(name, "APPL_MD_PATH") == 0) {
        return ctx->cfg_vdir ? gs_utf8_from_wide(req->pool, gs_context_app(ctx)->app_id, 4096, len)
                             : copy(ctx, "", 0, len);
    }
    if (strcasecmp(name, "INSTANCE_ID") == 0) {
        return number(ctx, ctx->cfg_site ? ctx->cfg_site->id : 0, len);
    }
    if (strcasecmp(name, "SERVER_NAME") == 0) {
        return server_name(ctx, len);
    }
    if (strcasecmp(name, "SERVER_PORT") == 0) {
        return number(ctx, gs_sockaddr_port(req->local), len);
    }
    if (strcasecmp(name, "SERVER_PROTOCOL") == 0 || strcasecmp(name, "HTTP_VERSION") == 0) {
        char text[16];
        int n = snprintf(text, sizeof(text), "HTTP/%u.%u", req->http_major, req->http_minor);

        return copy(ctx, text, (size_t) n, len);
    }
    if (strcasecmp(name, "SERVER_SOFTWARE") == 0) {
        return copy(ctx, GUISE_SERVER_HEADER, strlen(GUISE_SERVER_HEADER), len);
    }
    if (strcasecmp(name, "GATEWAY_INTERFACE") == 0) {
        return copy(ctx, "CGI/1.1", 7, len);
    }
    if (strcasecmp(name, "REMOTE_ADDR") == 0 || strcasecmp(name, "REMOTE_HOST") == 0) {
        return host_of(ctx, req->remote, len);
    }
    if (strcasecmp(name, "REMOTE_PORT") == 0) {
        return number(ctx, gs_sockaddr_port(req->remote), len);
    }
    if (strcasecmp(name, "LOCAL_ADDR") == 0) {
        return host_of(ctx, req->local, len);
    }
    if (strcasecmp(name, "HTTPS") == 0) {
        return copy(ctx, "off", 3, len);
    }
    if (strcasecmp(name, "SERVER_PORT_SECURE") == 0) {
        return copy(ctx, "0", 1, len);
    }
    if (strcasecmp(name, "CONTENT_LENGTH") == 0) {
        return req->has_length ? number(ctx, req->content_length, len) : copy(ctx, "0", 1, len);
    }
    if (strcasecmp(name, "CONTENT_TYPE") == 0) {
        const gs_header_t *h = gs_request_known(req, GS_H_CONTENT_TYPE);

        return h ? copy(ctx, h->value, h->value_len, len) : copy(ctx, "", 0, len);
    }
    if (strcasecmp(name, "AUTH_TYPE") == 0) {
        PCWSTR type = ctx->user ? IHttpUser_GetAuthenticationType(ctx->user) : NULL;

        return type ? gs_utf8_from_wide(req->pool, type, 256, len) : copy(ctx, "", 0, len);
    }
    if (strcasecmp(name, "LOGON_USER") == 0 || strcasecmp(name, "REMOTE_USER") == 0
        || strcasecmp(name, "AUTH_USER") == 0)
    {
        return user_name(ctx, len);
    }
    if (strcasecmp(name, "ALL_HTTP") == 0) {
        return all_headers(ctx, false, len);
    }
    if (strcasecmp(name, "ALL_RAW") == 0) {
        return all_headers(ctx, true, len);
    }
    return NULL;
}

HRESULT
gs_server_var_set(gs_context_t *ctx, const char *name, const wchar_t *value)
{
    gs_pool_t *pool = ctx->req->pool;
    gs_server_var_t *v;

    for (v = ctx->server_vars; v != NULL; v = v->next) {
        if (strcasecmp(v->name, name) == 0) {
            break;
        }
    }
    if (v == NULL) {
        v = gs_pool_alloc(pool, sizeof(*v));
        v->name = gs_pool_strndup(pool, name, strlen(name));
        v->next = ctx->server_vars;
        ctx->server_vars = v;
    }
    v->value = gs_utf8_from_wide(pool, value, 65536, &v->len);
    return S_OK;
}
