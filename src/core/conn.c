/*
 * The life of a connection:
 *
 *   IDLE -> HEADERS -> PROCESSING -> SENDING -> BODY -> IDLE ...
 *                                                  \-> LINGER -> closed
 *
 * llhttp pauses at the end of a request's headers and again at the end of
 * its message, so one llhttp_execute() call never spans two requests.  While
 * headers arrive, they stay in the read buffer (the parser records offsets,
 * not pointers, so the buffer may grow); when they are complete, they are
 * copied into the request pool and the buffer is free to move on.  Parsing
 * resumes only when the response is sent, which keeps pipelined responses
 * in order.  The rest of a request body is read and dropped after the
 * response: a static file needs none of it.
 *
 * A function that may close the connection returns -1 when it did: the
 * caller must not touch the connection after that.
 */
#include "conn.h"
#include "log.h"
#include "server.h"
#include "guise_version.h"

#include <llhttp.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define LINGER_MS        2000
#define LINGER_MAX_BYTES (1u << 20)
#define SENDFILE_MAX     (1u << 20) /* per call, so one big file cannot hog a loop */
#define IOV_MAX_GATHER   16

typedef enum {
    CONN_IDLE,
    CONN_HEADERS,
    CONN_PROCESSING,
    CONN_SENDING,
    CONN_BODY,
    CONN_LINGER,
} conn_state_t;

struct span {
    uint32_t off, len;
};

/* Where the parser put the pieces of a request's head; lives in the request pool. */
struct parse {
    struct span url;
    struct span *fields; /* pairs: name, value */
    uint32_t nfields, cap;
    bool in_value;
    bool url_done;
};

struct gs_conn {
    gs_io_t io; /* first: the epoll data pointer leads here */
    gs_timer_t timer;
    gs_loop_t *loop;
    conn_state_t state;
    bool close_after;   /* close once the response is sent */
    bool broken;        /* the parser failed: never read another request */
    bool want_out;      /* epoll interest is EPOLLOUT */
    bool headers_ready; /* set by llhttp callbacks, read by conn_parse */
    bool message_done;
    bool linger;           /* the client may still be sending: drain before close */
    uint16_t error_status; /* a limit a callback hit */

    llhttp_t parser;
    char *rbuf;
    uint32_t rcap, rlen, rpos;

    gs_pool_t *pool; /* of the request in progress */
    struct parse *parse;
    gs_request_t *req;
    uint64_t body_bytes;
    uint64_t start_ms;

    char *head; /* status line and headers being sent */
    uint32_t head_len, head_sent;
    uint32_t chunk;      /* body chunk being sent */
    uint64_t chunk_sent; /* bytes of it already sent */
    uint32_t lingered;

    gs_sockaddr_t remote, local;
};

static int conn_parse(gs_conn_t *c);
static int conn_send(gs_conn_t *c);
static void conn_close(gs_conn_t *c);
static int conn_fail(gs_conn_t *c, unsigned status);

static inline const gs_options_t *
opts_of(const gs_conn_t *c)
{
    return &c->loop->server->opts;
}

gs_conn_t *
gs_conn_from_timer(gs_timer_t *t)
{
    return gs_container_of(t, gs_conn_t, timer);
}

static void
set_interest(gs_conn_t *c, bool out)
{
    struct epoll_event ev = {.events = out ? EPOLLOUT : EPOLLIN, .data.ptr = &c->io};

    if (c->want_out == out) {
        return;
    }
    if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->io.fd, &ev) != 0) {
        gs_panic("epoll_ctl(MOD) on a connection: %s", strerror(errno));
    }
    c->want_out = out;
}

/* ---- llhttp callbacks: record where things are, decide nothing ---------- */

static void
span_add(gs_conn_t *c, struct span *s, const char *at, size_t len)
{
    uint32_t off = (uint32_t) (at - c->rbuf);

    if (s->len == 0) {
        s->off = off;
    }
    /* Pieces of one element are adjacent: the buffer only grows during a head. */
    s->len += (uint32_t) len;
}

