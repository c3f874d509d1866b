/*
 * The cache engine: operations, ownership, the LRU bound, TTL passes on a
 * clock of the test's own, FLUSH_PREFIX, GL_CACHE_OPERATION (priority order,
 * HANDLED, the provider), GL_CACHE_CLEANUP, references under threads; and
 * the TOKEN cache's keys.
 */
#include "cache/cache.h"
#include "cache/token_cache.h"
#include "pipeline/registry.h"
#include "security/password_hash.h"
#include "security/token_entry.h"

#include <guise/httpcach.h>

#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

/* ---- a record type of the test: a path key with prefix semantics, counted frees ---------- */

static atomic_uint records_freed;

typedef struct {
    IHttpCacheKey key;
    IHttpCacheSpecificData data;
    wchar_t name[16]; /* the cache */
    wchar_t path[64];
    atomic_int refs, ttl;
    atomic_bool flushed;
    atomic_uint enumerated;
} rec_t;

static rec_t *
rec_of_key(const IHttpCacheKey *k)
{
    return (rec_t *) ((char *) k - offsetof(rec_t, key));
}

static rec_t *
rec_of(const IHttpCacheSpecificData *d)
{
    return (rec_t *) ((char *) d - offsetof(rec_t, data));
}

static VOID
k_Enum(IHttpCacheKey *This, IHttpCacheSpecificData *data)
{
    (void) This;
    atomic_fetch_add(&rec_of(data)->enumerated, 1);
}

static PCWSTR
k_GetCacheName(const IHttpCacheKey *This)
{
    return rec_of_key(This)->name;
}

static DWORD
k_GetHash(const IHttpCacheKey *This)
{
    DWORD h = 2166136261u;

    for (const wchar_t *p = rec_of_key(This)->path; *p; p++) {
        h = (h ^ (DWORD) *p) * 16777619u;
    }
    return h;
}

static bool
k_GetIsEqual(const IHttpCacheKey *This, IHttpCacheKey *other)
{
    return wcscmp(rec_of_key(This)->path, rec_of_key(other)->path) == 0;
}

static bool
k_GetIsPrefix(const IHttpCacheKey *This, IHttpCacheKey *other)
{
    const wchar_t *p = rec_of_key(This)->path;

    return wcsncmp(p, rec_of_key(other)->path, wcslen(p)) == 0;
}

static const IHttpCacheKeyVtbl key_vtbl = {k_Enum, k_GetCacheName, k_GetHash, k_GetIsEqual,
                                           k_GetIsPrefix};

static VOID
d_DecrementTTL(IHttpCacheSpecificData *This, BOOL *expired)
{
    *expired = atomic_fetch_sub(&rec_of(This)->ttl, 1) - 1 == 0;
}

static VOID
d_DereferenceCacheData(IHttpCacheSpecificData *This)
{
    rec_t *r = rec_of(This);
    int left = atomic_fetch_sub(&r->refs, 1) - 1;

    if (left < 0) {
        fail_msg("record %ls dereferenced below zero", r->path);
    }
    if (left == 0) {
        atomic_fetch_add(&records_freed, 1);
        free(r);
    }
}

static IHttpCacheKey *
d_GetCacheKey(const IHttpCacheSpecificData *This)
{
    return &rec_of(This)->key;
}

static BOOL
d_GetFlushed(const IHttpCacheSpecificData *This)
{
    return atomic_load(&rec_of(This)->flushed);
}

static VOID
d_ReferenceCacheData(IHttpCacheSpecificData *This)
{
    atomic_fetch_add(&rec_of(This)->refs, 1);
}

static VOID
d_ResetTTL(IHttpCacheSpecificData *This)
{
    atomic_store(&rec_of(This)->ttl, 2);
}

static VOID
d_SetFlushed(IHttpCacheSpecificData *This)
{
    atomic_store(&rec_of(This)->flushed, true);
}

static const IHttpCacheSpecificDataVtbl data_vtbl = {
    d_DecrementTTL, d_DereferenceCacheData, d_GetCacheKey, d_GetFlushed, d_ReferenceCacheData,
    d_ResetTTL,     d_SetFlushed,
};

