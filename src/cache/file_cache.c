/*
 * FILE records and keys, and the typed cache over the engine (file_cache.h
 * says what is cached and why the open stays per request).  A record is
 * immutable once made, apart from its counts, its flushed flag and its
 * module context container; the engine's shard locks are the only locks.
 * Opening or statting a path here (AccessCheck, CheckIfFileHasChanged)
 * happens in an impersonation scope of the token given, and leaves the
 * thread with the process identity.
 */
#include "file_cache.h"
#include "core/hash.h"
#include "core/http_date.h"
#include "core/http_etag.h"
#include "core/log.h"
#include "core/util.h"
#include "core/wide.h"
#include "pipeline/containers.h"
#include "pipeline/global.h"

#include <guise/token.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define TTL_START 2

/* Windows attribute bits (GetAttributes). */
#define ATTR_READONLY  0x01u
#define ATTR_DIRECTORY 0x10u
#define ATTR_ARCHIVE   0x20u

struct file_info {
    IHttpFileInfo IHttpFileInfo_iface;
    gs_file_probe_t key; /* its path is `path` */
    atomic_uint refs;
    atomic_int ttl;
    gs_container_t modules; /* GetModuleContextContainer */
    wchar_t *path, *vr_path;
    dev_t dev;
    ino_t ino;
    mode_t mode;
    off_t size;
    struct timespec mtim, ctim;
    char etag[GS_ETAG_MAX];
    USHORT etag_len;
    char modified[GS_HTTP_DATE_LEN + 1];
    BYTE *body; /* the whole file, or NULL */
};

static struct {
    atomic_bool enabled;
    atomic_size_t body_max, total_bytes;
    atomic_uint ttl_ms;
    atomic_size_t bodies; /* bytes held by every live record */
} fc = {.enabled = false};

static inline struct file_info *
from_info(const IHttpFileInfo *iface)
{
    return gs_container_of(iface, struct file_info, IHttpFileInfo_iface);
}

static inline const gs_file_probe_t *
from_key(const IFileKey *iface)
{
    return gs_container_of(iface, gs_file_probe_t, IFileKey_iface);
}

/* ---- IFileKey ------------------------------------------------------------------------------ */

static VOID
key_Enum(IFileKey *This, IHttpCacheSpecificData *cacheData)
{
    (void) This;
    (void) cacheData;
}

static PCWSTR
key_GetCacheName(const IFileKey *This)
{
    (void) This;
    return FILE_CACHE_NAME;
}

static DWORD
key_GetHash(const IFileKey *This)
{
    return from_key(This)->hash;
}

static PCWSTR
other_path(IHttpCacheKey *other)
{
    IFileKey *k = GuiseFileKeyFromCacheKey(other);

    return k != NULL ? IFileKey_GetPath(k) : NULL;
}

static bool
key_GetIsEqual(const IFileKey *This, IHttpCacheKey *pCacheCompareKey)
{
    PCWSTR p = other_path(pCacheCompareKey);

    return p != NULL && wcscmp(from_key(This)->path, p) == 0;
}

/* At a path-component boundary: "/srv/a" is a prefix of "/srv/a" and "/srv/a/x", not "/srv/ab". */
static bool
key_GetIsPrefix(const IFileKey *This, IHttpCacheKey *pCacheCompareKey)
{
    const gs_file_probe_t *k = from_key(This);
    PCWSTR p = other_path(pCacheCompareKey);

    return p != NULL && gs_wide_path_prefix(k->path, k->len, p);
}

static PCWSTR
key_GetPath(const IFileKey *This)
{
    return from_key(This)->path;
}

static const IFileKeyVtbl key_vtbl = {
    .Enum = key_Enum,
    .GetCacheName = key_GetCacheName,
    .GetHash = key_GetHash,
    .GetIsEqual = key_GetIsEqual,
    .GetIsPrefix = key_GetIsPrefix,
    .GetPath = key_GetPath,
};

