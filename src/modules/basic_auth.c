/*
 * BasicAuthenticationModule (RFC 7617).  RQ_AUTHENTICATE_REQUEST at
 * priority MEDIUM: credentials in "Authorization: Basic ..." are checked by
 * a PAM logon on the logon pool while the request waits (PENDING), then the
 * user is set, or the request ends with 401.1.  A malformed header is 400.
 * RQ_SEND_RESPONSE adds the challenge, WWW-Authenticate: Basic realm="...",
 * charset="UTF-8", to every 401 of a URL where Basic is enabled (401.2 when
 * nobody authenticated, 401.3 when the file system said no).
 *
 * Like AnonymousAuthenticationModule it reaches into guise's security
 * functions (the logon pool, users): the public API offers logon only as
 * IHttpServer2_GetToken, which blocks.
 */
#include "builtin.h"
#include "cache/token_cache.h"
#include "core/log.h"
#include "core/util.h"
#include "security/basic_credentials.h"
#include "security/http_user.h"
#include "security/logon.h"
#include "security/password_hash.h"
#include "security/token_entry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BASIC_SECTION "system.webServer/security/authentication/basicAuthentication"

static IGuiseServer *guise;

/* A request's; what a logon needs is kept only when the cache missed. */
struct basic {
    CHttpModule CHttpModule_iface;
    IHttpContext *ctx;
    char *remote_name;                   /* as the client gave it */
    char *account;                       /* the account logged on: the cache entry's */
    char hash[GS_PASSWORD_HASH_HEX + 1]; /* of the password, for the cache entry */
    DWORD method;
    uint64_t generation; /* the TOKEN cache's, when the logon began */
    /* set by the logon thread, read on the loop after the completion */
    gs_logon_result_t result;
    gs_token_t *token;
};

/*
 * This thread's last user: a user returning with the same cache entry and
 * the same name costs a reference, not a new IHttpUser.  The entry is
 * referenced, so its address cannot be another entry's; the cache decides
 * every time whether it is still good.  GL_THREAD_CLEANUP lets go of it.
 */
static _Thread_local struct {
    IHttpTokenEntry *entry;
    IHttpUser *user;
    char remote_name[GS_BASIC_MAX_FIELD + 1];
} last;

static void
forget_last(void)
{
    if (last.user != NULL) {
        IHttpUser_DereferenceUser(last.user);
        IHttpTokenEntry_DereferenceCacheData(last.entry);
        last.user = NULL;
        last.entry = NULL;
    }
}

static DWORD
logon_method(PCSTR text)
{
    if (strcmp(text, "Interactive") == 0) {
        return LOGON32_LOGON_INTERACTIVE;
    }
    if (strcmp(text, "Batch") == 0) {
        return LOGON32_LOGON_BATCH;
    }
    if (strcmp(text, "Network") == 0) {
        return LOGON32_LOGON_NETWORK;
    }
    return LOGON32_LOGON_NETWORK_CLEARTEXT;
}

/*
 * "DOMAIN\user": Linux accounts have no domain.  The domain may be the
 * configured defaultLogonDomain or this machine's name, and is then dropped;
 * any other domain is an account that does not exist here.  NULL for that.
 */
static const char *
account_of(const char *name, PCSTR default_domain)
{
    const char *slash = strrchr(name, '\\');
    char host[256] = "";
    size_t n;

    if (slash == NULL) {
        return name;
    }
    n = (size_t) (slash - name);
    gethostname(host, sizeof(host) - 1);
    if ((default_domain[0] != '\0' && strlen(default_domain) == n
         && strncasecmp(name, default_domain, n) == 0)
        || (strlen(host) == n && strncasecmp(name, host, n) == 0))
    {
        return slash + 1;
    }
    return NULL;
}

/* On a logon thread (or the watchdog): keep the answer, wake the request on its loop. */
static void
logon_done(void *arg, gs_logon_result_t result, gs_token_t *token, const char *reason)
{
    struct basic *m = arg;

    (void) reason;
    m->result = result;
    m->token = token;
    IHttpContext_PostCompletion(m->ctx, 0);
}

/*
 * A section's settings, read once per thread and section version (a request
 * holds its configuration, so the strings of the same version are alive).
 */
struct settings {
    ULONGLONG version;
    bool enabled;
    PCSTR domain;
    DWORD method;
};

static _Thread_local struct settings settings_cache;

static const struct settings *
settings_of(IGuiseConfigElement *section)
{
    ULONGLONG version = IGuiseConfigElement_GetVersion(section);

    if (settings_cache.version != version || version == 0) {
        settings_cache.version = version;
        settings_cache.enabled =
            strcmp(IGuiseConfigElement_GetAttribute(section, "enabled"), "true") == 0;
        settings_cache.domain = IGuiseConfigElement_GetAttribute(section, "defaultLogonDomain");
        settings_cache.method =
            logon_method(IGuiseConfigElement_GetAttribute(section, "logonMethod"));
    }
    return &settings_cache;
}

