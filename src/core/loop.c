/*
 * The event loop.  Level-triggered epoll: a connection that cannot finish a
 * write switches its interest to EPOLLOUT and back, which costs an
 * epoll_ctl only on the slow path.  The clock is read once per wake-up.
 */
#include "loop.h"
#include "conn.h"
#include "log.h"
#include "server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS       256
#define ACCEPTS_PER_WAKE 64
#define ACCEPT_PAUSE_MS  100
#define LISTEN_BACKLOG   4096

static const char refusal[] = "HTTP/1.1 503 Service Unavailable\r\n"
                              "Server: guise\r\n"
                              "Retry-After: 1\r\n"
                              "Content-Type: text/plain\r\n"
                              "Content-Length: 20\r\n"
                              "Connection: close\r\n"
                              "\r\n"
                              "too many connections";

void
gs_timer_unlink(gs_timer_t *t)
{
    t->prev->next = t->next;
    t->next->prev = t->prev;
    t->prev = t->next = t;
}

void
gs_timer_set(gs_loop_t *loop, gs_timer_t *t, gs_timer_kind_t kind)
{
    gs_timer_t *head = &loop->timers[kind];

    gs_timer_unlink(t);
    t->kind = kind;
    t->deadline_ms = loop->now_ms + loop->timeout_ms[kind];
    t->prev = head->prev;
    t->next = head;
    head->prev->next = t;
    head->prev = t;
}

char *
gs_loop_get_buffer(gs_loop_t *loop)
{
    if (loop->nfree_buffers > 0) {
        return loop->free_buffers[--loop->nfree_buffers];
    }
    return gs_xmalloc(GS_READ_BUFFER);
}

void
gs_loop_put_buffer(gs_loop_t *loop, char *buf)
{
    if (loop->nfree_buffers < GS_LOOP_FREE_BUFFERS) {
        loop->free_buffers[loop->nfree_buffers++] = buf;
    } else {
        free(buf);
    }
}

static void
update_clock(gs_loop_t *loop)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    loop->now_ms = (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != loop->now_sec) {
        loop->now_sec = ts.tv_sec;
        gs_http_date_format(ts.tv_sec, loop->date);
    }
}

/*
 * SO_REUSEPORT lets every loop have its own listener, but it would also let
 * a second guise (same user) bind the same port and silently share its
 * connections.  A probe bound without SO_REUSEPORT fails with EADDRINUSE if
 * anyone listens there; it also turns port 0 into a real port for the group.
 */
int
gs_listener_probe(gs_sockaddr_t *addr, socklen_t len)
{
    int fd, one = 1, rc = 0;
    socklen_t got = len;

    fd = socket(addr->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || (addr->sa.sa_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
        || bind(fd, &addr->sa, len) != 0 || getsockname(fd, &addr->sa, &got) != 0)
    {
        rc = -errno;
    }
    close(fd);
    return rc;
}

gs_listener_t *
gs_listener_open(const gs_sockaddr_t *addr, socklen_t len, int *err)
{
    gs_listener_t *l;
    int fd, one = 1;
    socklen_t local_len = sizeof(gs_sockaddr_t);
    gs_sockaddr_t local;

    fd = socket(addr->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err = -errno;
        return NULL;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0
        || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0
        || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0
        || (addr->sa.sa_family == AF_INET6
            && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
        || bind(fd, &addr->sa, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0
        || getsockname(fd, &local.sa, &local_len) != 0)
    {
        *err = -errno;
        close(fd);
        return NULL;
    }
    l = gs_xcalloc(1, sizeof(*l));
    l->io.type = GS_IO_LISTENER;
    l->io.fd = fd;
    l->local = local;
    l->local_len = local_len;
    l->wildcard = addr->sa.sa_family == AF_INET6 ? IN6_IS_ADDR_UNSPECIFIED(&addr->in6.sin6_addr)
                                                 : addr->in.sin_addr.s_addr == htonl(INADDR_ANY);
    return l;
}

static int
listeners_interest(gs_loop_t *loop, int op, uint32_t events)
{
    for (unsigned i = 0; i < loop->nlisteners; i++) {
        gs_listener_t *l = loop->listeners[i];
        struct epoll_event ev = {.events = events, .data.ptr = &l->io};

        if (l->io.fd >= 0 && epoll_ctl(loop->epfd, op, l->io.fd, &ev) != 0) {
            return -errno;
        }
    }
    return 0;
}

void
gs_loop_add_listener(gs_loop_t *loop, gs_listener_t *l)
{
    struct epoll_event ev = {.events = loop->accept_paused ? 0 : EPOLLIN, .data.ptr = &l->io};

    if (loop->draining) {
        close(l->io.fd);
        free(l);
        return;
    }
    if (loop->nlisteners == loop->listeners_cap) {
        loop->listeners_cap = loop->listeners_cap ? loop->listeners_cap * 2 : 4;
        loop->listeners =
            gs_xrealloc(loop->listeners, loop->listeners_cap * sizeof(*loop->listeners));
    }
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, l->io.fd, &ev) != 0) {
        gs_panic("epoll_ctl(ADD) on a listener: %s", strerror(errno));
    }
    loop->listeners[loop->nlisteners++] = l;
}

void
gs_loop_remove_listener(gs_loop_t *loop, const gs_sockaddr_t *addr, socklen_t len)
{
    for (unsigned i = 0; i < loop->nlisteners; i++) {
        gs_listener_t *l = loop->listeners[i];

        if (l->local_len == len && memcmp(&l->local, addr, len) == 0) {
            close(l->io.fd); /* leaves the epoll set with it */
            free(l);
            loop->listeners[i] = loop->listeners[--loop->nlisteners];
            return;
        }
    }
}

int
gs_loop_init(gs_loop_t *loop, gs_server_t *s, unsigned index)
{
    const gs_options_t *o = &s->opts;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &loop->wake};

    loop->server = s;
    loop->index = index;
    pthread_mutex_init(&loop->posted_lock, NULL);
    loop->posted_tail = &loop->posted;
    loop->wake.type = GS_IO_WAKE;
    loop->wake.fd = -1;
    loop->max_conns = (o->max_connections + s->nloops - 1) / s->nloops;
    for (int k = 0; k < GS_TIMER_KINDS; k++) {
        loop->timers[k].prev = loop->timers[k].next = &loop->timers[k];
    }
    loop->timeout_ms[GS_TIMER_IDLE] = o->keepalive_timeout_ms;
    loop->timeout_ms[GS_TIMER_HEADER] = o->header_timeout_ms;
    loop->timeout_ms[GS_TIMER_BODY] = o->header_timeout_ms;
    loop->timeout_ms[GS_TIMER_SEND] = o->send_timeout_ms;
    loop->timeout_ms[GS_TIMER_LINGER] = 2000;
    loop->timeout_ms[GS_TIMER_PROCESSING] = 0;
    update_clock(loop);

    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->epfd < 0 || loop->wake.fd < 0
        || epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wake.fd, &ev) != 0)
    {
        return -errno;
    }

    return 0;
}

