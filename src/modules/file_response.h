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
 * What a file answer keeps until the request ends (the module's Dispose):
 * the descriptor the body is sent from, and the FILE record whose memory
 * the body may be.  GS_FILE_HELD_NONE holds nothing.
 */
typedef struct {
    int fd;
    IHttpFileInfo *info;
} gs_file_held_t;

#define GS_FILE_HELD_NONE ((gs_file_held_t){-1, NULL})

/* Closes and releases what held holds; it then holds nothing. */
void gs_file_held_release(gs_file_held_t *held);

/*
 * Fills the response for a GET or HEAD of the open regular file fd (opened
 * as the request's user; st its fstat): 200, 206, 304, 412 or 416.  The
 * media type comes from `leaf`'s extension, or from the URL's when leaf is
 * NULL.  The validators, and for small files the body, come from the FILE
 * cache's record of the file (cache/file_cache.h), checked against st.  fd
 * and that record go to *held, for gs_file_held_release when the request ends.
 */
void gs_file_response(IHttpContext *ctx, gs_file_held_t *held, int fd, const struct stat *st,
                      const char *leaf);

#endif
