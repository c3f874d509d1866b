/*
 * HttpLoggingModule: the access log in IIS's W3C extended format, with
 * IIS's default fields, written at RQ_LOG_REQUEST from what the public API
 * tells about the request.  The file is the "access-log" setting.
 *
 * Each thread appends to its own buffer under that buffer's mutex, which no
 * other thread takes except the flusher: logging a request costs no system
 * call.  A flusher thread writes every buffer out once a second, and a full
 * buffer is written by its own thread.  Reopening (SIGUSR1) opens the path
 * again and dup2()s it over the descriptor everyone writes to, so writers
 * never see a closed descriptor.  The request for it arrives as the custom
 * global notification GUISE_REOPEN_LOGS.
 */
#include "builtin.h"
#include "core/log.h"
#include "core/util.h"
#include "guise_version.h"

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define BUFFER_SIZE (64 * 1024)
#define FIELD_MAX   2048 /* a longer User-Agent or Referer is cut */

static const char fields[] = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
                             "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
                             "sc-win32-status time-taken\n";

struct tbuf {
    pthread_mutex_t mu;
    struct tbuf *next;
    size_t len;
    time_t second; /* of the cached "date time" text */
    char datetime[20];
    char data[BUFFER_SIZE];
};

static struct {
    pthread_mutex_t mu; /* guards `all`, `running` and the condition */
    pthread_cond_t cv;
    struct tbuf *all;
    int fd;
    char *path; /* NULL for standard output */
    bool running;
    pthread_t flusher;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .fd = -1};

static _Thread_local struct tbuf *mine;
static IHttpServer *server;

static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            gs_log_error("access log write: %s", strerror(errno));
            return;
        }
        p += w;
        n -= (size_t) w;
    }
}

static void
format_datetime(time_t t, char out[20])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
write_directives(int fd)
{
    char text[256], now[20];
    int n;

    format_datetime(time(NULL), now);
    n = snprintf(text, sizeof(text), "#Software: guise %s\n#Version: 1.0\n#Date: %s\n",
                 GUISE_VERSION_STRING, now);
    write_all(fd, text, (size_t) n);
    write_all(fd, fields, sizeof(fields) - 1);
}

static int
open_path(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

    return fd < 0 ? -errno : fd;
}

static void
flush_locked(struct tbuf *b)
{
    if (b->len > 0) {
        write_all(g.fd, b->data, b->len);
        b->len = 0;
    }
}

static void
flush_all(void)
{
    pthread_mutex_lock(&g.mu);
    for (struct tbuf *b = g.all; b != NULL; b = b->next) {
        pthread_mutex_lock(&b->mu);
        flush_locked(b);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&g.mu);
}

