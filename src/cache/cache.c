/*
 * Locking: a shard's mutex guards its table, its LRU list and its counters;
 * `g.mu` guards the list of caches, their TTL pass times and the scavenger.
 * No lock is held while a record's or a module's code runs, except the
 * keys' own GetHash / GetIsEqual / GetIsPrefix, which must not call back
 * into the cache.  Records removed under a lock are collected and
 * dereferenced (and raised) after it is released.
 */
#include "cache.h"
#include "core/log.h"
#include "core/util.h"
#include "pipeline/global.h"
#include "security/identity.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define SHARDS          16 /* a power of two */
#define FIRST_BUCKETS   16
#define NAME_MAX_CHARS  31
#define MAX_RAISE_DEPTH 8 /* cache operations nested in GL_CACHE_OPERATION handlers */

struct node {
    struct node *next;          /* hash chain */
    struct node *newer, *older; /* LRU list, newest first */
    DWORD hash;
    uint64_t used;                  /* the cache's use clock at the last add or hit */
    IHttpCacheSpecificData *record; /* the cache's reference */
};

struct shard {
    pthread_mutex_t mu;
    struct node **buckets;
    unsigned nbuckets, count;
    struct node lru; /* sentinel: lru.older is the newest, lru.newer the oldest */
    uint64_t hits, misses, additions, evictions, expirations, deletions;
} __attribute__((aligned(64)));

struct gs_cache {
    wchar_t name[NAME_MAX_CHARS + 1];
    atomic_bool enabled;
    atomic_uint max_entries, ttl_ms;
    atomic_uint count;          /* records, over all shards */
    atomic_uint_fast64_t clock; /* ticks on every add and hit: orders uses across shards */
    uint64_t next_pass;         /* g.mu; 0: not scheduled yet */
    struct shard shards[SHARDS];
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;
    gs_cache_t *caches[GS_CACHE_MAX_CACHES];
    atomic_uint ncaches;
    pthread_t scavenger;
    bool running, stopping;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static _Thread_local unsigned raise_depth;

/* A removed record, to flush and dereference outside the locks. */
typedef struct {
    IHttpCacheSpecificData **items;
    unsigned n, cap;
} removed_t;

static void
removed_push(removed_t *r, IHttpCacheSpecificData *record)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->items = gs_xrealloc(r->items, r->cap * sizeof(*r->items));
    }
    r->items[r->n++] = record;
}

/* ---- the provider of GL_CACHE_OPERATION ------------------------------------------------ */

struct provider {
    ICacheProvider iface;
    IHttpCacheKey *key;
    CACHE_OPERATION op;
    IHttpCacheSpecificData *record; /* the provider's reference, or NULL */
    IHttpTraceContext *trace;
    HRESULT error;
};

static inline struct provider *
provider_of(const ICacheProvider *iface)
{
    return gs_container_of(iface, struct provider, iface);
}

static VOID
provider_SetErrorStatus(ICacheProvider *This, HRESULT hrError)
{
    provider_of(This)->error = hrError;
}

static IHttpCacheKey *
provider_GetCacheKey(const ICacheProvider *This)
{
    return provider_of(This)->key;
}

static CACHE_OPERATION
provider_GetCacheOperation(const ICacheProvider *This)
{
    return provider_of(This)->op;
}

static IHttpCacheSpecificData *
provider_GetCacheRecord(const ICacheProvider *This)
{
    return provider_of(This)->record;
}

static IHttpTraceContext *
provider_GetTraceContext(const ICacheProvider *This)
{
    return provider_of(This)->trace;
}

static VOID
provider_SetCacheRecord(ICacheProvider *This, IHttpCacheSpecificData *pCacheRecord)
{
    struct provider *p = provider_of(This);

    if (pCacheRecord == NULL) {
        return; /* documented as non-NULL: nothing to take over */
    }
    if (p->record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(p->record);
    }
    p->record = pCacheRecord;
}

static const ICacheProviderVtbl provider_vtbl = {
    .SetErrorStatus = provider_SetErrorStatus,
    .GetCacheKey = provider_GetCacheKey,
    .GetCacheOperation = provider_GetCacheOperation,
    .GetCacheRecord = provider_GetCacheRecord,
    .GetTraceContext = provider_GetTraceContext,
    .SetCacheRecord = provider_SetCacheRecord,
};

/*
 * Raises GL_CACHE_OPERATION for one record.  `*record` (a reference, or
 * NULL) goes to the provider and comes back, possibly replaced by a module
 * (SetCacheRecord).  Returns the error a module set, or S_OK.
 */
