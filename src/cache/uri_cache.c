/*
 * URI records and keys (uri_cache.h).  A record is immutable once made,
 * apart from its counts, its flushed flag and its hit tick.
 */
#include "uri_cache.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/util.h"
#include "core/wide.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define TTL_START 2

struct uri_record {
    IHttpCacheSpecificData IHttpCacheSpecificData_iface;
    gs_uri_probe_t key; /* its url is `url` */
    atomic_uint refs;
    atomic_int ttl;
    atomic_bool flushed;
    atomic_uint hit_ticks;
    wchar_t *url, *site_name, *config_path;
    char *physical;
    const void *vdir, *point;
    uint64_t generation;
};

static inline struct uri_record *
from_record(const IHttpCacheSpecificData *iface)
{
    return gs_container_of(iface, struct uri_record, IHttpCacheSpecificData_iface);
}

static inline gs_uri_probe_t *
from_key(const IUriKey *iface)
{
    return gs_container_of(iface, gs_uri_probe_t, IUriKey_iface);
}

/* The record a key belongs to, or NULL for a probe. */
static struct uri_record *record_of_key(const IUriKey *iface);

/* ---- IUriKey ------------------------------------------------------------------------------- */

static VOID
key_Enum(IUriKey *This, IHttpCacheSpecificData *cacheData)
{
    (void) This;
    (void) cacheData;
}

static PCWSTR
key_GetCacheName(const IUriKey *This)
{
    (void) This;
    return URI_CACHE_NAME;
}

static DWORD
key_GetHash(const IUriKey *This)
{
    return from_key(This)->hash;
}

static bool
key_GetIsEqual(const IUriKey *This, IHttpCacheKey *pCacheCompareKey)
{
    const gs_uri_probe_t *k = from_key(This);
    IUriKey *other = GuiseUriKeyFromCacheKey(pCacheCompareKey);
    PCWSTR url;

    if (other == NULL || IUriKey_GetSiteId(other) != k->site_id) {
        return false;
    }
    url = IUriKey_GetUrl(other);
    return url != NULL && wcscmp(url, k->url) == 0;
}

static bool
key_GetIsPrefix(const IUriKey *This, IHttpCacheKey *pCacheCompareKey)
{
    const gs_uri_probe_t *k = from_key(This);
    IUriKey *other = GuiseUriKeyFromCacheKey(pCacheCompareKey);
    PCWSTR url;

    if (other == NULL || IUriKey_GetSiteId(other) != k->site_id) {
        return false;
    }
    url = IUriKey_GetUrl(other);
    return url != NULL && gs_wide_path_prefix(k->url, k->len, url);
}

static PCWSTR
key_GetConfigPath(const IUriKey *This)
{
    struct uri_record *r = record_of_key(This);

    return r != NULL ? r->config_path : L"";
}

static DWORD
key_GetSiteId(const IUriKey *This)
{
    return from_key(This)->site_id;
}

static PCWSTR
key_GetSiteName(const IUriKey *This)
{
    struct uri_record *r = record_of_key(This);

    return r != NULL ? r->site_name : L"";
}

static PCWSTR
key_GetUrl(const IUriKey *This)
{
    return from_key(This)->url;
}

static VOID
key_UpdateFrequentlyHitTickCount(IUriKey *This, DWORD dwTicks)
{
    struct uri_record *r = record_of_key(This);

    if (r != NULL) {
        atomic_store_explicit(&r->hit_ticks, dwTicks, memory_order_relaxed);
    }
}

static const IUriKeyVtbl key_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = key_GetHash,
    .GetIsEqual = key_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetConfigPath = key_GetConfigPath,
    .GetSiteId = key_GetSiteId,
    .GetSiteName = key_GetSiteName,
    .GetUrl = key_GetUrl,
    .UpdateFrequentlyHitTickCount = key_UpdateFrequentlyHitTickCount,
};

/* A record's key has the same functions as a probe; this table only tells them apart. */
static const IUriKeyVtbl record_key_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = key_GetHash,
    .GetIsEqual = key_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetConfigPath = key_GetConfigPath,
    .GetSiteId = key_GetSiteId,
    .GetSiteName = key_GetSiteName,
    .GetUrl = key_GetUrl,
    .UpdateFrequentlyHitTickCount = key_UpdateFrequentlyHitTickCount,
};

static struct uri_record *
record_of_key(const IUriKey *iface)
{
    if (iface->lpVtbl != &record_key_vtbl) {
        return NULL;
    }
    return gs_container_of(from_key(iface), struct uri_record, key);
}

void
gs_uri_probe_init(gs_uri_probe_t *probe, DWORD site_id, PCWSTR url)
{
    probe->IUriKey_iface.lpVtbl = &key_vtbl;
    probe->site_id = site_id;
    probe->url = url;
    probe->len = wcslen(url);
    probe->hash = gs_fnv1a_wide(gs_fnv1a(GS_FNV_BASIS, &site_id, sizeof(site_id)), url, probe->len);
}

/* ---- the record ---------------------------------------------------------------------------- */

static VOID
rec_DecrementTTL(IHttpCacheSpecificData *This, BOOL *pfTTLExpired)
{
    int left = atomic_fetch_sub(&from_record(This)->ttl, 1) - 1;

    if (pfTTLExpired != NULL) {
        *pfTTLExpired = left == 0 ? TRUE : FALSE;
    }
}

