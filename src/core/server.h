/*
 * The server: options, the site being served, the loops and their threads,
 * and the hooks through which a request reaches the pipeline.  Built once
 * at start; loops read it without locks; only `stopping` changes later.
 */
#ifndef GS_CORE_SERVER_H
#define GS_CORE_SERVER_H

#include "loop.h"
#include "options.h"
#include "request.h"

#include <stdatomic.h>
#include <stdbool.h>

/* How requests leave the core: see conn.h for when each runs. */
typedef struct gs_handler {
    void (*handle)(void *ctx, gs_request_t *req);
    void (*sent)(void *ctx, gs_request_t *req);
    void (*body_ready)(void *ctx, gs_request_t *req);
    void (*refused)(void *ctx, gs_request_t *req);
    void (*thread_exit)(void *ctx); /* a loop thread is about to end */
    void *ctx;
} gs_handler_t;

struct gs_server {
    gs_options_t opts;
    gs_handler_t handler;
    gs_loop_t *loops;
    unsigned nloops;
    gs_sockaddr_t bound[GS_MAX_LISTEN]; /* what each --listen resolved to */
    atomic_bool stopping;
};

/* Binds every listener of every loop. 0 or -errno (logged). */
int gs_server_init(gs_server_t *s, const gs_options_t *o, const gs_handler_t *handler);
/* Starts one thread per loop. 0 or -errno. */
int gs_server_start(gs_server_t *s);
/* From any thread: stop accepting, finish requests in flight, then let the loops end. */
void gs_server_stop(gs_server_t *s);
/* Waits for every loop to end. */
void gs_server_wait(gs_server_t *s);
void gs_server_destroy(gs_server_t *s);

#endif
