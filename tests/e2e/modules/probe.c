/*
 * test_probe.so: a module that hears every request notification (each stage's event and
 * post-event, SEND_RESPONSE, MAP_PATH, READ_ENTITY, CUSTOM_NOTIFICATION) and the global
 * ones guise raises, and appends one line per notification to the file named by
 * $GUISE_PROBE_LOG, for tests/e2e/test_notifications.py.  Lines are whole write(2)s on an
 * O_APPEND descriptor, so threads never interleave inside one:
 *
 *     RQ BEGIN_REQUEST /probe/order          an event, with the request's URL
 *     POST BEGIN_REQUEST /probe/order        its post-event
 *     ASYNC BEGIN_REQUEST post=0 bytes=42 status=0x0 /probe/post
 *     THREAD IndicateCompletion /probe/pending
 *     DISPOSE /probe/order                   the request's CHttpModule goes
 *     READ error 0x800705b4 /probe/read      ReadEntityBody failed (not at the end)
 *     GL STOP_LISTENING graceful=1           a global notification
 *
 * Some URLs (and those below them: /probe/pending/7 is /probe/pending) make it use the
 * public API, and only that: this is a loadable module.
 *   /probe/order       answers "order" from EXECUTE_REQUEST_HANDLER, nothing else
 *   /probe/pending     PENDING from BEGIN_REQUEST; another thread IndicateCompletion()s
 *   /probe/post        PENDING from BEGIN_REQUEST (?post=1: from its post-event); another
 *                      thread PostCompletion()s; OnAsyncCompletion reports what it got, and
 *                      with ?finish=1 returns FINISH_REQUEST
 *   /probe/read        echoes the body, read with synchronous ReadEntityBody
 *   /probe/read-async  the same with asynchronous reads completed in OnAsyncCompletion
 *   /probe/map         GetPhysicalPath (MAP_PATH), answers the path
 *   /probe/fileinfo    IHttpServer_GetFileInfo(vdir root + query string) as the request's
 *                      user: hr, size, ETag, handle, AccessCheck with the same token
 *   /probe/ctxfileinfo IHttpContext_GetFileInfo (the path /probe/ctxfileinfo maps to, or
 *                      below it): "none", or its size
 *   /probe/custom      raises RQ_CUSTOM_NOTIFICATION and GL_CUSTOM_NOTIFICATION
 *   /probe/trace       QuickTrace through the request's trace context (GL_TRACE_EVENT)
 *   /probe/config      NotifyConfigurationChange and NotifyFileChange
 *   /probe/unhealthy   ReportUnhealthy (GL_HEALTH_CHECK; the server then stops, status 3)
 *   /probe/finish      FINISH_REQUEST (403) from AUTHENTICATE_REQUEST
 *   /probe/vars        some server variables, one "NAME=value" line each
 *   /probe/headers     request headers changed in BEGIN_REQUEST, read back in EXECUTE
 *   /probe/stream      four parts, each written then flushed with fMoreData
 * Any other URL is left to the other modules.  Threads the probe starts are joined in
 * Terminate, before the server unloads the module.
 */
#include <guise/httpserv.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define URL_MAX        512
#define PROBE_LINE_MAX 2048

static IHttpServer *server;
static int log_fd = -1;

/* Threads started for completions, joined in Terminate. */
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t *threads;
static size_t nthreads, threads_cap;

/* ---- the log ------------------------------------------------------------------------- */

static void __attribute__((format(printf, 1, 2))) log_line(const char *fmt, ...)
{
    char line[PROBE_LINE_MAX];
    va_list ap;
    int n;

    if (log_fd < 0) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t) n > sizeof(line) - 2) {
        n = (int) sizeof(line) - 2;
    }
    line[n++] = '\n';
    /* One write per line: O_APPEND keeps concurrent lines whole. */
    while (write(log_fd, line, (size_t) n) < 0 && errno == EINTR) {
    }
}

/* A wide string as UTF-8 (wchar_t is UTF-32 here); invalid code points become '?'. */
static void
narrow(const wchar_t *ws, char *out, size_t cap)
{
    size_t n = 0;

    if (ws == NULL) {
        ws = L"(null)";
    }
    for (; *ws != L'\0'; ws++) {
        unsigned long c = (unsigned long) *ws;
        char b[4];
        size_t k;

        if (c < 0x80) {
            b[0] = (char) c;
            k = 1;
        } else if (c < 0x800) {
            b[0] = (char) (0xc0 | (c >> 6));
            b[1] = (char) (0x80 | (c & 0x3f));
            k = 2;
        } else if (c < 0x10000 && (c < 0xd800 || c > 0xdfff)) {
            b[0] = (char) (0xe0 | (c >> 12));
            b[1] = (char) (0x80 | ((c >> 6) & 0x3f));
            b[2] = (char) (0x80 | (c & 0x3f));
            k = 3;
        } else if (c >= 0x10000 && c < 0x110000) {
            b[0] = (char) (0xf0 | (c >> 18));
            b[1] = (char) (0x80 | ((c >> 12) & 0x3f));
            b[2] = (char) (0x80 | ((c >> 6) & 0x3f));
            b[3] = (char) (0x80 | (c & 0x3f));
            k = 4;
        } else {
            b[0] = '?';
            k = 1;
        }
        if (n + k >= cap) {
            break;
        }
        memcpy(out + n, b, k);
        n += k;
    }
    out[n] = '\0';
}

