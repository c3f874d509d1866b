/*
 * A request-level module written only from the reference's names (§5.4, "HelloWorld"):
 * a factory hands out one CHttpModule per request from the request's pool, and its
 * OnBeginRequest answers every request with 200 text/plain "Hello World!".  It proves that
 * a module compiles against <guise/httpserv.h> alone and links against nothing:
 *
 *     gcc -std=c17 -Wall -Wextra -Wpedantic -Werror -fPIC -shared -Iinclude \
 *         tests/unit/api/module_from_spec.c -o /tmp/m.so
 */
#include <guise/httpserv.h>

static REQUEST_NOTIFICATION_STATUS
hello_OnBeginRequest(CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider)
{
    static const char body[] = "Hello World!";
    static const char type[] = "text/plain";
    IHttpResponse *rsp = IHttpContext_GetResponse(pHttpContext);
    HTTP_DATA_CHUNK chunk;
    DWORD cbSent = 0;
    HRESULT hr;

    (void) This;
    (void) pProvider;

    if (rsp == NULL) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    IHttpResponse_Clear(rsp);
    hr = IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    if (SUCCEEDED(hr)) {
        hr = IHttpResponse_SetHeader(rsp, "Content-Type", type, (USHORT) (sizeof(type) - 1), TRUE);
    }
    if (SUCCEEDED(hr)) {
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = (PVOID) body;
        chunk.FromMemory.BufferLength = (ULONG) (sizeof(body) - 1);
        hr = IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, TRUE, &cbSent, NULL);
    }
    if (FAILED(hr)) {
        IHttpResponse_SetStatus(rsp, 500, "Server Error", 0, hr, NULL);
    }
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

/* Every other slot NULL: the IIS base class.  The instance lives in the request's pool,
 * so it needs no Dispose. */
static const CHttpModuleVtbl hello_vtbl = {
    .OnBeginRequest = hello_OnBeginRequest,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule,
                      IModuleAllocator *pAllocator)
{
    CHttpModule *m;

    (void) This;

    m = IModuleAllocator_AllocateMemory(pAllocator, (DWORD) sizeof(*m));
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->lpVtbl = &hello_vtbl;
    *ppModule = m;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This; /* static: nothing to free */
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
    (void) dwServerVersion;

    if (pModuleInfo == NULL || pGlobalInfo == NULL) {
        return E_INVALIDARG;
    }
    return IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_BEGIN_REQUEST, 0);
}
