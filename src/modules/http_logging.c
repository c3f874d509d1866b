/*
 * HttpLoggingModule: the access log in IIS's W3C extended format, one line
 * per request at RQ_LOG_REQUEST, from what the public API tells about it.
 * Where: the command line's --log (the "access-log" setting) for every
 * site, else each site's logFile (directory, period, logExtFileFlags, as
 * siteDefaults and the site set them).  Whether: httpLogging (dontLog,
 * selectiveLogging) for the URL.  Files and buffering are w3c_file.c's.
 * SIGUSR1 arrives as the custom global notification GUISE_REOPEN_LOGS.
 */
#include "builtin.h"
#include "w3c_file.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define FIELD_MAX 2048 /* a longer User-Agent, Referer or Cookie is cut */

/* IIS's field order in a W3C line, and the logExtFileFlags naming each. */
static const struct field {
    const char *flag, *name;
} fields[] = {
    {"Date", "date"},
    {"Time", "time"},
    {"SiteName", "s-sitename"},
    {"ComputerName", "s-computername"},
    {"ServerIP", "s-ip"},
    {"Method", "cs-method"},
    {"UriStem", "cs-uri-stem"},
    {"UriQuery", "cs-uri-query"},
    {"ServerPort", "s-port"},
    {"UserName", "cs-username"},
    {"ClientIP", "c-ip"},
    {"ProtocolVersion", "cs-version"},
    {"UserAgent", "cs(User-Agent)"},
    {"Cookie", "cs(Cookie)"},
    {"Referer", "cs(Referer)"},
    {"Host", "cs-host"},
    {"HttpStatus", "sc-status"},
    {"HttpSubStatus", "sc-substatus"},
    {"Win32Status", "sc-win32-status"},
    {"TimeTaken", "time-taken"},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char default_flags[] = "Date, Time, ClientIP, UserName, ServerIP, Method, UriStem, "
                                    "UriQuery, HttpStatus, Win32Status, TimeTaken, ServerPort, "
                                    "UserAgent, Referer, HttpSubStatus";

static IHttpServer *server;
static IGuiseServer *guise;
static char *fixed_path; /* --log: one file for every site */
static char computer_name[256];

/* Where a site's lines go, found once per thread, sites section and site. */
struct destination {
    ULONGLONG version;
    DWORD site;
    gs_w3c_target_t *target; /* NULL: logging is off for the site */
    uint32_t mask;
};

static _Thread_local struct destination last;

static uint32_t
mask_of(const char *flags)
{
    uint32_t mask = 0;

    for (size_t i = 0; i < NFIELDS; i++) {
        size_t n = strlen(fields[i].flag);

        for (const char *p = flags; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
            while (*p == ' ') {
                p++;
            }
            if (strncasecmp(p, fields[i].flag, n) == 0 && (p[n] == ',' || p[n] == ' ' || !p[n])) {
                mask |= 1u << i;
            }
        }
    }
    return mask;
}

static void
fields_line(uint32_t mask, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    for (size_t i = 0; i < NFIELDS; i++) {
        if (mask & (1u << i)) {
            n += (size_t) snprintf(out + n, size - n, "%s%s", n ? " " : "", fields[i].name);
        }
    }
}

static gs_w3c_period_t
period_of(const char *text)
{
    if (strcmp(text, "Hourly") == 0) {
        return GS_W3C_HOURLY;
    }
    if (strcmp(text, "Monthly") == 0) {
        return GS_W3C_MONTHLY;
    }
    return GS_W3C_DAILY;
}

static struct destination *
destination(IHttpContext *ctx)
{
    IHttpSite *site = IHttpContext_GetSite(ctx);
    DWORD id = site ? IHttpSite_GetSiteId(site) : 0;
    IGuiseConfigElement *sites = NULL, *log = NULL;
    ULONGLONG version;
    char line[1024], idtext[16];

    if (FAILED(IGuiseServer_GetConfigSection(guise, ctx, "system.applicationHost/sites", &sites))) {
        return NULL;
    }
    version = IGuiseConfigElement_GetVersion(sites);
    if (last.version == version && last.site == id) {
        return &last;
    }
    last.version = version;
    last.site = id;
    last.target = NULL;
    if (fixed_path != NULL) {
        last.mask = mask_of(default_flags);
        fields_line(last.mask, line, sizeof(line));
        last.target = gs_w3c_target(fixed_path, GS_W3C_FIXED, 0, line);
        return &last;
    }
    snprintf(idtext, sizeof(idtext), "%u", (unsigned) id);
    for (DWORD i = 0; i < IGuiseConfigElement_GetChildCount(sites); i++) {
        IGuiseConfigElement *s = IGuiseConfigElement_GetChild(sites, i);
        PCSTR sid = IGuiseConfigElement_GetAttribute(s, "id");

        if (sid != NULL && strcmp(sid, idtext) == 0) {
            log = IGuiseConfigElement_GetChildByName(s, "logFile");
        }
    }
    if (log != NULL && strcmp(IGuiseConfigElement_GetAttribute(log, "enabled"), "true") == 0) {
        last.mask = mask_of(IGuiseConfigElement_GetAttribute(log, "logExtFileFlags"));
        fields_line(last.mask, line, sizeof(line));
        last.target =
            gs_w3c_target(IGuiseConfigElement_GetAttribute(log, "directory"),
                          period_of(IGuiseConfigElement_GetAttribute(log, "period")), id, line);
    }
    return &last;
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
put_text(char *p, const char *s)
{
    return put_field(p, s, s ? strlen(s) : 0);
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

static char *
put_address(char *p, const struct sockaddr *sa)
{
    char text[INET6_ADDRSTRLEN];

    if (sa->sa_family == AF_INET) {
        /* By hand: inet_ntop formats IPv4 through sprintf, twice per line. */
        const unsigned char *b =
            (const unsigned char *) &((const struct sockaddr_in *) sa)->sin_addr;

        for (int i = 0; i < 4; i++) {
            p = put_uint(p, b[i]);
            if (i < 3) {
                *p++ = '.';
            }
        }
        return p;
    }
    if (inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, text, sizeof(text))
        == NULL) {
        return put_field(p, NULL, 0);
    }
    return put_text(p, text);
}

static unsigned
port_of(const struct sockaddr *sa)
{
    return ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *) sa)->sin6_port
                                           : ((const struct sockaddr_in *) sa)->sin_port);
}