static rec_t *
rec_new(const wchar_t *cache, const wchar_t *path)
{
    rec_t *r = calloc(1, sizeof(*r));

    r->key.lpVtbl = &key_vtbl;
    r->data.lpVtbl = &data_vtbl;
    wcscpy(r->name, cache);
    wcscpy(r->path, path);
    atomic_init(&r->refs, 1);
    atomic_init(&r->ttl, 2);
    return r;
}

static int
refs(rec_t *r)
{
    return atomic_load(&r->refs);
}

static HRESULT
op(CACHE_OPERATION o, rec_t *key_of, IHttpCacheSpecificData **out)
{
    return gs_cache_operation(o, &key_of->key, out, NULL);
}

static HRESULT
add(rec_t *r)
{
    IHttpCacheSpecificData *d = &r->data;

    return gs_cache_operation(CACHE_OPERATION_ADD, NULL, &d, NULL);
}

/* ---- two global modules that watch GL_CACHE_OPERATION and GL_CACHE_CLEANUP ------------- */

typedef struct {
    CGlobalModule iface;
    const char *name;
    unsigned operations[5], cleanups;
    bool handle;         /* return HANDLED */
    HRESULT error;       /* SetErrorStatus with it, if failed */
    rec_t *replace_with; /* SetCacheRecord on RETRIEVE */
    IHttpCacheSpecificData *last_record;
    IHttpCacheKey *last_key;
    BOOL last_flushed;
    char order[64];
} watcher_t;

static char call_order[64];
static watcher_t first, second;

static GLOBAL_NOTIFICATION_STATUS
w_OnGlobalCacheOperation(CGlobalModule *This, ICacheProvider *p)
{
    watcher_t *w = (watcher_t *) This;
    CACHE_OPERATION o = ICacheProvider_GetCacheOperation(p);

    if (strlen(call_order) < sizeof(call_order) - 2) {
        strcat(call_order, w->name);
    }
    w->operations[o]++;
    w->last_key = ICacheProvider_GetCacheKey(p);
    w->last_record = ICacheProvider_GetCacheRecord(p);
    w->last_flushed =
        w->last_record != NULL ? IHttpCacheSpecificData_GetFlushed(w->last_record) : FALSE;
    if (FAILED(w->error)) {
        ICacheProvider_SetErrorStatus(p, w->error);
    }
    if (w->replace_with != NULL && o == CACHE_OPERATION_RETRIEVE) {
        IHttpCacheSpecificData_ReferenceCacheData(&w->replace_with->data);
        ICacheProvider_SetCacheRecord(p, &w->replace_with->data);
    }
    return w->handle ? GL_NOTIFICATION_HANDLED : GL_NOTIFICATION_CONTINUE;
}

static GLOBAL_NOTIFICATION_STATUS
w_OnGlobalCacheCleanup(CGlobalModule *This)
{
    watcher_t *w = (watcher_t *) This;

    w->cleanups++;
    return GL_NOTIFICATION_CONTINUE;
}

static VOID
w_Terminate(CGlobalModule *This)
{
    (void) This;
}

static const CGlobalModuleVtbl watcher_vtbl = {
    .OnGlobalCacheOperation = w_OnGlobalCacheOperation,
    .OnGlobalCacheCleanup = w_OnGlobalCacheCleanup,
    .Terminate = w_Terminate,
};

static HRESULT
register_first(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    (void) version;
    (void) server;
    first.iface.lpVtbl = &watcher_vtbl;
    first.name = "1";
    /* Registered second, but at a higher priority: it hears first. */
    return IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &first.iface, GL_CACHE_OPERATION | GL_CACHE_CLEANUP);
}

static HRESULT
register_second(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    (void) version;
    (void) server;
    second.iface.lpVtbl = &watcher_vtbl;
    second.name = "2";
    return IHttpModuleRegistrationInfo_SetGlobalNotifications(
        info, &second.iface, GL_CACHE_OPERATION | GL_CACHE_CLEANUP);
}

static HRESULT
register_first_high(DWORD version, IHttpModuleRegistrationInfo *info, IHttpServer *server)
{
    HRESULT hr = register_first(version, info, server);

    if (SUCCEEDED(hr)) {
        hr = IHttpModuleRegistrationInfo_SetPriorityForGlobalNotification(info, GL_CACHE_OPERATION,
                                                                          PRIORITY_ALIAS_HIGH);
    }
    return hr;
}

static const gs_cache_limits_t TEST_LIMITS = {true, 100, 1000};

