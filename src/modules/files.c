/*
 * Root directories are opened once (O_PATH) and kept, one per virtual
 * directory path: every open of a request is then relative to an fd, never
 * to a path string that could be swapped under us.
 */
#include "files.h"
#include "core/wide.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_ROOTS 64

static struct {
    pthread_mutex_t lock;
    unsigned count;
    struct {
        wchar_t *path;
        int fd;
    } roots[MAX_ROOTS];
} roots = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int
root_fd(PCWSTR vr)
{
    int fd = -ENOENT;

    pthread_mutex_lock(&roots.lock);
    for (unsigned i = 0; i < roots.count; i++) {
        if (wcscmp(roots.roots[i].path, vr) == 0) {
            fd = roots.roots[i].fd;
            goto out;
        }
    }
    {
        char *path = gs_utf8_dup(vr);

        fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        free(path);
        if (fd < 0) {
            fd = -errno;
            goto out;
        }
        if (roots.count == MAX_ROOTS) {
            close(fd);
            fd = -EMFILE;
            goto out;
        }
        roots.roots[roots.count].path = wcsdup(vr);
        roots.roots[roots.count].fd = fd;
        roots.count++;
    }
out:
    pthread_mutex_unlock(&roots.lock);
    return fd;
}

void
gs_files_close_roots(void)
{
    pthread_mutex_lock(&roots.lock);
    for (unsigned i = 0; i < roots.count; i++) {
        close(roots.roots[i].fd);
        free(roots.roots[i].path);
    }
    roots.count = 0;
    pthread_mutex_unlock(&roots.lock);
}

int
gs_files_open_in(int dirfd, const char *name, struct stat *st)
{
    struct open_how how = {
        .flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int) syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

    if (fd < 0) {
        return -errno;
    }
    if (fstat(fd, st) != 0) {
        int rc = -errno;

        close(fd);
        return rc;
    }
    return fd;
}

int
gs_files_open(IHttpContext *ctx, const char *leaf, struct stat *st)
{
    IMetadataInfo *meta = IHttpContext_GetMetadata(ctx);
    PCWSTR vr = meta ? IMetadataInfo_GetVrPath(meta) : NULL;
    DWORD n = 0;
    PCWSTR physical = IHttpContext_GetPhysicalPath(ctx, &n);
    size_t vr_len, rel_len;
    char *rel, *path;
    int dirfd, fd;

    if (vr == NULL || physical == NULL) {
        return -ENOENT;
    }
    vr_len = wcslen(vr);
    /* A path mapped outside the virtual directory (by a module) is not served from here. */
    if (n < vr_len || wcsncmp(physical, vr, vr_len) != 0) {
        return -EXDEV;
    }
    dirfd = root_fd(vr);
    if (dirfd < 0) {
        return dirfd;
    }
    rel = gs_utf8_dup(physical + vr_len);
    rel_len = strlen(rel);
    if (leaf != NULL) {
        size_t leaf_len = strlen(leaf);

        path = gs_xmalloc(rel_len + leaf_len + 2);
        memcpy(path, rel, rel_len);
        if (rel_len > 0 && rel[rel_len - 1] != '/') {
            path[rel_len++] = '/';
        }
        memcpy(path + rel_len, leaf, leaf_len + 1);
        free(rel);
        rel = path;
    }
    fd = gs_files_open_in(dirfd, rel[0] ? rel : ".", st);
    free(rel);
    return fd;
}

void
gs_files_error_for_errno(int err, USHORT *status, USHORT *substatus, DWORD *win32)
{
    *substatus = 0;
    switch (err) {
    case -ENOENT:
    case -ELOOP:
    case -EXDEV: /* the path tried to leave the root: as if absent */
    case -ENAMETOOLONG:
        *status = 404;
        *win32 = ERROR_FILE_NOT_FOUND;
        break;
    case -ENOTDIR:
        *status = 404;
        *win32 = ERROR_PATH_NOT_FOUND;
        break;
    case -EACCES:
    case -EPERM:
        *status = 403;
        *win32 = ERROR_ACCESS_DENIED;
        break;
    default:
        *status = 500;
        *win32 = (DWORD) -err;
        break;
    }
}

void
gs_files_error(IHttpContext *ctx, USHORT status, USHORT substatus, DWORD win32)
{
    IHttpResponse *rsp = IHttpContext_GetResponse(ctx);
    HTTP_DATA_CHUNK chunk;
    char *body = IHttpContext_AllocateRequestMemory(ctx, 256);
    USHORT code;
    PCSTR reason;
    int n;

    IHttpResponse_Clear(rsp);
    IHttpResponse_SetStatus(rsp, status, NULL, substatus, win32 ? HRESULT_FROM_WIN32(win32) : S_OK,
                            NULL);
    IHttpResponse_GetStatus(rsp, &code, NULL, &reason, NULL, NULL, NULL, NULL, NULL);
    n = snprintf(body, 256,
                 "<!DOCTYPE html>\n<html><head><title>%u %s</title></head>\n"
                 "<body><h1>%u %s</h1></body></html>\n",
                 code, reason, code, reason);
    IHttpResponse_SetHeader(rsp, "Content-Type", "text/html; charset=utf-8", 24, TRUE);
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = body;
    chunk.FromMemory.BufferLength = (ULONG) n;
    IHttpResponse_WriteEntityChunks(rsp, &chunk, 1, FALSE, FALSE, NULL, NULL);
}

/* RFC 3986 pchar without '%': what may stay as it is in a path. */
static bool
path_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL);
}

static char *
encode(char *p, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;

        if (path_safe(c)) {
            *p++ = (char) c;
        } else {
            *p++ = '%';
            *p++ = "0123456789ABCDEF"[c >> 4];
            *p++ = "0123456789ABCDEF"[c & 15];
        }
    }
    return p;
}

char *
gs_files_encoded_url(IHttpContext *ctx, const char *suffix, DWORD *len)
{
    PCWSTR script = IHttpContext_GetScriptName(ctx, NULL);
    char *url = gs_utf8_dup(script ? script : L"/");
    size_t n = strlen(url) + (suffix ? strlen(suffix) : 0);
    char *out = IHttpContext_AllocateRequestMemory(ctx, (DWORD) (3 * n + 1)), *p = out;

    p = encode(p, url);
    if (suffix != NULL) {
        p = encode(p, suffix);
    }
    *p = '\0';
    free(url);
    *len = (DWORD) (p - out);
    return out;
}
