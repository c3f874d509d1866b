#include "token_entry.h"
#include "password_hash.h"
#include "core/hash.h"
#include "core/util.h"
#include "core/wide.h"

#include <guise/httpcach.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <wchar.h>

#define TTL_START 2 /* IIS: a record lives two scavenger passes without a hit */

struct token_entry {
    IHttpTokenEntry IHttpTokenEntry_iface;
    IHttpTokenKey IHttpTokenKey_iface;
    atomic_uint refs;
    atomic_int ttl;
    atomic_bool flushed;
    gs_token_t *token;
    wchar_t *user;
    wchar_t hash[GS_PASSWORD_HASH_HEX + 1];
    DWORD method;
    DWORD key_hash;
    uint64_t created_ms; /* coarse monotonic clock */
};

static inline struct token_entry *
from_entry(const IHttpTokenEntry *iface)
{
    return gs_container_of(iface, struct token_entry, IHttpTokenEntry_iface);
}

static inline struct token_entry *
from_key(const IHttpTokenKey *iface)
{
    return gs_container_of(iface, struct token_entry, IHttpTokenKey_iface);
}

/* ---- IHttpTokenKey ---------------------------------------------------------------------- */

static VOID
key_Enum(IHttpTokenKey *This, IHttpCacheSpecificData *cacheData)
{
    (void) This;
    (void) cacheData; /* a key enumerates nothing of its own */
}

static PCWSTR
key_GetCacheName(const IHttpTokenKey *This)
{
    (void) This;
    return TOKEN_CACHE_NAME;
}

static DWORD
key_GetHash(const IHttpTokenKey *This)
{
    return from_key(This)->key_hash;
}

/*
 * Same user, same logon method and the same password hash (compared in
 * constant time): stricter than the documented guideline, which names the
 * first two only, so that a wrong password never matches a cached token.
 */
static bool
equal_to(const wchar_t *user, DWORD method, const wchar_t *hash, IHttpCacheKey *pCacheCompareKey)
{
    IHttpTokenKey *other = (IHttpTokenKey *) pCacheCompareKey;
    unsigned diff = 0;
    PCWSTR name, h;

    if (other == NULL || !GuiseKeyHasCacheName(pCacheCompareKey, TOKEN_CACHE_NAME)
        || IHttpTokenKey_GetLogonMethod(other) != method)
    {
        return false;
    }
    name = IHttpTokenKey_GetUserName(other);
    if (name == NULL || wcscmp(name, user) != 0) {
        return false;
    }
    h = IHttpTokenKey_GetPasswordHash(other);
    if (h == NULL || wcslen(h) != GS_PASSWORD_HASH_HEX) {
        return false;
    }
    /* Constant time: every character is compared whatever the first difference. */
    for (unsigned i = 0; i < GS_PASSWORD_HASH_HEX; i++) {
        diff |= (unsigned) (hash[i] ^ h[i]);
    }
    return diff == 0;
}

static bool
key_GetIsEqual(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey)
{
    const struct token_entry *e = from_key(This);

    return equal_to(e->user, e->method, e->hash, pCacheCompareKey);
}

static bool
key_GetIsPrefix(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey)
{
    (void) This;
    (void) pCacheCompareKey;
    return false;
}

static DWORD
key_GetLogonMethod(const IHttpTokenKey *This)
{
    return from_key(This)->method;
}

static PCWSTR
key_GetPasswordHash(const IHttpTokenKey *This)
{
    return from_key(This)->hash;
}

static PCWSTR
key_GetUserName(const IHttpTokenKey *This)
{
    return from_key(This)->user;
}

static const IHttpTokenKeyVtbl key_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = key_GetHash,
    .GetIsEqual = key_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetLogonMethod = key_GetLogonMethod,
    .GetPasswordHash = key_GetPasswordHash,
    .GetUserName = key_GetUserName,
};

/* ---- IHttpTokenEntry ------------------------------------------------------------------- */

static VOID
entry_DecrementTTL(IHttpTokenEntry *This, BOOL *pfTTLExpired)
{
    int left = atomic_fetch_sub(&from_entry(This)->ttl, 1) - 1;

    if (pfTTLExpired != NULL) {
        *pfTTLExpired = left == 0 ? TRUE : FALSE;
    }
}

static VOID
entry_DereferenceCacheData(IHttpTokenEntry *This)
{
    struct token_entry *e = from_entry(This);

    if (atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) {
        gs_token_unref(e->token);
        free(e->user);
        free(e);
    }
}

static IHttpCacheKey *
entry_GetCacheKey(const IHttpTokenEntry *This)
{
    return (IHttpCacheKey *) &from_entry(This)->IHttpTokenKey_iface;
}

static BOOL
entry_GetFlushed(const IHttpTokenEntry *This)
{
    return atomic_load(&from_entry(This)->flushed) ? TRUE : FALSE;
}

static VOID
entry_ReferenceCacheData(IHttpTokenEntry *This)
{
    atomic_fetch_add_explicit(&from_entry(This)->refs, 1, memory_order_relaxed);
}

static VOID
entry_ResetTTL(IHttpTokenEntry *This)
{
    atomic_store(&from_entry(This)->ttl, TTL_START);
}

static VOID
entry_SetFlushed(IHttpTokenEntry *This)
{
    atomic_store(&from_entry(This)->flushed, true);
}

static HANDLE
entry_GetImpersonationToken(IHttpTokenEntry *This)
{
    return gs_token_handle(from_entry(This)->token);
}