static int
setup(void **state)
{
    (void) state;
    memset(first.operations, 0, sizeof(first.operations));
    memset(second.operations, 0, sizeof(second.operations));
    first.cleanups = second.cleanups = 0;
    first.handle = second.handle = false;
    first.error = second.error = S_OK;
    first.replace_with = second.replace_with = NULL;
    call_order[0] = '\0';
    atomic_store(&records_freed, 0);
    gs_cache_define(L"TEST", &TEST_LIMITS);
    gs_cache_tick(0); /* schedules the TTL passes: at 500, 1000... */
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    gs_cache_shutdown();
    gs_cache_destroy_all();
    return 0;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_retrieve_add_delete_and_ownership(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a");
    IHttpCacheSpecificData *got = (IHttpCacheSpecificData *) 1;

    (void) state;
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
    assert_null(got);
    assert_int_equal(add(a), S_OK);
    assert_int_equal(refs(a), 2); /* the creator's and the cache's */

    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), S_OK);
    assert_ptr_equal(got, &a->data);
    assert_int_equal(refs(a), 3); /* the caller's own */
    IHttpCacheSpecificData_DereferenceCacheData(got);

    assert_int_equal(op(CACHE_OPERATION_DELETE, a, NULL), S_OK);
    assert_true(IHttpCacheSpecificData_GetFlushed(&a->data));
    assert_int_equal(refs(a), 1); /* holders keep a valid record */
    assert_int_equal(op(CACHE_OPERATION_DELETE, a, NULL), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
    assert_int_equal(atomic_load(&records_freed), 1);
}

static void
test_an_equal_record_replaces_the_cached_one(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a"), *b = rec_new(L"TEST", L"/a");
    IHttpCacheSpecificData *got = NULL;
    gs_cache_stats_t st;

    (void) state;
    add(a);
    add(b);
    assert_true(IHttpCacheSpecificData_GetFlushed(&a->data));
    assert_int_equal(refs(a), 1);
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), S_OK);
    assert_ptr_equal(got, &b->data);
    IHttpCacheSpecificData_DereferenceCacheData(got);
    gs_cache_stats(gs_cache_find(L"TEST"), &st);
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.additions, 2);
    assert_int_equal(st.hits, 1);
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
    IHttpCacheSpecificData_DereferenceCacheData(&b->data);
}

static void
test_adding_a_cached_record_again_keeps_it(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a");
    IHttpCacheSpecificData *got;

    (void) state;
    add(a);
    add(a);
    assert_false(IHttpCacheSpecificData_GetFlushed(&a->data));
    assert_int_equal(refs(a), 2); /* ours and the cache's: one, not two */
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), S_OK);
    IHttpCacheSpecificData_DereferenceCacheData(got);
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
}

static void
test_the_least_recently_used_record_is_evicted(void **state)
{
    static const gs_cache_limits_t three = {true, 3, 0};
    rec_t *r[4];
    IHttpCacheSpecificData *got;
    gs_cache_stats_t st;
    const wchar_t *paths[] = {L"/one", L"/two", L"/three", L"/four"};

    (void) state;
    gs_cache_define(L"TEST", &three);
    for (int i = 0; i < 3; i++) {
        r[i] = rec_new(L"TEST", paths[i]);
        add(r[i]);
    }
    /* /one is used again: /two is now the least recently used. */
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, r[0], &got), S_OK);
    IHttpCacheSpecificData_DereferenceCacheData(got);
    r[3] = rec_new(L"TEST", paths[3]);
    add(r[3]);
    gs_cache_stats(gs_cache_find(L"TEST"), &st);
    assert_int_equal(st.entries, 3);
    assert_int_equal(st.evictions, 1);
    assert_true(IHttpCacheSpecificData_GetFlushed(&r[1]->data));
    assert_false(IHttpCacheSpecificData_GetFlushed(&r[0]->data));
    assert_false(IHttpCacheSpecificData_GetFlushed(&r[2]->data));
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, r[1], &got), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
    for (int i = 0; i < 4; i++) {
        IHttpCacheSpecificData_DereferenceCacheData(&r[i]->data);
    }
    assert_int_equal(atomic_load(&records_freed), 1); /* the evicted one; the rest are cached */
}