/* A server variable (narrow), or "" when it has none. */
static const char *
var(IHttpContext *ctx, const char *name)
{
    PCSTR value = NULL;
    DWORD len = 0;

    if (FAILED(IHttpContext_GetServerVariable(ctx, name, &value, &len)) || value == NULL) {
        return "";
    }
    return value;
}

/* ---- threads that complete pending requests ------------------------------------------ */

struct job {
    IHttpContext *ctx;
    bool indicate; /* IndicateCompletion(CONTINUE), else PostCompletion(bytes) */
    DWORD bytes;
    char url[URL_MAX];
};

static void *
job_main(void *arg)
{
    struct job *j = arg;

    usleep(50 * 1000); /* the notification has returned PENDING long before */
    if (j->indicate) {
        log_line("THREAD IndicateCompletion %s", j->url);
        IHttpContext_IndicateCompletion(j->ctx, RQ_NOTIFICATION_CONTINUE);
    } else {
        log_line("THREAD PostCompletion(%u) %s", j->bytes, j->url);
        IHttpContext_PostCompletion(j->ctx, j->bytes);
    }
    free(j);
    return NULL;
}

static bool
start_job(IHttpContext *ctx, bool indicate, DWORD bytes, const char *url)
{
    struct job *j = calloc(1, sizeof(*j));
    pthread_t t;
    bool ok = false;

    if (j == NULL) {
        return false;
    }
    j->ctx = ctx;
    j->indicate = indicate;
    j->bytes = bytes;
    snprintf(j->url, sizeof(j->url), "%s", url);
    pthread_mutex_lock(&threads_lock);
    if (nthreads == threads_cap) {
        size_t cap = threads_cap ? threads_cap * 2 : 16;
        pthread_t *more = realloc(threads, cap * sizeof(*more));

        if (more != NULL) {
            threads = more;
            threads_cap = cap;
        }
    }
    if (nthreads < threads_cap && pthread_create(&t, NULL, job_main, j) == 0) {
        threads[nthreads++] = t;
        ok = true;
    }
    pthread_mutex_unlock(&threads_lock);
    if (!ok) {
        free(j);
    }
    return ok;
}

static void
join_jobs(void)
{
    pthread_mutex_lock(&threads_lock);
    for (size_t i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
    }
    free(threads);
    threads = NULL;
    nthreads = threads_cap = 0;
    pthread_mutex_unlock(&threads_lock);
}

/* ---- the request-level module --------------------------------------------------------- */

struct probe {
    CHttpModule CHttpModule_iface;
    char url[URL_MAX];
    char query[URL_MAX];
    /* what OnAsyncCompletion saw, for /probe/post */
    DWORD async_notification, async_bytes;
    BOOL async_post;
    /* /probe/read-async */
    char buf[4096];
};

static inline struct probe *
impl_from_CHttpModule(CHttpModule *iface)
{
    return (struct probe *) iface;
}

/* The URL, kept at the first notification (the context goes before Dispose runs). */
static const char *
url_of(struct probe *p, IHttpContext *ctx)
{
    if (p->url[0] == '\0') {
        snprintf(p->url, sizeof(p->url), "%s", var(ctx, "URL"));
        snprintf(p->query, sizeof(p->query), "%s", var(ctx, "QUERY_STRING"));
    }
    return p->url;
}

/* The request is for url, or below it (/probe/pending/7: many requests, one behaviour). */
static bool
is(struct probe *p, const char *url)
{
    size_t n = strlen(url);

    return strncmp(p->url, url, n) == 0 && (p->url[n] == '\0' || p->url[n] == '/');
}

static bool
query_has(struct probe *p, const char *item)
{
    size_t n = strlen(item);

    for (const char *q = p->query; *q != '\0';) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t) (amp - q) : strlen(q);

        if (len == n && strncmp(q, item, n) == 0) {
            return true;
        }
        q += len + (amp ? 1 : 0);
    }
    return false;
}

static void
write_body(IHttpContext *ctx, const char *data, size_t len)
{
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) data;
    chunk.FromMemory.BufferLength = (ULONG) len;
    IHttpResponse_WriteEntityChunks(IHttpContext_GetResponse(ctx), &chunk, 1, FALSE, FALSE, &sent,
                                    NULL);
}

static void
respond(IHttpContext *ctx, USHORT status, PCSTR reason, const char *body)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, status, reason, 0, S_OK, NULL);
    IHttpResponse_SetHeader(rsp, "Content-Type", "text/plain", 10, TRUE);
    write_body(ctx, body, strlen(body));
}