static HANDLE
entry_GetPrimaryToken(IHttpTokenEntry *This)
{
    return gs_token_handle(from_entry(This)->token);
}

static PSID
entry_GetSid(IHttpTokenEntry *This)
{
    return from_entry(This)->token->sid;
}

static const IHttpTokenEntryVtbl entry_vtbl = {
    .DecrementTTL = entry_DecrementTTL,
    .DereferenceCacheData = entry_DereferenceCacheData,
    .GetCacheKey = entry_GetCacheKey,
    .GetFlushed = entry_GetFlushed,
    .ReferenceCacheData = entry_ReferenceCacheData,
    .ResetTTL = entry_ResetTTL,
    .SetFlushed = entry_SetFlushed,
    .GetImpersonationToken = entry_GetImpersonationToken,
    .GetPrimaryToken = entry_GetPrimaryToken,
    .GetSid = entry_GetSid,
};

DWORD
gs_token_user_hash(const char *user)
{
    return gs_fnv1a(GS_FNV_BASIS, user, strlen(user));
}

static void
hash_to_wide(const char hash[GS_PASSWORD_HASH_HEX + 1], wchar_t out[GS_PASSWORD_HASH_HEX + 1])
{
    for (unsigned i = 0; i <= GS_PASSWORD_HASH_HEX; i++) {
        out[i] = (wchar_t) hash[i];
    }
}

IHttpTokenEntry *
gs_token_entry_create(gs_token_t *token, const char *user,
                      const char hash[GS_PASSWORD_HASH_HEX + 1], DWORD logon_method)
{
    struct token_entry *e = gs_xcalloc(1, sizeof(*e));

    e->IHttpTokenEntry_iface.lpVtbl = &entry_vtbl;
    e->IHttpTokenKey_iface.lpVtbl = &key_vtbl;
    atomic_init(&e->refs, 1);
    atomic_init(&e->ttl, TTL_START);
    atomic_init(&e->flushed, false);
    e->token = token;
    e->user = gs_wide_dup(user);
    e->method = logon_method;
    hash_to_wide(hash, e->hash);
    e->key_hash = gs_token_user_hash(user);
    e->created_ms = gs_token_entry_now_ms();
    return &e->IHttpTokenEntry_iface;
}

uint64_t
gs_token_entry_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

bool
gs_token_entry_is_own(IHttpTokenEntry *entry)
{
    return entry != NULL && entry->lpVtbl == &entry_vtbl;
}

gs_token_t *
gs_token_entry_token(IHttpTokenEntry *entry)
{
    return gs_token_entry_is_own(entry) ? from_entry(entry)->token : NULL;
}

uint64_t
gs_token_entry_created_ms(IHttpTokenEntry *entry)
{
    return gs_token_entry_is_own(entry) ? from_entry(entry)->created_ms : 0;
}

bool
gs_token_entry_matches(IHttpTokenEntry *entry, gs_token_probe_t *probe)
{
    return gs_token_entry_is_own(entry)
           && equal_to(probe->user, probe->method, probe->hash,
                       (IHttpCacheKey *) &from_entry(entry)->IHttpTokenKey_iface);
}

/* ---- the probe: a key without an entry ------------------------------------------------- */

static inline gs_token_probe_t *
from_probe(const IHttpTokenKey *iface)
{
    return gs_container_of(iface, gs_token_probe_t, IHttpTokenKey_iface);
}

static DWORD
probe_GetHash(const IHttpTokenKey *This)
{
    return from_probe(This)->key_hash;
}

static bool
probe_GetIsEqual(const IHttpTokenKey *This, IHttpCacheKey *pCacheCompareKey)
{
    const gs_token_probe_t *p = from_probe(This);

    return equal_to(p->user, p->method, p->hash, pCacheCompareKey);
}

static DWORD
probe_GetLogonMethod(const IHttpTokenKey *This)
{
    return from_probe(This)->method;
}

static PCWSTR
probe_GetPasswordHash(const IHttpTokenKey *This)
{
    return from_probe(This)->hash;
}

static PCWSTR
probe_GetUserName(const IHttpTokenKey *This)
{
    return from_probe(This)->user;
}

static const IHttpTokenKeyVtbl probe_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = probe_GetHash,
    .GetIsEqual = probe_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetLogonMethod = probe_GetLogonMethod,
    .GetPasswordHash = probe_GetPasswordHash,
    .GetUserName = probe_GetUserName,
};

bool
gs_token_probe_init(gs_token_probe_t *probe, const char *user,
                    const char hash[GS_PASSWORD_HASH_HEX + 1], DWORD logon_method)
{
    size_t len = strlen(user);

    if (len > GS_LOGON_MAX_FIELD || !gs_utf8_valid(user, len)) {
        return false;
    }
    gs_wide_from_utf8_into(user, len, probe->user); /* at most one character per byte */
    probe->IHttpTokenKey_iface.lpVtbl = &probe_vtbl;
    probe->method = logon_method;
    hash_to_wide(hash, probe->hash);
    probe->key_hash = gs_token_user_hash(user);
    return true;
}

bool
gs_token_key_user(IHttpCacheKey *key, char *out, size_t cap)
{
    IHttpTokenKey *k = GuiseTokenKeyFromCacheKey(key);
    char *user;
    bool fits;

    if (k == NULL || IHttpTokenKey_GetUserName(k) == NULL) {
        return false;
    }
    user = gs_utf8_dup(IHttpTokenKey_GetUserName(k));
    fits = strlen(user) < cap;
    if (fits) {
        memcpy(out, user, strlen(user) + 1);
    }
    free(user);
    return fits;
}
