#include "token_cache.h"
#include "core/log.h"
#include "security/logon.h"
#include "security/token.h"
#include "security/token_entry.h"

#include <guise/httpcach.h>

#include <pwd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_uint_fast64_t flush_generation;
static atomic_uint max_age_ms = GS_TOKEN_DEFAULT_MAX_AGE_MS;
/* Has an entry been made for a name other than its account's ("ALICE" for alice)? */
static atomic_bool aliases_seen;

void
gs_token_cache_configure(const gs_cache_limits_t *limits, unsigned max_age)
{
    if (gs_cache_define(TOKEN_CACHE_NAME, limits) == NULL) {
        gs_panic("cannot define the TOKEN cache");
    }
    atomic_store(&max_age_ms, max_age > 0 ? max_age : GS_TOKEN_DEFAULT_MAX_AGE_MS);
}

uint64_t
gs_token_cache_generation(void)
{
    return atomic_load(&flush_generation);
}

IHttpTokenEntry *
gs_token_cache_find(const char *user, const char *hash, DWORD logon_method,
                    const gs_sockaddr_t *client, IHttpTraceContext *trace)
{
    gs_token_probe_t probe;
    IHttpCacheSpecificData *record = NULL;
    IHttpTokenEntry *entry;

    if (gs_logon_guarded(user, client) || !gs_token_probe_init(&probe, user, hash, logon_method)) {
        return NULL;
    }
    gs_cache_operation(CACHE_OPERATION_RETRIEVE, (IHttpCacheKey *) &probe.IHttpTokenKey_iface,
                       &record, trace);
    entry = GuiseTokenEntryFromCacheData(record);
    /*
     * Only guise's own entries, compared by guise's own code: a module's record
     * in the TOKEN cache (or one a module gave in place of ours) could say it
     * equals any password.
     */
    if (entry == NULL || !gs_token_entry_matches(entry, &probe)) {
        if (record != NULL) {
            IHttpCacheSpecificData_DereferenceCacheData(record);
        }
        return NULL;
    }
    /* In use or not, a token is made again from PAM after its maximum age. */
    if (gs_token_entry_now_ms() - gs_token_entry_created_ms(entry) >= atomic_load(&max_age_ms)) {
        gs_cache_operation(CACHE_OPERATION_DELETE, (IHttpCacheKey *) &probe.IHttpTokenKey_iface,
                           NULL, trace);
        IHttpTokenEntry_DereferenceCacheData(entry);
        return NULL;
    }
    return entry;
}

/* Entries of one account (by uid) or typed name, but not `keep`; NULL user and no uid: all. */
struct same_user {
    const char *user;
    bool has_uid;
    uid_t uid;
    IHttpCacheSpecificData *keep;
};

static bool
is_same_user(IHttpCacheSpecificData *record, void *arg)
{
    struct same_user *m = arg;
    gs_token_t *token = gs_token_entry_token((IHttpTokenEntry *) record);
    char user[GS_LOGON_MAX_FIELD * 4 + 1];

    if (record == m->keep) {
        return false;
    }
    if (m->user == NULL && !m->has_uid) {
        return true;
    }
    if (m->has_uid && token != NULL && token->uid == m->uid) {
        return true;
    }
    return m->user != NULL
           && gs_token_key_user(IHttpCacheSpecificData_GetCacheKey(record), user, sizeof(user))
           && strcmp(user, m->user) == 0;
}

bool
gs_token_cache_add(IHttpTokenEntry *entry, uint64_t generation, IHttpTraceContext *trace)
{
    IHttpCacheSpecificData *record = (IHttpCacheSpecificData *) entry;
    gs_token_t *token = gs_token_entry_token(entry);
    char user[GS_LOGON_MAX_FIELD * 4 + 1];
    struct same_user m = {NULL, true, 0, record};
    gs_cache_t *cache = gs_cache_find(TOKEN_CACHE_NAME);
    DWORD hash;

    if (cache == NULL || token == NULL
        || !gs_token_key_user(IHttpCacheSpecificData_GetCacheKey(record), user, sizeof(user)))
    {
        return false;
    }
    /* A flush since the logon began (an account locked meanwhile) wins over the logon. */
    if (generation != gs_token_cache_generation()) {
        return false;
    }
    if (strcmp(user, token->name) != 0) {
        atomic_store(&aliases_seen, true);
    }
    if (FAILED(gs_cache_operation(CACHE_OPERATION_ADD, NULL, &record, trace))) {
        return false; /* disabled */
    }
    /*
     * The account's other entries go (an old password stops working), after
     * the ADD so that no moment exists where the user has no valid entry.  By
     * uid, whatever name they were typed as: every entry is in its name's
     * bucket, so the whole cache is looked at once names and accounts differed.
     */
    m.uid = token->uid;
    hash = gs_token_user_hash(token->name);
    gs_cache_remove_if(cache, atomic_load(&aliases_seen) ? NULL : &hash, is_same_user, &m,
                       CACHE_OPERATION_DELETE);
    return true;
}

unsigned
gs_token_cache_flush(const char *user)
{
    struct same_user m = {user, false, 0, NULL};
    gs_cache_t *cache = gs_cache_find(TOKEN_CACHE_NAME);
    struct passwd pw, *found = NULL;
    char buf[4096];

    /* Logons running now began before the flush: their entries are not cached. */
    atomic_fetch_add(&flush_generation, 1);
    if (cache == NULL) {
        return 0;
    }
    if (user != NULL && getpwnam_r(user, &pw, buf, sizeof(buf), &found) == 0 && found != NULL) {
        m.has_uid = true; /* the account's entries, under whatever name they were typed */
        m.uid = pw.pw_uid;
    }
    return gs_cache_remove_if(cache, NULL, is_same_user, &m, CACHE_OPERATION_DELETE);
}