static char *
put_header(char *p, IHttpRequest *req, HTTP_HEADER_ID id)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, id, &n);

    return put_field(p, v, n);
}

/* A wide name as UTF-8-ish ASCII: what is not ASCII becomes '?'. */
static char *
put_wide(char *p, PCWSTR w)
{
    char text[256];
    size_t n = 0;

    for (; w != NULL && w[n] != L'\0' && n + 1 < sizeof(text); n++) {
        text[n] = w[n] > 0 && w[n] < 128 ? (char) w[n] : '?';
    }
    return put_field(p, text, n);
}

/* One line, the fields in IIS's order, as the mask says. */
static size_t
format(IHttpContext *ctx, uint32_t mask, time_t now, char *line)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    IHttpContext4 *ctx4 = NULL;
    IHttpUser *user = IHttpContext_GetUser(ctx);
    IHttpSite *site = IHttpContext_GetSite(ctx);
    PCSTR url = NULL, query = NULL;
    DWORD url_len = 0, query_len = 0;
    const char *q;
    USHORT status = 0, substatus = 0, major = 1, minor = 1;
    HRESULT hr = S_OK;
    char *p = line, date[24];
    struct tm tm;

    IHttpContext_GetServerVariable(ctx, "UNENCODED_URL", &url, &url_len);
    IHttpContext_GetServerVariable(ctx, "QUERY_STRING", &query, &query_len);
    q = url ? memchr(url, '?', url_len) : NULL;
    IHttpResponse_GetStatus(rsp, &status, &substatus, NULL, NULL, &hr, NULL, NULL, NULL);
    IHttpRequest_GetHttpVersion(req, &major, &minor);
    gmtime_r(&now, &tm);
    for (size_t i = 0; i < NFIELDS; i++) {
        if (!(mask & (1u << i))) {
            continue;
        }
        if (p != line) {
            *p++ = ' ';
        }
        switch (i) {
        case 0:
            strftime(date, sizeof(date), "%Y-%m-%d", &tm);
            p = put_text(p, date);
            break;
        case 1:
            strftime(date, sizeof(date), "%H:%M:%S", &tm);
            p = put_text(p, date);
            break;
        case 2: {
            char name[24];

            snprintf(name, sizeof(name), "W3SVC%u",
                     site ? (unsigned) IHttpSite_GetSiteId(site) : 0);
            p = put_text(p, name);
            break;
        }
        case 3:
            p = put_text(p, computer_name);
            break;
        case 4:
            p = put_address(p, IHttpRequest_GetLocalAddress(req));
            break;
        case 5:
            p = put_text(p, IHttpRequest_GetHttpMethod(req));
            break;
        case 6:
            p = put_field(p, url, q ? (size_t) (q - url) : url_len);
            break;
        case 7:
            p = put_field(p, query, query_len);
            break;
        case 8:
            p = put_uint(p, port_of(IHttpRequest_GetLocalAddress(req)));
            break;
        case 9:
            p = put_wide(p, user ? IHttpUser_GetUserName(user) : NULL);
            break;
        case 10:
            p = put_address(p, IHttpRequest_GetRemoteAddress(req));
            break;
        case 11: {
            char version[32];

            snprintf(version, sizeof(version), "HTTP/%u.%u", major, minor);
            p = put_text(p, version);
            break;
        }
        case 12:
            p = put_header(p, req, HttpHeaderUserAgent);
            break;
        case 13:
            p = put_header(p, req, HttpHeaderCookie);
            break;
        case 14:
            p = put_header(p, req, HttpHeaderReferer);
            break;
        case 15:
            p = put_header(p, req, HttpHeaderHost);
            break;
        case 16:
            p = put_uint(p, status);
            break;
        case 17:
            p = put_uint(p, substatus);
            break;
        case 18:
            /* The Win32 code inside a Win32 HRESULT, as IIS writes it. */
            p = put_uint(p, ((DWORD) hr & 0xffff0000u) == 0x80070000u ? (DWORD) hr & 0xffff
                                                                      : (DWORD) hr);
            break;
        case 19:
            HttpGetExtendedInterface(server, &IID_IHttpContext, ctx, &IID_IHttpContext4,
                                     (PVOID *) &ctx4);
            p = put_uint(p, ctx4 ? IHttpContext4_GetRequestElapsedTime(ctx4) : 0);
            break;
        }
    }
    *p++ = '\n';
    return (size_t) (p - line);
}