static void
test_ttl_passes_on_a_clock_of_our_own(void **state)
{
    rec_t *idle = rec_new(L"TEST", L"/idle"), *busy = rec_new(L"TEST", L"/busy");
    IHttpCacheSpecificData *got;
    gs_cache_stats_t st;

    (void) state;
    /* TTL 1000 ms: a pass every 500 ms; unused for two passes, a record goes. */
    add(idle);
    add(busy);
    assert_int_equal(gs_cache_tick(499), 500); /* not due yet */
    assert_int_equal(gs_cache_tick(500), 1000);
    assert_false(IHttpCacheSpecificData_GetFlushed(&idle->data));
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, busy, &got), S_OK); /* a hit resets the TTL */
    IHttpCacheSpecificData_DereferenceCacheData(got);
    gs_cache_tick(1000);
    assert_true(IHttpCacheSpecificData_GetFlushed(&idle->data));
    assert_false(IHttpCacheSpecificData_GetFlushed(&busy->data));
    gs_cache_stats(gs_cache_find(L"TEST"), &st);
    assert_int_equal(st.expirations, 1);
    assert_int_equal(st.entries, 1);
    gs_cache_tick(1500);
    assert_true(IHttpCacheSpecificData_GetFlushed(&busy->data));
    IHttpCacheSpecificData_DereferenceCacheData(&idle->data);
    IHttpCacheSpecificData_DereferenceCacheData(&busy->data);
    assert_int_equal(atomic_load(&records_freed), 2);
}

static void
test_flush_prefix_removes_what_the_key_is_a_prefix_of(void **state)
{
    const wchar_t *paths[] = {L"/srv/a/x", L"/srv/a/y", L"/srv/ab", L"/srv/b"};
    rec_t *r[4], *prefix = rec_new(L"TEST", L"/srv/a/");
    gs_cache_stats_t st;

    (void) state;
    for (int i = 0; i < 4; i++) {
        r[i] = rec_new(L"TEST", paths[i]);
        add(r[i]);
        IHttpCacheSpecificData_DereferenceCacheData(&r[i]->data);
    }
    assert_int_equal(op(CACHE_OPERATION_FLUSH_PREFIX, prefix, NULL), S_OK);
    assert_int_equal(atomic_load(&records_freed), 2);
    gs_cache_stats(gs_cache_find(L"TEST"), &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.deletions, 2);
    IHttpCacheSpecificData_DereferenceCacheData(&prefix->data);
}

static void
test_enum_calls_the_key_for_every_record(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a"), *b = rec_new(L"TEST", L"/b");

    (void) state;
    add(a);
    add(b);
    assert_int_equal(op(CACHE_OPERATION_ENUM, a, NULL), S_OK);
    /* a's key's Enum is the test's: it counts on the record it is given. */
    assert_int_equal(atomic_load(&a->enumerated), 1);
    assert_int_equal(atomic_load(&b->enumerated), 1);
    assert_int_equal(refs(a), 2);
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
    IHttpCacheSpecificData_DereferenceCacheData(&b->data);
}

static void
test_a_disabled_cache_misses_and_refuses(void **state)
{
    static const gs_cache_limits_t off = {false, 100, 0};
    rec_t *a = rec_new(L"TEST", L"/a");
    IHttpCacheSpecificData *got;

    (void) state;
    add(a);
    gs_cache_define(L"TEST", &off);
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
    assert_int_equal(add(a), HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED));
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
}

static void
test_a_module_cache_is_made_on_its_first_record_and_bounded(void **state)
{
    wchar_t name[16];
    rec_t *r;

    (void) state;
    assert_null(gs_cache_find(L"MINE"));
    r = rec_new(L"MINE", L"/x");
    assert_int_equal(add(r), S_OK);
    assert_non_null(gs_cache_find(L"MINE"));
    IHttpCacheSpecificData_DereferenceCacheData(&r->data);
    /* TEST and MINE exist: GS_CACHE_MAX_CACHES - 2 more fit. */
    for (unsigned i = 2; i < GS_CACHE_MAX_CACHES; i++) {
        swprintf(name, 16, L"C%u", i);
        assert_non_null(gs_cache_define(name, NULL));
    }
    r = rec_new(L"ONEMORE", L"/x");
    assert_int_equal(add(r), HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY));
    IHttpCacheSpecificData_DereferenceCacheData(&r->data);
    assert_int_equal(gs_cache_operation(CACHE_OPERATION_RETRIEVE, NULL, NULL, NULL), E_INVALIDARG);
}