static int
on_message_begin(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->pool = gs_pool_create();
    c->parse = gs_pool_calloc(c->pool, sizeof(*c->parse));
    c->state = CONN_HEADERS;
    c->start_ms = c->loop->now_ms;
    c->body_bytes = 0;
    c->error_status = 0;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_HEADER);
    return 0;
}

static int
on_url(llhttp_t *p, const char *at, size_t len)
{
    gs_conn_t *c = p->data;

    span_add(c, &c->parse->url, at, len);
    return 0;
}

static int
on_url_complete(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->parse->url_done = true;
    return 0;
}

/*
 * Body bytes, and fields after a chunked body (trailers), arrive once the
 * response is sent: they are dropped, but count against the body limit so
 * that they cannot go on forever.
 */
static int
count_body(gs_conn_t *c, size_t len)
{
    c->body_bytes += len;
    if (c->body_bytes > opts_of(c)->max_body_bytes) {
        c->error_status = 413;
        return HPE_USER;
    }
    return 0;
}

static int
on_header_field(llhttp_t *p, const char *at, size_t len)
{
    gs_conn_t *c = p->data;
    struct parse *ps = c->parse;

    if (c->state == CONN_BODY) {
        return count_body(c, len);
    }
    if (ps->nfields == 0 || ps->in_value) {
        if (ps->nfields == opts_of(c)->max_headers) {
            c->error_status = 431;
            return HPE_USER;
        }
        if (ps->nfields == ps->cap) {
            uint32_t cap = ps->cap ? ps->cap * 2 : 16;
            struct span *grown = gs_pool_alloc(c->pool, cap * 2 * sizeof(*grown));

            if (ps->nfields) {
                memcpy(grown, ps->fields, ps->nfields * 2 * sizeof(*grown));
            }
            ps->fields = grown;
            ps->cap = cap;
        }
        memset(&ps->fields[ps->nfields * 2], 0, 2 * sizeof(struct span));
        ps->nfields++;
        ps->in_value = false;
    }
    span_add(c, &ps->fields[(ps->nfields - 1) * 2], at, len);
    return 0;
}

static int
on_header_value(llhttp_t *p, const char *at, size_t len)
{
    gs_conn_t *c = p->data;
    struct parse *ps = c->parse;

    if (c->state == CONN_BODY) {
        return count_body(c, len);
    }
    ps->in_value = true;
    span_add(c, &ps->fields[(ps->nfields - 1) * 2 + 1], at, len);
    return 0;
}

static int
on_headers_complete(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->headers_ready = true;
    return HPE_PAUSED;
}

static int
on_body(llhttp_t *p, const char *at, size_t len)
{
    (void) at;
    return count_body(p->data, len);
}

static int
on_message_complete(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->message_done = true;
    return HPE_PAUSED;
}

static const llhttp_settings_t parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_url_complete = on_url_complete,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* ---- building the request ------------------------------------------------ */

static gs_request_t *
new_request(gs_conn_t *c)
{
    gs_request_t *req = gs_pool_calloc(c->pool, sizeof(*req));

    req->pool = c->pool;
    req->conn = c;
    req->method = -1;
    req->method_name = "-";
    req->target = "-";
    req->path = "-";
    req->path_len = 1;
    memset(req->known, 0xff, sizeof(req->known));
    req->local = &c->local;
    req->remote = &c->remote;
    req->start_ms = c->start_ms;
    req->start_time = c->loop->now_sec;
    req->rsp.status = 200;
    req->rsp.content_length = -1;
    return req;
}

/*
 * Splits the request-target into path and query.  The absolute form
 * ("http://host/path") is accepted as RFC 9112 requires; its authority is
 * not used for routing.
 */
static int
split_target(gs_request_t *req)
{
    const char *t = req->target, *q;
    size_t n = strlen(t);

    if (n == 1 && t[0] == '*') {
        req->path = t;
        req->path_len = 1;
        return 0;
    }
    if (t[0] != '/') {
        const char *scheme_end = strstr(t, "://");

        if (scheme_end == NULL) {
            return -1;
        }
        t = strchr(scheme_end + 3, '/');
        if (t == NULL) {
            t = "/";
        }
        n = strlen(t);
    }
    q = memchr(t, '?', n);
    req->path = t;
    req->path_len = q ? (size_t) (q - t) : n;
    if (q != NULL) {
        req->query = q + 1;
        req->query_len = n - req->path_len - 1;
    }
    return 0;
}