static HRESULT
raise(CACHE_OPERATION op, IHttpCacheKey *key, IHttpCacheSpecificData **record,
      IHttpTraceContext *trace)
{
    struct provider p = {{&provider_vtbl}, key, op, *record, trace, S_OK};

    if (!gs_global_wanted(GL_CACHE_OPERATION) || raise_depth >= MAX_RAISE_DEPTH) {
        return S_OK;
    }
    if (p.key == NULL && p.record != NULL) {
        p.key = IHttpCacheSpecificData_GetCacheKey(p.record);
    }
    raise_depth++;
    gs_global_raise(GL_CACHE_OPERATION, &p.iface);
    raise_depth--;
    *record = p.record;
    return p.error;
}

/* Flushes, raises (as op) and dereferences records taken out of a cache; frees the list. */
static void
release_removed(removed_t *r, CACHE_OPERATION op, IHttpCacheKey *key, IHttpTraceContext *trace)
{
    for (unsigned i = 0; i < r->n; i++) {
        IHttpCacheSpecificData *record = r->items[i];

        IHttpCacheSpecificData_SetFlushed(record);
        raise(op, key, &record, trace);
        if (record != NULL) {
            IHttpCacheSpecificData_DereferenceCacheData(record);
        }
    }
    free(r->items);
    r->items = NULL;
    r->n = r->cap = 0;
}

/* ---- shards ------------------------------------------------------------------------------ */

/*
 * A key's hash, spread (murmur3's finaliser) so that every bit of it counts
 * for the shard (high bits) and the bucket (low bits): keys need only hash
 * their data, a module's keys included, however weak their high bits.
 */
