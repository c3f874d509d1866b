#include "token_cache.h"
#include "core/log.h"
#include "security/token_entry.h"

#include <guise/httpcach.h>

#include <string.h>

void
gs_token_cache_configure(const gs_cache_limits_t *limits)
{
    if (gs_cache_define(TOKEN_CACHE_NAME, limits) == NULL) {
        gs_panic("cannot define the TOKEN cache");
    }
}

IHttpTokenEntry *
gs_token_cache_find(const char *user, const char *hash, DWORD logon_method,
                    IHttpTraceContext *trace)
{
    gs_token_probe_t probe;
    IHttpCacheSpecificData *record = NULL;
    IHttpTokenEntry *entry;

    if (!gs_token_probe_init(&probe, user, hash, logon_method)) {
        return NULL;
    }
    gs_cache_operation(CACHE_OPERATION_RETRIEVE, (IHttpCacheKey *) &probe.IHttpTokenKey_iface,
                       &record, trace);
    entry = GuiseTokenEntryFromCacheData(record);
    if (entry == NULL && record != NULL) {
        /* A module replaced the record with one of another cache: not a token. */
        IHttpCacheSpecificData_DereferenceCacheData(record);
    }
    return entry;
}

struct same_user {
    const char *user; /* NULL: everyone */
    IHttpCacheSpecificData *keep;
};

static bool
is_same_user(IHttpCacheSpecificData *record, void *arg)
{
    struct same_user *m = arg;
    char user[GS_LOGON_MAX_FIELD * 4 + 1];

    if (record == m->keep) {
        return false;
    }
    if (m->user == NULL) {
        return true;
    }
    return gs_token_key_user(IHttpCacheSpecificData_GetCacheKey(record), user, sizeof(user))
           && strcmp(user, m->user) == 0;
}

void
gs_token_cache_add(IHttpTokenEntry *entry, IHttpTraceContext *trace)
{
    IHttpCacheSpecificData *record = (IHttpCacheSpecificData *) entry;
    char user[GS_LOGON_MAX_FIELD * 4 + 1];
    struct same_user m = {user, record};
    gs_cache_t *cache = gs_cache_find(TOKEN_CACHE_NAME);
    DWORD hash;

    if (cache == NULL
        || !gs_token_key_user(IHttpCacheSpecificData_GetCacheKey(record), user, sizeof(user)))
    {
        return;
    }
    if (FAILED(gs_cache_operation(CACHE_OPERATION_ADD, NULL, &record, trace))) {
        return; /* disabled */
    }
    /* After the ADD, so that no moment exists where the user has no valid entry to race. */
    hash = gs_token_user_hash(user);
    gs_cache_remove_if(cache, &hash, is_same_user, &m, CACHE_OPERATION_DELETE);
}

unsigned
gs_token_cache_flush(const char *user)
{
    struct same_user m = {user, NULL};
    gs_cache_t *cache = gs_cache_find(TOKEN_CACHE_NAME);
    DWORD hash = user != NULL ? gs_token_user_hash(user) : 0;

    if (cache == NULL) {
        return 0;
    }
    return gs_cache_remove_if(cache, user != NULL ? &hash : NULL, is_same_user, &m,
                              CACHE_OPERATION_DELETE);
}
