/*
 * test_token_keeper.so: keeps a TOKEN record past the notification that lent it, for
 * tests/e2e/test_cache_loggers.py.  On the first CACHE_OPERATION_ADD of a token entry it takes
 * a reference of its own (ReferenceCacheData) and keeps the entry until GET /release.
 *
 *     GET /kept     what the kept entry says, one "name=value" line each:
 *                       kept=1               an entry is kept (kept=0 and nothing else if not)
 *                       flushed=0            GetFlushed
 *                       impersonation=valid  GuiseGetTokenInformation(GetImpersonationToken) is
 *                       primary=valid        S_OK (GetPrimaryToken likewise); else NULL/invalid
 *                       sid=valid            IsValidSid(GetSid); else NULL/invalid
 *                       user=alice           the impersonation token's user name
 *                       uid=40001            and uid
 *                       sid_text=S-1-22-1-40001
 *                       same_sid=1           EqualSid(GetSid, the token's SID)
 *     GET /release  DereferenceCacheData on the kept entry: "released=1" (or "released=0")
 *
 * Handles and SID are the entry's: never closed or freed here.  Terminate lets go of an entry
 * still kept.
 */
#include <guise/httpserv.h>
#include <guise/token.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static IHttpTokenEntry *kept; /* one reference of ours while not NULL */

static GLOBAL_NOTIFICATION_STATUS
keeper_OnGlobalCacheOperation(CGlobalModule *This, ICacheProvider *provider)
{
    IHttpTokenEntry *entry;

    (void) This;
    if (provider == NULL || ICacheProvider_GetCacheOperation(provider) != CACHE_OPERATION_ADD) {
        return GL_NOTIFICATION_CONTINUE;
    }
    entry = GuiseTokenEntryFromCacheData(ICacheProvider_GetCacheRecord(provider));
    if (entry == NULL) {
        return GL_NOTIFICATION_CONTINUE;
    }
    pthread_mutex_lock(&lock);
    if (kept == NULL) {
        IHttpTokenEntry_ReferenceCacheData(entry); /* borrowed from the provider: now ours too */
        kept = entry;
    }
    pthread_mutex_unlock(&lock);
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
keeper_Terminate(CGlobalModule *This)
{
    (void) This;
    if (kept != NULL) {
        IHttpTokenEntry_DereferenceCacheData(kept);
        kept = NULL;
    }
}

static const CGlobalModuleVtbl keeper_global_vtbl = {
    .OnGlobalCacheOperation = keeper_OnGlobalCacheOperation,
    .Terminate = keeper_Terminate,
};

static CGlobalModule global_instance = {&keeper_global_vtbl};

static const char *
token_state(HANDLE h, GUISE_TOKEN_INFORMATION *info)
{
    if (h == NULL) {
        return "NULL";
    }
    return SUCCEEDED(GuiseGetTokenInformation(h, info)) ? "valid" : "invalid";
}

static void
describe(char *body, size_t cap)
{
    GUISE_TOKEN_INFORMATION imp = {0}, primary = {0};
    const char *imp_state, *primary_state, *sid_state;
    char sid_text[GUISE_SID_TEXT_MAX] = "";
    PSID sid;

    if (kept == NULL) {
        snprintf(body, cap, "kept=0\n");
        return;
    }
    imp_state = token_state(IHttpTokenEntry_GetImpersonationToken(kept), &imp);
    primary_state = token_state(IHttpTokenEntry_GetPrimaryToken(kept), &primary);
    sid = IHttpTokenEntry_GetSid(kept);
    sid_state = sid == NULL ? "NULL" : IsValidSid(sid) ? "valid" : "invalid";
    if (sid != NULL) {
        GuiseSidToString(sid, sid_text, sizeof(sid_text));
    }
    snprintf(body, cap,
             "kept=1\nflushed=%d\nimpersonation=%s\nprimary=%s\nsid=%s\nuser=%s\nuid=%ld\n"
             "sid_text=%s\nsame_sid=%d\n",
             IHttpTokenEntry_GetFlushed(kept) ? 1 : 0, imp_state, primary_state, sid_state,
             imp.UserName != NULL ? imp.UserName : "(none)",
             imp.UserName != NULL ? (long) imp.Uid : -1L, sid_text,
             sid != NULL && imp.Sid != NULL && EqualSid(sid, imp.Sid) ? 1 : 0);
}

static REQUEST_NOTIFICATION_STATUS
keeper_OnBeginRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    PCWSTR url = IHttpContext_GetScriptName(ctx, NULL);
    char *body = IHttpContext_AllocateRequestMemory(ctx, 1024);
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;

    (void) This;
    (void) provider;
    if (body == NULL) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    if (wcscmp(url, L"/kept") == 0) {
        pthread_mutex_lock(&lock);
        describe(body, 1024);
        pthread_mutex_unlock(&lock);
    } else if (wcscmp(url, L"/release") == 0) {
        pthread_mutex_lock(&lock);
        snprintf(body, 1024, "released=%d\n", kept != NULL);
        if (kept != NULL) {
            IHttpTokenEntry_DereferenceCacheData(kept);
            kept = NULL;
        }
        pthread_mutex_unlock(&lock);
    } else {
        return RQ_NOTIFICATION_CONTINUE;
    }
    IHttpResponse_Clear(rsp);
    IHttpResponse_SetHeaderById(rsp, HttpHeaderContentType, "text/plain", 10, TRUE);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG) strlen(body);
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static const CHttpModuleVtbl keeper_vtbl = {
    .OnBeginRequest = keeper_OnBeginRequest,
};

static CHttpModule instance = {&keeper_vtbl};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    (void) This;
    (void) alloc;
    *ppModule = &instance;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    (void) pGlobalInfo;
    hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global_instance,
                                                            GL_CACHE_OPERATION);
    if (FAILED(hr)) {
        return hr;
    }
    return IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_BEGIN_REQUEST, 0);
}
