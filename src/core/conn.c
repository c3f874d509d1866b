/*
 * The life of a connection:
 *
 *   IDLE -> HEADERS -> PIPELINE [-> SENDING] -> BODY -> IDLE ...
 *                                      \-> CLOSING -> LINGER -> closed
 *
 * llhttp pauses at the end of a request's head and again at the end of its
 * message, so one llhttp_execute() call never spans two requests.  While a
 * head arrives it stays in the read buffer (the parser records offsets, not
 * pointers, so the buffer may grow); once complete it is copied into the
 * request pool.  Parsing of the next request resumes only when the pipeline
 * has finished the current one, which keeps pipelined responses in order.
 * What the pipeline did not read of a request body is read and dropped
 * after its response (BODY).
 *
 * Ownership: while a request is in the pipeline (c->req set) the connection
 * is never freed.  A failure then closes the socket and leaves a "zombie"
 * that swallows output until the pipeline finishes the request, which frees
 * it.  A function that may free the connection returns -1 when it did: the
 * caller must not touch it after that.  Re-entry: handle() runs inside
 * conn_parse(); what the pipeline calls back (finish) only records state
 * while c->busy is set, and the function that set it acts on that state
 * when the pipeline returns.
 */
#include "conn.h"
#include "log.h"
#include "request_head.h"
#include "response_writer.h"
#include "server.h"

#include <llhttp.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINGER_MAX_BYTES (1u << 20)
#define BODY_BUFFER      16384

typedef enum {
    CONN_IDLE,     /* between requests, nothing of the next one yet */
    CONN_HEADERS,  /* a request head is arriving */
    CONN_PIPELINE, /* the pipeline has the request */
    CONN_SENDING,  /* its final response waits for the socket */
    CONN_BODY,     /* the request is over; dropping the rest of its body */
    CONN_CLOSING,  /* the request is over and the connection must close */
    CONN_LINGER,   /* write side shut; draining what the client still sends */
} conn_state_t;

struct gs_conn {
    gs_io_t io; /* first: the epoll data pointer leads here */
    gs_timer_t timer;
    gs_loop_t *loop;
    conn_state_t state;
    uint32_t interest;  /* epoll events asked for */
    bool close_after;   /* close once the response is sent */
    bool broken;        /* the parser failed: never read another request */
    bool zombie;        /* the socket is closed; the pipeline still has the request */
    bool refused;       /* the core answered the request itself */
    bool busy;          /* conn_parse() or fail_now() is on the stack: defer closing */
    bool headers_ready; /* set by llhttp callbacks, read by conn_parse */
    bool message_done;
    bool capture;          /* body bytes go to the pipeline, not to the floor */
    bool body_wait;        /* the pipeline waits for body bytes */
    bool continue_sent;    /* "100 Continue" went out */
    bool linger;           /* the client may still be sending: drain before close */
    uint16_t error_status; /* a limit a callback hit */

    llhttp_t parser;
    char *rbuf;
    uint32_t rcap, rlen, rpos;

    gs_pool_t *pool; /* of the request in progress */
    gs_head_spans_t *spans;
    gs_request_t *req;
    gs_writer_t writer;
    uint64_t body_bytes; /* of the current request, against the limit */
    uint64_t body_read;  /* given to the pipeline */
    char *body;          /* captured body bytes not yet read by the pipeline */
    uint32_t body_len, body_pos;
    uint64_t start_ms;
    uint32_t lingered;

    void *ext; /* the pipeline's per-connection state */
    void (*ext_release)(void *ext);

    gs_sockaddr_t remote, local;
};

static int conn_parse(gs_conn_t *c);
static int conn_close(gs_conn_t *c);
static void conn_fail(gs_conn_t *c, unsigned status);

static inline const gs_options_t *
opts_of(const gs_conn_t *c)
{
    return &c->loop->server->opts;
}

static inline const gs_handler_t *
handler_of(const gs_conn_t *c)
{
    return &c->loop->server->handler;
}

gs_conn_t *
gs_conn_from_timer(gs_timer_t *t)
{
    return gs_container_of(t, gs_conn_t, timer);
}

static void
set_interest(gs_conn_t *c, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = &c->io};

    if (c->interest == events || c->zombie) {
        return;
    }
    if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, c->io.fd, &ev) != 0) {
        gs_panic("epoll_ctl(MOD) on a connection: %s", strerror(errno));
    }
    c->interest = events;
}

