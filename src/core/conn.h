/*
 * A client connection: reads requests with llhttp, hands each to the
 * pipeline (the server's gs_handler_t), writes responses in order, reads a
 * request body for the pipeline when asked, and applies the limits and
 * timeouts.  Owned by one loop; never touched by another thread.
 *
 * The pipeline's side of a request:
 *   handler.handle(req)       the head is complete: the request is the pipeline's
 *                             until it calls gs_conn_finish_request().
 *   gs_conn_send(req, final)  queues the head (first call) and the body chunks written
 *                             since the last call, and sends what the socket takes.
 *   handler.sent(req)         a final send that returned GS_SEND_PENDING has completed
 *                             (or the connection failed): the response is over.
 *   gs_conn_read_body()       reads body bytes; handler.body_ready(req) when some arrive
 *                             after -EAGAIN.
 *   gs_conn_finish_request()  the pipeline is done with the request.
 *   handler.refused(req)      a request the core answered itself (400, 408, 414, 431...)
 *                             has been sent; the pipeline logs it and finishes it.
 * None of these calls back into the pipeline synchronously: a callback
 * always starts from the loop (an event, a timer).
 */
#ifndef GS_CORE_CONN_H
#define GS_CORE_CONN_H

#include "loop.h"
#include "request.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct gs_conn gs_conn_t;

typedef enum {
    GS_SEND_DONE,    /* everything queued is sent (or the connection is gone) */
    GS_SEND_PENDING, /* the socket is full: for a final send, handler.sent() follows */
} gs_send_result_t;

gs_send_result_t gs_conn_send(gs_request_t *req, bool final);

/* Status and headers have been queued: they can no longer change. */
bool gs_conn_headers_sent(const gs_request_t *req);

/*
 * Reads up to cap body bytes into buf.  Returns the number read, 0 at the
 * end of the body, -EAGAIN when nothing is available now (then, with
 * `notify`, handler.body_ready() follows once something arrives), or
 * -ECONNRESET when the client went away.  Sends "100 Continue" first when
 * the client asked for it.
 */
ssize_t gs_conn_read_body(gs_request_t *req, void *buf, size_t cap, bool notify);

/* Waits up to timeout_ms for body bytes (a synchronous read): 1 readable, 0 timeout, -errno. */
int gs_conn_wait_body(gs_request_t *req, int timeout_ms);

/* Body bytes not read yet (Content-Length minus what was read; 0 for chunked). */
uint64_t gs_conn_body_remaining(const gs_request_t *req);

/* The client is still connected, as far as the connection knows. */
bool gs_conn_alive(const gs_request_t *req);

void gs_conn_finish_request(gs_request_t *req);

/* The loop a request runs on, for gs_loop_post(). */
gs_loop_t *gs_conn_loop(const gs_request_t *req);

/*
 * A slot for the pipeline's per-connection state (IHttpConnection and its
 * module contexts): `release(data)` runs when the connection is freed.
 */
void *gs_conn_extension(const gs_request_t *req);
void gs_conn_set_extension(gs_request_t *req, void *data, void (*release)(void *data));

/* From the loop: */
void gs_conn_accept(gs_loop_t *loop, const gs_listener_t *l, int fd, const gs_sockaddr_t *remote);
void gs_conn_event(gs_conn_t *c, uint32_t events);
void gs_conn_timeout(gs_conn_t *c);
/* Shutdown has begun: close now if idle, otherwise after the response in flight. */
void gs_conn_drain(gs_conn_t *c);
/* Close now, whatever the state (a request in the pipeline keeps its memory until it ends). */
void gs_conn_abort(gs_conn_t *c);

/* The connection of a timer (every connection's timer node is its own). */
gs_conn_t *gs_conn_from_timer(gs_timer_t *t);

#endif
