/*
 * IHttpRequest (and 2, 3) over the core's gs_request_t.  Header values are
 * NUL-terminated copies in the request pool; a change made by a module is
 * what every later module (and the log) sees.  Bodies are read through the
 * connection: synchronously (waiting on the socket, bounded by the header
 * timeout) or asynchronously (completion through OnAsyncCompletion).
 */
#include "context.h"
#include "core/conn.h"
#include "core/http_header.h"
#include "core/log.h"
#include "core/server.h"
#include "core/url_path.h"
#include "core/wide.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static inline gs_context_t *
impl(const IHttpRequest3 *iface)
{
    return gs_container_of(iface, gs_context_t, IHttpRequest_iface);
}

/* A header name is a token; a value has no CR, LF or NUL (no header injection). */
static bool
valid_name(const char *s, size_t n)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || strchr(extra, c) != NULL))
        {
            return false;
        }
    }
    return true;
}

bool
gs_valid_header_value(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') {
            return false;
        }
    }
    return true;
}

/* Rebuilds the index of well-known headers after a deletion. */
static void
reindex(gs_request_t *req)
{
    memset(req->known, 0xff, sizeof(req->known));
    for (uint32_t i = 0; i < req->nheaders; i++) {
        int id = req->headers[i].id;

        if (id >= 0 && req->known[id] < 0) {
            req->known[id] = (int16_t) i;
        }
    }
}

static HRESULT
delete_header(gs_request_t *req, const char *name, size_t len)
{
    uint32_t w = 0;

    for (uint32_t r = 0; r < req->nheaders; r++) {
        const gs_header_t *h = &req->headers[r];

        if (!(h->name_len == len && strncasecmp(h->name, name, len) == 0)) {
            req->headers[w++] = *h;
        }
    }
    req->nheaders = w;
    reindex(req);
    return S_OK;
}

