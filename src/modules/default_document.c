/*
 * DefaultDocumentModule: a request for a directory gets the courtesy
 * redirect to its trailing slash (301), then the first default document
 * found in it, by rewriting the URL (SetUrl) for the static file handler
 * that runs after it.  RQ_EXECUTE_REQUEST_HANDLER, priority LOW, registered
 * before StaticFileModule.  Public API only.
 */
#include "builtin.h"
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

static REQUEST_NOTIFICATION_STATUS
document_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    PCSTR method = IHttpRequest_GetHttpMethod(req);
    DWORD n = 0;
    PCWSTR script = IHttpContext_GetScriptName(ctx, &n);
    struct stat st;
    int dirfd;

    (void) This;
    (void) provider;
    if ((strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) || n == 0) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    dirfd = gs_files_open(ctx, NULL, &st);
    if (dirfd < 0) {
        return RQ_NOTIFICATION_CONTINUE; /* the static file handler explains the error */
    }
    close(dirfd);
    if (!S_ISDIR(st.st_mode)) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    if (script[n - 1] != L'/') {
        /* Relative references in the page resolve against the directory. */
        return redirect_to_slash(ctx);
    }
    for (unsigned i = 0; i < ndocuments; i++) {
        struct stat doc;
        int fd = gs_files_open(ctx, documents[i], &doc); /* beneath the root, as served */

        if (fd < 0) {
            continue;
        }
        close(fd);
        if (S_ISREG(doc.st_mode)) {
            DWORD len;
            char *url = gs_files_encoded_url(ctx, documents[i], &len);

            /* The query string stays; the static file handler serves the document. */
            IHttpRequest_SetUrl(req, url, len, FALSE);
            return RQ_NOTIFICATION_CONTINUE;
        }
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static const CHttpModuleVtbl document_vtbl = {
    .OnExecuteRequestHandler = document_OnExecuteRequestHandler,
};

/* The module keeps no state per request: one instance serves them all. */
static CHttpModule instance = {&document_vtbl};

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
    for (unsigned i = 0; i < ndocuments; i++) {
        free(documents[i]);
    }
    ndocuments = 0;
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
    parse_documents(IGuiseServer_GetSetting(guise, "default-documents"));
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LOW);
    }
    if (FAILED(hr)) {
        factory_Terminate(&factory);
    }
    return hr;
}