static void
test_notifications_in_priority_order_until_handled(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a");
    IHttpCacheSpecificData *got;

    (void) state;
    add(a);
    assert_string_equal(call_order, "12"); /* HIGH before MEDIUM */
    assert_int_equal(first.operations[CACHE_OPERATION_ADD], 1);
    assert_ptr_equal(first.last_record, &a->data);
    assert_ptr_equal(first.last_key, &a->key);

    first.handle = true;
    op(CACHE_OPERATION_RETRIEVE, a, &got);
    IHttpCacheSpecificData_DereferenceCacheData(got);
    assert_int_equal(first.operations[CACHE_OPERATION_RETRIEVE], 1);
    assert_int_equal(second.operations[CACHE_OPERATION_RETRIEVE], 0); /* HANDLED stopped it */

    first.handle = false;
    op(CACHE_OPERATION_DELETE, a, NULL);
    assert_int_equal(second.operations[CACHE_OPERATION_DELETE], 1);
    assert_ptr_equal(second.last_record, &a->data);
    assert_true(second.last_flushed); /* raised after it was taken out */

    /* A miss is raised with no record. */
    op(CACHE_OPERATION_RETRIEVE, a, &got);
    assert_null(second.last_record);
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
}

static void
test_a_module_sets_the_result_and_the_record(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a"), *other = rec_new(L"TEST", L"/other");
    IHttpCacheSpecificData *got = NULL;

    (void) state;
    add(a);
    second.replace_with = other;
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), S_OK);
    assert_ptr_equal(got, &other->data);
    assert_int_equal(refs(a), 2);     /* the provider gave a's reference back */
    assert_int_equal(refs(other), 2); /* the caller's, from the provider */
    IHttpCacheSpecificData_DereferenceCacheData(got);
    second.replace_with = NULL;

    first.error = E_ACCESSDENIED;
    assert_int_equal(op(CACHE_OPERATION_RETRIEVE, a, &got), E_ACCESSDENIED);
    assert_null(got);
    assert_int_equal(refs(a), 2);
    first.error = S_OK;
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
    IHttpCacheSpecificData_DereferenceCacheData(&other->data);
}

static void
test_shutdown_purges_and_raises_cleanup(void **state)
{
    rec_t *a = rec_new(L"TEST", L"/a");

    (void) state;
    add(a);
    first.operations[CACHE_OPERATION_DELETE] = 0;
    gs_cache_shutdown();
    assert_true(IHttpCacheSpecificData_GetFlushed(&a->data));
    assert_int_equal(refs(a), 1);
    assert_int_equal(first.cleanups, 1);
    assert_int_equal(second.cleanups, 1);
    assert_int_equal(first.operations[CACHE_OPERATION_DELETE], 0); /* a purge, not deletes */
    IHttpCacheSpecificData_DereferenceCacheData(&a->data);
}

/* Readers retrieve and drop while a writer replaces and deletes the same key. */
#define ROUNDS 20000

static void *
reader(void *arg)
{
    rec_t *probe = arg;

    for (int i = 0; i < ROUNDS; i++) {
        IHttpCacheSpecificData *got = NULL;

        if (op(CACHE_OPERATION_RETRIEVE, probe, &got) == S_OK) {
            /* Valid while held, even if the writer flushed it meanwhile. */
            assert_int_equal(wcscmp(rec_of(got)->path, L"/hot"), 0);
            IHttpCacheSpecificData_DereferenceCacheData(got);
        }
    }
    return NULL;
}

static void *
writer(void *arg)
{
    rec_t *probe = arg;

    for (int i = 0; i < ROUNDS / 4; i++) {
        rec_t *r = rec_new(L"TEST", L"/hot");

        add(r);
        IHttpCacheSpecificData_DereferenceCacheData(&r->data);
        if (i % 3 == 0) {
            op(CACHE_OPERATION_DELETE, probe, NULL);
        }
        if (i % 50 == 0) {
            gs_cache_tick((uint64_t) i * 250); /* TTL passes meanwhile */
        }
    }
    return NULL;
}