/* httpLogging for the URL: dontLog, selectiveLogging. */
static bool
wanted(IHttpContext *ctx)
{
    IGuiseConfigElement *sec = NULL;
    USHORT status = 0;
    PCSTR which;

    if (FAILED(IGuiseServer_GetConfigSection(guise, ctx, "system.webServer/httpLogging", &sec))) {
        return true;
    }
    if (strcmp(IGuiseConfigElement_GetAttribute(sec, "dontLog"), "true") == 0) {
        return false;
    }
    which = IGuiseConfigElement_GetAttribute(sec, "selectiveLogging");
    IHttpResponse_GetStatus(IHttpContext_GetResponse(ctx), &status, NULL, NULL, NULL, NULL, NULL,
                            NULL, NULL);
    if (strcmp(which, "LogSuccessful") == 0) {
        return status < 400;
    }
    if (strcmp(which, "LogError") == 0) {
        return status >= 400;
    }
    return true;
}

static REQUEST_NOTIFICATION_STATUS
logging_OnLogRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    struct destination *d;
    char line[NFIELDS * (FIELD_MAX + 1) + 256];
    time_t now = time(NULL);

    (void) This;
    (void) provider;
    if (IHttpContext_GetSite(ctx) == NULL || !wanted(ctx)) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    d = destination(ctx);
    if (d != NULL && d->target != NULL) {
        gs_w3c_append(d->target, now, line, format(ctx, d->mask, now, line));
    }
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
        gs_w3c_reopen_all();
    }
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
global_Terminate(CGlobalModule *This)
{
    (void) This;
    gs_w3c_close_all(); /* after the last request: every line is written */
    free(fixed_path);
    fixed_path = NULL;
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
    PCSTR path;
    HRESULT hr;

    (void) dwServerVersion;
    server = pGlobalInfo;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (FAILED(hr)) {
        return hr;
    }
    gethostname(computer_name, sizeof(computer_name) - 1);
    path = IGuiseServer_GetSetting(guise, "access-log");
    if (path != NULL) {
        char line[512];

        /* Opened now, so that a bad --log stops start-up with one line. */
        fields_line(mask_of(default_flags), line, sizeof(line));
        if (gs_w3c_target(path, GS_W3C_FIXED, 0, line) == NULL) {
            gs_w3c_close_all();
            return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
        }
        fixed_path = gs_xstrdup(path);
    } else if (IGuiseServer_GetSetting(guise, "config") == NULL) {
        return S_OK; /* the embedded default without --log: no log, no cost */
    }
    hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory, RQ_LOG_REQUEST,
                                                             0);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global,
                                                                GL_CUSTOM_NOTIFICATION);
    }
    if (FAILED(hr)) {
        global_Terminate(&global);
    }
    return hr;
}
