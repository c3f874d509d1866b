/*
 * IHttpServer / IHttpServer2 / IGuiseServer.  One object, three vtables:
 * IHttpServer's table is the prefix of IHttpServer2's, so both views share
 * one pointer; IGuiseServer is a separate member.  What guise does not have
 * (http.sys fragments, thread pools, worker process settings) returns
 * E_NOTIMPL or the documented "not supported" code, and is listed in
 * docs/module-guide.md.
 */
#include "server_object.h"
#include "cache/cache.h"
#include "cache/file_cache.h"
#include "cache/token_cache.h"
#include "containers.h"
#include "global.h"
#include "pipeline.h"
#include "core/log.h"
#include "core/util.h"
#include "core/wide.h"
#include "security/logon.h"
#include "security/password_hash.h"
#include "security/token_entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The ids modules compare: defined here, once, with external linkage. */
GUISE_INTERFACE_IIDS(GUISE_GUID_DEFINE)
GUISE_EXTENSION_IIDS(GUISE_GUID_DEFINE)
GUISE_TRACE_PROVIDER_GUIDS(GUISE_GUID_DEFINE)

struct server {
    IHttpServer2 IHttpServer_iface;
    IGuiseServer IGuiseServer_iface;
    IHttpTraceContext IHttpTraceContext_iface;
    IScriptMapInfo IScriptMapInfo_iface;
    char *root, *mime_types, *access_log, *config;
    wchar_t *config_w;
    gs_recycle_fn recycle;
};

static struct server the_server;

static inline struct server *
impl(const void *iface)
{
    (void) iface;
    return &the_server;
}

/* ---- IHttpServer ---------------------------------------------------------- */

static HRESULT
srv_AddFragmentToCache(IHttpServer2 *This, HTTP_DATA_CHUNK *pDataChunk, WCHAR *pszFragmentName)
{
    (void) This;
    (void) pDataChunk;
    (void) pszFragmentName;
    return E_NOTIMPL; /* http.sys fragment cache */
}

static HRESULT
srv_AssociateWithThreadPool(IHttpServer2 *This, HANDLE hHandle,
                            LPOVERLAPPED_COMPLETION_ROUTINE completionRoutine)
{
    (void) This;
    (void) hHandle;
    (void) completionRoutine;
    return E_NOTIMPL;
}

static VOID
srv_DecrementThreadCount(IHttpServer2 *This)
{
    (void) This; /* one thread per loop; nothing to adjust */
}

static IDispensedHttpModuleContextContainer *
srv_DispenseContainer(IHttpServer2 *This)
{
    (void) This;
    return gs_container_dispense();
}

static HRESULT
srv_DoCacheOperation(IHttpServer2 *This, CACHE_OPERATION cacheOperation, IHttpCacheKey *pCacheKey,
                     IHttpCacheSpecificData **ppCacheSpecificData,
                     IHttpTraceContext *pHttpTraceContext)
{
    (void) This;
    return gs_cache_operation(cacheOperation, pCacheKey, ppCacheSpecificData, pHttpTraceContext);
}

static HRESULT
srv_FlushKernelCache(IHttpServer2 *This, PCWSTR pszUrl)
{
    (void) This;
    (void) pszUrl;
    return S_OK; /* no kernel cache: nothing to flush */
}

static PCWSTR
srv_GetAppPoolName(const IHttpServer2 *This)
{
    (void) This;
    return L"DefaultAppPool";
}

static INativeConfigurationSystem *
srv_GetConfigObject(const IHttpServer2 *This)
{
    (void) This;
    return NULL;
}

/*
 * Opened as hUserToken (the kernel is the access check), from the FILE
 * cache when fCache.  pSid adds nothing to the token; virtual directories
 * with credentials of their own do not exist in guise, so hVrToken is not
 * used.  The caller owns one reference on *ppFileInfo.
 */
