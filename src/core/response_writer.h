/*
 * Turning a gs_response_t into bytes on a socket: the status line and
 * headers (with the framing the core owns: Content-Length, chunked coding,
 * Connection), then the body chunks, with sendmsg() for memory and
 * sendfile() for files.  A response may be written in several steps (a
 * module flushing part of its body); the writer keeps the queue of what is
 * still to send.  Lives in the request pool; knows nothing of connections.
 */
#ifndef GS_CORE_RESPONSE_WRITER_H
#define GS_CORE_RESPONSE_WRITER_H

#include "request.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct gs_writer {
    gs_chunk_t *queue; /* chunks to send, in order; the head is the first */
    uint32_t n, cap;
    uint32_t pos;      /* chunk being sent */
    uint64_t pos_sent; /* bytes of it already sent */
    bool started;      /* the head is queued: status and headers are fixed */
    bool chunked;      /* the body is framed with chunked coding */
    bool until_close;  /* the body ends when the connection closes (HTTP/1.0 stream) */
    bool no_body;      /* HEAD, 1xx, 204, 304: chunks are dropped */
    bool finished;     /* the end of the response is queued */
} gs_writer_t;

/*
 * Queues the head and what the response has written so far, taking its
 * chunks (rsp->nchunks becomes 0; later chunks go out on the next call).
 * The first call fixes the head: with `final` the length is known and sent
 * as Content-Length; otherwise a module-set Content-Length is kept, or the
 * body is chunked (HTTP/1.1) or runs until close (HTTP/1.0, which sets
 * *close).  `close` asks for "Connection: close"; `date` is the Date value.
 */
void gs_writer_queue(gs_writer_t *w, gs_request_t *req, const char *date, bool *close, bool final);

/*
 * Sends what is queued on fd.  Returns 1 when the queue is empty, 0 when
 * the socket would block, -errno on failure (-ENODATA: a file ended before
 * the length its response promised).
 */
int gs_writer_send(gs_writer_t *w, int fd);

/* Nothing queued is waiting to be sent. */
static inline bool
gs_writer_idle(const gs_writer_t *w)
{
    return w->pos == w->n;
}

#endif
