/*
 * FILE and URI keys and records: equality, hashing and prefixes (at
 * component boundaries), FLUSH_PREFIX through the engine, a FILE record
 * replaced when the file it describes changes, bodies kept only for
 * settled files within the byte budget, and the counts.
 */
#include "cache/cache.h"
#include "cache/file_cache.h"
#include "cache/uri_cache.h"

#include <guise/httpcach.h>

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <cmocka.h>

static char dir[] = "/tmp/guise-file-cache-XXXXXX";

static int
setup(void **state)
{
    (void) state;
    gs_file_cache_configure(NULL);
    gs_uri_cache_configure(NULL);
    return 0;
}

static int
teardown(void **state)
{
    (void) state;
    gs_cache_shutdown();
    gs_cache_destroy_all();
    assert_int_equal(gs_file_cache_body_bytes(), 0); /* every record went */
    return 0;
}

/* Writes `text` to dir/name; returns the open descriptor and its fstat. */
static int
make_file(const char *name, const char *text, struct stat *st)
{
    char path[256];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    assert_int_equal(fstat(fd, st), 0);
    return fd;
}

static IHttpCacheKey *
key_of(void *record)
{
    return IHttpCacheSpecificData_GetCacheKey((IHttpCacheSpecificData *) record);
}

static bool
cached(PCWSTR path)
{
    gs_file_probe_t probe;
    IHttpCacheSpecificData *record = NULL;
    HRESULT hr;

    gs_file_probe_init(&probe, path);
    hr = gs_cache_operation(CACHE_OPERATION_RETRIEVE, (IHttpCacheKey *) &probe.IFileKey_iface,
                            &record, NULL);
    if (record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record);
    }
    return SUCCEEDED(hr) && record != NULL;
}

static bool
uri_cached(DWORD site, PCWSTR url)
{
    IHttpCacheSpecificData *record = gs_uri_record_lookup(site, url, 1, NULL);

    if (record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record);
    }
    return record != NULL;
}

/* ---- FILE keys ------------------------------------------------------------------------------ */

static void
test_file_key_equality_and_hash(void **state)
{
    struct stat st;
    int fd = make_file("k", "key", &st);
    IHttpFileInfo *info = gs_file_info_create(L"/srv/a/x", NULL, fd, &st, false);
    IHttpCacheKey *k = key_of(info);
    gs_file_probe_t same, other;
    gs_uri_probe_t uri;

    (void) state;
    gs_file_probe_init(&same, L"/srv/a/x");
    gs_file_probe_init(&other, L"/srv/a/X");
    gs_uri_probe_init(&uri, 1, L"/srv/a/x");
    assert_true(GuiseIsCacheName(IHttpCacheKey_GetCacheName(k), FILE_CACHE_NAME));
    assert_true(wcscmp(IFileKey_GetPath((IFileKey *) k), L"/srv/a/x") == 0);
    assert_true(IHttpCacheKey_GetIsEqual(k, (IHttpCacheKey *) &same.IFileKey_iface));
    assert_true(IFileKey_GetIsEqual(&same.IFileKey_iface, k));
    assert_int_equal(IHttpCacheKey_GetHash(k), IFileKey_GetHash(&same.IFileKey_iface));
    /* Paths are case-sensitive, like the file system. */
    assert_false(IHttpCacheKey_GetIsEqual(k, (IHttpCacheKey *) &other.IFileKey_iface));
    assert_int_not_equal(IHttpCacheKey_GetHash(k), IFileKey_GetHash(&other.IFileKey_iface));
    /* Another cache's key with the same text is never equal. */
    assert_false(IHttpCacheKey_GetIsEqual(k, (IHttpCacheKey *) &uri.IUriKey_iface));
    assert_false(IHttpCacheKey_GetIsPrefix(k, (IHttpCacheKey *) &uri.IUriKey_iface));
    assert_false(IHttpCacheKey_GetIsEqual(k, NULL));
    /* As the spec's samples show: a file key is equal to and a prefix of itself. */
    assert_true(IHttpCacheKey_GetIsPrefix(k, k));
    IHttpFileInfo_DereferenceCacheData(info);
    close(fd);
}

