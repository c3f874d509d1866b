/*
 * The FILE cache: what can be reused about a file once a request has opened
 * it, as IHttpFileInfo records keyed by IFileKey (the absolute physical
 * path).
 *
 * It never replaces the open.  Every request still opens its file as its
 * own user (files.c: openat2 below the virtual directory, impersonated), so
 * the kernel decides on every request who reads what; only then is the
 * record looked up, and it is used only if it describes the very file that
 * was opened: the fresh fstat's device, inode, size, modification and
 * change times must all equal the record's.  A record that does not match
 * is stale: it is deleted (GL_FILE_CHANGE is raised with its path) and a
 * new one made from the descriptor.  A record saves the formatted ETag and
 * Last-Modified, and, for small files, the body: open + fstat + cached body
 * instead of open + fstat + sendfile.
 *
 * A body is cached only when the file's times are at least a second old,
 * so that a write in the same clock tick as the read (which would leave the
 * times unchanged) cannot leave torn contents behind; and only while the
 * bodies of all records together stay within the configured total.
 *
 * Records keep no descriptor (GetFileHandle is INVALID_HANDLE_VALUE): a
 * descriptor opened by one user must never serve another, and one per
 * cached file would pin deleted files and the process's descriptors.
 *
 * Keys compare paths exactly (Linux paths are case-sensitive); a key is a
 * prefix of another when its path is the other's, or the other's continues
 * it after a '/' (FLUSH_PREFIX of L"/srv/a" removes /srv/a and /srv/a/x but
 * not /srv/ab; L"" or L"/" removes everything).
 */
#ifndef GS_CACHE_FILE_CACHE_H
#define GS_CACHE_FILE_CACHE_H

#include "cache.h"

#include <guise/httpcach.h>
#include <guise/httpserv.h>

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define GS_FILE_CACHE_DEFAULT_ENTRIES     10000
#define GS_FILE_CACHE_DEFAULT_BODY_MAX    65536u       /* bytes of one cached body */
#define GS_FILE_CACHE_DEFAULT_TOTAL_BYTES (64u << 20)  /* bodies of all records */
#define GS_FILE_CACHE_DEFAULT_TTL_MS      (30u * 1000) /* IIS's FileCacheTTL default */

typedef struct {
    gs_cache_limits_t cache; /* enabled, max_entries, ttl_ms */
    size_t body_max;         /* 0: no bodies */
    size_t total_bytes;      /* all bodies together */
} gs_file_cache_limits_t;

/* Defines the FILE cache or changes its limits (NULL: the defaults); start and reload. */
void gs_file_cache_configure(const gs_file_cache_limits_t *limits);

/*
 * The record of the file `fd` that the caller has just opened, as its
 * request's user, at `path` (absolute, physical), with st = fstat(fd):
 * the cached record when it matches st, else a new one (read from fd),
 * cached when the cache is enabled; a stale record is deleted first and
 * GL_FILE_CHANGE raised.  +1 for the caller.  vr_path may be NULL.  With
 * `want_body` false no body is read for a new record (HEAD, ranges...).
 */
IHttpFileInfo *gs_file_cache_get(PCWSTR path, PCWSTR vr_path, int fd, const struct stat *st,
                                 bool want_body, IHttpTraceContext *trace);

/*
 * A new record for the open file fd (st = fstat(fd)), not cached: what
 * gs_file_cache_get makes.  +1 for the caller.
 */
IHttpFileInfo *gs_file_info_create(PCWSTR path, PCWSTR vr_path, int fd, const struct stat *st,
                                   bool want_body);

/*
 * IHttpServer::GetFileInfo: opens path (absolute) read-only as hUserToken
 * (NULL: the process identity), in an impersonation scope of its own that
 * leaves the thread with the process identity, and on success returns the
 * file's record (+1; from the FILE cache when fCache, else a new one).  The
 * open as the user is the access check: HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)
 * and *out NULL when the kernel refuses.
 */
HRESULT gs_file_info_open(PCWSTR path, HANDLE hUserToken, PCWSTR vr_path, BOOL fCache,
                          IHttpFileInfo **out, IHttpTraceContext *trace);

/* Does the record describe the file whose fstat is st (device, inode, size, mtime, ctime)? */
bool gs_file_info_matches(IHttpFileInfo *info, const struct stat *st);

/* Body bytes held by every record alive (cached or not), for tests and stats. */
size_t gs_file_cache_body_bytes(void);

/*
 * A key to look a record up with, on the caller's stack: path is borrowed
 * and must outlive the probe.  Its cache name is FILE.
 */
typedef struct {
    IFileKey IFileKey_iface;
    PCWSTR path;
    size_t len;
    DWORD hash;
} gs_file_probe_t;

void gs_file_probe_init(gs_file_probe_t *probe, PCWSTR path);

#endif