static inline DWORD
spread(DWORD h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static inline DWORD
hash_of(IHttpCacheKey *key)
{
    return spread(IHttpCacheKey_GetHash(key));
}

static inline struct shard *
shard_of(gs_cache_t *c, DWORD hash)
{
    /* The table uses the low bits; the shard the high ones. */
    return &c->shards[(hash >> 28) & (SHARDS - 1)];
}

static inline IHttpCacheKey *
key_of(const struct node *n)
{
    return IHttpCacheSpecificData_GetCacheKey(n->record);
}

static void
lru_unlink(struct node *n)
{
    n->newer->older = n->older;
    n->older->newer = n->newer;
}

static void
lru_push_newest(struct shard *s, struct node *n)
{
    n->newer = &s->lru;
    n->older = s->lru.older;
    s->lru.older->newer = n;
    s->lru.older = n;
}

static void
shard_init(struct shard *s)
{
    pthread_mutex_init(&s->mu, NULL);
    s->nbuckets = FIRST_BUCKETS;
    s->buckets = gs_xcalloc(s->nbuckets, sizeof(*s->buckets));
    s->lru.newer = s->lru.older = &s->lru;
}

static void
grow(struct shard *s)
{
    unsigned n = s->nbuckets * 2;
    struct node **b = gs_xcalloc(n, sizeof(*b));

    for (unsigned i = 0; i < s->nbuckets; i++) {
        struct node *next;

        for (struct node *e = s->buckets[i]; e != NULL; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = n;
}

/* Takes n out of its shard; returns the cache's reference on its record.  Under s->mu. */
static IHttpCacheSpecificData *
unlink_node(gs_cache_t *c, struct shard *s, struct node *n)
{
    IHttpCacheSpecificData *record = n->record;
    struct node **pp = &s->buckets[n->hash & (s->nbuckets - 1)];

    while (*pp != n) {
        pp = &(*pp)->next;
    }
    *pp = n->next;
    lru_unlink(n);
    s->count--;
    atomic_fetch_sub(&c->count, 1);
    free(n);
    return record;
}

/* The node whose record equals key, or NULL.  Under s->mu. */
static struct node *
find(struct shard *s, DWORD hash, IHttpCacheKey *key)
{
    for (struct node *n = s->buckets[hash & (s->nbuckets - 1)]; n != NULL; n = n->next) {
        /* The cached key decides: for guise's caches, that is guise's own code. */
        if (n->hash == hash && IHttpCacheKey_GetIsEqual(key_of(n), key)) {
            return n;
        }
    }
    return NULL;
}

/*
 * Removes least recently used records until the cache is within its bound:
 * each shard's oldest record is a candidate, the one used longest ago goes.
 */
static void
evict(gs_cache_t *c, removed_t *out)
{
    while (atomic_load(&c->count) > atomic_load(&c->max_entries)) {
        struct shard *victim = NULL;
        uint64_t oldest = UINT64_MAX;

        for (unsigned i = 0; i < SHARDS; i++) {
            struct shard *s = &c->shards[i];

            pthread_mutex_lock(&s->mu);
            if (s->count > 0 && s->lru.newer->used < oldest) {
                oldest = s->lru.newer->used;
                victim = s;
            }
            pthread_mutex_unlock(&s->mu);
        }
        if (victim == NULL) {
            return;
        }
        pthread_mutex_lock(&victim->mu);
        /* Another thread may have got there first: then look again. */
        if (victim->count > 0 && victim->lru.newer->used == oldest) {
            removed_push(out, unlink_node(c, victim, victim->lru.newer));
            victim->evictions++;
        }
        pthread_mutex_unlock(&victim->mu);
    }
}

/* ---- caches ------------------------------------------------------------------------------ */

static void
set_limits(gs_cache_t *c, const gs_cache_limits_t *limits)
{
    atomic_store(&c->enabled, limits->enabled);
    atomic_store(&c->max_entries, limits->max_entries > 0 ? limits->max_entries : 1);
    atomic_store(&c->ttl_ms, limits->ttl_ms);
    c->next_pass = 0;
}

gs_cache_t *
gs_cache_find(PCWSTR name)
{
    unsigned n = atomic_load_explicit(&g.ncaches, memory_order_acquire);

    if (name == NULL) {
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        if (wcscmp(g.caches[i]->name, name) == 0) {
            return g.caches[i];
        }
    }
    return NULL;
}

gs_cache_t *
gs_cache_define(PCWSTR name, const gs_cache_limits_t *limits)
{
    static const gs_cache_limits_t defaults = {true, GS_CACHE_DEFAULT_ENTRIES,
                                               GS_CACHE_DEFAULT_TTL_MS};
    gs_cache_t *c;

    if (name == NULL || name[0] == L'\0' || wcslen(name) > NAME_MAX_CHARS) {
        return NULL;
    }
    pthread_mutex_lock(&g.mu);
    c = gs_cache_find(name);
    if (c != NULL) {
        if (limits != NULL) {
            set_limits(c, limits);
        }
    } else if (atomic_load(&g.ncaches) < GS_CACHE_MAX_CACHES) {
        c = gs_xcalloc(1, sizeof(*c));
        wcscpy(c->name, name);
        set_limits(c, limits != NULL ? limits : &defaults);
        for (unsigned i = 0; i < SHARDS; i++) {
            shard_init(&c->shards[i]);
        }
        g.caches[atomic_load(&g.ncaches)] = c;
        atomic_fetch_add_explicit(&g.ncaches, 1, memory_order_release);
    }
    pthread_cond_signal(&g.wake); /* the scavenger reschedules */
    pthread_mutex_unlock(&g.mu);
    return c;
}

gs_cache_t *
gs_cache_at(unsigned i)
{
    return i < atomic_load_explicit(&g.ncaches, memory_order_acquire) ? g.caches[i] : NULL;
}

PCWSTR
gs_cache_name(const gs_cache_t *cache)
{
    return cache->name;
}

/* ---- operations ------------------------------------------------------------------------- */

static HRESULT
retrieve(gs_cache_t *c, IHttpCacheKey *key, IHttpCacheSpecificData **out, IHttpTraceContext *trace)
{
    DWORD hash = hash_of(key);
    struct shard *s = shard_of(c, hash);
    IHttpCacheSpecificData *record = NULL;
    struct node *n;
    HRESULT hr;

    pthread_mutex_lock(&s->mu);
    n = atomic_load_explicit(&c->enabled, memory_order_relaxed) ? find(s, hash, key) : NULL;
    if (n != NULL) {
        record = n->record;
        IHttpCacheSpecificData_ReferenceCacheData(record);
        IHttpCacheSpecificData_ResetTTL(record);
        /* The record used last of all already: a hot record costs no shared write. */
        if (n->used + 1 != atomic_load_explicit(&c->clock, memory_order_relaxed)) {
            n->used = atomic_fetch_add_explicit(&c->clock, 1, memory_order_relaxed);
            lru_unlink(n);
            lru_push_newest(s, n);
        }
        s->hits++;
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->mu);
    hr = raise(CACHE_OPERATION_RETRIEVE, key, &record, trace);
    if (FAILED(hr) && record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record);
        record = NULL;
    }
    if (out != NULL) {
        *out = record;
    } else if (record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record);
    }
    if (FAILED(hr)) {
        return hr;
    }
    return record != NULL ? S_OK : HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
}

static HRESULT
add(gs_cache_t *c, IHttpCacheKey *key, IHttpCacheSpecificData *record, IHttpTraceContext *trace)
{
    struct node *n = gs_xcalloc(1, sizeof(*n));
    struct shard *s;
    struct node *old;
    removed_t replaced = {0}, evicted = {0};
    IHttpCacheSpecificData *again = NULL; /* the same record added again: not replaced */
    HRESULT hr;

    if (!atomic_load(&c->enabled)) {
        free(n);
        return HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED);
    }
    n->hash = hash_of(key);
    n->used = atomic_fetch_add_explicit(&c->clock, 1, memory_order_relaxed);
    n->record = record;
    IHttpCacheSpecificData_ReferenceCacheData(record); /* the cache's own */
    s = shard_of(c, n->hash);
    pthread_mutex_lock(&s->mu);
    old = find(s, n->hash, key);
    if (old != NULL && old->record == record) {
        again = unlink_node(c, s, old); /* its reference goes; the new node holds another */
    } else if (old != NULL) {
        removed_push(&replaced, unlink_node(c, s, old));
        s->deletions++;
    }
    if (s->count >= s->nbuckets * 2) {
        grow(s);
    }
    n->next = s->buckets[n->hash & (s->nbuckets - 1)];
    s->buckets[n->hash & (s->nbuckets - 1)] = n;
    lru_push_newest(s, n);
    s->count++;
    atomic_fetch_add(&c->count, 1);
    s->additions++;
    pthread_mutex_unlock(&s->mu);
    evict(c, &evicted);

    IHttpCacheSpecificData_ReferenceCacheData(record); /* the provider's */
    hr = raise(CACHE_OPERATION_ADD, key, &record, trace);
    if (record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record);
    }
    if (again != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(again);
    }
    release_removed(&replaced, CACHE_OPERATION_DELETE, NULL, trace);
    release_removed(&evicted, CACHE_OPERATION_DELETE, NULL, trace);
    return hr;
}

