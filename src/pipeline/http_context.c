/*
 * IHttpContext (and 2, 3, 4) over a gs_context_t.  What guise does not
 * support returns E_NOTIMPL (child requests, handler mapping lookups, the
 * native/managed sync methods) and is listed in docs/module-guide.md.
 */
#include "context.h"
#include "global.h"
#include "server_object.h"
#include "core/conn.h"
#include "core/url_path.h"
#include "core/wide.h"
#include "cache/file_cache.h"
#include "modules/files.h"

#include <guise/token.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static inline gs_context_t *
impl(const IHttpContext4 *iface)
{
    return gs_context_from_IHttpContext(iface);
}

/* ---- the connection object ----------------------------------------------- */

/* IHttpConnection lives as long as the TCP connection (the core's extension slot). */
struct connection {
    IHttpConnection IHttpConnection_iface;
    gs_container_t container;
    gs_request_t *current; /* the request being served, for AllocateMemory and IsConnected */
};

static inline struct connection *
from_connection(const IHttpConnection *iface)
{
    return gs_container_of(iface, struct connection, IHttpConnection_iface);
}

static VOID *
connection_AllocateMemory(IHttpConnection *This, DWORD cbAllocation)
{
    /* Documented as request lifetime: the current request's pool. */
    return gs_pool_alloc(from_connection(This)->current->pool, cbAllocation ? cbAllocation : 1);
}

static IHttpModuleContextContainer *
connection_GetModuleContextContainer(IHttpConnection *This)
{
    return gs_container_iface(&from_connection(This)->container);
}

static BOOL
connection_IsConnected(const IHttpConnection *This)
{
    return gs_conn_alive(from_connection(This)->current) ? TRUE : FALSE;
}

static const IHttpConnectionVtbl connection_vtbl = {
    .AllocateMemory = connection_AllocateMemory,
    .GetModuleContextContainer = connection_GetModuleContextContainer,
    .IsConnected = connection_IsConnected,
};

static void
connection_release(void *data)
{
    struct connection *conn = data;

    gs_container_release(&conn->container);
    free(conn);
}

static IHttpConnection *
ctx_GetConnection(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);
    struct connection *conn = gs_conn_extension(ctx->req);

    if (conn == NULL) {
        conn = gs_xcalloc(1, sizeof(*conn));
        conn->IHttpConnection_iface.lpVtbl = &connection_vtbl;
        gs_container_init(&conn->container);
        gs_conn_set_extension(ctx->req, conn, connection_release);
    }
    conn->current = ctx->req;
    return &conn->IHttpConnection_iface;
}

/* ---- path mapping -------------------------------------------------------- */

/*
 * url (decoded, normalised, starting with '/') -> its virtual directory's
 * physical path plus the rest of the URL, then RQ_MAP_PATH may change it.
 * The result is UTF-8 in the request pool.
 */
static HRESULT
map_url(gs_context_t *ctx, const char *url, size_t url_len, char **out, size_t *out_len)
{
    const gs_cfg_vdir_t *vdir = gs_config_vdir(ctx->cfg_site, url, url_len);
    const char *full = url;
    size_t rest, n;
    char *path;

    if (vdir == NULL) {
        return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    }
    /* The URL below the virtual directory, without its leading '/'. */
    rest = url_len - vdir->url_len;
    url += vdir->url_len;
    if (rest > 0 && url[0] == '/') {
        url++, rest--;
    }
    n = vdir->physical_len + rest;
    path = gs_pool_alloc(ctx->req->pool, n + 1);
    memcpy(path, vdir->physical, vdir->physical_len);
    memcpy(path + vdir->physical_len, url, rest);
    path[n] = '\0';

    if (gs_registry.request[GS_SLOT_MAP_PATH].count > 0) {
        ctx->map_url = gs_wide_from_utf8(ctx->req->pool, full, url_len, NULL);
        ctx->map_physical = gs_wide_from_utf8(ctx->req->pool, path, n, NULL);
        gs_dispatch_other(ctx, GS_SLOT_MAP_PATH, &ctx->IMapPathProvider_iface);
        path = gs_utf8_from_wide(ctx->req->pool, ctx->map_physical, SIZE_MAX, &n);
        ctx->map_url = NULL;
        ctx->map_physical = NULL;
    }
    *out = path;
    *out_len = n;
    return S_OK;
}

