/*
 * What the built-in file modules share: opening a request's mapped path
 * below its virtual directory (openat2 RESOLVE_BENEATH, so no "..", symlink
 * or /proc magic link leads outside it), and writing an error answer.
 * Public API only.
 */
#ifndef GS_MODULES_FILES_H
#define GS_MODULES_FILES_H

#include <guise/httpserv.h>

#include <errno.h>
#include <sys/stat.h>

/* A request whose user could not be impersonated: 500, nothing read. */
#define GS_FILES_NOT_IMPERSONATED (-ENOTRECOVERABLE)

/*
 * Makes the calling thread the request's user for file-system work (its
 * impersonation token; the process identity when it has none).  0, or -1:
 * the request fails with 500 and nothing is read.
 */
int gs_files_impersonate(IHttpContext *ctx);

/*
 * Opens the request's physical path (then `leaf` inside it, when not NULL)
 * read-only and non-blocking, below the virtual directory's root, as the
 * request's user; fills *st.  Returns the descriptor (the caller closes it)
 * or -errno: -EXDEV when the mapped path is not below the root at all,
 * GS_FILES_NOT_IMPERSONATED when the user could not be taken on.
 */
int gs_files_open(IHttpContext *ctx, const char *leaf, struct stat *st);

/* Opens `name` inside the directory dirfd, beneath it.  Descriptor or -errno. */
int gs_files_open_in(int dirfd, const char *name, struct stat *st);

/*
 * gs_files_error for a failed open (err: its -errno): 404, 401.3 for the
 * kernel's refusal, 500 when the user could not be taken on...
 */
void gs_files_error_errno(IHttpContext *ctx, int err);

/* Replaces the response with an error page: status, sub-status, Win32 code, a short HTML body. */
void gs_files_error(IHttpContext *ctx, USHORT status, USHORT substatus, DWORD win32);

/*
 * The request's URL (decoded and normalised: one leading '/', no dot
 * segments) percent-encoded again, with `suffix` appended (encoded too), in
 * request memory.  Safe to put in a Location header or to give to SetUrl:
 * it cannot start with "//" or "/\".
 */
char *gs_files_encoded_url(IHttpContext *ctx, const char *suffix, DWORD *len);

/* Every file module calls it as it registers (the first one keeps the roots). */
void gs_files_init(IHttpModuleRegistrationInfo *info);

#endif
