/*
 * Answering a GET or HEAD with a file: validators (ETag, Last-Modified),
 * the conditional request headers, one byte range, the media type, and the
 * body as a file chunk (the caller keeps the descriptor open until the
 * request ends).  Shared by StaticFileModule and DefaultDocumentModule.
 * Public API only; the HTTP syntax helpers are guise's pure functions.
 */
#include "file_response.h"
#include "files.h"
#include "cache/file_cache.h"
#include "core/http_date.h"
#include "core/http_etag.h"
#include "core/http_range.h"
#include "core/mime_types.h"
#include "core/util.h"
#include "core/wide.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define MIME_CACHE 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static gs_mime_t *mime; /* the system's types: read-only between init and fini */
static unsigned users;
static IGuiseServer *guise;

/*
 * The mimeMap entries of a staticContent section, as a table, made once per
 * thread and section version.  Every table also sits in `tables`, so that
 * fini frees them whatever thread made them.
 */
struct overlay {
    struct overlay *next;
    ULONGLONG version;
    gs_mime_t *table;
    const char *star; /* fileExtension="*": the type of anything else */
};

static struct overlay *tables;
static _Thread_local struct overlay *cache[MIME_CACHE];
static _Thread_local unsigned cache_next;

HRESULT
gs_file_response_init(IHttpServer *server)
{
    HRESULT hr = HttpGetExtendedInterface(server, &IID_IHttpServer, server, &IID_IGuiseServer,
                                          (PVOID *) &guise);

    if (FAILED(hr)) {
        return hr;
    }
    pthread_mutex_lock(&lock);
    if (users++ == 0) {
        mime = gs_mime_load(IGuiseServer_GetSetting(guise, "mime-types"));
    }
    pthread_mutex_unlock(&lock);
    return S_OK;
}

static struct overlay *
overlay_for(IGuiseConfigElement *section)
{
    ULONGLONG version = IGuiseConfigElement_GetVersion(section);
    DWORD n = IGuiseConfigElement_GetChildCount(section);
    struct overlay *o;

    for (unsigned i = 0; i < MIME_CACHE; i++) {
        if (cache[i] != NULL && cache[i]->version == version) {
            return cache[i];
        }
    }
    o = gs_xcalloc(1, sizeof(*o));
    o->version = version;
    o->table = gs_mime_load(NULL);
    for (DWORD i = 0; i < n; i++) {
        IGuiseConfigElement *e = IGuiseConfigElement_GetChild(section, i);
        PCSTR ext = IGuiseConfigElement_GetAttribute(e, "fileExtension");
        PCSTR type = IGuiseConfigElement_GetAttribute(e, "mimeType");

        if (ext == NULL || type == NULL) {
            continue; /* clientCache, not an entry */
        }
        if (strcmp(ext, "*") == 0) {
            o->star = type;
        } else {
            gs_mime_set(o->table, ext + 1, strlen(ext + 1), type);
        }
    }
    pthread_mutex_lock(&lock);
    o->next = tables;
    tables = o;
    pthread_mutex_unlock(&lock);
    cache[cache_next++ % MIME_CACHE] = o;
    return o;
}

/*
 * The type of a file name: the section's mimeMap first (it adds to and
 * overrides the system's types), then /etc/mime.types and the built-ins,
 * then the section's "*" entry, then application/octet-stream.
 */
static const char *
media_type(IGuiseConfigElement *section, const char *name)
{
    size_t len = strlen(name);
    struct overlay *o =
        section && IGuiseConfigElement_GetChildCount(section) > 1 ? overlay_for(section) : NULL;
    const char *type = o ? gs_mime_find(o->table, name, len) : NULL;

    if (type == NULL) {
        type = gs_mime_find(mime, name, len);
    }
    if (type == NULL) {
        type = o && o->star ? o->star : GS_MIME_DEFAULT;
    }
    return type;
}