struct match_key {
    IHttpCacheKey *key;
    DWORD hash;
    bool prefix;
};

static bool
matches_key(IHttpCacheSpecificData *record, void *arg)
{
    struct match_key *m = arg;
    IHttpCacheKey *k = IHttpCacheSpecificData_GetCacheKey(record);

    if (m->prefix) {
        return IHttpCacheKey_GetIsPrefix(m->key, k);
    }
    return hash_of(k) == m->hash && IHttpCacheKey_GetIsEqual(k, m->key);
}

/* Takes the matching records of one shard (of one bucket of it, with hash) into out. */
static void
take_matching(gs_cache_t *c, struct shard *s, const DWORD *hash,
              bool (*match)(IHttpCacheSpecificData *, void *), void *arg, removed_t *out)
{
    pthread_mutex_lock(&s->mu);
    if (hash != NULL) {
        for (struct node *e = s->buckets[*hash & (s->nbuckets - 1)], *next; e != NULL; e = next) {
            next = e->next;
            if (e->hash == *hash && match(e->record, arg)) {
                removed_push(out, unlink_node(c, s, e));
                s->deletions++;
            }
        }
    } else {
        for (struct node *e = s->lru.older, *next; e != &s->lru; e = next) {
            next = e->older;
            if (match(e->record, arg)) {
                removed_push(out, unlink_node(c, s, e));
                s->deletions++;
            }
        }
    }
    pthread_mutex_unlock(&s->mu);
}

static unsigned
remove_matching(gs_cache_t *c, const DWORD *hash, bool (*match)(IHttpCacheSpecificData *, void *),
                void *arg, CACHE_OPERATION op, IHttpCacheKey *key, IHttpTraceContext *trace)
{
    removed_t removed = {0};
    unsigned n;

    if (hash != NULL) {
        take_matching(c, shard_of(c, *hash), hash, match, arg, &removed);
    } else {
        for (unsigned i = 0; i < SHARDS; i++) {
            take_matching(c, &c->shards[i], NULL, match, arg, &removed);
        }
    }
    n = removed.n;
    if (n == 0 && key != NULL) { /* an operation a caller asked for is raised even if empty */
        IHttpCacheSpecificData *none = NULL;

        raise(op, key, &none, trace);
        if (none != NULL) {
            IHttpCacheSpecificData_DereferenceCacheData(none);
        }
    }
    release_removed(&removed, op, key, trace);
    return n;
}