void
gs_file_probe_init(gs_file_probe_t *probe, PCWSTR path)
{
    probe->IFileKey_iface.lpVtbl = &key_vtbl;
    probe->path = path;
    probe->len = wcslen(path);
    probe->hash = gs_fnv1a_wide(GS_FNV_BASIS, path, probe->len);
}

/* ---- IHttpFileInfo ------------------------------------------------------------------------- */

static void
info_free(struct file_info *e)
{
    if (e->body != NULL) {
        atomic_fetch_sub(&fc.bodies, (size_t) e->size);
        free(e->body);
    }
    gs_container_release(&e->modules);
    free(e->path);
    free(e->vr_path);
    free(e);
}

static VOID
info_DecrementTTL(IHttpFileInfo *This, BOOL *pfTTLExpired)
{
    int left = atomic_fetch_sub(&from_info(This)->ttl, 1) - 1;

    if (pfTTLExpired != NULL) {
        *pfTTLExpired = left == 0 ? TRUE : FALSE;
    }
}

static VOID
info_DereferenceCacheData(IHttpFileInfo *This)
{
    struct file_info *e = from_info(This);
    unsigned before = atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel);

    if (before == 0) {
        gs_panic("FILE record dereferenced below zero");
    }
    if (before == 1) {
        info_free(e);
    }
}

static IHttpCacheKey *
info_GetCacheKey(const IHttpFileInfo *This)
{
    return (IHttpCacheKey *) &from_info(This)->key.IFileKey_iface;
}

/* Local files count as always cached (spec §3.12): never flushed. */
static BOOL
info_GetFlushed(const IHttpFileInfo *This)
{
    (void) This;
    return FALSE;
}

static VOID
info_ReferenceCacheData(IHttpFileInfo *This)
{
    atomic_fetch_add_explicit(&from_info(This)->refs, 1, memory_order_relaxed);
}

static VOID
info_ResetTTL(IHttpFileInfo *This)
{
    atomic_store_explicit(&from_info(This)->ttl, TTL_START, memory_order_relaxed);
}

static VOID
info_SetFlushed(IHttpFileInfo *This)
{
    (void) This;
}

static HRESULT
hresult_of_errno(int err)
{
    switch (err) {
    case 0:
        return S_OK;
    case EACCES:
    case EPERM:
        return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED);
    case ENOENT:
        return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    case ENOTDIR:
        return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    default:
        return HRESULT_FROM_WIN32((DWORD) err);
    }
}

/*
 * Takes on hUserToken for one operation: the process identity for NULL.
 * false (and the process identity) when the token cannot be applied.
 */
static bool
become(HANDLE hUserToken)
{
    if (hUserToken == NULL) {
        return RevertToSelf() != FALSE;
    }
    if (!ImpersonateLoggedOnUser(hUserToken)) {
        RevertToSelf();
        return false;
    }
    return true;
}

/* Opens the file for reading as the user: the kernel's answer is the access check. */
static HRESULT
info_AccessCheck(IHttpFileInfo *This, HANDLE hUserToken, PSID pUserSid)
{
    struct file_info *e = from_info(This);
    char *path;
    int fd, err;

    (void) pUserSid;             /* the token says who; a SID alone proves nothing on Linux */
    path = gs_utf8_dup(e->path); /* a NULL token: the process identity's check */
    if (!become(hUserToken)) {
        free(path);
        return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED); /* fail closed */
    }
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    err = fd < 0 ? errno : 0;
    RevertToSelf();
    if (fd >= 0) {
        close(fd);
    }
    free(path);
    return hresult_of_errno(err);
}

static bool
same_file(const struct file_info *e, const struct stat *st)
{
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size
           && e->mtim.tv_sec == st->st_mtim.tv_sec && e->mtim.tv_nsec == st->st_mtim.tv_nsec
           && e->ctim.tv_sec == st->st_ctim.tv_sec && e->ctim.tv_nsec == st->st_ctim.tv_nsec;
}