static void *
flusher(void *arg)
{
    struct timespec deadline;

    (void) arg;
    pthread_mutex_lock(&g.mu);
    while (g.running) {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 1;
        pthread_cond_timedwait(&g.cv, &g.mu, &deadline);
        pthread_mutex_unlock(&g.mu);
        flush_all();
        pthread_mutex_lock(&g.mu);
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

static int
log_open(const char *path)
{
    int rc;

    if (strcmp(path, "-") == 0) {
        g.fd = STDOUT_FILENO;
    } else {
        rc = open_path(path);
        if (rc < 0) {
            gs_log_error("cannot open access log '%s': %s", path, strerror(-rc));
            return rc;
        }
        g.fd = rc;
        g.path = gs_xstrdup(path);
    }
    write_directives(g.fd);
    g.running = true;
    rc = pthread_create(&g.flusher, NULL, flusher, NULL);
    if (rc != 0) {
        g.running = false;
        gs_log_error("cannot start the access log flusher: %s", strerror(rc));
        return -rc;
    }
    return 0;
}

static void
log_reopen(void)
{
    int fd;

    if (g.path == NULL) {
        return;
    }
    fd = open_path(g.path);
    if (fd < 0) {
        gs_log_error("cannot reopen access log '%s': %s; still writing the old file", g.path,
                     strerror(-fd));
        return;
    }
    flush_all(); /* what was logged before the signal goes to the old file */
    write_directives(fd);
    if (dup2(fd, g.fd) < 0) {
        gs_log_error("cannot switch access log: %s", strerror(errno));
    }
    close(fd);
    gs_log_info("access log reopened: %s", g.path);
}

static void
log_close(void)
{
    if (g.fd < 0) {
        return;
    }
    pthread_mutex_lock(&g.mu);
    g.running = false;
    pthread_cond_signal(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(g.flusher, NULL);
    flush_all();
    while (g.all != NULL) {
        struct tbuf *b = g.all;

        g.all = b->next;
        pthread_mutex_destroy(&b->mu);
        free(b);
    }
    if (g.fd != STDOUT_FILENO) {
        close(g.fd);
    }
    g.fd = -1;
    free(g.path);
    g.path = NULL;
}

static struct tbuf *
thread_buffer(void)
{
    if (mine == NULL) {
        mine = gs_xmalloc(sizeof(*mine));
        pthread_mutex_init(&mine->mu, NULL);
        mine->len = 0;
        mine->second = -1;
        pthread_mutex_lock(&g.mu);
        mine->next = g.all;
        g.all = mine;
        pthread_mutex_unlock(&g.mu);
    }
    return mine;
}

/* A W3C field: '-' when empty, spaces as '+' (as IIS writes them), no control bytes. */
static char *
put_field(char *p, const char *s, size_t n)
{
    if (s == NULL || n == 0) {
        *p++ = '-';
        return p;
    }
    if (n > FIELD_MAX) {
        n = FIELD_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) s[i];

        *p++ = (ch <= ' ' || ch == 0x7f) ? '+' : (char) ch;
    }
    return p;
}

static char *
put_uint(char *p, unsigned long long v)
{
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}

/* The address part of a socket address ("127.0.0.1", "::1"). */
static const char *
host_text(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
    if (sa->sa_family == AF_INET) {
        /* By hand: inet_ntop formats IPv4 through sprintf, twice per line. */
        const unsigned char *b =
            (const unsigned char *) &((const struct sockaddr_in *) sa)->sin_addr;
        char *p = out;

        for (int i = 0; i < 4; i++) {
            p = put_uint(p, b[i]);
            *p++ = i < 3 ? '.' : '\0';
        }
        return out;
    }
    if (inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, out, INET6_ADDRSTRLEN)
        == NULL)
    {
        strcpy(out, "-");
    }
    return out;
}

static unsigned
port_of(const struct sockaddr *sa)
{
    return ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *) sa)->sin6_port
                                           : ((const struct sockaddr_in *) sa)->sin_port);
}

static char *
put_text(char *p, const char *s)
{
    return put_field(p, s, s ? strlen(s) : 0);
}

static char *
put_header(char *p, IHttpRequest *req, HTTP_HEADER_ID id)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, id, &n);

    return put_field(p, v, n);
}

/* cs-username: the user's name, UTF-8; '-' for anonymous. */
static char *
put_user(char *p, IHttpContext *ctx)
{
    IHttpUser *user = IHttpContext_GetUser(ctx);
    PCWSTR name = user ? IHttpUser_GetUserName(user) : NULL;
    char text[256];
    size_t n = 0;

    if (name != NULL) {
        for (; name[n] != L'\0' && n + 1 < sizeof(text); n++) {
            text[n] = name[n] < 128 ? (char) name[n] : '?';
        }
    }
    return put_field(p, text, n);
}