static HRESULT
srv_GetFileInfo(IHttpServer2 *This, PCWSTR pszPhysicalPath, HANDLE hUserToken, PSID pSid,
                PCWSTR pszVrPath, HANDLE hVrToken, BOOL fCache, IHttpFileInfo **ppFileInfo,
                IHttpTraceContext *pHttpTraceContext)
{
    (void) This;
    (void) pSid;
    (void) hVrToken;
    return gs_file_info_open(pszPhysicalPath, hUserToken, pszVrPath, fCache, ppFileInfo,
                             pHttpTraceContext);
}

static HRESULT
srv_GetManagedType(IHttpServer2 *This, DWORD dwSiteId, PCWSTR pszVirtualPath, PWSTR pszManagedType,
                   DWORD *pcchManagedType)
{
    (void) This;
    (void) dwSiteId;
    if (pszVirtualPath == NULL || pcchManagedType == NULL) {
        return E_INVALIDARG;
    }
    /* No managed handlers: the type is empty. */
    if (pszManagedType == NULL || *pcchManagedType < 1) {
        *pcchManagedType = 1;
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    }
    pszManagedType[0] = L'\0';
    *pcchManagedType = 0;
    return S_OK;
}

static IHttpPerfCounterInfo *
srv_GetPerfCounterInfo(IHttpServer2 *This)
{
    (void) This;
    return NULL;
}

static HRESULT
srv_GetProtocolManagerCustomInterface(IHttpServer2 *This, PCWSTR pProtocolManagerDll,
                                      PCWSTR pProtocolManagerDllInitFunction,
                                      DWORD dwCustomInterfaceId, PVOID *ppCustomInterface)
{
    (void) This;
    (void) pProtocolManagerDll;
    (void) pProtocolManagerDllInitFunction;
    (void) dwCustomInterfaceId;
    if (ppCustomInterface != NULL) {
        *ppCustomInterface = NULL;
    }
    return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
}

static IHttpTraceContext *
srv_GetTraceContext(const IHttpServer2 *This)
{
    return &impl(This)->IHttpTraceContext_iface;
}

static HRESULT
srv_GetWorkerProcessSettings(IHttpServer2 *This, IWpfSettings **ppWorkerProcessSettings)
{
    (void) This;
    if (ppWorkerProcessSettings != NULL) {
        *ppWorkerProcessSettings = NULL;
    }
    return E_NOTIMPL;
}

static VOID
srv_IncrementThreadCount(IHttpServer2 *This)
{
    (void) This;
}

static BOOL
srv_IsCommandLineLaunch(const IHttpServer2 *This)
{
    (void) This;
    return TRUE; /* guise runs as a command, not under a process activation service */
}

static VOID
srv_NotifyConfigurationChange(IHttpServer2 *This, PCWSTR pszPath)
{
    (void) This;
    gs_global_configuration_change(pszPath);
}

static GLOBAL_NOTIFICATION_STATUS
srv_NotifyCustomNotification(IHttpServer2 *This, ICustomNotificationProvider *pCustomOutput)
{
    (void) This;
    if (pCustomOutput == NULL) {
        return GL_NOTIFICATION_CONTINUE;
    }
    return gs_global_raise(GL_CUSTOM_NOTIFICATION, pCustomOutput);
}

static VOID
srv_NotifyFileChange(IHttpServer2 *This, PCWSTR pszFileName)
{
    (void) This;
    gs_global_file_change(pszFileName);
}

static HRESULT
srv_ReadFragmentFromCache(IHttpServer2 *This, WCHAR *pszFragmentName, BYTE *pvBuffer, DWORD cbSize,
                          DWORD *pcbCopied)
{
    (void) This;
    (void) pszFragmentName;
    (void) pvBuffer;
    (void) cbSize;
    if (pcbCopied != NULL) {
        *pcbCopied = 0;
    }
    return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND); /* there is no fragment cache */
}

static void
recycle(const char *what, PCWSTR reason)
{
    char text[512];

    snprintf(text, sizeof(text), "%s: %ls", what, reason ? reason : L"(no reason given)");
    gs_log_warn("%s; the server stops so that its supervisor restarts it", text);
    if (the_server.recycle != NULL) {
        the_server.recycle(text);
    }
}

