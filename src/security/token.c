#include "token.h"
#include "core/util.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOKEN_MAGIC 0x6b6f7447u /* "Gtok" */

gs_token_t *
gs_token_create(uid_t uid, gid_t gid, const gid_t *groups, unsigned ngroups, const char *name)
{
    gs_token_t *t = gs_xcalloc(1, sizeof(*t));

    t->magic = TOKEN_MAGIC;
    atomic_init(&t->refs, 1);
    t->uid = uid;
    t->gid = gid;
    t->groups = gs_xcalloc(ngroups + 1, sizeof(gid_t));
    t->groups[t->ngroups++] = gid;
    for (unsigned i = 0; i < ngroups; i++) {
        if (groups[i] != gid) {
            t->groups[t->ngroups++] = groups[i];
        }
    }
    t->name = gs_xstrdup(name ? name : "");
    gs_sid_unix(t->sid, 1, (uint32_t) uid);
    return t;
}

int
gs_token_for_user(const char *name, gs_token_t **out)
{
    struct passwd pw, *found = NULL;
    char buf[16384];
    gid_t groups[GS_TOKEN_MAX_GROUPS];
    int n = GS_TOKEN_MAX_GROUPS, rc;

    *out = NULL;
    rc = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
    if (rc != 0) {
        return -rc;
    }
    if (found == NULL) {
        return -ENOENT;
    }
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0) {
        return -E2BIG;
    }
    *out = gs_token_create(pw.pw_uid, pw.pw_gid, groups, (unsigned) n, pw.pw_name);
    return 0;
}

void
gs_token_ref(gs_token_t *t)
{
    atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void
gs_token_unref(gs_token_t *t)
{
    unsigned before;

    if (t == NULL) {
        return;
    }
    before = atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel);
    if (before == 0) {
        gs_panic("token of uid %u released more often than referenced", (unsigned) t->uid);
    }
    if (before == 1) {
        t->magic = 0;
        free(t->groups);
        free(t->name);
        free(t);
    }
}

bool
gs_token_same_credentials(const gs_token_t *a, const gs_token_t *b)
{
    return a == b
           || (a->uid == b->uid && a->gid == b->gid && a->ngroups == b->ngroups
               && memcmp(a->groups, b->groups, a->ngroups * sizeof(gid_t)) == 0);
}

gs_token_t *
gs_token_from_handle(HANDLE h)
{
    gs_token_t *t = h;

    return t != NULL && t->magic == TOKEN_MAGIC ? t : NULL;
}

/* ---- the public functions of <guise/token.h> -------------------------------------------- */

HRESULT
GuiseGetTokenInformation(HANDLE hToken, GUISE_TOKEN_INFORMATION *pInfo)
{
    gs_token_t *t = gs_token_from_handle(hToken);

    if (t == NULL || pInfo == NULL) {
        return E_INVALIDARG;
    }
    pInfo->Uid = t->uid;
    pInfo->Gid = t->gid;
    pInfo->Groups = t->groups;
    pInfo->GroupCount = t->ngroups;
    pInfo->UserName = t->name;
    pInfo->Sid = t->sid;
    return S_OK;
}

BOOL
GuiseTokenIsMemberOfGroup(HANDLE hToken, gid_t gid)
{
    gs_token_t *t = gs_token_from_handle(hToken);

    for (unsigned i = 0; t != NULL && i < t->ngroups; i++) {
        if (t->groups[i] == gid) {
            return TRUE;
        }
    }
    return FALSE;
}
