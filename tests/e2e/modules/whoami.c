/*
 * test_whoami.so: answers GET /whoami, from RQ_AUTHORIZE_REQUEST (once a user is set),
 * with what the public API says of the request's user, one "name=value" line each, for
 * tests/e2e/test_security.py:
 *
 *     user=alice           GetUserName
 *     remote=alice         GetRemoteUserName
 *     type=Basic           GetAuthenticationType
 *     staff=1              IsInRole(L"staff"): 1, 0, or the failing HRESULT
 *     token=1              GetImpersonationToken is not NULL
 *
 * "user=(none)" when no user is set.  Any other URL is left to the other modules.
 */
#include <guise/httpserv.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Wide to narrow, code points above 0x7f as '?': the tests use ASCII names. */
static void
ascii(PCWSTR ws, char *out, size_t cap)
{
    size_t n = 0;

    for (; ws != NULL && *ws != L'\0' && n + 1 < cap; ws++) {
        out[n++] = *ws < 0x80 ? (char) *ws : '?';
    }
    out[n] = '\0';
}

static void
describe(IHttpUser *user, char *body, size_t cap)
{
    char name[256], remote[256], type[64];
    BOOL in_role = FALSE;
    HRESULT hr;

    if (user == NULL) {
        snprintf(body, cap, "user=(none)\n");
        return;
    }
    ascii(IHttpUser_GetUserName(user), name, sizeof(name));
    ascii(IHttpUser_GetRemoteUserName(user), remote, sizeof(remote));
    ascii(IHttpUser_GetAuthenticationType(user), type, sizeof(type));
    hr = IHttpUser_IsInRole(user, L"staff", &in_role);
    if (FAILED(hr)) {
        snprintf(body, cap, "user=%s\nremote=%s\ntype=%s\nstaff=0x%08x\ntoken=%d\n", name, remote,
                 type, (unsigned) hr, IHttpUser_GetImpersonationToken(user) != NULL);
        return;
    }
    snprintf(body, cap, "user=%s\nremote=%s\ntype=%s\nstaff=%d\ntoken=%d\n", name, remote, type,
             in_role ? 1 : 0, IHttpUser_GetImpersonationToken(user) != NULL);
}

static REQUEST_NOTIFICATION_STATUS
whoami_OnAuthorizeRequest(CHttpModule *This, IHttpContext *ctx, IHttpEventProvider *provider)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    char *body = IHttpContext_AllocateRequestMemory(ctx, 1024);
    HTTP_DATA_CHUNK chunk;
    DWORD sent = 0;

    (void) This;
    (void) provider;
    if (body == NULL || wcscmp(IHttpContext_GetScriptName(ctx, NULL), L"/whoami") != 0) {
        return RQ_NOTIFICATION_CONTINUE;
    }
    describe(IHttpContext_GetUser(ctx), body, 1024);
    IHttpResponse_Clear(rsp);
    IHttpResponse_SetHeaderById(rsp, HttpHeaderContentType, "text/plain", 10, TRUE);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG) strlen(body);
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, &sent, NULL);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

static const CHttpModuleVtbl whoami_vtbl = {
    .OnAuthorizeRequest = whoami_OnAuthorizeRequest,
};

static CHttpModule instance = {&whoami_vtbl}; /* no state per request: one for all */

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

GUISE_MODULE_EXPORT HRESULT
RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo *pModuleInfo,
               IHttpServer *pGlobalInfo)
{
    (void) dwServerVersion;
    (void) pGlobalInfo;
    return IHttpModuleRegistrationInfo_SetRequestNotifications(pModuleInfo, &factory,
                                                               RQ_AUTHORIZE_REQUEST, 0);
}