static gs_request_t *
build_request(gs_conn_t *c, unsigned *status)
{
    gs_request_t *req = new_request(c);
    struct parse *ps = c->parse;
    llhttp_t *p = &c->parser;

    req->method = llhttp_get_method(p);
    req->method_name = llhttp_method_name(p->method);
    req->target = gs_pool_strndup(c->pool, c->rbuf + ps->url.off, ps->url.len);
    req->http_major = llhttp_get_http_major(p);
    req->http_minor = llhttp_get_http_minor(p);
    for (uint32_t i = 0; i < ps->nfields; i++) {
        const struct span *name = &ps->fields[i * 2], *value = &ps->fields[i * 2 + 1];
        uint32_t vlen = value->len;

        /* llhttp leaves trailing whitespace in a value: OWS is not part of it. */
        while (vlen > 0
               && (c->rbuf[value->off + vlen - 1] == ' ' || c->rbuf[value->off + vlen - 1] == '\t'))
        {
            vlen--;
        }
        gs_request_add_header(req, c->rbuf + name->off, name->len, c->rbuf + value->off, vlen);
    }
    req->keep_alive = llhttp_should_keep_alive(p) != 0;
    req->chunked = (p->flags & F_CHUNKED) != 0;
    req->has_length = (p->flags & F_CONTENT_LENGTH) != 0;
    req->content_length = req->has_length ? p->content_length : 0;

    *status = 0;
    if (req->http_major != 1 || req->http_minor > 1) {
        *status = 505;
    } else if (req->method == HTTP_CONNECT) {
        *status = 501; /* no tunnels: an origin server, not a proxy */
    } else if (split_target(req) != 0) {
        *status = 400;
    } else if ((p->flags & F_TRANSFER_ENCODING) && !req->chunked) {
        *status = 400; /* RFC 9112 6.3: no way to tell where the body ends */
    } else if (req->http_minor == 1 && req->known[GS_HREQ_HOST] < 0) {
        *status = 400; /* RFC 9112 3.2: a 1.1 request without Host */
    } else if (req->content_length > opts_of(c)->max_body_bytes) {
        *status = 413;
    }
    /* A second Host header is as bad as none: which one would route? */
    if (*status == 0 && req->known[GS_HREQ_HOST] >= 0) {
        for (uint32_t i = (uint32_t) req->known[GS_HREQ_HOST] + 1; i < req->nheaders; i++) {
            if (req->headers[i].id == GS_HREQ_HOST) {
                *status = 400;
            }
        }
    }
    return req;
}

/* ---- sending ------------------------------------------------------------- */

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

/* Headers that framing owns: a handler's copy would contradict the core's. */
static bool
framing_header(const gs_header_t *h)
{
    return h->id == GS_H_CONTENT_LENGTH || h->id == GS_H_CONNECTION
           || h->id == GS_H_TRANSFER_ENCODING || h->id == GS_H_KEEP_ALIVE;
}

static void
build_head(gs_conn_t *c)
{
    static const char server_line[] = "Server: " GUISE_SERVER_HEADER "\r\n";
    gs_request_t *req = c->req;
    gs_response_t *rsp = &req->rsp;
    const char *reason = rsp->reason ? rsp->reason : gs_status_reason(rsp->status);
    size_t reason_len = strlen(reason), size;
    bool has_server = false, has_date = false, keep_alive_10;
    char *p;

    keep_alive_10 = !c->close_after && req->http_minor == 0;
    size = 16 + reason_len + sizeof(server_line) + 8 + GS_HTTP_DATE_LEN + 40 + 30;
    for (uint32_t i = 0; i < rsp->nheaders; i++) {
        size += rsp->headers[i].name_len + rsp->headers[i].value_len + 4;
    }
    c->head = p = gs_pool_alloc(c->pool, size);

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
        p = put(p, c->loop->date, GS_HTTP_DATE_LEN);
        p = put(p, "\r\n", 2);
    }
    if (!body_forbidden(rsp->status)) {
        p = put(p, "Content-Length: ", 16);
        p = put_u64(p, gs_response_body_length(rsp));
        p = put(p, "\r\n", 2);
    }
    if (c->close_after) {
        p = put(p, "Connection: close\r\n", 19);
    } else if (keep_alive_10) {
        p = put(p, "Connection: keep-alive\r\n", 24);
    }
    p = put(p, "\r\n", 2);
    c->head_len = (uint32_t) (p - c->head);
    c->head_sent = 0;
    c->chunk = 0;
    c->chunk_sent = 0;
    if (rsp->no_body || body_forbidden(rsp->status)) {
        rsp->nchunks = 0;
    }
}