/* What a request in the pipeline waits for: output to drain, body bytes to arrive. */
static void
pipeline_interest(gs_conn_t *c)
{
    set_interest(c, (gs_writer_idle(&c->writer) ? 0 : EPOLLOUT) | (c->body_wait ? EPOLLIN : 0));
}

/* ---- llhttp callbacks: record where things are, decide nothing ---------- */

/*
 * Pieces of one element arrive adjacent in the buffer (it only grows during
 * a head).  The exception is a folded header line (obs-fold): llhttp hands
 * its continuation over as a second, distant piece.  RFC 9112 5.2 lets a
 * server refuse it, and guise does (400): a folded Transfer-Encoding or
 * Content-Length must never frame a body.
 */
static bool
span_add(gs_conn_t *c, gs_span_t *s, const char *at, size_t len)
{
    uint32_t off = (uint32_t) (at - c->rbuf);

    if (s->len == 0) {
        s->off = off;
    } else if (off != s->off + s->len) {
        c->error_status = 400;
        return false;
    }
    s->len += (uint32_t) len;
    return true;
}

static int
on_message_begin(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->pool = gs_pool_create();
    c->spans = gs_pool_calloc(c->pool, sizeof(*c->spans));
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

    return span_add(c, &c->spans->url, at, len) ? 0 : HPE_USER;
}

static int
on_url_complete(llhttp_t *p)
{
    gs_conn_t *c = p->data;

    c->spans->url_done = true;
    return 0;
}

/*
 * Body bytes, and fields after a chunked body (trailers), count against the
 * body limit; trailers are dropped, so they cannot go on forever.
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

static bool
in_trailers(const gs_conn_t *c)
{
    return c->state != CONN_HEADERS;
}

static int
on_header_field(llhttp_t *p, const char *at, size_t len)
{
    gs_conn_t *c = p->data;
    gs_head_spans_t *s = c->spans;

    if (in_trailers(c)) {
        return count_body(c, len);
    }
    if (s->nfields == 0 || s->in_value) {
        if (s->nfields == opts_of(c)->max_headers) {
            c->error_status = 431;
            return HPE_USER;
        }
        if (s->nfields == s->cap) {
            uint32_t cap = s->cap ? s->cap * 2 : 16;
            gs_span_t *grown = gs_pool_alloc(c->pool, cap * 2 * sizeof(*grown));

            if (s->nfields) {
                memcpy(grown, s->fields, s->nfields * 2 * sizeof(*grown));
            }
            s->fields = grown;
            s->cap = cap;
        }
        memset(&s->fields[s->nfields * 2], 0, 2 * sizeof(gs_span_t));
        s->nfields++;
        s->in_value = false;
    }
    return span_add(c, &s->fields[(s->nfields - 1) * 2], at, len) ? 0 : HPE_USER;
}

static int
on_header_value(llhttp_t *p, const char *at, size_t len)
{
    gs_conn_t *c = p->data;
    gs_head_spans_t *s = c->spans;

    if (in_trailers(c)) {
        return count_body(c, len);
    }
    gs_span_t *name = &s->fields[(s->nfields - 1) * 2], *value = name + 1;

    /* A value that starts on a folded line (after "Name:" CRLF SP) is folded too. */
    if (value->len == 0 && len > 0
        && memchr(c->rbuf + name->off + name->len, '\n',
                  (size_t) (at - (c->rbuf + name->off + name->len)))
               != NULL)
    {
        c->error_status = 400;
        return HPE_USER;
    }
    s->in_value = true;
    return span_add(c, value, at, len) ? 0 : HPE_USER;
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
    gs_conn_t *c = p->data;

    if (count_body(c, len) != 0) {
        return HPE_USER;
    }
    if (c->capture) {
        /* Fits: the input fed to llhttp was cut to the room left (read_body). */
        memcpy(c->body + c->body_len, at, len);
        c->body_len += (uint32_t) len;
    }
    return 0;
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

/*
 * Runs llhttp over n buffered bytes.  Returns the llhttp result with the
 * pause resumed (HPE_PAUSED tells the caller that a callback paused it).
 */