static VOID
srv_RecycleApplication(IHttpServer2 *This, PCWSTR pszAppConfigPath)
{
    (void) This;
    recycle("a module asked to recycle the application", pszAppConfigPath);
}

static VOID
srv_RecycleProcess(IHttpServer2 *This, PCWSTR pszReason)
{
    (void) This;
    recycle("a module asked to recycle the process", pszReason);
}

static HRESULT
srv_RegisterFileChangeMonitor(IHttpServer2 *This, PCWSTR pszPath, HANDLE hToken,
                              IHttpFileMonitor **ppFileMonitor)
{
    (void) This;
    (void) pszPath;
    (void) hToken;
    if (ppFileMonitor != NULL) {
        *ppFileMonitor = NULL;
    }
    return E_NOTIMPL; /* no monitors: the FILE cache revalidates each file it serves */
}

static HRESULT
srv_RemoveFragmentFromCache(IHttpServer2 *This, WCHAR *pszFragmentName)
{
    (void) This;
    (void) pszFragmentName;
    return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
}

static VOID
srv_ReportUnhealthy(IHttpServer2 *This, PCWSTR pszReasonString, HRESULT hrReason)
{
    (void) This;
    gs_log_error("a module reports the server unhealthy (0x%08x)", (unsigned) hrReason);
    gs_global_raise(GL_HEALTH_CHECK, NULL);
    recycle("unhealthy", pszReasonString);
}

/* Preconditions as IIS writes them, comma-separated, all must hold. */
static BOOL
srv_SatisfiesPrecondition(const IHttpServer2 *This, PCWSTR pszPrecondition)
{
    wchar_t *copy, *save = NULL, *item;
    BOOL ok = TRUE;

    (void) This;
    if (pszPrecondition == NULL || pszPrecondition[0] == L'\0') {
        return TRUE;
    }
    copy = wcsdup(pszPrecondition);
    if (copy == NULL) {
        return FALSE;
    }
    for (item = wcstok(copy, L",", &save); item != NULL && ok; item = wcstok(NULL, L",", &save)) {
        while (*item == L' ') {
            item++;
        }
        if (gs_wide_ascii_casecmp(item, "integratedMode") == 0
            || gs_wide_ascii_casecmp(item, sizeof(void *) == 8 ? "bitness64" : "bitness32") == 0)
        {
            continue;
        }
        if (wcsncmp(item, L"appPoolName=", 12) == 0) {
            ok = wcsstr(item + 12, L"DefaultAppPool") != NULL;
            continue;
        }
        ok = FALSE; /* ISAPIMode, a managed runtime version, another bitness, unknown */
    }
    free(copy);
    return ok;
}

static PCWSTR
srv_GetAppPoolConfigFile(const IHttpServer2 *This, DWORD *pcchConfigFilePath)
{
    struct server *s = impl(This);

    /* IIS gives the pool's generated copy; guise has one file for every site. */
    if (pcchConfigFilePath != NULL) {
        *pcchConfigFilePath = s->config_w ? (DWORD) wcslen(s->config_w) : 0;
    }
    return s->config_w ? s->config_w : L"";
}

static HRESULT
srv_GetExtendedInterface(IHttpServer2 *This, const GUID *Version1, PVOID pInput,
                         const GUID *Version2, PVOID *ppOutput)
{
    return HttpGetExtendedInterface((IHttpServer *) This, Version1, pInput, Version2, ppOutput);
}

static HRESULT
srv_GetMetadata(IHttpServer2 *This, PCWSTR pszSiteName, PCWSTR pszUrl,
                IReferencedMetadataInfo **ppMetadataInfo)
{
    (void) This;
    (void) pszSiteName;
    (void) pszUrl;
    if (ppMetadataInfo != NULL) {
        *ppMetadataInfo = NULL;
    }
    return E_NOTIMPL;
}