/* Moves the send position forward by n bytes over the head and memory chunks. */
static void
advance(gs_conn_t *c, size_t n)
{
    const gs_response_t *rsp = &c->req->rsp;
    size_t in_head = c->head_len - c->head_sent;

    if (n <= in_head) {
        c->head_sent += (uint32_t) n;
        return;
    }
    c->head_sent = c->head_len;
    n -= in_head;
    while (n > 0 && c->chunk < rsp->nchunks) {
        uint64_t left = rsp->chunks[c->chunk].len - c->chunk_sent;

        if (n < left) {
            c->chunk_sent += n;
            return;
        }
        n -= left;
        c->chunk++;
        c->chunk_sent = 0;
    }
}

static void
skip_empty_chunks(gs_conn_t *c)
{
    const gs_response_t *rsp = &c->req->rsp;

    while (c->chunk < rsp->nchunks && rsp->chunks[c->chunk].len == c->chunk_sent) {
        c->chunk++;
        c->chunk_sent = 0;
    }
}

/*
 * One sendmsg() for the rest of the head and the memory chunks that follow
 * it; MSG_MORE when a file follows, so that head and file leave together.
 */
static ssize_t
send_gather(gs_conn_t *c)
{
    const gs_response_t *rsp = &c->req->rsp;
    struct iovec iov[IOV_MAX_GATHER];
    struct msghdr msg = {.msg_iov = iov};
    size_t n = 0;
    uint32_t i = c->chunk;
    int flags = MSG_NOSIGNAL;

    if (c->head_sent < c->head_len) {
        iov[n].iov_base = c->head + c->head_sent;
        iov[n++].iov_len = c->head_len - c->head_sent;
    }
    for (; i < rsp->nchunks && n < IOV_MAX_GATHER; i++) {
        const gs_chunk_t *ch = &rsp->chunks[i];
        uint64_t skip = i == c->chunk ? c->chunk_sent : 0;

        if (ch->type != GS_CHUNK_MEMORY) {
            break;
        }
        iov[n].iov_base = (char *) ch->data + skip;
        iov[n++].iov_len = ch->len - skip;
    }
    if (i < rsp->nchunks) {
        flags |= MSG_MORE;
    }
    msg.msg_iovlen = n;
    return sendmsg(c->io.fd, &msg, flags);
}

static void
response_sent(gs_conn_t *c)
{
    gs_server_t *s = c->loop->server;

    c->req->end_ms = c->loop->now_ms;
    c->req->end_time = c->loop->now_sec;
    s->handler.done(s->handler.ctx, c->req);
    c->req = NULL;
    c->parse = NULL;
    gs_pool_destroy(c->pool);
    c->pool = NULL;
}

/* Closes, after lingering if the client may still be sending. */
static void
conn_finish(gs_conn_t *c)
{
    bool unread = c->linger || c->rpos < c->rlen;

    if (!unread || shutdown(c->io.fd, SHUT_WR) != 0) {
        conn_close(c);
        return;
    }
    set_interest(c, false);
    c->state = CONN_LINGER;
    c->lingered = 0;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_LINGER);
}