HRESULT
gs_context_map(gs_context_t *ctx)
{
    const gs_request_t *req = ctx->req;

    if (ctx->physical != NULL) {
        return S_OK;
    }
    if (req->url == NULL || req->url[0] != '/' || ctx->cfg_site == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER); /* "*", or no site: no resource */
    }
    return map_url(ctx, req->url, req->url_len, &ctx->physical, &ctx->physical_len);
}

static PCWSTR
physical_wide(gs_context_t *ctx, DWORD *pcch)
{
    if (ctx->wide_physical == NULL) {
        if (FAILED(gs_context_map(ctx))) {
            if (pcch != NULL) {
                *pcch = 0;
            }
            return L"";
        }
        ctx->wide_physical = gs_wide_from_utf8(ctx->req->pool, ctx->physical, ctx->physical_len,
                                               &ctx->wide_physical_len);
    }
    if (pcch != NULL) {
        *pcch = (DWORD) ctx->wide_physical_len;
    }
    return ctx->wide_physical;
}

static PCWSTR
ctx_GetPhysicalPath(IHttpContext4 *This, DWORD *pcchPhysicalPath)
{
    return physical_wide(impl(This), pcchPhysicalPath);
}

static PCWSTR
ctx_GetScriptTranslated(IHttpContext4 *This, DWORD *pcchScriptName)
{
    return physical_wide(impl(This), pcchScriptName);
}

static PCWSTR
ctx_GetScriptName(const IHttpContext4 *This, DWORD *pcchScriptName)
{
    gs_context_t *ctx = impl(This);

    if (ctx->wide_url == NULL) {
        ctx->wide_url =
            gs_wide_from_utf8(ctx->req->pool, ctx->req->url ? ctx->req->url : "",
                              ctx->req->url ? ctx->req->url_len : 0, &ctx->wide_url_len);
    }
    if (pcchScriptName != NULL) {
        *pcchScriptName = (DWORD) ctx->wide_url_len;
    }
    return ctx->wide_url;
}