static BOOL
info_CheckIfFileHasChanged(IHttpFileInfo *This, HANDLE hUserToken)
{
    struct file_info *e = from_info(This);
    char *path = gs_utf8_dup(e->path);
    struct stat st;
    int rc = -1;

    if (become(hUserToken)) {
        rc = stat(path, &st);
        RevertToSelf();
    }
    free(path);
    return rc != 0 || !same_file(e, &st) ? TRUE : FALSE;
}

static DWORD
info_GetAttributes(const IHttpFileInfo *This)
{
    const struct file_info *e = from_info(This);
    DWORD a = S_ISDIR(e->mode) ? ATTR_DIRECTORY : ATTR_ARCHIVE;

    return (e->mode & 0222) == 0 ? a | ATTR_READONLY : a;
}

static PCSTR
info_GetETag(const IHttpFileInfo *This, USHORT *pcchETag)
{
    const struct file_info *e = from_info(This);

    if (pcchETag != NULL) {
        *pcchETag = e->etag_len;
    }
    return e->etag;
}

static const BYTE *
info_GetFileBuffer(const IHttpFileInfo *This)
{
    return from_info(This)->body;
}

/* No descriptor is kept (file_cache.h): read the buffer, or open the path as your user. */
static HANDLE
info_GetFileHandle(const IHttpFileInfo *This)
{
    (void) This;
    return INVALID_HANDLE_VALUE;
}

static PCWSTR
info_GetFilePath(const IHttpFileInfo *This)
{
    return from_info(This)->path;
}

static BOOL
info_GetHttpCacheAllowed(const IHttpFileInfo *This, DWORD *pSecondsToLive)
{
    (void) This;
    if (pSecondsToLive != NULL) {
        *pSecondsToLive = atomic_load(&fc.ttl_ms) / 1000;
    }
    return TRUE;
}

static PCSTR
info_GetLastModifiedString(const IHttpFileInfo *This)
{
    return from_info(This)->modified;
}

static VOID
info_GetLastModifiedTime(const IHttpFileInfo *This, FILETIME *pFileTime)
{
    const struct file_info *e = from_info(This);
    /* 100-ns ticks from 1601-01-01 to 1970-01-01: 11644473600 s. */
    uint64_t t = ((uint64_t) e->mtim.tv_sec + 11644473600ull) * 10000000ull
                 + (uint64_t) e->mtim.tv_nsec / 100;

    if (pFileTime != NULL) {
        pFileTime->dwLowDateTime = (DWORD) t;
        pFileTime->dwHighDateTime = (DWORD) (t >> 32);
    }
}

static IHttpModuleContextContainer *
info_GetModuleContextContainer(IHttpFileInfo *This)
{
    return gs_container_iface(&from_info(This)->modules);
}

static VOID
info_GetSize(const IHttpFileInfo *This, ULARGE_INTEGER *pliSize)
{
    if (pliSize != NULL) {
        pliSize->QuadPart = (ULONGLONG) from_info(This)->size;
    }
}

static PCWSTR
info_GetVrPath(const IHttpFileInfo *This)
{
    return from_info(This)->vr_path;
}

/* Virtual directories with credentials of their own do not exist in guise yet. */
static HANDLE
info_GetVrToken(const IHttpFileInfo *This)
{
    (void) This;
    return NULL;
}

