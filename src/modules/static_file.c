/*
 * StaticFileModule: the handler of last resort (RQ_EXECUTE_REQUEST_HANDLER,
 * priority LOW).  GET and HEAD of regular files below the site root, with
 * validators (ETag, Last-Modified), conditional requests and one byte
 * range; the body leaves with sendfile from the descriptor the module hands
 * over in a file chunk, which stays open until Dispose.
 *
 * Public API only; the HTTP syntax helpers are guise's pure functions.
 */
#include "builtin.h"
#include "files.h"
#include "core/http_date.h"
#include "core/http_etag.h"
#include "core/http_range.h"
#include "core/mime_types.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static gs_mime_t *mime; /* loaded at registration, read-only after */

struct static_file {
    CHttpModule CHttpModule_iface;
    int fd; /* the file being sent, closed by Dispose */
};

static void
set_header(IHttpResponse *rsp, PCSTR name, PCSTR value, size_t len)
{
    IHttpResponse_SetHeader(rsp, name, value, (USHORT) len, TRUE);
}

static bool
header_date(IHttpRequest *req, HTTP_HEADER_ID id, time_t *out)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, id, &n);

    return v != NULL && gs_http_date_parse(v, n, out) == 0;
}

/*
 * RFC 9110 section 13.2.2 order: If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since.  Returns 0 to go on, else the status.
 */
static unsigned
preconditions(IHttpRequest *req, const struct stat *st, const char *etag, size_t etag_len)
{
    USHORT n = 0;
    PCSTR v;
    time_t t;

    if ((v = IHttpRequest_GetHeaderById(req, HttpHeaderIfMatch, &n)) != NULL) {
        if (!gs_etag_match(v, n, etag, etag_len, true)) {
            return 412;
        }
    } else if (header_date(req, HttpHeaderIfUnmodifiedSince, &t) && st->st_mtim.tv_sec > t) {
        return 412;
    }
    if ((v = IHttpRequest_GetHeaderById(req, HttpHeaderIfNoneMatch, &n)) != NULL) {
        if (gs_etag_match(v, n, etag, etag_len, false)) {
            return 304;
        }
    } else if (header_date(req, HttpHeaderIfModifiedSince, &t) && st->st_mtim.tv_sec <= t) {
        return 304;
    }
    return 0;
}

/* If-Range: a range applies only to the representation the client has. */
static bool
if_range_holds(IHttpRequest *req, const struct stat *st, const char *etag, size_t etag_len)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, HttpHeaderIfRange, &n);
    time_t t;

    if (v == NULL) {
        return true;
    }
    if (n > 0 && (v[0] == '"' || v[0] == 'W')) {
        return gs_etag_match(v, n, etag, etag_len, true);
    }
    return gs_http_date_parse(v, n, &t) == 0 && t == st->st_mtim.tv_sec;
}

static void
send_file(IHttpResponse *rsp, int fd, uint64_t offset, uint64_t len)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.FileHandle = GuiseHandleFromFd(fd);
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = offset;
    chunk.FromFileHandle.ByteRange.Length.QuadPart = len;
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, NULL, NULL);
}

