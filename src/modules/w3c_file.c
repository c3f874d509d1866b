/*
 * Locking: `g.mu` guards the list of targets and the flusher; a target's
 * `mu` guards its descriptor and file name; a buffer's `mu` guards its
 * bytes.  Order: target, then buffer.  A writer takes only its own buffer's
 * lock, except when the period rolls over or the buffer is full.
 */
#include "w3c_file.h"

#include <guise/token.h>
#include "core/log.h"
#include "core/util.h"
#include "guise_version.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUFFER_SIZE    (64 * 1024)
#define MAX_PER_THREAD 32 /* targets a thread keeps buffers for; beyond: written at once */

struct tbuf {
    pthread_mutex_t mu;
    struct tbuf *next; /* in its target */
    size_t len;
    char data[BUFFER_SIZE];
};

struct gs_w3c_target {
    gs_w3c_target_t *next;
    pthread_mutex_t mu;
    char *where;
    gs_w3c_period_t period;
    unsigned site;
    char *fields;
    int fd;
    char path[4096];   /* of the file open now */
    time_t period_end; /* when to roll over; 0 for fixed files */
    struct tbuf *buffers;
};

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    gs_w3c_target_t *targets;
    bool running;
    pthread_t flusher;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
static atomic_bool flusher_started;

static _Thread_local struct {
    gs_w3c_target_t *target;
    struct tbuf *buf;
} mine[MAX_PER_THREAD];

static void
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            gs_log_error("access log write: %s", strerror(errno));
            return;
        }
        p += w;
        n -= (size_t) w;
    }
}

static void
write_directives(const gs_w3c_target_t *t)
{
    char text[256], now[20];
    time_t clock = time(NULL);
    struct tm tm;
    int n;

    gmtime_r(&clock, &tm);
    strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", &tm);
    n = snprintf(text, sizeof(text),
                 "#Software: guise %s\n#Version: 1.0\n#Date: %s\n#Fields: ", GUISE_VERSION_STRING,
                 now);
    write_all(t->fd, text, (size_t) n);
    write_all(t->fd, t->fields, strlen(t->fields));
    write_all(t->fd, "\n", 1);
}

/* The file a period covers, and when the period ends: IIS's u_ex names, UTC. */
static void
name_for(const gs_w3c_target_t *t, time_t now, char *path, size_t size, time_t *end)
{
    struct tm tm;
    char stamp[32];
    int yy;

    if (t->period == GS_W3C_FIXED) {
        snprintf(path, size, "%s", t->where);
        *end = 0;
        return;
    }
    gmtime_r(&now, &tm);
    yy = tm.tm_year % 100; /* IIS's names have two-digit years: u_exYYMMDD.log */
    tm.tm_sec = 0;
    tm.tm_min = 0;
    switch (t->period) {
    case GS_W3C_HOURLY:
        snprintf(stamp, sizeof(stamp), "%02d%02d%02d%02d", yy, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour);
        tm.tm_hour++;
        break;
    case GS_W3C_MONTHLY:
        snprintf(stamp, sizeof(stamp), "%02d%02d", yy, tm.tm_mon + 1);
        tm.tm_hour = 0;
        tm.tm_mday = 1;
        tm.tm_mon++;
        break;
    default:
        snprintf(stamp, sizeof(stamp), "%02d%02d%02d", yy, tm.tm_mon + 1, tm.tm_mday);
        tm.tm_hour = 0;
        tm.tm_mday++;
        break;
    }
    *end = timegm(&tm);
    snprintf(path, size, "%s/W3SVC%u/u_ex%s.log", t->where, t->site, stamp);
}