/* Sends what it can; on completion moves on to the next request. */
static int
conn_send(gs_conn_t *c)
{
    const gs_response_t *rsp = &c->req->rsp;

    for (;;) {
        ssize_t n;

        skip_empty_chunks(c);
        if (c->head_sent == c->head_len && c->chunk == rsp->nchunks) {
            break;
        }
        if (c->head_sent < c->head_len || rsp->chunks[c->chunk].type == GS_CHUNK_MEMORY) {
            n = send_gather(c);
        } else {
            const gs_chunk_t *ch = &rsp->chunks[c->chunk];
            off_t off = (off_t) (ch->offset + c->chunk_sent);
            uint64_t left = ch->len - c->chunk_sent;

            n = sendfile(c->io.fd, ch->fd, &off, left < SENDFILE_MAX ? left : SENDFILE_MAX);
            if (n == 0) {
                /* The file shrank under us: the promised length cannot be kept. */
                gs_log_warn("file shorter than its response length; closing connection");
                conn_close(c);
                return -1;
            }
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                set_interest(c, true);
                c->state = CONN_SENDING;
                gs_timer_set(c->loop, &c->timer, GS_TIMER_SEND);
                return 0;
            }
            gs_log_debug("send: %s", strerror(errno));
            c->req->rsp.win32_status = 1236; /* ERROR_CONNECTION_ABORTED */
            conn_close(c);
            return -1;
        }
        advance(c, (size_t) n);
    }

    set_interest(c, false);
    response_sent(c);
    if (c->close_after) {
        conn_finish(c);
        return -1;
    }
    c->state = CONN_BODY;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_BODY);
    return 0;
}

static void
start_response(gs_conn_t *c)
{
    const gs_request_t *req = c->req;
    bool body_left = !c->message_done && (req->chunked || req->content_length > 0);

    /*
     * A client that asked for 100-continue may never send the body we did
     * not ask for, so waiting to drop it could hang: close instead.
     */
    if (body_left && gs_request_known(req, GS_HREQ_EXPECT) != NULL) {
        c->close_after = true;
    }
    c->linger = c->linger || body_left;
    if (!req->keep_alive || req->rsp.close || c->broken || c->loop->draining) {
        c->close_after = true;
    }
    if (req->method == HTTP_HEAD) {
        c->req->rsp.no_body = true;
    }
    build_head(c);
    c->state = CONN_SENDING;
}

static int
conn_headers_complete(gs_conn_t *c)
{
    gs_server_t *s = c->loop->server;
    unsigned status;

    c->req = build_request(c, &status);
    c->state = CONN_PROCESSING;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_PROCESSING);
    if (status != 0) {
        gs_response_error(&c->req->rsp, c->pool, status, 0, 0);
        c->close_after = true;
        c->broken = true;
    } else {
        s->handler.handle(s->handler.ctx, c->req);
    }
    start_response(c);
    return conn_send(c);
}

/*
 * The answer to a request the parser could not finish.  What was parsed is
 * kept for the log.  The connection closes after it.
 */
static int
conn_fail(gs_conn_t *c, unsigned status)
{
    if (c->pool == NULL) {
        c->pool = gs_pool_create();
        c->start_ms = c->loop->now_ms;
    }
    c->req = new_request(c);
    if (c->parse != NULL && c->parse->url_done) {
        c->req->method_name = llhttp_method_name(c->parser.method);
        c->req->target = gs_pool_strndup(c->pool, c->rbuf + c->parse->url.off, c->parse->url.len);
        split_target(c->req);
    }
    gs_response_error(&c->req->rsp, c->pool, status, 0, 0);
    c->close_after = true;
    c->broken = true;
    c->linger = true; /* the rest of what it sent is unread */
    start_response(c);
    return conn_send(c);
}

/* A method token llhttp does not know is 501; bytes that are no token are 400. */
static unsigned
status_for_parse_error(gs_conn_t *c, llhttp_errno_t err)
{
    if (c->error_status != 0) {
        return c->error_status;
    }
    if (err == HPE_INVALID_METHOD) {
        static const char tchar[] = "!#$%&'*+-.^_`|~";
        uint32_t i = 0;

        while (i < c->rlen && (c->rbuf[i] == '\r' || c->rbuf[i] == '\n')) {
            i++;
        }
        for (uint32_t start = i; i < c->rlen; i++) {
            char ch = c->rbuf[i];

            if (ch == ' ' && i > start) {
                return 501;
            }
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                  || (ch != '\0' && strchr(tchar, ch) != NULL)))
            {
                break;
            }
        }
        return 400;
    }
    if (err == HPE_INVALID_VERSION) {
        return 505;
    }
    return 400;
}