static const IHttpFileInfoVtbl info_vtbl = {
    .DecrementTTL = info_DecrementTTL,
    .DereferenceCacheData = info_DereferenceCacheData,
    .GetCacheKey = info_GetCacheKey,
    .GetFlushed = info_GetFlushed,
    .ReferenceCacheData = info_ReferenceCacheData,
    .ResetTTL = info_ResetTTL,
    .SetFlushed = info_SetFlushed,
    .AccessCheck = info_AccessCheck,
    .CheckIfFileHasChanged = info_CheckIfFileHasChanged,
    .GetAttributes = info_GetAttributes,
    .GetETag = info_GetETag,
    .GetFileBuffer = info_GetFileBuffer,
    .GetFileHandle = info_GetFileHandle,
    .GetFilePath = info_GetFilePath,
    .GetHttpCacheAllowed = info_GetHttpCacheAllowed,
    .GetLastModifiedString = info_GetLastModifiedString,
    .GetLastModifiedTime = info_GetLastModifiedTime,
    .GetModuleContextContainer = info_GetModuleContextContainer,
    .GetSize = info_GetSize,
    .GetVrPath = info_GetVrPath,
    .GetVrToken = info_GetVrToken,
};

/* ---- records ------------------------------------------------------------------------------- */

/*
 * May the body of a file with st be kept?  A regular file within the size
 * limit, whose times are at least two seconds old (a write in the same clock
 * tick as our read would leave them unchanged; FAT's ticks are 2 s), while
 * the budget lasts.
 */