static void
write_line(IHttpContext *ctx)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    IHttpContext4 *ctx4 = NULL;
    struct tbuf *b;
    char sip[INET6_ADDRSTRLEN], cip[INET6_ADDRSTRLEN];
    char line[7 * FIELD_MAX + 256], *p = line;
    PCSTR url = NULL, query = NULL;
    DWORD url_len = 0, query_len = 0;
    const char *q;
    USHORT status = 0, substatus = 0;
    HRESULT hr = S_OK;
    DWORD win32;
    time_t now = time(NULL);

    IHttpContext_GetServerVariable(ctx, "UNENCODED_URL", &url, &url_len);
    IHttpContext_GetServerVariable(ctx, "QUERY_STRING", &query, &query_len);
    q = url ? memchr(url, '?', url_len) : NULL;
    IHttpResponse_GetStatus(rsp, &status, &substatus, NULL, NULL, &hr, NULL, NULL, NULL);
    /* sc-win32-status: the Win32 code inside a Win32 HRESULT, as IIS writes it. */
    win32 = ((DWORD) hr & 0xffff0000u) == 0x80070000u ? (DWORD) hr & 0xffff : (DWORD) hr;
    HttpGetExtendedInterface(server, &IID_IHttpContext, ctx, &IID_IHttpContext4, (PVOID *) &ctx4);

    b = thread_buffer();
    pthread_mutex_lock(&b->mu);
    if (b->second != now) {
        b->second = now;
        format_datetime(now, b->datetime);
    }
    memcpy(p, b->datetime, 19); /* "date time": two fields */
    p += 19;
    *p++ = ' ';
    p = put_text(p, host_text(IHttpRequest_GetLocalAddress(req), sip));
    *p++ = ' ';
    p = put_text(p, IHttpRequest_GetHttpMethod(req));
    *p++ = ' ';
    p = put_field(p, url, q ? (size_t) (q - url) : url_len);
    *p++ = ' ';
    p = put_field(p, query, query_len);
    *p++ = ' ';
    p = put_uint(p, port_of(IHttpRequest_GetLocalAddress(req)));
    *p++ = ' ';
    p = put_user(p, ctx);
    *p++ = ' ';
    p = put_text(p, host_text(IHttpRequest_GetRemoteAddress(req), cip));
    *p++ = ' ';
    p = put_header(p, req, HttpHeaderUserAgent);
    *p++ = ' ';
    p = put_header(p, req, HttpHeaderReferer);
    *p++ = ' ';
    p = put_uint(p, status);
    *p++ = ' ';
    p = put_uint(p, substatus);
    *p++ = ' ';
    p = put_uint(p, win32);
    *p++ = ' ';
    p = put_uint(p, ctx4 ? IHttpContext4_GetRequestElapsedTime(ctx4) : 0);
    *p++ = '\n';

    if (b->len + (size_t) (p - line) > sizeof(b->data)) {
        flush_locked(b);
    }
    memcpy(b->data + b->len, line, (size_t) (p - line));
    b->len += (size_t) (p - line);
    pthread_mutex_unlock(&b->mu);
}

/* ---- the module ---------------------------------------------------------- */

static REQUEST_NOTIFICATION_STATUS
logging_OnLogRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    (void) This;
    (void) provider;
    write_line(ctx);
    return RQ_NOTIFICATION_CONTINUE;
}

static const CHttpModuleVtbl logging_vtbl = {.OnLogRequest = logging_OnLogRequest};

static CHttpModule instance = {&logging_vtbl}; /* no state per request */

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
}

static const IHttpModuleFactoryVtbl factory_vtbl = {
    .GetHttpModule = factory_GetHttpModule,
    .Terminate = factory_Terminate,
};

static IHttpModuleFactory factory = {&factory_vtbl};

static GLOBAL_NOTIFICATION_STATUS
global_OnGlobalCustomNotification(CGlobalModule *This, ICustomNotificationProvider *provider)
{
    PCWSTR type = ICustomNotificationProvider_QueryNotificationType(provider);

    (void) This;
    if (type != NULL && wcscmp(type, GUISE_REOPEN_LOGS) == 0) {
        log_reopen();
    }
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
global_Terminate(CGlobalModule *This)
{
    (void) This;
    log_close(); /* after the last request: every line is written */
}

static const CGlobalModuleVtbl global_vtbl = {
    .OnGlobalCustomNotification = global_OnGlobalCustomNotification,
    .Terminate = global_Terminate,
};

static CGlobalModule global = {&global_vtbl};

HRESULT
gs_register_http_logging(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                         IHttpServer *pGlobalInfo)
{
    IGuiseServer *guise = NULL;
    PCSTR path;
    HRESULT hr;

    (void) dwServerVersion;
    server = pGlobalInfo;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (FAILED(hr)) {
        return hr;
    }
    path = IGuiseServer_GetSetting(guise, "access-log");
    if (path == NULL) {
        return S_OK; /* no log: the module stays, subscribed to nothing, costing nothing */
    }
    if (log_open(path) != 0) {
        return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory, RQ_LOG_REQUEST,
                                                             0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global,
                                                                GL_CUSTOM_NOTIFICATION);
    }
    if (FAILED(hr)) {
        log_close();
    }
    return hr;
}