/* The request's user: the token of a (cached) logon entry. */
static void
set_user(IAuthenticationProvider *provider, IHttpTokenEntry *entry, const char *remote_name)
{
    gs_token_t *token;

    if (last.entry != entry || strcmp(last.remote_name, remote_name) != 0) {
        forget_last();
        token = gs_token_entry_token(entry); /* the cache answers with its own entries only */
        gs_token_ref(token);
        last.user = gs_http_user_create(token, token->name, remote_name, L"Basic");
        last.entry = entry;
        IHttpTokenEntry_ReferenceCacheData(entry);
        snprintf(last.remote_name, sizeof(last.remote_name), "%s", remote_name);
    }
    IHttpUser_ReferenceUser(last.user);
    IAuthenticationProvider_SetUser(provider, last.user);
}

static REQUEST_NOTIFICATION_STATUS
fail(IHttpContext *ctx, USHORT status, USHORT substatus, DWORD win32)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, status, NULL, substatus, HRESULT_FROM_WIN32(win32), NULL);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static REQUEST_NOTIFICATION_STATUS
basic_OnAuthenticateRequest(CHttpModule *This, IHttpContext *ctx, IAuthenticationProvider *provider)
{
    struct basic *m = gs_container_of(This, struct basic, CHttpModule_iface);
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IGuiseConfigElement *section;
    char user[GS_BASIC_MAX_FIELD + 1], password[GS_BASIC_MAX_FIELD + 1];
    const struct settings *settings;
    const char *account;
    const gs_sockaddr_t *client;
    IHttpTokenEntry *entry;
    USHORT len = 0;
    PCSTR value;

    if (IHttpContext_GetUser(ctx) != NULL
        || FAILED(IGuiseServer_GetConfigSection(guise, ctx, BASIC_SECTION, &section)))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    settings = settings_of(section);
    if (!settings->enabled) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    value = IHttpRequest_GetHeaderById(req, HttpHeaderAuthorization, &len);
    if (value == NULL) {
        return RQ_NOTIFICATION_CONTINUE; /* anonymous, or 401.2 and the challenge */
    }
    switch (gs_basic_parse(value, len, user, password)) {
    case GS_BASIC_OTHER_SCHEME:
        return RQ_NOTIFICATION_CONTINUE;
    case GS_BASIC_MALFORMED:
    case GS_BASIC_TOO_LONG:
        return fail(ctx, 400, 0, ERROR_INVALID_DATA);
    case GS_BASIC_OK:
        break;
    }
    account = account_of(user, settings->domain);
    if (account == NULL || account[0] == '\0') {
        explicit_bzero(password, strlen(password));
        gs_log_info("logon of '%s' failed: no such account here", user);
        return fail(ctx, 401, 1, ERROR_LOGON_FAILURE);
    }
    m->method = settings->method;
    gs_password_hash(account, password, m->hash);
    client = (const gs_sockaddr_t *) IHttpRequest_GetRemoteAddress(req);
    entry =
        gs_token_cache_find(account, m->hash, m->method, client, IHttpContext_GetTraceContext(ctx));
    if (entry != NULL) {
        explicit_bzero(password, strlen(password));
        set_user(provider, entry, user);
        IHttpTokenEntry_DereferenceCacheData(entry);
        return RQ_NOTIFICATION_CONTINUE;
    }
    m->remote_name = gs_xstrdup(user);
    m->account = gs_xstrdup(account);
    m->generation = gs_token_cache_generation();
    m->ctx = ctx;
    gs_logon_start(account, password, m->method, client, logon_done, m);
    explicit_bzero(password, strlen(password));
    return RQ_NOTIFICATION_PENDING;
}

static REQUEST_NOTIFICATION_STATUS
basic_OnAsyncCompletion(CHttpModule *This, IHttpContext *ctx, DWORD dwNotification,
                        BOOL fPostNotification, IHttpEventProvider *provider,
                        IHttpCompletionInfo *info)
{
    struct basic *m = gs_container_of(This, struct basic, CHttpModule_iface);
    gs_token_t *token = m->token;
    IHttpTokenEntry *entry;

    (void) dwNotification;
    (void) fPostNotification;
    (void) info;
    m->token = NULL;
    switch (m->result) {
    case GS_LOGON_OK:
        entry = gs_token_entry_create(token, m->account, m->hash, m->method);
        gs_token_cache_add(entry, m->generation, IHttpContext_GetTraceContext(ctx));
        /* The provider of RQ_AUTHENTICATE_REQUEST comes back with its completion. */
        set_user((IAuthenticationProvider *) provider, entry, m->remote_name);
        IHttpTokenEntry_DereferenceCacheData(entry);
        return RQ_NOTIFICATION_CONTINUE;
    case GS_LOGON_TIMEOUT:
        fail(ctx, 503, 0, ERROR_TIMEOUT);
        IHttpResponse_SetHeader(IHttpContext_GetResponse(ctx), "Retry-After", "5", 1, TRUE);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    case GS_LOGON_ERROR:
        return fail(ctx, 500, 0, ERROR_LOGON_FAILURE);
    case GS_LOGON_REFUSED:
        return fail(ctx, 401, 1, ERROR_ACCOUNT_DISABLED);
    default:
        return fail(ctx, 401, 1, ERROR_LOGON_FAILURE); /* throttled looks like any failure */
    }
}

