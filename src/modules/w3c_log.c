/*
 * The access log in IIS's W3C extended format, with IIS's default fields.
 *
 * Each thread appends to its own buffer under that buffer's mutex, which no
 * other thread takes except the flusher: logging a request costs no system
 * call.  A flusher thread writes every buffer out once a second, and a full
 * buffer is written by its own thread.  Reopening (SIGUSR1) opens the path
 * again and dup2()s it over the descriptor everyone writes to, so writers
 * never see a closed descriptor.
 */
#include "builtin.h"
#include "../core/log.h"
#include "../core/sockaddr.h"
#include "guise_version.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUFFER_SIZE (64 * 1024)
#define FIELD_MAX   2048 /* a longer User-Agent or Referer is cut */

static const char fields[] = "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
                             "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
                             "sc-win32-status time-taken\n";

struct tbuf {
    pthread_mutex_t mu;
    struct tbuf *next;
    size_t len;
    time_t second; /* of the cached "date time" text */
    char datetime[20];
    char data[BUFFER_SIZE];
};

static struct {
    pthread_mutex_t mu; /* guards `all`, `running` and the condition */
    pthread_cond_t cv;
    struct tbuf *all;
    int fd;
    char *path; /* NULL for standard output */
    bool running;
    pthread_t flusher;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .fd = -1};

static _Thread_local struct tbuf *mine;

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
format_datetime(time_t t, char out[20])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

static void
write_directives(int fd)
{
    char text[256], now[20];
    int n;

    format_datetime(time(NULL), now);
    n = snprintf(text, sizeof(text), "#Software: guise %s\n#Version: 1.0\n#Date: %s\n",
                 GUISE_VERSION_STRING, now);
    write_all(fd, text, (size_t) n);
    write_all(fd, fields, sizeof(fields) - 1);
}

static int
open_path(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

    return fd < 0 ? -errno : fd;
}

static void
flush_locked(struct tbuf *b)
{
    if (b->len > 0) {
        write_all(g.fd, b->data, b->len);
        b->len = 0;
    }
}