/*
 * The TOKEN cache, then a logon through PAM on a miss, waiting for the logon
 * pool: that blocks (tens of ms, up to --logon-timeout), so a module calls
 * it from a thread of its own, never from a notification on an event loop.
 * The caller gets one reference on the entry.
 */
static HRESULT
srv_GetToken(IHttpServer2 *This, PCWSTR pszUserName, PCWSTR pszPassword, DWORD dwLogonMethod,
             IHttpTokenEntry **ppTokenEntry, PCWSTR pszDefaultDomain, PSOCKADDR pSockAddr,
             IHttpTraceContext *pHttpTraceContext)
{
    gs_token_t *token = NULL;
    gs_logon_result_t result;
    char hash[GS_PASSWORD_HASH_HEX + 1];
    uint64_t generation = 0;
    char *user, *password;
    HRESULT hr = S_OK;

    (void) This;
    (void) pszDefaultDomain; /* Linux accounts have no domain */
    if (ppTokenEntry == NULL || pszUserName == NULL || pszPassword == NULL) {
        return E_INVALIDARG;
    }
    *ppTokenEntry = NULL;
    user = gs_utf8_dup(pszUserName);
    password = gs_utf8_dup(pszPassword);
    if (user[0] == '\0' || strlen(user) > GS_LOGON_MAX_FIELD
        || strlen(password) > GS_LOGON_MAX_FIELD) {
        result = GS_LOGON_BAD_CREDENTIALS;
    } else {
        gs_password_hash(user, password, hash);
        generation = gs_token_cache_generation();
        *ppTokenEntry = gs_token_cache_find(user, hash, dwLogonMethod,
                                            (const gs_sockaddr_t *) pSockAddr, pHttpTraceContext);
        result = *ppTokenEntry != NULL ? GS_LOGON_OK
                                       : gs_logon_wait(user, password, dwLogonMethod,
                                                       (const gs_sockaddr_t *) pSockAddr, &token);
    }
    switch (result) {
    case GS_LOGON_OK:
        if (*ppTokenEntry == NULL) {
            *ppTokenEntry = gs_token_entry_create(token, user, hash, dwLogonMethod);
            gs_token_cache_add(*ppTokenEntry, generation, pHttpTraceContext);
        }
        break;
    case GS_LOGON_REFUSED:
        hr = HRESULT_FROM_WIN32(ERROR_ACCOUNT_DISABLED);
        break;
    case GS_LOGON_TIMEOUT:
        hr = HRESULT_FROM_WIN32(ERROR_TIMEOUT);
        break;
    case GS_LOGON_ERROR:
        hr = E_FAIL;
        break;
    default:
        hr = HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE);
        break;
    }
    explicit_bzero(password, strlen(password));
    explicit_bzero(hash, sizeof(hash));
    free(password);
    free(user);
    return hr;
}

static HRESULT
srv_GetWorkerProcessFramework(IHttpServer2 *This,
                              IWorkerProcessFramework **ppWorkerProcessFramework)
{
    (void) This;
    if (ppWorkerProcessFramework != NULL) {
        *ppWorkerProcessFramework = NULL;
    }
    return E_NOTIMPL;
}