/*
 * A head over the limit: 414 when the request line alone is (the URL ends
 * past the limit, or has not ended yet), else 431.  The head starts at
 * offset 0: the buffer is compacted at every message end.
 */
static unsigned
head_too_large_status(const gs_conn_t *c)
{
    const struct parse *ps = c->parse;

    if (ps == NULL || !ps->url_done || ps->url.off + ps->url.len > opts_of(c)->max_header_bytes) {
        return 414;
    }
    return 431;
}

/* The end of a request message: back to idle, the buffer compacted for the next one. */
static void
message_complete(gs_conn_t *c)
{
    c->message_done = false;
    c->linger = false;
    if (c->rpos > 0) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
    }
    c->state = CONN_IDLE;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_IDLE);
}

/*
 * Feeds buffered input to llhttp until it wants more, a response blocks, or
 * the connection ends.  In BODY state it runs even without input: a request
 * without a body completes only when llhttp is given the chance to say so.
 */
static int
conn_parse(gs_conn_t *c)
{
    for (;;) {
        const char *start;
        llhttp_errno_t err;

        if (c->state != CONN_IDLE && c->state != CONN_HEADERS && c->state != CONN_BODY) {
            break;
        }
        if (c->rpos == c->rlen && c->state != CONN_BODY) {
            break;
        }
        start = c->rbuf + c->rpos;
        err = llhttp_execute(&c->parser, start, c->rlen - c->rpos);
        c->rpos = err == HPE_OK ? c->rlen : (uint32_t) (llhttp_get_error_pos(&c->parser) - c->rbuf);
        if (c->state == CONN_HEADERS && c->rpos > opts_of(c)->max_header_bytes) {
            return conn_fail(c, head_too_large_status(c));
        }
        if (err == HPE_OK) {
            break;
        }
        if (err == HPE_PAUSED_UPGRADE) {
            /* No protocol switch was offered, so HTTP/1.1 goes on. */
            llhttp_resume_after_upgrade(&c->parser);
        } else if (err == HPE_PAUSED) {
            llhttp_resume(&c->parser);
        } else if (c->state == CONN_BODY) {
            /* Its response is sent: a bad or oversized body just ends the connection. */
            gs_log_debug("request body: %s", llhttp_errno_name(err));
            conn_close(c);
            return -1;
        } else {
            return conn_fail(c, status_for_parse_error(c, err));
        }
        if (c->headers_ready) {
            c->headers_ready = false;
            if (conn_headers_complete(c) != 0) {
                return -1;
            }
        } else if (c->message_done) {
            message_complete(c);
        }
    }
    if (c->rpos == c->rlen && (c->state == CONN_IDLE || c->state == CONN_BODY)) {
        c->rpos = c->rlen = 0;
        if (c->state == CONN_IDLE && c->rbuf != NULL) {
            /* An idle connection holds no buffer: 10,000 of them cost little. */
            if (c->rcap == GS_READ_BUFFER) {
                gs_loop_put_buffer(c->loop, c->rbuf);
            } else {
                free(c->rbuf);
            }
            c->rbuf = NULL;
            c->rcap = 0;
        }
        if (c->state == CONN_IDLE && c->loop->draining) {
            conn_close(c);
            return -1;
        }
    }
    return 0;
}

