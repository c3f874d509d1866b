/*
 * StaticFileModule: the file handler (RQ_EXECUTE_REQUEST_HANDLER, priority
 * LOW, so that any other handler answers first).  GET and HEAD of regular
 * files below the site root (file_response.c does the HTTP); the body
 * leaves with sendfile from the descriptor, which stays open until Dispose.
 * A directory gets IIS's "listing denied" (403.14) provisionally and is left
 * to DefaultDocumentModule, which runs after it.  Public API only.
 */
#include "builtin.h"
#include "file_response.h"
#include "files.h"
#include "core/util.h"

#include <string.h>
#include <unistd.h>

struct static_file {
    CHttpModule CHttpModule_iface;
    gs_file_held_t held; /* the file being sent, let go by Dispose */
};

static REQUEST_NOTIFICATION_STATUS
static_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct static_file *m = gs_container_of(This, struct static_file, CHttpModule_iface);
    PCSTR method = IHttpRequest_GetHttpMethod(IHttpContext_GetRequest(ctx));
    struct stat st;
    int fd;

    (void) provider;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        gs_files_error(ctx, 405, 0, 0);
        IHttpResponse_SetHeader(IHttpContext_GetResponse(ctx), "Allow", "GET, HEAD", 9, TRUE);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    fd = gs_files_open(ctx, NULL, &st);
    if (fd < 0) {
        gs_files_error_errno(ctx, fd);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    if (S_ISREG(st.st_mode)) {
        gs_file_response(ctx, &m->held, fd, &st, NULL);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    close(fd);
    if (S_ISDIR(st.st_mode)) {
        /* Provisional: DefaultDocumentModule, next, may do better. */
        gs_files_error(ctx, 403, 14, 0);
        return RQ_NOTIFICATION_CONTINUE;
    }
    gs_files_error(ctx, 404, 0, ERROR_FILE_NOT_FOUND); /* a FIFO, a device, a socket */
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static VOID
static_Dispose(CHttpModule *This)
{
    struct static_file *m = gs_container_of(This, struct static_file, CHttpModule_iface);

    gs_file_held_release(&m->held);
    /* The instance itself is request memory. */
}

static const CHttpModuleVtbl static_vtbl = {
    .OnExecuteRequestHandler = static_OnExecuteRequestHandler,
    .Dispose = static_Dispose,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    struct static_file *m = IModuleAllocator_AllocateMemory(alloc, sizeof(*m));

    (void) This;
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &static_vtbl;
    m->held = GS_FILE_HELD_NONE;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
    gs_file_response_fini();
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

HRESULT
gs_register_static_file(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                        IHttpServer *pGlobalInfo)
{
    HRESULT hr = gs_file_response_init(pGlobalInfo);

    (void) dwServerVersion;
    if (FAILED(hr)) {
        return hr;
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LOW);
    }
    if (FAILED(hr)) {
        gs_file_response_fini();
        return hr;
    }
    gs_files_init(pModuleInfo);
    return S_OK;
}