/* Records a deterministic notification; kind is "RQ" or "POST". */
static void
note(CHttpModule *This, IHttpContext *ctx, const char *kind, const char *name)
{
    log_line("%s %s %s", kind, name, url_of(impl_from_CHttpModule(This), ctx));
}

/* ---- what the special URLs do ---------------------------------------------------------- */

struct custom_provider {
    ICustomNotificationProvider ICustomNotificationProvider_iface;
    PCWSTR type;
};

static VOID
custom_SetErrorStatus(ICustomNotificationProvider *This, HRESULT hrError)
{
    (void) This;
    (void) hrError;
}

static PCWSTR
custom_QueryNotificationType(ICustomNotificationProvider *This)
{
    return ((struct custom_provider *) This)->type;
}

static const ICustomNotificationProviderVtbl custom_vtbl = {
    .SetErrorStatus = custom_SetErrorStatus,
    .QueryNotificationType = custom_QueryNotificationType,
};

static void
do_custom(IHttpContext *ctx)
{
    struct custom_provider rq = {{&custom_vtbl}, L"probe.RequestCustom"};
    struct custom_provider gl = {{&custom_vtbl}, L"probe.GlobalCustom"};
    BOOL completion = TRUE;
    HRESULT hr;
    GLOBAL_NOTIFICATION_STATUS st;
    char body[128];

    hr = IHttpContext_NotifyCustomNotification(ctx, &rq.ICustomNotificationProvider_iface,
                                               &completion);
    st = IHttpServer_NotifyCustomNotification(server, &gl.ICustomNotificationProvider_iface);
    snprintf(body, sizeof(body), "custom hr=0x%x completion=%d global=%d\n", (unsigned) hr,
             completion, (int) st);
    respond(ctx, 200, "OK", body);
}

static void
do_map(IHttpContext *ctx)
{
    DWORD cch = 0;
    PCWSTR path = IHttpContext_GetPhysicalPath(ctx, &cch);
    char text[URL_MAX * 2], body[URL_MAX * 2 + 32];

    narrow(path, text, sizeof(text));
    snprintf(body, sizeof(body), "physical=%s\ncch=%u\n", text, cch);
    respond(ctx, 200, "OK", body);
}

/*
 * IHttpServer_GetFileInfo of the file named by the query string, in the
 * virtual directory's root, as the request's user (its impersonation token).
 */
static void
do_fileinfo(IHttpContext *ctx)
{
    IMetadataInfo *meta = IHttpContext_GetMetadata(ctx);
    PCWSTR vr = meta ? IMetadataInfo_GetVrPath(meta) : NULL;
    IHttpUser *user = IHttpContext_GetUser(ctx);
    HANDLE token = user ? IHttpUser_GetImpersonationToken(user) : NULL;
    const char *name = var(ctx, "QUERY_STRING");
    wchar_t path[URL_MAX * 2];
    IHttpFileInfo *info = NULL;
    char body[URL_MAX + 256];
    ULARGE_INTEGER size = {0};
    HRESULT hr;

    if (vr == NULL || strlen(name) >= URL_MAX) {
        respond(ctx, 500, "Internal Server Error", "no virtual directory\n");
        return;
    }
    swprintf(path, sizeof(path) / sizeof(path[0]), L"%ls%s%s", vr,
             vr[0] && vr[wcslen(vr) - 1] == L'/' ? "" : "/", name);
    hr = IHttpServer_GetFileInfo(server, path, token, NULL, vr, NULL, TRUE, &info, NULL);
    if (FAILED(hr) || info == NULL) {
        snprintf(body, sizeof(body), "hr=0x%08x\n", (unsigned) hr);
        respond(ctx, 200, "OK", body);
        return;
    }
    IHttpFileInfo_GetSize(info, &size);
    snprintf(body, sizeof(body), "hr=0x%08x\nsize=%llu\netag=%s\nhandle=%s\naccess=0x%08x\n",
             (unsigned) hr, (unsigned long long) size.QuadPart, IHttpFileInfo_GetETag(info, NULL),
             IHttpFileInfo_GetFileHandle(info) == INVALID_HANDLE_VALUE ? "invalid" : "valid",
             (unsigned) IHttpFileInfo_AccessCheck(info, token, NULL));
    IHttpFileInfo_DereferenceCacheData(info);
    respond(ctx, 200, "OK", body);
}

/* IHttpContext_GetFileInfo of the request's own path (borrowed). */
static void
do_ctxfileinfo(IHttpContext *ctx)
{
    IHttpFileInfo *info = IHttpContext_GetFileInfo(ctx);
    ULARGE_INTEGER size = {0};
    char body[256];

    if (info == NULL) {
        respond(ctx, 200, "OK", "none\n");
        return;
    }
    IHttpFileInfo_GetSize(info, &size);
    snprintf(body, sizeof(body), "size=%llu\nsame=%d\n", (unsigned long long) size.QuadPart,
             IHttpContext_GetFileInfo(ctx) == info);
    respond(ctx, 200, "OK", body);
}

