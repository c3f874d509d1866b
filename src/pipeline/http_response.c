/*
 * IHttpResponse (and 2) over the core's gs_response_t.  The response is
 * buffered: WriteEntityChunks copies memory chunks into the request pool
 * and keeps file chunks by descriptor (the module keeps the descriptor open
 * until the request ends; see docs/module-guide.md); the end of the
 * pipeline sends it all.  Flush, or DisableBuffering, sends what there is
 * now (chunked coding when the length is not known yet).  Every value that
 * reaches the wire is checked for CR, LF and NUL.
 */
#include "context.h"
#include "core/conn.h"
#include "core/http_header.h"
#include "core/wide.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <wchar.h>

#define MAX_CHUNKS 65535

static inline gs_context_t *
impl(const IHttpResponse2 *iface)
{
    return gs_container_of(iface, gs_context_t, IHttpResponse_iface);
}

static inline gs_response_t *
rsp_of(const IHttpResponse2 *iface)
{
    return &impl(iface)->req->rsp;
}

static bool
valid_token(const char *s, size_t n)
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

static VOID
rsp_Clear(IHttpResponse2 *This)
{
    gs_context_t *ctx = impl(This);

    if (gs_conn_headers_sent(ctx->req)) {
        return; /* no effect once flushed */
    }
    gs_response_clear(&ctx->req->rsp);
    ctx->error_to_report = S_OK;
    ctx->error_description = NULL;
}

static VOID
rsp_ClearHeaders(IHttpResponse2 *This)
{
    rsp_of(This)->nheaders = 0;
}

static VOID
rsp_CloseConnection(IHttpResponse2 *This)
{
    rsp_of(This)->close = true;
}

