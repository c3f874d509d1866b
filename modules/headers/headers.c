/*
 * headers: adds "X-Content-Type-Options: nosniff" to every response that
 * goes through the pipeline: files, redirects, errors (404, 405...) and
 * responses made by other modules.  The header tells browsers to trust
 * Content-Type instead of guessing a type from the bytes, so that an upload
 * served as text/plain, or an error page, is never run as a script.  It is
 * safe on any response, which makes it a good fixed header to add.
 *
 * What it shows: a module that works at RQ_SEND_RESPONSE, the notification
 * raised as the response leaves, after every handler is done with it; and a
 * module without per-request state, whose factory hands every request the
 * same static instance.
 *
 * Requests the server answers itself, before the pipeline (a malformed
 * request, 400; a request head too large, 431), raise no RQ_SEND_RESPONSE:
 * they go out without the header.
 */
#include <guise/httpserv.h>

static const char name[] = "X-Content-Type-Options";
static const char value[] = "nosniff";

static REQUEST_NOTIFICATION_STATUS
headers_OnSendResponse(CHttpModule *This, IHttpContext *pHttpContext,
                       ISendResponseProvider *pProvider)
{
    (void) This;

    /*
     * A response may leave in several sends (Flush, DisableBuffering); the
     * status line and headers go with the first one, and only then is there
     * a header to add.  Later sends, and a response whose headers were
     * suppressed, answer FALSE.
     */
    if (!ISendResponseProvider_GetHeadersBeingSent(pProvider)) {
        return RQ_NOTIFICATION_CONTINUE;
    }

    /*
     * fReplace TRUE: a copy a handler set already is replaced, so the response
     * carries exactly one.  A constant, valid name and value cannot be
     * refused; were it to fail, the response is still worth sending as it is.
     */
    (void) IHttpResponse_SetHeader(IHttpContext_GetResponse(pHttpContext), name, value,
                                   (USHORT) (sizeof(value) - 1), TRUE);
    return RQ_NOTIFICATION_CONTINUE;
}

/* Every other slot NULL: CONTINUE, and no Dispose (the instance is static). */
static const CHttpModuleVtbl headers_vtbl = {
    .OnSendResponse = headers_OnSendResponse,
};

/*
 * One instance for every request.  That is allowed because it holds nothing:
 * requests on other threads call it at the same time, and Dispose, were
 * there one, would run once per request.
 */
static CHttpModule instance = {&headers_vtbl};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule,
                      IModuleAllocator *pAllocator)
{
    (void) This;
    (void) pAllocator;
    *ppModule = &instance;
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
    (void) pGlobalInfo;

    /*
     * RQ_SEND_RESPONSE has no post-event.  Its priorities run backwards (a
     * FIRST module hears it last); adding a header does not care about the
     * order, so the default, MEDIUM, is kept.
     */
    return IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_SEND_RESPONSE, 0);
}