static void
do_vars(IHttpContext *ctx)
{
    static const char *const names[] = {"REQUEST_METHOD", "URL",         "QUERY_STRING",
                                        "REMOTE_ADDR",    "SERVER_PORT", "HTTP_USER_AGENT",
                                        "UNENCODED_URL"};
    char body[4096];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        PCSTR value = NULL;
        DWORD len = 0;
        HRESULT hr = IHttpContext_GetServerVariable(ctx, names[i], &value, &len);

        if (FAILED(hr)) {
            n += (size_t) snprintf(body + n, sizeof(body) - n, "%s=<0x%x>\n", names[i],
                                   (unsigned) hr);
        } else {
            n += (size_t) snprintf(body + n, sizeof(body) - n, "%s=%.*s\n", names[i], (int) len,
                                   value);
        }
        if (n >= sizeof(body)) {
            n = sizeof(body) - 1;
            break;
        }
    }
    respond(ctx, 200, "OK", body);
}

static void
change_headers(IHttpContext *ctx)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);

    IHttpRequest_SetHeader(req, "X-Probe-Added", "added-in-begin", 14, TRUE);
    IHttpRequest_SetHeader(req, "X-Probe-Replace", "replaced", 8, TRUE);
    IHttpRequest_DeleteHeader(req, "X-Probe-Delete");
    IHttpRequest_SetHeader(req, "X-Probe-Append", "second", 6, FALSE);
    IHttpRequest_SetHeaderById(req, HttpHeaderUserAgent, "probe-agent/2.0", 15, TRUE);
}

static void
report_headers(IHttpContext *ctx)
{
    static const char *const names[] = {"X-Probe-Added", "X-Probe-Replace", "X-Probe-Delete",
                                        "X-Probe-Append", "User-Agent"};
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    char body[2048];
    size_t n = 0;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        USHORT len = 0;
        PCSTR value = IHttpRequest_GetHeader(req, names[i], &len);

        n += (size_t) snprintf(body + n, sizeof(body) - n, "%s=%.*s\n", names[i],
                               value ? (int) len : 6, value ? value : "<none>");
    }
    snprintf(body + n, sizeof(body) - n, "HTTP_X_PROBE_ADDED=%s\n", var(ctx, "HTTP_X_PROBE_ADDED"));
    respond(ctx, 200, "OK", body);
}

static void
do_stream(IHttpContext *ctx)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    IHttpResponse_SetHeader(rsp, "Content-Type", "text/plain", 10, TRUE);
    for (int i = 0; i < 4; i++) {
        char part[32];
        int n = snprintf(part, sizeof(part), "part %d\n", i);
        HTTP_DATA_CHUNK chunk;
        DWORD sent = 0;
        BOOL completion = FALSE;

        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = part;
        chunk.FromMemory.BufferLength = (ULONG) n;
        IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, TRUE, &sent, &completion);
        IHttpResponse_Flush(rsp, FALSE, TRUE, &sent, &completion);
    }
}

static void
do_read(struct probe *p, IHttpContext *ctx)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    char buf[4096];

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    for (;;) {
        DWORD got = 0;
        HRESULT hr = IHttpRequest_ReadEntityBody(req, buf, sizeof(buf), FALSE, &got, NULL);

        if (FAILED(hr) || got == 0) {
            if (hr != HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)) {
                log_line("READ error 0x%x %s", (unsigned) hr, p->url);
            }
            break;
        }
        write_body(ctx, buf, got);
    }
}

/*
 * Asynchronous reads: each one either completes at once (go on), or completes later
 * (PENDING; OnAsyncCompletion brings the bytes and calls this again), or finds the end.
 */
static REQUEST_NOTIFICATION_STATUS
read_async_more(struct probe *p, IHttpContext *ctx)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);

    for (;;) {
        DWORD got = 0;
        BOOL pending = FALSE;
        HRESULT hr = IHttpRequest_ReadEntityBody(req, p->buf, sizeof(p->buf), TRUE, &got, &pending);

        if (FAILED(hr)) {
            if (hr != HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)) {
                log_line("READ error 0x%x %s", (unsigned) hr, p->url);
            }
            IHttpContext_SetRequestHandled(ctx);
            return RQ_NOTIFICATION_CONTINUE;
        }
        if (pending) {
            return RQ_NOTIFICATION_PENDING;
        }
        if (got == 0) {
            IHttpContext_SetRequestHandled(ctx);
            return RQ_NOTIFICATION_CONTINUE;
        }
        write_body(ctx, p->buf, got);
    }
}