static HRESULT
ctx_MapPath(IHttpContext4 *This, PCWSTR pszUrl, PWSTR pszPhysicalPath, DWORD *pcbPhysicalPath)
{
    gs_context_t *ctx = impl(This);
    gs_pool_t *pool = ctx->req->pool;
    size_t raw_len, n, wlen;
    char *raw, *url, *path;
    ssize_t url_len;
    wchar_t *wide;
    HRESULT hr;

    if (pszUrl == NULL || pcbPhysicalPath == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    raw = gs_utf8_from_wide(pool, pszUrl, 65536, &raw_len);
    url = gs_pool_alloc(pool, raw_len + 1);
    url_len = gs_url_path_normalize(raw, raw_len, url);
    if (url_len < 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    hr = map_url(ctx, url, (size_t) url_len, &path, &n);
    if (FAILED(hr)) {
        return hr;
    }
    wide = gs_wide_from_utf8(pool, path, n, &wlen);
    if (pszPhysicalPath == NULL || *pcbPhysicalPath < (wlen + 1) * sizeof(wchar_t)) {
        *pcbPhysicalPath = (DWORD) ((wlen + 1) * sizeof(wchar_t));
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    }
    wmemcpy(pszPhysicalPath, wide, wlen + 1);
    *pcbPhysicalPath = (DWORD) ((wlen + 1) * sizeof(wchar_t));
    return S_OK;
}

/* ---- the rest ------------------------------------------------------------ */

static VOID *
ctx_AllocateRequestMemory(IHttpContext4 *This, DWORD cbAllocation)
{
    return gs_pool_alloc(impl(This)->req->pool, cbAllocation ? cbAllocation : 1);
}

static HRESULT
ctx_CancelIo(IHttpContext4 *This)
{
    (void) This;
    return E_NOTIMPL;
}

static HRESULT
ctx_CloneContext(IHttpContext4 *This, DWORD dwCloneFlags, IHttpContext **ppHttpContext)
{
    (void) This;
    (void) dwCloneFlags;
    if (ppHttpContext != NULL) {
        *ppHttpContext = NULL;
    }
    return E_NOTIMPL;
}

static VOID
ctx_DisableNotifications(IHttpContext4 *This, DWORD dwNotifications, DWORD dwPostNotifications)
{
    gs_context_t *ctx = impl(This);
    unsigned n = gs_registry.count;

    if (ctx->current == NULL) {
        return;
    }
    if (ctx->disabled == NULL) {
        ctx->disabled = gs_pool_calloc(ctx->req->pool, n * sizeof(DWORD));
        ctx->disabled_post = gs_pool_calloc(ctx->req->pool, n * sizeof(DWORD));
    }
    /* Only deterministic notifications can be switched off. */
    ctx->disabled[ctx->current->index] |= dwNotifications & 0xfff;
    ctx->disabled_post[ctx->current->index] |= dwPostNotifications & 0xfff;
}

static HRESULT
ctx_ExecuteRequest(IHttpContext4 *This, BOOL fAsync, IHttpContext *pHttpContext,
                   DWORD dwExecuteFlags, IHttpUser *pHttpUser, BOOL *pfCompletionExpected)
{
    (void) This;
    (void) fAsync;
    (void) pHttpContext;
    (void) dwExecuteFlags;
    (void) pHttpUser;
    if (pfCompletionExpected != NULL) {
        *pfCompletionExpected = FALSE;
    }
    return E_NOTIMPL;
}

static IHttpApplication *
ctx_GetApplication(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);

    return ctx->cfg_vdir ? (IHttpApplication *) &gs_context_app(ctx)->IHttpApplication_iface : NULL;
}

static HRESULT
ctx_GetCurrentExecutionStats(const IHttpContext4 *This, DWORD *pdwNotification,
                             DWORD *pdwNotificationStartTickCount, PCWSTR *ppszModule,
                             DWORD *pdwModuleStartTickCount, DWORD *pdwAsyncNotification,
                             DWORD *pdwAsyncNotificationStartTickCount)
{
    const gs_context_t *ctx = impl(This);
    DWORD start = (DWORD) ctx->start_ms;

    if (pdwNotification == NULL) {
        return E_INVALIDARG;
    }
    *pdwNotification = ctx->notification;
    if (pdwNotificationStartTickCount != NULL) {
        *pdwNotificationStartTickCount = start;
    }
    if (ppszModule != NULL) {
        *ppszModule = ctx->current ? ctx->current->wname : NULL;
    }
    if (pdwModuleStartTickCount != NULL) {
        *pdwModuleStartTickCount = start;
    }
    if (pdwAsyncNotification != NULL) {
        *pdwAsyncNotification = ctx->pending ? ctx->notification : 0;
    }
    if (pdwAsyncNotificationStartTickCount != NULL) {
        *pdwAsyncNotificationStartTickCount = start;
    }
    return S_OK;
}

static DWORD
ctx_GetExecuteFlags(const IHttpContext4 *This)
{
    (void) This;
    return 0;
}

static void
release_file_info(void *arg)
{
    IHttpFileInfo_DereferenceCacheData((IHttpFileInfo *) arg);
}

/*
 * The record of the request's physical path, opened as the request's user
 * (the kernel's check; NULL when it refuses or the path is no file), from
 * the FILE cache; made on the first call, borrowed: the request's pool
 * releases it.  Leaves the thread with the process identity, as a module
 * runs.
 */
static IHttpFileInfo *
ctx_GetFileInfo(const IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);
    IMetadataInfo *meta;
    PCWSTR physical;
    IHttpFileInfo *info;
    struct stat st;
    int fd;

    if (ctx->file_info != NULL) {
        return ctx->file_info;
    }
    physical = physical_wide(ctx, NULL);
    if (physical == NULL) {
        return NULL;
    }
    /* As the static file handler opens it: below the virtual directory, no symlink out. */
    fd = gs_files_open((IHttpContext *) This, NULL, &st);
    RevertToSelf();
    if (fd < 0) {
        return NULL;
    }
    meta = IHttpContext_GetMetadata((IHttpContext *) This);
    info = gs_file_cache_get(physical, meta ? IMetadataInfo_GetVrPath(meta) : NULL, fd, &st,
                             S_ISREG(st.st_mode), NULL);
    close(fd);
    ctx->file_info = info;
    gs_pool_cleanup(ctx->req->pool, release_file_info, info);
    return info;
}

/*
 * TRUE when this module will hear more request notifications if it returns
 * `status` (the docs' polarity, §6 #27): a later slot it subscribed to.
 */