static const IHttpServer2Vtbl server_vtbl = {
    .AddFragmentToCache = srv_AddFragmentToCache,
    .AssociateWithThreadPool = srv_AssociateWithThreadPool,
    .DecrementThreadCount = srv_DecrementThreadCount,
    .DispenseContainer = srv_DispenseContainer,
    .DoCacheOperation = srv_DoCacheOperation,
    .FlushKernelCache = srv_FlushKernelCache,
    .GetAppPoolName = srv_GetAppPoolName,
    .GetConfigObject = srv_GetConfigObject,
    .GetFileInfo = srv_GetFileInfo,
    .GetManagedType = srv_GetManagedType,
    .GetPerfCounterInfo = srv_GetPerfCounterInfo,
    .GetProtocolManagerCustomInterface = srv_GetProtocolManagerCustomInterface,
    .GetTraceContext = srv_GetTraceContext,
    .GetWorkerProcessSettings = srv_GetWorkerProcessSettings,
    .IncrementThreadCount = srv_IncrementThreadCount,
    .IsCommandLineLaunch = srv_IsCommandLineLaunch,
    .NotifyConfigurationChange = srv_NotifyConfigurationChange,
    .NotifyCustomNotification = srv_NotifyCustomNotification,
    .NotifyFileChange = srv_NotifyFileChange,
    .ReadFragmentFromCache = srv_ReadFragmentFromCache,
    .RecycleApplication = srv_RecycleApplication,
    .RecycleProcess = srv_RecycleProcess,
    .RegisterFileChangeMonitor = srv_RegisterFileChangeMonitor,
    .RemoveFragmentFromCache = srv_RemoveFragmentFromCache,
    .ReportUnhealthy = srv_ReportUnhealthy,
    .SatisfiesPrecondition = srv_SatisfiesPrecondition,
    .GetAppPoolConfigFile = srv_GetAppPoolConfigFile,
    .GetExtendedInterface = srv_GetExtendedInterface,
    .GetMetadata = srv_GetMetadata,
    .GetToken = srv_GetToken,
    .GetWorkerProcessFramework = srv_GetWorkerProcessFramework,
};

/* ---- IGuiseServer --------------------------------------------------------- */

static PCSTR
guise_GetSetting(const IGuiseServer *This, PCSTR pszName)
{
    struct server *s = impl(This);

    if (pszName == NULL) {
        return NULL;
    }
    if (strcmp(pszName, "root") == 0) {
        return s->root;
    }
    if (strcmp(pszName, "mime-types") == 0) {
        return s->mime_types;
    }
    if (strcmp(pszName, "access-log") == 0) {
        return s->access_log;
    }
    if (strcmp(pszName, "config") == 0) {
        return s->config;
    }
    return NULL;
}

static HRESULT
guise_GetConfigSection(IGuiseServer *This, IHttpContext *pContext, PCSTR pszSection,
                       IGuiseConfigElement **ppSection)
{
    (void) This;
    if (pszSection == NULL) {
        return E_INVALIDARG;
    }
    return gs_pipeline_config_section(pContext, pszSection, ppSection);
}

static const IGuiseServerVtbl guise_vtbl = {
    .GetSetting = guise_GetSetting,
    .GetConfigSection = guise_GetConfigSection,
};

/* ---- the server-wide trace context ---------------------------------------- */

static LPCGUID
trace_GetTraceActivityId(IHttpTraceContext *This)
{
    (void) This;
    return NULL;
}

static HRESULT
trace_GetTraceConfiguration(IHttpTraceContext *This, HTTP_TRACE_CONFIGURATION *pConfig)
{
    (void) This;
    if (pConfig == NULL) {
        return E_INVALIDARG;
    }
    /* Tracing is delivered through GL_TRACE_EVENT; no provider is enabled for ETW. */
    pConfig->fProviderEnabled = FALSE;
    return S_OK;
}

static HRESULT
trace_RaiseTraceEvent(IHttpTraceContext *This, HTTP_TRACE_EVENT *pTraceEvent)
{
    (void) This;
    if (pTraceEvent == NULL) {
        return E_INVALIDARG;
    }
    gs_global_trace_event(pTraceEvent);
    return S_OK;
}