static llhttp_errno_t
execute(gs_conn_t *c, uint32_t n)
{
    const char *start = c->rbuf + c->rpos;
    llhttp_errno_t err = llhttp_execute(&c->parser, start, n);

    c->rpos = err == HPE_OK ? c->rpos + n : (uint32_t) (llhttp_get_error_pos(&c->parser) - c->rbuf);
    if (err == HPE_PAUSED_UPGRADE) {
        /* No protocol switch was offered, so HTTP/1.1 goes on. */
        llhttp_resume_after_upgrade(&c->parser);
        err = HPE_PAUSED;
    } else if (err == HPE_PAUSED) {
        llhttp_resume(&c->parser);
    }
    return err;
}

/* ---- memory ---------------------------------------------------------------- */

static void
release_buffer(gs_conn_t *c)
{
    if (c->rbuf == NULL) {
        return;
    }
    if (c->rcap == GS_READ_BUFFER) {
        gs_loop_put_buffer(c->loop, c->rbuf);
    } else {
        free(c->rbuf);
    }
    c->rbuf = NULL;
    c->rcap = c->rlen = c->rpos = 0;
}

/* Moves unparsed input to the front: only between heads (nothing points into it). */
static void
compact(gs_conn_t *c)
{
    if (c->rpos > 0) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
    }
}

static void
conn_free(gs_conn_t *c)
{
    gs_loop_t *loop = c->loop;

    gs_timer_unlink(&c->timer);
    gs_pool_destroy(c->pool);
    if (c->ext_release != NULL) {
        c->ext_release(c->ext);
    }
    if (c->io.fd >= 0) {
        close(c->io.fd);
    }
    release_buffer(c);
    loop->nconns--;
    free(c);
}

/* The socket goes; the pipeline keeps its request until it finishes it. */
static void
make_zombie(gs_conn_t *c)
{
    if (c->zombie) {
        return;
    }
    gs_timer_unlink(&c->timer);
    close(c->io.fd);
    c->io.fd = -1;
    c->zombie = true;
    if (c->req->rsp.win32_status == 0) {
        c->req->rsp.win32_status = 1236; /* ERROR_CONNECTION_ABORTED */
    }
}

/* Tells the pipeline that its final response is over (sent, or never will be). */
static void
final_sent(gs_conn_t *c)
{
    gs_request_t *req = c->req;

    req->end_ms = c->loop->now_ms;
    req->end_time = c->loop->now_sec;
    if (c->refused) {
        handler_of(c)->refused(handler_of(c)->ctx, req);
    } else {
        handler_of(c)->sent(handler_of(c)->ctx, req);
    }
}

/* Closes; a request in the pipeline turns the connection into a zombie. */
static int
conn_close(gs_conn_t *c)
{
    if (c->req == NULL) {
        conn_free(c);
        return -1;
    }
    make_zombie(c);
    if (c->state == CONN_SENDING) {
        /* The pipeline waits for this response: it is over. */
        c->state = CONN_PIPELINE;
        final_sent(c);
    }
    return -1;
}

/* Closes after lingering if the client may still be sending. */
static void
conn_linger_close(gs_conn_t *c)
{
    bool unread = c->linger || c->rpos < c->rlen;

    if (!unread || shutdown(c->io.fd, SHUT_WR) != 0) {
        conn_free(c);
        return;
    }
    set_interest(c, EPOLLIN);
    c->state = CONN_LINGER;
    c->lingered = 0;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_LINGER);
}

/* ---- the pipeline's side ------------------------------------------------- */

gs_loop_t *
gs_conn_loop(const gs_request_t *req)
{
    return req->conn->loop;
}

bool
gs_conn_headers_sent(const gs_request_t *req)
{
    return req->conn->writer.started;
}

bool
gs_conn_alive(const gs_request_t *req)
{
    return !req->conn->zombie;
}

void *
gs_conn_extension(const gs_request_t *req)
{
    return req->conn->ext;
}

void
gs_conn_set_extension(gs_request_t *req, void *data, void (*release)(void *data))
{
    req->conn->ext = data;
    req->conn->ext_release = release;
}

/* Decides, before the head is written, whether the connection survives the response. */
static void
decide_close(gs_conn_t *c)
{
    const gs_request_t *req = c->req;
    bool body_left = !c->message_done && (req->chunked || req->content_length > c->body_read);

    /*
     * A client that asked for 100-continue may never send the body nobody
     * read, so waiting to drop it could hang: close instead.
     */
    if (body_left && !c->continue_sent && gs_request_known(req, GS_HREQ_EXPECT) != NULL) {
        c->close_after = true;
    }
    c->linger = c->linger || body_left;
    if (!req->keep_alive || req->rsp.close || c->broken || c->loop->draining) {
        c->close_after = true;
    }
    if (req->method == HTTP_HEAD) {
        c->req->rsp.no_body = true;
    }
}

