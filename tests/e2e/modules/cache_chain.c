/*
 * test_cache_chain.so: GL_NOTIFICATION_HANDLED stops a GL_CACHE_OPERATION chain, for
 * tests/e2e/test_cache_loggers.py.  Load it twice under two names: the role is the name's.
 *
 *     --module stopper=.../test_cache_chain.so   GL_CACHE_OPERATION at PRIORITY_ALIAS_HIGH,
 *                                                counts each and returns HANDLED
 *     --module watcher=.../test_cache_chain.so   GL_CACHE_OPERATION at PRIORITY_ALIAS_LOW,
 *                                                counts each and returns CONTINUE
 *
 * (dlopen gives both names the same image: the counters below are shared, the instances
 * are not.)  Either answers GET /chain with "stopper=N\nwatcher=M\n", the operations each saw.
 */
#include <guise/httpserv.h>

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

enum role { STOPPER, WATCHER };

struct chain {
    CGlobalModule CGlobalModule_iface;
    enum role role;
};

static atomic_uint seen[2];

static GLOBAL_NOTIFICATION_STATUS
chain_OnGlobalCacheOperation(CGlobalModule *This, ICacheProvider *provider)
{
    struct chain *c = (struct chain *) This;

    (void) provider;
    atomic_fetch_add(&seen[c->role], 1);
    return c->role == STOPPER ? GL_NOTIFICATION_HANDLED : GL_NOTIFICATION_CONTINUE;
}

static VOID
chain_Terminate(CGlobalModule *This)
{
    (void) This;
}

static const CGlobalModuleVtbl chain_vtbl = {
    .OnGlobalCacheOperation = chain_OnGlobalCacheOperation,
    .Terminate = chain_Terminate,
};

static struct chain instances[2] = {{{&chain_vtbl}, STOPPER}, {{&chain_vtbl}, WATCHER}};

static REQUEST_NOTIFICATION_STATUS
chain_OnBeginRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    char *body = IHttpContext_AllocateRequestMemory(ctx, 128);
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;

    (void) This;
    (void) provider;
    if (body == NULL || wcscmp(IHttpContext_GetScriptName(ctx, NULL), L"/chain") != 0) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    snprintf(body, 128, "stopper=%u\nwatcher=%u\n", atomic_load(&seen[STOPPER]),
             atomic_load(&seen[WATCHER]));
    IHttpResponse_Clear(rsp);
    IHttpResponse_SetHeaderById(rsp, HttpHeaderContentType, "text/plain", 10, TRUE);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG) strlen(body);
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static const CHttpModuleVtbl chain_request_vtbl = {
    .OnBeginRequest = chain_OnBeginRequest,
};

static CHttpModule request_instance = {&chain_request_vtbl};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    (void) This;
    (void) alloc;
    *ppModule = &request_instance;
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
    enum role role = wcsncmp(IHttpModuleRegistrationInfo_GetName(pModuleInfo), L"stop", 4) == 0
                         ? STOPPER
                         : WATCHER;
    HRESULT hr;

    (void) dwServerVersion;
    (void) pGlobalInfo;
    hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(
        pModuleInfo, &instances[role].CGlobalModule_iface, GL_CACHE_OPERATION);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(
            pModuleInfo, GL_CACHE_OPERATION,
            role == STOPPER ? PRIORITY_ALIAS_HIGH : PRIORITY_ALIAS_LOW);
    }
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                                 RQ_BEGIN_REQUEST, 0);
    }
    return hr;
}
