/*
 * One event loop per thread: an epoll set, its listeners and connections,
 * the timer lists, and the per-loop clock and Date string.  Everything in a
 * loop is touched by its own thread only; other threads talk to it through
 * its eventfd (gs_loop_wake).
 */
#ifndef GS_CORE_LOOP_H
#define GS_CORE_LOOP_H

#include "http_date.h"
#include "options.h"
#include "sockaddr.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct gs_server gs_server_t;
typedef struct gs_loop gs_loop_t;

/* What an epoll event's data pointer leads to: the first member of each owner. */
typedef enum { GS_IO_LISTENER, GS_IO_CONN, GS_IO_WAKE } gs_io_type_t;

typedef struct gs_io {
    gs_io_type_t type;
    int fd;
} gs_io_t;

/*
 * Timer lists: one per kind of deadline, each kind with a single duration,
 * so appending keeps a list sorted and setting a deadline is O(1).  Every
 * connection is on exactly one list, which is also how a loop finds all of
 * its connections at shutdown.
 */
typedef enum {
    GS_TIMER_IDLE,       /* keep-alive, between requests */
    GS_TIMER_HEADER,     /* a request has begun, its headers are not complete */
    GS_TIMER_BODY,       /* reading the rest of a request body */
    GS_TIMER_SEND,       /* sending, reset on each progress */
    GS_TIMER_LINGER,     /* half-closed, draining what the client still sends */
    GS_TIMER_PROCESSING, /* in the pipeline: no deadline */
    GS_TIMER_KINDS
} gs_timer_kind_t;

typedef struct gs_timer {
    struct gs_timer *prev, *next;
    uint64_t deadline_ms;
    gs_timer_kind_t kind;
} gs_timer_t;

typedef struct gs_listener {
    gs_io_t io;
    gs_sockaddr_t local; /* bound address, with the real port */
    socklen_t local_len;
    bool wildcard;
} gs_listener_t;

#define GS_LOOP_FREE_BUFFERS 64

typedef void (*gs_loop_fn)(void *arg);

/* Work handed to a loop by another thread (gs_loop_post). */
typedef struct gs_posted {
    struct gs_posted *next;
    gs_loop_fn fn;
    void *arg;
} gs_posted_t;

struct gs_loop {
    gs_server_t *server;
    unsigned index;
    int epfd;
    gs_io_t wake; /* eventfd */
    pthread_t thread;
    gs_listener_t **listeners; /* each allocated alone: epoll holds pointers to them */
    unsigned nlisteners, listeners_cap;

    gs_timer_t timers[GS_TIMER_KINDS]; /* list heads */
    unsigned timeout_ms[GS_TIMER_KINDS];

    uint64_t now_ms; /* CLOCK_MONOTONIC, read once per wake-up */
    time_t now_sec;  /* wall clock */
    char date[GS_HTTP_DATE_LEN + 1];

    unsigned nconns, max_conns;
    bool accept_paused; /* EMFILE: listeners are off until accept_resume_ms */
    uint64_t accept_resume_ms;
    bool draining;
    uint64_t drain_deadline_ms;

    char *free_buffers[GS_LOOP_FREE_BUFFERS]; /* read buffers kept for reuse */
    unsigned nfree_buffers;

    pthread_mutex_t posted_lock; /* guards the posted list, which any thread may append to */
    gs_posted_t *posted, **posted_tail;
};

/* Creates the epoll set and the eventfd. 0 or -errno. */
int gs_loop_init(gs_loop_t *loop, gs_server_t *server, unsigned index);

/*
 * Listening sockets.  gs_listener_probe() checks that nobody listens on an
 * address and turns port 0 into a real port; gs_listener_open() makes one
 * loop's SO_REUSEPORT socket for it.  Adding and removing happen on the
 * loop's thread (or before it runs).
 */
int gs_listener_probe(gs_sockaddr_t *addr, socklen_t len);
gs_listener_t *gs_listener_open(const gs_sockaddr_t *addr, socklen_t len, int *err);
void gs_loop_add_listener(gs_loop_t *loop, gs_listener_t *l);
/* Closes the loop's listener bound to addr (port included), if it has one. */
void gs_loop_remove_listener(gs_loop_t *loop, const gs_sockaddr_t *addr, socklen_t len);
void gs_loop_destroy(gs_loop_t *loop);
/* Runs the loop on the calling thread until it has drained after a stop. */
void gs_loop_run(gs_loop_t *loop);
/*
 * One wait (at most max_wait_ms; -1: until the next deadline) and the work it
 * brings.  False once the loop has drained after a stop.  For tests and
 * fuzzers that drive a loop themselves.
 */
bool gs_loop_turn(gs_loop_t *loop, int max_wait_ms);
/* Closes every connection of the loop at once. */
void gs_loop_close_all(gs_loop_t *loop);
/* From any thread: makes the loop look at the server's shared flags. */
void gs_loop_wake(gs_loop_t *loop);
/*
 * From any thread, the loop's own included: runs fn(arg) on the loop's
 * thread after the events it is handling now.  Never runs it right away, so
 * a caller may hold its own state in any shape while it posts.
 */
void gs_loop_post(gs_loop_t *loop, gs_loop_fn fn, void *arg);

void gs_timer_set(gs_loop_t *loop, gs_timer_t *t, gs_timer_kind_t kind);
void gs_timer_unlink(gs_timer_t *t);

/* Read buffers of GS_READ_BUFFER bytes, recycled per loop. */
#define GS_READ_BUFFER 4096
char *gs_loop_get_buffer(gs_loop_t *loop);
void gs_loop_put_buffer(gs_loop_t *loop, char *buf);

#endif
