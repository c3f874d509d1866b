/*
 * Root directories are opened once (O_PATH) and kept, one per virtual
 * directory of a configuration: every open of a request is then relative
 * to an fd, never to a path string that could be swapped under us.
 */
#include "files.h"

#include <guise/token.h>
#include "core/wide.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * A virtual directory's root, kept in its IMetadataInfo's module context
 * container under the id of the first file module that registered: it is
 * opened by the first request and closed with the configuration.
 */
struct root {
    IHttpStoredContext IHttpStoredContext_iface;
    int fd;
};

static HTTP_MODULE_ID roots_owner;

static VOID
root_CleanupStoredContext(IHttpStoredContext *This)
{
    struct root *r = gs_container_of(This, struct root, IHttpStoredContext_iface);

    close(r->fd);
    free(r);
}

static const IHttpStoredContextVtbl root_vtbl = {
    .CleanupStoredContext = root_CleanupStoredContext,
};

void
gs_files_init(IHttpModuleRegistrationInfo *info)
{
    if (roots_owner == NULL) {
        roots_owner = IHttpModuleRegistrationInfo_GetId(info);
    }
}

static int
root_fd(IMetadataInfo *meta, PCWSTR vr)
{
    IHttpModuleContextContainer *box = IMetadataInfo_GetModuleContextContainer(meta);
    IHttpStoredContext *stored = IHttpModuleContextContainer_GetModuleContext(box, roots_owner);
    struct root *r;
    char *path;
    int fd;

    if (stored != NULL) {
        return gs_container_of(stored, struct root, IHttpStoredContext_iface)->fd;
    }
    /*
     * Opened as the process: the root is shared by every user, so the users'
     * checks start below it (a user's own search rights would be cached for all).
     */
    RevertToSelf();
    path = gs_utf8_dup(vr);
    fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    free(path);
    if (fd < 0) {
        return -errno;
    }
    r = gs_xmalloc(sizeof(*r));
    r->IHttpStoredContext_iface.lpVtbl = &root_vtbl;
    r->fd = fd;
    if (FAILED(IHttpModuleContextContainer_SetModuleContext(box, &r->IHttpStoredContext_iface,
                                                            roots_owner)))
    {
        /* Another request opened it first. */
        close(fd);
        free(r);
        stored = IHttpModuleContextContainer_GetModuleContext(box, roots_owner);
        return stored ? gs_container_of(stored, struct root, IHttpStoredContext_iface)->fd : -EIO;
    }
    return fd;
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
gs_files_impersonate(IHttpContext *ctx)
{
    IHttpUser *user = IHttpContext_GetUser(ctx);
    HANDLE token = user ? IHttpUser_GetImpersonationToken(user) : NULL;

    if (token == NULL) {
        RevertToSelf(); /* no user, or one without a token: the process identity */
        return 0;
    }
    return ImpersonateLoggedOnUser(token) ? 0 : -1;
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
    dirfd = root_fd(meta, vr);
    if (dirfd < 0) {
        return dirfd;
    }
    if (gs_files_impersonate(ctx) != 0) {
        return GS_FILES_NOT_IMPERSONATED;
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

/* The status, sub-status and Win32 code (for the log) of a failed open. */
static void
error_for_errno(int err, USHORT *status, USHORT *substatus, DWORD *win32)
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
        /* IIS's "denied by an ACL": the user may do better with other credentials. */
        *status = 401;
        *substatus = 3;
        *win32 = ERROR_ACCESS_DENIED;
        break;
    case GS_FILES_NOT_IMPERSONATED:
        *status = 500;
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

void
gs_files_error_errno(IHttpContext *ctx, int err)
{
    USHORT status, substatus;
    DWORD win32;

    error_for_errno(err, &status, &substatus, &win32);
    gs_files_error(ctx, status, substatus, win32);
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
