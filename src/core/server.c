/*
 * Start-up order: raise the file limit, bind every listener of every loop
 * (so that a bad address fails before any thread runs), then start one
 * thread per loop.
 */
#include "server.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void
raise_file_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            gs_log_warn("cannot raise the open file limit: %s", strerror(errno));
        }
    }
}

int
gs_server_init(gs_server_t *s, const gs_options_t *o, const gs_handler_t *handler)
{
    int rc;

    memset(s, 0, sizeof(*s));
    s->opts = *o;
    s->handler = *handler;
    raise_file_limit();

    s->nloops = o->threads;
    if (s->nloops == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        s->nloops = n < 1 ? 1 : n > GS_MAX_THREADS ? GS_MAX_THREADS : (unsigned) n;
    }
    s->loops = gs_xcalloc(s->nloops, sizeof(*s->loops));
    for (unsigned i = 0; i < s->nloops; i++) {
        s->loops[i].epfd = -1;
        s->loops[i].wake.fd = -1;
    }
    for (unsigned i = 0; i < s->nloops; i++) {
        rc = gs_loop_init(&s->loops[i], s, i);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static void *
loop_thread(void *arg)
{
    gs_loop_t *loop = arg;

    gs_loop_run(loop);
    if (loop->server->handler.thread_exit != NULL) {
        loop->server->handler.thread_exit(loop->server->handler.ctx);
    }
    return NULL;
}

int
gs_server_start(gs_server_t *s)
{
    for (unsigned i = 0; i < s->nloops; i++) {
        int rc = pthread_create(&s->loops[i].thread, NULL, loop_thread, &s->loops[i]);

        if (rc != 0) {
            gs_log_error("cannot start loop thread: %s", strerror(rc));
            gs_server_stop(s);
            for (unsigned k = 0; k < i; k++) {
                pthread_join(s->loops[k].thread, NULL);
            }
            return -rc;
        }
    }
    return 0;
}

void
gs_server_stop(gs_server_t *s)
{
    atomic_store(&s->stopping, true);
    for (unsigned i = 0; i < s->nloops; i++) {
        gs_loop_wake(&s->loops[i]);
    }
}

void
gs_server_wait(gs_server_t *s)
{
    for (unsigned i = 0; i < s->nloops; i++) {
        pthread_join(s->loops[i].thread, NULL);
    }
}

void
gs_server_destroy(gs_server_t *s)
{
    if (s->loops != NULL) {
        for (unsigned i = 0; i < s->nloops; i++) {
            gs_loop_destroy(&s->loops[i]);
        }
        free(s->loops);
    }
}
