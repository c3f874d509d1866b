/*
 * AnonymousAuthenticationModule: a request nobody else authenticated gets
 * the anonymous user, whose token is anonymousAuthentication's userName
 * (IIS's IUSR; guise's default is nobody), or the process identity when
 * userName is empty, as IIS allows.  RQ_AUTHENTICATE_REQUEST at priority
 * LOW, so that modules that check credentials go first.
 *
 * The user is made once per thread and configuration section: a request
 * costs a reference, not a user-database lookup.  GL_THREAD_CLEANUP, raised
 * as a loop thread ends, gives the thread's user back.
 */
#include "builtin.h"
#include "core/log.h"
#include "security/http_user.h"
#include "security/identity.h"

#include <errno.h>
#include <string.h>

static IGuiseServer *guise;

/* This thread's anonymous user of the section it was made for. */
static _Thread_local struct {
    ULONGLONG version;
    IHttpUser *user;
} cached;

/* The anonymous user of a section, +1; NULL (logged) when its account does not exist. */
static IHttpUser *
anonymous_user(IGuiseConfigElement *section)
{
    ULONGLONG version = IGuiseConfigElement_GetVersion(section);
    PCSTR name = IGuiseConfigElement_GetAttribute(section, "userName");
    gs_token_t *token;
    int rc;

    if (cached.user != NULL && cached.version == version) {
        IHttpUser_ReferenceUser(cached.user);
        return cached.user;
    }
    if (name == NULL || name[0] == '\0') {
        token = gs_identity_process();
        gs_token_ref(token);
    } else {
        rc = gs_token_for_user(name, &token);
        if (rc != 0) {
            gs_log_error("anonymousAuthentication userName '%s': %s", name,
                         rc == -ENOENT ? "no such user" : strerror(-rc));
            return NULL;
        }
    }
    if (cached.user != NULL) {
        IHttpUser_DereferenceUser(cached.user);
    }
    cached.user = gs_http_user_create(token, "", "", L"");
    cached.version = version;
    IHttpUser_ReferenceUser(cached.user);
    return cached.user;
}

static REQUEST_NOTIFICATION_STATUS
anonymous_OnAuthenticateRequest(CHttpModule *This, IHttpContext *ctx,
                                IAuthenticationProvider *provider)
{
    IGuiseConfigElement *section;
    IHttpUser *user;

    (void) This;
    if (IHttpContext_GetUser(ctx) != NULL
        || FAILED(IGuiseServer_GetConfigSection(
            guise, ctx, "system.webServer/security/authentication/anonymousAuthentication",
            &section))
        || strcmp(IGuiseConfigElement_GetAttribute(section, "enabled"), "true") != 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    user = anonymous_user(section);
    if (user == NULL) {
        IHttpResponse_SetStatus(IHttpContext_GetResponse(ctx), 500, "Internal Server Error", 0,
                                HRESULT_FROM_WIN32(ERROR_LOGON_FAILURE), NULL);
        return RQ_NOTIFICATION_FINISH_REQUEST; /* fail closed: nobody to serve it as */
    }
    IAuthenticationProvider_SetUser(provider, user);
    return RQ_NOTIFICATION_CONTINUE;
}

static const CHttpModuleVtbl anonymous_vtbl = {
    .OnAuthenticateRequest = anonymous_OnAuthenticateRequest,
};

static CHttpModule instance = {&anonymous_vtbl}; /* no state per request: one for all */

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
global_OnGlobalThreadCleanup(CGlobalModule *This, IGlobalThreadCleanupProvider *provider)
{
    (void) This;
    (void) provider;
    if (cached.user != NULL) {
        IHttpUser_DereferenceUser(cached.user);
        cached.user = NULL;
    }
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
gs_register_anonymous_auth(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
                           IHttpServer *pGlobalInfo)
{
    HRESULT hr;

    (void) dwServerVersion;
    hr = HttpGetExtendedInterface(pGlobalInfo, &IID_IHttpServer, pGlobalInfo, &IID_IGuiseServer,
                                  (PVOID *) &guise);
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                                 RQ_AUTHENTICATE_REQUEST, 0);
    }
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForRequestNotification(
            pModuleInfo, RQ_AUTHENTICATE_REQUEST, PRIORITY_ALIAS_LOW);
    }
    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetGlobalNotifications(pModuleInfo, &global,
                                                                GL_THREAD_CLEANUP);
    }
    return hr;
}
