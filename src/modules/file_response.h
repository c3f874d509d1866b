/*
 * Answering a request with a regular file (see file_response.c).
 */
#ifndef GS_MODULES_FILE_RESPONSE_H
#define GS_MODULES_FILE_RESPONSE_H

#include <guise/httpserv.h>

#include <sys/stat.h>

/* Loads the media types ("mime-types" setting) for the first user; fini for the last. */
HRESULT gs_file_response_init(IHttpServer *server);
void gs_file_response_fini(void);

/*
 * Fills the response for a GET or HEAD of the open regular file fd (opened
 * as the request's user; st its fstat): 200, 206, 304, 412 or 416.  The
 * media type comes from `leaf`'s extension, or from the URL's when leaf is
 * NULL.  The validators, and for small files the body, come from the FILE
 * cache's record of the file (cache/file_cache.h), checked against st.
 * Returns that record (+1) or NULL: the body may be the record's memory,
 * so the caller releases it, and closes fd, when the request ends
 * (Dispose), not before.
 */
IHttpFileInfo *gs_file_response(IHttpContext *ctx, int fd, const struct stat *st, const char *leaf);

#endif