static void
set_header(IHttpResponse *rsp, PCSTR name, PCSTR value, size_t len)
{
    IHttpResponse_SetHeader(rsp, name, value, (USHORT) len, TRUE);
}

/* clientCache: Cache-Control or Expires as the section asks. */
static void
client_cache(IHttpResponse *rsp, IGuiseConfigElement *section)
{
    IGuiseConfigElement *cc =
        section ? IGuiseConfigElement_GetChildByName(section, "clientCache") : NULL;
    PCSTR mode, custom;
    char value[256] = "";

    if (cc == NULL) {
        return;
    }
    mode = IGuiseConfigElement_GetAttribute(cc, "cacheControlMode");
    custom = IGuiseConfigElement_GetAttribute(cc, "cacheControlCustom");
    if (strcmp(mode, "DisableCache") == 0) {
        snprintf(value, sizeof(value), "no-cache");
    } else if (strcmp(mode, "UseMaxAge") == 0) {
        unsigned d = 0, h = 0, m = 0, sec = 0;
        PCSTR age = IGuiseConfigElement_GetAttribute(cc, "cacheControlMaxAge");

        if (sscanf(age, "%u.%u:%u:%u", &d, &h, &m, &sec) != 4) {
            d = 0;
            sscanf(age, "%u:%u:%u", &h, &m, &sec);
        }
        snprintf(value, sizeof(value), "max-age=%llu",
                 (unsigned long long) d * 86400 + h * 3600 + m * 60 + sec);
    } else if (strcmp(mode, "UseExpires") == 0) {
        PCSTR expires = IGuiseConfigElement_GetAttribute(cc, "httpExpires");

        if (expires != NULL) {
            set_header(rsp, "Expires", expires, strlen(expires));
        }
    }
    if (custom != NULL && custom[0] != '\0') {
        size_t n = strlen(value);

        snprintf(value + n, sizeof(value) - n, "%s%s", n ? ", " : "", custom);
    }
    if (value[0] != '\0') {
        set_header(rsp, "Cache-Control", value, strlen(value));
    }
}

void
gs_file_response_fini(void)
{
    pthread_mutex_lock(&lock);
    if (users > 0 && --users == 0) {
        gs_mime_free(mime);
        mime = NULL;
        while (tables != NULL) {
            struct overlay *o = tables;

            tables = o->next;
            gs_mime_free(o->table);
            free(o);
        }
    }
    pthread_mutex_unlock(&lock);
}

static bool
header_date(IHttpRequest *req, HTTP_HEADER_ID id, time_t *out)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, id, &n);

    return v != NULL && gs_http_date_parse(v, n, out) == 0;
}

/*
 * RFC 9110 section 13.2.2 order: If-Match, If-Unmodified-Since,
 * If-None-Match, If-Modified-Since.  Returns 0 to go on, else the status.
 */
static unsigned
preconditions(IHttpRequest *req, const struct stat *st, const char *etag, size_t etag_len)
{
    USHORT n = 0;
    PCSTR v;
    time_t t;

    if ((v = IHttpRequest_GetHeaderById(req, HttpHeaderIfMatch, &n)) != NULL) {
        if (!gs_etag_match(v, n, etag, etag_len, true)) {
            return 412;
        }
    } else if (header_date(req, HttpHeaderIfUnmodifiedSince, &t) && st->st_mtim.tv_sec > t) {
        return 412;
    }
    if ((v = IHttpRequest_GetHeaderById(req, HttpHeaderIfNoneMatch, &n)) != NULL) {
        if (gs_etag_match(v, n, etag, etag_len, false)) {
            return 304;
        }
    } else if (header_date(req, HttpHeaderIfModifiedSince, &t) && st->st_mtim.tv_sec <= t) {
        return 304;
    }
    return 0;
}