static HRESULT
req_DeleteHeader(IHttpRequest3 *This, PCSTR pszHeaderName)
{
    if (pszHeaderName == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return delete_header(impl(This)->req, pszHeaderName, strlen(pszHeaderName));
}

static HRESULT
req_DeleteHeaderById(IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex)
{
    const char *name = gs_request_header_name((int) ulHeaderIndex);

    if (name == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return delete_header(impl(This)->req, name, strlen(name));
}

static HRESULT
req_GetClientCertificate(IHttpRequest3 *This, HTTP_SSL_CLIENT_CERT_INFO **ppClientCertInfo,
                         BOOL *pfClientCertNegotiated)
{
    (void) This;
    if (ppClientCertInfo == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    *ppClientCertInfo = NULL;
    if (pfClientCertNegotiated != NULL) {
        *pfClientCertNegotiated = FALSE;
    }
    return HRESULT_FROM_WIN32(ERROR_NOT_FOUND); /* no TLS, no certificate */
}

static PCWSTR
req_GetForwardedUrl(const IHttpRequest3 *This)
{
    (void) This;
    return NULL; /* SetUrl never forwards off this server */
}

static PCSTR
header_value(const gs_header_t *h, USHORT *pcch)
{
    if (h == NULL) {
        if (pcch != NULL) {
            *pcch = 0;
        }
        return NULL;
    }
    if (pcch != NULL) {
        *pcch = (USHORT) (h->value_len > 0xffff ? 0xffff : h->value_len);
    }
    return h->value;
}

static PCSTR
req_GetHeader(const IHttpRequest3 *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue)
{
    const gs_request_t *req = impl(This)->req;
    size_t len;
    int id;

    if (pszHeaderName == NULL) {
        return header_value(NULL, pcchHeaderValue);
    }
    len = strlen(pszHeaderName);
    id = gs_request_header_id(pszHeaderName, len);
    return header_value(id >= 0 ? gs_request_known(req, id)
                                : gs_request_header(req, pszHeaderName, len),
                        pcchHeaderValue);
}

static PCSTR
req_GetHeaderById(const IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex, USHORT *pcchHeaderValue)
{
    if ((unsigned) ulHeaderIndex >= GS_HREQ_COUNT) {
        return header_value(NULL, pcchHeaderValue);
    }
    return header_value(gs_request_known(impl(This)->req, (int) ulHeaderIndex), pcchHeaderValue);
}

static HRESULT
req_GetHeaderChanges(IHttpRequest3 *This, DWORD dwOldChangeNumber, DWORD *pdwNewChangeNumber,
                     PCSTR knownHeaderSnapshot[HttpHeaderRequestMaximum],
                     DWORD *pdwUnknownHeaderSnapShot, PCSTR **ppUnknownHeaderNameSnapShot,
                     PCSTR **ppUnknownHeaderValueSnapShot,
                     DWORD diffedKnownHeaderIndices[HttpHeaderRequestMaximum + 1],
                     DWORD *pdwDiffedUnknownHeaders, DWORD **ppDiffedUnknownHeaderIndices)
{
    (void) This;
    (void) dwOldChangeNumber;
    (void) pdwNewChangeNumber;
    (void) knownHeaderSnapshot;
    (void) pdwUnknownHeaderSnapShot;
    (void) ppUnknownHeaderNameSnapShot;
    (void) ppUnknownHeaderValueSnapShot;
    (void) diffedKnownHeaderIndices;
    (void) pdwDiffedUnknownHeaders;
    (void) ppDiffedUnknownHeaderIndices;
    return E_NOTIMPL; /* native/managed synchronisation: not for modules */
}

static PCSTR
req_GetHttpMethod(const IHttpRequest3 *This)
{
    return impl(This)->req->method_name;
}

static VOID
req_GetHttpVersion(const IHttpRequest3 *This, USHORT *pMajorVersion, USHORT *pMinorVersion)
{
    const gs_request_t *req = impl(This)->req;

    if (pMajorVersion != NULL) {
        *pMajorVersion = (USHORT) req->http_major;
    }
    if (pMinorVersion != NULL) {
        *pMinorVersion = (USHORT) req->http_minor;
    }
}

static PSOCKADDR
req_GetLocalAddress(const IHttpRequest3 *This)
{
    return (PSOCKADDR) &impl(This)->req->local->sa;
}

static PSOCKADDR
req_GetRemoteAddress(const IHttpRequest3 *This)
{
    return (PSOCKADDR) &impl(This)->req->remote->sa;
}

static HTTP_REQUEST *
req_GetRawHttpRequest(IHttpRequest3 *This)
{
    (void) This;
    return NULL; /* guise has no http.sys structures */
}

static DWORD
req_GetRemainingEntityBytes(IHttpRequest3 *This)
{
    gs_context_t *ctx = impl(This);
    uint64_t n = gs_conn_body_remaining(ctx->req) + (ctx->inserted_len - ctx->inserted_pos);

    return n > 0xffffffffu ? 0xffffffffu : (DWORD) n;
}

static DWORD
req_GetSiteId(const IHttpRequest3 *This)
{
    gs_context_t *ctx = impl(This);

    return ctx->cfg_site ? ctx->cfg_site->id : 0;
}

static BOOL
req_GetUrlChanged(const IHttpRequest3 *This)
{
    return impl(This)->url_changed ? TRUE : FALSE;
}

static HRESULT
req_InsertEntityBody(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer)
{
    gs_context_t *ctx = impl(This);

    if (pvBuffer == NULL && cbBuffer > 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    /* Not copied, as documented: the caller keeps it until the request ends. */
    ctx->inserted = pvBuffer;
    ctx->inserted_len = cbBuffer;
    ctx->inserted_pos = 0;
    return S_OK;
}

static HRESULT
req_NegotiateClientCertificate(IHttpRequest3 *This, BOOL fAsync, BOOL *pfCompletionPending)
{
    (void) This;
    (void) fAsync;
    if (pfCompletionPending != NULL) {
        *pfCompletionPending = FALSE;
    }
    return E_NOTIMPL; /* no TLS yet */
}

/*
 * Body bytes for a read: what a module inserted first, then RQ_READ_ENTITY
 * may supply them, then the connection.  Returns bytes (> 0), 0 at the end,
 * -EAGAIN (async: wait for body_ready) or another -errno.
 */
static ssize_t
read_some(gs_context_t *ctx, void *buf, DWORD cb, bool async)
{
    if (ctx->inserted_pos < ctx->inserted_len) {
        DWORD n =
            ctx->inserted_len - ctx->inserted_pos < cb ? ctx->inserted_len - ctx->inserted_pos : cb;

        memcpy(buf, (char *) ctx->inserted + ctx->inserted_pos, n);
        ctx->inserted_pos += n;
        return n;
    }
    if (gs_registry.request[GS_SLOT_READ_ENTITY].count > 0) {
        ctx->entity_buffer = buf;
        ctx->entity_data = 0;
        ctx->entity_size = cb;
        gs_dispatch_other(ctx, GS_SLOT_READ_ENTITY, &ctx->IReadEntityProvider_iface);
        if (ctx->entity_data > 0) {
            DWORD n = ctx->entity_data < cb ? ctx->entity_data : cb;

            if (ctx->entity_buffer != buf) {
                memmove(buf, ctx->entity_buffer, n);
            }
            return n;
        }
    }
    return gs_conn_read_body(ctx->req, buf, cb, async);
}

static HRESULT
hresult_of_read(ssize_t rc)
{
    if (rc == 0) {
        return HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);
    }
    return HRESULT_FROM_WIN32(ERROR_CONNECTION_INVALID);
}

static HRESULT
req_ReadEntityBody(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                   DWORD *pcbBytesReceived, BOOL *pfCompletionPending)
{
    gs_context_t *ctx = impl(This);
    ssize_t rc;

    if (pcbBytesReceived != NULL) {
        *pcbBytesReceived = 0;
    }
    if (pfCompletionPending != NULL) {
        *pfCompletionPending = FALSE;
    }
    if (pvBuffer == NULL || cbBuffer == 0 || (fAsync && pfCompletionPending == NULL)) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    for (;;) {
        rc = read_some(ctx, pvBuffer, cbBuffer, fAsync);
        if (rc > 0) {
            if (pcbBytesReceived != NULL) {
                *pcbBytesReceived = (DWORD) rc;
            }
            return S_OK;
        }
        if (rc != -EAGAIN) {
            return hresult_of_read(rc);
        }
        if (fAsync) {
            ctx->read_buf = pvBuffer;
            ctx->read_cb = cbBuffer;
            ctx->read_pending = true;
            *pfCompletionPending = TRUE;
            return S_OK;
        }
        /* Synchronous: this loop waits, bounded as a head is. */
        rc = gs_conn_wait_body(ctx->req,
                               (int) gs_conn_loop(ctx->req)->server->opts.header_timeout_ms);
        if (rc <= 0) {
            return HRESULT_FROM_WIN32(rc == 0 ? ERROR_TIMEOUT : ERROR_CONNECTION_INVALID);
        }
    }
}

/* body_ready from the connection: finish the asynchronous read that waited. */
void
gs_request_body_ready(gs_context_t *ctx)
{
    ssize_t rc;

    if (!ctx->read_pending) {
        return;
    }
    rc = gs_conn_read_body(ctx->req, ctx->read_buf, ctx->read_cb, true);
    if (rc == -EAGAIN) {
        return; /* woken without bytes: still waiting */
    }
    ctx->read_pending = false;
    gs_dispatch_complete(ctx, rc > 0 ? (DWORD) rc : 0, rc > 0 ? S_OK : hresult_of_read(rc),
                         RQ_READ_ENTITY);
}

static HRESULT
req_SetEntityBody(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer)
{
    return req_InsertEntityBody(This, pvBuffer, cbBuffer);
}

static HRESULT
set_header(gs_request_t *req, const char *name, const char *value, USHORT cch, BOOL fReplace)
{
    size_t nlen = strlen(name);
    const gs_header_t *old;

    if (!valid_name(name, nlen) || value == NULL || !gs_valid_header_value(value, cch)) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    old = gs_request_header(req, name, nlen);
    if (old != NULL && !fReplace) {
        /* Append: one field whose value is the list "old, new". */
        size_t len = old->value_len + 2 + cch;
        char *joined = gs_pool_alloc(req->pool, len + 1);

        memcpy(joined, old->value, old->value_len);
        memcpy(joined + old->value_len, ", ", 2);
        memcpy(joined + old->value_len + 2, value, cch);
        joined[len] = '\0';
        delete_header(req, name, nlen);
        gs_request_add_header(req, name, nlen, joined, len);
        return S_OK;
    }
    delete_header(req, name, nlen);
    gs_request_add_header(req, name, nlen, value, cch);
    return S_OK;
}

static HRESULT
req_SetHeader(IHttpRequest3 *This, PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue,
              BOOL fReplace)
{
    if (pszHeaderName == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return set_header(impl(This)->req, pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace);
}

static HRESULT
req_SetHeaderById(IHttpRequest3 *This, HTTP_HEADER_ID ulHeaderIndex, PCSTR pszHeaderValue,
                  USHORT cchHeaderValue, BOOL fReplace)
{
    const char *name = gs_request_header_name((int) ulHeaderIndex);

    if (name == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return set_header(impl(This)->req, name, pszHeaderValue, cchHeaderValue, fReplace);
}

static HRESULT
req_SetHttpMethod(IHttpRequest3 *This, PCSTR pszHttpMethod)
{
    gs_request_t *req = impl(This)->req;
    size_t n;

    if (pszHttpMethod == NULL || !valid_name(pszHttpMethod, n = strlen(pszHttpMethod))) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    req->method_name = gs_pool_strndup(req->pool, pszHttpMethod, n);
    req->method = gs_http_method_id(pszHttpMethod);
    return S_OK;
}

/*
 * SetUrl: the new URL as a client would send it (percent-encoded path,
 * optional query), checked as the core checks a request target.
 */
static HRESULT
set_url(gs_context_t *ctx, const char *url, size_t len, BOOL fResetQueryString)
{
    gs_request_t *req = ctx->req;
    const char *q = memchr(url, '?', len);
    size_t plen = q ? (size_t) (q - url) : len;
    char *raw, *norm;
    ssize_t n;

    if (plen == 0 || url[0] != '/') {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    raw = gs_pool_strndup(req->pool, url, plen);
    norm = gs_pool_alloc(req->pool, plen + 1);
    n = gs_url_path_normalize(raw, plen, norm);
    if (n < 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    /* req->path stays: UNENCODED_URL and the log keep what the client asked for. */
    req->url = norm;
    req->url_len = (size_t) n;
    if (q != NULL) {
        req->query = gs_pool_strndup(req->pool, q + 1, len - plen - 1);
        req->query_len = len - plen - 1;
    } else if (fResetQueryString) {
        req->query = NULL;
        req->query_len = 0;
    }
    ctx->url_changed = true;
    ctx->physical = NULL;
    ctx->wide_physical = NULL;
    ctx->file_info = NULL; /* another file now; the pool still releases the old record */
    ctx->wide_url = NULL;
    return S_OK;
}

static HRESULT
req_SetUrl(IHttpRequest3 *This, PCSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString)
{
    if (pszUrl == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return set_url(impl(This), pszUrl, strnlen(pszUrl, cchUrl), fResetQueryString);
}

static HRESULT
req_SetUrlW(IHttpRequest3 *This, PCWSTR pszUrl, DWORD cchUrl, BOOL fResetQueryString)
{
    gs_context_t *ctx = impl(This);
    size_t len;
    char *url;

    if (pszUrl == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    url = gs_utf8_from_wide(ctx->req->pool, pszUrl, cchUrl, &len);
    return set_url(ctx, url, len, fResetQueryString);
}

static HRESULT
req_GetChannelBindingToken(IHttpRequest3 *This, PBYTE *ppToken, DWORD *pTokenSize)
{
    (void) This;
    if (ppToken != NULL) {
        *ppToken = NULL;
    }
    if (pTokenSize != NULL) {
        *pTokenSize = 0;
    }
    return E_NOTIMPL; /* no TLS, no channel binding */
}

static HRESULT
req_ReadEntityBody3(IHttpRequest3 *This, VOID *pvBuffer, DWORD cbBuffer, BOOL fAsync,
                    PFN_ASYNC_COMPLETION pfnCompletionCallback, VOID *pvCompletionContext,
                    DWORD *pcbBytesReceived, BOOL *pfCompletionPending)
{
    (void) pfnCompletionCallback;
    (void) pvCompletionContext;
    if (fAsync) {
        return E_NOTIMPL; /* callback completions: use ReadEntityBody and OnAsyncCompletion */
    }
    return req_ReadEntityBody(This, pvBuffer, cbBuffer, FALSE, pcbBytesReceived,
                              pfCompletionPending);
}

const IHttpRequest3Vtbl gs_request_vtbl = {
    .DeleteHeader = req_DeleteHeader,
    .DeleteHeaderById = req_DeleteHeaderById,
    .GetClientCertificate = req_GetClientCertificate,
    .GetForwardedUrl = req_GetForwardedUrl,
    .GetHeader = req_GetHeader,
    .GetHeaderById = req_GetHeaderById,
    .GetHeaderChanges = req_GetHeaderChanges,
    .GetHttpMethod = req_GetHttpMethod,
    .GetHttpVersion = req_GetHttpVersion,
    .GetLocalAddress = req_GetLocalAddress,
    .GetRawHttpRequest = req_GetRawHttpRequest,
    .GetRemainingEntityBytes = req_GetRemainingEntityBytes,
    .GetRemoteAddress = req_GetRemoteAddress,
    .GetSiteId = req_GetSiteId,
    .GetUrlChanged = req_GetUrlChanged,
    .InsertEntityBody = req_InsertEntityBody,
    .NegotiateClientCertificate = req_NegotiateClientCertificate,
    .ReadEntityBody = req_ReadEntityBody,
    .SetEntityBody = req_SetEntityBody,
    .SetHeader = req_SetHeader,
    .SetHeaderById = req_SetHeaderById,
    .SetHttpMethod = req_SetHttpMethod,
    .SetUrl = req_SetUrl,
    .SetUrlW = req_SetUrlW,
    .GetChannelBindingToken = req_GetChannelBindingToken,
    .ReadEntityBody3 = req_ReadEntityBody3,
};