static VOID
rec_DereferenceCacheData(IHttpCacheSpecificData *This)
{
    struct uri_record *r = from_record(This);
    unsigned before = atomic_fetch_sub_explicit(&r->refs, 1, memory_order_acq_rel);

    if (before == 0) {
        gs_panic("URI record dereferenced below zero");
    }
    if (before == 1) {
        free(r->url);
        free(r->site_name);
        free(r->config_path);
        free(r->physical);
        free(r);
    }
}

static IHttpCacheKey *
rec_GetCacheKey(const IHttpCacheSpecificData *This)
{
    return (IHttpCacheKey *) &from_record(This)->key.IUriKey_iface;
}

static BOOL
rec_GetFlushed(const IHttpCacheSpecificData *This)
{
    return atomic_load(&from_record(This)->flushed) ? TRUE : FALSE;
}

static VOID
rec_ReferenceCacheData(IHttpCacheSpecificData *This)
{
    atomic_fetch_add_explicit(&from_record(This)->refs, 1, memory_order_relaxed);
}

static VOID
rec_ResetTTL(IHttpCacheSpecificData *This)
{
    atomic_store_explicit(&from_record(This)->ttl, TTL_START, memory_order_relaxed);
}

static VOID
rec_SetFlushed(IHttpCacheSpecificData *This)
{
    atomic_store(&from_record(This)->flushed, true);
}

static const IHttpCacheSpecificDataVtbl rec_vtbl = {
    .DecrementTTL = rec_DecrementTTL,
    .DereferenceCacheData = rec_DereferenceCacheData,
    .GetCacheKey = rec_GetCacheKey,
    .GetFlushed = rec_GetFlushed,
    .ReferenceCacheData = rec_ReferenceCacheData,
    .ResetTTL = rec_ResetTTL,
    .SetFlushed = rec_SetFlushed,
};

static wchar_t *
xwcsdup(PCWSTR s)
{
    wchar_t *d = wcsdup(s != NULL ? s : L"");

    if (d == NULL) {
        gs_panic("out of memory");
    }
    return d;
}

IHttpCacheSpecificData *
gs_uri_record_create(DWORD site_id, PCWSTR site_name, PCWSTR url, const char *physical,
                     const void *vdir, const void *point, uint64_t generation)
{
    struct uri_record *r = gs_xcalloc(1, sizeof(*r));
    size_t n;

    r->IHttpCacheSpecificData_iface.lpVtbl = &rec_vtbl;
    atomic_init(&r->refs, 1);
    atomic_init(&r->ttl, TTL_START);
    atomic_init(&r->flushed, false);
    atomic_init(&r->hit_ticks, 0);
    r->url = xwcsdup(url);
    r->site_name = xwcsdup(site_name);
    /* IIS's configuration path of a URL: MACHINE/WEBROOT/APPHOST/<site><url>. */
    n = wcslen(L"MACHINE/WEBROOT/APPHOST/") + wcslen(r->site_name) + wcslen(r->url) + 1;
    r->config_path = gs_xmalloc(n * sizeof(wchar_t));
    swprintf(r->config_path, n, L"MACHINE/WEBROOT/APPHOST/%ls%ls", r->site_name, r->url);
    r->physical = gs_xstrdup(physical != NULL ? physical : "");
    r->vdir = vdir;
    r->point = point;
    r->generation = generation;
    gs_uri_probe_init(&r->key, site_id, r->url);
    r->key.IUriKey_iface.lpVtbl = &record_key_vtbl;
    return &r->IHttpCacheSpecificData_iface;
}

static struct uri_record *
uri_record(IHttpCacheSpecificData *record)
{
    return record != NULL && record->lpVtbl == &rec_vtbl ? from_record(record) : NULL;
}

const char *
gs_uri_record_physical(IHttpCacheSpecificData *record)
{
    struct uri_record *r = uri_record(record);

    return r != NULL ? r->physical : NULL;
}

const void *
gs_uri_record_vdir(IHttpCacheSpecificData *record)
{
    struct uri_record *r = uri_record(record);

    return r != NULL ? r->vdir : NULL;
}

const void *
gs_uri_record_point(IHttpCacheSpecificData *record)
{
    struct uri_record *r = uri_record(record);

    return r != NULL ? r->point : NULL;
}

IHttpCacheSpecificData *
gs_uri_record_lookup(DWORD site_id, PCWSTR url, uint64_t generation, IHttpTraceContext *trace)
{
    gs_uri_probe_t probe;
    IHttpCacheSpecificData *record = NULL;
    struct uri_record *r;

    gs_uri_probe_init(&probe, site_id, url);
    gs_cache_operation(CACHE_OPERATION_RETRIEVE, (IHttpCacheKey *) &probe.IUriKey_iface, &record,
                       trace);
    r = uri_record(record);
    if (r == NULL || r->generation != generation) {
        if (record != NULL) {
            IHttpCacheSpecificData_DereferenceCacheData(record);
        }
        return NULL;
    }
    return record;
}

static bool
every(IHttpCacheSpecificData *record, void *arg)
{
    (void) record;
    (void) arg;
    return true;
}

void
gs_uri_cache_configure(const gs_cache_limits_t *limits)
{
    gs_cache_t *c = gs_cache_define(URI_CACHE_NAME, limits);

    if (c == NULL) {
        gs_panic("cannot define the URI cache");
    }
    gs_cache_remove_if(c, NULL, every, NULL, CACHE_OPERATION_FLUSH_PREFIX);
}
