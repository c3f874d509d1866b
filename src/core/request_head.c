#include "request_head.h"
#include "url_path.h"

#include <ctype.h>
#include <string.h>

static gs_request_t *
new_request(gs_pool_t *pool)
{
    gs_request_t *req = gs_pool_calloc(pool, sizeof(*req));

    req->pool = pool;
    req->method = -1;
    req->method_name = "-";
    req->target = "-";
    req->path = "-";
    req->path_len = 1;
    memset(req->known, 0xff, sizeof(req->known));
    req->rsp.status = 200;
    req->rsp.content_length = -1;
    return req;
}

/*
 * Splits the request-target into path and query.  The absolute form
 * ("http://host/path") is accepted as RFC 9112 requires, and its authority
 * stands for the Host header (3.2.2).
 */
static int
split_target(gs_request_t *req)
{
    const char *t = req->target, *q;
    size_t n = strlen(t);

    if (n == 1 && t[0] == '*') {
        req->path = t;
        req->path_len = 1;
        return 0;
    }
    if (t[0] != '/') {
        const char *scheme_end = strstr(t, "://");

        if (scheme_end == NULL) {
            return -1;
        }
        req->host = scheme_end + 3;
        t = strchr(req->host, '/');
        if (t == NULL) {
            req->host_len = strlen(req->host);
            t = "/";
        } else {
            req->host_len = (size_t) (t - req->host);
        }
        n = strlen(t);
    }
    q = memchr(t, '?', n);
    req->path = t;
    req->path_len = q ? (size_t) (q - t) : n;
    if (q != NULL) {
        req->query = q + 1;
        req->query_len = n - req->path_len - 1;
    }
    return 0;
}

static int
normalise_url(gs_request_t *req)
{
    char *url;
    ssize_t n;

    if (req->path[0] == '*') {
        req->url = "*";
        req->url_len = 1;
        return 0;
    }
    url = gs_pool_alloc(req->pool, req->path_len + 1);
    n = gs_url_path_normalize(req->path, req->path_len, url);
    if (n < 0) {
        return -1;
    }
    req->url = url;
    req->url_len = (size_t) n;
    return 0;
}

gs_request_t *
gs_request_partial(gs_pool_t *pool, const char *buf, const gs_head_spans_t *spans,
                   const llhttp_t *p)
{
    gs_request_t *req = new_request(pool);

    if (spans != NULL && spans->url_done) {
        req->method_name = llhttp_method_name(p->method);
        req->target = gs_pool_strndup(pool, buf + spans->url.off, spans->url.len);
        split_target(req);
    }
    return req;
}

/*
 * RFC 9112 3.2 / RFC 3986 3.2.2: uri-host [":" port], where uri-host is an
 * IP literal in brackets or a reg-name (which covers IPv4); no userinfo.
 */
static bool
valid_host(const char *h, size_t n)
{
    static const char reg_name[] = "-._~!$&'()*+,;=%";
    size_t i = 0;

    if (n > 0 && h[0] == '[') {
        for (i = 1; i < n && h[i] != ']'; i++) {
            if (!isxdigit((unsigned char) h[i]) && h[i] != ':' && h[i] != '.') {
                return false;
            }
        }
        if (i == n || i == 1) {
            return false;
        }
        i++;
    } else {
        for (; i < n && h[i] != ':'; i++) {
            if (!isalnum((unsigned char) h[i]) && strchr(reg_name, h[i]) == NULL) {
                return false;
            }
        }
    }
    if (i < n) {
        if (h[i] != ':') {
            return false;
        }
        for (i++; i < n; i++) {
            if (!isdigit((unsigned char) h[i])) {
                return false;
            }
        }
    }
    return true;
}

/* The first check that fails decides the status; 0 when all pass. */
static unsigned
check(gs_request_t *req, const llhttp_t *p, uint64_t max_body)
{
    int host = req->known[GS_HREQ_HOST];

    if (req->http_major != 1 || req->http_minor > 1) {
        return 505;
    }
    if (req->method == HTTP_CONNECT) {
        return 501; /* no tunnels: an origin server, not a proxy */
    }
    if (split_target(req) != 0 || normalise_url(req) != 0) {
        return 400;
    }
    if ((p->flags & F_TRANSFER_ENCODING) && !req->chunked) {
        return 400; /* RFC 9112 6.3: no way to tell where the body ends */
    }
    if (req->http_minor == 1 && host < 0) {
        return 400; /* RFC 9112 3.2: a 1.1 request without Host */
    }
    /* A second Host or Authorization is as bad as none: which one would count? */
    for (uint32_t i = 0, hosts = 0, auths = 0; i < req->nheaders; i++) {
        hosts += req->headers[i].id == GS_HREQ_HOST;
        auths += req->headers[i].id == GS_HREQ_AUTHORIZATION;
        if (hosts > 1 || auths > 1) {
            return 400;
        }
    }
    if (req->host == NULL && host >= 0) {
        req->host = req->headers[host].value;
        req->host_len = req->headers[host].value_len;
    }
    if (req->host != NULL && !valid_host(req->host, req->host_len)) {
        return 400;
    }
    if (req->content_length > max_body) {
        return 413;
    }
    return 0;
}

gs_request_t *
gs_request_from_head(gs_pool_t *pool, const char *buf, const gs_head_spans_t *spans,
                     const llhttp_t *p, uint64_t max_body, unsigned *status)
{
    gs_request_t *req = new_request(pool);

    req->method = p->method;
    req->method_name = llhttp_method_name(p->method);
    req->target = gs_pool_strndup(pool, buf + spans->url.off, spans->url.len);
    req->http_major = p->http_major;
    req->http_minor = p->http_minor;
    for (uint32_t i = 0; i < spans->nfields; i++) {
        const gs_span_t *name = &spans->fields[i * 2], *value = &spans->fields[i * 2 + 1];
        uint32_t vlen = value->len;

        /* llhttp leaves trailing whitespace in a value: OWS is not part of it. */
        while (vlen > 0
               && (buf[value->off + vlen - 1] == ' ' || buf[value->off + vlen - 1] == '\t')) {
            vlen--;
        }
        gs_request_add_header(req, buf + name->off, name->len, buf + value->off, vlen);
    }
    /* RFC 9112 6.1: after a 1.0 request with Transfer-Encoding, the connection closes. */
    req->keep_alive = llhttp_should_keep_alive(p) != 0
                      && !((p->flags & F_TRANSFER_ENCODING) && p->http_minor == 0);
    req->chunked = (p->flags & F_CHUNKED) != 0;
    req->has_length = (p->flags & F_CONTENT_LENGTH) != 0;
    req->content_length = req->has_length ? p->content_length : 0;
    *status = check(req, p, max_body);
    return req;
}

unsigned
gs_head_too_large_status(const gs_head_spans_t *spans, unsigned max_header_bytes)
{
    if (spans == NULL || !spans->url_done || spans->url.off + spans->url.len > max_header_bytes) {
        return 414;
    }
    return 431;
}

unsigned
gs_head_error_status(llhttp_errno_t err, const char *buf, size_t len)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    size_t i = 0, start;

    if (err == HPE_INVALID_VERSION) {
        return 505;
    }
    if (err != HPE_INVALID_METHOD) {
        return 400;
    }
    while (i < len && (buf[i] == '\r' || buf[i] == '\n')) {
        i++;
    }
    for (start = i; i < len; i++) {
        char ch = buf[i];

        if (ch == ' ' && i > start) {
            return 501;
        }
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
              || (ch != '\0' && strchr(tchar, ch) != NULL)))
        {
            break;
        }
    }
    return 400;
}