static BOOL
ctx_GetIsLastNotification(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS status)
{
    gs_context_t *ctx = impl(This);
    const gs_module_t *m = ctx->current;
    int slot, first;

    if (m == NULL || ctx->stage >= GS_STAGES) {
        return FALSE;
    }
    slot = ctx->stage * 2 + (ctx->post ? 1 : 0);
    first = status == RQ_NOTIFICATION_FINISH_REQUEST && ctx->stage < GS_STAGE_LOG ? GS_STAGE_LOG * 2
                                                                                  : slot + 1;
    for (int s = first; s < 2 * GS_STAGES; s++) {
        DWORD mask = s % 2 ? m->rq_post_mask : m->rq_mask;

        if (mask & (1u << (s / 2))) {
            return TRUE;
        }
    }
    return FALSE;
}

static IMetadataInfo *
ctx_GetMetadata(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);

    return ctx->cfg_vdir ? &gs_context_vdir(ctx)->IMetadataInfo_iface : NULL;
}

static IHttpModuleContextContainer *
ctx_GetModuleContextContainer(IHttpContext4 *This)
{
    return gs_container_iface(&impl(This)->container);
}

static BOOL
ctx_GetNextNotification(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS status,
                        DWORD *pdwNotification, BOOL *pfIsPostNotification,
                        CHttpModule **ppModuleInfo, IHttpEventProvider **ppRequestOutput)
{
    (void) This;
    (void) status;
    (void) pdwNotification;
    (void) pfIsPostNotification;
    (void) ppModuleInfo;
    (void) ppRequestOutput;
    return FALSE; /* "impossible": the pipeline always returns to its dispatcher */
}

static IHttpContext *
ctx_GetParentContext(const IHttpContext4 *This)
{
    (void) This;
    return NULL;
}

static IHttpRequest *
ctx_GetRequest(IHttpContext4 *This)
{
    return (IHttpRequest *) &impl(This)->IHttpRequest_iface;
}

static IHttpResponse *
ctx_GetResponse(IHttpContext4 *This)
{
    return (IHttpResponse *) &impl(This)->IHttpResponse_iface;
}

static BOOL
ctx_GetResponseHeadersSent(const IHttpContext4 *This)
{
    return gs_conn_headers_sent(impl(This)->req) ? TRUE : FALSE;
}

static IHttpContext *
ctx_GetRootContext(const IHttpContext4 *This)
{
    (void) This;
    return NULL; /* documented: NULL on the root context itself */
}

static IScriptMapInfo *
ctx_GetScriptMap(const IHttpContext4 *This)
{
    (void) This;
    return gs_static_script_map();
}

static HRESULT
ctx_GetServerVarChanges(IHttpContext4 *This, DWORD dwOldChangeNumber, DWORD *pdwNewChangeNumber,
                        DWORD *pdwVariableSnapShot, PCSTR **ppVariableNameSnapShot,
                        PCWSTR **ppVariableValueSnapShot, DWORD *pdwDiffedVariables,
                        DWORD **ppDiffedVariableIndices)
{
    (void) This;
    (void) dwOldChangeNumber;
    (void) pdwNewChangeNumber;
    (void) pdwVariableSnapShot;
    (void) ppVariableNameSnapShot;
    (void) ppVariableValueSnapShot;
    (void) pdwDiffedVariables;
    (void) ppDiffedVariableIndices;
    return E_NOTIMPL; /* native/managed synchronisation: not for modules */
}

