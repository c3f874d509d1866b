/*
 * A client connection: reads and parses requests with llhttp, hands each to
 * the server's handler, writes responses in order, and applies the limits
 * and timeouts.  Owned by one loop; never touched by another thread.
 */
#ifndef GS_CORE_CONN_H
#define GS_CORE_CONN_H

#include "loop.h"

#include <stdint.h>

typedef struct gs_conn gs_conn_t;

/* A new connection accepted on `l`: takes ownership of fd. */
void gs_conn_accept(gs_loop_t *loop, const gs_listener_t *l, int fd, const gs_sockaddr_t *remote);
void gs_conn_event(gs_conn_t *c, uint32_t events);
void gs_conn_timeout(gs_conn_t *c);
/* Shutdown has begun: close now if idle, otherwise after the response in flight. */
void gs_conn_drain(gs_conn_t *c);
/* Close now, whatever the state. */
void gs_conn_abort(gs_conn_t *c);

/* The connection of a timer (every connection's timer node is its own). */
gs_conn_t *gs_conn_from_timer(gs_timer_t *t);

#endif