void
gs_loop_destroy(gs_loop_t *loop)
{
    for (unsigned i = 0; i < loop->nlisteners; i++) {
        close(loop->listeners[i]->io.fd);
        free(loop->listeners[i]);
    }
    free(loop->listeners);
    while (loop->nfree_buffers > 0) {
        free(loop->free_buffers[--loop->nfree_buffers]);
    }
    /* Work posted after the loop stopped has nothing left to act on: free it unrun. */
    while (loop->posted != NULL) {
        gs_posted_t *p = loop->posted;

        loop->posted = p->next;
        free(p);
    }
    pthread_mutex_destroy(&loop->posted_lock);
    if (loop->wake.fd >= 0) {
        close(loop->wake.fd);
    }
    if (loop->epfd >= 0) {
        close(loop->epfd);
    }
}

void
gs_loop_wake(gs_loop_t *loop)
{
    uint64_t one = 1;

    (void) !write(loop->wake.fd, &one, sizeof(one));
}

void
gs_loop_post(gs_loop_t *loop, gs_loop_fn fn, void *arg)
{
    gs_posted_t *p = gs_xmalloc(sizeof(*p));

    p->next = NULL;
    p->fn = fn;
    p->arg = arg;
    pthread_mutex_lock(&loop->posted_lock);
    *loop->posted_tail = p;
    loop->posted_tail = &p->next;
    pthread_mutex_unlock(&loop->posted_lock);
    gs_loop_wake(loop);
}

/* Runs what other threads posted, in order; what the work posts runs next time. */
static void
run_posted(gs_loop_t *loop)
{
    gs_posted_t *list;

    pthread_mutex_lock(&loop->posted_lock);
    list = loop->posted;
    loop->posted = NULL;
    loop->posted_tail = &loop->posted;
    pthread_mutex_unlock(&loop->posted_lock);
    while (list != NULL) {
        gs_posted_t *p = list;

        list = p->next;
        p->fn(p->arg);
        free(p);
    }
}

static void
pause_accepting(gs_loop_t *loop, int err)
{
    /* Level-triggered: a listener left armed would wake us again at once. */
    listeners_interest(loop, EPOLL_CTL_MOD, 0);
    loop->accept_paused = true;
    loop->accept_resume_ms = loop->now_ms + ACCEPT_PAUSE_MS;
    gs_log_warn("accept: %s; not accepting for %d ms", strerror(err), ACCEPT_PAUSE_MS);
}

