/*
 * The global cache engine: named caches (TOKEN, FILE, URI, and any a
 * module adds records to) of IHttpCacheSpecificData records, found through
 * their IHttpCacheKey.  Each cache is split in shards, each with its own
 * lock, hash table and least-recently-used list, so lookups from different
 * event loops rarely meet; a shard's lock is never held while a module's
 * code runs, so modules may call back into the cache from a notification.
 *
 * Ownership (spec §3.12): a record starts at one reference, the creator's.
 * The cache holds one of its own while the record is cached; removing it
 * marks it flushed (SetFlushed) and drops that reference, and the record
 * frees itself when its last holder lets go.  RETRIEVE hands the caller a
 * reference of its own.
 *
 * Time to live (spec §3.12): a pass every half TTL calls DecrementTTL on
 * every record, a hit calls ResetTTL, and a record whose count reaches 0 is
 * removed: unused for between one and one and a half TTLs.
 *
 * Every operation raises GL_CACHE_OPERATION to the global modules that
 * subscribed (nothing is done when none did), once per record it touched:
 * RETRIEVE with the record found (NULL on a miss), ADD with the record
 * added, DELETE and FLUSH_PREFIX with each record removed (NULL when none
 * was); records that expire or are evicted are raised as DELETE.
 */
#ifndef GS_CACHE_CACHE_H
#define GS_CACHE_CACHE_H

#include <guise/httpserv.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct gs_cache gs_cache_t;

#define GS_CACHE_MAX_CACHES      16                /* named caches, the three of guise included */
#define GS_CACHE_DEFAULT_ENTRIES 10000             /* per cache, unless configured */
#define GS_CACHE_DEFAULT_TTL_MS  (15u * 60 * 1000) /* IIS's UserTokenTTL */

typedef struct {
    bool enabled;         /* false: RETRIEVE misses, ADD is refused */
    unsigned max_entries; /* at least 1; beyond it the least recently used go */
    unsigned ttl_ms;      /* 0: records never age */
} gs_cache_limits_t;

typedef struct {
    uint64_t entries, hits, misses, additions, evictions, expirations, deletions;
} gs_cache_stats_t;

/*
 * The cache of that name, made with `limits` if it does not exist yet
 * (NULL: the defaults); its limits are replaced if it does and `limits` is
 * given.  NULL only when GS_CACHE_MAX_CACHES caches exist already.
 */
gs_cache_t *gs_cache_define(PCWSTR name, const gs_cache_limits_t *limits);

/* The cache of that name, or NULL. */
gs_cache_t *gs_cache_find(PCWSTR name);

PCWSTR gs_cache_name(const gs_cache_t *cache);

/* The i-th cache defined (from 0), or NULL past the last: for listing them all. */
gs_cache_t *gs_cache_at(unsigned i);

/*
 * IHttpServer::DoCacheOperation, on the cache the key names:
 *  - RETRIEVE: *record = the record equal to key (+1 for the caller), or
 *    NULL and ERROR_NOT_FOUND;
 *  - ADD: caches *record (key may be NULL: the record's own), replacing an
 *    equal record; the caller keeps its reference; ERROR_NOT_SUPPORTED
 *    when the cache is disabled;
 *  - DELETE: removes the records equal to key; ERROR_NOT_FOUND if none;
 *  - FLUSH_PREFIX: removes the records whose key `key` is a prefix of;
 *  - ENUM: calls key->Enum(record) for each record of the cache.
 * A module that calls SetErrorStatus on the provider makes that the result.
 * record may be NULL except for ADD; E_INVALIDARG for a NULL key, a key
 * without a name or an unknown operation.
 */
HRESULT gs_cache_operation(CACHE_OPERATION op, IHttpCacheKey *key, IHttpCacheSpecificData **record,
                           IHttpTraceContext *trace);

/*
 * Removes every record of `cache` for which match(record, arg) is true,
 * raising `op` (DELETE or FLUSH_PREFIX) for each.  Number removed.  With
 * `hash`, only records whose key hashes to *hash are looked at: one bucket,
 * not the whole cache.
 */
unsigned gs_cache_remove_if(gs_cache_t *cache, const DWORD *hash,
                            bool (*match)(IHttpCacheSpecificData *, void *), void *arg,
                            CACHE_OPERATION op);

/* The counters of a cache, summed over its shards. */
void gs_cache_stats(gs_cache_t *cache, gs_cache_stats_t *out);

/*
 * Runs the TTL passes that are due at `now_ms` (a monotonic clock in ms):
 * the scavenger thread calls it, tests call it with a clock of their own.
 * Returns when the next pass is due (UINT64_MAX: none).
 */
uint64_t gs_cache_tick(uint64_t now_ms);

/* Starts the scavenger thread (after the process took its identity). */
void gs_cache_start(void);

/*
 * Stops the scavenger, removes every record of every cache (raising no
 * GL_CACHE_OPERATION), then raises GL_CACHE_CLEANUP: after the last
 * request, before the modules' Terminate.  The caches stay defined, empty.
 */
void gs_cache_shutdown(void);

/* Frees the caches themselves (tests; after gs_cache_shutdown). */
void gs_cache_destroy_all(void);

#endif