/* QuickTrace: an event of the WWW server provider with the two strings as items. */
static HRESULT
trace_QuickTrace(IHttpTraceContext *This, PCWSTR pszData1, PCWSTR pszData2, HRESULT hrLastError,
                 UCHAR Level)
{
    HTTP_TRACE_EVENT_ITEM items[3] = {
        {L"Data1", HTTP_TRACE_TYPE_LPCWSTR, (PBYTE) pszData1,
         pszData1 ? (DWORD) ((wcslen(pszData1) + 1) * sizeof(WCHAR)) : 0, NULL},
        {L"Data2", HTTP_TRACE_TYPE_LPCWSTR, (PBYTE) pszData2,
         pszData2 ? (DWORD) ((wcslen(pszData2) + 1) * sizeof(WCHAR)) : 0, NULL},
        {L"ErrorCode", HTTP_TRACE_TYPE_ULONG, (PBYTE) &hrLastError, sizeof(hrLastError), NULL},
    };
    HTTP_TRACE_EVENT event = {
        .pProviderGuid = &GUID_IIS_WWW_SERVER_TRACE_PROVIDER,
        .pszEventName = L"QuickTrace",
        .dwVerbosity = Level,
        .cEventItems = 3,
        .pEventItems = items,
    };

    (void) This;
    gs_log_debug("QuickTrace: %ls %ls (0x%08x)", pszData1 ? pszData1 : L"",
                 pszData2 ? pszData2 : L"", (unsigned) hrLastError);
    gs_global_trace_event(&event);
    return S_OK;
}

static HRESULT
trace_SetTraceConfiguration(IHttpTraceContext *This, HTTP_MODULE_ID moduleId,
                            HTTP_TRACE_CONFIGURATION *pConfig, DWORD count)
{
    (void) This;
    (void) moduleId;
    if (pConfig == NULL || count == 0) {
        return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
    }
    for (DWORD i = 0; i < count; i++) {
        if (pConfig[i].pProviderGuid == NULL) {
            return HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
        }
    }
    return S_OK; /* every subscriber already receives every event */
}

static const IHttpTraceContextVtbl trace_vtbl = {
    .GetTraceActivityId = trace_GetTraceActivityId,
    .GetTraceConfiguration = trace_GetTraceConfiguration,
    .QuickTrace = trace_QuickTrace,
    .RaiseTraceEvent = trace_RaiseTraceEvent,
    .SetTraceConfiguration = trace_SetTraceConfiguration,
};

/* ---- the handler mapping: static files for every URL and verb ------------ */

static PCSTR
map_GetAllowedVerbs(const IScriptMapInfo *This)
{
    (void) This;
    return "*";
}

static BOOL
map_False(const IScriptMapInfo *This)
{
    (void) This;
    return FALSE;
}

static BOOL
map_True(const IScriptMapInfo *This)
{
    (void) This;
    return TRUE;
}

static PCWSTR
map_GetManagedType(const IScriptMapInfo *This, DWORD *pcch)
{
    (void) This;
    if (pcch != NULL) {
        *pcch = 0;
    }
    return L"";
}

static PCWSTR
map_GetModules(const IScriptMapInfo *This, DWORD *pcch)
{
    static const wchar_t modules[] = L"StaticFileModule,DefaultDocumentModule";

    (void) This;
    if (pcch != NULL) {
        *pcch = (DWORD) (sizeof(modules) / sizeof(wchar_t) - 1);
    }
    return modules;
}

static PCWSTR
map_GetName(const IScriptMapInfo *This)
{
    (void) This;
    return L"StaticFile";
}

static PCWSTR
map_GetPath(const IScriptMapInfo *This)
{
    (void) This;
    return L"*";
}

static DWORD
map_GetRequiredAccess(const IScriptMapInfo *This)
{
    (void) This;
    return 1; /* read */
}

static DWORD
map_GetResourceType(const IScriptMapInfo *This)
{
    (void) This;
    return 3; /* either a file or a directory */
}

static DWORD
map_GetResponseBufferLimit(const IScriptMapInfo *This)
{
    (void) This;
    return 4194304;
}

static const IScriptMapInfoVtbl map_vtbl = {
    .GetAllowedVerbs = map_GetAllowedVerbs,
    .GetAllowPathInfoForScriptMappings = map_False,
    .GetIsStarScriptMap = map_True,
    .GetManagedType = map_GetManagedType,
    .GetModules = map_GetModules,
    .GetName = map_GetName,
    .GetPath = map_GetPath,
    .GetRequiredAccess = map_GetRequiredAccess,
    .GetResourceType = map_GetResourceType,
    .GetResponseBufferLimit = map_GetResponseBufferLimit,
    .GetScriptProcessor = map_GetManagedType,
};