static HRESULT
ctx_GetServerVariable(IHttpContext4 *This, PCSTR pszVariableName, PCSTR *ppszValue,
                      DWORD *pcchValueLength)
{
    size_t len;
    const char *value;

    if (pszVariableName == NULL || ppszValue == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    value = gs_server_var(impl(This), pszVariableName, &len);
    if (value == NULL) {
        *ppszValue = NULL;
        return HRESULT_FROM_WIN32(ERROR_INVALID_INDEX);
    }
    *ppszValue = value;
    if (pcchValueLength != NULL) {
        *pcchValueLength = (DWORD) len;
    }
    return S_OK;
}

static HRESULT
ctx_GetServerVariableW(IHttpContext4 *This, PCSTR pszVariableName, PCWSTR *ppszValue,
                       DWORD *pcchValueLength)
{
    gs_context_t *ctx = impl(This);
    size_t len, wlen;
    const char *value;

    if (pszVariableName == NULL || ppszValue == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    value = gs_server_var(ctx, pszVariableName, &len);
    if (value == NULL) {
        *ppszValue = NULL;
        return HRESULT_FROM_WIN32(ERROR_INVALID_INDEX);
    }
    *ppszValue = gs_wide_from_utf8(ctx->req->pool, value, len, &wlen);
    if (pcchValueLength != NULL) {
        *pcchValueLength = (DWORD) wlen;
    }
    return S_OK;
}

static IHttpSite *
ctx_GetSite(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);

    return ctx->cfg_site ? &gs_context_site(ctx)->IHttpSite_iface : NULL;
}

static IHttpTraceContext *
ctx_GetTraceContext(const IHttpContext4 *This)
{
    (void) This;
    return gs_server_trace_context();
}

static IHttpUrlInfo *
ctx_GetUrlInfo(IHttpContext4 *This)
{
    return &impl(This)->IHttpUrlInfo_iface;
}

static IHttpUser *
ctx_GetUser(const IHttpContext4 *This)
{
    return impl(This)->user;
}

static VOID
ctx_IndicateCompletion(IHttpContext4 *This, REQUEST_NOTIFICATION_STATUS notificationStatus)
{
    gs_dispatch_indicate(impl(This), notificationStatus);
}

static HRESULT
ctx_MapHandler(IHttpContext4 *This, DWORD dwSiteId, PCWSTR pszSiteName, PCWSTR pszUrl,
               PCSTR pszVerb, IScriptMapInfo **ppScriptMap, BOOL fIgnoreWildcardMappings)
{
    (void) This;
    (void) dwSiteId;
    (void) pszSiteName;
    (void) pszUrl;
    (void) pszVerb;
    (void) fIgnoreWildcardMappings;
    if (ppScriptMap == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    /* One handler mapping: the static file handler takes every URL and verb. */
    *ppScriptMap = gs_static_script_map();
    return S_OK;
}

static HRESULT
ctx_NotifyCustomNotification(IHttpContext4 *This, ICustomNotificationProvider *pCustomOutput,
                             BOOL *pfCompletionExpected)
{
    if (pCustomOutput == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    gs_dispatch_other(impl(This), GS_SLOT_CUSTOM, pCustomOutput);
    if (pfCompletionExpected != NULL) {
        *pfCompletionExpected = FALSE;
    }
    return S_OK;
}

static HRESULT
ctx_PostCompletion(IHttpContext4 *This, DWORD cbBytes)
{
    gs_dispatch_post_completion(impl(This), cbBytes, S_OK, 0);
    return S_OK;
}

static HRESULT
ctx_ReleaseClonedContext(IHttpContext4 *This)
{
    (void) This;
    return E_NOTIMPL;
}

static VOID
ctx_SetRequestHandled(IHttpContext4 *This)
{
    impl(This)->handled = true;
}

static HRESULT
ctx_SetServerVariable(IHttpContext4 *This, PCSTR pszVariableName, PCWSTR pszVariableValue)
{
    if (pszVariableName == NULL || pszVariableName[0] == '\0' || pszVariableValue == NULL) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    return gs_server_var_set(impl(This), pszVariableName, pszVariableValue);
}

static IHttpUser *
ctx_GetOriginalUser(const IHttpContext4 *This)
{
    return impl(This)->user;
}

static VOID
ctx_EnableFullDuplex(IHttpContext4 *This)
{
    (void) This; /* reads and writes are independent already */
}

static INamedContextContainer *
ctx_GetNamedContextContainer(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);

    if (ctx->named == NULL) {
        ctx->named = gs_pool_alloc(ctx->req->pool, sizeof(*ctx->named));
        gs_named_container_init(ctx->named);
    }
    return &ctx->named->INamedContextContainer_iface;
}

static HRESULT
ctx_InheritServerVariable(IHttpContext4 *This, PCSTR szName, BOOL fFailIfNotExist)
{
    (void) This;
    (void) szName;
    (void) fFailIfNotExist;
    return E_NOTIMPL; /* no child contexts to inherit from */
}

static HRESULT
ctx_PostCompletion3(IHttpContext4 *This, DWORD cbBytes,
                    LPOVERLAPPED_COMPLETION_ROUTINE pfnCompletionRoutine, VOID *pvCompletionContext)
{
    (void) This;
    (void) cbBytes;
    (void) pfnCompletionRoutine;
    (void) pvCompletionContext;
    return E_NOTIMPL;
}

static ULONGLONG
ctx_GetRequestElapsedTime(IHttpContext4 *This)
{
    gs_context_t *ctx = impl(This);

    return gs_conn_loop(ctx->req)->now_ms - ctx->start_ms;
}

static ULONGLONG
ctx_GetRequestStartTime(IHttpContext4 *This)
{
    return impl(This)->start_ms;
}

const IHttpContext4Vtbl gs_context_vtbl = {
    .AllocateRequestMemory = ctx_AllocateRequestMemory,
    .CancelIo = ctx_CancelIo,
    .CloneContext = ctx_CloneContext,
    .DisableNotifications = ctx_DisableNotifications,
    .ExecuteRequest = ctx_ExecuteRequest,
    .GetApplication = ctx_GetApplication,
    .GetConnection = ctx_GetConnection,
    .GetCurrentExecutionStats = ctx_GetCurrentExecutionStats,
    .GetExecuteFlags = ctx_GetExecuteFlags,
    .GetFileInfo = ctx_GetFileInfo,
    .GetIsLastNotification = ctx_GetIsLastNotification,
    .GetMetadata = ctx_GetMetadata,
    .GetModuleContextContainer = ctx_GetModuleContextContainer,
    .GetNextNotification = ctx_GetNextNotification,
    .GetParentContext = ctx_GetParentContext,
    .GetPhysicalPath = ctx_GetPhysicalPath,
    .GetRequest = ctx_GetRequest,
    .GetResponse = ctx_GetResponse,
    .GetResponseHeadersSent = ctx_GetResponseHeadersSent,
    .GetRootContext = ctx_GetRootContext,
    .GetScriptMap = ctx_GetScriptMap,
    .GetScriptName = ctx_GetScriptName,
    .GetScriptTranslated = ctx_GetScriptTranslated,
    .GetServerVarChanges = ctx_GetServerVarChanges,
    .GetServerVariable = ctx_GetServerVariable,
    .GetServerVariableW = ctx_GetServerVariableW,
    .GetSite = ctx_GetSite,
    .GetTraceContext = ctx_GetTraceContext,
    .GetUrlInfo = ctx_GetUrlInfo,
    .GetUser = ctx_GetUser,
    .IndicateCompletion = ctx_IndicateCompletion,
    .MapHandler = ctx_MapHandler,
    .MapPath = ctx_MapPath,
    .NotifyCustomNotification = ctx_NotifyCustomNotification,
    .PostCompletion = ctx_PostCompletion,
    .ReleaseClonedContext = ctx_ReleaseClonedContext,
    .SetRequestHandled = ctx_SetRequestHandled,
    .SetServerVariable = ctx_SetServerVariable,
    .GetOriginalUser = ctx_GetOriginalUser,
    .EnableFullDuplex = ctx_EnableFullDuplex,
    .GetNamedContextContainer = ctx_GetNamedContextContainer,
    .InheritServerVariable = ctx_InheritServerVariable,
    .PostCompletion3 = ctx_PostCompletion3,
    .GetRequestElapsedTime = ctx_GetRequestElapsedTime,
    .GetRequestStartTime = ctx_GetRequestStartTime,
};

/* The Host header, for choosing the site. */
gs_context_t *
gs_context_create(gs_request_t *req, gs_config_t *cfg)
{
    gs_context_t *ctx = gs_pool_calloc(req->pool, sizeof(*ctx));

    ctx->IHttpContext_iface.lpVtbl = &gs_context_vtbl;
    ctx->IHttpRequest_iface.lpVtbl = &gs_request_vtbl;
    ctx->IHttpResponse_iface.lpVtbl = &gs_response_vtbl;
    gs_providers_init(ctx);
    gs_container_init(&ctx->container);
    gs_container_init(&ctx->url_container);
    ctx->req = req;
    ctx->cfg = cfg;
    gs_config_ref(cfg);
    ctx->cfg_site = gs_config_site(cfg, req->local, req->host, req->host_len);
    if (ctx->cfg_site != NULL) {
        const char *url = req->url && req->url[0] == '/' ? req->url : "/";
        size_t len = req->url && req->url[0] == '/' ? req->url_len : 1;

        ctx->point = gs_config_point(ctx->cfg_site, url, len);
        ctx->cfg_vdir = gs_config_vdir(ctx->cfg_site, url, len);
    }
    ctx->instances = gs_pool_calloc(req->pool, gs_registry.count * sizeof(CHttpModule *) + 1);
    ctx->start_ms = req->start_ms;
    req->pipeline = ctx;
    return ctx;
}