static void
flush_all(void)
{
    pthread_mutex_lock(&g.mu);
    for (struct tbuf *b = g.all; b != NULL; b = b->next) {
        pthread_mutex_lock(&b->mu);
        flush_locked(b);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_unlock(&g.mu);
}

static void *
flusher(void *arg)
{
    struct timespec deadline;

    (void) arg;
    pthread_mutex_lock(&g.mu);
    while (g.running) {
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 1;
        pthread_cond_timedwait(&g.cv, &g.mu, &deadline);
        pthread_mutex_unlock(&g.mu);
        flush_all();
        pthread_mutex_lock(&g.mu);
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

int
gs_w3c_log_open(const char *path)
{
    int rc;

    if (strcmp(path, "-") == 0) {
        g.fd = STDOUT_FILENO;
    } else {
        rc = open_path(path);
        if (rc < 0) {
            gs_log_error("cannot open access log '%s': %s", path, strerror(-rc));
            return rc;
        }
        g.fd = rc;
        g.path = gs_xstrdup(path);
    }
    write_directives(g.fd);
    g.running = true;
    rc = pthread_create(&g.flusher, NULL, flusher, NULL);
    if (rc != 0) {
        g.running = false;
        gs_log_error("cannot start the access log flusher: %s", strerror(rc));
        return -rc;
    }
    return 0;
}

void
gs_w3c_log_reopen(void)
{
    int fd;

    if (g.path == NULL) {
        return;
    }
    fd = open_path(g.path);
    if (fd < 0) {
        gs_log_error("cannot reopen access log '%s': %s; still writing the old file", g.path,
                     strerror(-fd));
        return;
    }
    flush_all(); /* what was logged before the signal goes to the old file */
    write_directives(fd);
    if (dup2(fd, g.fd) < 0) {
        gs_log_error("cannot switch access log: %s", strerror(errno));
    }
    close(fd);
    gs_log_info("access log reopened: %s", g.path);
}

void
gs_w3c_log_close(void)
{
    if (g.fd < 0) {
        return;
    }
    pthread_mutex_lock(&g.mu);
    g.running = false;
    pthread_cond_signal(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(g.flusher, NULL);
    flush_all();
    while (g.all != NULL) {
        struct tbuf *b = g.all;

        g.all = b->next;
        pthread_mutex_destroy(&b->mu);
        free(b);
    }
    if (g.fd != STDOUT_FILENO) {
        close(g.fd);
    }
    g.fd = -1;
    free(g.path);
    g.path = NULL;
}

static struct tbuf *
thread_buffer(void)
{
    if (mine == NULL) {
        mine = gs_xmalloc(sizeof(*mine));
        pthread_mutex_init(&mine->mu, NULL);
        mine->len = 0;
        mine->second = -1;
        pthread_mutex_lock(&g.mu);
        mine->next = g.all;
        g.all = mine;
        pthread_mutex_unlock(&g.mu);
    }
    return mine;
}

/* A W3C field: '-' when empty, spaces as '+' (as IIS writes them), no control bytes. */
static char *
put_field(char *p, const char *s, size_t n)
{
    if (s == NULL || n == 0) {
        *p++ = '-';
        return p;
    }
    if (n > FIELD_MAX) {
        n = FIELD_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) s[i];

        *p++ = (ch <= ' ' || ch == 0x7f) ? '+' : (char) ch;
    }
    return p;
}

static char *
put_uint(char *p, unsigned long long v)
{
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        *p++ = tmp[--n];
    }
    return p;
}

static char *
put_header(char *p, const gs_request_t *req, int id)
{
    const gs_header_t *h = gs_request_known(req, id);

    return h ? put_field(p, h->value, h->value_len) : put_field(p, NULL, 0);
}

void
gs_w3c_log_request(const gs_request_t *req)
{
    struct tbuf *b;
    char sip[GS_ADDR_TEXT_MAX], cip[GS_ADDR_TEXT_MAX];
    char line[2 * FIELD_MAX + 4 * FIELD_MAX + 256], *p = line;
    size_t n;

    if (g.fd < 0) {
        return;
    }
    b = thread_buffer();
    gs_sockaddr_host(req->local, sip);
    gs_sockaddr_host(req->remote, cip);

    pthread_mutex_lock(&b->mu);
    if (b->second != req->end_time) {
        b->second = req->end_time;
        format_datetime(req->end_time, b->datetime);
    }
    memcpy(p, b->datetime, 19); /* "date time": two fields */
    p += 19;
    *p++ = ' ';
    p = put_field(p, sip, strlen(sip));
    *p++ = ' ';
    p = put_field(p, req->method_name, strlen(req->method_name));
    *p++ = ' ';
    p = put_field(p, req->path, req->path_len);
    *p++ = ' ';
    p = put_field(p, req->query, req->query_len);
    *p++ = ' ';
    p = put_uint(p, gs_sockaddr_port(req->local));
    *p++ = ' ';
    p = put_field(p, NULL, 0); /* cs-username: anonymous */
    *p++ = ' ';
    p = put_field(p, cip, strlen(cip));
    *p++ = ' ';
    p = put_header(p, req, GS_HREQ_USER_AGENT);
    *p++ = ' ';
    p = put_header(p, req, GS_HREQ_REFERER);
    *p++ = ' ';
    p = put_uint(p, req->rsp.status);
    *p++ = ' ';
    p = put_uint(p, req->rsp.substatus);
    *p++ = ' ';
    p = put_uint(p, req->rsp.win32_status);
    *p++ = ' ';
    p = put_uint(p, req->end_ms - req->start_ms);
    *p++ = '\n';
    n = (size_t) (p - line);

    if (b->len + n > sizeof(b->data)) {
        flush_locked(b);
    }
    memcpy(b->data + b->len, line, n);
    b->len += n;
    pthread_mutex_unlock(&b->mu);
}
