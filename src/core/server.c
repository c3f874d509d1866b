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
#include <time.h>
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

static bool
same_addr(const gs_listen_addr_t *a, const gs_listen_addr_t *b)
{
    return a->len == b->len && memcmp(&a->addr, &b->addr, a->len) == 0;
}

static bool
same_port(const gs_listen_addr_t *a, const gs_listen_addr_t *b)
{
    unsigned port = gs_sockaddr_port(&a->addr);

    return port != 0 && a->addr.sa.sa_family == b->addr.sa.sa_family
           && port == gs_sockaddr_port(&b->addr);
}

/*
 * How commit learns that every loop applied its share: removed sockets are
 * closed when it returns, so the next change may bind their addresses.
 */
struct applied {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned remaining;
    bool abandoned; /* commit stopped waiting: the last loop frees it */
};

#define APPLY_WAIT_MS 5000

/* One loop's share of a change of listening addresses. */
struct loop_change {
    gs_loop_t *loop;
    gs_listener_t **add;
    unsigned nadd;
    gs_listen_addr_t *remove;
    unsigned nremove;
    struct applied *applied; /* NULL before the loops run */
};

struct gs_listen_change {
    struct loop_change **loops;
    unsigned nloops;
    gs_listen_addr_t addrs[GS_MAX_LISTEN];
    unsigned naddrs;
};

static void
apply_loop_change(void *arg)
{
    struct loop_change *c = arg;

    for (unsigned i = 0; i < c->nremove; i++) {
        gs_loop_remove_listener(c->loop, &c->remove[i].addr, c->remove[i].len);
    }
    for (unsigned i = 0; i < c->nadd; i++) {
        gs_loop_add_listener(c->loop, c->add[i]);
    }
    if (c->applied != NULL) {
        struct applied *a = c->applied;
        bool last;

        pthread_mutex_lock(&a->mu);
        last = --a->remaining == 0;
        pthread_cond_signal(&a->cv);
        if (last && a->abandoned) {
            pthread_mutex_unlock(&a->mu);
            pthread_mutex_destroy(&a->mu);
            pthread_cond_destroy(&a->cv);
            free(a);
        } else {
            pthread_mutex_unlock(&a->mu);
        }
    }
    free(c->add);
    free(c->remove);
    free(c);
}

static void
free_change(gs_listen_change_t *c, bool close_new)
{
    for (unsigned l = 0; l < c->nloops; l++) {
        for (unsigned i = 0; close_new && i < c->loops[l]->nadd; i++) {
            close(c->loops[l]->add[i]->io.fd);
            free(c->loops[l]->add[i]);
        }
        free(c->loops[l]->add);
        free(c->loops[l]->remove);
        free(c->loops[l]);
    }
    free(c->loops);
    free(c);
}

int
gs_server_listen_prepare(gs_server_t *s, gs_listen_addr_t *addrs, unsigned n,
                         gs_listen_change_t **out)
{
    gs_listen_change_t *c;
    int rc = 0;

    *out = NULL;
    if (n > GS_MAX_LISTEN) {
        gs_log_error("too many addresses to listen on (%u; at most %d)", n, GS_MAX_LISTEN);
        return -E2BIG;
    }
    c = gs_xcalloc(1, sizeof(*c));
    c->nloops = s->nloops;
    c->loops = gs_xcalloc(s->nloops, sizeof(*c->loops));
    for (unsigned l = 0; l < s->nloops; l++) {
        c->loops[l] = gs_xcalloc(1, sizeof(**c->loops));
        c->loops[l]->loop = &s->loops[l];
        c->loops[l]->add = gs_xcalloc(n + 1, sizeof(gs_listener_t *));
        c->loops[l]->remove = gs_xcalloc(s->nendpoints + 1, sizeof(gs_listen_addr_t));
    }
    for (unsigned i = 0; i < n && rc == 0; i++) {
        bool known = false, own_port = false;

        for (unsigned k = 0; k < s->nendpoints; k++) {
            known |= same_addr(&s->endpoints[k], &addrs[i]);
            own_port |= same_port(&s->endpoints[k], &addrs[i]);
        }
        if (known) {
            continue;
        }
        /*
         * The probe finds another server on the port.  On a port this one holds
         * already (127.0.0.1:80 becoming *:80) it would only find ourselves:
         * nobody else can share the port, and a socket there without
         * SO_REUSEPORT still makes the open fail.
         */
        rc = own_port ? 0 : gs_listener_probe(&addrs[i].addr, addrs[i].len);
        for (unsigned l = 0; l < s->nloops && rc == 0; l++) {
            gs_listener_t *lis = gs_listener_open(&addrs[i].addr, addrs[i].len, &rc);

            if (lis != NULL) {
                c->loops[l]->add[c->loops[l]->nadd++] = lis;
            }
        }
        if (rc != 0) {
            gs_log_error("cannot listen on %s: %s", addrs[i].text, strerror(-rc));
        }
    }
    if (rc != 0) {
        free_change(c, true);
        return rc;
    }
    for (unsigned k = 0; k < s->nendpoints; k++) {
        bool kept = false;

        for (unsigned i = 0; i < n; i++) {
            kept |= same_addr(&s->endpoints[k], &addrs[i]);
        }
        for (unsigned l = 0; !kept && l < s->nloops; l++) {
            c->loops[l]->remove[c->loops[l]->nremove++] = s->endpoints[k];
        }
    }
    memcpy(c->addrs, addrs, n * sizeof(*addrs));
    c->naddrs = n;
    *out = c;
    return 0;
}

/* Waits (bounded) until every loop applied its share. */
static void
wait_applied(struct applied *a)
{
    struct timespec deadline;
    int rc = 0;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += APPLY_WAIT_MS / 1000;
    pthread_mutex_lock(&a->mu);
    while (a->remaining > 0 && rc == 0) {
        rc = pthread_cond_timedwait(&a->cv, &a->mu, &deadline);
    }
    if (a->remaining > 0) {
        gs_log_warn("a loop has not applied the new listening addresses after %d ms",
                    APPLY_WAIT_MS);
        a->abandoned = true;
        pthread_mutex_unlock(&a->mu);
        return;
    }
    pthread_mutex_unlock(&a->mu);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->cv);
    free(a);
}

void
gs_server_listen_commit(gs_server_t *s, gs_listen_change_t *c)
{
    struct applied *a = NULL;

    if (s->started) {
        a = gs_xcalloc(1, sizeof(*a));
        pthread_mutex_init(&a->mu, NULL);
        pthread_cond_init(&a->cv, NULL);
        a->remaining = s->nloops;
    }
    for (unsigned l = 0; l < s->nloops; l++) {
        c->loops[l]->applied = a;
        if (s->started) {
            gs_loop_post(&s->loops[l], apply_loop_change, c->loops[l]);
        } else {
            apply_loop_change(c->loops[l]);
        }
        c->loops[l] = NULL;
    }
    if (a != NULL) {
        wait_applied(a);
    }
    c->nloops = 0;
    memcpy(s->endpoints, c->addrs, c->naddrs * sizeof(*c->addrs));
    s->nendpoints = c->naddrs;
    free_change(c, false);
}

void
gs_server_listen_abandon(gs_listen_change_t *c)
{
    if (c != NULL) {
        free_change(c, true);
    }
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
    s->started = true;
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
