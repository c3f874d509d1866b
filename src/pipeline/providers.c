/*
 * The providers request notifications pass (IHttpEventProvider and its
 * descendants), the module allocator, the completion info and the URL
 * info: small interfaces embedded in the request context.
 */
#include "context.h"
#include "core/log.h"
#include "core/wide.h"

#include <wchar.h>

#define IMPL(iface_field, ptr) gs_container_of(ptr, gs_context_t, iface_field)

/* Every provider's SetErrorStatus: recorded as the error to report, as IIS does. */
static void
record_error(gs_context_t *ctx, HRESULT hr)
{
    ctx->error_to_report = hr;
}

static VOID
event_SetErrorStatus(IHttpEventProvider *This, HRESULT hrError)
{
    record_error(IMPL(IHttpEventProvider_iface, This), hrError);
}

static const IHttpEventProviderVtbl event_vtbl = {.SetErrorStatus = event_SetErrorStatus};

static VOID
auth_SetErrorStatus(IAuthenticationProvider *This, HRESULT hrError)
{
    record_error(IMPL(IAuthenticationProvider_iface, This), hrError);
}

/* The provider takes over the caller's reference (spec §4.9). */
static VOID
auth_SetUser(IAuthenticationProvider *This, IHttpUser *pUser)
{
    gs_context_t *ctx = IMPL(IAuthenticationProvider_iface, This);

    if (pUser == NULL) {
        return; /* default authentication continues */
    }
    if (ctx->user != NULL && ctx->user != pUser) {
        IHttpUser_DereferenceUser(ctx->user);
    }
    ctx->user = pUser;
}

static const IAuthenticationProviderVtbl auth_vtbl = {
    .SetErrorStatus = auth_SetErrorStatus,
    .SetUser = auth_SetUser,
};

static VOID
maphandler_SetErrorStatus(IMapHandlerProvider *This, HRESULT hrError)
{
    record_error(IMPL(IMapHandlerProvider_iface, This), hrError);
}

static VOID
maphandler_SetFileInfo(IMapHandlerProvider *This, IHttpFileInfo *pFileInfo)
{
    (void) This;
    (void) pFileInfo; /* documented as not supported */
}

static VOID
maphandler_SetScriptMap(IMapHandlerProvider *This, IScriptMapInfo *pScriptMap)
{
    (void) This;
    (void) pScriptMap; /* one handler mapping only: nothing to override */
}

static HRESULT
maphandler_SetScriptName(IMapHandlerProvider *This, PCWSTR pszScriptName, DWORD cchScriptName)
{
    (void) This;
    (void) pszScriptName;
    (void) cchScriptName;
    return E_NOTIMPL; /* documented as not supported */
}

static const IMapHandlerProviderVtbl maphandler_vtbl = {
    .SetErrorStatus = maphandler_SetErrorStatus,
    .SetFileInfo = maphandler_SetFileInfo,
    .SetScriptMap = maphandler_SetScriptMap,
    .SetScriptName = maphandler_SetScriptName,
};

static VOID
mappath_SetErrorStatus(IMapPathProvider *This, HRESULT hrError)
{
    record_error(IMPL(IMapPathProvider_iface, This), hrError);
}

static PCWSTR
mappath_GetPhysicalPath(const IMapPathProvider *This)
{
    return IMPL(IMapPathProvider_iface, This)->map_physical;
}

static PCWSTR
mappath_GetUrl(const IMapPathProvider *This)
{
    return IMPL(IMapPathProvider_iface, This)->map_url;
}