static void
test_references_hold_under_threads(void **state)
{
    rec_t *probe = rec_new(L"TEST", L"/hot");
    pthread_t t[4];

    (void) state;
    first.handle = true; /* keep the notifications cheap */
    pthread_create(&t[0], NULL, reader, probe);
    pthread_create(&t[1], NULL, reader, probe);
    pthread_create(&t[2], NULL, reader, probe);
    pthread_create(&t[3], NULL, writer, probe);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
    op(CACHE_OPERATION_DELETE, probe, NULL);
    /* Every record the writer made is freed exactly once (ASan checks the "once"). */
    assert_int_equal(atomic_load(&records_freed), ROUNDS / 4);
    IHttpCacheSpecificData_DereferenceCacheData(&probe->data);
}

/* ---- the TOKEN cache's keys ------------------------------------------------------------- */

static void
test_token_keys_match_user_method_and_password(void **state)
{
    char good[GS_PASSWORD_HASH_HEX + 1], bad[GS_PASSWORD_HASH_HEX + 1];
    gs_token_probe_t p_good, p_bad, p_method, p_user;
    IHttpTokenEntry *e;
    IHttpCacheKey *k, *k_good, *k_bad, *k_method, *k_user;

    (void) state;
    gs_password_hash("alice", "secret", good);
    gs_password_hash("alice", "Secret", bad);
    assert_int_not_equal(strcmp(good, bad), 0);
    e = gs_token_entry_create(gs_token_create(40001, 40001, NULL, 0, "alice"), "alice", good,
                              LOGON32_LOGON_NETWORK_CLEARTEXT);
    k = IHttpTokenEntry_GetCacheKey(e);
    assert_true(gs_token_probe_init(&p_good, "alice", good, LOGON32_LOGON_NETWORK_CLEARTEXT));
    assert_true(gs_token_probe_init(&p_bad, "alice", bad, LOGON32_LOGON_NETWORK_CLEARTEXT));
    assert_true(gs_token_probe_init(&p_method, "alice", good, LOGON32_LOGON_NETWORK));
    assert_true(gs_token_probe_init(&p_user, "alicf", good, LOGON32_LOGON_NETWORK_CLEARTEXT));

    k_good = (IHttpCacheKey *) &p_good.IHttpTokenKey_iface;
    k_bad = (IHttpCacheKey *) &p_bad.IHttpTokenKey_iface;
    k_method = (IHttpCacheKey *) &p_method.IHttpTokenKey_iface;
    k_user = (IHttpCacheKey *) &p_user.IHttpTokenKey_iface;
    assert_true(GuiseIsCacheName(IHttpCacheKey_GetCacheName(k), TOKEN_CACHE_NAME));
    assert_true(IHttpCacheKey_GetIsEqual(k, k));
    assert_true(IHttpCacheKey_GetIsEqual(k, k_good));
    assert_true(IHttpCacheKey_GetIsEqual(k_good, k));
    assert_false(IHttpCacheKey_GetIsEqual(k, k_bad)); /* stricter than IIS */
    assert_false(IHttpCacheKey_GetIsEqual(k, k_method));
    assert_false(IHttpCacheKey_GetIsEqual(k, k_user));
    assert_false(IHttpCacheKey_GetIsPrefix(k, k_good));
    /* The hash names the user alone: all of a user's entries share a bucket. */
    assert_int_equal(IHttpCacheKey_GetHash(k), IHttpCacheKey_GetHash(k_bad));
    assert_int_equal(IHttpCacheKey_GetHash(k), IHttpCacheKey_GetHash(k_method));
    assert_int_not_equal(IHttpCacheKey_GetHash(k), IHttpCacheKey_GetHash(k_user));
    /* The key shows a hash of the password, never the password. */
    assert_int_equal(wcslen(IHttpTokenKey_GetPasswordHash((IHttpTokenKey *) k)),
                     GS_PASSWORD_HASH_HEX);
    assert_null(wcsstr(IHttpTokenKey_GetPasswordHash((IHttpTokenKey *) k), L"secret"));
    IHttpTokenEntry_DereferenceCacheData(e);
}