static void
test_file_key_prefix_at_component_boundary(void **state)
{
    static const struct {
        PCWSTR prefix, path;
        bool is;
    } cases[] = {
        {L"/srv/a", L"/srv/a", true},    {L"/srv/a", L"/srv/a/x", true},
        {L"/srv/a", L"/srv/ab", false},  {L"/srv/a/", L"/srv/a/x", true},
        {L"/srv/a/", L"/srv/ab", false}, {L"", L"/srv/ab", true},
        {L"/", L"/srv/ab", true},        {L"/srv/a/x", L"/srv/a", false},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gs_file_probe_t p, o;

        gs_file_probe_init(&p, cases[i].prefix);
        gs_file_probe_init(&o, cases[i].path);
        assert_int_equal(
            IFileKey_GetIsPrefix(&p.IFileKey_iface, (IHttpCacheKey *) &o.IFileKey_iface),
            cases[i].is);
    }
}

static void
test_file_flush_prefix(void **state)
{
    struct stat st;
    int fd = make_file("f", "flush", &st);
    PCWSTR paths[] = {L"/srv/a/x", L"/srv/a/y", L"/srv/ab", L"/srv/a"};
    gs_file_probe_t probe;
    IHttpFileInfo *held;

    (void) state;
    for (size_t i = 0; i < 4; i++) {
        IHttpFileInfo *info = gs_file_cache_get(paths[i], L"/srv", fd, &st, false, NULL);

        assert_non_null(info);
        IHttpFileInfo_DereferenceCacheData(info);
        assert_true(cached(paths[i]));
    }
    held = gs_file_cache_get(L"/srv/a/x", L"/srv", fd, &st, false, NULL); /* +1, held across */

    gs_file_probe_init(&probe, L"/srv/a");
    assert_int_equal(gs_cache_operation(CACHE_OPERATION_FLUSH_PREFIX,
                                        (IHttpCacheKey *) &probe.IFileKey_iface, NULL, NULL),
                     S_OK);
    assert_false(cached(L"/srv/a/x"));
    assert_false(cached(L"/srv/a/y"));
    assert_false(cached(L"/srv/a"));
    assert_true(cached(L"/srv/ab"));
    /* A record out of the cache stays valid for its holder. */
    assert_true(wcscmp(IHttpFileInfo_GetFilePath(held), L"/srv/a/x") == 0);
    IHttpFileInfo_DereferenceCacheData(held);

    gs_file_probe_init(&probe, L"");
    gs_cache_operation(CACHE_OPERATION_FLUSH_PREFIX, (IHttpCacheKey *) &probe.IFileKey_iface, NULL,
                       NULL);
    assert_false(cached(L"/srv/ab"));
    close(fd);
}

/* ---- FILE records --------------------------------------------------------------------------- */

static void
test_record_hit_while_file_unchanged(void **state)
{
    struct stat st;
    int fd = make_file("h", "hit", &st);
    IHttpFileInfo *a = gs_file_cache_get(L"/h", NULL, fd, &st, false, NULL);
    IHttpFileInfo *b = gs_file_cache_get(L"/h", NULL, fd, &st, false, NULL);

    (void) state;
    assert_ptr_equal(a, b);
    IHttpFileInfo_DereferenceCacheData(a);
    IHttpFileInfo_DereferenceCacheData(b);
    close(fd);
}