static bool
body_wanted(const struct stat *st)
{
    struct timespec now;
    const struct timespec *newest;

    if (!S_ISREG(st->st_mode) || st->st_size <= 0
        || (size_t) st->st_size > atomic_load(&fc.body_max)
        || atomic_load(&fc.bodies) + (size_t) st->st_size > atomic_load(&fc.total_bytes))
    {
        return false;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    newest = st->st_ctim.tv_sec > st->st_mtim.tv_sec
                     || (st->st_ctim.tv_sec == st->st_mtim.tv_sec
                         && st->st_ctim.tv_nsec > st->st_mtim.tv_nsec)
                 ? &st->st_ctim
                 : &st->st_mtim;
    return now.tv_sec - newest->tv_sec > 2
           || (now.tv_sec - newest->tv_sec == 2 && now.tv_nsec >= newest->tv_nsec);
}

/* The whole file, or NULL (short read: the file changed under us; over budget). */
static BYTE *
read_body(int fd, size_t size)
{
    BYTE *b;
    size_t got = 0;

    if (atomic_fetch_add(&fc.bodies, size) + size > atomic_load(&fc.total_bytes)) {
        atomic_fetch_sub(&fc.bodies, size);
        return NULL;
    }
    b = gs_xmalloc(size);
    while (got < size) {
        ssize_t n = pread(fd, b + got, size - got, (off_t) got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            free(b);
            atomic_fetch_sub(&fc.bodies, size);
            return NULL;
        }
        got += (size_t) n;
    }
    return b;
}

IHttpFileInfo *
gs_file_info_create(PCWSTR path, PCWSTR vr_path, int fd, const struct stat *st, bool want_body)
{
    struct file_info *e = gs_xcalloc(1, sizeof(*e));
    size_t n;

    e->IHttpFileInfo_iface.lpVtbl = &info_vtbl;
    atomic_init(&e->refs, 1);
    atomic_init(&e->ttl, TTL_START);
    gs_container_init(&e->modules);
    e->path = wcsdup(path);
    e->vr_path = vr_path != NULL ? wcsdup(vr_path) : NULL;
    if (e->path == NULL || (vr_path != NULL && e->vr_path == NULL)) {
        gs_panic("out of memory");
    }
    gs_file_probe_init(&e->key, e->path);
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->mode = st->st_mode;
    e->size = st->st_size;
    e->mtim = st->st_mtim;
    e->ctim = st->st_ctim;
    n = gs_etag_format(&st->st_mtim, (uint64_t) st->st_size, e->etag);
    e->etag_len = (USHORT) n;
    gs_http_date_format(st->st_mtim.tv_sec, e->modified);
    if (want_body && fd >= 0 && body_wanted(st)) {
        e->body = read_body(fd, (size_t) st->st_size);
    }
    return &e->IHttpFileInfo_iface;
}

bool
gs_file_info_matches(IHttpFileInfo *info, const struct stat *st)
{
    return same_file(from_info(info), st);
}

size_t
gs_file_cache_body_bytes(void)
{
    return atomic_load(&fc.bodies);
}

/* ---- the cache ----------------------------------------------------------------------------- */

void
gs_file_cache_configure(const gs_file_cache_limits_t *limits)
{
    static const gs_file_cache_limits_t defaults = {
        {true, GS_FILE_CACHE_DEFAULT_ENTRIES, GS_FILE_CACHE_DEFAULT_TTL_MS},
        GS_FILE_CACHE_DEFAULT_BODY_MAX,
        GS_FILE_CACHE_DEFAULT_TOTAL_BYTES,
    };

    if (limits == NULL) {
        limits = &defaults;
    }
    atomic_store(&fc.body_max, limits->body_max);
    atomic_store(&fc.total_bytes, limits->total_bytes);
    atomic_store(&fc.ttl_ms, limits->cache.ttl_ms);
    atomic_store(&fc.enabled, limits->cache.enabled);
    if (gs_cache_define(FILE_CACHE_NAME, &limits->cache) == NULL) {
        gs_panic("cannot define the FILE cache");
    }
}

IHttpFileInfo *
gs_file_cache_get(PCWSTR path, PCWSTR vr_path, int fd, const struct stat *st, bool want_body,
                  IHttpTraceContext *trace)
{
    gs_file_probe_t probe;
    IHttpCacheSpecificData *record = NULL;
    IHttpFileInfo *info;

    if (!atomic_load_explicit(&fc.enabled, memory_order_relaxed)) {
        return gs_file_info_create(path, vr_path, fd, st, false);
    }
    gs_file_probe_init(&probe, path);
    gs_cache_operation(CACHE_OPERATION_RETRIEVE, (IHttpCacheKey *) &probe.IFileKey_iface, &record,
                       trace);
    info = GuiseFileInfoFromCacheData(record);
    if (info == NULL && record != NULL) {
        IHttpCacheSpecificData_DereferenceCacheData(record); /* a module put another kind there */
    }
    if (info != NULL) {
        if (!gs_file_info_matches(info, st)) {
            /* The file changed since the record was made: it goes, and listeners hear. */
            IHttpFileInfo_DereferenceCacheData(info);
            gs_cache_operation(CACHE_OPERATION_DELETE, (IHttpCacheKey *) &probe.IFileKey_iface,
                               NULL, trace);
            gs_global_file_change(path);
        } else if (want_body && IHttpFileInfo_GetFileBuffer(info) == NULL && body_wanted(st)) {
            /* Made without a body (a HEAD, a range, a file too new then): make it again. */
            IHttpFileInfo_DereferenceCacheData(info);
        } else {
            return info;
        }
    }
    info = gs_file_info_create(path, vr_path, fd, st, want_body);
    record = (IHttpCacheSpecificData *) info;
    gs_cache_operation(CACHE_OPERATION_ADD, NULL, &record, trace);
    return info;
}

HRESULT
gs_file_info_open(PCWSTR path, HANDLE hUserToken, PCWSTR vr_path, BOOL fCache, IHttpFileInfo **out,
                  IHttpTraceContext *trace)
{
    char *utf8;
    struct stat st;
    int fd, err = 0;

    if (out == NULL) {
        return E_INVALIDARG;
    }
    *out = NULL;
    if (path == NULL || path[0] != L'/') {
        return E_INVALIDARG;
    }
    utf8 = gs_utf8_dup(path);
    if (!become(hUserToken)) {
        free(utf8);
        return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED); /* fail closed: nothing was read */
    }
    fd = open(utf8, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        err = errno;
    }
    RevertToSelf();
    free(utf8);
    if (err != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return hresult_of_errno(err);
    }
    /* The body, if kept, is read from the descriptor the user opened. */
    *out = fCache ? gs_file_cache_get(path, vr_path, fd, &st, S_ISREG(st.st_mode), trace)
                  : gs_file_info_create(path, vr_path, fd, &st, false);
    close(fd);
    return S_OK;
}