/* ---- HttpGetExtendedInterface --------------------------------------------- */

/*
 * Every object guise hands out implements the newest interface of its
 * family, whose table begins with the older ones: the same pointer serves.
 */
static const struct family {
    const GUID *members[4];
} families[] = {
    {{&IID_IHttpServer, &IID_IHttpServer2, NULL, NULL}},
    {{&IID_IHttpContext, &IID_IHttpContext2, &IID_IHttpContext3, &IID_IHttpContext4}},
    {{&IID_IHttpRequest, &IID_IHttpRequest2, &IID_IHttpRequest3, NULL}},
    {{&IID_IHttpResponse, &IID_IHttpResponse2, NULL, NULL}},
    {{&IID_IHttpApplication, &IID_IHttpApplication2, NULL, NULL}},
    {{&IID_IHttpCompletionInfo, &IID_IHttpCompletionInfo2, NULL, NULL}},
};

static int
family_of(const GUID *iid)
{
    for (size_t f = 0; f < GS_ARRAY_LEN(families); f++) {
        for (int m = 0; m < 4 && families[f].members[m] != NULL; m++) {
            if (IsEqualGUID(iid, families[f].members[m])) {
                return (int) f;
            }
        }
    }
    return -1;
}

GUISE_API HRESULT
HttpGetExtendedInterface(IHttpServer *pHttpServer, const GUID *pInputIid, PVOID pInput,
                         const GUID *pOutputIid, PVOID *ppOutput)
{
    int family;

    if (ppOutput == NULL) {
        return E_INVALIDARG;
    }
    *ppOutput = NULL;
    if (pHttpServer == NULL || pInputIid == NULL || pInput == NULL || pOutputIid == NULL) {
        return E_INVALIDARG;
    }
    if (IsEqualGUID(pOutputIid, &IID_IGuiseServer)) {
        if (!IsEqualGUID(pInputIid, &IID_IHttpServer) && !IsEqualGUID(pInputIid, &IID_IHttpServer2))
        {
            return E_NOINTERFACE;
        }
        *ppOutput = &the_server.IGuiseServer_iface;
        return S_OK;
    }
    family = family_of(pInputIid);
    if (family < 0 || family != family_of(pOutputIid)) {
        return E_NOINTERFACE;
    }
    *ppOutput = pInput;
    return S_OK;
}

/* ---- the singleton -------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
    return s ? gs_xstrdup(s) : NULL;
}

void
gs_server_object_init(const gs_options_t *opts, const char *config_file)
{
    the_server.IHttpServer_iface.lpVtbl = &server_vtbl;
    the_server.IGuiseServer_iface.lpVtbl = &guise_vtbl;
    the_server.IHttpTraceContext_iface.lpVtbl = &trace_vtbl;
    the_server.IScriptMapInfo_iface.lpVtbl = &map_vtbl;
    the_server.root = dup_or_null(opts->root);
    the_server.mime_types = dup_or_null(opts->mime_types);
    the_server.access_log = dup_or_null(opts->log_path);
    the_server.config = dup_or_null(config_file);
    the_server.config_w = config_file ? gs_wide_dup(config_file) : NULL;
}

void
gs_server_object_free(void)
{
    free(the_server.root);
    free(the_server.mime_types);
    free(the_server.access_log);
    free(the_server.config);
    free(the_server.config_w);
    memset(&the_server, 0, sizeof(the_server));
}

void
gs_server_object_on_recycle(gs_recycle_fn fn)
{
    the_server.recycle = fn;
}

IHttpServer *
gs_server_object(void)
{
    return (IHttpServer *) &the_server.IHttpServer_iface;
}

IHttpTraceContext *
gs_server_trace_context(void)
{
    return &the_server.IHttpTraceContext_iface;
}

IScriptMapInfo *
gs_static_script_map(void)
{
    return &the_server.IScriptMapInfo_iface;
}