/* If-Range: a range applies only to the representation the client has. */
static bool
if_range_holds(IHttpRequest *req, const struct stat *st, const char *etag, size_t etag_len)
{
    USHORT n = 0;
    PCSTR v = IHttpRequest_GetHeaderById(req, HttpHeaderIfRange, &n);
    time_t t;

    if (v == NULL) {
        return true;
    }
    if (n > 0 && (v[0] == '"' || v[0] == 'W')) {
        return gs_etag_match(v, n, etag, etag_len, true);
    }
    return gs_http_date_parse(v, n, &t) == 0 && t == st->st_mtim.tv_sec;
}

static void
send_file(IHttpResponse *rsp, int fd, uint64_t offset, uint64_t len)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.FileHandle = GuiseHandleFromFd(fd);
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = offset;
    chunk.FromFileHandle.ByteRange.Length.QuadPart = len;
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, NULL, NULL);
}

/* From the record's copy of the body when it has one (the record outlives the send), else the file.
 */
static void
send_body(IHttpResponse *rsp, IHttpFileInfo *info, int fd, uint64_t offset, uint64_t len)
{
    const BYTE *body = info ? IHttpFileInfo_GetFileBuffer(info) : NULL;
    HTTP_DATA_CHUNK chunk;

    if (body == NULL) {
        send_file(rsp, fd, offset, len);
        return;
    }
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) (body + offset);
    chunk.FromMemory.BufferLength = (ULONG) len;
    IHttpResponse_WriteEntityChunkByReference(rsp, &chunk, -1);
}

/*
 * The FILE record of the open file fd (+1): the physical path of the
 * request, with leaf appended when not NULL.
 */
static IHttpFileInfo *
file_info(IHttpContext *ctx, int fd, const struct stat *st, const char *leaf, bool get)
{
    IMetadataInfo *meta = IHttpContext_GetMetadata(ctx);
    PCWSTR vr = meta ? IMetadataInfo_GetVrPath(meta) : NULL;
    DWORD n = 0;
    PCWSTR physical = IHttpContext_GetPhysicalPath(ctx, &n);
    wchar_t *path;

    if (physical == NULL) {
        return NULL;
    }
    if (leaf == NULL) {
        return gs_file_cache_get(physical, vr, fd, st, get, NULL);
    }
    {
        wchar_t *wleaf = gs_wide_dup(leaf), *p;
        size_t leaf_len = wcslen(wleaf);
        DWORD bytes = (DWORD) ((n + leaf_len + 2) * sizeof(wchar_t));

        path = IHttpContext_AllocateRequestMemory(ctx, bytes);
        if (path == NULL) {
            free(wleaf);
            return NULL;
        }
        wmemcpy(path, physical, n);
        p = path + n;
        if (n > 0 && physical[n - 1] != L'/') {
            *p++ = L'/';
        }
        wmemcpy(p, wleaf, leaf_len + 1);
        free(wleaf);
    }
    return gs_file_cache_get(path, vr, fd, st, get, NULL);
}

static IHttpFileInfo *respond(IHttpContext *ctx, int fd, const struct stat *st, const char *leaf);

void
gs_file_held_release(gs_file_held_t *held)
{
    if (held->fd >= 0) {
        close(held->fd);
    }
    if (held->info != NULL) {
        IHttpFileInfo_DereferenceCacheData(held->info);
    }
    *held = GS_FILE_HELD_NONE;
}

void
gs_file_response(IHttpContext *ctx, gs_file_held_t *held, int fd, const struct stat *st,
                 const char *leaf)
{
    held->fd = fd;
    held->info = respond(ctx, fd, st, leaf);
}