static HRESULT
rsp_DeleteHeader(IHttpResponse2 *This, PCSTR pszHeaderName)
{
    if (pszHeaderName == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    gs_response_delete_header(rsp_of(This), pszHeaderName, strlen(pszHeaderName));
    return S_OK;
}

static HRESULT
rsp_DeleteHeaderById(IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex)
{
    const char *name = gs_response_header_name((int) ulHeaderIndex);

    if (name == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    gs_response_delete_header(rsp_of(This), name, strlen(name));
    return S_OK;
}

static VOID
rsp_DisableBuffering(IHttpResponse2 *This)
{
    impl(This)->buffering_off = true;
}

static VOID
rsp_DisableKernelCache(IHttpResponse2 *This, ULONG reason)
{
    (void) reason;
    impl(This)->kernel_cache_off = true;
}

static DWORD
body_bytes(const gs_response_t *rsp)
{
    uint64_t n = 0;

    for (uint32_t i = 0; i < rsp->nchunks; i++) {
        n += rsp->chunks[i].len;
    }
    return n > 0xffffffffu ? 0xffffffffu : (DWORD) n;
}

static HRESULT
rsp_Flush(IHttpResponse2 *This, BOOL fAsync, BOOL fMoreData, DWORD *pcbSent,
          BOOL *pfCompletionExpected)
{
    gs_context_t *ctx = impl(This);
    DWORD n = body_bytes(&ctx->req->rsp);

    (void) fAsync;
    /* The connection takes the data now and finishes sending it on its own. */
    gs_dispatch_send(ctx, !fMoreData);
    if (pcbSent != NULL) {
        *pcbSent = n;
    }
    if (pfCompletionExpected != NULL) {
        *pfCompletionExpected = FALSE;
    }
    return S_OK;
}

/* No output cache: a policy that caches nothing, shared by every request. */
static HRESULT
policy_AppendVaryByHeader(IHttpCachePolicy *This, PCSTR pszHeader)
{
    (void) This;
    (void) pszHeader;
    return S_OK;
}

static HRESULT
policy_AppendVaryByQueryString(IHttpCachePolicy *This, PCSTR pszParam)
{
    (void) This;
    (void) pszParam;
    return S_OK;
}

static VOID
policy_DisableUserCache(IHttpCachePolicy *This)
{
    (void) This;
}

static BOOL
policy_GetKernelCacheInvalidatorSet(const IHttpCachePolicy *This)
{
    (void) This;
    return FALSE;
}

static HTTP_CACHE_POLICY *
policy_GetCachePolicy(IHttpCachePolicy *This)
{
    (void) This;
    return NULL;
}

static PCSTR
policy_GetVary(const IHttpCachePolicy *This)
{
    (void) This;
    return NULL;
}

static BOOL
policy_False(const IHttpCachePolicy *This)
{
    (void) This;
    return FALSE;
}

static VOID
policy_Nothing(IHttpCachePolicy *This)
{
    (void) This;
}

static HRESULT
policy_SetVaryByValue(IHttpCachePolicy *This, PCSTR pszValue)
{
    (void) This;
    (void) pszValue;
    return S_OK;
}

static const IHttpCachePolicyVtbl policy_vtbl = {
    .AppendVaryByHeader = policy_AppendVaryByHeader,
    .AppendVaryByQueryString = policy_AppendVaryByQueryString,
    .DisableUserCache = policy_DisableUserCache,
    .GetKernelCacheInvalidatorSet = policy_GetKernelCacheInvalidatorSet,
    .GetKernelCachePolicy = policy_GetCachePolicy,
    .GetUserCachePolicy = policy_GetCachePolicy,
    .GetVaryByHeaders = policy_GetVary,
    .GetVaryByQueryStrings = policy_GetVary,
    .GetVaryByValue = policy_GetVary,
    .IsCached = policy_False,
    .IsUserCacheEnabled = policy_False,
    .SetIsCached = policy_Nothing,
    .SetKernelCacheInvalidatorSet = policy_Nothing,
    .SetVaryByValue = policy_SetVaryByValue,
};

static IHttpCachePolicy no_cache_policy = {&policy_vtbl};

static IHttpCachePolicy *
rsp_GetCachePolicy(IHttpResponse2 *This)
{
    (void) This;
    return &no_cache_policy;
}

static PCWSTR
rsp_GetErrorDescription(IHttpResponse2 *This, DWORD *pcchDescription)
{
    gs_context_t *ctx = impl(This);

    if (pcchDescription != NULL) {
        *pcchDescription = (DWORD) ctx->error_description_len;
    }
    return ctx->error_description ? ctx->error_description : L"";
}

static PCSTR
header_value(const gs_header_t *h, USHORT *pcch)
{
    if (pcch != NULL) {
        *pcch = h == NULL ? 0 : (USHORT) (h->value_len > 0xffff ? 0xffff : h->value_len);
    }
    return h ? h->value : NULL;
}

static PCSTR
rsp_GetHeader(const IHttpResponse2 *This, PCSTR pszHeaderName, USHORT *pcchHeaderValue)
{
    if (pszHeaderName == NULL) {
        return header_value(NULL, pcchHeaderValue);
    }
    return header_value(gs_response_header(rsp_of(This), pszHeaderName, strlen(pszHeaderName)),
                        pcchHeaderValue);
}

static PCSTR
rsp_GetHeaderById(const IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex, USHORT *pcchHeaderValue)
{
    const char *name = gs_response_header_name((int) ulHeaderIndex);

    if (name == NULL) {
        return header_value(NULL, pcchHeaderValue);
    }
    return header_value(gs_response_header(rsp_of(This), name, strlen(name)), pcchHeaderValue);
}

static HRESULT
rsp_GetHeaderChanges(IHttpResponse2 *This, DWORD dwOldChangeNumber, DWORD *pdwNewChangeNumber,
                     PCSTR knownHeaderSnapshot[HttpHeaderResponseMaximum],
                     DWORD *pdwUnknownHeaderSnapShot, PCSTR **ppUnknownHeaderNameSnapShot,
                     PCSTR **ppUnknownHeaderValueSnapShot,
                     DWORD diffedKnownHeaderIndices[HttpHeaderResponseMaximum + 1],
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

static BOOL
rsp_GetHeadersSuppressed(const IHttpResponse2 *This)
{
    return impl(This)->headers_suppressed ? TRUE : FALSE;
}

static BOOL
rsp_GetKernelCacheEnabled(const IHttpResponse2 *This)
{
    (void) This;
    return FALSE; /* guise has no kernel response cache */
}

static HTTP_RESPONSE *
rsp_GetRawHttpResponse(IHttpResponse2 *This)
{
    (void) This;
    return NULL; /* guise has no http.sys structures */
}

static VOID
rsp_GetStatus(IHttpResponse2 *This, USHORT *pStatusCode, USHORT *pSubStatus, PCSTR *ppszReason,
              USHORT *pcchReason, HRESULT *phrErrorToReport, PCWSTR *ppszModule,
              DWORD *pdwNotification, INativeSectionException **ppException)
{
    gs_context_t *ctx = impl(This);
    const gs_response_t *rsp = &ctx->req->rsp;
    const char *reason = rsp->reason ? rsp->reason : gs_status_reason(rsp->status);

    if (pStatusCode != NULL) {
        *pStatusCode = rsp->status;
    }
    if (pSubStatus != NULL) {
        *pSubStatus = rsp->substatus;
    }
    if (ppszReason != NULL) {
        *ppszReason = reason;
    }
    if (pcchReason != NULL) {
        *pcchReason = (USHORT) strlen(reason);
    }
    if (phrErrorToReport != NULL) {
        /* The connection's own verdict (an aborted send) when no module reported one. */
        *phrErrorToReport = ctx->error_to_report == S_OK && rsp->win32_status != 0
                                ? HRESULT_FROM_WIN32(rsp->win32_status)
                                : ctx->error_to_report;
    }
    if (ppszModule != NULL) {
        *ppszModule = ctx->status_module ? ctx->status_module->wname : NULL;
    }
    if (pdwNotification != NULL) {
        *pdwNotification = ctx->status_notification;
    }
    if (ppException != NULL) {
        *ppException = NULL;
    }
}

static HRESULT
set_status(gs_context_t *ctx, USHORT statusCode, PCSTR pszReason, USHORT uSubStatus,
           HRESULT hrErrorToReport)
{
    gs_response_t *rsp = &ctx->req->rsp;
    const char *reason = NULL;

    if (statusCode < 100 || statusCode > 999) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (pszReason != NULL) {
        size_t n = strlen(pszReason);

        if (n > 255) {
            return HRESULT_FROM_WIN32(ERROR_INVALID_DATA);
        }
        if (!gs_valid_header_value(pszReason, n)) {
            return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
        }
        reason = gs_pool_strndup(ctx->req->pool, pszReason, n);
    }
    gs_response_set_status(rsp, statusCode, uSubStatus, reason);
    ctx->error_to_report = hrErrorToReport;
    /* The log's sc-win32-status: the Win32 code inside a Win32 HRESULT. */
    rsp->win32_status = (hrErrorToReport & 0xffff0000u) == 0x80070000u
                            ? (uint32_t) hrErrorToReport & 0xffff
                            : (uint32_t) hrErrorToReport;
    ctx->status_module = ctx->current;
    ctx->status_notification = ctx->notification;
    return S_OK;
}

static HRESULT
rsp_SetStatus(IHttpResponse2 *This, USHORT statusCode, PCSTR pszReason, USHORT uSubStatus,
              HRESULT hrErrorToReport, INativeSectionException *pException)
{
    (void) pException;
    return set_status(impl(This), statusCode, pszReason, uSubStatus, hrErrorToReport);
}

static HRESULT
set_header(gs_context_t *ctx, const char *name, const char *value, USHORT cch, BOOL fReplace)
{
    size_t nlen = strlen(name);

    if (!valid_token(name, nlen) || (value == NULL && cch > 0)
        || !gs_valid_header_value(value ? value : "", cch))
    {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    /* fReplace FALSE adds a field line of the same name (Set-Cookie needs that). */
    gs_response_set_header(&ctx->req->rsp, ctx->req->pool, name, nlen, value ? value : "", cch,
                           fReplace != FALSE);
    return S_OK;
}

static HRESULT
rsp_SetHeader(IHttpResponse2 *This, PCSTR pszHeaderName, PCSTR pszHeaderValue,
              USHORT cchHeaderValue, BOOL fReplace)
{
    if (pszHeaderName == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return set_header(impl(This), pszHeaderName, pszHeaderValue, cchHeaderValue, fReplace);
}

static HRESULT
rsp_SetHeaderById(IHttpResponse2 *This, HTTP_HEADER_ID ulHeaderIndex, PCSTR pszHeaderValue,
                  USHORT cchHeaderValue, BOOL fReplace)
{
    const char *name = gs_response_header_name((int) ulHeaderIndex);

    if (name == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return set_header(impl(This), name, pszHeaderValue, cchHeaderValue, fReplace);
}

static HRESULT
rsp_Redirect(IHttpResponse2 *This, PCSTR pszUrl, BOOL fResetStatusCode, BOOL fIncludeParameters)
{
    gs_context_t *ctx = impl(This);
    const gs_request_t *req = ctx->req;
    size_t n, len;
    char *location, *body;
    unsigned status = req->rsp.status;

    if (pszUrl == NULL || (n = strlen(pszUrl)) == 0 || !gs_valid_header_value(pszUrl, n)) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (gs_conn_headers_sent(req)) {
        return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
    }
    len = n + (fIncludeParameters && req->query ? req->query_len + 1 : 0);
    location = gs_pool_alloc(req->pool, len + 1);
    memcpy(location, pszUrl, n);
    if (fIncludeParameters && req->query) {
        location[n] = memchr(pszUrl, '?', n) ? '&' : '?';
        memcpy(location + n + 1, req->query, req->query_len);
    }
    location[len] = '\0';
    if (fResetStatusCode || status < 300 || status > 399) {
        status = 302;
    }
    gs_response_clear(&ctx->req->rsp);
    set_status(ctx, (USHORT) status, NULL, 0, S_OK);
    gs_response_set_header(&ctx->req->rsp, req->pool, "Location", 8, location, len, true);
    gs_response_set_header(&ctx->req->rsp, req->pool, "Content-Type", 12,
                           "text/html; charset=utf-8", 24, true);
    body = gs_pool_alloc(req->pool, 64);
    n = (size_t) snprintf(body, 64, "<html><body>Object moved.</body></html>\n");
    gs_response_add_memory(&ctx->req->rsp, req->pool, body, n);
    return S_OK;
}

static VOID
rsp_ResetConnection(IHttpResponse2 *This)
{
    rsp_of(This)->close = true;
}

static HRESULT
rsp_SetErrorDescription(IHttpResponse2 *This, PCWSTR pszDescription, DWORD cchDescription,
                        BOOL fHtmlEncode)
{
    gs_context_t *ctx = impl(This);
    size_t n;

    (void) fHtmlEncode;
    if (pszDescription == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    n = wcsnlen(pszDescription, cchDescription);
    ctx->error_description = gs_pool_alloc(ctx->req->pool, (n + 1) * sizeof(wchar_t));
    wmemcpy(ctx->error_description, pszDescription, n);
    ctx->error_description[n] = L'\0';
    ctx->error_description_len = n;
    return S_OK;
}

static VOID
rsp_SetNeedDisconnect(IHttpResponse2 *This)
{
    rsp_of(This)->close = true;
}

static VOID
rsp_SuppressHeaders(IHttpResponse2 *This)
{
    impl(This)->headers_suppressed = true;
    rsp_of(This)->raw = true;
}

/* A chunk as the response keeps it: memory copied (or referenced), files by descriptor. */
static HRESULT
convert_chunk(gs_context_t *ctx, const HTTP_DATA_CHUNK *in, bool copy, gs_chunk_t *out)
{
    gs_pool_t *pool = ctx->req->pool;

    switch (in->DataChunkType) {
    case HttpDataChunkFromMemory:
        if (in->FromMemory.pBuffer == NULL && in->FromMemory.BufferLength > 0) {
            return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
        }
        out->type = GS_CHUNK_MEMORY;
        out->len = in->FromMemory.BufferLength;
        out->data = copy && out->len ? gs_pool_memdup(pool, in->FromMemory.pBuffer, out->len)
                                     : in->FromMemory.pBuffer;
        out->fd = -1;
        out->offset = 0;
        return S_OK;
    case HttpDataChunkFromFileHandle: {
        int fd = GuiseFdFromHandle(in->FromFileHandle.FileHandle);
        uint64_t start = in->FromFileHandle.ByteRange.StartingOffset.QuadPart;
        uint64_t len = in->FromFileHandle.ByteRange.Length.QuadPart;
        struct stat st;

        if (fd < 0) {
            return HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
        }
        /* Only "to the end" needs the size; sendfile refuses anything but a file later. */
        if (len == HTTP_BYTE_RANGE_TO_EOF) {
            if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
                return HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
            }
            len = start < (uint64_t) st.st_size ? (uint64_t) st.st_size - start : 0;
        }
        out->type = GS_CHUNK_FILE;
        out->fd = fd;
        out->offset = start;
        out->len = len;
        out->data = NULL;
        return S_OK;
    }
    default:
        return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
    }
}

static HRESULT
rsp_WriteEntityChunks(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks,
                      BOOL fAsync, BOOL fMoreData, DWORD *pcbSent, BOOL *pfCompletionExpected)
{
    gs_context_t *ctx = impl(This);
    gs_response_t *rsp = &ctx->req->rsp;
    uint64_t total = 0;

    (void) fAsync;
    if (pcbSent != NULL) {
        *pcbSent = 0;
    }
    if (pfCompletionExpected != NULL) {
        *pfCompletionExpected = FALSE;
    }
    if ((pDataChunks == NULL && nChunks > 0) || nChunks > MAX_CHUNKS
        || rsp->nchunks + nChunks > MAX_CHUNKS)
    {
        return HRESULT_FROM_WIN32(nChunks > MAX_CHUNKS ? ERROR_ARITHMETIC_OVERFLOW
                                                       : ERROR_INVALID_PARAMETER);
    }
    for (DWORD i = 0; i < nChunks; i++) {
        gs_chunk_t c;
        HRESULT hr = convert_chunk(ctx, &pDataChunks[i], true, &c);

        if (FAILED(hr)) {
            return hr;
        }
        if (c.type == GS_CHUNK_MEMORY) {
            gs_response_add_memory(rsp, ctx->req->pool, c.data, c.len);
        } else {
            gs_response_add_file(rsp, ctx->req->pool, c.fd, c.offset, c.len);
        }
        total += c.len;
    }
    if (ctx->buffering_off) {
        gs_dispatch_send(ctx, !fMoreData);
    }
    if (pcbSent != NULL) {
        *pcbSent = total > 0xffffffffu ? 0xffffffffu : (DWORD) total;
    }
    return S_OK;
}

static HRESULT
rsp_WriteEntityChunkByReference(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunk,
                                LONG lInsertPosition)
{
    gs_context_t *ctx = impl(This);
    gs_response_t *rsp = &ctx->req->rsp;
    gs_chunk_t c;
    HRESULT hr;

    if (pDataChunk == NULL || lInsertPosition < -1
        || (lInsertPosition >= 0 && (uint32_t) lInsertPosition > rsp->nchunks))
    {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    if (rsp->nchunks >= MAX_CHUNKS) {
        return HRESULT_FROM_WIN32(ERROR_ARITHMETIC_OVERFLOW);
    }
    hr = convert_chunk(ctx, pDataChunk, false, &c);
    if (FAILED(hr)) {
        return hr;
    }
    if (c.type == GS_CHUNK_MEMORY) {
        gs_response_add_memory(rsp, ctx->req->pool, c.data, c.len);
    } else {
        gs_response_add_file(rsp, ctx->req->pool, c.fd, c.offset, c.len);
    }
    if (lInsertPosition >= 0) {
        gs_chunk_t last = rsp->chunks[rsp->nchunks - 1];

        memmove(&rsp->chunks[lInsertPosition + 1], &rsp->chunks[lInsertPosition],
                (rsp->nchunks - 1 - (uint32_t) lInsertPosition) * sizeof(gs_chunk_t));
        rsp->chunks[lInsertPosition] = last;
    }
    return S_OK;
}

static HRESULT
rsp_Flush2(IHttpResponse2 *This, BOOL fAsync, BOOL fMoreData,
           PFN_ASYNC_COMPLETION pfnCompletionCallback, VOID *pvCompletionContext, DWORD *pcbSent,
           BOOL *pfCompletionExpected)
{
    (void) pfnCompletionCallback;
    (void) pvCompletionContext;
    if (fAsync) {
        return E_NOTIMPL; /* callback completions: use Flush */
    }
    return rsp_Flush(This, FALSE, fMoreData, pcbSent, pfCompletionExpected);
}

static HRESULT
rsp_WriteEntityChunks2(IHttpResponse2 *This, HTTP_DATA_CHUNK *pDataChunks, DWORD nChunks,
                       BOOL fAsync, BOOL fMoreData, PFN_ASYNC_COMPLETION pfnCompletionCallback,
                       VOID *pvCompletionContext, DWORD *pcbSent, BOOL *pfCompletionExpected)
{
    (void) pfnCompletionCallback;
    (void) pvCompletionContext;
    if (fAsync) {
        return E_NOTIMPL; /* callback completions: use WriteEntityChunks */
    }
    return rsp_WriteEntityChunks(This, pDataChunks, nChunks, FALSE, fMoreData, pcbSent,
                                 pfCompletionExpected);
}

const IHttpResponse2Vtbl gs_response_vtbl = {
    .Clear = rsp_Clear,
    .ClearHeaders = rsp_ClearHeaders,
    .CloseConnection = rsp_CloseConnection,
    .DeleteHeader = rsp_DeleteHeader,
    .DeleteHeaderById = rsp_DeleteHeaderById,
    .DisableBuffering = rsp_DisableBuffering,
    .DisableKernelCache = rsp_DisableKernelCache,
    .Flush = rsp_Flush,
    .GetCachePolicy = rsp_GetCachePolicy,
    .GetErrorDescription = rsp_GetErrorDescription,
    .GetHeader = rsp_GetHeader,
    .GetHeaderById = rsp_GetHeaderById,
    .GetHeaderChanges = rsp_GetHeaderChanges,
    .GetHeadersSuppressed = rsp_GetHeadersSuppressed,
    .GetKernelCacheEnabled = rsp_GetKernelCacheEnabled,
    .GetRawHttpResponse = rsp_GetRawHttpResponse,
    .GetStatus = rsp_GetStatus,
    .Redirect = rsp_Redirect,
    .ResetConnection = rsp_ResetConnection,
    .SetErrorDescription = rsp_SetErrorDescription,
    .SetHeader = rsp_SetHeader,
    .SetHeaderById = rsp_SetHeaderById,
    .SetNeedDisconnect = rsp_SetNeedDisconnect,
    .SetStatus = rsp_SetStatus,
    .SuppressHeaders = rsp_SuppressHeaders,
    .WriteEntityChunkByReference = rsp_WriteEntityChunkByReference,
    .WriteEntityChunks = rsp_WriteEntityChunks,
    .Flush2 = rsp_Flush2,
    .WriteEntityChunks2 = rsp_WriteEntityChunks2,
};
