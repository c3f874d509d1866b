/*
 * The response a request builds: status, headers and body chunks (memory or
 * a byte range of a file descriptor), serialised by the connection.  Lives in
 * the request pool; file descriptors given to it are closed with the pool.
 */
#ifndef GS_CORE_RESPONSE_H
#define GS_CORE_RESPONSE_H

#include "pool.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct gs_header {
    const char *name, *value; /* NUL-terminated */
    size_t name_len, value_len;
    int id; /* well-known id (http_header.h) or -1 */
} gs_header_t;

typedef enum { GS_CHUNK_MEMORY, GS_CHUNK_FILE } gs_chunk_type_t;

typedef struct gs_chunk {
    gs_chunk_type_t type;
    uint64_t len;
    const void *data; /* GS_CHUNK_MEMORY */
    int fd;           /* GS_CHUNK_FILE */
    uint64_t offset;  /* GS_CHUNK_FILE */
} gs_chunk_t;

typedef struct gs_response {
    uint16_t status, substatus;
    uint32_t win32_status; /* for the log's sc-win32-status */
    const char *reason;    /* NULL: the standard phrase */
    gs_header_t *headers;
    uint32_t nheaders, headers_cap;
    gs_chunk_t *chunks;
    uint32_t nchunks, chunks_cap;
    int64_t content_length; /* -1: the sum of the chunks */
    bool no_body;           /* HEAD: headers as for GET, no body */
    bool close;             /* close the connection after this response */
    bool raw; /* no status line or headers: the body is all (then the connection closes) */
} gs_response_t;

/* Sets status and sub-status; reason NULL means the standard phrase. */
void gs_response_set_status(gs_response_t *rsp, unsigned status, unsigned substatus,
                            const char *reason);

/* Adds a header, or replaces every header of that name when `replace`. Copies both strings. */
void gs_response_set_header(gs_response_t *rsp, gs_pool_t *pool, const char *name, size_t name_len,
                            const char *value, size_t value_len, bool replace);
const gs_header_t *gs_response_header(const gs_response_t *rsp, const char *name, size_t len);
void gs_response_delete_header(gs_response_t *rsp, const char *name, size_t len);

/* Body chunks.  Memory is borrowed: it must live as long as the pool. */
void gs_response_add_memory(gs_response_t *rsp, gs_pool_t *pool, const void *data, uint64_t len);
/* The fd is borrowed too; gs_pool_cleanup_fd() hands it to the pool. */
void gs_response_add_file(gs_response_t *rsp, gs_pool_t *pool, int fd, uint64_t offset,
                          uint64_t len);

/* Drops status, headers and body: the response starts over (200). */
void gs_response_clear(gs_response_t *rsp);

/*
 * An error page: status, sub-status, Win32 code for the log, a short HTML
 * body.  Replaces whatever the response held.
 */
void gs_response_error(gs_response_t *rsp, gs_pool_t *pool, unsigned status, unsigned substatus,
                       uint32_t win32_status);

/* The standard reason phrase of a status code ("Unknown" if none). */
const char *gs_status_reason(unsigned status);

/* Bytes of body the response will send. */
uint64_t gs_response_body_length(const gs_response_t *rsp);

#endif
