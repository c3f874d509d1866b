/*
 * hello: the smallest useful request-level module, and the one to copy.  It
 * follows IIS's request-level walkthrough ("HelloWorld"), restricted to one
 * URL: GET (and HEAD) /hello is answered with 200 "Hello World" as
 * text/plain; every other request goes on through the pipeline untouched.
 *
 * What it shows: RegisterModule hands the server a factory for one request
 * notification (RQ_BEGIN_REQUEST); the factory makes one CHttpModule per
 * request from the request's pool (IModuleAllocator), so nothing is freed by
 * hand; the handler builds the response through IHttpResponse and ends the
 * request with RQ_NOTIFICATION_FINISH_REQUEST.  It uses <guise/httpserv.h>
 * only and links against nothing:
 *
 *     cc -shared -fPIC $(pkg-config --cflags guise-module) -o hello.so hello.c
 *     guise --root www --listen 127.0.0.1:8080 --module hello=./hello.so
 *
 * docs/module-guide.md walks through it.
 */
#include <guise/httpserv.h>

#include <string.h>
#include <wchar.h>

/*
 * The per-request instance.  The server only ever sees the CHttpModule, so it
 * comes first and a CHttpModule * converts back with a cast.  State that a
 * request's notifications share (a file descriptor, a counter) goes after it.
 */
struct hello {
    CHttpModule CHttpModule_iface;
};

static REQUEST_NOTIFICATION_STATUS
hello_OnBeginRequest(CHttpModule *This, IHttpContext *pHttpContext, IHttpEventProvider *pProvider)
{
    static const char type[] = "text/plain";
    static char body[] = "Hello World"; /* not const: pBuffer is a PVOID, as in http.h */
    IHttpRequest *req = IHttpContext_GetRequest(pHttpContext);
    IHttpResponse *rsp = IHttpContext_GetResponse(pHttpContext);
    PCSTR method = IHttpRequest_GetHttpMethod(req);
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;
    HRESULT hr;

    (void) This;
    (void) pProvider;

    /*
     * GetScriptName is the URL's path, decoded and normalised, without the
     * query: "/hello?x=1" and "/%68ello" are "/hello" too.  HEAD gets what GET
     * gets; the server leaves the body out.
     */
    if (rsp == NULL || wcscmp(IHttpContext_GetScriptName(pHttpContext, NULL), L"/hello") != 0
        || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /* Whatever an earlier module put in the response goes; the status is 200 again. */
    IHttpResponse_Clear(rsp);
    hr = IHttpResponse_SetHeaderById(rsp, HttpHeaderContentType, type, (USHORT) (sizeof(type) - 1),
                                     TRUE);
    if (SUCCEEDED(hr)) {
        /* One chunk from memory, which the call copies; the server never writes to it. */
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = body;
        chunk.FromMemory.BufferLength = (ULONG) (sizeof(body) - 1);
        hr = IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
    }
    if (FAILED(hr)) {
        /* The HRESULT goes with the status: the access log shows it (sc-win32-status). */
        IHttpResponse_SetStatus(rsp, 500, "Server Error", 0, hr, NULL);
    }

    /* No other module's notification for this request, up to the send; the log still runs. */
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

/*
 * Slots left NULL behave as IIS's CHttpModule base class: CONTINUE for
 * notifications, nothing for Dispose.  The instance is request memory, which
 * the server frees after the request, so it needs no Dispose; one that owns
 * something (an open file, a malloc'd buffer) releases it in Dispose.
 */
static const CHttpModuleVtbl hello_vtbl = {
    .OnBeginRequest = hello_OnBeginRequest,
};

/* Called on the request's thread, possibly on several threads at once: no shared state. */
static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule,
                      IModuleAllocator *pAllocator)
{
    struct hello *m = IModuleAllocator_AllocateMemory(pAllocator, (DWORD) sizeof(*m));

    (void) This;
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &hello_vtbl;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

/* Once, before the module is unloaded.  A factory from malloc() would free itself here. */
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

/*
 * Called once, when the server loads the module.  pModuleInfo is valid only
 * during this call; pGlobalInfo (the server) until Terminate, should the
 * module need it later.  A failure here refuses the module and stops
 * start-up.
 */
GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    (void) dwServerVersion;
    (void) pGlobalInfo;

    /* The event only, no post-event; the default priority (MEDIUM) is fine. */
    return IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_BEGIN_REQUEST, 0);
}