/* realm as a quoted-string: '"' and '\' escaped, control characters dropped. */
static size_t
quote(char *out, size_t cap, const char *s)
{
    size_t n = 0;

    for (; *s != '\0' && n + 3 < cap; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f) {
            continue;
        }
        if (*s == '"' || *s == '\\') {
            out[n++] = '\\';
        }
        out[n++] = *s;
    }
    out[n] = '\0';
    return n;
}

static REQUEST_NOTIFICATION_STATUS
basic_OnSendResponse(CHttpModule *This, IHttpContext *ctx, ISendResponseProvider *provider)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    IGuiseConfigElement *section;
    USHORT status = 0, len = 0;
    char realm[512], value[600];
    PCSTR configured;
    int n;

    (void) This;
    if (!ISendResponseProvider_GetHeadersBeingSent(provider)) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    IHttpResponse_GetStatus(rsp, &status, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (status != 401 || FAILED(IGuiseServer_GetConfigSection(guise, ctx, BASIC_SECTION, &section))
        || strcmp(IGuiseConfigElement_GetAttribute(section, "enabled"), "true") != 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    configured = IGuiseConfigElement_GetAttribute(section, "realm");
    if (configured == NULL || configured[0] == '\0') {
        /* IIS's default realm: the host the client asked for. */
        PCSTR host = IHttpRequest_GetHeaderById(IHttpContext_GetRequest(ctx), HttpHeaderHost, &len);

        snprintf(value, sizeof(value), "%.*s", host ? (int) len : 0, host ? host : "");
        configured = value;
    }
    quote(realm, sizeof(realm), configured);
    n = snprintf(value, sizeof(value), "Basic realm=\"%s\", charset=\"UTF-8\"", realm);
    IHttpResponse_SetHeader(rsp, "WWW-Authenticate", value, (USHORT) n, FALSE);
    return RQ_NOTIFICATION_CONTINUE;
}

static VOID
basic_Dispose(CHttpModule *This)
{
    struct basic *m = gs_container_of(This, struct basic, CHttpModule_iface);

    gs_token_unref(m->token); /* an answer nobody took (the request ended first) */
    m->token = NULL;
    free(m->remote_name);
    free(m->account);
    m->remote_name = m->account = NULL;
    explicit_bzero(m->hash, sizeof(m->hash));
}

static const CHttpModuleVtbl basic_vtbl = {
    .OnAuthenticateRequest = basic_OnAuthenticateRequest,
    .OnSendResponse = basic_OnSendResponse,
    .OnAsyncCompletion = basic_OnAsyncCompletion,
    .Dispose = basic_Dispose,
};

static HRESULT
factory_GetHttpModule(IHttpModuleFactory *This, CHttpModule **ppModule, IModuleAllocator *alloc)
{
    struct basic *m = IModuleAllocator_AllocateMemory(alloc, sizeof(*m));

    (void) This;
    if (m == NULL) {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    m->CHttpModule_iface.lpVtbl = &basic_vtbl;
    m->ctx = NULL;
    m->remote_name = m->account = NULL;
    m->token = NULL;
    *ppModule = &m->CHttpModule_iface;
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
global_OnGlobalThreadCleanup(CGlobalModule *This, IGlobalThreadCleanupProvider *provider)
{
    (void) This;
    (void) provider;
    forget_last();
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
global_Terminate(CGlobalModule *This)
{
    (void) This;
}

static const CGlobalModuleVtbl global_vtbl = {
    .OnGlobalThreadCleanup = global_OnGlobalThreadCleanup,
    .Terminate = global_Terminate,
};

static CGlobalModule global = {&global_vtbl};

HRESULT
gs_register_basic_auth(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                       IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(
            pModuleInfo, &factory, RQ_AUTHENTICATE_REQUEST | RQ_SEND_RESPONSE, 0);
    }
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global,
                                                                GL_THREAD_CLEANUP);
    }
    return hr;
}