static REQUEST_NOTIFICATION_STATUS
execute(struct probe *p, IHttpContext *ctx)
{
    char body[256];

    if (strncmp(p->url, "/probe/", 7) != 0) {
        return RQ_NOTIFICATION_CONTINUE; /* the static file handler's */
    }
    if (is(p, "/probe/order")) {
        respond(ctx, 200, "OK", "order\n");
    } else if (is(p, "/probe/pending")) {
        respond(ctx, 200, "OK", "pending done\n");
    } else if (is(p, "/probe/post")) {
        snprintf(body, sizeof(body), "post notification=0x%x post=%d bytes=%u\n",
                 p->async_notification, p->async_post, p->async_bytes);
        respond(ctx, 200, "OK", body);
    } else if (is(p, "/probe/read")) {
        do_read(p, ctx);
    } else if (is(p, "/probe/read-async")) {
        IHttpResponse *rsp = IHttpContext_GetResponse(ctx);

        IHttpResponse_Clear(rsp);
        IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
        return read_async_more(p, ctx);
    } else if (is(p, "/probe/map")) {
        do_map(ctx);
    } else if (is(p, "/probe/fileinfo")) {
        do_fileinfo(ctx);
    } else if (is(p, "/probe/ctxfileinfo")) {
        do_ctxfileinfo(ctx);
    } else if (is(p, "/probe/custom")) {
        do_custom(ctx);
    } else if (is(p, "/probe/trace")) {
        IHttpTraceContext *tc = IHttpContext_GetTraceContext(ctx);
        HRESULT hr =
            tc ? IHttpTraceContext_QuickTrace(tc, L"probe-trace", L"data2", S_OK, 4) : E_POINTER;

        snprintf(body, sizeof(body), "traced hr=0x%x\n", (unsigned) hr);
        respond(ctx, 200, "OK", body);
    } else if (is(p, "/probe/config")) {
        IHttpServer_NotifyConfigurationChange(server, L"MACHINE/WEBROOT/APPHOST/probe");
        IHttpServer_NotifyFileChange(server, L"/probe/changed.txt");
        respond(ctx, 200, "OK", "config notified\n");
    } else if (is(p, "/probe/unhealthy")) {
        IHttpServer_ReportUnhealthy(server, L"the probe was asked to", E_FAIL);
        respond(ctx, 200, "OK", "unhealthy reported\n");
    } else if (is(p, "/probe/vars")) {
        do_vars(ctx);
    } else if (is(p, "/probe/headers")) {
        report_headers(ctx);
    } else if (is(p, "/probe/stream")) {
        do_stream(ctx);
    } else if (is(p, "/probe/raw")) {
        static const char raw[] = "RAW RESPONSE\r\nwritten by the module\r\n";

        IHttpResponse_Clear(IHttpContext_GetResponse(ctx));
        IHttpResponse_SuppressHeaders(IHttpContext_GetResponse(ctx));
        write_body(ctx, raw, sizeof(raw) - 1);
    } else {
        respond(ctx, 404, "Not Found", "no such probe\n");
    }
    IHttpContext_SetRequestHandled(ctx);
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnBeginRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct probe *p = impl_from_CHttpModule(This);

    (void) provider;
    note(This, ctx, "RQ", "BEGIN_REQUEST");
    if (is(p, "/probe/pending") && start_job(ctx, true, 0, p->url)) {
        return RQ_NOTIFICATION_PENDING;
    }
    if (is(p, "/probe/post") && !query_has(p, "post=1") && start_job(ctx, false, 42, p->url)) {
        return RQ_NOTIFICATION_PENDING;
    }
    if (is(p, "/probe/headers")) {
        change_headers(ctx);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnPostBeginRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct probe *p = impl_from_CHttpModule(This);

    (void) provider;
    note(This, ctx, "POST", "BEGIN_REQUEST");
    if (is(p, "/probe/post") && query_has(p, "post=1") && start_job(ctx, false, 17, p->url)) {
        return RQ_NOTIFICATION_PENDING;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnAuthenticateRequest(CHttpModule *This, IHttpContext *ctx, IAuthenticationProvider *provider)
{
    (void) provider;
    note(This, ctx, "RQ", "AUTHENTICATE_REQUEST");
    if (is(impl_from_CHttpModule(This), "/probe/finish")) {
        respond(ctx, 403, "Forbidden", "finished at authenticate\n");
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnMapRequestHandler(CHttpModule *This, IHttpContext *ctx, IMapHandlerProvider *provider)
{
    (void) provider;
    note(This, ctx, "RQ", "MAP_REQUEST_HANDLER");
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnExecuteRequestHandler(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    (void) provider;
    note(This, ctx, "RQ", "EXECUTE_REQUEST_HANDLER");
    return execute(impl_from_CHttpModule(This), ctx);
}

/* The notifications the probe only records (a definition per method, no hidden return). */
#define RECORD_ONLY(method, kind, name)                                                            \
    static REQUEST_NOTIFICATION_STATUS probe_##method(CHttpModule *This, IHttpContext *ctx,        \
                                                      IHttpEventProvider *provider)                \
    {                                                                                              \
        (void) provider;                                                                           \
        note(This, ctx, kind, name);                                                               \
        return RQ_NOTIFICATION_CONTINUE;                                                           \
    }

RECORD_ONLY(OnPostAuthenticateRequest, "POST", "AUTHENTICATE_REQUEST")
RECORD_ONLY(OnAuthorizeRequest, "RQ", "AUTHORIZE_REQUEST")
RECORD_ONLY(OnPostAuthorizeRequest, "POST", "AUTHORIZE_REQUEST")
RECORD_ONLY(OnResolveRequestCache, "RQ", "RESOLVE_REQUEST_CACHE")
RECORD_ONLY(OnPostResolveRequestCache, "POST", "RESOLVE_REQUEST_CACHE")
RECORD_ONLY(OnPostMapRequestHandler, "POST", "MAP_REQUEST_HANDLER")
RECORD_ONLY(OnAcquireRequestState, "RQ", "ACQUIRE_REQUEST_STATE")
RECORD_ONLY(OnPostAcquireRequestState, "POST", "ACQUIRE_REQUEST_STATE")
RECORD_ONLY(OnPreExecuteRequestHandler, "RQ", "PRE_EXECUTE_REQUEST_HANDLER")
RECORD_ONLY(OnPostPreExecuteRequestHandler, "POST", "PRE_EXECUTE_REQUEST_HANDLER")
RECORD_ONLY(OnPostExecuteRequestHandler, "POST", "EXECUTE_REQUEST_HANDLER")
RECORD_ONLY(OnReleaseRequestState, "RQ", "RELEASE_REQUEST_STATE")
RECORD_ONLY(OnPostReleaseRequestState, "POST", "RELEASE_REQUEST_STATE")
RECORD_ONLY(OnUpdateRequestCache, "RQ", "UPDATE_REQUEST_CACHE")
RECORD_ONLY(OnPostUpdateRequestCache, "POST", "UPDATE_REQUEST_CACHE")
RECORD_ONLY(OnLogRequest, "RQ", "LOG_REQUEST")
RECORD_ONLY(OnPostLogRequest, "POST", "LOG_REQUEST")
RECORD_ONLY(OnEndRequest, "RQ", "END_REQUEST")
RECORD_ONLY(OnPostEndRequest, "POST", "END_REQUEST")

static REQUEST_NOTIFICATION_STATUS
probe_OnSendResponse(CHttpModule *This, IHttpContext *ctx, ISendResponseProvider *provider)
{
    log_line("RQ SEND_RESPONSE %s flags=0x%x", url_of(impl_from_CHttpModule(This), ctx),
             ISendResponseProvider_GetFlags(provider));
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnMapPath(CHttpModule *This, IHttpContext *ctx, IMapPathProvider *provider)
{
    char url[URL_MAX], path[URL_MAX * 2];

    narrow(IMapPathProvider_GetUrl(provider), url, sizeof(url));
    narrow(IMapPathProvider_GetPhysicalPath(provider), path, sizeof(path));
    log_line("RQ MAP_PATH %s url=%s physical=%s", url_of(impl_from_CHttpModule(This), ctx), url,
             path);
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnReadEntity(CHttpModule *This, IHttpContext *ctx, IReadEntityProvider *provider)
{
    (void) provider;
    note(This, ctx, "RQ", "READ_ENTITY");
    return RQ_NOTIFICATION_CONTINUE;
}

static REQUEST_NOTIFICATION_STATUS
probe_OnCustomRequestNotification(CHttpModule *This, IHttpContext *ctx,
                                  ICustomNotificationProvider *provider)
{
    char type[128];

    narrow(ICustomNotificationProvider_QueryNotificationType(provider), type, sizeof(type));
    log_line("RQ CUSTOM_NOTIFICATION %s type=%s", url_of(impl_from_CHttpModule(This), ctx), type);
    return RQ_NOTIFICATION_CONTINUE;
}

static const char *
stage_name(DWORD notification)
{
    static const char *const names[] = {"BEGIN_REQUEST",
                                        "AUTHENTICATE_REQUEST",
                                        "AUTHORIZE_REQUEST",
                                        "RESOLVE_REQUEST_CACHE",
                                        "MAP_REQUEST_HANDLER",
                                        "ACQUIRE_REQUEST_STATE",
                                        "PRE_EXECUTE_REQUEST_HANDLER",
                                        "EXECUTE_REQUEST_HANDLER",
                                        "RELEASE_REQUEST_STATE",
                                        "UPDATE_REQUEST_CACHE",
                                        "LOG_REQUEST",
                                        "END_REQUEST"};

    for (int bit = 0; bit < 12; bit++) {
        if (notification == (1u << bit)) {
            return names[bit];
        }
    }
    switch (notification) {
    case RQ_SEND_RESPONSE:
        return "SEND_RESPONSE";
    case RQ_MAP_PATH:
        return "MAP_PATH";
    case RQ_READ_ENTITY:
        return "READ_ENTITY";
    case RQ_CUSTOM_NOTIFICATION:
        return "CUSTOM_NOTIFICATION";
    default:
        return "?";
    }
}

static REQUEST_NOTIFICATION_STATUS
probe_OnAsyncCompletion(CHttpModule *This, IHttpContext *ctx, DWORD dwNotification,
                        BOOL fPostNotification, IHttpEventProvider *provider,
                        IHttpCompletionInfo *info)
{
    struct probe *p = impl_from_CHttpModule(This);
    DWORD bytes = IHttpCompletionInfo_GetCompletionBytes(info);
    HRESULT status = IHttpCompletionInfo_GetCompletionStatus(info);

    (void) provider;
    log_line("ASYNC %s post=%d bytes=%u status=0x%x %s", stage_name(dwNotification),
             fPostNotification ? 1 : 0, bytes, (unsigned) status, url_of(p, ctx));
    if (is(p, "/probe/post")) {
        p->async_notification = dwNotification;
        p->async_post = fPostNotification;
        p->async_bytes = bytes;
        if (query_has(p, "finish=1")) {
            respond(ctx, 200, "OK", "finished in completion\n");
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        return RQ_NOTIFICATION_CONTINUE;
    }
    if (is(p, "/probe/read-async")) {
        if (FAILED(status) && status != HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)) {
            log_line("READ error 0x%x %s", (unsigned) status, p->url);
        }
        if (FAILED(status) || bytes == 0) {
            IHttpContext_SetRequestHandled(ctx);
            return RQ_NOTIFICATION_CONTINUE;
        }
        write_body(ctx, p->buf, bytes);
        return read_async_more(p, ctx);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

static VOID
probe_Dispose(CHttpModule *This)
{
    log_line("DISPOSE %s", impl_from_CHttpModule(This)->url);
    /* The instance is request memory (IModuleAllocator): nothing to free. */
}

static const CHttpModuleVtbl probe_vtbl = {
    .OnBeginRequest = probe_OnBeginRequest,
    .OnPostBeginRequest = probe_OnPostBeginRequest,
    .OnAuthenticateRequest = probe_OnAuthenticateRequest,
    .OnPostAuthenticateRequest = probe_OnPostAuthenticateRequest,
    .OnAuthorizeRequest = probe_OnAuthorizeRequest,
    .OnPostAuthorizeRequest = probe_OnPostAuthorizeRequest,
    .OnResolveRequestCache = probe_OnResolveRequestCache,
    .OnPostResolveRequestCache = probe_OnPostResolveRequestCache,
    .OnMapRequestHandler = probe_OnMapRequestHandler,
    .OnPostMapRequestHandler = probe_OnPostMapRequestHandler,
    .OnAcquireRequestState = probe_OnAcquireRequestState,
    .OnPostAcquireRequestState = probe_OnPostAcquireRequestState,
    .OnPreExecuteRequestHandler = probe_OnPreExecuteRequestHandler,
    .OnPostPreExecuteRequestHandler = probe_OnPostPreExecuteRequestHandler,
    .OnExecuteRequestHandler = probe_OnExecuteRequestHandler,
    .OnPostExecuteRequestHandler = probe_OnPostExecuteRequestHandler,
    .OnReleaseRequestState = probe_OnReleaseRequestState,
    .OnPostReleaseRequestState = probe_OnPostReleaseRequestState,
    .OnUpdateRequestCache = probe_OnUpdateRequestCache,
    .OnPostUpdateRequestCache = probe_OnPostUpdateRequestCache,
    .OnLogRequest = probe_OnLogRequest,
    .OnPostLogRequest = probe_OnPostLogRequest,
    .OnEndRequest = probe_OnEndRequest,
    .OnPostEndRequest = probe_OnPostEndRequest,
    .OnSendResponse = probe_OnSendResponse,
    .OnMapPath = probe_OnMapPath,
    .OnReadEntity = probe_OnReadEntity,
    .OnCustomRequestNotification = probe_OnCustomRequestNotification,
    .OnAsyncCompletion = probe_OnAsyncCompletion,
    .Dispose = probe_Dispose,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    struct probe *p = IModuleAllocator_AllocateMemory(alloc, sizeof(*p));

    (void) This;
    if (p == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    memset(p, 0, sizeof(*p));
    p->CHttpModule_iface.lpVtbl = &probe_vtbl;
    *ppModule = &p->CHttpModule_iface;
    return S_OK;
}

static VOID
factory_Terminate(IHttpModuleFactory *This)
{
    (void) This;
    log_line("FACTORY TERMINATE");
    if (log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

/* ---- the global module --------------------------------------------------------------- */

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalStopListening(CGlobalModule *This, IGlobalStopListeningProvider *provider)
{
    (void) This;
    log_line("GL STOP_LISTENING graceful=%d",
             IGlobalStopListeningProvider_DrainRequestsGracefully(provider) ? 1 : 0);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalHealthCheck(CGlobalModule *This)
{
    (void) This;
    log_line("GL HEALTH_CHECK");
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalConfigurationChange(CGlobalModule *This,
                                   IGlobalConfigurationChangeProvider *provider)
{
    PCWSTR path = NULL;
    char text[URL_MAX];

    (void) This;
    IGlobalConfigurationChangeProvider_GetChangePath(provider, &path);
    narrow(path, text, sizeof(text));
    log_line("GL CONFIGURATION_CHANGE %s", text);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalFileChange(CGlobalModule *This, IGlobalFileChangeProvider *provider)
{
    char text[URL_MAX];

    (void) This;
    narrow(IGlobalFileChangeProvider_GetFileName(provider), text, sizeof(text));
    log_line("GL FILE_CHANGE %s", text);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalPreBeginRequest(CGlobalModule *This, IPreBeginRequestProvider *provider)
{
    IHttpContext *ctx = IPreBeginRequestProvider_GetHttpContext(provider);

    (void) This;
    log_line("GL PRE_BEGIN_REQUEST %s", ctx ? var(ctx, "URL") : "(no context)");
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalApplicationStart(CGlobalModule *This, IHttpApplicationStartProvider *provider)
{
    IHttpApplication *app = IHttpApplicationStartProvider_GetApplication(provider);
    char id[URL_MAX];

    (void) This;
    narrow(app ? IHttpApplication_GetApplicationId(app) : NULL, id, sizeof(id));
    log_line("GL APPLICATION_START %s", id);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalApplicationStop(CGlobalModule *This, IHttpApplicationStopProvider *provider)
{
    IHttpApplication *app = IHttpApplicationStopProvider_GetApplication(provider);
    char id[URL_MAX];

    (void) This;
    narrow(app ? IHttpApplication_GetApplicationId(app) : NULL, id, sizeof(id));
    log_line("GL APPLICATION_STOP %s", id);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalTraceEvent(CGlobalModule *This, IGlobalTraceEventProvider *provider)
{
    HTTP_TRACE_EVENT *event = NULL;
    char name[128], data[URL_MAX];

    (void) This;
    if (FAILED(IGlobalTraceEventProvider_GetTraceEvent(provider, &event)) || event == NULL) {
        log_line("GL TRACE_EVENT (no event)");
        return GL_NOTIFICATION_CONTINUE;
    }
    narrow(event->pszEventName, name, sizeof(name));
    data[0] = '\0';
    if (event->cEventItems > 0 && event->pEventItems[0].dwDataType == HTTP_TRACE_TYPE_LPCWSTR
        && event->pEventItems[0].pbData != NULL)
    {
        narrow((PCWSTR) event->pEventItems[0].pbData, data, sizeof(data));
    }
    log_line("GL TRACE_EVENT %s %s", name, data);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalCustomNotification(CGlobalModule *This, ICustomNotificationProvider *provider)
{
    char type[128];

    (void) This;
    narrow(ICustomNotificationProvider_QueryNotificationType(provider), type, sizeof(type));
    log_line("GL CUSTOM_NOTIFICATION %s", type);
    return GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalThreadCleanup(CGlobalModule *This, IGlobalThreadCleanupProvider *provider)
{
    (void) This;
    (void) provider;
    log_line("GL THREAD_CLEANUP");
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
global_Terminate(CGlobalModule *This)
{
    (void) This;
    join_jobs();
    log_line("GL TERMINATE");
}

static const CGlobalModuleVtbl global_vtbl = {
    .OnGlobalStopListening = global_OnGlobalStopListening,
    .OnGlobalHealthCheck = global_OnGlobalHealthCheck,
    .OnGlobalConfigurationChange = global_OnGlobalConfigurationChange,
    .OnGlobalFileChange = global_OnGlobalFileChange,
    .OnGlobalPreBeginRequest = global_OnGlobalPreBeginRequest,
    .OnGlobalApplicationStart = global_OnGlobalApplicationStart,
    .OnGlobalApplicationStop = global_OnGlobalApplicationStop,
    .OnGlobalTraceEvent = global_OnGlobalTraceEvent,
    .OnGlobalCustomNotification = global_OnGlobalCustomNotification,
    .OnGlobalThreadCleanup = global_OnGlobalThreadCleanup,
    .Terminate = global_Terminate,
};

static CGlobalModule global = {&global_vtbl};

#define PROBE_REQUEST                                                                              \
    (0x00000fffu | RQ_SEND_RESPONSE | RQ_MAP_PATH | RQ_READ_ENTITY | RQ_CUSTOM_NOTIFICATION)
#define PROBE_GLOBAL                                                                               \
    (GL_PRE_BEGIN_REQUEST | GL_STOP_LISTENING | GL_APPLICATION_START | GL_APPLICATION_STOP         \
     | GL_THREAD_CLEANUP | GL_HEALTH_CHECK | GL_TRACE_EVENT | GL_CUSTOM_NOTIFICATION               \
     | GL_CONFIGURATION_CHANGE | GL_FILE_CHANGE)

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    const char *path = getenv("GUISE_PROBE_LOG");
    HRESULT hr;

    (void) dwServerVersion;
    if (pGlobalInfo == NULL) {
        return E_INVALIDARG;
    }
    server = pGlobalInfo;
    if (path != NULL && path[0] != '\0') {
        log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (log_fd < 0) {
            return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
        }
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory, PROBE_REQUEST,
                                                             0x00000fffu);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global, PROBE_GLOBAL);
    }
    if (FAILED(hr) && log_fd >= 0) {
        close(log_fd);
        log_fd = -1;
    }
    if (SUCCEEDED(hr)) {
        log_line("REGISTERED");
    }
    return hr;
}