unsigned
gs_cache_remove_if(gs_cache_t *cache, const DWORD *hash,
                   bool (*match)(IHttpCacheSpecificData *, void *), void *arg, CACHE_OPERATION op)
{
    DWORD spread_hash = hash != NULL ? spread(*hash) : 0;

    return remove_matching(cache, hash != NULL ? &spread_hash : NULL, match, arg, op, NULL, NULL);
}

static HRESULT
enumerate(gs_cache_t *c, IHttpCacheKey *key, IHttpTraceContext *trace)
{
    removed_t all = {0}; /* references taken for the walk, not removals */
    IHttpCacheSpecificData *none = NULL;
    HRESULT hr;

    for (unsigned i = 0; i < SHARDS; i++) {
        struct shard *s = &c->shards[i];

        pthread_mutex_lock(&s->mu);
        for (struct node *e = s->lru.older; e != &s->lru; e = e->older) {
            IHttpCacheSpecificData_ReferenceCacheData(e->record);
            removed_push(&all, e->record);
        }
        pthread_mutex_unlock(&s->mu);
    }
    for (unsigned i = 0; i < all.n; i++) {
        IHttpCacheKey_Enum(key, all.items[i]);
        IHttpCacheSpecificData_DereferenceCacheData(all.items[i]);
    }
    free(all.items);
    hr = raise(CACHE_OPERATION_ENUM, key, &none, trace);
    if (none != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(none);
    }
    return hr;
}

HRESULT
gs_cache_operation(CACHE_OPERATION op, IHttpCacheKey *key, IHttpCacheSpecificData **record,
                   IHttpTraceContext *trace)
{
    gs_cache_t *c;

    if (op == CACHE_OPERATION_ADD) {
        if (record == NULL || *record == NULL) {
            return E_INVALIDARG;
        }
        if (key == NULL) {
            key = IHttpCacheSpecificData_GetCacheKey(*record);
        }
    } else if (record != NULL) {
        *record = NULL;
    }
    if (key == NULL || IHttpCacheKey_GetCacheName(key) == NULL) {
        return E_INVALIDARG;
    }
    c = gs_cache_find(IHttpCacheKey_GetCacheName(key));
    if (c == NULL && op == CACHE_OPERATION_ADD) {
        /* A module's own cache, made on its first record, with the defaults. */
        c = gs_cache_define(IHttpCacheKey_GetCacheName(key), NULL);
        if (c == NULL) {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }
    }
    if (c == NULL) {
        return op == CACHE_OPERATION_RETRIEVE || op == CACHE_OPERATION_DELETE
                   ? HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
                   : S_OK;
    }
    switch (op) {
    case CACHE_OPERATION_RETRIEVE:
        return retrieve(c, key, record, trace);
    case CACHE_OPERATION_ADD:
        return add(c, key, *record, trace);
    case CACHE_OPERATION_DELETE: {
        struct match_key m = {key, hash_of(key), false};

        return remove_matching(c, &m.hash, matches_key, &m, op, key, trace) > 0
                   ? S_OK
                   : HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
    }
    case CACHE_OPERATION_FLUSH_PREFIX: {
        struct match_key m = {key, 0, true};

        remove_matching(c, NULL, matches_key, &m, op, key, trace);
        return S_OK;
    }
    case CACHE_OPERATION_ENUM:
        return enumerate(c, key, trace);
    default:
        return E_INVALIDARG;
    }
}

void
gs_cache_stats(gs_cache_t *cache, gs_cache_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < SHARDS; i++) {
        struct shard *s = &cache->shards[i];

        pthread_mutex_lock(&s->mu);
        out->entries += s->count;
        out->hits += s->hits;
        out->misses += s->misses;
        out->additions += s->additions;
        out->evictions += s->evictions;
        out->expirations += s->expirations;
        out->deletions += s->deletions;
        pthread_mutex_unlock(&s->mu);
    }
}

/* ---- time to live ------------------------------------------------------------------------ */

static void
ttl_pass(gs_cache_t *c)
{
    removed_t expired = {0};

    for (unsigned i = 0; i < SHARDS; i++) {
        struct shard *s = &c->shards[i];

        pthread_mutex_lock(&s->mu);
        for (struct node *e = s->lru.older, *next; e != &s->lru; e = next) {
            BOOL gone = FALSE;

            next = e->older;
            IHttpCacheSpecificData_DecrementTTL(e->record, &gone);
            if (gone) {
                removed_push(&expired, unlink_node(c, s, e));
                s->expirations++;
            }
        }
        pthread_mutex_unlock(&s->mu);
    }
    release_removed(&expired, CACHE_OPERATION_DELETE, NULL, NULL);
}