gs_send_result_t
gs_conn_send(gs_request_t *req, bool final)
{
    gs_conn_t *c = req->conn;
    int rc;

    if (c->zombie) {
        req->rsp.nchunks = 0;
        return GS_SEND_DONE;
    }
    if (!c->writer.started) {
        decide_close(c);
    }
    gs_writer_queue(&c->writer, req, c->loop->date, &c->close_after, final);
    rc = gs_writer_send(&c->writer, c->io.fd);
    if (rc == 1) {
        if (c->interest & EPOLLOUT) {
            pipeline_interest(c);
            gs_timer_set(c->loop, &c->timer, GS_TIMER_PROCESSING);
        }
        return GS_SEND_DONE;
    }
    if (rc < 0) {
        gs_log_debug("send: %s", strerror(-rc));
        make_zombie(c);
        return GS_SEND_DONE;
    }
    pipeline_interest(c);
    gs_timer_set(c->loop, &c->timer, GS_TIMER_SEND);
    if (final) {
        c->state = CONN_SENDING;
        return GS_SEND_PENDING;
    }
    return GS_SEND_PENDING;
}

/* The socket took more output: continue, and tell the pipeline when a final response is out. */
static int
conn_writable(gs_conn_t *c)
{
    int rc = gs_writer_send(&c->writer, c->io.fd);

    if (rc == 0) {
        gs_timer_set(c->loop, &c->timer, GS_TIMER_SEND);
        return 0;
    }
    if (rc < 0) {
        gs_log_debug("send: %s", strerror(-rc));
        return conn_close(c);
    }
    gs_timer_set(c->loop, &c->timer, GS_TIMER_PROCESSING);
    pipeline_interest(c);
    if (c->state == CONN_SENDING) {
        c->state = CONN_PIPELINE;
        final_sent(c); /* may free the connection */
        return -1;
    }
    return 0;
}

/* After the request: on to the next one, or close.  May free the connection. */
static int
conn_continue(gs_conn_t *c)
{
    if (c->state == CONN_CLOSING) {
        if (c->zombie) {
            conn_free(c);
        } else {
            conn_linger_close(c);
        }
        return -1;
    }
    return conn_parse(c);
}

static void
message_complete(gs_conn_t *c)
{
    c->message_done = false;
    c->linger = false;
    compact(c);
    c->state = CONN_IDLE;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_IDLE);
}

void
gs_conn_finish_request(gs_request_t *req)
{
    gs_conn_t *c = req->conn;

    c->req = NULL;
    c->spans = NULL;
    c->body = NULL;
    c->body_len = c->body_pos = 0;
    c->body_read = 0;
    c->capture = false;
    c->body_wait = false;
    c->continue_sent = false;
    c->refused = false;
    memset(&c->writer, 0, sizeof(c->writer));
    gs_pool_destroy(c->pool);
    c->pool = NULL;

    if (c->zombie || c->close_after) {
        c->state = CONN_CLOSING;
    } else {
        set_interest(c, EPOLLIN);
        if (c->message_done) {
            message_complete(c);
        } else {
            c->state = CONN_BODY;
            gs_timer_set(c->loop, &c->timer, GS_TIMER_BODY);
        }
    }
    if (!c->busy) {
        conn_continue(c);
    }
}

/* ---- request bodies for the pipeline -------------------------------------- */