/* Makes room for input; -1 (and the answer sent) when a request head is too big. */
static int
make_room(gs_conn_t *c)
{
    unsigned max = opts_of(c)->max_header_bytes;

    if (c->rbuf == NULL) {
        c->rbuf = gs_loop_get_buffer(c->loop);
        c->rcap = GS_READ_BUFFER;
    }
    if (c->rlen < c->rcap) {
        return 0;
    }
    if (c->state == CONN_HEADERS && c->rcap < max) {
        uint32_t cap = c->rcap * 2 < max ? c->rcap * 2 : max;

        if (c->rcap == GS_READ_BUFFER) {
            char *grown = gs_xmalloc(cap);

            memcpy(grown, c->rbuf, c->rlen);
            gs_loop_put_buffer(c->loop, c->rbuf);
            c->rbuf = grown;
        } else {
            c->rbuf = gs_xrealloc(c->rbuf, cap);
        }
        c->rcap = cap;
        return 0;
    }
    /* The buffer holds one request head from offset 0: it is too long. */
    conn_fail(c, head_too_large_status(c));
    return -1;
}

static int
conn_read(gs_conn_t *c)
{
    ssize_t n;

    if (make_room(c) != 0) {
        return -1;
    }
    n = recv(c->io.fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
    if (n > 0) {
        c->rlen += (uint32_t) n;
        return conn_parse(c);
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    /* End of input or an error: a request half received is abandoned. */
    conn_close(c);
    return -1;
}

static void
conn_discard(gs_conn_t *c)
{
    char scratch[16384];
    ssize_t n;

    while ((n = recv(c->io.fd, scratch, sizeof(scratch), 0)) > 0) {
        c->lingered += (uint32_t) n;
        if (c->lingered > LINGER_MAX_BYTES) {
            break;
        }
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    conn_close(c);
}

void
gs_conn_event(gs_conn_t *c, uint32_t events)
{
    switch (c->state) {
    case CONN_SENDING:
        if (conn_send(c) == 0 && c->state == CONN_BODY) {
            conn_parse(c);
        }
        break;
    case CONN_LINGER:
        conn_discard(c);
        break;
    case CONN_PROCESSING:
        break;
    default:
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            conn_read(c);
        }
        break;
    }
}

void
gs_conn_timeout(gs_conn_t *c)
{
    switch (c->state) {
    case CONN_HEADERS:
        gs_log_debug("request headers not received in time: 408");
        conn_fail(c, 408);
        break;
    default:
        conn_close(c);
        break;
    }
}

void
gs_conn_drain(gs_conn_t *c)
{
    if (c->state == CONN_IDLE) {
        conn_close(c);
    } else {
        c->close_after = true;
    }
}

void
gs_conn_abort(gs_conn_t *c)
{
    conn_close(c);
}

static void
conn_close(gs_conn_t *c)
{
    gs_loop_t *loop = c->loop;

    gs_timer_unlink(&c->timer);
    if (c->req != NULL) {
        /* The response never completed: log it as aborted. */
        if (c->req->rsp.win32_status == 0) {
            c->req->rsp.win32_status = 1236; /* ERROR_CONNECTION_ABORTED */
        }
        response_sent(c);
    }
    gs_pool_destroy(c->pool);
    close(c->io.fd);
    if (c->rbuf != NULL) {
        if (c->rcap == GS_READ_BUFFER) {
            gs_loop_put_buffer(loop, c->rbuf);
        } else {
            free(c->rbuf);
        }
    }
    loop->nconns--;
    free(c);
}

void
gs_conn_accept(gs_loop_t *loop, const gs_listener_t *l, int fd, const gs_sockaddr_t *remote)
{
    gs_conn_t *c = gs_xcalloc(1, sizeof(*c));
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c->io};
    socklen_t len = sizeof(c->local);

    c->io.type = GS_IO_CONN;
    c->io.fd = fd;
    c->loop = loop;
    c->remote = *remote;
    if (!l->wildcard || getsockname(fd, &c->local.sa, &len) != 0) {
        c->local = l->local;
    }
    llhttp_init(&c->parser, HTTP_REQUEST, &parser_settings);
    c->parser.data = c;
    c->timer.prev = c->timer.next = &c->timer;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        gs_log_error("epoll_ctl(ADD): %s", strerror(errno));
        close(fd);
        free(c);
        return;
    }
    loop->nconns++;
    c->state = CONN_IDLE;
    gs_timer_set(loop, &c->timer, GS_TIMER_IDLE);
}
