/*
 * DefaultDocumentModule: a request for a directory gets the courtesy
 * redirect to its trailing slash (301), then the first default document
 * found in it.  It runs after StaticFileModule (priority LAST), which
 * answers files at once and leaves directories with a provisional 403.14:
 * requests for files never pay for a directory check.  Public API only.
 */
#include "builtin.h"
#include "file_response.h"
#include "files.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DOCUMENTS 16

static char *documents[MAX_DOCUMENTS]; /* from the "default-documents" setting */
static unsigned ndocuments;

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
    int fd; /* the document being sent, closed by Dispose */
};

static REQUEST_NOTIFICATION_STATUS
document_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct default_document *m = gs_container_of(This, struct default_document, CHttpModule_iface);
    PCSTR method = IHttpRequest_GetHttpMethod(IHttpContext_GetRequest(ctx));
    DWORD n = 0;
    PCWSTR script = IHttpContext_GetScriptName(ctx, &n);
    USHORT status = 0, substatus = 0;

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
    for (unsigned i = 0; i < ndocuments; i++) {
        struct stat st;
        int fd = gs_files_open(ctx, documents[i], &st); /* beneath the root, as served */

        if (fd < 0) {
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            close(fd);
            continue;
        }
        m->fd = fd;
        IHttpResponse_Clear(IHttpContext_GetResponse(ctx));
        gs_file_response(ctx, fd, &st, documents[i]);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE; /* no document: the 403.14 stands */
}

static VOID
document_Dispose(CHttpModule *This)
{
    struct default_document *m = gs_container_of(This, struct default_document, CHttpModule_iface);

    if (m->fd >= 0) {
        close(m->fd);
    }
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
    m->fd = -1;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
    for (unsigned i = 0; i < ndocuments; i++) {
        free(documents[i]);
    }
    ndocuments = 0;
    gs_file_response_fini();
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

/* "index.html,default.htm" -> the list; names with '/' or empty ones are skipped. */
static void
parse_documents(const char *list)
{
    const char *p = list;

    while (p != NULL && *p != '\0' && ndocuments < MAX_DOCUMENTS) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t) (comma - p) : strlen(p);

        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ') {
            len--;
        }
        if (len > 0 && memchr(p, '/', len) == NULL && !(len <= 2 && p[0] == '.')) {
            documents[ndocuments] = gs_xmalloc(len + 1);
            memcpy(documents[ndocuments], p, len);
            documents[ndocuments++][len] = '\0';
        }
        p = comma ? comma + 1 : NULL;
    }
}

HRESULT
gs_register_default_document(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                             IHttpServer *pGlobalInfo)
{
    IGuiseServer *guise = NULL;
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
    parse_documents(IGuiseServer_GetSetting(guise, "default-documents"));
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LAST);
    }
    if (FAILED(hr)) {
        factory_Terminate(&factory);
    }
    return hr;
}