static void
send_continue(gs_conn_t *c)
{
    static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";

    c->continue_sent = true;
    if (c->writer.started || gs_request_known(c->req, GS_HREQ_EXPECT) == NULL) {
        return;
    }
    /* Sent before any response byte, on an empty socket buffer: it goes at once. */
    (void) !send(c->io.fd, line, sizeof(line) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Turns buffered input into body bytes; false on a framing error (the connection is failed). */
static bool
parse_body(gs_conn_t *c)
{
    while (c->rpos < c->rlen && !c->message_done && c->body_len < BODY_BUFFER) {
        uint32_t room = BODY_BUFFER - c->body_len, n = c->rlen - c->rpos;
        llhttp_errno_t err = execute(c, n < room ? n : room);

        if (err != HPE_OK && err != HPE_PAUSED) {
            gs_log_debug("request body: %s", llhttp_errno_name(err));
            c->close_after = true;
            c->broken = true;
            return false;
        }
    }
    if (c->rpos == c->rlen) {
        c->rpos = c->rlen = 0; /* the head is in the pool: the buffer is free */
    }
    return true;
}

ssize_t
gs_conn_read_body(gs_request_t *req, void *buf, size_t cap, bool notify)
{
    gs_conn_t *c = req->conn;

    if (c->zombie || c->broken) {
        return -ECONNRESET;
    }
    if (c->body == NULL) {
        c->body = gs_pool_alloc(c->pool, BODY_BUFFER);
        c->capture = true;
    }
    for (;;) {
        ssize_t n;

        if (c->body_pos < c->body_len) {
            size_t take = c->body_len - c->body_pos < cap ? c->body_len - c->body_pos : cap;

            memcpy(buf, c->body + c->body_pos, take);
            c->body_pos += (uint32_t) take;
            if (c->body_pos == c->body_len) {
                c->body_pos = c->body_len = 0;
            }
            c->body_read += take;
            return (ssize_t) take;
        }
        /* A request without a body (or whose body is all read) ends here, not at a timeout. */
        if (c->message_done || (!req->chunked && req->content_length <= c->body_read)) {
            return 0;
        }
        if (c->rpos < c->rlen) {
            if (!parse_body(c)) {
                return -ECONNRESET;
            }
            continue;
        }
        if (!c->continue_sent) {
            send_continue(c);
        }
        if (c->rbuf == NULL) {
            c->rbuf = gs_loop_get_buffer(c->loop);
            c->rcap = GS_READ_BUFFER;
        }
        n = recv(c->io.fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
        if (n > 0) {
            c->rlen += (uint32_t) n;
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            return -ECONNRESET;
        }
        if (notify && !c->body_wait) {
            c->body_wait = true;
            pipeline_interest(c);
            gs_timer_set(c->loop, &c->timer, GS_TIMER_BODY);
        }
        return -EAGAIN;
    }
}

int
gs_conn_wait_body(gs_request_t *req, int timeout_ms)
{
    gs_conn_t *c = req->conn;
    struct pollfd pfd = {.fd = c->io.fd, .events = POLLIN};
    int rc;

    if (c->zombie) {
        return -ECONNRESET;
    }
    rc = poll(&pfd, 1, timeout_ms);
    return rc < 0 ? -errno : rc;
}

uint64_t
gs_conn_body_remaining(const gs_request_t *req)
{
    const gs_conn_t *c = req->conn;

    if (c->message_done || req->chunked || req->content_length <= c->body_read) {
        return 0;
    }
    return req->content_length - c->body_read;
}

/* ---- requests in and out ------------------------------------------------- */

static void
fill_request(gs_conn_t *c, gs_request_t *req)
{
    req->conn = c;
    req->local = &c->local;
    req->remote = &c->remote;
    req->start_ms = c->start_ms;
    req->start_time = c->loop->now_sec;
    c->req = req;
    c->state = CONN_PIPELINE;
    gs_timer_set(c->loop, &c->timer, GS_TIMER_PROCESSING);
}

/* Sends the core's own answer to a request; the pipeline logs it when it is out. */
static void
refuse(gs_conn_t *c, unsigned status)
{
    gs_request_t *req = c->req;

    c->refused = true;
    c->broken = true;
    c->close_after = true;
    c->linger = true; /* what the client sent after the bad part is unread */
    gs_response_error(&req->rsp, c->pool, status, 0, 0);
    if (gs_conn_send(req, true) == GS_SEND_DONE) {
        final_sent(c);
    }
}

static void
conn_headers_complete(gs_conn_t *c)
{
    unsigned status;
    gs_request_t *req = gs_request_from_head(c->pool, c->rbuf, c->spans, &c->parser,
                                             opts_of(c)->max_body_bytes, &status);

    fill_request(c, req);
    if (status != 0) {
        refuse(c, status);
        return;
    }
    handler_of(c)->handle(handler_of(c)->ctx, req);
}

/* The answer to a request whose head could not be completed; the connection closes after it. */
static void
conn_fail(gs_conn_t *c, unsigned status)
{
    if (c->pool == NULL) {
        c->pool = gs_pool_create();
        c->start_ms = c->loop->now_ms;
    }
    fill_request(c, gs_request_partial(c->pool, c->rbuf, c->spans, &c->parser));
    refuse(c, status);
}

/* conn_fail() from outside conn_parse(): may free the connection (-1). */
static int
fail_now(gs_conn_t *c, unsigned status)
{
    c->busy = true;
    conn_fail(c, status);
    c->busy = false;
    return c->state == CONN_CLOSING ? conn_continue(c) : 0;
}

/*
 * Feeds buffered input to llhttp until it wants more, the pipeline keeps a
 * request, or the connection ends.  In BODY state it runs even without
 * input: a request without a body completes only when llhttp is given the
 * chance to say so.
 */
static int
conn_parse(gs_conn_t *c)
{
    c->busy = true;
    for (;;) {
        llhttp_errno_t err;

        if (c->state == CONN_CLOSING) {
            c->busy = false;
            return conn_continue(c);
        }
        if (c->state == CONN_PIPELINE || c->state == CONN_SENDING) {
            /* The pipeline keeps the request: nothing to read until it is done. */
            pipeline_interest(c);
            break;
        }
        if (c->rpos == c->rlen && c->state != CONN_BODY) {
            break;
        }
        err = execute(c, c->rlen - c->rpos);
        if (c->state == CONN_HEADERS && c->rpos > opts_of(c)->max_header_bytes) {
            c->headers_ready = false;
            conn_fail(c, gs_head_too_large_status(c->spans, opts_of(c)->max_header_bytes));
            continue;
        }
        if (err == HPE_OK) {
            break;
        }
        if (err != HPE_PAUSED) {
            if (c->state == CONN_BODY) {
                /* Its response is sent: a bad or oversized body just ends the connection. */
                gs_log_debug("request body: %s", llhttp_errno_name(err));
                c->state = CONN_CLOSING;
                c->linger = true;
            } else {
                conn_fail(c, c->error_status ? c->error_status
                                             : gs_head_error_status(err, c->rbuf, c->rlen));
            }
            continue;
        }
        if (c->headers_ready) {
            c->headers_ready = false;
            conn_headers_complete(c);
        } else if (c->message_done) {
            message_complete(c);
        }
    }
    c->busy = false;

    if (c->rpos == c->rlen && (c->state == CONN_IDLE || c->state == CONN_BODY)) {
        c->rpos = c->rlen = 0;
        if (c->state == CONN_IDLE) {
            /* An idle connection holds no buffer: 10,000 of them cost little. */
            release_buffer(c);
            if (c->loop->draining) {
                conn_free(c);
                return -1;
            }
        }
    }
    return 0;
}

/* Makes room for input; -1 (and the answer on its way) when a request head is too big. */
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
    fail_now(c, gs_head_too_large_status(c->spans, max));
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
    return conn_close(c);
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
    conn_free(c);
}

void
gs_conn_event(gs_conn_t *c, uint32_t events)
{
    switch (c->state) {
    case CONN_PIPELINE:
    case CONN_SENDING:
        if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && !gs_writer_idle(&c->writer)) {
            if (conn_writable(c) != 0) {
                return;
            }
        }
        if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && c->body_wait) {
            c->body_wait = false;
            pipeline_interest(c);
            gs_timer_set(c->loop, &c->timer, GS_TIMER_PROCESSING);
            handler_of(c)->body_ready(handler_of(c)->ctx, c->req);
            break;
        }
        if (events & (EPOLLERR | EPOLLHUP)) {
            /* Reported whatever the interest: the client is gone while the pipeline works. */
            conn_close(c);
        }
        break;
    case CONN_LINGER:
        conn_discard(c);
        break;
    case CONN_CLOSING:
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
        gs_log_debug("request head not received in time: 408");
        fail_now(c, 408);
        break;
    case CONN_PIPELINE:
        if (c->body_wait) {
            /* The body did not come: the pipeline hears of it as a failed read. */
            c->body_wait = false;
            make_zombie(c);
            handler_of(c)->body_ready(handler_of(c)->ctx, c->req);
            break;
        }
        conn_close(c);
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
        conn_free(c);
    } else {
        c->close_after = true;
    }
}

void
gs_conn_abort(gs_conn_t *c)
{
    conn_close(c);
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
    c->interest = EPOLLIN;
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