static HRESULT
mappath_SetPhysicalPath(IMapPathProvider *This, PCWSTR pszPhysicalPath, DWORD cchPhysicalPath)
{
    gs_context_t *ctx = IMPL(IMapPathProvider_iface, This);
    size_t n;

    if (pszPhysicalPath == NULL || ctx->map_physical == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    n = wcsnlen(pszPhysicalPath, cchPhysicalPath);
    if (n == 0 || wmemchr(pszPhysicalPath, L'\0', n) != NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    ctx->map_physical = gs_pool_alloc(ctx->req->pool, (n + 1) * sizeof(wchar_t));
    wmemcpy(ctx->map_physical, pszPhysicalPath, n);
    ctx->map_physical[n] = L'\0';
    return S_OK;
}

static const IMapPathProviderVtbl mappath_vtbl = {
    .SetErrorStatus = mappath_SetErrorStatus,
    .GetPhysicalPath = mappath_GetPhysicalPath,
    .GetUrl = mappath_GetUrl,
    .SetPhysicalPath = mappath_SetPhysicalPath,
};

static VOID
send_SetErrorStatus(ISendResponseProvider *This, HRESULT hrError)
{
    record_error(IMPL(ISendResponseProvider_iface, This), hrError);
}

static DWORD
send_GetFlags(const ISendResponseProvider *This)
{
    return IMPL(ISendResponseProvider_iface, This)->send_flags;
}

static BOOL
send_GetHeadersBeingSent(const ISendResponseProvider *This)
{
    return IMPL(ISendResponseProvider_iface, This)->headers_being_sent ? TRUE : FALSE;
}

static VOID *
send_GetLogData(const ISendResponseProvider *This)
{
    (void) This;
    return NULL; /* log data is never ready (GetReadyToLogData is FALSE) */
}

static BOOL
send_GetReadyToLogData(const ISendResponseProvider *This)
{
    (void) This;
    return FALSE;
}

static VOID
send_SetFlags(ISendResponseProvider *This, DWORD dwFlags)
{
    IMPL(ISendResponseProvider_iface, This)->send_flags = dwFlags;
}

static HRESULT
send_SetLogData(ISendResponseProvider *This, VOID *pLogData)
{
    (void) This;
    (void) pLogData;
    return E_NOTIMPL;
}

static const ISendResponseProviderVtbl send_vtbl = {
    .SetErrorStatus = send_SetErrorStatus,
    .GetFlags = send_GetFlags,
    .GetHeadersBeingSent = send_GetHeadersBeingSent,
    .GetLogData = send_GetLogData,
    .GetReadyToLogData = send_GetReadyToLogData,
    .SetFlags = send_SetFlags,
    .SetLogData = send_SetLogData,
};

static VOID
entity_SetErrorStatus(IReadEntityProvider *This, HRESULT hrError)
{
    record_error(IMPL(IReadEntityProvider_iface, This), hrError);
}

static VOID
entity_GetEntity(IReadEntityProvider *This, PVOID *ppBuffer, DWORD *pcbData, DWORD *pcbBuffer)
{
    gs_context_t *ctx = IMPL(IReadEntityProvider_iface, This);

    if (ppBuffer != NULL) {
        *ppBuffer = ctx->entity_buffer;
    }
    if (pcbData != NULL) {
        *pcbData = ctx->entity_data;
    }
    if (pcbBuffer != NULL) {
        *pcbBuffer = ctx->entity_size;
    }
}

static VOID
entity_SetEntity(IReadEntityProvider *This, PVOID pBuffer, DWORD cbData, DWORD cbBuffer)
{
    gs_context_t *ctx = IMPL(IReadEntityProvider_iface, This);

    if (pBuffer == NULL || cbData > cbBuffer) {
        return;
    }
    ctx->entity_buffer = pBuffer;
    ctx->entity_data = cbData;
    ctx->entity_size = cbBuffer;
}

static const IReadEntityProviderVtbl entity_vtbl = {
    .SetErrorStatus = entity_SetErrorStatus,
    .GetEntity = entity_GetEntity,
    .SetEntity = entity_SetEntity,
};

static DWORD
completion_GetCompletionBytes(const IHttpCompletionInfo2 *This)
{
    return IMPL(IHttpCompletionInfo_iface, This)->completion_bytes;
}

static HRESULT
completion_GetCompletionStatus(const IHttpCompletionInfo2 *This)
{
    return IMPL(IHttpCompletionInfo_iface, This)->completion_status;
}

static DWORD
completion_GetCompletedOperation(const IHttpCompletionInfo2 *This)
{
    return IMPL(IHttpCompletionInfo_iface, This)->completion_operation;
}

static const IHttpCompletionInfo2Vtbl completion_vtbl = {
    .GetCompletionBytes = completion_GetCompletionBytes,
    .GetCompletionStatus = completion_GetCompletionStatus,
    .GetCompletedOperation = completion_GetCompletedOperation,
};

static VOID *
allocator_AllocateMemory(IModuleAllocator *This, DWORD cbAllocation)
{
    gs_context_t *ctx = IMPL(IModuleAllocator_iface, This);

    return gs_pool_alloc(ctx->req->pool, cbAllocation ? cbAllocation : 1);
}

static const IModuleAllocatorVtbl allocator_vtbl = {.AllocateMemory = allocator_AllocateMemory};

static IHttpModuleContextContainer *
urlinfo_GetModuleContextContainer(IHttpUrlInfo *This)
{
    return gs_container_iface(&IMPL(IHttpUrlInfo_iface, This)->url_container);
}

static BOOL
urlinfo_IsFrequentlyHit(const IHttpUrlInfo *This)
{
    (void) This;
    return FALSE; /* no URI cache counts hits yet */
}

static const IHttpUrlInfoVtbl urlinfo_vtbl = {
    .GetModuleContextContainer = urlinfo_GetModuleContextContainer,
    .IsFrequentlyHit = urlinfo_IsFrequentlyHit,
};

void
gs_providers_init(gs_context_t *ctx)
{
    ctx->IHttpEventProvider_iface.lpVtbl = &event_vtbl;
    ctx->IAuthenticationProvider_iface.lpVtbl = &auth_vtbl;
    ctx->IMapHandlerProvider_iface.lpVtbl = &maphandler_vtbl;
    ctx->IMapPathProvider_iface.lpVtbl = &mappath_vtbl;
    ctx->ISendResponseProvider_iface.lpVtbl = &send_vtbl;
    ctx->IReadEntityProvider_iface.lpVtbl = &entity_vtbl;
    ctx->IHttpCompletionInfo_iface.lpVtbl = &completion_vtbl;
    ctx->IModuleAllocator_iface.lpVtbl = &allocator_vtbl;
    ctx->IHttpUrlInfo_iface.lpVtbl = &urlinfo_vtbl;
}