static void
accept_connections(gs_loop_t *loop, gs_listener_t *l)
{
    for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
        gs_sockaddr_t remote;
        socklen_t len = sizeof(remote);
        int fd = accept4(l->io.fd, &remote.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            switch (errno) {
            case EAGAIN:
                return;
            case EMFILE:
            case ENFILE:
            case ENOBUFS:
            case ENOMEM:
                pause_accepting(loop, errno);
                return;
            case EINTR:
            case ECONNABORTED:
            case EPROTO:
                continue;
            default:
                gs_log_error("accept: %s", strerror(errno));
                return;
            }
        }
        if (loop->nconns >= loop->max_conns) {
            /* Best effort: a full socket buffer on a brand-new socket is unlikely. */
            (void) !send(fd, refusal, sizeof(refusal) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
            close(fd);
            continue;
        }
        gs_conn_accept(loop, l, fd, &remote);
    }
}

static void
for_each_conn(gs_loop_t *loop, void (*fn)(gs_conn_t *))
{
    for (int k = 0; k < GS_TIMER_KINDS; k++) {
        gs_timer_t *head = &loop->timers[k], *t, *next;

        for (t = head->next; t != head; t = next) {
            next = t->next;
            fn(gs_conn_from_timer(t));
        }
    }
}

static void
start_draining(gs_loop_t *loop)
{
    loop->draining = true;
    loop->drain_deadline_ms = loop->now_ms + loop->server->opts.shutdown_timeout_ms;
    for (unsigned i = 0; i < loop->nlisteners; i++) {
        close(loop->listeners[i]->io.fd);
        free(loop->listeners[i]);
    }
    loop->nlisteners = 0;
    for_each_conn(loop, gs_conn_drain);
}

static void
run_timers(gs_loop_t *loop)
{
    for (int k = 0; k < GS_TIMER_KINDS; k++) {
        gs_timer_t *head = &loop->timers[k];

        if (k == GS_TIMER_PROCESSING) {
            continue;
        }
        while (head->next != head && head->next->deadline_ms <= loop->now_ms) {
            gs_conn_timeout(gs_conn_from_timer(head->next));
        }
    }
    if (loop->accept_paused && loop->accept_resume_ms <= loop->now_ms && !loop->draining) {
        loop->accept_paused = false;
        listeners_interest(loop, EPOLL_CTL_MOD, EPOLLIN);
    }
}

/* Milliseconds until the earliest deadline, at most a second. */
static int
next_timeout(const gs_loop_t *loop)
{
    uint64_t next = loop->now_ms + 1000;

    for (int k = 0; k < GS_TIMER_KINDS; k++) {
        const gs_timer_t *head = &loop->timers[k];

        if (k != GS_TIMER_PROCESSING && head->next != head && head->next->deadline_ms < next) {
            next = head->next->deadline_ms;
        }
    }
    if (loop->accept_paused && loop->accept_resume_ms < next) {
        next = loop->accept_resume_ms;
    }
    if (loop->draining && loop->drain_deadline_ms < next) {
        next = loop->drain_deadline_ms;
    }
    return next <= loop->now_ms ? 0 : (int) (next - loop->now_ms);
}

bool
gs_loop_turn(gs_loop_t *loop, int max_wait_ms)
{
    struct epoll_event events[MAX_EVENTS];
    int wait = next_timeout(loop), n;
    bool woken = false;

    if (max_wait_ms >= 0 && max_wait_ms < wait) {
        wait = max_wait_ms;
    }
    if (wait != 0 && loop->server->handler.idle != NULL) {
        loop->server->handler.idle(loop->server->handler.ctx); /* about to block */
    }
    n = epoll_wait(loop->epfd, events, MAX_EVENTS, wait);
    if (n < 0 && errno != EINTR) {
        gs_panic("epoll_wait: %s", strerror(errno));
    }
    update_clock(loop);
    for (int i = 0; i < n; i++) {
        gs_io_t *io = events[i].data.ptr;

        switch (io->type) {
        case GS_IO_CONN:
            gs_conn_event((gs_conn_t *) io, events[i].events);
            break;
        case GS_IO_LISTENER:
            if (!loop->draining) {
                accept_connections(loop, (gs_listener_t *) io);
            }
            break;
        case GS_IO_WAKE: {
            uint64_t count;

            (void) !read(loop->wake.fd, &count, sizeof(count));
            woken = true;
            break;
        }
        }
    }
    /* After the batch: work and draining may close connections that have events in it. */
    if (woken) {
        run_posted(loop);
        if (atomic_load(&loop->server->stopping) && !loop->draining) {
            start_draining(loop);
        }
    }
    run_timers(loop);
    if (loop->draining) {
        if (loop->nconns == 0) {
            return false;
        }
        if (loop->now_ms >= loop->drain_deadline_ms) {
            gs_log_warn("shutdown deadline reached: closing %u connection(s)", loop->nconns);
            gs_loop_close_all(loop);
            return false;
        }
    }
    return true;
}

void
gs_loop_close_all(gs_loop_t *loop)
{
    for_each_conn(loop, gs_conn_abort);
}

void
gs_loop_run(gs_loop_t *loop)
{
    while (gs_loop_turn(loop, -1)) {
    }
}
