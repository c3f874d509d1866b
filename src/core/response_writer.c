#include "response_writer.h"
#include "http_header.h"
#include "guise_version.h"

#include <errno.h>
#include <llhttp.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define IOV_GATHER   16
#define SENDFILE_MAX (1u << 20) /* per call, so one big file cannot hog a loop */

static const char server_line[] = "Server: " GUISE_SERVER_HEADER "\r\n";

static gs_chunk_t *
push(gs_writer_t *w, gs_pool_t *pool)
{
    if (w->n == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 8;
        gs_chunk_t *grown = gs_pool_alloc(pool, cap * sizeof(*grown));

        if (w->n) {
            memcpy(grown, w->queue, w->n * sizeof(*grown));
        }
        w->queue = grown;
        w->cap = cap;
    }
    return &w->queue[w->n++];
}

static void
push_memory(gs_writer_t *w, gs_pool_t *pool, const void *data, uint64_t len)
{
    gs_chunk_t *c = push(w, pool);

    c->type = GS_CHUNK_MEMORY;
    c->data = data;
    c->len = len;
    c->fd = -1;
    c->offset = 0;
}

static char *
put(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static char *
put_u64(char *p, uint64_t v)
{
    char tmp[20];
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

static bool
body_forbidden(unsigned status)
{
    return status < 200 || status == 204 || status == 304;
}

/* Headers the writer owns: a handler's copy would contradict the framing. */
static bool
framing_header(const gs_header_t *h)
{
    return h->id == GS_H_CONTENT_LENGTH || h->id == GS_H_CONNECTION
           || h->id == GS_H_TRANSFER_ENCODING || h->id == GS_H_KEEP_ALIVE;
}

/* A Content-Length a module set, for a response streamed in several steps. */
static int64_t
declared_length(const gs_response_t *rsp)
{
    const gs_header_t *h = gs_response_header(rsp, "Content-Length", 14);
    uint64_t v = 0;

    if (rsp->content_length >= 0) {
        return rsp->content_length;
    }
    if (h == NULL || h->value_len == 0 || h->value_len > 18) {
        return -1;
    }
    for (size_t i = 0; i < h->value_len; i++) {
        if (h->value[i] < '0' || h->value[i] > '9') {
            return -1;
        }
        v = v * 10 + (uint64_t) (h->value[i] - '0');
    }
    return (int64_t) v;
}

static void
queue_head(gs_writer_t *w, gs_request_t *req, const char *date, bool *close, bool final)
{
    gs_response_t *rsp = &req->rsp;
    const char *reason = rsp->reason ? rsp->reason : gs_status_reason(rsp->status);
    size_t reason_len = strlen(reason), size;
    bool has_server = false, has_date = false;
    int64_t length = -1;
    char *head, *p;

    if (rsp->raw) {
        /* The body is the whole response, unframed: only closing can end it. */
        w->no_body = rsp->no_body;
        w->until_close = true;
        *close = true;
        w->started = true;
        return;
    }
    w->no_body = rsp->no_body || body_forbidden(rsp->status);
    if (!body_forbidden(rsp->status)) {
        length = final ? (int64_t) gs_response_body_length(rsp) : declared_length(rsp);
        if (length < 0 && req->http_minor >= 1) {
            w->chunked = true;
        } else if (length < 0) {
            w->until_close = true;
            *close = true;
        }
    }
    if (w->chunked && rsp->no_body) {
        w->chunked = false; /* HEAD of a streamed response: no length to announce */
    }

    size = 16 + reason_len + sizeof(server_line) + 8 + 40 + 64;
    for (uint32_t i = 0; i < rsp->nheaders; i++) {
        size += rsp->headers[i].name_len + rsp->headers[i].value_len + 4;
    }
    head = p = gs_pool_alloc(req->pool, size);
    p = put(p, "HTTP/1.1 ", 9);
    p = put_u64(p, rsp->status);
    *p++ = ' ';
    p = put(p, reason, reason_len);
    p = put(p, "\r\n", 2);
    for (uint32_t i = 0; i < rsp->nheaders; i++) {
        const gs_header_t *h = &rsp->headers[i];

        if (framing_header(h)) {
            continue;
        }
        has_server |= h->id == GS_HRSP_SERVER;
        has_date |= h->id == GS_H_DATE;
        p = put(p, h->name, h->name_len);
        p = put(p, ": ", 2);
        p = put(p, h->value, h->value_len);
        p = put(p, "\r\n", 2);
    }
    if (!has_server) {
        p = put(p, server_line, sizeof(server_line) - 1);
    }
    if (!has_date) {
        p = put(p, "Date: ", 6);
        p = put(p, date, strlen(date));
        p = put(p, "\r\n", 2);
    }
    if (length >= 0) {
        p = put(p, "Content-Length: ", 16);
        p = put_u64(p, (uint64_t) length);
        p = put(p, "\r\n", 2);
    } else if (w->chunked) {
        p = put(p, "Transfer-Encoding: chunked\r\n", 28);
    }
    if (*close) {
        p = put(p, "Connection: close\r\n", 19);
    } else if (req->http_minor == 0) {
        p = put(p, "Connection: keep-alive\r\n", 24);
    }
    p = put(p, "\r\n", 2);
    push_memory(w, req->pool, head, (uint64_t) (p - head));
    w->started = true;
}

void
gs_writer_queue(gs_writer_t *w, gs_request_t *req, const char *date, bool *close, bool final)
{
    gs_response_t *rsp = &req->rsp;

    if (w->finished) {
        rsp->nchunks = 0;
        return;
    }
    if (!w->started) {
        queue_head(w, req, date, close, final);
    }
    for (uint32_t i = 0; i < rsp->nchunks && !w->no_body; i++) {
        const gs_chunk_t *ch = &rsp->chunks[i];

        if (ch->len == 0) {
            continue; /* a zero-size chunk would end a chunked body */
        }
        if (w->chunked) {
            char *size_line = gs_pool_alloc(req->pool, 20);
            char *p = size_line;
            int shift = 60;

            while (shift > 0 && ((ch->len >> shift) & 15) == 0) {
                shift -= 4;
            }
            for (; shift >= 0; shift -= 4) {
                *p++ = "0123456789abcdef"[(ch->len >> shift) & 15];
            }
            p = put(p, "\r\n", 2);
            push_memory(w, req->pool, size_line, (uint64_t) (p - size_line));
        }
        *push(w, req->pool) = *ch;
        if (w->chunked) {
            push_memory(w, req->pool, "\r\n", 2);
        }
    }
    rsp->nchunks = 0;
    if (final) {
        if (w->chunked) {
            push_memory(w, req->pool, "0\r\n\r\n", 5);
        }
        w->finished = true;
    }
}

/* Moves the send position forward by n bytes. */
static void
advance(gs_writer_t *w, size_t n)
{
    while (n > 0 && w->pos < w->n) {
        uint64_t left = w->queue[w->pos].len - w->pos_sent;

        if (n < left) {
            w->pos_sent += n;
            break;
        }
        n -= left;
        w->pos++;
        w->pos_sent = 0;
    }
}

/*
 * One sendmsg() for the memory chunks from the current position; MSG_MORE
 * when a file follows, so that a head and its file leave together.
 */
static ssize_t
send_gather(gs_writer_t *w, int fd)
{
    struct iovec iov[IOV_GATHER];
    struct msghdr msg = {.msg_iov = iov};
    size_t n = 0;
    uint32_t i = w->pos;
    int flags = MSG_NOSIGNAL;

    for (; i < w->n && n < IOV_GATHER; i++) {
        const gs_chunk_t *ch = &w->queue[i];
        uint64_t skip = i == w->pos ? w->pos_sent : 0;

        if (ch->type != GS_CHUNK_MEMORY) {
            break;
        }
        iov[n].iov_base = (char *) ch->data + skip;
        iov[n++].iov_len = ch->len - skip;
    }
    if (i < w->n) {
        flags |= MSG_MORE;
    }
    msg.msg_iovlen = n;
    return sendmsg(fd, &msg, flags);
}

int
gs_writer_send(gs_writer_t *w, int fd)
{
    while (w->pos < w->n) {
        const gs_chunk_t *ch = &w->queue[w->pos];
        ssize_t n;

        if (ch->type == GS_CHUNK_MEMORY) {
            n = send_gather(w, fd);
        } else {
            off_t off = (off_t) (ch->offset + w->pos_sent);
            uint64_t left = ch->len - w->pos_sent;

            n = sendfile(fd, ch->fd, &off, left < SENDFILE_MAX ? left : SENDFILE_MAX);
            if (n == 0) {
                return -ENODATA;
            }
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return 0;
            }
            return -errno;
        }
        advance(w, (size_t) n);
    }
    return 1;
}
