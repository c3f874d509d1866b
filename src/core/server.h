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
    void (*idle)(void *ctx);        /* a loop is about to wait for events */
    void *ctx;
} gs_handler_t;

struct gs_server {
    gs_options_t opts;
    gs_handler_t handler;
    gs_loop_t *loops;
    unsigned nloops;
    gs_listen_addr_t endpoints[GS_MAX_LISTEN]; /* listened on now (ports resolved) */
    unsigned nendpoints;
    atomic_bool stopping;
    bool started; /* loops run: listener changes go through them */
};

/* Creates the loops. 0 or -errno (logged). */
int gs_server_init(gs_server_t *s, const gs_options_t *o, const gs_handler_t *handler);

/*
 * Changing what the server listens on, in two steps so that a caller can
 * put the matching configuration in force in between.  Prepare binds the
 * addresses that are new (port 0 becomes a free port, written back into
 * addrs) and notes those that are gone; commit hands the change to the
 * loops (at once before gs_server_start, between events after) and returns
 * when they applied it (gone addresses are closed then); abandon closes
 * what prepare opened.  Prepare returns 0, or -errno (logged) and
 * nothing changes.
 */
typedef struct gs_listen_change gs_listen_change_t;

int gs_server_listen_prepare(gs_server_t *s, gs_listen_addr_t *addrs, unsigned n,
                             gs_listen_change_t **out);
void gs_server_listen_commit(gs_server_t *s, gs_listen_change_t *c);
void gs_server_listen_abandon(gs_listen_change_t *c);
/* Starts one thread per loop. 0 or -errno. */
int gs_server_start(gs_server_t *s);
/* From any thread: stop accepting, finish requests in flight, then let the loops end. */
void gs_server_stop(gs_server_t *s);
/* Waits for every loop to end. */
void gs_server_wait(gs_server_t *s);
void gs_server_destroy(gs_server_t *s);

#endif
