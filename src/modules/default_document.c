/*
 * DefaultDocumentModule: a request for a directory gets the courtesy
 * redirect to its trailing slash (301), then the first default document
 * found in it (system.webServer/defaultDocument: enabled, files).  It runs
 * after StaticFileModule (priority LAST), which
 * answers files at once and leaves directories with a provisional 403.14:
 * requests for files never pay for a directory check.  Public API only.
 */
#include "builtin.h"
#include "file_response.h"
#include "files.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

static IGuiseServer *guise;

/*
 * The courtesy redirect to the trailing slash.  The Location is built from
 * the normalised URL, encoded again, never from the raw path: "//host/.."
 * would otherwise become a redirect to another host.
 */
static REQUEST_NOTIFICATION_STATUS
redirect_to_slash(IHttpContext *ctx)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    PCSTR query = NULL;
    DWORD qlen = 0, n;
    char *url = gs_files_encoded_url(ctx, "/", &n), *location;

    IHttpContext_GetServerVariable(ctx, "QUERY_STRING", &query, &qlen);
    location = IHttpContext_AllocateRequestMemory(ctx, n + qlen + 2);
    memcpy(location, url, n);
    if (qlen > 0) {
        location[n++] = '?';
        memcpy(location + n, query, qlen);
        n += qlen;
    }
    location[n] = '\0';
    gs_files_error(ctx, 301, 0, 0);
    IHttpResponse_SetHeader(rsp, "Location", location, (USHORT) n, TRUE);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

struct default_document {
    CHttpModule CHttpModule_iface;
    gs_file_held_t held; /* the document being sent, let go by Dispose */
};

static REQUEST_NOTIFICATION_STATUS
document_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct default_document *m = gs_container_of(This, struct default_document, CHttpModule_iface);
    PCSTR method = IHttpRequest_GetHttpMethod(IHttpContext_GetRequest(ctx));
    DWORD n = 0;
    PCWSTR script = IHttpContext_GetScriptName(ctx, &n);
    USHORT status = 0, substatus = 0;
    IGuiseConfigElement *section = NULL, *files;
    DWORD count;

    (void) provider;
    /* Only what StaticFileModule left: a directory (its provisional 403.14). */
    IHttpResponse_GetStatus(IHttpContext_GetResponse(ctx), &status, &substatus, NULL, NULL, NULL,
                            NULL, NULL, NULL);
    if (status != 403 || substatus != 14 || n == 0
        || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    if (script[n - 1] != L'/') {
        /* Relative references in the page resolve against the directory. */
        return redirect_to_slash(ctx);
    }
    /* system.webServer/defaultDocument as it applies to this URL. */
    if (FAILED(
            IGuiseServer_GetConfigSection(guise, ctx, "system.webServer/defaultDocument", &section))
        || strcmp(IGuiseConfigElement_GetAttribute(section, "enabled"), "true") != 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    files = IGuiseConfigElement_GetChildByName(section, "files");
    count = files ? IGuiseConfigElement_GetChildCount(files) : 0;
    for (DWORD i = 0; i < count; i++) {
        PCSTR name =
            IGuiseConfigElement_GetAttribute(IGuiseConfigElement_GetChild(files, i), "value");
        struct stat st;
        int fd;

        /* A name with '/' or a dot segment is no document of this directory. */
        if (name == NULL || strchr(name, '/') != NULL || strcmp(name, ".") == 0
            || strcmp(name, "..") == 0) {
            continue;
        }
        fd = gs_files_open(ctx, name, &st); /* beneath the root, as the user */
        if (fd == -EACCES || fd == -EPERM || fd == GS_FILES_NOT_IMPERSONATED) {
            /* There is a document, not for this user (401.3), or no user to ask as (500). */
            gs_files_error_errno(ctx, fd);
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        if (fd < 0) {
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            close(fd);
            continue;
        }
        IHttpResponse_Clear(IHttpContext_GetResponse(ctx));
        gs_file_response(ctx, &m->held, fd, &st, name);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE; /* no document: the 403.14 stands */
}

static VOID
document_Dispose(CHttpModule *This)
{
    struct default_document *m = gs_container_of(This, struct default_document, CHttpModule_iface);

    gs_file_held_release(&m->held);
}

static const CHttpModuleVtbl document_vtbl = {
    .OnExecuteRequestHandler = document_OnExecuteRequestHandler,
    .Dispose = document_Dispose,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    struct default_document *m = IModuleAllocator_AllocateMemory(alloc, sizeof(*m));

    (void) This;
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &document_vtbl;
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
gs_register_default_document(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                             IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (FAILED(hr)) {
        return hr;
    }
    hr = gs_file_response_init(pGlobalInfo);
    if (FAILED(hr)) {
        return hr;
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LAST);
    }
    if (FAILED(hr)) {
        factory_Terminate(&factory);
        return hr;
    }
    gs_files_init(pModuleInfo);
    return S_OK;
}