static void
test_changed_file_replaces_record(void **state)
{
    struct stat st, st2;
    int fd = make_file("c", "version one", &st);
    IHttpFileInfo *old = gs_file_cache_get(L"/c", NULL, fd, &st, false, NULL), *now;
    struct timespec later[2] = {{0, UTIME_OMIT}, st.st_mtim};
    PCSTR etag_old;
    char etag_copy[64];
    USHORT n;

    (void) state;
    etag_old = IHttpFileInfo_GetETag(old, &n);
    snprintf(etag_copy, sizeof(etag_copy), "%s", etag_old);
    /* Same size, new contents, a later mtime: what a rewrite looks like. */
    later[1].tv_sec += 5;
    assert_int_equal(pwrite(fd, "version two", 11, 0), 11);
    assert_int_equal(futimens(fd, later), 0);
    assert_int_equal(fstat(fd, &st2), 0);
    assert_int_equal(st2.st_size, st.st_size);
    assert_false(gs_file_info_matches(old, &st2));

    now = gs_file_cache_get(L"/c", NULL, fd, &st2, false, NULL);
    assert_ptr_not_equal(now, old);
    assert_true(gs_file_info_matches(now, &st2));
    assert_string_not_equal(IHttpFileInfo_GetETag(now, NULL), etag_copy);
    /* The stale record left the cache; the new one is what a lookup finds. */
    {
        IHttpFileInfo *again = gs_file_cache_get(L"/c", NULL, fd, &st2, false, NULL);

        assert_ptr_equal(again, now);
        IHttpFileInfo_DereferenceCacheData(again);
    }
    /* A change of mode alone (ctime) makes the record stale too. */
    assert_int_equal(fchmod(fd, 0600), 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_false(gs_file_info_matches(now, &st));
    IHttpFileInfo_DereferenceCacheData(old);
    IHttpFileInfo_DereferenceCacheData(now);
    close(fd);
}

static void
test_record_describes_the_file(void **state)
{
    struct stat st;
    int fd = make_file("d", "0123456789", &st);
    IHttpFileInfo *info = gs_file_info_create(L"/srv/d", L"/srv", fd, &st, false);
    ULARGE_INTEGER size;
    FILETIME ft;
    DWORD ttl = 0;
    uint64_t ticks;

    (void) state;
    IHttpFileInfo_GetSize(info, &size);
    assert_int_equal(size.QuadPart, 10);
    assert_int_equal(strlen(IHttpFileInfo_GetLastModifiedString(info)), 29);
    IHttpFileInfo_GetLastModifiedTime(info, &ft);
    ticks = ((uint64_t) ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    assert_int_equal(ticks / 10000000ull - 11644473600ull, (uint64_t) st.st_mtim.tv_sec);
    assert_int_equal(IHttpFileInfo_GetAttributes(info), 0x20); /* archive, writable */
    assert_ptr_equal(IHttpFileInfo_GetFileHandle(info), INVALID_HANDLE_VALUE);
    assert_true(wcscmp(IHttpFileInfo_GetVrPath(info), L"/srv") == 0);
    assert_null(IHttpFileInfo_GetVrToken(info));
    assert_non_null(IHttpFileInfo_GetModuleContextContainer(info));
    assert_true(IHttpFileInfo_GetHttpCacheAllowed(info, &ttl));
    assert_null(IHttpFileInfo_GetFileBuffer(info)); /* not asked for */
    /* A NULL token is checked as the process, not waved through: /srv/d is not there. */
    assert_int_equal(IHttpFileInfo_AccessCheck(info, NULL, NULL),
                     HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
    IHttpFileInfo_DereferenceCacheData(info);
    close(fd);
}

static void
test_body_only_for_settled_files_within_budget(void **state)
{
    struct stat st;
    int fd = make_file("b", "the body", &st);
    IHttpFileInfo *fresh = gs_file_cache_get(L"/b", NULL, fd, &st, true, NULL), *settled;
    gs_file_cache_limits_t tight = {{true, 100, 30000}, 65536, 4};

    (void) state;
    /* Written just now: a write in the same tick could go unseen, so no body yet. */
    assert_null(IHttpFileInfo_GetFileBuffer(fresh));
    sleep(2);
    settled = gs_file_cache_get(L"/b", NULL, fd, &st, true, NULL);
    assert_ptr_not_equal(settled, fresh); /* remade with its body */
    assert_non_null(IHttpFileInfo_GetFileBuffer(settled));
    assert_memory_equal(IHttpFileInfo_GetFileBuffer(settled), "the body", 8);
    assert_int_equal(gs_file_cache_body_bytes(), 8);
    IHttpFileInfo_DereferenceCacheData(fresh);
    IHttpFileInfo_DereferenceCacheData(settled);

    /* Over the total budget: records, but no bodies. */
    gs_file_cache_configure(&tight);
    {
        IHttpFileInfo *info = gs_file_info_create(L"/b2", NULL, fd, &st, true);

        assert_null(IHttpFileInfo_GetFileBuffer(info));
        IHttpFileInfo_DereferenceCacheData(info);
    }
    gs_file_cache_configure(NULL);
    close(fd);
}

static void
test_disabled_cache_still_answers(void **state)
{
    struct stat st;
    int fd = make_file("o", "off", &st);
    gs_file_cache_limits_t off = {{false, 100, 30000}, 65536, 1 << 20};
    IHttpFileInfo *a, *b;

    (void) state;
    gs_file_cache_configure(&off);
    a = gs_file_cache_get(L"/o", NULL, fd, &st, true, NULL);
    b = gs_file_cache_get(L"/o", NULL, fd, &st, true, NULL);
    assert_ptr_not_equal(a, b);
    assert_false(cached(L"/o"));
    IHttpFileInfo_DereferenceCacheData(a);
    IHttpFileInfo_DereferenceCacheData(b);
    gs_file_cache_configure(NULL);
    close(fd);
}

static void
test_open_as_the_process(void **state)
{
    struct stat st;
    int fd = make_file("p", "opened", &st);
    char path[256];
    wchar_t wpath[256];
    IHttpFileInfo *info = NULL;
    ULARGE_INTEGER size;

    (void) state;
    close(fd);
    snprintf(path, sizeof(path), "%s/p", dir);
    swprintf(wpath, 256, L"%s", path);
    assert_int_equal(gs_file_info_open(wpath, NULL, NULL, TRUE, &info, NULL), S_OK);
    assert_non_null(info);
    IHttpFileInfo_GetSize(info, &size);
    assert_int_equal(size.QuadPart, 6);
    assert_true(cached(wpath));
    assert_false(IHttpFileInfo_CheckIfFileHasChanged(info, NULL));
    IHttpFileInfo_DereferenceCacheData(info);

    swprintf(wpath, 256, L"%s/absent", path);
    assert_int_equal(gs_file_info_open(wpath, NULL, NULL, TRUE, &info, NULL),
                     HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)); /* p is a file */
    assert_null(info);
    assert_int_equal(gs_file_info_open(L"relative", NULL, NULL, TRUE, &info, NULL), E_INVALIDARG);
}

static void
test_no_null_slots(void **state)
{
    struct stat st;
    int fd = make_file("n", "n", &st);
    IHttpFileInfo *info = gs_file_info_create(L"/n", NULL, fd, &st, false);
    IHttpCacheSpecificData *uri =
        gs_uri_record_create(1, L"Default Web Site", L"/n", "/srv/n", NULL, NULL, 1);
    void *const *slots;

    (void) state;
    slots = (void *const *) info->lpVtbl;
    for (size_t i = 0; i < sizeof(IHttpFileInfoVtbl) / sizeof(void *); i++) {
        assert_non_null(slots[i]);
    }
    slots = (void *const *) ((IFileKey *) key_of(info))->lpVtbl;
    for (size_t i = 0; i < sizeof(IFileKeyVtbl) / sizeof(void *); i++) {
        assert_non_null(slots[i]);
    }
    slots = (void *const *) uri->lpVtbl;
    for (size_t i = 0; i < sizeof(IHttpCacheSpecificDataVtbl) / sizeof(void *); i++) {
        assert_non_null(slots[i]);
    }
    slots = (void *const *) ((IUriKey *) key_of(uri))->lpVtbl;
    for (size_t i = 0; i < sizeof(IUriKeyVtbl) / sizeof(void *); i++) {
        assert_non_null(slots[i]);
    }
    IHttpFileInfo_DereferenceCacheData(info);
    IHttpCacheSpecificData_DereferenceCacheData(uri);
    close(fd);
}

/* ---- URI keys and records ------------------------------------------------------------------- */

static void
test_uri_key_equality_and_hash(void **state)
{
    IHttpCacheSpecificData *r =
        gs_uri_record_create(1, L"Default Web Site", L"/a/x", "/srv/a/x", NULL, NULL, 1);
    IUriKey *k = (IUriKey *) key_of(r);
    gs_uri_probe_t same, other_site, other_url;
    gs_file_probe_t file;

    (void) state;
    gs_uri_probe_init(&same, 1, L"/a/x");
    gs_uri_probe_init(&other_site, 2, L"/a/x");
    gs_uri_probe_init(&other_url, 1, L"/a/y");
    gs_file_probe_init(&file, L"/a/x");
    assert_true(GuiseIsCacheName(IUriKey_GetCacheName(k), URI_CACHE_NAME));
    assert_int_equal(IUriKey_GetSiteId(k), 1);
    assert_true(wcscmp(IUriKey_GetUrl(k), L"/a/x") == 0);
    assert_true(wcscmp(IUriKey_GetSiteName(k), L"Default Web Site") == 0);
    assert_true(wcscmp(IUriKey_GetConfigPath(k), L"MACHINE/WEBROOT/APPHOST/Default Web Site/a/x")
                == 0);
    assert_true(IUriKey_GetIsEqual(k, (IHttpCacheKey *) &same.IUriKey_iface));
    assert_true(IUriKey_GetIsEqual(&same.IUriKey_iface, (IHttpCacheKey *) k));
    assert_int_equal(IUriKey_GetHash(k), IUriKey_GetHash(&same.IUriKey_iface));
    assert_false(IUriKey_GetIsEqual(k, (IHttpCacheKey *) &other_site.IUriKey_iface));
    assert_int_not_equal(IUriKey_GetHash(k), IUriKey_GetHash(&other_site.IUriKey_iface));
    assert_false(IUriKey_GetIsEqual(k, (IHttpCacheKey *) &other_url.IUriKey_iface));
    assert_false(IUriKey_GetIsEqual(k, (IHttpCacheKey *) &file.IFileKey_iface));
    assert_true(IUriKey_GetIsPrefix(k, (IHttpCacheKey *) k));
    assert_string_equal(gs_uri_record_physical(r), "/srv/a/x");
    IUriKey_UpdateFrequentlyHitTickCount(k, 42);
    IHttpCacheSpecificData_DereferenceCacheData(r);
}

static void
test_uri_key_prefix(void **state)
{
    static const struct {
        DWORD site;
        PCWSTR url;
        bool is;
    } cases[] = {
        {1, L"/a", true},    {1, L"/a/x", true}, {1, L"/ab", false},
        {2, L"/a/x", false}, {1, L"/", false},
    };
    gs_uri_probe_t a;

    (void) state;
    gs_uri_probe_init(&a, 1, L"/a");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gs_uri_probe_t o;

        gs_uri_probe_init(&o, cases[i].site, cases[i].url);
        assert_int_equal(IUriKey_GetIsPrefix(&a.IUriKey_iface, (IHttpCacheKey *) &o.IUriKey_iface),
                         cases[i].is);
    }
}

static void
test_uri_flush_prefix_and_reload(void **state)
{
    static const struct {
        DWORD site;
        PCWSTR url;
    } urls[] = {{1, L"/a/x"}, {1, L"/a/y"}, {1, L"/ab"}, {2, L"/a/x"}};
    gs_uri_probe_t probe;

    (void) state;
    for (size_t i = 0; i < 4; i++) {
        IHttpCacheSpecificData *r =
            gs_uri_record_create(urls[i].site, L"", urls[i].url, "/srv", NULL, NULL, 1);

        assert_int_equal(gs_cache_operation(CACHE_OPERATION_ADD, NULL, &r, NULL), S_OK);
        IHttpCacheSpecificData_DereferenceCacheData(r);
        assert_true(uri_cached(urls[i].site, urls[i].url));
    }
    /* Another generation's record is never used. */
    assert_null(gs_uri_record_lookup(1, L"/a/x", 2, NULL));

    gs_uri_probe_init(&probe, 1, L"/a");
    assert_int_equal(gs_cache_operation(CACHE_OPERATION_FLUSH_PREFIX,
                                        (IHttpCacheKey *) &probe.IUriKey_iface, NULL, NULL),
                     S_OK);
    assert_false(uri_cached(1, L"/a/x"));
    assert_false(uri_cached(1, L"/a/y"));
    assert_true(uri_cached(1, L"/ab"));
    assert_true(uri_cached(2, L"/a/x"));

    /* A reload flushes everything. */
    gs_uri_cache_configure(NULL);
    assert_false(uri_cached(1, L"/ab"));
    assert_false(uri_cached(2, L"/a/x"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_key_equality_and_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_key_prefix_at_component_boundary, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_file_flush_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_hit_while_file_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_file_replaces_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_describes_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_only_for_settled_files_within_budget, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_disabled_cache_still_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_as_the_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_null_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uri_key_equality_and_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uri_key_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uri_flush_prefix_and_reload, setup, teardown),
    };
    int rc;

    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0) {
            rc = rc ? rc : 1;
        }
    }
    return rc;
}