static int
open_log(const gs_w3c_target_t *t, const char *path)
{
    char dir[4096];
    int fd;

    if (strcmp(path, "-") == 0) {
        return dup(STDOUT_FILENO);
    }
    /* The server's own file: never as the user whose request is being logged. */
    RevertToSelf();
    if (t->period != GS_W3C_FIXED) {
        /* The configured directory and its W3SVC<id> are made as needed, as IIS does; nothing
         * above. */
        mkdir(t->where, 0750);
        snprintf(dir, sizeof(dir), "%s/W3SVC%u", t->where, t->site);
        mkdir(dir, 0750);
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    return fd < 0 ? -errno : fd;
}

static void
flush_buffer(gs_w3c_target_t *t, struct tbuf *b)
{
    if (b->len > 0) {
        write_all(t->fd, b->data, b->len);
        b->len = 0;
    }
}

/* Writes what every thread buffered; the caller holds t->mu. */
static void
flush_target(gs_w3c_target_t *t)
{
    for (struct tbuf *b = t->buffers; b != NULL; b = b->next) {
        pthread_mutex_lock(&b->mu);
        flush_buffer(t, b);
        pthread_mutex_unlock(&b->mu);
    }
}

static void *
flusher(void *arg)
{
    struct timespec deadline;

    (void) arg;
    RevertToSelf(); /* started by a loop thread, it may carry a user's credentials */
    pthread_mutex_lock(&g.mu);
    while (g.running) {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 1;
        pthread_cond_timedwait(&g.cv, &g.mu, &deadline);
        for (gs_w3c_target_t *t = g.targets; t != NULL; t = t->next) {
            pthread_mutex_lock(&t->mu);
            flush_target(t);
            pthread_mutex_unlock(&t->mu);
        }
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

gs_w3c_target_t *
gs_w3c_target(const char *where, gs_w3c_period_t period, unsigned site, const char *fields)
{
    gs_w3c_target_t *t;

    pthread_mutex_lock(&g.mu);
    for (t = g.targets; t != NULL; t = t->next) {
        if (t->period == period && t->site == site && strcmp(t->where, where) == 0
            && strcmp(t->fields, fields) == 0)
        {
            pthread_mutex_unlock(&g.mu);
            return t;
        }
    }
    t = gs_xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->mu, NULL);
    t->where = gs_xstrdup(where);
    t->period = period;
    t->site = site;
    t->fields = gs_xstrdup(fields);
    name_for(t, time(NULL), t->path, sizeof(t->path), &t->period_end);
    t->fd = open_log(t, t->path);
    if (t->fd < 0) {
        gs_log_error("cannot open access log '%s': %s", t->path, strerror(-t->fd));
        free(t->where);
        free(t->fields);
        pthread_mutex_destroy(&t->mu);
        free(t);
        pthread_mutex_unlock(&g.mu);
        return NULL;
    }
    write_directives(t);
    t->next = g.targets;
    g.targets = t;
    pthread_mutex_unlock(&g.mu);
    return t;
}

/*
 * The flusher starts with the first line, not with the first target: a target
 * may be opened while guise is still root (--log), and a thread started then
 * would keep root's capability bounding set (capabilities are per thread).
 */
static void
start_flusher(void)
{
    pthread_mutex_lock(&g.mu);
    if (!g.running) {
        int rc;

        g.running = true;
        rc = pthread_create(&g.flusher, NULL, flusher, NULL);
        if (rc != 0) {
            gs_panic("cannot start the access log flusher: %s", strerror(rc));
        }
    }
    pthread_mutex_unlock(&g.mu);
    atomic_store(&flusher_started, true);
}

/* Rolls the file over at the end of its period: the old file gets what was buffered. */
static void
roll_over(gs_w3c_target_t *t, time_t now)
{
    char path[sizeof(t->path)];
    time_t end;
    int fd;

    pthread_mutex_lock(&t->mu);
    if (t->period_end != 0 && now >= t->period_end) {
        name_for(t, now, path, sizeof(path), &end);
        fd = open_log(t, path);
        if (fd < 0) {
            gs_log_error("cannot open access log '%s': %s; still writing '%s'", path, strerror(-fd),
                         t->path);
            t->period_end = end; /* try again next period, not every line */
        } else {
            flush_target(t);
            close(t->fd);
            t->fd = fd;
            memcpy(t->path, path, sizeof(path));
            t->period_end = end;
            write_directives(t);
        }
    }
    pthread_mutex_unlock(&t->mu);
}

static struct tbuf *
buffer_of(gs_w3c_target_t *t)
{
    struct tbuf *b;

    for (unsigned i = 0; i < MAX_PER_THREAD; i++) {
        if (mine[i].target == t) {
            return mine[i].buf;
        }
        if (mine[i].target == NULL) {
            b = gs_xcalloc(1, sizeof(*b));
            pthread_mutex_init(&b->mu, NULL);
            pthread_mutex_lock(&t->mu);
            b->next = t->buffers;
            t->buffers = b;
            pthread_mutex_unlock(&t->mu);
            mine[i].target = t;
            mine[i].buf = b;
            return b;
        }
    }
    return NULL;
}

void
gs_w3c_append(gs_w3c_target_t *t, time_t now, const char *line, size_t len)
{
    struct tbuf *b;

    if (!atomic_load_explicit(&flusher_started, memory_order_relaxed)) {
        start_flusher();
    }
    if (t->period_end != 0 && now >= t->period_end) {
        roll_over(t, now);
    }
    b = buffer_of(t);
    if (b == NULL) {
        /* More logs than a thread keeps buffers for: straight to the file. */
        pthread_mutex_lock(&t->mu);
        write_all(t->fd, line, len);
        pthread_mutex_unlock(&t->mu);
        return;
    }
    pthread_mutex_lock(&b->mu);
    if (b->len + len > sizeof(b->data)) {
        flush_buffer(t, b);
    }
    if (len <= sizeof(b->data)) {
        memcpy(b->data + b->len, line, len);
        b->len += len;
    }
    pthread_mutex_unlock(&b->mu);
}

void
gs_w3c_reopen_all(void)
{
    pthread_mutex_lock(&g.mu);
    for (gs_w3c_target_t *t = g.targets; t != NULL; t = t->next) {
        int fd;

        pthread_mutex_lock(&t->mu);
        if (strcmp(t->path, "-") == 0) {
            pthread_mutex_unlock(&t->mu);
            continue;
        }
        fd = open_log(t, t->path);
        if (fd < 0) {
            gs_log_error("cannot reopen access log '%s': %s; still writing the old file", t->path,
                         strerror(-fd));
        } else {
            flush_target(t); /* what was logged before the signal goes to the old file */
            if (dup2(fd, t->fd) < 0) {
                gs_log_error("cannot switch access log: %s", strerror(errno));
            }
            close(fd);
            write_directives(t);
            gs_log_info("access log reopened: %s", t->path);
        }
        pthread_mutex_unlock(&t->mu);
    }
    pthread_mutex_unlock(&g.mu);
}

void
gs_w3c_close_all(void)
{
    pthread_mutex_lock(&g.mu);
    atomic_store(&flusher_started, false);
    if (g.running) {
        g.running = false;
        pthread_cond_signal(&g.cv);
        pthread_mutex_unlock(&g.mu);
        pthread_join(g.flusher, NULL);
        pthread_mutex_lock(&g.mu);
    }
    while (g.targets != NULL) {
        gs_w3c_target_t *t = g.targets;

        g.targets = t->next;
        flush_target(t);
        while (t->buffers != NULL) {
            struct tbuf *b = t->buffers;

            t->buffers = b->next;
            pthread_mutex_destroy(&b->mu);
            free(b);
        }
        close(t->fd);
        pthread_mutex_destroy(&t->mu);
        free(t->where);
        free(t->fields);
        free(t);
    }
    pthread_mutex_unlock(&g.mu);
}