uint64_t
gs_cache_tick(uint64_t now_ms)
{
    uint64_t next = UINT64_MAX;
    gs_cache_t *due[GS_CACHE_MAX_CACHES];
    unsigned ndue = 0;

    pthread_mutex_lock(&g.mu);
    for (unsigned i = 0; i < atomic_load(&g.ncaches); i++) {
        gs_cache_t *c = g.caches[i];
        unsigned half = atomic_load(&c->ttl_ms) / 2;

        if (half == 0) {
            continue;
        }
        if (c->next_pass == 0) {
            c->next_pass = now_ms + half;
        } else if (now_ms >= c->next_pass) {
            due[ndue++] = c;
            c->next_pass = now_ms + half;
        }
        next = c->next_pass < next ? c->next_pass : next;
    }
    pthread_mutex_unlock(&g.mu);
    for (unsigned i = 0; i < ndue; i++) {
        ttl_pass(due[i]); /* caches are never freed while the process serves */
    }
    return next;
}

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

static void *
scavenger(void *arg)
{
    (void) arg;
    gs_identity_settle(); /* it raises notifications: the process identity */
    pthread_mutex_lock(&g.mu);
    while (!g.stopping) {
        uint64_t next;

        pthread_mutex_unlock(&g.mu);
        next = gs_cache_tick(now_ms());
        pthread_mutex_lock(&g.mu);
        if (g.stopping) {
            break;
        }
        if (next == UINT64_MAX) {
            pthread_cond_wait(&g.wake, &g.mu);
        } else {
            struct timespec ts = {(time_t) (next / 1000), (long) (next % 1000) * 1000000};

            pthread_cond_timedwait(&g.wake, &g.mu, &ts);
        }
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

void
gs_cache_start(void)
{
    pthread_condattr_t attr;
    int rc;

    pthread_mutex_lock(&g.mu);
    if (g.running) {
        pthread_mutex_unlock(&g.mu);
        return;
    }
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_destroy(&g.wake);
    pthread_cond_init(&g.wake, &attr);
    pthread_condattr_destroy(&attr);
    g.stopping = false;
    rc = pthread_create(&g.scavenger, NULL, scavenger, NULL);
    if (rc != 0) {
        gs_panic("cannot start the cache scavenger: %s", strerror(rc));
    }
    g.running = true;
    pthread_mutex_unlock(&g.mu);
}

void
gs_cache_shutdown(void)
{
    bool joined;

    pthread_mutex_lock(&g.mu);
    joined = g.running;
    g.stopping = true;
    pthread_cond_signal(&g.wake);
    pthread_mutex_unlock(&g.mu);
    if (joined) {
        pthread_join(g.scavenger, NULL);
        g.running = false;
    }
    for (unsigned i = 0; i < atomic_load(&g.ncaches); i++) {
        gs_cache_t *c = g.caches[i];
        removed_t all = {0};

        for (unsigned j = 0; j < SHARDS; j++) {
            struct shard *s = &c->shards[j];

            pthread_mutex_lock(&s->mu);
            while (s->count > 0) {
                removed_push(&all, unlink_node(c, s, s->lru.newer));
            }
            pthread_mutex_unlock(&s->mu);
        }
        for (unsigned j = 0; j < all.n; j++) {
            IHttpCacheSpecificData_SetFlushed(all.items[j]);
            IHttpCacheSpecificData_DereferenceCacheData(all.items[j]);
        }
        free(all.items);
    }
    if (gs_global_wanted(GL_CACHE_CLEANUP)) {
        gs_global_raise(GL_CACHE_CLEANUP, NULL);
    }
}

void
gs_cache_destroy_all(void)
{
    pthread_mutex_lock(&g.mu);
    for (unsigned i = 0; i < atomic_load(&g.ncaches); i++) {
        gs_cache_t *c = g.caches[i];

        for (unsigned j = 0; j < SHARDS; j++) {
            free(c->shards[j].buckets);
            pthread_mutex_destroy(&c->shards[j].mu);
        }
        free(c);
        g.caches[i] = NULL;
    }
    atomic_store(&g.ncaches, 0);
    pthread_mutex_unlock(&g.mu);
}
