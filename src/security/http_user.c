#include "http_user.h"
#include "core/util.h"
#include "core/wide.h"

#include <grp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct http_user {
    IHttpUser IHttpUser_iface;
    atomic_uint refs;
    gs_token_t *token;
    wchar_t *name, *remote_name;
    PCWSTR auth_type;
};

static inline struct http_user *
impl(IHttpUser *iface)
{
    return gs_container_of(iface, struct http_user, IHttpUser_iface);
}

static VOID
user_DereferenceUser(IHttpUser *This)
{
    struct http_user *u = impl(This);
    unsigned before = atomic_fetch_sub_explicit(&u->refs, 1, memory_order_acq_rel);

    if (before == 0) {
        gs_panic("IHttpUser released more often than referenced");
    }
    if (before == 1) {
        gs_token_unref(u->token);
        free(u->name);
        free(u->remote_name);
        free(u);
    }
}

static PCWSTR
user_GetAuthenticationType(IHttpUser *This)
{
    return impl(This)->auth_type;
}

static HANDLE
user_GetImpersonationToken(IHttpUser *This)
{
    struct http_user *u = impl(This);

    return u->token ? gs_token_handle(u->token) : NULL;
}

static PCWSTR
user_GetPassword(IHttpUser *This)
{
    (void) This;
    return L""; /* never kept past the logon */
}

static HANDLE
user_GetPrimaryToken(IHttpUser *This)
{
    return user_GetImpersonationToken(This); /* the same credentials start a process */
}

static PCWSTR
user_GetRemoteUserName(IHttpUser *This)
{
    return impl(This)->remote_name;
}

static PCWSTR
user_GetUserName(IHttpUser *This)
{
    return impl(This)->name;
}

static PVOID
user_GetUserVariable(IHttpUser *This, PCSTR pszVariableName)
{
    struct http_user *u = impl(This);

    if (pszVariableName != NULL && u->token != NULL
        && strcmp(pszVariableName, HTTP_USER_VARIABLE_SID) == 0)
    {
        return u->token->sid;
    }
    return NULL;
}

/* A role is a group: IsInRole(L"staff") asks whether the user is in the group staff. */
static HRESULT
user_IsInRole(IHttpUser *This, PCWSTR pszRoleName, BOOL *pfInRole)
{
    struct http_user *u = impl(This);
    struct group gr, *found = NULL;
    char buf[16384], *name;

    if (pszRoleName == NULL || pfInRole == NULL) {
        return E_INVALIDARG;
    }
    *pfInRole = FALSE;
    if (u->token == NULL) {
        return S_OK;
    }
    name = gs_utf8_dup(pszRoleName);
    if (getgrnam_r(name, &gr, buf, sizeof(buf), &found) == 0 && found != NULL) {
        *pfInRole = GuiseTokenIsMemberOfGroup(gs_token_handle(u->token), found->gr_gid);
    }
    free(name);
    return S_OK;
}

static VOID
user_ReferenceUser(IHttpUser *This)
{
    atomic_fetch_add_explicit(&impl(This)->refs, 1, memory_order_relaxed);
}

static BOOL
user_SupportsIsInRole(IHttpUser *This)
{
    (void) This;
    return TRUE;
}

static const IHttpUserVtbl user_vtbl = {
    .DereferenceUser = user_DereferenceUser,
    .GetAuthenticationType = user_GetAuthenticationType,
    .GetImpersonationToken = user_GetImpersonationToken,
    .GetPassword = user_GetPassword,
    .GetPrimaryToken = user_GetPrimaryToken,
    .GetRemoteUserName = user_GetRemoteUserName,
    .GetUserName = user_GetUserName,
    .GetUserVariable = user_GetUserVariable,
    .IsInRole = user_IsInRole,
    .ReferenceUser = user_ReferenceUser,
    .SupportsIsInRole = user_SupportsIsInRole,
};

IHttpUser *
gs_http_user_create(gs_token_t *token, const char *name, const char *remote_name, PCWSTR auth_type)
{
    struct http_user *u = gs_xcalloc(1, sizeof(*u));

    u->IHttpUser_iface.lpVtbl = &user_vtbl;
    atomic_init(&u->refs, 1);
    u->token = token;
    u->name = gs_wide_dup(name ? name : "");
    u->remote_name = gs_wide_dup(remote_name ? remote_name : "");
    u->auth_type = auth_type;
    return &u->IHttpUser_iface;
}