/* gs_file_response's answer; the record it used, +1, or NULL. */
static IHttpFileInfo *
respond(IHttpContext *ctx, int fd, const struct stat *st, const char *leaf)
{
    IHttpRequest *req = IHttpContext_GetRequest(ctx);
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    bool get = strcmp(IHttpRequest_GetHttpMethod(req), "GET") == 0;
    IHttpFileInfo *info = file_info(ctx, fd, st, leaf, get);
    char etag_buf[GS_ETAG_MAX], modified_buf[GS_HTTP_DATE_LEN + 1];
    const char *etag = etag_buf, *modified = modified_buf;
    USHORT etag_len;
    uint64_t size = (uint64_t) st->st_size;
    DWORD n = 0;
    PCWSTR path = IHttpContext_GetScriptName(ctx, &n);
    char ext[40] = "", cr[96];
    const char *type;
    PCSTR range;
    USHORT range_len = 0;
    unsigned status;
    IGuiseConfigElement *section = NULL;
    bool etag_on;

    /* What the FILE record keeps (formatted once per file version), or formatted now. */
    if (info != NULL) {
        etag = IHttpFileInfo_GetETag(info, &etag_len);
        modified = IHttpFileInfo_GetLastModifiedString(info);
    } else {
        etag_len = (USHORT) gs_etag_format(&st->st_mtim, (uint64_t) st->st_size, etag_buf);
        gs_http_date_format(st->st_mtim.tv_sec, modified_buf);
    }
    /* The media type from the name's extension (ASCII; anything else is not a known type). */
    IGuiseServer_GetConfigSection(guise, ctx, "system.webServer/staticContent", &section);
    if (leaf == NULL) {
        for (DWORD i = n; i > 0 && path[i - 1] != L'/'; i--) {
            if (path[i - 1] == L'.') {
                size_t k = 0;

                for (DWORD j = i - 1; j < n && k + 1 < sizeof(ext) && path[j] < 128; j++) {
                    ext[k++] = (char) path[j];
                }
                ext[k] = '\0';
                break;
            }
        }
    }
    type = media_type(section, leaf ? leaf : ext);
    etag_on = section == NULL
              || strcmp(IGuiseConfigElement_GetAttribute(
                            IGuiseConfigElement_GetChildByName(section, "clientCache"), "setEtag"),
                        "false")
                     != 0;

    status = preconditions(req, st, etag, etag_len);
    if (status == 412) {
        gs_files_error(ctx, 412, 0, 0);
        return info;
    }
    if (modified[0] != '\0') {
        set_header(rsp, "Last-Modified", modified, GS_HTTP_DATE_LEN);
    }
    if (etag_on) {
        set_header(rsp, "ETag", etag, etag_len);
    }
    client_cache(rsp, section);
    if (status == 304) {
        IHttpResponse_SetStatus(rsp, 304, "Not Modified", 0, S_OK, NULL);
        return info;
    }
    set_header(rsp, "Content-Type", type, strlen(type));
    set_header(rsp, "Accept-Ranges", "bytes", 5);

    range = IHttpRequest_GetHeaderById(req, HttpHeaderRange, &range_len);
    if (get && range != NULL && if_range_holds(req, st, etag, etag_len)) {
        gs_range_t r;
        int len;

        switch (gs_range_parse(range, range_len, size, &r)) {
        case GS_RANGE_OK:
            len = snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long) r.first,
                           (unsigned long long) r.last, (unsigned long long) size);
            IHttpResponse_SetStatus(rsp, 206, "Partial Content", 0, S_OK, NULL);
            set_header(rsp, "Content-Range", cr, (size_t) len);
            send_body(rsp, info, fd, r.first, r.last - r.first + 1);
            return info;
        case GS_RANGE_UNSATISFIABLE:
            len = snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long) size);
            IHttpResponse_SetStatus(rsp, 416, "Range Not Satisfiable", 0, S_OK, NULL);
            IHttpResponse_DeleteHeader(rsp, "Content-Type"); /* the body is empty */
            set_header(rsp, "Content-Range", cr, (size_t) len);
            return info;
        case GS_RANGE_IGNORE:
            break;
        }
    }
    IHttpResponse_SetStatus(rsp, 200, "OK", 0, S_OK, NULL);
    /* HEAD too: the length of what GET would send; the server drops the body. */
    send_body(rsp, info, fd, 0, size);
    return info;
}