static void
serve(IHttpContext *ctx, const struct stat *st, int fd, bool get)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    char etag[GS_ETAG_MAX], modified[GS_HTTP_DATE_LEN + 1];
    size_t etag_len = gs_etag_format(&st->st_mtim, (uint64_t) st->st_size, etag);
    uint64_t size = (uint64_t) st->st_size;
    DWORD n = 0;
    PCWSTR path = IHttpContext_GetScriptName(ctx, &n);
    char ext[40] = "", cr[96];
    const char *type;
    PCSTR range;
    USHORT range_len = 0;
    unsigned status;

    /* The media type from the URL's extension (ASCII; anything else is not a known type). */
    for (DWORD i = n; i > 0 && path[i - 1] != L'/'; i--) {
        if (path[i - 1] == L'.') {
            size_t k = 0;

            for (DWORD j = i - 1; j < n && k + 1 < sizeof(ext) && path[j] < 128; j++) {
                ext[k++] = (char) path[j];
            }
            ext[k] = '\0';
            break;
        }
    }
    type = gs_mime_lookup(mime, ext, strlen(ext));

    status = preconditions(req, st, etag, etag_len);
    if (status == 412) {
        gs_files_error(ctx, 412, 0, 0);
        return;
    }
    if (gs_http_date_format(st->st_mtim.tv_sec, modified) > 0) {
        set_header(rsp, "Last-Modified", modified, GS_HTTP_DATE_LEN);
    }
    set_header(rsp, "ETag", etag, etag_len);
    if (status == 304) {
        IHttpResponse_SetStatus(rsp, 304, "Not Modified", 0, S_OK, NULL);
        return;
    }
    set_header(rsp, "Content-Type", type, strlen(type));
    set_header(rsp, "Accept-Ranges", "bytes", 5);

    range = IHttpRequest_GetHeaderById(req, HttpHeaderRange, &range_len);
    if (get && range != NULL && if_range_holds(req, st, etag, etag_len)) {
        gs_range_t r;
        int len;

        switch (gs_range_parse(range, range_len, size, &r)) {
        case GS_RANGE_OK:
            len = snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long) r.first,
                           (unsigned long long) r.last, (unsigned long long) size);
            IHttpResponse_SetStatus(rsp, 206, "Partial Content", 0, S_OK, NULL);
            set_header(rsp, "Content-Range", cr, (size_t) len);
            send_file(rsp, fd, r.first, r.last - r.first + 1);
            return;
        case GS_RANGE_UNSATISFIABLE:
            len = snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long) size);
            IHttpResponse_SetStatus(rsp, 416, "Range Not Satisfiable", 0, S_OK, NULL);
            IHttpResponse_DeleteHeader(rsp, "Content-Type"); /* the body is empty */
            set_header(rsp, "Content-Range", cr, (size_t) len);
            return;
        case GS_RANGE_IGNORE:
            break;
        }
    }
    IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    /* HEAD too: the length of what GET would send; the server drops the body. */
    send_file(rsp, fd, 0, size);
}

static REQUEST_NOTIFICATION_STATUS
static_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct static_file *m = gs_container_of(This, struct static_file, CHttpModule_iface);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    PCSTR method = IHttpRequest_GetHttpMethod(IHttpContext_GetRequest(ctx));
    bool get = strcmp(method, "GET") == 0;
    struct stat st;
    int fd;

    (void) provider;
    if (!get && strcmp(method, "HEAD") != 0) {
        gs_files_error(ctx, 405, 0, 0);
        set_header(rsp, "Allow", "GET, HEAD", 9);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    fd = gs_files_open(ctx, NULL, &st);
    if (fd < 0) {
        USHORT status, sub;
        DWORD win32;

        gs_files_error_for_errno(fd, &status, &sub, &win32);
        gs_files_error(ctx, status, sub, win32);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    m->fd = fd;
    if (S_ISDIR(st.st_mode)) {
        /* A directory nobody else answered: IIS's 403.14, listing denied. */
        gs_files_error(ctx, 403, 14, 0);
    } else if (!S_ISREG(st.st_mode)) {
        gs_files_error(ctx, 404, 0, ERROR_FILE_NOT_FOUND);
    } else {
        serve(ctx, &st, fd, get);
    }
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static VOID
static_Dispose(CHttpModule *This)
{
    struct static_file *m = gs_container_of(This, struct static_file, CHttpModule_iface);

    if (m->fd >= 0) {
        close(m->fd);
    }
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
    m->fd = -1;
    *ppModule = &m->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
    gs_mime_free(mime);
    mime = NULL;
    gs_files_close_roots();
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
    IGuiseServer *guise = NULL;
    HRESULT hr;

    (void) dwServerVersion;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (FAILED(hr)) {
        return hr;
    }
    mime = gs_mime_load(IGuiseServer_GetSetting(guise, "mime-types"));
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                             RQ_EXECUTE_REQUEST_HANDLER, 0);
    if (FAILED(hr)) {
        return hr;
    }
    /* The handler of last resort: any other handler answers first. */
    return IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
        pModuleInfo, RQ_EXECUTE_REQUEST_HANDLER, PRIORITY_ALIAS_LOW);
}