static void
test_a_new_password_removes_the_users_other_entries(void **state)
{
    static const gs_cache_limits_t limits = {true, 100, 0};
    char old[GS_PASSWORD_HASH_HEX + 1], new[GS_PASSWORD_HASH_HEX + 1];
    IHttpTokenEntry *e_old, *e_new, *e_bob, *got;

    (void) state;
    gs_token_cache_configure(&limits, 0);
    gs_password_hash("alice", "old", old);
    gs_password_hash("alice", "new", new);
    e_old = gs_token_entry_create(gs_token_create(40001, 40001, NULL, 0, "alice"), "alice", old,
                                  LOGON32_LOGON_NETWORK_CLEARTEXT);
    e_bob = gs_token_entry_create(gs_token_create(40002, 40002, NULL, 0, "bob"), "bob", old,
                                  LOGON32_LOGON_NETWORK_CLEARTEXT);
    assert_true(gs_token_cache_add(e_old, gs_token_cache_generation(), NULL));
    assert_true(gs_token_cache_add(e_bob, gs_token_cache_generation(), NULL));
    got = gs_token_cache_find("alice", old, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL);
    assert_ptr_equal(got, e_old);
    IHttpTokenEntry_DereferenceCacheData(got);
    assert_null(gs_token_cache_find("alice", new, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL));

    e_new = gs_token_entry_create(gs_token_create(40001, 40001, NULL, 0, "alice"), "alice", new,
                                  LOGON32_LOGON_NETWORK_CLEARTEXT);
    assert_true(gs_token_cache_add(e_new, gs_token_cache_generation(), NULL));
    assert_true(IHttpTokenEntry_GetFlushed(e_old));
    assert_null(gs_token_cache_find("alice", old, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL));
    got = gs_token_cache_find("alice", new, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL);
    assert_ptr_equal(got, e_new);
    IHttpTokenEntry_DereferenceCacheData(got);
    got = gs_token_cache_find("bob", old, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL);
    assert_ptr_equal(got, e_bob); /* another user's entry stays */
    IHttpTokenEntry_DereferenceCacheData(got);

    assert_int_equal(gs_token_cache_flush("bob"), 1);
    assert_int_equal(gs_token_cache_flush(NULL), 1);
    IHttpTokenEntry_DereferenceCacheData(e_old);
    IHttpTokenEntry_DereferenceCacheData(e_new);
    IHttpTokenEntry_DereferenceCacheData(e_bob);
}

static IHttpTokenEntry *
entry_for(const char *typed, uid_t uid, const char *account, const char *password)
{
    char hash[GS_PASSWORD_HASH_HEX + 1];

    gs_password_hash(typed, password, hash);
    return gs_token_entry_create(gs_token_create(uid, uid, NULL, 0, account), typed, hash,
                                 LOGON32_LOGON_NETWORK_CLEARTEXT);
}

static IHttpTokenEntry *
find(const char *typed, const char *password)
{
    char hash[GS_PASSWORD_HASH_HEX + 1];

    gs_password_hash(typed, password, hash);
    return gs_token_cache_find(typed, hash, LOGON32_LOGON_NETWORK_CLEARTEXT, NULL, NULL);
}

static void
test_a_flush_during_a_logon_wins(void **state)
{
    static const gs_cache_limits_t limits = {true, 100, 0};
    IHttpTokenEntry *e = entry_for("alice", 40001, "alice", "pw");
    uint64_t generation;

    (void) state;
    gs_token_cache_configure(&limits, 0);
    generation = gs_token_cache_generation(); /* the logon begins */
    gs_token_cache_flush("alice");            /* the account is locked meanwhile */
    assert_false(gs_token_cache_add(e, generation, NULL));
    assert_null(find("alice", "pw"));
    IHttpTokenEntry_DereferenceCacheData(e);
}

static void
test_entries_go_by_account_whatever_name_was_typed(void **state)
{
    static const gs_cache_limits_t limits = {true, 100, 0};
    struct passwd *nobody = getpwnam("nobody");
    IHttpTokenEntry *upper, *lower, *other, *got;

    (void) state;
    if (nobody == NULL) {
        print_message("skipped: no user nobody\n");
        skip();
    }
    gs_token_cache_configure(&limits, 0);
    /* NSS (SSSD, winbind) may take "NOBODY" for nobody. */
    upper = entry_for("NOBODY", nobody->pw_uid, "nobody", "old");
    other = entry_for("Nobody", nobody->pw_uid, "nobody", "old");
    assert_true(gs_token_cache_add(upper, gs_token_cache_generation(), NULL));
    /* A new password under another spelling ends the old one... */
    lower = entry_for("nobody", nobody->pw_uid, "nobody", "new");
    assert_true(gs_token_cache_add(lower, gs_token_cache_generation(), NULL));
    assert_true(IHttpTokenEntry_GetFlushed(upper));
    assert_null(find("NOBODY", "old"));
    got = find("nobody", "new");
    assert_ptr_equal(got, lower);
    IHttpTokenEntry_DereferenceCacheData(got);
    /* ...and flush-tokens with the account's name finds every spelling. */
    assert_true(gs_token_cache_add(other, gs_token_cache_generation(), NULL)); /* ends lower */
    assert_int_equal(gs_token_cache_flush("nobody"), 1);
    assert_true(IHttpTokenEntry_GetFlushed(other));
    IHttpTokenEntry_DereferenceCacheData(upper);
    IHttpTokenEntry_DereferenceCacheData(lower);
    IHttpTokenEntry_DereferenceCacheData(other);
}

