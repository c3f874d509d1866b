/*
 * The server: options, the site being served, the loops and their threads,
 * and the hooks through which a request reaches the pipeline.  Built once
 * at start; loops read it without locks; only `stopping` changes later.
 */
#ifndef GS_CORE_SERVER_H
#define GS_CORE_SERVER_H

#include "loop.h"
#include "mime_types.h"
#include "options.h"
#include "request.h"

#include <stdatomic.h>
#include <stdbool.h>

typedef struct gs_site {
    int root_fd; /* O_PATH directory: every open is relative to it */
    char *root_path;
    gs_mime_t *mime;
} gs_site_t;

/*
 * How requests leave the core.  `handle` runs on the request's loop when its
 * headers are complete and fills req->rsp; `done` runs once the response has
 * been sent or the connection failed (for the log).
 */
typedef struct gs_handler {
    void (*handle)(void *ctx, gs_request_t *req);
    void (*done)(void *ctx, gs_request_t *req);
    void *ctx;
} gs_handler_t;

struct gs_server {
    gs_options_t opts;
    gs_site_t site;
    gs_handler_t handler;
    gs_loop_t *loops;
    unsigned nloops;
    gs_sockaddr_t bound[GS_MAX_LISTEN]; /* what each --listen resolved to */
    atomic_bool stopping;
};

/* Opens the root, loads MIME types, binds every listener of every loop. 0 or -errno (logged). */
int gs_server_init(gs_server_t *s, const gs_options_t *o, const gs_handler_t *handler);
/* Starts one thread per loop. 0 or -errno. */
int gs_server_start(gs_server_t *s);
/* From any thread: stop accepting, finish requests in flight, then let the loops end. */
void gs_server_stop(gs_server_t *s);
/* Waits for every loop to end. */
void gs_server_wait(gs_server_t *s);
void gs_server_destroy(gs_server_t *s);

#endif