static void
test_an_entry_in_use_still_ends_at_its_maximum_age(void **state)
{
    static const gs_cache_limits_t limits = {true, 100, 0};
    IHttpTokenEntry *e = entry_for("alice", 40001, "alice", "pw"), *got;
    gs_cache_stats_t st;

    (void) state;
    gs_token_cache_configure(&limits, 50); /* ms */
    assert_true(gs_token_cache_add(e, gs_token_cache_generation(), NULL));
    got = find("alice", "pw");
    assert_ptr_equal(got, e);
    IHttpTokenEntry_DereferenceCacheData(got);
    usleep(80 * 1000);
    assert_null(find("alice", "pw"));
    assert_true(IHttpTokenEntry_GetFlushed(e)); /* deleted, not just skipped */
    gs_cache_stats(gs_cache_find(TOKEN_CACHE_NAME), &st);
    assert_int_equal(st.entries, 0);
    gs_token_cache_configure(&limits, 0);
    IHttpTokenEntry_DereferenceCacheData(e);
}

/* A module's record in the TOKEN cache whose key claims to equal anything. */
static PCWSTR
liar_GetCacheName(const IHttpCacheKey *This)
{
    (void) This;
    return TOKEN_CACHE_NAME;
}

static DWORD
liar_GetHash(const IHttpCacheKey *This)
{
    (void) This;
    return gs_token_user_hash("alice");
}

static bool
liar_GetIsEqual(const IHttpCacheKey *This, IHttpCacheKey *other)
{
    (void) This;
    (void) other;
    return true;
}

static const IHttpCacheKeyVtbl liar_key_vtbl = {k_Enum, liar_GetCacheName, liar_GetHash,
                                                liar_GetIsEqual, k_GetIsPrefix};

static void
test_only_guises_own_entries_answer_for_tokens(void **state)
{
    static const gs_cache_limits_t limits = {true, 100, 0};
    rec_t *liar = rec_new(L"TOKEN", L"/liar");

    (void) state;
    gs_token_cache_configure(&limits, 0);
    liar->key.lpVtbl = &liar_key_vtbl;
    assert_int_equal(add(liar), S_OK);
    assert_null(find("alice", "any password at all"));
    assert_int_equal(refs(liar), 2); /* the cache's reference and ours: none leaked */
    IHttpCacheSpecificData_DereferenceCacheData(&liar->data);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_retrieve_add_delete_and_ownership, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_equal_record_replaces_the_cached_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_adding_a_cached_record_again_keeps_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_least_recently_used_record_is_evicted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ttl_passes_on_a_clock_of_our_own, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_prefix_removes_what_the_key_is_a_prefix_of,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_calls_the_key_for_every_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_disabled_cache_misses_and_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_module_cache_is_made_on_its_first_record_and_bounded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications_in_priority_order_until_handled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_module_sets_the_result_and_the_record, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_purges_and_raises_cleanup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_hold_under_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_keys_match_user_method_and_password, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_new_password_removes_the_users_other_entries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_flush_during_a_logon_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_go_by_account_whatever_name_was_typed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_entry_in_use_still_ends_at_its_maximum_age, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_only_guises_own_entries_answer_for_tokens, setup,
                                        teardown),
    };

    /* The second module registers first, at the default priority; the first one at HIGH. */
    if (FAILED(gs_registry_add("second", NULL, register_second, NULL, NULL))
        || FAILED(gs_registry_add("first", NULL, register_first_high, NULL, NULL)))
    {
        return 1;
    }
    gs_registry_seal();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
